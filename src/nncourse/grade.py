"""Grade a class's exercise notebooks with the course's own checks: ``nncourse grade``.

Each submission (``.ipynb`` from Jupyter or Colab, or a MyST ``.md``) is copied into a temporary
working folder laid out like the course (``exercises/<file>.ipynb``) and run there, top to bottom,
in a fresh kernel with a time limit and a memory limit. The submitted file is only read.

Marks never come from what the notebook prints, nor from the ``check`` objects in its kernel.
After the notebook has run (or stopped), the grader runs its own code in the same kernel: it
loads the lesson's check module afresh from the installed package (not from the kernel's
possibly modified modules), and evaluates, for every question, two candidate answers:

- the arguments of the last ``qN.check(...)`` call the notebook made (a hook installed before the
  notebook's first cell records them), and
- the variables the course's own exercise notebook passes to that check, e.g. ``n_params`` for
  ``q1.check(n_params)``, as they are at the end of the run.

A question is correct when either candidate passes the fresh check. A notebook that prints
"Correct", redefines ``check`` or edits the check cell gains nothing: only a correct answer counts.

Where ``bwrap`` (Debian/Ubuntu package ``bubblewrap``) works, each kernel runs in a sandbox with
no network and a read-only view of the whole file system except its own working folder. Without
it the grader says so at the top of its output and runs the notebooks unsandboxed (time and
memory limits still apply).
"""

from __future__ import annotations

import ast
import concurrent.futures
import contextlib
import csv
import json
import multiprocessing
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nncourse.errors import CourseError

__all__ = [
    "CORRECT",
    "WRONG",
    "NOT_ATTEMPTED",
    "NOT_REACHED",
    "QuestionSpec",
    "QuestionGrade",
    "StudentResult",
    "Sandbox",
    "detect_sandbox",
    "lesson_questions",
    "find_submissions",
    "grade_submission",
    "grade_all",
    "write_reports",
]

CORRECT = "correct"
WRONG = "wrong"
NOT_ATTEMPTED = "not attempted"
NOT_REACHED = "not reached"
STATUSES = (CORRECT, WRONG, NOT_ATTEMPTED, NOT_REACHED)
NOTEBOOK_SUFFIXES = (".ipynb", ".md")
_CHECK_CALL = re.compile(r"\b(q\d+)\s*\.\s*check\s*\(")
_LESSON_IMPORT = re.compile(r"nncourse\.exercises\.lesson(\d+)\b")


# ---------------------------------------------------------------------------------------------
# What is graded
# ---------------------------------------------------------------------------------------------


@dataclass
class QuestionSpec:
    """One question of a lesson: its name in the notebook, its label, the expressions the course's
    exercise notebook passes to its check, and its first hint."""

    name: str
    label: str
    arguments: list[str]
    hint: str


@dataclass
class QuestionGrade:
    name: str
    status: str
    message: str = ""


@dataclass
class StudentResult:
    """The outcome for one submission. ``problem`` says what went wrong with the run, if anything."""

    student: str
    file: str
    grades: list[QuestionGrade] = field(default_factory=list)
    problem: str = ""
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(grade.status == CORRECT for grade in self.grades)


def _find_exercise(root: Path, lesson: int) -> Path:
    matches = sorted((root / "exercises").glob(f"{lesson:02d}-*.md"))
    if not matches:
        known = ", ".join(p.stem for p in sorted((root / "exercises").glob("*.md")))
        raise CourseError(f"No exercise notebook for lesson {lesson} in {root / 'exercises'}. There are: {known}.")
    return matches[0]


def lesson_questions(root: str | Path, lesson: int) -> tuple[str, list[QuestionSpec]]:
    """Return the check module's name and the questions of a lesson, in order.

    The questions are the ``Question`` objects ``q1, q2, ...`` of ``nncourse.exercises.lessonN``;
    the answer expressions come from the ``qK.check(...)`` calls of the course's exercise notebook.
    """
    import importlib

    import jupytext

    from nncourse.exercises.core import Question

    root = Path(root)
    module_name = f"nncourse.exercises.lesson{lesson}"
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise CourseError(f"Lesson {lesson} has no checks ({module_name} does not exist).") from None
    exercise = jupytext.read(_find_exercise(root, lesson))
    arguments: dict[str, list[str]] = {}
    for cell in exercise.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "check"
                and isinstance(node.func.value, ast.Name)
            ):
                arguments[node.func.value.id] = [ast.unparse(arg) for arg in node.args]
    names = sorted(
        (name for name, value in vars(module).items() if re.fullmatch(r"q\d+", name) and isinstance(value, Question)),
        key=lambda name: int(name[1:]),
    )
    if not names:
        raise CourseError(f"{module_name} defines no questions q1, q2, ...")
    specs = []
    for name in names:
        question = getattr(module, name)
        specs.append(
            QuestionSpec(name, question.label, arguments.get(name, []), question.hints[0] if question.hints else "")
        )
    return module_name, specs


# ---------------------------------------------------------------------------------------------
# Submissions
# ---------------------------------------------------------------------------------------------


@dataclass
class Submission:
    student: str
    path: Path
    note: str = ""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def find_submissions(
    paths: Sequence[str | Path], roster: Sequence[str] | None = None
) -> tuple[list[Submission], list[str]]:
    """Expand files and folders into submissions, one per file, each with a student name.

    A folder contributes every file directly inside it (hidden files aside). The name is the
    file's stem, or, with a roster, the roster name that the file name contains. Returns the
    submissions and lines about what was odd (empty folders, duplicate names, roster names with
    no file).
    """
    notes: list[str] = []
    files: list[Path] = []
    for entry in map(Path, paths):
        if entry.is_dir():
            inside = sorted(p for p in entry.iterdir() if p.is_file() and not p.name.startswith("."))
            if not inside:
                notes.append(f"{entry}: empty folder, no submissions in it.")
            files.extend(inside)
        elif entry.is_file():
            files.append(entry)
        else:
            notes.append(f"{entry}: no such file or folder.")
    submissions = []
    for path in files:
        name = re.sub(r"\s+", " ", path.stem).strip() or path.name
        note = ""
        if roster:
            matches = [student for student in roster if _slug(student) and _slug(student) in _slug(path.stem)]
            if matches:
                name = max(matches, key=len)
            else:
                note = "the file name matches no one on the roster"
        submissions.append(Submission(name, path, note))
    counts = Counter(s.student for s in submissions)
    seen: Counter[str] = Counter()
    for submission in submissions:
        if counts[submission.student] > 1:
            seen[submission.student] += 1
            others = [s.path.name for s in submissions if s.student == submission.student]
            if seen[submission.student] == 1:
                notes.append(
                    f"{submission.student}: {counts[submission.student]} submissions ({', '.join(others)}); each is "
                    "graded in its own row, so decide which one counts."
                )
            submission.note = "; ".join(
                filter(
                    None,
                    [
                        submission.note,
                        f"duplicate name, submission {seen[submission.student]} of {counts[submission.student]}",
                    ],
                )
            )
            submission.student = f"{submission.student} ({seen[submission.student]})"
    if roster:
        handed_in = {s.student.split(" (")[0] for s in submissions}
        for student in roster:
            if student not in handed_in:
                notes.append(f"{student}: on the roster, but no submission.")
    return submissions, notes


def read_submission(path: Path):
    """Read a submitted notebook; raise :class:`CourseError` with a plain reason if it is not one."""
    import jupytext
    import nbformat

    suffix = path.suffix.lower()
    if suffix not in NOTEBOOK_SUFFIXES:
        raise CourseError(f"not a notebook: a '{suffix or 'no extension'}' file; hand in the .ipynb (or .md) notebook.")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CourseError("not a notebook: the file is not text (is it a PDF or an image renamed?).") from None
    if not text.strip():
        raise CourseError("the file is empty.")
    if suffix == ".ipynb":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise CourseError(
                f"not a readable notebook: broken JSON at line {error.lineno}, column {error.colno} ({error.msg})."
            ) from None
        if not isinstance(data, dict) or "cells" not in data:
            raise CourseError("not a notebook: the JSON has no 'cells'.")
        try:
            nb = nbformat.reads(text, as_version=4)
        except Exception as error:  # noqa: BLE001 - nbformat raises several kinds
            raise CourseError(f"not a readable notebook: {str(error).splitlines()[0]}") from None
    else:
        try:
            nb = jupytext.reads(text, fmt="md:myst" if text.lstrip().startswith("---") else "md")
        except Exception as error:  # noqa: BLE001
            raise CourseError(f"not a readable MyST notebook: {str(error).splitlines()[0]}") from None
    return nb


# ---------------------------------------------------------------------------------------------
# The sandbox
# ---------------------------------------------------------------------------------------------


def _runtime_folders() -> list[Path]:
    """Folders a kernel needs to start: the Python environment, the interpreter and the course package."""
    return [
        Path(sys.prefix).resolve(),
        Path(sys.base_prefix).resolve(),
        Path(sys.executable).resolve().parent,
        Path(__file__).resolve().parents[1],
    ]


@dataclass
class Sandbox:
    """How kernels are isolated. ``kind`` is ``"bwrap"`` or ``"none"``; ``description`` says it plainly."""

    kind: str
    description: str
    hidden: tuple[str, ...] = ()

    def hiding(self, folders: Iterable[str | Path]) -> Sandbox:
        """The same sandbox with ``folders`` (e.g. the submissions and the results) hidden from the notebooks.

        A folder that holds the Python environment or the course package is not hidden.
        """
        keep = [*_runtime_folders(), Path.home().resolve()]
        hidden = []
        for folder in {Path(f).resolve() for f in folders}:
            if folder == Path("/") or any(k == folder or folder in k.parents for k in keep):
                continue
            hidden.append(str(folder))
        return Sandbox(self.kind, self.description, tuple(sorted(hidden)))

    def wrap(self, command: list[str], work: Path) -> list[str]:
        if self.kind != "bwrap":
            return command
        hide = [arg for folder in self.hidden if Path(folder).is_dir() for arg in ("--tmpfs", folder)]
        # /tmp is emptied for the notebook; the Python environment and the course package may live
        # there (a checkout under /tmp, as CI's can be), so those come back, read-only.
        scratch = Path(tempfile.gettempdir()).resolve()
        needed = {p for p in _runtime_folders() if p == scratch or scratch in p.parents}
        keep = [arg for folder in sorted(needed) for arg in ("--ro-bind", str(folder), str(folder))]
        return [
            "bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--tmpfs", "/dev/shm", "--proc", "/proc",
            *hide, "--tmpfs", "/tmp", *keep, "--bind", str(work), str(work),
            "--unshare-net", "--unshare-pid", "--unshare-ipc", "--die-with-parent", "--new-session",
            "--chdir", str(work / "exercises"), "--", *command,
        ]  # fmt: skip


NO_SANDBOX = (
    "NOT ISOLATED: no working sandbox (install bubblewrap: sudo apt-get install bubblewrap). "
    "Submissions run with this user's rights: they can use the network and read, write or delete "
    "any file this user can. Only the time and memory limits apply."
)


def detect_sandbox(disabled: bool = False) -> Sandbox:
    """Find out whether ``bwrap`` works here (it needs user namespaces, or root)."""
    if disabled:
        return Sandbox("none", NO_SANDBOX.replace("no working sandbox", "sandbox turned off (--no-sandbox)"))
    if shutil.which("bwrap"):
        probe = Sandbox("bwrap", "").wrap(["true"], Path(tempfile.gettempdir()))
        probe[probe.index("--chdir") + 1] = "/"
        try:
            ok = subprocess.run(probe, capture_output=True, timeout=20).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            ok = False
        if ok:
            return Sandbox(
                "bwrap",
                "Isolation: each notebook runs in a bubblewrap sandbox with no network and a read-only view "
                "of the file system except its own temporary working folder; it cannot see other processes.",
            )
    return Sandbox("none", NO_SANDBOX)


# ---------------------------------------------------------------------------------------------
# Running one submission
# ---------------------------------------------------------------------------------------------

_SETUP = """\
def _nncourse_grader_setup():
    import builtins, json, sys, types
    import nncourse.exercises.core as core
    store = types.ModuleType({store!r})
    store.calls = {{}}
    # What the grader needs later, kept before the notebook can replace any of it.
    store.print, store.dumps, store.eval, store.stdout = builtins.print, json.dumps, builtins.eval, sys.stdout
    store.user_ns = get_ipython().user_ns
    original = core.Question.check
    def check(self, *answers):
        store.calls[self.label] = answers
        return original(self, *answers)
    check.__doc__ = original.__doc__
    core.Question.check = check
    sys.modules[{store!r}] = store
_nncourse_grader_setup()
del _nncourse_grader_setup
"""

_LOAD = """\
def _nncourse_grader_load():
    import importlib, sys, types
    package_dir = {package_dir!r}
    sys.path[:] = [package_dir] + [p for p in sys.path if p not in ("", ".") and not p.startswith({work!r})]
    for name in [n for n in sys.modules if n == "nncourse" or n.startswith("nncourse.")]:
        del sys.modules[name]
    module = importlib.import_module({module!r})
    if not module.__file__.startswith(package_dir):
        raise RuntimeError("the check code did not load from the course's package")
    grading = types.ModuleType({grading!r})
    grading.module = module
    sys.modules[{grading!r}] = grading
_nncourse_grader_load()
del _nncourse_grader_load
"""

_EVALUATE = """\
def _nncourse_grader_evaluate():
    import sys
    module = sys.modules[{grading!r}].module
    store = sys.modules[{store!r}]
    question = getattr(module, {name!r})
    calls = store.calls
    candidates = []
    if question.label in calls:
        candidates.append(tuple(calls[question.label]))
    try:
        candidates.append(tuple(store.eval(expression, store.user_ns) for expression in {arguments!r}))
    except Exception:
        pass
    order = {{"correct": 0, "incorrect": 1, "not attempted": 2}}
    results = [question.evaluate(*answers) for answers in candidates if answers]
    best = min(results, key=lambda result: order.get(result.status, 3)) if results else None
    report = {{"status": best.status if best else None, "message": best.message if best else ""}}
    store.print({token!r} + store.dumps(report), file=store.stdout, flush=True)
_nncourse_grader_evaluate()
del _nncourse_grader_evaluate
"""


def _kernel_manager_class(work: Path, sandbox: Sandbox, memory_bytes: int):
    """An (asynchronous, as nbclient needs) kernel manager that starts the kernel in the sandbox."""
    from jupyter_client import AsyncKernelManager

    launch = (
        "import os, resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_DATA, ({memory_bytes}, {memory_bytes}))\n"
        # In the sandbox's PID namespace the outer parent PID means nothing: no parent polling.
        "os.environ.pop('JPY_PARENT_PID', None)\n"
        "log = os.open(os.path.join(os.environ['JUPYTER_RUNTIME_DIR'], 'kernel.log'), os.O_WRONLY | os.O_CREAT | os.O_APPEND)\n"
        "os.dup2(log, 1)\n"
        "os.dup2(log, 2)\n"
        "os.execv(sys.executable, [sys.executable, '-m', 'ipykernel_launcher'] + sys.argv[1:])"
    )

    class GraderKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            command = [sys.executable, "-c", launch, "-f", self.connection_file, *(extra_arguments or [])]
            return sandbox.wrap(command, work)

        async def _async_interrupt_kernel(self) -> None:
            # A message works through the sandbox, where a signal would reach only bwrap.
            if self.has_kernel:
                msg = self.session.msg("interrupt_request", content={})
                self._connect_control_socket()
                self.session.send(self._control_socket, msg)

        interrupt_kernel = _async_interrupt_kernel

        def kill_now(self) -> None:
            """Kill the kernel's process group from any thread (the watchdog's last resort)."""
            process = getattr(self.provisioner, "process", None)
            if process is not None:
                with contextlib.suppress(OSError):
                    os.killpg(os.getpgid(process.pid), signal.SIGKILL)

    return GraderKernelManager


def _kernel_env(work: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("NNCOURSE_", "JPY_", "PYTEST"))}
    env.update(
        MPLBACKEND="Agg",
        MPLCONFIGDIR=str(work / ".config" / "matplotlib"),
        IPYTHONDIR=str(work / ".config" / "ipython"),
        JUPYTER_RUNTIME_DIR=str(work / ".kernel"),
        JUPYTER_DATA_DIR=str(work / ".config" / "jupyter"),
        XDG_CACHE_HOME=str(work / ".cache"),
        TMPDIR=str(work / "tmp"),
        PYTHONDONTWRITEBYTECODE="1",
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    return env


def _error_text(error: Exception) -> str:
    name = getattr(error, "ename", "") or type(error).__name__
    value = getattr(error, "evalue", None)
    if value is None:
        value = str(error)
    value = value.strip().splitlines()[0] if value.strip() else ""
    if len(value) > 200:
        value = value[:200] + "..."
    return f"{name}: {value}" if value else name


def _question_cells(nb, specs: list[QuestionSpec]) -> dict[str, int]:
    """The index of the cell that checks each question (or, if that cell is gone, its heading)."""
    where: dict[str, int] = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            for name in _CHECK_CALL.findall(cell.source):
                where.setdefault(name, index)
    for spec in specs:
        if spec.name not in where:
            number = spec.name[1:]
            for index, cell in enumerate(nb.cells):
                if cell.cell_type == "markdown" and re.search(rf"^#+\s*Question {number}\b", cell.source, re.MULTILINE):
                    where[spec.name] = index
                    break
    return where


def grade_submission(
    submission: Submission,
    lesson: int,
    module_name: str,
    specs: list[QuestionSpec],
    sandbox: Sandbox,
    timeout: float = 300,
    memory_gb: float = 4,
    check_timeout: float = 60,
    keep: Path | None = None,
) -> StudentResult:
    """Run one submission in a fresh kernel and grade every question with the fresh checks."""
    start = time.monotonic()
    result = StudentResult(submission.student, submission.path.name)
    notes = [submission.note] if submission.note else []

    def finish(problem: str = "", grades: list[QuestionGrade] | None = None) -> StudentResult:
        if problem:
            notes.append(problem)
        result.problem = "; ".join(notes)
        result.grades = grades or [QuestionGrade(s.name, NOT_REACHED, problem) for s in specs]
        result.seconds = time.monotonic() - start
        return result

    try:
        nb = read_submission(submission.path)
    except CourseError as error:
        return finish(str(error))
    code = [cell for cell in nb.cells if cell.cell_type == "code" and cell.source.strip()]
    if not code:
        return finish("empty notebook: it has no code.")
    imported = {int(n) for cell in code for n in _LESSON_IMPORT.findall(cell.source)}
    if imported and lesson not in imported:
        others = ", ".join(map(str, sorted(imported)))
        return finish(f"wrong lesson: this is an exercise notebook of lesson {others}, not lesson {lesson}.")
    if not imported:
        notes.append(f"the notebook never imports the checks of lesson {lesson} (nncourse.exercises.lesson{lesson})")

    import nbformat
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    import nncourse

    # Kernel sockets live in the working folder: keep its path short (Unix socket paths are <108 bytes).
    work = Path(tempfile.mkdtemp(prefix="nng-", dir="/tmp" if Path("/tmp").is_dir() else None))
    try:
        for sub in ("exercises", "tmp", ".config", ".cache"):
            (work / sub).mkdir()
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, work / "exercises" / (submission.path.stem + ".ipynb"))

        token = "NNCOURSE-GRADE-" + secrets.token_hex(8) + ":"
        store, grading = "_nncourse_calls_" + secrets.token_hex(6), "_nncourse_grading_" + secrets.token_hex(6)
        package_dir = str(Path(nncourse.__file__).resolve().parent.parent)
        client = NotebookClient(
            nb, kernel_manager_class=_kernel_manager_class(work, sandbox, int(memory_gb * 1024**3)),
            timeout=timeout, kernel_name="python3", allow_errors=False, record_timing=False,
            interrupt_on_timeout=False, startup_timeout=120, shutdown_kernel="immediate",
            resources={"metadata": {"path": str(work / "exercises")}},
        )  # fmt: skip
        km = client.create_kernel_manager()
        # Kernel sockets are Unix sockets in the working folder: they work across the sandbox's
        # network namespace, where TCP on localhost would not.
        (work / ".kernel").mkdir()
        km.transport, km.ip = "ipc", str(work / ".kernel" / "k")
        km.connection_file = str(work / ".kernel" / "connection.json")

        def interrupt() -> None:
            with contextlib.suppress(Exception):
                run_sync(km.interrupt_kernel)()
            time.sleep(1)

        def run(source: str, seconds: float):
            cell = nbformat.v4.new_code_cell(source)
            client.timeout = max(1, int(seconds))
            nb.cells.append(cell)  # nbclient wants the cell in the notebook; it leaves again at once
            try:
                client.execute_cell(cell, len(nb.cells) - 1, store_history=False)
            finally:
                nb.cells.remove(cell)
            return cell

        stopped_at: int | None = None
        problem = ""
        grades: list[QuestionGrade] = []
        # Last resort: whatever happens inside nbclient, the kernel dies after this long.
        watchdog = threading.Timer(timeout + 30 + check_timeout * (len(specs) + 1), km.kill_now)
        watchdog.daemon = True
        watchdog.start()
        try:
            with client.setup_kernel(env=_kernel_env(work), cwd=str(work / "exercises")):
                run(_SETUP.format(store=store), 60)
                deadline = time.monotonic() + timeout
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type != "code" or not cell.source.strip():
                        continue
                    remaining = deadline - time.monotonic()
                    try:
                        if remaining <= 0:
                            raise CellTimeoutError("")
                        client.timeout = max(1, int(remaining))
                        client.execute_cell(cell, index)
                    except CellTimeoutError:
                        stopped_at, problem = index, f"ran out of time ({timeout:g} s) in cell {index + 1}"
                        interrupt()
                        break
                    except DeadKernelError:
                        stopped_at = index
                        problem = f"the kernel died in cell {index + 1} (it exited, crashed or ran out of memory; the limit is {memory_gb:g} GB)"
                        break
                    except CellExecutionError as error:
                        stopped_at, problem = index, f"raised {_error_text(error)} in cell {index + 1}"
                        if getattr(error, "ename", "") == "MemoryError":
                            problem += f" (the memory limit is {memory_gb:g} GB)"
                        break
                grades = _grade_in_kernel(
                    run, nb, specs, module_name, package_dir, str(work), token, store, grading,
                    stopped_at, problem, check_timeout, interrupt,
                )  # fmt: skip
        except DeadKernelError:
            problem = problem or "the kernel died"
        except Exception as error:  # noqa: BLE001 - one bad submission must never stop the batch
            problem = problem or f"could not be run: {_error_text(error)}"
        finally:
            watchdog.cancel()
            km.kill_now()
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, keep / f"{_file_stem(submission.student)}.ipynb")
        if not grades:
            grades = [QuestionGrade(s.name, NOT_REACHED, problem or "the notebook could not be run") for s in specs]
        return finish(problem, grades)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _grade_in_kernel(
    run, nb, specs, module_name, package_dir, work, token, store, grading, stopped_at, problem, check_timeout, interrupt
):
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    where = _question_cells(nb, specs)
    try:
        run(_LOAD.format(package_dir=package_dir, work=work, module=module_name, grading=grading), 120)
    except (CellExecutionError, CellTimeoutError) as error:
        reason = f"the grader could not load the checks in this kernel ({_error_text(error)})"
        if problem:
            reason = f"{problem}; {reason}"
        return [QuestionGrade(s.name, NOT_REACHED, reason) for s in specs]
    grades = []
    for spec in specs:
        position = where.get(spec.name)
        if stopped_at is not None and position is not None and position > stopped_at:
            grades.append(
                QuestionGrade(spec.name, NOT_REACHED, f"The notebook stopped before this question: it {problem}.")
            )
            continue
        try:
            cell = run(
                _EVALUATE.format(grading=grading, name=spec.name, store=store, arguments=spec.arguments, token=token),
                check_timeout,
            )
        except CellTimeoutError:
            interrupt()
            grades.append(
                QuestionGrade(
                    spec.name, WRONG, f"Checking your answer took more than {check_timeout:g} s: does it loop forever?"
                )
            )
            continue
        except DeadKernelError:
            raise
        except CellExecutionError as error:
            grades.append(QuestionGrade(spec.name, WRONG, f"Checking your answer failed: {_error_text(error)}."))
            continue
        report = None
        for output in cell.outputs:
            for line in output.get("text", "").splitlines():
                if line.startswith(token):
                    report = json.loads(line[len(token) :])
        if report is None or report["status"] is None:
            if stopped_at is not None:
                grades.append(
                    QuestionGrade(
                        spec.name, NOT_REACHED, f"The notebook stopped before answering this question: it {problem}."
                    )
                )
            else:
                names = ", ".join(f"`{a}`" for a in spec.arguments) or "an answer"
                grades.append(
                    QuestionGrade(
                        spec.name,
                        NOT_ATTEMPTED,
                        f"No answer: {spec.name}.check was never called and {names} is not defined.",
                    )
                )
            continue
        status = {"correct": CORRECT, "incorrect": WRONG, "not attempted": NOT_ATTEMPTED}.get(report["status"], WRONG)
        grades.append(QuestionGrade(spec.name, status, report["message"]))
    return grades


# ---------------------------------------------------------------------------------------------
# The batch
# ---------------------------------------------------------------------------------------------


def _grade_job(args) -> StudentResult:
    submission = args[0]
    try:
        return grade_submission(*args)
    except Exception as error:  # noqa: BLE001 - the batch always finishes
        return StudentResult(
            submission.student, submission.path.name, [], f"the grader failed on this file: {_error_text(error)}"
        )


def grade_all(
    submissions: list[Submission],
    lesson: int,
    module_name: str,
    specs: list[QuestionSpec],
    sandbox: Sandbox,
    jobs: int = 1,
    timeout: float = 300,
    memory_gb: float = 4,
    keep: Path | None = None,
    progress=None,
    check_timeout: float = 60,
) -> list[StudentResult]:
    """Grade every submission, ``jobs`` at a time; results come back in the submissions' order."""
    arguments = [(s, lesson, module_name, specs, sandbox, timeout, memory_gb, check_timeout, keep) for s in submissions]
    results: list[StudentResult | None] = [None] * len(submissions)
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=context) as pool:
        futures = {pool.submit(_grade_job, a): i for i, a in enumerate(arguments)}
        for future in concurrent.futures.as_completed(futures):
            index = futures[future]
            try:
                result = future.result()
            except Exception as error:  # noqa: BLE001 - e.g. a worker process killed
                result = StudentResult(
                    submissions[index].student,
                    submissions[index].path.name,
                    [],
                    f"the grader failed on this file: {_error_text(error)}",
                )
            if not result.grades:
                result.grades = [QuestionGrade(s.name, NOT_REACHED, result.problem) for s in specs]
            results[index] = result
            if progress:
                progress(result)
    return [r for r in results if r is not None]


# ---------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------


def _file_stem(student: str) -> str:
    return re.sub(r"[^\w.-]+", "_", student).strip("._") or "student"


def write_reports(
    out: str | Path,
    lesson: int,
    specs: list[QuestionSpec],
    results: list[StudentResult],
    sandbox: Sandbox,
    notes: Iterable[str] = (),
) -> dict[str, Path]:
    """Write ``gradebook.csv``, ``feedback/<student>.md``, ``summary.md`` and ``summary.png``."""
    out = Path(out)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    notes = list(notes)
    gradebook = out / "gradebook.csv"
    with gradebook.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "file", *[s.name for s in specs], "total", "out of", "statuses", "problem"])
        for r in results:
            by = {g.name: g for g in r.grades}
            statuses = "; ".join(f"{s.name} {by[s.name].status}" for s in specs if s.name in by)
            writer.writerow(
                [
                    r.student,
                    r.file,
                    *[int(by.get(s.name, QuestionGrade(s.name, NOT_REACHED)).status == CORRECT) for s in specs],
                    r.total,
                    len(specs),
                    statuses,
                    r.problem,
                ]
            )
    labels = {s.name: s.label for s in specs}
    used: set[str] = set()
    for r in results:
        stem = _file_stem(r.student)
        while stem in used:
            stem += "_"
        used.add(stem)
        lines = [
            f"# Lesson {lesson} exercises: feedback for {r.student}",
            "",
            f"Submitted file: `{r.file}`. Score: **{r.total} of {len(specs)}**.",
            "",
        ]
        if r.problem:
            lines += [f"Note: {r.problem}.", ""]
        for spec in specs:
            grade = next((g for g in r.grades if g.name == spec.name), QuestionGrade(spec.name, NOT_REACHED))
            lines.append(f"## {labels[spec.name]}: {grade.status}")
            lines.append("")
            if grade.message:
                lines += [grade.message, ""]
            if grade.status != CORRECT and spec.hint:
                lines += [f"Hint: {spec.hint}", ""]
        (out / "feedback" / f"{stem}.md").write_text("\n".join(lines), encoding="utf-8")

    counts = {
        s.name: Counter(next((g.status for g in r.grades if g.name == s.name), NOT_REACHED) for r in results)
        for s in specs
    }
    figure = out / "summary.png"
    _plot_summary(figure, lesson, specs, counts, len(results))
    lines = [f"# Lesson {lesson}: class summary", "", sandbox.description, ""]
    lines += [
        f"{len(results)} submissions graded. Mean score {sum(r.total for r in results) / max(1, len(results)):.1f} of {len(specs)}.",
        "",
    ]
    alt = "; ".join(f"{s.name} {counts[s.name][CORRECT]} of {len(results)} correct" for s in specs)
    lines += [
        f"![Share of students per question who got it right, wrong, did not attempt it or did not reach it. {alt}.](summary.png)",
        "",
    ]
    lines += ["| question | correct | wrong | not attempted | not reached |", "|---|---|---|---|---|"]
    for s in specs:
        c = counts[s.name]
        lines.append(f"| {labels[s.name]} | {c[CORRECT]} | {c[WRONG]} | {c[NOT_ATTEMPTED]} | {c[NOT_REACHED]} |")
    lines += ["", "## Most common messages (what to revisit)", ""]
    for s in specs:
        messages = Counter(
            g.message for r in results for g in r.grades if g.name == s.name and g.status == WRONG and g.message
        )
        if not messages:
            continue
        lines.append(f"**{labels[s.name]}**")
        lines.append("")
        for message, count in messages.most_common(3):
            lines.append(f"- {count} × {message}")
        lines.append("")
    problems = [f"- {r.student} (`{r.file}`): {r.problem}" for r in results if r.problem]
    if problems or notes:
        lines += ["## Submissions with problems", "", *problems, *[f"- {n}" for n in notes], ""]
    summary = out / "summary.md"
    summary.write_text("\n".join(lines), encoding="utf-8")
    return {"gradebook": gradebook, "summary": summary, "figure": figure, "feedback": out / "feedback"}


def _plot_summary(path: Path, lesson: int, specs, counts, n: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = {CORRECT: "#009E73", WRONG: "#D55E00", NOT_ATTEMPTED: "#56B4E9", NOT_REACHED: "#999999"}
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(specs) + 1.6))
    names = [s.label for s in specs][::-1]
    left = [0.0] * len(specs)
    for status in STATUSES:
        share = [100 * counts[s.name][status] / max(1, n) for s in specs][::-1]
        ax.barh(names, share, left=left, color=colours[status], label=status)
        left = [a + b for a, b in zip(left, share)]
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"share of students (%), {n} submissions")
    ax.set_title(f"Lesson {lesson}: who got each question right")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25 if len(specs) > 3 else -0.4), ncol=2, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main_grade(
    root: Path,
    paths: Sequence[str],
    lesson: int,
    out: str,
    jobs: int = 1,
    timeout: float = 300,
    memory_gb: float = 4,
    roster: str | None = None,
    no_sandbox: bool = False,
    echo=print,
) -> int:
    """The ``nncourse grade`` command. Returns the exit status."""
    from nncourse.classroom import read_roster

    sandbox = detect_sandbox(disabled=no_sandbox)
    echo(sandbox.description)
    module_name, specs = lesson_questions(root, lesson)
    submissions, notes = find_submissions(paths, read_roster(roster) if roster else None)
    for note in notes:
        echo(note)
    if not submissions:
        echo("nncourse grade: no submissions to grade.")
        return 2
    out_dir = Path(out).resolve()
    for submission in submissions:
        if out_dir in submission.path.resolve().parents:
            raise CourseError(
                f"The output folder {out_dir} holds the submission {submission.path}; choose another --out."
            )
    out_dir.mkdir(parents=True, exist_ok=True)
    sandbox = sandbox.hiding([*(s.path.parent for s in submissions), out_dir])
    started = time.monotonic()
    echo(
        f"Grading {len(submissions)} submission(s) of lesson {lesson}, {jobs} at a time ({timeout:g} s and {memory_gb:g} GB each)..."
    )

    def progress(r: StudentResult) -> None:
        echo(f"  {r.student}: {r.total}/{len(specs)} ({r.seconds:.0f} s){' - ' + r.problem if r.problem else ''}")

    results = grade_all(
        submissions, lesson, module_name, specs, sandbox, jobs, timeout, memory_gb, out_dir / "executed", progress
    )
    written = write_reports(out_dir, lesson, specs, results, sandbox, notes)
    echo(
        f"Graded {len(results)} in {time.monotonic() - started:.0f} s. Wrote {written['gradebook']}, {written['summary']}, {written['figure']} and {written['feedback']}/."
    )
    return 0
