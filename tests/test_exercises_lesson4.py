"""Unit tests of the checks of lesson 4 (regularisation).

For each question: the reference answer passes, plausible wrong answers fail with a message that
names the slip, and bad input (None, a wrong type, the placeholder) gets a sentence, not a
traceback. To stay fast, the networks are small and the checks of q1 and q3 train for fewer
epochs than in a notebook (see ``quick_checks``).
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import layers

from nncourse.exercises import lesson4
from nncourse.exercises.core import CORRECT, INCORRECT, NOT_ATTEMPTED
from nncourse.exercises.lesson4 import q1, q2, q3, q4, q5, q6
from nncourse.repro import set_seed


@pytest.fixture(autouse=True)
def quick_checks(monkeypatch):
    monkeypatch.setattr(lesson4, "CHECK_EPOCHS", 4)
    monkeypatch.setattr(lesson4, "MIN_TEST_ACCURACY", 0.8)


from checktools import assert_wrong  # noqa: E402 - after the importorskip above


def net(*hidden_layers, output_penalty=None, compile_it=True):
    """A small even/odd network with the given hidden layers, compiled by default."""
    model = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            *hidden_layers,
            layers.Dense(1, activation="sigmoid", kernel_regularizer=output_penalty),
        ]
    )
    if compile_it:
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


# ------------------------------------------------------------------ question 1: L2 on every layer


def build_l2(strength):
    penalty = keras.regularizers.L2(strength)
    return net(layers.Dense(32, activation="relu", kernel_regularizer=penalty), output_penalty=penalty)


def test_q1_reference_passes():
    result = q1.evaluate(build_l2)
    assert result.status == CORRECT, result
    assert "L2 penalty" in result.message


@pytest.mark.parametrize(
    "builder, words",
    [
        (lambda s: net(layers.Dense(32, activation="relu")), ["none of the dense layers", "kernel_regularizer"]),
        (
            lambda s: net(layers.Dense(32, activation="relu", kernel_regularizer=keras.regularizers.L2(s))),
            ["1 of the 2", "output layer"],
        ),
        (
            lambda s: net(
                layers.Dense(32, activation="relu", kernel_regularizer=keras.regularizers.L1(s)),
                output_penalty=keras.regularizers.L1(s),
            ),
            ["L1"],
        ),
        (lambda s: build_l2(0.001), ["strength 0.001", "should use 0.01", "argument"]),
        (lambda s: build_l2(0.05), ["strength 0.05", "argument"]),
        (
            lambda s: net(
                layers.Dense(32, activation="relu", bias_regularizer=keras.regularizers.L2(s)),
                output_penalty=None,
            ),
            ["biases", "kernel_regularizer"],
        ),
    ],
)
def test_q1_wrong_penalties(builder, words):
    assert_wrong(q1.evaluate(builder), *words)


def test_q1_uncompiled_network():
    def builder(strength):
        penalty = keras.regularizers.L2(strength)
        return net(layers.Dense(8, kernel_regularizer=penalty), output_penalty=penalty, compile_it=False)

    assert_wrong(q1.evaluate(builder), "not compiled", "compile")


def test_q1_network_that_cannot_learn():
    def builder(strength):
        penalty = keras.regularizers.L2(strength)
        model = keras.Sequential(
            [keras.Input(shape=(64,)), layers.Dense(1, activation="relu", kernel_regularizer=penalty)]
        )
        model.compile(optimizer="adam", loss="binary_crossentropy")
        return model

    result = q1.evaluate(builder)
    assert result.status == INCORRECT, result
    assert "sigmoid" in result.message


@pytest.mark.parametrize(
    "answer, status, words",
    [
        (lambda s: ..., NOT_ATTEMPTED, ["placeholder"]),
        (lambda s: None, INCORRECT, ["returned none", "return model"]),
        (build_l2(0.001), INCORRECT, ["not the function that builds one"]),
        (None, INCORRECT, ["none"]),
        ("build_l2_net", INCORRECT, ["expected a function"]),
        (lambda s: "a network", INCORRECT, ["expected a keras model"]),
        (lambda: None, INCORRECT, ["def build_l2_net(strength)"]),
    ],
)
def test_q1_bad_input(answer, status, words):
    result = q1.evaluate(answer)
    assert result.status == status, result
    for word in words:
        assert word.lower() in result.message.lower(), (word, result.message)


def test_q1_placeholder_itself_is_not_attempted():
    assert q1.evaluate(...).status == NOT_ATTEMPTED


# ------------------------------------------------------------------ question 2: loss without penalty


@pytest.fixture(scope="module")
def penalised():
    X_train, _, X_test, y_train, _, y_test = lesson4.digits_odd_split()
    set_seed(0)
    model = net(
        layers.Dense(16, activation="relu", kernel_regularizer=keras.regularizers.L2(0.01)),
        output_penalty=keras.regularizers.L2(0.01),
    )
    model.fit(X_train, y_train, epochs=3, batch_size=64, verbose=0)
    reported = model.evaluate(X_test, y_test, verbose=0)[0]
    penalty = float(sum(model.losses))
    return model, reported, penalty


def test_q2_reference_passes(penalised):
    model, reported, penalty = penalised
    assert penalty > 0.01  # the wrong answers below must be told apart
    result = q2.evaluate(model, reported - penalty)
    assert result.status == CORRECT, result


def test_q2_cross_entropy_from_predictions_passes(penalised):
    model, _, _ = penalised
    _, _, X_test, _, _, y_test = lesson4.digits_odd_split()
    probabilities = model.predict(X_test, verbose=0)
    cross_entropy = float(keras.losses.BinaryCrossentropy()(y_test.reshape(-1, 1), probabilities))
    assert q2.evaluate(model, cross_entropy).status == CORRECT


def test_q2_wrong_answers(penalised):
    model, reported, penalty = penalised
    X_train, _, _, y_train, _, _ = lesson4.digits_odd_split()
    assert_wrong(q2.evaluate(model, reported), "includes the L2 penalty")
    assert_wrong(q2.evaluate(model, penalty), "penalty itself")
    train_loss = model.evaluate(X_train, y_train, verbose=0)[0] - penalty
    assert_wrong(q2.evaluate(model, train_loss), "training images")
    assert_wrong(q2.evaluate(model, penalty - reported), "negative")
    assert_wrong(q2.evaluate(model, 0.5), "subtract the penalty")


def test_q2_bad_input(penalised):
    model, reported, penalty = penalised
    assert q2.evaluate(model, ...).status == NOT_ATTEMPTED
    assert_wrong(q2.evaluate(model, None), "none")
    assert_wrong(q2.evaluate(model, "0.1"), "should be a number")
    assert_wrong(q2.evaluate(model, [0.1, 0.2]), "single number")
    assert_wrong(q2.evaluate(None, 0.1), "none")
    untrained = net(layers.Dense(4, activation="relu"))
    assert_wrong(q2.evaluate(untrained, 0.1), "untrained")


# ------------------------------------------------------------------ question 3: dropout


def build_dropout(rate):
    return net(
        layers.Dense(32, activation="relu"),
        layers.Dropout(rate),
        layers.Dense(16, activation="relu"),
        layers.Dropout(rate),
    )


def test_q3_reference_passes():
    result = q3.evaluate(build_dropout)
    assert result.status == CORRECT, result
    assert "training mode" in result.message


@pytest.mark.parametrize(
    "builder, words",
    [
        (lambda r: net(layers.Dense(32, activation="relu")), ["no dropout layer"]),
        (lambda r: build_dropout(0.5), ["rate 0.5", "not 0.2", "argument"]),
        (lambda r: build_dropout(r * 0.5), ["rate 0.25", "not 0.5"]),
        (
            lambda r: net(layers.Dense(32, activation="relu"), layers.Dropout(r), layers.Dense(16, activation="relu")),
            ["not followed by a dropout"],
        ),
    ],
)
def test_q3_wrong_dropout(builder, words):
    assert_wrong(q3.evaluate(builder), *words)


def test_q3_dropout_after_the_output():
    def builder(rate):
        model = keras.Sequential(
            [
                keras.Input(shape=(64,)),
                layers.Dense(16, activation="relu"),
                layers.Dropout(rate),
                layers.Dense(1, activation="sigmoid"),
                layers.Dropout(rate),
            ]
        )
        model.compile(optimizer="adam", loss="binary_crossentropy")
        return model

    assert_wrong(q3.evaluate(builder), "ends with a dropout")


def test_q3_uncompiled_and_bad_input():
    assert_wrong(
        q3.evaluate(lambda r: net(layers.Dense(8, activation="relu"), layers.Dropout(r), compile_it=False)),
        "not compiled",
    )
    assert q3.evaluate(lambda r: ...).status == NOT_ATTEMPTED
    assert_wrong(q3.evaluate(lambda r: None), "returned none")
    assert_wrong(q3.evaluate(build_dropout(0.5)), "not the function that builds one")
    assert_wrong(q3.evaluate(lambda r: keras.Sequential([layers.Dense(1)])), "keras.input")


# ------------------------------------------------------------------ question 4: EarlyStopping


def stopper(**changes):
    settings = dict(monitor="val_loss", min_delta=0.001, patience=5, restore_best_weights=True)
    settings.update(changes)
    return keras.callbacks.EarlyStopping(**settings)


def test_q4_reference_passes():
    result = q4.evaluate(stopper())
    assert result.status == CORRECT, result


@pytest.mark.parametrize(
    "changes, words",
    [
        (dict(patience=0), ["patience=0", "too early"]),
        (dict(patience=10), ["patience is 10", "asks for 5"]),
        (dict(monitor="loss"), ["training loss", "val_loss"]),
        (dict(monitor="val_accuracy"), ["validation metric", "val_loss"]),
        (dict(restore_best_weights=False), ["restore_best_weights=true"]),
        (dict(min_delta=0), ["min_delta"]),
        (dict(mode="max"), ['mode="max"']),
    ],
)
def test_q4_wrong_settings(changes, words):
    assert_wrong(q4.evaluate(stopper(**changes)), *words)


def test_q4_bad_input():
    assert_wrong(q4.evaluate(None), "none")
    assert_wrong(q4.evaluate(keras.callbacks.EarlyStopping), "class itself")
    assert_wrong(q4.evaluate([stopper()]), "not a list")
    assert_wrong(q4.evaluate(keras.callbacks.History()), "expected a keras.callbacks.earlystopping")
    assert_wrong(q4.evaluate("val_loss"), "expected a keras.callbacks.earlystopping")
    assert q4.evaluate(...).status == NOT_ATTEMPTED


# ------------------------------------------------------------------ question 5: where did it stop?

HISTORY = {
    "loss": [0.6, 0.4, 0.3, 0.2, 0.15, 0.1, 0.08, 0.06],
    "val_loss": [0.55, 0.35, 0.2, 0.21, 0.25, 0.22, 0.3, 0.28],
}


def test_q5_reference_passes():
    result = q5.evaluate(HISTORY, 8, 3)
    assert result.status == CORRECT, result
    assert "epoch 3" in result.message


def test_q5_reference_passes_on_a_real_history():
    X_train, X_val, _, y_train, y_val, _ = lesson4.digits_odd_split()
    set_seed(0)
    model = net(layers.Dense(8, activation="relu"))
    history = model.fit(X_train[:100], y_train[:100], validation_data=(X_val[:100], y_val[:100]), epochs=3, verbose=0)
    best = int(np.argmin(history.history["val_loss"])) + 1
    assert q5.evaluate(history, 3, best).status == CORRECT


@pytest.mark.parametrize(
    "epochs_run, best_epoch, words",
    [
        (200, 3, ["stopped earlier"]),
        (7, 3, ["one short"]),
        (8, 2, ["off by one", "add 1"]),
        (8, 8, ["last epoch run"]),
        (8, 5, ["lowest val_loss came at another epoch"]),
    ],
)
def test_q5_wrong_answers(epochs_run, best_epoch, words):
    assert_wrong(q5.evaluate(HISTORY, epochs_run, best_epoch), *words)


def test_q5_best_epoch_of_the_training_loss():
    history = {"loss": [0.6, 0.4, 0.3, 0.2, 0.1], "val_loss": [0.5, 0.3, 0.35, 0.4, 0.45]}
    assert_wrong(q5.evaluate(history, 5, 5), "last epoch")
    history = {"loss": [0.6, 0.4, 0.3, 0.2, 0.1, 0.3], "val_loss": [0.5, 0.3, 0.35, 0.4, 0.45, 0.5]}
    assert_wrong(q5.evaluate(history, 6, 5), "training")


def test_q5_bad_input():
    assert_wrong(q5.evaluate(None, 8, 3), "none")
    assert_wrong(q5.evaluate("history", 8, 3), "expected what model.fit returns")
    assert_wrong(q5.evaluate({"loss": [0.5, 0.4]}, 2, 2), "no val_loss")
    assert_wrong(q5.evaluate(HISTORY, "8", 3), "should be a number")
    assert q5.evaluate(HISTORY, ..., 3).status == NOT_ATTEMPTED


# ------------------------------------------------------------------ question 6: a seeded network


def tiny():
    return keras.Sequential(
        [keras.Input(shape=(64,)), layers.Dense(4, activation="relu"), layers.Dense(1, activation="sigmoid")]
    )


def seeded(seed):
    keras.utils.set_random_seed(seed)
    return tiny()


def test_q6_reference_passes():
    result = q6.evaluate(seeded)
    assert result.status == CORRECT, result


def test_q6_seeded_initialisers_pass():
    def builder(seed):
        init = keras.initializers.GlorotUniform(seed=seed)
        return keras.Sequential([keras.Input(shape=(64,)), layers.Dense(4, kernel_initializer=init)])

    assert q6.evaluate(builder).status == CORRECT


def test_q6_numpy_seed_is_not_enough():
    def builder(seed):
        np.random.seed(seed)
        return tiny()

    assert_wrong(q6.evaluate(builder), "different weights", "np.random.seed", "set_random_seed")


def test_q6_unseeded_and_hardcoded():
    assert_wrong(q6.evaluate(lambda seed: tiny()), "different weights")

    def fixed(seed):
        keras.utils.set_random_seed(42)
        return tiny()

    assert_wrong(q6.evaluate(fixed), "seeds 0 and 1", "seed")


def test_q6_bad_input():
    assert q6.evaluate(lambda seed: ...).status == NOT_ATTEMPTED
    assert_wrong(q6.evaluate(lambda seed: None), "returned none")
    assert_wrong(q6.evaluate(seeded(0)), "not the function that builds one")
    assert_wrong(q6.evaluate(None), "none")


# ------------------------------------------------------------------ round 2 (issue 12): fixed defects

from checktools import assert_correct, reference  # noqa: E402


def test_reference_answers_from_the_solution_notebook_pass():
    ns = reference(q1, keras=keras, layers=layers)
    assert_correct(q1.evaluate(ns["build_l2_net"]))
    ns = reference(q3, keras=keras, layers=layers)
    assert_correct(q3.evaluate(ns["build_dropout_net"]))
    ns = reference(q4, keras=keras)
    assert_correct(q4.evaluate(ns["early_stop"]))
    ns = reference(q6, keras=keras, layers=layers)
    assert_correct(q6.evaluate(ns["build_seeded_net"]))


def test_q1_mse_loss_fails():
    def build(strength):
        penalty = keras.regularizers.L2(strength)
        model = keras.Sequential(
            [
                keras.Input(shape=(64,)),
                layers.Dense(32, activation="relu", kernel_regularizer=penalty),
                layers.Dense(1, activation="sigmoid", kernel_regularizer=penalty),
            ]
        )
        model.compile(optimizer="adam", loss="mse")
        return model

    assert_wrong(q1.evaluate(build), "binary cross-entropy")


def test_q1_functional_api_with_separate_activations_passes():
    def build(strength):
        inputs = keras.Input(shape=(64,))
        x = layers.Dense(32, kernel_regularizer=keras.regularizers.l2(strength))(inputs)
        x = layers.Activation("relu")(x)
        outputs = layers.Dense(1, activation="sigmoid", kernel_regularizer=keras.regularizers.l2(strength))(x)
        model = keras.Model(inputs, outputs)
        model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.BinaryCrossentropy(), metrics=["accuracy"])
        return model

    assert_correct(q1.evaluate(build))


def test_q3_dense_then_activation_then_dropout_passes():
    def build(rate):
        return net(
            layers.Dense(32),
            layers.Activation("relu"),
            layers.Dropout(rate),
            layers.Dense(16),
            layers.ReLU(),
            layers.Dropout(rate),
        )

    assert_correct(q3.evaluate(build))


def test_q4_a_used_callback_and_positional_arguments_pass():
    used = keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=0.001, patience=5, restore_best_weights=True)
    model = net(layers.Dense(8, activation="relu"))
    X, y = np.zeros((8, 64)), np.zeros(8)
    model.fit(X, y, validation_data=(X, y), epochs=2, callbacks=[used], verbose=0)
    assert used.min_delta < 0  # what Keras does, and why the check compares sizes
    assert_correct(q4.evaluate(used))
    assert_correct(
        q4.evaluate(keras.callbacks.EarlyStopping("val_loss", 0.001, 5, mode="min", restore_best_weights=True))
    )


def test_q4_wrong_number_of_answers_names_the_call():
    assert_wrong(q4.evaluate(None, None), "q4.check(early_stop)")


def test_the_learners_arrays_are_not_the_checks():
    X_train = lesson4.digits_odd_split()[0]
    X_train /= 16
    assert lesson4.digits_odd_split()[0].max() > 0.5


def test_q5_the_lowest_loss_itself_is_not_an_epoch():
    history = {"loss": [0.9, 0.5, 0.4, 0.3], "val_loss": [0.8, 0.45, 0.5, 0.55]}
    assert_correct(q5.evaluate(history, 4, 2))
    assert_correct(q5.evaluate(history, np.int64(4), 2.0))
    assert_wrong(q5.evaluate(history, 4, 0.45), "lowest val_loss itself")


def test_q2_library_losses_and_the_extracted_answer_pass(penalised):
    from sklearn.metrics import log_loss

    model, reported, _ = penalised
    _, _, X_test, _, _, y_test = lesson4.digits_odd_split()
    p = model.predict(X_test, verbose=0).ravel()
    assert_correct(q2.evaluate(model, log_loss(y_test, p)))
    assert_correct(q2.evaluate(model, keras.losses.BinaryCrossentropy()(y_test, p)))
    ns = reference(q2, reported_loss=reported, penalised_net=model)
    assert_correct(q2.evaluate(model, ns["test_cross_entropy"]))
    assert_wrong(q2.evaluate(model), "q2.check(penalised_net, test_cross_entropy)")
    assert_wrong(q2.evaluate(model, float("nan")), "your computation")


# ------------------------------------------------------------------ round 3 (issue 12: tried as learners would)


def three_layers(strength, regularizer=None, loss="binary_crossentropy", output="sigmoid", optimizer="adam"):
    """A 64-32-16-1 network; ``regularizer(strength)`` on every Dense kernel."""
    penalty = (lambda: regularizer(strength)) if regularizer else (lambda: None)
    model = keras.Sequential()
    model.add(keras.Input(shape=(64,)))
    model.add(layers.Dense(32, activation="relu", kernel_regularizer=penalty()))
    model.add(layers.Dense(16, activation="relu", kernel_regularizer=penalty()))
    model.add(layers.Dense(1, activation=output, kernel_regularizer=penalty()))
    model.compile(optimizer=optimizer, loss=loss)
    return model


def test_q1_other_correct_answers():
    assert_correct(q1.evaluate(lambda s: three_layers(s, lambda s: keras.regularizers.L1L2(l2=s))))
    assert_correct(q1.evaluate(lambda s: three_layers(s, keras.regularizers.l2, optimizer=keras.optimizers.Adam())))


def test_q1_more_wrong_answers():
    assert_wrong(q1.evaluate(lambda s: three_layers(s, lambda s: "l2")), "strength 0.01", "`strength` argument")
    assert_wrong(q1.evaluate(lambda s: three_layers(s, lambda s: keras.regularizers.L2(s / 2))), "strength 0.0005")
    decay = keras.optimizers.AdamW(weight_decay=1e-3)
    assert_wrong(q1.evaluate(lambda s: three_layers(s, optimizer=decay)), "None of the Dense layers")
    logits = keras.losses.BinaryCrossentropy(from_logits=True)
    assert_wrong(
        q1.evaluate(lambda s: three_layers(s, keras.regularizers.L2, loss=logits, output=None)),
        "not probabilities",
        "sigmoid",
    )


def test_q1_bad_input_more():
    assert_wrong(q1.evaluate(lambda: None), "def build_l2_net(strength)")
    assert_wrong(q1.evaluate(lambda s: "model"), "Keras model")

    def unbuilt(strength):
        return keras.Sequential(
            [layers.Dense(1, activation="sigmoid", kernel_regularizer=keras.regularizers.L2(strength))]
        )

    assert_wrong(q1.evaluate(unbuilt), "keras.Input")


def test_q2_more_wrong_answers(penalised):
    model, reported, penalty = penalised
    _, X_val, X_test, _, y_val, y_test = lesson4.digits_odd_split()
    accuracy = model.evaluate(X_test, y_test, verbose=0)[1]
    assert_wrong(q2.evaluate(model, accuracy), "test accuracy")
    assert_wrong(q2.evaluate(model, reported + penalty), "second time")
    assert_wrong(q2.evaluate(model, reported - float(model.losses[0])), "one layer only")
    assert_correct(q2.evaluate(model, reported - sum(model.losses)))  # a tensor, not a float
    assert_wrong(q2.evaluate(model, model.evaluate(X_test, y_test, verbose=0, return_dict=True)), "a number")
    p = model.predict(X_test, verbose=0)  # shape (n, 1) against labels of shape (n,)
    table = -np.mean(y_test * np.log(p) + (1 - y_test) * np.log(1 - p))
    assert_wrong(q2.evaluate(model, table), "(n, n)", "ravel")
    val_loss = model.evaluate(X_val, y_val, verbose=0)[0] - penalty
    result = q2.evaluate(model, val_loss)
    if abs(val_loss - (reported - penalty)) > 0.01:  # told apart only when the two losses differ
        assert_wrong(result, "validation images")


def test_q3_more_wrong_answers():
    def inputs_dropped(rate):
        return net(layers.Dropout(rate), layers.Dense(32, activation="relu"), layers.Dropout(rate))

    def penalised_too(rate):
        return net(
            layers.Dense(32, activation="relu", kernel_regularizer=keras.regularizers.L2(1e-3)), layers.Dropout(rate)
        )

    assert_wrong(q3.evaluate(inputs_dropped), "inputs too")
    assert_wrong(q3.evaluate(penalised_too), "weight penalty", "no kernel_regularizer")
    assert_wrong(q3.evaluate(lambda: None), "def build_dropout_net(rate)")


def test_q3_model_add_and_functional_pass():
    def added(rate):
        model = keras.Sequential()
        model.add(keras.Input(shape=(64,)))
        for units in (32, 16):
            model.add(layers.Dense(units, activation="relu"))
            model.add(layers.Dropout(rate=rate))
        model.add(layers.Dense(1, activation="sigmoid"))
        model.compile(optimizer="adam", loss="binary_crossentropy")
        return model

    def functional(rate):
        inputs = keras.Input(shape=(64,))
        x = layers.Dropout(rate)(layers.Dense(32, activation="relu")(inputs))
        x = layers.Dropout(rate)(layers.Dense(16, activation="relu")(x))
        model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(x))
        model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.BinaryCrossentropy())
        return model

    assert_correct(q3.evaluate(added))
    assert_correct(q3.evaluate(functional))


def test_q4_more_answers():
    EarlyStopping = keras.callbacks.EarlyStopping
    assert_correct(
        q4.evaluate(EarlyStopping(monitor="val_loss", min_delta=1e-3, patience=5, restore_best_weights=True, verbose=1))
    )
    assert_wrong(
        q4.evaluate(EarlyStopping(monitor="val_loss", min_delta=0.01, patience=5, restore_best_weights=True)),
        "min_delta is 0.01",
    )
    assert_wrong(q4.evaluate(keras.callbacks.ModelCheckpoint("best.keras")), "EarlyStopping", "ModelCheckpoint")
    assert_wrong(q4.evaluate({"monitor": "val_loss", "patience": 5}), "EarlyStopping")


@pytest.fixture(scope="module")
def stopped_run():
    """A tiny network trained with early stopping until it stops, and its callback."""
    X_train, X_val, _, y_train, y_val, _ = lesson4.digits_odd_split()
    set_seed(0)
    model = net(layers.Dense(16, activation="relu"))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.03), loss="binary_crossentropy")
    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    history = model.fit(
        X_train, y_train, validation_data=(X_val, y_val), epochs=60, batch_size=128, callbacks=[stopper], verbose=0
    )
    assert stopper.stopped_epoch > 0, "the run must stop early for these tests"
    return history, stopper


def test_q5_answers_from_the_callback_and_the_history(stopped_run):
    history, stopper = stopped_run
    val_loss = history.history["val_loss"]
    assert_correct(q5.evaluate(history, len(history.epoch), stopper.best_epoch + 1))
    assert_correct(q5.evaluate(history.history, stopper.stopped_epoch + 1, val_loss.index(min(val_loss)) + 1))
    namespace = reference(q5, np=np, history_es=history)
    assert_correct(q5.evaluate(history, namespace["epochs_run"], namespace["best_epoch"]))


def test_q5_counting_from_zero_is_wrong(stopped_run):
    history, stopper = stopped_run
    assert_wrong(q5.evaluate(history, stopper.stopped_epoch, stopper.best_epoch + 1), "one short")
    assert_wrong(q5.evaluate(history, stopper.stopped_epoch + 1, stopper.best_epoch), "off by one")
    assert_wrong(q5.evaluate(history, 60, stopper.best_epoch + 1), "stopped earlier")
    assert_wrong(q5.evaluate(history, len(history.epoch)), "q5.check(history_es, epochs_run, best_epoch)")
    assert_wrong(q5.evaluate({"loss": 0.3, "val_loss": 0.4}, 4, 2), "single numbers", "model.fit")


def plain_net():
    return keras.Sequential(
        [keras.Input(shape=(64,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")]
    )


def test_q6_other_correct_answers():
    def seeded_initialisers(seed):
        glorot = keras.initializers.GlorotUniform
        return keras.Sequential(
            [
                keras.Input(shape=(64,)),
                layers.Dense(16, activation="relu", kernel_initializer=glorot(seed=seed)),
                layers.Dense(1, activation="sigmoid", kernel_initializer=glorot(seed=seed + 1)),
            ]
        )

    def course_helper(seed):
        set_seed(seed)
        inputs = keras.Input(shape=(64,))
        return keras.Model(inputs, layers.Dense(1, activation="sigmoid")(layers.Dense(16, activation="relu")(inputs)))

    assert_correct(q6.evaluate(seeded_initialisers))
    assert_correct(q6.evaluate(course_helper))


def test_q6_more_wrong_answers():
    import tensorflow as tf

    keras.utils.set_random_seed(123)  # whatever the tests before left behind

    def tensorflow_only(seed):
        tf.random.set_seed(seed)
        return plain_net()

    def seeded_after_building(seed):
        model = plain_net()
        keras.utils.set_random_seed(seed)
        return model

    assert_wrong(q6.evaluate(tensorflow_only), "different weights", "keras.utils.set_random_seed")
    assert_wrong(q6.evaluate(seeded_after_building), "different weights", "before building")
    assert_wrong(q6.evaluate(lambda: plain_net()), "def build_seeded_net(seed)")
