"""Classroom tools for instructors.

:class:`ColdCaller` picks a random student for a discussion question, calling nobody twice
until everyone has had a turn; then a new round begins. Seed it to make the order repeatable.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterable
from pathlib import Path

from nncourse.errors import CourseError

__all__ = ["ColdCaller", "read_roster"]


def read_roster(path: str | os.PathLike[str]) -> list[str]:
    """Read a roster file: one student a line; blank lines and lines starting with ``#`` are skipped.

    A CSV export works too: only the first column of each line is used, and a first line
    whose first column is ``name`` (any case) is taken as a header.
    """
    path = Path(path)
    if not path.is_file():
        raise CourseError(f"No roster file at {path}. Give the path of a text file with one student a line.")
    names = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        first = line.split(",")[0].strip().strip('"')
        if number == 0 and first.lower() in ("name", "student", "students"):
            continue
        if first:
            names.append(first)
    return names


class ColdCaller:
    """Pick students at random, with no repeats until everyone has been called.

    Args:
        roster: a list of names, or the path of a roster file (see :func:`read_roster`).
        seed: make the order repeatable (``None`` for a fresh order every time).

    Example:
        >>> caller = ColdCaller(["Ada", "Grace", "Alan"], seed=1)
        >>> first_round = [caller.pick() for _ in range(3)]
        >>> sorted(first_round)
        ['Ada', 'Alan', 'Grace']
    """

    def __init__(self, roster: Iterable[str] | str | os.PathLike[str], seed: int | None = None) -> None:
        if isinstance(roster, (str, os.PathLike)):
            names = read_roster(roster)
        else:
            try:
                names = [str(name).strip() for name in roster]
            except TypeError:
                raise CourseError(
                    f"The roster must be a list of names or a path to a roster file, not {type(roster).__name__}."
                ) from None
            names = [name for name in names if name]
        if not names:
            raise CourseError("The roster is empty: give at least one student's name.")
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise CourseError(
                f"These names appear more than once: {', '.join(duplicates)}. "
                "Make them unique (add an initial) so everyone is called once a round."
            )
        self.students: tuple[str, ...] = tuple(names)
        self._rng = random.Random(seed)
        self._queue: list[str] = []
        self.round = 0
        self.called: list[str] = []

    @property
    def remaining(self) -> list[str]:
        """Students not yet called in the current round (in no particular order)."""
        if not self._queue:
            return sorted(self.students) if self.round == 0 else []
        return sorted(self._queue)

    def _new_round(self) -> None:
        order = list(self.students)
        self._rng.shuffle(order)
        # Never call the same student twice in a row across a round boundary.
        if self.called and len(order) > 1 and order[-1] == self.called[-1]:
            order[0], order[-1] = order[-1], order[0]
        self._queue = order
        self.round += 1

    def pick(self) -> str:
        """Return the next student: random, and nobody twice until everyone has been called."""
        if not self._queue:
            self._new_round()
        name = self._queue.pop()
        self.called.append(name)
        return name

    def pick_many(self, count: int) -> list[str]:
        """Return the next ``count`` students, e.g. for a group of ``count``."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise CourseError(f"count must be a whole number of at least 1, got {count!r}.")
        return [self.pick() for _ in range(count)]

    def __repr__(self) -> str:
        return f"ColdCaller({len(self.students)} students, round {self.round}, {len(self.called)} called)"
