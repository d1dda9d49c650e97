"""Indexing: getitem/setitem, gather, scatter, index_select, masked ops, nonzero, take.

x[key] is read as PyTorch reads it: ints, slices and None first make a view (the `basic` key), then
integer arrays and masks (the `adv` key, masks turned into their nonzero() arrays) pick a copy out of
that view. Writes and gradients go through the same pair of keys.
"""
import math
import operator
import warnings

import numpy as np

from .._device import array_module
from .._tensor import Tensor, _wrap, _wrap_dim, real_value
from ..autograd import grad_mode
from ..autograd.function import Op
from ..autograd.complex import holomorphic
from .inplace import apply_inplace, check_inplace, inplace
from .linalg import _diagonal_view, diagonal
from .pointwise import _broadcast_error, where
from .reduce import _refuse_complex, _type_name
from .shape import _at, cat, select

__all__ = ["gather", "scatter", "scatter_add", "index_select", "index_add", "index_fill", "index_put",
           "masked_fill", "masked_select", "nonzero", "argwhere", "take", "take_along_dim", "index_copy",
           "index_reduce", "scatter_reduce", "masked_scatter", "put", "select_scatter", "slice_scatter",
           "diagonal_scatter"]

_state = grad_mode.state
_INDEX_DTYPES = (np.dtype(np.int64), np.dtype(np.int32))
_C_TYPE_NAMES = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char", "int16": "short int",
                 "int32": "int", "int64": "long int", "float16": "c10::Half", "float32": "float",
                 "float64": "double"}
_SCALAR_TYPE_NAMES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
                      "float16": "c10::Half", "float32": "float", "float64": "double"}


def _scatter_at(ufunc, a, key, values):
    """a[key] = ufunc(a[key], values) in place, applied once per occurrence of a repeated index."""
    xp = array_module(a)
    if xp is np:
        getattr(np, ufunc).at(a, key, values)
    elif ufunc == "add":
        import cupyx
        cupyx.scatter_add(a, key, values)
    else:  # CuPy has no repeated-index product: run it on the host
        host = a.get()
        getattr(np, ufunc).at(host, tuple(k.get() if isinstance(k, xp.ndarray) else k for k in key),
                              values.get() if isinstance(values, xp.ndarray) else values)
        a[...] = xp.asarray(host)


def _real_scalar(input, value, through_double=False):
    """value (a number or a 0-d tensor) to write into input: a complex one into a real tensor must have no imaginary
    part (PyTorch's error otherwise; bool tensors take any); through_double: the write converts to double first, as
    setitem's does for half tensors."""
    kind = input._data.dtype.kind
    if kind in "bc":
        return value
    if isinstance(value, Tensor):
        if value._data.dtype.kind == "c":
            real_value(value.item(), _SCALAR_TYPE_NAMES[input._data.dtype.name])
        return value
    return real_value(value, "double" if through_double and kind == "f" else _SCALAR_TYPE_NAMES[input._data.dtype.name])


def _no_complex_autograd(name, input, *others):
    """PyTorch's error for an op without a complex derivative whose complex result would be recorded."""
    if input._data.dtype.kind == "c" and _state.enabled and (input._requires_grad or any(
            isinstance(t, Tensor) and t._requires_grad for t in others)):
        raise RuntimeError(f"{name} does not support automatic differentiation for outputs with complex dtype.")


def _check_bounds(a, dim, size, negative=True, error=IndexError):
    """PyTorch's error for the first entry of index array a outside dimension dim of the given size."""
    if a.size:
        bad = (a >= size) | (a < (-size if negative else 0))
        if bad.any():
            raise error(f"index {int(a[bad][0])} is out of bounds for dimension {dim} with size {size}")


# ---- parsing x[key] ----------------------------------------------------------------------------------
_SEQUENCE_WARNING = ("Using a non-tuple sequence for multidimensional indexing is deprecated and will be changed in "
                     "pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will be interpreted as "
                     "tensor index, x[torch.tensor(seq)], which will result either in an error or a different result")


def _sequence_as_tuple(seq):
    """PyTorch reads a short list holding tensors, sequences, slices, None or ... as a tuple of indices."""
    return len(seq) < 32 and any(isinstance(k, (Tensor, list, tuple, slice, np.ndarray)) or k is None or k is Ellipsis
                                 for k in seq)


def _index_array(a):
    """A tensor's array as an index: an integer array or a bool mask."""
    if a.dtype == np.bool_ or a.dtype in _INDEX_DTYPES:
        return a
    if a.dtype == np.uint8:
        warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.",
                      UserWarning, stacklevel=4)
        return a.astype(np.bool_)
    raise IndexError("tensors used as indices must be long, int, byte or bool tensors")


def _item(xp, k):
    """One index as an int, a slice, None, Ellipsis or an array (integer, or bool: a mask)."""
    if k is None or k is Ellipsis:
        return k
    if isinstance(k, (bool, np.bool_)):
        return xp.asarray(bool(k))
    if isinstance(k, (int, np.integer)):
        return int(k)
    if isinstance(k, slice):
        if k.step is not None:
            step = operator.index(k.step)
            if step == 0:
                raise ValueError("slice step cannot be zero")
            if step < 0:
                raise ValueError("step must be greater than zero")
        return k
    if isinstance(k, Tensor):
        a = k._data
        if a.ndim == 0 and a.dtype.kind in "iu" and a.dtype != np.uint8:
            return int(a)
        return _index_array(a)
    if isinstance(k, np.ndarray):
        return _index_array(xp.asarray(k))
    if isinstance(k, (list, tuple)):
        a = np.asarray(k)
        return xp.asarray(a if a.dtype == np.bool_ else a.astype(np.int64))
    if hasattr(k, "__index__"):
        return operator.index(k)
    raise IndexError(f"only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
                     f"indices (got {type(k).__name__})")


def _parse(data, key):
    """x[key] as (basic, adv, op class): basic holds ints, slices and None and ends in Ellipsis (so that the
    result is always a view), adv is None or the integer arrays and full slices applied to that view."""
    if type(key) is not tuple:
        if type(key) is list and _sequence_as_tuple(key):
            warnings.warn(_SEQUENCE_WARNING, UserWarning, stacklevel=3)
            key = tuple(key)
        else:
            key = (key,)
    xp = array_module(data)
    items = [_item(xp, k) for k in key]
    shape = data.shape
    used = sum(1 if isinstance(k, (int, slice)) else k.ndim if k.dtype == np.bool_ else 1
               for k in items if k is not None and k is not Ellipsis)
    if used > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    basic, adv = [], []
    cls, advanced, expanded = AliasBackward0, False, False
    dim = out = 0  # the dimension of x an index applies to, and its place in the result so far (for messages)
    full = slice(None)
    for k in items:
        if k is Ellipsis:
            if not expanded:  # PyTorch expands the first ellipsis and ignores any later one
                n = len(shape) - used
                basic += [full] * n
                adv += [full] * n
                dim += n
                out += n
                expanded = True
        elif k is None:
            basic.append(None)
            adv.append(full)
            out += 1
            cls = UnsqueezeBackward0
        elif isinstance(k, int):
            size = shape[dim]
            if not -size <= k < size:
                raise IndexError(f"index {k} is out of bounds for dimension {out} with size {size}")
            basic.append(k)
            dim += 1
            cls = SelectBackward0
        elif isinstance(k, slice):
            basic.append(slice(*k.indices(shape[dim])))
            adv.append(full)
            dim += 1
            out += 1
            cls = SliceBackward0
        elif k.dtype == np.bool_:
            advanced = True
            if k.ndim == 0:  # a new dimension, indexed by [0] (True) or [] (False)
                basic.append(None)
                adv.append(xp.zeros(int(k), dtype=np.int64))
                out += 1
                continue
            for j, (m, s) in enumerate(zip(k.shape, shape[dim:])):
                if m != s:
                    raise IndexError(f"The shape of the mask {list(k.shape)} at index {j} does not match the shape "
                                     f"of the indexed tensor {list(shape)} at index {out + j}")
            basic += [full] * k.ndim
            adv += list(k.nonzero())
            dim += k.ndim
            out += k.ndim
        else:
            _check_bounds(k, out, shape[dim])
            advanced = True
            basic.append(full)
            adv.append(k)
            dim += 1
            out += 1
    basic.append(Ellipsis)
    return tuple(basic), (tuple(adv) if advanced else None), (IndexBackward0 if advanced else cls)


def _take(a, basic, adv):
    a = a[basic]
    return a if adv is None else a[adv]


def _put(a, basic, adv, values, accumulate):
    """a[basic][adv] = values (or += values, repeated indices adding up), in place."""
    if hasattr(values, "shape"):
        lead = 0
        while lead < values.ndim and values.shape[lead] == 1:
            lead += 1
        values = values.reshape(values.shape[lead:]).astype(a.dtype, copy=False)
    try:
        if adv is None:
            if accumulate:
                a[basic] += values
            else:
                a[basic] = values
        elif accumulate:
            _scatter_at("add", a[basic], adv, values)
        else:
            a[basic][adv] = values
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(values.shape)} cannot be broadcast to "
                           f"indexing result of shape {list(_take(a, basic, adv).shape)}") from None


class IndexBackward0(Op):
    """x[basic][adv]: a copy when adv holds integer arrays; the gradient is added back at the same places."""

    @staticmethod
    def forward(ctx, x, basic, adv):
        ctx.shape, ctx.basic, ctx.adv = x.shape, basic, adv
        return _take(x, basic, adv)

    @staticmethod
    def backward(ctx, g):
        return IndexPutBackward0.apply(g.new_zeros(ctx.shape), ctx.basic, ctx.adv, g, True), None, None


class AliasBackward0(IndexBackward0):
    """x[...] or x[()]: a view of all of x."""
    is_view = True


class SelectBackward0(AliasBackward0):
    """A basic index whose last step takes one position (an int)."""


class SliceBackward0(AliasBackward0):
    """A basic index whose last step is a slice."""


class UnsqueezeBackward0(AliasBackward0):
    """A basic index whose last step inserts a dimension (None)."""


def _index(x, basic, adv):
    return (AliasBackward0 if adv is None else IndexBackward0).apply(x, basic, adv)


class IndexPutBackward0(Op):
    """x with x[basic][adv] set to values (a tensor or a number), or increased by them if accumulate."""

    @staticmethod
    def forward(ctx, x, basic, adv, values, accumulate):
        ctx.basic, ctx.adv, ctx.accumulate, ctx.vshape = basic, adv, accumulate, np.shape(values)
        out = x.copy()
        _put(out, basic, adv, values, accumulate)
        return out

    @staticmethod
    def backward(ctx, g):
        gx = gv = None
        if ctx.needs_input_grad[0]:
            gx = g if ctx.accumulate else IndexPutBackward0.apply(g, ctx.basic, ctx.adv, 0, False)
        if ctx.needs_input_grad[3]:
            gv = _index(g, ctx.basic, ctx.adv)
            lead = len(ctx.vshape) - gv.ndim
            if lead > 0:  # values with extra leading 1-dims (x[0] = v of shape (1, 1, n))
                gv = gv.reshape((1,) * lead + tuple(gv.shape))
        return gx, None, None, gv, None


class CopySlices(IndexPutBackward0):
    """x[key] = values with a basic key (ints, slices, None)."""


def _getitem(self, key):
    """x[key] with ints, slices, None, ..., integer tensors/lists and bool masks, as PyTorch reads it."""
    basic, adv, cls = _parse(self._data, key)
    return cls.apply(self, basic, adv)


def _setitem(self, key, value):
    """x[key] = value (a number or a tensor, broadcast and cast to x's dtype), recorded when grad is on."""
    basic, adv, _ = _parse(self._data, key)
    if isinstance(value, np.generic):
        value = value.item()
    if not isinstance(value, (Tensor, bool, int, float, complex)):
        from .._creation import legacy_type_name
        raise TypeError(f"can't assign a {type(value).__name__} to a {legacy_type_name(self)}")
    if isinstance(value, complex):
        value = _real_scalar(self, value, through_double=True)
    if adv is not None:
        _check_put_dtype(self, value)
    if _state.enabled and (self._requires_grad or (isinstance(value, Tensor) and value._requires_grad)):
        apply_inplace(self, (CopySlices if adv is None else IndexPutBackward0).apply, basic, adv, value, False)
    else:  # nothing to record: write straight into the memory
        check_inplace(self, (value,))
        _put(self._data, basic, adv, value._data if isinstance(value, Tensor) else value, False)
        self._vc[0] += 1


def _check_put_dtype(input, values):
    """An advanced-index write does not cast a tensor value, as in PyTorch."""
    if isinstance(values, Tensor) and values._data.dtype != input._data.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got {_type_name(input)} for "
                           f"the destination and {_type_name(values)} for the source.")


def index_put(input, indices, values, accumulate=False):
    """input with input[indices] set to values (or increased by them, repeated indices adding up, if accumulate)."""
    if not isinstance(values, Tensor):
        raise TypeError(f"index_put(): argument 'values' (position 3) must be Tensor, not {type(values).__name__}")
    basic, adv, _ = _parse(input._data, tuple(indices))
    _check_put_dtype(input, values)
    return IndexPutBackward0.apply(input, basic, adv, values, bool(accumulate))


# ---- gather, scatter ----------------------------------------------------------------------------------
def _along(index, dim):
    """The advanced key that pairs index's entries (along dim) with their own positions in the other dims."""
    xp = array_module(index)
    n = index.ndim
    return tuple(index if d == dim else xp.arange(s).reshape((s,) + (1,) * (n - d - 1))
                 for d, s in enumerate(index.shape))


def _check_index_dtype(index, message):
    if not isinstance(index, Tensor) or index._data.dtype not in _INDEX_DTYPES:
        raise RuntimeError(message)


class GatherBackward0(Op):
    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.shape, ctx.dim, ctx.index = x.shape, dim, index
        return x[_along(index, dim)]

    @staticmethod
    def backward(ctx, g):
        return ScatterAddBackward0.apply(g.new_zeros(ctx.shape), ctx.dim, ctx.index, g), None, None


def gather(input, dim, index, *, sparse_grad=False):
    """Values of input along dim at index: out[i][j] = input[index[i][j]][j] for dim=0."""
    _check_index_dtype(index, "gather(): Expected dtype int32/int64 for index")
    shape, ishape = input._data.shape, index._data.shape
    dim = _wrap_dim(dim, len(shape))
    if len(ishape) != len(shape):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    for d, (i, s) in enumerate(zip(ishape, shape)):
        if d != dim and i > s:
            raise RuntimeError(f"Size does not match at dimension {d} expected index {list(ishape)} to be no larger "
                               f"than self {list(shape)} apart from dimension {dim}")
    _check_bounds(index._data, dim, shape[dim], negative=False, error=RuntimeError)
    return GatherBackward0.apply(input, dim, index._data)


def _gathered(g, dim, index, src_shape):
    """The gradient of a scatter's src: g gathered at index, in zeros of src's shape where src is larger."""
    gs = GatherBackward0.apply(g, dim, index)
    if tuple(gs.shape) == src_shape:
        return gs
    box = tuple(slice(0, s) for s in index.shape) + (Ellipsis,)
    return IndexPutBackward0.apply(gs.new_zeros(src_shape), box, None, gs, False)


class ScatterBackward0(Op):
    """input with src's entries written at index along dim (combined by reduce, if given)."""

    @staticmethod
    def forward(ctx, x, dim, index, src, reduce=None):
        ctx.dim, ctx.index, ctx.src_shape, ctx.reduce = dim, index, np.shape(src), reduce
        out = x.copy()
        if ctx.src_shape:
            src = src[tuple(slice(0, s) for s in index.shape)]
        key = _along(index, dim)
        if reduce is None:
            out[key] = src
        else:
            _scatter_at(reduce, out, key, src)
        return out

    @staticmethod
    def backward(ctx, g):
        if ctx.reduce is not None:
            raise RuntimeError("derivative for aten::scatter is not implemented")
        gx = ScatterBackward1.apply(g, ctx.dim, ctx.index, 0) if ctx.needs_input_grad[0] else None
        gs = _gathered(g, ctx.dim, ctx.index, ctx.src_shape) if ctx.needs_input_grad[3] else None
        return gx, None, None, gs, None


class ScatterBackward1(ScatterBackward0):
    """scatter with a number as value."""


class ScatterAddBackward0(Op):
    @staticmethod
    def forward(ctx, x, dim, index, src):
        ctx.dim, ctx.index, ctx.src_shape = dim, index, src.shape
        out = x.copy()
        _scatter_at("add", out, _along(index, dim), src[tuple(slice(0, s) for s in index.shape)])
        return out

    @staticmethod
    def backward(ctx, g):
        gs = _gathered(g, ctx.dim, ctx.index, ctx.src_shape) if ctx.needs_input_grad[3] else None
        return g, None, None, gs


def _check_scatter(input, dim, index, src):
    _check_index_dtype(index, "scatter(): Expected dtype int32/int64 for index")
    shape, ishape = input._data.shape, index._data.shape
    dim = _wrap_dim(dim, len(shape))
    if len(ishape) != len(shape):
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    if isinstance(src, Tensor):
        if src._data.ndim != len(ishape):
            raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
        if src._data.dtype != input._data.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        sshape = src._data.shape
        if any(i > s for i, s in zip(ishape, sshape)) or any(
                d != dim and i > s for d, (i, s) in enumerate(zip(ishape, shape))):
            raise RuntimeError(f"Expected index {list(ishape)} to be no larger than self {list(shape)} apart from "
                               f"dimension {dim} and to be no larger size than src {list(sshape)}")
    elif any(d != dim and i > s for d, (i, s) in enumerate(zip(ishape, shape))):
        raise RuntimeError(f"Expected index {list(ishape)} to be no larger than self {list(shape)} apart from "
                           f"dimension {dim}")
    _check_bounds(index._data, dim, shape[dim], negative=False, error=RuntimeError)
    return dim


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """input with src's entries (or value) written at index along dim: out[index[i][j]][j] = src[i][j] for dim=0;
    reduce='add' or 'multiply' combines them with the values there instead."""
    src = value if src is None else src
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    dim = _check_scatter(input, dim, index, src)
    src = _real_scalar(input, src)
    if isinstance(src, Tensor):
        if reduce is not None:
            warnings.warn("The reduce argument of torch.scatter with Tensor src is deprecated and will be removed in a "
                          "future PyTorch release. Use torch.scatter_reduce instead for more reduction options.",
                          UserWarning, stacklevel=2)
        return ScatterBackward0.apply(input, dim, index._data, src, reduce)
    return ScatterBackward1.apply(input, dim, index._data, src, reduce)


def scatter_add(input, dim, index, src):
    """input with src's entries added at index along dim (repeated indices add up)."""
    dim = _check_scatter(input, dim, index, src)
    return ScatterAddBackward0.apply(input, dim, index._data, src)


# ---- index_select, index_add, index_fill ----------------------------------------------------------------
def _vector_index(fname, index, dtype_message):
    _check_index_dtype(index, dtype_message)
    if index._data.ndim > 1:
        raise IndexError(f"{fname}(): Index is supposed to be a vector")
    return index._data.reshape(-1)


class IndexSelectBackward0(Op):
    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.shape, ctx.dim, ctx.index = x.shape, dim, index
        return array_module(x).take(x, index, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return IndexAddBackward0.apply(g.new_zeros(ctx.shape), ctx.dim, ctx.index, g, 1), None, None


def index_select(input, dim, index):
    """The entries of input at positions index (a vector) along dim."""
    idx = _vector_index("index_select", index, "index_select(): Expected dtype int32 or int64 for index")
    dim = _wrap_dim(dim, input._data.ndim)
    if idx.size and (idx.min() < 0 or idx.max() >= input._data.shape[dim]):
        raise IndexError("index out of range in self")
    return IndexSelectBackward0.apply(input, dim, idx)


class IndexAddBackward0(Op):
    @staticmethod
    def forward(ctx, x, dim, index, source, alpha):
        ctx.dim, ctx.index, ctx.alpha = dim, index, alpha
        out = x.copy()
        _scatter_at("add", out, _at(dim, index), source * alpha if alpha != 1 else source)
        return out

    @staticmethod
    def backward(ctx, g):
        gs = None
        if ctx.needs_input_grad[3]:
            gs = IndexSelectBackward0.apply(g, ctx.dim, ctx.index)
            gs = gs * ctx.alpha if ctx.alpha != 1 else gs
        return g, None, None, gs, None


def _check_index_source(fname, input, dim, idx, source):
    """index_add_'s and index_reduce_'s checks: source has input's dtype and one slice along dim per index."""
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(f"{fname}(): self ({_type_name(input)}) and source ({_type_name(source)}) must have the "
                           f"same scalar type")
    n = source._data.shape[dim] if source._data.ndim else 1
    if idx.size != n:
        raise RuntimeError(f"{fname}(): Number of indices ({idx.size}) should be equal to source.size(dim): ({n}), "
                           f"for dim: {dim}")


def index_add(input, dim, index, source, *, alpha=1):
    """input with alpha * source's slices added at positions index along dim (repeated indices add up)."""
    idx = _vector_index("index_add_", index, "index_add_(): Expected dtype int32/int64 for index")
    dim = _wrap_dim(dim, input._data.ndim)
    _check_index_source("index_add_", input, dim, idx, source)
    _check_bounds(idx, dim, input._data.shape[dim], negative=False, error=RuntimeError)
    alpha = _real_scalar(input, alpha)
    return IndexAddBackward0.apply(input, dim, idx, source, alpha)


class IndexFillBackward0(Op):
    """input with value (a number) written at positions index along dim."""

    @staticmethod
    def forward(ctx, x, dim, index, value):
        ctx.dim, ctx.index, ctx.size = dim, index, x.shape[dim]
        out = x.copy()
        out[_at(dim, index)] = value
        return out

    @staticmethod
    def backward(ctx, g):
        gx = IndexFillBackward0.apply(g, ctx.dim, ctx.index, 0) if ctx.needs_input_grad[0] else None
        gv = None
        if ctx.needs_input_grad[3]:
            unique = array_module(ctx.index).unique(ctx.index % ctx.size)
            gv = IndexSelectBackward0.apply(g, ctx.dim, unique).sum()
        return gx, None, None, gv


class IndexFillBackward1(IndexFillBackward0):
    """index_fill with a 0-d tensor as value."""


def _value_0d(fname, value):
    if isinstance(value, Tensor) and value._data.ndim:
        raise RuntimeError(f"{fname} only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value._data.ndim} dimension(s).")


def index_fill(input, dim, index, value):
    """input with value (a number or a 0-d tensor) written at positions index along dim."""
    idx = _vector_index("index_fill_", index, "index_fill_(): Expected dtype int64 for index.")
    _value_0d("index_fill_", value)
    if input._data.dtype.kind != "c" and (isinstance(value, complex) or
                                          isinstance(value, Tensor) and value._data.dtype.kind == "c"):
        raise RuntimeError("index_fill_(): Converting complex Scalar to non-complex type is not supported")
    dim = _wrap_dim(dim, input._data.ndim)
    _check_bounds(idx, dim, input._data.shape[dim])
    return (IndexFillBackward1 if isinstance(value, Tensor) else IndexFillBackward0).apply(input, dim, idx, value)


# ---- masked ops, nonzero, take ------------------------------------------------------------------------
def _mask_shape(mask, input):
    try:
        return np.broadcast_shapes(mask._data.shape, input._data.shape)
    except ValueError:
        raise _broadcast_error(mask._data, input._data) from None


class MaskedFillBackward0(Op):
    """input with value (a number) where mask is True."""

    @staticmethod
    def forward(ctx, x, mask, value):
        ctx.mask = mask
        xp = array_module(x)
        return xp.where(mask, xp.asarray(value, dtype=x.dtype), x)

    @staticmethod
    def backward(ctx, g):
        gx = MaskedFillBackward0.apply(g, ctx.mask, 0) if ctx.needs_input_grad[0] else None
        gv = MaskedFillBackward0.apply(g, ~ctx.mask, 0).sum() if ctx.needs_input_grad[2] else None
        return gx, None, gv


class MaskedFillBackward1(MaskedFillBackward0):
    """masked_fill with a 0-d tensor as value."""


def masked_fill(input, mask, value):
    """input with value (a number or a 0-d tensor) where mask (bool, broadcast to input) is True."""
    if mask._data.dtype != np.bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{_C_TYPE_NAMES[mask.dtype.name]}")
    _value_0d("masked_fill_", value)
    _mask_shape(mask, input)
    value = _real_scalar(input, value)
    return (MaskedFillBackward1 if isinstance(value, Tensor) else MaskedFillBackward0).apply(input, mask._data, value)


class MaskedSelectBackward0(Op):
    @staticmethod
    def forward(ctx, x, mask, shape):
        xp = array_module(x)
        ctx.shape, ctx.where = shape, xp.broadcast_to(mask, shape).nonzero()
        return xp.broadcast_to(x, shape)[ctx.where]

    @staticmethod
    def backward(ctx, g):
        return IndexPutBackward0.apply(g.new_zeros(ctx.shape), (Ellipsis,), ctx.where, g, False), None, None


def masked_select(input, mask):
    """The entries of input where mask (bool, broadcast with input) is True, as a 1-d tensor."""
    if mask._data.dtype != np.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    return MaskedSelectBackward0.apply(input, mask._data, _mask_shape(mask, input))


def nonzero(input, *, as_tuple=False):
    """The indices of input's non-zero entries: one row per entry, or (as_tuple) one tensor per dimension."""
    d = input._data
    xp = array_module(d)
    if as_tuple:
        return tuple(_wrap(a.astype(np.int64)) for a in xp.nonzero(d.reshape(-1) if d.ndim == 0 else d))
    return _wrap(xp.argwhere(d).astype(np.int64))


def argwhere(input):
    """The indices of input's non-zero entries, one row per entry."""
    return nonzero(input)


class TakeBackward0(Op):
    @staticmethod
    def forward(ctx, x, index):
        ctx.shape, ctx.index = x.shape, index
        return x.reshape(-1)[index]

    @staticmethod
    def backward(ctx, g):
        flat = g.new_zeros(math.prod(ctx.shape))
        return IndexPutBackward0.apply(flat, (Ellipsis,), (ctx.index,), g, True).reshape(ctx.shape), None


def take(input, index):
    """The entries of input, read as a 1-d tensor, at index (negative entries count from the end)."""
    if not isinstance(index, Tensor) or index._data.dtype != np.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {_type_name(index)}")
    n = input._data.size
    idx = index._data
    if idx.size:
        bad = (idx >= n) | (idx < -n)
        if bad.any():
            raise IndexError(f"out of range: tried to access index {int(idx[bad][0])} on a tensor of {n} elements.")
    return TakeBackward0.apply(input, idx)


# ---- take_along_dim, index_copy, put ------------------------------------------------------------------
def take_along_dim(input, indices, dim=None):
    """Values of input at indices along dim (of the flattened input if dim is None); input and indices broadcast
    in the other dimensions."""
    if not isinstance(indices, Tensor) or indices._data.dtype != np.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got {_type_name(indices)}")
    if dim is None:
        return gather(input.reshape(-1), 0, indices.reshape(-1))
    shape, ishape = list(input._data.shape), list(indices._data.shape)
    if len(shape) != len(ishape):
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {len(shape)} dimensions for input, and {len(ishape)} dimensions for indices")
    d = _wrap_dim(dim, len(shape))
    a, b = shape[:d] + [1] + shape[d + 1:], ishape[:d] + [1] + ishape[d + 1:]
    for i in range(len(a) - 1, -1, -1):
        if a[i] != b[i] and a[i] != 1 and b[i] != 1:
            raise RuntimeError(f"The size of tensor a ({a[i]}) must match the size of tensor b ({b[i]}) at "
                               f"non-singleton dimension {i}")
    common = list(np.broadcast_shapes(tuple(a), tuple(b)))
    return gather(input.expand(common[:d] + [shape[d]] + common[d + 1:]), d,
                  indices.expand(common[:d] + [ishape[d]] + common[d + 1:]))


class IndexCopyBackward0(Op):
    """input with source's slices written at positions index along dim."""

    @staticmethod
    def forward(ctx, x, dim, index, source):
        ctx.dim, ctx.index = dim, index
        out = x.copy()
        out[_at(dim, index)] = source
        return out

    @staticmethod
    def backward(ctx, g):
        gx = IndexFillBackward0.apply(g, ctx.dim, ctx.index, 0) if ctx.needs_input_grad[0] else None
        gs = IndexSelectBackward0.apply(g, ctx.dim, ctx.index) if ctx.needs_input_grad[3] else None
        return gx, None, None, gs


def index_copy(input, dim, index, source):
    """input with source's slices copied to positions index (a vector) along dim."""
    if not isinstance(index, Tensor) or index._data.dtype != np.int64:
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got {_type_name(index)}")
    if index._data.ndim > 1:
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {index._data.ndim})")
    idx = index._data.reshape(-1)
    dim = _wrap_dim(dim, input._data.ndim)
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but got (self) "
                           f"{_type_name(input)} and (source) {_type_name(source)}")
    n = source._data.shape[dim] if source._data.ndim else 1
    if idx.size != n:
        raise IndexError(f"index_copy_(): Number of indices ({idx.size}) should be equal to source.size(dim) ({n})")
    rest = [s for d, s in enumerate(input._data.shape) if d != dim]
    srest = [s for d, s in enumerate(source._data.shape) if d != dim]
    for j, (a, b) in enumerate(zip(rest, srest)):
        if a != b:
            raise RuntimeError(f"index_copy_(): Source/destination tensor must have same slice shapes. Destination "
                               f"slice shape: {a} at dimension {j} and source slice shape: {b} at dimension {j}.")
    size = input._data.shape[dim]
    if idx.size:
        bad = (idx >= size) | (idx < 0)
        if bad.any():
            raise IndexError(f"index_copy_(): index {int(idx[bad][0])} is out of bounds for dimension {dim} with "
                             f"size {size}")
    return IndexCopyBackward0.apply(input, dim, idx, source)


class PutBackward0(Op):
    """input, read as a 1-d tensor, with source's entries written (or added, if accumulate) at index."""

    @staticmethod
    def forward(ctx, x, index, source, accumulate):
        ctx.index, ctx.accumulate, ctx.source_shape = index, accumulate, source.shape
        out = x.copy()
        flat = out.reshape(-1)
        if accumulate:
            _scatter_at("add", flat, (index.reshape(-1),), source.reshape(-1))
        else:
            flat[index.reshape(-1)] = source.reshape(-1)
        return out

    @staticmethod
    def backward(ctx, g):
        gx = gs = None
        if ctx.needs_input_grad[0]:
            gx = g if ctx.accumulate else PutBackward0.apply(g, ctx.index, g.new_zeros(ctx.source_shape), False)
        if ctx.needs_input_grad[2]:
            gs = TakeBackward0.apply(g, ctx.index).reshape(ctx.source_shape)
        return gx, None, gs, None


def put(input, index, source, accumulate=False):
    """input, read as a 1-d tensor, with source's entries written at index (added, repeated indices adding up,
    if accumulate)."""
    if not isinstance(index, Tensor) or index._data.dtype != np.int64:
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got {_type_name(index)}")
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got self.dtype = "
                           f"{_type_name(input)} and source.dtype = {_type_name(source)}")
    idx = index._data
    if idx.size != source._data.size:
        raise IndexError(f"put_(): Expected source and index to have the same number of elements, but got "
                         f"source.numel() = {source._data.size}, index.numel() = {idx.size}")
    n = input._data.size
    if idx.size:
        bad = (idx >= n) | (idx < -n)
        if bad.any():
            raise IndexError(f"out of range: tried to access index {int(idx[bad][0])} on a tensor of {n} elements.")
    return PutBackward0.apply(input, idx, source, bool(accumulate))


# ---- scatter_reduce, index_reduce ----------------------------------------------------------------------
_UFUNCS = {"sum": "add", "prod": "multiply", "mean": "add", "amax": "maximum", "amin": "minimum"}


def _identity(reduce, dtype):
    """The value that leaves any other unchanged under reduce."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    big = np.inf if dtype.kind == "f" else np.iinfo(dtype).max
    return -big if reduce == "amax" else big


def _box(shape):
    return tuple(slice(0, s) for s in shape) + (Ellipsis,)


class ScatterReduceBackward0(Op):
    """input with src's entries combined by reduce at index along dim (input's own values too if include_self)."""
    retain_inputs = (0, 3)
    retain_output = True

    @staticmethod
    def forward(ctx, x, dim, index, src, reduce, include_self):
        ctx.dim, ctx.index, ctx.reduce, ctx.include_self, ctx.src_shape = dim, index, reduce, include_self, src.shape
        xp = array_module(x)
        out = x.copy()
        key = _along(index, dim)
        if not include_self:
            out[key] = _identity(reduce, x.dtype)
        _scatter_at(_UFUNCS[reduce], out, key, src[_box(index.shape)])
        if reduce == "mean":
            count = xp.ones(x.shape, np.int64)
            if not include_self:
                count[key] = 0
            _scatter_at("add", count, key, xp.ones(index.shape, np.int64))
            count = xp.maximum(count, 1)
            ctx.count = count
            if out.dtype.kind in "fc":
                out /= count
            else:
                out //= count.astype(out.dtype)
        return out

    @staticmethod
    def backward(ctx, g):
        x, src, result = ctx.saved_tensors
        dim, index, reduce = ctx.dim, ctx.index, ctx.reduce
        s = src[_box(index.shape)] if tuple(src.shape) != index.shape else src
        if reduce == "sum":
            gx, gs = g, GatherBackward0.apply(g, dim, index)
        elif reduce == "mean":
            gx = g / _wrap(ctx.count.astype(g._data.dtype))
            gs = GatherBackward0.apply(gx, dim, index)
        elif reduce == "prod":
            ones_x = x.masked_fill(x == 0, 1)
            gx = g * ScatterReduceBackward0.apply(ones_x, dim, index, s, reduce, ctx.include_self) / ones_x
            zero = (s == 0)._data
            zeros_at = array_module(zero).zeros(x.shape, np.int64)
            _scatter_at("add", zeros_at, _along(index, dim), zero.astype(np.int64))
            single = _wrap(zero & (zeros_at[_along(index, dim)] == 1))
            others = ScatterReduceBackward0.apply(x, dim, index, s.masked_fill(single, 1), reduce, ctx.include_self)
            gs = where(single, GatherBackward0.apply(g * others, dim, index),
                       GatherBackward0.apply(g * result, dim, index) / s.masked_fill(_wrap(zero), 1))
        else:  # amax, amin: the gradient is shared evenly by all the values equal to the result
            value = GatherBackward0.apply(result, dim, index)
            self_is = (x == result).to(g.dtype)  # counted even when not included, as torch does
            src_is = (s == value).to(g.dtype)
            share = g / ScatterAddBackward0.apply(self_is, dim, index, src_is)
            gx, gs = share * self_is, GatherBackward0.apply(share, dim, index) * src_is
        if not ctx.include_self:
            gx = ScatterBackward1.apply(gx, dim, index, 0)
        if tuple(gs.shape) != ctx.src_shape:
            gs = IndexPutBackward0.apply(gs.new_zeros(ctx.src_shape), _box(index.shape), None, gs, False)
        return gx, None, None, gs, None, None


class IndexReduceBackward0(ScatterReduceBackward0):
    """index_reduce, run as scatter_reduce with the index spread over source's shape."""


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """input with src's entries combined at index along dim by reduce ('sum', 'prod', 'mean', 'amax', 'amin'),
    together with input's own values if include_self."""
    if reduce not in _UFUNCS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    dim = _check_scatter(input, dim, index, src)
    if reduce in ("amax", "amin"):
        _refuse_complex(input, f"scatter_gather_tensor_cpu_reduce_{reduce}")
    _no_complex_autograd("scatter_reduce", input, src)
    return ScatterReduceBackward0.apply(input, dim, index._data, src, reduce, bool(include_self))


def index_reduce(input, dim, index, source, reduce, *, include_self=True):
    """input with source's slices combined at positions index along dim by reduce ('prod', 'mean', 'amax',
    'amin'), together with input's own values if include_self."""
    warnings.warn("index_reduce() is in beta and the API may change at any time.", UserWarning, stacklevel=2)
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.")
    if not isinstance(index, Tensor) or index._data.dtype not in _INDEX_DTYPES:
        raise RuntimeError(f"index_reduce_(): Expected dtype int32/int64 for index but got: {_type_name(index)}")
    idx = _vector_index("index_reduce_", index, "")
    dim = _wrap_dim(dim, input._data.ndim)
    _check_index_source("index_reduce_", input, dim, idx, source)
    if idx.size and (idx.min() < 0 or idx.max() >= input._data.shape[dim]):
        raise IndexError("index out of range in self")
    if not include_self:
        _refuse_complex(input, "index_reduce_func_exclude_input_init")
    if reduce in ("amax", "amin"):
        _refuse_complex(input, "maximum_cpu" if reduce == "amax" else "minimum_cpu")
    _no_complex_autograd("index_reduce", input, source)
    xp = array_module(idx)
    spread = xp.ascontiguousarray(xp.broadcast_to(
        idx.astype(np.int64).reshape(tuple(-1 if d == dim else 1 for d in range(source._data.ndim))),
        source._data.shape))
    return IndexReduceBackward0.apply(input, dim, spread, source, reduce, bool(include_self))


# ---- masked_scatter, select_scatter, slice_scatter, diagonal_scatter -----------------------------------
class MaskedScatterBackward0(Op):
    """input (broadcast with mask) with source's first entries written, in order, where mask is True."""

    @staticmethod
    def forward(ctx, x, mask, source, shape):
        xp = array_module(x)
        ctx.mask, ctx.shape, ctx.source_shape = xp.broadcast_to(mask, shape), shape, source.shape
        out = xp.broadcast_to(x, shape).copy()
        ctx.count = int(ctx.mask.sum())
        out[ctx.mask] = source.reshape(-1)[:ctx.count]
        return out

    @staticmethod
    def backward(ctx, g):
        gx = MaskedFillBackward0.apply(g, ctx.mask, 0) if ctx.needs_input_grad[0] else None
        gs = None
        if ctx.needs_input_grad[2]:
            picked = MaskedSelectBackward0.apply(g, ctx.mask, ctx.shape)
            gs = cat([picked, g.new_zeros(math.prod(ctx.source_shape) - ctx.count)]).reshape(ctx.source_shape)
        return gx, None, gs, None


def masked_scatter(input, mask, source):
    """input with source's entries copied, in order, to the places where mask (bool, broadcast) is True."""
    if mask._data.dtype != np.bool_:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype "
                           f"{_type_name(mask)}")
    if source._data.dtype != input._data.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got"
                           f"{_type_name(input)} and {_type_name(source)}")
    shape = _mask_shape(mask, input)
    if int(array_module(mask._data).broadcast_to(mask._data, shape).sum()) > source._data.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return MaskedScatterBackward0.apply(input, mask._data, source, shape)


class _ScatterInto(Op):
    """input with src written into one region of it: place(array) is a writable view of that region, pick(tensor)
    the same region as a tensor op."""

    @staticmethod
    def forward(ctx, x, src, place, pick):
        xp = array_module(x)
        ctx.pick, ctx.mask = pick, xp.zeros(x.shape, np.bool_)
        place(ctx.mask)[...] = True
        out = x.copy()
        place(out)[...] = src
        return out

    @staticmethod
    def backward(ctx, g):
        gx = MaskedFillBackward0.apply(g, ctx.mask, 0) if ctx.needs_input_grad[0] else None
        return gx, ctx.pick(g) if ctx.needs_input_grad[1] else None, None, None


class SelectScatterBackward0(_ScatterInto):
    pass


class SliceScatterBackward0(_ScatterInto):
    pass


class DiagonalScatterBackward0(_ScatterInto):
    pass


def _check_region(src, region_shape):
    if tuple(src._data.shape) != tuple(region_shape):
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{list(src._data.shape)}, slice size = {list(region_shape)}")


def select_scatter(input, src, dim, index):
    """A copy of input with src written at index along dim (src has input's shape without dim)."""
    region = select(input.detach(), dim, index)
    d = _wrap_dim(dim, input._data.ndim)
    i = int(index) % input._data.shape[d]
    _check_region(src, region.shape)
    _no_complex_autograd("select_scatter", input, src)
    return SelectScatterBackward0.apply(input, src, lambda a: a[_at(d, i)], lambda t: select(t, d, i))


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """A copy of input with src written into the slice start:end:step along dim."""
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    d = _wrap_dim(dim, input._data.ndim)
    key = _at(d, slice(*slice(start, end, step).indices(input._data.shape[d])))
    _check_region(src, input._data[key].shape)
    _no_complex_autograd("slice_scatter", input, src)
    return SliceScatterBackward0.apply(input, src, lambda a: a[key], lambda t: t[key])


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """A copy of input with src written onto its diagonal over dim1 and dim2 (offset above or below the main one)."""
    region = diagonal(input.detach(), offset, dim1, dim2)
    n = input._data.ndim
    d1, d2 = _wrap_dim(dim1, n), _wrap_dim(dim2, n)
    _check_region(src, region.shape)
    return DiagonalScatterBackward0.apply(input, src, lambda a: _diagonal_view(array_module(a), a, offset, d1, d2),
                                          lambda t: diagonal(t, offset, d1, d2))


def _methods():
    Tensor.__getitem__ = _getitem
    Tensor.__setitem__ = _setitem
    for fn in (gather, scatter, scatter_add, index_select, index_add, index_fill, index_put, masked_fill,
               masked_select, nonzero, argwhere, take, take_along_dim, index_copy, index_reduce, scatter_reduce,
               masked_scatter, put, select_scatter, slice_scatter, diagonal_scatter):
        setattr(Tensor, fn.__name__, fn)
    for fn in (scatter, scatter_add, index_add, index_fill, index_put, masked_fill, index_copy, index_reduce,
               scatter_reduce, masked_scatter, put):
        setattr(Tensor, fn.__name__ + "_", inplace(fn, fn.__name__ + "_"))


_methods()
holomorphic("IndexBackward0", "IndexSelectBackward0", "GatherBackward0", "IndexPutBackward0", "CopySlices",
            "ScatterBackward0", "ScatterBackward1", "ScatterAddBackward0", "IndexAddBackward0", "IndexFillBackward0",
            "IndexFillBackward1", "MaskedFillBackward0", "MaskedFillBackward1", "MaskedSelectBackward0",
            "TakeBackward0", "IndexCopyBackward0", "PutBackward0", "MaskedScatterBackward0", "SelectScatterBackward0",
            "SliceScatterBackward0", "DiagonalScatterBackward0")
