"""Shape ops: view/reshape, permute/transpose, squeeze/unsqueeze, expand, cat/stack, split ..."""
import functools
import math

import numpy as np

from .._device import array_module
from .._dtype import promote_types
from .._tensor import Tensor, _wrap_dim
from ..autograd.function import Op
from .reduce import _dims

__all__ = ["reshape", "view", "view_as", "reshape_as", "permute", "transpose", "swapaxes", "swapdims", "t",
           "unsqueeze", "squeeze", "expand", "expand_as", "sum_to_size", "clone", "contiguous", "flatten",
           "unflatten", "tile", "flip", "roll", "cat", "concat", "concatenate", "stack", "hstack", "vstack",
           "split", "chunk", "narrow", "unbind", "select", "movedim", "moveaxis"]


def _shape_arg(shape):
    """A shape from view(2, 3), view((2, 3)) or view([2, 3])."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


def _infer(shape, numel):
    """shape with its -1 (if any) replaced by the size that makes it hold numel elements."""
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for i, s in enumerate(shape):
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {list(shape)}")
            known *= s
    if -1 in shape:
        if known == 0 and numel == 0:
            raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {list(shape)} because the "
                               f"unspecified dimension size -1 can be any value and is ambiguous")
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def _at(dim, index):
    """A basic index that applies `index` (an int or a slice) along dim."""
    return (slice(None),) * dim + (index, Ellipsis)


def _dim_of(dim, ndim):
    """dim wrapped for an op that has no meaning on a 0-d tensor."""
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return _wrap_dim(dim, ndim)


class ViewOp(Op):
    """An op whose result may share memory with its input: it then shares the version counter."""
    is_view = True


class ViewBackward0(ViewOp):
    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return x.reshape(_infer(shape, x.size))

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape), None


class UnsafeViewBackward0(ViewBackward0):
    is_view = False


def reshape(input, *shape):
    """input with the given shape (a view when possible); one dimension may be -1."""
    shape = _shape_arg(shape)
    if shape == input._data.shape:
        return ViewBackward0.apply(input, shape)
    if input._data.flags.c_contiguous:
        return ViewBackward0.apply(input, shape)
    return UnsafeViewBackward0.apply(input, shape)


def view(input, *shape):
    """A view of input with the given shape; input must be laid out compatibly (else use reshape)."""
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int, np.integer)):
        from .._dtype import to_dtype
        return input.to(to_dtype(shape[0]))
    shape = _shape_arg(shape)
    if not input._data.flags.c_contiguous and _infer(shape, input._data.size) != input._data.shape:
        try:
            v = input._data.view()
            v.shape = _infer(shape, input._data.size)
        except AttributeError:
            raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                               "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
                               ) from None
    return ViewBackward0.apply(input, shape)


def view_as(input, other):
    return view(input, other.shape)


def reshape_as(input, other):
    return reshape(input, other.shape)


class PermuteBackward0(ViewOp):
    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return x.transpose(dims)

    @staticmethod
    def backward(ctx, g):
        return g.permute(tuple(np.argsort(ctx.dims))), None


def permute(input, *dims):
    """input with its dimensions reordered."""
    dims = _shape_arg(dims)
    n = input._data.ndim
    if len(dims) != n:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {n} is not equal "
                           f"to len(dims) = {len(dims)}")
    dims = tuple(_wrap_dim(d, n) for d in dims)
    if len(set(dims)) != n:
        raise RuntimeError(f"permute(): duplicate dims are not allowed: {list(dims)}")
    return PermuteBackward0.apply(input, dims)


class TransposeBackward0(ViewOp):
    @staticmethod
    def forward(ctx, x, d0, d1):
        ctx.d = (d0, d1)
        return x.swapaxes(d0, d1)

    @staticmethod
    def backward(ctx, g):
        return g.transpose(*ctx.d), None, None


def transpose(input, dim0, dim1):
    """input with dimensions dim0 and dim1 swapped."""
    n = input._data.ndim
    return TransposeBackward0.apply(input, _wrap_dim(dim0, n), _wrap_dim(dim1, n))


swapaxes = swapdims = transpose


class TBackward0(ViewOp):
    @staticmethod
    def forward(ctx, x):
        return x.T

    @staticmethod
    def backward(ctx, g):
        return g.t()


def t(input):
    """Transpose of a tensor of at most 2 dimensions."""
    if input._data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input._data.ndim}D")
    return TBackward0.apply(input)


class UnsqueezeBackward0(ViewOp):
    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return array_module(x).expand_dims(x, dim)

    @staticmethod
    def backward(ctx, g):
        return g.squeeze(ctx.dim), None


def unsqueeze(input, dim):
    """input with a new dimension of size 1 inserted at dim."""
    return UnsqueezeBackward0.apply(input, _wrap_dim(dim, input._data.ndim + 1))


class SqueezeBackward0(ViewOp):
    @staticmethod
    def forward(ctx, x, dims):
        ctx.shape = x.shape
        return x.reshape(tuple(s for i, s in enumerate(x.shape) if i not in dims))

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape), None


class SqueezeBackward1(SqueezeBackward0):
    """squeeze(dim) with one dim."""


class SqueezeBackward2(SqueezeBackward0):
    """squeeze(dim) with a tuple of dims."""


def squeeze(input, dim=None):
    """input without its dimensions of size 1 (all of them, or those in dim)."""
    shape = input._data.shape
    if dim is None:
        return SqueezeBackward0.apply(input, tuple(i for i, s in enumerate(shape) if s == 1))
    if isinstance(dim, (int, np.integer)):
        d = _wrap_dim(int(dim), len(shape))
        return SqueezeBackward1.apply(input, (d,) if shape and shape[d] == 1 else ())
    dims = _dims(dim, len(shape)) if len(dim) else ()
    return SqueezeBackward2.apply(input, tuple(d for d in dims if shape[d] == 1))


class ExpandBackward0(ViewOp):
    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return array_module(x).broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, g):
        return g.sum_to_size(ctx.shape), None


def expand(input, *sizes):
    """A view of input broadcast to sizes (-1 keeps a dimension); no memory is copied."""
    sizes = _shape_arg(sizes)
    shape = input._data.shape
    lead = len(sizes) - len(shape)
    if lead < 0:
        from .._creation import legacy_type_name
        raise RuntimeError(f"expand({legacy_type_name(input)}{{{list(shape)}}}, size={list(sizes)}): the number of "
                           f"sizes provided ({len(sizes)}) must be greater or equal to the number of dimensions in "
                           f"the tensor ({len(shape)})")
    out = list(sizes)
    for i, s in enumerate(shape):
        want = sizes[i + lead]
        if want == -1:
            out[i + lead] = s
        elif s != want and s != 1:
            raise RuntimeError(f"The expanded size of the tensor ({want}) must match the existing size ({s}) at "
                               f"non-singleton dimension {i + lead}.  Target sizes: {list(sizes)}.  Tensor "
                               f"sizes: {list(shape)}")
    return ExpandBackward0.apply(input, tuple(out))


def expand_as(input, other):
    return expand(input, other.shape)


def sum_to_size(input, *size):
    """input summed over broadcast dimensions down to size."""
    size = _shape_arg(size)
    shape = input._data.shape
    lead = len(shape) - len(size)
    if lead < 0 or any(s != 1 and s != shape[i + lead] for i, s in enumerate(size)):
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(shape)}}}.")
    dims = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(size) if s == 1 and shape[i + lead] != 1)
    out = input.sum(dims, keepdim=True) if dims else input
    return reshape(out, size) if out._data.shape != size else out


class CloneBackward0(Op):
    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, g):
        return g


def clone(input, *, memory_format=None):
    """A copy of input with its own memory (recorded: gradients flow back to input)."""
    return CloneBackward0.apply(input)


def contiguous(input, memory_format=None):
    """input if it is C-contiguous, else a contiguous copy."""
    return input if input._data.flags.c_contiguous else clone(input)


# ---- flatten, unflatten, repeat, tile, flip, roll, movedim ------------------------------------------
def flatten(input, start_dim=0, end_dim=-1):
    """input with dimensions start_dim..end_dim merged into one (a view when possible)."""
    n = input._data.ndim
    start, end = _wrap_dim(start_dim, n), _wrap_dim(end_dim, n)
    if n == 0:
        return reshape(input, 1)
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if start == end:
        return input
    shape = input._data.shape
    return reshape(input, shape[:start] + (math.prod(shape[start:end + 1]),) + shape[end + 1:])


def unflatten(input, dim, sizes):
    """A view of input with dimension dim split into sizes (one of them may be -1)."""
    shape = input._data.shape
    d = _dim_of(dim, len(shape))
    sizes = tuple(int(s) for s in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    if sizes.count(-1) > 1:
        raise RuntimeError("unflatten got an unexpected error:\nonly one dimension can be inferred")
    known = math.prod(s for s in sizes if s != -1)
    if (known == 0 or shape[d] % known) if -1 in sizes else known != shape[d]:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {d} "
                           f"({shape[d]}) in the input tensor")
    sizes = tuple(shape[d] // known if s == -1 else s for s in sizes)
    return view(input, shape[:d] + sizes + shape[d + 1:])


class RepeatBackward0(Op):
    @staticmethod
    def forward(ctx, x, repeats):
        ctx.shape, ctx.repeats = x.shape, repeats
        return array_module(x).tile(x, repeats)

    @staticmethod
    def backward(ctx, g):
        if not ctx.repeats:
            return g, None
        padded = (1,) * (len(ctx.repeats) - len(ctx.shape)) + ctx.shape
        pairs = tuple(s for pair in zip(ctx.repeats, padded) for s in pair)
        return g.reshape(pairs).sum(tuple(range(0, len(pairs), 2))).reshape(ctx.shape), None


def repeat(input, *repeats):
    """input repeated repeats[i] times along each dimension (leading new dimensions allowed)."""
    repeats = _shape_arg(repeats)
    shape = input._data.shape
    if len(repeats) < len(shape):
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                           "tensor")
    padded = (1,) * (len(repeats) - len(shape)) + shape
    out = [r * s for r, s in zip(repeats, padded)]
    if any(r < 0 for r in repeats):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(out)}: {out}")
    return RepeatBackward0.apply(input, repeats)


def tile(input, dims):
    """input repeated dims[i] times along each dimension; missing leading dims count as 1."""
    dims = _shape_arg((dims,))
    return repeat(input, (1,) * (input._data.ndim - len(dims)) + dims)


class FlipBackward0(Op):
    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return array_module(x).flip(x, dims).copy()

    @staticmethod
    def backward(ctx, g):
        return g.flip(ctx.dims), None


def flip(input, dims):
    """A copy of input with the order of elements reversed along dims."""
    dims = _shape_arg((dims,))
    return FlipBackward0.apply(input, _dims(dims, input._data.ndim) if dims else ())


class RollBackward0(Op):
    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return array_module(x).roll(x, shifts, dims)

    @staticmethod
    def backward(ctx, g):
        return roll(g, tuple(-s for s in ctx.shifts) if ctx.dims is not None else -ctx.shifts, ctx.dims), None, None


def roll(input, shifts, dims=None):
    """input with its elements shifted circularly along dims (of the flattened input if dims is None)."""
    shifts = (shifts,) if isinstance(shifts, (int, np.integer)) else tuple(shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return RollBackward0.apply(input, int(shifts[0]), None)
    dims = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    n = input._data.ndim
    return RollBackward0.apply(input, tuple(int(s) for s in shifts), tuple(_dim_of(d, n) for d in dims))


def movedim(input, source, destination):
    """A view of input with the dimensions in source moved to the positions in destination."""
    src = (source,) if isinstance(source, (int, np.integer)) else tuple(source)
    dst = (destination,) if isinstance(destination, (int, np.integer)) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} dims) should "
                           f"contain the same number of dims as destination ({list(dst)} dims)")
    n = input._data.ndim
    wsrc, wdst = [_wrap_dim(d, n) for d in src], [_wrap_dim(d, n) for d in dst]
    if len(set(wsrc)) != len(wsrc):
        raise RuntimeError(f"movedim: repeated dim in `source` ({list(src)})")
    if len(set(wdst)) != len(wdst):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({list(dst)})")
    if n == 0:
        return permute(input, ())
    order = [None] * n
    for s, d in zip(wsrc, wdst):
        order[d] = s
    rest = iter(i for i in range(n) if i not in wsrc)
    return permute(input, tuple(next(rest) if o is None else o for o in order))


moveaxis = movedim


# ---- cat, stack ------------------------------------------------------------------------------------
def _tensor_list(fname, tensors):
    if isinstance(tensors, Tensor):
        raise TypeError(f"{fname}(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor")
    tensors = list(tensors)
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    return tensors


def _legacy_empty(shape):
    """cat skips 1-d empty tensors whatever the other shapes, as PyTorch does for old code."""
    return shape == (0,)


class CatBackward0(Op):
    @staticmethod
    def forward(ctx, *xs, dim, dtype):
        ctx.dim = dim
        ctx.sizes = tuple(None if _legacy_empty(x.shape) else x.shape[dim] for x in xs)
        xp = array_module(xs[0])
        kept = [x.astype(dtype.np, copy=False) for x in xs if not _legacy_empty(x.shape)]
        return xp.concatenate(kept, axis=dim) if kept else xp.zeros(0, dtype.np)

    @staticmethod
    def backward(ctx, g):
        grads, start = [], 0
        for size in ctx.sizes:
            if size is None:
                grads.append(g.new_zeros(0))
            else:
                grads.append(narrow(g, ctx.dim, start, size))
                start += size
        return tuple(grads)


def cat(tensors, dim=0):
    """The tensors joined along dim (same shape elsewhere); dtypes are promoted to a common one."""
    tensors = _tensor_list("cat", tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    dtype = functools.reduce(promote_types, (t.dtype for t in tensors))
    kept = [(i, t._data.shape) for i, t in enumerate(tensors) if not _legacy_empty(t._data.shape)]
    if kept:
        ref = kept[0][1]
        dim = _wrap_dim(dim, len(ref))
        for i, shape in kept[1:]:
            if len(shape) != len(ref):
                raise RuntimeError(f"Tensors must have same number of dimensions: got {len(ref)} and {len(shape)}")
            for d, (a, b) in enumerate(zip(ref, shape)):
                if d != dim and a != b:
                    raise RuntimeError(f"Sizes of tensors must match except in dimension {dim}. Expected size {a} "
                                       f"but got size {b} for tensor number {i} in the list.")
    else:
        dim = 0  # only skipped tensors: PyTorch ignores dim
    return CatBackward0.apply(*tensors, dim=dim, dtype=dtype)


def concat(tensors, dim=0):
    """Alias of cat."""
    return cat(tensors, dim)


def concatenate(tensors, axis=0):
    """Alias of cat, with NumPy's argument name."""
    return cat(tensors, axis)


class StackBackward0(Op):
    @staticmethod
    def forward(ctx, *xs, dim, dtype):
        ctx.dim = dim
        return array_module(xs[0]).stack([x.astype(dtype.np, copy=False) for x in xs], axis=dim)

    @staticmethod
    def backward(ctx, g):
        return unbind(g, ctx.dim)


def stack(tensors, dim=0):
    """The tensors (all of one shape) joined along a new dimension dim."""
    tensors = _tensor_list("stack", tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    ref = tensors[0]._data.shape
    for i, t in enumerate(tensors[1:], 1):
        if t._data.shape != ref:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(ref)} at entry 0 and "
                               f"{list(t._data.shape)} at entry {i}")
    dtype = functools.reduce(promote_types, (t.dtype for t in tensors))
    return StackBackward0.apply(*tensors, dim=_wrap_dim(dim, len(ref) + 1), dtype=dtype)


def _at_least(t, ndim):
    """t viewed with at least ndim dimensions (new ones in front, a 1-d tensor becomes a row)."""
    return reshape(t, (1,) * (ndim - t._data.ndim) + t._data.shape) if t._data.ndim < ndim else t


def hstack(tensors):
    """The tensors joined column-wise: along dim 1, or dim 0 for 1-d tensors."""
    tensors = [_at_least(t, 1) for t in _tensor_list("hstack", tensors)]
    if not tensors:
        raise RuntimeError("hstack expects a non-empty TensorList")
    return cat(tensors, 0 if tensors[0]._data.ndim == 1 else 1)


def vstack(tensors):
    """The tensors joined row-wise (along dim 0), 0-d and 1-d ones first made rows."""
    tensors = [_at_least(t, 2) for t in _tensor_list("vstack", tensors)]
    if not tensors:
        raise RuntimeError("vstack expects a non-empty TensorList")
    return cat(tensors, 0)


# ---- split, chunk, unbind, narrow, select ----------------------------------------------------------
class SplitWithSizesBackward0(ViewOp):
    """Views of consecutive pieces of x along dim; the gradient joins the pieces' gradients."""

    @staticmethod
    def forward(ctx, x, sizes, dim):
        ctx.dim = dim
        ends = np.cumsum(sizes).tolist()
        return tuple(x[_at(dim, slice(e - s, e))] for s, e in zip(sizes, ends))

    @staticmethod
    def backward(ctx, *grads):
        like = next(g for g in grads if g is not None)
        parts = [like.new_zeros(shape) if g is None else g for g, (shape, _) in zip(grads, ctx._out_meta)]
        return cat(parts, ctx.dim), None, None


class SplitBackward0(SplitWithSizesBackward0):
    """split with one piece size."""


def split(tensor, split_size_or_sections, dim=0):
    """Views of tensor in pieces along dim: of split_size_or_sections each (the last may be smaller), or of
    the listed sizes."""
    shape = tensor._data.shape
    if not shape:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = _wrap_dim(dim, len(shape))
    size = shape[d]
    if isinstance(split_size_or_sections, (int, np.integer)):
        step = int(split_size_or_sections)
        if step < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
        if step == 0 and size != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
        count = max(-(-size // step), 1) if step else 1
        sizes = (step,) * (count - 1) + (size - step * (count - 1),)
        return SplitBackward0.apply(tensor, sizes, d)
    sizes = tuple(int(s) for s in split_size_or_sections)
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                           f"split_sizes={list(sizes)}")
    if sum(sizes) != size:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at "
                           f"dimension {d}), but got split_sizes={list(sizes)}")
    return SplitWithSizesBackward0.apply(tensor, sizes, d)


def chunk(input, chunks, dim=0):
    """input split into `chunks` views of equal size along dim (the last may be smaller, and fewer may come)."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    shape = input._data.shape
    if not shape:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    size = shape[_wrap_dim(dim, len(shape))]
    if size == 0:
        return split(input, [0] * chunks, dim)
    return split(input, -(-size // chunks), dim)


class UnbindBackward0(ViewOp):
    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return tuple(x[_at(dim, i)] for i in range(x.shape[dim]))

    @staticmethod
    def backward(ctx, *grads):
        like = next(g for g in grads if g is not None)
        return stack([like.new_zeros(shape) if g is None else g for g, (shape, _) in zip(grads, ctx._out_meta)],
                     ctx.dim), None


def unbind(input, dim=0):
    """Views of the slices of input along dim, that dimension removed."""
    return UnbindBackward0.apply(input, _dim_of(dim, input._data.ndim))


def _embed(g, shape, dim, start):
    """g placed at start along dim in zeros of the given shape (the gradient of taking a slice)."""
    before, after = list(shape), list(shape)
    before[dim], after[dim] = start, shape[dim] - start - g.shape[dim]
    return cat([g.new_zeros(before), g, g.new_zeros(after)], dim)


class SliceBackward0(ViewOp):
    @staticmethod
    def forward(ctx, x, dim, start, stop):
        ctx.shape, ctx.dim, ctx.start = x.shape, dim, start
        return x[_at(dim, slice(start, stop))]

    @staticmethod
    def backward(ctx, g):
        return _embed(g, ctx.shape, ctx.dim, ctx.start), None, None, None


def narrow(input, dim, start, length):
    """A view of input's elements start..start+length along dim."""
    shape = input._data.shape
    if not shape:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, len(shape))
    size, start, length = shape[d], int(start), int(length)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    start = start + size if start < 0 else start
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return SliceBackward0.apply(input, d, start, start + length)


class SelectBackward0(ViewOp):
    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.shape, ctx.dim, ctx.index = x.shape, dim, index
        return x[_at(dim, index)]

    @staticmethod
    def backward(ctx, g):
        return _embed(g.unsqueeze(ctx.dim), ctx.shape, ctx.dim, ctx.index), None, None


def select(input, dim, index):
    """A view of input at index along dim, that dimension removed."""
    shape = input._data.shape
    if not shape:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, len(shape))
    index = int(index)
    if not -shape[d] <= index < shape[d]:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(shape)} at dimension {d}")
    return SelectBackward0.apply(input, d, index % shape[d])


def _varargs(fn):
    """The Tensor method form of fn(input, sizes): x.tile(2, 3) as well as x.tile((2, 3))."""
    def method(self, *args, **kwargs):
        if args:
            return fn(self, _shape_arg(args), **kwargs)
        if not kwargs:
            raise TypeError(f'{fn.__name__}() missing 1 required positional arguments: "dims"')
        return fn(self, **kwargs)
    method.__name__, method.__doc__ = fn.__name__, fn.__doc__
    return method


def _methods():
    for fn in (reshape, view, view_as, reshape_as, permute, transpose, swapaxes, swapdims, t, unsqueeze, squeeze,
               expand, expand_as, sum_to_size, clone, contiguous, flatten, unflatten, repeat, roll, split, chunk,
               unbind, narrow, select, movedim, moveaxis, _varargs(tile), _varargs(flip)):
        setattr(Tensor, fn.__name__, fn)
    Tensor.T = property(lambda self: permute(self, tuple(reversed(range(self._data.ndim)))))
    Tensor.mT = property(lambda self: transpose(self, -2, -1))


_methods()
