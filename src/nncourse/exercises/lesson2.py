"""Checks for the exercises of lesson 2 (how networks learn: loss functions and optimisation).

Every checker tries the learner's answer out (calls their function on fixed inputs and compares
with a reference computed here), so any correct way of writing it passes. Where a wrong answer
matches a common slip (a forgotten minus sign, a sum for a mean, a missing bias correction), the
message names the slip.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nncourse.errors import describe
from nncourse.exercises.core import (
    Question,
    Wrong,
    expect_array,
    expect_callable,
    expect_number,
)
from nncourse.optim import numerical_gradient

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6"]


from nncourse.exercises.tools import call_learner as _call  # noqa: E402
from nncourse.exercises.tools import contains_placeholder as _contains_placeholder  # noqa: E402,F401
from nncourse.exercises.tools import takes_args  # noqa: E402

# ---------------------------------------------------------------------------------------------
# Question 1: a non-convex function with two valleys
# ---------------------------------------------------------------------------------------------


def _f_two_valleys(w: float) -> float:
    return w**4 - 3 * w**2 + w


def _slope_two_valleys(w: float) -> float:
    return 4 * w**3 - 6 * w + 1


def _descend(w: float, steps: int = 100, learning_rate: float = 0.01) -> float:
    for _ in range(steps):
        w = w - learning_rate * _slope_two_valleys(w)
    return w


RIGHT_MINIMUM = _descend(2.0)
LEFT_MINIMUM = _descend(-2.0)


def _check_two_valleys(slope: Any, w_from_right: Any, w_from_left: Any) -> str:
    expect_callable(slope, "slope")
    takes_args(slope, 1, "slope", "slope(w)")
    for w in (-2.0, -1.0, 0.0, 0.5, 1.5, 3.0):
        got = expect_number(_call(slope, w, name="slope"), f"slope({w})")
        want = _slope_two_valleys(w)
        if math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-9):
            continue
        if math.isclose(got, _f_two_valleys(w), rel_tol=1e-6, abs_tol=1e-9):
            raise Wrong(f"slope({w}) returns f({w}) = {got:g}, the function itself; the slope is its derivative.")
        if math.isclose(got, -want, rel_tol=1e-6, abs_tol=1e-9):
            raise Wrong(f"slope({w}) is {got:g}, the right size but the wrong sign.")
        if math.isclose(got, want - 1, rel_tol=1e-6, abs_tol=1e-9):
            raise Wrong(f"slope({w}) is {got:g}, 1 less than it should be: the derivative of the '+ w' term is 1.")
        raise Wrong(f"slope({w}) returns {got:g}, but the derivative of f at {w} is {want:g}.")
    ends = {}
    for what, value, start in (("w_from_right", w_from_right, 2.0), ("w_from_left", w_from_left, -2.0)):
        ends[what] = expect_number(value, what)
        if math.isclose(ends[what], start, abs_tol=1e-9):
            raise Wrong(f"{what} is still the starting point {start}: did the loop update w with w - 0.01 * slope(w)?")
    right, left = ends["w_from_right"], ends["w_from_left"]
    if math.isclose(right, LEFT_MINIMUM, abs_tol=1e-3) and math.isclose(left, RIGHT_MINIMUM, abs_tol=1e-3):
        raise Wrong("The two end points are swapped: gradient descent from w = 2 stays in the right-hand valley.")
    runs = (("w_from_right", right, RIGHT_MINIMUM, 2.0), ("w_from_left", left, LEFT_MINIMUM, -2.0))
    for what, got, want, start in runs:
        if not math.isclose(got, want, abs_tol=1e-3):
            if abs(got) > 10:
                raise Wrong(
                    f"{what} is {got:g}: the run ran away. Use the learning rate 0.01 and w - 0.01 * slope(w), "
                    "with a minus."
                )
            raise Wrong(
                f"{what} is {got:.4f}, but 100 steps of gradient descent with learning rate 0.01 from w = {start} "
                f"end near {want:.4f}. Start each run from its own starting point and take exactly 100 steps."
            )
    return (
        f"From w = 2 you end in the right-hand valley (w ≈ {RIGHT_MINIMUM:.3f}, "
        f"f ≈ {_f_two_valleys(RIGHT_MINIMUM):.2f}); from w = -2 in the left-hand one "
        f"(w ≈ {LEFT_MINIMUM:.3f}, f ≈ {_f_two_valleys(LEFT_MINIMUM):.2f}), the deeper, global minimum. "
        "On a non-convex loss gradient descent finds the bottom of the valley it starts in."
    )


q1 = Question(
    "Question 1 (two valleys)",
    _check_two_valleys,
    [
        "Differentiate term by term: the derivative of w**n is n * w**(n - 1), and the derivative of w is 1.",
        "slope(w) is 4 * w**3 - 6 * w + 1. Each run starts from its own w (2.0 or -2.0) and repeats "
        "w = w - 0.01 * slope(w) 100 times.",
    ],
)


# ---------------------------------------------------------------------------------------------
# Question 2: the largest stable learning rate
# ---------------------------------------------------------------------------------------------

LARGEST_RATE = 2 / 6  # f = 3 w1**2 + 0.5 w2**2: curvatures 6 and 1, GD diverges above 2 / 6
_RATE_ROUNDING = 1e-6


def _check_largest_rate(largest_learning_rate: Any) -> str:
    rate = largest_learning_rate
    value = expect_number(rate, "largest_learning_rate")
    # 2/6 in float32 (0.33333334) or with a rounding error counts as 2/6 itself.
    if LARGEST_RATE + _RATE_ROUNDING < value <= LARGEST_RATE + 0.01:
        raise Wrong(
            f"Just above the limit: at η = {value:g} each step multiplies w1 by 1 - 6η = {1 - 6 * value:.3f}, "
            "which is larger than 1 in size, so w1 grows and the run diverges (slowly). The largest rate that "
            "still converges is a little smaller: work it out exactly from the curvature."
        )
    if LARGEST_RATE - 0.005 <= value <= LARGEST_RATE + _RATE_ROUNDING:
        return (
            "Right: along w1 the curvature is 6, so each step multiplies w1 by 1 - 6η, which grows in size "
            "once η passes 2/6 ≈ 0.333. The steepest direction sets the limit for the whole valley."
        )
    if value <= 0:
        raise Wrong(f"{value:g} is not a learning rate: gradient descent needs a positive one.")
    if abs(value - 2.0) <= 0.02:
        raise Wrong("2 is the limit for w2 (curvature 1), but w1 is steeper: at that rate w1 diverges long before.")
    if abs(value - 1 / 6) <= 0.005:
        raise Wrong(
            "At 1/6 gradient descent puts w1 at the bottom in one step, the best rate for w1. But it still converges, "
            "oscillating, at larger rates: what is the largest?"
        )
    if abs(value - 1.0) <= 0.01:
        raise Wrong(
            "1 would be the best rate for w2 (1 / curvature). Look at the steeper direction, w1, and find where "
            "it diverges."
        )
    if value > LARGEST_RATE:
        raise Wrong(f"At η = {value:g} the run diverges: w1 flips sign and grows every step. Try smaller rates.")
    raise Wrong(f"At η = {value:g} the run still converges, and so do somewhat larger rates. Keep increasing it.")


q2 = Question(
    "Question 2 (largest stable learning rate)",
    _check_largest_rate,
    [
        "Run gradient descent with a few learning rates (say 0.1, 0.2, 0.3, 0.4) and see where the loss stops "
        "shrinking. Or reason it out direction by direction, as the lesson did with 2 / L''.",
        "Along w1 the curvature (second derivative) of 3 * w1**2 is 6; along w2 that of 0.5 * w2**2 is 1. "
        "Each direction diverges above 2 / curvature; the whole run diverges when either does.",
    ],
)


# ---------------------------------------------------------------------------------------------
# Question 3: binary cross-entropy
# ---------------------------------------------------------------------------------------------

_BCE_CASES = (
    (np.array([1.0, 0.0, 1.0, 1.0]), np.array([0.9, 0.2, 0.6, 0.3])),
    (np.array([0.0, 0.0, 1.0]), np.array([0.5, 0.99, 0.999])),
    (np.array([1.0]), np.array([0.25])),
)


def _bce_terms(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def _check_bce(binary_cross_entropy: Any) -> str:
    function = binary_cross_entropy
    expect_callable(function, "binary_cross_entropy")
    takes_args(function, 2, "binary_cross_entropy", "binary_cross_entropy(y_true, p)")
    for y, p in _BCE_CASES:
        try:
            result = _call(function, y.tolist(), p.tolist(), name="binary_cross_entropy")
        except Wrong as error:
            try:
                _call(function, y.copy(), p.copy(), name="binary_cross_entropy")
            except Wrong:
                raise error from None
            raise Wrong(
                "binary_cross_entropy works on NumPy arrays but fails on Python lists such as "
                f"{y.tolist()}: start with y_true, p = np.asarray(y_true, dtype=float), np.asarray(p, dtype=float)."
            ) from None
        terms = _bce_terms(y, p)
        want = float(np.mean(terms))
        if np.ndim(result) > 0 and np.size(result) == len(y) and len(y) > 1:
            array = expect_array(result, "your result")
            if np.allclose(array.ravel(), terms):
                raise Wrong("You return one loss per example; the loss of the batch is their mean (np.mean).")
        got = expect_number(result, f"binary_cross_entropy(y_true={y.tolist()}, p={p.tolist()})")
        if math.isclose(got, want, rel_tol=1e-6):
            continue
        if math.isclose(got, float(np.sum(terms)), rel_tol=1e-6):
            raise Wrong(
                f"You return the sum of the losses ({got:.4f}); take the mean ({want:.4f}) so the loss does not "
                "grow with the batch size."
            )
        if math.isclose(got, -want, rel_tol=1e-6):
            raise Wrong(
                f"Your loss is {got:.4f}, negative: the logs of probabilities are negative, so the formula starts "
                "with a minus sign."
            )
        if math.isclose(got, want / math.log(10), rel_tol=1e-6):
            raise Wrong("Your loss uses the base-10 logarithm; cross-entropy uses the natural log, np.log.")
        only_ones = float(np.mean(-(y * np.log(p))))
        if math.isclose(got, only_ones, rel_tol=1e-6):
            raise Wrong("Examples with label 0 add nothing to your loss: add the (1 - y) * log(1 - p) term.")
        raise Wrong(
            f"For y_true = {y.tolist()} and p = {p.tolist()} the binary cross-entropy is {want:.4f}, but yours gives "
            f"{got:.4f}."
        )
    return "Your binary cross-entropy matches the formula (and Keras' BinaryCrossentropy) on every test batch."


q3 = Question(
    "Question 3 (binary cross-entropy)",
    _check_bce,
    [
        "For one example the loss is -(y * log(p) + (1 - y) * log(1 - p)); the batch loss is the mean over examples.",
        "With NumPy arrays: -np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)).",
    ],
)


# ---------------------------------------------------------------------------------------------
# Question 4: iterations in a training run
# ---------------------------------------------------------------------------------------------

_ITERATION_CASES = ((1437, 32, 20), (1437, 100, 15), (1000, 100, 3), (10, 1, 2), (50, 64, 4))


def _check_iterations(n_iterations: Any) -> str:
    function = n_iterations
    expect_callable(function, "n_iterations")
    takes_args(function, 3, "n_iterations", "n_iterations(n_examples, batch_size, epochs)")
    for n, batch, epochs in _ITERATION_CASES:
        result = _call(function, n, batch, epochs, name="n_iterations")
        got = expect_number(result, f"n_iterations({n}, {batch}, {epochs})")
        want = math.ceil(n / batch) * epochs
        if got == want:
            continue
        where = f"n_iterations({n}, {batch}, {epochs})"
        if not float(got).is_integer():
            raise Wrong(f"{where} is {got:g}, not a whole number: a run takes whole steps, one per batch.")
        if got == (n // batch) * epochs:
            raise Wrong(
                f"{where} is {got:g}, but the last, smaller batch of each epoch is a step too "
                f"({n} examples make {math.ceil(n / batch)} batches of at most {batch})."
            )
        if got == math.ceil(n / batch):
            raise Wrong(f"{where} is {got:g}, the number of steps in one epoch: multiply by the {epochs} epochs.")
        raise Wrong(
            f"{where} should be {want} ({math.ceil(n / batch)} batches per epoch times {epochs} epochs), not {got:g}."
        )
    return (
        "Right: batches per epoch (rounded up) times epochs. Keras shows the batches per epoch as 'n/n' in its "
        "progress bar."
    )


q4 = Question(
    "Question 4 (counting iterations)",
    _check_iterations,
    [
        "One iteration is one batch. How many batches does one epoch of n examples make, if the last batch may "
        "be smaller?",
        "math.ceil(n_examples / batch_size) batches per epoch, times the number of epochs.",
    ],
)


# ---------------------------------------------------------------------------------------------
# Question 5: one Adam update
# ---------------------------------------------------------------------------------------------


def _adam_reference(
    w: np.ndarray,
    g: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    t: int,
    learning_rate: float = 0.1,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - learning_rate * m_hat / (np.sqrt(v_hat) + eps), m, v


def _adam_gradient(w: np.ndarray) -> np.ndarray:
    return np.array([0.02 * w[0], 2 * w[1]])  # the lesson's valley 0.01 w1**2 + w2**2


def _check_adam(adam_update: Any) -> str:
    function = adam_update
    expect_callable(function, "adam_update")
    takes_args(function, 5, "adam_update", "adam_update(w, g, m, v, t)")
    w, m, v = np.array([-9.0, 2.0]), np.zeros(2), np.zeros(2)
    for t in range(1, 6):
        g = _adam_gradient(w)
        result = _call(function, w.copy(), g.copy(), m.copy(), v.copy(), t, name="adam_update")
        if not isinstance(result, (tuple, list)) or len(result) != 3:
            raise Wrong(
                "adam_update should return three things, the new w, m and v (return w, m, v); it returned "
                f"{describe(result)}."
            )
        got_w, got_m, got_v = (
            expect_array(item, f"the returned {name}", shape=(2,)) for item, name in zip(result, "wmv")
        )
        want_w, want_m, want_v = _adam_reference(w, g, m, v, t)
        expected = (want_w, want_m, want_v)
        if not all(np.allclose(a, b, rtol=1e-6, atol=1e-9) for a, b in zip((got_w, got_m, got_v), expected)):
            for order in ((0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)):
                shuffled = [(got_w, got_m, got_v)[i] for i in order]
                if all(np.allclose(a, b, rtol=1e-6, atol=1e-9) for a, b in zip(shuffled, expected)):
                    names = ", ".join("wmv"[order.index(i)] for i in range(3))
                    raise Wrong(f"The values are right but come back in the order {names}: return w, m, v.")
        m_hat, v_hat = want_m / (1 - 0.9**t), want_v / (1 - 0.999**t)
        if np.allclose(got_m, m_hat, rtol=1e-6) and np.allclose(got_v, v_hat, rtol=1e-6):
            raise Wrong(
                "You return the bias-corrected m_hat and v_hat as the new m and v. Return the running averages m "
                "and v themselves; the correction is only for computing this step."
            )
        if not np.allclose(got_m, want_m, rtol=1e-6, atol=1e-12):
            if np.allclose(got_m, 0.9 * m + g):
                raise Wrong(
                    "Your m is beta1 * m + g, momentum's velocity; Adam's m is an average: beta1 * m + (1 - beta1) * g."
                )
            raise Wrong(
                f"At step {t} the new m should be beta1 * m + (1 - beta1) * g = {np.round(want_m, 6)}, not "
                f"{np.round(got_m, 6)}."
            )
        if not np.allclose(got_v, want_v, rtol=1e-6, atol=1e-12):
            if np.allclose(got_v, 0.999 * v + 0.001 * g):
                raise Wrong("Your v averages the gradient itself; it should average the squared gradient, g ** 2.")
            raise Wrong(f"At step {t} the new v should be beta2 * v + (1 - beta2) * g**2 = {want_v}, not {got_v}.")
        if not np.allclose(got_w, want_w, rtol=1e-6, atol=1e-9):
            moved, wanted = got_w - w, want_w - w
            if np.allclose(moved, -wanted, rtol=1e-6):
                raise Wrong("Your step goes uphill: subtract the update from w.")
            no_correction = w - 0.1 * want_m / (np.sqrt(want_v) + 1e-8)
            if np.allclose(got_w, no_correction, rtol=1e-6):
                raise Wrong(
                    f"At step {t} your weights moved by {np.round(np.abs(moved), 4)} instead of about "
                    f"{np.round(np.abs(wanted), 4)}: divide m by (1 - beta1**t) and v by (1 - beta2**t), the bias "
                    "correction."
                )
            no_sqrt = w - 0.1 * (want_m / (1 - 0.9**t)) / (want_v / (1 - 0.999**t) + 1e-8)
            if np.allclose(got_w, no_sqrt, rtol=1e-6):
                raise Wrong("Divide by the square root of v_hat (np.sqrt), not by v_hat itself.")
            raise Wrong(f"At step {t} the new w should be {np.round(want_w, 6)}, but yours is {np.round(got_w, 6)}.")
        w, m, v = want_w, want_m, want_v
    return (
        "Your Adam matches the reference for five steps. Note how its first step moved each weight by almost "
        "exactly the learning rate."
    )


q5 = Question(
    "Question 5 (an Adam update)",
    _check_adam,
    [
        "Follow the lesson's formulas: update m and v first, then compute the bias-corrected m_hat and v_hat, "
        "then move w.",
        "m = beta1 * m + (1 - beta1) * g; v = beta2 * v + (1 - beta2) * g**2; m_hat = m / (1 - beta1**t); "
        "v_hat = v / (1 - beta2**t); w = w - learning_rate * m_hat / (np.sqrt(v_hat) + eps).",
    ],
)


# ---------------------------------------------------------------------------------------------
# Question 6: a backward pass of your own
# ---------------------------------------------------------------------------------------------

_PARAM_SHAPES = {"W1": (3, 4), "b1": (4,), "W2": (4, 1), "b2": (1,)}


def _regression_problem(seed: int = 7) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    params = {name: rng.normal(0, 1, size=shape) for name, shape in _PARAM_SHAPES.items()}
    X = rng.normal(0, 1, size=(6, 3))
    y = rng.normal(0, 1, size=(6, 1))
    return params, X, y


def _regression_loss(params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray) -> float:
    h = 1 / (1 + np.exp(-(X @ params["W1"] + params["b1"])))
    y_hat = h @ params["W2"] + params["b2"]
    return float(np.mean((y_hat - y) ** 2))


def _reference_gradients(params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """Gradients by finite differences, independent of any backward pass."""
    gradients = {}
    for name in params:

        def loss_of(value: np.ndarray, name: str = name) -> float:
            return _regression_loss({**params, name: value}, X, y)

        gradients[name] = numerical_gradient(loss_of, params[name])
    return gradients


def _check_backward(backward_regression: Any) -> str:
    function = backward_regression
    expect_callable(function, "backward_regression")
    takes_args(function, 3, "backward_regression", "backward_regression(params, X, y)")
    params, X, y = _regression_problem()
    result = _call(function, {k: v.copy() for k, v in params.items()}, X.copy(), y.copy(), name="backward_regression")
    if not isinstance(result, dict):
        raise Wrong(
            'backward_regression should return a dict {"W1": ..., "b1": ..., "W2": ..., "b2": ...}; '
            f"it returned {describe(result)}."
        )
    missing = [name for name in _PARAM_SHAPES if name not in result]
    if missing and result:
        found = ", ".join(repr(key) for key in list(result)[:6])
        raise Wrong(
            f"The dict you return has the keys {found}, but no gradient for {', '.join(missing)}: name each gradient "
            'as its parameter is named in params, "W1", "b1", "W2", "b2".'
        )
    if missing:
        raise Wrong(
            f"The dict you return has no gradient for {', '.join(missing)}: return one for each of W1, b1, W2, b2."
        )
    got = {}
    for name, shape in _PARAM_SHAPES.items():
        value = result[name]
        if value is not None and np.shape(value) == tuple(reversed(shape)) and len(shape) == 2:
            raise Wrong(
                f"The gradient for {name} has shape {np.shape(value)}, transposed: it must have the shape of "
                f"{name}, {shape}. "
                "Check the order of the matrix product (inputs transposed on the left)."
            )
        if name.startswith("b") and value is not None and np.size(value) == int(np.prod(shape)) and np.ndim(value) <= 2:
            # A bias gradient as (1, 4) (keepdims=True) or as a plain number for b2 updates the bias just as well.
            value = np.reshape(np.asarray(value, dtype=float), shape)
        got[name] = expect_array(value, f"the gradient for {name}", shape=shape)
    want = _reference_gradients(params, X, y)
    close = {name: np.allclose(got[name], want[name], rtol=1e-4, atol=1e-7) for name in _PARAM_SHAPES}
    if all(close.values()):
        return "Your backward pass agrees with finite differences for every weight and bias."
    ratios = {name: float(np.sum(got[name] * want[name]) / np.sum(want[name] ** 2)) for name in _PARAM_SHAPES}
    wrong = [name for name, ok in close.items() if not ok]
    if all(math.isclose(r, -1.0, rel_tol=1e-3) for r in ratios.values()):
        raise Wrong(
            "Your gradients point the wrong way (every sign flipped): the derivative of (y_hat - y)**2 is 2 * "
            "(y_hat - y)."
        )
    if all(math.isclose(r, 0.5, rel_tol=1e-3) for r in ratios.values()):
        raise Wrong(
            "Every gradient is half the right size: the derivative of (y_hat - y)**2 is 2 * (y_hat - y), with the 2."
        )
    if all(math.isclose(r, len(X), rel_tol=1e-3) for r in ratios.values()):
        raise Wrong(f"Every gradient is {len(X)} times too large, the batch size: the loss is a mean, so divide by n.")
    if all(math.isclose(r, len(X) / 2, rel_tol=1e-3) for r in ratios.values()):
        raise Wrong(
            "Every gradient is off by a factor n / 2: the derivative of the mean of (y_hat - y)**2 is 2 * (y_hat "
            "- y) / n."
        )
    if close["W2"] and close["b2"]:
        raise Wrong(
            f"The output layer (W2, b2) is right but {', '.join(wrong)} is not: check the step back through the "
            "sigmoid. "
            "Its derivative is sigmoid(z) * (1 - sigmoid(z)) = h * (1 - h), not the tanh one."
        )
    raise Wrong(
        f"The gradients for {', '.join(wrong)} differ from finite-difference estimates; start from d_y_hat and "
        "work back one node at a time."
    )


q6 = Question(
    "Question 6 (a backward pass)",
    _check_backward,
    [
        "Go backwards one node at a time: first d_y_hat = dL/dy_hat, then W2 and b2, then back through the "
        "weighted sum to h, then through the sigmoid to z1, then W1 and b1. Each gradient has its parameter's shape.",
        "d_y_hat = 2 * (y_hat - y) / n; d_W2 = h.T @ d_y_hat; d_b2 = d_y_hat.sum(axis=0); d_h = d_y_hat @ W2.T; "
        "d_z1 = d_h * h * (1 - h); d_W1 = X.T @ d_z1; d_b1 = d_z1.sum(axis=0).",
    ],
)
