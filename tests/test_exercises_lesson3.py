"""Unit tests of the lesson 3 exercise checks: reference answers pass, plausible mistakes fail
with a message that says what is wrong, and bad input gets a sentence rather than a traceback.

Training is kept tiny. Question 2 is checked with its prescribed training patched down to one
epoch of two batches (the solution notebook, run by tests/test_notebooks.py, checks the real 50
epochs of batches of 10). Models that only need to have been trained for a check to reach the
mistake under test take a step or two, compiled with run_eagerly=True: for a handful of steps,
tracing a TensorFlow graph costs more than it saves.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from nncourse.exercises import lesson3  # noqa: E402
from nncourse.exercises.core import CORRECT, NOT_ATTEMPTED  # noqa: E402
from nncourse.exercises.lesson3 import diabetes_splits, q1, q2, q3, q4, q5, q6  # noqa: E402
from nncourse.repro import set_seed  # noqa: E402

layers = keras.layers


from checktools import assert_wrong  # noqa: E402 - after the importorskip above

# ---------------------------------------------------------------------------------------------
# Question 1
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def photo():
    from sklearn.datasets import load_sample_image

    return load_sample_image("china.jpg")


def test_q1_reference_and_equivalent_answers_pass(photo):
    assert q1.evaluate(photo.reshape(-1, 3), photo[np.newaxis]).status == CORRECT
    other_way = photo.transpose(2, 0, 1).reshape(3, -1).T
    assert q1.evaluate(other_way, np.expand_dims(photo, 0)).status == CORRECT


def test_q1_plausible_mistakes(photo):
    batch = photo[np.newaxis]
    assert_wrong(q1.evaluate(photo.reshape(-1), batch), "flat", "reshape(-1, 3)")
    assert_wrong(q1.evaluate(photo.reshape(3, -1), batch), "one row per channel")
    assert_wrong(q1.evaluate(photo.reshape(3, -1).T, batch), "mixed up")
    pixels = photo.reshape(-1, 3)
    assert_wrong(q1.evaluate(pixels, photo), "axis in front")
    assert_wrong(q1.evaluate(pixels, photo[..., np.newaxis]), "at the end")
    assert_wrong(q1.evaluate(pixels, np.zeros((1, 427, 640, 3))), "not the photo")


def test_q1_bad_input(photo):
    assert_wrong(q1.evaluate(None, photo[np.newaxis]), "None")
    assert_wrong(q1.evaluate(photo.reshape(-1, 3), "photo"), "array of numbers")
    assert q1.evaluate(..., ...).status == NOT_ATTEMPTED


# ---------------------------------------------------------------------------------------------
# Question 2 (epochs patched to 1 to keep the tests fast)
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def odd():
    from nncourse.data import load_digits_splits

    return load_digits_splits(target="odd", val_size=0.2)


def even_odd(
    odd,
    hidden="relu",
    output="sigmoid",
    units=(12, 8, 1),
    loss="binary_crossentropy",
    optimizer="rmsprop",
    epochs=1,
    batch_size=540,
    validation=True,
    fits=1,
    n=None,
):
    """An even/odd model and its History; n limits the training images (validation is skipped with it)."""
    set_seed(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            layers.Dense(units[0], activation=hidden),
            layers.Dense(units[1], activation=hidden),
            layers.Dense(units[2], activation=output),
        ]
    )
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"], run_eagerly=True)
    X, y = odd.X_train[:n], odd.y_train[:n]
    validation = validation and n is None
    extra = {"validation_data": (odd.X_val, odd.y_val), "validation_batch_size": 360} if validation else {}
    for _ in range(fits):
        history = model.fit(X, y, epochs=epochs, batch_size=batch_size, verbose=0, **extra)
    return model, history


@pytest.fixture
def one_epoch(monkeypatch):
    """Question 2 as if it asked for 1 epoch of batches of 540 (2 updates) and any accuracy."""
    monkeypatch.setattr(lesson3, "EVEN_ODD_EPOCHS", 1)
    monkeypatch.setattr(lesson3, "EVEN_ODD_BATCH_SIZE", 540)
    monkeypatch.setattr(lesson3, "MIN_EVEN_ODD_ACCURACY", 0.0)


@pytest.fixture(scope="module")
def reference_even_odd(odd):
    return even_odd(odd)


def test_q2_reference_passes(one_epoch, reference_even_odd):
    model, history = reference_even_odd
    result = q2.evaluate(model, history)
    assert result.status == CORRECT, result
    assert "893 parameters" in result.message


def test_q2_wrong_architecture(one_epoch, odd):
    assert_wrong(q2.evaluate(*even_odd(odd, units=(16, 8, 1), n=20)), "64-16-8-1")
    assert_wrong(q2.evaluate(*even_odd(odd, hidden="sigmoid", n=20)), "relu")
    assert_wrong(q2.evaluate(*even_odd(odd, output="relu", n=20)), "sigmoid")
    assert_wrong(
        q2.evaluate(*even_odd(odd, units=(12, 8, 2), output="softmax", loss="sparse_categorical_crossentropy", n=20)),
        "64-12-8-2",
    )


def test_q2_wrong_loss_or_optimizer(one_epoch, odd):
    assert_wrong(q2.evaluate(*even_odd(odd, loss="mse", n=20)), "binary cross-entropy")
    assert_wrong(q2.evaluate(*even_odd(odd, optimizer="adam", n=20)), "Adam", "rmsprop")


def test_q2_wrong_training(one_epoch, odd):
    assert_wrong(q2.evaluate(*even_odd(odd, batch_size=1077)), "updates per epoch", "batch_size = 540")
    assert_wrong(q2.evaluate(*even_odd(odd, batch_size=270)), "more than once", "smaller than 540")
    assert_wrong(q2.evaluate(*even_odd(odd, validation=False)), "validation_data")
    assert_wrong(q2.evaluate(*even_odd(odd, epochs=2)), "2 epochs", "epochs = 1")
    assert_wrong(q2.evaluate(*even_odd(odd, fits=2)), "more than once", "fresh weights")


def test_q2_accuracy_is_checked(one_epoch, monkeypatch, reference_even_odd):
    monkeypatch.setattr(lesson3, "MIN_EVEN_ODD_ACCURACY", 0.999)
    assert_wrong(q2.evaluate(*reference_even_odd), "test accuracy is only")


def test_q2_bad_input(one_epoch, reference_even_odd):
    model, history = reference_even_odd
    assert_wrong(q2.evaluate(history, model), "History", "not the model")
    assert_wrong(q2.evaluate(None, history), "None")
    untrained = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            layers.Dense(12, activation="relu"),
            layers.Dense(8, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    assert_wrong(q2.evaluate(untrained, history), "never compiled")
    untrained.compile(optimizer="rmsprop", loss="binary_crossentropy")
    assert_wrong(q2.evaluate(untrained, history), "untrained")
    assert_wrong(q2.evaluate(model, None), "None")
    assert q2.evaluate(..., ...).status == NOT_ATTEMPTED


# ---------------------------------------------------------------------------------------------
# Question 3
# ---------------------------------------------------------------------------------------------

HISTORY = {"loss": [0.6, 0.4, 0.3, 0.2, 0.1], "val_loss": [0.7, 0.5, 0.35, 0.4, 0.45]}


def test_q3_reference_passes(reference_even_odd):
    assert q3.evaluate(HISTORY, 3).status == CORRECT
    assert q3.evaluate(HISTORY, np.int64(3)).status == CORRECT
    history = reference_even_odd[1]
    assert q3.evaluate(history, int(np.argmin(history.history["val_loss"])) + 1).status == CORRECT


def test_q3_plausible_mistakes():
    assert_wrong(q3.evaluate(HISTORY, 2), "counted from 0", "add 1")
    assert_wrong(q3.evaluate(HISTORY, 5), "training")
    assert_wrong(q3.evaluate(HISTORY, 1), "highest", "argmin")
    assert_wrong(q3.evaluate(HISTORY, 4), "lower at another epoch")
    assert_wrong(q3.evaluate(HISTORY, 9), "numbered 1 to 5")
    assert_wrong(q3.evaluate(HISTORY, 2.5), "whole number")


def test_q3_bad_input():
    assert_wrong(q3.evaluate(None, 3), "None")
    assert_wrong(q3.evaluate({"loss": [0.5, 0.4]}, 2), "no val_loss")
    assert_wrong(q3.evaluate(HISTORY, None), "None")
    assert_wrong(q3.evaluate(HISTORY, "3"), "number")
    assert q3.evaluate(HISTORY, ...).status == NOT_ATTEMPTED


# ---------------------------------------------------------------------------------------------
# Question 4
# ---------------------------------------------------------------------------------------------


def reference_softmax(scores):
    shifted = scores - scores.max(axis=1, keepdims=True)
    exps = np.exp(shifted)
    return exps / exps.sum(axis=1, keepdims=True)


def test_q4_reference_and_library_answers_pass():
    from scipy.special import softmax as scipy_softmax

    assert q4.evaluate(reference_softmax).status == CORRECT
    assert q4.evaluate(lambda z: scipy_softmax(z, axis=1)).status == CORRECT
    assert q4.evaluate(lambda z: keras.ops.softmax(z, axis=-1)).status == CORRECT


def test_q4_plausible_mistakes():
    assert_wrong(q4.evaluate(lambda z: np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)), "overflow", "subtract")
    assert_wrong(q4.evaluate(lambda z: np.exp(z) / np.exp(z).sum()), "each row", "axis=1")
    assert_wrong(q4.evaluate(lambda z: np.exp(z) / np.exp(z).sum(axis=0)), "axis=1, not axis=0")
    assert_wrong(q4.evaluate(lambda z: 1 / (1 + np.exp(-z))), "sigmoid")
    assert_wrong(q4.evaluate(lambda z: np.exp(z) / np.exp(z).sum(axis=1)), "ValueError")  # no keepdims: (3, 4) / (3,)
    global_max = lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(axis=1, keepdims=True)  # noqa: E731
    assert_wrong(q4.evaluate(global_max), "each row's own largest score")


def test_q4_bad_input():
    assert_wrong(q4.evaluate(None), "None")
    assert_wrong(q4.evaluate(reference_softmax(np.ones((2, 3)))), "function")
    assert_wrong(q4.evaluate(lambda z: None), "return")
    assert_wrong(q4.evaluate(lambda z: z.sum(axis=1)), "same shape")
    assert q4.evaluate(lambda z: ...).status == NOT_ATTEMPTED
    assert q4.evaluate(...).status == NOT_ATTEMPTED


# ---------------------------------------------------------------------------------------------
# Question 5
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits():
    from nncourse.data import load_digits_splits

    return load_digits_splits(target="digit", val_size=0.2)


def digit_model(
    digits,
    output="softmax",
    units=10,
    loss="sparse_categorical_crossentropy",
    epochs=1,
    onehot=False,
    n=None,
    eager=True,
):
    set_seed(0)
    model = keras.Sequential(
        [keras.Input(shape=(64,)), layers.Dense(32, activation="relu"), layers.Dense(units, activation=output)]
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss=loss, run_eagerly=eager)
    y = keras.utils.to_categorical(digits.y_train, 10) if onehot else digits.y_train
    model.fit(digits.X_train[:n], y[:n], epochs=epochs, batch_size=64, verbose=0)
    return model


@pytest.fixture(scope="module")
def reference_digits(digits):
    model = digit_model(digits, epochs=6, eager=False)
    return model, np.asarray(model.predict(digits.X_test, verbose=0))


def test_q5_reference_passes(digits, reference_digits):
    model, probabilities = reference_digits
    result = q5.evaluate(model, probabilities.argmax(axis=1))
    assert result.status == CORRECT, result
    assert q5.evaluate(model, list(probabilities.argmax(axis=1))).status == CORRECT


def test_q5_plausible_mistakes_in_y_pred(digits, reference_digits):
    model, probabilities = reference_digits
    assert_wrong(q5.evaluate(model, probabilities), "argmax(axis=1)")
    assert_wrong(q5.evaluate(model, probabilities.argmax(axis=0)), "axis=0")
    assert_wrong(q5.evaluate(model, np.roll(probabilities.argmax(axis=1), 1)), "in their order")
    assert_wrong(q5.evaluate(model, probabilities.max(axis=1)), "whole class numbers")
    assert_wrong(q5.evaluate(model, probabilities.argmax(axis=1)[:100]), "one digit per test image")


def test_q5_plausible_mistakes_in_the_model(digits):
    guesses = np.zeros(360, dtype=int)
    assert_wrong(q5.evaluate(digit_model(digits, output="sigmoid", n=64), guesses), "softmax")
    assert_wrong(q5.evaluate(digit_model(digits, units=1, output="linear", loss="mse", n=64), guesses), "ten outputs")
    onehot = digit_model(digits, loss="categorical_crossentropy", onehot=True, n=64)
    assert_wrong(q5.evaluate(onehot, guesses), "integer labels", "sparse_categorical_crossentropy")


def test_q5_low_accuracy(digits, monkeypatch, reference_digits):
    model, probabilities = reference_digits
    monkeypatch.setattr(lesson3, "MIN_DIGITS_ACCURACY", 0.9999)
    assert_wrong(q5.evaluate(model, probabilities.argmax(axis=1)), "aim for at least")


def test_q5_bad_input(digits, reference_digits):
    model, probabilities = reference_digits
    assert_wrong(q5.evaluate(None, probabilities.argmax(axis=1)), "None")
    assert_wrong(q5.evaluate(model, None), "None")
    wrong_input = keras.Sequential(
        [keras.Input(shape=(8, 8)), layers.Flatten(), layers.Dense(10, activation="softmax")]
    )
    wrong_input.compile(optimizer="adam", loss="sparse_categorical_crossentropy", run_eagerly=True)
    wrong_input.fit(digits.X_train[:10].reshape(-1, 8, 8), digits.y_train[:10], verbose=0)
    assert_wrong(q5.evaluate(wrong_input, probabilities.argmax(axis=1)), "keras.Input(shape=(64,))")
    assert q5.evaluate(model, ...).status == NOT_ATTEMPTED


# ---------------------------------------------------------------------------------------------
# Question 6
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def diabetes():
    return diabetes_splits()


def regression(diabetes, path, loss="mse", epochs=5, best_only=True, output_units=1):
    set_seed(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(10,)),
            layers.Dense(16, activation="relu"),
            layers.Dense(output_units, bias_initializer=keras.initializers.Constant(diabetes.y_train.mean())),
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.001), loss=loss, metrics=["mae"])
    checkpoint = keras.callbacks.ModelCheckpoint(path, monitor="val_loss", save_best_only=best_only)
    history = model.fit(
        diabetes.X_train,
        diabetes.y_train,
        epochs=epochs,
        batch_size=32,
        validation_data=(diabetes.X_val, diabetes.y_val),
        callbacks=[checkpoint],
        verbose=0,
    )
    return model, history


@pytest.fixture(scope="module")
def folder():
    path = tempfile.mkdtemp()
    yield path
    shutil.rmtree(path)


@pytest.fixture(scope="module")
def reference_regression(diabetes, folder):
    path = os.path.join(folder, "best.keras")
    model, history = regression(diabetes, path)
    return keras.models.load_model(path), history, path, model


def test_q6_reference_passes(reference_regression):
    best, history, path, _ = reference_regression
    result = q6.evaluate(best, history, path)
    assert result.status == CORRECT, result
    assert "test MAE" in result.message


def test_diabetes_splits_are_standardised_copies(diabetes):
    assert diabetes.X_train.shape[1] == 10
    assert np.allclose(diabetes.X_train.mean(axis=0), 0, atol=1e-5)
    again = diabetes_splits()
    again.X_train[:] = 0
    assert not np.allclose(diabetes_splits().X_train, 0)


def test_q6_last_epoch_instead_of_best(reference_regression, diabetes):
    best, history, path, _ = reference_regression
    mse = float(np.mean((best.predict(diabetes.X_val, verbose=0).ravel() - diabetes.y_val) ** 2))
    fake = {"loss": [1.0, 1.0], "val_loss": [mse / 2, mse]}  # the model passed is the last epoch's
    assert_wrong(q6.evaluate(best, fake, path), "last epoch", "save_best_only=True")


def test_q6_model_not_reloaded_from_the_file(reference_regression, folder, diabetes):
    _, history, path, trained = reference_regression
    other_path = os.path.join(folder, "other.keras")
    other, _ = regression(diabetes, other_path, epochs=1)
    assert_wrong(q6.evaluate(other, history, path), "not the model saved")


def test_q6_mae_loss(diabetes, folder):
    path = os.path.join(folder, "mae.keras")
    history = regression(diabetes, path, loss="mae", epochs=2)[1]
    assert_wrong(q6.evaluate(keras.models.load_model(path), history, path), "mean absolute error")


def test_q6_bad_paths(reference_regression, folder, monkeypatch):
    best, history, path, _ = reference_regression
    assert_wrong(q6.evaluate(best, history, os.path.join(folder, "best.h5")), ".keras")
    assert_wrong(q6.evaluate(best, history, os.path.join(folder, "missing.keras")), "never written")
    assert_wrong(q6.evaluate(best, history, 42), "path")
    monkeypatch.setattr(lesson3.tempfile, "gettempdir", lambda: os.path.join(os.sep, "elsewhere"))
    assert_wrong(q6.evaluate(best, history, path), "temporary folder")


def test_q6_bad_input(reference_regression):
    best, history, path, _ = reference_regression
    assert_wrong(q6.evaluate(None, history, path), "None")
    assert_wrong(q6.evaluate(history, best, path), "History")
    assert_wrong(q6.evaluate(best, None, path), "None")
    assert_wrong(q6.evaluate(best, {"loss": [1.0]}, path), "val_loss")
    assert q6.evaluate(..., history, path).status == NOT_ATTEMPTED


# ------------------------------------------------------------------ round 2 (issue 12)

from checktools import assert_correct, reference  # noqa: E402


def test_q5_a_penalised_network_and_the_functional_api_pass(digits):
    set_seed(0)
    inputs = keras.Input(shape=(64,))
    hidden = layers.Dense(32, activation="relu", kernel_regularizer=keras.regularizers.L2(1e-3))(inputs)
    outputs = layers.Dense(10, activation="softmax")(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01), loss=keras.losses.SparseCategoricalCrossentropy()
    )
    model.fit(digits.X_train, digits.y_train, epochs=6, batch_size=64, verbose=0)
    y_pred = np.argmax(model.predict(digits.X_test, verbose=0), axis=-1)
    assert_correct(q5.evaluate(model, y_pred))
    assert_correct(q5.evaluate(model, list(y_pred)))


def test_q1_q3_q4_reference_answers_from_the_solution_notebook_pass(photo):
    ns = reference(q1, photo=photo, np=np)
    assert_correct(q1.evaluate(ns["pixels"], ns["batch"]))
    ns = reference(q4, np=np)
    assert_correct(q4.evaluate(ns["softmax"]))
    history = {"loss": [0.9, 0.5, 0.4], "val_loss": [0.8, 0.4, 0.6]}
    even_odd_history = type("H", (), {"history": history})()
    ns = reference(q3, np=np, even_odd_history=even_odd_history)
    assert_correct(q3.evaluate(history, ns["best_epoch"]))


# ------------------------------------------------------------------ round 3 (issue 12: tried as learners would)


def test_q1_other_correct_answers(photo):
    import tensorflow as tf

    assert_correct(q1.evaluate(np.reshape(photo, (427 * 640, 3)), photo.reshape(1, *photo.shape)))
    assert_correct(q1.evaluate(tf.reshape(photo, (-1, 3)), tf.expand_dims(photo, 0)))
    assert_correct(q1.evaluate(photo.reshape(-1, 3).astype("float32"), np.array([photo])))


def test_q1_scaled_values_are_named(photo):
    assert_wrong(q1.evaluate(photo.reshape(-1, 3) / 255, photo[np.newaxis]), "divided by 255")
    assert_wrong(q1.evaluate(photo.reshape(-1, 3), photo[np.newaxis] / 255.0), "divided by 255")
    assert_wrong(q1.evaluate(photo.reshape(-1, 3, order="F"), photo[np.newaxis]), "mixed up")
    assert_wrong(q1.evaluate(photo.reshape(-1, 3)), "q1.check(pixels, batch)")


def even_odd_built(odd, build):
    """Train ``build()`` as question 2 prescribes, patched to one epoch of two batches."""
    set_seed(0)
    model = build()
    model.compile(
        optimizer=keras.optimizers.RMSprop(),
        loss=keras.losses.BinaryCrossentropy(),
        metrics=["accuracy"],
        run_eagerly=True,
    )
    history = model.fit(
        odd.X_train, odd.y_train, epochs=1, batch_size=540, validation_data=(odd.X_val, odd.y_val), verbose=0
    )
    return model, history


def test_q2_activation_layers_and_the_functional_api_pass(one_epoch, odd):
    def separate_activations():
        return keras.Sequential(
            [
                keras.Input(shape=(64,)),
                layers.Dense(12),
                layers.Activation("relu"),
                layers.Dense(8),
                layers.ReLU(),
                layers.Dense(1),
                layers.Activation("sigmoid"),
            ]
        )

    def functional():
        inputs = keras.Input(shape=(64,))
        hidden = layers.Dense(12, activation=keras.activations.relu)(inputs)
        hidden = layers.Dense(8, activation="relu")(hidden)
        return keras.Model(inputs, layers.Dense(1, activation="sigmoid")(hidden))

    assert_correct(q2.evaluate(*even_odd_built(odd, separate_activations)))
    assert_correct(q2.evaluate(*even_odd_built(odd, functional)))


def test_q2_wrong_number_of_answers_names_the_call(reference_even_odd):
    assert_wrong(q2.evaluate(reference_even_odd[0]), "q2.check(even_odd_model, even_odd_history)")


def test_q3_other_correct_answers_and_mistakes():
    history = {**HISTORY, "val_accuracy": [0.5, 0.6, 0.7, 0.9, 0.8]}
    assert_correct(q3.evaluate(history, history["val_loss"].index(min(history["val_loss"])) + 1))
    assert_correct(q3.evaluate(type("History", (), {"history": history})(), np.float32(3.0)))
    assert_wrong(q3.evaluate(history, 4), "validation *accuracy*")
    assert_wrong(q3.evaluate(history, 0.35), "whole number")
    assert_wrong(q3.evaluate(3, history), "History")
    assert_wrong(q3.evaluate(history), "q3.check(even_odd_history, best_epoch)")


def test_q4_more_answers():
    from scipy.special import logsumexp

    assert_correct(q4.evaluate(lambda z: np.exp(z - logsumexp(z, axis=1, keepdims=True))))
    assert_correct(q4.evaluate(lambda z: np.array([np.exp(r - r.max()) / np.exp(r - r.max()).sum() for r in z])))
    assert_wrong(q4.evaluate(lambda z: np.exp(z) / np.exp(z).sum(axis=1)), "keepdims=True")
    assert_wrong(q4.evaluate(lambda z: z / z.sum(axis=1, keepdims=True)), "your computation")
    assert_wrong(q4.evaluate(lambda: None), "def softmax(scores)")


def test_q5_activation_layer_and_other_mistakes(digits):
    set_seed(0)
    model = keras.Sequential(
        [keras.Input(shape=(64,)), layers.Dense(32, activation="relu"), layers.Dense(10), layers.Softmax()]
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy")
    model.fit(digits.X_train, digits.y_train, epochs=6, batch_size=64, verbose=0)
    assert_correct(q5.evaluate(model, keras.ops.argmax(model(digits.X_test), axis=1)))
    y_pred = model.predict(digits.X_test, verbose=0).argmax(axis=-1)
    assert_correct(q5.evaluate(model, y_pred.astype(float)))
    assert_wrong(q5.evaluate(model, y_pred + 1), "from 0 to 9")
    assert_wrong(q5.evaluate(model, model.predict(digits.X_val, verbose=0).argmax(axis=1)), "test images")
    assert_wrong(q5.evaluate(model), "q5.check(digit_model, y_pred)")


def test_q6_penalised_networks_pass(diabetes, folder):
    """val_loss of a network with kernel_regularizer holds its penalty; the check must count it too."""
    from pathlib import Path

    set_seed(0)
    path = os.path.join(folder, "penalised.keras")
    inputs = keras.Input(shape=(10,))
    hidden = layers.Dense(16, activation="relu", kernel_regularizer=keras.regularizers.L2(1.0))(inputs)
    hidden = layers.Dropout(0.2)(hidden)
    bias = keras.initializers.Constant(diabetes.y_train.mean())
    outputs = layers.Dense(1, bias_initializer=bias, kernel_regularizer=keras.regularizers.L2(1.0))(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.001), loss="mse", metrics=["mae"])
    checkpoint = keras.callbacks.ModelCheckpoint(path, monitor="val_loss", save_best_only=True)
    history = model.fit(
        diabetes.X_train,
        diabetes.y_train,
        epochs=3,
        batch_size=32,
        verbose=0,
        validation_data=(diabetes.X_val, diabetes.y_val),
        callbacks=[checkpoint],
    )
    best = keras.saving.load_model(path)
    assert sum(float(loss) for loss in best.losses) > 10  # a penalty far above the check's tolerance
    assert_correct(q6.evaluate(best, history, Path(path)))


def test_q6_a_file_that_is_not_a_model(reference_regression, folder):
    best, history, _, _ = reference_regression
    junk = os.path.join(folder, "junk.keras")
    with open(junk, "w") as file:
        file.write("not a model")
    assert_wrong(q6.evaluate(best, history, junk), "cannot load")
    assert_wrong(q6.evaluate(best, history), "q6.check(best_model, regression_history, checkpoint_path)")


def test_q2_reference_blanks_from_the_solution_notebook(one_epoch, odd):
    """The notebook's blanks, built as the notebook's next cell builds them (trained for one epoch here)."""
    ns = reference(q2)
    assert (ns["epochs"], ns["batch_size"]) == (50, 10)  # what the unpatched check asks
    set_seed(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(ns["n_inputs"],)),
            layers.Dense(ns["first_hidden"], activation=ns["hidden_activation"]),
            layers.Dense(ns["second_hidden"], activation=ns["hidden_activation"]),
            layers.Dense(ns["output_units"], activation=ns["output_activation"]),
        ]
    )
    model.compile(optimizer=ns["optimizer"], loss=ns["loss"], metrics=["accuracy"], run_eagerly=True)
    history = model.fit(
        odd.X_train, odd.y_train, epochs=1, batch_size=540, validation_data=(odd.X_val, odd.y_val), verbose=0
    )
    assert_correct(q2.evaluate(model, history))


def test_q5_q6_reference_answers_from_the_solution_notebook_pass(digits, diabetes, folder):
    ns = reference(
        q5,
        keras=keras,
        layers=layers,
        set_seed=set_seed,
        Xd_train=digits.X_train,
        yd_train=digits.y_train,
        Xd_val=digits.X_val,
        yd_val=digits.y_val,
        Xd_test=digits.X_test,
    )
    assert_correct(q5.evaluate(ns["digit_model"], ns["y_pred"]))
    path = os.path.join(folder, "reference.keras")
    ns = reference(
        q6,
        keras=keras,
        layers=layers,
        set_seed=set_seed,
        checkpoint_path=path,
        X_train_r=diabetes.X_train,
        y_train_r=diabetes.y_train,
        X_val_r=diabetes.X_val,
        y_val_r=diabetes.y_val,
    )
    assert_correct(q6.evaluate(ns["best_model"], ns["regression_history"], path))


def test_q3_what_evaluate_returns_is_not_a_history():
    assert_wrong(q3.evaluate({"loss": 0.3, "accuracy": 0.9}, 3), "single numbers", "model.fit")


def test_q6_a_checkpoint_of_another_epoch(reference_regression, diabetes):
    best, _, path, _ = reference_regression
    mse = float(np.mean((best.predict(diabetes.X_val, verbose=0).ravel() - diabetes.y_val) ** 2))
    fake = {"loss": [1.0, 1.0, 1.0], "val_loss": [mse / 2, mse, mse * 2]}  # e.g. monitor="val_mae" picked epoch 2
    assert_wrong(q6.evaluate(best, fake, path), "epoch 2", "lowest at epoch 1", 'monitor="val_loss"')
