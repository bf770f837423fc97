"""Unit tests of the lesson 5 exercise checks: reference answers and other correct answers pass,
plausible mistakes fail with a message that says what is wrong, and bad input gets a sentence
rather than a traceback. No model is trained: question 5 checks an untrained model's shapes."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import convolve2d as scipy_convolve2d

from nncourse.exercises.core import CORRECT, INCORRECT, NOT_ATTEMPTED
from nncourse.exercises.lesson5 import CNN_PARAMS, q1, q2, q3, q4, q5


def assert_wrong(result, *words):
    assert result.status == INCORRECT, result
    for word in words:
        assert word.lower() in result.message.lower(), (word, result.message)


# ---------------------------------------------------------------------------------------------
# Question 1: shapes and parameters
# ---------------------------------------------------------------------------------------------

REFERENCE_Q1 = ((24, 24, 8), 5 * 5 * 1 * 8 + 8, (12, 12, 8), (6, 6, 16), 3 * 3 * 8 * 16 + 16)


def test_q1_reference_and_other_forms_pass():
    assert q1.evaluate(*REFERENCE_Q1).status == CORRECT
    as_lists = ([24, 24, 8], 208.0, [12, 12, 8], (np.int64(6), 6, 16), np.int32(1168))
    assert q1.evaluate(*as_lists).status == CORRECT


def test_q1_plausible_mistakes():
    ok = list(REFERENCE_Q1)
    assert_wrong(q1.evaluate((28, 28, 8), *ok[1:]), "valid")
    assert_wrong(q1.evaluate(ok[0], 5 * 5 * 8, *ok[2:]), "bias")
    assert_wrong(q1.evaluate(*ok[:2], (12, 12, 4), *ok[3:]), "channels")
    assert_wrong(q1.evaluate(*ok[:3], (12, 12, 16), ok[4]), "stride")
    assert_wrong(q1.evaluate(*ok[:4], 3 * 3 * 16 + 16), "8 channels")
    assert_wrong(q1.evaluate(*ok[:4], 3 * 3 * 8 * 16), "bias")


def test_q1_bad_input():
    assert_wrong(q1.evaluate(None, *REFERENCE_Q1[1:]), "None")
    assert_wrong(q1.evaluate((1, 24, 24, 8), *REFERENCE_Q1[1:]), "batch axis")
    assert_wrong(q1.evaluate("24x24x8", *REFERENCE_Q1[1:]), "tuple of three")
    assert_wrong(q1.evaluate(REFERENCE_Q1[0], "208", *REFERENCE_Q1[2:]), "number")
    assert q1.evaluate(..., *REFERENCE_Q1[1:]).status == NOT_ATTEMPTED


# ---------------------------------------------------------------------------------------------
# Question 2: a convolution function
# ---------------------------------------------------------------------------------------------


def reference_convolve(image, kernel):
    kh, kw = kernel.shape[:2]
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (image[i : i + kh, j : j + kw, :] * kernel).sum()
    return out


def test_q2_reference_and_other_ways_pass():
    assert q2.evaluate(reference_convolve).status == CORRECT

    def per_channel_then_sum(image, kernel):
        return sum(scipy_convolve2d(image[..., c], kernel[::-1, ::-1, c], mode="valid") for c in range(image.shape[2]))

    def with_windows(image, kernel):
        windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape[:2], axis=(0, 1))
        return np.einsum("ijckl,klc->ij", windows, kernel)

    assert q2.evaluate(per_channel_then_sum).status == CORRECT
    assert q2.evaluate(with_windows).status == CORRECT


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

    assert_wrong(q2.evaluate(flipped), "flips the kernel")
    assert_wrong(q2.evaluate(first_channel), "first channel")
    assert_wrong(q2.evaluate(mean_over_channels), "sum, not mean")
    assert_wrong(q2.evaluate(one_map_per_channel), "one map per channel")
    assert_wrong(q2.evaluate(same_size), "image's own")
    assert_wrong(q2.evaluate(lambda image, kernel: reference_convolve(image, kernel)[:-1]), "should have shape")


def test_q2_bad_input():
    assert_wrong(q2.evaluate(None), "None")
    assert_wrong(q2.evaluate(np.ones((4, 4))), "function")
    assert_wrong(q2.evaluate(lambda image, kernel: None), "None")
    assert_wrong(q2.evaluate(lambda image: image), "failed")
    assert q2.evaluate(lambda image, kernel: ...).status == NOT_ATTEMPTED
    assert q2.evaluate(...).status == NOT_ATTEMPTED


# ---------------------------------------------------------------------------------------------
# Question 3: a horizontal-edge kernel
# ---------------------------------------------------------------------------------------------

HORIZONTAL = np.array([[-1, -1, -1], [0, 0, 0], [1, 1, 1]])


def test_q3_reference_and_other_kernels_pass():
    assert q3.evaluate(HORIZONTAL).status == CORRECT
    sobel = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]) / 4
    assert q3.evaluate(sobel).status == CORRECT
    assert q3.evaluate([[-1.0], [1.0]]).status == CORRECT
    assert q3.evaluate(np.array([[-1, -1], [1, 1]])).status == CORRECT


def test_q3_plausible_mistakes():
    assert_wrong(q3.evaluate(-HORIZONTAL), "swap the signs")
    assert_wrong(q3.evaluate(HORIZONTAL.T), "vertical edges")
    assert_wrong(q3.evaluate(np.array([[0, 0, 0], [0, 0, 0], [1, 1, 1]])), "add up to 0")
    assert_wrong(q3.evaluate(np.array([[-1, 0, 0], [0, 0, 0], [0, 0, 1]])), "vertical edges")
    assert_wrong(q3.evaluate(np.zeros((3, 3))), "all zeros")


def test_q3_bad_input():
    assert_wrong(q3.evaluate(None), "None")
    assert_wrong(q3.evaluate(np.ones((3, 3, 3))), "dimension")
    assert_wrong(q3.evaluate(np.ones((9, 9)) - 1 + np.eye(9)), "at most 5x5")
    assert_wrong(q3.evaluate("sobel"), "array of numbers")
    assert q3.evaluate(...).status == NOT_ATTEMPTED


# ---------------------------------------------------------------------------------------------
# Question 4: max pooling
# ---------------------------------------------------------------------------------------------


def reference_pool(feature_map):
    h, w = feature_map.shape[0] // 2, feature_map.shape[1] // 2
    return feature_map[: 2 * h, : 2 * w].reshape(h, 2, w, 2).max(axis=(1, 3))


def test_q4_reference_and_loops_pass():
    assert q4.evaluate(reference_pool).status == CORRECT

    def with_loops(feature_map):
        rows, cols = feature_map.shape[0] // 2, feature_map.shape[1] // 2
        return np.array(
            [[feature_map[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].max() for j in range(cols)] for i in range(rows)]
        )

    assert q4.evaluate(with_loops).status == CORRECT
    assert q4.evaluate(lambda m: reference_pool(m).tolist()).status == CORRECT


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

    assert_wrong(q4.evaluate(average), "average pooling")
    assert_wrong(q4.evaluate(ceil_mode), "dropped")
    assert_wrong(q4.evaluate(stride_one), "overlap")
    assert_wrong(q4.evaluate(lambda m: m), "input's shape")


def test_q4_bad_input():
    assert_wrong(q4.evaluate(None), "None")
    assert_wrong(q4.evaluate(lambda m: None), "None")
    assert_wrong(q4.evaluate(lambda m: "pooled"), "array of numbers")
    assert q4.evaluate(lambda m: ...).status == NOT_ATTEMPTED


# ---------------------------------------------------------------------------------------------
# Question 5: a CNN with global average pooling (built, not trained)
# ---------------------------------------------------------------------------------------------

keras = pytest.importorskip("keras")
layers = keras.layers


def cnn(head="gap", filters=(10, 20, 30), pool=True, padding="same", output="softmax"):
    stack = [keras.Input(shape=(28, 28, 1))]
    for count in filters:
        stack.append(layers.Conv2D(count, 3, padding=padding, activation="relu"))
        if pool:
            stack.append(layers.MaxPooling2D(2))
    stack.append(layers.GlobalAveragePooling2D() if head == "gap" else layers.Flatten())
    stack.append(layers.Dense(10, activation=output))
    return keras.Sequential(stack)


def test_q5_reference_and_functional_api_pass():
    model = cnn()
    assert model.count_params() == CNN_PARAMS
    assert q5.evaluate(model).status == CORRECT
    inputs = keras.Input(shape=(28, 28, 1))
    x = inputs
    for count in (10, 20, 30):
        x = layers.Conv2D(count, (3, 3), padding="same")(x)
        x = layers.Activation("relu")(x)
        x = layers.MaxPooling2D(pool_size=(2, 2))(x)
    outputs = layers.Dense(10, activation="softmax")(layers.GlobalAveragePooling2D()(x))
    assert q5.evaluate(keras.Model(inputs, outputs)).status == CORRECT


def test_q5_plausible_mistakes():
    assert_wrong(q5.evaluate(cnn(head="flatten")), "GlobalAveragePooling2D")
    assert_wrong(q5.evaluate(cnn(pool=False)), "MaxPooling2D")
    assert_wrong(q5.evaluate(cnn(padding="valid")), "padding='same'")
    assert_wrong(q5.evaluate(cnn(filters=(16, 32, 64))), "10, 20, 30")
    assert_wrong(q5.evaluate(cnn(output="sigmoid")), "softmax")
    dense = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Flatten(), layers.Dense(10, activation="softmax")])
    assert_wrong(q5.evaluate(dense), "Conv2D")


def test_q5_bad_input():
    assert_wrong(q5.evaluate(None), "None")
    assert_wrong(q5.evaluate(cnn), "Keras model")
    flat = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(10, activation="softmax")])
    assert_wrong(q5.evaluate(flat), "keras.Input(shape=(28, 28, 1))")
    assert q5.evaluate(...).status == NOT_ATTEMPTED
