"""Execute course notebooks, time them, and record their headline metrics.

Usage (from the repository root, inside the virtual environment)::

    python scripts/benchmark.py                      # every notebook; writes benchmarks/latest.json
    python scripts/benchmark.py lessons/01-*.md      # some notebooks
    python scripts/benchmark.py --show lessons/01-mlp-digits.md   # also print every cell's output

Each notebook runs in a fresh kernel in its own folder, as a reader would run it. Headline metrics
are the numeric variables a notebook leaves behind whose names start with ``test_acc``,
``val_acc``, ``train_acc`` or ``test_loss`` (e.g. ``test_accuracy = model.evaluate(...)``).
The JSON record lets a maintainer compare times and accuracies across library upgrades; times
are measured here, never asserted in tests, because they depend on the machine.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("lessons", "exercises", "solutions")
METRIC_PREFIXES = ("test_acc", "val_acc", "train_acc", "test_loss")
COLLECT = (
    "import json as _j, numbers as _n\n"
    "print(_j.dumps({_k: float(_v) for _k, _v in dict(globals()).items() "
    f"if _k.startswith({METRIC_PREFIXES!r}) and isinstance(_v, _n.Real) and not isinstance(_v, bool)}}))"
)


def notebooks(patterns: list[str]) -> list[Path]:
    if patterns:
        return [Path(p).resolve() for p in patterns]
    return [path for folder in FOLDERS for path in sorted((ROOT / folder).glob("*.md"))]


def show_outputs(nb, image_dir: Path, stem: str) -> None:
    image_dir.mkdir(parents=True, exist_ok=True)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        print(f"--- cell {index}: {cell.source.splitlines()[0][:70] if cell.source else ''}")
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                print(output.text.rstrip()[-3000:])
            elif output.output_type in ("execute_result", "display_data"):
                data = output.get("data", {})
                if "image/png" in data:
                    target = image_dir / f"{stem}-cell{index}.png"
                    target.write_bytes(base64.b64decode(data["image/png"]))
                    print(f"[figure: {target}]")
                elif "text/plain" in data:
                    print(data["text/plain"][-3000:])
            elif output.output_type == "error":
                print(f"ERROR {output.ename}: {output.evalue}")


def run(path: Path, show: bool, mode: str | None) -> dict:
    nb = jupytext.read(path)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells.append(nbformat.v4.new_code_cell(COLLECT))
    if mode:
        os.environ["NNCOURSE_CHECKS"] = mode
    else:
        os.environ.pop("NNCOURSE_CHECKS", None)
    client = NotebookClient(nb, timeout=1800, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    started = time.perf_counter()
    error = None
    try:
        client.execute()
    except Exception as exc:  # noqa: BLE001 - report and go on with the other notebooks
        error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"
    seconds = time.perf_counter() - started
    metrics = {}
    last = nb.cells[-1].get("outputs", [])
    if not error and last and last[0].get("text"):
        metrics = json.loads(last[0]["text"])
    if show:
        nb.cells.pop()
        show_outputs(nb, Path("/tmp/nncourse-figures"), path.stem)
    return {"seconds": round(seconds, 1), "metrics": {k: round(v, 4) for k, v in metrics.items()}, "error": error}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="notebooks to run (default: all)")
    parser.add_argument("--show", action="store_true", help="print each cell's output; figures go to /tmp/nncourse-figures")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "latest.json"), help="where to write the JSON record")
    args = parser.parse_args()
    results = {}
    for path in notebooks(args.notebooks):
        mode = {"solutions": "solution", "exercises": "exercise"}.get(path.parent.name)
        name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
        result = run(path, args.show, mode)
        results[name] = result
        status = "ok" if not result["error"] else f"FAILED ({result['error']})"
        print(f"{name:<45} {result['seconds']:7.1f} s  {status}  {result['metrics']}", flush=True)
    if not args.notebooks:
        import keras
        import sklearn

        record = {
            "date": time.strftime("%Y-%m-%d"),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "versions": {"keras": keras.__version__, "scikit-learn": sklearn.__version__},
            "total_seconds": round(sum(r["seconds"] for r in results.values()), 1),
            "notebooks": results,
        }
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.output}")
    return 1 if any(r["error"] for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
