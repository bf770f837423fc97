"""Execute the course's notebooks once, and let every consumer reuse that execution.

One run of a notebook serves three purposes:

- the tests (``tests/test_notebooks.py``): the notebook must run top to bottom in a fresh kernel
  in its own folder, with strict exercise checks (``NNCOURSE_CHECKS``, by folder);
- the website: the executed notebook is stored in the book's execution cache
  (``_build/.jupyter_cache``, a jupyter-cache database) under the key MyST-NB looks it up by, so
  ``./course book`` after ``./course test`` renders these outputs instead of executing again;
- the benchmark record: the run's time and the notebook's headline metrics are kept in
  ``_build/notebook-runs.json``, from which ``scripts/benchmark.py`` writes
  ``benchmarks/latest.json`` and the page "Running the course".

Only public interfaces are used: MyST-NB's notebook reader, nbclient's ``NotebookClient`` and
jupyter-cache's ``get_cache``. The development tools (myst-nb, jupyter-cache, nbclient) are
imported inside the functions, so the rest of the package works without them (in Colab).
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "METRIC_PREFIXES",
    "NotebookFailed",
    "RunResult",
    "check_mode",
    "read_notebook",
    "run_notebook",
    "cache_dir",
    "cached",
    "cache_keys",
    "load_runs",
    "record_run",
    "source_digest",
]

ROOT = Path(__file__).resolve().parents[2]
CHECK_MODES = {"solutions": "solution", "exercises": "exercise"}
# Numeric variables a notebook leaves behind under these names are its headline metrics.
METRIC_PREFIXES = ("test_acc", "val_acc", "train_acc", "test_loss", "metric_")
_PROBE = (
    "import json as _nncourse_json, numbers as _nncourse_numbers\n"
    "print(_nncourse_json.dumps({_k: float(_v) for _k, _v in dict(globals()).items() "
    f"if _k.startswith({METRIC_PREFIXES!r}) and isinstance(_v, _nncourse_numbers.Real) "
    "and not isinstance(_v, bool)}))"
)
CELL_TIMEOUT = 900  # seconds per cell, as execute: timeout in _config.yml


class NotebookFailed(Exception):
    """A notebook raised, or a cell ran out of time; the message names the cell and the error."""


@dataclass
class RunResult:
    """What one execution of a notebook gave: the executed notebook, its time and metrics."""

    path: Path
    notebook: Any
    seconds: float
    metrics: dict[str, float] = field(default_factory=dict)


def check_mode(path: str | os.PathLike[str]) -> str | None:
    """``"solution"``, ``"exercise"`` or ``None``: how strictly the notebook's checks run, by folder."""
    return CHECK_MODES.get(Path(path).resolve().parent.name)


def read_notebook(path: str | os.PathLike[str]) -> Any:
    """Read a ``.md`` (MyST) or ``.ipynb`` notebook exactly as the book's MyST-NB reads it."""
    import nbformat
    from myst_nb.core.read import read_myst_markdown_notebook

    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        return nbformat.reads(text, as_version=4)
    return read_myst_markdown_notebook(text, path=str(path))


def cache_dir(root: str | os.PathLike[str] = ROOT) -> Path:
    """The book's execution cache, as ``execute: cache:`` in ``_config.yml`` names it."""
    import yaml

    root = Path(root)
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    return root / (config.get("execute", {}).get("cache") or "_build/.jupyter_cache")


def _failure(path: Path, nb: Any, error: Exception) -> NotebookFailed:
    """One readable message for a failed notebook: which cell, which error, the traceback's end."""
    failed = None
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") == "error":
                failed = (index, cell, output)
    lines = [f"{path.name} failed."]
    if failed:
        index, cell, output = failed
        first = next((line for line in cell.source.splitlines() if line.strip()), "")
        lines.append(f"Cell {index} (starting `{first[:80]}`) raised {output.get('ename')}: {output.get('evalue')}")
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip().splitlines()
    lines.extend(text[-40:])
    return NotebookFailed("\n".join(lines))


def run_notebook(
    path: str | os.PathLike[str],
    *,
    mode: str | None | bool = True,
    cache: str | os.PathLike[str] | None = None,
    timeout: int = CELL_TIMEOUT,
    env: dict[str, str] | None = None,
) -> RunResult:
    """Execute a notebook in a fresh kernel in its own folder and return the executed notebook.

    ``mode``: ``True`` picks the check mode from the folder (:func:`check_mode`); a string or
    ``None`` sets it. When ``cache`` names a jupyter-cache folder, the executed notebook is stored
    there so that the book build reuses it. Raises :class:`NotebookFailed` when a cell raises.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    path = Path(path).resolve()
    nb = read_notebook(path)
    mode = check_mode(path) if mode is True else mode
    kernel_env = dict(os.environ if env is None else env)
    kernel_env.pop("NNCOURSE_CHECKS", None)
    if mode:
        kernel_env["NNCOURSE_CHECKS"] = str(mode)
    # A probe cell, run last in the same kernel, reports the headline metrics; it is removed
    # again before the notebook is cached, so the cached notebook is the notebook.
    nb.cells.append(nbformat.v4.new_code_cell(_PROBE))
    kernel = nb.metadata.get("kernelspec", {}).get("name", "python3")
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel, record_timing=False, allow_errors=False)
    started = time.perf_counter()
    try:
        client.execute(cwd=str(path.parent), env=kernel_env)
    except (CellExecutionError, CellTimeoutError) as error:
        nb.cells.pop()
        raise _failure(path, nb, error) from None
    seconds = time.perf_counter() - started
    probe = nb.cells.pop()
    metrics: dict[str, float] = {}
    for output in probe.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            metrics = json.loads(output["text"].strip().splitlines()[-1])
    result = RunResult(path, nb, seconds, {k: round(v, 4) for k, v in sorted(metrics.items())})
    if cache is not None:
        _store(Path(cache), path, nb, seconds)
    return result


def _store(cache: Path, path: Path, nb: Any, seconds: float) -> None:
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    store = get_cache(str(cache))
    store.cache_notebook_bundle(
        CacheBundleIn(nb, str(path), data={"execution_seconds": seconds}), check_validity=False, overwrite=True
    )
    # The hand-off only works if the book finds this notebook under the key of its own reading.
    try:
        store.match_cache_notebook(read_notebook(path))
    except KeyError:
        raise NotebookFailed(
            f"{path.name} ran, but the book's reading of it does not match what was cached: the "
            "book build would execute it again. Did the notebook change while it ran?"
        ) from None


def cached(path: str | os.PathLike[str], cache: str | os.PathLike[str]) -> bool:
    """Whether the book build would find this notebook, as it is now, in the execution cache."""
    from jupyter_cache import get_cache

    if not Path(cache).is_dir():
        return False
    try:
        get_cache(str(cache)).match_cache_notebook(read_notebook(path))
    except KeyError:
        return False
    return True


def cache_keys(cache: str | os.PathLike[str]) -> set[str]:
    """The hash keys of every executed notebook in the cache (to see what a build added)."""
    from jupyter_cache import get_cache

    if not Path(cache).is_dir():
        return set()
    return {record.hashkey for record in get_cache(str(cache)).list_cache_records()}


# ---------------------------------------------------------------------------------------------
# The record of runs, from which the benchmark record is written
# ---------------------------------------------------------------------------------------------


def source_digest(path: str | os.PathLike[str]) -> str:
    """A digest of a notebook's text, to tell whether a recorded run is of the notebook as it is now."""
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def runs_file(root: str | os.PathLike[str] = ROOT) -> Path:
    return Path(root) / "_build" / "notebook-runs.json"


def load_runs(root: str | os.PathLike[str] = ROOT) -> dict[str, dict[str, Any]]:
    """Every recorded run: ``{"lessons/01-mlp-digits.md": {"seconds", "metrics", "date"}, ...}``."""
    try:
        return json.loads(runs_file(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def record_run(result: RunResult, root: str | os.PathLike[str] = ROOT) -> None:
    """Add one run to ``_build/notebook-runs.json`` (the latest run of each notebook is kept)."""
    root = Path(root)
    runs = load_runs(root)
    name = result.path.relative_to(root).as_posix() if result.path.is_relative_to(root) else str(result.path)
    runs[name] = {
        "source_sha256": source_digest(result.path),
        "seconds": round(result.seconds, 1),
        "metrics": result.metrics,
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    target = runs_file(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(dict(sorted(runs.items())), indent=2) + "\n", encoding="utf-8")
