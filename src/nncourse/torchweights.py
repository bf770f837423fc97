"""Read PyTorch weight files of the legacy (non-zip) ``torch.save`` format without torch.

A legacy file is a sequence of pickles followed by raw data:

1. a magic number, 2. the format's protocol version, 3. a dict of system information,
4. the saved object (here a state dict) in which every tensor is built by
   ``torch._utils._rebuild_tensor_v2`` from a *persistent id* that names a storage,
5. the list of storage keys, then 6. for each key in that order: the number of elements
   (little-endian int64) followed by the elements' raw little-endian bytes.

Unpickling runs whatever callables a pickle names, so a plain :func:`pickle.load` on a file
from elsewhere can run any code. :class:`SafeUnpickler` allows exactly the globals this format
needs and refuses every other one with :class:`UnsafeWeightsError`, before anything is called.
"""

from __future__ import annotations

import collections
import io
import pickle
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["UnsafeWeightsError", "WeightsFormatError", "SafeUnpickler", "read_state_dict"]

# The number torch writes first in every legacy file.
MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001

# Storage classes a legacy file may name, with the NumPy type of their raw elements.
_STORAGE_DTYPES = {
    "FloatStorage": np.dtype("<f4"),
    "DoubleStorage": np.dtype("<f8"),
    "HalfStorage": np.dtype("<f2"),
    "LongStorage": np.dtype("<i8"),
    "IntStorage": np.dtype("<i4"),
    "ShortStorage": np.dtype("<i2"),
    "CharStorage": np.dtype("i1"),
    "ByteStorage": np.dtype("u1"),
    "BoolStorage": np.dtype("?"),
}


class WeightsFormatError(ValueError):
    """The file is not a legacy torch weights file this reader understands."""


class UnsafeWeightsError(pickle.UnpicklingError):
    """The file asks to run code that a weights file never needs: it is refused."""


@dataclass(frozen=True)
class _StorageType:
    """Stands in for ``torch.FloatStorage`` and friends: only their element type matters."""

    name: str

    @property
    def dtype(self) -> np.dtype:
        return _STORAGE_DTYPES[self.name]


@dataclass(frozen=True)
class _StorageRef:
    key: str
    dtype: np.dtype
    size: int


@dataclass(frozen=True)
class _TensorRef:
    storage: _StorageRef
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]


def _rebuild_tensor(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None, *rest):
    """Replaces ``torch._utils._rebuild_tensor_v2``: records where the tensor's numbers are."""
    if not isinstance(storage, _StorageRef):
        raise WeightsFormatError("a tensor in the file does not refer to a storage")
    ints = (storage_offset, *size, *stride)
    if not all(isinstance(v, int) and v >= 0 for v in ints) or len(size) != len(stride):
        raise WeightsFormatError("a tensor in the file has an invalid offset, shape or stride")
    return _TensorRef(storage, storage_offset, tuple(size), tuple(stride))


class SafeUnpickler(pickle.Unpickler):
    """An unpickler that allows only the globals of a torch state dict and refuses every other.

    Allowed: ``collections.OrderedDict`` (the state dict and its empty hooks dict),
    ``torch._utils._rebuild_tensor_v2`` (replaced by a function that only records the tensor's
    place in its storage) and the ``torch.*Storage`` classes (replaced by inert markers).
    Persistent ids must be storage descriptions. Anything else raises :class:`UnsafeWeightsError`.
    """

    def __init__(self, file, *, allow_tensors: bool = True):
        super().__init__(file)
        self._allow_tensors = allow_tensors

    def find_class(self, module: str, name: str):
        if self._allow_tensors:
            if (module, name) == ("collections", "OrderedDict"):
                return collections.OrderedDict
            if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
                return _rebuild_tensor
            if module == "torch" and name in _STORAGE_DTYPES:
                return _StorageType(name)
        raise UnsafeWeightsError(
            f"refused to load {module}.{name}: a weights file has no reason to use it, "
            "so this file may be trying to run code"
        )

    def persistent_load(self, pid):
        if not self._allow_tensors:
            raise UnsafeWeightsError("refused a persistent id where the format has none")
        if (
            not isinstance(pid, tuple)
            or len(pid) < 5
            or pid[0] != "storage"
            or not isinstance(pid[1], _StorageType)
            or not isinstance(pid[2], str)
            or not isinstance(pid[4], int)
            or pid[4] < 0
        ):
            raise WeightsFormatError(f"unexpected persistent id in the weights file: {pid!r:.80}")
        if len(pid) > 5 and pid[5] is not None:
            raise WeightsFormatError("storage views are not supported by this reader")
        return _StorageRef(key=pid[2], dtype=pid[1].dtype, size=pid[4])


def _load(file, *, allow_tensors: bool = False):
    return SafeUnpickler(file, allow_tensors=allow_tensors).load()


def read_state_dict(path: str | Path) -> dict[str, np.ndarray]:
    """Return the tensors of a legacy ``torch.save`` state dict as NumPy arrays, by name.

    Never imports torch and never runs code from the file: see :class:`SafeUnpickler`.
    """
    data = Path(path).read_bytes()
    file = io.BytesIO(data)
    try:
        if _load(file) != MAGIC_NUMBER:
            raise WeightsFormatError(f"{path} is not a legacy torch weights file (wrong magic number)")
        if _load(file) != PROTOCOL_VERSION:
            raise WeightsFormatError(f"{path} uses an unknown torch file protocol")
        _load(file)  # system information: byte order and type sizes
        state = _load(file, allow_tensors=True)
        keys = _load(file)
    except UnsafeWeightsError as error:
        raise UnsafeWeightsError(f"{path}: {error}") from None
    except (pickle.UnpicklingError, EOFError, struct.error) as error:
        raise WeightsFormatError(f"{path} is not a readable legacy torch weights file ({error})") from None
    if not isinstance(state, dict) or not isinstance(keys, list):
        raise WeightsFormatError(f"{path} does not hold a state dict")

    offset = file.tell()
    storages: dict[str, tuple[int, int]] = {}
    for key in keys:
        (count,) = struct.unpack_from("<q", data, offset)
        offset += 8
        storages[key] = (offset, count)
        # The element size comes from the tensors that use the storage.
        itemsize = next(
            (t.storage.dtype.itemsize for t in state.values() if isinstance(t, _TensorRef) and t.storage.key == key),
            None,
        )
        if itemsize is None:
            raise WeightsFormatError(f"{path}: storage {key} is not used by any tensor")
        offset += count * itemsize
    if offset != len(data):
        raise WeightsFormatError(f"{path}: the raw data does not end where the storages say")

    arrays: dict[str, np.ndarray] = {}
    for name, tensor in state.items():
        if not isinstance(tensor, _TensorRef):
            raise WeightsFormatError(f"{path}: entry {name!r} is not a tensor")
        start, count = storages[tensor.storage.key]
        flat = np.frombuffer(data, dtype=tensor.storage.dtype, count=count, offset=start)
        last = tensor.offset + sum((n - 1) * s for n, s in zip(tensor.shape, tensor.stride)) if all(tensor.shape) else 0
        if last >= max(count, 1):
            raise WeightsFormatError(f"{path}: tensor {name!r} reaches past the end of its storage")
        itemsize = flat.itemsize
        view = np.lib.stride_tricks.as_strided(
            flat[tensor.offset :],
            shape=tensor.shape,
            strides=tuple(s * itemsize for s in tensor.stride),
            writeable=False,
        )
        arrays[name] = np.array(view, dtype=view.dtype.newbyteorder("="))
    return arrays
