"""Activation functions of torch.nn.functional: softmax family first, then the pointwise activations."""
import warnings

from .._device import array_module
from .._dtype import to_dtype
from .._tensor import _wrap_dim
from ..autograd.function import Op

__all__ = ["softmax", "log_softmax", "softmin"]


def _softmax_dim(name, ndim, stacklevel=3):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as "
                  f"an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _prepare(name, input, dim, dtype):
    if dim is None:
        dim = _softmax_dim(name, input.dim(), stacklevel=4)
    if dtype is not None:
        input = input.to(to_dtype(dtype))
    return input, _wrap_dim(dim, input.dim())


class SoftmaxBackward0(Op):
    retain_output = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        xp = array_module(x)
        e = xp.exp(x - x.max(axis=dim, keepdims=True)) if x.size else x.copy()
        e /= e.sum(axis=dim, keepdims=True)
        return e

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        gy = g * out
        return gy - out * gy.sum(ctx.dim, keepdim=True), None


class LogSoftmaxBackward0(Op):
    retain_output = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        xp = array_module(x)
        if not x.size:
            return x.copy()
        shifted = x - x.max(axis=dim, keepdims=True)
        shifted -= xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))
        return shifted

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g - out.exp() * g.sum(ctx.dim, keepdim=True), None


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / exp(x).sum(dim), computed without overflow."""
    input, dim = _prepare("softmax", input, dim, dtype)
    return SoftmaxBackward0.apply(input, dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """x - logsumexp(x, dim): the log of softmax, numerically stable."""
    input, dim = _prepare("log_softmax", input, dim, dtype)
    return LogSoftmaxBackward0.apply(input, dim)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-x, dim)."""
    input, dim = _prepare("softmin", input, dim, dtype)
    return SoftmaxBackward0.apply(-input, dim)


def _methods():
    from .._tensor import Tensor
    Tensor.softmax = lambda self, dim=None, dtype=None: softmax(self, dim, dtype=dtype)
    Tensor.log_softmax = lambda self, dim=None, dtype=None: log_softmax(self, dim, dtype=dtype)


_methods()
