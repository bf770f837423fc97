"""Assignment packs for instructors: ``nncourse pack``.

A pack holds ``student/`` (exercise notebooks), ``answer-key/`` (solution notebooks), both as
``.ipynb`` ready for Jupyter or Colab, and ``index.html`` listing, per lesson, its title, learning
objectives, estimated time and Colab links. Students hand back their exercise notebooks, which
``nncourse grade`` marks (see :mod:`nncourse.grade`).
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

from nncourse.errors import CourseError
from nncourse.notebooks import colab_notebook, lesson_info, repository_info

__all__ = ["write_pack", "markdown_inline_html", "lesson_heading"]

_CODE = re.compile(r"`([^`]+)`")
_STRONG = re.compile(r"\*\*(.+?)\*\*")
_EM = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_NUMBERED = re.compile(r"^\s*(?:Lesson\s+)?\d+\s*[.:]\s*", re.IGNORECASE)


def markdown_inline_html(text: str) -> str:
    """HTML for one line of Markdown as lesson objectives use it: `code`, **bold**, *italics*, links.

    Links keep only their text: their targets are relative to the lesson, not to the pack.
    """
    text = _LINK.sub(r"\1", text)
    pieces = _CODE.split(text)  # odd items were inside backticks
    out = []
    for index, piece in enumerate(pieces):
        if index % 2:
            out.append(f"<code>{html.escape(piece)}</code>")
        else:
            escaped = html.escape(piece)
            escaped = _STRONG.sub(r"<strong>\1</strong>", escaped)
            out.append(_EM.sub(r"<em>\1</em>", escaped))
    return "".join(out)


def lesson_heading(number: int, title: str) -> str:
    """``Lesson 1: A first neural network`` from a title that may already start with ``1.``."""
    return f"Lesson {number}: {_NUMBERED.sub('', title).strip()}"


def _find_lesson(root: Path, lesson: str | int) -> Path:
    key = f"{int(lesson):02d}-" if str(lesson).isdigit() else str(lesson)
    matches = sorted(p for p in (root / "lessons").glob("*.md") if p.stem.startswith(key) or p.stem == key)
    if not matches:
        known = ", ".join(p.stem for p in sorted((root / "lessons").glob("*.md")))
        raise CourseError(f"No lesson {lesson!r}. Lessons: {known}.")
    return matches[0]


def write_pack(root: str | Path, lessons: Iterable[str | int], out_dir: str | Path, title: str = "Assignment") -> Path:
    """Write an assignment pack for the chosen lessons into ``out_dir``; return the path of ``index.html``."""
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
            if md.with_suffix(".ipynb").is_file():
                shutil.copyfile(md.with_suffix(".ipynb"), target)
            else:
                target.write_text(colab_notebook(md, url, branch), encoding="utf-8")
            colab = (
                f"https://colab.research.google.com/github/{github.group(1)}/blob/{branch}/{folder}/{info.stem}.ipynb"
                if github
                else None
            )
            links.append((label, f"{part}/{target.name}", colab))
        rows.append((info, links))
    items = []
    for info, links in rows:
        objectives = "".join(f"<li>{markdown_inline_html(o)}</li>" for o in info.objectives)
        link_html = " · ".join(
            f'<a href="{html.escape(local)}">{label} (.ipynb)</a>'
            + (f' · <a href="{html.escape(colab)}">{label} in Colab</a>' if colab else "")
            for label, local, colab in links
        )
        items.append(
            f"<section><h2>{html.escape(lesson_heading(info.number, info.title))}</h2>"
            f"<p><strong>Estimated time:</strong> {markdown_inline_html(info.minutes)}</p>"
            f"<p><strong>Learning objectives</strong></p><ul>{objectives}</ul><p>{link_html}</p></section>"
        )
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body>\n<h1>{html.escape(title)}</h1>\n"
        "<p>Open each exercise notebook in Jupyter or Colab and run it top to bottom; every question has "
        "<code>check()</code>, <code>hint()</code> and <code>solution()</code>. When you are done, download the "
        "notebook (File → Download → .ipynb) and hand it in under your name. The answer-key folder is for "
        "instructors: leave it out of what you hand to students.</p>\n" + "\n".join(items) + "\n</body></html>\n"
    )
    index = out / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
