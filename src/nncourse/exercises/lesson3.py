"""Checks for the exercises of lesson 3, neural networks in Keras.

Every check looks at what an answer does: the values and shape of an array, what a function
returns on a fixed batch, a model's input and output shapes, its layer sizes and activations
as Keras reports them, its loss on held-out data compared with the loss it should be
minimising, how many updates it made, and its accuracy or error on held-out data. None reads
the learner's code or a library's private internals.

The data the checks need (the digits splits, scikit-learn's sample photo, the diabetes splits)
are loaded once and cached. :func:`diabetes_splits` is also what the exercise notebook uses,
so the learner and the check see the same numbers.
"""

from __future__ import annotations

import functools
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from nncourse.errors import describe
from nncourse.exercises.core import (
    Question,
    Wrong,
    expect_array,
    expect_callable,
    expect_keras_model,
    expect_number,
    non_finite_message,
    one_line,
)
from nncourse.exercises.tools import (
    call_learner,
    dense_activations,
    dense_layers,
    history_values,
    model_outputs,
    takes_args,
)

__all__ = [
    "q1",
    "q2",
    "q3",
    "q4",
    "q5",
    "q6",
    "DiabetesSplits",
    "diabetes_splits",
    "EVEN_ODD_EPOCHS",
    "EVEN_ODD_BATCH_SIZE",
    "MIN_EVEN_ODD_ACCURACY",
    "MIN_DIGITS_ACCURACY",
]

#: What question 2 prescribes: 50 epochs of batches of 10.
EVEN_ODD_EPOCHS = 50
EVEN_ODD_BATCH_SIZE = 10
#: Test accuracy the even/odd network of question 2 must reach.
MIN_EVEN_ODD_ACCURACY = 0.90
#: Test accuracy the ten-class network of question 5 must reach.
MIN_DIGITS_ACCURACY = 0.85
#: Relative tolerance when a loss the model reports is compared with the same loss computed here.
LOSS_RTOL = 2e-3


# ---------------------------------------------------------------------------------------------
# Data, loaded once
# ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _photo() -> np.ndarray:
    from sklearn.datasets import load_sample_image

    return load_sample_image("china.jpg")


@functools.lru_cache(maxsize=2)
def _digits(target: str):
    """The lesson's 60/20/20 digits split, pixels divided by 16."""
    from nncourse.data import load_digits_splits

    return load_digits_splits(target=target, val_size=0.2, scale=True)


class DiabetesSplits(NamedTuple):
    """scikit-learn's diabetes data split 60/20/20, features standardised on the training part.

    ``X_*`` have 10 columns; ``y_*`` are the disease-progression targets (about 25 to 346).
    """

    X_train: np.ndarray
    X_val: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_val: np.ndarray
    y_test: np.ndarray


@functools.lru_cache(maxsize=1)
def _diabetes() -> DiabetesSplits:
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = load_diabetes(return_X_y=True, scaled=False)
    X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
    X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest, test_size=0.25, random_state=0)
    scaler = StandardScaler().fit(X_train)
    return DiabetesSplits(
        *(scaler.transform(part).astype("float32") for part in (X_train, X_val, X_test)),
        *(part.astype("float32") for part in (y_train, y_val, y_test)),
    )


def diabetes_splits() -> DiabetesSplits:
    """Return the diabetes data of question 6 as ``X_train, X_val, X_test, y_train, y_val, y_test``.

    The features come unscaled from scikit-learn (``scaled=False``) and are standardised with a
    ``StandardScaler`` fitted on the training part; the split is 60/20/20 with ``random_state=0``.
    Each call returns fresh copies, so changing them does not change what the check uses.
    """
    return DiabetesSplits(*(part.copy() for part in _diabetes()))


# ---------------------------------------------------------------------------------------------
# Helpers shared by several checks
# ---------------------------------------------------------------------------------------------


def _predict(model: Any, X: np.ndarray, what: str = "your model") -> np.ndarray:
    """Predict on X, turning a wrong input shape into a sentence."""
    return model_outputs(model, X, what=what, reshape=False)


def _compiled_loss(model: Any, X: np.ndarray, y: np.ndarray) -> float | None:
    """The loss the model was compiled with, on (X, y); None when those labels do not fit it."""
    try:
        result = model.evaluate(X, y, verbose=0, return_dict=True)
    except Exception:  # noqa: BLE001 - labels of the wrong form for this loss
        return None
    # evaluate adds any weight penalties (kernel_regularizer) to the loss: take them away.
    penalty = float(sum(float(np.asarray(loss)) for loss in model.losses))
    return float(result["loss"]) - penalty


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=LOSS_RTOL, abs_tol=1e-4)


_dense_layers = dense_layers


# ---------------------------------------------------------------------------------------------
# Question 1: flatten a photo to one row per pixel, and batch it
# ---------------------------------------------------------------------------------------------


def _check_q1(pixels: Any, batch: Any) -> str:
    photo = _photo()
    height, width, channels = photo.shape
    n_pixels = height * width
    pixels = expect_array(pixels, "pixels")
    if pixels.ndim == 1:
        raise Wrong(
            f"pixels is flat, shape {pixels.shape}: every number in one long row. One row per pixel with one "
            f"column per colour channel is a rank-2 tensor of shape ({n_pixels}, {channels}): photo.reshape(-1, 3)."
        )
    if pixels.shape == (channels, n_pixels):
        raise Wrong(
            f"pixels has shape {pixels.shape}: one row per channel. The question asks for one row per pixel, "
            f"shape ({n_pixels}, {channels})."
        )
    if pixels.shape != (n_pixels, channels):
        raise Wrong(
            f"pixels should have shape ({n_pixels}, {channels}), one row per pixel, but has shape {pixels.shape}."
        )
    if np.allclose(pixels * 255, photo.reshape(-1, channels), atol=1e-3):
        raise Wrong(
            "pixels holds the pixel values divided by 255. Scaling comes later, in a model's pipeline; here keep "
            "the values as they are and only change the shape: photo.reshape(-1, 3)."
        )
    if not np.array_equal(pixels, photo.reshape(-1, channels)):
        raise Wrong(
            "pixels has the right shape, but its rows are not the red, green and blue values of single pixels: "
            "the numbers got mixed up. Let reshape keep the last axis together: photo.reshape(-1, 3)."
        )
    batch = expect_array(batch, "batch")
    if batch.shape == photo.shape:
        raise Wrong(
            f"batch has the photo's own shape {batch.shape} (rank 3). A batch adds an axis in front for the "
            "number of images: photo[np.newaxis] or np.expand_dims(photo, axis=0)."
        )
    if batch.shape == photo.shape + (1,):
        raise Wrong(f"batch has shape {batch.shape}: the new axis went at the end. The batch axis comes first.")
    if batch.shape != (1,) + photo.shape:
        raise Wrong(
            f"batch should have shape (1, {height}, {width}, {channels}), a batch of one image, but has shape {batch.shape}."
        )
    if not np.array_equal(batch[0], photo):
        if np.allclose(batch[0] * 255, photo, atol=1e-3):
            raise Wrong(
                "batch holds the photo divided by 255: keep the values as they are and only add the batch axis."
            )
        raise Wrong("batch has the right shape, but batch[0] is not the photo itself.")
    return f"pixels is rank 2, {pixels.shape}; batch is rank 4, {batch.shape}."


q1 = Question(
    "Question 1 (flatten and batch a photo)",
    _check_q1,
    hints=[
        "reshape changes the shape, never the order of the numbers. An axis of length -1 means 'whatever fits'.",
        "pixels = photo.reshape(-1, 3) keeps the three channels of each pixel together. For the batch, add an axis "
        "of length 1 in front: photo[np.newaxis].",
    ],
)


# ---------------------------------------------------------------------------------------------
# Question 2: fill in the blanks of the 64-12-8-1 even/odd network
# ---------------------------------------------------------------------------------------------


def _check_q2(even_odd_model: Any, even_odd_history: Any) -> str:
    model, history = even_odd_model, even_odd_history
    import keras

    model = expect_keras_model(model, what="even_odd_model")
    odd = _digits("odd")
    wanted_input = getattr(model, "input_shape", None)
    if wanted_input != (None, 64):
        raise Wrong(
            f"even_odd_model takes inputs of shape {wanted_input}; each digit is a row of 64 pixels, so the first "
            "layer is keras.Input(shape=(64,)) and n_inputs is 64."
        )
    units = [layer.units for layer in _dense_layers(model)]
    if units != [12, 8, 1]:
        sizes = "-".join(str(u) for u in [64, *units])
        raise Wrong(
            f"Your network is {sizes}; the question asks for 64-12-8-1: hidden layers of 12 and 8 neurons and "
            "one output neuron, the probability that the digit is odd."
        )
    activations = dense_activations(model)  # Dense(12) followed by Activation("relu") counts as ReLU
    if activations[:2] != ["relu", "relu"]:
        raise Wrong(
            f"The hidden layers use {activations[0]!r} and {activations[1]!r}; the question asks for ReLU in both "
            '(hidden_activation = "relu").'
        )
    if activations[2] != "sigmoid":
        raise Wrong(
            f"The output neuron uses {activations[2]!r}. A single output that reads as a probability needs the "
            'sigmoid: output_activation = "sigmoid".'
        )
    probabilities = _predict(model, odd.X_test, "even_odd_model").ravel()
    clipped = np.clip(probabilities, 1e-7, 1 - 1e-7)
    bce = float(-np.mean(odd.y_test * np.log(clipped) + (1 - odd.y_test) * np.log(1 - clipped)))
    reported = _compiled_loss(model, odd.X_test, odd.y_test)
    if reported is None or not _close(reported, bce):
        raise Wrong(
            "The model's loss does not behave like binary cross-entropy, the loss for a 0/1 label and a sigmoid "
            'output: loss = "binary_crossentropy".'
        )
    if not isinstance(model.optimizer, keras.optimizers.RMSprop):
        raise Wrong(
            f'The model was compiled with {type(model.optimizer).__name__}; the question asks for optimizer = "rmsprop".'
        )
    data = history_values(history, "even_odd_history")
    if "val_loss" not in data:
        raise Wrong(
            "even_odd_history has no val_loss: the training ran without validation data. "
            "Pass validation_data=(X_val, y_val) to fit."
        )
    epochs = len(data["loss"])
    if epochs != EVEN_ODD_EPOCHS:
        raise Wrong(f"even_odd_history covers {epochs} epochs; the question asks for epochs = {EVEN_ODD_EPOCHS}.")
    n_train = len(odd.X_train)
    per_epoch = math.ceil(n_train / EVEN_ODD_BATCH_SIZE)
    steps = int(model.optimizer.iterations.numpy())
    if steps != epochs * per_epoch:
        if steps > epochs * per_epoch and steps % (epochs * per_epoch) == 0:
            raise Wrong(
                f"even_odd_model made {steps:,} updates, {steps // (epochs * per_epoch)} times what {epochs} epochs "
                f"of batches of {EVEN_ODD_BATCH_SIZE} make. Either fit ran on it more than once (run the cell that "
                "builds the model again, so it starts from fresh weights) or the batch size is smaller than "
                f"{EVEN_ODD_BATCH_SIZE}."
            )
        raise Wrong(
            f"even_odd_model made {steps / epochs:.0f} updates per epoch. With {n_train:,} training images in "
            f"batches of {EVEN_ODD_BATCH_SIZE} it makes {per_epoch}: batch_size = {EVEN_ODD_BATCH_SIZE}."
        )
    accuracy = float(((probabilities > 0.5).astype(int) == odd.y_test).mean())
    if accuracy < MIN_EVEN_ODD_ACCURACY:
        raise Wrong(
            f"The settings are right, but the test accuracy is only {accuracy:.1%} (at least "
            f"{MIN_EVEN_ODD_ACCURACY:.0%} expected). Were the pixels divided by 16, as in the lesson?"
        )
    return f"A 64-12-8-1 network with {model.count_params()} parameters; test accuracy {accuracy:.1%}."


q2 = Question(
    "Question 2 (the 64-12-8-1 even/odd network)",
    _check_q2,
    hints=[
        "Each digit has 64 pixels. The hidden layers of the lesson's network have 12 and 8 neurons and use ReLU; the "
        "output is one neuron whose sigmoid reads as P(odd).",
        "Two classes with a sigmoid output call for binary cross-entropy. The question fixes the rest: RMSprop, "
        "batches of 10, 50 epochs.",
        'n_inputs = 64, first_hidden = 12, second_hidden = 8, hidden_activation = "relu", output_units = 1, '
        'output_activation = "sigmoid", loss = "binary_crossentropy", optimizer = "rmsprop", batch_size = 10, '
        "epochs = 50.",
    ],
)


# ---------------------------------------------------------------------------------------------
# Question 3: the best epoch in a History
# ---------------------------------------------------------------------------------------------


def _check_q3(even_odd_history: Any, best_epoch: Any) -> str:
    history = even_odd_history
    data = history_values(history, "the history")
    if "val_loss" not in data:
        raise Wrong("This history has no val_loss: pass the History of a fit with validation data.")
    answer = expect_number(best_epoch, "best_epoch")
    if answer != int(answer):
        raise Wrong(f"best_epoch is {answer}; an epoch is a whole number, counted from 1.")
    answer = int(answer)
    val_loss = np.asarray(data["val_loss"])
    right = int(np.argmin(val_loss)) + 1
    if answer == right:
        return f"Epoch {right} of {len(val_loss)}, with a validation loss of {val_loss.min():.3f}."
    if answer == right - 1:
        raise Wrong(
            f"{answer} is the position in the list, counted from 0, as np.argmin gives it. Epochs are counted "
            "from 1 (the first epoch is epoch 1): add 1."
        )
    if "loss" in data and answer == int(np.argmin(data["loss"])) + 1:
        raise Wrong(
            f"Epoch {answer} has the lowest *training* loss. The question asks when the validation loss "
            '(history.history["val_loss"]) was lowest.'
        )
    accuracy = data.get("val_accuracy")
    if accuracy is not None and answer == int(np.argmax(accuracy)) + 1:
        raise Wrong(
            f"Epoch {answer} has the highest validation *accuracy*; the question asks when the validation loss "
            "was lowest. The two need not be the same epoch."
        )
    if answer == int(np.argmax(val_loss)) + 1:
        raise Wrong(
            f"Epoch {answer} has the highest validation loss; the question asks for the lowest (argmin, not argmax)."
        )
    if not 1 <= answer <= len(val_loss):
        raise Wrong(
            f"This history has {len(val_loss)} epochs, numbered 1 to {len(val_loss)}; {answer} is not one of them."
        )
    raise Wrong(
        f"The validation loss at epoch {answer} is {val_loss[answer - 1]:.3f}, but it is lower at another epoch."
    )


q3 = Question(
    "Question 3 (the best epoch)",
    _check_q3,
    hints=[
        'history.history["val_loss"] is a list with one validation loss per epoch. Find the position of its smallest value.',
        "np.argmin gives the position counted from 0; epochs are counted from 1. "
        'best_epoch = int(np.argmin(even_odd_history.history["val_loss"])) + 1',
    ],
)


# ---------------------------------------------------------------------------------------------
# Question 4: softmax in NumPy
# ---------------------------------------------------------------------------------------------

_SCORES = np.array([[2.0, 1.0, 0.1, -1.0], [0.0, 0.0, 0.0, 0.0], [-3.0, 4.0, 1.5, 0.5]])
_LARGE_SCORES = np.array([[1000.0, 1001.0, 1002.0, 999.0], [-1000.0, -999.0, -1002.0, -1000.0]])


def _softmax_reference(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    exps = np.exp(shifted)
    return exps / exps.sum(axis=1, keepdims=True)


def _call_softmax(function: Callable[..., Any], scores: np.ndarray) -> np.ndarray:
    try:
        output = call_learner(function, scores.copy(), name="softmax", shown=f"scores of shape {scores.shape}")
    except Wrong as error:
        if "broadcast" not in str(error):
            raise
        raise Wrong(
            f"{error} The row sums have shape (3,); keep them as a column, .sum(axis=1, keepdims=True), so each "
            "row is divided by its own sum."
        ) from None
    if output is None:
        raise Wrong("softmax returned None: did it forget to return its result?")
    if hasattr(output, "numpy") and callable(output.numpy):
        output = output.numpy()
    try:
        return np.asarray(output, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(f"softmax should return an array of numbers, but it returned {describe(output)}.") from None


def _check_q4(softmax: Any) -> str:
    softmax = expect_callable(softmax, "softmax")
    takes_args(softmax, 1, "softmax", "softmax(scores)")
    output = _call_softmax(softmax, _SCORES)
    if output.shape != _SCORES.shape:
        raise Wrong(
            f"For scores of shape {_SCORES.shape} (3 examples, 4 classes) softmax returned shape {output.shape}. "
            "It should return one probability per score, in an array of the same shape."
        )
    if not np.all(np.isfinite(output)):
        raise Wrong(non_finite_message(output, "softmax(scores) for small scores such as [[2, 1, 0.1, -1], ...]"))
    if np.allclose(output, 1 / (1 + np.exp(-_SCORES))):
        raise Wrong(
            "That is the sigmoid of each score, which ignores the other scores. Softmax divides e^z by a sum over the row."
        )
    if np.isclose(output.sum(), 1) and not np.allclose(output.sum(axis=1), 1):
        raise Wrong(
            "All the outputs together sum to 1, but each row should: every example gets its own distribution. "
            "Sum along the rows only: .sum(axis=1, keepdims=True)."
        )
    if np.allclose(output.sum(axis=0), 1) and not np.allclose(output.sum(axis=1), 1):
        raise Wrong("Each column sums to 1, but each row should (one row per example): sum with axis=1, not axis=0.")
    if not np.allclose(output, _softmax_reference(_SCORES), atol=1e-6):
        raise Wrong(
            "On the scores [[2, 1, 0.1, -1], ...] your softmax gives "
            f"{np.round(output[0], 3).tolist()} for the first row, but softmax gives "
            f"{np.round(_softmax_reference(_SCORES)[0], 3).tolist()}: e^z divided by the row's sum of e^z."
        )
    large = _call_softmax(softmax, _LARGE_SCORES)
    if large.shape != _LARGE_SCORES.shape or not np.all(np.isfinite(large)):
        raise Wrong(
            "It works on small scores, but on scores such as [1000, 1001, 1002, 999] or [-1000, -999, -1002, -1000] "
            "it returns NaN or infinity: e^1000 overflows and e^-1000 rounds to 0. Subtract each row's own largest "
            "score first, z - z.max(axis=1, keepdims=True); that does not change the result."
        )
    if not np.allclose(large, _softmax_reference(_LARGE_SCORES), atol=1e-6):
        raise Wrong(
            "On scores such as [1000, 1001, 1002, 999] the result is off. Subtract each row's own largest score, "
            "z - z.max(axis=1, keepdims=True), before np.exp."
        )
    return "Rows sum to 1, and large scores do not overflow."


q4 = Question(
    "Question 4 (softmax in NumPy)",
    _check_q4,
    hints=[
        "softmax(z)_k = e^(z_k) / sum over j of e^(z_j), computed separately for each row. np.exp and .sum(axis=1, "
        "keepdims=True) do it for all rows at once.",
        "e^1000 is too large for a float. Since softmax(z) = softmax(z - c) for any number c, subtract each row's "
        "maximum before np.exp.",
    ],
)


# ---------------------------------------------------------------------------------------------
# Question 5: ten classes with integer labels, predictions by argmax
# ---------------------------------------------------------------------------------------------


def _check_q5(digit_model: Any, y_pred: Any) -> str:
    model = digit_model
    model = expect_keras_model(model, what="digit_model")
    digits = _digits("digit")
    X_test, y_test = digits.X_test, digits.y_test
    probabilities = _predict(model, X_test, "digit_model")
    if probabilities.ndim != 2 or probabilities.shape[1] != 10:
        raise Wrong(
            f"digit_model gives outputs of shape {probabilities.shape[1:]} per image; ten classes need ten outputs: "
            'end with layers.Dense(10, activation="softmax").'
        )
    if probabilities.min() < 0 or not np.allclose(probabilities.sum(axis=1), 1, atol=1e-3):
        raise Wrong(
            "digit_model's ten outputs are not probabilities that sum to 1 for each image: give the last layer "
            'activation="softmax".'
        )
    reported = _compiled_loss(model, X_test, y_test)
    if reported is None:
        raise Wrong(
            "digit_model cannot compute its loss from integer labels such as 3 or 7: it was compiled for one-hot "
            'labels. This question asks for the integer labels and loss="sparse_categorical_crossentropy".'
        )
    picked = np.clip(probabilities[np.arange(len(y_test)), y_test], 1e-7, 1.0)
    if not _close(reported, float(-np.log(picked).mean())):
        raise Wrong(
            "digit_model's loss does not behave like cross-entropy on integer labels: compile it with "
            'loss="sparse_categorical_crossentropy".'
        )
    if y_pred is None:
        raise Wrong("y_pred is None. It should hold one predicted digit per test image.")
    predicted = np.asarray(y_pred.numpy() if hasattr(y_pred, "numpy") else y_pred)
    if predicted.shape == probabilities.shape:
        raise Wrong(
            f"y_pred has shape {predicted.shape}: those are the ten probabilities of each image. The predicted "
            "class is the position of the largest one: .argmax(axis=1)."
        )
    if predicted.shape == (10,):
        raise Wrong(
            "y_pred has 10 values, one per class: the argmax ran down the columns (axis=0). Take it along each "
            f"row, axis=1, to get one digit for each of the {len(y_test)} test images."
        )
    if predicted.shape != y_test.shape:
        raise Wrong(
            f"y_pred should have shape ({len(y_test)},), one digit per test image, but it is {describe(y_pred)}."
        )
    if predicted.dtype.kind not in "iu" and not np.array_equal(predicted, np.round(predicted)):
        raise Wrong("y_pred should hold whole class numbers 0-9, not probabilities: use .argmax(axis=1).")
    if not np.isin(predicted, np.arange(10)).all():
        raise Wrong("y_pred should hold class numbers from 0 to 9.")
    agreement = float((predicted == probabilities.argmax(axis=1)).mean())
    if agreement < 0.99:
        raise Wrong(
            "y_pred does not match digit_model's own predictions for X_test. Predict on the test images, in their "
            "order, and take .argmax(axis=1)."
        )
    accuracy = float((predicted == y_test).mean())
    if accuracy < MIN_DIGITS_ACCURACY:
        raise Wrong(
            f"y_pred is right for {accuracy:.1%} of the test images; aim for at least {MIN_DIGITS_ACCURACY:.0%}. "
            "Train for more epochs, or give the hidden layers more neurons."
        )
    return f"Test accuracy {accuracy:.1%} on ten classes."


q5 = Question(
    "Question 5 (ten classes, integer labels)",
    _check_q5,
    hints=[
        'Keep the labels as integers and compile with loss="sparse_categorical_crossentropy". The last layer has '
        'ten units and activation="softmax".',
        "model.predict(X_test) gives one row of ten probabilities per image; .argmax(axis=1) gives the position of "
        "the largest in each row, which is the predicted digit.",
        "64-32-16-10 with ReLU hidden layers, Adam, 30 epochs with batch size 32 reaches about 95%.",
    ],
)


# ---------------------------------------------------------------------------------------------
# Question 6: a regression network that keeps its best epoch in a checkpoint
# ---------------------------------------------------------------------------------------------


def _check_q6(best_model: Any, regression_history: Any, checkpoint_path: Any) -> str:
    history = regression_history
    best_model = expect_keras_model(best_model, trained=False, what="best_model")
    if not isinstance(checkpoint_path, (str, os.PathLike)):
        raise Wrong(f"checkpoint_path should be the file's path, a string, but it is {describe(checkpoint_path)}.")
    path = Path(checkpoint_path)
    if path.suffix != ".keras":
        raise Wrong(
            f"The checkpoint file is named {path.name!r}; Keras saves whole models in the .keras format, so end its name in .keras."
        )
    if not path.is_file():
        raise Wrong(
            f"There is no file at {path}: the checkpoint was never written. Pass the ModelCheckpoint to fit with "
            "callbacks=[checkpoint], and validation data, so that it has a val_loss to monitor."
        )
    temporary = Path(tempfile.gettempdir()).resolve()
    if temporary not in path.resolve().parents:
        raise Wrong(
            f"{path} is not in a temporary folder. Make the folder with tempfile.mkdtemp(), so no files are left behind."
        )
    data = history_values(history, "regression_history")
    if "val_loss" not in data:
        raise Wrong("regression_history has no val_loss: train with validation_data=(X_val, y_val).")
    splits = _diabetes()
    predictions = _predict(best_model, splits.X_val, "best_model")
    if predictions.shape != (len(splits.X_val), 1):
        raise Wrong(
            f"best_model gives outputs of shape {predictions.shape[1:]} per patient; a regression network ends in "
            "one linear unit: layers.Dense(1)."
        )
    import keras

    try:
        reloaded = keras.models.load_model(path)
    except Exception as error:  # noqa: BLE001 - a file that is not a saved model
        raise Wrong(f"Keras cannot load {path.name} as a model: {one_line(error)}") from None
    if not np.allclose(_predict(reloaded, splits.X_val, "the saved model"), predictions, rtol=1e-4, atol=1e-3):
        raise Wrong(
            "best_model is not the model saved in checkpoint_path. After training, load it from the file: "
            "best_model = keras.models.load_model(checkpoint_path)."
        )
    errors = predictions.ravel() - splits.y_val
    # A penalised network (kernel_regularizer) reports its weight penalty inside val_loss: add it here too.
    penalty = float(sum(float(np.asarray(loss)) for loss in best_model.losses))
    mse = float(np.mean(errors**2)) + penalty
    val_loss = np.asarray(data["val_loss"])
    if not _close(mse, float(val_loss.min())):
        if _close(mse, float(val_loss[-1])):
            raise Wrong(
                f"best_model is the model of the last epoch, but the validation loss was lowest at epoch "
                f'{int(val_loss.argmin()) + 1}. Give ModelCheckpoint save_best_only=True and monitor="val_loss".'
            )
        matching = [epoch for epoch, value in enumerate(val_loss, start=1) if _close(mse, float(value))]
        if matching:
            raise Wrong(
                f"best_model is the model of epoch {matching[0]}, but the validation loss was lowest at epoch "
                f'{int(val_loss.argmin()) + 1}. Let ModelCheckpoint watch monitor="val_loss" (not a metric such as '
                '"val_mae") with save_best_only=True.'
            )
        if np.any([_close(float(np.mean(np.abs(errors))) + penalty, v) for v in val_loss]):
            raise Wrong(
                'The loss looks like the mean absolute error. The question asks for loss="mse", with "mae" as a metric.'
            )
        raise Wrong(
            "best_model's mean squared error on (X_val, y_val) matches no epoch of regression_history. Compile with "
            'loss="mse", validate on validation_data=(X_val, y_val), and reload the checkpoint of this same run.'
        )
    test_mae = float(np.mean(np.abs(_predict(best_model, splits.X_test, "best_model").ravel() - splits.y_test)))
    mean_mae = float(np.mean(np.abs(splits.y_test - splits.y_train.mean())))
    if test_mae >= mean_mae:
        raise Wrong(
            f"The checkpoint is right, but its test MAE ({test_mae:.1f}) is no better than always predicting the "
            f"training mean ({mean_mae:.1f}). See the hints for settings that train well."
        )
    return (
        f"The best epoch was {int(val_loss.argmin()) + 1} of {len(val_loss)}; its test MAE is {test_mae:.1f}, against "
        f"{mean_mae:.1f} for always predicting the mean."
    )


q6 = Question(
    "Question 6 (regression with a checkpoint)",
    _check_q6,
    hints=[
        'keras.callbacks.ModelCheckpoint(checkpoint_path, monitor="val_loss", save_best_only=True) writes the model '
        "whenever the validation loss reaches a new low. Pass it to fit in callbacks=[...], with validation_data.",
        'The network: keras.Input(shape=(10,)), one or two Dense hidden layers with "relu", and layers.Dense(1). '
        'Compile with keras.optimizers.SGD(learning_rate=0.001), loss="mse", metrics=["mae"].',
        "Plain SGD struggles when a new network's outputs (near 0) are far from the targets (near 150): start the "
        "output bias at the mean, layers.Dense(1, bias_initializer=keras.initializers.Constant(y_train_r.mean())).",
    ],
)
