"""Complex numbers: real and imaginary parts, conjugates, angle, polar form and the views between a complex
tensor and its real pairs. Gradients follow PyTorch's convention (see ember.autograd.complex).

ember has no lazy conjugate bit: conj() of a complex tensor is a new tensor (PyTorch's conj_physical), so
is_conj() is always False and resolve_conj() returns its input.
"""
import numpy as np

from .._device import array_module
from .._dtype import SCALAR_TYPE_NAMES, from_numpy_dtype, to_complex
from .._tensor import Tensor
from ..autograd.function import Op
from .inplace import inplace
from .shape import ViewOp

__all__ = ["real", "imag", "conj", "conj_physical", "conj_physical_", "resolve_conj", "resolve_neg", "is_conj",
           "is_neg", "is_complex", "angle", "polar", "complex", "view_as_real", "view_as_complex", "view_as_real_copy",
           "view_as_complex_copy"]


def _scalar_name(t):
    return SCALAR_TYPE_NAMES[t.dtype.name]


def _check(fname, input):
    if not isinstance(input, Tensor):
        raise TypeError(f"{fname}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")


class RealBackward0(ViewOp):
    complex_grad = True

    @staticmethod
    def forward(ctx, x):
        return x.real

    @staticmethod
    def backward(ctx, g):
        return g


class ImagBackward0(ViewOp):
    complex_grad = True

    @staticmethod
    def forward(ctx, x):
        return x.imag

    @staticmethod
    def backward(ctx, g):
        return g * 1j


def real(input):
    """The real part of input: a view for complex input, input itself otherwise."""
    _check("real", input)
    return RealBackward0.apply(input) if input._data.dtype.kind == "c" else input


def imag(input):
    """The imaginary part of a complex input, as a view."""
    _check("imag", input)
    if input._data.dtype.kind != "c":
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return ImagBackward0.apply(input)


class ConjPhysicalBackward0(Op):
    complex_grad = True

    @staticmethod
    def forward(ctx, x):
        return array_module(x).conj(x)

    @staticmethod
    def backward(ctx, g):
        return conj_physical(g)


def conj_physical(input):
    """The elementwise complex conjugate of input (input's values for real dtypes), as a new tensor."""
    _check("conj_physical", input)
    return ConjPhysicalBackward0.apply(input)


def conj(input):
    """The complex conjugate of input; input itself for real dtypes."""
    _check("conj", input)
    return conj_physical(input) if input._data.dtype.kind == "c" else input


conj_physical_ = inplace(conj_physical, "conj_physical_")


def is_complex(input):
    """Whether input's dtype is complex."""
    _check("is_complex", input)
    return input._data.dtype.kind == "c"


def resolve_conj(input):
    """input with its conjugation materialized: input itself, as ember conjugates eagerly."""
    return input


def resolve_neg(input):
    """input with its negation materialized: input itself, as ember has no lazy negation."""
    return input


def is_conj(input):
    """Whether input's conjugate bit is set: never in ember (conj() conjugates at once)."""
    return False


def is_neg(input):
    """Whether input's negative bit is set: never in ember."""
    return False


class AngleBackward0(Op):
    complex_grad = True
    retain_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        xp = array_module(x)
        out = xp.angle(x)
        return out if x.dtype.kind == "c" else out.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        if not x.is_complex():
            return g * 0
        sq = x.real * x.real + x.imag * x.imag
        return (g * 1j) * x / sq.masked_fill(sq == 0, 1)


def angle(input):
    """The elementwise argument (angle in radians) of input; 0 or pi for real input."""
    _check("angle", input)
    if input._data.dtype.kind not in "fc":
        input = input.float()
    return AngleBackward0.apply(input)


class ComplexBackward0(Op):
    complex_grad = True

    @staticmethod
    def forward(ctx, re, im):
        out = array_module(re).empty(np.broadcast_shapes(re.shape, im.shape), to_complex(from_numpy_dtype(re.dtype)).np)
        out.real, out.imag = re, im
        return out

    @staticmethod
    def backward(ctx, g):
        return real(g), imag(g)


def complex(real, imag):
    """A complex tensor with real part real and imaginary part imag (float tensors of one dtype)."""
    _check("complex", real)
    _check("complex", imag)
    if real.dtype is not imag.dtype:
        raise RuntimeError(f"Expected object of scalar type {_scalar_name(real)} but got scalar type "
                           f"{_scalar_name(imag)} for second argument")
    if not real.dtype.is_floating_point:
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got {_scalar_name(real)} "
                           f"and {_scalar_name(imag)}")
    to_complex(real.dtype)
    return ComplexBackward0.apply(real, imag)



class PolarBackward0(Op):
    complex_grad = True
    retain_inputs = (0, 1)

    @staticmethod
    def forward(ctx, abs, angle):
        return ComplexBackward0.forward(ctx, abs * array_module(abs).cos(angle), abs * array_module(abs).sin(angle))

    @staticmethod
    def backward(ctx, g):
        abs, angle = ctx.saved_tensors
        unit = complex(angle.cos(), angle.sin())
        along = real(conj(g) * unit)
        return along, real(conj(g) * unit * 1j) * abs


def polar(abs, angle):
    """The complex tensor abs * (cos(angle) + i sin(angle))."""
    _check("polar", abs)
    _check("polar", angle)
    if not (abs.dtype.is_floating_point and angle.dtype.is_floating_point):
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got {_scalar_name(abs)} "
                           f"and {_scalar_name(angle)}")
    if abs.dtype is not angle.dtype:
        raise RuntimeError(f"Expected object of scalar type {_scalar_name(abs)} but got scalar type "
                           f"{_scalar_name(angle)} for second argument")
    return PolarBackward0.apply(abs, angle)


class ViewAsRealBackward0(ViewOp):
    complex_grad = True

    @staticmethod
    def forward(ctx, x):
        part = x.real
        return array_module(x).lib.stride_tricks.as_strided(part, x.shape + (2,), x.strides + (part.itemsize,))

    @staticmethod
    def backward(ctx, g):
        return complex(g.select(-1, 0), g.select(-1, 1))


class ViewAsComplexBackward0(ViewOp):
    complex_grad = True

    @staticmethod
    def forward(ctx, x):
        return x.view(to_complex(from_numpy_dtype(x.dtype)).np)[..., 0]

    @staticmethod
    def backward(ctx, g):
        return view_as_real(g)


def view_as_real(input):
    """A real view of a complex tensor, with a last dimension of size 2 holding the real and imaginary parts."""
    _check("view_as_real", input)
    if input._data.dtype.kind != "c":
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return ViewAsRealBackward0.apply(input)


def view_as_complex(input):
    """A complex view of a float tensor whose last dimension (of size 2, stride 1) holds real and imaginary parts."""
    _check("view_as_complex", input)
    a = input._data
    if a.dtype.kind != "f":
        raise RuntimeError(f"view_as_complex is only supported for half, float and double tensors, but got a tensor "
                           f"of scalar type: {_scalar_name(input)}")
    to_complex(input.dtype)
    if a.ndim == 0 or a.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    if a.strides[-1] != a.itemsize:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(s % (2 * a.itemsize) for s in a.strides[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    if input.storage_offset() % 2:
        raise RuntimeError("Tensor must have a storage_offset divisible by 2")
    return ViewAsComplexBackward0.apply(input)


def view_as_real_copy(input):
    """view_as_real(input) as a new tensor."""
    return view_as_real(input).clone()


def view_as_complex_copy(input):
    """view_as_complex(input) as a new tensor."""
    return view_as_complex(input).clone()


def _set_part(offset):
    def setter(self, value):
        if self._data.dtype.kind != "c":
            if offset:
                raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
            self.copy_(value)
            return
        (real if offset == 0 else imag)(self).copy_(value)
    return setter


def _methods():
    for fn in (conj, conj_physical, conj_physical_, resolve_conj, resolve_neg, is_conj, is_neg, angle):
        setattr(Tensor, fn.__name__, fn)
    Tensor.real = property(real, _set_part(0))
    Tensor.imag = property(imag, _set_part(1))


_methods()
