"""Errors that speak to a learner.

Every helper in the package checks what it is given and, when something is off, raises
:class:`CourseError` with a message that says what went wrong, what was probably meant and
what to do next, instead of letting a library fail several frames deeper.
"""

from __future__ import annotations

from typing import Any


class CourseError(ValueError):
    """A mistake in what was passed to a course helper, explained in plain words."""


def describe(value: Any) -> str:
    """Return a short description of ``value`` for error messages, e.g. ``an array of shape (3, 4)``."""
    shape = getattr(value, "shape", None)
    if shape is not None and not callable(shape):
        dtype = getattr(value, "dtype", None)
        kind = type(value).__name__
        extra = f", dtype {dtype}" if dtype is not None else ""
        return f"a {kind} of shape {tuple(shape)}{extra}"
    if value is None:
        return "None"
    if value is Ellipsis:
        return "... (the placeholder)"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"a value of type {type(value).__name__}"
