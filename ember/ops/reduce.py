"""Reductions: sum, mean, prod, max/min, var/std, logsumexp, norm, all/any, cumsum/cumprod, median, quantile and
their nan-ignoring forms, aminmax, cummax/cummin, logcumsumexp."""
import builtins
import math
import warnings

import numpy as np

from .. import _creation
from .._creation import arange
from .._device import array_module
from .._dtype import bool as bool_, get_default_dtype, int64
from .._tensor import Tensor, _wrap, _wrap_dim
from .. import return_types
from ..autograd import grad_mode
from ..autograd.function import Op, as_array
from ..autograd.complex import holomorphic
from .pointwise import maximum, minimum, where

__all__ = ["sum", "mean", "prod", "max", "min", "amax", "amin", "argmax", "argmin", "var", "std", "var_mean",
           "std_mean", "logsumexp", "norm", "all", "any", "count_nonzero", "cumsum", "cumprod", "median", "aminmax",
           "nanmedian", "nansum", "nanmean", "quantile", "nanquantile", "cummax", "cummin", "logcumsumexp"]


def _dims(dim, ndim):
    """A sorted tuple of non-negative dims from None, an int or a sequence (None or empty: all)."""
    if dim is None or (not isinstance(dim, (int, np.integer)) and len(dim) == 0):
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)):
        dim = (dim,)
    dims = sorted(_wrap_dim(int(d), ndim) for d in dim)
    for a, b in zip(dims, dims[1:]):
        if a == b:
            raise RuntimeError(f"dim {a} appears multiple times in the list of dims")
    return tuple(dims) if ndim else ()


def _unsqueeze_to(g, dims, keepdim):
    """Put back reduced dims (as size 1) so that g broadcasts against the input."""
    if keepdim:
        return g
    for d in dims:
        g = g.unsqueeze(d)
    return g


def _squeeze(a, dims, keepdim):
    """A keepdims=True reduction result without its reduced dims unless keepdim."""
    return a if keepdim else a.reshape(tuple(s for i, s in enumerate(a.shape) if i not in dims))


def _type_name(t):
    """The name PyTorch's messages give a dtype: Float, Long ..."""
    from .._creation import legacy_type_name
    return legacy_type_name(t).rsplit(".", 1)[-1][:-len("Tensor")]


def _integral_to_long(input, dtype):
    """input in dtype if given; integer and bool inputs otherwise accumulate in int64, as PyTorch's."""
    if dtype is not None:
        return input.to(dtype)
    return input if input._data.dtype.kind in "fc" else input.to(int64)


def _refuse_complex(input, kernel):
    """PyTorch's error for a kernel that has no complex version."""
    if input._data.dtype.kind == "c":
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_type_name(input)}'")


def _refuse_complex_dim(input, name):
    """PyTorch's error for a reduction along a dim (max, min, argmax ...) of a complex input."""
    if input._data.dtype.kind == "c":
        raise RuntimeError(f"{name}(): does not support complex input")


def _count(shape, dims):
    return math.prod(shape[d] for d in dims)


# ---- sum, mean, prod ------------------------------------------------------------------------------
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


class SumBackward1(SumBackward0):
    """sum over given dims (PyTorch's name for the dim overload)."""


def sum(input, dim=None, keepdim=False, *, dtype=None):
    """Sum of all elements, or over dim (an int or a tuple of ints)."""
    op = SumBackward0 if dim is None else SumBackward1
    return op.apply(input, _dims(dim, input.ndim), keepdim, dtype.np if dtype is not None else None)


class MeanBackward0(Op):
    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        ctx.n = _count(x.shape, dims)
        if ctx.n == 0:
            with np.errstate(invalid="ignore"):
                return x.sum(axis=dims, keepdims=keepdim) / x.dtype.type(0)
        return x.mean(axis=dims, keepdims=keepdim)

    @staticmethod
    def backward(ctx, g):
        return _unsqueeze_to(g / ctx.n, ctx.dims, ctx.keepdim).expand(ctx.shape), None, None


class MeanBackward1(MeanBackward0):
    """mean over given dims (PyTorch's name for the dim overload)."""


def mean(input, dim=None, keepdim=False, *, dtype=None):
    """Mean of all elements, or over dim; needs a floating point input (or dtype)."""
    if dtype is not None:
        input = input.to(dtype)
    if not (input.is_floating_point() or input.is_complex()):
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point "
                           f"or complex dtype. Got: {_type_name(input)}")
    op = MeanBackward0 if dim is None else MeanBackward1
    return op.apply(input, _dims(dim, input.ndim), keepdim)


class NansumBackward0(Op):
    retain_inputs = (0,)

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.dims, ctx.keepdim = dims, keepdim
        return array_module(x).nansum(x, axis=dims, keepdims=keepdim)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return where(x.isnan(), 0.0, _unsqueeze_to(g, ctx.dims, ctx.keepdim)), None, None


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """Sum of all elements, or over dim, treating NaN as zero."""
    input = _integral_to_long(input, dtype)
    if input.is_complex():
        raise RuntimeError("nansum on CPU does not support complex inputs")
    return NansumBackward0.apply(input, _dims(dim, input.ndim), keepdim)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """Mean of the non-NaN elements, of all or over dim."""
    if dtype is not None:
        input = input.to(dtype)
    if not (input.is_floating_point() or input.is_complex()):
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{_type_name(input)}")
    return nansum(input, dim, keepdim) / input.isnan().logical_not().sum(dim, keepdim)


def _prod_grad(g, x, out, dim):
    """g times the product of the other elements along dim, exact where x has zeros (g, out broadcast)."""
    zero = x == 0
    if not zero.any():
        return g * out / x
    if grad_mode.state.enabled:
        # create_graph: the products of the elements before and after each one, differentiable whatever the
        # zeros (out / x is not: its derivative misses the other zeros), as torch
        n = x.shape[dim]
        pos = arange(n, device=x.device).reshape([n if d == dim else 1 for d in range(x.ndim)])
        before = where(pos == 0, 1.0, x.roll(1, dim)).cumprod(dim)
        after = where(pos == n - 1, 1.0, x.roll(-1, dim)).flip(dim).cumprod(dim).flip(dim)
        return g * before * after
    # NOTE: only the first zero of a slice gets the product of the others; out / x is 0 / 1 elsewhere
    first = zero & (zero.cumsum(dim) == 1)
    others = where(first, 1.0, x).prod(dim, keepdim=True)
    return where(first, g * others, g * out / where(zero, 1.0, x))


class ProdBackward0(Op):
    retain_inputs = (0,)
    retain_output = True

    @staticmethod
    def forward(ctx, x):
        return x.prod()

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        return (_prod_grad(g, x.reshape(-1), out, 0).reshape(x.shape),)


class ProdBackward1(Op):
    retain_inputs = (0,)
    retain_output = True

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.dims, ctx.keepdim = dims, keepdim
        return x.prod(axis=dims, keepdims=keepdim)

    @staticmethod
    def backward(ctx, g):
        if not ctx.dims:
            return g, None, None
        x, out = ctx.saved_tensors
        dims, keepdim = ctx.dims, ctx.keepdim
        return _prod_grad(_unsqueeze_to(g, dims, keepdim), x, _unsqueeze_to(out, dims, keepdim), dims[0]), None, None


def prod(input, dim=None, keepdim=False, *, dtype=None):
    """Product of all elements, or along dim (an int)."""
    input = _integral_to_long(input, dtype)
    if dim is None:
        return ProdBackward0.apply(input)
    return ProdBackward1.apply(input, _dims(int(dim), input.ndim), keepdim)


# ---- max, min, amax, amin, median -----------------------------------------------------------------
class _EvenReduction(Op):
    """A reduction to values taken by some elements: the gradient is split evenly among them (ties)."""
    retain_inputs = (0,)
    retain_output = True

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.dims, ctx.keepdim = dims, keepdim
        return _squeeze(ctx.reduce(array_module(x), x, dims), dims, keepdim)

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        return _even_grad(g, x, out, ctx.dims, ctx.keepdim), None, None


def _even_grad(g, x, out, dims, keepdim):
    """g split evenly among the elements of x equal to out (both nan counts as equal) over dims."""
    out = _unsqueeze_to(out, dims, keepdim)
    mask = (x == out) | (x.isnan() & out.isnan())
    return where(mask, _unsqueeze_to(g, dims, keepdim) / mask.sum(dims, keepdim=True), 0.0)


class MaxBackward1(_EvenReduction):
    reduce = staticmethod(lambda xp, x, dims: x.max(axis=dims, keepdims=True))


class MinBackward1(_EvenReduction):
    reduce = staticmethod(lambda xp, x, dims: x.min(axis=dims, keepdims=True))


class AmaxBackward0(MaxBackward1):
    pass


class AminBackward0(MinBackward1):
    pass


def _flat_median(xp, x, dims):
    """The lower median of all elements (nan if there is one) with keepdims=True shape."""
    flat = xp.sort(x.reshape(-1))
    n = flat.size
    if n == 0:
        return xp.full((1,) * x.ndim, np.nan, dtype=x.dtype)
    k = n - 1 if x.dtype.kind == "f" and xp.isnan(flat[-1]) else (n - 1) // 2
    return flat[k:k + 1].reshape((1,) * x.ndim)


class MedianBackward0(_EvenReduction):
    reduce = staticmethod(_flat_median)


class _IndexReduction(Op):
    """Values and indices along one dim: the gradient goes to the element each index picks."""
    non_differentiable = (1,)

    @staticmethod
    def forward(ctx, x, dim, keepdim, *args):
        xp = array_module(x)
        ctx.dims, ctx.keepdim = ((dim,) if x.ndim else ()), keepdim
        if x.ndim == 0:
            ctx.index = xp.zeros((), dtype=np.int64)
            return x.copy(), ctx.index
        index = ctx.pick(xp, x, dim, *args).astype(np.int64)
        ctx.index, ctx.n = index, x.shape[dim]
        return _squeeze(xp.take_along_axis(x, index, axis=dim), ctx.dims, keepdim), _squeeze(index, ctx.dims,
                                                                                                  keepdim)

    @staticmethod
    def backward(ctx, g, _):
        g = _unsqueeze_to(g, ctx.dims, ctx.keepdim)
        if not ctx.dims:
            return g, None, None
        d = ctx.dims[0]
        positions = arange(ctx.n, device=g.device).reshape((-1,) + (1,) * (g.ndim - d - 1))
        return where(positions == _wrap(ctx.index), g, 0.0), None, None


class MaxBackward0(_IndexReduction):
    pick = staticmethod(lambda xp, x, dim: xp.argmax(x, axis=dim, keepdims=True))


class MinBackward0(_IndexReduction):
    pick = staticmethod(lambda xp, x, dim: xp.argmin(x, axis=dim, keepdims=True))


def _median_index(xp, x, dim):
    k = (x.shape[dim] - 1) // 2
    index = xp.argsort(x, axis=dim)[(slice(None),) * dim + (slice(k, k + 1),)]
    if x.dtype.kind == "f":
        nan = xp.isnan(x)
        index = xp.where(nan.any(axis=dim, keepdims=True), xp.argmax(nan, axis=dim, keepdims=True), index)
    return index


class MedianBackward1(_IndexReduction):
    pick = staticmethod(_median_index)


def _check_nonempty(name, input, dims, full):
    """PyTorch's errors for reductions without an identity (max, min ...) over empty dims."""
    if full and input.numel() == 0:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                           f"reduction dim with the 'dim' argument.")
    for d in dims:
        if input.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _extremum(name, full_op, dim_op, pointwise, input, dim, keepdim):
    if isinstance(dim, Tensor):
        return pointwise(input, dim)
    if dim is None:
        _refuse_complex(input, f"{name}_all")
        _check_nonempty(name, input, (), True)
        return full_op.apply(input, tuple(range(input.ndim)), False)
    _refuse_complex_dim(input, name)
    d = _wrap_dim(int(dim), input.ndim)
    _check_nonempty(name, input, (d,) if input.ndim else (), False)
    return getattr(return_types, name)(*dim_op.apply(input, d, keepdim))


def max(input, dim=None, keepdim=False):
    """The largest element; along dim, (values, indices); with a tensor as dim, maximum(input, other)."""
    return _extremum("max", MaxBackward1, MaxBackward0, maximum, input, dim, keepdim)


def min(input, dim=None, keepdim=False):
    """The smallest element; along dim, (values, indices); with a tensor as dim, minimum(input, other)."""
    return _extremum("min", MinBackward1, MinBackward0, minimum, input, dim, keepdim)


def amax(input, dim=(), keepdim=False):
    """The largest elements over dim (all dims when empty); ties share the gradient evenly."""
    _refuse_complex(input, "max_values_cpu")
    dims = _dims(dim, input.ndim)
    _check_nonempty("amax", input, dims, len(dims) == input.ndim)
    return AmaxBackward0.apply(input, dims, keepdim)


def amin(input, dim=(), keepdim=False):
    """The smallest elements over dim (all dims when empty); ties share the gradient evenly."""
    _refuse_complex(input, "min_values_cpu")
    dims = _dims(dim, input.ndim)
    _check_nonempty("amin", input, dims, len(dims) == input.ndim)
    return AminBackward0.apply(input, dims, keepdim)


class AminmaxBackward0(Op):
    retain_inputs = (0,)

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.dims, ctx.keepdim = dims, keepdim
        ctx.outs = (_squeeze(x.min(axis=dims, keepdims=True), dims, keepdim),
                    _squeeze(x.max(axis=dims, keepdims=True), dims, keepdim))
        return ctx.outs

    @staticmethod
    def backward(ctx, g_min, g_max):
        x, = ctx.saved_tensors
        grads = [_even_grad(g, x, _wrap(out), ctx.dims, ctx.keepdim)
                 for g, out in zip((g_min, g_max), ctx.outs) if g is not None]
        return (grads[0] if len(grads) == 1 else grads[0] + grads[1]), None, None


def aminmax(input, *, dim=None, keepdim=False):
    """(min, max) of all elements, or along dim; ties share the gradient evenly."""
    _refuse_complex(input, "aminmax_cpu")
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                               "identity.")
        dims = tuple(range(input.ndim))
    else:
        dims = _dims(int(dim), input.ndim)
        for d in dims:
            if input.shape[d] == 0:
                raise IndexError(f"aminmax: Expected reduction dim {d} to have non-zero size.")
    return return_types.aminmax(*AminmaxBackward0.apply(input, dims, keepdim))


def median(input, dim=None, keepdim=False):
    """The lower median of all elements; along dim, (values, indices)."""
    _refuse_complex(input, "median_cpu" if dim is None else "median_out")
    if dim is None:
        return MedianBackward0.apply(input, tuple(range(input.ndim)), False)
    d = _wrap_dim(int(dim), input.ndim)
    _check_nonempty("median", input, (d,) if input.ndim else (), False)
    return return_types.median(*MedianBackward1.apply(input, d, keepdim))


def _flat_nanmedian(xp, x, dims):
    """The lower median of the non-NaN elements (nan if there are none) with keepdims=True shape."""
    flat = xp.sort(x.reshape(-1))
    n = int((flat == flat).sum())
    if n == 0:
        return xp.full((1,) * x.ndim, np.nan, dtype=x.dtype)
    k = (n - 1) // 2
    return flat[k:k + 1].reshape((1,) * x.ndim)


class NanmedianBackward0(_EvenReduction):
    reduce = staticmethod(_flat_nanmedian)


def _nanmedian_index(xp, x, dim):
    order = xp.argsort(x, axis=dim, kind="stable")
    k = xp.maximum(((x == x).sum(axis=dim, keepdims=True) - 1) // 2, 0)
    return xp.take_along_axis(order, k, axis=dim)


class NanmedianBackward1(_IndexReduction):
    pick = staticmethod(_nanmedian_index)


def nanmedian(input, dim=None, keepdim=False):
    """The lower median of the non-NaN elements; along dim, (values, indices)."""
    _refuse_complex(input, "median_cpu" if dim is None else "median_out")
    if dim is None:
        return NanmedianBackward0.apply(input, tuple(range(input.ndim)), False)
    d = _wrap_dim(int(dim), input.ndim)
    _check_nonempty("median", input, (d,) if input.ndim else (), False)
    return return_types.nanmedian(*NanmedianBackward1.apply(input, d, keepdim))


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile_levels(input, q):
    """q as a backend vector in input's dtype, checked as PyTorch's quantile(), and whether q was a scalar."""
    xp = array_module(input._data)
    if not isinstance(q, Tensor):
        if not 0 <= q <= 1:
            raise RuntimeError(f"quantile() q must be in the range [0, 1] but got {q}")
        return xp.asarray([q], dtype=input._data.dtype), True
    if q.ndim > 1:
        raise RuntimeError("quantile() q must be a scalar or 1D tensor")
    if q.dtype != input.dtype:
        raise RuntimeError("quantile() q tensor must be same dtype as the input tensor")
    levels = q._data.reshape(-1)
    if not bool(((levels >= 0) & (levels <= 1)).all()):
        raise RuntimeError("quantile() q values must be in the range [0, 1]")
    return levels, q.ndim == 0


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan):
    """quantile and nanquantile: sort along the reduced dim, then pick (or interpolate between) ranks."""
    from .index import gather
    from .sorting import sort
    if input.numel() == 0:
        raise RuntimeError("quantile() input tensor must be non-empty")
    if input.dtype.np not in (np.float32, np.float64):
        raise RuntimeError("quantile() input tensor must be either float or double dtype")
    levels, scalar = _quantile_levels(input, q)
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                           f"but got {interpolation}")
    if dim is None or input.ndim == 0:
        d = None if dim is None else _wrap_dim(int(dim), 0)
        x = input.reshape(1, -1)
    else:
        d = _wrap_dim(int(dim), input.ndim)
        x = input.movedim(d, -1)
    values = sort(x, -1).values
    s = values._data
    xp = array_module(s)
    last = s.shape[-1] - 1
    if ignore_nan:
        valid = (s == s).sum(axis=-1, keepdims=True)
        ranks = xp.where(valid == 0, last, levels * (valid - 1).astype(s.dtype))
    else:
        ranks = xp.where(xp.isnan(s[..., -1:]), last, levels * s.dtype.type(last))
    ranks = ranks.astype(s.dtype)
    if interpolation in ("lower", "higher", "nearest"):
        pick = {"lower": xp.floor, "higher": xp.ceil, "nearest": xp.round}[interpolation]
        out = gather(values, -1, _wrap(pick(ranks).astype(np.int64)))
    else:
        below = xp.floor(ranks)
        weight = ranks - below if interpolation == "linear" else xp.full_like(ranks, 0.5)
        out = gather(values, -1, _wrap(below.astype(np.int64))).lerp(
            gather(values, -1, _wrap(xp.ceil(ranks).astype(np.int64))), _wrap(weight))
    out = out.movedim(-1, 0)
    if dim is None:
        out = out.reshape((-1,) + ((1,) * input.ndim if keepdim else ()))
    elif keepdim and input.ndim:
        out = out.unsqueeze(d + 1)
    elif input.ndim == 0:
        out = out.reshape(-1)
    return out.squeeze(0) if scalar else out


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The q-th quantiles of all elements, or along dim; a slice with NaN gives NaN."""
    return _quantile(input, q, dim, keepdim, interpolation, False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The q-th quantiles of the non-NaN elements, of all or along dim."""
    return _quantile(input, q, dim, keepdim, interpolation, True)


def _arg(name, pick, input, dim, keepdim):
    _refuse_complex_dim(input, name)
    x = input._data
    xp = array_module(x)
    if dim is None:
        if x.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        index = pick(xp, x.reshape(-1), 0)
        return _wrap(index.reshape((1,) * x.ndim if keepdim else ()).astype(np.int64))
    d = _wrap_dim(int(dim), x.ndim)
    if x.ndim == 0:
        return _wrap(xp.zeros((), dtype=np.int64))
    _check_nonempty(name, input, (d,), False)
    return _wrap(_squeeze(pick(xp, x, d), (d,), keepdim).astype(np.int64))


def argmax(input, dim=None, keepdim=False):
    """The index of the largest element (of the flattened input), or along dim."""
    return _arg("argmax", MaxBackward0.pick, input, dim, keepdim)


def argmin(input, dim=None, keepdim=False):
    """The index of the smallest element (of the flattened input), or along dim."""
    return _arg("argmin", MinBackward0.pick, input, dim, keepdim)


# ---- var, std, logsumexp --------------------------------------------------------------------------
def _moments(name, input, dim, unbiased, keepdim, correction):
    """The dims and correction of var/std, read from PyTorch's overloads: (dim, unbiased, keepdim),
    (unbiased) and (dim, *, correction, keepdim)."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments: give either unbiased or "
                        f"correction, not both")
    if not (input.is_floating_point() or input.is_complex()):
        raise RuntimeError("std and var only support floating point and complex dtypes")
    if correction is None:
        correction = 0 if unbiased is False else 1
    dims = _dims(dim, input.ndim)
    if _count(input.shape, dims) - correction <= 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                      f"reduction factor (input numel divided by output numel).", UserWarning, stacklevel=3)
    return dims, correction


def _var_array(xp, x, dims, correction):
    with np.errstate(invalid="ignore", divide="ignore"):
        centered = x - x.mean(axis=dims, keepdims=True) if x.size else x
        if x.dtype.kind == "c":
            centered = centered.real * centered.real + centered.imag * centered.imag
        else:
            centered = centered * centered
        dof = builtins.max(_count(x.shape, dims) - correction, 0)
        return centered.sum(axis=dims, keepdims=True) / centered.dtype.type(dof)


def _var_grad(g, x, dims, correction):
    """Gradient of var over dims for g broadcasting against x (real g, real or complex x)."""
    dof = _count(x.shape, dims) - correction
    return g * (x - x.mean(dims, keepdim=True)) * (2.0 / dof if dof else math.inf)


class VarBackward0(Op):
    complex_grad = True
    retain_inputs = (0,)

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):
        ctx.dims, ctx.correction, ctx.keepdim = dims, correction, keepdim
        return _squeeze(_var_array(array_module(x), x, dims, correction), dims, keepdim)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return _var_grad(_unsqueeze_to(g, ctx.dims, ctx.keepdim), x, ctx.dims, ctx.correction), None, None, None


class StdBackward0(Op):
    complex_grad = True
    retain_inputs = (0,)
    retain_output = True

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):
        ctx.dims, ctx.correction, ctx.keepdim = dims, correction, keepdim
        xp = array_module(x)
        return _squeeze(xp.sqrt(_var_array(xp, x, dims, correction)), dims, keepdim)

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        dims, keepdim = ctx.dims, ctx.keepdim
        out, g = _unsqueeze_to(out, dims, keepdim), _unsqueeze_to(g, dims, keepdim)
        # NOTE: the subgradient is 0 where std is 0, as PyTorch's std_backward
        zero = out == 0
        g = where(zero, 0.0, g / (2 * where(zero, 1.0, out)))
        return _var_grad(g, x, dims, ctx.correction), None, None, None


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Variance over dim (all elements by default) with Bessel's correction unless unbiased=False
    (or the given correction)."""
    dims, correction = _moments("var", input, dim, unbiased, keepdim, correction)
    return VarBackward0.apply(input, dims, correction, keepdim)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Standard deviation over dim, with the corrections of var."""
    dims, correction = _moments("std", input, dim, unbiased, keepdim, correction)
    return StdBackward0.apply(input, dims, correction, keepdim)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(var, mean) over dim."""
    v = var(input, dim, unbiased, keepdim, correction=correction)
    return v, mean(input, None if isinstance(dim, bool) else dim, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(std, mean) over dim."""
    s = std(input, dim, unbiased, keepdim, correction=correction)
    return s, mean(input, None if isinstance(dim, bool) else dim, keepdim)


class LogsumexpBackward0(Op):
    retain_inputs = (0,)
    retain_output = True

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.dims, ctx.keepdim = dims, keepdim
        xp = array_module(x)
        if x.size:
            m = (x.real if x.dtype.kind == "c" else x).max(axis=dims, keepdims=True)
            m = xp.where(xp.isfinite(m), m, 0)
        else:
            m = xp.zeros((1,) * x.ndim, dtype=x.dtype)
        with np.errstate(divide="ignore"):
            out = xp.log(xp.exp(x - m).sum(axis=dims, keepdims=True)) + m
        return _squeeze(out, dims, keepdim)

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        dims, keepdim = ctx.dims, ctx.keepdim
        return _unsqueeze_to(g, dims, keepdim) * (x - _unsqueeze_to(out, dims, keepdim)).exp(), None, None


def logsumexp(input, dim, keepdim=False):
    """log(sum(exp(input))) over dim, computed without overflow."""
    if input._data.dtype.kind not in "fc":
        input = input.to(get_default_dtype())
    return LogsumexpBackward0.apply(input, _dims(dim, input.ndim), keepdim)


# ---- norm -----------------------------------------------------------------------------------------
class LinalgVectorNormBackward0(Op):
    complex_grad = True
    retain_inputs = (0,)
    retain_output = True

    @staticmethod
    def forward(ctx, x, p, dims, keepdim):
        ctx.p, ctx.dims, ctx.keepdim = p, dims, keepdim
        xp = array_module(x)
        a = xp.abs(x)
        if p == math.inf:
            out = a.max(axis=dims, keepdims=True)
        elif p == -math.inf:
            out = a.min(axis=dims, keepdims=True)
        elif p == 0:
            out = (x != 0).sum(axis=dims, keepdims=True).astype(a.dtype)
        elif p == 1:
            out = a.sum(axis=dims, keepdims=True)
        elif p == 2:
            out = xp.sqrt((a * a).sum(axis=dims, keepdims=True))
        else:
            with np.errstate(divide="ignore"):
                out = (a ** p).sum(axis=dims, keepdims=True) ** (1.0 / p)
        return _squeeze(out, dims, keepdim)

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        p, dims, keepdim = ctx.p, ctx.dims, ctx.keepdim
        g, out = _unsqueeze_to(g, dims, keepdim), _unsqueeze_to(out, dims, keepdim)
        if p == 0:
            return x * 0 * g, None, None, None
        sign = x.sgn() if x.is_complex() else x.sign()
        if p == 1:
            return sign * g, None, None, None
        if abs(p) == math.inf:
            mask = x.abs() == out
            return sign * where(mask, g / mask.sum(dims, keepdim=True), 0.0), None, None, None
        # NOTE: the subgradient is 0 where the norm is 0, as PyTorch's norm_backward
        zero = out == 0
        if p == 2:
            return x * where(zero, 0.0, g / where(zero, 1.0, out)), None, None, None
        nonzero_x = where(x == 0, 1.0, x)
        scaled = where(x == 0, 0.0, sign * nonzero_x.abs() ** (p - 1))
        return scaled * where(zero, 0.0, g / where(zero, 1.0, out) ** (p - 1)), None, None, None


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """The vector p-norm of input over dim (all elements by default); 'fro' is the 2-norm, 'nuc' the nuclear norm
    (the sum of singular values) of the matrices in dim."""
    if dtype is not None:
        if input.is_complex() and not dtype.is_complex:
            raise RuntimeError(f"linalg.vector_norm: dtype should be complex for complex inputs, but got "
                               f"{_type_name(_creation.zeros(0, dtype=dtype))}")
        input = input.to(dtype)
    if p == "nuc":
        from .decompositions import matrix_norm  # decompositions.py imports this module
        return matrix_norm(input, "nuc", tuple(range(input.ndim)) if dim is None else dim, keepdim)
    if not (input.is_floating_point() or input.is_complex()):
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. "
                           f"Got {_type_name(input)}")
    if p is None or p == "fro":
        p = 2
    elif isinstance(p, str):
        raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
    dims = _dims(dim, input.ndim)
    if abs(p) == math.inf and builtins.any(input.shape[d] == 0 for d in dims):
        raise RuntimeError(f"linalg.vector_norm cannot compute the {p} norm on an empty tensor because the "
                           f"operation does not have an identity")
    return LinalgVectorNormBackward0.apply(input, float(p), dims, keepdim)


# ---- logical reductions and counts ----------------------------------------------------------------
def _logical(fn, input, dim, keepdim):
    x = input._data
    out = fn(array_module(x), x, _dims(dim, x.ndim), keepdim)
    return _wrap(as_array(out).astype(np.uint8 if x.dtype == np.uint8 else np.bool_))


def all(input, dim=None, keepdim=False):
    """True if every element (over dim) is nonzero."""
    return _logical(lambda xp, x, dims, k: xp.all(x, axis=dims, keepdims=k), input, dim, keepdim)


def any(input, dim=None, keepdim=False):
    """True if any element (over dim) is nonzero."""
    return _logical(lambda xp, x, dims, k: xp.any(x, axis=dims, keepdims=k), input, dim, keepdim)


def count_nonzero(input, dim=None):
    """The number of nonzero elements, over dim (an int or a tuple of ints)."""
    x = input._data
    return _wrap(as_array((x != 0).sum(axis=_dims(dim, x.ndim), dtype=np.int64)))


# ---- cumulative ------------------------------------------------------------------------------------
class CumsumBackward0(Op):
    @staticmethod
    def forward(ctx, x, dim, reverse=False):
        ctx.dim, ctx.reverse = dim, reverse
        if x.ndim == 0:
            return x.copy()
        xp = array_module(x)
        if reverse:
            return xp.flip(xp.cumsum(xp.flip(x, dim), axis=dim), dim)
        return xp.cumsum(x, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return CumsumBackward0.apply(g, ctx.dim, not ctx.reverse), None, None


def _reverse_cumsum(x, dim):
    """Sums from each position to the end along dim."""
    return CumsumBackward0.apply(x, dim, True)


def cumsum(input, dim, *, dtype=None):
    """Running sums along dim."""
    input = _integral_to_long(input, dtype)
    return CumsumBackward0.apply(input, _wrap_dim(dim, input.ndim))


class CumprodBackward0(Op):
    retain_inputs = (0,)
    retain_output = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return x.copy() if x.ndim == 0 else array_module(x).cumprod(x, axis=dim)

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        dim = ctx.dim
        if x.ndim == 0:
            return g, None
        zero = x == 0
        if not zero.any():
            return _reverse_cumsum(g * out, dim) / x, None
        if grad_mode.state.enabled:
            # create_graph: out / x loses how the gradient after a zero depends on later zeros; use the
            # definition, grad_i = sum_{k >= i} g_k prod_{j <= k, j != i} x_j, on an n x n block (O(n^2))
            n = x.shape[dim]
            eye = _creation.eye(n, dtype=bool_, device=x.device)
            rows = where(eye, 1.0, x.movedim(dim, -1).unsqueeze(-2))   # [..., i, j]: x_j, with 1 at j == i
            after = _creation.ones(n, n, dtype=bool_, device=x.device).triu()   # k >= i
            gi = (rows.cumprod(-1) * where(after, g.movedim(dim, -1).unsqueeze(-2), 0.0)).sum(-1)
            return gi.movedim(-1, dim), None
        # NOTE: outputs from the first zero on depend on that zero through the product of the others;
        # elsewhere out / x is exact (it is 0 after the first zero, and x is nonzero before it)
        first = zero & (zero.cumsum(dim) == 1)
        others = where(first, 1.0, x).cumprod(dim)
        return where(first, _reverse_cumsum(g * others, dim),
                     _reverse_cumsum(g * out, dim) / where(zero, 1.0, x)), None


def cumprod(input, dim, *, dtype=None):
    """Running products along dim."""
    input = _integral_to_long(input, dtype)
    return CumprodBackward0.apply(input, _wrap_dim(dim, input.ndim))


class _TakeAlong(Op):
    """Values of input at indices along dim, and the indices: the gradient is added back where they point."""
    non_differentiable = (1,)

    @staticmethod
    def forward(ctx, x, dim, *args):
        xp = array_module(x)
        ctx.shape, ctx.dim = x.shape, dim
        if x.ndim == 0:
            ctx.index = xp.zeros((), dtype=np.int64)
            return x.copy(), ctx.index
        ctx.index = ctx.indices(xp, x, dim, *args).astype(np.int64, copy=False)
        return xp.take_along_axis(x, ctx.index, axis=dim), ctx.index

    @staticmethod
    def backward(ctx, g, _):
        if not ctx.shape:
            return g
        from .index import ScatterAddBackward0  # index.py imports this module
        return ScatterAddBackward0.apply(g.new_zeros(ctx.shape), ctx.dim, ctx.index, g)


def _running_index(xp, x, dim, extremum):
    """The index of the running extremum along dim: the latest of equal values, the latest NaN once one is seen."""
    match = x == extremum.accumulate(x, axis=dim)
    if x.dtype.kind == "f":
        match |= xp.isnan(x)
    positions = xp.arange(x.shape[dim]).reshape((-1,) + (1,) * (x.ndim - dim - 1))
    return xp.maximum.accumulate(xp.where(match, positions, 0), axis=dim)


class CummaxBackward0(_TakeAlong):
    indices = staticmethod(lambda xp, x, dim: _running_index(xp, x, dim, xp.maximum))


class CumminBackward0(_TakeAlong):
    indices = staticmethod(lambda xp, x, dim: _running_index(xp, x, dim, xp.minimum))


def cummax(input, dim):
    """Running maxima along dim and their indices."""
    _refuse_complex(input, "cummax_cpu")
    return return_types.cummax(*CummaxBackward0.apply(input, _wrap_dim(dim, input.ndim)))


def cummin(input, dim):
    """Running minima along dim and their indices."""
    _refuse_complex(input, "cummin_cpu")
    return return_types.cummin(*CumminBackward0.apply(input, _wrap_dim(dim, input.ndim)))


class LogcumsumexpBackward0(Op):
    complex_grad = True
    retain_inputs = (0,)
    retain_output = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        if x.ndim == 0:
            return x.copy()
        xp = array_module(x)
        if x.dtype.kind != "c":
            return xp.logaddexp.accumulate(x, axis=dim)
        out = x.copy()
        steps = xp.moveaxis(out, dim, 0)
        for k in range(1, len(steps)):
            steps[k] = _complex_logaddexp(xp, steps[k - 1], steps[k])
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        if x.ndim == 0:
            return g, None
        dim = ctx.dim
        # NOTE: sum_j>=i g_j exp(x_i - out_j), split by the sign of g so that it runs in log space; the lowest
        # finite number stands for log(0), as PyTorch's logcumsumexp_backward
        lowest = float(np.finfo(x.dtype.np).min)
        if x.is_complex():
            # conj(exp(x_i) sum_j>=i conj(g_j) exp(-out_j)): one reversed logcumsumexp of complex logs
            log_g = where(g == 0, lowest, where(g == 0, 1.0, g).conj().log())
            z = (log_g - out).flip(dim)
            return (LogcumsumexpBackward0.apply(z, dim).flip(dim) + x).exp().conj(), None
        log_abs = where(g == 0, 1.0, g).abs().log()

        def part(mask):
            z = (where(mask, log_abs, lowest) - out).flip(dim)
            return (LogcumsumexpBackward0.apply(z, dim).flip(dim) + x).exp()
        return part(g > 0) - part(g < 0), None


def _complex_logaddexp(xp, a, b):
    """log(exp(a) + exp(b)) for complex arrays as PyTorch's: log1p(exp(lo - hi)) + hi, hi the larger real part."""
    first = a.real >= b.real
    hi, lo = xp.where(first, a, b), xp.where(first, b, a)
    return xp.log1p(xp.exp(lo - hi)) + hi


def logcumsumexp(input, dim):
    """log(cumsum(exp(input))) along dim, computed without overflow."""
    d = _wrap_dim(dim, input.ndim)
    if not (input.is_floating_point() or input.is_complex()):
        raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for \'{_type_name(input)}\'')
    return LogcumsumexpBackward0.apply(input, d)


def _methods():
    for fn in (sum, mean, prod, max, min, amax, amin, argmax, argmin, var, std, logsumexp, norm, all, any,
               count_nonzero, cumsum, cumprod, median, aminmax, nanmedian, nansum, nanmean, quantile, nanquantile,
               cummax, cummin, logcumsumexp):
        setattr(Tensor, fn.__name__, fn)


_methods()
holomorphic("SumBackward0", "SumBackward1", "MeanBackward0", "MeanBackward1", "ProdBackward0", "ProdBackward1",
            "CumsumBackward0", "CumprodBackward0", "LogsumexpBackward0")
