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
