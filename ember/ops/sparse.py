"""Lookup tables: embedding, embedding_bag, one_hot.

Gradients are dense (ember has no sparse tensors: sparse=True gives the same values as a dense gradient).
Each backward is one scatter-add of gradient rows into a zero table; under create_graph it is a recorded
index_add, so that it is differentiable again.
"""
import numpy as np

from .._device import array_module
from .._dtype import int64
from .._tensor import _wrap
from ..autograd import grad_mode
from ..autograd.function import Op
from ..autograd.grad_mode import no_grad
from .index import IndexAddBackward0, IndexSelectBackward0, _scatter_at

__all__ = ["embedding", "embedding_bag", "one_hot"]

_state = grad_mode.state


def _rows_sum(rows, index, n):
    """A tensor of n rows (each shaped as rows' rows) holding the sum of the rows sent to each index."""
    xp = array_module(rows._data)
    table = xp.zeros((n,) + rows.shape[1:], dtype=rows._data.dtype)
    if _state.enabled:
        return IndexAddBackward0.apply(_wrap(table), 0, index, rows, 1)
    _scatter_at("add", table, (index,), rows._data)
    return _wrap(table)


def _frequency_scale(xp, idx, dtype):
    """1 / (the number of times each position's index occurs), for scale_grad_by_freq."""
    _, inverse, counts = xp.unique(idx, return_inverse=True, return_counts=True)
    return (1 / counts.astype(dtype))[inverse.reshape(-1)]


class EmbeddingBackward0(Op):
    """weight[indices]; the gradient of each row is the sum of the gradients of the positions picking it."""

    @staticmethod
    def forward(ctx, weight, idx, padding_idx, scale_grad_by_freq):
        ctx.idx, ctx.n = idx.reshape(-1), weight.shape[0]
        xp = array_module(weight)
        scale = _frequency_scale(xp, ctx.idx, weight.dtype) if scale_grad_by_freq else None
        if padding_idx is not None and padding_idx >= 0:
            keep = (ctx.idx != padding_idx).astype(weight.dtype)
            scale = keep if scale is None else scale * keep
        ctx.scale = None if scale is None else scale[:, None]
        return weight[idx]

    @staticmethod
    def backward(ctx, g):
        rows = g.reshape(-1, g.shape[-1])
        if ctx.scale is not None:
            rows = rows * _wrap(ctx.scale)
        return _rows_sum(rows, ctx.idx, ctx.n)


def _index_array(input, fn):
    idx = input._data
    if idx.dtype not in (np.int64, np.int32):
        from .._creation import legacy_type_name
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {legacy_type_name(input).replace('ember.', 'torch.')} instead "
                           f"(while checking arguments for {fn})")
    return idx


def _check_range(idx, n):
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise IndexError("index out of range in self")


def _padding(padding_idx, n, word="Padding_idx"):
    """padding_idx as a row number (None stays None); word is how the error message spells it."""
    if padding_idx is None:
        return None
    if not -n <= padding_idx < n:
        raise AssertionError(f"{word} must be within num_embeddings")
    return padding_idx + n if padding_idx < 0 else padding_idx


def _renorm(weight, idx, max_norm, norm_type):
    """Scale the rows of weight picked by idx in place so that their norm is at most max_norm."""
    with no_grad():
        rows = array_module(idx).unique(idx.reshape(-1))
        w = weight._data
        norms = np.linalg.norm(w[rows], ord=norm_type, axis=1) if array_module(w) is np else \
            (abs(w[rows]) ** norm_type).sum(axis=1) ** (1 / norm_type)
        big = norms > max_norm
        w[rows[big]] *= (max_norm / (norms[big] + 1e-7))[:, None].astype(w.dtype)
        weight._vc[0] += 1


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """Rows of weight picked by the indices in input; the padding_idx row gets no gradient, and with max_norm
    the picked rows are first renormalized in place."""
    idx = _index_array(input, "embedding")
    n = weight.shape[0]
    padding_idx = _padding(padding_idx, n)
    _check_range(idx, n)
    if max_norm is not None:
        _renorm(weight, idx, max_norm, norm_type)
    return EmbeddingBackward0.apply(weight, idx, padding_idx, scale_grad_by_freq)


class EmbeddingBagBackward0(Op):
    """Per bag, the sum / mean / max of the weight rows idx picks (bag[k] is the bag of pick k, position[k]
    its place in the input, for per_sample_weights)."""
    retain_inputs = (0, 1)

    @staticmethod
    def forward(ctx, weight, per_sample_weights, idx, bag, position, n_bags, mode, scale_grad_by_freq):
        xp = array_module(weight)
        ctx.idx, ctx.bag, ctx.position, ctx.mode = idx, bag, position, mode
        ctx.n_input = None if per_sample_weights is None else per_sample_weights.size
        rows = weight[idx]
        d = weight.shape[1]
        ctx.scale = _frequency_scale(xp, idx, weight.dtype) if scale_grad_by_freq else None
        if mode == "max":
            out = xp.full((n_bags, d), -np.inf, dtype=weight.dtype)
            _scatter_at("maximum", out, (bag,), rows)
            first = xp.full((n_bags, d), idx.size, dtype=np.int64)
            pick = xp.where(rows == out[bag], xp.arange(idx.size)[:, None], idx.size)
            _scatter_at("minimum", first, (bag,), pick)
            filled = first < idx.size
            ctx.cells = xp.flatnonzero(filled)      # (bag, column) cells that hold a maximum, flattened
            ctx.target = idx[first.reshape(-1)[ctx.cells]] * d + ctx.cells % d
            out[~filled] = 0
            return out
        if per_sample_weights is not None:
            rows = rows * per_sample_weights[position][:, None]
        out = xp.zeros((n_bags, d), dtype=weight.dtype)
        _scatter_at("add", out, (bag,), rows)
        ctx.bag_scale = None
        if mode == "mean":
            counts = xp.bincount(bag, minlength=n_bags).astype(weight.dtype)
            ctx.bag_scale = (1 / xp.maximum(counts, 1))[:, None]
            out *= ctx.bag_scale
        return out

    @staticmethod
    def backward(ctx, g):
        weight, per_sample_weights = ctx.saved_tensors
        n, d = weight.shape
        if ctx.mode == "max":
            return _rows_sum(IndexSelectBackward0.apply(g.reshape(-1), 0, ctx.cells), ctx.target, n * d).reshape(n, d)
        grows = IndexSelectBackward0.apply(g * _wrap(ctx.bag_scale) if ctx.bag_scale is not None else g, 0, ctx.bag)
        gw = gp = None
        if ctx.needs_input_grad[0]:
            rows = grows
            if per_sample_weights is not None:
                rows = rows * IndexSelectBackward0.apply(per_sample_weights, 0, ctx.position).unsqueeze(1)
            if ctx.scale is not None:
                rows = rows * _wrap(ctx.scale[:, None])
            gw = _rows_sum(rows, ctx.idx, n)
        if ctx.needs_input_grad[1]:
            picked = IndexSelectBackward0.apply(weight, 0, ctx.idx)
            gp = _rows_sum((grows * picked).sum(1), ctx.position, ctx.n_input)
        return gw, gp


_MODES = ("sum", "mean", "max")


def _bags(input, offsets, per_sample_weights, include_last_offset):
    """The flat indices, the bag of each, their count, and the flat per-sample weights."""
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError(f"if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {type(offsets).__name__}")
        idx = input._data.reshape(-1)
        xp = array_module(idx)
        bag = xp.repeat(xp.arange(input.shape[0]), input.shape[1])
        return idx, bag, input.shape[0], None if per_sample_weights is None else per_sample_weights.reshape(-1)
    if input.dim() != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}")
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    if offsets.dim() != 1:
        raise ValueError("offsets has to be a 1D Tensor")
    idx, starts = input._data, offsets._data.astype(np.int64)
    xp = array_module(idx)
    if starts.size and starts[0] != 0:
        raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                           f"position 0. However, got {int(starts[0])}")
    n_bags = starts.size - 1 if include_last_offset else starts.size
    bag = xp.searchsorted(starts[:n_bags], xp.arange(idx.size), side="right") - 1
    if include_last_offset:     # positions from the last offset on belong to no bag
        bag = bag[:int(starts[-1])] if starts.size else bag[:0]
        idx = idx[:bag.size]
    return idx, bag, n_bags, per_sample_weights


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """The sum, mean or max of the embeddings of each bag of indices: the rows of 2-D input, or the slices
    of 1-D input that start at offsets. Entries equal to padding_idx are left out of their bag."""
    _index_array(input, "embedding_bag")
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}")
    if per_sample_weights is not None and tuple(input.shape) != tuple(per_sample_weights.shape):
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then it "
                         f"must have the same shape as the input ({input.shape})")
    if mode not in _MODES:
        raise ValueError("mode has to be one of sum, mean or max")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  f"the Pytorch GitHub.")
    n = weight.shape[0]
    padding_idx = _padding(padding_idx, n)
    idx, bag, n_bags, psw = _bags(input, offsets, per_sample_weights, include_last_offset)
    _check_range(idx, n)
    if max_norm is not None:
        _renorm(weight, idx, max_norm, norm_type)
    xp = array_module(idx)
    position = xp.arange(idx.size)
    if padding_idx is not None:
        keep = idx != padding_idx
        idx, bag, position = idx[keep], bag[keep], position[keep]
    return EmbeddingBagBackward0.apply(weight, psw, idx, bag, position, n_bags, mode, scale_grad_by_freq)


def one_hot(tensor, num_classes=-1):
    """A LongTensor with one more dim of size num_classes, 1 at each value of tensor and 0 elsewhere."""
    if tensor.dtype is not int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    x = tensor._data
    if num_classes == -1:
        if x.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(x.max()) + 1
    if x.size and x.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if x.size and x.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    xp = array_module(x)
    return _wrap((x[..., None] == xp.arange(num_classes)).astype(np.int64))
