"""Unit tests of the checks for lesson 2's exercises: right answers pass, common slips get the
message that names them, and bad input gets a sentence instead of a traceback."""

from __future__ import annotations

import math

import numpy as np
import pytest
from checktools import assert_correct, assert_wrong, reference

from nncourse.exercises.core import CORRECT, NOT_ATTEMPTED
from nncourse.exercises.lesson2 import LEFT_MINIMUM, RIGHT_MINIMUM, q1, q2, q3, q4, q5, q6


def assert_not_attempted(result):
    assert result.status == NOT_ATTEMPTED, result


# ------------------------------------------------------------------ question 1: two valleys


def slope(w):
    return 4 * w**3 - 6 * w + 1


def descend(slope_function, w, steps=100, rate=0.01):
    for _ in range(steps):
        w = w - rate * slope_function(w)
    return w


def test_q1_reference_passes():
    result = q1.evaluate(slope, descend(slope, 2.0), descend(slope, -2.0))
    assert result.status == CORRECT, result
    assert "global minimum" in result.message


def test_q1_minima_are_the_true_local_minima():
    assert math.isclose(RIGHT_MINIMUM, 1.1309, abs_tol=1e-3)
    assert math.isclose(LEFT_MINIMUM, -1.3008, abs_tol=1e-3)


@pytest.mark.parametrize(
    "wrong_slope, words",
    [
        (lambda w: w**4 - 3 * w**2 + w, ["function itself"]),
        (lambda w: 4 * w**3 - 6 * w, ["+ w"]),
        (lambda w: -(4 * w**3 - 6 * w + 1), ["wrong sign"]),
        (lambda w: 3 * w**2 - 6 * w + 1, ["derivative of f"]),
    ],
)
def test_q1_wrong_slopes(wrong_slope, words):
    assert_wrong(q1.evaluate(wrong_slope, RIGHT_MINIMUM, LEFT_MINIMUM), *words)


def test_q1_swapped_end_points():
    assert_wrong(q1.evaluate(slope, LEFT_MINIMUM, RIGHT_MINIMUM), "swapped")


def test_q1_loop_never_updated():
    assert_wrong(q1.evaluate(slope, 2.0, -2.0), "starting point")


def test_q1_wrong_number_of_steps():
    assert_wrong(q1.evaluate(slope, descend(slope, 2.0, steps=10), descend(slope, -2.0)), "100 steps")


def test_q1_ran_away():
    assert_wrong(q1.evaluate(slope, 1e6, LEFT_MINIMUM), "ran away")


def test_q1_bad_input():
    assert_wrong(q1.evaluate(None, 1.0, -1.0), "none")
    assert_wrong(q1.evaluate(3.0, 1.0, -1.0), "function")
    assert_wrong(q1.evaluate(slope, None, LEFT_MINIMUM), "w_from_right", "none")
    assert_wrong(q1.evaluate(slope, np.array([1.0, 2.0]), LEFT_MINIMUM), "single number")
    assert_wrong(q1.evaluate(slope, "1.13", LEFT_MINIMUM), "number")


def test_q1_placeholders():
    assert_not_attempted(q1.evaluate(slope, ..., ...))
    assert_not_attempted(q1.evaluate(lambda w: ..., RIGHT_MINIMUM, LEFT_MINIMUM))


# ------------------------------------------------------------------ question 2: largest learning rate


@pytest.mark.parametrize("answer", [1 / 3, 0.33, 0.333, 2 / 6])
def test_q2_reference_passes(answer):
    assert q2.evaluate(answer).status == CORRECT


@pytest.mark.parametrize(
    "answer, words",
    [
        (2.0, ["w2", "w1 diverges"]),
        (1 / 6, ["one step"]),
        (1.0, ["best rate for w2"]),
        (0.5, ["diverges"]),
        (0.2, ["still converges"]),
        (-0.1, ["positive"]),
    ],
)
def test_q2_wrong_answers(answer, words):
    assert_wrong(q2.evaluate(answer), *words)


def test_q2_bad_input():
    assert_wrong(q2.evaluate(None), "none")
    assert_wrong(q2.evaluate("0.33"), "number")
    assert_wrong(q2.evaluate([0.33, 0.5]), "single number")
    assert_wrong(q2.evaluate(True), "true/false")
    assert_not_attempted(q2.evaluate(...))


# ------------------------------------------------------------------ question 3: binary cross-entropy


def bce(y_true, p):
    y_true, p = np.asarray(y_true, dtype=float), np.asarray(p, dtype=float)
    return -np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))


def _bce_terms(y, p):
    """Binary cross-entropy of each example (not averaged)."""
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def test_q3_reference_passes():
    assert q3.evaluate(bce).status == CORRECT


@pytest.mark.parametrize(
    "wrong, words",
    [
        (lambda y, p: np.sum(_bce_terms(y, p)), ["sum"]),
        (lambda y, p: -bce(y, p), ["minus sign"]),
        (lambda y, p: bce(y, p) / np.log(10), ["natural log"]),
        (lambda y, p: -np.mean(np.multiply(y, np.log(p))), ["label 0"]),
        (_bce_terms, ["one loss per example", "mean"]),
        (lambda y, p: np.mean(np.square(np.subtract(y, p))), ["binary cross-entropy is"]),
    ],
)
def test_q3_wrong_answers(wrong, words):
    assert_wrong(q3.evaluate(wrong), *words)


def test_q3_bad_input():
    assert_wrong(q3.evaluate(None), "none")
    assert_wrong(q3.evaluate(0.42), "function")
    assert_wrong(q3.evaluate(lambda y, p: None), "none", "return")
    assert_wrong(q3.evaluate(lambda y, p: "0.4"), "number")
    assert_not_attempted(q3.evaluate(lambda y, p: ...))

    # a function that crashes on lists gets an explanation, not a traceback
    # forgetting np.asarray: 1 - a list fails; the learner gets an explanation, not a traceback
    def no_asarray(y, p):
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - np.asarray(p)))

    assert_wrong(q3.evaluate(no_asarray), "fails on Python lists", "np.asarray")


# ------------------------------------------------------------------ question 4: counting iterations


def test_q4_reference_passes():
    assert q4.evaluate(lambda n, b, e: math.ceil(n / b) * e).status == CORRECT
    assert q4.evaluate(lambda n, b, e: -(-n // b) * e).status == CORRECT


@pytest.mark.parametrize(
    "wrong, words",
    [
        (lambda n, b, e: (n // b) * e, ["last, smaller batch"]),
        (lambda n, b, e: n / b * e, ["whole number"]),
        (lambda n, b, e: math.ceil(n / b), ["one epoch", "multiply"]),
        (lambda n, b, e: n * e, ["should be"]),
    ],
)
def test_q4_wrong_answers(wrong, words):
    assert_wrong(q4.evaluate(wrong), *words)


def test_q4_bad_input():
    assert_wrong(q4.evaluate(None), "none")
    assert_wrong(q4.evaluate(900), "function")
    assert_wrong(q4.evaluate(lambda n, b, e: None), "none")
    assert_wrong(q4.evaluate(lambda n, b, e: [1, 2]), "single number")
    assert_not_attempted(q4.evaluate(lambda n, b, e: ...))


# ------------------------------------------------------------------ question 5: Adam


def adam(w, g, m, v, t, learning_rate=0.1, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - learning_rate * m_hat / (np.sqrt(v_hat) + eps), m, v


def test_q5_reference_passes():
    assert q5.evaluate(adam).status == CORRECT


def no_bias_correction(w, g, m, v, t, learning_rate=0.1, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    return w - learning_rate * m / (np.sqrt(v) + eps), m, v


def uphill(w, g, m, v, t, learning_rate=0.1, **kwargs):
    new_w, m, v = adam(w, g, m, v, t, learning_rate)
    return w + (w - new_w), m, v


def momentum_m(w, g, m, v, t, learning_rate=0.1, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + g
    v = beta2 * v + (1 - beta2) * g**2
    return w - learning_rate * m / (np.sqrt(v) + eps), m, v


def v_of_gradient(w, g, m, v, t, learning_rate=0.1, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g
    return w - learning_rate * m / (np.sqrt(np.abs(v)) + eps), m, v


def no_sqrt(w, g, m, v, t, learning_rate=0.1, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    return w - learning_rate * (m / (1 - beta1**t)) / (v / (1 - beta2**t) + eps), m, v


@pytest.mark.parametrize(
    "wrong, words",
    [
        (no_bias_correction, ["bias correction"]),
        (uphill, ["uphill"]),
        (momentum_m, ["momentum", "(1 - beta1) * g"]),
        (v_of_gradient, ["squared gradient"]),
        (no_sqrt, ["square root"]),
    ],
)
def test_q5_wrong_answers(wrong, words):
    assert_wrong(q5.evaluate(wrong), *words)


def test_q5_bad_input():
    assert_wrong(q5.evaluate(None), "none")
    assert_wrong(q5.evaluate("adam"), "function")
    assert_wrong(q5.evaluate(lambda w, g, m, v, t: w - 0.1 * g), "three things")
    assert_wrong(q5.evaluate(lambda w, g, m, v, t: (w, m)), "three things")
    assert_wrong(q5.evaluate(lambda w, g, m, v, t: (w[:1], m, v)), "shape (2)")
    assert_wrong(q5.evaluate(lambda w, g, m, v, t: (None, m, v)), "none")
    assert_not_attempted(q5.evaluate(lambda w, g, m, v, t: (..., ..., ...)))


# ------------------------------------------------------------------ question 6: backward pass


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def make_backward(derivative="sigmoid", factor=1.0, divide=True, transpose_w1=False, drop=None):
    def backward(params, X, y):
        h = sigmoid(X @ params["W1"] + params["b1"])
        y_hat = h @ params["W2"] + params["b2"]
        n = len(X) if divide else 1
        d_y_hat = factor * 2 * (y_hat - y) / n
        d_h = d_y_hat @ params["W2"].T
        d_z1 = d_h * (h * (1 - h) if derivative == "sigmoid" else 1 - h**2)
        grads = {"W1": X.T @ d_z1, "b1": d_z1.sum(axis=0), "W2": h.T @ d_y_hat, "b2": d_y_hat.sum(axis=0)}
        if transpose_w1:
            grads["W1"] = grads["W1"].T
        if drop:
            grads.pop(drop)
        return grads

    return backward


def test_q6_reference_passes():
    assert q6.evaluate(make_backward()).status == CORRECT


@pytest.mark.parametrize(
    "wrong, words",
    [
        (make_backward(derivative="tanh"), ["output layer", "h * (1 - h)"]),
        (make_backward(factor=0.5), ["half"]),
        (make_backward(factor=-1.0), ["wrong way"]),
        (make_backward(divide=False), ["6 times", "mean"]),
        (make_backward(transpose_w1=True), ["transposed", "(3, 4)"]),
        (make_backward(drop="b2"), ["no gradient for b2"]),
    ],
)
def test_q6_wrong_answers(wrong, words):
    assert_wrong(q6.evaluate(wrong), *words)


def test_q6_bad_input():
    assert_wrong(q6.evaluate(None), "none")
    assert_wrong(q6.evaluate({"W1": 0}), "function")
    assert_wrong(q6.evaluate(lambda params, X, y: None), "none")
    assert_wrong(q6.evaluate(lambda params, X, y: [1, 2, 3, 4]), "dict")
    flat_w1 = {"W1": np.zeros(3), "b1": np.zeros(4), "W2": np.zeros((4, 1)), "b2": np.zeros(1)}
    assert_wrong(q6.evaluate(lambda params, X, y: flat_w1), "shape (3, 4)")
    assert_wrong(
        q6.evaluate(lambda params, X, y: {"W1": None, "b1": np.zeros(4), "W2": np.zeros((4, 1)), "b2": np.zeros(1)}),
        "none",
    )
    assert_not_attempted(q6.evaluate(lambda params, X, y: {"W1": ..., "b1": ..., "W2": ..., "b2": ...}))


def test_every_question_has_hints_and_an_answer_from_the_solution_notebook():
    for question in (q1, q2, q3, q4, q5, q6):
        assert len(question.hints) >= 1
        assert question.answer.strip() and "SOLUTION" not in question.answer


def test_solution_code_of_each_question_passes():
    """The code q.solution() shows (extracted from the solution notebook) is itself a correct answer."""
    ns = reference(q1, np=np, math=math)
    assert_correct(q1.evaluate(ns["slope"], ns["w_from_right"], ns["w_from_left"]))
    assert_correct(q2.evaluate(reference(q2)["largest_learning_rate"]))
    assert_correct(q3.evaluate(reference(q3, np=np)["binary_cross_entropy"]))
    assert_correct(q4.evaluate(reference(q4, math=math, np=np)["n_iterations"]))
    assert_correct(q5.evaluate(reference(q5, np=np)["adam_update"]))
    assert_correct(q6.evaluate(reference(q6, np=np)["backward_regression"]))


# ------------------------------------------------------------------ round 2 (issue 12)


@pytest.mark.parametrize("answer", [0.338, 0.334, 0.34])
def test_q2_just_above_the_limit_fails(answer):
    assert_wrong(q2.evaluate(answer), "diverges")


def test_q3_nan_from_the_learners_formula_is_theirs():
    result = q3.evaluate(lambda y, p: -np.mean(np.log(-np.asarray(p))))
    assert_wrong(result, "your computation", "log of 0 or of a negative number")
    assert "division by zero or an overflow" not in result.message


# ------------------------------------------------------------------ round 3 (issue 12: tried as learners would)


def central_difference(w, h=1e-5):
    def f(v):
        return v**4 - 3 * v**2 + v

    return (f(w + h) - f(w - h)) / (2 * h)


def test_q1_other_correct_answers():
    # a numerical derivative, and the results as NumPy float32 or one-element arrays
    assert_correct(q1.evaluate(central_difference, descend(central_difference, 2.0), descend(central_difference, -2.0)))
    assert_correct(q1.evaluate(np.vectorize(slope), np.float32(RIGHT_MINIMUM), np.array([LEFT_MINIMUM])))


def test_q1_more_wrong_answers():
    right = descend(slope, 2.0)
    assert_wrong(q1.evaluate(slope, right, descend(slope, right)), "own starting point")  # second run not restarted
    assert_wrong(q1.evaluate(slope, descend(slope, 2.0, rate=0.1), LEFT_MINIMUM), "learning rate 0.01")
    with np.errstate(all="ignore"):
        uphill = descend(lambda w: -slope(np.float64(w)), 2.0)  # w + 0.01 * slope(w): runs away to NaN
    assert_wrong(q1.evaluate(slope, uphill, LEFT_MINIMUM), "your computation", "diverged")


def test_q1_wrong_arity_names_the_call():
    assert_wrong(q1.evaluate(slope), "q1.check(slope, w_from_right, w_from_left)")
    assert_wrong(q1.evaluate(lambda: 1, 1.0, -1.0), "def slope(w)")


@pytest.mark.parametrize("answer", [np.float32(2 / 6), 2 / 6 + 1e-12, [0.333]])
def test_q2_float32_and_rounding_of_two_sixths_pass(answer):
    assert_correct(q2.evaluate(answer))


@pytest.mark.parametrize("answer, words", [(0.5, "diverges"), (0.25, "still converges"), (np.nan, "your computation")])
def test_q2_more_wrong_answers(answer, words):
    assert_wrong(q2.evaluate(answer), words)


def test_q2_wrong_arity_names_the_call():
    assert_wrong(q2.evaluate(0.3, 0.2), "q2.check(largest_learning_rate)")


def test_q3_library_answers_pass():
    import keras
    from sklearn.metrics import log_loss

    assert_correct(q3.evaluate(lambda y, p: log_loss(y, p, labels=[0, 1])))
    assert_correct(q3.evaluate(lambda y, p: keras.losses.BinaryCrossentropy()(np.asarray(y), np.asarray(p))))
    pure_python = lambda y, p: -sum(a * math.log(b) + (1 - a) * math.log(1 - b) for a, b in zip(y, p)) / len(y)  # noqa: E731
    assert_correct(q3.evaluate(pure_python))


def test_q3_labels_and_probabilities_swapped_is_wrong():
    def swapped(y, p):
        y, p = np.asarray(y), np.asarray(p)
        return -np.mean(y * np.log(1 - p) + (1 - y) * np.log(p))

    assert_wrong(q3.evaluate(swapped), "binary cross-entropy is")


def test_q3_wrong_arity_names_the_call():
    assert_wrong(q3.evaluate(lambda p: 0.5), "def binary_cross_entropy(y_true, p)")


def test_q4_other_correct_answers():
    assert_correct(q4.evaluate(lambda n, b, e: -(-n // b) * e))
    assert_correct(q4.evaluate(lambda n, b, e: len(range(0, n, b)) * e))
    assert_correct(q4.evaluate(lambda n, b, e: float(np.ceil(n / b) * e)))


def test_q4_more_wrong_answers():
    assert_wrong(q4.evaluate(lambda n, b, e: (n // b + 1) * e), "should be 30")  # wrong when b divides n
    assert_wrong(q4.evaluate(lambda n, b, e: round(n / b) * e), "last, smaller batch")
    assert_wrong(q4.evaluate(lambda n, b: 1), "def n_iterations(n_examples, batch_size, epochs)")


def adam_in_place(w, g, m, v, t, learning_rate=0.1, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * g
    v *= beta2
    v += (1 - beta2) * g * g
    w -= learning_rate * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return w, m, v


def adam_folded_rate(w, g, m, v, t, learning_rate=0.1, beta1=0.9, beta2=0.999, eps=1e-8):
    """The Adam paper's form: the bias corrections folded into the step size."""
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * np.square(g)
    rate = learning_rate * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    return [w - rate * m / (np.sqrt(v) + eps * np.sqrt(1 - beta2**t)), m, v]


def test_q5_other_correct_answers():
    assert_correct(q5.evaluate(adam_in_place))
    assert_correct(q5.evaluate(adam_folded_rate))


def test_q5_values_in_the_wrong_order():
    def m_v_w(w, g, m, v, t):
        w, m, v = adam_folded_rate(w, g, m, v, t)
        return m, v, w

    assert_wrong(q5.evaluate(m_v_w), "order m, v, w", "return w, m, v")


def test_q5_returning_the_corrected_averages():
    def corrected(w, g, m, v, t, learning_rate=0.1, beta1=0.9, beta2=0.999, eps=1e-8):
        m = (beta1 * m + (1 - beta1) * g) / (1 - beta1**t)
        v = (beta2 * v + (1 - beta2) * g**2) / (1 - beta2**t)
        return w - learning_rate * m / (np.sqrt(v) + eps), m, v

    assert_wrong(q5.evaluate(corrected), "m_hat and v_hat")


def test_q5_wrong_arity_names_the_call():
    assert_wrong(q5.evaluate(lambda w, g, m, v: (w, m, v)), "def adam_update(w, g, m, v, t)")


def backward(params, X, y, keepdims=False):
    h = 1 / (1 + np.exp(-(X @ params["W1"] + params["b1"])))
    d_y_hat = 2 * (h @ params["W2"] + params["b2"] - y) / len(X)
    d_z1 = d_y_hat @ params["W2"].T * h * (1 - h)
    return {
        "W1": np.einsum("ni,nj->ij", X, d_z1),
        "b1": d_z1.sum(axis=0, keepdims=keepdims),
        "W2": np.dot(h.T, d_y_hat),
        "b2": float(d_y_hat.sum()) if keepdims else d_y_hat.sum(axis=0),
    }


def test_q6_other_correct_answers():
    assert_correct(q6.evaluate(backward))
    # bias gradients as (1, 4) (keepdims=True) and as a plain number update the biases just as well
    assert_correct(q6.evaluate(lambda params, X, y: backward(params, X, y, keepdims=True)))


def test_q6_gradients_under_other_names():
    renamed = lambda params, X, y: {"d" + k: v for k, v in backward(params, X, y).items()}  # noqa: E731
    assert_wrong(q6.evaluate(renamed), "'dW1'", '"W1"')
    lower = lambda params, X, y: {k.lower(): v for k, v in backward(params, X, y).items()}  # noqa: E731
    assert_wrong(q6.evaluate(lower), "'w1'", "no gradient for W1, W2")


def test_q6_weight_gradient_without_its_column_axis_is_wrong():
    flat = lambda params, X, y: {**backward(params, X, y), "W2": backward(params, X, y)["W2"].ravel()}  # noqa: E731
    assert_wrong(q6.evaluate(flat), "shape (4, 1)")


def test_q6_wrong_arity_names_the_call():
    assert_wrong(q6.evaluate(lambda params, X: {}), "def backward_regression(params, X, y)")
