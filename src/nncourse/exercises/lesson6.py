"""Checks for the exercises of lesson 6, transfer learning.

Every check looks at what an answer does: the array a photo-preparing function returns for
real photos, the outputs and trainable weights of a model built on a small base the check makes
itself (so it runs in a blink), a head's accuracy on held-out cached features, and which layers
of a base end up trainable. None reads the learner's code or a library's private internals.

:func:`shoe_features` is also what the exercise notebook uses: the features are computed once
per session (ImageNet base run over the images once) and shared with the check.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

import numpy as np

from nncourse.errors import describe
from nncourse.exercises.core import Question, Wrong, expect_array, expect_keras_model
from nncourse.exercises.tools import call_learner, is_keras_model, model_outputs

__all__ = [
    "q1",
    "q2",
    "q3",
    "q4",
    "q5",
    "ShoeFeatures",
    "shoe_features",
    "CACHE_SITUATIONS",
    "IMAGE_SIZE",
    "FEATURE_SIZE",
    "MIN_HEAD_ACCURACY",
]

#: The input size of the ImageNet network in question 1.
IMAGE_SIZE = 224
#: The size Fashion-MNIST images are blown up to before the ImageNet base (question 3).
FEATURE_SIZE = 96
#: Held-out accuracy a head trained on 10 labelled images per class must reach (question 3).
MIN_HEAD_ACCURACY = 0.75
TARGET_CLASSES = (5, 6, 7, 8, 9)

#: The situations of question 5, in order; the right answer is whether caching is valid in each.
CACHE_SITUATIONS = (
    "training a new softmax head on a frozen base",
    "fine-tuning the top 30 layers of the base",
    "a random flip and crop of every training image in every epoch, before the base",
    "a new head with dropout and two dense layers, on a frozen base",
)
_CACHE_ANSWERS = (True, False, False, True)
_CACHE_REASONS = (
    "With the base frozen and the images fixed, the base computes the same features in every epoch: "
    "run it once and cache them.",
    "Fine-tuning changes the base's weights at every step, so the features it computes change too: a cache "
    "would hold the features of a base that no longer exists.",
    "Random augmentation shows the base a different version of each image in every epoch, so there is no "
    "fixed set of features to cache.",
    "Whatever the head does (dropout included) happens after the base; the frozen base's features of fixed "
    "images are still the same every epoch.",
)


# ---------------------------------------------------------------------------------------------
# Data, computed once
# ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _photos() -> tuple[np.ndarray, ...]:
    from sklearn.datasets import load_sample_images

    return tuple(np.asarray(image) for image in load_sample_images().images)


class ShoeFeatures(NamedTuple):
    """ImageNet features (EfficientNet-Lite0, 96x96 inputs, average pooling: 1,280 per image) of
    Fashion-MNIST's sandals, shirts, sneakers, bags and ankle boots, labelled 0-4.

    ``train_*``: 10 labelled images per class; ``test_*``: 200 held-out images per class.
    """

    train_features: np.ndarray
    train_labels: np.ndarray
    test_features: np.ndarray
    test_labels: np.ndarray
    class_names: list[str]


@functools.lru_cache(maxsize=1)
def _shoe_features() -> ShoeFeatures:
    from nncourse.data import load_fashion_mnist
    from nncourse.imagenet import EfficientNetLite0, preprocess_input
    from nncourse.transfer import extract_features, sample_per_class, to_rgb

    (x_train, y_train), (x_test, y_test), names = load_fashion_mnist()
    classes = list(TARGET_CLASSES)

    def select(x, y, per_class, seed):
        keep = np.isin(y, classes)
        x, y = x[keep], np.searchsorted(classes, y[keep])
        rows = sample_per_class(y, per_class, seed=seed)
        return x[rows], y[rows]

    x_few, y_few = select(x_train, y_train, 10, 0)
    x_held, y_held = select(x_test, y_test, 200, 1)
    base = EfficientNetLite0(
        include_top=False, weights="imagenet", input_shape=(FEATURE_SIZE, FEATURE_SIZE, 3), pooling="avg"
    )
    base.trainable = False
    features = [extract_features(base, to_rgb(x, FEATURE_SIZE), preprocess=preprocess_input) for x in (x_few, x_held)]
    return ShoeFeatures(
        features[0], y_few.astype("int64"), features[1], y_held.astype("int64"), [names[c] for c in classes]
    )


def shoe_features() -> ShoeFeatures:
    """The cached ImageNet features of question 3 (computed on first call, about ten seconds).

    Returns copies, so changing them does not change what the check uses.
    """
    data = _shoe_features()
    return ShoeFeatures(*(part.copy() for part in data[:4]), list(data.class_names))


# ---------------------------------------------------------------------------------------------
# Question 1: prepare a photo for the network
# ---------------------------------------------------------------------------------------------


def _reference_batches(photo: np.ndarray) -> list[np.ndarray]:
    """Correct preparations of a photo: squashed to a square, or its centre square, then resized."""
    from keras import ops

    from nncourse.imagenet import preprocess_input

    height, width = photo.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    results = []
    for view in (photo, photo[top : top + side, left : left + side]):
        resized = ops.convert_to_numpy(ops.image.resize(view.astype("float32"), (IMAGE_SIZE, IMAGE_SIZE)))
        results.append(np.asarray(preprocess_input(resized[np.newaxis]), dtype=float))
    return results


def _check_q1(prepare: Any) -> str:
    size = IMAGE_SIZE
    for index, photo in enumerate(_photos()):
        name = ("china.jpg", "flower.jpg")[index] if index < 2 else f"photo {index}"
        try:
            batch = call_learner(
                prepare,
                photo.copy(),
                name="prepare",
                shown=f"the photo {name} of shape {photo.shape}",
                call="prepare(photo)",
            )
        except Wrong as reason:
            if "read-only" in str(reason):
                raise Wrong(
                    "prepare failed with ValueError: output array is read-only. np.asarray of a tensor is read-only, "
                    "and a preprocess_input that works in place cannot change it: take a copy with np.array(...), or "
                    "use preprocess_input from nncourse.imagenet."
                ) from None
            raise
        batch = expect_array(batch, f"prepare({name})")
        if batch.shape == (size, size, 3):
            raise Wrong(
                f"prepare returns one image of shape {batch.shape}, but the network takes batches: add the batch "
                f"axis in front, e.g. image[np.newaxis], for shape (1, {size}, {size}, 3)."
            )
        if batch.ndim != 4 or batch.shape[0] != 1 or batch.shape[-1] != 3:
            raise Wrong(
                f"prepare should return a batch of one colour photo, shape (1, {size}, {size}, 3); it returns shape {batch.shape}."
            )
        if batch.shape[1:3] != (size, size):
            raise Wrong(
                f"prepare returns a photo of {batch.shape[1]}x{batch.shape[2]} pixels; EfficientNet-Lite0 takes "
                f"{size}x{size}. Resize it, e.g. with keras.ops.image.resize(photo, ({size}, {size})) or load_image."
            )
        if batch.max() > 2 and batch.min() < -2:
            raise Wrong(
                f"The values run from {batch.min():.0f} to {batch.max():.0f}: that is another network's preprocessing "
                "(ResNet's or VGG's subtract a mean per channel). Use preprocess_input from nncourse.imagenet, "
                "which maps 0-255 to -1..1 as EfficientNet-Lite0 expects."
            )
        if batch.max() > 2:
            raise Wrong(
                f"The values go up to {batch.max():.0f}: that is the raw 0-255 photo. Apply the model's own "
                "preprocessing last: preprocess_input(...)."
            )
        if batch.min() >= 0 and batch.max() <= 1.0 + 1e-6:
            raise Wrong(
                "The values lie between 0 and 1: dividing by 255 is not this model's preprocessing. Use "
                "preprocess_input from nncourse.imagenet, which maps 0-255 to about -1 to 1."
            )
        references = _reference_batches(photo)
        gaps = [float(np.mean(np.abs(batch - reference))) for reference in references]
        if min(gaps) > 0.08:
            if batch.max() - batch.min() < 0.05:
                raise Wrong(
                    f"All values lie between {batch.min():.3f} and {batch.max():.3f}: what reached preprocess_input was "
                    "already scaled, to 0-1 (skimage's resize does that unless preserve_range=True) or by "
                    "preprocess_input itself (preprocessed twice). It expects the photo's values, 0-255."
                )
            for reference in references:
                slope, intercept = np.polyfit(reference.ravel(), batch.ravel(), 1)
                if np.mean(np.abs(batch - (slope * reference + intercept))) < 0.04:
                    raise Wrong(
                        "The pixels are the photo's, resized, but scaled differently from the model's own "
                        "preprocessing: pass the 0-255 values to preprocess_input from nncourse.imagenet instead "
                        "of scaling them yourself."
                    )
            flipped = [float(np.mean(np.abs(batch[..., ::-1] - reference))) for reference in _reference_batches(photo)]
            if min(flipped) <= 0.08:
                raise Wrong("The red and blue channels are swapped: keep the photo's RGB order.")
            raise Wrong(
                f"The shape and value range are right, but the pixels of prepare({name}) are not the whole photo, "
                "resized: did it get cropped to a corner, rotated, transposed, or preprocessed twice?"
            )
    return "Loaded, resized, batched and preprocessed: ready for the network."


q1 = Question(
    "Question 1 (prepare a photo)",
    _check_q1,
    [
        "Four steps: resize to 224x224, float32, add the batch axis, preprocess_input.",
        "keras.ops.image.resize(photo.astype('float32'), (224, 224)) resizes (convert the result with "
        "np.asarray); then preprocess_input(resized[np.newaxis]).",
    ],
)


# ---------------------------------------------------------------------------------------------
# Question 2: a frozen base with a new head, the base in inference mode
# ---------------------------------------------------------------------------------------------


def _tiny_base() -> Any:
    """A small stand-in for an ImageNet base: conv, batch norm, ReLU, global average pooling."""
    import keras
    from keras import layers

    from nncourse.repro import set_seed

    set_seed(1)
    inputs = keras.Input(shape=(16, 16, 3))
    x = layers.Conv2D(8, 3, padding="same")(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    outputs = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, outputs, name="tiny_base")


def _check_q2(add_head: Any) -> str:
    base = _tiny_base()
    base_ids = {id(variable) for variable in base.weights}
    n_classes = 4
    try:
        model = call_learner(
            add_head, base, n_classes, name="add_head", shown="a base and n_classes=4", call="add_head(base, n_classes)"
        )
    except Wrong as reason:
        if "incompatible with the layer" in str(reason) or "expected shape" in str(reason):
            raise Wrong(
                f"add_head builds its model for images of another size than the base takes ({base.input_shape[1:]} "
                "in the check): take the input shape from the base, keras.Input(shape=base.input_shape[1:])."
            ) from None
        raise
    if model is None:
        raise Wrong("add_head returned None: end it with return model (compile() and fit() return no model).")
    model = expect_keras_model(model, trained=False, what="The model add_head returns")
    if model is base:
        raise Wrong("add_head returns the base itself: build a new model with the base inside and a new head on top.")
    batch = np.random.default_rng(0).uniform(0, 1, size=(6, 16, 16, 3)).astype("float32")
    outputs = model_outputs(model, batch, what="The model add_head returns", reshape=False)
    if outputs.shape != (6, n_classes):
        raise Wrong(
            f"For n_classes=4 the model should output 4 numbers per image, but it outputs shape {outputs.shape[1:]}: "
            "end with Dense(n_classes, activation='softmax') on the base's features."
        )
    if outputs.min() < 0 or not np.allclose(outputs.sum(axis=1), 1, atol=1e-3):
        raise Wrong(
            "The outputs are not probabilities (each row should sum to 1): give the head's last Dense layer activation='softmax'."
        )
    trainable_ids = {id(variable) for variable in model.trainable_weights}
    if trainable_ids & base_ids:
        raise Wrong("The base's weights are trainable: freeze it with base.trainable = False before training the head.")
    if not trainable_ids:
        raise Wrong(
            "Nothing in the model is trainable, not even the head: freeze only the base (base.trainable = False)."
        )
    return "A frozen base under a new softmax head: only the head will train."


q2 = Question(
    "Question 2 (a new head on a frozen base)",
    _check_q2,
    [
        "Freeze first (base.trainable = False), then build a model with the base inside: inputs = keras.Input(shape="
        "base.input_shape[1:]), features = base(inputs, training=False), outputs = a softmax Dense layer.",
        "keras.Model(inputs, layers.Dense(n_classes, activation='softmax')(base(inputs, training=False))).",
    ],
)


# ---------------------------------------------------------------------------------------------
# Question 3: a head on cached features, with ten labels per class
# ---------------------------------------------------------------------------------------------


def _check_q3(head: Any) -> str:
    if callable(head) and not is_keras_model(head):
        raise Wrong("That is a function: pass the model it returns, head = train_head(train_features, train_labels).")
    if hasattr(head, "predict_proba") and not is_keras_model(head):
        raise Wrong(
            f"head is a scikit-learn {type(head).__name__}; this question asks for a Keras model: "
            "keras.Sequential([keras.Input(shape=(1280,)), layers.Dense(5, activation='softmax')]), trained with fit."
        )
    data = _shoe_features()
    head = expect_keras_model(head, trained=True, what="head")
    n_features = data.train_features.shape[1]
    outputs = model_outputs(
        head,
        data.test_features,
        what="head",
        reshape=False,
        hint="The head works on the cached features, not on images.",
    )
    if outputs.shape[1:] != (5,):
        raise Wrong(
            f"head should output one probability per class, 5 numbers, but it outputs shape {outputs.shape[1:]}."
        )
    if outputs.min() < 0 or not np.allclose(outputs.sum(axis=1), 1, atol=1e-3):
        raise Wrong("head's outputs are not probabilities: end it with a softmax Dense layer.")
    accuracy = float(np.mean(outputs.argmax(axis=1) == data.test_labels))
    if accuracy < MIN_HEAD_ACCURACY:
        raise Wrong(
            f"head classifies {accuracy:.0%} of the held-out images right; aim for at least {MIN_HEAD_ACCURACY:.0%}. "
            "Train longer (e.g. 100 epochs: there are only 50 examples), or check that you trained on "
            "train_features and train_labels."
        )
    return f"{accuracy:.0%} on 1,000 held-out images, from 50 labels and {n_features:,} features per image."


q3 = Question(
    "Question 3 (a head on cached features)",
    _check_q3,
    [
        "A one-layer network: keras.Input(shape=(1280,)), then Dense(5, activation='softmax'); "
        "sparse_categorical_crossentropy for integer labels.",
        "With 50 examples, train for about 100 epochs with batch_size=32; it takes a few seconds.",
    ],
)


# ---------------------------------------------------------------------------------------------
# Question 4: unfreeze the top of a base for fine-tuning, batch norm kept frozen
# ---------------------------------------------------------------------------------------------


def _stack_base() -> Any:
    import keras
    from keras import layers

    inputs = keras.Input(shape=(12, 12, 3))
    x = inputs
    for index in range(3):
        x = layers.Conv2D(4, 3, padding="same", name=f"conv{index}")(x)
        x = layers.BatchNormalization(name=f"norm{index}")(x)
        x = layers.ReLU(name=f"relu{index}")(x)
    outputs = layers.GlobalAveragePooling2D(name="pool")(x)
    base = keras.Model(inputs, outputs, name="stack_base")
    base.trainable = False
    return base


def _check_q4(unfreeze: Any) -> str:
    import keras

    # 7: the top two blocks; 6 and 4 end next to a convolution, so one layer too many or too few shows.
    for n_layers in (7, 6, 4):
        base = _stack_base()
        call_learner(
            unfreeze,
            base,
            n_layers,
            name="unfreeze",
            shown=f"a frozen base, n_layers={n_layers}",
            call="unfreeze(base, n_layers)",
        )
        layers_ = base.layers
        first = len(layers_) - n_layers
        expected = {
            layer.name
            for index, layer in enumerate(layers_)
            if index >= first and layer.weights and not isinstance(layer, keras.layers.BatchNormalization)
        }
        trainable_ids = {id(variable) for variable in base.trainable_weights}
        got = {layer.name for layer in layers_ if layer.weights and any(id(v) in trainable_ids for v in layer.weights)}
        norms = sorted(name for name in got if name.startswith("norm"))
        if not got:
            raise Wrong(
                f"After unfreeze(base, {n_layers}) nothing in the base is trainable. Set base.trainable = True "
                "first (it switches every layer on), then freeze the layers you do not want to train."
            )
        if norms:
            raise Wrong(
                f"The batch-normalisation layer(s) {', '.join(norms)} became trainable: keep every "
                "BatchNormalization layer frozen (layer.trainable = False) so it stays in inference mode."
            )
        if got != expected:
            too_many = sorted(got - expected)
            too_few = sorted(expected - got)
            detail = f" trainable but should not be: {', '.join(too_many)}." if too_many else ""
            detail += f" frozen but should be trainable: {', '.join(too_few)}." if too_few else ""
            raise Wrong(
                f"With n_layers={n_layers}, only the last {n_layers} entries of base.layers (minus batch "
                f"normalisation) should train;{detail}"
            )
    return "The top of the base trains, the rest and every batch-normalisation layer stay frozen."


q4 = Question(
    "Question 4 (unfreeze the top of the base)",
    _check_q4,
    [
        "base.trainable = True, then loop over enumerate(base.layers): a layer trains when its index is "
        "among the last n_layers and it is not a keras.layers.BatchNormalization.",
        "first = len(base.layers) - n_layers; layer.trainable = index >= first and not isinstance(layer, "
        "keras.layers.BatchNormalization).",
    ],
)


# ---------------------------------------------------------------------------------------------
# Question 5: when is a feature cache valid?
# ---------------------------------------------------------------------------------------------


def _check_q5(cache_valid: Any) -> str:
    if cache_valid is None or isinstance(cache_valid, (str, bytes, dict)) or not hasattr(cache_valid, "__len__"):
        raise Wrong(
            f"cache_valid should be a list of {len(CACHE_SITUATIONS)} True/False values, one per situation; it is {describe(cache_valid)}."
        )
    answers = list(cache_valid)
    if len(answers) != len(CACHE_SITUATIONS):
        raise Wrong(
            f"There are {len(CACHE_SITUATIONS)} situations, but cache_valid has {len(answers)} values: give one True/False per situation."
        )
    for index, answer in enumerate(answers):
        if isinstance(answer, str) and answer.strip().lower() in ("true", "false", "yes", "no"):
            raise Wrong(f"Value {index + 1} of cache_valid is the text {answer!r}: write True or False without quotes.")
        if not isinstance(answer, (bool, np.bool_)):
            raise Wrong(f"Value {index + 1} of cache_valid is {describe(answer)}; each value should be True or False.")
    wrong = [index for index, (answer, right) in enumerate(zip(answers, _CACHE_ANSWERS)) if bool(answer) != right]
    if wrong:
        index = wrong[0]
        more = f" ({len(wrong) - 1} more not right.)" if len(wrong) > 1 else ""
        raise Wrong(f"Situation {index + 1}, {CACHE_SITUATIONS[index]!r}: {_CACHE_REASONS[index]}{more}")
    return "A cache is valid exactly while the base and its inputs stay the same from epoch to epoch."


q5 = Question(
    "Question 5 (when may features be cached?)",
    _check_q5,
    [
        "Ask of each situation: does the base compute the same features for each training image in every epoch?",
        "Two are valid and two are not: anything after the base does not matter; a base that changes, or inputs "
        "that change, do.",
    ],
)
