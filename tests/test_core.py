"""Tests of the exercise mechanism in nncourse.exercises.core."""

from __future__ import annotations

import numpy as np
import pytest

from nncourse.exercises.core import (
    CORRECT,
    INCORRECT,
    NOT_ATTEMPTED,
    CheckFailed,
    Question,
    Wrong,
    expect_array,
    expect_callable,
    expect_fitted_estimator,
    expect_history,
    expect_keras_model,
    expect_number,
)


def _is_three(answer):
    if expect_number(answer) != 3:
        raise Wrong("That is not three.")
    return "Three it is."


QUESTION = Question("Question 0 (three)", _is_three, ["Count to three.", "It is 3."], "answer = 3")


def test_statuses_and_messages():
    assert QUESTION.evaluate(3).status == CORRECT
    assert QUESTION.evaluate(3).message == "Three it is."
    wrong = QUESTION.evaluate(4)
    assert wrong.status == INCORRECT and "not three" in wrong.message and ".hint()" in wrong.message
    assert QUESTION.evaluate(...).status == NOT_ATTEMPTED
    assert "placeholder" in QUESTION.evaluate(...).message
    assert QUESTION.evaluate().status == INCORRECT


def test_bad_types_get_a_sentence_not_a_traceback():
    for bad, words in ((None, "None"), ("3", "number"), ([1, 2], "single number"), (True, "True/False")):
        result = QUESTION.evaluate(bad)
        assert result.status == INCORRECT and words in result.message


def test_unexpected_errors_in_a_checker_are_explained():
    def explodes(answer):
        return answer.fit()

    result = Question("Q", explodes, [], "").evaluate(5)
    assert result.status == INCORRECT
    assert "AttributeError" in result.message and "kind of thing" in result.message


def test_check_is_quiet_for_learners_and_strict_in_tests(monkeypatch, capsys):
    monkeypatch.delenv("NNCOURSE_CHECKS", raising=False)
    QUESTION.check(4)
    assert "Not quite" in capsys.readouterr().out
    monkeypatch.setenv("NNCOURSE_CHECKS", "solution")
    QUESTION.check(3)
    with pytest.raises(CheckFailed, match="solution notebook"):
        QUESTION.check(4)
    with pytest.raises(CheckFailed):
        QUESTION.check(...)
    monkeypatch.setenv("NNCOURSE_CHECKS", "exercise")
    QUESTION.check(...)
    with pytest.raises(CheckFailed, match="not attempted yet"):
        QUESTION.check(3)


def test_hints_step_through_then_stay_on_the_last(capsys):
    question = Question("Q", _is_three, ["first", "second"], "x = 3")
    question.hint()
    question.hint()
    question.hint()
    out = capsys.readouterr().out
    assert out.index("first") < out.index("second")
    assert out.count("second") == 2
    question.solution()
    assert "x = 3" in capsys.readouterr().out


def test_result_renders_as_html():
    html = QUESTION.evaluate(4)._repr_html_()
    assert "Not quite" in html and "<div" in html


def test_expect_array_shapes_and_values():
    np.testing.assert_array_equal(expect_array([[1, 2]], shape=(None, 2)), [[1, 2]])
    with pytest.raises(Wrong, match=r"shape \(any, 3\)"):
        expect_array([[1, 2]], shape=(None, 3))
    with pytest.raises(Wrong, match="2 dimension"):
        expect_array([1, 2], ndim=2)
    with pytest.raises(Wrong, match="NaN"):
        expect_array([np.nan])
    with pytest.raises(Wrong, match="array of numbers"):
        expect_array({"a": 1})


def test_expect_callable():
    assert expect_callable(len) is len
    with pytest.raises(Wrong, match="function itself"):
        expect_callable(3)


def test_expect_fitted_estimator():
    from sklearn.linear_model import LogisticRegression

    with pytest.raises(Wrong, match="not fitted"):
        expect_fitted_estimator(LogisticRegression())
    with pytest.raises(Wrong, match="fit and predict"):
        expect_fitted_estimator([1, 2])
    fitted = LogisticRegression().fit([[0], [1]], [0, 1])
    assert expect_fitted_estimator(fitted) is fitted


def test_expect_history():
    assert expect_history({"loss": [1, 0.5]}) == {"loss": [1.0, 0.5]}
    for bad, words in ((None, "None"), ({}, "empty"), (3, "History")):
        with pytest.raises(Wrong, match=words):
            expect_history(bad)


def test_expect_keras_model():
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    with pytest.raises(Wrong, match="never compiled"):
        expect_keras_model(model)
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(Wrong, match="untrained"):
        expect_keras_model(model)
    history = model.fit(np.zeros((4, 2)), np.zeros(4), epochs=1, verbose=0)
    assert expect_keras_model(model) is model
    with pytest.raises(Wrong, match="History"):
        expect_keras_model(history)
    with pytest.raises(Wrong, match="Keras model"):
        expect_keras_model("model")
    assert expect_keras_model(keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)]), trained=False)


# ------------------------------------------------------------------ round 2 (issue 12): messages


def test_a_wrong_number_of_answers_names_the_expected_call():
    def two(history, model):
        return "ok"

    question = Question("Q", two, [], "")
    for answers in ((1,), (1, 2, 3)):
        result = question.evaluate(*answers)
        assert result.status == INCORRECT and "check(history, model)" in result.message
        assert "missing" not in result.message and "positional" not in result.message
    assert question.evaluate(1, 2).status == CORRECT


def test_library_errors_are_summarised_in_one_line():
    from nncourse.exercises.core import one_line

    def explodes(answer):
        raise ValueError("first line\n" + "data " * 30_000)

    result = Question("Q", explodes, [], "").evaluate(5)
    assert result.status == INCORRECT and "first line" in result.message and len(result.message) < 400
    assert one_line(ValueError("x" * 1000)).endswith("...") and len(one_line(ValueError("x" * 1000))) < 230


def test_nan_and_infinity_are_blamed_on_the_learners_computation():
    for bad in (float("nan"), float("inf")):
        result = QUESTION.evaluate(bad)
        assert result.status == INCORRECT and "your computation" in result.message
    with pytest.raises(Wrong, match="log of 0"):
        expect_array([1.0, np.nan])


def test_solution_shows_the_answer_of_the_solution_notebook(capsys):
    from nncourse.exercises.lesson4 import q4

    assert "EarlyStopping(" in q4.answer and "SOLUTION" not in q4.answer and "check(" not in q4.answer
    q4.solution()
    assert q4.answer.splitlines()[0] in capsys.readouterr().out
    assert q4.call_form() == "q4.check(early_stop)"


def test_shared_helpers():
    from nncourse.exercises.core import NotAttempted
    from nncourse.exercises.tools import call_learner, cross_entropy, private_copy

    with pytest.raises(Wrong, match="ZeroDivisionError"):
        call_learner(lambda x: 1 / 0, 3, name="f")
    with pytest.raises(NotAttempted):
        call_learner(lambda x: (x, ...), 3, name="f")
    assert cross_entropy([0.5, 0.5], [0, 1]) == pytest.approx(np.log(2))
    assert cross_entropy([[0.25, 0.75]], [1]) == pytest.approx(-np.log(0.75))
    assert cross_entropy([[2.0, -1.0]], [0]) is None
    original = (np.zeros(2),)
    copied = private_copy(original)
    copied[0][0] = 1
    assert original[0][0] == 0
