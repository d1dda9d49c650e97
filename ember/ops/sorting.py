"""Sorting and counting: sort, argsort, topk, kthvalue, mode, unique, searchsorted, bucketize, bincount, histc,
isin."""
import functools
import math

import numpy as np

from .. import return_types
from .._creation import zeros
from .._device import array_module
from .._dtype import complex128, promote_types, result_type
from .._tensor import Tensor, _wrap, _wrap_dim, discards_imag
from .reduce import _IndexReduction, _TakeAlong, _check_nonempty, _refuse_complex, _type_name

__all__ = ["sort", "argsort", "msort", "topk", "kthvalue", "mode", "unique", "unique_consecutive", "searchsorted",
           "bucketize", "bincount", "histc", "isin"]


# ---- sort, topk, kthvalue, mode -------------------------------------------------------------------
def _no_complex_sort(input, name):
    if input._data.dtype.kind == "c":
        raise RuntimeError(f" {name} does not support complex dtypes on CPU")


def _argsort(xp, x, dim, descending):
    """A stable argsort along dim: equal elements keep their order and NaN counts as the largest value."""
    if not descending:
        return xp.argsort(x, axis=dim, kind="stable")
    # the ascending order of the reversed input, read backwards, is descending with ties in input order
    return (x.shape[dim] - 1) - xp.flip(xp.argsort(xp.flip(x, dim), axis=dim, kind="stable"), dim)


class SortBackward0(_TakeAlong):
    indices = staticmethod(lambda xp, x, dim, descending: _argsort(xp, x, dim, descending))


class SortBackward1(SortBackward0):
    """sort with stable=True (PyTorch's name for that overload)."""


def sort(input, dim=-1, descending=False, *, stable=False):
    """(values, indices) of input sorted along dim; NaN sorts as the largest value, equal elements keep their
    order."""
    _no_complex_sort(input, "Sort")
    op = SortBackward1 if stable else SortBackward0
    return return_types.sort(*op.apply(input, _wrap_dim(dim, input.ndim), descending))


def argsort(input, dim=-1, descending=False, *, stable=False):
    """The indices that sort input along dim."""
    _no_complex_sort(input, "Sort")
    x = input._data
    if x.ndim == 0:
        return _wrap(array_module(x).zeros((), dtype=np.int64))
    return _wrap(_argsort(array_module(x), x, _wrap_dim(dim, x.ndim), descending))


def msort(input):
    """input sorted along its first dim."""
    return sort(input, 0).values


def _topk_indices(xp, x, dim, k, largest):
    n = x.shape[dim]
    if 0 < k < n:
        # partition first (linear time), then sort only the k selected
        part = xp.argpartition(x, n - k if largest else k - 1, axis=dim)
        keep = slice(n - k, None) if largest else slice(0, k)
        # in index order, so that the stable sort below orders ties by index
        part = xp.sort(part[(slice(None),) * dim + (keep,)], axis=dim)
    else:
        part = xp.broadcast_to(xp.arange(k).reshape((-1,) + (1,) * (x.ndim - dim - 1)),
                               x.shape[:dim] + (k,) + x.shape[dim + 1:])
    order = _argsort(xp, xp.take_along_axis(x, part, axis=dim), dim, largest)
    return xp.take_along_axis(part, order, axis=dim)


class TopkBackward0(_TakeAlong):
    indices = staticmethod(_topk_indices)


def topk(input, k, dim=-1, largest=True, sorted=True):
    """(values, indices) of the k largest (or smallest) elements along dim, in sorted order."""
    _no_complex_sort(input, "topk")
    d = _wrap_dim(dim, input.ndim)
    size = input.shape[d] if input.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    if input.dtype.np == np.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    return return_types.topk(*TopkBackward0.apply(input, d, int(k), largest))


class KthvalueBackward0(_IndexReduction):
    pick = staticmethod(lambda xp, x, dim, k: xp.take(xp.argpartition(x, k - 1, axis=dim), [k - 1], axis=dim))


def kthvalue(input, k, dim=-1, keepdim=False):
    """(values, indices) of the k-th smallest element along dim."""
    _refuse_complex(input, "kthvalue_cpu")
    d = _wrap_dim(dim, input.ndim)
    _check_nonempty("kthvalue", input, (d,) if input.ndim else (), False)
    if not 1 <= k <= (input.shape[d] if input.ndim else 1):
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    return return_types.kthvalue(*KthvalueBackward0.apply(input, d, keepdim, int(k)))


def _mode_index(xp, x, dim):
    """The index of the last occurrence of the most frequent value along dim (the smallest such value on ties)."""
    order = xp.moveaxis(xp.argsort(x, axis=dim, kind="stable"), dim, -1)
    s = xp.take_along_axis(xp.moveaxis(x, dim, -1), order, axis=-1)
    positions = xp.arange(s.shape[-1])
    new = xp.ones(s.shape, dtype=bool)
    new[..., 1:] = s[..., 1:] != s[..., :-1]
    run_length = positions - xp.maximum.accumulate(xp.where(new, positions, 0), axis=-1)
    best = xp.argmax(run_length, axis=-1)[..., None]
    return xp.moveaxis(xp.take_along_axis(order, best, axis=-1), -1, dim)


class ModeBackward0(_IndexReduction):
    pick = staticmethod(_mode_index)


def mode(input, dim=-1, keepdim=False):
    """(values, indices) of the most frequent value along dim: the smallest one on ties, at its last index."""
    _refuse_complex(input, "mode_cpu")
    d = _wrap_dim(dim, input.ndim)
    _check_nonempty("mode", input, (d,) if input.ndim else (), False)
    return return_types.mode(*ModeBackward0.apply(input, d, keepdim))


# ---- unique ---------------------------------------------------------------------------------------
def _unique_rows(input, dim, sort_first):
    """The distinct consecutive entries (dim None) or slices along dim of input, sorted first if asked:
    (values, inverse, counts) as backend arrays."""
    _refuse_complex(input, "unique" if dim is None else "unique_dim")
    x = input._data
    xp = array_module(x)
    if dim is None:
        rows = x.reshape(-1, 1)
    else:
        dim = _wrap_dim(dim, x.ndim)
        if x.ndim and x.shape[dim] and any(s == 0 for i, s in enumerate(x.shape) if i != dim):
            raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied")
        moved = xp.moveaxis(x, dim, 0) if x.ndim else x.reshape(1)
        rows = moved.reshape(moved.shape[0], math.prod(moved.shape[1:]))
    m = rows.shape[0]
    order = xp.lexsort(rows.T[::-1]) if sort_first and m else xp.arange(m)
    rows = rows[order]
    new = xp.ones(m, dtype=bool)
    new[1:] = (rows[1:] != rows[:-1]).any(axis=1)
    inverse = xp.empty(m, dtype=np.int64)
    inverse[order] = xp.cumsum(new) - 1
    counts = xp.diff(xp.append(xp.flatnonzero(new), m)).astype(np.int64)
    if dim is None:
        return rows[new, 0], inverse.reshape(x.shape), counts
    values = rows[new].reshape((-1,) + moved.shape[1:])
    return (xp.moveaxis(values, 0, dim) if x.ndim else values.reshape(())), inverse, counts


def _unique_result(arrays, return_inverse, return_counts):
    values, inverse, counts = (_wrap(a) for a in arrays)
    if not (return_inverse or return_counts):
        return values
    return (values,) + ((inverse,) if return_inverse else ()) + ((counts,) if return_counts else ())


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct elements of input (or distinct slices along dim), sorted; optionally the index of each input
    element in them and their counts."""
    return _unique_result(_unique_rows(input, dim, True), return_inverse, return_counts)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """input without consecutive repeats (of elements, or of slices along dim); optionally inverse and counts."""
    return _unique_result(_unique_rows(input, dim, False), return_inverse, return_counts)


# ---- searchsorted, bucketize ----------------------------------------------------------------------
def _insertion_points(xp, seq, values, right):
    """Where values would go in the rows of seq (its last dim) to keep them sorted, batched over leading dims."""
    side = "right" if right else "left"
    if seq.ndim == 1:
        return xp.searchsorted(seq, values, side=side).astype(np.int64)
    n, m = seq.shape[-1], values.shape[-1]
    batch = math.prod(seq.shape[:-1])
    rows, queries = seq.reshape(batch, n), values.reshape(batch, m)
    dtype = xp.result_type(rows, queries)
    keys = xp.concatenate([rows.astype(dtype), queries.astype(dtype)], axis=1)
    is_seq = xp.zeros(keys.shape, dtype=np.int8)
    is_seq[:, :n] = 1
    # one sort of each row with its queries: on ties a query goes before (left) or after (right) the boundaries
    order = xp.lexsort((1 - is_seq if right else is_seq, keys), axis=-1)
    before = xp.cumsum(xp.take_along_axis(is_seq, order, axis=-1), axis=-1, dtype=np.int64)
    points = xp.empty(keys.shape, dtype=np.int64)
    xp.put_along_axis(points, order, before, axis=-1)
    return points[:, n:].reshape(values.shape)


def _shape_str(shape):
    return "[" + ", ".join(map(str, shape)) + "]"


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    """The indices where the elements of input would be inserted into the innermost dim of sorted_sequence to keep
    it sorted (the first such place, or the last if right or side='right')."""
    seq = sorted_sequence._data
    xp = array_module(seq)
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == "right"
    if seq.ndim == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 "
                           "dimension")
    scalar = not isinstance(input, Tensor)
    values = xp.asarray(input) if scalar else input._data
    if seq.dtype.kind == "c" or values.dtype.kind == "c":
        _refuse_complex(zeros(0, dtype=result_type(sorted_sequence, input)), "searchsorted_out_cpu")
    if seq.ndim > 1:
        if scalar:
            raise RuntimeError(f"torch.searchsorted(): input value can be a scalar only when boundaries tensor "
                               f"dimension is 1, but we got boundaries tensor dim({seq.ndim}) and input value's "
                               f"dim(0) numel(1)")
        if seq.shape[:-1] != values.shape[:-1] or values.ndim != seq.ndim:
            raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                               f"dimensions of boundaries tensor and input value tensor must match, but we got "
                               f"boundaries tensor {_shape_str(seq.shape)} and input value tensor "
                               f"{_shape_str(values.shape)}")
    if sorter is not None:
        if sorter.shape != sorted_sequence.shape:
            raise RuntimeError(f"torch.searchsorted(): boundary and sorter must have the same size, but got boundary "
                               f"tensor {_shape_str(seq.shape)}and got sorter tensor {_shape_str(sorter.shape)}")
        seq = xp.take_along_axis(seq, sorter._data, axis=-1)
    points = _insertion_points(xp, seq, values, right)
    return _wrap(xp.asarray(points, dtype=np.int32 if out_int32 else np.int64))


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """The index of the bucket of each element of input: i with boundaries[i-1] < x <= boundaries[i]
    (boundaries[i-1] <= x < boundaries[i] if right)."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


# ---- bincount, histc, isin ------------------------------------------------------------------------
def bincount(input, weights=None, minlength=0):
    """The number of occurrences of each value in a 1-D tensor of non-negative integers (the sum of their weights
    if given)."""
    x = input._data
    xp = array_module(x)
    if x.dtype.kind not in "iu":
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{_type_name(input)}'")
    if x.ndim != 1 or (x.size and x.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return _wrap(xp.bincount(x, minlength=minlength).astype(np.int64))
    w = weights._data
    if w.ndim != 1 or w.shape[0] != x.shape[0]:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    if discards_imag(w.dtype, np.dtype(np.float64)):
        w = w.real.astype(np.float64)
    out = xp.bincount(x, weights=w, minlength=minlength)
    return _wrap(out.astype(w.dtype if w.dtype.kind == "f" else np.float64))


def histc(input, bins=100, min=0, max=0):
    """The histogram of input: bins equal-width bins between min and max (the data's range if both are equal);
    elements outside are ignored."""
    x = input._data
    xp = array_module(x)
    if x.dtype.kind == "c" and min == max:
        _refuse_complex(input, "aminmax_cpu")
    if x.dtype.kind != "f":
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{_type_name(input)}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    if min > max:
        raise RuntimeError("torch.histc: max must be larger than min")
    lo, hi = float(min), float(max)
    if lo == hi and x.size:
        lo, hi = float(x.min()), float(x.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo:g}, {hi:g}] is not finite")
    x = x[(x >= lo) & (x <= hi)]
    index = ((x - x.dtype.type(lo)) * x.dtype.type(bins / (hi - lo))).astype(np.int64)
    return _wrap(xp.bincount(xp.minimum(index, bins - 1), minlength=bins).astype(x.dtype))


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """A boolean tensor of the shape of elements: True where an element is in test_elements (False if invert)."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError(f"isin() received an invalid combination of arguments - got ({type(elements).__name__}, "
                        f"{type(test_elements).__name__}), but expected one of: (Tensor elements, Tensor "
                        f"test_elements), (Number element, Tensor test_elements), (Tensor elements, Number "
                        f"test_element)")
    given = [a.dtype if isinstance(a, Tensor) else complex128 for a in (elements, test_elements)
             if isinstance(a, Tensor) and a.is_complex() or isinstance(a, complex)]
    if given:
        raise RuntimeError(f"Unsupported input type encountered for isin(): "
                           f"{_type_name(zeros(0, dtype=functools.reduce(promote_types, given)))}")
    like = elements if isinstance(elements, Tensor) else test_elements
    xp = array_module(like._data)
    e = elements._data if isinstance(elements, Tensor) else xp.asarray(elements)
    t = test_elements._data if isinstance(test_elements, Tensor) else xp.asarray(test_elements)
    return _wrap(xp.asarray(xp.isin(e, t, assume_unique=assume_unique, invert=invert)))


def _methods():
    for fn in (sort, argsort, msort, topk, kthvalue, mode, unique, unique_consecutive, bincount, histc):
        setattr(Tensor, fn.__name__, fn)


_methods()
