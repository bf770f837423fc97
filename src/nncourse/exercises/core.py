"""Self-checking exercise questions.

Each exercise question is a :class:`Question`. In a notebook::

    from nncourse.exercises.lesson1 import q1
    n_params = ...            # the learner replaces the placeholder
    q1.check(n_params)        # correct / what is wrong, with a hint / not attempted yet
    q1.hint()                 # a hint
    q1.solution()             # the reference answer

A question's checker looks only at behaviour (values, shapes, predictions on a fixed batch,
accuracy on held-out data), never at the learner's code or a library's private internals, so
any correct approach passes. The checker raises :class:`Wrong` with a message for the learner;
anything else it raises is caught and explained, so a learner never sees a library traceback.

How strict ``check()`` is comes from the environment variable ``NNCOURSE_CHECKS``:

- unset (a learner): show the result, never raise;
- ``solution`` (tests of solution notebooks): raise :class:`CheckFailed` unless correct;
- ``exercise`` (tests of untouched exercise notebooks): raise unless "not attempted yet",
  which catches a check that would accept the placeholder.
"""

from __future__ import annotations

import functools
import html
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nncourse.errors import describe

__all__ = [
    "Question",
    "CheckResult",
    "Wrong",
    "NotAttempted",
    "CheckFailed",
    "CORRECT",
    "INCORRECT",
    "NOT_ATTEMPTED",
    "is_placeholder",
    "expect_number",
    "expect_array",
    "expect_callable",
    "expect_keras_model",
    "expect_fitted_estimator",
    "expect_history",
    "non_finite_message",
    "one_line",
]

CORRECT = "correct"
INCORRECT = "incorrect"
NOT_ATTEMPTED = "not attempted"
MODE_VARIABLE = "NNCOURSE_CHECKS"


class Wrong(Exception):
    """Raised by a checker: the answer is wrong; the message tells the learner why."""


class NotAttempted(Exception):
    """Raised by a checker when an answer is still the placeholder."""


class CheckFailed(AssertionError):
    """Raised by ``check()`` in a strict mode when the result is not the expected one."""


def is_placeholder(value: Any) -> bool:
    """True for the placeholder ``...`` that exercise notebooks put where an answer goes."""
    return value is Ellipsis


@dataclass
class CheckResult:
    """The outcome of checking one answer."""

    question: str
    status: str
    message: str

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def __str__(self) -> str:
        prefix = {CORRECT: "Correct", INCORRECT: "Not quite", NOT_ATTEMPTED: "Not attempted yet"}[self.status]
        return f"{self.question}: {prefix}. {self.message}".strip()

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = {CORRECT: "#009E73", INCORRECT: "#D55E00", NOT_ATTEMPTED: "#0072B2"}[self.status]
        prefix = {CORRECT: "Correct", INCORRECT: "Not quite", NOT_ATTEMPTED: "Not attempted yet"}[self.status]
        body = html.escape(self.message).replace("\n", "<br>")
        return (
            f'<div style="border-left: 4px solid {colour}; padding: 0.3em 0.8em; margin: 0.3em 0;">'
            f'<strong style="color: {colour}">{html.escape(self.question)}: {prefix}.</strong> {body}</div>'
        )


def _show(obj: Any) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None:
            display(obj)
            return
    except ImportError:  # pragma: no cover - IPython is always there in a notebook
        pass
    print(obj)


@dataclass
class _Text:
    """Markdown text that shows as Markdown in Jupyter and as plain text elsewhere."""

    text: str

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


@dataclass
class Question:
    """One exercise question with a checker, hints and a reference solution.

    Args:
        label: how the question is named to the learner, e.g. ``"Question 1 (parameter count)"``.
        checker: called with the learner's answers; returns an optional praise string, raises
            :class:`Wrong` with an explanation, or :class:`NotAttempted`. Placeholders (``...``)
            among the answers are caught before it is called.
        hints: one or more hints, from gentle to explicit.
        solution_code: only a fallback. ``solution()`` shows the answer that ``nncourse generate``
            extracted from the solution notebook (``answers.json``), the code the tests execute;
            this string is shown only for a question that no solution notebook checks.
    """

    label: str
    checker: Callable[..., str | None]
    hints: Sequence[str]
    solution_code: str = ""
    _hints_shown: int = field(default=0, repr=False)

    def _name(self) -> tuple[str, str] | None:
        """``(module, variable)`` under which this question is defined, e.g. ``("nncourse.exercises.lesson4", "q4")``."""
        import sys

        module_name = getattr(self.checker, "__module__", None)
        module = sys.modules.get(module_name or "")
        for name, value in vars(module).items() if module is not None else ():
            if value is self:
                return module_name, name
        return None

    def call_form(self) -> str:
        """How the learner calls this question's check, e.g. ``q4.check(history, model)``."""
        import inspect

        where = self._name()
        name = where[1] if where else "q"
        try:
            parameters = [p.name for p in inspect.signature(self.checker).parameters.values()]
        except (TypeError, ValueError):  # pragma: no cover - builtins
            parameters = ["answer"]
        return f"{name}.check({', '.join(parameters)})"

    @property
    def answer(self) -> str:
        """The reference answer's code: taken from the solution notebook (see ``nncourse generate``)."""
        where = self._name()
        if where is not None:
            entry = _answers().get(where[0], {}).get(where[1])
            if entry:
                return entry["code"]
        return self.solution_code.strip()

    def evaluate(self, *answers: Any) -> CheckResult:
        """Check the answers and return a :class:`CheckResult` without showing it."""
        if not answers:
            return CheckResult(
                self.label,
                INCORRECT,
                "check() needs your answer: pass it in the brackets, as in the cell above, e.g. q1.check(n_params).",
            )
        if any(is_placeholder(answer) for answer in answers):
            return CheckResult(
                self.label,
                NOT_ATTEMPTED,
                "Replace the ... placeholder with your answer and run the cell again. "
                "Stuck? Call .hint() on this question.",
            )
        wanted = _arity(self.checker)
        if wanted is not None and len(answers) not in wanted:
            given = len(answers)
            return CheckResult(
                self.label,
                INCORRECT,
                f"This check takes {_count(max(wanted))} but was given {_count(given)}: call it as "
                f"{self.call_form()}, as in the cell above.",
            )
        try:
            praise = self.checker(*answers)
        except NotAttempted as reason:
            return CheckResult(self.label, NOT_ATTEMPTED, str(reason) or "Replace the ... placeholder and try again.")
        except Wrong as reason:
            return CheckResult(self.label, INCORRECT, f"{reason} (Call .hint() for a hint.)")
        except Exception as error:  # noqa: BLE001 - explain, never show a library traceback
            return CheckResult(
                self.label,
                INCORRECT,
                f"Trying out your answer failed with {one_line(error)} "
                "Check that it is the kind of thing the question asks for (see .hint()).",
            )
        return CheckResult(self.label, CORRECT, praise or "Well done.")

    def check(self, *answers: Any) -> None:
        """Check the answers and show whether they are right, with a hint when they are not."""
        result = self.evaluate(*answers)
        _show(result)
        mode = os.environ.get(MODE_VARIABLE, "").strip().lower()
        if mode == "solution" and result.status != CORRECT:
            raise CheckFailed(f"A solution notebook failed its own check: {result}")
        if mode == "exercise" and result.status != NOT_ATTEMPTED:
            raise CheckFailed(f"An untouched exercise should report 'not attempted yet', but: {result}")

    def hint(self) -> None:
        """Show the next hint (each call reveals one more, up to the last)."""
        if not self.hints:
            _show(_Text(f"**{self.label}**: no hint for this one; look back at the lesson."))
            return
        index = min(self._hints_shown, len(self.hints) - 1)
        self._hints_shown += 1
        more = " (call .hint() again for another)" if index < len(self.hints) - 1 else ""
        _show(_Text(f"**Hint for {self.label}**{more}: {self.hints[index]}"))

    def solution(self) -> None:
        """Show the reference answer."""
        code = self.answer
        if not code:
            _show(_Text(f"**{self.label}**: no solution is recorded for this question; see the solution notebook."))
            return
        _show(_Text(f"**A solution to {self.label}:**\n\n```python\n{code}\n```"))


@functools.lru_cache(maxsize=1)
def _answers() -> dict[str, dict[str, dict[str, str]]]:
    """The answers ``nncourse generate`` extracted from the solution notebooks (``answers.json``)."""
    import json
    from importlib import resources

    try:
        text = resources.files("nncourse.exercises").joinpath("answers.json").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):  # pragma: no cover - an install without the data file
        return {}
    return json.loads(text)


def _arity(function: Callable[..., Any]) -> range | None:
    """How many positional answers ``function`` accepts, or None when it takes any number."""
    import inspect

    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):  # pragma: no cover
        return None
    if any(p.kind == p.VAR_POSITIONAL for p in parameters):
        return None
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = [p for p in positional if p.default is p.empty]
    return range(len(required), len(positional) + 1)


def _count(n: int) -> str:
    return f"{n} answer" + ("" if n == 1 else "s")


def one_line(error: BaseException, limit: int = 200) -> str:
    """A library's error summarised in one short line: its type and the first line of its message."""
    text = str(error).strip()
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first) > limit:
        first = first[: limit - 3].rstrip() + "..."
    name = type(error).__name__
    return f"{name}: {first}" if first else f"{name}."


# ---------------------------------------------------------------------------------------------
# Small validators for checkers: each raises Wrong with a message a learner can act on.
# ---------------------------------------------------------------------------------------------


def expect_number(value: Any, what: str = "your answer") -> float:
    """Return ``value`` as a float, or raise :class:`Wrong` if it is not a single number."""
    if value is None:
        raise Wrong(f"{what} is None. Did a function forget to return its result?")
    if isinstance(value, bool):
        raise Wrong(f"{what} is {value}, a True/False value; a number is expected.")
    array = np.asarray(value) if not isinstance(value, (str, bytes)) else None
    if array is None or array.dtype == object or not np.issubdtype(array.dtype, np.number):
        raise Wrong(f"{what} should be a number, but it is {describe(value)}.")
    if array.size != 1:
        raise Wrong(f"{what} should be a single number, but it is {describe(value)}.")
    number = float(array.reshape(()))
    if not np.isfinite(number):
        raise Wrong(non_finite_message(array, what))
    return number


def expect_array(
    value: Any,
    what: str = "your answer",
    shape: tuple[int | None, ...] | None = None,
    ndim: int | None = None,
) -> np.ndarray:
    """Return ``value`` as a float NumPy array, checking its shape; raise :class:`Wrong` otherwise.

    ``shape`` may hold ``None`` for a dimension of any size.
    """
    if value is None:
        raise Wrong(f"{what} is None. Did a function forget to return its result?")
    if hasattr(value, "numpy") and callable(value.numpy):
        value = value.numpy()
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(f"{what} should be an array of numbers, but it is {describe(value)}.") from None
    if ndim is not None and array.ndim != ndim:
        raise Wrong(f"{what} should have {ndim} dimension(s), but has shape {array.shape}.")
    if shape is not None and (
        array.ndim != len(shape) or any(e is not None and e != a for e, a in zip(shape, array.shape))
    ):
        wanted = "(" + ", ".join("any" if e is None else str(e) for e in shape) + ")"
        raise Wrong(f"{what} should have shape {wanted}, but has shape {array.shape}.")
    if not np.all(np.isfinite(array)):
        raise Wrong(non_finite_message(array, what))
    return array


def non_finite_message(array: Any, what: str = "your result") -> str:
    """Say that the learner's own computation produced NaN or infinity, and what usually causes it."""
    array = np.asarray(array, dtype=float)
    nan, inf = int(np.isnan(array).sum()), int(np.isinf(array).sum())
    found = " and ".join(part for part in (f"{nan} NaN" if nan else "", f"{inf} infinite" if inf else "") if part)
    return (
        f"{what} contains {found} value(s), so your computation produced them: usually the log of 0 or of a "
        "negative number, exp of a large number overflowing, 0/0, or a step that diverged. Print the "
        "intermediate values of your code on a small input to see where they first appear."
    )


def expect_callable(value: Any, what: str = "your function") -> Callable[..., Any]:
    """Raise :class:`Wrong` unless ``value`` is a function (pass the function, not its result)."""
    if value is None:
        raise Wrong(f"{what} is None: pass the function itself, e.g. check(sigmoid), not check(sigmoid(x)).")
    if not callable(value):
        raise Wrong(f"Expected a function, got {describe(value)}. Pass the function itself, without calling it.")
    return value


def expect_keras_model(value: Any, trained: bool = True, what: str = "your model") -> Any:
    """Raise :class:`Wrong` unless ``value`` is a built (and, if asked, trained) Keras model."""
    if value is None:
        raise Wrong(f"{what} is None. Build it with keras.Sequential([...]) or the functional API.")
    try:
        import keras
    except ImportError:  # pragma: no cover
        raise Wrong("Keras is not installed in this environment.") from None
    if isinstance(value, keras.callbacks.History):
        raise Wrong("That is the History that fit() returns, not the model. Pass the model itself.")
    if not isinstance(value, keras.Model):
        raise Wrong(f"Expected a Keras model, got {describe(value)}.")
    if not value.built:
        raise Wrong(f"{what} has no weights yet: give it a keras.Input(shape=...) first layer, or train it.")
    if trained:
        optimizer = getattr(value, "optimizer", None)
        if optimizer is None:
            raise Wrong(f"{what} was never compiled: call model.compile(...) and then model.fit(...).")
        if int(optimizer.iterations.numpy()) == 0:
            raise Wrong(f"{what} looks untrained (no training step has run): call model.fit(...) first.")
    return value


def expect_fitted_estimator(value: Any, what: str = "your model") -> Any:
    """Raise :class:`Wrong` unless ``value`` is a fitted scikit-learn estimator."""
    if value is None:
        raise Wrong(f"{what} is None. Create it, e.g. MLPClassifier(...), and call .fit(X_train, y_train).")
    if not hasattr(value, "fit") or not hasattr(value, "predict"):
        raise Wrong(f"Expected a scikit-learn model with fit and predict, got {describe(value)}.")
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(value)
    except NotFittedError:
        raise Wrong(f"{what} is not fitted yet: call .fit(X_train, y_train) before checking.") from None
    return value


def expect_history(value: Any, what: str = "your history") -> dict[str, list[float]]:
    """Return the metrics dict of a Keras History (or a dict), or raise :class:`Wrong`."""
    data = getattr(value, "history", value)
    if value is None:
        raise Wrong(f"{what} is None: keep what fit returns, e.g. history = model.fit(...).")
    if not isinstance(data, dict):
        raise Wrong(f"Expected what model.fit returns (a History), got {describe(value)}.")
    if not data:
        raise Wrong(f"{what} is empty: did training run for at least one epoch?")
    return {key: list(map(float, values)) for key, values in data.items()}
