"""Tests of nncourse.data: the digits splits and the offline-first Fashion-MNIST loader."""

from __future__ import annotations

import gzip
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nncourse import data
from nncourse.data import FASHION_MNIST_CLASSES, FASHION_MNIST_FILES, FashionMNISTNotFound, load_fashion_mnist, read_idx
from nncourse.errors import CourseError

# --------------------------------------------------------------------------- digits


def test_digits_split_sizes_and_scaling():
    splits = data.load_digits_splits(test_size=0.2, val_size=0.2, seed=0)
    total = len(splits.X_train) + len(splits.X_val) + len(splits.X_test)
    assert total == 1797
    assert len(splits.X_test) == pytest.approx(0.2 * 1797, abs=2)
    assert len(splits.X_val) == pytest.approx(0.2 * 1797, abs=2)
    assert splits.X_train.shape[1] == 64
    assert splits.X_train.min() >= 0 and splits.X_train.max() <= 1


def test_digits_split_is_stratified_and_seeded():
    a = data.load_digits_splits(seed=3)
    b = data.load_digits_splits(seed=3)
    c = data.load_digits_splits(seed=4)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.y_test, c.y_test)
    overall = np.bincount(np.concatenate([a.y_train, a.y_test])) / 1797
    in_test = np.bincount(a.y_test) / len(a.y_test)
    assert np.abs(in_test - overall).max() < 0.005


def test_digits_odd_target_and_raw_pixels():
    splits = data.load_digits_splits(target="odd", scale=False)
    assert set(np.unique(splits.y_train)) == {0, 1}
    assert splits.X_train.max() == 16
    assert len(splits.X_val) == 0 and splits.X_val.shape == (0, 64)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"target": "even"}, '"digit" or "odd"'),
        ({"test_size": 20}, "between 0 and 1"),
        ({"test_size": 0.6, "val_size": 0.5}, "left for training"),
    ],
)
def test_digits_split_bad_arguments_explain(kwargs, words):
    with pytest.raises(CourseError, match=words):
        data.load_digits_splits(**kwargs)


# --------------------------------------------------------------------------- IDX files


def write_idx(path: Path, array: np.ndarray, compress: bool = True) -> None:
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = header + array.astype(np.uint8).tobytes()
    if compress:
        with gzip.open(path, "wb") as handle:
            handle.write(payload)
    else:
        path.write_bytes(payload)


def write_fashion_folder(folder: Path, n_train: int = 6, n_test: int = 4, offset: int = 0) -> dict[str, np.ndarray]:
    """Write four small but well-formed Fashion-MNIST files; return what they hold."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(offset)
    arrays = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, size=(n_train, 28, 28)),
        "train-labels-idx1-ubyte.gz": (np.arange(n_train) + offset) % 10,
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, size=(n_test, 28, 28)),
        "t10k-labels-idx1-ubyte.gz": (np.arange(n_test) + offset + 3) % 10,
    }
    for name, array in arrays.items():
        write_idx(folder / name, array)
    return arrays


def test_read_idx_plain_and_gzipped(tmp_path):
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    write_idx(tmp_path / "a.gz", array)
    write_idx(tmp_path / "a", array, compress=False)
    for name in ("a.gz", "a"):
        result = read_idx(tmp_path / name)
        assert result.dtype == np.uint8
        np.testing.assert_array_equal(result, array)


def test_read_idx_rejects_other_files(tmp_path):
    (tmp_path / "bad").write_bytes(b"PK\x03\x04 not an idx file")
    with pytest.raises(CourseError, match="not an IDX file"):
        read_idx(tmp_path / "bad")


def test_read_idx_rejects_truncated_files(tmp_path):
    write_idx(tmp_path / "t", np.zeros((3, 28, 28)), compress=False)
    (tmp_path / "t").write_bytes((tmp_path / "t").read_bytes()[:-10])
    with pytest.raises(CourseError, match="truncated"):
        read_idx(tmp_path / "t")


# --------------------------------------------------------------------------- Fashion-MNIST fallbacks


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """Point Keras' cache and the Debian folder at empty temporary folders; forbid real downloads."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    monkeypatch.setattr(data, "DEBIAN_FASHION_MNIST_DIR", tmp_path / "debian")

    def no_network():
        raise OSError("no network in this test")

    monkeypatch.setattr(data, "_download_with_keras", no_network)
    return tmp_path


def test_keras_cache_comes_first(isolated):
    cached = write_fashion_folder(data.keras_fashion_mnist_dir(), offset=1)
    write_fashion_folder(isolated / "debian", offset=2)
    (x_train, y_train), (x_test, y_test), names = load_fashion_mnist()
    np.testing.assert_array_equal(y_train, cached["train-labels-idx1-ubyte.gz"])
    np.testing.assert_array_equal(x_test, cached["t10k-images-idx3-ubyte.gz"])
    assert names == list(FASHION_MNIST_CLASSES)


def test_debian_folder_is_second(isolated):
    debian = write_fashion_folder(isolated / "debian", offset=2)
    (x_train, y_train), (x_test, y_test), _ = load_fashion_mnist()
    assert x_train.shape == (6, 28, 28) and x_train.dtype == np.uint8
    assert y_test.shape == (4,) and y_test.dtype == np.uint8
    np.testing.assert_array_equal(x_train, debian["train-images-idx3-ubyte.gz"])


def test_incomplete_cache_is_skipped(isolated):
    folder = data.keras_fashion_mnist_dir()
    write_fashion_folder(folder, offset=1)
    (folder / FASHION_MNIST_FILES[3]).unlink()
    debian = write_fashion_folder(isolated / "debian", offset=2)
    (_, y_train), _, _ = load_fashion_mnist()
    np.testing.assert_array_equal(y_train, debian["train-labels-idx1-ubyte.gz"])


def test_download_is_last(isolated, monkeypatch):
    fake = (
        (np.zeros((2, 28, 28), np.uint8), np.array([1, 2], np.uint8)),
        (np.zeros((1, 28, 28), np.uint8), np.array([3], np.uint8)),
    )
    calls = []
    monkeypatch.setattr(data, "_download_with_keras", lambda: calls.append(1) or fake)
    (x_train, y_train), (x_test, y_test), names = load_fashion_mnist()
    assert calls == [1]
    np.testing.assert_array_equal(y_train, [1, 2])
    assert len(names) == 10


def test_offline_without_data_explains_how_to_get_it(isolated):
    with pytest.raises(FashionMNISTNotFound) as raised:
        load_fashion_mnist()
    message = str(raised.value)
    assert "no network in this test" in message
    assert "apt-get install dataset-fashion-mnist" in message
    assert str(data.keras_fashion_mnist_dir()) in message
    assert "internet" in message
    for name in FASHION_MNIST_FILES:
        assert name in message


def test_download_can_be_switched_off(isolated, monkeypatch):
    monkeypatch.setattr(data, "_download_with_keras", lambda: pytest.fail("must not download"))
    with pytest.raises(FashionMNISTNotFound, match="switched off"):
        load_fashion_mnist(download=False)


def test_mismatched_files_are_reported(isolated):
    folder = isolated / "debian"
    write_fashion_folder(folder)
    write_idx(folder / "train-labels-idx1-ubyte.gz", np.arange(5))
    with pytest.raises(CourseError, match="do not fit together"):
        load_fashion_mnist()


@pytest.mark.skipif(
    not (data.DEBIAN_FASHION_MNIST_DIR / FASHION_MNIST_FILES[0]).is_file(),
    reason="dataset-fashion-mnist is not installed",
)
def test_real_files_match_what_keras_returns(tmp_path, monkeypatch):
    """With the real files, the loader returns exactly what keras.datasets.fashion_mnist.load_data() returns."""
    keras_home = tmp_path / "keras"
    folder = keras_home / "datasets" / "fashion-mnist"
    folder.mkdir(parents=True)
    for name in FASHION_MNIST_FILES:
        (folder / name).symlink_to(data.DEBIAN_FASHION_MNIST_DIR / name)
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    ours = load_fashion_mnist(download=False)
    # Keras reads KERAS_HOME when it is imported, so ask a fresh interpreter.
    script = (
        "import numpy as np, sys; from keras.datasets import fashion_mnist; "
        "(a, b), (c, d) = fashion_mnist.load_data(); np.savez(sys.argv[1], a=a, b=b, c=c, d=d)"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "keras.npz")], check=True, capture_output=True, timeout=300
    )
    theirs = np.load(tmp_path / "keras.npz")
    for mine, key in zip((*ours[0], *ours[1]), "abcd"):
        assert mine.dtype == theirs[key].dtype
        np.testing.assert_array_equal(mine, theirs[key])
    assert ours[0][0].shape == (60000, 28, 28) and ours[1][0].shape == (10000, 28, 28)
    assert np.bincount(ours[0][1]).tolist() == [6000] * 10
