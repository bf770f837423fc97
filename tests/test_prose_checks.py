"""Every lesson ties the numbers of its prose to its output, and every figure has alt text.

A lesson states results in words ("about 89% of the test images"). Right after the cell that
computes such a result, a hidden cell tagged ``remove-cell`` and ``prose-check`` calls
``nncourse.repro.prose_number(value, "about 89% of the test images")``, which fails the notebook
run (tests/test_notebooks.py) when the output disagrees with the phrase. These tests, which run no
notebook, check the other half: that each quoted phrase is still in the lesson word for word, so
editing a number in the prose without editing its check fails here, and that the checks stay
hidden from the website (``remove-cell``) and out of the Colab copies (``prose-check``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import jupytext
import pytest

from nncourse.repro import _parse_prose

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("*.md"))
# calls that draw a figure; a cell that makes one must describe it in alt text
FIGURE_CALLS = re.compile(
    r"\b(plt\.subplots|plt\.figure|show_images|plot_history|compare_histories|plot_confusion_matrix|"
    r"plot_results|plot_weight_histograms|contour_paths)\("
)


def squash(text: str) -> str:
    """Collapse runs of white space, so that a phrase may wrap onto a new line in the lesson."""
    return " ".join(text.split())


def lesson_text(notebook) -> str:
    """All the prose a reader sees: markdown cells and the alt text of figures."""
    parts = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    for cell in notebook.cells:
        alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt")
        if alt:
            parts.append(alt)
    return squash("\n".join(parts))


def tags(cell) -> list[str]:
    return list(cell.metadata.get("tags", []))


def prose_calls(source: str) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "prose_number"
    ]


def keyword(call: ast.Call, name: str, position: int):
    """The constant value of an argument given by keyword or position, or None."""
    for item in call.keywords:
        if item.arg == name:
            return ast.literal_eval(item.value)
    if len(call.args) > position:
        return ast.literal_eval(call.args[position])
    return None


@pytest.fixture(params=LESSONS, ids=[path.stem for path in LESSONS])
def lesson(request):
    return request.param, jupytext.read(request.param)


def test_lesson_has_hidden_prose_checks(lesson):
    path, notebook = lesson
    checks = [cell for cell in notebook.cells if "prose-check" in tags(cell)]
    assert checks, f"{path.name} has no cell tagged prose-check that ties its prose numbers to its output"
    for cell in checks:
        assert cell.cell_type == "code", f"{path.name}: a prose-check cell must be a code cell"
        assert "remove-cell" in tags(cell), (
            f"{path.name}: prose-check cell {cell.source[:60]!r} is not tagged remove-cell"
        )


def test_every_quoted_phrase_is_in_the_prose(lesson):
    path, notebook = lesson
    text = lesson_text(notebook)
    calls = [call for cell in notebook.cells if "prose-check" in tags(cell) for call in prose_calls(cell.source)]
    missing = []
    for call in calls:
        phrase = keyword(call, "prose", 1)
        assert isinstance(phrase, str), f"{path.name}: prose_number needs the phrase as a plain string"
        if squash(phrase) not in text:
            missing.append(phrase)
    assert not missing, f"{path.name}: these phrases of its prose checks are no longer in the lesson: {missing}"


def test_explicit_bounds_agree_with_the_phrase(lesson):
    """Where a check gives its own interval, the number written in the phrase lies inside it."""
    path, notebook = lesson
    for cell in notebook.cells:
        if "prose-check" not in tags(cell):
            continue
        for call in prose_calls(cell.source):
            phrase, low, high = keyword(call, "prose", 1), keyword(call, "low", 2), keyword(call, "high", 3)
            try:
                stated, _, _ = _parse_prose(phrase)
            except ValueError:
                continue  # a phrase without a number ("all the probability") states only the interval
            if low is not None and high is not None:
                assert low <= stated <= high, (
                    f"{path.name}: {phrase!r} states {stated:g}, outside its check's {low:g} to {high:g}"
                )


def test_every_figure_has_alt_text(lesson):
    path, notebook = lesson
    without = [
        cell.source.splitlines()[0]
        for cell in notebook.cells
        if cell.cell_type == "code"
        and FIGURE_CALLS.search(cell.source)
        and not cell.metadata.get("mystnb", {}).get("image", {}).get("alt")
    ]
    assert not without, f"{path.name}: cells that draw a figure without alt text (mystnb: image: alt:): {without}"
