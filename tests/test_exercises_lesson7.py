"""Unit tests of the checks of lesson 7 (the Fashion-MNIST lab).

For each question: the reference answer passes, plausible wrong answers fail with a message that
says what is wrong, and bad input (None, a wrong type or shape) gets a sentence, not a traceback.
To stay fast, the checks see a small slice of Fashion-MNIST (see the ``small_fashion`` fixture)
and the models are tiny and briefly trained; the accuracy floors are lowered to match.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from nncourse.exercises import lesson7  # noqa: E402
from nncourse.exercises.core import CORRECT, NOT_ATTEMPTED  # noqa: E402
from nncourse.plots import show_images  # noqa: E402

N_TRAIN, N_TEST = 3000, 1000


@pytest.fixture(scope="module")
def small_fashion():
    x_train, y_train, x_test, y_test = lesson7._fashion()
    return x_train[:N_TRAIN], y_train[:N_TRAIN], x_test[:N_TEST], y_test[:N_TEST]


@pytest.fixture(autouse=True)
def checks_see_small_data(monkeypatch, small_fashion):
    monkeypatch.setattr(lesson7, "_fashion", lambda: small_fashion)
    monkeypatch.setattr(lesson7, "MIN_TEST_ACCURACY", 0.65)
    yield
    plt.close("all")


from checktools import assert_wrong as assert_incorrect  # noqa: E402 - after the importorskip above


def test_placeholder_is_not_attempted():
    assert lesson7.q1.evaluate(...).status == NOT_ATTEMPTED
    assert lesson7.q4.evaluate(..., ...).status == NOT_ATTEMPTED
    assert lesson7.q7.evaluate(..., ..., ...).status == NOT_ATTEMPTED


def test_functions_that_still_return_the_placeholder_are_not_attempted():
    def class_grid(images, labels, class_index, n=100):
        chosen = ...  # noqa: F841
        return ...

    def decide(probabilities, threshold=0.0, margin=0.0):
        return ...

    def accuracy_coverage(probabilities, labels, thresholds):
        return ...

    assert lesson7.q2.evaluate(class_grid).status == NOT_ATTEMPTED
    assert lesson7.q6.evaluate(decide, accuracy_coverage).status == NOT_ATTEMPTED


# --- Question 1 --------------------------------------------------------------------------------


def test_q1_reference_passes(small_fashion):
    pixels = small_fashion[0].ravel()
    counts, edges = np.histogram(pixels[pixels > 0], bins=51)
    result = lesson7.q1.evaluate((counts, edges))
    assert result.status == CORRECT, result


def test_q1_scaled_pixels_pass(small_fashion):
    pixels = small_fashion[0].ravel() / 255
    counts, edges = np.histogram(pixels[pixels > 0], bins=30)
    assert lesson7.q1.evaluate((counts, edges)).status == CORRECT


def test_q1_zeros_included_fails(small_fashion):
    counts, edges = np.histogram(small_fashion[0].ravel(), bins=51)
    assert_incorrect(lesson7.q1.evaluate((counts, edges)), "zeros included")


def test_q1_part_of_the_images_fails(small_fashion):
    pixels = small_fashion[0][:100].ravel()
    counts, edges = np.histogram(pixels[pixels > 0], bins=51)
    assert_incorrect(lesson7.q1.evaluate((counts, edges)), "fewer than")


def test_q1_swapped_arguments_fail(small_fashion):
    pixels = small_fashion[0].ravel()
    counts, edges = np.histogram(pixels[pixels > 0], bins=51)
    assert_incorrect(lesson7.q1.evaluate((edges, counts)), "one edge more")


def test_q1_counts_that_do_not_match_the_edges_fail(small_fashion):
    pixels = small_fashion[0].ravel()
    counts, edges = np.histogram(pixels[pixels > 0], bins=51)
    assert_incorrect(lesson7.q1.evaluate((counts[::-1], edges)), "do not match")


def test_q1_plt_hist_result_passes(small_fashion):
    pixels = small_fashion[0].ravel()
    _, ax = plt.subplots()
    assert lesson7.q1.evaluate(ax.hist(pixels[pixels > 0], bins=20)).status == CORRECT


def test_q1_bad_input_is_explained(small_fashion):
    assert_incorrect(lesson7.q1.evaluate(None), "None")
    assert_incorrect(lesson7.q1.evaluate(np.arange(10)), "pair (counts, edges)")
    assert_incorrect(lesson7.q1.evaluate(("counts", np.arange(3))), "array of numbers")
    assert_incorrect(lesson7.q1.evaluate((np.ones(3), np.arange(4))), "at least 10")


# --- Question 2 --------------------------------------------------------------------------------


def class_grid(images, labels, class_index, n=100):
    return show_images(images[labels == class_index][:n], ncols=10)


def test_q2_reference_passes():
    result = lesson7.q2.evaluate(class_grid)
    assert result.status == CORRECT, result


def test_q2_hand_made_subplots_pass():
    def grid(images, labels, class_index, n):
        chosen = images[labels == class_index][:n]
        fig, axes = plt.subplots(1, len(chosen))
        for ax, image in zip(np.atleast_1d(axes), chosen):
            ax.imshow(image / 255, cmap="gray")
        return fig

    assert lesson7.q2.evaluate(grid).status == CORRECT


def test_q2_ignoring_the_class_fails():
    assert_incorrect(
        lesson7.q2.evaluate(lambda images, labels, c, n: class_grid(images, labels, 0, n)), "class(es) [0]"
    )


def test_q2_ignoring_n_fails():
    assert_incorrect(lesson7.q2.evaluate(lambda images, labels, c, n: class_grid(images, labels, c)), "figure shows")


def test_q2_using_global_data_fails(small_fashion):
    x_train, y_train = small_fashion[:2]
    wrong = lambda images, labels, c, n: class_grid(x_train, y_train, c, n)  # noqa: E731
    assert_incorrect(lesson7.q2.evaluate(wrong), "not among the images passed")


def test_q2_repeated_images_fail():
    def grid(images, labels, class_index, n):
        first = images[labels == class_index][:1]
        return show_images(np.repeat(first, n, axis=0))

    assert_incorrect(lesson7.q2.evaluate(grid), "twice")


def test_q2_bad_input_is_explained():
    def no_return(images, labels, class_index, n):
        class_grid(images, labels, class_index, n)

    assert_incorrect(lesson7.q2.evaluate(no_return), "returned None")
    assert_incorrect(lesson7.q2.evaluate(None), "None")
    assert_incorrect(lesson7.q2.evaluate(class_grid(np.ones((2, 4, 4)), np.zeros(2), 0)), "function")
    assert_incorrect(lesson7.q2.evaluate(lambda images, labels: None), "four arguments")
    assert_incorrect(lesson7.q2.evaluate(lambda images, labels, c, n: plt.gca()), "Figure")


# --- Question 3 --------------------------------------------------------------------------------


@pytest.fixture
def frame(small_fashion):
    from nncourse.lab import flat_frame

    return flat_frame(small_fashion[0], small_fashion[1])


def test_q3_reference_passes(frame):
    dummies = pd.get_dummies(frame["target"], prefix="target", dtype=int)
    result = lesson7.q3.evaluate(pd.concat([frame, dummies], axis=1))
    assert result.status == CORRECT, result
    assert "dtype=int" not in result.message


def test_q3_true_false_columns_pass_with_a_tip(frame):
    result = lesson7.q3.evaluate(pd.concat([frame, pd.get_dummies(frame["target"], prefix="target")], axis=1))
    assert result.status == CORRECT, result
    assert "dtype=int" in result.message


def test_q3_columns_without_prefix_fail(frame):
    assert_incorrect(lesson7.q3.evaluate(pd.get_dummies(frame["target"], dtype=int)), "target_0 .. target_9")


def test_q3_numbered_from_one_fails(frame):
    dummies = pd.get_dummies(frame["target"] + 1, prefix="target", dtype=int)
    assert_incorrect(lesson7.q3.evaluate(dummies), "target_10")


def test_q3_reordered_rows_fail(frame):
    dummies = pd.get_dummies(frame["target"], prefix="target", dtype=int)
    table = pd.concat([frame, dummies], axis=1)
    shuffled = table.copy()
    shuffled[list(dummies.columns)] = dummies.sort_values("target_0").to_numpy()
    assert_incorrect(lesson7.q3.evaluate(shuffled), "right columns")


def test_q3_bad_input_is_explained(frame):
    assert_incorrect(lesson7.q3.evaluate(None), "None")
    assert_incorrect(lesson7.q3.evaluate(frame["target"]), "Series")
    assert_incorrect(lesson7.q3.evaluate(np.eye(10)), "DataFrame")
    dummies = pd.get_dummies(frame["target"], prefix="target", dtype=int)
    assert_incorrect(lesson7.q3.evaluate(pd.concat([frame, dummies], axis=1).head(10)), "one per training image")


# --- Questions 4 and 5: small Keras models ------------------------------------------------------


def build(dropout: float = 0.0, width: int = 64):
    import keras

    layers = [keras.Input(shape=(28, 28)), keras.layers.Flatten(), keras.layers.Dense(width, activation="relu")]
    if dropout:
        layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@pytest.fixture(scope="module")
def scaled(small_fashion):
    x_train, y_train, x_test, y_test = small_fashion
    return x_train / 255, y_train, x_test / 255, y_test


@pytest.fixture(scope="module")
def early_stopped(scaled):
    """The solution notebook's answer to question 4, run on the small data: (history, model)."""
    import keras
    from checktools import reference

    from nncourse.plots import plot_history
    from nncourse.repro import set_seed

    x_train, y_train = scaled[:2]
    ns = reference(
        lesson7.q4,
        keras=keras,
        np=np,
        set_seed=set_seed,
        plot_history=plot_history,
        build_dense_model=build,
        x_train_scaled=x_train.astype("float32"),
        y_train=y_train,
    )
    assert len(ns["history_es"].epoch) < 50
    return ns["history_es"], ns["model_es"]


def test_q4_reference_passes(early_stopped):
    result = lesson7.q4.evaluate(*early_stopped)
    assert result.status == CORRECT, result
    assert "epochs" in result.message


def test_q4_without_validation_fails(scaled):
    x_train, y_train = scaled[:2]
    model = build()
    history = model.fit(x_train[:500], y_train[:500], epochs=1, verbose=0)
    assert_incorrect(lesson7.q4.evaluate(history, model), "val_loss")


def test_q4_all_epochs_fails(scaled):
    x_train, y_train = scaled[:2]
    model = build()
    history = model.fit(x_train[:500], y_train[:500], epochs=2, validation_split=0.2, verbose=0)
    assert_incorrect(lesson7.q4.evaluate(history, model), "never stopped")


def test_q4_history_dict_fails(early_stopped):
    history, model = early_stopped
    assert_incorrect(lesson7.q4.evaluate(history.history, model), "History object")


def test_q4_low_accuracy_fails(early_stopped, monkeypatch):
    monkeypatch.setattr(lesson7, "MIN_TEST_ACCURACY", 0.99)
    assert_incorrect(lesson7.q4.evaluate(*early_stopped), "below 0.99")


def test_q4_bad_input_is_explained(early_stopped):
    history, model = early_stopped
    assert_incorrect(lesson7.q4.evaluate(None, model), "None")
    assert_incorrect(lesson7.q4.evaluate(history, None), "None")
    assert_incorrect(lesson7.q4.evaluate(history, history), "History that fit() returns")
    assert_incorrect(lesson7.q4.evaluate(history, build()), "untrained")
    assert_incorrect(lesson7.q4.evaluate(model, history), "q4.check(history, model)")
    assert_incorrect(lesson7.q4.evaluate([history], model), "History")


def measure(model, scaled):
    x_train, y_train, x_test, y_test = scaled
    train_loss, train_accuracy = model.evaluate(x_train, y_train, verbose=0)
    test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
    return {
        "train accuracy": train_accuracy,
        "test accuracy": test_accuracy,
        "train loss": train_loss,
        "test loss": test_loss,
    }


@pytest.fixture(scope="module")
def dropout_study(scaled):
    """The solution notebook's answer to question 5, run on the small data: (findings, models)."""
    import keras
    from checktools import reference

    from nncourse.plots import compare_histories
    from nncourse.repro import set_seed

    x_train, y_train, x_test, y_test = scaled
    set_seed(0)
    model_plain = build(width=128)
    history_plain = model_plain.fit(x_train, y_train, epochs=10, batch_size=128, validation_split=0.1, verbose=0)
    ns = reference(
        lesson7.q5,
        keras=keras,
        pd=pd,
        plt=plt,
        set_seed=set_seed,
        compare_histories=compare_histories,
        x_train_scaled=x_train,
        y_train=y_train,
        x_test_scaled=x_test,
        y_test=y_test,
        EPOCHS=10,
        model_plain=model_plain,
        history_plain=history_plain,
    )
    plt.close("all")
    return ns["findings"], {"without dropout": model_plain, "with dropout": ns["model_dropout"]}


def test_q5_reference_passes(dropout_study):
    findings, models = dropout_study
    result = lesson7.q5.evaluate(findings, models["with dropout"])
    assert result.status == CORRECT, result
    assert "shrank" in result.message


def test_q5_snake_case_labels_pass(dropout_study):
    findings, models = dropout_study
    renamed = findings.rename(index=lambda s: s.replace(" ", "_"), columns=lambda s: s.replace(" ", "_").upper())
    assert lesson7.q5.evaluate(renamed, models["with dropout"]).status == CORRECT


def test_q5_model_without_dropout_fails(dropout_study):
    findings, models = dropout_study
    assert_incorrect(lesson7.q5.evaluate(findings, models["without dropout"]), "no dropout")


def test_q5_training_accuracy_from_the_history_fails(dropout_study):
    findings, models = dropout_study
    wrong = findings.copy()
    wrong.loc["with dropout", "train accuracy"] -= 0.05
    assert_incorrect(lesson7.q5.evaluate(wrong, models["with dropout"]), "dropout is switched on")


def test_q5_rows_swapped_fail(dropout_study):
    findings, models = dropout_study
    swapped = findings.iloc[::-1].set_axis(findings.index)
    assert_incorrect(lesson7.q5.evaluate(swapped, models["with dropout"]), "but it scores")


def test_q5_gap_not_narrowed_fails(dropout_study):
    findings, models = dropout_study
    wrong = findings.copy()
    wrong.loc["without dropout", "train accuracy"] = wrong.loc["without dropout", "test accuracy"]
    assert_incorrect(lesson7.q5.evaluate(wrong, models["with dropout"]), "did not narrow")


def test_q5_low_accuracy_fails(dropout_study, monkeypatch):
    findings, models = dropout_study
    monkeypatch.setattr(lesson7, "MIN_TEST_ACCURACY", 0.99)
    assert_incorrect(lesson7.q5.evaluate(findings, models["with dropout"]), "learns little")


def test_q5_table_shape_mistakes_are_explained(dropout_study):
    findings, models = dropout_study
    model = models["with dropout"]
    assert_incorrect(lesson7.q5.evaluate(findings.T, model), "transposed")
    assert_incorrect(lesson7.q5.evaluate(findings * 100, model), "percentages")
    assert_incorrect(lesson7.q5.evaluate(findings.drop(columns="test loss"), model), "columns")


def test_q5_bad_input_is_explained(dropout_study):
    findings, models = dropout_study
    assert_incorrect(lesson7.q5.evaluate(None, models["with dropout"]), "None")
    assert_incorrect(lesson7.q5.evaluate(findings.to_dict(), models["with dropout"]), "DataFrame")
    assert_incorrect(lesson7.q5.evaluate(findings, None), "None")
    assert_incorrect(lesson7.q5.evaluate(findings, build(dropout=0.5)), "untrained")
    assert_incorrect(lesson7.q5.evaluate(models["with dropout"], findings), "q5.check(findings, model)")


# --- Question 6 --------------------------------------------------------------------------------


def decide(probabilities, threshold=0.0, margin=0.0):
    ranked = np.sort(probabilities, axis=1)
    top, second = ranked[:, -1], ranked[:, -2]
    predicted = probabilities.argmax(axis=1)
    return np.where((top < threshold) | (top - second < margin), -1, predicted)


def accuracy_coverage(probabilities, labels, thresholds):
    rows = []
    for threshold in thresholds:
        decided = decide(probabilities, threshold=threshold)
        labelled = decided != -1
        accuracy = (decided[labelled] == labels[labelled]).mean() if labelled.any() else np.nan
        rows.append({"threshold": threshold, "coverage": labelled.mean(), "accuracy": accuracy})
    return pd.DataFrame(rows)


def test_q6_reference_passes():
    result = lesson7.q6.evaluate(decide, accuracy_coverage)
    assert result.status == CORRECT, result


def test_q6_last_of_tied_classes_fails():
    def last_of_ties(probabilities, threshold=0.0, margin=0.0):
        flipped = probabilities[:, ::-1]
        return probabilities.shape[1] - 1 - flipped.argmax(axis=1)

    assert_incorrect(lesson7.q6.evaluate(last_of_ties, accuracy_coverage), "first of tied classes")


def test_q6_never_abstaining_fails():
    never = lambda probabilities, threshold=0.0, margin=0.0: probabilities.argmax(axis=1)  # noqa: E731
    assert_incorrect(lesson7.q6.evaluate(never, accuracy_coverage), "threshold=0.5")


def test_q6_margin_ignored_fails():
    no_margin = lambda probabilities, threshold=0.0, margin=0.0: decide(probabilities, threshold)  # noqa: E731
    assert_incorrect(lesson7.q6.evaluate(no_margin, accuracy_coverage), "margin=0.2")


def test_q6_abstentions_counted_as_mistakes_fail():
    def over_all(probabilities, labels, thresholds):
        rows = []
        for threshold in thresholds:
            decided = decide(probabilities, threshold=threshold)
            rows.append(
                {"threshold": threshold, "coverage": (decided != -1).mean(), "accuracy": (decided == labels).mean()}
            )
        return pd.DataFrame(rows)

    assert_incorrect(lesson7.q6.evaluate(decide, over_all), "abstentions as mistakes")


def test_q6_coverage_as_a_count_fails():
    def counted(probabilities, labels, thresholds):
        frame = accuracy_coverage(probabilities, labels, thresholds)
        frame["coverage"] *= len(labels)
        return frame

    assert_incorrect(lesson7.q6.evaluate(decide, counted), "not a count")


def test_q6_bad_input_is_explained():
    assert_incorrect(lesson7.q6.evaluate(None, accuracy_coverage), "None")
    assert_incorrect(lesson7.q6.evaluate(decide(np.eye(3)), accuracy_coverage), "function")
    assert_incorrect(lesson7.q6.evaluate(lambda p: p.argmax(axis=1), accuracy_coverage), "threshold=0.0, margin=0.0")
    assert_incorrect(lesson7.q6.evaluate(lambda p, threshold=0, margin=0: p, accuracy_coverage), "shape")
    as_dict = lambda p, y, t: accuracy_coverage(p, y, t).to_dict()  # noqa: E731
    assert_incorrect(lesson7.q6.evaluate(decide, as_dict), "DataFrame")


# --- Question 7 --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits_split():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    return train_test_split(digits.data / 16, digits.target, test_size=0.2, stratify=digits.target, random_state=0)


def test_q7_sklearn_reference_passes(digits_split):
    from sklearn.linear_model import LogisticRegression

    X_train, X_test, y_train, y_test = digits_split
    model = LogisticRegression(max_iter=1000).fit(X_train, y_train)
    result = lesson7.q7.evaluate(model, X_test, y_test)
    assert result.status == CORRECT, result


def test_q7_keras_reference_passes(digits_split):
    import keras

    from nncourse.repro import set_seed

    X_train, X_test, y_train, y_test = digits_split
    set_seed(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(X_train, y_train, epochs=30, batch_size=64, verbose=0)
    result = lesson7.q7.evaluate(model, X_test, y_test)
    assert result.status == CORRECT, result


def test_q7_unstratified_split_fails(digits_split):
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression

    X_train, _, y_train, _ = digits_split
    model = LogisticRegression(max_iter=1000).fit(X_train, y_train)
    digits = load_digits()
    order = np.argsort(digits.target, kind="stable")[:360]
    assert_incorrect(lesson7.q7.evaluate(model, digits.data[order] / 16, digits.target[order]), "not stratified")


def test_q7_whole_data_set_as_test_fails(digits_split):
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression

    X_train, _, y_train, _ = digits_split
    model = LogisticRegression(max_iter=1000).fit(X_train, y_train)
    digits = load_digits()
    assert_incorrect(lesson7.q7.evaluate(model, digits.data / 16, digits.target), "whole data set")


def test_q7_labels_out_of_order_fail(digits_split):
    from sklearn.linear_model import LogisticRegression

    X_train, X_test, y_train, y_test = digits_split
    model = LogisticRegression(max_iter=1000).fit(X_train, y_train)
    assert_incorrect(lesson7.q7.evaluate(model, X_test, np.sort(y_test)), "below 0.9")


def test_q7_bad_input_is_explained(digits_split):
    import keras
    from sklearn.linear_model import LogisticRegression

    X_train, X_test, y_train, y_test = digits_split
    untrained = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(10, activation="softmax")])
    untrained.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    assert_incorrect(lesson7.q7.evaluate(untrained, X_test, y_test), "untrained")
    assert_incorrect(lesson7.q7.evaluate(LogisticRegression(), X_test, y_test), "not fitted")
    assert_incorrect(lesson7.q7.evaluate(None, X_test, y_test), "None")
    assert_incorrect(lesson7.q7.evaluate(LogisticRegression(), X_test, y_test[:10]), "labels")
    assert_incorrect(lesson7.q7.evaluate(LogisticRegression(), X_test[:, :10], y_test), "64 pixels")
    assert_incorrect(lesson7.q7.evaluate(LogisticRegression(), X_test, np.ones((len(y_test), 3))), "1-D array")


# ------------------------------------------------------------------ round 2 (issue 12): fixed defects


def test_q1_lab_float32_scaled_pixels_pass(small_fashion):
    x_train_scaled = small_fashion[0].astype("float32") / 255
    nonzero = x_train_scaled[x_train_scaled > 0]
    for bins in (51, 30):
        assert lesson7.q1.evaluate(np.histogram(nonzero, bins=bins)).status == CORRECT


def test_q7_unscaled_test_images_fail_but_a_scaling_pipeline_passes(digits_split):
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X_train, X_test, y_train, y_test = digits_split
    model = LogisticRegression(max_iter=1000).fit(X_train, y_train)
    assert_incorrect(lesson7.q7.evaluate(model, X_test * 16, y_test), "raw pixel values", "scale")
    digits = load_digits()
    Xr_train, Xr_test, yr_train, yr_test = train_test_split(
        digits.data, digits.target, test_size=0.2, stratify=digits.target, random_state=0
    )
    pipeline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(Xr_train, yr_train)
    assert lesson7.q7.evaluate(pipeline, Xr_test, yr_test).status == CORRECT
    # Lists instead of arrays: one sentence, not a Keras dump.
    assert lesson7.q7.evaluate(model, X_test.tolist(), y_test.tolist()).status == CORRECT


def test_q7_wrong_input_shape_is_one_sentence(digits_split):
    import keras

    X_train, X_test, y_train, y_test = digits_split
    model = keras.Sequential([keras.Input(shape=(10,)), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(np.zeros((4, 10)), np.zeros(4), verbose=0)
    result = lesson7.q7.evaluate(model, X_test, y_test)
    assert_incorrect(result, "expects inputs of shape (10,)")
    assert len(result.message) < 400


def test_q5_validation_accuracy_as_test_accuracy_fails(scaled):
    from nncourse.repro import set_seed

    x_train, y_train = scaled[:2]
    set_seed(0)
    model = build(dropout=0.5, width=256)
    model.fit(x_train, y_train, epochs=3, batch_size=64, validation_split=0.1, verbose=0)
    row = measure(model, scaled)
    row["test accuracy"] = float(model.history.history["val_accuracy"][-1])
    findings = pd.DataFrame([row, row], index=["without dropout", "with dropout"])
    assert_incorrect(lesson7.q5.evaluate(findings, model), "validation accuracy")


def test_q5_wrong_number_of_answers_names_the_call(dropout_study):
    findings, _ = dropout_study
    assert_incorrect(lesson7.q5.evaluate(findings), "q5.check(findings, model)")


def test_q3_only_the_dummies_fail_and_other_encoders_pass(frame):
    dummies = pd.get_dummies(frame["target"], prefix="target", dtype=int)
    assert_incorrect(lesson7.q3.evaluate(dummies), "pixel columns kept")
    loop = frame.copy()
    for k in range(10):
        loop[f"target_{k}"] = (loop["target"] == k).astype(int)
    assert lesson7.q3.evaluate(loop).status == CORRECT
    without_target = pd.concat([frame.drop(columns="target"), dummies], axis=1)
    assert lesson7.q3.evaluate(without_target).status == CORRECT


def test_q2_global_labels_with_local_images_get_a_sentence(small_fashion):
    y_train = small_fashion[1]

    def grid(images, labels, class_index, n=100):
        return show_images(images[y_train == class_index][:n], ncols=10)

    assert_incorrect(lesson7.q2.evaluate(grid), "its own arguments images and labels")


def test_q2_q6_reference_answers_from_the_solution_notebook_pass():
    from checktools import assert_correct, reference

    ns = reference(lesson7.q6, np=np, pd=pd)
    assert_correct(lesson7.q6.evaluate(ns["decide"], ns["accuracy_coverage"]))
    ns = reference(lesson7.q2, np=np, show_images=show_images, class_names=[f"class {k}" for k in range(10)])
    assert_correct(lesson7.q2.evaluate(ns["class_grid"]))


# ------------------------------------------------------------------ round 3 (issue 12): every question tried again


def test_reference_answers_of_questions_1_and_3_pass(small_fashion, frame):
    from checktools import assert_correct, reference

    ns = reference(lesson7.q1, np=np, x_train=small_fashion[0])
    assert_correct(lesson7.q1.evaluate(ns["histogram"]))
    ns = reference(lesson7.q3, pd=pd, df=frame)
    assert_correct(lesson7.q3.evaluate(ns["df_onehot"]))


def test_q1_lists_pass_and_a_wrong_number_of_answers_names_the_call(small_fashion):
    pixels = small_fashion[0].ravel()
    counts, edges = np.histogram(pixels[pixels > 0], bins=25)
    assert lesson7.q1.evaluate([counts.tolist(), edges.tolist()]).status == CORRECT
    assert_incorrect(lesson7.q1.evaluate(counts, edges), "q1.check(histogram)")
    assert_incorrect(lesson7.q1.evaluate((counts * np.nan, edges)), "NaN", "your computation")


def fake_history(epochs=50, **metrics):
    """What fit returns, with made-up per-epoch values (the check reads only the History)."""
    import keras

    history = keras.callbacks.History()
    history.history = {key: list(values) for key, values in metrics.items()}
    history.params = {"epochs": epochs, "verbose": 0}
    history.epoch = list(range(len(next(iter(metrics.values())))))
    return history


def curves(val_loss, val_accuracy):
    n = len(val_loss)
    return {
        "loss": np.linspace(0.8, 0.3, n),
        "accuracy": np.linspace(0.7, 0.9, n),
        "val_loss": val_loss,
        "val_accuracy": val_accuracy,
    }


def test_q4_early_stopping_on_validation_accuracy_fails(early_stopped):
    model = early_stopped[1]
    # The validation accuracy peaks at epoch 5 and training stops three epochs later, while the
    # validation loss still reaches a new low in the last epoch: a rule on val_loss would not stop there.
    history = fake_history(
        **curves(
            val_loss=[0.6, 0.5, 0.45, 0.42, 0.40, 0.39, 0.385, 0.38],
            val_accuracy=[0.80, 0.83, 0.85, 0.86, 0.87, 0.865, 0.868, 0.869],
        )
    )
    assert_incorrect(lesson7.q4.evaluate(history, model), "val_accuracy", 'monitor="val_loss"')


def test_q4_validation_loss_watched_for_its_largest_value_fails(early_stopped):
    history = fake_history(**curves(val_loss=[0.6, 0.5, 0.45], val_accuracy=[0.80, 0.83, 0.85]))
    assert_incorrect(lesson7.q4.evaluate(history, early_stopped[1]), "mode='max'")


def test_q4_other_early_stopping_settings_pass(early_stopped):
    model = early_stopped[1]
    # patience=0: stops at the first epoch that does not lower the validation loss.
    history = fake_history(**curves(val_loss=[0.6, 0.5, 0.45, 0.46], val_accuracy=[0.80, 0.83, 0.85, 0.86]))
    assert lesson7.q4.evaluate(history, model).status == CORRECT
    # min_delta=0.01, patience=4: only the min_delta explains where it stopped; a rule on the
    # validation accuracy would explain it too, but the validation loss did not reach a new low.
    history = fake_history(
        epochs=100,
        **curves(
            val_loss=[0.6, 0.5, 0.45, 0.4495, 0.452, 0.4493, 0.451],
            val_accuracy=[0.80, 0.82, 0.85, 0.86, 0.855, 0.858, 0.857],
        ),
    )
    assert lesson7.q4.evaluate(history, model).status == CORRECT


def test_q4_replays_keras_early_stopping_exactly():
    import keras

    class Run:
        stop_training = False

        def get_weights(self):
            return []

    rng = np.random.default_rng(0)
    for _ in range(300):
        values = [float(v) for v in np.round(rng.normal(size=int(rng.integers(3, 20))).cumsum() * 0.1, 3)]
        mode, patience = str(rng.choice(["min", "max"])), int(rng.integers(0, 5))
        min_delta = float(rng.choice([0.0, 1e-3, 0.01]))
        stop = keras.callbacks.EarlyStopping(monitor="m", mode=mode, patience=patience, min_delta=min_delta)
        run = Run()
        stop.set_model(run)
        stop.on_train_begin()
        for epoch, value in enumerate(values):
            stop.on_epoch_end(epoch, {"m": value})
            if run.stop_training:
                assert lesson7._stops_at_end(values[: epoch + 1], mode, min_delta, 0)
                break


def test_q5_model_names_in_a_column_pass(dropout_study):
    from checktools import assert_correct

    findings, models = dropout_study
    with_column = findings.reset_index().rename(columns={"index": "model"})
    assert_correct(lesson7.q5.evaluate(with_column, models["with dropout"]))


def test_q6_thresholds_as_the_index_and_a_list_from_decide_pass():
    def by_index(probabilities, labels, thresholds):
        return accuracy_coverage(probabilities, labels, thresholds).set_index("threshold")

    def as_list(probabilities, threshold=0.0, margin=0.0):
        return decide(probabilities, threshold, margin).tolist()

    assert lesson7.q6.evaluate(decide, by_index).status == CORRECT
    assert lesson7.q6.evaluate(as_list, accuracy_coverage).status == CORRECT
    assert_incorrect(lesson7.q6.evaluate(decide), "q6.check(decide, accuracy_coverage)")


def test_q6_abstaining_on_ties_at_margin_0_fails():
    def at_or_below(probabilities, threshold=0.0, margin=0.0):
        ranked = np.sort(probabilities, axis=1)
        unsure = (ranked[:, -1] <= threshold) | (ranked[:, -1] - ranked[:, -2] <= margin)
        return np.where(unsure, -1, probabilities.argmax(axis=1))

    assert_incorrect(lesson7.q6.evaluate(at_or_below, accuracy_coverage), "never abstain")


def test_q7_reference_answer_passes():
    import keras
    import matplotlib.pyplot as plt
    from checktools import assert_correct, reference
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    from nncourse.plots import plot_history
    from nncourse.repro import set_seed

    ns = reference(
        lesson7.q7,
        np=np,
        keras=keras,
        plt=plt,
        load_digits=load_digits,
        train_test_split=train_test_split,
        set_seed=set_seed,
        plot_history=plot_history,
        show_images=show_images,
    )
    assert_correct(lesson7.q7.evaluate(ns["digits_model"], ns["X_digits_test"], ns["y_digits_test"]))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_q7_other_forms_pass_and_a_class_gets_a_sentence(digits_split):
    from sklearn.neural_network import MLPClassifier

    X_train, X_test, y_train, y_test = digits_split
    model = MLPClassifier(max_iter=300, random_state=0).fit(X_train, y_train)
    assert lesson7.q7.evaluate(model, X_test.reshape(-1, 8, 8), y_test).status == CORRECT
    assert lesson7.q7.evaluate(model, pd.DataFrame(X_test), pd.Series(y_test)).status == CORRECT
    assert lesson7.q7.evaluate(model, X_test, np.eye(10)[y_test]).status == CORRECT  # one-hot labels
    assert_incorrect(lesson7.q7.evaluate(MLPClassifier, X_test, y_test), "the class MLPClassifier itself")
    assert_incorrect(lesson7.q7.evaluate(model, X_test), "q7.check(model, X_test, y_test)")
    assert_incorrect(lesson7.q7.evaluate(model, y_test, X_test), "64 pixels")


def test_q1_densities_fail_with_a_sentence(small_fashion):
    pixels = small_fashion[0].ravel()
    assert_incorrect(lesson7.q1.evaluate(np.histogram(pixels[pixels > 0], bins=51, density=True)), "density=True")
    counts, edges = np.histogram(pixels[pixels > 0], bins=np.arange(1, 257))  # one bar per grey level
    assert lesson7.q1.evaluate((counts, edges)).status == CORRECT


def test_q2_other_images_of_the_class_than_the_first_n_fail():
    def last_n(images, labels, class_index, n=100):
        return show_images(images[labels == class_index][-n:], ncols=10)

    assert_incorrect(lesson7.q2.evaluate(last_n), "not its first")


def test_q3_other_encoders_pass_and_a_missing_separator_is_named(frame):
    import keras
    from sklearn.preprocessing import OneHotEncoder

    encoder = OneHotEncoder(sparse_output=False, dtype=int)
    encoded = encoder.fit_transform(frame[["target"]])
    columns = encoder.get_feature_names_out()
    assert lesson7.q3.evaluate(pd.concat([frame, pd.DataFrame(encoded, columns=columns)], axis=1)).status == CORRECT
    rows = keras.utils.to_categorical(frame["target"], 10)
    table = pd.concat([frame, pd.DataFrame(rows, columns=[f"target_{k}" for k in range(10)])], axis=1)
    assert lesson7.q3.evaluate(table).status == CORRECT
    dummies = pd.get_dummies(frame["target"], prefix="target", prefix_sep="", dtype=int)
    assert_incorrect(lesson7.q3.evaluate(pd.concat([frame, dummies], axis=1)), "prefix_sep")


def test_nan_from_the_learners_own_computation_is_blamed_on_it(digits_split):
    from sklearn.linear_model import LogisticRegression

    def decide_nan(probabilities, threshold=0.0, margin=0.0):
        with np.errstate(all="ignore"):  # log(0): the learner's slip
            return decide(probabilities, threshold, margin) * np.log(probabilities.sum(axis=1) - 1)

    assert_incorrect(lesson7.q6.evaluate(decide_nan, accuracy_coverage), "NaN", "your computation")
    X_train, X_test, y_train, y_test = digits_split
    model = LogisticRegression(max_iter=1000).fit(X_train, y_train)
    X_bad = X_test.copy()
    X_bad[0, 0] = np.nan
    assert_incorrect(lesson7.q7.evaluate(model, X_bad, y_test), "X_test", "NaN")
