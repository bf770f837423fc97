"""Unit tests of nncourse.optim: contour plots of optimisation paths and numerical gradients."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nncourse.errors import CourseError  # noqa: E402
from nncourse.optim import contour_paths, numerical_gradient  # noqa: E402
from nncourse.plots import PALETTE  # noqa: E402


def bowl(w):
    return 0.01 * w[0] ** 2 + w[1] ** 2


def test_numerical_gradient_matches_the_analytic_gradient():
    w = np.array([-9.0, 2.0])
    assert np.allclose(numerical_gradient(bowl, w), [0.02 * -9.0, 2 * 2.0], rtol=1e-6)


def test_numerical_gradient_keeps_the_shape_and_leaves_the_input_alone():
    W = np.arange(6.0).reshape(2, 3)
    before = W.copy()
    gradient = numerical_gradient(lambda M: float(np.sum(M**2)), W)
    assert gradient.shape == (2, 3)
    assert np.allclose(gradient, 2 * W, atol=1e-6)
    assert np.array_equal(W, before)


def test_numerical_gradient_rejects_a_non_function():
    with pytest.raises(CourseError, match="function"):
        numerical_gradient(3.0, np.zeros(2))


def test_contour_paths_draws_one_line_per_path_plus_markers():
    paths = {"a": np.array([[-9.0, 2.0], [-8.0, 1.0], [-7.0, 0.5]]), "b": np.array([[-9.0, 2.0], [-5.0, 0.0]])}
    fig = contour_paths(bowl, paths, xlim=(-10, 2), ylim=(-3, 3), minimum=(0, 0), title="test")
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["a", "b", "start", "minimum"]
    assert ax.get_title() == "test"
    assert ax.get_xlim() == (-10, 2)
    assert matplotlib.colors.to_hex(ax.get_lines()[0].get_color()) == PALETTE[0].lower()
    plt.close(fig)


def test_contour_paths_on_given_axes_with_own_colours_and_a_diverging_path():
    fig, ax = plt.subplots()
    path = np.array([[1.0, 1.0], [2.0, -3.0], [np.inf, np.nan]])
    returned = contour_paths(bowl, {"runaway": path}, ax=ax, colors=["#123456"])
    assert returned is fig
    line = ax.get_lines()[0]
    assert len(line.get_xdata()) == 2  # the infinite point is not drawn
    assert line.get_color() == "#123456"
    plt.close(fig)


def test_contour_paths_works_with_a_function_that_is_not_vectorised():
    def scalar_only(w):
        return float(w[0] ** 2 + w[1] ** 2)  # float() fails on a grid

    fig = contour_paths(scalar_only, xlim=(-1, 1), ylim=(-1, 1), resolution=20)
    assert len(fig.axes) == 1
    plt.close(fig)


@pytest.mark.parametrize(
    "paths, message",
    [
        ([np.zeros((3, 2))], "dict"),
        ({"bad": np.zeros((3, 3))}, "shape"),
        ({"empty": np.zeros((0, 2))}, "shape"),
    ],
)
def test_contour_paths_explains_bad_paths(paths, message):
    with pytest.raises(CourseError, match=message):
        contour_paths(bowl, paths)


def test_contour_paths_rejects_a_non_function():
    with pytest.raises(CourseError, match="function"):
        contour_paths(np.zeros(3), {})
