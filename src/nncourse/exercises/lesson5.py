"""Checks for the exercises of lesson 5, convolutional neural networks.

Every check looks at what an answer does: the numbers a learner worked out, what their
function returns on fixed images (compared with :mod:`nncourse.conv`, the course's own
convolution and pooling), where their kernel fires on test patterns, and the output shapes and
parameter count of their model as Keras reports them. None reads the learner's code.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nncourse.conv import conv_output_size, conv_params, convolve2d, max_pool2d
from nncourse.errors import describe
from nncourse.exercises.core import (
    Question,
    Wrong,
    expect_array,
    expect_callable,
    expect_keras_model,
    expect_number,
)
from nncourse.exercises.tools import call_learner

__all__ = ["q1", "q2", "q3", "q4", "q5", "CNN_FILTERS", "CNN_PARAMS"]


# ---------------------------------------------------------------------------------------------
# Question 1: shapes and parameters by hand
# ---------------------------------------------------------------------------------------------
#
# keras.Input(shape=(28, 28, 1)), Conv2D(8, 5) (padding "valid"), MaxPooling2D(2),
# Conv2D(16, 3, strides=2, padding="same").

_CONV1 = conv_output_size(28, 5, 1, "valid")  # 24
_POOL = conv_output_size(_CONV1, 2, 2, "valid")  # 12
_CONV2 = conv_output_size(_POOL, 3, 2, "same")  # 6
Q1_ANSWERS = {
    "conv1_shape": (_CONV1, _CONV1, 8),
    "conv1_params": conv_params(5, 1, 8),  # 208
    "pool_shape": (_POOL, _POOL, 8),
    "conv2_shape": (_CONV2, _CONV2, 16),
    "conv2_params": conv_params(3, 8, 16),  # 1168
}


def _expect_shape(value: Any, name: str) -> tuple[int, ...]:
    if value is None:
        raise Wrong(f"{name} is None: write the shape as a tuple (height, width, channels), e.g. (10, 10, 4).")
    if isinstance(value, np.ndarray) and value.ndim == 1:
        value = value.tolist()
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        if isinstance(value, (tuple, list)) and len(value) == 4:
            raise Wrong(f"{name} has four numbers: leave out the batch axis and give (height, width, channels).")
        raise Wrong(
            f"{name} should be a tuple of three whole numbers (height, width, channels), but it is {describe(value)}."
        )
    numbers = []
    for item in value:
        number = expect_number(item, f"each number in {name}")
        if number != int(number):
            raise Wrong(f"{name} holds {number}, which is not a whole number: sizes are counted in pixels.")
        numbers.append(int(number))
    return tuple(numbers)


def _check_shapes(conv1_shape: Any, conv1_params: Any, pool_shape: Any, conv2_shape: Any, conv2_params: Any) -> str:
    c1 = _expect_shape(conv1_shape, "conv1_shape")
    p1 = expect_number(conv1_params, "conv1_params")
    pool = _expect_shape(pool_shape, "pool_shape")
    c2 = _expect_shape(conv2_shape, "conv2_shape")
    p2 = expect_number(conv2_params, "conv2_params")
    want = Q1_ANSWERS
    if c1 != want["conv1_shape"]:
        if c1[:2] == (28, 28):
            raise Wrong(
                "conv1_shape: with padding 'valid' a 5x5 kernel cannot be centred on the outer two rows and "
                "columns, so the map loses 5 - 1 = 4 pixels in each direction."
            )
        if c1[2] != 8:
            raise Wrong("conv1_shape: the last number is the number of channels of the output, one per filter.")
        raise Wrong(f"conv1_shape {c1} is not right: with 'valid' padding and stride 1 the side is 28 - 5 + 1.")
    if p1 != want["conv1_params"]:
        if p1 == 5 * 5 * 8:
            raise Wrong("conv1_params: each of the 8 filters also has a bias.")
        raise Wrong(
            "conv1_params: each filter has one weight per pixel of its 5x5 kernel per input channel, plus a bias."
        )
    if pool != want["pool_shape"]:
        if pool[2] != 8:
            raise Wrong(
                "pool_shape: pooling works on each channel separately, so the number of channels does not change."
            )
        raise Wrong("pool_shape: a 2x2 max pooling keeps one value per 2x2 window, halving height and width.")
    if c2 != want["conv2_shape"]:
        if c2[:2] == pool[:2]:
            raise Wrong(
                "conv2_shape: the stride of 2 moves the kernel two pixels at a time, so the output has half "
                "as many positions in each direction."
            )
        if c2[2] != 16:
            raise Wrong("conv2_shape: the output has one channel per filter.")
        raise Wrong("conv2_shape: with padding 'same' the side is the input side divided by the stride, rounded up.")
    if p2 != want["conv2_params"]:
        if p2 == 3 * 3 * 16 + 16:
            raise Wrong(
                "conv2_params: the second layer's input has 8 channels, and every filter has a 3x3 kernel "
                "for each of them."
            )
        if p2 == 3 * 3 * 8 * 16:
            raise Wrong("conv2_params: each of the 16 filters also has a bias.")
        raise Wrong(
            "conv2_params: weights = kernel height x kernel width x input channels x filters, plus one bias per filter."
        )
    return "Stride and padding change the output's size; only the kernel, the input channels and the filters set the parameter count."


q1 = Question(
    "Question 1 (shapes and parameters)",
    _check_shapes,
    [
        "Output side: 'valid' padding gives (input - kernel) // stride + 1; 'same' gives input / stride, "
        "rounded up. The number of channels of a convolution's output is its number of filters.",
        "Parameters of a Conv2D: kernel height x kernel width x input channels x filters + filters "
        "(one bias per filter). Pooling has no parameters and keeps the channels.",
    ],
)


def _first_difference(got: np.ndarray, want: np.ndarray, rule: str) -> str:
    """Where the learner's array first differs from the expected one, and the rule it should follow."""
    index = tuple(int(i) for i in np.argwhere(~np.isclose(got, want, atol=1e-6))[0])
    text = f"at position {index} yours is {got[index]:.3f} instead of {want[index]:.3f}"
    if np.all(got == np.round(got)) and not np.all(want == np.round(want)):
        return (
            text + ": yours are all whole numbers, so make the output array of floats (np.zeros(shape), not dtype=int)."
        )
    return f"{text}; {rule}."


# ---------------------------------------------------------------------------------------------
# Question 2: a convolution over colour channels
# ---------------------------------------------------------------------------------------------


def _conv_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(5)
    return [
        (rng.normal(size=(6, 7, 3)), rng.normal(size=(3, 3, 3))),
        (rng.integers(0, 10, size=(5, 5, 2)).astype(float), rng.integers(-2, 3, size=(2, 2, 2)).astype(float)),
        (rng.normal(size=(9, 8, 4)), rng.normal(size=(4, 3, 4))),
    ]


def _check_convolve(function: Any) -> str:
    expect_callable(function, "convolve_channels")
    for image, kernel in _conv_cases():
        want = convolve2d(image, kernel)
        got = call_learner(
            function,
            image.copy(),
            kernel.copy(),
            name="convolve_channels",
            shown=f"an image of shape {image.shape}, a kernel of shape {kernel.shape}",
            call="convolve_channels(image, kernel)",
        )
        got = expect_array(got, f"convolve_channels on a {image.shape} image and a {kernel.shape} kernel")
        if got.shape == want.shape + (1,):
            raise Wrong(
                f"Your output has shape {got.shape}, with a last axis of size 1: one filter makes a 2-D map of shape "
                f"{want.shape}; drop that axis (result[..., 0])."
            )
        if got.shape == want.shape + (image.shape[2],):
            raise Wrong(
                "Your output keeps one map per channel. One filter gives one map: add up the products over "
                "all channels too."
            )
        if got.shape != want.shape:
            if got.shape[:2] == image.shape[:2]:
                raise Wrong(
                    f"On a {image.shape} image with a {kernel.shape} kernel your output has the image's own "
                    f"height and width; without padding, the kernel fits in only {want.shape} positions."
                )
            raise Wrong(
                f"On a {image.shape} image with a {kernel.shape} kernel the output should have shape "
                f"{want.shape} (image size - kernel size + 1 in each direction), but yours has {got.shape}."
            )
        if np.allclose(got, want, atol=1e-6):
            continue
        if np.allclose(got, want / image.shape[2], atol=1e-6):
            raise Wrong("Your values are the mean over the channels; a convolution adds them up (sum, not mean).")
        if np.allclose(got, convolve2d(image[..., 0], kernel[..., 0]), atol=1e-6):
            raise Wrong(
                "Your function uses only the first channel. Every channel of the image has its own slice of "
                "the kernel, and all the products are added up."
            )
        if np.allclose(got, convolve2d(image, kernel[::-1, ::-1]), atol=1e-6):
            raise Wrong(
                "Your function flips the kernel (as scipy.signal.convolve2d and np.convolve do). Keras' Conv2D "
                "slides the kernel as it is: multiply each pixel by the kernel weight in the same position."
            )
        raise Wrong(
            f"On a {image.shape} image with a {kernel.shape} kernel your output differs from the expected one: "
            f"{_first_difference(got, want, 'the value at (i, j) is the sum of image[i:i + kh, j:j + kw, :] * kernel')}"
        )
    return "That is what one Conv2D filter computes on a colour image, before its bias and activation."


q2 = Question(
    "Question 2 (a convolution over channels)",
    _check_convolve,
    [
        "Start from the lesson's slide() function. The output still has (image height - kernel height + 1) rows "
        "and (image width - kernel width + 1) columns, and no channel axis.",
        "At (i, j) the value is (image[i:i + kh, j:j + kw, :] * kernel).sum(): the sum runs over the kernel's "
        "rows, columns and channels at once.",
    ],
)


# ---------------------------------------------------------------------------------------------
# Question 3: design an edge kernel
# ---------------------------------------------------------------------------------------------


def _edge_patterns() -> dict[str, np.ndarray]:
    size = 12
    dark_above = np.zeros((size, size))
    dark_above[size // 2 :] = 1.0
    dark_left = np.zeros((size, size))
    dark_left[:, size // 2 :] = 1.0
    return {
        "flat": np.full((size, size), 0.7),
        "dark above": dark_above,
        "bright above": 1.0 - dark_above,
        "dark left": dark_left,
    }


def _check_edge_kernel(kernel: Any) -> str:
    array = expect_array(kernel, "kernel", ndim=2)
    if array.shape[0] == 1 and array.shape[1] <= 5:
        raise Wrong(
            f"kernel has shape {array.shape}, a single row, so it cannot compare the rows above with the rows below: "
            "give it at least two rows (3x3 like the lesson's kernels)."
        )
    if not (2 <= array.shape[0] <= 5 and 1 <= array.shape[1] <= 5):
        raise Wrong(
            f"kernel has shape {array.shape}; make it a small 2-D array, 3x3 like the lesson's kernels (at most 5x5)."
        )
    if not np.any(array):
        raise Wrong(
            "kernel is all zeros, so it never fires. Put negative weights on one side and positive on the other."
        )
    responses = {name: convolve2d(image, array) for name, image in _edge_patterns().items()}
    scale = np.abs(array).sum()
    edge = responses["dark above"].max()
    if np.abs(responses["flat"]).max() > 0.05 * scale:
        raise Wrong(
            "kernel fires on a flat, evenly grey area, where there is no edge: make its weights add up to 0 "
            f"(yours add up to {array.sum():.3g})."
        )
    if edge <= 0.1 * scale:
        if responses["bright above"].max() > 0.1 * scale:
            raise Wrong(
                "kernel fires where the image goes from bright (above) to dark (below): the opposite edge. "
                "Swap the signs of its weights."
            )
        if np.abs(responses["dark left"]).max() > 0.1 * scale:
            raise Wrong(
                "kernel responds to vertical edges (dark on the left, bright on the right), not to "
                "horizontal ones. Arrange the weights in rows instead of columns."
            )
        raise Wrong(
            "kernel hardly fires on an edge from dark (above) to bright (below). Put negative weights in its "
            "top row and positive weights in its bottom row."
        )
    if responses["bright above"].max() > 0.5 * edge:
        raise Wrong(
            "kernel fires with a positive value on the opposite edge too (bright above, dark below), so a positive "
            "response does not tell the two apart: compare the rows above with the rows below, e.g. a top row of -1 "
            "and a bottom row of +1."
        )
    if np.abs(responses["dark left"]).max() > 0.25 * edge:
        raise Wrong(
            "kernel fires on vertical edges nearly as much as on horizontal ones: keep each row's weights "
            "equal (or symmetric), so that a change from left to right cancels out."
        )
    rows = np.flatnonzero(responses["dark above"].max(axis=1) > 0.5 * edge)
    return (
        f"Your kernel stays silent on flat areas and vertical edges, and fires on the {len(rows)} row(s) of "
        "positions that straddle the horizontal edge."
    )


q3 = Question(
    "Question 3 (a horizontal-edge kernel)",
    _check_edge_kernel,
    [
        "The vertical-edge kernel of the lesson compares the columns on the left with the columns on the right. "
        "Here, compare the rows above with the rows below.",
        "For example: a top row of -1, a middle row of 0 and a bottom row of +1. Its weights add up to 0, so a "
        "flat area gives 0.",
    ],
)


# ---------------------------------------------------------------------------------------------
# Question 4: max pooling by hand
# ---------------------------------------------------------------------------------------------


def _pool_cases() -> list[np.ndarray]:
    rng = np.random.default_rng(4)
    return [rng.normal(size=(4, 6)), rng.integers(-9, 10, size=(7, 5)).astype(float), rng.normal(size=(9, 9))]


def _check_max_pool(function: Any) -> str:
    expect_callable(function, "max_pool")
    for feature_map in _pool_cases():
        want = max_pool2d(feature_map, 2)
        got = call_learner(
            function,
            feature_map.copy(),
            name="max_pool",
            shown=f"a map of shape {feature_map.shape}",
            call="max_pool(feature_map)",
        )
        got = expect_array(got, f"max_pool on a {feature_map.shape} map")
        if got.shape != want.shape:
            if got.shape == feature_map.shape:
                raise Wrong(
                    "Your output has the input's shape: keep one value per 2x2 window, moving two pixels at a time."
                )
            if got.shape == (feature_map.shape[0] - 1, feature_map.shape[1] - 1):
                raise Wrong("Your windows overlap (they move one pixel at a time): move them two pixels at a time.")
            if any(g == w + 1 for g, w in zip(got.shape, want.shape)):
                raise Wrong(
                    f"On a {feature_map.shape} map the output should be {want.shape}: a last row or column that "
                    "does not fill a whole 2x2 window is dropped, as Keras' MaxPooling2D does."
                )
            raise Wrong(
                f"On a {feature_map.shape} map the output should have shape {want.shape}, but yours has {got.shape}."
            )
        if np.allclose(got, want):
            continue
        height, width = want.shape
        windows = feature_map[: 2 * height, : 2 * width].reshape(height, 2, width, 2)
        if np.allclose(got, windows.mean(axis=(1, 3))):
            raise Wrong("That is average pooling: keep the largest value of each window, not the mean.")
        if np.allclose(got, windows.min(axis=(1, 3))):
            raise Wrong("That keeps the smallest value of each window: max pooling keeps the largest.")
        overlapping = np.lib.stride_tricks.sliding_window_view(feature_map, (2, 2)).max(axis=(2, 3))
        if np.allclose(got, overlapping[:height, :width]):
            raise Wrong(
                "Your output has the right shape, but output (i, j) is the largest value of the window that starts "
                "at (i, j): the window of output (i, j) starts at (2 * i, 2 * j)."
            )
        raise Wrong(
            f"On a {feature_map.shape} map your values differ from the largest value of each 2x2 window: "
            f"{_first_difference(got, want, 'the value at (i, j) is the largest of the window starting at (2 * i, 2 * j)')}"
        )
    return "A quarter of the values remain, and each says whether its window held a strong response."


q4 = Question(
    "Question 4 (max pooling)",
    _check_max_pool,
    [
        "The output has height // 2 rows and width // 2 columns. The value at (i, j) is the largest of the "
        "2x2 window whose top-left corner is (2 * i, 2 * j).",
        "Without loops: crop to an even size, reshape (h, w) to (h // 2, 2, w // 2, 2), and take .max(axis=(1, 3)).",
    ],
)


# ---------------------------------------------------------------------------------------------
# Question 5: a CNN with a global-average-pooling head
# ---------------------------------------------------------------------------------------------

#: Question 5's conv blocks: 3x3 kernels, 'same' padding, ReLU, each followed by a 2x2 max pooling.
CNN_FILTERS = (10, 20, 30)
#: Its parameter count with a global-average-pooling head and a 10-way softmax output.
CNN_PARAMS = (
    sum(conv_params(3, c_in, c_out) for c_in, c_out in zip((1,) + CNN_FILTERS[:-1], CNN_FILTERS))
    + CNN_FILTERS[-1] * 10
    + 10
)
_FLATTEN_PARAMS = CNN_PARAMS - (CNN_FILTERS[-1] * 10 + 10) + 3 * 3 * CNN_FILTERS[-1] * 10 + 10


def _feature_map_shapes(model: Any) -> list[tuple[int, int, int]]:
    shapes = []
    for layer in model.layers:
        try:
            shape = tuple(layer.output.shape)
        except (AttributeError, ValueError):
            continue
        if len(shape) == 4:
            shapes.append(tuple(int(size) for size in shape[1:]))
    return shapes


def _pool(maps: np.ndarray, how: str, padding: str) -> np.ndarray:
    """2x2 pooling with stride 2 of a batch of maps (n, h, w, c), as Keras' MaxPooling2D/AveragePooling2D."""
    n, h, w, c = maps.shape
    if padding == "same" and (h % 2 or w % 2):
        fill = -np.inf if how == "max" else np.nan
        maps = np.pad(maps, ((0, 0), (0, h % 2), (0, w % 2), (0, 0)), constant_values=fill)
    h, w = maps.shape[1] // 2, maps.shape[2] // 2
    windows = maps[:, : 2 * h, : 2 * w].reshape(n, h, 2, w, 2, c)
    return windows.max(axis=(2, 4)) if how == "max" else np.nanmean(windows, axis=(2, 4))


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-4, atol=1e-5)


def _check_blocks(model: Any, batch: np.ndarray) -> None:
    """Each Conv2D keeps its input's size and is followed by ReLU and a 2x2 max pooling; then an average.

    Looks at the values that flow through the model: each convolution's output, what reaches the next
    convolution (or the head), and what the head makes of the last maps. A layer that cannot be
    probed (a model without a graph) leaves these checks out.
    """
    import keras

    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    try:
        maps = [layer for layer in model.layers if len(layer.output.shape) == 4]
        last = maps[-1]
        after = model.layers[model.layers.index(last) + 1] if last is not model.layers[-1] else None
        tensors = [conv.output for conv in convs] + [conv.input for conv in convs[1:]] + [last.output]
        if after is not None:
            tensors.append(after.output)
        probe = keras.Model(model.inputs[0], tensors)
        values = [np.asarray(keras.ops.convert_to_numpy(v), dtype=float) for v in probe(batch, training=False)]
    except Exception:  # noqa: BLE001 - a model without a layer graph: the shape and count checks still hold
        return
    if not convs:
        raise Wrong("The model has no Conv2D layer: each block starts with layers.Conv2D(filters, 3, padding='same').")
    n = len(convs)
    sizes = [(tuple(conv.input.shape[1:3]), tuple(conv.output.shape[1:3])) for conv in convs]
    if any(size_in != size_out for size_in, size_out in sizes):
        raise Wrong(
            "Each Conv2D should keep the height and width of its input (padding='same', stride 1), so that only "
            f"the pooling shrinks the maps (28, 14, 7, 3); yours go {' -> '.join(str(out[0]) for _, out in sizes)}."
        )
    channels = [int(conv.output.shape[-1]) for conv in convs]
    if channels != list(CNN_FILTERS):
        raise Wrong(
            f"The Conv2D layers have {', '.join(map(str, channels))} filters in this order; the blocks should have "
            f"{', '.join(map(str, CNN_FILTERS))}."
        )
    outputs, following = values[:n], values[n : 2 * n]
    for index, (out, after_block) in enumerate(zip(outputs, following), start=1):
        if after_block.shape[1:3] == out.shape[1:3]:
            raise Wrong(
                f"Nothing halves the maps after Conv2D number {index}: follow each of the three Conv2D layers with "
                "MaxPooling2D(2), which halves height and width (28, 14, 7, 3)."
            )
        activated = np.maximum(out, 0)
        if any(_same(after_block, _pool(activated, "max", padding)) for padding in ("valid", "same")):
            continue
        if out.min() < 0 and any(_same(after_block, _pool(out, "max", padding)) for padding in ("valid", "same")):
            raise Wrong(
                f"The maps that leave block {index} hold negative values, so there is no ReLU: give each Conv2D "
                "activation='relu'."
            )
        if any(_same(after_block, _pool(activated, "avg", padding)) for padding in ("valid", "same")):
            raise Wrong(
                f"Block {index} averages each 2x2 window: use MaxPooling2D(2), which keeps the largest value of each."
            )
    if all(after_block.min() > 0 for after_block in following):
        raise Wrong(
            "No value in the maps between the blocks is ever 0, so the blocks do not use ReLU (which sets every "
            "negative value to 0): give each Conv2D activation='relu'."
        )
    if len(values) > 2 * n:  # the layer after the last maps was probed too
        last_maps, vector = values[2 * n - 1], values[2 * n]
        averaged, maxima = last_maps.mean(axis=(1, 2)), last_maps.max(axis=(1, 2))
        if not _same(vector, averaged) and _same(vector, maxima):
            raise Wrong(
                "The head keeps the largest value of each map (GlobalMaxPooling2D); the design asks for their "
                "average: GlobalAveragePooling2D."
            )


def _check_cnn(model: Any) -> str:
    import keras

    if callable(model) and not isinstance(model, keras.Model):
        raise Wrong(
            "That is a function, not a model: pass the model it builds, model = build_cnn(), then q5.check(model)."
        )
    model = expect_keras_model(model, trained=False, what="build_cnn()")
    try:
        inputs = model.input_shape
    except (AttributeError, ValueError):
        raise Wrong(
            "The check cannot see this model's input shape: build it with keras.Sequential([keras.Input(shape=(28, 28, "
            "1)), ...]) or the functional API, as the lesson does, not as a subclass of keras.Model."
        ) from None
    if isinstance(inputs, list) or tuple(inputs[1:]) != (28, 28, 1):
        raise Wrong(
            f"The model takes inputs of shape {inputs}; start it with keras.Input(shape=(28, 28, 1)), "
            "one grey Fashion-MNIST image."
        )
    if tuple(model.output_shape[1:]) != (10,):
        raise Wrong(
            f"The model's output has shape {model.output_shape}; end it with Dense(10, activation='softmax'), "
            "one probability per class."
        )
    rng = np.random.default_rng(0)
    batch = rng.uniform(0, 1, size=(4, 28, 28, 1)).astype("float32")
    outputs = np.asarray(keras.ops.convert_to_numpy(model(batch, training=False)), dtype=float)
    if not np.allclose(outputs.sum(axis=1), 1, atol=1e-4) or outputs.min() < 0:
        raise Wrong("The outputs are not probabilities that add up to 1: use activation='softmax' in the last layer.")
    shapes = _feature_map_shapes(model)
    if not shapes:
        raise Wrong("The model has no layer whose output is a stack of feature maps: add Conv2D layers.")
    channels = [shape[2] for shape in shapes]
    if not set(CNN_FILTERS) <= set(channels):
        raise Wrong(
            f"Its feature maps have {sorted(set(channels))} channels; the blocks should have "
            f"{', '.join(map(str, CNN_FILTERS))} filters."
        )
    _check_blocks(model, batch)
    total = model.count_params()
    if total == _FLATTEN_PARAMS:
        raise Wrong(
            "This model flattens the last 3x3x30 maps into 270 numbers. Use GlobalAveragePooling2D instead: "
            "it keeps one average per channel, 30 numbers."
        )
    if total != CNN_PARAMS:
        raise Wrong(
            f"The model has {total:,} parameters, but the design asked for has {CNN_PARAMS:,}: 3x3 kernels, "
            "filters 10, 20 and 30, a global average pooling and Dense(10) with no hidden dense layer."
        )
    return f"{CNN_PARAMS:,} parameters: fewer than a single Dense(10) on the 784 raw pixels would need ({784 * 10 + 10:,})."


q5 = Question(
    "Question 5 (a CNN with global average pooling)",
    _check_cnn,
    [
        "keras.Sequential([keras.Input(shape=(28, 28, 1)), then three times Conv2D(filters, 3, padding='same', "
        "activation='relu') followed by MaxPooling2D(2), then the head]).",
        "The head is layers.GlobalAveragePooling2D() and then layers.Dense(10, activation='softmax'). "
        "Return the model from build_cnn().",
    ],
)
