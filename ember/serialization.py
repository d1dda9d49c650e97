"""save / load in the safetensors format: no pickle, so nothing in a file can run code.

A file holds the tensors as a plain safetensors file (any safetensors reader, PyTorch's included, loads them) and,
in its text metadata, a JSON description of the Python structure around them: nested dicts, lists and tuples of
tensors, numbers, strings and None, as in a model's or an optimizer's state_dict. Loading builds only those types;
it never unpickles, imports or calls anything named in the file.
"""
import contextlib
import json
import math
import os
import tempfile

import numpy as np

from ._device import device as _device_type
from ._tensor import Tensor, _wrap

__all__ = ["save", "load"]

_STRUCTURE = "ember"  # metadata key of the structure
# safetensors dtype names ember can hold; others (BF16, U16, F8 ...) are refused with a clear error. safetensors has
# no complex128: such a tensor is stored as float64 pairs (real, imaginary) in a trailing dimension of 2, and its
# structure entry says so
_DTYPES = {"BOOL": np.bool_, "U8": np.uint8, "I8": np.int8, "I16": np.int16, "I32": np.int32, "I64": np.int64,
           "F16": np.float16, "F32": np.float32, "F64": np.float64, "C64": np.complex64}
# how a pickle stream (protocol 2 to 5) and torch.save's zip archive begin; checked only once a file fails to parse
# as safetensors, whose first byte (of the header's length) may be anything
_PICKLE_MAGIC = (b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05", b"PK\x03\x04")
_CONVERT = ("Convert it once with PyTorch, where you trust the file:\n"
            "    import torch; from safetensors.torch import save_file\n"
            "    save_file(torch.load({path!r}, weights_only=True), 'model.safetensors')\n"
            "then load 'model.safetensors' with ember.load (save_file takes a flat dict of tensors, such as a "
            "model's state_dict).")


def _safetensors():
    try:
        import safetensors
        import safetensors.numpy
    except ImportError:
        raise ImportError('ember.save and ember.load need the safetensors package: pip install "ember[safetensors]"'
                          ) from None
    return safetensors


# ---- save ------------------------------------------------------------------------------------------------------
def save(obj, f):
    """Save a tensor, a state_dict, or nested dicts/lists/tuples of tensors, numbers, strings and None to f.

    f is a path (the file is replaced atomically: a failed save leaves the previous file intact) or a writable
    binary file object. The file is in the safetensors format: a flat dict of tensors (a state_dict) is a plain
    safetensors file that ``safetensors.torch.load_file`` reads into PyTorch (a complex128 tensor as its
    view_as_real, since safetensors has no complex128).
    """
    arrays = {}
    structure = _Encoder(arrays).encode(obj)
    data = _safetensors().numpy.save(arrays, metadata={"format": "pt", _STRUCTURE: structure})
    if hasattr(f, "write"):
        f.write(data)
    else:
        _atomic_write(os.fspath(f), data)


class _Encoder:
    """Turns obj into JSON text, moving its tensors into arrays under their dotted paths ('state.0.exp_avg'), so
    that a state_dict's tensors keep their own names."""

    def __init__(self, arrays):
        self.arrays, self.keys = arrays, {}  # keys: id(tensor) -> its key, so a tensor met twice is stored once

    def encode(self, obj):
        return json.dumps(self.value(obj, ()), allow_nan=False, separators=(",", ":"))

    def value(self, obj, path):
        if obj is None or isinstance(obj, (bool, int, str)):
            return obj
        if isinstance(obj, float):
            return obj if math.isfinite(obj) else {"float": repr(obj)}
        if isinstance(obj, Tensor):
            return self.tensor(obj, ".".join(map(str, path)) or "tensor")
        if isinstance(obj, list):
            return [self.value(v, path + (i,)) for i, v in enumerate(obj)]
        if isinstance(obj, tuple):
            return {"tuple": [self.value(v, path + (i,)) for i, v in enumerate(obj)]}
        if isinstance(obj, dict):
            return {"dict": [[self.key(k), self.value(v, path + (k,))] for k, v in obj.items()]}
        hint = " (save model.state_dict() instead of the module)" if hasattr(obj, "state_dict") else ""
        raise TypeError(f"ember.save can't store an object of type {type(obj).__name__}{hint}: it stores tensors, "
                        f"numbers, strings, None and dicts, lists and tuples of them (no pickle, so that loading "
                        f"a file can never run code)")

    def key(self, k):
        if isinstance(k, (Tensor, list, dict)):
            raise TypeError(f"ember.save can't store a dict key of type {type(k).__name__}: keys must be "
                            f"strings, numbers, None or tuples of them")
        return self.value(k, ())

    def tensor(self, t, name):
        key = self.keys.get(id(t))
        if key is None:
            key, n = name, 1
            while key in self.arrays:
                key, n = f"{name}#{n}", n + 1
            data = t._data if isinstance(t._data, np.ndarray) else t._data.get()
            if data.dtype == np.complex128:
                data = np.stack([data.real, data.imag], axis=-1)
            self.arrays[key] = data if data.flags.c_contiguous else data.copy(order="C")
            self.keys[id(t)] = key
        entry = {"tensor": key}
        if t.dtype.np == np.complex128:
            entry["complex128"] = True
        if t.requires_grad:
            entry["requires_grad"] = True
        from .nn.parameter import Parameter
        if isinstance(t, Parameter):
            entry["parameter"] = True
        if t.device.type != "cpu":
            entry["device"] = str(t.device)
        return entry


def _atomic_write(path, data):
    """Write data to path through a temporary file in the same folder, flushed, synced and renamed over path."""
    if os.path.isdir(path):
        raise IsADirectoryError(f"ember.save: {path!r} is a directory; give a file path, such as "
                                f"{os.path.join(path, 'model.safetensors')!r}")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"ember.save: the folder {folder!r} does not exist; create it first")
    try:
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where the platform allows
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


# ---- load ------------------------------------------------------------------------------------------------------
def load(f, map_location=None, *, weights_only=True):
    """Load what ember.save (or any safetensors writer, such as safetensors.torch.save_file) wrote to f.

    Never unpickles: a legacy pickle-based .pt/.pth file is refused with directions to convert it, and loading is
    always as safe as PyTorch's weights_only=True (weights_only is accepted for compatibility). map_location (a
    device, a string, a dict {saved device: device} or a function (tensor, saved device string) -> tensor)
    places the loaded tensors; without it they go back to the device they were saved from.
    """
    source, data = _read(f)
    name = repr(source) if source else "the given file object"
    if not data:
        raise RuntimeError(f"ember.load: {name} is empty (0 bytes), not a saved file; was its save interrupted?")
    st = _safetensors()
    try:
        entries = st.deserialize(data)
    except st.SafetensorError as e:
        if data.startswith(_PICKLE_MAGIC):
            raise RuntimeError(f"ember.load: {name} is a pickle-based PyTorch file (what torch.save writes). ember "
                               f"never unpickles, because unpickling a file can run any code hidden in it. "
                               + _CONVERT.format(path=source or "checkpoint.pt")) from None
        reason = str(e).removeprefix("Error while deserializing: ")
        raise RuntimeError(f"ember.load: {name} is not a valid safetensors file ({reason}); it may be truncated, "
                           f"corrupted, or another format") from None
    arrays = {}
    for key, info in entries:
        if info["dtype"] not in _DTYPES:
            raise RuntimeError(f"ember.load: tensor {key!r} in {name} has dtype {info['dtype']}, which ember does "
                               f"not support; convert it where it was saved (e.g. with .float())")
        arrays[key] = np.frombuffer(info["data"], dtype=_DTYPES[info["dtype"]]).reshape(info["shape"])
    header_len = int.from_bytes(data[:8], "little")  # deserialize has checked the header; read its metadata
    metadata = json.loads(data[8:8 + header_len]).get("__metadata__") or {}
    decoder = _Decoder(arrays, map_location, name)
    if _STRUCTURE not in metadata:  # a plain safetensors file from another writer: a flat dict of tensors
        return {k: decoder.tensor({"tensor": k}) for k in arrays}
    try:
        return decoder.value(json.loads(metadata[_STRUCTURE]))
    except (ValueError, TypeError, KeyError, RecursionError) as e:
        raise RuntimeError(f"ember.load: the structure recorded in {name} is corrupted ({e}); the file was "
                           f"modified or not written by ember.save") from None


def _read(f):
    """(its path, or None, and its whole content as bytes) of a path or a readable binary file object."""
    if hasattr(f, "read"):
        return getattr(f, "name", None), f.read()
    path = os.fspath(f)
    if os.path.isdir(path):
        raise IsADirectoryError(f"ember.load: {path!r} is a directory, not a file saved by ember.save")
    try:
        with open(path, "rb") as fh:
            return path, fh.read()
    except FileNotFoundError:
        raise FileNotFoundError(f"ember.load: no such file: {path!r}") from None


class _Decoder:
    """Builds the saved structure back from its JSON tree: only dicts, lists, tuples, numbers, strings, None and
    tensors, nothing else, whatever the file says."""

    def __init__(self, arrays, map_location, name):
        self.arrays, self.map_location, self.name, self.tensors = arrays, map_location, name, {}

    def value(self, node):
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if isinstance(node, list):
            return [self.value(v) for v in node]
        if isinstance(node, dict):
            if "tensor" in node:
                return self.tensor(node)
            tag, body = next(iter(node.items())) if len(node) == 1 else (None, None)
            if tag == "tuple":
                return tuple(self.value(v) for v in body)
            if tag == "dict":
                return {self.value(k): self.value(v) for k, v in body}
            if tag == "float" and body in ("inf", "-inf", "nan"):
                return float(body)
        raise ValueError(f"unknown entry {json.dumps(node)[:80]}")

    def tensor(self, node):
        key = node["tensor"]
        if key not in self.tensors:  # a tensor referenced twice is loaded as one object, as it was saved
            if key not in self.arrays:
                raise KeyError(f"tensor {key!r} is missing")
            a = self.arrays[key]
            if node.get("complex128"):
                if a.dtype != np.float64 or a.shape[-1:] != (2,):
                    raise ValueError(f"tensor {key!r} is marked complex128 but is not float64 pairs")
                a = a.view(np.complex128)[..., 0]
            t = _wrap(a)
            where = self._place(t, node.get("device", "cpu"))
            if where is not None:
                t = where
            if node.get("parameter"):
                from .nn.parameter import Parameter
                t = Parameter(t, requires_grad=bool(node.get("requires_grad")))
            elif node.get("requires_grad"):
                t.requires_grad_()
            self.tensors[key] = t
        return self.tensors[key]

    def _place(self, t, saved):
        """t moved where map_location says (None: leave it on the cpu, where it was read)."""
        target = self.map_location
        if callable(target):
            return target(t, saved)
        if isinstance(target, dict):
            target = target.get(saved, saved)
        target = _device_type(saved if target is None else target)
        if target.type == "cpu":
            return None
        from ._device import cuda
        if not cuda.is_available():
            raise RuntimeError(f"ember.load: {self.name} holds tensors saved on {saved} but CUDA is not "
                               f"available here; pass map_location='cpu' to load them onto the cpu")
        return t.to(target)
