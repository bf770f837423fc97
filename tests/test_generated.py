"""The generated notebooks: exercise notebooks from solutions, Colab copies, assignment packs.

These tests fail when a generated file is not what the generator writes today, when a lesson
lacks its exercise or solution notebook or its place in the table of contents, and (once the
site is built) when a launch button points to a file the repository does not have.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

from nncourse import notebooks
from nncourse.errors import CourseError

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("*.md"))

HEADER = """---
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
"""


def exercise_of(body: str, tmp_path: Path) -> str:
    source = tmp_path / "solution.md"
    source.write_text(HEADER + body, encoding="utf-8")
    return notebooks.exercise_text(source)


def test_markers_become_placeholders(tmp_path):
    body = """
# Solutions 9: test

```{code-cell} ipython3
answer = 6 * 7  # SOLUTION
total += 1  # SOLUTION
print("kept")
```

```{code-cell} ipython3
def f(x):
    # BEGIN SOLUTION
    y = x + 1
    return y
    # END SOLUTION


model = ...
# BEGIN SOLUTION
model = build()
model.fit()
# END SOLUTION
```

```{code-cell} ipython3
:tags: [solution]

print("only in the solution")
```

+++ {"tags": ["solution"]}

Discussion of the answer.
"""
    text = exercise_of(body, tmp_path)
    assert "# Exercises 9: test" in text and "Solutions 9" not in text
    assert "answer = ...  # Your code here" in text
    assert "total = ...  # Your code here" in text
    assert 'print("kept")' in text
    assert "    return ...  # Your code here" in text
    assert "model = ...\n...  # Your code here" in text
    for gone in ("6 * 7", "x + 1", "build()", "only in the solution", "Discussion of the answer", "SOLUTION"):
        assert gone not in text
    assert text.startswith(HEADER)


@pytest.mark.parametrize(
    "code, words",
    [
        ("# BEGIN SOLUTION\nx = 1\n", "no END SOLUTION"),
        ("x = 1\n# END SOLUTION\n", "without a BEGIN"),
        ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n", "inside another"),
    ],
)
def test_unbalanced_markers_are_reported(tmp_path, code, words):
    with pytest.raises(CourseError, match=words):
        exercise_of(f"# Solutions\n\n```{{code-cell}} ipython3\n{code}```\n", tmp_path)


def test_generated_files_are_up_to_date():
    stale = [str(path.relative_to(ROOT)) for path in notebooks.out_of_date(ROOT)]
    assert not stale, f"Out of date (run `nncourse generate` and commit): {stale}"


def test_every_lesson_has_exercises_solutions_and_a_place_in_the_toc():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = {chapter["file"] for part in toc["parts"] for chapter in part["chapters"]}
    assert LESSONS, "no lessons found"
    for lesson in LESSONS:
        for folder in ("lessons", "exercises", "solutions"):
            assert (ROOT / folder / lesson.name).is_file(), f"{folder}/{lesson.name} is missing"
            assert f"{folder}/{lesson.stem}" in files, f"{folder}/{lesson.stem} is not in _toc.yml"
    for part in toc["parts"]:
        for chapter in part["chapters"]:
            assert (ROOT / f"{chapter['file']}.md").is_file(), f"_toc.yml names {chapter['file']}, which does not exist"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_lessons_state_objectives_and_time(lesson):
    info = notebooks.lesson_info(lesson)
    assert info.title and len(info.objectives) >= 3
    assert re.search(r"\d+ minutes", info.minutes)
    text = lesson.read_text(encoding="utf-8")
    assert "## Summary" in text and "## Exercises" in text
    assert f"../exercises/{lesson.name}" in text


@pytest.mark.parametrize("md", sorted(p for f in ("lessons", "exercises", "solutions") for p in (ROOT / f).glob("*.md")), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_colab_copy_has_setup_cell_first_and_no_outputs(md):
    nb = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "code" and 'if "google.colab" in sys.modules:' in first.source
    install = [line for line in first.source.splitlines() if '"pip", "install"' in line]
    assert len(install) == 1 and "tensorflow" not in install[0].lower(), "the Colab cell must never reinstall TensorFlow"
    url, branch = notebooks.repository_info(ROOT)
    assert f"git+{url}.git@{branch}" in first.source
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")
    assert len(nb.cells) == len(jupytext.read(md).cells) + 1


def test_colab_setup_cell_does_nothing_outside_colab():
    namespace: dict = {}
    exec(notebooks.colab_setup_source("https://example.org/x", "main", ["extra-package==1.0"]), namespace)
    assert "subprocess" not in namespace


def test_pack_has_student_and_answer_key_notebooks_and_an_index(tmp_path):
    index = notebooks.write_pack(ROOT, ["1"], tmp_path / "pack", title="Week 1")
    stem = LESSONS[0].stem
    student = nbformat.read(tmp_path / "pack" / "student" / f"{stem}.ipynb", as_version=4)
    key = nbformat.read(tmp_path / "pack" / "answer-key" / f"{stem}.ipynb", as_version=4)
    assert any("# Your code here" in cell.source for cell in student.cells)
    assert not any("# Your code here" in cell.source for cell in key.cells)
    page = index.read_text(encoding="utf-8")
    info = notebooks.lesson_info(LESSONS[0])
    assert "Week 1" in page and info.minutes in page
    assert all(html.escape(objective) in page for objective in info.objectives)
    assert f"colab.research.google.com/github/" in page and f"exercises/{stem}.ipynb" in page


def test_pack_explains_unknown_lessons(tmp_path):
    with pytest.raises(CourseError, match="No lesson '99'"):
        notebooks.write_pack(ROOT, ["99"], tmp_path)
    with pytest.raises(CourseError, match="at least one lesson"):
        notebooks.write_pack(ROOT, [], tmp_path)


def test_cli_check_reports_stale_files(tmp_path, capsys):
    from nncourse.cli import main

    assert main(["--root", str(ROOT), "generate", "--check"]) == 0
    assert main(["--root", str(tmp_path), "generate", "--check"]) == 2
    assert "not the course's root folder" in capsys.readouterr().err


SITE = ROOT / "_build" / "html"


@pytest.mark.skipif(
    not (SITE / "index.html").is_file() and not os.environ.get("NNCOURSE_REQUIRE_SITE"),
    reason="the site is not built (./course book); CI builds it first and sets NNCOURSE_REQUIRE_SITE",
)
def test_launch_buttons_point_to_files_in_the_repository():
    url, branch = notebooks.repository_info(ROOT)
    owner_repo = re.match(r"https://github\.com/(.+)$", url).group(1)
    pages = [p for p in SITE.rglob("*.html") if p.parent.name in ("lessons", "exercises", "solutions")]
    assert pages, "no lesson pages in the built site"
    checked = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        links = re.findall(r'https://colab\.research\.google\.com/github/([^"\']+)', text)
        assert links, f"{page.relative_to(ROOT)} has no Colab button"
        for link in links:
            prefix = f"{owner_repo}/blob/{branch}/"
            assert link.startswith(prefix), link
            target = ROOT / link[len(prefix) :]
            assert target.suffix == ".ipynb" and target.is_file(), f"{page.name}: Colab button opens {link}, which does not exist"
            json.loads(target.read_text(encoding="utf-8"))
            checked += 1
    assert checked >= len(pages)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_exercise_and_solution_pages_link_to_each_other_and_the_lesson(lesson):
    name = lesson.name
    exercise = (ROOT / "exercises" / name).read_text(encoding="utf-8")
    solution = (ROOT / "solutions" / name).read_text(encoding="utf-8")
    for text, others in ((exercise, ("lessons", "solutions")), (solution, ("lessons", "exercises"))):
        for folder in others:
            assert f"../{folder}/{name}" in text, f"a page of {lesson.stem} does not link to {folder}/{name}"
