"""Compare regularised variants of one binary classifier: scores, a results table, weight sizes.

Lesson 4 trains the same network several ways (no regularisation, L2 penalties, dropout, early
stopping) and compares them. The scores here are computed from ``model.predict``, so they are
what the model does at inference time: dropout is off, and the loss is the plain binary
cross-entropy **without** any weight penalty. (``model.evaluate`` adds the penalties of
``kernel_regularizer`` to its loss, which would make a penalised model look worse than it
predicts.)

Any object with a Keras-style ``predict(X, verbose=0)`` that returns one probability per
example works; weights are read through the public ``layer.kernel`` of each layer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from nncourse.errors import CourseError, describe
from nncourse.plots import PALETTE

__all__ = [
    "EPSILON",
    "binary_scores",
    "results_table",
    "plot_results",
    "kernel_weights",
    "plot_weight_histograms",
    "summarise_history",
]

#: Probabilities are clipped to [EPSILON, 1 - EPSILON] before taking logs, as Keras does.
EPSILON = 1e-7

_COLUMNS = ("train accuracy", "test accuracy", "train loss", "test loss")


def _probabilities(model: Any, X: np.ndarray, n: int) -> np.ndarray:
    """The model's probability of class 1 for each row of X, as a flat float array."""
    if model is None or not callable(getattr(model, "predict", None)):
        raise CourseError(
            f"Expected a trained Keras model (something with .predict), got {describe(model)}. "
            "Pass the model itself, not what fit() returned."
        )
    try:
        raw = model.predict(X, verbose=0)
    except TypeError:  # a predict without Keras' verbose argument
        raw = model.predict(X)
    probs = np.asarray(raw, dtype=float)
    if probs.ndim == 2 and probs.shape[1] == 1:
        probs = probs[:, 0]
    if probs.ndim != 1 or len(probs) != n:
        raise CourseError(
            f"The model's predictions have shape {probs.shape}, but one probability per example, shape ({n},) or "
            f"({n}, 1), was expected. These helpers compare binary classifiers with one sigmoid output."
        )
    if not np.all(np.isfinite(probs)) or probs.min() < 0 or probs.max() > 1:
        raise CourseError(
            'The model\'s outputs are not probabilities between 0 and 1: does its last layer use activation="sigmoid"?'
        )
    return probs


def binary_scores(model: Any, X: Any, y: Any) -> dict[str, float]:
    """Accuracy and binary cross-entropy of a one-output classifier on ``(X, y)``.

    Args:
        model: a trained model whose ``predict`` returns P(class 1) per example, shape (n,) or (n, 1).
        X: the inputs, shape (n, features).
        y: the 0/1 labels, shape (n,) or (n, 1).

    Returns:
        ``{"accuracy": ..., "loss": ...}``: the share of examples whose probability falls on the
        right side of 0.5, and the mean cross-entropy without any weight penalty.
    """
    labels = np.asarray(y, dtype=float).ravel()
    if labels.size == 0:
        raise CourseError("There are no examples to score (y is empty).")
    if not np.all((labels == 0) | (labels == 1)):
        raise CourseError(f"The labels must be 0 or 1; got values {np.unique(labels)[:6]}.")
    inputs = np.asarray(X)
    if len(inputs) != len(labels):
        raise CourseError(
            f"X has {len(inputs)} rows but y has {len(labels)} labels: they must describe the same examples."
        )
    probs = _probabilities(model, inputs, len(labels))
    clipped = np.clip(probs, EPSILON, 1 - EPSILON)
    loss = -np.mean(labels * np.log(clipped) + (1 - labels) * np.log(1 - clipped))
    accuracy = np.mean((probs > 0.5) == (labels == 1))
    return {"accuracy": float(accuracy), "loss": float(loss)}


def _epochs(history: Any) -> int:
    data = getattr(history, "history", history)
    if not isinstance(data, Mapping) or not data:
        raise CourseError(f"Expected what fit() returned (a History), got {describe(history)}.")
    return len(next(iter(data.values())))


def results_table(
    models: Mapping[str, Any],
    train: tuple[Any, Any],
    test: tuple[Any, Any],
    histories: Mapping[str, Any] | None = None,
):
    """One row per model: accuracy and loss (cross-entropy, no penalty) on training and test data.

    Args:
        models: a dict from a variant's name to its trained model, in the order of the rows.
        train: ``(X_train, y_train)``.
        test: ``(X_test, y_test)``.
        histories: optionally, a dict from the same names to what ``fit`` returned; adds a column
            ``epochs`` with the number of epochs each model was trained for.

    Returns:
        A pandas DataFrame indexed by variant, with columns ``train accuracy``, ``test accuracy``,
        ``train loss``, ``test loss`` (and ``epochs``).
    """
    import pandas as pd

    if not isinstance(models, Mapping) or not models:
        raise CourseError(
            'results_table takes a dict from a name to a trained model, e.g. {"baseline": model_a, "L2": model_b}; '
            f"got {describe(models)}."
        )
    for name, part in (("train", train), ("test", test)):
        if not isinstance(part, (tuple, list)) or len(part) != 2:
            raise CourseError(
                f"{name} should be a pair (X, y), e.g. {name}=(X_{name}, y_{name}); got {describe(part)}."
            )
    if histories is not None:
        missing = [name for name in models if name not in histories]
        if missing:
            raise CourseError(
                f"No history for {', '.join(map(repr, missing))}: give one per model, under the same name."
            )
    rows = {}
    for name, model in models.items():
        try:
            on_train = binary_scores(model, *train)
            on_test = binary_scores(model, *test)
        except CourseError as error:
            raise CourseError(f"{name!r}: {error}") from None
        row = {
            "train accuracy": on_train["accuracy"],
            "test accuracy": on_test["accuracy"],
            "train loss": on_train["loss"],
            "test loss": on_test["loss"],
        }
        if histories is not None:
            row["epochs"] = _epochs(histories[name])
        rows[name] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "variant"
    return table


def plot_results(table: Any, title: str | None = None):
    """Draw a results table as two dot plots, accuracy and loss, training and test side by side.

    Each variant is one row; a line joins its training and test value, so the length of the line
    is the gap between them, the visible size of the overfitting.

    Args:
        table: what :func:`results_table` returned (or any DataFrame with its four columns).
        title: a title over the figure.

    Returns:
        The matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    columns = getattr(table, "columns", None)
    if columns is None or any(column not in columns for column in _COLUMNS):
        raise CourseError(
            f"plot_results takes the DataFrame that results_table returns, with columns {list(_COLUMNS)}; "
            f"got {describe(table)}."
        )
    names = [str(name) for name in table.index]
    rows = np.arange(len(names))[::-1]
    fig, axes = plt.subplots(1, 2, figsize=(10, 0.45 * len(names) + 1.6), sharey=True)
    for ax, metric in zip(axes, ("accuracy", "loss")):
        train_values = table[f"train {metric}"].to_numpy(dtype=float)
        test_values = table[f"test {metric}"].to_numpy(dtype=float)
        ax.hlines(rows, train_values, test_values, color="grey", lw=1.5, alpha=0.6)
        ax.plot(train_values, rows, "o", color=PALETTE[0], label="training")
        ax.plot(test_values, rows, "D", color=PALETTE[1], label="test")
        ax.set_yticks(rows, names)
        ax.set_xlabel(metric if metric == "accuracy" else "loss (cross-entropy, no penalty)")
        ax.set_title(f"{metric.capitalize()}: training and test")
        ax.grid(alpha=0.3)
    axes[0].legend(loc="lower left", fontsize="small")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def kernel_weights(model: Any) -> np.ndarray:
    """All connection weights (the kernels of Dense and similar layers) of a model, in one flat array.

    Biases are left out: weight penalties such as ``kernel_regularizer`` act on kernels only.
    """
    layers = getattr(model, "layers", None)
    if layers is None:
        raise CourseError(f"Expected a Keras model, got {describe(model)}.")
    kernels = [np.asarray(layer.kernel).ravel() for layer in layers if getattr(layer, "kernel", None) is not None]
    if not kernels:
        raise CourseError(
            "This model has no layer with weights yet: give it a keras.Input(shape=...) first layer, or call it on data."
        )
    return np.concatenate(kernels).astype(float)


def plot_weight_histograms(
    models: Mapping[str, Any],
    limit: float = 0.3,
    bins: int = 60,
    near_zero: float = 1e-3,
    logy: bool = True,
):
    """Histograms of the kernel weights of several models, one panel each, on shared axes.

    Weights beyond ``±limit`` are counted in the outermost bins, so no weight is hidden. Each
    panel's title gives the share of weights smaller than ``near_zero`` in size.

    Args:
        models: a dict from a name to a model.
        limit: the x axis runs from ``-limit`` to ``limit``.
        bins: the number of bins.
        near_zero: the size below which a weight counts as "practically zero" in the title.
        logy: a logarithmic count axis, so the tails stay visible next to the peak.

    Returns:
        The matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    if not isinstance(models, Mapping) or not models:
        raise CourseError(
            f'plot_weight_histograms takes a dict from a name to a model, e.g. {{"no penalty": model}}; got {describe(models)}.'
        )
    if not limit > 0 or bins < 1:
        raise CourseError(f"limit must be above 0 and bins at least 1; got limit={limit!r}, bins={bins!r}.")
    edges = np.linspace(-limit, limit, bins + 1)
    fig, axes = plt.subplots(1, len(models), figsize=(3.6 * len(models), 3.2), sharex=True, sharey=True, squeeze=False)
    for index, (ax, (name, model)) in enumerate(zip(axes[0], models.items())):
        weights = kernel_weights(model)
        ax.hist(np.clip(weights, -limit, limit), bins=edges, color=PALETTE[index % len(PALETTE)])
        share = np.mean(np.abs(weights) < near_zero)
        ax.set_title(f"{name}\n{share:.0%} of weights below {near_zero:g} in size", fontsize="medium")
        ax.set_xlabel("weight")
        if logy:
            ax.set_yscale("log")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("number of weights" + (" (log scale)" if logy else ""))
    fig.tight_layout()
    return fig


def summarise_history(history: Any, metric: str = "loss") -> str:
    """One line on a training run: where the validation curve of ``metric`` bottoms out, and where it ends.

    Args:
        history: what ``fit`` returned (with validation data), or its ``.history`` dict.
        metric: a metric where lower is better, e.g. ``"loss"``; its ``val_`` curve must be in the history.

    Returns:
        A sentence such as ``"val_loss lowest at epoch 10 (0.058); after epoch 60: val_loss 0.097, loss 0.000"``.
    """
    data = getattr(history, "history", history)
    if not isinstance(data, Mapping) or not data:
        raise CourseError(f"Expected what fit() returned (a History), got {describe(history)}.")
    if f"val_{metric}" not in data or metric not in data:
        raise CourseError(
            f"This history has no {metric!r} with a 'val_{metric}' curve; it has {sorted(data)}. "
            "Train with validation_data=... and name a metric given to compile."
        )
    validation = np.asarray(data[f"val_{metric}"], dtype=float)
    training = np.asarray(data[metric], dtype=float)
    best = int(np.argmin(validation))
    return (
        f"val_{metric} lowest at epoch {best + 1} ({validation[best]:.3f}); "
        f"after epoch {len(validation)}: val_{metric} {validation[-1]:.3f}, {metric} {training[-1]:.3f}"
    )
