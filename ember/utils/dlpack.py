"""DLPack exchange: zero-copy tensors to and from NumPy, PyTorch, JAX, CuPy and any other DLPack library."""
import ctypes

import numpy as np

from .. import _dtype
from .._device import _import_cupy
from .._tensor import Tensor, _wrap

__all__ = ["from_dlpack", "to_dlpack"]

_CPU, _CUDA, _CUDA_HOST, _CUDA_MANAGED = 1, 2, 3, 13     # DLDeviceType codes ember can hold

# (DLDataTypeCode, bits) of the dtypes ember holds: kDLInt 0, kDLUInt 1, kDLFloat 2, kDLBool 6
_DL_DTYPES = {(6, 8): _dtype.bool, (1, 8): _dtype.uint8, (0, 8): _dtype.int8, (0, 16): _dtype.int16,
              (0, 32): _dtype.int32, (0, 64): _dtype.int64, (2, 16): _dtype.float16, (2, 32): _dtype.float32,
              (2, 64): _dtype.float64}
_DL_CODE_NAMES = {0: "int", 1: "uint", 2: "float", 3: "opaque_handle", 4: "bfloat", 5: "complex", 6: "bool"}


class _DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class _DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class _DLTensor(ctypes.Structure):
    """The head of DLPack's DLTensor (shape, strides and byte_offset follow; ember does not read them)."""
    _fields_ = [("data", ctypes.c_void_p), ("device", _DLDevice), ("ndim", ctypes.c_int32),
                ("dtype", _DLDataType)]


class _DLManagedTensorVersioned(ctypes.Structure):
    """The head of a DLPack >= 1.0 capsule ("dltensor_versioned"); a legacy "dltensor" capsule starts with
    its DLTensor."""
    _fields_ = [("version", ctypes.c_uint32 * 2), ("manager_ctx", ctypes.c_void_p), ("deleter", ctypes.c_void_p),
                ("flags", ctypes.c_uint64), ("dl_tensor", _DLTensor)]


_capsule_name = ctypes.pythonapi.PyCapsule_GetName
_capsule_name.restype, _capsule_name.argtypes = ctypes.c_char_p, [ctypes.py_object]
_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype, _capsule_pointer.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
_CapsuleType = type(np.empty(0).__dlpack__())


def _dl_tensor(capsule):
    """The DLTensor inside a DLPack capsule that has not been consumed yet."""
    name = _capsule_name(capsule)
    if name == b"dltensor":
        return _DLTensor.from_address(_capsule_pointer(capsule, name))
    if name == b"dltensor_versioned":
        return _DLManagedTensorVersioned.from_address(_capsule_pointer(capsule, name)).dl_tensor
    raise ValueError(f"from_dlpack received a capsule named {name.decode(errors='replace')!r}, not an unused "
                     f"DLPack tensor; a DLPack capsule can be consumed only once.")


def _check_dtype(capsule):
    dt = _dl_tensor(capsule).dtype
    if dt.lanes != 1 or (dt.code, dt.bits) not in _DL_DTYPES:
        lanes = f"x{dt.lanes}" if dt.lanes != 1 else ""
        name = f"{_DL_CODE_NAMES.get(dt.code, f'(type code {dt.code}) ')}{dt.bits}{lanes}"
        raise TypeError(f"from_dlpack: DLPack dtype {name} is not supported by ember; supported: "
                        f"{', '.join(d.name for d in _DL_DTYPES.values())}")
    return capsule


class _DtypeChecked:
    """Passes a producer's DLPack capsule on to NumPy's or CuPy's from_dlpack after checking its dtype, so that
    the consumer negotiates version, stream and copy with the producer itself."""
    __slots__ = ("source", "device")

    def __init__(self, source, device):
        self.source, self.device = source, device

    def __dlpack_device__(self):
        return self.device

    def __dlpack__(self, **kwargs):
        if type(self.source) is _CapsuleType:
            return _check_dtype(self.source)
        return _check_dtype(self.source.__dlpack__(**kwargs))


def from_dlpack(ext_tensor):
    """A tensor sharing memory with ext_tensor: an object with __dlpack__ (a NumPy, PyTorch, JAX or CuPy array)
    or a DLPack capsule (from to_dlpack). CPU data gives a NumPy-backed tensor, CUDA data a CuPy-backed one."""
    if type(ext_tensor) is _CapsuleType:
        dev = _dl_tensor(ext_tensor).device
        device = (dev.device_type, dev.device_id)
    elif hasattr(ext_tensor, "__dlpack__") and hasattr(ext_tensor, "__dlpack_device__"):
        device = tuple(int(v) for v in ext_tensor.__dlpack_device__())
    else:
        raise TypeError(f"from_dlpack expects an object with __dlpack__ and __dlpack_device__ methods (a NumPy, "
                        f"PyTorch, JAX or CuPy array, or an ember tensor) or a DLPack capsule, "
                        f"got {type(ext_tensor).__name__}")
    source = _DtypeChecked(ext_tensor, device)
    if device[0] == _CUDA:
        return _wrap(_import_cupy().from_dlpack(source))
    if device[0] in (_CPU, _CUDA_HOST, _CUDA_MANAGED):
        return _wrap(np.from_dlpack(source))
    raise BufferError(f"from_dlpack: DLPack device type {device[0]} is not supported; ember holds data in "
                      f"host memory (NumPy) or on CUDA devices (CuPy)")


def to_dlpack(tensor):
    """A DLPack capsule sharing tensor's memory (the legacy interface: prefer from_dlpack(tensor) in the other
    library). The capsule can be consumed only once."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"to_dlpack expects an ember.Tensor, got {type(tensor).__name__}")
    return tensor.detach().__dlpack__()
