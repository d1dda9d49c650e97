"""ember.device and the array module (numpy on cpu, cupy on cuda) behind each device."""
import numpy as np

__all__ = ["device", "cuda"]


class device:
    """Where a tensor's data lives: device('cpu'), device('cuda'), device('cuda', 1), device('cuda:1')."""
    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, str) and ":" in type:
            type, _, idx = type.partition(":")
            if index is not None or not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = int(idx)
        if type not in ("cpu", "cuda"):
            raise RuntimeError(f"Expected one of cpu, cuda device type at start of device string: {type}")
        self.type, self.index = type, index

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else \
            f"device(type='{self.type}', index={self.index})"


CPU = device("cpu")
_cupy = None


def _import_cupy():
    global _cupy
    if _cupy is None:
        try:
            import cupy
        except ImportError:
            raise RuntimeError('CUDA tensors need CuPy: install it with `pip install "ember[cuda]"` (CuPy for '
                               'CUDA 12; or the CuPy wheel matching your CUDA) on a machine with an NVIDIA GPU'
                               ) from None
        _cupy = cupy
    return _cupy


def as_device(d):
    """A device from a device, a string or an index (an int means that cuda device)."""
    if d is None or isinstance(d, device):
        return d
    if isinstance(d, int):
        return device("cuda", d)
    return device(d)


def array_module(a):
    """numpy for a numpy array, cupy for a cupy array."""
    return np if type(a) is np.ndarray or _cupy is None else _cupy.get_array_module(a)


def module_for(d):
    """The array module that holds data on device d."""
    return np if d is None or d.type == "cpu" else _import_cupy()


def device_of(a):
    """The device an array lives on."""
    if type(a) is np.ndarray or _cupy is None or not isinstance(a, _cupy.ndarray):
        return CPU
    return device("cuda", a.device.id)


def move(a, d):
    """Array a placed on device d (no copy when it is already there)."""
    if d.type == "cpu":
        return a if isinstance(a, np.ndarray) else a.get()
    cp = _import_cupy()
    with cp.cuda.Device(d.index or 0):
        return cp.asarray(a)


class cuda:
    """ember.cuda: is_available(), device_count(), manual_seed()."""

    @staticmethod
    def is_available():
        try:
            cp = _import_cupy()
            return cp.cuda.runtime.getDeviceCount() > 0
        except Exception:
            return False

    @staticmethod
    def device_count():
        return _import_cupy().cuda.runtime.getDeviceCount() if cuda.is_available() else 0
