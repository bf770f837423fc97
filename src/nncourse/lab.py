"""Helpers for the Fashion-MNIST lab (lesson 7): image stacks as a flat table.

A stack of images of shape (n, height, width) becomes a pandas DataFrame with one row per
image, one column per pixel (``pixel_0``, ``pixel_1``, ... read row by row) and a ``target``
column: the shape scikit-learn and most tabular tools expect, and the one in which a first look
at a data set (minimum, maximum, missing values, class balance) is a pandas one-liner.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nncourse.errors import CourseError, describe

__all__ = ["PIXEL_PREFIX", "TARGET_COLUMN", "flat_frame", "pixel_columns", "frame_images"]

#: Pixel columns are named ``pixel_0`` .. ``pixel_{n-1}``, in row-major order.
PIXEL_PREFIX = "pixel_"
#: The name of the label column.
TARGET_COLUMN = "target"


def flat_frame(images: Any, labels: Any = None) -> Any:
    """Turn a stack of images into a flat DataFrame: one row per image, one column per pixel.

    Args:
        images: an array of shape (n, height, width), e.g. Fashion-MNIST's (60000, 28, 28),
            or already flat, (n, pixels).
        labels: one label per image (shape (n,)), stored in a ``target`` column; leave it out
            for a table of pixels only.

    Returns:
        A ``pandas.DataFrame`` with columns ``pixel_0`` .. ``pixel_{pixels-1}`` (row by row
        through each image, so ``pixel_28`` is the first pixel of the second row of a 28x28
        image), then ``target``. The pixel values keep their dtype (uint8 stays uint8).
    """
    import pandas as pd

    array = np.asarray(images)
    if array.dtype == object or not np.issubdtype(array.dtype, np.number):
        raise CourseError(f"Expected numeric images, got {describe(images)}.")
    if array.ndim == 3:
        array = array.reshape(len(array), -1)
    elif array.ndim != 2:
        raise CourseError(
            f"Expected a stack of images of shape (n, height, width) or flat rows (n, pixels); got {describe(images)}."
        )
    columns = [f"{PIXEL_PREFIX}{index}" for index in range(array.shape[1])]
    frame = pd.DataFrame(array, columns=columns)
    if labels is not None:
        target = np.asarray(labels).ravel()
        if len(target) != len(frame):
            raise CourseError(f"Got {len(frame)} images but {len(target)} labels: give one label per image.")
        frame[TARGET_COLUMN] = target
    return frame


def pixel_columns(frame: Any) -> list[str]:
    """The names of the pixel columns of a frame made by :func:`flat_frame`, in order."""
    return [name for name in frame.columns if str(name).startswith(PIXEL_PREFIX)]


def frame_images(frame: Any, side: int | None = None) -> np.ndarray:
    """Turn the pixel columns of a flat frame back into a stack of square images.

    Args:
        frame: a DataFrame made by :func:`flat_frame` (other columns, such as ``target``, are ignored).
        side: the image side in pixels (default: the square root of the number of pixel columns).

    Returns:
        An array of shape (rows, side, side).
    """
    columns = pixel_columns(frame)
    if not columns:
        raise CourseError(f"This frame has no {PIXEL_PREFIX}... columns; make it with flat_frame(images, labels).")
    side = side or int(round(len(columns) ** 0.5))
    if side * side != len(columns):
        raise CourseError(f"{len(columns)} pixel columns do not make square images of side {side}.")
    return frame[columns].to_numpy().reshape(len(frame), side, side)
