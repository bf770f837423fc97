"""Tests of nncourse.repro.set_seed."""

from __future__ import annotations

import random

import numpy as np
import pytest

from nncourse.errors import CourseError
from nncourse.repro import set_seed


def test_python_and_numpy_are_seeded():
    set_seed(5, keras=False)
    first = (random.random(), np.random.rand(3))
    set_seed(5, keras=False)
    second = (random.random(), np.random.rand(3))
    assert first[0] == second[0]
    np.testing.assert_array_equal(first[1], second[1])


def test_keras_weights_are_seeded():
    keras = pytest.importorskip("keras")

    def initial_weights():
        layer = keras.layers.Dense(4)
        layer.build((None, 3))
        return layer.get_weights()[0]

    set_seed(11, keras=True)
    a = initial_weights()
    set_seed(11, keras=True)
    b = initial_weights()
    set_seed(12, keras=True)
    c = initial_weights()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("seed", [-1, 1.5, "42", None, True])
def test_bad_seeds_explain(seed):
    with pytest.raises(CourseError, match="whole number"):
        set_seed(seed)


@pytest.mark.parametrize(
    ("phrase", "value", "low", "high"),
    [
        ("about 88%", 0.88, 0.875, 0.885),
        ("a test loss of about 0.097", 0.097, 0.0965, 0.0975),
        ("takes 1,437 steps", 1437, 1436.5, 1437.5),
        ("to about −39 with a loss", -39, -39.5, -38.5),
        ("right about 96% to 97% of the time", 0.96, 0.955, 0.965),
        ("L1 brings it to about 0.04, dropout to 0.06", 0.04, 0.035, 0.045),
        ("(about 0.08 at the end against 0.10)", 0.08, 0.075, 0.085),
        ("at about $3 \\times 10^{-5}$", 3e-5, 2.5e-5, 3.5e-5),
        ("explodes to about $8 \\times 10^8$", 8e8, 7.5e8, 8.5e8),
        ("about $10^{-16}$ at most", 1e-16, 0.5e-16, 5e-16),
    ],
)
def test_prose_phrases_are_read_with_the_rounding_they_imply(phrase, value, low, high):
    from nncourse.repro import _parse_prose

    stated, parsed_low, parsed_high = _parse_prose(phrase)
    assert stated == pytest.approx(value)
    assert (parsed_low, parsed_high) == (pytest.approx(low), pytest.approx(high))


def test_prose_number_accepts_what_the_phrase_says():
    from nncourse.repro import prose_number

    assert prose_number(0.884, "about 88%") == pytest.approx(0.884)
    assert prose_number(np.float32(0.8751), "about 88%") == pytest.approx(0.8751)
    assert prose_number(23, "And 23 test pixel values") == 23
    assert prose_number(2570.0, "a loss near 2,600", low=2550, high=2650) == 2570.0


@pytest.mark.parametrize(
    ("value", "phrase", "bounds"),
    [
        (0.893, "about 88%", {}),  # the prose number is wrong
        (0.874, "about 88%", {}),
        (0.102, "a test loss of about 0.097", {}),
        (6, "gets 12 more images right", {}),
        (2.0e-4, "below $10^{-4}$", {"low": 0, "high": 1e-4}),
        (float("nan"), "about 88%", {}),
    ],
)
def test_prose_number_fails_when_the_output_disagrees(value, phrase, bounds):
    from nncourse.repro import prose_number

    with pytest.raises(AssertionError, match="the lesson says"):
        prose_number(value, phrase, **bounds)


def test_a_phrase_without_a_number_needs_bounds():
    from nncourse.repro import prose_number

    with pytest.raises(ValueError, match="no number"):
        prose_number(1.0, "all the probability")
    assert prose_number(0.999, "all the probability", low=0.995, high=1.0) == pytest.approx(0.999)
