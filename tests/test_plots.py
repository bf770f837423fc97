"""Tests of nncourse.plots: what each figure holds, and the messages for wrong input."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nncourse.errors import CourseError
from nncourse.plots import compare_histories, history_dict, plot_confusion_matrix, plot_history, show_images

HISTORY = {
    "loss": [1.0, 0.5, 0.3],
    "accuracy": [0.5, 0.7, 0.8],
    "val_loss": [1.1, 0.7, 0.6],
    "val_accuracy": [0.4, 0.6, 0.7],
}


class FakeHistory:
    """Stands in for keras.callbacks.History: all plot_history reads is .history."""

    def __init__(self, history):
        self.history = history


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_history_dict_accepts_history_and_dict():
    assert history_dict(FakeHistory(HISTORY)) == HISTORY
    assert history_dict(HISTORY) == HISTORY


def test_plot_history_one_panel_per_metric_with_both_curves():
    fig = plot_history(FakeHistory(HISTORY))
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    loss_ax = fig.axes[0]
    labels = [line.get_label() for line in loss_ax.lines]
    assert labels == ["training", "validation"]
    np.testing.assert_array_equal(loss_ax.lines[1].get_ydata(), HISTORY["val_loss"])
    np.testing.assert_array_equal(loss_ax.lines[0].get_xdata(), [1, 2, 3])


def test_plot_history_selected_metric_and_training_only():
    fig = plot_history({"loss": [3, 2], "mae": [2, 1]}, metrics="mae")
    assert len(fig.axes) == 1 and fig.axes[0].get_title() == "mae"
    assert [line.get_label() for line in fig.axes[0].lines] == ["training"]


@pytest.mark.parametrize(
    "history, kwargs, words",
    [
        (HISTORY, {"metrics": ["acc"]}, "No metric named 'acc'"),
        (object(), {}, "what model.fit"),
        ({}, {}, "empty"),
    ],
)
def test_plot_history_explains_bad_input(history, kwargs, words):
    with pytest.raises(CourseError, match=words):
        plot_history(history, **kwargs)


def test_compare_histories_one_colour_per_run():
    fig = compare_histories({"a": HISTORY, "b": FakeHistory(HISTORY)}, metric="accuracy")
    ax = fig.axes[0]
    assert len(ax.lines) == 4
    assert ax.lines[0].get_color() == ax.lines[1].get_color() != ax.lines[2].get_color()
    with pytest.raises(CourseError, match="dict from a name"):
        compare_histories([HISTORY])


@pytest.mark.parametrize(
    "images, shape",
    [
        (np.zeros((3, 64)), (8, 8)),
        (np.zeros((3, 28, 28, 1)), (28, 28)),
        (np.zeros((2, 5, 5, 3)), (5, 5, 3)),
        (np.zeros((4, 6, 6)), (6, 6)),
    ],
)
def test_show_images_accepts_common_layouts(images, shape):
    fig = show_images(images, ncols=2)
    drawn = [ax.images[0].get_array().shape for ax in fig.axes if ax.images]
    assert len(drawn) == len(images)
    assert all(s == shape for s in drawn)
    assert len(fig.axes) == 2 * int(np.ceil(len(images) / 2))


def test_show_images_labels_and_class_names():
    fig = show_images(np.zeros((2, 4, 4)), labels=np.array([1, 0]), class_names=["zero", "one"])
    assert [ax.get_title() for ax in fig.axes] == ["one", "zero"]


def test_show_images_symmetric_scale_is_centred():
    fig = show_images(np.array([[[-1.0, 2.0]], [[0.5, 0.0]]]), symmetric=True)
    assert fig.axes[0].images[0].get_clim() == (-2.0, 2.0)


@pytest.mark.parametrize(
    "images, kwargs, words",
    [
        (np.zeros((3, 10)), {}, "square"),
        (np.zeros(5), {}, "stack of images"),
        (np.zeros((2, 8, 8)), {"labels": [1]}, "2 images but 1 labels"),
        (np.zeros((0, 8, 8)), {}, "no images"),
        ([["a", "b"]], {}, "numeric"),
        (np.zeros((2, 8, 8)), {"ncols": 0}, "ncols"),
    ],
)
def test_show_images_explains_bad_input(images, kwargs, words):
    with pytest.raises(CourseError, match=words):
        show_images(images, **kwargs)


def test_confusion_matrix_counts_and_probabilities():
    y_true = [0, 1, 2, 2]
    probabilities = np.array([[0.9, 0.1, 0], [0.2, 0.7, 0.1], [0.1, 0.8, 0.1], [0, 0, 1]])
    fig = plot_confusion_matrix(y_true, probabilities, class_names=["a", "b", "c"])
    ax = fig.axes[0]
    matrix = ax.images[0].get_array()
    np.testing.assert_array_equal(matrix, [[1, 0, 0], [0, 1, 0], [0, 1, 1]])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]


@pytest.mark.parametrize(
    "y_true, y_pred, kwargs, words",
    [
        ([0, 1], [0], {}, "2 labels but y_pred has 1"),
        ([0, 1, 2], [0, 1, 2], {"class_names": ["a"]}, "1 class names for 3"),
        ([0], [0], {"normalize": "rows"}, "normalize"),
    ],
)
def test_confusion_matrix_explains_bad_input(y_true, y_pred, kwargs, words):
    with pytest.raises(CourseError, match=words):
        plot_confusion_matrix(y_true, y_pred, **kwargs)


def test_line_styles_agree_between_the_two_curve_plots():
    single = plot_history(HISTORY).axes[0].lines
    compared = compare_histories({"run": HISTORY}).axes[0].lines
    assert [line.get_linestyle() for line in single] == [line.get_linestyle() for line in compared] == ["--", "-"]
