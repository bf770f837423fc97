"""Every check of lesson 1: the reference passes, plausible wrong answers fail with the right message."""

from __future__ import annotations

import numpy as np
import pytest
from checktools import assert_wrong
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from nncourse.exercises import lesson1
from nncourse.exercises.core import CORRECT, INCORRECT, NOT_ATTEMPTED
from nncourse.exercises.lesson1 import digits_split, q1, q2, q3, q4

# q1 ------------------------------------------------------------------------------------------


def test_q1_reference():
    assert q1.evaluate((64 * 32 + 32) + (32 * 8 + 8) + (8 * 10 + 10)).status == CORRECT
    assert q1.evaluate(np.int64(2434)).status == CORRECT


@pytest.mark.parametrize(
    "answer, words",
    [
        (64 * 32 + 32 * 8 + 8 * 10, "weights only"),
        (64 * 32 + 32 + 32 * 8 + 8, "output layer"),
        (50, "biases only"),
        (114, "neurons"),
        (1210, "not the count"),
        (2434.5, "whole number"),
    ],
)
def test_q1_wrong(answer, words):
    assert_wrong(q1.evaluate(answer), words)


@pytest.mark.parametrize("bad, words", [(None, "None"), ("2434", "number"), ([2434, 1], "single number")])
def test_q1_bad_input(bad, words):
    assert_wrong(q1.evaluate(bad), words)


# q2 ------------------------------------------------------------------------------------------


def test_q2_reference_and_placeholder():
    assert q2.evaluate(lambda x, w, b: 1 / (1 + np.exp(-(x @ w + b)))).status == CORRECT

    def untouched(x, w, b):
        return ...

    assert q2.evaluate(untouched).status == NOT_ATTEMPTED


@pytest.mark.parametrize(
    "neuron, words",
    [
        (lambda x, w, b: x @ w + b, "weighted sum z itself"),
        (lambda x, w, b: 1 / (1 + np.exp(-(x @ w))), "ignores the bias"),
        (lambda x, w, b: np.tanh(x @ w + b), "tanh"),
        (lambda x, w, b: 1 / (1 + np.exp(-(np.dot(x[0] if np.ndim(x) > 1 else x, w) + b))), "batch"),
        (lambda x, w, b: 1 / (1 + np.exp(-(sum(x * w) + b))), "batch"),
    ],
)
def test_q2_wrong(neuron, words):
    assert_wrong(q2.evaluate(neuron), words)


def test_q2_bad_input():
    assert_wrong(q2.evaluate(None), "None")
    assert_wrong(q2.evaluate(0.5), "function itself")
    assert_wrong(q2.evaluate(lambda x, w, b: None), "None", "return")


# q3 ------------------------------------------------------------------------------------------


def test_q3_reference():
    assert q3.evaluate(lambda m: m.coefs_[0].T.reshape(-1, 8, 8)).status == CORRECT


@pytest.mark.parametrize(
    "function, words",
    [
        (lambda m: m.coefs_[0].reshape(-1, 8, 8), "scrambled"),
        (lambda m: m.coefs_[0].reshape(8, 8, -1), "(8, 8, 6)"),
        (lambda m: m.coefs_[1], "shape (6, 8, 8)"),
        (lambda m: np.abs(m.coefs_[0].T.reshape(-1, 8, 8)), "unscaled"),
        (lambda m: m.coefs_[0].T.reshape(-1, 8, 8) / np.abs(m.coefs_[0]).max(), "unscaled"),
        (lambda m: m.coefs_[0].T.reshape(-1, 8, 8)[:, ::-1], "column k"),
        (lambda m: m.weights, "failed"),
    ],
)
def test_q3_wrong(function, words):
    assert_wrong(q3.evaluate(function), words)


def test_q3_bad_input():
    assert_wrong(q3.evaluate("coefs_"), "function itself")
    assert_wrong(q3.evaluate(lambda m: None), "None")


# q4 ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def data():
    return digits_split()


def test_q4_reference(data):
    X_train, _, y_train, _ = data
    model = make_pipeline(
        StandardScaler(),
        MLPClassifier(hidden_layer_sizes=(32,), solver="lbfgs", alpha=1.0, max_iter=1000, random_state=0),
    ).fit(X_train, y_train)
    result = q4.evaluate(model)
    assert result.status == CORRECT, result


def test_q4_baseline_is_not_enough(data):
    X_train, _, y_train, _ = data
    assert_wrong(q4.evaluate(LogisticRegression(max_iter=5000).fit(X_train, y_train)), "does not beat")


def test_q4_model_trained_on_scaled_inputs_gets_the_pipeline_hint(data):
    X_train, _, y_train, _ = data
    model = MLPClassifier(hidden_layer_sizes=(16,), solver="lbfgs", max_iter=300, random_state=0).fit(
        X_train / 16, y_train
    )
    assert_wrong(q4.evaluate(model), "pipeline")


def test_q4_bad_input(data):
    X_train, _, y_train, _ = data
    assert_wrong(q4.evaluate(MLPClassifier()), "not fitted")
    assert_wrong(q4.evaluate(None), "None")
    assert_wrong(q4.evaluate("model"), "fit and predict")
    narrow = LogisticRegression(max_iter=500).fit(X_train[:, :10], y_train)
    assert_wrong(q4.evaluate(narrow), "64 raw pixel")


# ------------------------------------------------------------------ round 2 (issue 12)

from checktools import assert_correct, reference  # noqa: E402


def test_reference_answers_from_the_solution_notebook_pass():
    assert_correct(q1.evaluate(reference(q1)["n_params"]))
    assert_correct(q2.evaluate(reference(q2, np=np)["neuron"]))
    assert_correct(q3.evaluate(reference(q3)["first_layer_images"]))


def test_changing_the_learners_test_images_changes_nothing_the_check_sees():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X_train, X_test, y_train, y_test = lesson1.digits_split()
    X_test /= 16
    X_train /= 16
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, C=0.5)).fit(X_train * 16, y_train)
    assert lesson1.digits_split()[1].max() == 16
    assert q4.evaluate(model).status in (CORRECT, INCORRECT)
    assert "raw test pixels" not in q4.evaluate(model).message


def test_neuron_errors_are_one_line():
    def neuron(x, w, b):
        raise ValueError("boom\n" + "x" * 100_000)

    result = q2.evaluate(neuron)
    assert result.status == INCORRECT and "boom" in result.message and len(result.message) < 500


def test_q3_normalising_the_weights_in_place_is_caught():
    def first_layer_images(model):
        weights = model.coefs_[0]
        weights /= np.abs(weights).max()
        return weights.T.reshape(-1, 8, 8)

    assert_wrong(q3.evaluate(first_layer_images), "unscaled")
    assert_correct(q3.evaluate(reference(q3)["first_layer_images"]))
