"""Normalization layers' functional forms: batch_norm, instance_norm, layer_norm, group_norm (one Op each, below),
and rms_norm and local_response_norm (composed from tensor ops, as PyTorch's CPU code).

All four are one computation: view the input so that the statistics run over some axes, normalize
(x - mean) / sqrt(var + eps), then scale and shift by weight and bias viewed to broadcast. One Op does
it; its first-order backward is the closed-form gradient on backend arrays, and under create_graph it
recomputes the statistics with ember ops so that the gradient is itself differentiable.
"""
import math

from .._device import array_module
from .._tensor import _wrap
from ..autograd import grad_mode
from ..autograd.function import Op
from .conv import avg_pool2d, pad

__all__ = ["batch_norm", "instance_norm", "layer_norm", "group_norm", "rms_norm", "local_response_norm"]

_state = grad_mode.state


def _input_grad(gy, xhat, invstd, mean, fixed):
    """The gradient of x from gy (the gradient of xhat): with batch statistics, the mean and variance
    carry part of it back."""
    if fixed:
        return gy * invstd
    return (gy - mean(gy) - xhat * mean(gy * xhat)) * invstd


class NativeBatchNormBackward0(Op):
    """y = (x - mean) / sqrt(var + eps) * weight + bias with x viewed as `view`, the statistics taken over
    `axes` (or the fixed running ones), weight and bias viewed as `wview`. running = (mean, var) arrays:
    updated with momentum from the batch statistics, or used as the statistics when fixed."""
    retain_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, weight, bias, view, axes, wview, eps, running=None, momentum=0.0, fixed=False):
        xp = array_module(x)
        ctx.view, ctx.axes, ctx.wview, ctx.eps, ctx.fixed = view, axes, wview, eps, fixed
        v = x.reshape(view)
        if fixed:
            mean, var = running[0].reshape(wview), running[1].reshape(wview)
            xc = v - mean
        else:
            mean = v.mean(axis=axes, keepdims=True)
            xc = v - mean
            var = (xc * xc).mean(axis=axes, keepdims=True)
            if running is not None:
                n = math.prod(view[a] for a in axes)
                for stat, batch in zip(running, (mean, var * (n / (n - 1)))):
                    stat *= 1 - momentum
                    stat += momentum * batch.reshape(-1, stat.size).mean(axis=0).astype(stat.dtype)
        ctx.mean = mean
        ctx.invstd = 1 / xp.sqrt(var + eps)
        xc *= ctx.invstd
        ctx.xhat = xc
        y = xc * weight.reshape(wview) if weight is not None else xc.copy()
        if bias is not None:
            y += bias.reshape(wview)
        return y.reshape(x.shape)

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        axes, view, wview = ctx.axes, ctx.view, ctx.wview
        waxes = tuple(i for i, s in enumerate(wview) if s == 1)
        if _state.enabled:     # create_graph: statistics recomputed from x, so that they are differentiated too
            v = x.reshape(view)
            mean = (lambda a: a.mean(axes, keepdim=True))
            if ctx.fixed:
                invstd = _wrap(ctx.invstd)
                xhat = (v - _wrap(ctx.mean)) * invstd
            else:
                xc = v - mean(v)
                invstd = (mean(xc * xc) + ctx.eps).rsqrt()
                xhat = xc * invstd
            gv = g.reshape(view)
            wv = w.reshape(wview) if w is not None else None
        else:
            xhat, invstd, gv = ctx.xhat, ctx.invstd, g._data.reshape(view)
            mean = (lambda a: a.mean(axis=axes, keepdims=True))
            wv = w._data.reshape(wview) if w is not None else None
        gx = gw = gb = None
        if need_x:
            gy = gv * wv if wv is not None else gv
            gx = _input_grad(gy, xhat, invstd, mean, ctx.fixed).reshape(x.shape)
        if need_w:
            gw = (gv * xhat).sum(waxes).reshape(w.shape)
        if need_b:
            gb = gv.sum(waxes).reshape(w.shape if w is not None else (-1,))
        if not _state.enabled:
            gx, gw, gb = (None if a is None else _wrap(a) for a in (gx, gw, gb))
        return gx, gw, gb


class NativeLayerNormBackward0(NativeBatchNormBackward0):
    """layer_norm: statistics over the trailing normalized_shape dims."""


class NativeGroupNormBackward0(NativeBatchNormBackward0):
    """group_norm: statistics over each group of channels (and all spatial positions)."""


def _check_numel(name, t, c):
    if t is not None and t.numel() != c:
        raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")


def _running(running_mean, running_var):
    return None if running_mean is None or running_var is None else (running_mean._data, running_var._data)


def _bump(*tensors):
    for t in tensors:
        if t is not None:
            t._vc[0] += 1


def _channels_view(input):
    n, c = input.shape[0], input.shape[1]
    return (n, c, math.prod(input.shape[2:])), c


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
               eps=1e-05):
    """Batch normalization over the channel dim 1: batch statistics when training (updating the running
    ones with momentum), the running statistics otherwise."""
    if training and input.shape[0] * math.prod(input.shape[2:]) == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.size()}")
    view, c = _channels_view(input)
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        _check_numel(name, t, c)
    running = _running(running_mean, running_var)
    fixed = not training and running is not None
    out = NativeBatchNormBackward0.apply(input, weight, bias, view, (0, 2), (1, c, 1), eps, running, momentum,
                                         fixed)
    if training and running is not None:
        _bump(running_mean, running_var)
    return out


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-05):
    """Normalization of each channel of each sample over its spatial positions."""
    if use_input_stats and math.prod(input.shape[2:]) == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {input.size()}")
    view, c = _channels_view(input)
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        _check_numel(name, t, c)
    running = _running(running_mean, running_var)
    out = NativeBatchNormBackward0.apply(input, weight, bias, view, (2,), (1, c, 1), eps, running, momentum,
                                         not use_input_stats and running is not None)
    if use_input_stats and running is not None:
        _bump(running_mean, running_var)
    return out


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    """Normalization over the trailing dims given by normalized_shape, then elementwise weight and bias."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or tuple(input.shape[input.dim() - k:]) != shape or input.dim() < k:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*{''.join(f', {s}' for s in shape)}], but got input of size{list(input.shape)}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{list(t.shape)} and normalized_shape = {list(shape)}")
    n = math.prod(shape)
    return NativeLayerNormBackward0.apply(input, weight, bias, (input.numel() // n if n else 0, n), (1,), (1, n),
                                          eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
    """Normalization over groups of channels (each with all its spatial positions), then per-channel
    weight and bias."""
    n, c = input.shape[0], input.shape[1]
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input "
                           f"of shape {list(input.shape)} and num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in input, "
                               f"but got {name} of shape {list(t.shape)} and input of shape {list(input.shape)}")
    per = c // num_groups
    view = (n, num_groups, per, math.prod(input.shape[2:]))
    return NativeGroupNormBackward0.apply(input, weight, bias, view, (2, 3), (1, num_groups, per, 1), eps)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """input divided by its root mean square over the trailing normalized_shape dims (plus eps, by default the
    dtype's machine epsilon), times the elementwise weight."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if input.dim() < k or tuple(input.shape[input.dim() - k:]) != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*{', '.join(str(s) for s in shape)}], but got input of size{list(input.shape)}")
    if weight is not None and tuple(weight.shape) != shape:
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got weight of shape "
                           f"{list(weight.shape)} and normalized_shape = {list(shape)}")
    if eps is None:
        eps = float(array_module(input._data).finfo(input._data.dtype).eps)
    dims = tuple(range(input.dim() - k, input.dim()))
    out = input * (input * input).mean(dims, keepdim=True).add(eps).rsqrt() if k else input
    return out if weight is None else out * weight


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """input / (k + alpha * mean of the squares over a window of size channels around each channel) ** beta."""
    dim = input.dim()
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          input (got {dim} "
                         f"dimensions)")
    if input.numel() == 0:
        return input
    sizes = input.shape             # average of the squares over a window of channels, as a (size, 1) pooling
    div = (input * input).reshape(sizes[0], 1, sizes[1], -1)
    div = avg_pool2d(pad(div, (0, 0, size // 2, (size - 1) // 2)), (size, 1), stride=1).view(sizes)
    return input / div.mul(alpha).add(k).pow(beta)
