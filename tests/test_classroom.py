"""Tests of nncourse.classroom.ColdCaller."""

from __future__ import annotations

import pytest

from nncourse.classroom import ColdCaller, read_roster
from nncourse.errors import CourseError

NAMES = ["Amara", "Bo", "Chen", "Dana", "Eli", "Farah", "Gus"]


def test_everyone_once_per_round():
    caller = ColdCaller(NAMES, seed=1)
    for _ in range(3):
        round_ = [caller.pick() for _ in NAMES]
        assert sorted(round_) == sorted(NAMES)
    assert caller.round == 3


def test_remaining_shrinks_during_a_round():
    caller = ColdCaller(NAMES, seed=1)
    assert caller.remaining == sorted(NAMES)
    first = caller.pick()
    assert first not in caller.remaining and len(caller.remaining) == len(NAMES) - 1


def test_seed_makes_the_order_repeatable_and_rounds_differ():
    a = [ColdCaller(NAMES, seed=7).pick_many(len(NAMES) * 4)]
    b = [ColdCaller(NAMES, seed=7).pick_many(len(NAMES) * 4)]
    assert a == b
    assert ColdCaller(NAMES, seed=8).pick_many(len(NAMES)) != a[0][: len(NAMES)]
    rounds = [tuple(a[0][i : i + len(NAMES)]) for i in range(0, len(NAMES) * 4, len(NAMES))]
    assert len(set(rounds)) > 1


@pytest.mark.parametrize("seed", range(40))
def test_nobody_twice_in_a_row_across_rounds(seed):
    calls = ColdCaller(["A", "B", "C"], seed=seed).pick_many(30)
    assert all(x != y for x, y in zip(calls, calls[1:]))


def test_single_student_is_always_picked():
    assert ColdCaller(["Solo"]).pick_many(3) == ["Solo"] * 3


def test_roster_file_with_comments_and_csv_header(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text('name,email\n# week 1\n"Amara",a@example.org\n\nBo,b@example.org\n', encoding="utf-8")
    assert read_roster(roster) == ["Amara", "Bo"]
    caller = ColdCaller(roster, seed=0)
    assert sorted(caller.pick_many(2)) == ["Amara", "Bo"]


@pytest.mark.parametrize(
    "roster, words",
    [
        ([], "empty"),
        (["Ann", "Ann", "Bob"], "more than once: Ann"),
        (42, "list of names"),
        ("/no/such/file.txt", "No roster file"),
    ],
)
def test_bad_rosters_explain(roster, words):
    with pytest.raises(CourseError, match=words):
        ColdCaller(roster)


def test_pick_many_needs_a_positive_count():
    with pytest.raises(CourseError, match="at least 1"):
        ColdCaller(NAMES).pick_many(0)
