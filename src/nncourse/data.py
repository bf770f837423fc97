"""Data sets for the course, loaded offline first.

- scikit-learn's handwritten digits ship inside scikit-learn, so they always load.
- Fashion-MNIST is looked for, in order, in Keras' own cache, in the folder of Debian's
  ``dataset-fashion-mnist`` package, and only then downloaded by Keras. Offline with no copy
  anywhere, :func:`load_fashion_mnist` raises :class:`FashionMNISTNotFound`, whose message
  says how to get the files.
"""

from __future__ import annotations

import gzip
import os
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from nncourse.errors import CourseError

__all__ = [
    "FASHION_MNIST_CLASSES",
    "FASHION_MNIST_FILES",
    "DEBIAN_FASHION_MNIST_DIR",
    "FashionMNISTNotFound",
    "DigitsSplits",
    "load_digits_splits",
    "load_fashion_mnist",
    "keras_fashion_mnist_dir",
    "read_idx",
]

FASHION_MNIST_CLASSES: tuple[str, ...] = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

#: The four files of the original Fashion-MNIST release, under the names Keras expects.
FASHION_MNIST_FILES: tuple[str, ...] = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)

#: Where Debian's ``dataset-fashion-mnist`` package puts those files.
DEBIAN_FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")


class FashionMNISTNotFound(CourseError):
    """Fashion-MNIST is neither cached nor installed, and Keras could not download it."""


class DigitsSplits(NamedTuple):
    """scikit-learn's digits, split into training, validation and test parts.

    ``X_*`` are float arrays of shape (n, 64); ``y_*`` are integer arrays of shape (n,).
    When the split was made with ``val_size=0``, ``X_val`` and ``y_val`` are empty.
    """

    X_train: np.ndarray
    X_val: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_val: np.ndarray
    y_test: np.ndarray


def load_digits_splits(
    target: str = "digit",
    test_size: float = 0.2,
    val_size: float = 0.0,
    scale: bool = True,
    seed: int = 0,
) -> DigitsSplits:
    """Load scikit-learn's 1,797 digits and split them, stratified and seeded.

    Args:
        target: ``"digit"`` for the ten classes 0-9, or ``"odd"`` for the binary task
            "is this digit odd?" (label 1 = odd digit, 0 = even digit).
        test_size: share of all images held out for the final test, between 0 and 1.
        val_size: share of all images held out for validation (0 for none).
        scale: divide the pixel values (0-16) by 16 so they lie in [0, 1].
        seed: seed of the shuffling, so every reader gets the same split.

    Returns:
        A :class:`DigitsSplits` with ``X_train, X_val, X_test, y_train, y_val, y_test``.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    if target not in ("digit", "odd"):
        raise CourseError(f'target must be "digit" or "odd", not {target!r}.')
    for name, share in (("test_size", test_size), ("val_size", val_size)):
        if not isinstance(share, (int, float)) or not 0 <= share < 1:
            raise CourseError(f"{name} is a share of the data between 0 and 1, e.g. 0.2; got {share!r}.")
    if test_size <= 0 or test_size + val_size >= 1:
        raise CourseError(
            f"test_size ({test_size}) must be above 0 and test_size + val_size ({test_size + val_size}) "
            "below 1, so that some images are left for training."
        )

    digits = load_digits()
    X = digits.data.astype("float32")
    if scale:
        X = X / 16.0
    y = digits.target if target == "digit" else digits.target % 2
    X_rest, X_test, y_rest, y_test, d_rest, _ = train_test_split(
        X, y, digits.target, test_size=test_size, stratify=digits.target, random_state=seed
    )
    if val_size == 0:
        empty_X = np.empty((0, X.shape[1]), dtype=X.dtype)
        return DigitsSplits(X_rest, empty_X, X_test, y_rest, np.empty(0, dtype=y.dtype), y_test)
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest, y_rest, test_size=val_size / (1 - test_size), stratify=d_rest, random_state=seed
    )
    return DigitsSplits(X_train, X_val, X_test, y_train, y_val, y_test)


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read one IDX file (the format of MNIST and Fashion-MNIST), gzipped or not.

    Returns a ``uint8`` array whose shape is the one the file's header declares, e.g.
    (60000, 28, 28) for training images and (60000,) for labels.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        data = handle.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise CourseError(
            f"{path} is not an IDX file of unsigned bytes (its first bytes should be 00 00 08). "
            "Delete it and load the data again."
        )
    ndim = data[3]
    header_end = 4 + 4 * ndim
    shape = struct.unpack(f">{ndim}I", data[4:header_end])
    expected = int(np.prod(shape))
    if len(data) - header_end != expected:
        raise CourseError(
            f"{path} is truncated or damaged: its header promises {expected:,} values but it holds "
            f"{len(data) - header_end:,}. Delete it and load the data again."
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header_end).reshape(shape)


def keras_fashion_mnist_dir() -> Path:
    """The folder in which Keras caches Fashion-MNIST: ``$KERAS_HOME`` or ``~/.keras``, then ``datasets/fashion-mnist``."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets" / "fashion-mnist"


def _has_all_files(folder: Path) -> bool:
    return all((folder / name).is_file() for name in FASHION_MNIST_FILES)


def _read_folder(folder: Path) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    x_train, y_train, x_test, y_test = (read_idx(folder / name) for name in FASHION_MNIST_FILES)
    for images, labels, part in ((x_train, y_train, "training"), (x_test, y_test, "test")):
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise CourseError(
                f"The Fashion-MNIST {part} files in {folder} do not fit together: images of shape "
                f"{images.shape} and labels of shape {labels.shape}. Replace them with the original files."
            )
    return (x_train, y_train), (x_test, y_test)


def _download_with_keras() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Let Keras download Fashion-MNIST into its cache (needs the internet)."""
    from keras.datasets import fashion_mnist

    return fashion_mnist.load_data()


def _not_found_message(searched: Sequence[Path], reason: str) -> str:
    places = "\n".join(f"  - {folder}" for folder in searched)
    target = keras_fashion_mnist_dir()
    files = ", ".join(FASHION_MNIST_FILES)
    return (
        "Fashion-MNIST is not on this computer and could not be downloaded "
        f"({reason}).\nLooked in:\n{places}\n"
        "To get it, do one of these:\n"
        "  - Online: run this cell again with an internet connection; Keras downloads the "
        "data (about 30 MB) once and keeps it.\n"
        "  - On Debian or Ubuntu: sudo apt-get install dataset-fashion-mnist\n"
        f"  - Anywhere: copy the four files {files} into {target}/"
    )


def load_fashion_mnist(
    search_dirs: Sequence[str | os.PathLike[str]] | None = None,
    download: bool = True,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray], list[str]]:
    """Load Fashion-MNIST, offline first, exactly as ``keras.datasets.fashion_mnist.load_data()`` does.

    Args:
        search_dirs: folders to look in for the four original files, in order. By default
            Keras' cache (:func:`keras_fashion_mnist_dir`) and then
            ``/usr/share/datasets/fashion-mnist`` (Debian's ``dataset-fashion-mnist``).
        download: when no folder has the files, let Keras download them.

    Returns:
        ``(x_train, y_train), (x_test, y_test), class_names``: uint8 images of shape
        (60000, 28, 28) and (10000, 28, 28), uint8 labels 0-9, and the ten class names.

    Raises:
        FashionMNISTNotFound: no copy was found and the download failed or was not allowed;
            the message says how to get the data.
    """
    folders = (
        [keras_fashion_mnist_dir(), DEBIAN_FASHION_MNIST_DIR]
        if search_dirs is None
        else [Path(folder) for folder in search_dirs]
    )
    for folder in folders:
        if _has_all_files(folder):
            train, test = _read_folder(folder)
            return train, test, list(FASHION_MNIST_CLASSES)
    if not download:
        raise FashionMNISTNotFound(_not_found_message(folders, "downloading was switched off"))
    try:
        train, test = _download_with_keras()
    except Exception as error:  # noqa: BLE001 - any failure here means "could not download"
        raise FashionMNISTNotFound(_not_found_message(folders, f"{type(error).__name__}: {error}".strip())) from None
    return train, test, list(FASHION_MNIST_CLASSES)
