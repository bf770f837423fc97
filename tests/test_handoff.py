"""The hand-off from the test run to the book build: a notebook the tests executed is not executed again.

A small book is built in a temporary folder with the course's own runner and Jupyter Book. After
``nncourse.runner.run_notebook`` has executed and cached its notebook, ``jupyter-book build``
must render the cached outputs and add nothing to the cache; once the notebook changes, the build
must execute it (so the test can tell the two apart).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nncourse import runner

NOTEBOOK = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
    jupytext_version: 1.19.6
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A tiny notebook

```{code-cell} ipython3
:tags: [remove-stderr]
import os
print("mode:", os.environ.get("NNCOURSE_CHECKS"), "answer:", 6 * VALUE)
```
"""


def _book(folder: Path, value: int) -> Path:
    (folder / "_config.yml").write_text(
        "title: Hand-off\nexecute:\n  execute_notebooks: cache\n  cache: _build/.jupyter_cache\n"
        "sphinx:\n  config:\n    nb_execution_raise_on_error: true\n",
        encoding="utf-8",
    )
    (folder / "_toc.yml").write_text(
        "format: jb-book\nroot: index\nchapters:\n  - file: lessons/tiny\n", encoding="utf-8"
    )
    (folder / "index.md").write_text("# Hand-off\n", encoding="utf-8")
    (folder / "lessons").mkdir(exist_ok=True)
    notebook = folder / "lessons" / "tiny.md"
    notebook.write_text(NOTEBOOK.replace("VALUE", str(value)), encoding="utf-8")
    return notebook


def _build(folder: Path) -> str:
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    # Jupyter Book resolves the cache folder against the working directory, as ./course book does.
    done = subprocess.run(
        [str(jupyter_book), "build", str(folder)], cwd=folder, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return (folder / "_build" / "html" / "lessons" / "tiny.html").read_text(encoding="utf-8")


def test_book_renders_what_the_runner_executed(tmp_path):
    notebook = _book(tmp_path, 7)
    cache = runner.cache_dir(tmp_path)
    result = runner.run_notebook(notebook, mode="solution", cache=cache)
    assert "answer: 42" in str(result.notebook.cells[-1].outputs)
    assert runner.cached(notebook, cache)
    keys = runner.cache_keys(cache)

    page = _build(tmp_path)
    # The build executed nothing: no new cache entry, and the page shows the runner's output,
    # including the check mode only the runner's kernel had.
    assert runner.cache_keys(cache) == keys
    assert "mode: solution answer: 42" in page

    # Change the notebook: now the book must execute it itself (in its own environment).
    _book(tmp_path, 8)
    assert not runner.cached(notebook, cache)
    page = _build(tmp_path)
    assert len(runner.cache_keys(cache) - keys) == 1
    assert "answer: 48" in page


def test_a_failing_notebook_names_its_cell(tmp_path):
    notebook = _book(tmp_path, 1)
    notebook.write_text(
        notebook.read_text(encoding="utf-8").replace(
            'print("mode:"', 'raise ValueError("broken on purpose")\nprint("mode:"'
        ),
        encoding="utf-8",
    )
    with pytest.raises(runner.NotebookFailed) as failure:
        runner.run_notebook(notebook, mode=None, cache=runner.cache_dir(tmp_path))
    message = str(failure.value)
    assert "tiny.md failed" in message
    assert "ValueError: broken on purpose" in message
    assert "\x1b[" not in message
    assert not runner.cached(notebook, runner.cache_dir(tmp_path))


def test_metrics_are_collected_from_the_kernel(tmp_path):
    notebook = _book(tmp_path, 2)
    notebook.write_text(
        notebook.read_text(encoding="utf-8")
        + "\n```{code-cell} ipython3\ntest_accuracy = 0.91234\nmetric_seconds_per_epoch = 3\nnot_a_metric = 5\nval_accuracy_flag = True\n```\n",
        encoding="utf-8",
    )
    result = runner.run_notebook(notebook, mode=None)
    assert result.metrics == {"metric_seconds_per_epoch": 3.0, "test_accuracy": 0.9123}
    assert result.seconds > 0
    # The probe that collected them is not part of the executed notebook.
    assert len(result.notebook.cells) == len(runner.read_notebook(notebook).cells)
