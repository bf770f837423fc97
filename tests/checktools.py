"""Helpers the unit tests of the checks share (import: ``from checktools import ...``).

- :func:`assert_wrong` / :func:`assert_correct`: the status of a check result, and words its message holds.
- :func:`reference`: run a question's reference answer, the code ``solution()`` shows (extracted from
  the solution notebook by ``nncourse generate``), in a namespace, and return that namespace.
"""

from __future__ import annotations

from typing import Any

from nncourse.exercises.core import CORRECT, INCORRECT, Question


def assert_wrong(result: Any, *words: str) -> None:
    """The result is "incorrect", and its message holds every one of ``words`` (any case), in one line."""
    assert result.status == INCORRECT, result
    for word in words:
        assert word.lower() in result.message.lower(), (word, result.message)
    assert "Traceback" not in result.message and len(result.message) < 1200, result.message


def assert_correct(result: Any) -> None:
    assert result.status == CORRECT, result


def reference(question: Question, **namespace: Any) -> dict[str, Any]:
    """Execute ``question``'s reference answer with ``namespace`` (the notebook's names it needs)."""
    code = question.answer
    assert code, f"{question.label} has no reference answer extracted from its solution notebook"
    exec(compile(code, f"<answer to {question.label}>", "exec"), namespace)  # noqa: S102 - our own code
    return namespace
