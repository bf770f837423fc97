"""Checks for the exercises of lesson 7, the Fashion-MNIST lab.

Every check looks at what an answer does: the counts of a histogram, the images a figure
shows, the values of a DataFrame, a training history, a model's accuracy on held-out images,
the decisions of a function on a fixed batch of probabilities. None reads the learner's code.

The checks that need Fashion-MNIST load it once, through :func:`_fashion`, offline first.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from nncourse.errors import describe
from nncourse.exercises.core import (
    NotAttempted,
    Question,
    Wrong,
    expect_array,
    expect_callable,
    expect_fitted_estimator,
    expect_history,
    expect_keras_model,
    one_line,
)
from nncourse.exercises.tools import cross_entropy as _cross_entropy
from nncourse.exercises.tools import is_keras_model, model_outputs

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "MIN_TEST_ACCURACY", "MIN_DIGITS_ACCURACY"]

#: Test accuracy a Fashion-MNIST dense model must reach in questions 4 and 5.
MIN_TEST_ACCURACY = 0.85
#: Test accuracy the digits model of question 7 must reach.
MIN_DIGITS_ACCURACY = 0.90
N_CLASSES = 10


@functools.lru_cache(maxsize=1)
def _fashion() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fashion-MNIST as ``x_train, y_train, x_test, y_test`` (uint8 images, labels 0-9)."""
    from nncourse.data import load_fashion_mnist

    (x_train, y_train), (x_test, y_test), _ = load_fashion_mnist()
    return x_train, y_train, x_test, y_test


# ---------------------------------------------------------------------------------------------
# Helpers shared by several checks
# ---------------------------------------------------------------------------------------------


def _model_probabilities(model: Any, images: np.ndarray) -> np.ndarray:
    """Feed uint8 images, divided by 255 and shaped as the model's input asks, to a Keras model."""
    scaled = images.astype("float32") / 255.0
    outputs = model_outputs(
        model,
        scaled,
        what="Your model",
        hint="A Fashion-MNIST image has 28x28 = 784 pixels: keras.Input(shape=(28, 28)) and a Flatten layer, "
        "or keras.Input(shape=(784,)).",
    )
    if outputs.ndim != 2 or outputs.shape[1] != N_CLASSES:
        raise Wrong(
            f"Your model's output has shape {outputs.shape}; it should give 10 numbers per image, one per class: "
            'end with keras.layers.Dense(10, activation="softmax").'
        )
    return outputs


def _accuracy(probabilities: np.ndarray, labels: np.ndarray) -> float:
    return float((probabilities.argmax(axis=1) == labels).mean())


def _frame(value: Any, what: str) -> Any:
    import pandas as pd

    if value is None:
        raise Wrong(f"{what} is None. Did a function forget to return its result?")
    if isinstance(value, pd.Series):
        raise Wrong(f"{what} is a single column (a Series); a DataFrame with several columns is expected.")
    if not isinstance(value, pd.DataFrame):
        raise Wrong(f"{what} should be a pandas DataFrame, but it is {describe(value)}.")
    return value


# ---------------------------------------------------------------------------------------------
# Question 1: a histogram of all pixel intensities, the zeros left out
# ---------------------------------------------------------------------------------------------


def _check_q1(histogram: Any) -> str:
    if histogram is None:
        raise Wrong(
            "Your histogram is None. Keep what np.histogram returns: histogram = np.histogram(values, bins=...)."
        )
    if not isinstance(histogram, (tuple, list)) or len(histogram) not in (2, 3):
        raise Wrong(
            f"Expected what np.histogram returns, the pair (counts, edges), but got {describe(histogram)}. "
            "Write histogram = np.histogram(values, bins=...) and pass histogram."
        )
    counts = expect_array(histogram[0], "the counts (first part of the histogram)", ndim=1)
    edges = expect_array(histogram[1], "the edges (second part of the histogram)", ndim=1)
    if len(edges) != len(counts) + 1:
        raise Wrong(
            f"There are {len(counts)} counts and {len(edges)} edges; a histogram has one edge more than it has bars. "
            "Pass the pair (counts, edges) in that order, as np.histogram returns it."
        )
    if len(counts) < 10:
        raise Wrong(
            f"Only {len(counts)} bars: use at least 10 bins (e.g. bins=50) to see the shape of the distribution."
        )
    if np.any(np.diff(edges) <= 0):
        raise Wrong("The edges should increase from left to right, as np.histogram returns them.")
    x_train = _fashion()[0]
    value_counts = np.bincount(x_train.ravel(), minlength=256).astype(float)
    n_pixels, n_nonzero = x_train.size, int(value_counts[1:].sum())
    total = float(counts.sum())
    scaled = edges[-1] <= 1.5  # the learner divided by 255 first
    values = np.arange(256) / 255.0 if scaled else np.arange(256.0)
    if math.isclose(total, n_pixels, rel_tol=1e-9):
        raise Wrong(
            f"Your histogram counts all {n_pixels:,} pixels, zeros included: about "
            f"{value_counts[0] / n_pixels:.0%} of them are 0 (background), so the first bar dwarfs all others. "
            "Leave the zeros out, e.g. pixels[pixels > 0]."
        )
    if not np.allclose(counts, np.round(counts)):
        raise Wrong(
            "Your counts are not whole numbers: with density=True np.histogram returns densities. Leave density out, "
            "so that each bar counts pixels."
        )
    if not math.isclose(total, n_nonzero, rel_tol=1e-9):
        where = "fewer" if total < n_nonzero else "more"
        raise Wrong(
            f"Your counts add up to {total:,.0f}, {where} than the {n_nonzero:,} non-zero pixels of the "
            "60,000 training images. Count every non-zero pixel of x_train, and let the bins reach from the "
            f"smallest non-zero value to the largest ({'1/255 to 1' if scaled else '1 to 255'})."
        )
    # The learner may have scaled in float32 (the lab's x_train_scaled) or float64: grey levels that sit
    # on a bin edge fall on one side or the other depending on the rounding, so accept either.
    candidates = [values[1:]]
    if scaled:
        candidates.append((np.arange(256, dtype=np.float32) / np.float32(255))[1:])
    expected_options = [np.histogram(v, bins=edges, weights=value_counts[1:])[0] for v in candidates]
    if scaled:
        edges32 = edges.astype(np.float32)
        expected_options += [
            np.histogram(v.astype(np.float32), bins=edges32, weights=value_counts[1:])[0] for v in candidates
        ]
    if not any(np.allclose(counts, expected) for expected in expected_options):
        raise Wrong(
            "Your counts add up right but do not match a histogram of the non-zero pixels with your edges. "
            "Compute both with one call: counts, edges = np.histogram(nonzero_pixels, bins=...)."
        )
    return (
        f"Without the zeros ({value_counts[0] / n_pixels:.0%} of all pixels) the shape of the other grey levels "
        "becomes visible."
    )


q1 = Question(
    "Question 1 (pixel histogram)",
    _check_q1,
    hints=[
        "x_train.ravel() (or x_train.flatten()) lays all 47 million pixel values out in one long array.",
        "Keep only the non-zero values with a mask: pixels = x_train.ravel(); nonzero = pixels[pixels > 0].",
        "histogram = np.histogram(nonzero, bins=51) gives (counts, edges); draw them with ax.stairs(counts, edges).",
    ],
)


# ---------------------------------------------------------------------------------------------
# Question 2: one grid per class, from one function
# ---------------------------------------------------------------------------------------------


def _shown_images(fig: Any) -> list[np.ndarray]:
    return [np.asarray(image.get_array(), dtype=float) for ax in fig.axes for image in ax.images]


def _normalised(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image, dtype=float)
    peak = np.abs(image).max()
    return image / peak if peak else image


def _check_q2(class_grid: Any) -> str:
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    class_grid = expect_callable(class_grid, "class_grid")
    rng = np.random.default_rng(7)
    images = rng.integers(1, 256, size=(36, 6, 6)).astype(np.uint8)
    labels = np.tile(np.arange(3), 12)
    references = [_normalised(image) for image in images]
    for class_index, n in ((1, 4), (2, 7)):
        before = set(plt.get_fignums())
        try:
            fig = class_grid(images, labels, class_index, n)
        except TypeError as error:
            raise Wrong(
                f"Calling class_grid(images, labels, {class_index}, {n}) failed with {one_line(error)} "
                "The function takes four arguments in this order: images, labels, class_index, n."
            ) from None
        except Exception as error:  # noqa: BLE001 - one line, with the likely cause
            raise Wrong(
                f"Calling class_grid on 36 small test images of 3 classes failed with {one_line(error)} Does the "
                "function use the notebook's x_train or y_train somewhere instead of its own arguments images and labels?"
            ) from None
        try:
            if fig is Ellipsis:
                raise NotAttempted(
                    "class_grid still returns the ... placeholder: fill in its body and run the cell again."
                )
            if fig is None:
                raise Wrong(
                    "class_grid returned None. End it with return fig (show_images returns the figure it drew)."
                )
            if not isinstance(fig, Figure):
                raise Wrong(f"class_grid should return a matplotlib Figure, but returned {describe(fig)}.")
            shown = _shown_images(fig)
            if len(shown) != n:
                raise Wrong(
                    f"Asked for {n} images of class {class_index}, the figure shows {len(shown)}. "
                    "Take the first n images of the class: images[labels == class_index][:n]."
                )
            found = []
            for picture in shown:
                match = [
                    index
                    for index, reference in enumerate(references)
                    if reference.shape == picture.shape and np.allclose(_normalised(picture), reference, atol=1e-3)
                ]
                if not match:
                    raise Wrong(
                        "The figure shows images that are not among the images passed to class_grid. "
                        "Use the function's own arguments (images, labels) inside it, not x_train and y_train."
                    )
                found.append(match[0])
            classes = sorted({int(labels[index]) for index in found})
            if classes != [class_index]:
                raise Wrong(
                    f"Asked for class {class_index}, the figure shows images of class(es) {classes}. "
                    "Select with a mask: images[labels == class_index]."
                )
            if len(set(found)) != len(found):
                raise Wrong("Some images appear twice in the figure: show each image of the class once.")
            first = set(np.flatnonzero(labels == class_index)[:n].tolist())
            if set(found) != first:
                raise Wrong(
                    f"The figure shows {n} images of class {class_index}, but not its first {n}: take them in order, "
                    "images[labels == class_index][:n]."
                )
        finally:
            for number in set(plt.get_fignums()) - before:
                plt.close(number)
    return "One function, any class: a loop over range(10) now draws every class."


q2 = Question(
    "Question 2 (a grid for every class)",
    _check_q2,
    hints=[
        "Write the code for one class once, inside a function, and call it in a loop: for c in range(10): ...",
        "images[labels == class_index] keeps the images of one class; [:n] keeps the first n of them.",
        "show_images(..., ncols=10, title=...) returns the figure: return it from class_grid.",
    ],
)


# ---------------------------------------------------------------------------------------------
# Question 3: one-hot target columns
# ---------------------------------------------------------------------------------------------

TARGET_COLUMNS = [f"target_{k}" for k in range(N_CLASSES)]


def _check_q3(frame: Any) -> str:
    frame = _frame(frame, "Your one-hot table")
    names = [str(column) for column in frame.columns]
    missing = [column for column in TARGET_COLUMNS if column not in names]
    if missing:
        if all(str(k) in names for k in range(N_CLASSES)):
            raise Wrong(
                "Your columns are named 0 .. 9; name them target_0 .. target_9, e.g. "
                'pd.get_dummies(df["target"], prefix="target").'
            )
        if all(f"target{k}" in names for k in range(N_CLASSES)):
            raise Wrong(
                "Your columns are named target0 .. target9; name them target_0 .. target_9 (get_dummies' "
                "default prefix_sep='_' does that)."
            )
        if "target_10" in names:
            raise Wrong(
                "There is a target_10 column: the classes are numbered 0 to 9, so the columns run target_0 .. target_9."
            )
        raise Wrong(
            f"Columns {', '.join(missing)} are missing. Your table has {len(names)} columns, starting {names[:5]}."
        )
    extra = [name for name in names if name.startswith("target_") and name not in TARGET_COLUMNS]
    if extra:
        raise Wrong(f"Unexpected one-hot columns {extra}: there are ten classes, target_0 .. target_9.")
    pixel_columns = [name for name in names if name not in TARGET_COLUMNS and name != "target"]
    n_pixels = int(np.prod(_fashion()[0].shape[1:]))
    if len(pixel_columns) < n_pixels:
        raise Wrong(
            f"Your table has the ten target_ columns but only {len(pixel_columns)} other columns: df_onehot should be "
            f"the flat table df with the ten columns added, its {n_pixels} pixel columns kept: "
            "pd.concat([df, dummies], axis=1)."
        )
    y_train = _fashion()[1]
    if len(frame) != len(y_train):
        raise Wrong(f"Your table has {len(frame):,} rows; it should have one per training image ({len(y_train):,}).")
    block = frame[[column for column in frame.columns if str(column) in TARGET_COLUMNS]]
    block.columns = [str(column) for column in block.columns]
    block = block[TARGET_COLUMNS]
    try:
        values = block.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise Wrong("The target_ columns should hold numbers 0 and 1 (or True/False).") from None
    if not np.isin(values, (0.0, 1.0)).all():
        raise Wrong(
            "The target_ columns should hold only 0 and 1: a 1 in the column of the image's class, 0 elsewhere."
        )
    row_sums = values.sum(axis=1)
    if not np.all(row_sums == 1):
        bad = int((row_sums != 1).sum())
        raise Wrong(
            f"{bad:,} rows do not have exactly one 1 among target_0 .. target_9: each image has exactly one class."
        )
    if not np.array_equal(values.argmax(axis=1), y_train):
        raise Wrong(
            "The 1s are not in the right columns: target_k should be 1 exactly where the label is k. "
            "Keep the rows in the order of x_train and y_train (do not sort or shuffle them)."
        )
    praise = "describe() shows a mean of 0.1 in every column: each class is a tenth of the data."
    if any(str(dtype) in ("bool", "boolean") for dtype in block.dtypes):
        praise += " Your columns hold True/False: pass dtype=int to get_dummies so that describe() shows those means."
    return praise


q3 = Question(
    "Question 3 (one-hot targets)",
    _check_q3,
    hints=[
        "pandas has a function for one-hot encoding: pd.get_dummies.",
        'pd.get_dummies(df["target"], prefix="target", dtype=int) gives columns target_0 .. target_9.',
        "Join them to the table with pd.concat([df, dummies], axis=1), then look at dummies.describe().",
    ],
)


# ---------------------------------------------------------------------------------------------
# Question 4: early stopping and training curves
# ---------------------------------------------------------------------------------------------


#: min_delta values a learner may give EarlyStopping (the check tries each when it replays the rule).
_MIN_DELTAS = (0.0, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05, 0.1)


def _stops_at_end(values: list[float], mode: str, min_delta: float, start: int) -> bool:
    """Would Keras' EarlyStopping rule, watching ``values`` in ``mode``, stop at the last epoch and not before?

    Replays keras.callbacks.EarlyStopping epoch by epoch, for some patience: it stops at the first epoch
    (after the first) whose count of epochs since the last improvement reaches the patience. So a
    patience exists that stops exactly at the last epoch when that epoch is no improvement and its count
    is larger than the count of every earlier epoch at which the rule could have stopped.
    """
    best, wait, earlier = None, 0, -1
    last = len(values) - 1
    for epoch, value in enumerate(values):
        if epoch < start:
            continue
        if not math.isfinite(value):
            return False
        wait += 1
        # Keras compares in float32 (ops.less / ops.greater on Python floats).
        better = best is None or (
            np.float32(value + min_delta) < np.float32(best)
            if mode == "min"
            else np.float32(value - min_delta) > np.float32(best)
        )
        if better:
            best, wait = value, 0
            if epoch == last:
                return False
            continue
        if epoch == last:
            return wait > earlier  # a patience between the two stops here and not before
        if epoch > 0:
            earlier = max(earlier, wait)
    return False


def _stopped_by(data: dict[str, list[float]], key: str, mode: str, min_deltas: tuple[float, ...] = (0.0,)) -> bool:
    """Is the length of this history explained by early stopping on ``key`` in ``mode`` (from the first epoch)?"""
    values = data.get(key)
    if not values or len(values) < 2:
        return False
    return any(_stops_at_end(values, mode, delta, 0) for delta in min_deltas)


def _wrong_monitor(data: dict[str, list[float]]) -> str | None:
    """The metric early stopping watched, when the history shows it was not the validation loss.

    The validation loss explains the history when Keras' rule with the default min_delta=0 stops
    exactly where training stopped; or, with some min_delta, when the last epoch did not lower the
    validation loss at all. Only then a rule on another metric with default settings that explains
    it is named. Anything else (a baseline, start_from_epoch, another callback) gets the benefit
    of the doubt.
    """
    if _stopped_by(data, "val_loss", "min"):
        return None
    losses = data.get("val_loss") or []
    new_low = len(losses) >= 2 and losses[-1] < min(losses[:-1])
    if not new_low and _stopped_by(data, "val_loss", "min", _MIN_DELTAS):
        return None
    for key in ("val_accuracy", "val_acc"):
        if _stopped_by(data, key, "max"):
            return f"the validation accuracy ({key}) stopped rising"
    if _stopped_by(data, "val_loss", "max"):
        return "the validation loss stopped rising (mode='max' watches for its largest value)"
    for key, mode, what in (("loss", "min", "training loss"), ("accuracy", "max", "training accuracy")):
        if _stopped_by(data, key, mode):
            return f"the {what} ({key}) stopped improving"
    return None


def _check_q4(history: Any, model: Any) -> str:
    if is_keras_model(history):
        raise Wrong(
            "The first answer is a model: pass the History first and the model second, q4.check(history, model)."
        )
    data = expect_history(history, "history")
    model = expect_keras_model(model, what="model")
    params = getattr(history, "params", None)
    if not isinstance(params, dict) or "epochs" not in params:
        raise Wrong(
            "Pass the History object that fit returns (history = model.fit(...)), not its .history dict: "
            "the check needs to know how many epochs fit was allowed."
        )
    if "val_loss" not in data:
        raise Wrong(
            "The history has no val_loss: early stopping needs validation data to watch. "
            "Pass validation_split=0.1 (or validation_data=...) to fit."
        )
    if "accuracy" not in data or "val_accuracy" not in data:
        raise Wrong(
            'The history has no accuracy: compile with metrics=["accuracy"] so that it can be plotted per epoch.'
        )
    ran, allowed = len(data["loss"]), int(params["epochs"])
    if ran >= allowed:
        raise Wrong(
            f"Training ran all {allowed} epochs it was allowed, so early stopping never stopped it. Pass "
            'callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)] '
            "and allow more epochs (e.g. epochs=50)."
        )
    watched = _wrong_monitor(data)
    if watched is not None:
        raise Wrong(
            f"Training stopped when {watched}, not when the validation loss stopped falling: the question asks "
            'for EarlyStopping(monitor="val_loss", patience=...), which watches the validation loss.'
        )
    _, _, x_test, y_test = _fashion()
    accuracy = _accuracy(_model_probabilities(model, x_test), y_test)
    if accuracy < MIN_TEST_ACCURACY:
        raise Wrong(
            f"The model's test accuracy is {accuracy:.3f}, below {MIN_TEST_ACCURACY}. Did you divide the pixels by 255? "
            "Did early stopping stop too soon (patience=0 stops at the first wobble)?"
        )
    return f"Early stopping ended training after {ran} of {allowed} epochs, at a test accuracy of {accuracy:.3f}."


q4 = Question(
    "Question 4 (early stopping)",
    _check_q4,
    hints=[
        "An EarlyStopping callback watches a validation metric and ends fit when it stops improving.",
        'keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True), passed as '
        "callbacks=[...] to fit, together with validation_split=0.1 and a generous epochs=50.",
        'plot_history(history, metrics=["loss", "accuracy"]) draws both curves per epoch.',
    ],
)


# ---------------------------------------------------------------------------------------------
# Question 5: dropout and a findings table
# ---------------------------------------------------------------------------------------------

FINDINGS_ROWS = ["without dropout", "with dropout"]
FINDINGS_COLUMNS = ["train accuracy", "test accuracy", "train loss", "test loss"]


def _label(text: Any) -> str:
    return " ".join(str(text).replace("_", " ").lower().split())


def _check_q5(findings: Any, model: Any) -> str:
    if is_keras_model(findings):
        raise Wrong(
            "The first answer is a model: pass the table first and the model second, q5.check(findings, model)."
        )
    frame = _frame(findings, "Your findings table")
    for column in frame.columns:  # the model names in a column of their own instead of the index
        names = {_label(value) for value in frame[column].tolist() if isinstance(value, str)}
        if set(FINDINGS_ROWS) <= names:
            frame = frame.set_index(column)
            break
    frame = frame.rename(index=_label, columns=_label)
    missing_rows = [row for row in FINDINGS_ROWS if row not in frame.index]
    missing_columns = [column for column in FINDINGS_COLUMNS if column not in frame.columns]
    if missing_rows or missing_columns:
        if all(row in frame.columns for row in FINDINGS_ROWS):
            raise Wrong("Your table looks transposed: put the two models in the rows (findings.T turns it around).")
        raise Wrong(
            f"The table should have rows {FINDINGS_ROWS} and columns {FINDINGS_COLUMNS}. "
            f"Yours has rows {list(frame.index)} and columns {list(frame.columns)}."
        )
    try:
        table = frame.loc[FINDINGS_ROWS, FINDINGS_COLUMNS].to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise Wrong("The table should hold numbers: accuracies between 0 and 1 and losses.") from None
    if not np.all(np.isfinite(table)):
        raise Wrong("The table has empty (NaN) cells: fill in all eight numbers.")
    accuracies = table[:, :2]
    if accuracies.max() > 1:
        raise Wrong("Write accuracies as shares between 0 and 1 (0.88), not as percentages (88).")
    model = expect_keras_model(model, what="Your dropout model")
    x_train, y_train, x_test, y_test = _fashion()
    batch = x_test[:64]
    scaled = batch.astype("float32") / 255.0
    first, second = (model_outputs(model, scaled, what="Your dropout model", training=True) for _ in range(2))
    if np.allclose(first, second):
        raise Wrong(
            "Your model gives the same outputs twice in training mode, so it has no dropout: add "
            "keras.layers.Dropout(rate) after the hidden Dense layers, train it, and pass that model."
        )
    train_probabilities = _model_probabilities(model, x_train)
    test_probabilities = _model_probabilities(model, x_test)
    train_accuracy, test_accuracy = _accuracy(train_probabilities, y_train), _accuracy(test_probabilities, y_test)
    table_train, table_test = table[1, 0], table[1, 1]
    recorded = getattr(getattr(model, "history", None), "history", None) or {}
    val_accuracy = recorded.get("val_accuracy") or recorded.get("val_acc")
    if val_accuracy and abs(table_test - test_accuracy) > 0.002 and abs(table_test - float(val_accuracy[-1])) < 1e-4:
        raise Wrong(
            f"The table's test accuracy, {table_test:.4f}, is the validation accuracy of the last epoch: the share of "
            "the training images that validation_split held out. Score the test images: model.evaluate(x_test_scaled, y_test)."
        )
    if abs(table_test - test_accuracy) > 0.005:
        raise Wrong(
            f"The table says the dropout model's test accuracy is {table_test:.3f}, but it scores "
            f"{test_accuracy:.3f} on the test images. Fill the table from model.evaluate(x_test_scaled, y_test)."
        )
    if abs(table_train - train_accuracy) > 0.01:
        extra = (
            " The history's accuracy is measured while dropout is switched on; evaluate shows the model as it predicts."
            if table_train < train_accuracy
            else ""
        )
        raise Wrong(
            f"The table says the dropout model's train accuracy is {table_train:.3f}, but it scores "
            f"{train_accuracy:.3f} on the training images. Fill it from model.evaluate(x_train_scaled, y_train).{extra}"
        )
    test_loss = _cross_entropy(test_probabilities, y_test)
    if test_loss is not None and abs(table[1, 3] - test_loss) > max(0.02, 0.05 * test_loss):
        raise Wrong(
            f"The table says the dropout model's test loss is {table[1, 3]:.3f}, but its cross-entropy on the test "
            f"images is {test_loss:.3f}. Take the loss from model.evaluate as well."
        )
    if test_accuracy < MIN_TEST_ACCURACY:
        raise Wrong(
            f"With dropout the test accuracy is {test_accuracy:.3f}, below {MIN_TEST_ACCURACY}: a gap closes trivially "
            "when a model learns little. Train longer, or use a smaller rate (0.2 to 0.3)."
        )
    gap_without = table[0, 0] - table[0, 1]
    gap_with = table[1, 0] - table[1, 1]
    if gap_with >= gap_without:
        raise Wrong(
            f"The train/test accuracy gap is {gap_with:.3f} with dropout and {gap_without:.3f} without: dropout did not "
            "narrow it. Train both models for the same number of epochs, or raise the dropout rate."
        )
    return (
        f"The gap between train and test accuracy shrank from {gap_without:.3f} to {gap_with:.3f}, "
        f"with a test accuracy of {test_accuracy:.3f}."
    )


q5 = Question(
    "Question 5 (dropout findings)",
    _check_q5,
    hints=[
        "keras.layers.Dropout(0.3) after each hidden Dense layer switches off 30% of its outputs at random, "
        "in training only. Train it exactly like the model without dropout (same epochs, same batch size).",
        "model.evaluate(x, y, verbose=0) returns [loss, accuracy]: call it on the training and on the test images, "
        "for both models. Do not take the training accuracy from the history: it is measured with dropout on.",
        'pd.DataFrame(rows, index=["without dropout", "with dropout"]) with columns "train accuracy", '
        '"test accuracy", "train loss", "test loss".',
    ],
)


# ---------------------------------------------------------------------------------------------
# Question 6: thresholds, margins, abstaining, and accuracy against coverage
# ---------------------------------------------------------------------------------------------

ABSTAIN = -1

#: A fixed batch of "probabilities": rows chosen so that each rule is tested.
_Q6_PROBABILITIES = np.array(
    [
        [0.05, 0.90, 0.05, 0.0],  # confident: class 1
        [0.30, 0.30, 0.40, 0.0],  # unsure: class 2 by a margin of 0.10
        [0.45, 0.10, 0.45, 0.0],  # a tie between classes 0 and 2
        [0.10, 0.15, 0.20, 0.55],  # class 3, margin 0.35
        [0.62, 0.30, 0.04, 0.04],  # class 0, margin 0.32
        [0.20, 0.42, 0.38, 0.0],  # class 1, margin 0.04
    ]
)
_Q6_LABELS = np.array([1, 0, 0, 3, 1, 1])


def _reference_decide(probabilities: np.ndarray, threshold: float = 0.0, margin: float = 0.0) -> np.ndarray:
    top_two = np.sort(probabilities, axis=1)[:, -2:]
    predicted = probabilities.argmax(axis=1)
    unsure = (top_two[:, 1] < threshold) | (top_two[:, 1] - top_two[:, 0] < margin)
    return np.where(unsure, ABSTAIN, predicted)


def _reference_curve(probabilities: np.ndarray, labels: np.ndarray, thresholds: Any) -> tuple[np.ndarray, np.ndarray]:
    coverage, accuracy = [], []
    for threshold in thresholds:
        decided = _reference_decide(probabilities, threshold)
        labelled = decided != ABSTAIN
        coverage.append(labelled.mean())
        accuracy.append((decided[labelled] == labels[labelled]).mean() if labelled.any() else np.nan)
    return np.array(coverage), np.array(accuracy)


def _run_decide(decide: Callable[..., Any], threshold: float, margin: float) -> np.ndarray:
    try:
        result = decide(_Q6_PROBABILITIES.copy(), threshold=threshold, margin=margin)
    except TypeError as error:
        raise Wrong(
            f"Calling decide(probabilities, threshold={threshold}, margin={margin}) failed with {one_line(error)} "
            "Give decide the arguments (probabilities, threshold=0.0, margin=0.0)."
        ) from None
    if result is Ellipsis:
        raise NotAttempted("decide still returns the ... placeholder: fill in its body and run the cell again.")
    return expect_array(
        result, f"decide(probabilities, threshold={threshold}, margin={margin})", shape=(len(_Q6_PROBABILITIES),)
    )


def _check_decide(decide: Callable[..., Any]) -> None:
    plain = _run_decide(decide, 0.0, 0.0)
    if plain[2] == 2:
        raise Wrong(
            "For a tie between classes 0 and 2 (0.45 each) with no threshold and no margin, decide returned 2. "
            "np.argmax returns the first of tied classes, 0: keep that rule, and use a margin to abstain on ties."
        )
    if plain[2] == ABSTAIN:
        raise Wrong(
            "With threshold=0 and margin=0 decide should never abstain, not even on a tie: argmax picks the first class."
        )
    expected = _reference_decide(_Q6_PROBABILITIES)
    if not np.array_equal(plain, expected):
        raise Wrong(
            f"With threshold=0 and margin=0 decide should return the argmax of each row, {expected.tolist()}; it returned {plain.astype(int).tolist()}."
        )
    by_threshold = _run_decide(decide, 0.5, 0.0)
    expected = _reference_decide(_Q6_PROBABILITIES, threshold=0.5)
    if not np.array_equal(by_threshold, expected):
        raise Wrong(
            f"With threshold=0.5, rows whose top probability is below 0.5 should get {ABSTAIN} (abstain): expected "
            f"{expected.tolist()}, got {by_threshold.astype(int).tolist()}."
        )
    by_margin = _run_decide(decide, 0.0, 0.2)
    expected = _reference_decide(_Q6_PROBABILITIES, margin=0.2)
    if not np.array_equal(by_margin, expected):
        raise Wrong(
            "With margin=0.2, a row should get -1 when its largest probability beats the second largest by less "
            f"than 0.2 (ties included): expected {expected.tolist()}, got {by_margin.astype(int).tolist()}."
        )


def _check_curve(accuracy_coverage: Callable[..., Any]) -> None:
    thresholds = [0.0, 0.5, 0.6, 0.95]
    try:
        result = accuracy_coverage(_Q6_PROBABILITIES.copy(), _Q6_LABELS.copy(), thresholds)
    except TypeError as error:
        raise Wrong(
            f"Calling accuracy_coverage(probabilities, labels, thresholds) failed with {one_line(error)} "
            "It takes these three arguments in this order."
        ) from None
    if result is Ellipsis:
        raise NotAttempted(
            "accuracy_coverage still returns the ... placeholder: fill in its body and run the cell again."
        )
    frame = _frame(result, "What accuracy_coverage returned")
    if _label(frame.index.name or "") == "threshold":  # the thresholds as the index: a column all the same
        frame = frame.reset_index()
    frame = frame.rename(columns=_label)
    missing = [column for column in ("threshold", "coverage", "accuracy") if column not in frame.columns]
    if missing:
        raise Wrong(f"The table needs columns threshold, coverage and accuracy; it lacks {missing}.")
    if len(frame) != len(thresholds):
        raise Wrong(f"Asked for {len(thresholds)} thresholds, the table has {len(frame)} rows: one row per threshold.")
    coverage = frame["coverage"].to_numpy(dtype=float)
    accuracy = frame["accuracy"].to_numpy(dtype=float)
    expected_coverage, expected_accuracy = _reference_curve(_Q6_PROBABILITIES, _Q6_LABELS, thresholds)
    if not np.allclose(frame["threshold"].to_numpy(dtype=float), thresholds):
        raise Wrong("The threshold column should list the thresholds you were given, in the same order.")
    if coverage.max() > 1:
        raise Wrong("Coverage is a share between 0 and 1 (labelled images / all images), not a count.")
    if not np.allclose(coverage, expected_coverage):
        raise Wrong(
            f"Coverage, the share of images the model labels, should be {np.round(expected_coverage, 3).tolist()} "
            f"for thresholds {thresholds} on the test batch; yours is {np.round(coverage, 3).tolist()}."
        )
    same = np.allclose(accuracy, expected_accuracy, equal_nan=True)
    if not same:
        counted_all = [(_reference_decide(_Q6_PROBABILITIES, t) == _Q6_LABELS).mean() for t in thresholds]
        if np.allclose(accuracy, counted_all):
            raise Wrong(
                "Your accuracy counts the abstentions as mistakes. Measure accuracy only among the images the "
                "model labels: that is the point of abstaining."
            )
        raise Wrong(
            f"Accuracy among the labelled images should be {np.round(expected_accuracy, 3).tolist()} (nan where "
            f"nothing is labelled); yours is {np.round(accuracy, 3).tolist()}."
        )


def _check_q6(decide: Any, accuracy_coverage: Any) -> str:
    _check_decide(expect_callable(decide, "decide"))
    _check_curve(expect_callable(accuracy_coverage, "accuracy_coverage"))
    return "The model now knows when to say 'I am not sure': every point of the curve trades coverage for accuracy."


q6 = Question(
    "Question 6 (thresholds and abstaining)",
    _check_q6,
    hints=[
        "np.sort(probabilities, axis=1)[:, -1] is each row's top probability and [:, -2] the runner-up.",
        "Start from predicted = probabilities.argmax(axis=1), then set predicted[unsure] = -1 where "
        "top < threshold or top - second < margin (np.where works too).",
        "For each threshold: labelled = decided != -1; coverage = labelled.mean(); accuracy = "
        "(decided[labelled] == labels[labelled]).mean(). Collect the rows in a list of dicts and make a DataFrame.",
    ],
)


# ---------------------------------------------------------------------------------------------
# Question 7: the whole workflow on scikit-learn's digits
# ---------------------------------------------------------------------------------------------


def _digits_class_counts() -> np.ndarray:
    from sklearn.datasets import load_digits

    return np.bincount(load_digits().target, minlength=N_CLASSES)


def _predicted_labels(model: Any, X: np.ndarray) -> np.ndarray:
    try:
        import keras
    except ImportError:  # pragma: no cover - keras is part of the course environment
        keras = None
    if keras is not None and isinstance(model, (keras.Model, keras.callbacks.History)):
        model = expect_keras_model(model, what="Your digits model")
        outputs = model_outputs(model, X, what="Your digits model")
        if outputs.ndim == 2 and outputs.shape[1] == N_CLASSES:
            return outputs.argmax(axis=1)
        raise Wrong(
            f"Your Keras model gives outputs of shape {outputs.shape}; it should give 10 per image (softmax over the digits)."
        )
    model = expect_fitted_estimator(model, what="Your digits model")
    try:
        return np.asarray(model.predict(X.reshape(len(X), -1))).ravel()
    except Exception as error:  # noqa: BLE001 - one line, never a dump
        raise Wrong(
            f"Your digits model could not predict the test images of shape {X.shape}: {one_line(error)}"
        ) from None


def _scales_inside(model: Any) -> bool:
    """True for a scikit-learn pipeline whose first steps scale the inputs (it rightly takes raw pixels)."""
    steps = getattr(model, "steps", None)
    if not steps:
        return False
    return any(hasattr(step, "transform") and not hasattr(step, "predict") for _, step in steps[:-1])


def _check_q7(model: Any, X_test: Any, y_test: Any) -> str:
    if model is None:
        raise Wrong("Your digits model is None. Train a Keras or scikit-learn model and pass it.")
    if isinstance(model, type):
        raise Wrong(
            f"Your digits model is the class {model.__name__} itself: create one, train it "
            f"(e.g. {model.__name__}(...).fit(X_train, y_train)) and pass the trained model."
        )
    X = expect_array(X_test, "X_test")
    if X.ndim not in (2, 3) or X.shape[-1] not in (8, 64):
        raise Wrong(f"X_test should hold one digit per row, 64 pixels (or 8x8); it has shape {X.shape}.")
    y = expect_array(y_test, "y_test")
    if y.ndim == 2 and y.shape[1] == N_CLASSES and np.isin(y, (0, 1)).all() and np.all(y.sum(axis=1) == 1):
        y = y.argmax(axis=1)  # one-hot rows (to_categorical) name the same digits
    if y.ndim != 1:
        raise Wrong(f"y_test should hold one digit 0-9 per test image, a 1-D array, but it has shape {y.shape}.")
    if len(y) != len(X):
        raise Wrong(f"X_test has {len(X)} images but y_test has {len(y)} labels: they must describe the same images.")
    if not np.all(np.isin(y, np.arange(N_CLASSES))):
        raise Wrong("y_test should hold the digits 0-9 as whole numbers (not one-hot rows).")
    y = y.astype(int)
    counts = _digits_class_counts()
    total = int(counts.sum())
    if len(y) >= total:
        raise Wrong(f"Your test set holds {len(y)} images, the whole data set: hold some out and train on the rest.")
    if not 0.1 * total <= len(y) <= 0.5 * total:
        raise Wrong(
            f"Your test set holds {len(y)} of {total} images; hold out between 10% and 50% (e.g. test_size=0.2)."
        )
    expected = counts / total * len(y)
    observed = np.bincount(y, minlength=N_CLASSES)
    if np.abs(observed - expected).max() > 1.0 + 1e-9:
        raise Wrong(
            f"The test set is not stratified: it has {observed.tolist()} images per digit, but a stratified split of "
            f"{len(y)} images has {np.round(expected).astype(int).tolist()}. Pass stratify=y to train_test_split."
        )
    raw = np.all(np.round(X) == X) and X.max() > 1.5
    if raw and not _scales_inside(model):
        raise Wrong(
            f"X_test holds the raw pixel values (whole numbers from 0 to {X.max():g}): scale the test images exactly "
            "as you scaled the training images (e.g. divide both by 16) and pass the scaled ones."
        )
    predicted = _predicted_labels(model, X)
    if len(predicted) != len(y):
        raise Wrong(f"The model gave {len(predicted)} predictions for {len(y)} test images.")
    accuracy = float((predicted.astype(int) == y).mean())
    if accuracy < MIN_DIGITS_ACCURACY:
        raise Wrong(
            f"Test accuracy {accuracy:.3f} is below {MIN_DIGITS_ACCURACY}. Did you scale X_test exactly like the training "
            "images (e.g. divided by 16)? Did the model train long enough (look at its curves)?"
        )
    return f"On the stratified holdout of {len(y)} digits the model is right {accuracy:.1%} of the time."


q7 = Question(
    "Question 7 (the whole workflow on digits)",
    _check_q7,
    hints=[
        "Walk the lab again: look at the data (shapes, value range, class balance, a few images), split with "
        "train_test_split(..., stratify=y, random_state=0), scale, train with a validation split, plot the curves.",
        "The pixels run from 0 to 16: divide by 16. A Keras model 64-32-10 (relu, softmax) trains in seconds.",
        "Pass the trained model and the (scaled) test images and labels: "
        "q7.check(digits_model, X_digits_test, y_digits_test).",
    ],
)
