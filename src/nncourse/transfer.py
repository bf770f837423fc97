"""Helpers for transfer learning (lesson 6): few labels per class, feeding small grey images to
an ImageNet network, running a frozen base once, unfreezing the top of a base for fine-tuning,
and the two figures of the lesson.

Nothing here downloads anything: the pretrained network itself comes from
:mod:`nncourse.imagenet` (or ``keras.applications`` when online).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from nncourse.errors import CourseError, describe

__all__ = [
    "sample_per_class",
    "to_rgb",
    "extract_features",
    "unfreeze_top",
    "trainable_layer_names",
    "plot_label_efficiency",
    "plot_top_predictions",
]


def sample_per_class(labels: Any, n_per_class: int, seed: int = 0, classes: Sequence[int] | None = None) -> np.ndarray:
    """Pick ``n_per_class`` examples of each class at random, as a small labelled training set.

    Args:
        labels: one integer label per example, shape (n,).
        n_per_class: how many examples of each class to keep (at least 1).
        seed: seed of the draw, so every reader gets the same examples. With the same seed, a
            larger ``n_per_class`` keeps the examples of a smaller one and adds to them.
        classes: the classes to sample from; by default every class present in ``labels``.

    Returns:
        Sorted integer indices into ``labels``, ``n_per_class`` for each class.
    """
    y = np.asarray(labels)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise CourseError(f"labels should be a 1-D array of whole-number class labels, got {describe(labels)}.")
    if isinstance(n_per_class, bool) or not isinstance(n_per_class, (int, np.integer)) or n_per_class < 1:
        raise CourseError(f"n_per_class must be a whole number of at least 1, got {n_per_class!r}.")
    rng = np.random.default_rng(seed)
    chosen = []
    for label in sorted(set(y.tolist())) if classes is None else classes:
        where = np.flatnonzero(y == label)
        if len(where) < n_per_class:
            raise CourseError(f"Class {label} has only {len(where)} examples; cannot pick {n_per_class}.")
        chosen.append(rng.permutation(where)[:n_per_class])
    return np.sort(np.concatenate(chosen))


def to_rgb(images: Any, size: int) -> np.ndarray:
    """Turn grey images into the colour images an ImageNet network takes.

    Args:
        images: grey images with values 0-255, shape (n, height, width) or (n, height, width, 1).
        size: the side of the square output, in pixels (ImageNet networks accept 32 or more).

    Returns:
        float32 array (n, size, size, 3), values 0-255: each image resized (bilinear) and its grey
        channel repeated as red, green and blue. Apply the model's ``preprocess_input`` next.
    """
    array = np.asarray(images, dtype="float32")
    if array.ndim == 4 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim != 3:
        raise CourseError(f"Expected grey images of shape (n, height, width), got {describe(images)}.")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise CourseError(f"size must be a whole number of pixels, e.g. 96; got {size!r}.")
    from keras import ops

    resized = ops.convert_to_numpy(ops.image.resize(array[..., None], (int(size), int(size)), interpolation="bilinear"))
    return np.repeat(np.clip(resized, 0, 255).astype("float32"), 3, axis=-1)


def extract_features(base: Any, images: Any, batch_size: int = 128, preprocess: Any = None) -> np.ndarray:
    """Run a (frozen) base once over images and return what it outputs, as a NumPy array.

    Args:
        base: a Keras model, e.g. an ImageNet network built with ``include_top=False, pooling="avg"``.
        images: an array the base accepts, shape (n, height, width, channels).
        batch_size: images per forward pass; memory, not results, depends on it.
        preprocess: a function applied to each batch before the base (e.g. ``preprocess_input``).

    Returns:
        float32 array with one row of features per image, e.g. (n, 1280).
    """
    array = np.asarray(images)
    if array.ndim != 4:
        raise CourseError(f"Expected a batch of images (n, height, width, channels), got {describe(images)}.")
    from keras import ops

    parts = []
    for start in range(0, len(array), batch_size):
        batch = array[start : start + batch_size].astype("float32")
        if preprocess is not None:
            batch = preprocess(batch)
        parts.append(np.asarray(ops.convert_to_numpy(base(batch, training=False)), dtype="float32"))
    return np.concatenate(parts) if parts else np.zeros((0,), dtype="float32")


def unfreeze_top(base: Any, n_layers: int, keep_batchnorm_frozen: bool = True) -> list[str]:
    """Make the top ``n_layers`` layers of a base trainable for fine-tuning; freeze the rest.

    Batch-normalisation layers stay frozen (unless ``keep_batchnorm_frozen=False``): a frozen
    ``BatchNormalization`` layer runs in inference mode, with the statistics it learnt on
    ImageNet, instead of the statistics of each small new batch. Layers without weights count
    too, as in ``base.layers``.

    Returns:
        The names of the layers left trainable (those that have weights).
    """
    import keras

    if not isinstance(base, keras.Model):
        raise CourseError(f"Expected a Keras model as the base, got {describe(base)}.")
    if isinstance(n_layers, bool) or not isinstance(n_layers, (int, np.integer)) or n_layers < 0:
        raise CourseError(f"n_layers must be a whole number 0 or above, got {n_layers!r}.")
    base.trainable = True
    first = len(base.layers) - int(n_layers)
    for index, layer in enumerate(base.layers):
        is_norm = isinstance(layer, keras.layers.BatchNormalization)
        layer.trainable = index >= first and not (keep_batchnorm_frozen and is_norm)
    return trainable_layer_names(base)


def trainable_layer_names(model: Any) -> list[str]:
    """Names of the layers of ``model`` that have weights and are trainable."""
    return [layer.name for layer in model.layers if layer.trainable and layer.weights]


def plot_label_efficiency(
    counts: Sequence[int],
    curves: Mapping[str, Sequence[float]],
    title: str = "Test accuracy against labelled examples per class",
    chance: float | None = None,
    ax: Any = None,
):
    """Plot test accuracy against the number of labelled examples per class, one line per method.

    Args:
        counts: the labelled examples per class, e.g. ``[5, 10, 20, 50, 100]``.
        curves: method name -> one test accuracy (0-1) per count.
        chance: when given, a dotted line at the accuracy of guessing.
        ax: a matplotlib Axes to draw on; a new figure when None.

    Returns:
        The Axes.
    """
    import matplotlib.pyplot as plt

    from nncourse.plots import PALETTE

    counts = list(counts)
    if not curves:
        raise CourseError("curves is empty: give at least one method name -> accuracies.")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4))
    markers = "osD^v"
    for index, (name, values) in enumerate(curves.items()):
        values = list(values)
        if len(values) != len(counts):
            raise CourseError(f"{name!r} has {len(values)} accuracies for {len(counts)} counts: give one per count.")
        ax.plot(counts, values, marker=markers[index % len(markers)], color=PALETTE[index % len(PALETTE)], label=name)
    if chance is not None:
        ax.axhline(chance, color="grey", linestyle=":", label="guessing")
    ax.set_xscale("log")
    ax.set_xticks(counts)
    ax.set_xticklabels([str(count) for count in counts])
    ax.minorticks_off()
    ax.set_xlabel("labelled training examples per class (log scale)")
    ax.set_ylabel("test accuracy")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.set_title(title)
    ax.legend(loc="lower right")
    return ax


def plot_top_predictions(
    images: Sequence[Any],
    decoded: Sequence[Sequence[tuple[Any, str, float]]],
    titles: Sequence[str] | None = None,
):
    """Draw each photo beside a bar chart of its top predictions.

    Args:
        images: photos as arrays (height, width, 3) with values 0-255.
        decoded: for each photo, its top classes as ``(id, name, probability)`` tuples, as
            ``decode_predictions`` returns them.
        titles: a title for each photo (e.g. its file name).

    Returns:
        The matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    from nncourse.plots import PALETTE

    if len(images) != len(decoded):
        raise CourseError(f"Got {len(images)} photos but {len(decoded)} lists of predictions: give one per photo.")
    if not len(images):
        raise CourseError("There are no photos to show.")
    rows = len(images)
    fig, axes = plt.subplots(rows, 2, figsize=(8.5, 2.1 * rows), gridspec_kw={"width_ratios": [1, 1.6]}, squeeze=False)
    for row, (image, top) in enumerate(zip(images, decoded)):
        photo_ax, bar_ax = axes[row]
        photo_ax.imshow(np.clip(np.asarray(image), 0, 255).astype("uint8"))
        photo_ax.axis("off")
        if titles is not None:
            photo_ax.set_title(str(titles[row]), fontsize=10)
        names = [str(name).replace("_", " ") for _, name, _ in top][::-1]
        scores = [float(score) for _, _, score in top][::-1]
        bar_ax.barh(names, scores, color=PALETTE[0])
        bar_ax.set_xlim(0, 1)
        for y, score in enumerate(scores):
            bar_ax.text(min(score + 0.02, 0.85), y, f"{score:.0%}", va="center", fontsize=9)
        bar_ax.tick_params(axis="y", labelsize=9)
        if row == rows - 1:
            bar_ax.set_xlabel("predicted probability")
    fig.suptitle("Top-5 ImageNet predictions")
    fig.tight_layout()
    return fig
