"""The benchmark record and the page "Running the course" built from it.

``benchmarks/latest.json`` holds, for every notebook, the time of its last run and its headline
metrics (numeric variables named ``test_acc...``, ``metric_...``; see
:data:`nncourse.runner.METRIC_PREFIXES`), with the machine, the date and the library versions.
It is written by ``scripts/benchmark.py`` from the runs that ``./course test`` recorded, so the
figures come from the same single execution that the tests and the book use.

:func:`running_page` turns the record into ``running.md``, a page of the website that tells a
learner what each lesson costs to run and what it reaches; a test keeps the page in step with
the record.
"""

from __future__ import annotations

import os
import platform
import re
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["machine_info", "library_versions", "build_record", "running_page", "format_seconds", "metric_label"]

FOLDERS = ("lessons", "exercises", "solutions")
_LIBRARIES = ("tensorflow", "keras", "numpy", "scikit-learn", "pandas", "matplotlib", "jupyter-book")


def machine_info() -> dict[str, Any]:
    """The processor, core count, memory and Python of this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = round(pages / 2**30)
    except (ValueError, OSError, AttributeError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory,
        "gpu": False,
        "system": f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(),
    }


def library_versions() -> dict[str, str]:
    """Installed versions of the libraries whose speed or numbers the record depends on."""
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in _LIBRARIES:
        for candidate in (name, f"{name}-cpu"):
            try:
                found[name] = version(candidate)
                break
            except PackageNotFoundError:
                continue
    return found


def build_record(runs: Mapping[str, Mapping[str, Any]], notebooks: list[str]) -> dict[str, Any]:
    """The benchmark record of ``notebooks`` (paths relative to the root) from recorded runs."""
    missing = [name for name in notebooks if name not in runs]
    if missing:
        raise ValueError(f"no recorded run of {', '.join(missing)}")
    entries = {
        name: {"seconds": runs[name]["seconds"], "metrics": dict(runs[name].get("metrics", {}))} for name in notebooks
    }
    return {
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine_info(),
        "versions": library_versions(),
        "total_seconds": round(sum(entry["seconds"] for entry in entries.values()), 1),
        "notebooks": entries,
    }


def format_seconds(seconds: float) -> str:
    """A reader's figure for a run time: ``"25 s"``, ``"about 2 min"``."""
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    return f"about {round(seconds / 60)} min"


def metric_label(name: str, value: float) -> str:
    """``test_accuracy, 0.9123`` -> ``"test accuracy 0.912"``; ``metric_`` is dropped from names.

    Times (names with "second") get one decimal, other values below 10 three, larger ones none.
    """
    words = re.sub(r"^metric_", "", name).replace("_", " ")
    if "second" in name:
        shown = f"{value:.1f}" if abs(value) < 100 else f"{value:.0f}"
    else:
        shown = f"{value:.3f}" if abs(value) < 10 else f"{value:.0f}"
    return f"{words} {shown}"


def _lesson_titles(root: Path) -> dict[str, str]:
    from nncourse.notebooks import lesson_info

    titles = {}
    for lesson in sorted((root / "lessons").glob("*.md")):
        try:
            titles[lesson.stem] = lesson_info(lesson).title
        except ValueError:
            titles[lesson.stem] = lesson.stem
    return titles


def running_page(record: Mapping[str, Any], root: str | os.PathLike[str]) -> str:
    """The Markdown of the page "Running the course", from a benchmark record."""
    root = Path(root)
    machine, versions, notebooks = record["machine"], record["versions"], record["notebooks"]
    rows = []
    for stem, title in _lesson_titles(root).items():
        cells = []
        for folder in FOLDERS:
            entry = notebooks.get(f"{folder}/{stem}.md")
            cells.append(format_seconds(entry["seconds"]) if entry else "–")
        lesson_metrics = notebooks.get(f"lessons/{stem}.md", {}).get("metrics", {})
        reached = "; ".join(metric_label(name, value) for name, value in lesson_metrics.items()) or "–"
        rows.append(f"| [{title}](lessons/{stem}.md) | {' | '.join(cells)} | {reached} |")
    slowest = max(notebooks.items(), key=lambda item: item[1]["seconds"])
    library_list = ", ".join(f"{name} {version}" for name, version in versions.items())
    memory = f", {machine['memory_gib']} GiB of memory" if machine.get("memory_gib") else ""
    return (
        "# Running the course\n\n"
        "How long each notebook takes to run from top to bottom, and what its models reach, measured "
        f"on the course's reference machine on {record['date']}: {machine['cores']} CPU cores "
        f"({machine['cpu']}){memory}, no GPU, Python {machine['python']}. Every notebook runs on a "
        "CPU; a recent laptop or a free Colab session takes about as long, a GPU is not needed.\n\n"
        "The exercise column is the notebook as handed out, with no answers filled in; the solution "
        "column is the worked answers, which is about what a finished exercise notebook costs. "
        "The last column lists the lesson's headline results (accuracies are on held-out test data, "
        "between 0 and 1). The numbers are seeded, so the same machine and library versions give "
        "the same results; another processor or library version may differ in the last digits.\n\n"
        "| Lesson | lesson notebook | exercises | solutions | what the lesson reaches |\n"
        "| --- | --- | --- | --- | --- |\n" + "\n".join(rows) + "\n\n"
        f"All {len(notebooks)} notebooks together take {format_seconds(record['total_seconds'])}; the "
        f"slowest is `{slowest[0]}` ({format_seconds(slowest[1]['seconds'])}).\n\n"
        f"Library versions: {library_list}.\n\n"
        "Instructors planning a class: add reading and exercise time to these figures (each lesson "
        "states its estimated time at the top). Maintainers: `./course test` records every run, and "
        "`.venv/bin/python scripts/benchmark.py` writes `benchmarks/latest.json` and this page from "
        "those runs (see the README, 'Measuring speed').\n"
    )
