"""PyTorch-style printing of tensors: tensor([[1., 2.]], requires_grad=True)."""
import numpy as np

from . import _dtype


def type_name(a):
    """The legacy type name of an array's dtype, as in error messages ('ember.FloatTensor')."""
    names = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor", "int64": "LongTensor",
             "int32": "IntTensor", "int16": "ShortTensor", "int8": "CharTensor", "uint8": "ByteTensor",
             "bool": "BoolTensor"}
    return "ember." + names.get(str(a.dtype), str(a.dtype))


def _format_array(a):
    if a.dtype.kind == "f":
        finite = a[np.isfinite(a)]
        if finite.size and np.all(finite == np.round(finite)) and np.abs(finite).max() < 1e8:
            return np.array2string(a, separator=", ", formatter={"float_kind": lambda v: f"{v:.0f}."
                                   if np.isfinite(v) else str(v)}, prefix="tensor(", max_line_width=80)
        amax = np.abs(finite).max() if finite.size else 0
        amin = np.abs(finite[finite != 0]).min() if np.any(finite != 0) else 0
        sci = finite.size and (amax > 1e8 or (amin and amin < 1e-4) or (amin and amax / amin > 1000))
        fmt = (lambda v: f"{v:.4e}") if sci else (lambda v: f"{v:.4f}")
        return np.array2string(a, separator=", ", formatter={"float_kind": fmt}, prefix="tensor(",
                               max_line_width=80, threshold=1000, edgeitems=3)
    if a.dtype == np.bool_:
        return np.array2string(a, separator=", ", formatter={"bool": lambda v: str(bool(v))}, prefix="tensor(")
    return np.array2string(a, separator=", ", prefix="tensor(", max_line_width=80, threshold=1000, edgeitems=3)


def tensor_repr(t):
    a = t._data if isinstance(t._data, np.ndarray) else t._data.get()
    body = _format_array(a)
    extras = []
    if t.device.type != "cpu":
        extras.append(f"device='{t.device}'")
    default_dtypes = {_dtype.get_default_dtype(), _dtype.int64, _dtype.bool}
    if t.dtype not in default_dtypes or (a.size == 0 and t.dtype is not _dtype.get_default_dtype()):
        extras.append(f"dtype={t.dtype}")
    if a.size == 0 and a.ndim != 1:
        extras.insert(0, f"size={tuple(a.shape)}")
    if t.grad_fn is not None:
        extras.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t._requires_grad:
        extras.append("requires_grad=True")
    return "tensor(" + body + "".join(", " + e for e in extras) + ")"
