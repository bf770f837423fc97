"""Unit tests of the lesson 6 exercise checks: reference answers pass, other correct answers pass,
plausible mistakes fail with a message that says what is wrong, and bad input gets a sentence.

Nothing here loads the ImageNet network: question 1 needs only its preprocessing, questions 2
and 4 run on small bases the checks build, and question 3 is checked against made-up features
(the solution notebook, run by tests/test_notebooks.py, checks the real cached features).
"""

from __future__ import annotations

import numpy as np
import pytest
from checktools import assert_correct, assert_wrong, reference

keras = pytest.importorskip("keras")

from nncourse.exercises import lesson6  # noqa: E402
from nncourse.exercises.core import NOT_ATTEMPTED  # noqa: E402
from nncourse.exercises.lesson6 import q1, q2, q3, q4, q5  # noqa: E402
from nncourse.imagenet import load_image, preprocess_input, sample_photos  # noqa: E402
from nncourse.repro import set_seed  # noqa: E402

layers = keras.layers


def namespace():
    return {"np": np, "keras": keras, "layers": layers, "preprocess_input": preprocess_input, "set_seed": set_seed}


# ---------------------------------------------------------------------------------------------
# Question 1
# ---------------------------------------------------------------------------------------------


def resize(photo, size=224):
    return np.asarray(keras.ops.image.resize(photo.astype("float32"), (size, size)))


def test_q1_reference_and_other_correct_answers():
    assert_correct(q1.evaluate(reference(q1, **namespace())["prepare"]))

    def centre_crop(photo):  # load_image's way: keep the central square
        h, w = photo.shape[:2]
        side = min(h, w)
        top, left = (h - side) // 2, (w - side) // 2
        return preprocess_input(resize(photo[top : top + side, left : left + side])[None])

    def by_hand(photo):  # the same scaling written out, with tf.image and expand_dims
        import tensorflow as tf

        return np.expand_dims(tf.image.resize(photo, (224, 224)).numpy() / 127.5 - 1.0, 0)

    def with_pil(photo):  # Pillow's resize, then the model's preprocessing on a uint8 batch
        from PIL import Image

        return preprocess_input(np.asarray(Image.fromarray(photo).resize((224, 224)))[None])

    def with_keras_layer(photo):  # a Resizing layer on a batch, and a plain list returned
        return preprocess_input(np.array(layers.Resizing(224, 224)(photo[None].astype("float32")))).tolist()

    def other_network_same_scaling(photo):  # MobileNetV2's preprocessing maps 0-255 to -1..1 too
        return keras.applications.mobilenet_v2.preprocess_input(resize(photo).copy()[None])

    for function in (centre_crop, by_hand, with_pil, with_keras_layer, other_network_same_scaling):
        assert_correct(q1.evaluate(function))


def test_q1_plausible_mistakes():
    assert_wrong(q1.evaluate(lambda p: preprocess_input(resize(p))), "batch axis")
    assert_wrong(q1.evaluate(lambda p: resize(p)[None]), "preprocess_input")
    assert_wrong(q1.evaluate(lambda p: resize(p)[None] / 255), "between 0 and 1")
    assert_wrong(q1.evaluate(lambda p: preprocess_input(resize(p, 96)[None])), "224x224")
    assert_wrong(q1.evaluate(lambda p: preprocess_input(resize(p)[None])[..., ::-1]), "swapped")
    assert_wrong(q1.evaluate(lambda p: preprocess_input(resize(p)[None]).transpose(0, 2, 1, 3)), "transposed")
    assert_wrong(q1.evaluate(lambda p: preprocess_input(preprocess_input(resize(p)[None]))), "preprocess_input itself")
    assert_wrong(q1.evaluate(lambda p: preprocess_input(p[:224, :224][None].astype("float32"))), "corner")
    assert_wrong(q1.evaluate(lambda p: preprocess_input(resize(p)[None] / 255)), "already scaled")
    assert_wrong(q1.evaluate(lambda p: resize(p)[None] / 255 - 0.5), "scaled differently")
    caffe = keras.applications.resnet50.preprocess_input
    assert_wrong(q1.evaluate(lambda p: caffe(resize(p).copy()[None])), "another network's preprocessing")
    in_place = keras.applications.mobilenet_v2.preprocess_input
    assert_wrong(
        q1.evaluate(lambda p: in_place(np.asarray(keras.ops.image.resize(p.astype("float32"), (224, 224)))[None])),
        "np.array",
    )


def test_q1_bad_input():
    assert_wrong(q1.evaluate(None), "function")
    assert_wrong(q1.evaluate(lambda p: None), "None")
    assert_wrong(q1.evaluate(lambda p: p["pixels"]), "failed with")
    assert_wrong(q1.evaluate(lambda p, size: p), "def prepare(photo)")
    assert_wrong(q1.evaluate(lambda p: preprocess_input(resize(p)[None]) * np.nan), "NaN", "your computation")
    assert_wrong(q1.evaluate(lambda p: preprocess_input(resize(p)[None]).transpose(0, 3, 1, 2)), "(1, 224, 224, 3)")
    assert q1.evaluate(...).status == NOT_ATTEMPTED
    assert q1.evaluate(lambda p: ...).status == NOT_ATTEMPTED


def test_load_image_matches_question_1():
    """The lesson's way to prepare a photo from a file is a correct answer too."""
    path = sample_photos()["china"]
    batch = preprocess_input(load_image(path)[None])
    from sklearn.datasets import load_sample_image

    assert batch.shape == (1, 224, 224, 3)
    gap = min(np.mean(np.abs(batch - ref)) for ref in lesson6._reference_batches(load_sample_image("china.jpg")))
    assert gap < 0.08


# ---------------------------------------------------------------------------------------------
# Question 2
# ---------------------------------------------------------------------------------------------


def test_q2_reference_and_other_correct_answers():
    assert_correct(q2.evaluate(reference(q2, **namespace())["add_head"]))

    def with_hidden_layer(base, n_classes):
        for layer in base.layers:
            layer.trainable = False
        inputs = keras.Input(shape=base.input_shape[1:])
        x = layers.Dense(16, activation="relu")(base(inputs, training=False))
        x = layers.Dropout(0.3)(x)
        return keras.Model(inputs, layers.Dense(n_classes, activation="softmax")(x))

    def from_base_output(base, n_classes):  # the base's own graph, softmax as a layer of its own
        base.trainable = False
        logits = layers.Dense(n_classes)(base.output)
        return keras.Model(base.input, layers.Softmax()(logits))

    def frozen_after_building(base, n_classes):
        model = keras.Sequential([keras.Input(shape=base.input_shape[1:]), base, layers.Dense(n_classes)])
        model = keras.Sequential([model, layers.Activation("softmax")])
        base.trainable = False
        return model

    for function in (with_hidden_layer, from_base_output, frozen_after_building):
        assert_correct(q2.evaluate(function))


def test_q2_plausible_mistakes():
    def head(base, n, freeze=True, units=None, activation="softmax"):
        base.trainable = not freeze and base.trainable
        inputs = keras.Input(shape=base.input_shape[1:])
        features = base(inputs, training=False)
        return keras.Model(inputs, layers.Dense(units or n, activation=activation)(features))

    assert_wrong(q2.evaluate(lambda b, n: head(b, n, freeze=False)), "base.trainable = False")
    assert_wrong(q2.evaluate(lambda b, n: head(b, n, units=10)), "4 numbers")
    assert_wrong(q2.evaluate(lambda b, n: head(b, n, activation=None)), "softmax")

    def sequential(base, n):
        base.trainable = False
        return keras.Sequential([base, layers.Dense(n, activation="softmax")])

    assert_correct(q2.evaluate(sequential))  # fine for feature extraction

    def all_frozen(base, n):
        model = head(base, n)
        model.trainable = False
        return model

    assert_wrong(q2.evaluate(all_frozen), "Nothing")
    assert_wrong(q2.evaluate(lambda b, n: b), "base itself")


def test_q2_bad_input():
    assert_wrong(q2.evaluate(lambda b, n: None), "None")
    assert_wrong(q2.evaluate(lambda b, n: "model"), "Keras model")
    assert_wrong(q2.evaluate(lambda b: b), "def add_head(base, n_classes)")

    def fixed_size(base, n_classes):
        base.trainable = False
        inputs = keras.Input(shape=(224, 224, 3))
        return keras.Model(inputs, layers.Dense(n_classes, activation="softmax")(base(inputs)))

    def returns_compile(base, n_classes):
        base.trainable = False
        model = keras.Sequential([base, layers.Dense(n_classes, activation="softmax")])
        return model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")

    assert_wrong(q2.evaluate(fixed_size), "base.input_shape[1:]")
    assert_wrong(q2.evaluate(returns_compile), "return model")
    assert q2.evaluate(lambda b, n: ...).status == NOT_ATTEMPTED


# ---------------------------------------------------------------------------------------------
# Question 3 (made-up features: one block of 64 informative features per class among 1,280)
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def fake_features(monkeypatch):
    rng = np.random.default_rng(0)

    def make(n_per_class):
        labels = np.repeat(np.arange(5), n_per_class)
        features = rng.normal(0, 0.2, size=(len(labels), 1280)).astype("float32")
        for row, label in enumerate(labels):  # each class lifts a block of 64 features
            features[row, label * 64 : (label + 1) * 64] += 1.0
        return features, labels

    train, test = make(10), make(200)
    fake = lesson6.ShoeFeatures(*train, *test, ["a", "b", "c", "d", "e"])
    monkeypatch.setattr(lesson6, "_shoe_features", lambda: fake)
    return fake


def trained_head(data, units=5, activation="softmax", epochs=60, labels=None, hidden=False):
    set_seed(0)
    model = keras.Sequential(
        [keras.Input(shape=(1280,))]
        + ([layers.Dense(32, activation="relu")] if hidden else [])
        + [layers.Dense(units, activation=activation)]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(data.train_features, data.train_labels if labels is None else labels, epochs=epochs, verbose=0)
    return model


def test_q3_reference_and_other_correct_answers(fake_features):
    ns = reference(q3, data=lesson6.shoe_features(), **namespace())
    assert_correct(q3.evaluate(ns["head"]))
    assert_correct(q3.evaluate(trained_head(fake_features, hidden=True)))
    # One-hot labels with categorical cross-entropy, trained with the functional API.
    set_seed(0)
    inputs = keras.Input(shape=(1280,))
    head = keras.Model(inputs, layers.Dense(5, activation="softmax")(layers.Dropout(0.2)(inputs)))
    head.compile(optimizer="adam", loss="categorical_crossentropy")
    one_hot = keras.utils.to_categorical(fake_features.train_labels, 5)
    head.fit(fake_features.train_features, one_hot, epochs=60, verbose=0)
    assert_correct(q3.evaluate(head))


def test_q3_plausible_mistakes(fake_features):
    assert_wrong(q3.evaluate(trained_head(fake_features, epochs=1)), "at least 75%")
    shuffled = np.random.default_rng(1).permutation(fake_features.train_labels)
    assert_wrong(q3.evaluate(trained_head(fake_features, labels=shuffled)), "at least 75%")
    assert_wrong(q3.evaluate(trained_head(fake_features, units=10, epochs=2)), "5 numbers")
    assert_wrong(q3.evaluate(trained_head(fake_features, activation=None, epochs=1)), "softmax")


def test_q3_bad_input(fake_features):
    assert_wrong(q3.evaluate(None), "None")
    untrained = keras.Sequential([keras.Input(shape=(1280,)), layers.Dense(5, activation="softmax")])
    assert_wrong(q3.evaluate(untrained), "compiled")
    images_model = keras.Sequential([keras.Input(shape=(96, 96, 3)), layers.GlobalAveragePooling2D(), layers.Dense(5)])
    images_model.compile(optimizer="adam", loss="mse")
    images_model.fit(np.zeros((2, 96, 96, 3)), np.zeros((2, 5)), verbose=0)
    assert_wrong(q3.evaluate(images_model), "cached features")
    assert_wrong(q3.evaluate(keras.callbacks.History()), "History")
    assert_wrong(q3.evaluate(trained_head), "head = train_head(")
    from sklearn.linear_model import LogisticRegression

    data = lesson6.shoe_features()
    assert_wrong(q3.evaluate(LogisticRegression().fit(data.train_features, data.train_labels)), "Keras model")


# ---------------------------------------------------------------------------------------------
# Question 4
# ---------------------------------------------------------------------------------------------


def test_q4_reference_and_other_correct_answers():
    assert_correct(q4.evaluate(reference(q4, **namespace())["unfreeze"]))

    def from_the_top(base, n_layers):
        base.trainable = True
        for layer in base.layers[:-n_layers]:
            layer.trainable = False
        for layer in base.layers:
            if isinstance(layer, layers.BatchNormalization):
                layer.trainable = False

    from nncourse.transfer import unfreeze_top

    assert_correct(q4.evaluate(from_the_top))
    assert_correct(q4.evaluate(unfreeze_top))


def test_q4_plausible_mistakes():
    def unfreeze(base, n, norm=False, set_base=True, offset=0):
        if set_base:
            base.trainable = True
        for index, layer in enumerate(base.layers):
            on = index >= len(base.layers) - n - offset
            layer.trainable = on and (norm or not isinstance(layer, layers.BatchNormalization))

    assert_wrong(q4.evaluate(lambda b, n: unfreeze(b, n, norm=True)), "norm")
    assert_wrong(q4.evaluate(lambda b, n: unfreeze(b, n, set_base=False)), "base.trainable = True")
    assert_wrong(q4.evaluate(lambda b, n: unfreeze(b, n, offset=3)), "should not be")

    def everything(base, n):
        base.trainable = True
        for layer in base.layers:
            if isinstance(layer, layers.BatchNormalization):
                layer.trainable = False

    assert_wrong(q4.evaluate(everything), "conv0")
    assert_wrong(q4.evaluate(lambda b, n: unfreeze(b, n, offset=1)), "should not be")  # one layer too many
    assert_wrong(q4.evaluate(lambda b, n: unfreeze(b, n, offset=-1)), "should be trainable")  # one too few

    def switched_on_last(base, n):  # the base comes in frozen: base.trainable = True after the loop undoes it
        unfreeze(base, n, set_base=False)
        base.trainable = True

    assert_wrong(q4.evaluate(switched_on_last), "norm")


def test_q4_bad_input():
    assert_wrong(q4.evaluate("unfreeze"), "function")
    assert_wrong(q4.evaluate(lambda b: None), "def unfreeze(base, n_layers)")
    assert_wrong(q4.evaluate(lambda b, n: b.layers["conv0"]), "failed with")
    assert q4.evaluate(lambda b, n: ...).status == NOT_ATTEMPTED
    assert q4.evaluate(...).status == NOT_ATTEMPTED


# ---------------------------------------------------------------------------------------------
# Question 5
# ---------------------------------------------------------------------------------------------


def test_q5():
    assert_correct(q5.evaluate(reference(q5)["cache_valid"]))
    assert_correct(q5.evaluate((True, False, False, True)))
    assert_correct(q5.evaluate(np.array([True, False, False, True])))
    assert_wrong(q5.evaluate([True, True, False, True]), "Situation 2", "changes the base")
    assert_wrong(q5.evaluate([True, False, True, True]), "Situation 3", "augmentation")
    assert_wrong(q5.evaluate([False, False, False, False]), "Situation 1", "1 more")
    assert_wrong(q5.evaluate([True, False]), "4 situations")
    assert_wrong(q5.evaluate([1, 0, 0, 1]), "True or False")
    assert_wrong(q5.evaluate("TFFT"), "list")
    assert_wrong(q5.evaluate(None), "list")
    assert_wrong(q5.evaluate(["True", "False", "False", "True"]), "without quotes")
    assert_wrong(q5.evaluate([[True, False, False, True]]), "4 situations")
    assert_wrong(q5.evaluate([True, False, False, True], [True]), "q5.check(cache_valid)")
    assert q5.evaluate(...).status == NOT_ATTEMPTED
