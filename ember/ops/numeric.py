"""Numerical helpers of the torch namespace: windows, integration, histograms, index arithmetic."""
import math
import types

import numpy as np

from .. import _creation
from .._device import array_module, as_device, module_for
from .._dtype import get_default_dtype, to_dtype
from .._tensor import Tensor, _wrap, _wrap_dim
from ..autograd.function import Op, as_array
from ..return_types import histogram as _histogram_result, histogramdd as _histogramdd_result
from .index import index_add
from .inplace import inplace
from .pointwise import _unary_op, where
from .reduce import LinalgVectorNormBackward0, _type_name, cumsum, norm
from .shape import ViewOp, _at, cat, contiguous, diag_embed, diff, flatten, movedim

__all__ = ["ravel", "unravel_index", "deg2rad", "rad2deg", "diagflat", "renorm", "as_strided", "trapezoid", "trapz",
           "cumulative_trapezoid", "gradient", "histogram", "histogramdd", "hann_window", "hamming_window",
           "blackman_window", "bartlett_window", "kaiser_window"]


# ---- ravel, unravel_index, deg2rad, diagflat, renorm -------------------------------------------------------
def ravel(input):
    """input flattened to one dimension (a view when input is contiguous)."""
    return contiguous(input).view(-1)


def unravel_index(indices, shape):
    """The coordinates in a tensor of the given shape of flat indices, one tensor per dimension."""
    if indices.is_floating_point() or indices._data.dtype == np.bool_:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    if not isinstance(shape, (int, tuple, list)):
        raise TypeError(f"expected 'shape' to be int or sequence of ints, but got {type(shape)}")
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    for s in shape:
        if not isinstance(s, int):
            raise TypeError(f"expected 'shape' sequence to only contain ints, but got {type(s)}")
    if any(s < 0 for s in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    if 0 in shape:
        raise RuntimeError("ZeroDivisionError")
    x = indices._data.astype(np.int64)
    xp = array_module(x)
    return tuple(_wrap(as_array(xp.floor_divide(x, math.prod(shape[i + 1:])) % s)) for i, s in enumerate(shape))


deg2rad = _unary_op("deg2rad", lambda xp, x: x * (math.pi / 180), lambda g: g * (math.pi / 180), "Deg2RadBackward0",
                    saves=(), complex=RuntimeError("deg2rad is not supported for complex tensors."))
deg2rad.__doc__ = "input converted from degrees to radians."
rad2deg = _unary_op("rad2deg", lambda xp, x: x * (180 / math.pi), lambda g: g * (180 / math.pi), "Rad2DegBackward0",
                    saves=(), complex=RuntimeError("rad2deg is not supported for complex tensors."))
rad2deg.__doc__ = "input converted from radians to degrees."


def diagflat(input, offset=0):
    """A 2-d tensor with the flattened input on its offset diagonal."""
    return diag_embed(ravel(input), offset)


class RenormBackward0(Op):
    retain_inputs = (0,)

    @staticmethod
    def forward(ctx, x, p, dim, maxnorm):
        ctx.p, ctx.maxnorm = p, maxnorm
        ctx.dims = tuple(d for d in range(x.ndim) if d != dim)
        xp = array_module(x)
        n = norm(_wrap(x.astype(xp.float64)), p, ctx.dims, True)._data
        factor = xp.where(n > maxnorm, maxnorm / (n + 1e-7), 1.0)
        return x * factor.astype(x.dtype)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        n = norm(x, ctx.p, ctx.dims, True)
        inv = (n + 1e-7).reciprocal()
        factor = inv * ctx.maxnorm
        # NOTE: the norm's own backward, applied to sum(x * g) over the normed dimensions
        norm_ctx = types.SimpleNamespace(saved_tensors=(x, n), p=ctx.p, dims=ctx.dims, keepdim=True)
        nb = LinalgVectorNormBackward0.backward(norm_ctx, (x * g).sum(ctx.dims, keepdim=True))[0]
        return where(n > ctx.maxnorm, factor * g - (factor * inv) * nb, g), None, None, None


def renorm(input, p, dim, maxnorm):
    """input with each slice along dim whose p-norm exceeds maxnorm scaled down to norm maxnorm."""
    d = _wrap_dim(dim, input._data.ndim)
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm:g}")
    if input._data.ndim < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input._data.ndim} dimensions")
    if not input.is_floating_point():
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{_type_name(input)}")
    return RenormBackward0.apply(input, float(p), d, float(maxnorm))


# ---- as_strided, unfold ------------------------------------------------------------------------------------
def _storage(x):
    """x's whole memory as a 1-d array of x's dtype (PyTorch's storage) and x's offset in it, in elements."""
    xp = array_module(x)
    if xp is np:
        owner = x
        while isinstance(owner.base, np.ndarray):
            owner = owner.base
        start = owner.__array_interface__["data"][0]
        flat = np.ndarray((owner.nbytes // x.itemsize,), x.dtype, buffer=owner)
        return flat, (x.__array_interface__["data"][0] - start) // x.itemsize
    mem = x.data.mem
    flat = xp.ndarray((mem.size // x.itemsize,), x.dtype, memptr=xp.cuda.MemoryPointer(mem, 0))
    return flat, (x.data.ptr - mem.ptr) // x.itemsize


def _positions(shape, stride, offset):
    """The storage positions of the elements of a strided geometry, in row-major order."""
    pos = np.full((), offset, np.int64)
    for s, st in zip(shape, stride):
        pos = pos[..., None] + np.arange(s, dtype=np.int64) * st
    return pos.reshape(-1)


class AsStridedBackward0(ViewOp):
    @staticmethod
    def forward(ctx, x, size, stride, storage_offset):
        flat, offset = _storage(x)
        ctx.geometry = (x.shape, tuple(s // x.itemsize for s in x.strides), offset)
        ctx.out_geometry = (size, stride, storage_offset)
        return array_module(x).lib.stride_tricks.as_strided(flat[storage_offset:], size,
                                                            tuple(s * x.itemsize for s in stride))

    @staticmethod
    def backward(ctx, g):
        shape = ctx.geometry[0]
        pos_in, pos_out = _positions(*ctx.geometry), _positions(*ctx.out_geometry)
        if not pos_in.size or not pos_out.size:
            return g.new_zeros(shape), None, None, None
        low = min(pos_in.min(), pos_out.min())
        n = max(pos_in.max(), pos_out.max()) + 1 - low
        xp = array_module(g._data)
        grad = index_add(g.new_zeros(n), 0, _wrap(xp.asarray(pos_out - low)), g.reshape(-1))
        grad = grad[_wrap(xp.asarray(pos_in - low))]
        count = np.bincount(pos_in - low)[pos_in - low]
        if count.max() > 1:     # input's elements overlap: they share the gradient of their memory
            grad = grad / _wrap(xp.asarray(count.astype(g._data.dtype)))
        return grad.reshape(shape), None, None, None


def as_strided(input, size, stride, storage_offset=None):
    """A view of input's memory with the given size, stride and storage offset (in elements)."""
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got strides: "
                           f"{list(stride)}")
    for s in size:
        if s < 0:
            raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and strides="
                               f"{list(stride)}")
    flat, offset = _storage(input._data)
    offset = offset if storage_offset is None else int(storage_offset)
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    item = input._data.itemsize
    need = 0 if 0 in size else item * (offset + 1 + sum((s - 1) * st for s, st in zip(size, stride)))
    if need > flat.size * item:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and "
                           f"itemsize {item} requiring a storage size of {need} are out of bounds for storage of "
                           f"size {flat.size * item}")
    return AsStridedBackward0.apply(input, size, stride, offset)


class UnfoldBackward0(ViewOp):
    @staticmethod
    def forward(ctx, x, dim, size, step):
        ctx.shape, ctx.dim, ctx.size, ctx.step = x.shape, dim, size, step
        if x.ndim == 0:
            return array_module(x).lib.stride_tricks.as_strided(x, (size,), (x.itemsize,))
        shape, strides = list(x.shape), list(x.strides)
        shape[dim] = (x.shape[dim] - size) // step + 1
        strides[dim] = x.strides[dim] * step
        return array_module(x).lib.stride_tricks.as_strided(x, tuple(shape) + (size,),
                                                            tuple(strides) + (x.strides[dim],))

    @staticmethod
    def backward(ctx, g):
        if not ctx.shape:
            return g.sum(), None, None, None
        d, n = ctx.dim, g._data.shape[ctx.dim]
        index = (np.arange(n)[:, None] * ctx.step + np.arange(ctx.size)).reshape(-1)
        windows = flatten(movedim(g, -1, d + 1), d, d + 1)
        return index_add(g.new_zeros(ctx.shape), d, _wrap(array_module(g._data).asarray(index)), windows), \
            None, None, None


def unfold(self, dimension, size, step):
    """A view of all slices of length size along dimension, step apart, in a new last dimension."""
    x = self._data
    d = _wrap_dim(dimension, x.ndim)
    longest = x.shape[d] if x.ndim else 1
    if size > longest:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {longest} but size is {size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return UnfoldBackward0.apply(self, d, int(size), int(step))


# ---- trapezoid, cumulative_trapezoid, gradient -------------------------------------------------------------
def _slice(t, dim, start, stop=None):
    return t[_at(dim, slice(start, stop))]


def _x_along(x, y, dim, fname):
    """The sample points x shaped to broadcast against y along dim."""
    if x._data.ndim == 1:
        if x._data.shape[0] != y._data.shape[dim]:
            raise RuntimeError(f"{fname}: There must be one `x` value for each sample point")
        shape = [1] * y._data.ndim
        shape[dim] = -1
        return x.view(shape)
    if x._data.ndim < y._data.ndim:
        return x.view((1,) * (y._data.ndim - x._data.ndim) + tuple(x._data.shape))
    return x


def _check_bool(fname, *ts):
    if any(t._data.dtype == np.bool_ for t in ts):
        what = "`x` or `y`" if len(ts) > 1 else "`y`"
        raise RuntimeError(f"{fname}: received a bool input for {what}, but bool is not supported")


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The trapezoidal rule integral of y along dim, with sample points x or spacing dx (1 by default)."""
    if y._data.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = _wrap_dim(dim, y._data.ndim)
    if y._data.shape[d] == 0:
        shape = y._data.shape[:d] + y._data.shape[d + 1:]
        return y.new_zeros(shape)
    if x is not None:
        _check_bool("trapezoid", y, x)
        x = _x_along(x, y, d, "trapezoid")
        step = _slice(x, d, 1) - _slice(x, d, 0, -1)
        return (step * (_slice(y, d, 1) + _slice(y, d, 0, -1))).sum(d) / 2.
    _check_bool("trapezoid", y)
    ends = y.select(d, 0) + y.select(d, -1)
    return (y.sum(d) - ends * 0.5) * (1 if dx is None else dx)


def trapz(y, x=None, *, dx=None, dim=-1):
    """Alias of trapezoid."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running trapezoidal rule integral of y along dim, with sample points x or spacing dx (1 by default)."""
    if y._data.ndim == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, y._data.ndim)
    pairs = _slice(y, d, 0, -1) + _slice(y, d, 1)
    if x is not None:
        _check_bool("cumulative_trapezoid", y, x)
        x = _x_along(x, y, d, "cumulative_trapezoid")
        return cumsum((_slice(x, d, 1) - _slice(x, d, 0, -1)) * pairs, d) / 2.
    _check_bool("cumulative_trapezoid", y)
    return cumsum((1 if dx is None else dx) / 2. * pairs, d)


def _gradient_dims(input, spacing, dim, edge_order):
    """gradient's dimensions, after PyTorch's checks of spacing, dim and edge_order."""
    n = input._data.ndim
    dims = None if dim is None else [dim] if isinstance(dim, int) else list(dim)
    if isinstance(spacing, (tuple, list)):
        if dims is None and len(spacing) != n:
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar, or a list of length "
                               f"equal to 'self.dim() = {n}', since dim argument was not given, but got a list of "
                               f"length {len(spacing)}")
        if dims is not None and len(spacing) != len(dims):
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or it's spacing and "
                               f"dim arguments to have the same length, but got a spacing argument of length "
                               f"{len(spacing)} and a dim argument of length {len(dims)}.")
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    dims = list(range(n)) if dims is None else [_wrap_dim(d, n) for d in dims]
    for i, d in enumerate(dims):
        if d in dims[:i]:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    if any(input._data.shape[d] < edge_order + 1 for d in dims):
        raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
    return dims


def _gradient_spaced(y, d, h, edge_order):
    """The derivative of y along d with central differences inside and one-sided ones at the ends (spacing h)."""
    center = (_slice(y, d, 2) - _slice(y, d, 0, -2)) / h
    if edge_order == 1:
        first = (_slice(y, d, 1, 2) - _slice(y, d, 0, 1)) / h
        last = (_slice(y, d, -1) - _slice(y, d, -2, -1)) / h
    else:
        first = (_slice(y, d, 0, 1) * -1.5 + _slice(y, d, 1, 2) * 2 - _slice(y, d, 2, 3) * 0.5) / h
        last = (_slice(y, d, -3, -2) * 0.5 + _slice(y, d, -2, -1) * -2 + _slice(y, d, -1) * 1.5) / h
    return cat([first, center / 2, last], d)


def _gradient_at(y, d, coords, edge_order):
    """The derivative of y along d at the sample coordinates coords (second-order accurate inside)."""
    if coords._data.ndim != 1:
        raise RuntimeError(f"torch.gradient expected each element of spacing to have one dimension, but got an "
                           f"element with {coords._data.ndim} dimensions!")
    shape = [1] * y._data.ndim
    shape[d] = -1
    h = diff(coords)
    h1, h2 = h[:-1], h[1:]
    a = (-h2 / (h1 * (h1 + h2))).reshape(shape)
    b = ((h2 - h1) / (h1 * h2)).reshape(shape)
    c = (h1 / (h2 * (h1 + h2))).reshape(shape)
    center = a * _slice(y, d, 0, -2) + b * _slice(y, d, 1, -1) + c * _slice(y, d, 2)
    if edge_order == 1:
        first = (_slice(y, d, 1, 2) - _slice(y, d, 0, 1)) / h[0]
        last = (_slice(y, d, -1) - _slice(y, d, -2, -1)) / h[-1]
    else:
        a = -(2.0 * h[0] + h[1]) / (h[0] * (h[0] + h[1]))
        b = (h[0] + h[1]) / (h[0] * h[1])
        c = -h[0] / (h[1] * (h[0] + h[1]))
        first = a * _slice(y, d, 0, 1) + b * _slice(y, d, 1, 2) + c * _slice(y, d, 2, 3)
        a = h[-1] / (h[-2] * (h[-1] + h[-2]))
        b = -(h[-1] + h[-2]) / (h[-1] * h[-2])
        c = (2 * h[-1] + h[-2]) / (h[-1] * (h[-1] + h[-2]))
        last = a * _slice(y, d, -3, -2) + b * _slice(y, d, -2, -1) + c * _slice(y, d, -1)
    return cat([first, center, last], d)


def gradient(input, *, spacing=1, dim=None, edge_order=1):
    """The derivative of input along each dimension in dim (all by default), estimated by finite differences with
    the given spacing (a number, one number per dimension, or the sample coordinates); a tuple of tensors."""
    if input._data.dtype == np.uint8:
        raise RuntimeError("torch.gradient does not support uint8 input.")
    dims = _gradient_dims(input, spacing, dim, edge_order)
    steps = spacing if isinstance(spacing, (tuple, list)) else [spacing] * len(dims)
    return tuple(_gradient_at(input, d, h, edge_order) if isinstance(h, Tensor) else
                 _gradient_spaced(input, d, h, edge_order) for d, h in zip(dims, steps))


# ---- histogram, histogramdd -------------------------------------------------------------------------------
_CPP_NAMES = {"float16": "c10::Half", "float32": "float", "float64": "double", "int64": "long int", "int32": "int",
              "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}


def _bin_edges(points, bins, range):
    """One tensor of bin edges per column of points, from bin counts (with range or the data's extent) or given."""
    n = points.shape[-1]
    if isinstance(bins, int):
        bins = [bins] * n
    if len(bins) != n:
        raise RuntimeError("histogramdd: The size of bins must be equal to the innermost dimension of the input.")
    if all(isinstance(b, Tensor) for b in bins):
        for i, b in enumerate(bins):
            if b._data.dtype != points.dtype:
                raise RuntimeError(f"torch.histogramdd: input tensor and bins tensors should have the same dtype, "
                                   f"but got input with dtype {_CPP_NAMES[points.dtype.name]} and bins for "
                                   f"dimension {i} with dtype {_CPP_NAMES[b._data.dtype.name]}")
            if b._data.ndim != 1:
                raise RuntimeError(f"torch.histogramdd: bins tensor should have one dimension, but got "
                                   f"{b._data.ndim} dimensions in the bins tensor for dimension {i}")
            if b._data.size < 2:
                raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {b._data.size - 1} for dimension "
                                   f"{i}")
        return [b._data for b in bins]
    for i, b in enumerate(bins):
        if b <= 0:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {b} for dimension {i}")
    if range is not None and len(range) != 2 * n:
        raise RuntimeError(f"torch.histogramdd: for a {n}-dimensional histogram range should have {2 * n} "
                           f"elements, but got {len(range)}")
    dt = points.dtype.type
    if range is not None:
        lows, highs = [dt(r) for r in range[::2]], [dt(r) for r in range[1::2]]
    elif points.shape[0]:
        lows, highs = list(points.min(0)), list(points.max(0))
    else:
        lows, highs = [dt(0)] * n, [dt(1)] * n
    edges = []
    for i, (lo, hi, b) in enumerate(zip(lows, highs, bins)):
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise RuntimeError(f"torch.histogramdd: dimension {i}'s range [{lo:g}, {hi:g}] is not finite")
        if lo > hi:
            raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {lo:g} max {hi:g} for "
                               f"dimension {i}")
        if lo == hi:
            lo, hi = lo - dt(0.5), hi + dt(0.5)
        edges.append(_creation._linspace(array_module(points), lo, hi, b + 1, to_dtype(points.dtype)))
    return edges


def _histogramdd(input, bins, range, weight, density):
    """The histogram of the rows of input (the last dimension indexes the coordinates): hist and bin edges."""
    x = input._data
    if x.dtype.kind != "f":
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{_type_name(input)}'")
    if weight is not None:
        if weight._data.dtype != x.dtype:
            raise RuntimeError(f"torch.histogramdd: if weight tensor is provided, input tensor and weight tensor "
                               f"should have the same dtype, but got input({_CPP_NAMES[x.dtype.name]}), and "
                               f"weight({_CPP_NAMES[weight._data.dtype.name]})")
        if (weight._data.shape or (1,)) != x.shape[:-1]:
            raise RuntimeError(f"torch.histogramdd: if weight tensor is provided it should have the same shape as the "
                               f"input tensor excluding its innermost dimension, but got input with shape "
                               f"{list(x.shape)} and weight with shape {list(weight._data.shape)}")
    xp = array_module(x)
    points = x.reshape(-1, x.shape[-1])
    edges = _bin_edges(points, bins, range)
    inside = xp.ones(points.shape[0], dtype=bool)
    index = []
    for col, e in zip(points.T, edges):
        inside &= (col >= e[0]) & (col <= e[-1])
        index.append(xp.minimum(xp.searchsorted(e, col, side="right") - 1, max(e.size - 2, 0)))
    counts = tuple(max(e.size - 1, 0) for e in edges)
    flat = xp.ravel_multi_index(tuple(i[inside] for i in index), counts) if inside.any() else \
        xp.zeros(0, dtype=np.int64)
    w = None if weight is None else weight._data.reshape(-1)[inside]
    hist = xp.bincount(flat, weights=w, minlength=math.prod(counts)).astype(x.dtype).reshape(counts)
    if density:
        hist = hist / hist.sum()
        for i, e in enumerate(edges):
            shape = [1] * len(edges)
            shape[i] = -1
            hist = hist / xp.diff(e).reshape(shape)
    return _wrap(hist), [_wrap(e) for e in edges]


def histogram(input, bins=100, *, range=None, weight=None, density=False):
    """The histogram of input's values in bins (a count of equal-width bins over range, or the bin edges), with
    optional weights; density=True normalizes it to integrate to 1."""
    edges = bins.unsqueeze(0) if isinstance(bins, Tensor) and bins._data.ndim == 0 else bins
    hist, edges = _histogramdd(input.reshape(-1, 1), [edges] if isinstance(edges, Tensor) else edges,
                               range, None if weight is None else weight.reshape(-1), density)
    return _histogram_result(hist, edges[0])


def histogramdd(input, bins=10, *, range=None, weight=None, density=False):
    """The d-dimensional histogram of the rows of input (its last dimension holds the coordinates)."""
    if input._data.ndim < 2:
        raise RuntimeError("torch.histogramdd: input tensor should have at least 2 dimensions")
    hist, edges = _histogramdd(input, bins, range, weight, density)
    return _histogramdd_result(hist, tuple(edges))


# ---- window functions --------------------------------------------------------------------------------------
def _window(name, window_length, periodic, dtype, device, requires_grad, formula):
    """formula(n, N) (float64 arrays) for n = 0..window_length-1 over a symmetric window of N points (one more
    than window_length when periodic), as a tensor of dtype."""
    dt = get_default_dtype() if dtype is None else to_dtype(dtype)
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={window_length}")
    if not dt.is_floating_point:
        raise RuntimeError(f"{name} expects floating point dtypes, got: TensorOptions(dtype={_CPP_NAMES[dt.np.name]}, "
                           f"device={as_device(device) or 'cpu'}, layout=Strided (default), requires_grad=false "
                           f"(default), pinned_memory=false, memory_format=(nullopt))")
    xp = module_for(as_device(device))
    if window_length <= 1:
        values = xp.ones(window_length)
    else:
        size = window_length + 1 if periodic else window_length
        values = formula(xp, xp.arange(window_length, dtype=np.float64), size)
    t = _wrap(values.astype(dt.np))
    return t.requires_grad_() if requires_grad else t


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None, layout=None, device=None,
                   pin_memory=False, requires_grad=False):
    """The Hamming window alpha - beta * cos(2 pi n / (N - 1))."""
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad,
                   lambda xp, n, N: alpha - beta * xp.cos(2 * math.pi * n / (N - 1)))


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                requires_grad=False):
    """The Hann window 0.5 - 0.5 * cos(2 pi n / (N - 1))."""
    return _window("hann_window", window_length, periodic, dtype, device, requires_grad,
                   lambda xp, n, N: 0.5 - 0.5 * xp.cos(2 * math.pi * n / (N - 1)))


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    """The Blackman window 0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))."""
    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad,
                   lambda xp, n, N: 0.42 - 0.5 * xp.cos(2 * math.pi * n / (N - 1))
                   + 0.08 * xp.cos(4 * math.pi * n / (N - 1)))


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    """The Bartlett (triangular) window 1 - |2 n / (N - 1) - 1|."""
    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad,
                   lambda xp, n, N: 1 - xp.abs(2 * n / (N - 1) - 1))


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None, device=None,
                  pin_memory=False, requires_grad=False):
    """The Kaiser window I0(beta sqrt(1 - (2 n / (N - 1) - 1) ** 2)) / I0(beta)."""
    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad,
                   lambda xp, n, N: xp.i0(beta * xp.sqrt(xp.clip(1 - (2 * n / (N - 1) - 1) ** 2, 0, None)))
                   / xp.i0(xp.float64(beta)))


def _methods():
    for fn in (ravel, deg2rad, rad2deg, diagflat, renorm, as_strided, unfold, histogram):
        setattr(Tensor, fn.__name__, fn)
    for fn in (deg2rad, rad2deg, renorm):
        setattr(Tensor, fn.__name__ + "_", inplace(fn, fn.__name__ + "_"))


_methods()
