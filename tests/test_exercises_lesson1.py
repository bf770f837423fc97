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


# ------------------------------------------------------------------ round 3 (issue 12: tried as learners would)


def test_q1_other_correct_answers():
    assert_correct(q1.evaluate(2434.0))
    assert_correct(q1.evaluate(sum(n_in * n_out + n_out for n_in, n_out in [(64, 32), (32, 8), (8, 10)])))
    assert_correct(q1.evaluate(np.array([2434])))


def test_q1_more_wrong_answers_and_the_call():
    assert_wrong(q1.evaluate(64 * 32 + 32 * 8 + 8 * 10 + 32 + 8), "not the count")  # the output biases left out
    assert_wrong(q1.evaluate(True), "True/False")
    assert_wrong(q1.evaluate(float("nan")), "your computation")
    assert_wrong(q1.evaluate(2434, 50), "q1.check(n_params)")


def test_q2_other_correct_answers():
    from scipy.special import expit

    assert_correct(q2.evaluate(lambda x, w, b: expit(np.dot(x, w) + b)))
    assert_correct(q2.evaluate(lambda x, w, b: 0.5 * (1 + np.tanh((x @ w + b) / 2))))
    assert_correct(q2.evaluate(lambda x, w, b: np.exp(x @ w + b) / (1 + np.exp(x @ w + b))))
    # one output per image as a column, and one image given as a row of a batch of one
    assert_correct(q2.evaluate(lambda x, w, b: 1 / (1 + np.exp(-(x @ w.reshape(-1, 1) + b)))))
    assert_correct(q2.evaluate(lambda x, w, b: 1 / (1 + np.exp(-(np.atleast_2d(x) @ w + b)))))
    # float32 arithmetic is close enough
    assert_correct(q2.evaluate(lambda x, w, b: 1 / (1 + np.exp(-(np.float32(x) @ np.float32(w) + b)))))


def test_q2_more_wrong_answers():
    assert_wrong(q2.evaluate(lambda x, w, b: 1 / (1 + np.exp(x @ w + b))), "1 - sigmoid(z)", "minus")
    assert_wrong(q2.evaluate(lambda x, w, b: 1 / (1 + np.exp(-x @ w + b))), "was expected")  # -x @ w + b
    assert_wrong(q2.evaluate(lambda x, w, b: np.maximum(0, x @ w + b)), "was expected")


def test_q2_bad_input_more():
    assert_wrong(q2.evaluate(lambda x, w: x @ w), "def neuron(x, w, b)")
    assert_wrong(q2.evaluate(lambda x, w, b: np.log(-1.0 + 0 * (x @ w))), "your computation")


def test_q3_other_correct_answers():
    assert_correct(q3.evaluate(lambda m: np.stack([column.reshape(8, 8) for column in m.coefs_[0].T])))
    assert_correct(q3.evaluate(lambda m: np.transpose(m.coefs_[0].reshape(8, 8, -1), (2, 0, 1))))
    assert_correct(q3.evaluate(lambda m: [column.reshape(8, 8) for column in m.coefs_[0].T]))


def test_q3_more_wrong_answers():
    assert_wrong(q3.evaluate(lambda m: m.coefs_[0].reshape(8, 8, -1).T), "transposed")
    assert_wrong(q3.evaluate(lambda m: (m.coefs_[0] + m.intercepts_[0]).T.reshape(-1, 8, 8)), "column k")
    assert_wrong(q3.evaluate(lambda m: m.coefs_[0].T.reshape(16, 8, 8)), "cannot reshape")  # 16 neurons hard-coded


def test_q3_wrong_arity_names_the_call():
    assert_wrong(q3.evaluate(lambda: None), "def first_layer_images(model)")


def test_q4_other_correct_answers(data):
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.preprocessing import FunctionTransformer, MinMaxScaler
    from sklearn.svm import SVC

    X_train, _, y_train, _ = data
    assert_correct(q4.evaluate(make_pipeline(StandardScaler(), SVC()).fit(X_train, y_train)))
    assert_correct(q4.evaluate(make_pipeline(FunctionTransformer(lambda X: X / 16), SVC()).fit(X_train, y_train)))
    assert_correct(q4.evaluate(make_pipeline(MinMaxScaler(), KNeighborsClassifier(3)).fit(X_train, y_train)))


class DivideInPlace:
    """A pipeline step that scales its input in place."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        X /= 16
        return X


def test_q4_a_step_that_changes_its_input_in_place_harms_nothing(data):
    X_train, _, y_train, _ = data
    from sklearn.svm import SVC

    model = make_pipeline(DivideInPlace(), SVC()).fit(X_train.copy(), y_train)
    first = q4.evaluate(model)
    assert lesson1.digits_split()[1].max() == 16
    assert q4.evaluate(model).message == first.message


def test_q4_more_wrong_answers(data):
    X_train, _, y_train, _ = data
    short = make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        short.fit(X_train, y_train)
    assert_wrong(q4.evaluate(short), "0.", "train")
    assert "scaled the training data yourself" not in q4.evaluate(short).message  # it is a pipeline: it scales


def test_q4_bad_input_more():
    import keras

    net = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(10, activation="softmax")])
    assert_wrong(q4.evaluate(net), "Keras model", "scikit-learn")
    assert_wrong(q4.evaluate(MLPClassifier), "class MLPClassifier")
    assert_wrong(q4.evaluate(make_pipeline(StandardScaler(), MLPClassifier())), "not fitted")


def test_q4_reference_answer_from_the_solution_notebook_passes(data):
    X_train, _, y_train, _ = data
    namespace = reference(
        q4,
        X_train=X_train,
        y_train=y_train,
        make_pipeline=make_pipeline,
        StandardScaler=StandardScaler,
        MLPClassifier=MLPClassifier,
    )
    assert_correct(q4.evaluate(namespace["model"]))
