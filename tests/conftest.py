"""Run every MyST notebook of the course, once, and hand the executions to the book build.

``tests/test_notebooks.py`` is collected by this conftest, not as a Python module: it becomes a
suite with one test per ``.md`` notebook under ``lessons/``, ``exercises/`` and ``solutions/``
(and the instructor guide, if it has code cells). Each notebook runs with
:func:`nncourse.runner.run_notebook`: a fresh kernel in the notebook's own folder, every cell in
order, a readable failure naming the cell that raised. Exercise checks run strict (see
``nncourse.exercises.core``): in ``solutions/`` every check must say "correct"; in ``exercises/``
every check must say "not attempted yet".

Each executed notebook is stored in the book's execution cache (``_build/.jupyter_cache``), keyed
the way MyST-NB looks it up, so ``./course book`` after ``./course test`` executes nothing that the
tests already ran. Its time and headline metrics go to ``_build/notebook-runs.json``, which
``scripts/benchmark.py`` turns into the benchmark record. At the end a table shows each
notebook's time.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nncourse import runner

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_FOLDERS = ("lessons", "exercises", "solutions")
_timings: dict[str, float] = {}


def course_notebooks() -> list[Path]:
    """Every MyST notebook of the course: the instructor guide, then lessons, exercises, solutions."""
    found = [ROOT / "instructors.md"]
    for folder in NOTEBOOK_FOLDERS:
        found.extend(sorted((ROOT / folder).glob("*.md")))
    return [path for path in found if path.read_text(encoding="utf-8").lstrip().startswith("---")]


class NotebookRun(pytest.Item):
    """One notebook, executed top to bottom; passes when no cell raises."""

    def __init__(self, *, path: Path, **kwargs):
        super().__init__(**kwargs)
        self.notebook_path = path

    def runtest(self):
        result = runner.run_notebook(self.notebook_path, cache=runner.cache_dir(ROOT))
        _timings[self.name] = result.seconds
        runner.record_run(result, ROOT)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, runner.NotebookFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.notebook_path, None, self.name


class NotebookSuite(pytest.File):
    """The course's notebooks, collected from ``tests/test_notebooks.py``."""

    def collect(self):
        for path in course_notebooks():
            name = str(path.relative_to(ROOT))
            yield NotebookRun.from_parent(self, name=name, path=path)


def pytest_pycollect_makemodule(module_path, parent):
    if module_path.name == "test_notebooks.py" and module_path.parent == ROOT / "tests":
        return NotebookSuite.from_parent(parent, path=module_path)
    return None


def pytest_terminal_summary(terminalreporter):
    if not _timings:
        return
    terminalreporter.section("notebook run times")
    width = max(len(name) for name in _timings)
    for name, seconds in sorted(_timings.items()):
        terminalreporter.write_line(f"{name:<{width}}  {seconds:7.1f} s")
    terminalreporter.write_line(f"{'total':<{width}}  {sum(_timings.values()):7.1f} s")
