"""finfo and iinfo: the numerical limits of ember's floating point and integer dtypes, as torch.finfo/iinfo."""
import numpy as np

from . import _dtype

__all__ = ["finfo", "iinfo"]


def _g(v):
    return f"{v:g}"


class finfo:
    """Limits of a floating point dtype (the default dtype if none is given; a complex dtype gives its parts'):
    bits, eps, max, min, tiny (= smallest_normal), resolution and dtype (its name)."""
    __hash__ = None

    def __init__(self, type=None):
        d = _dtype.get_default_dtype() if type is None else _dtype.to_real(_dtype.to_dtype(type))
        if not d.is_floating_point:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        info = np.finfo(d.np)
        self.bits, self.dtype = info.bits, d.name
        self.eps, self.max, self.min = float(info.eps), float(info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -info.precision

    def __eq__(self, other):
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __repr__(self):
        return (f"finfo(resolution={_g(self.resolution)}, min={_g(self.min)}, max={_g(self.max)}, eps={_g(self.eps)}, "
                f"smallest_normal={_g(self.smallest_normal)}, tiny={_g(self.tiny)}, dtype={self.dtype})")


class iinfo:
    """Limits of an integer dtype: bits, max, min and dtype (its name)."""
    __hash__ = None

    def __init__(self, type):
        d = _dtype.to_dtype(type)
        if d.is_floating_point or d.is_complex:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        if d is _dtype.bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        info = np.iinfo(d.np)
        self.bits, self.max, self.min, self.dtype = info.bits, int(info.max), int(info.min), d.name

    def __eq__(self, other):
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __repr__(self):
        return f"iinfo(min={_g(self.min)}, max={_g(self.max)}, dtype={self.dtype})"
