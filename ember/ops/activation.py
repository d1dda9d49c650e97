"""Activation functions of torch.nn.functional: softmax family first, then the pointwise activations.

A pointwise activation is one node: forward on backend arrays, and a derivative formula that runs on
backend arrays (first order, fast) or on ember tensors (recorded, for create_graph=True).
"""
import math
import sys
import warnings

from .._device import array_module, device_of, move
from .._dtype import to_dtype
from .._tensor import Tensor, _wrap, _wrap_dim
from ..autograd.function import Op, as_array
from ..random import rng
from .inplace import apply_inplace
from .pointwise import (_CLAMP_COMPLEX, _complex_sigmoid, _erf_array, _not_implemented, _refused, _sigmoid, erf,
                        masked_grad, no_autograd_for_complex, relu as _relu, sigmoid, tanh, where)
from .reduce import _type_name
from .shape import cat

__all__ = ["softmax", "log_softmax", "softmin", "relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "prelu",
           "elu", "elu_", "selu", "selu_", "celu", "celu_", "gelu", "silu", "mish", "softplus", "softsign",
           "hardtanh", "hardtanh_", "hardswish", "hardsigmoid", "logsigmoid", "tanhshrink", "softshrink",
           "hardshrink", "threshold", "threshold_", "glu", "normalize", "rrelu", "rrelu_", "gumbel_softmax"]


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


class ArrayBackward(Op):
    """An Op with a second, faster form of its first-order backward on backend arrays:
    array_backward(ctx, g, *saved arrays), used when the backward is not recorded."""

    def _apply(self, grads, graph):
        if graph:
            return Op._apply(self, grads, graph)
        return tuple([as_array(r) for r in self.array_backward(grads[0], *self._unpack_saved(False))])


def _refuse_complex(kernel, x, dim):
    """PyTorch's error for softmax-style kernels on complex input: "<kernel>[_lastdim]_kernel_impl"."""
    if x.dtype.kind == "c":
        raise _not_implemented(f"{kernel}{'_lastdim' if dim == max(x.ndim - 1, 0) else ''}_kernel_impl", x)


class SoftmaxBackward0(ArrayBackward):
    retain_output = True

    @staticmethod
    def forward(ctx, x, dim):
        _refuse_complex("softmax", x, dim)
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

    def array_backward(self, g, out):
        gy = g * out
        gy -= out * gy.sum(axis=self.dim, keepdims=True)
        return gy, None


class LogSoftmaxBackward0(ArrayBackward):
    retain_output = True

    @staticmethod
    def forward(ctx, x, dim):
        _refuse_complex("log_softmax", x, dim)
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

    def array_backward(self, g, out):
        return g - array_module(out).exp(out) * g.sum(axis=self.dim, keepdims=True), None


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


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """softmax((logits + g) / tau, dim) with g ~ Gumbel(0, 1): a differentiable sample from the categorical
    distribution of logits; hard=True gives the one-hot of its maximum, with the soft sample's gradient
    (straight-through)."""
    gumbels = -logits.new_empty(logits.shape).exponential_().log()
    y_soft = softmax((logits + gumbels) / tau, dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = logits.new_zeros(logits.shape).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


# ---- pointwise activations -------------------------------------------------------------------------
class PointwiseActivation(Op):
    """An elementwise activation with number parameters: forward fn(xp, x, *params), and its derivative
    grad(g, v, m, *params) at the saved input v (the result, for retain_output) in namespace m: the backend
    module, or ember when the backward is recorded. complex: the forward for complex input, or PyTorch's refusal
    of it (see pointwise._refused)."""
    retain_inputs = (0,)
    complex = None

    @staticmethod
    def forward(ctx, x, *params):
        ctx.params = params
        if x.dtype.kind == "c":
            if isinstance(ctx.complex, (str, Exception)):
                raise _refused(ctx.complex, x)
            return ctx.complex(array_module(x), x, *params)
        return ctx.fn(array_module(x), x, *params)

    def _apply(self, grads, graph):
        v, = self._unpack_saved(False)
        g = grads[0]
        return (as_array(self.grad(g, v, sys.modules["ember"] if graph else array_module(g), *self.params)),)


def _pointwise(name, fn, grad, complex):
    return type(name, (PointwiseActivation,), {"fn": staticmethod(fn), "grad": staticmethod(grad),
                                               "complex": complex if isinstance(complex, (str, Exception))
                                               else staticmethod(complex), "__module__": __name__})


def _sig(m, x):
    """sigmoid of an array or a tensor, without overflow."""
    return sigmoid(x) if isinstance(x, Tensor) else _sigmoid(m, x)


def _erf(m, x):
    return erf(x) if isinstance(x, Tensor) else _erf_array(m, x)


def _softplus(m, x):
    return softplus(x) if isinstance(x, Tensor) else m.logaddexp(0, x)


_SQRT_2_PI = math.sqrt(2 / math.pi)


def _gelu(xp, x, approximate):
    if approximate == "tanh":
        return 0.5 * x * (1 + xp.tanh(_SQRT_2_PI * (x + 0.044715 * x * x * x)))
    return 0.5 * x * (1 + _erf_array(xp, x * math.sqrt(0.5)))


def _gelu_grad(g, x, m, approximate):
    if approximate == "tanh":
        t = m.tanh(_SQRT_2_PI * (x + 0.044715 * x * x * x))
        return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _SQRT_2_PI * (1 + 3 * 0.044715 * x * x))
    return g * (0.5 * (1 + _erf(m, x * math.sqrt(0.5))) + x * m.exp(-0.5 * x * x) / math.sqrt(2 * math.pi))


def _mish_grad(g, x, m):
    t = m.tanh(_softplus(m, x))
    return g * (t + x * _sig(m, x) * (1 - t * t))


def _silu_grad(g, x, m):
    s = _sig(m, x)
    return g * s * (1 + x * (1 - s))


# NOTE: subgradients at the kinks are PyTorch's: hardtanh and hardsigmoid pass nothing at their bounds,
# leaky_relu and elu take the negative side at 0, hardswish is 0 at -3 and 1 at 3
HardtanhBackward0 = _pointwise("HardtanhBackward0", lambda xp, x, lo, hi: xp.clip(x, lo, hi),
                               lambda g, x, m, lo, hi: masked_grad(g, m.logical_and(x > lo, x < hi)), _CLAMP_COMPLEX)
LeakyReluBackward0 = _pointwise("LeakyReluBackward0", lambda xp, x, s: xp.where(x > 0, x, x * s),
                                lambda g, x, m, s: m.where(x > 0, g, g * s), "leaky_relu_cpu")
EluBackward0 = _pointwise(
    "EluBackward0",
    lambda xp, x, alpha, scale, in_scale: xp.where(x > 0, x * scale,
                                                    xp.expm1(xp.minimum(x, 0) * in_scale) * (alpha * scale)),
    lambda g, x, m, alpha, scale, in_scale: m.where(
        x > 0, g * scale, g * m.exp(m.minimum(x, 0) * in_scale) * (alpha * scale * in_scale)), "elu_cpu")
CeluBackward0 = type("CeluBackward0", (EluBackward0,), {"__module__": __name__})
GeluBackward0 = _pointwise("GeluBackward0", _gelu, _gelu_grad, "GeluKernelImpl")
SiluBackward0 = _pointwise("SiluBackward0", lambda xp, x: x * _sig(xp, x), _silu_grad,
                           lambda xp, x: x * _complex_sigmoid(xp, x))
MishBackward0 = _pointwise("MishBackward0", lambda xp, x: x * xp.tanh(xp.logaddexp(0, x)), _mish_grad, "mish_cpu")
SoftplusBackward0 = _pointwise(
    "SoftplusBackward0", lambda xp, x, beta, th: xp.where(x * beta > th, x, xp.logaddexp(0, x * beta) / beta),
    lambda g, x, m, beta, th: m.where(x * beta > th, g, g * _sig(m, x * beta)), "softplus_cpu")
HardswishBackward0 = _pointwise(
    "HardswishBackward0", lambda xp, x: x * xp.clip(x + 3, 0, 6) / 6,
    lambda g, x, m: masked_grad(g, x > -3) * m.where(x < 3, x / 3 + 0.5, 1.0), "hardswish_cpu")
HardsigmoidBackward0 = _pointwise("HardsigmoidBackward0", lambda xp, x: xp.clip(x / 6 + 0.5, 0, 1),
                                  lambda g, x, m: masked_grad(g, m.logical_and(x > -3, x < 3)) / 6,
                                  "hardsigmoid_cpu")
LogSigmoidBackward0 = _pointwise("LogSigmoidBackward0", lambda xp, x: -xp.logaddexp(0, -x),
                                 lambda g, x, m: g * _sig(m, -x), "log_sigmoid_cpu")
SoftshrinkBackward0 = _pointwise("SoftshrinkBackward0", lambda xp, x, lambd: x - xp.clip(x, -lambd, lambd),
                                 lambda g, x, m, lambd: masked_grad(g, m.abs(x) > lambd), "softshrink_check")
HardshrinkBackward0 = _pointwise("HardshrinkBackward0", lambda xp, x, lambd: xp.where(xp.abs(x) > lambd, x, 0),
                                 lambda g, x, m, lambd: masked_grad(g, m.abs(x) > lambd), "hardshrink_cpu")
ThresholdBackward0 = _pointwise("ThresholdBackward0", lambda xp, x, th, value: xp.where(x > th, x, value),
                                lambda g, x, m, th, value: masked_grad(g, x > th), "threshold_cpu")


def _maybe_inplace(input, inplace, fn, *args):
    return apply_inplace(input, fn, *args) if inplace else fn(input, *args)


def relu(input, inplace=False):
    """max(0, x), elementwise."""
    return _maybe_inplace(input, inplace, _relu)


def relu_(input):
    """In-place version of relu."""
    return apply_inplace(input, _relu)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """x clamped to [min_val, max_val]."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _maybe_inplace(input, inplace, HardtanhBackward0.apply, min_val, max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """In-place version of hardtanh."""
    return hardtanh(input, min_val, max_val, True)


def relu6(input, inplace=False):
    """min(max(0, x), 6)."""
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x where x > 0, else negative_slope * x."""
    return _maybe_inplace(input, inplace, LeakyReluBackward0.apply, negative_slope)


def leaky_relu_(input, negative_slope=0.01):
    """In-place version of leaky_relu."""
    return leaky_relu(input, negative_slope, True)


def elu(input, alpha=1.0, inplace=False):
    """x where x > 0, else alpha * (exp(x) - 1)."""
    return _maybe_inplace(input, inplace, EluBackward0.apply, alpha, 1.0, 1.0)


def elu_(input, alpha=1.0):
    """In-place version of elu."""
    return elu(input, alpha, True)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input, inplace=False):
    """scale * elu(x, alpha) with the self-normalising constants alpha=1.6733, scale=1.0507."""
    return _maybe_inplace(input, inplace, EluBackward0.apply, _SELU_ALPHA, _SELU_SCALE, 1.0)


def selu_(input):
    """In-place version of selu."""
    return selu(input, True)


def celu(input, alpha=1.0, inplace=False):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _maybe_inplace(input, inplace, CeluBackward0.apply, alpha, 1.0, 1.0 / alpha)


def celu_(input, alpha=1.0):
    """In-place version of celu."""
    return celu(input, alpha, True)


def gelu(input, approximate="none"):
    """x * Phi(x), Phi the standard normal CDF; approximate='tanh' uses the tanh formula."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return GeluBackward0.apply(input, approximate)


def silu(input, inplace=False):
    """x * sigmoid(x) (also called swish)."""
    if input._data.dtype.kind == "c":
        no_autograd_for_complex("silu", input)
    return _maybe_inplace(input, inplace, SiluBackward0.apply)


def mish(input, inplace=False):
    """x * tanh(softplus(x))."""
    return _maybe_inplace(input, inplace, MishBackward0.apply)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * x)) / beta, and x itself where beta * x > threshold."""
    return SoftplusBackward0.apply(input, beta, threshold)


def softsign(input):
    """x / (1 + |x|)."""
    return input / (input.abs() + 1)


def hardswish(input, inplace=False):
    """x * relu6(x + 3) / 6."""
    return _maybe_inplace(input, inplace, HardswishBackward0.apply)


def hardsigmoid(input, inplace=False):
    """relu6(x + 3) / 6."""
    return _maybe_inplace(input, inplace, HardsigmoidBackward0.apply)


def logsigmoid(input):
    """log(sigmoid(x)), computed as -softplus(-x) without overflow."""
    return LogSigmoidBackward0.apply(input)


def tanhshrink(input):
    """x - tanh(x)."""
    return input - tanh(input)


def softshrink(input, lambd=0.5):
    """x - lambd where x > lambd, x + lambd where x < -lambd, else 0."""
    if input._data.dtype.kind == "c":
        raise _not_implemented("softshrink_check", input._data)
    if lambd < 0:
        info = array_module(input._data).finfo(input._data.dtype)
        raise RuntimeError(f"lambda must be in range [0, {float(info.max):g}] for input dtype "
                           f"{_type_name(input)}, but found {lambd:g}")
    return SoftshrinkBackward0.apply(input, lambd)


def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, else 0."""
    return HardshrinkBackward0.apply(input, lambd)


def threshold(input, threshold, value, inplace=False):
    """x where x > threshold, else value."""
    return _maybe_inplace(input, inplace, ThresholdBackward0.apply, threshold, value)


def threshold_(input, threshold, value):
    """In-place version of threshold."""
    return _maybe_inplace(input, True, ThresholdBackward0.apply, threshold, value)


class PreluKernelBackward0(Op):
    retain_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, w):
        if x.dtype.kind == "c":
            raise _not_implemented("prelu_cpu", x)
        ctx.shape = _prelu_shape(x.ndim, w.size)
        return array_module(x).where(x > 0, x, x * w.reshape(ctx.shape))

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        positive = x > 0
        gx = where(positive, g, g * w.reshape(ctx.shape)) if ctx.needs_input_grad[0] else None
        gw = None
        if ctx.needs_input_grad[1]:
            gw = where(positive, 0.0, x * g)
            gw = gw.sum([d for d in range(x.dim()) if not ctx.shape or d != 1]).reshape(w.shape)
        return gx, gw


def _prelu_shape(ndim, n):
    """The shape that puts a PReLU weight of n values on the channel dim (dim 1; none for one value)."""
    if n == 1 or ndim < 2:
        return ()
    return (1, n) + (1,) * (ndim - 2)


def prelu(input, weight):
    """x where x > 0, else weight * x, with one weight per channel (dim 1) or one for all."""
    n = weight.numel()
    if n != 1:
        if input.dim() == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = input.shape[1] if input.dim() > 1 else 1
        if channels != n:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                               f"{n} and channel size = {channels}.")
    if weight.dim() > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.dim()}")
    if weight.dtype != input.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got {_type_name(input)} and {_type_name(weight)}")
    return PreluKernelBackward0.apply(input, weight)


class RreluWithNoiseBackward0(Op):
    """x * noise, where noise is 1 for x > 0 and the slope elsewhere: drawn from U(lower, upper) for each
    element when training, (lower + upper) / 2 otherwise."""

    @staticmethod
    def forward(ctx, x, lower, upper, training):
        if x.dtype.kind == "c":
            raise _not_implemented("rrelu_with_noise_out_cpu" if training else "leaky_relu_cpu", x)
        xp = array_module(x)
        if training:
            slope = move(rng().uniform(lower, upper, x.shape), device_of(x)).astype(x.dtype)
        else:
            slope = xp.asarray((lower + upper) / 2, dtype=x.dtype)
        ctx.noise = xp.where(x > 0, xp.ones((), dtype=x.dtype), slope)
        return x * ctx.noise

    @staticmethod
    def backward(ctx, g):
        return g * _wrap(ctx.noise), None, None, None


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky ReLU: x where x > 0, else a * x with a drawn from U(lower, upper) for each element
    when training, and a = (lower + upper) / 2 otherwise."""
    return _maybe_inplace(input, inplace, RreluWithNoiseBackward0.apply, lower, upper, training)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    """In-place version of rrelu."""
    return rrelu(input, lower, upper, training, True)


class GluBackward0(Op):
    retain_inputs = (0,)

    @staticmethod
    def forward(ctx, x, dim):
        if x.dtype.kind == "c":
            raise _not_implemented("glu_cpu", x)
        ctx.dim = dim
        xp = array_module(x)
        a, b = xp.split(x, 2, axis=dim)
        return a * _sig(xp, b)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        a, b = x.chunk(2, ctx.dim)
        s = sigmoid(b)
        return cat([g * s, g * a * s * (1 - s)], ctx.dim), None


def glu(input, dim=-1):
    """a * sigmoid(b), where a and b are the two halves of input along dim."""
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    dim = _wrap_dim(dim, input.dim())
    if input.shape[dim] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim} is size {input.shape[dim]}")
    return GluBackward0.apply(input, dim)


def normalize(input, p=2.0, dim=1, eps=1e-12):
    """input divided by its p-norm over dim, the norm clamped below at eps."""
    return input / input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)


def _methods():
    from .._tensor import Tensor
    Tensor.softmax = lambda self, dim=None, dtype=None: softmax(self, dim, dtype=dtype)
    Tensor.log_softmax = lambda self, dim=None, dtype=None: log_softmax(self, dim, dtype=dtype)


_methods()
