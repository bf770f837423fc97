"""Unit tests of nncourse.compare: scores, the results table and its plot, weight histograms."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nncourse.compare import (  # noqa: E402
    EPSILON,
    binary_scores,
    kernel_weights,
    plot_results,
    plot_weight_histograms,
    results_table,
    summarise_history,
)
from nncourse.errors import CourseError  # noqa: E402


class FixedModel:
    """Stands in for a trained model: predict returns the probabilities it was given."""

    def __init__(self, probabilities, column=True):
        probabilities = np.asarray(probabilities, dtype="float32")
        self.probabilities = probabilities.reshape(-1, 1) if column else probabilities

    def predict(self, X, verbose=0):
        return self.probabilities[: len(X)]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


X4 = np.zeros((4, 3))
Y4 = np.array([1, 0, 1, 0])


def test_binary_scores_by_hand():
    model = FixedModel([0.9, 0.2, 0.4, 0.6])
    scores = binary_scores(model, X4, Y4)
    assert scores["accuracy"] == pytest.approx(0.5)
    expected = -np.mean(np.log([0.9, 0.8, 0.4, 0.4]))
    assert scores["loss"] == pytest.approx(expected, rel=1e-5)


def test_binary_scores_accepts_flat_predictions_and_clips_certainty():
    scores = binary_scores(FixedModel([1.0, 0.0, 1.0, 1.0], column=False), X4, Y4)
    assert scores["accuracy"] == pytest.approx(0.75)
    assert np.isfinite(scores["loss"])
    assert scores["loss"] == pytest.approx(-np.log(EPSILON) / 4, rel=1e-3)


def test_binary_scores_matches_keras_evaluate():
    import keras

    rng = np.random.default_rng(0)
    X = rng.uniform(size=(40, 6)).astype("float32")
    y = (rng.uniform(size=40) > 0.5).astype(int)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", metrics=["accuracy"])
    loss, accuracy = model.evaluate(X, y, verbose=0)
    scores = binary_scores(model, X, y)
    assert scores["loss"] == pytest.approx(loss, abs=1e-5)
    assert scores["accuracy"] == pytest.approx(accuracy)


@pytest.mark.parametrize(
    "model, X, y, words",
    [
        (None, X4, Y4, "trained Keras model"),
        ("model", X4, Y4, "trained Keras model"),
        (FixedModel([2.0, 0.1, 0.3, 0.5]), X4, Y4, "sigmoid"),
        (FixedModel([0.5] * 4), X4, np.array([0, 1, 2, 1]), "0 or 1"),
        (FixedModel([0.5] * 4), X4[:3], Y4, "same examples"),
        (FixedModel([0.5] * 4), X4[:0], Y4[:0], "empty"),
    ],
)
def test_binary_scores_explains_bad_input(model, X, y, words):
    with pytest.raises(CourseError, match=words):
        binary_scores(model, X, y)


def test_binary_scores_rejects_multiclass_output():
    class TenClasses:
        def predict(self, X, verbose=0):
            return np.full((len(X), 10), 0.1)

    with pytest.raises(CourseError, match="one probability per example"):
        binary_scores(TenClasses(), X4, Y4)


def test_results_table_rows_columns_and_epochs():
    models = {"good": FixedModel([0.9, 0.1, 0.8, 0.2]), "bad": FixedModel([0.4, 0.6, 0.4, 0.6])}
    histories = {"good": {"loss": [1, 2, 3]}, "bad": {"loss": [1.0] * 7}}
    table = results_table(models, train=(X4, Y4), test=(X4, Y4), histories=histories)
    assert list(table.index) == ["good", "bad"]
    assert list(table.columns) == ["train accuracy", "test accuracy", "train loss", "test loss", "epochs"]
    assert table.loc["good", "test accuracy"] == 1.0
    assert table.loc["bad", "train accuracy"] == 0.0
    assert table.loc["bad", "epochs"] == 7
    assert table.loc["good", "test loss"] < table.loc["bad", "test loss"]


def test_results_table_without_histories_has_no_epochs_column():
    table = results_table({"only": FixedModel([0.9, 0.1, 0.8, 0.2])}, train=(X4, Y4), test=(X4, Y4))
    assert "epochs" not in table.columns


def test_results_table_explains_bad_input():
    model = FixedModel([0.5] * 4)
    with pytest.raises(CourseError, match="dict from a name"):
        results_table([model], train=(X4, Y4), test=(X4, Y4))
    with pytest.raises(CourseError, match="pair"):
        results_table({"a": model}, train=X4, test=(X4, Y4))
    with pytest.raises(CourseError, match="No history for 'a'"):
        results_table({"a": model}, train=(X4, Y4), test=(X4, Y4), histories={})
    with pytest.raises(CourseError, match="'a':.*sigmoid"):
        results_table({"a": FixedModel([3.0] * 4)}, train=(X4, Y4), test=(X4, Y4))


def test_plot_results_draws_two_panels_with_one_row_per_variant():
    models = {"a": FixedModel([0.9, 0.1, 0.8, 0.2]), "b": FixedModel([0.6, 0.4, 0.4, 0.6]), "c": FixedModel([0.5] * 4)}
    table = results_table(models, train=(X4, Y4), test=(X4, Y4))
    fig = plot_results(table, title="three variants")
    assert len(fig.axes) == 2
    labels = [tick.get_text() for tick in fig.axes[0].get_yticklabels()]
    assert sorted(labels) == ["a", "b", "c"]
    assert fig.axes[0].get_legend() is not None
    assert fig.axes[1].get_xlabel().startswith("loss")


def test_plot_results_explains_bad_input():
    with pytest.raises(CourseError, match="results_table"):
        plot_results({"a": 1})


def keras_net(units=3):
    import keras

    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [keras.Input(shape=(5,)), keras.layers.Dense(units), keras.layers.Dropout(0.5), keras.layers.Dense(1)]
    )


def test_kernel_weights_collects_every_kernel_and_no_bias():
    model = keras_net(units=3)
    weights = kernel_weights(model)
    assert weights.shape == (5 * 3 + 3 * 1,)
    assert np.array_equal(weights[:15], np.asarray(model.layers[0].kernel).ravel())


def test_kernel_weights_explains_bad_input():
    import keras

    with pytest.raises(CourseError, match="Keras model"):
        kernel_weights(None)
    with pytest.raises(CourseError, match="no layer with weights"):
        kernel_weights(keras.Sequential([keras.layers.Dropout(0.5)]))


def test_plot_weight_histograms_one_panel_per_model():
    fig = plot_weight_histograms({"first": keras_net(3), "second": keras_net(4)}, limit=1.0, bins=10)
    assert len(fig.axes) == 2
    assert "below 0.001" in fig.axes[0].get_title()
    assert fig.axes[0].get_yscale() == "log"


def test_plot_weight_histograms_explains_bad_input():
    with pytest.raises(CourseError, match="dict from a name"):
        plot_weight_histograms([keras_net()])
    with pytest.raises(CourseError, match="limit"):
        plot_weight_histograms({"a": keras_net()}, limit=0)


def test_summarise_history():
    history = {"loss": [0.5, 0.2, 0.1], "val_loss": [0.6, 0.3, 0.4]}
    line = summarise_history(history)
    assert "lowest at epoch 2 (0.300)" in line
    assert "after epoch 3: val_loss 0.400, loss 0.100" in line


def test_summarise_history_explains_bad_input():
    with pytest.raises(CourseError, match="History"):
        summarise_history(None)
    with pytest.raises(CourseError, match="validation_data"):
        summarise_history({"loss": [0.5]})
