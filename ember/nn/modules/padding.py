"""Padding layers over F.pad: Zero, Constant, Reflection, Replication and Circular, for 1-d, 2-d and 3-d."""
from ...ops import conv as F
from .module import Module

__all__ = ["CircularPad1d", "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
           "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
           "ReplicationPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d"]


def _amounts(padding, nd):
    """padding as the 2 * nd amounts F.pad takes (an int pads every side by it; a sequence is kept as given)."""
    return tuple(padding) if isinstance(padding, (tuple, list)) else (padding,) * (2 * nd)


class _PadNd(Module):
    """Pads the last nd dims by `padding` (left, right, top, bottom, front, back) with F.pad's `mode`."""
    _nd = 1
    _mode = None

    def __init__(self, padding):
        super().__init__()
        self.padding = _amounts(padding, self._nd)

    def forward(self, input):
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class _CircularPadNd(_PadNd):
    _mode = "circular"

    def forward(self, input):
        nd = self._nd
        if input.dim() not in (nd + 1, nd + 2):
            raise ValueError(f"expected {nd + 1}D or {nd + 2}D input (got {input.dim()}D input)")
        return super().forward(input)


class CircularPad1d(_CircularPadNd):
    """Pads the last dim by wrapping around (the values from the other end)."""


class CircularPad2d(_CircularPadNd):
    """Pads the last 2 dims by wrapping around."""
    _nd = 2


class CircularPad3d(_CircularPadNd):
    """Pads the last 3 dims by wrapping around."""
    _nd = 3


class _ReflectionPadNd(_PadNd):
    _mode = "reflect"


class ReflectionPad1d(_ReflectionPadNd):
    """Pads the last dim with the reflection of the input (the edge not repeated)."""


class ReflectionPad2d(_ReflectionPadNd):
    """Pads the last 2 dims with the reflection of the input."""
    _nd = 2


class ReflectionPad3d(_ReflectionPadNd):
    """Pads the last 3 dims with the reflection of the input."""
    _nd = 3


class _ReplicationPadNd(_PadNd):
    _mode = "replicate"


class ReplicationPad1d(_ReplicationPadNd):
    """Pads the last dim by repeating the edge values."""


class ReplicationPad2d(_ReplicationPadNd):
    """Pads the last 2 dims by repeating the edge values."""
    _nd = 2


class ReplicationPad3d(_ReplicationPadNd):
    """Pads the last 3 dims by repeating the edge values."""
    _nd = 3


class _ConstantPadNd(_PadNd):
    _mode = "constant"

    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pads the last dim with a constant value."""


class ConstantPad2d(_ConstantPadNd):
    """Pads the last 2 dims with a constant value."""
    _nd = 2


class ConstantPad3d(_ConstantPadNd):
    """Pads the last 3 dims with a constant value."""
    _nd = 3


class ZeroPad1d(ConstantPad1d):
    """Pads the last dim with zeros."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    """Pads the last 2 dims with zeros."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad3d(ConstantPad3d):
    """Pads the last 3 dims with zeros."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"
