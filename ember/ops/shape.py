"""Shape ops: view/reshape, permute/transpose, squeeze/unsqueeze, expand, cat/stack, split ..."""
import numpy as np

from .._device import array_module
from .._tensor import Tensor, _wrap_dim
from ..autograd.function import Op

__all__ = ["reshape", "view", "view_as", "reshape_as", "permute", "transpose", "swapaxes", "swapdims", "t",
           "unsqueeze", "squeeze", "expand", "expand_as", "sum_to_size", "clone", "contiguous"]


def _shape_arg(shape):
    """A shape from view(2, 3), view((2, 3)) or view([2, 3])."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


def _infer(shape, numel, old_shape):
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel} "
                           f"(input shape {list(old_shape)})")
    return shape


class ViewOp(Op):
    """An op whose result may share memory with its input: it then shares the version counter."""
    is_view = True


class ViewBackward0(ViewOp):
    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return x.reshape(_infer(shape, x.size, x.shape))

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
    if not input._data.flags.c_contiguous and _infer(shape, input._data.size, input.shape) != input._data.shape:
        try:
            v = input._data.view()
            v.shape = _infer(shape, input._data.size, input.shape)
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


def t(input):
    """Transpose of a tensor of at most 2 dimensions."""
    if input._data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input._data.ndim}D")
    return transpose(input, 0, 1) if input._data.ndim == 2 else view(input, input.shape)


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


def squeeze(input, dim=None):
    """input without its dimensions of size 1 (all of them, or those in dim)."""
    shape = input._data.shape
    if dim is None:
        dims = tuple(i for i, s in enumerate(shape) if s == 1)
    else:
        dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
        dims = tuple(d for d in (_wrap_dim(d, len(shape)) for d in dims) if shape and shape[d] == 1)
    return SqueezeBackward0.apply(input, dims)


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
        raise RuntimeError(f"expand: the number of sizes provided ({len(sizes)}) must be greater or equal to "
                           f"the number of dimensions in the tensor ({len(shape)})")
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


def _methods():
    for fn in (reshape, view, view_as, reshape_as, permute, transpose, swapaxes, swapdims, t, unsqueeze, squeeze,
               expand, expand_as, sum_to_size, clone, contiguous):
        setattr(Tensor, fn.__name__, fn)
    Tensor.T = property(lambda self: permute(self, tuple(reversed(range(self._data.ndim)))))
    Tensor.mT = property(lambda self: transpose(self, -2, -1))


_methods()
