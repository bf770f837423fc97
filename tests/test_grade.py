"""Tests of ``nncourse grade``: real lesson-1 submissions, some solved, some broken or hostile.

One batch of submissions is graded once (module fixture, two at a time); the tests read its rows.
It executes notebooks: run it under the CPU lock, e.g.
``flock /tmp/nncourse-cpu.lock .venv/bin/python -m pytest tests/test_grade.py -q``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import socket
from pathlib import Path

import jupytext
import nbformat
import pytest

from nncourse import grade
from nncourse.errors import CourseError

ROOT = Path(__file__).resolve().parent.parent
SANDBOX = grade.detect_sandbox()
TIMEOUT = 40  # seconds per notebook: the looping submission runs out of it


def _exercise():
    return jupytext.read(ROOT / "exercises" / "01-mlp-digits.md")


def _replace(nb, question: str, source: str):
    """Replace the code cell that checks ``question`` (e.g. ``"q1"``) with ``source``."""
    for cell in nb.cells:
        if cell.cell_type == "code" and f"{question}.check(" in cell.source:
            cell.source = source
            return nb
    raise AssertionError(f"no cell checks {question}")


def _write(nb, path: Path) -> Path:
    if path.suffix == ".md":
        jupytext.write(nb, path, fmt="md:myst")
    else:
        nbformat.write(nb, path)
    return path


RIGHT_Q1 = "n_params = (64 * 32 + 32) + (32 * 8 + 8) + (8 * 10 + 10)\nq1.check(n_params)"
WRONG_Q1 = "n_params = 64 * 32 + 32 * 8 + 8 * 10\nq1.check(n_params)"


def _hostile_cheater():
    """Wrong or missing answers, dressed up to look correct in every way a notebook can."""
    nb = _exercise()
    _replace(
        nb,
        "q1",
        WRONG_Q1.replace(
            "q1.check(n_params)",
            'q1.check = lambda *answers: print("Question 1: Correct. Well done.")\nq1.check(n_params)',
        ),
    )
    _replace(
        nb,
        "q2",
        "from nncourse.exercises import core\n"
        "core.Question.evaluate = lambda self, *a: core.CheckResult(self.label, core.CORRECT, 'Well done.')\n"
        "import builtins\n"
        "_print = builtins.print\n"
        "builtins.print = lambda *a, **k: _print(*[str(x).replace('incorrect', 'correct') for x in a], **k)\n"
        "def neuron(x, w, b):\n    return x @ w + b\n"
        "q2.check(neuron)",
    )
    # q3: the check cell edited to print a fake result; the answer is still the placeholder.
    _replace(nb, "q3", "def first_layer_images(model):\n    return ...\nprint('Question 3: Correct. Well done.')")
    # q4: a fake copy of the check module in the working folder, and a patched checker.
    _replace(
        nb,
        "q4",
        "import os\n"
        "os.makedirs('nncourse/exercises', exist_ok=True)\n"
        "for name in ('nncourse/__init__.py', 'nncourse/exercises/__init__.py'):\n    open(name, 'w').close()\n"
        "open('nncourse/exercises/lesson1.py', 'w').write('raise SystemExit')\n"
        "import nncourse.exercises.lesson1 as lesson1\n"
        "lesson1.q4.checker = lambda model: 'Well done.'\n"
        "model = 'a string, not a model'\n"
        "q4.check(model)",
    )
    return nb


def _partial():
    nb = _exercise()
    _replace(nb, "q1", RIGHT_Q1)
    _replace(nb, "q2", "def neuron(x, w, b):\n    return x @ w + b  # forgot the sigmoid\n\n\nq2.check(neuron)")
    return nb


def _renamed():
    """A correct answer under another name, passed to check: the recorded call counts."""
    nb = _exercise()
    _replace(nb, "q1", "my_count = 2434\nq1.check(my_count)")
    return nb


def _loops():
    nb = _exercise()
    _replace(nb, "q1", RIGHT_Q1)
    _replace(nb, "q2", "while True:\n    pass")
    return nb


def _raises_first():
    nb = _exercise()
    first = next(c for c in nb.cells if c.cell_type == "code")
    first.source = "import numpy as np\nraise ValueError('oops in the first cell')\n" + first.source
    return nb


def _memory_hog():
    nb = _exercise()
    _replace(nb, "q1", RIGHT_Q1)
    _replace(nb, "q2", "hoard = []\nwhile True:\n    hoard.append(bytearray(200_000_000))")
    return nb


def _escaper(canary: Path, victim: Path, port: int):
    nb = _exercise()
    _replace(
        nb,
        "q1",
        "import shutil, socket\n"
        "attempts = {}\n"
        "for name, attempt in [\n"
        f"    ('write', lambda: open({str(canary)!r}, 'w').write('escaped')),\n"
        f"    ('delete', lambda: shutil.rmtree({str(victim)!r})),\n"
        f"    ('network', lambda: socket.create_connection(('127.0.0.1', {port}), timeout=3)),\n"
        "]:\n"
        "    try:\n        attempt()\n        attempts[name] = 'done'\n"
        "    except Exception as error:\n        attempts[name] = type(error).__name__\n"
        "print(attempts)\n" + RIGHT_Q1,
    )
    return nb


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Grade one folder of lesson-1 submissions and return (results by student, output folder, context)."""
    base = tmp_path_factory.mktemp("grading")
    subs = base / "submissions"
    subs.mkdir()
    outside = base / "outside"
    outside.mkdir()
    victim = outside / "precious"
    victim.mkdir()
    (victim / "keep.txt").write_text("do not delete")
    canary = outside / "canary.txt"
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.1)
    port = server.getsockname()[1]

    (subs / "solved.ipynb").write_bytes((ROOT / "solutions" / "01-mlp-digits.ipynb").read_bytes())
    (subs / "untouched.md").write_bytes((ROOT / "exercises" / "01-mlp-digits.md").read_bytes())
    _write(_partial(), subs / "partial.ipynb")
    _write(_renamed(), subs / "renamed.ipynb")
    _write(_hostile_cheater(), subs / "cheater.ipynb")
    _write(_loops(), subs / "loops.ipynb")
    _write(_raises_first(), subs / "raises.ipynb")
    _write(_memory_hog(), subs / "memory.ipynb")
    _write(_escaper(canary, victim, port), subs / "escaper.ipynb")
    (subs / "other-lesson.ipynb").write_bytes((ROOT / "exercises" / "02-optimisation.ipynb").read_bytes())
    nbformat.write(nbformat.v4.new_notebook(), subs / "empty.ipynb")
    (subs / "notes.txt").write_text("I did the exercises on paper.")
    (subs / "broken.ipynb").write_text('{"cells": [{"cell_type": "code", "source": "x = 1"')
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in subs.iterdir()}

    module_name, specs = grade.lesson_questions(ROOT, 1)
    submissions, notes = grade.find_submissions([subs])
    out = base / "out"
    sandbox = SANDBOX.hiding([subs, out])
    results = grade.grade_all(
        submissions,
        1,
        module_name,
        specs,
        sandbox,
        jobs=2,
        timeout=TIMEOUT,
        memory_gb=1.5,
        keep=out / "executed",
        check_timeout=20,
    )
    grade.write_reports(out, 1, specs, results, SANDBOX, notes)
    try:
        connection, _ = server.accept()
        connected = True
        connection.close()
    except OSError:
        connected = False
    server.close()
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in subs.iterdir()}
    return (
        {r.student: r for r in results},
        out,
        {
            "before": before,
            "after": after,
            "canary": canary,
            "victim": victim,
            "connected": connected,
            "specs": specs,
        },
    )


def statuses(result) -> list[str]:
    return [g.status for g in result.grades]


C, W, NA, NR = grade.CORRECT, grade.WRONG, grade.NOT_ATTEMPTED, grade.NOT_REACHED


def test_solved_and_untouched_notebooks(batch):
    results, _, _ = batch
    assert statuses(results["solved"]) == [C, C, C, C]
    assert results["solved"].problem == ""
    assert statuses(results["untouched"]) == [NA, NA, NA, NA]


def test_partly_solved_notebook_gets_the_checks_messages(batch):
    results, _, _ = batch
    partial = results["partial"]
    assert statuses(partial) == [C, W, NA, NA]
    assert "sigmoid" in partial.grades[1].message.lower() or "between 0 and 1" in partial.grades[1].message


def test_answer_passed_to_check_under_another_name_counts(batch):
    results, _, _ = batch
    assert statuses(results["renamed"])[0] == C


def test_printing_correct_or_redefining_the_checks_earns_nothing(batch):
    results, _, _ = batch
    cheater = results["cheater"]
    assert statuses(cheater)[:3] == [W, W, NA], cheater
    assert cheater.grades[3].status in (W, NR, NA) and cheater.grades[3].status != C
    assert cheater.total == 0
    assert "weights only" in cheater.grades[0].message  # the course's own message for 2,384


def test_infinite_loop_runs_out_of_time_and_keeps_earlier_answers(batch):
    results, _, _ = batch
    loops = results["loops"]
    assert statuses(loops) == [C, NR, NR, NR]
    assert "ran out of time" in loops.problem
    assert loops.seconds < TIMEOUT + 40


def test_first_cell_raising_means_nothing_reached(batch):
    results, _, _ = batch
    assert statuses(results["raises"]) == [NR, NR, NR, NR]
    assert "ValueError: oops in the first cell" in results["raises"].problem


def test_memory_limit_stops_a_hog(batch):
    results, _, _ = batch
    hog = results["memory"]
    assert statuses(hog)[0] == C and statuses(hog)[1:] == [NR, NR, NR]
    assert "MemoryError" in hog.problem or "died" in hog.problem


@pytest.mark.skipif(
    SANDBOX.kind != "bwrap", reason="no bubblewrap sandbox on this machine (apt-get install bubblewrap)"
)
def test_sandbox_blocks_writes_outside_deletion_and_network(batch):
    results, _, context = batch
    assert not context["canary"].exists()
    assert (context["victim"] / "keep.txt").read_text() == "do not delete"
    assert not context["connected"]
    assert statuses(results["escaper"])[0] == C


def test_bad_files_each_get_a_row(batch):
    results, _, _ = batch
    assert "wrong lesson" in results["other-lesson"].problem and "lesson 2" in results["other-lesson"].problem
    assert "empty notebook" in results["empty"].problem
    assert "not a notebook" in results["notes"].problem
    assert "broken JSON" in results["broken"].problem
    for name in ("other-lesson", "empty", "notes", "broken"):
        assert statuses(results[name]) == [NR] * 4


def test_submitted_files_are_never_changed(batch):
    _, _, context = batch
    assert context["before"] == context["after"]


def test_gradebook_feedback_and_summary(batch):
    results, out, context = batch
    rows = list(csv.DictReader((out / "gradebook.csv").open(encoding="utf-8")))
    assert len(rows) == len(results) == 13
    by_name = {row["student"]: row for row in rows}
    assert [by_name["solved"][q] for q in ("q1", "q2", "q3", "q4")] == ["1", "1", "1", "1"]
    assert by_name["solved"]["total"] == "4" and by_name["partial"]["total"] == "1"
    assert by_name["cheater"]["total"] == "0"
    feedback = (out / "feedback" / "partial.md").read_text(encoding="utf-8")
    assert "Score: **1 of 4**" in feedback and "Hint:" in feedback
    assert context["specs"][1].hint in feedback
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "Most common messages" in summary and "summary.png" in summary
    assert (out / "summary.png").stat().st_size > 5000
    assert (out / "executed" / "solved.ipynb").is_file()


# ---------------------------------------------------------------------------------------------
# Without a kernel
# ---------------------------------------------------------------------------------------------


def test_lesson_questions_reads_labels_and_answer_names():
    module_name, specs = grade.lesson_questions(ROOT, 1)
    assert module_name == "nncourse.exercises.lesson1"
    assert [s.name for s in specs] == ["q1", "q2", "q3", "q4"]
    assert specs[0].arguments == ["n_params"] and specs[3].arguments == ["model"]
    with pytest.raises(CourseError, match="no checks|No exercise"):
        grade.lesson_questions(ROOT, 99)


def test_read_submission_explains_bad_files(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4 \xff\xfe")
    (tmp_path / "b.ipynb").write_text("{not json")
    (tmp_path / "c.ipynb").write_text(json.dumps({"hello": 1}))
    (tmp_path / "d.ipynb").write_text("")
    (tmp_path / "e.ipynb").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff")
    for name, message in [
        ("a.pdf", "not a notebook"),
        ("b.ipynb", "broken JSON"),
        ("c.ipynb", "no 'cells'"),
        ("d.ipynb", "empty"),
        ("e.ipynb", "not text"),
    ]:
        with pytest.raises(CourseError, match=message):
            grade.read_submission(tmp_path / name)


def test_find_submissions_names_duplicates_roster_and_empty_folders(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "Ada Lovelace.ipynb").write_text("{}")
    (tmp_path / "empty").mkdir()
    submissions, notes = grade.find_submissions([tmp_path / "a", tmp_path / "b", tmp_path / "empty"])
    assert [s.student for s in submissions] == ["Ada Lovelace (1)", "Ada Lovelace (2)"]
    assert any("empty folder" in n for n in notes)
    assert any("2 submissions" in n for n in notes)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "01-mlp-digits - grace_hopper.ipynb").write_text("{}")
    (tmp_path / "c" / "unknown.ipynb").write_text("{}")
    submissions, notes = grade.find_submissions([tmp_path / "c"], roster=["Grace Hopper", "Alan Turing"])
    assert [s.student for s in submissions] == ["Grace Hopper", "unknown"]
    assert "roster" in submissions[1].note
    assert any("Alan Turing" in n and "no submission" in n for n in notes)


def test_empty_folder_grades_nothing_and_says_so(tmp_path):
    (tmp_path / "subs").mkdir()
    lines: list[str] = []
    status = grade.main_grade(ROOT, [str(tmp_path / "subs")], 1, str(tmp_path / "out"), echo=lines.append)
    assert status == 2
    assert any("empty folder" in line for line in lines) and any("no submissions" in line for line in lines)
    assert not (tmp_path / "out").exists()


def test_without_sandbox_the_grader_says_so():
    sandbox = grade.detect_sandbox(disabled=True)
    assert sandbox.kind == "none" and sandbox.description.startswith("NOT ISOLATED")


def test_sandbox_brings_back_an_environment_that_lives_under_tmp(monkeypatch, tmp_path):
    # A checkout (and its .venv) under /tmp, as CI's may be: /tmp is emptied inside the sandbox,
    # so the environment and the package must be bound back, read-only, or no kernel can start.
    venv = tmp_path / "checkout" / ".venv"
    monkeypatch.setattr(grade.sys, "prefix", str(venv))
    monkeypatch.setattr(grade.tempfile, "gettempdir", lambda: str(tmp_path))
    command = grade.Sandbox("bwrap", "").wrap(["python"], tmp_path / "work")
    emptied = command.index("/tmp")
    bound = [command[i + 1] for i, arg in enumerate(command) if arg == "--ro-bind"]
    assert str(venv) in bound
    assert command.index(str(venv)) > emptied
    assert command[command.index("--bind") + 1] == str(tmp_path / "work")
