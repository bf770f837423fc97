"""Run every MyST notebook of the course under nbval.

``tests/test_notebooks.py`` is collected by this conftest, not as a Python module: it becomes a
suite with one nbval collector per ``.md`` notebook under ``lessons/``, ``exercises/`` and
``solutions/``. Each notebook is read with jupytext, so nothing is converted or written, and its
kernel starts in the notebook's own folder, so relative paths work as they do for a reader.

Outputs are not compared (MyST sources store none): a notebook passes when every cell runs.
Exercise checks run strict (see ``nncourse.exercises.core``): in ``solutions/`` every check must
say "correct"; in ``exercises/`` every check must say "not attempted yet".

At the end of the run a table shows how long each notebook took.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, RunningKernel
from nbval.plugin import IPyNbFile

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_FOLDERS = ("lessons", "exercises", "solutions")
CHECK_MODES = {"solutions": "solution", "exercises": "exercise"}
_timings: dict[str, float] = {}


def course_notebooks() -> list[Path]:
    """Every MyST notebook of the course: the instructor guide, then lessons, exercises, solutions."""
    found = [ROOT / "instructors.md"]
    for folder in NOTEBOOK_FOLDERS:
        found.extend(sorted((ROOT / folder).glob("*.md")))
    return [path for path in found if path.read_text(encoding="utf-8").lstrip().startswith("---")]


class MySTNotebook(IPyNbFile):
    """An nbval collector for a MyST markdown notebook, run in place without output comparison."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.compare_outputs = False
        self._started = 0.0

    def collect(self):
        self.nb = jupytext.read(self.path)
        self.nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        # nbval's collect() reads the file with nbformat.read, which cannot parse MyST:
        # hand it the notebook jupytext read instead, for the duration of the call.
        original = nbformat.read
        try:
            nbformat.read = lambda *args, **kwargs: self.nb
            yield from super().collect()
        finally:
            nbformat.read = original

    def setup(self):
        self._started = time.perf_counter()
        mode = CHECK_MODES.get(self.path.parent.name)
        saved = {key: os.environ.get(key) for key in ("NNCOURSE_CHECKS", "MPLBACKEND")}
        os.environ["MPLBACKEND"] = "Agg"
        if mode:
            os.environ["NNCOURSE_CHECKS"] = mode
        else:
            os.environ.pop("NNCOURSE_CHECKS", None)
        try:
            self.kernel = RunningKernel(
                CURRENT_ENV_KERNEL_NAME,
                cwd=str(self.path.parent),
                startup_timeout=int(self.config.option.nbval_kernel_startup_timeout),
            )
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        self.setup_sanitize_files()

    def teardown(self):
        super().teardown()
        if self._started:
            _timings[str(self.path.relative_to(ROOT))] = time.perf_counter() - self._started


class NotebookSuite(pytest.File):
    """The course's notebooks, collected from ``tests/test_notebooks.py``."""

    def collect(self):
        for path in course_notebooks():
            yield MySTNotebook.from_parent(self, path=path, name=str(path.relative_to(ROOT)))


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
