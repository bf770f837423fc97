"""Self-checking exercise questions: :mod:`nncourse.exercises.core` and one module per lesson."""

from nncourse.exercises.core import CheckFailed, CheckResult, NotAttempted, Question, Wrong

__all__ = ["CheckFailed", "CheckResult", "NotAttempted", "Question", "Wrong"]
