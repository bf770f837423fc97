"""Checks for the exercises of lesson 4, regularisation.

- ``q1``: a function that builds a compiled network with an L2 penalty on every Dense layer.
- ``q2``: the test cross-entropy of a penalised network, without its penalty.
- ``q3``: a function that builds a compiled network with dropout after each hidden layer.
- ``q4``: an ``EarlyStopping`` callback with the settings the question asks for.
- ``q5``: how many epochs an early-stopped run lasted, and which epoch's weights it kept.
- ``q6``: a function that seeds Keras and builds a network, so that a seed gives the same weights.

The checks look at behaviour through public Keras attributes and calls (``kernel_regularizer``,
``Dropout.rate``, the callback's constructor settings, ``get_weights``, ``predict``), never at
the code. The checks of q1 and q3 build the learner's network with a fixed seed and train it
for :data:`CHECK_EPOCHS` epochs on the lesson's split, so they take a few seconds; they reseed
Keras as a side effect.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from nncourse.errors import CourseError, describe
from nncourse.exercises.core import (
    Question,
    Wrong,
    expect_callable,
    expect_keras_model,
    expect_number,
    one_line,
)
from nncourse.exercises.tools import (
    call_learner,
    cross_entropy,
    dense_layers,
    history_values,
    model_outputs,
    private_copy,
    takes_args,
)

__all__ = [
    "q1",
    "q2",
    "q3",
    "q4",
    "q5",
    "q6",
    "digits_odd_split",
    "CHECK_EPOCHS",
    "MIN_TEST_ACCURACY",
    "PATIENCE",
    "MIN_DELTA",
]

#: Epochs the checks of q1 and q3 train the learner's network for.
CHECK_EPOCHS = 10
#: Test accuracy that network must reach after those epochs (the lesson's nets reach about 0.97).
MIN_TEST_ACCURACY = 0.9
#: The settings q4 asks for.
PATIENCE = 5
MIN_DELTA = 0.001


def digits_odd_split():
    """The lesson's split of the digits for "is it odd?": 30% training, 30% validation, 40% test.

    Returns ``(X_train, X_val, X_test, y_train, y_val, y_test)``, pixels divided by 16: fresh
    copies at each call, so changing them changes nothing the checks see.
    """
    return private_copy(_split())


@lru_cache(maxsize=1)
def _split():
    from nncourse.data import load_digits_splits

    return tuple(load_digits_splits(target="odd", val_size=0.3, test_size=0.4))


def _keras():
    import keras

    return keras


def _expect_builder(value: Any, name: str, argument: str) -> None:
    """Raise Wrong unless ``value`` is a function of one argument; a Keras model is callable too, so say so."""
    if isinstance(value, _keras().Model):
        raise Wrong(f"That is a network, not the function that builds one: pass {name} itself, without brackets.")
    expect_callable(value, name)
    takes_args(value, 1, name, f"{name}({argument})")


def _call_builder(builder: Callable[..., Any], argument: Any, name: str, seed_first: bool = True) -> Any:
    """Call the learner's builder (after seeding, unless told not to) and turn its failures into messages."""
    from nncourse.repro import set_seed

    if seed_first:
        set_seed(0)
    model = call_learner(builder, argument, name=name)
    if model is None:
        raise Wrong(f"{name}({argument!r}) returned None: end the function with `return model`.")
    return expect_keras_model(model, trained=False, what=f"the network {name}({argument!r}) returns")


_dense_layers = dense_layers


def _expect_compiled(model: Any, name: str) -> None:
    """Raise Wrong unless the network is compiled with the binary cross-entropy loss (checked by its value)."""
    if getattr(model, "optimizer", None) is None:
        raise Wrong(
            f"The network {name} returns is not compiled: call model.compile(optimizer=..., "
            'loss="binary_crossentropy", ...) inside the function, before returning it.'
        )
    X_train, _, _, y_train, _, _ = _split()
    X, y = X_train[:128], y_train[:128]
    outputs = model_outputs(model, X, what=f"the network {name} returns")
    if outputs.ndim != 2 or outputs.shape[1] != 1:
        raise Wrong(
            f"The network {name} returns gives outputs of shape {outputs.shape}; it should end in one sigmoid unit."
        )
    try:
        reported = float(model.evaluate(X, y, verbose=0, return_dict=True)["loss"])
    except Exception as error:  # noqa: BLE001
        raise Wrong(f"Evaluating the network {name} returns failed with {one_line(error)}") from None
    penalty = float(sum(float(np.asarray(loss)) for loss in model.losses))
    expected = cross_entropy(outputs, y)
    if expected is None:
        raise Wrong(
            f"The outputs of the network {name} returns are not probabilities between 0 and 1: end it with "
            'layers.Dense(1, activation="sigmoid") and compile with loss="binary_crossentropy".'
        )
    if not np.isclose(reported - penalty, expected, rtol=2e-3, atol=2e-4):
        raise Wrong(
            f"The network {name} returns is not compiled with the binary cross-entropy loss: on a batch its loss is "
            f"{reported - penalty:.4f}, but the binary cross-entropy of its outputs is "
            f"{expected:.4f}. "
            'Compile with loss="binary_crossentropy" (and a sigmoid output).'
        )


def _train_and_score(model: Any, name: str) -> float:
    """Train a fresh network briefly on the lesson's split; return its test accuracy."""
    from nncourse.compare import binary_scores

    X_train, _, X_test, y_train, _, y_test = _split()
    try:
        model.fit(X_train, y_train, epochs=CHECK_EPOCHS, batch_size=32, verbose=0)
    except Exception as error:  # noqa: BLE001
        raise Wrong(
            f"Training the network from {name} failed with {one_line(error)} "
            "It should take 64 inputs and end in one sigmoid unit."
        ) from None
    try:
        accuracy = binary_scores(model, X_test, y_test)["accuracy"]
    except CourseError as error:
        raise Wrong(str(error)) from None
    if accuracy < MIN_TEST_ACCURACY:
        raise Wrong(
            f"After {CHECK_EPOCHS} epochs your network gets only {accuracy:.1%} of the test images right "
            f"(at least {MIN_TEST_ACCURACY:.0%} is expected). Check the output layer (1 unit, sigmoid), "
            'the loss ("binary_crossentropy"), the optimiser ("adam") and the strength of the regularisation.'
        )
    return accuracy


# --- Question 1: an L2 penalty on every layer ------------------------------------------------


def _penalty_problem(model: Any, strength: float, name: str) -> None:
    """Raise Wrong unless every Dense kernel carries an L2 penalty of exactly ``strength``."""
    dense = _dense_layers(model)
    if not dense:
        raise Wrong(f"The network {name}({strength!r}) returns has no Dense layer.")
    bare = [layer for layer in dense if layer.kernel_regularizer is None]
    if len(bare) == len(dense):
        elsewhere = [
            layer
            for layer in dense
            if getattr(layer, "bias_regularizer", None) is not None
            or getattr(layer, "activity_regularizer", None) is not None
        ]
        if elsewhere:
            raise Wrong(
                "Your layers penalise their biases or their outputs, not their weights: the weights are "
                "penalised with kernel_regularizer=keras.regularizers.L2(strength)."
            )
        raise Wrong(
            "None of the Dense layers has a weight penalty: give each one "
            "kernel_regularizer=keras.regularizers.L2(strength)."
        )
    if bare:
        names = ", ".join(layer.name for layer in bare)
        raise Wrong(
            f"{len(dense) - len(bare)} of the {len(dense)} Dense layers carry a penalty, but {names} "
            "do(es) not. The question asks for every Dense layer, the output layer included."
        )
    for layer in dense:
        weights = np.asarray(layer.kernel, dtype=float)
        value = float(np.asarray(layer.kernel_regularizer(layer.kernel)))
        squares, sizes = float(np.sum(weights**2)), float(np.sum(np.abs(weights)))
        if np.isclose(value, strength * squares, rtol=1e-3):
            continue
        if np.isclose(value, strength * sizes, rtol=1e-3):
            raise Wrong(
                f"Layer {layer.name} has an L1 penalty (the sum of |w|); the question asks for L2, "
                "the sum of squared weights: keras.regularizers.L2(strength)."
            )
        if squares > 0 and value > 0:
            factor = value / squares
            if np.isclose(value, factor * squares, rtol=1e-3) and not np.isclose(factor, strength, rtol=1e-3):
                raise Wrong(
                    f"Layer {layer.name} has an L2 penalty of strength {factor:.3g}, but {name}({strength!r}) "
                    f"should use {strength!r}: pass the function's `strength` argument to keras.regularizers.L2."
                )
        raise Wrong(
            f"The penalty of layer {layer.name} is {value:.4g}, but an L2 penalty of strength {strength!r} "
            f"would be {strength * squares:.4g}. Use keras.regularizers.L2(strength) alone."
        )


def _check_q1(build_l2_net: Any) -> str:
    _expect_builder(build_l2_net, "build_l2_net", "strength")
    model = _call_builder(build_l2_net, 1e-3, "build_l2_net")
    _penalty_problem(model, 1e-3, "build_l2_net")
    _penalty_problem(_call_builder(build_l2_net, 1e-2, "build_l2_net"), 1e-2, "build_l2_net")
    _expect_compiled(model, "build_l2_net")
    accuracy = _train_and_score(model, "build_l2_net(0.001)")
    n_dense = len(_dense_layers(model))
    return (
        f"All {n_dense} Dense layers carry an L2 penalty of the strength you pass, and after "
        f"{CHECK_EPOCHS} epochs the network gets {accuracy:.1%} of the test images right."
    )


q1 = Question(
    label="Question 1 (L2 on every layer)",
    checker=_check_q1,
    hints=[
        "Each Dense layer takes kernel_regularizer=keras.regularizers.L2(strength), the output layer too.",
        "Build with keras.Sequential([keras.Input(shape=(64,)), layers.Dense(...), ...]), then call "
        'model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"]) and return model.',
    ],
)


# --- Question 2: the loss without its penalty --------------------------------------------------


def _check_q2(penalised_net: Any, test_cross_entropy: Any) -> str:
    model = penalised_net
    from nncourse.compare import binary_scores

    expect_keras_model(model, trained=True, what="the penalised network")
    value = expect_number(test_cross_entropy, "test_cross_entropy")
    X_train, X_val, X_test, y_train, y_val, y_test = _split()
    try:
        scores = binary_scores(model, X_test, y_test)
        truth, accuracy = scores["loss"], scores["accuracy"]
        on_train = binary_scores(model, X_train, y_train)["loss"]
        on_val = binary_scores(model, X_val, y_val)["loss"]
    except CourseError as error:
        raise Wrong(str(error)) from None
    penalty = float(sum(float(np.asarray(loss)) for loss in model.losses))
    if np.isclose(value, truth, rtol=2e-3, atol=2e-4):
        return (
            f"The test cross-entropy is about {truth:.3f}; the loss that evaluate reports adds the "
            f"penalty of about {penalty:.3f} to it."
        )
    if penalty > 0 and np.isclose(value, truth + penalty, rtol=2e-3, atol=2e-4):
        raise Wrong(
            f"{value:.4f} is the loss that evaluate reports: it includes the L2 penalty (about {penalty:.4f}). "
            "Take the penalty away, or compute the cross-entropy from the predictions."
        )
    if penalty > 0 and np.isclose(value, penalty, rtol=2e-3, atol=2e-4):
        raise Wrong(f"{value:.4f} is the penalty itself; the question asks for what is left without it.")
    layer_penalties = [float(np.asarray(loss)) for loss in model.losses]
    if len(layer_penalties) > 1 and any(
        np.isclose(value, truth + penalty - part, rtol=2e-3, atol=2e-4) for part in layer_penalties
    ):
        raise Wrong(
            "You took away the penalty of one layer only; model.losses holds one penalty per penalised layer: "
            "subtract their sum, sum(model.losses)."
        )
    if penalty > 0 and np.isclose(value, truth + 2 * penalty, rtol=2e-3, atol=2e-4):
        raise Wrong(f"{value:.4f} adds the penalty a second time; subtract sum(model.losses) from the reported loss.")
    if np.isclose(value, on_train, rtol=2e-3, atol=2e-4):
        raise Wrong(f"{value:.4f} is the cross-entropy on the training images; the question asks for the test images.")
    if np.isclose(value, on_val, rtol=2e-3, atol=2e-4):
        raise Wrong(
            f"{value:.4f} is the cross-entropy on the validation images; the question asks for the test images."
        )
    if np.isclose(value, accuracy, rtol=1e-3, atol=1e-4):
        raise Wrong(f"{value:.4f} is the test accuracy; the question asks for the loss, the binary cross-entropy.")
    p = np.clip(model_outputs(model, X_test, what="the penalised network").reshape(-1, 1), 1e-7, 1 - 1e-7)
    table = float(-np.mean(y_test * np.log(p) + (1 - y_test) * np.log(1 - p)))  # (n, 1) with (n,) makes (n, n)
    if np.isclose(value, table, rtol=2e-3, atol=2e-4):
        raise Wrong(
            f"{value:.4f} mixes predictions of shape (n, 1) with labels of shape (n,): NumPy broadcasts them into "
            "an (n, n) table of every prediction against every label. Flatten the predictions first, p.ravel()."
        )
    if value < 0:
        raise Wrong(f"{value:.4f} is negative, but a cross-entropy never is. Did you subtract in the wrong order?")
    raise Wrong(
        f"{value:.4f} is not the test cross-entropy. Start from the loss evaluate reports on X_test, y_test and "
        "subtract the penalty, sum(model.losses)."
    )


q2 = Question(
    label="Question 2 (the loss without its penalty)",
    checker=_check_q2,
    hints=[
        "model.evaluate(X_test, y_test) reports cross-entropy + penalty; model.losses holds the penalty of each layer.",
        "test_cross_entropy = reported_loss - float(sum(penalised_net.losses)); or compute the cross-entropy "
        "of model.predict(X_test) yourself.",
    ],
)


# --- Question 3: dropout between the hidden layers -------------------------------------------


def _dropout_problem(model: Any, rate: float, name: str) -> None:
    keras = _keras()
    layers = list(model.layers)
    drops = [layer for layer in layers if isinstance(layer, keras.layers.Dropout)]
    if not drops:
        raise Wrong(
            f"The network {name}({rate!r}) returns has no Dropout layer: add layers.Dropout(rate) after each hidden Dense layer."
        )
    rates = sorted({float(layer.rate) for layer in drops})
    if rates != [rate]:
        shown = ", ".join(f"{r:g}" for r in rates)
        raise Wrong(
            f"The Dropout layers of {name}({rate!r}) use rate {shown}, not {rate!r}: pass the function's "
            "`rate` argument to each of them."
        )
    dense = [index for index, layer in enumerate(layers) if isinstance(layer, keras.layers.Dense)]
    if dense and any(isinstance(layer, keras.layers.Dropout) for layer in layers[: dense[0]]):
        raise Wrong(
            f"{name}({rate!r}) drops some of the inputs too (a Dropout before the first Dense layer). The question "
            "asks for Dropout after each hidden layer only."
        )
    penalised = [layer.name for layer in dense_layers(model) if getattr(layer, "kernel_regularizer", None) is not None]
    if penalised:
        raise Wrong(
            f"Layer {penalised[0]} of {name}({rate!r}) carries a weight penalty; this question asks for dropout "
            "alone, with no kernel_regularizer."
        )
    if isinstance(layers[-1], keras.layers.Dropout):
        raise Wrong(
            "Your network ends with a Dropout layer, which would zero the prediction itself during training. "
            "Put Dropout between hidden layers only; the last layer is the Dense output."
        )
    for index, following in zip(dense[:-1], dense[1:]):
        # Between a hidden Dense layer and the next one: a Dropout (an Activation layer may come first).
        if not any(isinstance(layer, keras.layers.Dropout) for layer in layers[index + 1 : following]):
            raise Wrong(
                f"Hidden layer {layers[index].name} is not followed by a Dropout layer; the question asks for one after each hidden layer."
            )
    if dense and any(isinstance(layer, keras.layers.Dropout) for layer in layers[dense[-1] + 1 :]):
        raise Wrong(
            "Your network has a Dropout layer after its output layer, which would zero the prediction itself during "
            "training. Put Dropout between hidden layers only."
        )


def _check_q3(build_dropout_net: Any) -> str:
    _expect_builder(build_dropout_net, "build_dropout_net", "rate")
    model = _call_builder(build_dropout_net, 0.5, "build_dropout_net")
    _dropout_problem(model, 0.5, "build_dropout_net")
    _dropout_problem(_call_builder(build_dropout_net, 0.2, "build_dropout_net"), 0.2, "build_dropout_net")
    _expect_compiled(model, "build_dropout_net")
    batch = _split()[2][:64]
    first, second = (np.asarray(model(batch, training=True)) for _ in range(2))
    if np.allclose(first, second):
        raise Wrong("Called twice in training mode, the network gives the same outputs: its dropout has no effect.")
    if not np.allclose(np.asarray(model(batch, training=False)), np.asarray(model(batch, training=False))):
        raise Wrong(
            "At inference (training=False) the network should give the same output every time, but it does not."
        )
    accuracy = _train_and_score(model, "build_dropout_net(0.5)")
    return (
        f"Dropout follows every hidden layer, it changes the outputs only in training mode, and after "
        f"{CHECK_EPOCHS} epochs the network gets {accuracy:.1%} of the test images right."
    )


q3 = Question(
    label="Question 3 (dropout)",
    checker=_check_q3,
    hints=[
        "After each hidden layers.Dense(...), add layers.Dropout(rate). No Dropout after the output layer.",
        'keras.Sequential([keras.Input(shape=(64,)), layers.Dense(128, activation="relu"), layers.Dropout(rate), '
        'layers.Dense(64, activation="relu"), layers.Dropout(rate), layers.Dense(1, activation="sigmoid")]), '
        "then compile and return it.",
    ],
)


# --- Question 4: an EarlyStopping callback --------------------------------------------------


def _check_q4(early_stop: Any) -> str:
    keras = _keras()
    EarlyStopping = keras.callbacks.EarlyStopping
    if early_stop is None:
        raise Wrong("early_stop is None: create the callback, early_stop = keras.callbacks.EarlyStopping(...).")
    if isinstance(early_stop, type) and issubclass(early_stop, EarlyStopping):
        raise Wrong(
            "That is the EarlyStopping class itself; create one with its settings: keras.callbacks.EarlyStopping(monitor=..., ...)."
        )
    if isinstance(early_stop, (list, tuple)):
        if any(isinstance(item, EarlyStopping) for item in early_stop):
            raise Wrong("Pass the callback itself, not a list: the list is what fit(callbacks=[...]) takes.")
        raise Wrong(f"Expected a keras.callbacks.EarlyStopping, got {describe(early_stop)}.")
    if not isinstance(early_stop, EarlyStopping):
        raise Wrong(f"Expected a keras.callbacks.EarlyStopping, got {describe(early_stop)}.")
    if early_stop.monitor != "val_loss":
        if early_stop.monitor == "loss":
            raise Wrong(
                'monitor="loss" watches the training loss, which keeps falling while the network overfits, so it '
                'would hardly ever stop. Watch the validation loss, "val_loss".'
            )
        if early_stop.monitor.startswith("val_"):
            raise Wrong(
                f'monitor="{early_stop.monitor}" is a validation metric, but the question asks for the validation loss, "val_loss".'
            )
        raise Wrong(f'monitor="{early_stop.monitor}" is not the validation loss: use monitor="val_loss".')
    if early_stop.mode == "max":
        raise Wrong(
            'mode="max" would count a rising loss as an improvement: leave mode at "auto" (or "min") for a loss.'
        )
    if early_stop.patience != PATIENCE:
        if early_stop.patience == 0:
            raise Wrong(
                "patience=0 stops at the first epoch without an improvement: one wobble of the noisy validation "
                f"curve ends training far too early. The question asks for {PATIENCE}."
            )
        raise Wrong(f"patience is {early_stop.patience}; the question asks for {PATIENCE} epochs without improvement.")
    # Keras flips the sign of min_delta once the callback has been used in a fit: compare sizes.
    if not np.isclose(abs(early_stop.min_delta), MIN_DELTA):
        raise Wrong(
            f"min_delta is {abs(early_stop.min_delta):g}; the question asks that only improvements larger than "
            f"{MIN_DELTA:g} count: min_delta={MIN_DELTA:g}."
        )
    if not early_stop.restore_best_weights:
        raise Wrong(
            f"Without restore_best_weights=True the model keeps the weights of the last epoch, {PATIENCE} epochs "
            "past the best one. Set restore_best_weights=True."
        )
    return (
        f"It watches val_loss, waits {PATIENCE} epochs for an improvement larger than {MIN_DELTA:g}, and puts "
        "back the best weights when it stops."
    )


q4 = Question(
    label="Question 4 (an EarlyStopping callback)",
    checker=_check_q4,
    hints=[
        "keras.callbacks.EarlyStopping takes monitor, min_delta, patience and restore_best_weights.",
        f'early_stop = keras.callbacks.EarlyStopping(monitor="val_loss", min_delta={MIN_DELTA:g}, patience={PATIENCE}, '
        "restore_best_weights=True)",
    ],
)


# --- Question 5: reading an early-stopped run --------------------------------------------------


def _check_q5(history_es: Any, epochs_run: Any, best_epoch: Any) -> str:
    history = history_es
    data = history_values(history, "history_es")
    if "val_loss" not in data:
        raise Wrong(
            "This history has no val_loss: pass history_es, what fit returned when it was trained with "
            "validation data and the early-stopping callback."
        )
    val_loss = np.asarray(data["val_loss"], dtype=float)
    true_run, true_best = len(val_loss), int(np.argmin(val_loss)) + 1
    run = expect_number(epochs_run, "epochs_run")
    best = expect_number(best_epoch, "best_epoch")
    if run != true_run:
        if run > true_run:
            raise Wrong(
                f"epochs_run is {run:g}, but training stopped earlier: the history holds one value per epoch "
                'that was run. Count them, e.g. len(history_es.history["loss"]).'
            )
        if run == true_run - 1:
            raise Wrong(f"epochs_run is {run:g}, one short: count the entries of the history (epochs count from 1).")
        raise Wrong(f'epochs_run is {run:g}; count the values in history_es.history["loss"], one per epoch run.')
    if best != true_best:
        if best != int(best):
            if np.isclose(best, val_loss.min()):
                raise Wrong(
                    f"{best:g} is the lowest val_loss itself; best_epoch is the number of the epoch where it came."
                )
            raise Wrong(f"best_epoch is {best:g}; an epoch number is a whole number, counted from 1.")
        if best == true_best - 1:
            raise Wrong(
                f"best_epoch is {best:g}, off by one: np.argmin counts from 0 but epochs count from 1, so add 1."
            )
        if best == true_run:
            raise Wrong(
                f"Epoch {best:g} is the last epoch run, not the best one: training went on for the patience "
                "epochs after the best. Find the epoch with the lowest val_loss."
            )
        training = data.get("loss")
        if training is not None and best == int(np.argmin(training)) + 1:
            raise Wrong(
                f"Epoch {best:g} has the lowest *training* loss; the callback watched the validation loss, val_loss."
            )
        raise Wrong(
            f"best_epoch is {best:g}, but the lowest val_loss came at another epoch. Use np.argmin on it (and add 1)."
        )
    return (
        f"Training ran {true_run} epochs, and the model holds the weights of epoch {true_best}, "
        f"where val_loss was lowest ({val_loss.min():.3f})."
    )


q5 = Question(
    label="Question 5 (where did it stop?)",
    checker=_check_q5,
    hints=[
        "history_es.history is a dict of lists with one value per epoch run; restore_best_weights keeps the epoch "
        "with the lowest val_loss.",
        'epochs_run = len(history_es.history["loss"]); best_epoch = int(np.argmin(history_es.history["val_loss"])) + 1',
    ],
)


# --- Question 6: a seeded network -------------------------------------------------------------


def _check_q6(build_seeded_net: Any) -> str:
    _expect_builder(build_seeded_net, "build_seeded_net", "seed")
    # No seeding here: whether the same seed gives the same weights is what the question is about.
    first = _call_builder(build_seeded_net, 0, "build_seeded_net", seed_first=False)
    second = _call_builder(build_seeded_net, 0, "build_seeded_net", seed_first=False)
    other = _call_builder(build_seeded_net, 1, "build_seeded_net", seed_first=False)
    shapes = [w.shape for w in first.get_weights()]
    if not shapes:
        raise Wrong("The network build_seeded_net returns has no weights; give it at least one Dense layer.")
    if [w.shape for w in second.get_weights()] != shapes or [w.shape for w in other.get_weights()] != shapes:
        raise Wrong(
            "build_seeded_net returns networks of different shapes from call to call; build the same network every time."
        )
    same = all(np.array_equal(a, b) for a, b in zip(first.get_weights(), second.get_weights()))
    if not same:
        raise Wrong(
            "Two networks built with seed 0 start from different weights. Seeding NumPy (np.random.seed) or "
            "TensorFlow alone does not seed Keras: call keras.utils.set_random_seed(seed) at the start of the "
            "function, before building."
        )
    if all(np.array_equal(a, b) for a, b in zip(first.get_weights(), other.get_weights())):
        raise Wrong("Seeds 0 and 1 give the very same weights: does the function pass its `seed` argument on?")
    return "The same seed rebuilds the same starting weights, and another seed gives other ones."


q6 = Question(
    label="Question 6 (a seeded network)",
    checker=_check_q6,
    hints=[
        "Seeding NumPy is not enough for Keras. keras.utils.set_random_seed(seed) seeds Python, NumPy and TensorFlow "
        "and restarts Keras' own generator.",
        "Call keras.utils.set_random_seed(seed) first, then build the keras.Sequential network and return it.",
    ],
)
