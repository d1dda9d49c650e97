"""Fractional max pooling (Graham, 2014): max over windows whose starts step by a random fraction of the input.

The window starts follow PyTorch's generate_intervals in the input's dtype, so that given _random_samples
the result equals PyTorch's exactly; the gradient scatters to the maxima as max pooling's does.
"""
import math

import numpy as np

from .._creation import rand
from .._device import array_module
from ..autograd.function import Op
from .conv import _SCATTER, _size_str

__all__ = ["fractional_max_pool2d", "fractional_max_pool3d", "fractional_max_pool2d_with_indices",
           "fractional_max_pool3d_with_indices"]

_NAMES = {2: ("height", "width"), 3: ("time", "height", "width")}
_SAMPLE_AXIS = {2: (1, 0), 3: (0, 1, 2)}     # which of a plane's samples drives each spatial dim, as PyTorch


def _starts(xp, samples, n, o, k, dtype):
    """(planes, o) window starts along a dim of size n: int((i + u) * alpha) - int(u * alpha), the last n - k."""
    starts = np.full((samples.shape[0], o), n - k, dtype=np.int64)
    if o > 1:
        alpha = dtype.type(n - k) / dtype.type(o - 1)
        u = samples.astype(dtype, copy=False)[:, None]
        i = np.arange(o - 1, dtype=dtype)
        starts[:, :-1] = ((i + u) * alpha).astype(np.int64) - (u * alpha).astype(np.int64)
    return xp.asarray(starts)


class FractionalMaxPool2DBackward0(Op):
    """Maximum over the fractional windows of each plane and the flat positions of the maxima."""
    non_differentiable = (1,)

    @staticmethod
    def forward(ctx, x, kernel, out_size, samples):
        xp, nd = array_module(x), len(kernel)
        size = x.shape[-nd:]
        planes = math.prod(x.shape[:-nd])
        axes = _SAMPLE_AXIS[nd]
        plane = [math.prod(size[d + 1:]) for d in range(nd)]
        flat = 0
        for d in range(nd):
            starts = _starts(xp, samples[:, axes[d]], size[d], out_size[d], kernel[d], x.dtype)
            along = [1] * nd
            along[d] = out_size[d]
            at = [1] * nd
            at[d] = kernel[d]
            offsets = xp.arange(kernel[d]).reshape([1] * (nd + 1) + at)
            flat = flat + (starts.reshape([planes] + along + [1] * nd) + offsets) * plane[d]
        flat = flat.reshape((planes,) + tuple(out_size) + (-1,))
        values = xp.take_along_axis(x.reshape(planes, -1), flat.reshape(planes, -1), axis=1).reshape(flat.shape)
        arg = values.argmax(axis=-1) if values.size else xp.zeros(flat.shape[:-1], dtype=np.int64)
        if x.dtype.kind == "f" and values.size:
            nan = xp.isnan(values)
            last = nan.shape[-1] - 1 - nan[..., ::-1].argmax(axis=-1)   # a NaN wins, the last one as in PyTorch
            arg = xp.where(nan.any(axis=-1), last, arg)
        shape = x.shape[:-nd] + tuple(out_size)
        indices = xp.take_along_axis(flat, arg[..., None], axis=-1).reshape(shape)
        ctx.indices, ctx.shape, ctx.nd = indices, x.shape, nd
        return xp.take_along_axis(values, arg[..., None], axis=-1).reshape(shape), indices

    @staticmethod
    def backward(ctx, g, g_indices):
        return _SCATTER[ctx.nd].apply(g, ctx.indices, ctx.shape, False), None, None, None


class FractionalMaxPool3DBackward0(FractionalMaxPool2DBackward0):
    pass


def _ints(value, nd, fname, name):
    """An int or a sequence of nd ints as a tuple, with ATen's error."""
    value = tuple(value) if isinstance(value, (tuple, list)) else (value,)
    if len(value) == 1:
        value = value * nd
    if len(value) != nd:
        raise RuntimeError(f"{fname}: {name} must either be a single Int or tuple of {'three ' if nd == 3 else ''}"
                           f"Ints")
    return tuple(int(v) for v in value)


def _fractional(nd, input, kernel_size, output_size, output_ratio, return_indices, _random_samples):
    fname = f"fractional_max_pool{nd}d"
    if output_size is None and output_ratio is None:
        raise ValueError(f"{fname} requires specifying either an output_size or an output_ratio")
    if output_size is None:
        if nd == 2 and len(output_ratio) > 2:
            raise ValueError(f"{fname} requires output_ratio to either be a single Int or tuple of Ints.")
        ratio = tuple(output_ratio) if isinstance(output_ratio, (tuple, list)) else (output_ratio,) * nd
        ratio = ratio * nd if len(ratio) == 1 else ratio
        output_size = [int(input.size(d - nd) * r) for d, r in enumerate(ratio)]
    if _random_samples is None:
        batch = 1 if input.dim() == nd + 1 else input.size(0)
        _random_samples = rand(batch, input.size(-nd - 1), nd, dtype=input.dtype, device=input.device)
    kernel = _ints(kernel_size, nd, fname, "kernel_size")
    out_size = _ints(output_size, nd, fname, "output_size")
    where = fname + "()" if nd == 2 else fname + "_out()"
    if input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(f"{where}: Expected {nd + 1}D or {nd + 2}D tensor, but got: {_size_str(input.shape)}")
    for d in range(1, input.dim()):
        if input.shape[d] == 0:
            raise RuntimeError(f"{where}: Expected input to have non-zero size for non-batch dimensions, but got"
                               f"{_size_str(input.shape)} with dimension {d} being empty.")
    for name, n, o, k in zip(_NAMES[nd], input.shape[-nd:], out_size, kernel):
        if o + k - 1 > n or (nd == 3 and o + k - 1 == n):     # PyTorch's 3-d check is strict
            raise RuntimeError(f"{where}: pool {name} {k} too large relative to input {name} {n}")
    samples = _random_samples
    if samples.dtype != input.dtype:
        raise RuntimeError("Expect _random_samples to have the same dtype as input")
    if samples.dim() != 3:
        raise RuntimeError(f"Expect _random_samples to have 3 dimensions, got {samples.dim()}")
    batch = 1 if input.dim() == nd + 1 else input.shape[0]
    if samples.shape[0] < batch:
        raise RuntimeError("Expect _random_samples.size(0) no less then input batch size.")
    if samples.shape[1] != input.shape[-nd - 1]:
        raise RuntimeError("Expect _random_samples.size(1) equals to input channel size.")
    if samples.shape[2] != nd:
        raise RuntimeError(f"Expect _random_samples.size(2) equals to {nd}; got {samples.shape[2]}.")
    planes = samples.detach()[:batch].reshape(-1, nd).cpu().numpy()
    op = FractionalMaxPool2DBackward0 if nd == 2 else FractionalMaxPool3DBackward0
    out, indices = op.apply(input, kernel, out_size, planes)
    return (out, indices) if return_indices else out


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """2-d fractional max pooling over kH x kW windows whose starts step pseudo-randomly to give output_size
    (or input size times output_ratio)."""
    return _fractional(2, input, kernel_size, output_size, output_ratio, return_indices, _random_samples)


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """3-d fractional max pooling over kT x kH x kW windows whose starts step pseudo-randomly to give
    output_size (or input size times output_ratio)."""
    return _fractional(3, input, kernel_size, output_size, output_ratio, return_indices, _random_samples)


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    """fractional_max_pool2d and the flat positions of the maxima."""
    return _fractional(2, input, kernel_size, output_size, output_ratio, True, _random_samples)


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    """fractional_max_pool3d and the flat positions of the maxima."""
    return _fractional(3, input, kernel_size, output_size, output_ratio, True, _random_samples)
