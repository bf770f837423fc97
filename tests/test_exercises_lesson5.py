"""Unit tests of the lesson 5 exercise checks: the reference answer (from the solution notebook)
and other correct answers pass, plausible mistakes fail with a message that says what is wrong,
and bad input gets a sentence rather than a traceback. No model is trained except one step in
question 5: its check looks at an untrained model's shapes and the values flowing through it."""

from __future__ import annotations

import numpy as np
import pytest
from checktools import assert_correct, assert_wrong, reference
from scipy.signal import convolve2d as scipy_convolve2d
from scipy.signal import correlate as scipy_correlate

from nncourse.exercises.core import NOT_ATTEMPTED
from nncourse.exercises.lesson5 import CNN_PARAMS, q1, q2, q3, q4, q5

keras = pytest.importorskip("keras")
layers = keras.layers


def namespace():
    return {"np": np, "keras": keras, "layers": layers}


# ---------------------------------------------------------------------------------------------
# Question 1: shapes and parameters
# ---------------------------------------------------------------------------------------------

NAMES_Q1 = ("conv1_shape", "conv1_params", "pool_shape", "conv2_shape", "conv2_params")
REFERENCE_Q1 = ((24, 24, 8), 5 * 5 * 1 * 8 + 8, (12, 12, 8), (6, 6, 16), 3 * 3 * 8 * 16 + 16)


def test_q1_reference_and_other_forms_pass():
    ns = reference(q1)
    assert_correct(q1.evaluate(*(ns[name] for name in NAMES_Q1)))
    as_lists = ([24, 24, 8], 208.0, [12, 12, 8], (np.int64(6), 6, 16), np.int32(1168))
    assert_correct(q1.evaluate(*as_lists))
    as_arrays = (np.array([24, 24, 8]), np.int64(208), np.array((12.0, 12.0, 8.0)), np.array([6, 6, 16]), 1168.0)
    assert_correct(q1.evaluate(*as_arrays))
    first = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(8, 5)])  # read off Keras
    assert_correct(q1.evaluate(first.output_shape[1:], first.count_params(), *REFERENCE_Q1[2:]))


def test_q1_plausible_mistakes():
    ok = list(REFERENCE_Q1)
    assert_wrong(q1.evaluate((28, 28, 8), *ok[1:]), "valid")
    assert_wrong(q1.evaluate((8, 24, 24), *ok[1:]), "channels of the output")
    assert_wrong(q1.evaluate(ok[0], 5 * 5 * 8, *ok[2:]), "bias")
    assert_wrong(q1.evaluate(*ok[:2], (12, 12, 4), *ok[3:]), "channels")
    assert_wrong(q1.evaluate(*ok[:2], (24, 24, 8), *ok[3:]), "halving")
    assert_wrong(q1.evaluate(*ok[:3], (12, 12, 16), ok[4]), "stride")
    assert_wrong(q1.evaluate(*ok[:3], (5, 5, 16), ok[4]), "rounded up")
    assert_wrong(q1.evaluate(*ok[:4], 3 * 3 * 16 + 16), "8 channels")
    assert_wrong(q1.evaluate(*ok[:4], 3 * 3 * 8 * 16), "bias")


def test_q1_bad_input():
    assert_wrong(q1.evaluate(None, *REFERENCE_Q1[1:]), "None")
    assert_wrong(q1.evaluate((None, 24, 24, 8), *REFERENCE_Q1[1:]), "batch axis")
    assert_wrong(q1.evaluate("24x24x8", *REFERENCE_Q1[1:]), "tuple of three")
    assert_wrong(q1.evaluate((24, 24), *REFERENCE_Q1[1:]), "tuple of three")
    assert_wrong(q1.evaluate(REFERENCE_Q1[0], "208", *REFERENCE_Q1[2:]), "number")
    assert_wrong(q1.evaluate(REFERENCE_Q1[0], float("nan"), *REFERENCE_Q1[2:]), "NaN", "your computation")
    assert_wrong(q1.evaluate((24.5, 24, 8), *REFERENCE_Q1[1:]), "whole number")
    assert_wrong(q1.evaluate(*REFERENCE_Q1[:4]), "q1.check(conv1_shape, conv1_params, pool_shape, conv2_shape")
    assert q1.evaluate(..., *REFERENCE_Q1[1:]).status == NOT_ATTEMPTED


# ---------------------------------------------------------------------------------------------
# Question 2: a convolution function
# ---------------------------------------------------------------------------------------------


def reference_convolve(image, kernel):
    return scipy_correlate(image, kernel, mode="valid")[..., 0]


def test_q2_reference_and_other_ways_pass():
    assert_correct(q2.evaluate(reference(q2, **namespace())["convolve_channels"]))

    def per_channel_then_sum(image, kernel):
        return sum(scipy_convolve2d(image[..., c], kernel[::-1, ::-1, c], mode="valid") for c in range(image.shape[2]))

    def with_windows(image, kernel):
        windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape[:2], axis=(0, 1))
        return np.einsum("ijckl,klc->ij", windows, kernel)

    def with_keras(image, kernel):  # a float32 tensor, from Keras' own convolution
        return keras.ops.conv(image[None], kernel[..., None])[0, ..., 0]

    def as_lists(image, kernel):
        kh, kw = kernel.shape[:2]
        rows, cols = image.shape[0] - kh + 1, image.shape[1] - kw + 1
        return [[float((image[i : i + kh, j : j + kw] * kernel).sum()) for j in range(cols)] for i in range(rows)]

    for function in (per_channel_then_sum, with_windows, with_keras, as_lists, reference_convolve):
        assert_correct(q2.evaluate(function))


def test_q2_plausible_mistakes():
    def flipped(image, kernel):
        return reference_convolve(image, kernel[::-1, ::-1])

    def first_channel(image, kernel):
        return reference_convolve(image[..., :1], kernel[..., :1])

    def mean_over_channels(image, kernel):
        return reference_convolve(image, kernel) / image.shape[2]

    def one_map_per_channel(image, kernel):
        return np.stack(
            [reference_convolve(image[..., c : c + 1], kernel[..., c : c + 1]) for c in range(image.shape[2])], -1
        )

    def same_size(image, kernel):
        return sum(scipy_convolve2d(image[..., c], kernel[::-1, ::-1, c], mode="same") for c in range(image.shape[2]))

    def integer_output(image, kernel):
        return reference_convolve(image, kernel).astype(int)

    def channel_axis_kept(image, kernel):
        return scipy_correlate(image, kernel, mode="valid")

    assert_wrong(q2.evaluate(flipped), "flips the kernel")
    assert_wrong(q2.evaluate(first_channel), "first channel")
    assert_wrong(q2.evaluate(mean_over_channels), "sum, not mean")
    assert_wrong(q2.evaluate(one_map_per_channel), "one map per channel")
    assert_wrong(q2.evaluate(same_size), "image's own")
    assert_wrong(q2.evaluate(lambda image, kernel: reference_convolve(image, kernel)[:-1]), "should have shape")
    assert_wrong(q2.evaluate(lambda image, kernel: np.maximum(reference_convolve(image, kernel), 0)), "position (0, 0)")
    assert_wrong(q2.evaluate(integer_output), "whole numbers", "dtype=int")
    assert_wrong(q2.evaluate(channel_axis_kept), "last axis of size 1")


def test_q2_bad_input():
    assert_wrong(q2.evaluate(None), "None")
    assert_wrong(q2.evaluate(np.ones((4, 4))), "function")
    assert_wrong(q2.evaluate(lambda image, kernel: None), "None")
    assert_wrong(q2.evaluate(lambda image: image), "def convolve_channels(image, kernel)")
    assert_wrong(q2.evaluate(lambda image, kernel, stride: image), "def convolve_channels(image, kernel)")
    assert_wrong(q2.evaluate(lambda image, kernel: image["pixels"]), "failed with")
    assert_wrong(
        q2.evaluate(lambda image, kernel: reference_convolve(image, kernel) * np.nan), "NaN", "your computation"
    )
    assert_wrong(q2.evaluate(reference_convolve, reference_convolve), "q2.check(function)")
    assert q2.evaluate(lambda image, kernel: ...).status == NOT_ATTEMPTED
    assert q2.evaluate(...).status == NOT_ATTEMPTED


# ---------------------------------------------------------------------------------------------
# Question 3: a horizontal-edge kernel
# ---------------------------------------------------------------------------------------------

HORIZONTAL = np.array([[-1, -1, -1], [0, 0, 0], [1, 1, 1]])


def test_q3_reference_and_other_kernels_pass():
    assert_correct(q3.evaluate(reference(q3, np=np)["kernel"]))
    sobel = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]) / 4
    assert_correct(q3.evaluate(sobel))
    assert_correct(q3.evaluate([[-1.0], [1.0]]))
    assert_correct(q3.evaluate(np.array([[-1, -1], [1, 1]])))
    assert_correct(q3.evaluate(np.vstack([-np.ones((2, 5)), np.zeros((1, 5)), np.ones((2, 5))])))
    assert_correct(q3.evaluate(keras.ops.convert_to_tensor(HORIZONTAL * 0.1)))


def test_q3_plausible_mistakes():
    assert_wrong(q3.evaluate(-HORIZONTAL), "swap the signs")
    assert_wrong(q3.evaluate(HORIZONTAL.T), "vertical edges")
    assert_wrong(q3.evaluate(np.array([[0, 0, 0], [0, 0, 0], [1, 1, 1]])), "add up to 0")
    assert_wrong(q3.evaluate(np.array([[-1, 0, 0], [0, 0, 0], [0, 0, 1]])), "vertical edges")
    assert_wrong(q3.evaluate(np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]])), "opposite edge")
    assert_wrong(q3.evaluate(np.array([[-1, -1, -1], [2, 2, 2], [-1, -1, -1]])), "opposite edge")
    assert_wrong(q3.evaluate(np.array([[-1, 0, 1]])), "single row")
    assert_wrong(q3.evaluate(np.zeros((3, 3))), "all zeros")


def test_q3_bad_input():
    assert_wrong(q3.evaluate(None), "None")
    assert_wrong(q3.evaluate(np.ones((3, 3, 3))), "dimension")
    assert_wrong(q3.evaluate(np.array([-1, 0, 1])), "dimension")
    assert_wrong(q3.evaluate(np.ones((9, 9)) - 1 + np.eye(9)), "at most 5x5")
    assert_wrong(q3.evaluate("sobel"), "array of numbers")
    assert_wrong(q3.evaluate(np.array([[np.nan] * 3, [0, 0, 0], [1, 1, 1]])), "NaN")
    assert q3.evaluate(...).status == NOT_ATTEMPTED


# ---------------------------------------------------------------------------------------------
# Question 4: max pooling
# ---------------------------------------------------------------------------------------------


def reference_pool(feature_map):
    h, w = feature_map.shape[0] // 2, feature_map.shape[1] // 2
    return feature_map[: 2 * h, : 2 * w].reshape(h, 2, w, 2).max(axis=(1, 3))


def test_q4_reference_and_other_ways_pass():
    assert_correct(q4.evaluate(reference(q4, **namespace())["max_pool"]))

    def with_loops(feature_map):
        rows, cols = feature_map.shape[0] // 2, feature_map.shape[1] // 2
        return np.array(
            [[feature_map[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].max() for j in range(cols)] for i in range(rows)]
        )

    def with_keras_layer(feature_map):
        return np.asarray(layers.MaxPooling2D(2)(feature_map[None, :, :, None]))[0, :, :, 0]

    def with_strided_windows(feature_map):
        return np.lib.stride_tricks.sliding_window_view(feature_map, (2, 2))[::2, ::2].max(axis=(2, 3))

    for function in (with_loops, with_keras_layer, with_strided_windows, lambda m: reference_pool(m).tolist()):
        assert_correct(q4.evaluate(function))


def test_q4_plausible_mistakes():
    def average(feature_map):
        h, w = feature_map.shape[0] // 2, feature_map.shape[1] // 2
        return feature_map[: 2 * h, : 2 * w].reshape(h, 2, w, 2).mean(axis=(1, 3))

    def ceil_mode(feature_map):
        padded = np.pad(
            feature_map, ((0, feature_map.shape[0] % 2), (0, feature_map.shape[1] % 2)), constant_values=-np.inf
        )
        return reference_pool(padded)

    def stride_one(feature_map):
        windows = np.lib.stride_tricks.sliding_window_view(feature_map, (2, 2))
        return windows.max(axis=(2, 3))

    def window_at_i_j(feature_map):  # the right shape, but the window of (i, j) starts at (i, j)
        rows, cols = feature_map.shape[0] // 2, feature_map.shape[1] // 2
        return np.array([[feature_map[i : i + 2, j : j + 2].max() for j in range(cols)] for i in range(rows)])

    def wrong_reshape(feature_map):
        h, w = feature_map.shape[0] // 2, feature_map.shape[1] // 2
        return feature_map[: 2 * h, : 2 * w].reshape(h, w, 2, 2).max(axis=(2, 3))

    assert_wrong(q4.evaluate(average), "average pooling")
    assert_wrong(q4.evaluate(ceil_mode), "dropped")
    assert_wrong(q4.evaluate(stride_one), "overlap")
    assert_wrong(q4.evaluate(lambda m: m), "input's shape")
    assert_wrong(q4.evaluate(window_at_i_j), "starts at (2 * i, 2 * j)")
    assert_wrong(q4.evaluate(wrong_reshape), "position (0, 0)")
    assert_wrong(q4.evaluate(lambda m: reference_pool(m).astype(int)), "whole numbers")


def test_q4_bad_input():
    assert_wrong(q4.evaluate(None), "None")
    assert_wrong(q4.evaluate(lambda m: None), "None")
    assert_wrong(q4.evaluate(lambda m: print(m)), "None")
    assert_wrong(q4.evaluate(lambda m: "pooled"), "array of numbers")
    assert_wrong(q4.evaluate(lambda m: [[1.0, 2.0], [3.0]]), "array of numbers")
    assert_wrong(q4.evaluate(lambda m, size: m), "def max_pool(feature_map)")
    assert_wrong(q4.evaluate(lambda m: reference_pool(m) * np.nan), "NaN", "your computation")
    assert_wrong(q4.evaluate(reference_pool(np.ones((4, 4)))), "function")
    assert q4.evaluate(lambda m: ...).status == NOT_ATTEMPTED


# ---------------------------------------------------------------------------------------------
# Question 5: a CNN with global average pooling (built, not trained)
# ---------------------------------------------------------------------------------------------


def cnn(head="gap", filters=(10, 20, 30), pool="max", padding="same", output="softmax", activation="relu"):
    stack = [keras.Input(shape=(28, 28, 1))]
    for count in filters:
        stack.append(layers.Conv2D(count, 3, padding=padding, activation=activation))
        if pool == "max":
            stack.append(layers.MaxPooling2D(2))
        elif pool == "average":
            stack.append(layers.AveragePooling2D(2))
    heads = {"gap": layers.GlobalAveragePooling2D, "flatten": layers.Flatten, "max": layers.GlobalMaxPooling2D}
    stack.append(heads[head]())
    stack.append(layers.Dense(10, activation=output))
    return keras.Sequential(stack)


def test_q5_reference_and_other_correct_models_pass():
    model = reference(q5, **namespace())["build_cnn"]()
    assert model.count_params() == CNN_PARAMS
    assert_correct(q5.evaluate(model))
    # Functional API, ReLU and softmax as layers of their own, pooling written out.
    inputs = keras.Input(shape=(28, 28, 1))
    x = inputs
    for count in (10, 20, 30):
        x = layers.Conv2D(count, (3, 3), padding="same")(x)
        x = layers.ReLU()(x)
        x = layers.MaxPooling2D(pool_size=(2, 2), strides=2)(x)
    x = layers.Dense(10)(layers.GlobalAveragePooling2D()(x))
    assert_correct(q5.evaluate(keras.Model(inputs, layers.Activation("softmax")(x))))
    # Pooling with padding="same" (28, 14, 7, 4), dropout in the head, a rescaling layer in front.
    stack = [keras.Input(shape=(28, 28, 1)), layers.Rescaling(1.0)]
    for count in (10, 20, 30):
        stack += [layers.Conv2D(count, 3, padding="same", activation="relu"), layers.MaxPooling2D(2, padding="same")]
    stack += [layers.GlobalAveragePooling2D(), layers.Dropout(0.2), layers.Dense(10), layers.Softmax()]
    assert_correct(q5.evaluate(keras.Sequential(stack)))
    # Checked again after a training step (biases no longer 0).
    trained = cnn()
    trained.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    trained.fit(np.random.default_rng(0).uniform(size=(8, 28, 28, 1)), np.arange(8), epochs=1, verbose=0)
    assert_correct(q5.evaluate(trained))


def test_q5_plausible_mistakes():
    assert_wrong(q5.evaluate(cnn(head="flatten")), "GlobalAveragePooling2D")
    assert_wrong(q5.evaluate(cnn(head="max")), "GlobalMaxPooling2D")
    assert_wrong(q5.evaluate(cnn(pool=None)), "MaxPooling2D")
    assert_wrong(q5.evaluate(cnn(pool="average")), "use MaxPooling2D")
    assert_wrong(q5.evaluate(cnn(padding="valid")), "padding='same'")
    assert_wrong(q5.evaluate(cnn(filters=(16, 32, 64))), "10, 20, 30")
    assert_wrong(q5.evaluate(cnn(filters=(30, 20, 10))), "in this order")
    assert_wrong(q5.evaluate(cnn(output="sigmoid")), "softmax")
    assert_wrong(q5.evaluate(cnn(output=None)), "softmax")
    assert_wrong(q5.evaluate(cnn(activation=None)), "activation='relu'")
    assert_wrong(q5.evaluate(cnn(activation="sigmoid")), "activation='relu'")
    strided = keras.Sequential(
        [keras.Input(shape=(28, 28, 1))]
        + [layers.Conv2D(count, 3, strides=2, padding="same", activation="relu") for count in (10, 20, 30)]
        + [layers.GlobalAveragePooling2D(), layers.Dense(10, activation="softmax")]
    )
    assert_wrong(q5.evaluate(strided), "stride 1")
    hidden = keras.Sequential(
        [keras.Input(shape=(28, 28, 1))]
        + cnn().layers[:-1]
        + [layers.Dense(30, activation="relu"), layers.Dense(10, activation="softmax")]
    )
    assert_wrong(q5.evaluate(hidden), "no hidden dense layer")
    dense = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Flatten(), layers.Dense(10, activation="softmax")])
    assert_wrong(q5.evaluate(dense), "Conv2D")


def test_q5_bad_input():
    assert_wrong(q5.evaluate(None), "None")
    assert_wrong(q5.evaluate(cnn), "model = build_cnn()")
    assert_wrong(q5.evaluate([layers.Dense(10)]), "Keras model")
    assert_wrong(q5.evaluate(keras.Sequential([layers.Dense(10)])), "keras.Input")
    flat = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(10, activation="softmax")])
    assert_wrong(q5.evaluate(flat), "keras.Input(shape=(28, 28, 1))")
    assert_wrong(q5.evaluate(cnn(), cnn()), "q5.check(model)")

    class Subclassed(keras.Model):
        def __init__(self):
            super().__init__()
            self.stack = cnn().layers

        def call(self, x):
            for layer in self.stack:
                x = layer(x)
            return x

    subclassed = Subclassed()
    subclassed(np.zeros((1, 28, 28, 1)))
    assert_wrong(q5.evaluate(subclassed), "not as a subclass")
    assert q5.evaluate(...).status == NOT_ATTEMPTED
