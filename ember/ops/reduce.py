"""Reductions: sum, mean, prod, max/min, var/std, logsumexp, norm, all/any, cumsum/cumprod."""
import numpy as np

from .._device import array_module
from .._dtype import get_default_dtype
from .._tensor import Tensor, _wrap_dim
from ..autograd.function import Op

__all__ = ["sum", "mean"]


def _dims(dim, ndim):
    """A sorted tuple of non-negative dims from None, an int or a sequence (None: all)."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)):
        dim = (dim,)
    dims = tuple(sorted(_wrap_dim(int(d), ndim) for d in dim))
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"dim {list(dim)} appears multiple times in the list of dims")
    return dims if ndim else ()


def _unsqueeze_to(g, dims, keepdim):
    """Put back reduced dims (as size 1) so that g broadcasts against the input."""
    if keepdim:
        return g
    for d in dims:
        g = g.unsqueeze(d)
    return g


class SumBackward0(Op):
    @staticmethod
    def forward(ctx, x, dims, keepdim, dtype):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        if dtype is None and x.dtype.kind in "bui":
            dtype = np.int64
        return x.sum(axis=dims, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx, g):
        return _unsqueeze_to(g, ctx.dims, ctx.keepdim).expand(ctx.shape), None, None, None


def sum(input, dim=None, keepdim=False, *, dtype=None):
    """Sum of all elements, or over dim (an int or a tuple of ints)."""
    return SumBackward0.apply(input, _dims(dim, input.ndim), keepdim, dtype.np if dtype is not None else None)


class MeanBackward0(Op):
    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        n = 1
        for d in dims:
            n *= x.shape[d]
        ctx.n = n
        return x.mean(axis=dims, keepdims=keepdim)

    @staticmethod
    def backward(ctx, g):
        return _unsqueeze_to(g / ctx.n, ctx.dims, ctx.keepdim).expand(ctx.shape), None, None


def mean(input, dim=None, keepdim=False, *, dtype=None):
    """Mean of all elements, or over dim; needs a floating point input (or dtype)."""
    if dtype is not None:
        input = input.to(dtype)
    if not input.is_floating_point():
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point "
                           f"or complex dtype. Got: {input.dtype}. Pass dtype=ember.float32 or call .float()")
    return MeanBackward0.apply(input, _dims(dim, input.ndim), keepdim)


def _methods():
    for fn in (sum, mean):
        setattr(Tensor, fn.__name__, fn)


_methods()
