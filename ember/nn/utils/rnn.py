"""Variable-length sequences for recurrent layers: pad_sequence and packing, as torch.nn.utils.rnn.

Each conversion is one gather (index_select) of rows, so gradients flow back through it.
"""
from collections import namedtuple

import numpy as np

from ... import _creation
from ..._tensor import Tensor
from ...ops.shape import cat

__all__ = ["PackedSequence", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence", "pack_sequence",
           "invert_permutation"]


class PackedSequence(namedtuple("PackedSequence", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """A batch of sequences of different lengths, time step after time step: data holds the batch_sizes[t]
    running sequences of step t, sequences sorted by decreasing length (sorted_indices maps back)."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            data, batch_sizes = data
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        move = (lambda t: None if t is None else t.to(data.device))
        return type(self)(data, self.batch_sizes, move(self.sorted_indices), move(self.unsorted_indices))

    @property
    def is_cuda(self):
        return self.data.is_cuda


def invert_permutation(permutation):
    """The inverse of a permutation given as a 1-D index tensor (None stays None)."""
    if permutation is None:
        return None
    p = permutation.numpy()
    inverse = np.empty_like(p)
    inverse[p] = np.arange(p.size)
    return _creation.tensor(inverse, device=permutation.device)


def _lengths_list(lengths):
    return [int(n) for n in (lengths.tolist() if isinstance(lengths, Tensor) else lengths)]


def _rows_with_padding(values, index, shape, padding_value):
    """values (rows, *) gathered into shape (index: row of values per output row, -1 for padding)."""
    pad = _creation.full((1,) + tuple(values.shape[1:]), padding_value, dtype=values.dtype, device=values.device)
    index = np.where(index < 0, values.shape[0], index)
    rows = cat([values, pad], 0).index_select(0, _creation.tensor(index, device=values.device))
    return rows.reshape(shape + tuple(values.shape[1:]))


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch (T x B x * or B x T x *) of sequences with the given lengths."""
    lengths = _lengths_list(lengths)
    sorted_indices = None
    if enforce_sorted:
        if any(a < b for a, b in zip(lengths, lengths[1:])):
            raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
                               "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to "
                               "sidestep this requirement if you do not need ONNX exportability.")
        order = np.arange(len(lengths))
    else:
        order = np.argsort(-np.asarray(lengths), kind="stable")
        sorted_indices = _creation.tensor(order, device=input.device)
        lengths = [lengths[i] for i in order]
    if lengths and lengths[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' "
                           "that is <= 0")
    if batch_first:
        input = input.transpose(0, 1)
    steps, batch = input.shape[0], input.shape[1]
    if lengths[0] > steps:
        raise RuntimeError(f"Expected sequence length to be larger than or equal to {lengths[0]}, but got {steps}")
    batch_sizes = [sum(n > t for n in lengths) for t in range(lengths[0])]
    index = np.concatenate([t * batch + order[:b] for t, b in enumerate(batch_sizes)])
    flat = input.reshape((steps * batch,) + tuple(input.shape[2:]))
    data = flat.index_select(0, _creation.tensor(index, device=input.device))
    return PackedSequence(data, _creation.tensor(batch_sizes), sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Unpack a PackedSequence into a padded batch; returns (padded, lengths)."""
    data, batch_sizes, _, unsorted_indices = sequence
    sizes = _lengths_list(batch_sizes)
    steps = len(sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError(f"Expected total_length to be at least the length of the longest sequence in input, "
                             f"but got total_length={total_length} and max sequence length being {steps}")
        steps = total_length
    batch = sizes[0]
    index = np.full((steps, batch), -1)
    start = 0
    for t, b in enumerate(sizes):
        index[t, :b] = np.arange(start, start + b)
        start += b
    lengths = (index >= 0).sum(0)
    if unsorted_indices is not None:
        order = unsorted_indices.numpy()
        index, lengths = index[:, order], lengths[order]
    if batch_first:
        index = index.T
    padded = _rows_with_padding(data, index.reshape(-1), index.shape, padding_value)
    return padded, _creation.tensor(lengths.astype(np.int64))


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack tensors of shape (L_i, *) into (max L, B, *) (or (B, max L, *)), padding with padding_value."""
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    sequences = list(sequences)
    lengths = [s.shape[0] for s in sequences]
    steps = max(lengths)
    index = np.full((len(sequences), steps), -1)
    start = 0
    for b, n in enumerate(lengths):
        where = slice(0, n) if padding_side == "right" else slice(steps - n, steps)
        index[b, where] = np.arange(start, start + n)
        start += n
    if not batch_first:
        index = index.T
    return _rows_with_padding(cat(sequences, 0), index.reshape(-1), index.shape, padding_value)


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of tensors (L_i, *) of different lengths."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)
