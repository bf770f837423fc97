"""Tests of assignment packs (``nncourse pack``): the index page shows objectives as text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nncourse import cli
from nncourse.errors import CourseError
from nncourse.notebooks import lesson_info
from nncourse.packs import lesson_heading, markdown_inline_html, write_pack

ROOT = Path(__file__).resolve().parent.parent


def test_inline_markdown_becomes_html():
    assert (
        markdown_inline_html("Train `MLPClassifier` on **raw** pixels")
        == "Train <code>MLPClassifier</code> on <strong>raw</strong> pixels"
    )
    assert (
        markdown_inline_html("Use *any* [optimiser](../lessons/02.md) & `a<b`")
        == "Use <em>any</em> optimiser &amp; <code>a&lt;b</code>"
    )
    assert markdown_inline_html("2 * 3 * 4 stays") == "2 * 3 * 4 stays"


def test_lesson_titled_once():
    assert lesson_heading(1, "1. A first neural network") == "Lesson 1: A first neural network"
    assert lesson_heading(3, "Lesson 3: Keras") == "Lesson 3: Keras"
    assert lesson_heading(2, "Optimisation") == "Lesson 2: Optimisation"


def test_pack_index_renders_objectives_and_titles(tmp_path):
    index = write_pack(ROOT, ["1", "3"], tmp_path / "pack", title="Week 1")
    page = index.read_text(encoding="utf-8")
    text_only = re.sub(r"<[^>]+>", "", page)
    assert "`" not in text_only, "raw backticks left in the index page"
    assert "<code>MLPClassifier</code>" in page or "<code>" in page
    info = lesson_info(ROOT / "lessons" / "01-mlp-digits.md")
    assert re.search(r"<h2>Lesson 1: [A-Z]", page), "lesson titled twice, e.g. 'Lesson 1: 1. ...'"
    assert page.count("<li>") >= len(info.objectives)
    for part in ("student", "answer-key"):
        assert (tmp_path / "pack" / part / "01-mlp-digits.ipynb").is_file()


def test_pack_command_and_bad_lessons(tmp_path, capsys):
    assert cli.main(["--root", str(ROOT), "pack", "1", "--out", str(tmp_path / "p")]) == 0
    assert (tmp_path / "p" / "index.html").is_file()
    with pytest.raises(CourseError, match="No lesson"):
        write_pack(ROOT, ["99"], tmp_path)
    with pytest.raises(CourseError, match="at least one"):
        write_pack(ROOT, [], tmp_path)
