"""Unit tests of nncourse.lab, the flat-table helpers of the Fashion-MNIST lab."""

from __future__ import annotations

import numpy as np
import pytest

from nncourse.errors import CourseError
from nncourse.lab import flat_frame, frame_images, pixel_columns


def _images(n: int = 5, side: int = 4) -> np.ndarray:
    return np.arange(n * side * side, dtype=np.uint8).reshape(n, side, side)


def test_flat_frame_has_one_column_per_pixel_then_target():
    images = _images()
    frame = flat_frame(images, np.array([3, 1, 4, 1, 5]))
    assert frame.shape == (5, 17)
    assert list(frame.columns[:3]) == ["pixel_0", "pixel_1", "pixel_2"]
    assert frame.columns[-1] == "target"
    assert frame["target"].tolist() == [3, 1, 4, 1, 5]


def test_flat_frame_reads_each_image_row_by_row_and_keeps_dtype():
    images = _images()
    frame = flat_frame(images)
    assert "target" not in frame.columns
    assert frame.loc[1, "pixel_4"] == images[1, 1, 0]
    assert frame["pixel_0"].dtype == np.uint8


def test_flat_frame_accepts_rows_that_are_already_flat():
    frame = flat_frame(np.zeros((3, 64)), [0, 1, 2])
    assert frame.shape == (3, 65)


def test_flat_frame_explains_bad_input():
    with pytest.raises(CourseError, match="one label per image"):
        flat_frame(_images(), [1, 2])
    with pytest.raises(CourseError, match="stack of images"):
        flat_frame(np.zeros(10))
    with pytest.raises(CourseError, match="numeric"):
        flat_frame([["a", "b"]])


def test_frame_images_undoes_flat_frame():
    images = _images()
    frame = flat_frame(images, np.zeros(5))
    assert pixel_columns(frame) == [f"pixel_{i}" for i in range(16)]
    np.testing.assert_array_equal(frame_images(frame), images)


def test_frame_images_explains_bad_input():
    import pandas as pd

    with pytest.raises(CourseError, match="no pixel_"):
        frame_images(pd.DataFrame({"a": [1]}))
    with pytest.raises(CourseError, match="square"):
        frame_images(flat_frame(np.zeros((2, 10))))
