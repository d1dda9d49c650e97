"""Discrete Fourier transforms, as torch.fft.

Three ops do the work, named as PyTorch's: FftC2CBackward0 (complex to complex), FftR2CBackward0 (real to complex,
full or one-sided) and FftC2RBackward0 (one-sided complex to real). Each takes NumPy's norm name for its own
direction; the adjoint of a transform is the transform of the other direction with the mirrored norm, which is
how each backward is written (with ember ops, so it is differentiable again).
"""
import numpy as np

from . import _dtype
from ._dtype import SCALAR_TYPE_NAMES
from ._creation import arange, ones, zeros
from ._device import array_module
from ._tensor import Tensor, _wrap_dim
from .autograd.function import Op
from .ops.complex import conj, real
from .ops.shape import _dim_of, cat, narrow, roll

__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2", "rfftn", "irfftn",
           "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn", "fftfreq", "rfftfreq", "fftshift", "ifftshift"]

_NORMS = ("backward", "forward", "ortho")
_MIRROR = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


class FftC2CBackward0(Op):
    complex_grad = True

    @staticmethod
    def forward(ctx, x, dim, norm, forward):
        ctx.dim, ctx.norm, ctx.forward = dim, norm, forward
        xp = array_module(x)
        if not dim:
            return x.astype(np.result_type(x.dtype, np.complex64))
        return (xp.fft.fftn if forward else xp.fft.ifftn)(x, axes=dim, norm=norm)

    @staticmethod
    def backward(ctx, g):
        return FftC2CBackward0.apply(g, ctx.dim, _MIRROR[ctx.norm], not ctx.forward), None, None, None


class FftR2CBackward0(Op):
    complex_grad = True

    @staticmethod
    def forward(ctx, x, dim, norm, onesided):
        ctx.dim, ctx.norm, ctx.size = dim, norm, x.shape[dim[-1]]
        xp = array_module(x)
        return (xp.fft.rfftn if onesided else xp.fft.fftn)(x, axes=dim, norm=norm)

    @staticmethod
    def backward(ctx, g):
        g = _resize(g, ctx.dim[-1:], (ctx.size,))     # the bins a one-sided spectrum leaves out get no gradient
        return real(FftC2CBackward0.apply(g, ctx.dim, _MIRROR[ctx.norm], False)), None, None, None


class FftC2RBackward0(Op):
    complex_grad = True

    @staticmethod
    def forward(ctx, x, dim, norm, last_dim_size):
        ctx.dim, ctx.norm, ctx.last_dim_size = dim, norm, last_dim_size
        s = [x.shape[d] for d in dim[:-1]] + [last_dim_size]
        return array_module(x).fft.irfftn(x, s=s, axes=dim, norm=norm)

    @staticmethod
    def backward(ctx, g):
        gi = FftR2CBackward0.apply(g, ctx.dim, _MIRROR[ctx.norm], True)
        d, m = ctx.dim[-1], gi.shape[ctx.dim[-1]]
        # each bin but the zero one (and the Nyquist one for even sizes) stands for itself and its mirror image
        weight = ones(m, dtype=_dtype.to_real(gi.dtype), device=gi.device)
        weight[1:1 + ctx.last_dim_size - m] = 2
        return gi * weight.reshape((m,) + (1,) * (gi.dim() - 1 - d)), None, None, None


def _check_input(fname, input):
    if not isinstance(input, Tensor):
        raise TypeError(f"fft_{fname}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")


def _promote(x):
    """x in a dtype the transforms take: integers become the default float dtype; half precision is refused."""
    if x.dtype.is_complex:
        return x
    if not x.dtype.is_floating_point:
        return x.to(_dtype.get_default_dtype())
    if x.dtype is _dtype.float16:
        raise RuntimeError("Unsupported dtype Half")
    return x


def _norm(fname, norm):
    if norm is None:
        return "backward"
    if not isinstance(norm, str):
        raise TypeError(f"fft_{fname}(): argument 'norm' must be str, not {type(norm).__name__}")
    if norm not in _NORMS:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')
    return norm


def _check_points(n):
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")


def _resize(x, dims, sizes):
    """x cropped or zero-padded at the end of each of dims to the sizes given."""
    for d, size in zip(dims, sizes):
        have = x.shape[d]
        if size < have:
            x = narrow(x, d, 0, size)
        elif size > have:
            shape = list(x.shape)
            shape[d] = size - have
            x = cat([x, zeros(shape, dtype=x.dtype, device=x.device)], d)
    return x


def _as_tuple(v):
    return (v,) if isinstance(v, (int, np.integer)) else tuple(v)


def _shape_and_dims(x, s, dim):
    """The signal size and the dimension of each transformed dimension, from the optional s and dim."""
    nd = x.dim()
    if dim is not None:
        dims = tuple(_dim_of(d, nd) for d in _as_tuple(dim))
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
    if s is None:
        dims = tuple(range(nd)) if dim is None else dims
        shape = tuple(x.shape[d] for d in dims)
    else:
        s = _as_tuple(s)
        if dim is not None and len(dims) != len(s):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
        if len(s) > nd:
            raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has {nd} dimensions.")
        dims = tuple(range(nd - len(s), nd)) if dim is None else dims
        shape = tuple(x.shape[d] if n == -1 else n for n, d in zip(s, dims))
    for n in shape:
        _check_points(n)
    return shape, dims


def _fft1(fname, input, n, dim, norm, forward, onesided):
    """A one-dimensional transform of complex or real input: fft, ifft, rfft, ihfft."""
    _check_input(fname, input)
    if onesided and input.dtype.is_complex:
        raise RuntimeError(f"{fname} expects a real input tensor, but got {SCALAR_TYPE_NAMES[input.dtype.name]}")
    x = _promote(input)
    d = _dim_of(dim, x.dim())
    n = x.shape[d] if n is None else n
    _check_points(n)
    x = _resize(x, (d,), (n,))
    norm = _norm(fname, norm)
    if x.dtype.is_complex:
        return FftC2CBackward0.apply(x, (d,), norm, forward)
    out = FftR2CBackward0.apply(x, (d,), norm if forward else _MIRROR[norm], onesided)
    return out if forward else conj(out)


def _c2r(x, dims, norm, last_dim_size, forward):
    """irfftn (forward=False) or hfftn (forward=True) of x, already resized."""
    if forward:
        x, norm = conj(x), _MIRROR[norm]
    return FftC2RBackward0.apply(x, dims, norm, last_dim_size)


def _c2r1(fname, input, n, dim, norm, forward):
    _check_input(fname, input)
    x = _promote(input)
    d = _dim_of(dim, x.dim())
    last_dim_size = 2 * (x.shape[d] - 1) if n is None else n
    _check_points(last_dim_size)
    x = _resize(x, (d,), (last_dim_size // 2 + 1,))
    return _c2r(x, (d,), _norm(fname, norm), last_dim_size, forward)


def _c2c_n(fname, input, s, dim, norm, forward):
    _check_input(fname, input)
    shape, dims = _shape_and_dims(input, s, dim)
    x = _resize(_promote(input), dims, shape)
    return FftC2CBackward0.apply(x, dims, _norm(fname, norm), forward)


def _c2r_n(fname, input, s, dim, norm, forward):
    _check_input(fname, input)
    shape, dims = _shape_and_dims(input, s, dim)
    if not dims:
        raise RuntimeError(f"{fname} must transform at least one axis")
    last_dim_size = 2 * (input.shape[dims[-1]] - 1) if s is None or _as_tuple(s)[-1] == -1 else shape[-1]
    _check_points(last_dim_size)
    x = _resize(_promote(input), dims, shape[:-1] + (last_dim_size // 2 + 1,))
    return _c2r(x, dims, _norm(fname, norm), last_dim_size, forward)


def fft(input, n=None, dim=-1, norm=None):
    """The one dimensional discrete Fourier transform of input along dim (cropped or zero-padded to n points)."""
    return _fft1("fft", input, n, dim, norm, True, False)


def ifft(input, n=None, dim=-1, norm=None):
    """The one dimensional inverse discrete Fourier transform of input along dim."""
    return _fft1("ifft", input, n, dim, norm, False, False)


def rfft(input, n=None, dim=-1, norm=None):
    """The one dimensional Fourier transform of real input: the n // 2 + 1 non-negative frequencies."""
    return _fft1("rfft", input, n, dim, norm, True, True)


def ihfft(input, n=None, dim=-1, norm=None):
    """The inverse of hfft: the n // 2 + 1 non-negative frequencies of the inverse transform of real input."""
    return _fft1("ihfft", input, n, dim, norm, False, True)


def irfft(input, n=None, dim=-1, norm=None):
    """The inverse of rfft: a real signal of n points (default 2 * (input.size(dim) - 1)) from its half spectrum."""
    return _c2r1("irfft", input, n, dim, norm, False)


def hfft(input, n=None, dim=-1, norm=None):
    """The Fourier transform of a Hermitian-symmetric signal given by its first half: a real result of n points."""
    return _c2r1("hfft", input, n, dim, norm, True)


def fftn(input, s=None, dim=None, norm=None):
    """The N dimensional discrete Fourier transform of input over dim (all dims by default)."""
    return _c2c_n("fftn", input, s, dim, norm, True)


def ifftn(input, s=None, dim=None, norm=None):
    """The N dimensional inverse discrete Fourier transform of input."""
    return _c2c_n("ifftn", input, s, dim, norm, False)


def fft2(input, s=None, dim=(-2, -1), norm=None):
    """The 2 dimensional discrete Fourier transform of input."""
    return _c2c_n("fft2", input, s, dim, norm, True)


def ifft2(input, s=None, dim=(-2, -1), norm=None):
    """The 2 dimensional inverse discrete Fourier transform of input."""
    return _c2c_n("ifft2", input, s, dim, norm, False)


def rfftn(input, s=None, dim=None, norm=None):
    """The N dimensional discrete Fourier transform of real input, one-sided in the last dimension."""
    _check_input("rfftn", input)
    if input.dtype.is_complex:
        raise RuntimeError(f"rfftn expects a real-valued input tensor, but got {SCALAR_TYPE_NAMES[input.dtype.name]}")
    shape, dims = _shape_and_dims(input, s, dim)
    if not dims:
        raise RuntimeError("rfftn must transform at least one axis")
    x = _resize(_promote(input), dims, shape)
    return FftR2CBackward0.apply(x, dims, _norm("rfftn", norm), True)


def rfft2(input, s=None, dim=(-2, -1), norm=None):
    """The 2 dimensional discrete Fourier transform of real input, one-sided in the last dimension."""
    return rfftn(input, s, dim, norm)


def ihfftn(input, s=None, dim=None, norm=None):
    """The N dimensional inverse discrete Fourier transform of real input, one-sided in the last dimension."""
    _check_input("ihfftn", input)
    shape, dims = _shape_and_dims(input, s, dim)
    if not dims:
        raise RuntimeError("ihfftn must transform at least one axis")
    x = _resize(_promote(input), dims, shape)
    norm = _norm("ihfftn", norm)
    if x.dtype.is_complex:
        raise RuntimeError(f"Only supports floating-point dtypes, but found: {SCALAR_TYPE_NAMES[x.dtype.name]}")
    out = conj(FftR2CBackward0.apply(x, dims[-1:], _MIRROR[norm], True))
    return FftC2CBackward0.apply(out, dims[:-1], norm, False) if len(dims) > 1 else out


def ihfft2(input, s=None, dim=(-2, -1), norm=None):
    """The 2 dimensional inverse discrete Fourier transform of real input, one-sided in the last dimension."""
    return ihfftn(input, s, dim, norm)


def irfftn(input, s=None, dim=None, norm=None):
    """The inverse of rfftn: a real signal (last transformed size default 2 * (input.size(dim[-1]) - 1))."""
    return _c2r_n("irfftn", input, s, dim, norm, False)


def irfft2(input, s=None, dim=(-2, -1), norm=None):
    """The inverse of rfft2."""
    return _c2r_n("irfftn", input, s, dim, norm, False)


def hfftn(input, s=None, dim=None, norm=None):
    """The N dimensional Fourier transform of a Hermitian-symmetric signal given by its one-sided last dimension."""
    return _c2r_n("hfftn", input, s, dim, norm, True)


def hfft2(input, s=None, dim=(-2, -1), norm=None):
    """The 2 dimensional Fourier transform of a Hermitian-symmetric signal given by its one-sided last dimension."""
    return _c2r_n("hfftn", input, s, dim, norm, True)


def _frequencies(fname, n, d, dtype, device, requires_grad, onesided):
    dt = _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)
    if dt.is_complex:
        raise NotImplementedError(f"\"arange_cpu\" not implemented for '{SCALAR_TYPE_NAMES[dt.name]}'")
    if not dt.is_floating_point:
        raise RuntimeError(f"{fname} requires a floating point or complex dtype")
    count = int(n / 2) + 1 if onesided else n     # C++'s division, which truncates toward zero
    if count < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {count}: [{count}]")
    out = arange(count, dtype=dt, device=device)
    a = out._data
    if not onesided:
        a[(n + 1) // 2:] -= n
    a *= float(np.divide(1.0, n * float(d)))     # a Python float: multiplied in a's precision, as torch
    return out.requires_grad_(requires_grad)


def fftfreq(n, d=1.0, *, dtype=None, layout=None, device=None, requires_grad=False):
    """The sample frequencies of a signal of size n and sample spacing d, as fft orders them."""
    return _frequencies("fftfreq", n, d, dtype, device, requires_grad, False)


def rfftfreq(n, d=1.0, *, dtype=None, layout=None, device=None, requires_grad=False):
    """The non-negative sample frequencies (n // 2 + 1 of them) of a signal of size n and sample spacing d."""
    return _frequencies("rfftfreq", n, d, dtype, device, requires_grad, True)


def _shifted(input, dim, shift):
    dims = range(input.dim()) if dim is None else _as_tuple(dim)
    dims = [_wrap_dim(d, input.dim()) for d in dims]
    return roll(input, [shift(input.shape[d]) for d in dims], dims)


def fftshift(input, dim=None):
    """input rolled so that the zero frequency (of fft's ordering) is at the center of each of dim."""
    return _shifted(input, dim, lambda n: n // 2)


def ifftshift(input, dim=None):
    """The inverse of fftshift."""
    return _shifted(input, dim, lambda n: (n + 1) // 2)
