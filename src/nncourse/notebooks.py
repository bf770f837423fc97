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
only when it runs in Colab. :func:`lesson_info` reads what assignment packs (``nncourse.packs``) say about a lesson.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

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
    "ANSWERS_FILE",
    "answer_code",
    "extract_answers",
    "answers_text",
    "colab_markdown",
    "colab_problems",
    "LessonInfo",
    "lesson_info",
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


_HEADING = re.compile(r"^ {0,3}#{1,6}\s+\S.*$", re.MULTILINE)
_CHECK_CALL = re.compile(r"^\s*(?P<name>[A-Za-z_]\w*)\.check\(", re.MULTILINE)
_IMPORT = re.compile(
    r"^from\s+(?P<module>nncourse\.exercises\.[\w.]+)\s+import\s+(?P<names>\([^)]*\)|[^\n]+)", re.MULTILINE
)


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _outside_fences(markdown: str) -> str:
    """The Markdown text with fenced code blocks blanked out (their lines may start with ``#``)."""
    out, fence = [], None
    for line in markdown.splitlines():
        marker = re.match(r"^\s*(`{3,}|~{3,}|:{3,})", line)
        if fence is None and marker:
            fence = marker.group(1)[0] * 3
            out.append("")
            continue
        if fence is not None:
            if line.strip().startswith(fence) and line.strip().strip(fence[0]) == "":
                fence = None
            out.append("")
            continue
        out.append(line)
    return "\n".join(out)


def _runaway_problem(cell: nbformat.NotebookNode) -> str | None:
    """What a ``solution`` cell holds that must stay in the exercise, if anything."""
    if cell.cell_type == "markdown":
        heading = _HEADING.search(_outside_fences(cell.source))
        if heading:
            return f"the heading {heading.group(0).strip()!r}"
        lead = re.search(r"^\*\*(Try it|Think about it|Question)\b[^*]*\*\*", cell.source, re.MULTILINE)
        if lead:
            return f"the instruction {lead.group(0)!r}"
    call = _CHECK_CALL.search(cell.source) if cell.cell_type == "code" else None
    if call:
        return f"the check call {call.group(0).strip()}...)"
    return None


_SOLUTIONS_ONLY = "<!-- solutions-only -->"
_EXERCISES_ONLY = re.compile(r"^<!--\s*exercises-only:\s*(?P<text>.*?)\s*-->\s*$", re.DOTALL)


def _exercise_prose(markdown: str) -> str:
    """A solution page's paragraph marked ``<!-- solutions-only -->`` goes; ``<!-- exercises-only: text -->`` shows."""
    if _SOLUTIONS_ONLY not in markdown and "exercises-only:" not in markdown:
        return markdown
    kept = []
    for paragraph in re.split(r"\n\s*\n", markdown):
        if _SOLUTIONS_ONLY in paragraph:
            continue
        only = _EXERCISES_ONLY.match(paragraph.strip())
        kept.append(only.group("text") if only else paragraph)
    return "\n\n".join(kept)


def _solution_prose(markdown: str) -> str:
    """The solution page's own paragraphs, for its Colab copy: exercise-only comments and markers removed."""
    if _SOLUTIONS_ONLY not in markdown and "exercises-only:" not in markdown:
        return markdown
    paragraphs = [p for p in re.split(r"\n\s*\n", markdown) if not _EXERCISES_ONLY.match(p.strip())]
    return "\n\n".join(paragraphs).replace(" " + _SOLUTIONS_ONLY, "").replace(_SOLUTIONS_ONLY, "")


def exercise_notebook(solution: nbformat.NotebookNode, where: str = "notebook") -> nbformat.NotebookNode:
    """Return the exercise version of a solution notebook (see the module docstring for the rules).

    Raises :class:`CourseError` when a ``solution`` cell holds a heading, a "**Try it**" /
    "**Think about it**" instruction or a check call: that is a solution cell that runs on into
    the next question (in MyST, a ``+++ {"tags": ["solution"]}`` cell lasts until the next ``+++``
    line or code cell), and the exercise would silently lose the question.
    """
    nb = copy.deepcopy(solution)
    cells = []
    for index, cell in enumerate(nb.cells):
        tags = _tags(cell)
        if "solution" in tags:
            problem = _runaway_problem(cell)
            if problem:
                raise CourseError(
                    f"{where}, cell {index}: a cell tagged `solution` (left out of the exercise) contains "
                    f"{problem}. End the solution cell with a line `+++` before the next question's text."
                )
            continue
        if cell.cell_type == "code":
            cell.source = _strip_code(cell.source, f"{where}, cell {index}")
        elif cell.cell_type == "markdown":
            cell.source = _exercise_prose(cell.source)
        cells.append(cell)
    for cell in cells:
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("# Solutions"):
            cell.source = cell.source.replace("# Solutions", "# Exercises", 1)
            break
    nb.cells = cells
    return nb


# ---------------------------------------------------------------------------------------------
# Answers: the code of each question's answer, taken from its solution notebook
# ---------------------------------------------------------------------------------------------

#: Where ``nncourse generate`` writes the answers, inside the package (``Question.solution()`` reads it).
ANSWERS_FILE = Path("src") / "nncourse" / "exercises" / "answers.json"


def _is_marked(source: str) -> bool:
    return any(_BEGIN.match(line) or _END.match(line) or _LINE.match(line) for line in source.splitlines())


def answer_code(source: str) -> str:
    """The code of a solution cell as a learner should see it: markers and check calls removed."""
    out, depth = [], 0
    for line in source.splitlines():
        if depth > 0:  # the rest of a check call that spans several lines
            depth += line.count("(") - line.count(")")
            continue
        if _BEGIN.match(line) or _END.match(line):
            continue
        if _CHECK_CALL.match(line):
            depth = line.count("(") - line.count(")")
            continue
        if re.match(r"^\s*#\s*[A-Za-z_]\w*\.(hint|solution)\(\)\s*$", line):
            continue
        if re.match(r"^\s*[A-Za-z_][\w.\[\]\"', ]*=\s*\.\.\.\s*(#.*)?$", line):
            continue  # the exercise's own placeholder, which the answer below replaces
        marked = _LINE.match(line)
        out.append(marked.group("indent") + marked.group("code") if marked else line.rstrip())
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(out))
    return text.strip("\n")


def extract_answers(solution: nbformat.NotebookNode) -> dict[str, dict[str, str]]:
    """The answer code of every question a solution notebook checks, as ``{module: {name: code}}``.

    A question's answer is the marked code (``# BEGIN SOLUTION`` blocks, ``# SOLUTION`` lines) of
    the cells from the start of its section (its heading, or the previous check call) up to the
    cell that calls ``qN.check(...)``; the check call itself is left out. Code cells tagged
    ``solution`` are not part of any answer. The module of ``qN`` comes from the notebook's
    ``from nncourse.exercises.X import ...`` line.
    """
    modules: dict[str, str] = {}
    for cell in solution.cells:
        if cell.cell_type != "code":
            continue
        for match in _IMPORT.finditer(cell.source):
            for name in re.findall(r"[A-Za-z_]\w*(?:\s+as\s+[A-Za-z_]\w*)?", match.group("names").strip("()")):
                alias = name.split()[-1]
                modules[alias] = f"{match.group('module')}:{name.split()[0]}"
    answers: dict[str, dict[str, str]] = {}
    pending: list[str] = []
    for cell in solution.cells:
        if cell.cell_type == "markdown":
            if _HEADING.search(_outside_fences(cell.source)):
                pending = []
            continue
        if cell.cell_type != "code" or "solution" in _tags(cell):
            continue
        calls = [match.group("name") for match in _CHECK_CALL.finditer(cell.source)]
        if _is_marked(cell.source):
            pending.append(answer_code(cell.source))
        if not calls:
            continue
        code = "\n\n".join(part for part in pending if part.strip())
        for name in calls:
            if name in modules and code:
                module, attribute = modules[name].split(":")
                answers.setdefault(module, {}).setdefault(attribute, code)
        pending = []
    return answers


def answers_text(root: str | Path) -> str:
    """The text of :data:`ANSWERS_FILE`: every solution notebook's answers, with where they come from."""
    import json

    root = Path(root)
    table: dict[str, dict[str, dict[str, str]]] = {}
    for path in sorted((root / "solutions").glob("*.md")):
        for module, answers in extract_answers(_read(path)).items():
            for name, code in answers.items():
                table.setdefault(module, {}).setdefault(name, {"notebook": f"solutions/{path.name}", "code": code})
    return json.dumps(table, indent=1, sort_keys=True) + "\n"


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


_DIRECTIVE_OPEN = re.compile(r"^(?P<fence>:{3,}|`{3,})\{(?P<name>[\w-]+)\}\s*(?P<arg>.*)$")
_ROLE = re.compile(r"\{(?P<role>[\w:-]+)\}`(?P<body>[^`]*)`")
_LINK = re.compile(r"(?P<text>\]\()(?P<target>[^)\s]+)(?P<close>\))")
_TARGET_LINE = re.compile(r"^\(\s*[\w-]+\s*\)=\s*$")
_ADMONITION_TITLES = {
    "note": "Note",
    "tip": "Tip",
    "hint": "Hint",
    "important": "Important",
    "warning": "Warning",
    "caution": "Caution",
    "attention": "Attention",
    "danger": "Danger",
    "error": "Error",
    "seealso": "See also",
}


def _site_url(repo_url: str) -> str:
    """The book's website: ``https://OWNER.github.io/REPO/`` for a GitHub repository."""
    match = re.match(r"https://github\.com/([^/]+)/([^/]+)$", repo_url)
    return f"https://{match.group(1)}.github.io/{match.group(2)}/" if match else repo_url.rstrip("/") + "/"


def _colab_link(target: str, md_path: Path, repo_url: str, branch: str) -> str:
    """Where a relative link of a notebook should point in its Colab copy."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
        return target
    path, _, anchor = target.partition("#")
    if not path.endswith(".md"):
        return target
    here = md_path.parent.name
    resolved = Path(here) / path
    parts: list[str] = []
    for part in resolved.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    relative = "/".join(parts)
    owner_repo = re.sub(r"^https://github\.com/", "", repo_url)
    if parts and parts[0] in FOLDERS:
        return f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/{relative[:-3]}.ipynb"
    page = relative[:-3] + ".html"
    return _site_url(repo_url) + page + (f"#{anchor}" if anchor else "")


def colab_markdown(text: str, md_path: str | Path, repo_url: str, branch: str) -> str:
    """Turn the MyST of one Markdown cell into Markdown that Colab renders.

    Admonitions and other directives become block quotes with a bold title; a MyST role
    becomes the text (code for ``{code}``, math for ``{math}``); ``(label)=`` targets go; a
    ``{math}`` directive becomes a ``$$`` block; links to other pages of the course open the
    matching Colab notebook, or the website page for pages that are not notebooks.
    """
    md_path = Path(md_path)
    out: list[str] = []
    stack: list[tuple[str, str]] = []  # (closing fence, kind)
    in_dollars, bare_env = False, None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("$$") and not (stack and stack[-1][1] == "code"):
            in_dollars = not in_dollars if stripped.count("$$") == 1 else in_dollars
            line = re.sub(r"^(\s*\$\$)\s*\([\w-]+\)\s*$", r"\1", line)  # $$ (label): the label goes
            stripped = line.strip()
        begin = re.match(r"^\\begin\{(?P<env>[\w*]+)\}", stripped)
        if begin and not in_dollars and bare_env is None and not (stack and stack[-1][1] in ("code", "math")):
            bare_env = begin.group("env")  # amsmath without $$: Colab needs the dollars
            out.append("$$")
        if bare_env is not None and stripped.startswith(f"\\end{{{bare_env}}}"):
            out.append(line)
            out.append("$$")
            bare_env = None
            continue
        if stack and stripped == stack[-1][0]:
            fence, kind = stack.pop()
            if kind == "math":
                out.append("$$")
            continue
        opened = _DIRECTIVE_OPEN.match(stripped)
        if opened:
            name, arg = opened.group("name"), opened.group("arg").strip()
            fence = opened.group("fence")
            if name == "math":
                stack.append((fence, "math"))
                out.append("$$")
                continue
            if name in ("code-cell", "code", "code-block"):
                stack.append((fence, "code"))
                out.append("```" + ("python" if name == "code-cell" else arg))
                continue
            title = (
                arg
                if name == "admonition"
                else (_ADMONITION_TITLES.get(name, name.capitalize()) + (f": {arg}" if arg else ""))
            )
            stack.append((fence, "quote"))
            out.append(f"> **{title}**" if title else ">")
            out.append(">")
            continue
        if stack and stack[-1][1] == "code" and stripped.startswith("```") and stripped.strip("`") == "":
            stack.pop()
            out.append("```")
            continue
        quoting = sum(1 for _, kind in stack if kind == "quote")
        if quoting and re.match(r"^:[\w-]+:", stripped):
            continue  # directive options such as :class: tip
        if _TARGET_LINE.match(stripped):
            continue
        if not (stack and stack[-1][1] in ("code", "math")):
            line = _ROLE.sub(lambda m: _role_text(m.group("role"), m.group("body")), line)
            line = _LINK.sub(
                lambda m: (
                    m.group("text") + _colab_link(m.group("target"), md_path, repo_url, branch) + m.group("close")
                ),
                line,
            )
        out.append(("> " * quoting + line).rstrip() if quoting else line)
    return "\n".join(out)


def _role_text(role: str, body: str) -> str:
    if role == "math":
        return f"${body}$"
    if role in ("code", "literal"):
        return f"`{body}`"
    shown = re.match(r"^(?P<text>.*?)\s*<[^>]*>$", body)
    return shown.group("text") if shown else body


def colab_problems(markdown: str) -> list[str]:
    """What in a Colab notebook's Markdown cell Colab would not render or could not open."""
    problems = []
    if re.search(r"^\s*(:{3,}|`{3,})\{[\w-]+\}", markdown, re.MULTILINE):
        problems.append("a MyST directive (:::{...} or ```{...})")
    if _ROLE.search(markdown):
        problems.append(f"a MyST role {_ROLE.search(markdown).group(0)!r}")
    if re.search(r"^\(\s*[\w-]+\s*\)=\s*$", markdown, re.MULTILINE):
        problems.append("a MyST target (label)=")
    for match in _LINK.finditer(markdown):
        target = match.group("target")
        if not re.match(r"^[a-z][a-z0-9+.-]*:", target) and not target.startswith("#"):
            problems.append(f"a relative link {target!r}")
        elif target.startswith("https://colab.research.google.com/") and not target.split("#")[0].endswith(".ipynb"):
            problems.append(f"a Colab link to a non-notebook {target!r}")
    if markdown.count("$$") % 2:
        problems.append("an unclosed $$ math block")
    if re.search(r"^\s*\\begin\{", markdown, re.MULTILINE) and "$$" not in markdown:
        problems.append("an amsmath environment outside $$")
    return problems


def colab_notebook(md_path: str | Path, repo_url: str, branch: str) -> str:
    """Return the ``.ipynb`` text (no outputs) that sits beside a ``.md`` notebook for Colab."""
    nb = _read(Path(md_path))
    extra = nb.metadata.get("nncourse", {}).get("colab_packages", [])
    setup = nbformat.v4.new_code_cell(colab_setup_source(repo_url, branch, extra))
    setup.metadata["tags"] = ["colab-setup"]
    nb.cells = [cell for cell in nb.cells if "prose-check" not in _tags(cell)]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = colab_markdown(_solution_prose(cell.source), md_path, repo_url, branch)
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
    wanted[root / ANSWERS_FILE] = answers_text(root)
    url, branch = repository_info(root)
    sources = {path for folder in FOLDERS for path in (root / folder).glob("*.md")} | {
        p for p in wanted if p.parent.name == "exercises" and p.suffix == ".md"
    }
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
        path = Path(folder) / md.parent.name / md.name
        path.parent.mkdir()
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
        for what, found in (
            ("a '# Title' heading", title),
            ("an '**Estimated time:**' line", minutes),
            ("a 'Learning objectives' admonition", block),
        )
        if not found
    ]
    if problems:
        raise CourseError(f"{path} lacks {', '.join(problems)}; see README, 'Adding a lesson'.")
    objectives = [line[2:].strip() for line in block.group(1).splitlines() if line.startswith("- ")]
    number = re.match(r"(\d+)", path.stem)
    return LessonInfo(
        int(number.group(1)) if number else 0, path.stem, title.group(1).strip(), minutes.group(1).strip(), objectives
    )
