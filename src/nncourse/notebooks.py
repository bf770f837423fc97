"""Generate the notebooks the course derives from its sources.

One source per exercise set: ``solutions/NN-name.md`` is written by hand, and
``exercises/NN-name.md`` is generated from it by :func:`exercise_text`:

- a cell tagged ``solution`` disappears;
- the lines between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` become ``...  # Your code here``,
  or ``return ...  # Your code here`` when the block's last statement is a ``return``;
- a line ending in ``# SOLUTION`` keeps its left side: ``x = f(y)  # SOLUTION`` becomes
  ``x = ...  # Your code here`` and ``return f(y)  # SOLUTION`` becomes ``return ...  # Your code here``;
- a first heading ``# Solutions ...`` becomes ``# Exercises ...``.

Every ``.md`` notebook also gets a same-name ``.ipynb`` without outputs (:func:`colab_notebook`),
so the site's Colab button opens a runnable notebook; its first cell installs the helper package
only when it runs in Colab. :func:`write_pack` writes an assignment pack for instructors.
"""

from __future__ import annotations

import copy
import html
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import jupytext
import nbformat

from nncourse.errors import CourseError

__all__ = [
    "PLACEHOLDER",
    "exercise_text",
    "exercise_notebook",
    "colab_notebook",
    "colab_setup_source",
    "repository_info",
    "generated_files",
    "out_of_date",
    "write_generated",
    "LessonInfo",
    "lesson_info",
    "write_pack",
]

PLACEHOLDER = "...  # Your code here"
_BEGIN = re.compile(r"^(\s*)#\s*BEGIN SOLUTION\s*$")
_END = re.compile(r"^\s*#\s*END SOLUTION\s*$")
_LINE = re.compile(r"^(?P<indent>\s*)(?P<code>.*?)\s*#\s*SOLUTION\s*$")
_ASSIGN = re.compile(r"^(?P<target>[A-Za-z_][\w\.\[\], ]*?)\s*(?P<op>[+\-*/@]?=)(?!=)")
_JUPYTEXT_HEADER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
FOLDERS = ("lessons", "exercises", "solutions")


def _strip_code(source: str, where: str) -> str:
    lines, out, inside, block = source.splitlines(), [], False, []
    indent = ""
    for number, line in enumerate(lines, 1):
        begin = _BEGIN.match(line)
        if begin:
            if inside:
                raise CourseError(f"{where}, line {number}: BEGIN SOLUTION inside another BEGIN SOLUTION block.")
            inside, block, indent = True, [], begin.group(1)
            continue
        if _END.match(line):
            if not inside:
                raise CourseError(f"{where}, line {number}: END SOLUTION without a BEGIN SOLUTION.")
            inside = False
            code = [entry.strip() for entry in block if entry.strip() and not entry.strip().startswith("#")]
            returns = bool(code) and code[-1].startswith("return")
            out.append(indent + ("return " if returns else "") + PLACEHOLDER)
            continue
        if inside:
            block.append(line)
            continue
        marked = _LINE.match(line)
        if marked:
            indent, code = marked.group("indent"), marked.group("code")
            assign = _ASSIGN.match(code)
            if code.startswith("return ") or code == "return":
                out.append(f"{indent}return {PLACEHOLDER}")
            elif assign:
                out.append(f"{indent}{assign.group('target')} = {PLACEHOLDER}")
            else:
                out.append(indent + PLACEHOLDER)
            continue
        out.append(line)
    if inside:
        raise CourseError(f"{where}: a BEGIN SOLUTION block has no END SOLUTION.")
    return "\n".join(out)


def _read(path: Path) -> nbformat.NotebookNode:
    """Read a MyST notebook, naming the file when it cannot be read."""
    try:
        return jupytext.read(path)
    except Exception as error:  # noqa: BLE001 - jupytext raises several kinds
        raise CourseError(f"{path} could not be read as a MyST notebook: {error}") from None


def exercise_notebook(solution: nbformat.NotebookNode, where: str = "notebook") -> nbformat.NotebookNode:
    """Return the exercise version of a solution notebook (see the module docstring for the rules)."""
    nb = copy.deepcopy(solution)
    cells = []
    for index, cell in enumerate(nb.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if "solution" in tags:
            continue
        if cell.cell_type == "code":
            cell.source = _strip_code(cell.source, f"{where}, cell {index}")
        cells.append(cell)
    for cell in cells:
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("# Solutions"):
            cell.source = cell.source.replace("# Solutions", "# Exercises", 1)
            break
    nb.cells = cells
    return nb


def exercise_text(solution_path: str | Path) -> str:
    """Return the text of the exercise notebook generated from a solution ``.md`` notebook."""
    solution_path = Path(solution_path)
    nb = _read(solution_path)
    exercise = exercise_notebook(nb, where=str(solution_path))
    text = jupytext.writes(exercise, fmt="md:myst")
    # Keep the source's own header (jupytext version and all) so regeneration is stable.
    original = solution_path.read_text(encoding="utf-8")
    header = _JUPYTEXT_HEADER.match(original)
    if header:
        text = _JUPYTEXT_HEADER.sub(lambda _: header.group(0), text, count=1)
    return text


def repository_info(root: str | Path) -> tuple[str, str]:
    """Return ``(repository URL, branch)`` from the book's ``_config.yml`` (the one place they are set)."""
    config = (Path(root) / "_config.yml").read_text(encoding="utf-8")
    url = re.search(r"^\s+url:\s*(\S+)", config[config.find("repository:") :], re.MULTILINE)
    branch = re.search(r"^\s+branch:\s*(\S+)", config[config.find("repository:") :], re.MULTILINE)
    if not url:
        raise CourseError("_config.yml has no repository: url: setting; the Colab set-up cell needs it.")
    return url.group(1).rstrip("/"), branch.group(1) if branch else "main"


def colab_setup_source(repo_url: str, branch: str, extra_packages: Iterable[str] = ()) -> str:
    """The first cell of every Colab notebook: install what Colab lacks, only in Colab."""
    packages = [f"nncourse @ git+{repo_url}.git@{branch}", *extra_packages]
    listed = ", ".join(repr(p) for p in packages)
    return (
        "# Set-up for Google Colab (does nothing elsewhere): installs the course's helper package.\n"
        "# TensorFlow and the other libraries are already in Colab and are not reinstalled.\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        "    import subprocess\n"
        "\n"
        f'    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", {listed}], check=True)'
    )


def colab_notebook(md_path: str | Path, repo_url: str, branch: str) -> str:
    """Return the ``.ipynb`` text (no outputs) that sits beside a ``.md`` notebook for Colab."""
    nb = _read(Path(md_path))
    extra = nb.metadata.get("nncourse", {}).get("colab_packages", [])
    setup = nbformat.v4.new_code_cell(colab_setup_source(repo_url, branch, extra))
    setup.metadata["tags"] = ["colab-setup"]
    nb.cells.insert(0, setup)
    for cell in nb.cells:
        cell.pop("id", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.metadata = nbformat.NotebookNode(
        {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
            "colab": {"provenance": []},
        }
    )
    # nbformat 4.5 wants cell ids; stable ones keep the committed files free of churn.
    nb.nbformat, nb.nbformat_minor = 4, 5
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"
    return nbformat.writes(nb) + "\n"


def generated_files(root: str | Path) -> dict[Path, str]:
    """Every generated file of the course and the text it should have today."""
    root = Path(root)
    wanted: dict[Path, str] = {}
    for solution in sorted((root / "solutions").glob("*.md")):
        wanted[root / "exercises" / solution.name] = exercise_text(solution)
    url, branch = repository_info(root)
    sources = {path for folder in FOLDERS for path in (root / folder).glob("*.md")} | set(
        p for p in wanted if p.parent.name == "exercises"
    )
    for md in sorted(sources):
        if md in wanted:
            # The exercise .md may not be written yet: build its notebook from the wanted text.
            nb_text = _colab_from_text(wanted[md], url, branch, md)
        else:
            nb_text = colab_notebook(md, url, branch)
        wanted[md.with_suffix(".ipynb")] = nb_text
    return wanted


def _colab_from_text(text: str, url: str, branch: str, md: Path) -> str:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / md.name
        path.write_text(text, encoding="utf-8")
        return colab_notebook(path, url, branch)


def out_of_date(root: str | Path) -> list[Path]:
    """Generated files that are missing or differ from what the generator writes today."""
    stale = []
    for path, text in generated_files(root).items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(path)
    return stale


def write_generated(root: str | Path) -> list[Path]:
    """Write every generated file that is missing or out of date; return the paths written."""
    written = []
    for path, text in generated_files(root).items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


# ---------------------------------------------------------------------------------------------
# Assignment packs
# ---------------------------------------------------------------------------------------------


@dataclass
class LessonInfo:
    """What an assignment pack says about a lesson, read from the lesson's own text."""

    number: int
    stem: str
    title: str
    minutes: str
    objectives: list[str]


def lesson_info(lesson_path: str | Path) -> LessonInfo:
    """Read a lesson's number, title, estimated time and learning objectives from its ``.md``.

    The lesson must open with a ``# Title`` heading, a ``Learning objectives`` admonition holding a
    bullet list, and a line starting ``**Estimated time:**``.
    """
    path = Path(lesson_path)
    text = _JUPYTEXT_HEADER.sub("", path.read_text(encoding="utf-8"))
    title = re.search(r"^# (.+)$", text, re.MULTILINE)
    minutes = re.search(r"^\*\*Estimated time:\*\*\s*(.+)$", text, re.MULTILINE)
    block = re.search(r"^:::\{admonition\} Learning objectives\n(.*?)^:::", text, re.MULTILINE | re.DOTALL)
    problems = [
        what
        for what, found in (("a '# Title' heading", title), ("an '**Estimated time:**' line", minutes), ("a 'Learning objectives' admonition", block))
        if not found
    ]
    if problems:
        raise CourseError(f"{path} lacks {', '.join(problems)}; see README, 'Adding a lesson'.")
    objectives = [line[2:].strip() for line in block.group(1).splitlines() if line.startswith("- ")]
    number = re.match(r"(\d+)", path.stem)
    return LessonInfo(int(number.group(1)) if number else 0, path.stem, title.group(1).strip(), minutes.group(1).strip(), objectives)


def _find_lesson(root: Path, lesson: str | int) -> Path:
    key = f"{int(lesson):02d}-" if str(lesson).isdigit() else str(lesson)
    matches = sorted(p for p in (root / "lessons").glob("*.md") if p.stem.startswith(key) or p.stem == key)
    if not matches:
        known = ", ".join(p.stem for p in sorted((root / "lessons").glob("*.md")))
        raise CourseError(f"No lesson {lesson!r}. Lessons: {known}.")
    return matches[0]


def write_pack(root: str | Path, lessons: Iterable[str | int], out_dir: str | Path, title: str = "Assignment") -> Path:
    """Write an assignment pack for the chosen lessons into ``out_dir``.

    The pack holds ``student/`` (exercise notebooks), ``answer-key/`` (solution notebooks), both
    as ``.ipynb`` ready for Jupyter or Colab, and ``index.html`` with, per lesson, its learning
    objectives, estimated time and Colab links. Returns the path of ``index.html``.
    """
    root, out = Path(root), Path(out_dir)
    lessons = list(lessons)
    if not lessons:
        raise CourseError("Name at least one lesson, e.g. nncourse pack 1 3 --out packs/week1.")
    url, branch = repository_info(root)
    github = re.match(r"https?://github\.com/(.+)$", url)
    for part in ("student", "answer-key"):
        (out / part).mkdir(parents=True, exist_ok=True)
    rows = []
    for lesson in lessons:
        lesson_path = _find_lesson(root, lesson)
        info = lesson_info(lesson_path)
        links = []
        for folder, part, label in (("exercises", "student", "exercises"), ("solutions", "answer-key", "answer key")):
            md = root / folder / lesson_path.name
            if not md.is_file():
                raise CourseError(f"Lesson {info.stem} has no {folder}/{md.name} yet, so it cannot go in a pack.")
            target = out / part / f"{info.stem}.ipynb"
            shutil.copyfile(md.with_suffix(".ipynb"), target) if md.with_suffix(".ipynb").is_file() else target.write_text(
                colab_notebook(md, url, branch), encoding="utf-8"
            )
            colab = (
                f"https://colab.research.google.com/github/{github.group(1)}/blob/{branch}/{folder}/{info.stem}.ipynb"
                if github
                else None
            )
            links.append((label, f"{part}/{target.name}", colab))
        rows.append((info, links))
    items = []
    for info, links in rows:
        objectives = "".join(f"<li>{html.escape(o)}</li>" for o in info.objectives)
        link_html = " · ".join(
            f'<a href="{html.escape(local)}">{label} (.ipynb)</a>'
            + (f' · <a href="{html.escape(colab)}">{label} in Colab</a>' if colab else "")
            for label, local, colab in links
        )
        items.append(
            f"<section><h2>Lesson {info.number}: {html.escape(info.title)}</h2>"
            f"<p><strong>Estimated time:</strong> {html.escape(info.minutes)}</p>"
            f"<p><strong>Learning objectives</strong></p><ul>{objectives}</ul><p>{link_html}</p></section>"
        )
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title></head><body>\n<h1>{html.escape(title)}</h1>\n"
        "<p>Open each exercise notebook in Jupyter or Colab and run it top to bottom; every question has "
        "<code>check()</code>, <code>hint()</code> and <code>solution()</code>. The answer-key folder is for "
        "instructors: leave it out of what you hand to students.</p>\n"
        + "\n".join(items)
        + "\n</body></html>\n"
    )
    index = out / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
