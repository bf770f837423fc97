"""Unit tests of nncourse.transfer: small arrays and tiny Keras models, seconds in all."""

from __future__ import annotations

import numpy as np
import pytest

from nncourse.errors import CourseError

keras = pytest.importorskip("keras")

from nncourse.transfer import (  # noqa: E402
    extract_features,
    plot_label_efficiency,
    plot_top_predictions,
    sample_per_class,
    to_rgb,
    trainable_layer_names,
    unfreeze_top,
)

layers = keras.layers


def test_sample_per_class_counts_and_nesting():
    labels = np.repeat(np.arange(3), 20)
    few = sample_per_class(labels, 5, seed=0)
    assert len(few) == 15
    assert np.bincount(labels[few]).tolist() == [5, 5, 5]
    assert np.all(np.diff(few) > 0)
    more = sample_per_class(labels, 10, seed=0)
    assert set(few) <= set(more)  # a larger sample keeps the smaller one
    assert not np.array_equal(sample_per_class(labels, 5, seed=1), few)
    assert np.bincount(labels[sample_per_class(labels, 2, classes=[0, 2])], minlength=3).tolist() == [2, 0, 2]


def test_sample_per_class_bad_input():
    with pytest.raises(CourseError, match="only 20"):
        sample_per_class(np.repeat(np.arange(2), 20), 21)
    with pytest.raises(CourseError, match="at least 1"):
        sample_per_class(np.zeros(4, dtype=int), 0)
    with pytest.raises(CourseError, match="1-D"):
        sample_per_class(np.zeros((2, 2), dtype=int), 1)
    with pytest.raises(CourseError, match="1-D"):
        sample_per_class(np.array([0.5, 1.5]), 1)


def test_to_rgb_resizes_and_copies_channels():
    images = np.zeros((2, 28, 28), dtype="uint8")
    images[:, :14] = 255
    rgb = to_rgb(images, 56)
    assert rgb.shape == (2, 56, 56, 3) and rgb.dtype == np.float32
    assert np.array_equal(rgb[..., 0], rgb[..., 2])
    assert rgb[0, 0, 0, 0] == pytest.approx(255) and rgb[0, -1, 0, 0] == pytest.approx(0)
    assert to_rgb(images[..., None], 32).shape == (2, 32, 32, 3)
    with pytest.raises(CourseError, match="grey images"):
        to_rgb(np.zeros((28, 28)), 32)
    with pytest.raises(CourseError, match="size"):
        to_rgb(images, 0)


def tiny_base():
    inputs = keras.Input(shape=(8, 8, 3))
    x = layers.Conv2D(4, 3, name="conv_a")(inputs)
    x = layers.BatchNormalization(name="norm_a")(x)
    x = layers.Conv2D(5, 3, name="conv_b")(x)
    x = layers.BatchNormalization(name="norm_b")(x)
    outputs = layers.GlobalAveragePooling2D(name="pool")(x)
    return keras.Model(inputs, outputs)


def test_extract_features_matches_one_call_and_applies_preprocessing():
    base = tiny_base()
    images = np.random.default_rng(0).uniform(0, 255, size=(10, 8, 8, 3)).astype("float32")
    features = extract_features(base, images, batch_size=3, preprocess=lambda x: x / 255)
    assert features.shape == (10, 5)
    whole = keras.ops.convert_to_numpy(base(images / 255, training=False))
    assert np.allclose(features, whole, atol=1e-5)
    assert not np.allclose(extract_features(base, images), features)
    with pytest.raises(CourseError, match="batch of images"):
        extract_features(base, images[0])


def test_unfreeze_top_keeps_batch_norm_frozen():
    base = tiny_base()
    base.trainable = False
    names = unfreeze_top(base, 3)  # norm_b, conv_b, pool (last three of base.layers)
    assert base.layers[-3].name == "conv_b"
    assert names == ["conv_b"]
    assert trainable_layer_names(base) == ["conv_b"]
    assert len(base.trainable_weights) == 2
    assert unfreeze_top(base, 3, keep_batchnorm_frozen=False) == ["conv_b", "norm_b"]
    assert unfreeze_top(base, 0) == []
    with pytest.raises(CourseError, match="whole number"):
        unfreeze_top(base, -1)
    with pytest.raises(CourseError, match="Keras model"):
        unfreeze_top("base", 2)


def test_plots():
    import matplotlib

    matplotlib.use("Agg")
    ax = plot_label_efficiency([5, 10], {"a": [0.5, 0.6], "b": [0.4, 0.7]}, chance=0.2)
    assert len(ax.get_lines()) == 3 and ax.get_xlabel().startswith("labelled")
    with pytest.raises(CourseError, match="one per count"):
        plot_label_efficiency([5, 10], {"a": [0.5]})
    with pytest.raises(CourseError, match="empty"):
        plot_label_efficiency([5], {})
    photo = np.zeros((10, 10, 3))
    fig = plot_top_predictions([photo], [[("n1", "tabby_cat", 0.7), ("n2", "tiger_cat", 0.2)]], titles=["cat"])
    assert len(fig.axes) == 2
    with pytest.raises(CourseError, match="one per photo"):
        plot_top_predictions([photo, photo], [[("n1", "a", 1.0)]])
    import matplotlib.pyplot as plt

    plt.close("all")
