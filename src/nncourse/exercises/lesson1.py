"""Checks for the exercises of lesson 1, an MLP on handwritten digits.

- ``q1``: count the parameters of a 64-32-8-10 network.
- ``q2``: write one sigmoid neuron that also works on a batch.
- ``q3``: turn a fitted network's first-layer weights into one 8x8 image per hidden neuron.
- ``q4``: a scikit-learn pipeline that reads raw pixels and beats the linear baseline.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import Any

import numpy as np

from nncourse.exercises.core import (
    Question,
    Wrong,
    expect_array,
    expect_callable,
    expect_fitted_estimator,
    expect_number,
    one_line,
)
from nncourse.exercises.tools import call_learner, is_keras_model, private_copy, takes_args

__all__ = ["q1", "q2", "q3", "q4", "digits_split", "PIPELINE_TARGET"]

#: Test accuracy the q4 pipeline must reach: above logistic regression's 0.96 on this split.
PIPELINE_TARGET = 0.965


def digits_split() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The lesson's split of the raw digits: 75/25, stratified, ``random_state=0``.

    Each call returns fresh copies: changing them (``X_test /= 16``) changes nothing the checks see.
    """
    return private_copy(_digits_split())


@lru_cache(maxsize=1)
def _digits_split() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    return tuple(train_test_split(digits.data, digits.target, test_size=0.25, stratify=digits.target, random_state=0))  # type: ignore[return-value]


# --- Question 1: parameter count -------------------------------------------------------------

_Q1_WEIGHTS = 64 * 32 + 32 * 8 + 8 * 10
_Q1_BIASES = 32 + 8 + 10


def _check_q1(n_params: Any) -> str:
    answer = n_params
    value = expect_number(answer, "n_params")
    if value != int(value):
        raise Wrong(f"n_params is {value}, but a count of parameters is a whole number.")
    value = int(value)
    total = _Q1_WEIGHTS + _Q1_BIASES
    if value == total:
        return f"{total:,} parameters: {_Q1_WEIGHTS:,} weights and {_Q1_BIASES} biases."
    if value == _Q1_WEIGHTS:
        raise Wrong(f"{value:,} is the number of weights only: every neuron also has a bias.")
    if value == _Q1_BIASES:
        raise Wrong(f"{value} is the number of biases only (one per neuron); add the weights.")
    if value == 64 * 32 + 32 + 32 * 8 + 8:
        raise Wrong(f"{value:,} leaves out the output layer: its 10 neurons read the 8 hidden activations.")
    if value == 64 + 32 + 8 + 10:
        raise Wrong(f"{value} counts neurons and inputs, not the connections between them.")
    raise Wrong(f"{value:,} is not the count. Add, for each layer, inputs x neurons weights plus one bias per neuron.")


q1 = Question(
    label="Question 1 (parameter count)",
    checker=_check_q1,
    hints=[
        "A dense layer with n inputs and m neurons has n*m weights and m biases.",
        "There are three layers to count: 64 -> 32, 32 -> 8 and 8 -> 10.",
    ],
)


# --- Question 2: one neuron --------------------------------------------------------------------


def _reference_neuron(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    return 1 / (1 + np.exp(-(x @ w + b)))


def _check_q2(neuron: Any) -> str:
    expect_callable(neuron, "neuron")
    takes_args(neuron, 3, "neuron", "neuron(x, w, b)")
    rng = np.random.default_rng(7)
    w = rng.normal(scale=0.3, size=64)
    batch = rng.uniform(0, 1, size=(5, 64))
    for b in (0.0, 1.5):
        single = call_learner(neuron, batch[0], w, b, name="neuron", shown=f"x of shape (64,), w, b={b}")
        value = expect_number(single, "neuron(x, w, b) for one image x")
        expected = float(_reference_neuron(batch[0], w, b))
        if not np.isclose(value, expected, rtol=1e-6, atol=1e-9):
            z = float(batch[0] @ w + b)
            if np.isclose(value, z):
                raise Wrong("neuron returns the weighted sum z itself: pass it through the sigmoid 1 / (1 + exp(-z)).")
            if b != 0 and np.isclose(value, float(_reference_neuron(batch[0], w, 0.0))):
                raise Wrong("neuron ignores the bias b: add it to the weighted sum before the sigmoid.")
            if np.isclose(value, np.tanh(z)):
                raise Wrong("That is tanh, not the logistic sigmoid 1 / (1 + exp(-z)).")
            if np.isclose(value, 1 - expected):
                raise Wrong(
                    "neuron returns 1 - sigmoid(z): the sign in the exponent is flipped. The sigmoid is "
                    "1 / (1 + exp(-z)), with a minus, and z = x @ w + b."
                )
            if not 0 <= value <= 1:
                raise Wrong(f"neuron returned {value:.3g}, but a sigmoid's output lies between 0 and 1.")
            raise Wrong(f"For a test input, neuron returned {value:.4f} where {expected:.4f} was expected.")
    try:
        many = call_learner(neuron, batch, w, 1.5, name="neuron", shown="X of shape (5, 64), w, b=1.5")
    except Wrong as error:
        raise Wrong(
            f"neuron works on one image but not on a batch of shape (5, 64). {error} Use x @ w, which works for both."
        ) from None
    if np.shape(many) == (5, 1):  # one output per image, as a column: fine
        many = np.reshape(np.asarray(many, dtype=float), 5)
    many = expect_array(many, "neuron(X, w, b) for a batch X of shape (5, 64)", shape=(5,))
    if not np.allclose(many, _reference_neuron(batch, w, 1.5)):
        raise Wrong("neuron is right for one image but not for a batch: compute x @ w + b for every row.")
    return "one neuron, for one image or a whole batch."


q2 = Question(
    label="Question 2 (a neuron)",
    checker=_check_q2,
    hints=[
        "The weighted sum of all 64 inputs is a dot product: x @ w. Then add b.",
        "Pass the sum z through the sigmoid: 1 / (1 + np.exp(-z)). x @ w also works when x is a (n, 64) batch.",
    ],
)


# --- Question 3: first-layer weights as images -------------------------------------------------


@lru_cache(maxsize=1)
def _small_fitted_mlp():
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X_train, _, y_train, _ = _digits_split()
    model = MLPClassifier(hidden_layer_sizes=(6,), solver="lbfgs", max_iter=15, random_state=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train / 16, y_train)
    return model


def _check_q3(first_layer_images: Any) -> str:
    expect_callable(first_layer_images, "first_layer_images")
    takes_args(first_layer_images, 1, "first_layer_images", "first_layer_images(model)")
    import copy

    reference = _small_fitted_mlp()
    model = copy.deepcopy(reference)  # the learner's function may change what it is given
    images = call_learner(
        first_layer_images, model, name="first_layer_images", shown="a fitted network with 6 hidden neurons"
    )
    images = expect_array(images, "first_layer_images(model)")
    if images.shape != (6, 8, 8):
        if images.shape == (8, 8, 6):
            raise Wrong("The shape is (8, 8, 6): put the neuron first, so images[k] is neuron k's 8x8 picture.")
        raise Wrong(
            f"For a network with 6 hidden neurons the result should have shape (6, 8, 8), but has shape {images.shape}. "
            "Use the first weight matrix, coefs_[0], of shape (64, 6)."
        )
    expected = reference.coefs_[0].T.reshape(6, 8, 8)
    if np.allclose(images, expected):
        return "images[k] holds the 64 weights of hidden neuron k, laid out as the 8x8 pixels they multiply."
    if np.allclose(images, np.transpose(expected, (0, 2, 1))):
        raise Wrong(
            "Each image is transposed (rows and columns swapped): reshape each neuron's 64 weights to 8x8 as "
            "they are, e.g. coefs_[0].T.reshape(-1, 8, 8), without a .T after the reshape."
        )
    if np.allclose(images, reference.coefs_[0].reshape(6, 8, 8)):
        raise Wrong(
            "The shape is right but the pixels are scrambled: coefs_[0] has one COLUMN per neuron, "
            "so transpose it before reshaping."
        )
    largest = float(np.abs(images).max())
    rescaled = largest > 0 and np.allclose(images / largest, expected / np.abs(expected).max())
    if np.allclose(np.abs(images), np.abs(expected)) or rescaled:
        raise Wrong("Close, but the values differ from the weights: return the weights themselves, unscaled.")
    raise Wrong(
        "The images do not hold the first-layer weights: image k should be column k of coefs_[0], reshaped to 8x8."
    )


q3 = Question(
    label="Question 3 (first-layer weights)",
    checker=_check_q3,
    hints=[
        "model.coefs_[0] has shape (64, n_hidden): one column of 64 weights per hidden neuron.",
        "Transpose to (n_hidden, 64), then reshape to (n_hidden, 8, 8).",
    ],
)


# --- Question 4: a pipeline that beats the baseline ----------------------------------------------


def _check_q4(model: Any) -> str:
    if "keras" in sys.modules and is_keras_model(model):  # no Keras import for a lesson that does not use it
        raise Wrong(
            "That is a Keras model; this question asks for a scikit-learn one: "
            "make_pipeline(StandardScaler(), MLPClassifier(...)), fitted on X_train, y_train."
        )
    if isinstance(model, type):
        raise Wrong(f"That is the class {model.__name__} itself: create one, e.g. make_pipeline(...), and fit it.")
    expect_fitted_estimator(model, "model")
    _, X_test, _, y_test = digits_split()  # a copy: a pipeline step that changes its input in place harms nothing
    try:
        predictions = np.asarray(model.predict(X_test))
    except Exception as error:  # noqa: BLE001
        raise Wrong(
            f"model.predict failed on raw test pixels of shape {X_test.shape}: {one_line(error)} "
            "The model must take the 64 raw pixel values (0-16) of each image."
        ) from None
    if predictions.shape != y_test.shape:
        raise Wrong(
            f"model.predict returned shape {predictions.shape}; one digit per image, shape {y_test.shape}, was expected."
        )
    accuracy = float((predictions == y_test).mean())
    if accuracy >= PIPELINE_TARGET:
        return f"test accuracy {accuracy:.3f}, above logistic regression's 0.960."
    if accuracy < 0.5 and not hasattr(model, "steps"):  # a bare model trained on scaled pixels
        raise Wrong(
            f"Test accuracy on raw pixels is only {accuracy:.3f}. If you scaled the training data yourself, the model "
            "now expects scaled inputs: put the scaler and the network in one pipeline (make_pipeline) instead."
        )
    if accuracy < 0.9 and hasattr(model, "steps"):
        raise Wrong(
            f"Test accuracy {accuracy:.3f} is far below {PIPELINE_TARGET}: the network has not learned enough. "
            "Let it train longer (max_iter, or solver='lbfgs') and give it more hidden neurons."
        )
    raise Wrong(
        f"Test accuracy {accuracy:.3f} does not beat {PIPELINE_TARGET} yet. Scale the inputs inside the pipeline, "
        "and try more hidden neurons or a stronger penalty (alpha)."
    )


q4 = Question(
    label="Question 4 (beat the baseline)",
    checker=_check_q4,
    hints=[
        "make_pipeline(StandardScaler(), MLPClassifier(...)) scales inside the model, so it takes raw pixels.",
        "16 hidden neurons are few: try 32 or 64. A larger alpha (say 1.0) penalises large weights and curbs overfitting.",
    ],
)
