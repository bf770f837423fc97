"""Write the benchmark record and the page "Running the course"; run notebooks for authors.

Usage (from the repository root)::

    .venv/bin/python scripts/benchmark.py                  # refresh benchmarks/latest.json and running.md
    .venv/bin/python scripts/benchmark.py lessons/05-cnn.md            # run some notebooks, print times
    .venv/bin/python scripts/benchmark.py --show lessons/05-cnn.md     # ... and every cell's output

The record comes from the runs that ``./course test`` made (``_build/notebook-runs.json``, see
``nncourse.runner``): with no arguments this script executes only the notebooks that have no
recorded run of their current text, then writes ``benchmarks/latest.json`` (times, headline
metrics, machine, date, library versions) and ``running.md``. So after ``./course test`` it
executes nothing. Times are measured here, never asserted in tests, because they depend on the
machine.

Every notebook this script runs is also stored in the book's execution cache, like a test run.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from pathlib import Path

from nncourse import benchmarks, runner

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "benchmarks" / "latest.json"
PAGE = ROOT / "running.md"
FIGURES = Path("/tmp/nncourse-figures")


def course_notebooks() -> list[Path]:
    return [path for folder in benchmarks.FOLDERS for path in sorted((ROOT / folder).glob("*.md"))]


def show_outputs(nb, stem: str) -> None:
    """Print each code cell's output; save figures as PNG files."""
    FIGURES.mkdir(parents=True, exist_ok=True)
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
                    target = FIGURES / f"{stem}-cell{index}.png"
                    target.write_bytes(base64.b64decode(data["image/png"]))
                    print(f"[figure: {target}]")
                elif "text/plain" in data:
                    print(data["text/plain"][-3000:])


def run(path: Path, show: bool) -> bool:
    name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
    try:
        result = runner.run_notebook(path, cache=runner.cache_dir(ROOT))
    except runner.NotebookFailed as failure:
        print(f"{name:<45} FAILED\n{failure}", flush=True)
        return False
    runner.record_run(result, ROOT)
    if show:
        show_outputs(result.notebook, path.stem)
    print(f"{name:<45} {result.seconds:7.1f} s  {result.metrics}", flush=True)
    return True


def refresh() -> int:
    """Run what has no current record, then write the record and the page."""
    runs = runner.load_runs(ROOT)
    ok = True
    for path in course_notebooks():
        name = path.relative_to(ROOT).as_posix()
        if runs.get(name, {}).get("source_sha256") != runner.source_digest(path):
            ok = run(path, show=False) and ok
    if not ok:
        print("Some notebooks failed; the record was not written.")
        return 1
    runs = runner.load_runs(ROOT)
    record = benchmarks.build_record(runs, [p.relative_to(ROOT).as_posix() for p in course_notebooks()])
    RECORD.parent.mkdir(parents=True, exist_ok=True)
    RECORD.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    PAGE.write_text(benchmarks.running_page(record, ROOT), encoding="utf-8")
    print(
        f"wrote {RECORD.relative_to(ROOT)} and {PAGE.relative_to(ROOT)} (all notebooks: {record['total_seconds']:.0f} s)"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="notebooks to run (default: refresh the record)")
    parser.add_argument("--show", action="store_true", help=f"print each cell's output; figures go to {FIGURES}")
    args = parser.parse_args()
    if not args.notebooks:
        return refresh()
    results = [run(Path(p).resolve(), args.show) for p in args.notebooks]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
