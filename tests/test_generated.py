"""The generated notebooks: exercise notebooks from solutions, Colab copies, assignment packs.

These tests fail when a generated file is not what the generator writes today, when a lesson
lacks its exercise or solution notebook or its place in the table of contents, and (once the
site is built) when a launch button points to a file the repository does not have.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

from nncourse import notebooks, packs
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


@pytest.mark.parametrize(
    "md",
    sorted(p for f in ("lessons", "exercises", "solutions") for p in (ROOT / f).glob("*.md")),
    ids=lambda p: f"{p.parent.name}/{p.stem}",
)
def test_colab_copy_has_setup_cell_first_and_no_outputs(md):
    nb = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "code" and 'if "google.colab" in sys.modules:' in first.source
    install = [line for line in first.source.splitlines() if '"pip", "install"' in line]
    assert len(install) == 1 and "tensorflow" not in install[0].lower(), (
        "the Colab cell must never reinstall TensorFlow"
    )
    url, branch = notebooks.repository_info(ROOT)
    assert f"git+{url}.git@{branch}" in first.source
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")
    source_cells = [c for c in jupytext.read(md).cells if "prose-check" not in c.get("metadata", {}).get("tags", [])]
    assert len(nb.cells) == len(source_cells) + 1


def test_colab_setup_cell_does_nothing_outside_colab():
    namespace: dict = {}
    exec(notebooks.colab_setup_source("https://example.org/x", "main", ["extra-package==1.0"]), namespace)
    assert "subprocess" not in namespace


def test_pack_explains_unknown_lessons(tmp_path):
    with pytest.raises(CourseError, match="No lesson '99'"):
        packs.write_pack(ROOT, ["99"], tmp_path)
    with pytest.raises(CourseError, match="at least one lesson"):
        packs.write_pack(ROOT, [], tmp_path)


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
            assert target.suffix == ".ipynb" and target.is_file(), (
                f"{page.name}: Colab button opens {link}, which does not exist"
            )
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


# ---------------------------------------------------------------------------------------------
# Structure: an exercise notebook keeps every heading, instruction and check of its solutions
# ---------------------------------------------------------------------------------------------

SOLUTIONS = sorted((ROOT / "solutions").glob("*.md"))
_MARKED = re.compile(r"#\s*(BEGIN |END )?SOLUTION\s*$")


def _headings(nb) -> list[str]:
    found = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found += [
                line.strip()
                for line in notebooks._outside_fences(cell.source).splitlines()
                if re.match(r"^#{1,6}\s", line)
            ]
    return [h.replace("# Solutions", "# Exercises", 1) for h in found]


def _checks(nb) -> list[str]:
    return [
        m.group(0).strip()
        for cell in nb.cells
        if cell.cell_type == "code"
        for m in re.finditer(r"^\s*\w+\.check\(.*$", cell.source, re.MULTILINE)
    ]


def _paragraphs(nb, solution_only: bool | None = None) -> list[str]:
    out = []
    for cell in nb.cells:
        tagged = "solution" in cell.get("metadata", {}).get("tags", [])
        if cell.cell_type != "markdown" or (solution_only is not None and tagged != solution_only):
            continue
        out += [" ".join(p.split()) for p in re.split(r"\n\s*\n", cell.source) if p.strip()]
    return out


def _unmarked(source: str, placeholder: bool) -> list[str]:
    """The lines of a code cell that are neither answer nor placeholder (they must be the same in both)."""
    lines, inside = [], False
    for line in source.splitlines():
        if re.search(r"#\s*BEGIN SOLUTION\s*$", line):
            inside = True
            continue
        if re.search(r"#\s*END SOLUTION\s*$", line):
            inside = False
            continue
        if inside or _MARKED.search(line) or (placeholder and line.rstrip().endswith(notebooks.PLACEHOLDER)):
            continue
        lines.append(line)
    return lines


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_exercise_keeps_every_heading_instruction_and_check(solution):
    source = jupytext.read(solution)
    exercise = jupytext.read(ROOT / "exercises" / solution.name)
    assert _headings(exercise) == _headings(source), "the exercise lost or reordered headings of its solution notebook"
    assert _checks(exercise) == _checks(source), "the exercise lost check calls of its solution notebook"
    kept = _paragraphs(exercise)
    for paragraph in _paragraphs(source, solution_only=False):
        if "<!-- solutions-only -->" in paragraph or paragraph.startswith("<!-- exercises-only:"):
            continue
        assert paragraph.replace("# Solutions", "# Exercises", 1) in kept, f"the exercise lost: {paragraph[:80]!r}"
    # Only the marked answers differ: every other line of every code cell is the same.
    source_code = [
        c.source for c in source.cells if c.cell_type == "code" and "solution" not in c.metadata.get("tags", [])
    ]
    exercise_code = [c.source for c in exercise.cells if c.cell_type == "code"]
    assert len(source_code) == len(exercise_code)
    for a, b in zip(source_code, exercise_code):
        assert _unmarked(a, False) == _unmarked(b, True)
    # Every question in the exercise has a heading and an instruction paragraph before its check.
    since_check = {"heading": False, "paragraph": False}
    for cell in exercise.cells:
        if cell.cell_type == "markdown":
            text = notebooks._outside_fences(cell.source)
            since_check["heading"] |= bool(re.search(r"^#{1,6}\s", text, re.MULTILINE))
            since_check["paragraph"] |= any(
                p.strip() and not p.lstrip().startswith("#") for p in re.split(r"\n\s*\n", text)
            )
        elif re.search(r"^\s*\w+\.check\(", cell.source, re.MULTILINE):
            call = re.search(r"^\s*\w+\.check\(", cell.source, re.MULTILINE).group(0).strip()
            assert since_check["paragraph"], f"{call}: no instructions before it in the exercise"
            since_check = (
                {"heading": True, "paragraph": True}
                if call.count(".check(") > 1
                else {"heading": False, "paragraph": False}
            )


def test_a_runaway_solution_cell_fails_loudly(tmp_path):
    body = """
# Solutions 9: test

```{code-cell} ipython3
from nncourse.exercises.lesson1 import q1, q2
x = 1  # SOLUTION
q1.check(x)
```

+++ {"tags": ["solution"]}

Why x is 1.

## Question 2: the next one

Compute y.

```{code-cell} ipython3
y = 2  # SOLUTION
q2.check(y)
```
"""
    with pytest.raises(CourseError, match="heading '## Question 2: the next one'.*\\+\\+\\+"):
        exercise_of(body, tmp_path)
    closed = body.replace("Why x is 1.\n", "Why x is 1.\n\n+++\n")
    text = exercise_of(closed, tmp_path)
    assert "## Question 2: the next one" in text and "Compute y." in text and "Why x is 1" not in text
    for bad in ("**Try it (no check).** Train it.", "```{code-cell} ipython3\n:tags: [solution]\n\nq1.check(x)\n```"):
        source = (
            f'# Solutions 9\n\n+++ {{"tags": ["solution"]}}\n\n{bad}\n'
            if bad.startswith("**")
            else f"# Solutions 9\n\n{bad}\n"
        )
        with pytest.raises(CourseError, match="tagged `solution`"):
            exercise_of(source, tmp_path)


def test_exercise_and_solution_prose_markers(tmp_path):
    body = """
# Solutions 9: test

Here are the answers. <!-- solutions-only -->

<!-- exercises-only: Try first; the [solutions](../solutions/09-test.md) have the answers. -->
"""
    text = exercise_of(body, tmp_path)
    assert "Here are the answers" not in text and "Try first; the [solutions](../solutions/09-test.md)" in text
    assert "exercises-only" not in text


# ---------------------------------------------------------------------------------------------
# Answers: solution() shows the code of the solution notebook
# ---------------------------------------------------------------------------------------------


def test_answers_are_extracted_per_question_from_their_section(tmp_path):
    body = """
# Solutions 9: test

```{code-cell} ipython3
from nncourse.exercises.lesson1 import q1, q2 as second
```

## Question 1

Set x.

```{code-cell} ipython3
def f(v):
    # BEGIN SOLUTION
    return v + 1
    # END SOLUTION
```

```{code-cell} ipython3
x = ...  # your answer here
x = f(1)  # SOLUTION
q1.check(
    x,
)
# q1.hint()
```

**Try it (no check).** Plot it.

```{code-cell} ipython3
# BEGIN SOLUTION
print("try-it, not an answer")
# END SOLUTION
```

## Question 2

```{code-cell} ipython3
y = 3  # SOLUTION
second.check(y)
```
"""
    source = tmp_path / "09-test.md"
    source.write_text(HEADER + body, encoding="utf-8")
    answers = notebooks.extract_answers(jupytext.read(source))["nncourse.exercises.lesson1"]
    assert answers["q1"] == "def f(v):\n    return v + 1\n\nx = f(1)"
    assert answers["q2"] == "y = 3"


def _question_modules():
    import importlib

    for path in sorted((ROOT / "src" / "nncourse" / "exercises").glob("lesson*.py")):
        module = importlib.import_module(f"nncourse.exercises.{path.stem}")
        yield module


def test_every_question_shows_the_answer_of_its_solution_notebook(capsys):
    import json

    from nncourse.exercises.core import Question

    table = json.loads((ROOT / notebooks.ANSWERS_FILE).read_text(encoding="utf-8"))
    seen = 0
    for module in _question_modules():
        for name, question in vars(module).items():
            if isinstance(question, Question):
                entry = table.get(module.__name__, {}).get(name)
                assert entry, (
                    f"{module.__name__}.{name} has no answer in any solution notebook (is its check call there?)"
                )
                assert question.answer == entry["code"]
                question.solution()
                shown = capsys.readouterr().out
                assert entry["code"].splitlines()[0] in shown
                seen += 1
    assert seen >= 29


# ---------------------------------------------------------------------------------------------
# Colab copies read as Colab notebooks
# ---------------------------------------------------------------------------------------------

IPYNBS = sorted(p for folder in notebooks.FOLDERS for p in (ROOT / folder).glob("*.ipynb"))


@pytest.mark.parametrize("ipynb", IPYNBS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_colab_copies_have_no_myst_and_no_links_colab_cannot_open(ipynb):
    nb = nbformat.read(ipynb, as_version=4)
    for index, cell in enumerate(nb.cells):
        assert "prose-check" not in cell.get("metadata", {}).get("tags", []), f"cell {index} is a prose-check cell"
        if cell.cell_type == "markdown":
            problems = notebooks.colab_problems(cell.source)
            assert not problems, f"{ipynb.name}, cell {index}: {problems}"


def test_colab_markdown_rules():
    text = """Intro, see [lesson 2](../lessons/02-x.md#a-section) and [the home page](../index.md).
(my-label)=
:::{admonition} Learning objectives
:class: tip
- one {math}`x^2`
:::

```{note}
Read {doc}`the lesson <../lessons/02-x>` first.
```

```{math}
a = b
```
"""
    out = notebooks.colab_markdown(text, ROOT / "lessons" / "03-y.md", "https://github.com/o/r", "main")
    assert "https://colab.research.google.com/github/o/r/blob/main/lessons/02-x.ipynb" in out
    assert "https://o.github.io/r/index.html" in out
    assert "> **Learning objectives**" in out and "> - one $x^2$" in out
    assert "> **Note**" in out and "> Read the lesson first." in out
    assert "$$\na = b\n$$" in out
    assert not notebooks.colab_problems(out), notebooks.colab_problems(out)
    assert notebooks.colab_problems(text)
    amsmath = "Text\n\\begin{align}\na &= b\n\\end{align}\n\n$$\nx\n$$ (eq-x)\n"
    converted = notebooks.colab_markdown(amsmath, ROOT / "lessons" / "03-y.md", "https://github.com/o/r", "main")
    assert "$$\n\\begin{align}" in converted and "\\end{align}\n$$" in converted and "(eq-x)" not in converted
    assert notebooks.colab_problems("\\begin{align}\na\n\\end{align}") and not notebooks.colab_problems(converted)
