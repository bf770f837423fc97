"""Training recipes that more than one lesson uses, written once.

- :func:`fashion_images`: Fashion-MNIST pixels (0-255) as float32 in [0, 1], with a channel axis
  when a convolutional model wants one.
- :func:`cosine_schedule` and :func:`cosine_adam`: a cosine learning-rate schedule with an optional
  warm-up, and Adam following it.
- :func:`dense_fashion_model` and :func:`train_dense_fashion`: lesson 7's dense network
  (Flatten, 256 and 128 ReLU units, softmax) and its training (15 epochs of batches of 128, the
  last 10% of the training images for validation, Adam with a cosine schedule from 0.001), so a
  later lesson can compare against the same model.
- :func:`fit_with_cosine`: compile a classifier with that optimiser and train it, 10% held out.
- :class:`EpochTimer`: a Keras callback that records how many seconds each epoch took.

Importing this module imports Keras (and TensorFlow).
"""

from __future__ import annotations

import math
import time
from typing import Any

import keras
import numpy as np

from nncourse.errors import CourseError, describe

__all__ = [
    "DENSE_EPOCHS",
    "DENSE_BATCH_SIZE",
    "VALIDATION_SPLIT",
    "fashion_images",
    "cosine_schedule",
    "cosine_adam",
    "dense_fashion_model",
    "fit_with_cosine",
    "train_dense_fashion",
    "EpochTimer",
]

#: Lesson 7's dense recipe: 15 epochs of batches of 128, the last 10% held out for validation.
DENSE_EPOCHS = 15
DENSE_BATCH_SIZE = 128
VALIDATION_SPLIT = 0.1


def fashion_images(images: Any, channel_axis: bool = True) -> np.ndarray:
    """Scale a stack of 0-255 grey images to float32 in [0, 1].

    Args:
        images: uint8 (or any numeric) array of shape (n, height, width), e.g. Fashion-MNIST's.
        channel_axis: add a last axis of size 1, giving (n, height, width, 1): the 4-D tensor a
            ``Conv2D`` layer takes (images, rows, columns, channels).

    Returns:
        A new float32 array; the input is not changed.
    """
    array = np.asarray(images)
    if array.dtype == object or not np.issubdtype(array.dtype, np.number) or array.ndim != 3:
        raise CourseError(f"Expected a stack of grey images of shape (n, height, width), got {describe(images)}.")
    scaled = array.astype("float32") / 255
    return scaled[..., np.newaxis] if channel_axis else scaled


def cosine_schedule(
    epochs: int,
    steps_per_epoch: int,
    learning_rate: float = 1e-3,
    warmup_epochs: int = 0,
) -> Any:
    """A cosine learning-rate schedule, optionally after a linear warm-up.

    With ``warmup_epochs=0`` the rate starts at ``learning_rate`` and shrinks along half a cosine
    to zero at the last step. With a warm-up, it first climbs linearly from a tenth of
    ``learning_rate`` to ``learning_rate`` over ``warmup_epochs`` epochs, then decays.

    Args:
        epochs: the number of epochs the model will be trained for.
        steps_per_epoch: batches per epoch, ``ceil(training examples / batch size)``.
        learning_rate: the peak learning rate.
        warmup_epochs: epochs of linear warm-up at the start.

    Returns:
        A ``keras.optimizers.schedules.CosineDecay``: call it with a step number to read the rate.
    """
    for name, value in (("epochs", epochs), ("steps_per_epoch", steps_per_epoch)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise CourseError(f"{name} must be a whole number of at least 1, got {value!r}.")
    if (
        isinstance(warmup_epochs, bool)
        or not isinstance(warmup_epochs, (int, np.integer))
        or not 0 <= warmup_epochs < epochs
    ):
        raise CourseError(
            f"warmup_epochs must be a whole number from 0 to epochs - 1 ({epochs - 1}), got {warmup_epochs!r}."
        )
    warmup_steps = int(warmup_epochs * steps_per_epoch)
    decay_steps = int(epochs * steps_per_epoch) - warmup_steps
    if warmup_steps:
        return keras.optimizers.schedules.CosineDecay(
            initial_learning_rate=learning_rate / 10,
            decay_steps=decay_steps,
            warmup_target=learning_rate,
            warmup_steps=warmup_steps,
        )
    return keras.optimizers.schedules.CosineDecay(initial_learning_rate=learning_rate, decay_steps=decay_steps)


def cosine_adam(epochs: int, steps_per_epoch: int, learning_rate: float = 1e-3, warmup_epochs: int = 0) -> Any:
    """Adam whose learning rate follows :func:`cosine_schedule` (same arguments); pass it to ``compile``."""
    return keras.optimizers.Adam(learning_rate=cosine_schedule(epochs, steps_per_epoch, learning_rate, warmup_epochs))


def dense_fashion_model(input_shape: tuple[int, ...] = (28, 28)) -> Any:
    """Lesson 7's dense network for Fashion-MNIST: Flatten, Dense 256 and 128 (ReLU), Dense 10 (softmax).

    ``input_shape`` is one image's shape: (28, 28), or (28, 28, 1) for the 4-D tensors of a CNN.
    The model is returned uncompiled; :func:`train_dense_fashion` compiles and trains it.
    """
    return keras.Sequential(
        [
            keras.Input(shape=tuple(input_shape)),
            keras.layers.Flatten(),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ],
        name="dense_256_128",
    )


def fit_with_cosine(
    model: Any,
    x_train: Any,
    y_train: Any,
    epochs: int,
    batch_size: int,
    learning_rate: float = 1e-3,
    warmup_epochs: int = 0,
    callbacks: list[Any] | None = None,
) -> Any:
    """Compile a classifier with :func:`cosine_adam` and train it, keeping the last 10% for validation.

    The loss is sparse categorical cross-entropy (integer labels) and accuracy is tracked.
    Training is silent (``verbose=0``).

    Returns:
        What ``fit`` returns: a History with ``loss``, ``accuracy``, ``val_loss`` and ``val_accuracy``.
    """
    x_train = np.asarray(x_train)
    if x_train.ndim < 2 or len(x_train) != len(np.asarray(y_train)):
        raise CourseError(f"Expected one label per training example; got {describe(x_train)} and {describe(y_train)}.")
    steps = math.ceil((1 - VALIDATION_SPLIT) * len(x_train) / batch_size)
    model.compile(
        optimizer=cosine_adam(epochs, steps, learning_rate, warmup_epochs),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model.fit(
        x_train,
        y_train,
        epochs=epochs,
        batch_size=batch_size,
        validation_split=VALIDATION_SPLIT,
        verbose=0,
        callbacks=callbacks or [],
    )


def train_dense_fashion(
    x_train: Any,
    y_train: Any,
    epochs: int = DENSE_EPOCHS,
    batch_size: int = DENSE_BATCH_SIZE,
    seed: int | None = 0,
    callbacks: list[Any] | None = None,
) -> tuple[Any, Any]:
    """Build and train lesson 7's dense model on scaled Fashion-MNIST images.

    Args:
        x_train: training images scaled to [0, 1], (n, 28, 28) or (n, 28, 28, 1).
        y_train: integer labels 0-9.
        epochs, batch_size: lesson 7 uses 15 and 128.
        seed: seeds Python, NumPy and Keras first (``None`` leaves the seed alone).
        callbacks: extra Keras callbacks, e.g. an :class:`EpochTimer`.

    Returns:
        ``(model, history)``: the trained model and what ``fit`` returned. The last 10% of the
        training images were used for validation, not for training.
    """
    from nncourse.repro import set_seed

    x_train = np.asarray(x_train)
    if x_train.ndim not in (3, 4):
        raise CourseError(f"Expected images of shape (n, 28, 28) or (n, 28, 28, 1), got {describe(x_train)}.")
    if seed is not None:
        set_seed(seed)
    model = dense_fashion_model(x_train.shape[1:])
    history = fit_with_cosine(model, x_train, y_train, epochs, batch_size, callbacks=callbacks)
    return model, history


class EpochTimer(keras.callbacks.Callback):
    """A Keras callback that records the wall-clock seconds of every epoch.

    Pass ``timer = EpochTimer()`` in ``fit(..., callbacks=[timer])``; afterwards ``timer.seconds``
    holds one entry per epoch and ``timer.per_epoch`` their median (the first epoch, which also
    traces the model into a TensorFlow graph, is usually the slowest).
    """

    def __init__(self) -> None:
        super().__init__()
        self.seconds: list[float] = []
        self._start = 0.0

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        self.seconds.append(time.perf_counter() - self._start)

    @property
    def per_epoch(self) -> float:
        """The median seconds per epoch."""
        if not self.seconds:
            raise CourseError("No epoch has been timed yet: pass the timer to fit(..., callbacks=[timer]).")
        return float(np.median(self.seconds))
