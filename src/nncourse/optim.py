"""Small tools for lesson 2 (how networks learn): contour plots of optimisation paths and
numerical gradients.

The update rules themselves (gradient descent, momentum, RMSProp, Adam) and the backward pass
are written out in the lesson, on purpose: this module only draws and checks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from nncourse.errors import CourseError, describe
from nncourse.plots import PALETTE

__all__ = ["contour_paths", "numerical_gradient"]


def _grid_values(f: Callable[[np.ndarray], Any], W1: np.ndarray, W2: np.ndarray) -> np.ndarray:
    """Evaluate ``f`` on a grid: in one call when ``f`` is vectorised, point by point otherwise."""
    try:
        with np.errstate(all="ignore"):
            Z = np.asarray(f(np.stack([W1, W2])), dtype=float)
        if Z.shape == W1.shape:
            return Z
    except Exception:  # noqa: BLE001 - f is not vectorised: fall back to a loop
        pass
    Z = np.empty_like(W1, dtype=float)
    for index in np.ndindex(W1.shape):
        Z[index] = float(f(np.array([W1[index], W2[index]])))
    return Z


def contour_paths(
    f: Callable[[np.ndarray], Any],
    paths: Mapping[str, Any] | None = None,
    xlim: tuple[float, float] = (-10.0, 10.0),
    ylim: tuple[float, float] = (-3.0, 3.0),
    levels: int | Sequence[float] = 15,
    minimum: Sequence[float] | None = None,
    title: str | None = None,
    ax: Any = None,
    resolution: int = 200,
    xlabel: str = "$w_1$",
    ylabel: str = "$w_2$",
    equal_aspect: bool = True,
    colors: Sequence[str] | None = None,
):
    """Draw the contour lines of a function of two parameters and optimisation paths on top.

    Args:
        f: the function, taking an array ``w`` of two numbers and returning a number. It is
            first tried on the whole grid at once (``w`` of shape (2, rows, cols), so a function
            written with ``w[0]`` and ``w[1]`` works), then point by point.
        paths: a dict from a name (shown in the legend) to the visited points, an array of shape
            (steps + 1, 2). Points that are infinite or NaN (a diverging run) are not drawn.
        xlim, ylim: the ranges of the two parameters shown.
        levels: how many contour lines, or their values. A number gives lines at heights that
            grow geometrically above the lowest value on the grid, so the region near the minimum
            is drawn in as much detail as the steep walls.
        minimum: where the minimum is, marked with a star.
        title: the axes title.
        ax: matplotlib axes to draw on (default: a new figure).
        resolution: grid points along each axis.
        xlabel, ylabel: axis labels.
        equal_aspect: one unit is as long on both axes, so that stretched valleys look stretched.
        colors: one colour per path (default: the course palette, in order).

    Returns:
        The matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    if not callable(f):
        raise CourseError(f"contour_paths needs the function itself as f, got {describe(f)}.")
    if paths is None:
        paths = {}
    if not isinstance(paths, Mapping):
        raise CourseError(
            "paths should be a dict from a name to an array of points, e.g. "
            f'{{"gradient descent": path}}; got {describe(paths)}.'
        )
    checked: dict[str, np.ndarray] = {}
    for name, points in paths.items():
        array = np.asarray(points, dtype=float)
        if array.ndim != 2 or array.shape[1] != 2 or len(array) == 0:
            raise CourseError(
                f"The path {name!r} should be an array of shape (steps + 1, 2), one row per point "
                f"visited; got {describe(array)}."
            )
        checked[str(name)] = array

    w1 = np.linspace(xlim[0], xlim[1], resolution)
    w2 = np.linspace(ylim[0], ylim[1], resolution)
    W1, W2 = np.meshgrid(w1, w2)
    Z = _grid_values(f, W1, W2)
    if isinstance(levels, (int, np.integer)):
        finite = Z[np.isfinite(Z)]
        low, high = float(finite.min()), float(finite.max())
        span = high - low if high > low else 1.0
        levels = low + span * np.geomspace(1e-3, 1.0, int(levels) + 1)[:-1]

    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 3.6))
    else:
        fig = ax.figure
    ax.contour(W1, W2, Z, levels=levels, colors="0.6", linewidths=0.7)
    for index, (name, points) in enumerate(checked.items()):
        shown = points[np.all(np.isfinite(points), axis=1)]
        palette = list(colors) if colors else list(PALETTE)
        colour = palette[index % len(palette)]
        ax.plot(shown[:, 0], shown[:, 1], "-o", color=colour, markersize=2.5, linewidth=1.2, label=name)
    if checked:
        first = next(iter(checked.values()))[0]
        ax.plot(first[0], first[1], "o", color="black", markersize=6, label="start")
    if minimum is not None:
        ax.plot(minimum[0], minimum[1], "*", color="black", markersize=12, label="minimum")
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    if equal_aspect:
        ax.set_aspect("equal")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if checked or minimum is not None:
        ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    return fig


def numerical_gradient(f: Callable[[np.ndarray], Any], w: Any, eps: float = 1e-6) -> np.ndarray:
    """Estimate the gradient of ``f`` at ``w`` by central differences.

    Each entry of ``w`` is nudged by ``+eps`` and ``-eps`` in turn, and the slope
    ``(f(w + eps) - f(w - eps)) / (2 eps)`` is its partial derivative. This costs two calls of
    ``f`` per entry, so it is a check for small problems, not a way to train.

    Args:
        f: a function of an array shaped like ``w`` that returns one number.
        w: the point, an array of any shape (it is not modified).
        eps: the nudge; about 1e-6 suits float64 computations.

    Returns:
        A float64 array shaped like ``w``.
    """
    if not callable(f):
        raise CourseError(f"numerical_gradient needs a function as f, got {describe(f)}.")
    point = np.array(w, dtype=float)
    gradient = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        saved = point[index]
        point[index] = saved + eps
        above = float(f(point))
        point[index] = saved - eps
        below = float(f(point))
        point[index] = saved
        gradient[index] = (above - below) / (2 * eps)
    return gradient
