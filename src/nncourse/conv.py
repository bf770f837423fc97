"""Convolution by hand, for lesson 5: slide a small kernel over an image, pool, count.

Everything here is plain NumPy, so the arithmetic of a convolutional layer can be seen, and
checked against Keras, without a deep-learning library:

- :func:`convolve2d`: slide a kernel over a grey image (or a stack of channels) as Keras'
  ``Conv2D`` does, with ``"valid"`` or ``"same"`` padding and a stride.
- :func:`max_pool2d`: keep the largest value of each window, as ``MaxPooling2D`` does.
- :func:`conv_output_size` and :func:`conv_params`: the shape and parameter-count arithmetic
  of a convolutional layer.
- :func:`convolve1d`: the same sliding window along a sequence, as ``Conv1D`` does.

Like every deep-learning library, "convolution" here means sliding the kernel as it is, without
flipping it (mathematicians call that cross-correlation).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nncourse.errors import CourseError, describe

__all__ = ["conv_output_size", "conv_params", "convolve2d", "max_pool2d", "convolve1d"]

_PADDINGS = ("valid", "same")


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise CourseError(f"{name} must be a whole number of at least 1, got {value!r}.")
    return int(value)


def _padding(padding: Any) -> str:
    if padding not in _PADDINGS:
        raise CourseError(f'padding must be "valid" or "same" (as in Keras), not {padding!r}.')
    return padding


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: str = "valid") -> int:
    """The length of one side of a convolution's (or pooling's) output, as Keras computes it.

    Args:
        size: the input's height (or width), in pixels.
        kernel_size: the kernel's (or pooling window's) height (or width).
        stride: how far the kernel moves between two outputs.
        padding: ``"valid"`` (the kernel stays inside the image: ``floor((size - kernel) / stride) + 1``)
            or ``"same"`` (zeros are added around the image: ``ceil(size / stride)``).

    Returns:
        The output length; 0 when a ``"valid"`` kernel is larger than the input.
    """
    size = _positive_int(size, "size")
    kernel_size = _positive_int(kernel_size, "kernel_size")
    stride = _positive_int(stride, "stride")
    if _padding(padding) == "same":
        return math.ceil(size / stride)
    return max(0, (size - kernel_size) // stride + 1)


def conv_params(kernel_size: int | tuple[int, int], in_channels: int, filters: int, use_bias: bool = True) -> int:
    """The number of weights of a ``Conv2D`` layer: one kernel per filter over every input channel, plus a bias each.

    ``kernel_size`` is one side of a square kernel (3 for 3x3) or a (height, width) pair.
    """
    height, width = (kernel_size, kernel_size) if not isinstance(kernel_size, (tuple, list)) else kernel_size
    height, width = _positive_int(height, "kernel height"), _positive_int(width, "kernel width")
    in_channels = _positive_int(in_channels, "in_channels")
    filters = _positive_int(filters, "filters")
    return height * width * in_channels * filters + (filters if use_bias else 0)


def _as_float_array(value: Any, name: str) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise CourseError(f"{name} should be an array of numbers, got {describe(value)}.") from None
    return array


def _pad_same(image: np.ndarray, kernel_h: int, kernel_w: int, stride: int) -> np.ndarray:
    """Zero-pad as TensorFlow's "same" does: the extra row or column (if any) goes at the bottom/right."""
    pads = []
    for size, kernel in ((image.shape[0], kernel_h), (image.shape[1], kernel_w)):
        out = math.ceil(size / stride)
        total = max((out - 1) * stride + kernel - size, 0)
        pads.append((total // 2, total - total // 2))
    pads += [(0, 0)] * (image.ndim - 2)
    return np.pad(image, pads)


def convolve2d(image: Any, kernel: Any, stride: int = 1, padding: str = "valid") -> np.ndarray:
    """Slide ``kernel`` over ``image`` and return the map of weighted sums, as Keras' ``Conv2D`` does.

    Args:
        image: a grey image (height, width), or one with channels (height, width, channels).
        kernel: (kh, kw) for a grey image, or (kh, kw, channels): one slice per input channel,
            whose products are all added up.
        stride: the step between two positions of the kernel, across and down.
        padding: ``"valid"`` (no padding; the output shrinks by kernel - 1) or ``"same"``
            (zeros around the image so that, at stride 1, the output keeps the input's size).

    Returns:
        A float array (out_height, out_width): at each position, the sum of the kernel times the
        patch of image under it. No bias, no activation.
    """
    image = _as_float_array(image, "image")
    kernel = _as_float_array(kernel, "kernel")
    stride = _positive_int(stride, "stride")
    padding = _padding(padding)
    if image.ndim not in (2, 3):
        raise CourseError(f"image should be (height, width) or (height, width, channels), got {describe(image)}.")
    if kernel.ndim != image.ndim or (image.ndim == 3 and kernel.shape[2] != image.shape[2]):
        raise CourseError(
            f"A kernel of shape {kernel.shape} does not fit an image of shape {image.shape}: a grey image needs a "
            "(kh, kw) kernel, an image with C channels a (kh, kw, C) kernel."
        )
    kernel_h, kernel_w = kernel.shape[:2]
    if padding == "same":
        image = _pad_same(image, kernel_h, kernel_w, stride)
    if image.shape[0] < kernel_h or image.shape[1] < kernel_w:
        raise CourseError(
            f"The kernel ({kernel_h}x{kernel_w}) is larger than the image ({image.shape[0]}x{image.shape[1]})."
        )
    windows = np.lib.stride_tricks.sliding_window_view(image, (kernel_h, kernel_w), axis=(0, 1))
    windows = windows[::stride, ::stride]
    if image.ndim == 2:
        return np.einsum("ijkl,kl->ij", windows, kernel)
    # windows: (out_h, out_w, channels, kh, kw); kernel: (kh, kw, channels)
    return np.einsum("ijckl,klc->ij", windows, kernel)


def max_pool2d(feature_map: Any, pool_size: int = 2, stride: int | None = None) -> np.ndarray:
    """The largest value of each ``pool_size`` x ``pool_size`` window, as ``MaxPooling2D`` (padding "valid").

    Args:
        feature_map: (height, width) or (height, width, channels); channels are pooled separately.
        pool_size: the side of the window.
        stride: the step between windows (default: ``pool_size``, windows side by side).

    Returns:
        The pooled map; a leftover row or column that does not fill a window is dropped.
    """
    array = _as_float_array(feature_map, "feature_map")
    if array.ndim not in (2, 3):
        raise CourseError(f"feature_map should be (height, width) or (height, width, channels), got {describe(array)}.")
    pool_size = _positive_int(pool_size, "pool_size")
    stride = pool_size if stride is None else _positive_int(stride, "stride")
    if array.shape[0] < pool_size or array.shape[1] < pool_size:
        raise CourseError(f"A {pool_size}x{pool_size} window does not fit a map of {array.shape[0]}x{array.shape[1]}.")
    windows = np.lib.stride_tricks.sliding_window_view(array, (pool_size, pool_size), axis=(0, 1))
    return windows[::stride, ::stride].max(axis=(-2, -1))


def convolve1d(sequence: Any, kernel: Any, padding: str = "valid") -> np.ndarray:
    """Slide a 1-D ``kernel`` along ``sequence`` (no flip, stride 1), as Keras' ``Conv1D`` with one channel.

    Returns the weighted sums, ``len(sequence) - len(kernel) + 1`` of them with ``"valid"``
    padding, ``len(sequence)`` with ``"same"``.
    """
    sequence = _as_float_array(sequence, "sequence")
    kernel = _as_float_array(kernel, "kernel")
    if sequence.ndim != 1 or kernel.ndim != 1:
        raise CourseError(f"Expected a 1-D sequence and a 1-D kernel, got {describe(sequence)} and {describe(kernel)}.")
    return convolve2d(sequence[:, None], kernel[:, None], padding=_padding(padding))[:, 0]
