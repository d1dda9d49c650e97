"""Shape ops: view/reshape, permute/transpose, squeeze/unsqueeze, expand, cat/stack, split ..."""
import functools
import itertools
import math
import warnings

import numpy as np

from .. import _creation
from .._creation import zeros
from .._device import array_module
from .._dtype import int64, promote_types, to_dtype
from .._tensor import Size, Tensor, _wrap, _wrap_dim
from ..autograd.function import Op
from ..autograd.complex import holomorphic
from .linalg import DiagEmbedBackward0
from .reduce import _dims, _type_name

__all__ = ["reshape", "view", "view_as", "reshape_as", "permute", "transpose", "swapaxes", "swapdims", "t",
           "unsqueeze", "squeeze", "expand", "expand_as", "sum_to_size", "clone", "contiguous", "flatten", "unflatten",
           "tile", "flip", "roll", "cat", "concat", "concatenate", "stack", "hstack", "vstack", "split", "chunk",
           "narrow", "unbind", "select", "movedim", "moveaxis", "adjoint", "broadcast_to", "broadcast_tensors",
           "broadcast_shapes", "meshgrid", "tensor_split", "hsplit", "vsplit", "dsplit", "atleast_1d", "atleast_2d",
           "atleast_3d", "dstack", "column_stack", "row_stack", "fliplr", "flipud", "rot90", "diag_embed",
           "block_diag", "cartesian_prod", "combinations", "repeat_interleave", "tril_indices", "triu_indices",
           "vander", "diff"]


def _shape_arg(shape):
    """A shape from view(2, 3), view((2, 3)) or view([2, 3])."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(map(int, shape))


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


def _matrix_transpose(input, name, hint):
    """input's last two dimensions swapped, for mT, mH and adjoint() (the last two conjugate it); PyTorch's
    deprecation warning for 0-d input (returned as is, conjugated for mH and adjoint) and its error for 1-d input."""
    n = input._data.ndim
    if n == 0:
        shown = name if name.endswith("()") else f"Tensor.{name}"
        warnings.warn(f"{shown} is deprecated on 0-D tensors. {hint}", UserWarning, stacklevel=3)
        return input if name == "mT" else input.conj()
    if n == 1:
        raise RuntimeError(f"tensor.{name} is only supported on matrices or batches of matrices. Got 1-D tensor.")
    out = TransposeBackward0.apply(input, n - 2, n - 1)
    return out if name == "mT" else out.conj()


def adjoint(input):
    """The conjugate transpose of input's last two dimensions (a view for real input)."""
    return _matrix_transpose(input, "adjoint()", "Consider using x.conj().")


def _conj_transpose(input):
    """Tensor.H: the conjugate transpose of a matrix."""
    n = input._data.ndim
    if n == 0:
        warnings.warn("Tensor.H is deprecated on 0-D tensors. Consider using x.conj().", UserWarning, stacklevel=3)
        return input.conj()
    if n != 2:
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {n}-D tensor."
                           + (" For batches of matrices, consider using tensor.mH" if n > 2 else ""))
    return TransposeBackward0.apply(input, 0, 1).conj()


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
    for i, s in reversed(list(enumerate(shape))):
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


# ---- broadcast_to, broadcast_tensors, broadcast_shapes, meshgrid -------------------------------------
def broadcast_to(input, size):
    """A view of input broadcast to size (-1 keeps a dimension), as expand."""
    return expand(input, size)


def broadcast_shapes(*shapes):
    """The shape that tensors of the given shapes (ints or sequences of ints) broadcast to."""
    shapes = [(int(s),) if isinstance(s, (int, np.integer)) else tuple(int(d) for d in s) for s in shapes]
    out = [1] * max((len(s) for s in shapes), default=0)
    for j, shape in enumerate(shapes):
        for i in range(-1, -len(shape) - 1, -1):
            s = shape[i]
            if s < 0:
                raise ValueError("Attempting to broadcast a dimension with negative length!")
            if s == 1 or s == out[i]:
                continue
            if out[i] != 1:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {s} at {i}! Mismatching argument "
                                   f"at index {j} had {shape}; but expected shape should be broadcastable to {out}")
            out[i] = s
    return Size(out)


def broadcast_tensors(*tensors):
    """Views of the tensors broadcast to one common shape."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    shape = ()
    for t in tensors:
        try:
            shape = np.broadcast_shapes(shape, t._data.shape)
        except ValueError:
            a, b = [1] * (len(t._data.shape) - len(shape)) + list(shape), t._data.shape
            a, b = a[len(a) - max(len(a), len(b)):], (1,) * (len(a) - len(b)) + b
            d = max(i for i, (p, q) in enumerate(zip(a, b)) if p != q and p != 1 and q != 1)
            raise RuntimeError(f"The size of tensor a ({a[d]}) must match the size of tensor b ({b[d]}) at "
                               f"non-singleton dimension {d}") from None
    return tuple(t if t._data.shape == shape else expand(t, shape) for t in tensors)


_MESHGRID_WARNING = "torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument."


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-d tensors: output i holds tensors[i] along its own dimension ('ij'), or with the
    first two dimensions swapped ('xy', Cartesian)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn(_MESHGRID_WARNING, UserWarning, stacklevel=2)
        indexing = "ij"
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors:
        if t._data.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
    if any(t.dtype != tensors[0].dtype for t in tensors):
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    if indexing not in ("xy", "ij"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    where = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) > 1:
        where[0], where[1] = 1, 0
    shape = [0] * len(tensors)
    for w, t in zip(where, tensors):
        shape[w] = t._data.size
    return tuple(expand(reshape(t, tuple(-1 if d == w else 1 for d in range(len(shape)))), shape)
                 for w, t in zip(where, tensors))


# ---- tensor_split, hsplit, vsplit, dsplit ------------------------------------------------------------
def tensor_split(input, indices_or_sections, dim=0):
    """Views of input split along dim into `sections` nearly equal parts (the first ones one larger), or at the
    given indices."""
    n = input._data.ndim
    if n == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    arg = indices_or_sections
    if isinstance(arg, Tensor):
        if arg._data.dtype != np.int64:
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to have dtype of long, but got "
                               f"{_type_name(arg)}")
        if arg._data.ndim > 1:
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                               f"one-dimensional tensor, but got a tensor with {arg._data.ndim} dims")
        arg = int(arg._data) if arg._data.ndim == 0 else arg._data.tolist()
    d = _wrap_dim(dim, n)
    size = input._data.shape[d]
    if isinstance(arg, (int, np.integer)):
        if arg <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {arg}")
        step, extra = divmod(size, int(arg))
        bounds = list(itertools.accumulate([step + 1] * extra + [step] * (int(arg) - extra), initial=0))
    else:
        cuts = [min(max(int(i) + size if i < 0 else int(i), 0), size) for i in arg]
        bounds = [0] + cuts + [size]
    return tuple(SliceBackward0.apply(input, d, a, max(a, b)) for a, b in zip(bounds, bounds[1:]))


def _split_along(name, input, indices_or_sections, dim, least):
    n = input._data.ndim
    if n < least:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {least} dimension, but got a tensor with "
                           f"{n} dimensions!")
    if isinstance(indices_or_sections, (int, np.integer)):
        size = input._data.shape[dim]
        if indices_or_sections == 0 or size % indices_or_sections:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the size of the "
                               f"dimension {size} is not divisible by the split_size {indices_or_sections}!")
    return tensor_split(input, indices_or_sections, dim)


def hsplit(input, indices_or_sections):
    """input split column-wise (along dim 1, or dim 0 for a 1-d tensor), as tensor_split."""
    return _split_along("hsplit", input, indices_or_sections, 1 if input._data.ndim > 1 else 0, 1)


def vsplit(input, indices_or_sections):
    """input split row-wise (along dim 0), as tensor_split."""
    return _split_along("vsplit", input, indices_or_sections, 0, 2)


def dsplit(input, indices_or_sections):
    """input split depth-wise (along dim 2), as tensor_split."""
    return _split_along("dsplit", input, indices_or_sections, 2, 3)


# ---- atleast_nd, dstack, column_stack ----------------------------------------------------------------
def _each(fn, tensors):
    """fn applied to one tensor, or to each of several (given as arguments or as one sequence), as a tuple."""
    if len(tensors) == 1 and isinstance(tensors[0], Tensor):
        return fn(tensors[0])
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    return tuple(fn(t) for t in tensors)


def _1d(t):
    return reshape(t, 1) if t._data.ndim == 0 else t


def _2d(t):
    n = t._data.ndim
    return reshape(t, 1, 1) if n == 0 else unsqueeze(t, 0) if n == 1 else t


def _3d(t):
    n = t._data.ndim
    if n == 0:
        return reshape(t, 1, 1, 1)
    if n == 1:
        return unsqueeze(unsqueeze(t, 0), -1)
    return unsqueeze(t, -1) if n == 2 else t


def atleast_1d(*tensors):
    """The tensors with 0-d ones viewed as 1-d; one tensor gives a tensor, several a tuple."""
    return _each(_1d, tensors)


def atleast_2d(*tensors):
    """The tensors viewed with at least 2 dimensions (a 1-d tensor becomes a row)."""
    return _each(_2d, tensors)


def atleast_3d(*tensors):
    """The tensors viewed with at least 3 dimensions (a 1-d tensor of n becomes (1, n, 1), a matrix (m, n, 1))."""
    return _each(_3d, tensors)


def dstack(tensors):
    """The tensors joined depth-wise (along dim 2), each first given at least 3 dimensions."""
    tensors = [_3d(t) for t in _tensor_list("dstack", tensors)]
    if not tensors:
        raise RuntimeError("dstack expects a non-empty TensorList")
    return cat(tensors, 2)


def column_stack(tensors):
    """The tensors joined as columns (along dim 1); 0-d and 1-d tensors are first made columns."""
    tensors = [reshape(t, t._data.size, 1) if t._data.ndim <= 1 else t
               for t in _tensor_list("column_stack", tensors)]
    if not tensors:
        raise RuntimeError("column_stack expects a non-empty TensorList")
    return cat(tensors, 1)


def row_stack(tensors):
    """Alias of vstack."""
    return vstack(tensors)


# ---- fliplr, flipud, rot90, diag_embed, block_diag -------------------------------------------------------
def fliplr(input):
    """A copy of input with its columns (dim 1) in reverse order."""
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


def flipud(input):
    """A copy of input with its rows (dim 0) in reverse order."""
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


class Rot90Backward0(Op):
    @staticmethod
    def forward(ctx, x, k, dims):
        ctx.k, ctx.dims = k, dims
        return array_module(x).rot90(x, k, dims).copy()

    @staticmethod
    def backward(ctx, g):
        return Rot90Backward0.apply(g, -ctx.k % 4, ctx.dims), None, None


def rot90(input, k=1, dims=(0, 1)):
    """A copy of input rotated by 90 degrees k times in the plane of dims, from the first towards the second."""
    dims = tuple(dims)
    n = input._data.ndim
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if n < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {n}")
    d0, d1 = _wrap_dim(dims[0], n), _wrap_dim(dims[1], n)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}")
    return Rot90Backward0.apply(input, int(k) % 4, (d0, d1))


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """A tensor whose diagonals over dim1, dim2 (offset above or below the main one) hold input's last dimension;
    zeros elsewhere."""
    n = input._data.ndim + 1
    d1, d2 = _wrap_dim(dim1, n), _wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    size = input._data.shape[-1] + abs(int(offset))
    shape = list(input._data.shape[:-1])
    for d in sorted((d1, d2)):
        shape.insert(d, size)
    return DiagEmbedBackward0.apply(input, tuple(shape), int(offset), d1, d2)


class BlockDiagBackward0(Op):
    """The inputs (as matrices) placed along the diagonal of a matrix of zeros."""

    @staticmethod
    def forward(ctx, *xs, dtype):
        blocks = [x.reshape((1, -1) if x.ndim < 2 else x.shape) for x in xs]
        ctx.places = []
        xp = array_module(xs[0])
        out = xp.zeros((sum(b.shape[0] for b in blocks), sum(b.shape[1] for b in blocks)), dtype.np)
        r = c = 0
        for x, b in zip(xs, blocks):
            h, w = b.shape
            out[r:r + h, c:c + w] = b
            ctx.places.append((r, c, h, w, x.shape))
            r, c = r + h, c + w
        return out

    @staticmethod
    def backward(ctx, g):
        return tuple(reshape(g[r:r + h, c:c + w], shape) for r, c, h, w, shape in ctx.places)


def block_diag(*tensors):
    """A block-diagonal matrix of the tensors (0-d and 1-d ones taken as one-row matrices)."""
    for i, t in enumerate(tensors):
        if t._data.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t._data.ndim} dimensions")
    if not tensors:
        return zeros(1, 0)
    dtype = functools.reduce(promote_types, (t.dtype for t in tensors))
    return BlockDiagBackward0.apply(*tensors, dtype=dtype)


# ---- cartesian_prod, combinations, repeat_interleave --------------------------------------------------
def _vector(t):
    if t._data.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(t._data.shape)}")


def cartesian_prod(*tensors):
    """All tuples of one element from each 1-d tensor, as the rows of a matrix (itertools.product order)."""
    for t in tensors:
        _vector(t)
    if len(tensors) == 1:
        return tensors[0]
    return stack([flatten(g) for g in meshgrid(*tensors, indexing="ij")], 1)


def combinations(input, r=2, with_replacement=False):
    """The length-r combinations of the entries of a 1-d tensor, as the rows of a matrix (itertools order)."""
    _vector(input)
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return input.new_empty(0)
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    idx = np.array(list(pick(range(input._data.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    xp = array_module(input._data)
    return stack([input.index_select(0, _wrap(xp.asarray(idx[:, j]))) for j in range(r)], 1)


def _repeat_counts(repeats, output_size):
    """arange(len(repeats)) with entry i repeated repeats[i] times (torch.repeat_interleave(repeats))."""
    a = repeats._data
    if a.ndim != 1:
        raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
    if a.dtype.kind not in "iu":
        raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for '{_type_name(repeats)}'")
    if a.size and a.min() < 0:
        raise RuntimeError("repeats can not be negative")
    xp = array_module(a)
    out = xp.repeat(xp.arange(a.size, dtype=a.dtype), a)
    if output_size is not None and output_size != out.size:
        raise RuntimeError("allocated size does not match required size")
    return _wrap(out)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Each slice of input along dim (of the flattened input if dim is None) repeated repeats times (an int, or
    one count per slice); repeat_interleave(repeats) alone gives the index that does it."""
    if repeats is None:
        return _repeat_counts(input, output_size)
    if dim is None:
        input, dim = flatten(input), 0
    d = _wrap_dim(dim, input._data.ndim)
    if isinstance(repeats, Tensor):
        if repeats._data.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        size = input._data.shape[d] if input._data.ndim else 1
        if repeats._data.size == 1:
            repeats = repeats.reshape(1).expand(size)
        elif repeats._data.shape[0] != size:
            raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                               f"{repeats._data.shape[0]} and input.size({d}) = {size}")
        return input.index_select(d, _repeat_counts(repeats, output_size))
    repeats = int(repeats)
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    x = unsqueeze(input, d + 1)
    shape = list(x._data.shape)
    shape[d + 1] = repeats
    return flatten(clone(expand(x, shape)), d, d + 1)


# ---- tril_indices, triu_indices, vander, diff ----------------------------------------------------------
def _triangle_indices(name, pick, row, col, offset, dtype, device):
    for arg, v in (("row", row), ("col", col)):
        if v < 0:
            raise RuntimeError(f"{arg} must be non-negative, got{v}")
    dtype = to_dtype(dtype)
    if not np.issubdtype(dtype.np, np.integer):
        raise NotImplementedError(f"\"{name}\" not implemented for '{_type_name(zeros(0, dtype=dtype))}'")
    return _creation.tensor(np.stack(pick(row, offset, col)).astype(dtype.np).reshape(2, -1), device=device)


def tril_indices(row, col, offset=0, *, dtype=int64, device=None, layout=None):
    """The coordinates (a 2 x N tensor, row-major order) of the lower triangle of a row x col matrix."""
    return _triangle_indices("tril_indices", np.tril_indices, row, col, offset, dtype, device)


def triu_indices(row, col, offset=0, *, dtype=int64, device=None, layout=None):
    """The coordinates (a 2 x N tensor, row-major order) of the upper triangle of a row x col matrix."""
    return _triangle_indices("triu_indices", np.triu_indices, row, col, offset, dtype, device)


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of a 1-d tensor: column j holds x ** (N - 1 - j) (x ** j if increasing)."""
    if x._data.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x._data.shape[0]
    N = n if N is None else int(N)
    if N < 0:
        raise RuntimeError("N must be non-negative.")
    if x._data.dtype.kind in "biu":
        x = x.to(int64)
    if N == 0:
        return x.new_zeros(n, 0)
    cols = [x.new_ones(n)] + ([x] if N > 1 else [])
    for _ in range(N - 2):
        cols.append(cols[-1] * x)
    powers = stack(cols, 1)
    return powers if increasing else flip(powers, (1,))


def _diff_extra(input, t, d):
    if not isinstance(t, Tensor):
        raise TypeError(f"diff(): argument 'prepend' must be Tensor, not {type(t).__name__}")
    if t._data.ndim != input._data.ndim:
        raise RuntimeError("diff expects prepend or append to be the same dimension as input")
    for i, (a, b) in enumerate(zip(input._data.shape, t._data.shape)):
        if i != d and a != b:
            raise RuntimeError(f"diff expects the shape of tensor to prepend or append to match that of input except "
                               f"along the differencing dimension; input.size({i}) = {a}, but got tensor.size({i}) = "
                               f"{b}")
    return t


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The n-th forward difference along dim (input[i + 1] - input[i], n times), optionally after joining prepend
    and append to input along dim."""
    if input._data.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = _wrap_dim(dim, input._data.ndim)
    parts = ([_diff_extra(input, prepend, d)] if prepend is not None else []) + [input] + (
        [_diff_extra(input, append, d)] if append is not None else [])
    x = cat(parts, d) if len(parts) > 1 else input
    if n == 0:
        return clone(x) if x is input else x
    for _ in range(n):
        size = x._data.shape[d]
        if size == 0:
            break
        hi, lo = narrow(x, d, 1, size - 1), narrow(x, d, 0, size - 1)
        x = hi != lo if x._data.dtype == np.bool_ else hi - lo
    return x


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
               unbind, narrow, select, movedim, _varargs(tile), _varargs(flip), broadcast_to, tensor_split,
               hsplit, vsplit, dsplit, fliplr, flipud, rot90, diag_embed, repeat_interleave, diff, adjoint):
        setattr(Tensor, fn.__name__, fn)
    Tensor.swapaxes = Tensor.swapdims = transpose
    Tensor.T = property(lambda self: permute(self, tuple(reversed(range(self._data.ndim)))))
    Tensor.mT = property(lambda self: _matrix_transpose(self, "mT", "This function is the identity in these cases."))
    Tensor.mH = property(lambda self: _matrix_transpose(self, "mH", "Consider using x.conj()."))
    Tensor.H = property(_conj_transpose)
    Tensor.moveaxis = movedim


_methods()
holomorphic("ViewBackward0", "UnsafeViewBackward0", "AliasBackward0", "CloneBackward0", "ExpandBackward0",
            "PermuteBackward0", "TransposeBackward0", "TransposeBackward1", "TBackward0", "TBackward1",
            "SqueezeBackward0", "SqueezeBackward1", "SqueezeBackward2", "SqueezeBackward3", "SqueezeBackward4",
            "SqueezeBackward5", "UnsqueezeBackward0", "UnsqueezeBackward1", "CatBackward0", "StackBackward0",
            "SplitBackward0", "SplitWithSizesBackward0", "UnbindBackward0", "FlipBackward0", "RollBackward0",
            "RepeatBackward0", "SelectBackward0", "SliceBackward0", "Rot90Backward0", "BlockDiagBackward0")
