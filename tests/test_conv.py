"""Unit tests of nncourse.conv (convolution, pooling and their arithmetic, in NumPy) and of
nncourse.recipes, checked against Keras' own layers."""

from __future__ import annotations

import numpy as np
import pytest

from nncourse.conv import conv_output_size, conv_params, convolve1d, convolve2d, max_pool2d
from nncourse.errors import CourseError


def test_output_size_formulas():
    assert conv_output_size(28, 3) == 26
    assert conv_output_size(28, 3, padding="same") == 28
    assert conv_output_size(28, 5, stride=2) == 12
    assert conv_output_size(7, 2, stride=2) == 3
    assert conv_output_size(7, 3, stride=2, padding="same") == 4
    assert conv_output_size(2, 3) == 0


def test_params_formula():
    assert conv_params(3, 1, 32) == 320
    assert conv_params((3, 5), 8, 16, use_bias=False) == 3 * 5 * 8 * 16


def test_convolve2d_small_example_by_hand():
    image = np.arange(16.0).reshape(4, 4)
    kernel = np.array([[1.0, 0.0], [0.0, -1.0]])
    assert np.array_equal(convolve2d(image, kernel), np.full((3, 3), -5.0))
    assert convolve2d(image, kernel, stride=2).shape == (2, 2)
    assert convolve2d(image, np.ones((3, 3)), padding="same").shape == (4, 4)
    assert convolve2d(image, np.ones((3, 3)), padding="same")[0, 0] == 0 + 1 + 4 + 5


def test_max_pool_and_1d():
    fmap = np.array([[1, 5, 2], [3, 4, 9], [0, 0, 0]])
    assert np.array_equal(max_pool2d(fmap), [[5]])
    assert np.array_equal(max_pool2d(fmap, 2, stride=1), [[5, 9], [4, 9]])
    assert np.array_equal(convolve1d([1, 2, 3, 4], [1, -1]), [-1, -1, -1])
    assert convolve1d(np.arange(10), np.ones(3) / 3, padding="same").shape == (10,)


def test_friendly_errors():
    with pytest.raises(CourseError, match="padding"):
        convolve2d(np.ones((4, 4)), np.ones((2, 2)), padding="full")
    with pytest.raises(CourseError, match="does not fit"):
        convolve2d(np.ones((4, 4, 3)), np.ones((2, 2)))
    with pytest.raises(CourseError, match="larger than the image"):
        convolve2d(np.ones((2, 2)), np.ones((3, 3)))
    with pytest.raises(CourseError, match="whole number"):
        conv_output_size(28, 0)
    with pytest.raises(CourseError, match="array of numbers"):
        max_pool2d("map")


keras = pytest.importorskip("keras")


@pytest.mark.parametrize("stride,padding", [(1, "valid"), (1, "same"), (2, "valid"), (2, "same")])
def test_convolve2d_matches_keras_conv2d(stride, padding):
    rng = np.random.default_rng(0)
    image = rng.normal(size=(9, 10, 3)).astype("float32")
    kernel = rng.normal(size=(3, 3, 3)).astype("float32")
    layer = keras.layers.Conv2D(1, 3, strides=stride, padding=padding, use_bias=False)
    layer.build((None, 9, 10, 3))
    layer.set_weights([kernel[..., np.newaxis]])
    expected = keras.ops.convert_to_numpy(layer(image[np.newaxis]))[0, ..., 0]
    got = convolve2d(image, kernel, stride=stride, padding=padding)
    assert got.shape == expected.shape
    assert np.allclose(got, expected, atol=1e-4)
    assert layer.count_params() == conv_params(3, 3, 1, use_bias=False)
    assert got.shape == (conv_output_size(9, 3, stride, padding), conv_output_size(10, 3, stride, padding))


def test_max_pool_matches_keras():
    rng = np.random.default_rng(1)
    fmap = rng.normal(size=(7, 9, 2)).astype("float32")
    expected = keras.ops.convert_to_numpy(keras.layers.MaxPooling2D(2)(fmap[np.newaxis]))[0]
    assert np.allclose(max_pool2d(fmap), expected)


def test_recipes_scaling_schedule_and_timer():
    from nncourse.recipes import EpochTimer, cosine_adam, cosine_schedule, dense_fashion_model, fashion_images

    images = fashion_images(np.full((2, 28, 28), 255, dtype=np.uint8))
    assert images.shape == (2, 28, 28, 1) and images.dtype == np.float32 and images.max() == 1
    assert fashion_images(np.zeros((1, 28, 28)), channel_axis=False).shape == (1, 28, 28)
    with pytest.raises(CourseError, match="stack of grey images"):
        fashion_images(np.zeros((28, 28)))
    schedule = cosine_schedule(4, 10, learning_rate=0.01, warmup_epochs=1)
    assert isinstance(cosine_adam(4, 10), keras.optimizers.Adam)
    rates = [float(schedule(step)) for step in (0, 10, 40)]
    assert rates[0] == pytest.approx(0.001) and rates[1] == pytest.approx(0.01) and rates[2] < 1e-6
    with pytest.raises(CourseError, match="warmup_epochs"):
        cosine_schedule(2, 10, warmup_epochs=2)
    model = dense_fashion_model((28, 28, 1))
    assert model.count_params() == 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10
    timer = EpochTimer()
    with pytest.raises(CourseError, match="No epoch"):
        _ = timer.per_epoch
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", run_eagerly=True)
    model.fit(np.zeros((8, 28, 28, 1)), np.zeros(8), epochs=2, batch_size=8, verbose=0, callbacks=[timer])
    assert len(timer.seconds) == 2 and timer.per_epoch > 0
