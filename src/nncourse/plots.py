"""Plots the lessons draw again and again: training curves, image grids, confusion matrices.

Colours come from the Okabe-Ito palette, which readers with colour-vision deficiencies can
tell apart. Every function returns the matplotlib ``Figure`` it drew on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from nncourse.errors import CourseError, describe

__all__ = ["PALETTE", "history_dict", "plot_history", "compare_histories", "show_images", "plot_confusion_matrix"]

#: Okabe-Ito colours (blue, orange, bluish green, vermillion, reddish purple, sky blue, yellow, black).
PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")


def history_dict(history: Any) -> dict[str, list[float]]:
    """Return the metrics dict of a Keras ``History`` (its ``.history``) or of a plain dict.

    Raises :class:`CourseError` for anything else, e.g. the model instead of what ``fit`` returned.
    """
    data = getattr(history, "history", history)
    if not isinstance(data, Mapping):
        raise CourseError(
            f"Expected what model.fit(...) returns (a History) or its .history dict, got {describe(history)}. "
            "Keep the result of fit, e.g. history = model.fit(...), and pass history."
        )
    if not data:
        raise CourseError("This history is empty: was the model trained for at least one epoch?")
    return {str(key): [float(v) for v in values] for key, values in data.items()}


def _metric_names(data: Mapping[str, Sequence[float]], metrics: Sequence[str] | None) -> list[str]:
    base = [key for key in data if not key.startswith("val_") and key not in ("learning_rate", "lr")]
    if metrics is None:
        return base or [key.removeprefix("val_") for key in data]
    if isinstance(metrics, str):
        metrics = [metrics]
    known = sorted(set(base) | {key.removeprefix("val_") for key in data})
    missing = [m for m in metrics if m not in data and f"val_{m}" not in data]
    if missing:
        raise CourseError(
            f"No metric named {', '.join(map(repr, missing))} in this history; it has {known}. "
            'Metrics are the names given to compile(metrics=[...]), e.g. "accuracy", plus "loss".'
        )
    return list(metrics)


def plot_history(
    history: Any,
    metrics: Sequence[str] | str | None = None,
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
):
    """Plot training curves: one panel per metric, training and validation on shared axes.

    As in :func:`compare_histories`, training curves are dashed and validation curves solid.

    Args:
        history: what ``model.fit`` returned, or its ``.history`` dict.
        metrics: which metrics to draw, e.g. ``["loss", "accuracy"]`` (default: all of them).
        title: a title over the whole figure.
        figsize: the figure size in inches (default: 4.5 wide per panel).

    Returns:
        The matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    data = history_dict(history)
    names = _metric_names(data, metrics)
    fig, axes = plt.subplots(1, len(names), figsize=figsize or (4.5 * len(names), 3.4), squeeze=False)
    for ax, name in zip(axes[0], names):
        for key, label, colour, style in (
            (name, "training", PALETTE[0], "--"),
            (f"val_{name}", "validation", PALETTE[1], "-"),
        ):
            if key in data:
                values = data[key]
                ax.plot(
                    range(1, len(values) + 1),
                    values,
                    style,
                    color=colour,
                    label=label,
                    marker="." if len(values) < 30 else None,
                )
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.set_title(name)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def compare_histories(
    histories: Mapping[str, Any],
    metric: str = "loss",
    validation: bool = True,
    title: str | None = None,
    ax: Any = None,
    logy: bool = False,
):
    """Compare several training runs on one metric: one colour per run.

    Validation curves are solid and training curves dashed, in the same colour.

    Args:
        histories: a dict from a run's name (shown in the legend) to its History or dict.
        metric: the metric to compare, e.g. ``"loss"`` or ``"accuracy"``.
        validation: also draw the validation curve of each run when it has one.
        title: the axes title (default: the metric).
        ax: matplotlib axes to draw on (default: a new figure).
        logy: a logarithmic y axis, for losses that span orders of magnitude.

    Returns:
        The matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    if not isinstance(histories, Mapping) or not histories:
        raise CourseError(
            "compare_histories takes a dict from a name to a History, "
            f'e.g. {{"relu": history_relu, "sigmoid": history_sigmoid}}; got {describe(histories)}.'
        )
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.5, 4))
    else:
        fig = ax.figure
    for index, (name, history) in enumerate(histories.items()):
        data = history_dict(history)
        _metric_names(data, [metric])
        colour = PALETTE[index % len(PALETTE)]
        if metric in data:
            values = data[metric]
            ax.plot(range(1, len(values) + 1), values, "--", color=colour, alpha=0.8, label=f"{name} (training)")
        if validation and f"val_{metric}" in data:
            values = data[f"val_{metric}"]
            ax.plot(range(1, len(values) + 1), values, "-", color=colour, label=f"{name} (validation)")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    if logy:
        ax.set_yscale("log")
    ax.set_title(title or metric)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def _as_image_stack(images: Any) -> np.ndarray:
    try:
        array = np.asarray(images)
    except Exception:  # noqa: BLE001
        raise CourseError(f"Expected images as an array, got {describe(images)}.") from None
    if array.dtype == object or not np.issubdtype(array.dtype, np.number):
        raise CourseError(f"Expected numeric image data, got {describe(images)}.")
    if array.ndim == 2:
        side = math.isqrt(array.shape[1])
        if side * side != array.shape[1]:
            raise CourseError(
                f"Got {describe(images)}: a 2-D array is read as one flattened image per row, but "
                f"{array.shape[1]} pixels do not make a square. Reshape to (n, height, width) first."
            )
        array = array.reshape(len(array), side, side)
    elif array.ndim == 4 and array.shape[-1] == 1:
        array = array[..., 0]
    elif not (array.ndim == 3 or (array.ndim == 4 and array.shape[-1] in (3, 4))):
        raise CourseError(
            f"Expected a stack of images: (n, height, width), (n, height, width, 1 or 3), or "
            f"(n, pixels) for flattened square images; got {describe(images)}. "
            "For a single image, wrap it: show_images([image])."
        )
    return array


def show_images(
    images: Any,
    labels: Sequence[Any] | None = None,
    ncols: int = 10,
    cmap: str = "gray_r",
    title: str | None = None,
    size: float = 1.2,
    class_names: Sequence[str] | None = None,
    symmetric: bool = False,
):
    """Show images in a grid, with an optional label under each.

    Args:
        images: (n, height, width), (n, height, width, channels), or (n, pixels) for
            flattened square images such as digits rows of 64 values.
        labels: one label per image (e.g. the targets, or "true/predicted" strings).
        ncols: images per row.
        cmap: colour map for grey images; ``"gray_r"`` draws ink dark on white.
        title: a title over the grid.
        size: inches per image.
        class_names: when given, integer labels are shown as these names.
        symmetric: for signed values such as weights: a diverging colour map centred on 0
            (blue negative, red positive), the same scale for every image.

    Returns:
        The matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    stack = _as_image_stack(images)
    count = len(stack)
    if count == 0:
        raise CourseError("There are no images to show (the array is empty).")
    if labels is not None:
        labels = list(np.asarray(labels).ravel()) if not isinstance(labels, (list, tuple)) else list(labels)
        if len(labels) != count:
            raise CourseError(f"Got {count} images but {len(labels)} labels: give one label per image.")
        if class_names is not None:
            labels = [class_names[int(label)] if isinstance(label, (int, np.integer)) else label for label in labels]
    if isinstance(ncols, bool) or not isinstance(ncols, (int, np.integer)) or ncols < 1:
        raise CourseError(f"ncols must be a whole number of at least 1, got {ncols!r}.")
    ncols = int(min(ncols, count))
    nrows = math.ceil(count / ncols)
    label_room = 0.35 if labels is not None else 0.0
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(ncols * size, nrows * (size + label_room) + (0.4 if title else 0)), squeeze=False
    )
    limits = {}
    if symmetric:
        bound = float(np.abs(stack).max()) or 1.0
        limits = {"vmin": -bound, "vmax": bound}
        cmap = "RdBu_r"
    for index, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if index >= count:
            continue
        ax.imshow(stack[index], cmap=cmap if stack.ndim == 3 else None, interpolation="nearest", **limits)
        if labels is not None:
            ax.set_title(str(labels[index]), fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_confusion_matrix(
    y_true: Any,
    y_pred: Any,
    class_names: Sequence[str] | None = None,
    normalize: str | None = None,
    title: str | None = None,
    ax: Any = None,
):
    """Draw the confusion matrix of true against predicted classes.

    Args:
        y_true: the true class of each example (integers).
        y_pred: the predicted classes, or the model's probabilities of shape
            (n, n_classes), in which case the most likely class is used.
        class_names: names for the classes, in class order.
        normalize: ``None`` for counts, ``"true"`` for the share of each true class.
        title: the axes title.
        ax: matplotlib axes to draw on (default: a new figure).

    Returns:
        The matplotlib Figure.
    """
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay

    true = np.asarray(y_true)
    pred = np.asarray(y_pred)
    if true.ndim == 2 and true.shape[1] > 1:
        true = true.argmax(axis=1)
    if pred.ndim == 2 and pred.shape[1] > 1:
        pred = pred.argmax(axis=1)
    true, pred = true.ravel(), pred.ravel()
    if len(true) != len(pred):
        raise CourseError(
            f"y_true has {len(true)} labels but y_pred has {len(pred)}: they must describe the same examples."
        )
    if normalize not in (None, "true", "pred", "all"):
        raise CourseError(f'normalize must be None, "true", "pred" or "all", not {normalize!r}.')
    n_classes = int(max(true.max(initial=0), pred.max(initial=0))) + 1
    labels = list(range(n_classes if class_names is None else max(n_classes, len(class_names))))
    if class_names is not None and len(class_names) < n_classes:
        raise CourseError(f"Got {len(class_names)} class names for {n_classes} classes: give one name per class.")
    if ax is None:
        side = 3.2 + 0.45 * len(labels)
        fig, ax = plt.subplots(figsize=(side, side * 0.9))
    else:
        fig = ax.figure
    display = ConfusionMatrixDisplay.from_predictions(
        true,
        pred,
        labels=labels,
        display_labels=list(class_names) if class_names is not None else None,
        normalize=normalize,
        cmap="Blues",
        colorbar=False,
        values_format=".2f" if normalize else "d",
        xticks_rotation=45 if class_names is not None else "horizontal",
        ax=ax,
    )
    display.ax_.set_title(
        title or ("Confusion matrix" + (" (share of each true class)" if normalize == "true" else ""))
    )
    fig.tight_layout()
    return fig
