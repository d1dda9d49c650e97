"""Convolutions, pooling, unfold/fold and pad (torch.nn.functional forms).

Every sliding-window op sees its input through a strided view of windows (no copy), and then either
copies it once into columns for one batched matmul (conv, unfold) or reduces it in place (pooling).
The adjoint of a window view (conv's input gradient, avg-pool's gradient, fold) adds the columns back
with one vectorised add per kernel offset. Each op and its adjoint are one Op class pair whose
backwards call each other, so gradients of any order are convolutions or poolings again.
"""
import functools
import itertools
import math
from typing import NamedTuple

import numpy as np

from .. import _memory
from .._creation import legacy_type_name
from .._device import array_module
from .._tensor import _wrap
from ..autograd.complex import holomorphic
from ..autograd.function import Op
from .linalg import _CPP_NAMES

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "unfold", "fold",
           "max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "max_pool2d_with_indices",
           "max_pool3d_with_indices", "avg_pool1d", "avg_pool2d", "avg_pool3d", "adaptive_avg_pool1d",
           "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d", "adaptive_max_pool2d",
           "adaptive_max_pool3d", "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
           "adaptive_max_pool3d_with_indices", "lp_pool1d", "lp_pool2d", "lp_pool3d", "max_unpool1d", "max_unpool2d",
           "max_unpool3d", "pad"]


# ---- windows --------------------------------------------------------------------------------------

class _Windows(NamedTuple):
    """The sliding windows over the last nd (2 or 3) dims of an image: image size, number of windows per dim,
    kernel, stride, padding before the image, dilation (each an nd-tuple)."""
    size: tuple
    out: tuple
    kernel: tuple
    stride: tuple
    pad: tuple
    dilation: tuple

    def padded_size(self):
        """The padded image: the padding before, the image, and whatever the last window reaches."""
        return tuple(max(p + n, (o - 1) * s + d * (k - 1) + 1) for n, o, k, s, p, d in
                     zip(self.size, self.out, self.kernel, self.stride, self.pad, self.dilation))


def _inner(win):
    """The image inside its padded array: one slice per dim."""
    return tuple(slice(p, p + n) for p, n in zip(win.pad, win.size))


def _padded(x, win, fill=0):
    """x (..., *size) inside a `fill`-valued array of the padded size (x itself when none is needed)."""
    size, nd = win.padded_size(), len(win.size)
    if size == win.size:
        return x
    out = _memory.empty(array_module(x), x.shape[:-nd] + size, x.dtype)
    out.fill(fill)
    out[(...,) + _inner(win)] = x
    return out


def _window_view(xpad, win):
    """The view (..., *kernel, *out) of the windows of a padded array (..., *padded size); no copy."""
    xp, nd = array_module(xpad), len(win.size)
    lead, inner = xpad.strides[:-nd], xpad.strides[-nd:]
    strides = lead + tuple(s * d for s, d in zip(inner, win.dilation)) + tuple(s * t for s, t in zip(inner, win.stride))
    return xp.lib.stride_tricks.as_strided(xpad, xpad.shape[:-nd] + win.kernel + win.out, strides)


def _im2col(x, win):
    """Columns (..., *kernel, *out) of the image x (..., *size): one copy."""
    return array_module(x).ascontiguousarray(_window_view(_padded(x, win), win))


def _col2im(cols, win):
    """The adjoint of _im2col: columns (..., *kernel, *out) summed back into an image (..., *size),
    one vectorised add per kernel offset."""
    xp, nd, size = array_module(cols), len(win.size), win.padded_size()
    out = xp.zeros(cols.shape[:-2 * nd] + size, dtype=cols.dtype)
    rest = (slice(None),) * nd
    for offset in itertools.product(*(range(k) for k in win.kernel)):
        dst = tuple(slice(i * d, i * d + s * (o - 1) + 1, s)
                    for i, d, s, o in zip(offset, win.dilation, win.stride, win.out))
        out[(...,) + dst] += cols[(...,) + offset + rest]
    return out if size == win.size else xp.ascontiguousarray(out[(...,) + _inner(win)])


# ---- convolution ----------------------------------------------------------------------------------

class _ConvShapes(NamedTuple):
    """A convolution y = conv(x, w): the windows over x, groups, and the shapes of x, w and y as the
    caller has them (1-d and unbatched shapes are viewed as batched 2-d ones inside)."""
    win: _Windows
    groups: int
    x: tuple
    w: tuple
    y: tuple

    def batch(self):
        return self.x[0] if len(self.x) == len(self.w) else 1


def _conv_columns(x, s):
    """x's columns as (groups, C/groups * prod(kernel), N * prod(out)): one copy, in the layout of one matmul per
    group (a single 2-d matmul when groups == 1)."""
    n, c, g, nd = s.batch(), s.x[-len(s.w) + 1], s.groups, len(s.win.size)
    view = _window_view(_padded(x.reshape((n, c) + s.win.size), s.win), s.win)
    cols = _memory.contiguous(array_module(x), view.transpose(1, *range(2, 2 + nd), 0, *range(2 + nd, 2 + 2 * nd)))
    return cols.reshape(g, c // g * math.prod(s.win.kernel), n * math.prod(s.win.out))


def _channels_first(y, s, width=None):
    """A conv output-shaped y (N, OC, *out) as (groups, OC/groups, N * prod(out)): the columns' layout (a copy);
    with a width (2-d only), each row of Wo is padded with zeros to that width."""
    xp, n, g, oc, out, nd = array_module(y), s.batch(), s.groups, s.w[0], s.win.out, len(s.win.size)
    y = y.reshape((n, g, oc // g) + out).transpose(1, 2, 0, *range(3, 3 + nd))
    if width is None:
        return _memory.contiguous(xp, y).reshape(g, oc // g, n * math.prod(out))
    padded = _memory.zeros(xp, (g, oc // g, n, out[0], width), y.dtype)
    padded[..., :out[1]] = y
    return padded.reshape(g, oc // g, n * out[0] * width)


def _conv(x, w, s, cols=None):
    """y = conv(x, w) as one matmul of w against x's columns (per group)."""
    g, n = s.groups, s.batch()
    cols = _conv_columns(x, s) if cols is None else cols
    xp = array_module(cols)
    y = _memory.matmul(xp, w.reshape(g, w.shape[0] // g, -1), cols)
    y = y.reshape((w.shape[0], n) + s.y[-len(s.w) + 2:]).swapaxes(0, 1)
    return _memory.contiguous(xp, y).reshape(s.y), cols


def _conv_input_grad(gy, w, s):
    """The x-shaped adjoint of conv(., w) applied to gy (a transposed convolution)."""
    g, n, c, nd = s.groups, s.batch(), s.x[-len(s.w) + 1], len(s.win.size)
    wt = w.reshape(g, w.shape[0] // g, -1).swapaxes(1, 2)
    if nd != 2 or s.win.stride != (1, 1):
        cols = (wt @ _channels_first(gy, s)).reshape((c,) + s.win.kernel + (n,) + s.win.out)
        return _col2im(cols.transpose(nd + 1, *range(nd + 1), *range(nd + 2, 2 * nd + 2)), s.win).reshape(s.x)
    return _unit_stride_col2im(_memory.matmul(array_module(gy), wt, _channels_first(gy, s, s.win.padded_size()[1])), s)


def _unit_stride_col2im(cols, s):
    """col2im of stride-1 columns (groups, C/groups * kh * kw, N * Ho * Wp) whose rows are padded with zeros to the
    padded image's width Wp: each kernel offset then adds whole row blocks at once (a zero-padded row tail adds
    zeros at the start of the next row), so each add runs over Ho * Wp contiguous numbers, not Wo."""
    xp, win, n, c = array_module(cols), s.win, s.batch(), s.x[-len(s.w) + 1]
    (hp, wp), (h, w), (ph, pw), (kh, kw), (dh, dw), m = win.padded_size(), win.size, win.pad, win.kernel, \
        win.dilation, win.out[0] * win.padded_size()[1]
    cols = cols.reshape(c, kh, kw, n, m)
    out = _memory.zeros(xp, (c, n, (hp + 1) * wp), cols.dtype)
    for i in range(kh):
        for j in range(kw):
            start = i * dh * wp + j * dw
            out[:, :, start:start + m] += cols[:, i, j]
    out = out[:, :, :hp * wp].reshape(c, n, hp, wp)[:, :, ph:ph + h, pw:pw + w]
    return _memory.contiguous(xp, out.swapaxes(0, 1)).reshape(s.x)


def _conv_weight_grad(x, gy, s, cols=None):
    """The w-shaped adjoint of conv(x, .) applied to gy."""
    cols = _conv_columns(x, s) if cols is None else cols
    return _memory.matmul(array_module(gy), _channels_first(gy, s), cols.swapaxes(1, 2)).reshape(s.w)


class ConvolutionBackward0(Op):
    """The three bilinear maps of a convolution, each differentiable through the other two:
    mode 0 y = conv(a=x, b=w), mode 1 x = conv_transpose(a=y, b=w), mode 2 w = weight_grad(a=x, b=y);
    an optional bias is added along the channel dim of the result."""
    retain_inputs = (0, 1)

    @staticmethod
    def forward(ctx, a, b, bias, mode, s, cols=None):
        ctx.mode, ctx.s = mode, s
        if mode == 0:
            out, ctx.cols = _conv(a, b, s, cols)
        elif mode == 1:
            out = _conv_input_grad(a, b, s)
        else:
            out = _conv_weight_grad(a, b, s, cols)
        if bias is not None:
            channel = 1 if out.ndim == len(s.w) else 0
            ctx.bias_dims = tuple(d for d in range(out.ndim) if d != channel)
            out += bias.reshape((-1,) + (1,) * (out.ndim - channel - 1))
        return out

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need, s, conv = ctx.needs_input_grad, ctx.s, ConvolutionBackwardBackward0.apply
        ga = gb = gbias = None
        if ctx.mode == 0:
            if need[0]:
                ga = conv(g, b, None, 1, s)
            if need[1]:
                gb = conv(a, g, None, 2, s, cols=ctx.cols)
        elif ctx.mode == 1:
            if need[0]:
                ga = conv(g, b, None, 0, s)
            if need[1]:
                gb = conv(g, a, None, 2, s)
        else:
            if need[0]:
                ga = conv(b, g, None, 1, s)
            if need[1]:
                gb = conv(a, g, None, 0, s)
        if need[2]:
            gbias = g.sum(ctx.bias_dims)
        return ga, gb, gbias, None, None


class ConvolutionBackwardBackward0(ConvolutionBackward0):
    pass


def _tuple(value, n, name, fname=None):
    """value as an n-tuple of ints, with PyTorch's error for a sequence of the wrong length."""
    if isinstance(value, (tuple, list)):
        if len(value) == 1:
            value = tuple(value) * n
        if len(value) != n:
            raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} values to match the "
                               f"convolution dimensions, but got {name}={list(value)}")
        return tuple(int(v) for v in value)
    return (int(value),) * n


def _size_str(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _check_conv_args(fname, input, weight, bias, nd, groups, transposed):
    if input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {fname}, but got input "
                           f"of size: {_size_str(input.shape)}")
    if weight.dim() != nd + 2:
        raise RuntimeError("weight should have at least three dimensions" if weight.dim() < 3 else
                           f"Expected {nd + 2}-dimensional input for {nd + 2}-dimensional weight "
                           f"{_size_str(weight.shape)}, but got {input.dim()}-dimensional input of size "
                           f"{_size_str(input.shape)} instead")
    if input._data.dtype != weight._data.dtype:
        kinds = [legacy_type_name(t).replace("ember.", "torch.") for t in (input, weight)]
        raise RuntimeError(f"Input type ({kinds[0]}) and weight type ({kinds[1]}) should be the "
                           f"same or input should be a MKLDNN tensor and weight is a dense tensor")
    if bias is not None and input._data.dtype != bias._data.dtype:
        raise RuntimeError(f"Input type ({_CPP_NAMES[input._data.dtype]}) and bias type "
                           f"({_CPP_NAMES[bias._data.dtype]}) should be the same")
    if input._data.dtype.kind != "f":
        raise NotImplementedError(f"\"slow_conv2d_cpu\" not implemented for '{str(input.dtype)[6:].capitalize()}'")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    channels = input.shape[-nd - 1]
    shown = input.shape if input.dim() == nd + 2 else (1,) + tuple(input.shape)
    if transposed:
        if channels != weight.shape[0]:
            raise RuntimeError(f"Given transposed=1, weight of size {_size_str(weight.shape)}, expected "
                               f"input{_size_str(shown)} to have {weight.shape[0]} channels, but got {channels} "
                               f"channels instead")
        out_channels = weight.shape[1] * groups
    else:
        if weight.shape[0] % groups:
            raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
                               f"but got weight of size [{_size_str(weight.shape)}] instead")
        if channels != weight.shape[1] * groups:
            raise RuntimeError(f"Given groups={groups}, weight of size {_size_str(weight.shape)}, expected "
                               f"input{_size_str(shown)} to have {weight.shape[1] * groups} channels, but got "
                               f"{channels} channels instead")
        out_channels = weight.shape[0]
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != out_channels):
        raise RuntimeError(f"Given weight of size {_size_str(weight.shape)}, expected bias to be 1-dimensional with "
                           f"{out_channels} elements, but got bias of size {_size_str(bias.shape)} instead")
    return out_channels


def _check_positive(stride, padding, dilation):
    if any(v <= 0 for v in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(v <= 0 for v in dilation):
        raise RuntimeError("dilation should be greater than zero")
    if any(v < 0 for v in padding):
        raise RuntimeError("negative padding is not supported")


def _windows(nd, size, out, kernel, stride, pad, dilation):
    """_Windows from nd-tuples; 1-d geometry becomes 2-d with a unit first dim."""
    if nd == 1:
        return _Windows((1,) + size, (1,) + out, (1,) + kernel, (1,) + stride, (0,) + pad, (1,) + dilation)
    return _Windows(size, out, kernel, stride, pad, dilation)


def _convnd(fname, nd, input, weight, bias, stride, padding, dilation, groups):
    out_channels = _check_conv_args(fname, input, weight, bias, nd, groups, False)
    size, kernel = tuple(input.shape[-nd:]), tuple(weight.shape[2:])
    stride, dilation = _tuple(stride, nd, "stride"), _tuple(dilation, nd, "dilation")
    if isinstance(padding, str):
        if padding == "valid":
            before = after = (0,) * nd
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            total = [d * (k - 1) for d, k in zip(dilation, kernel)]
            before = tuple(t // 2 for t in total)
            after = tuple(t - b for t, b in zip(total, before))
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        before = after = _tuple(padding, nd, "padding")
    _check_positive(stride, before, dilation)
    padded = [n + b + a for n, b, a in zip(size, before, after)]
    reach = [d * (k - 1) + 1 for d, k in zip(dilation, kernel)]
    if any(p < r for p, r in zip(padded, reach)):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel "
                           f"size: ({' x '.join(map(str, reach))}). Kernel size can't be greater than actual input "
                           f"size")
    out = tuple((p - r) // s + 1 for p, r, s in zip(padded, reach, stride))
    win = _windows(nd, size, out, kernel, stride, before, dilation)
    y_shape = tuple(input.shape[:-nd - 1]) + (out_channels,) + out
    s = _ConvShapes(win, groups, tuple(input.shape), tuple(weight.shape), y_shape)
    return ConvolutionBackward0.apply(input, weight, bias, 0, s)


def _conv_transposend(fname, nd, input, weight, bias, stride, padding, output_padding, groups, dilation):
    if isinstance(padding, str):
        raise TypeError(f"{fname}(): argument 'padding' must be tuple of ints, not str")
    out_channels = _check_conv_args(fname, input, weight, bias, nd, groups, True)
    stride, padding, dilation = _tuple(stride, nd, "stride"), _tuple(padding, nd, "padding"), \
        _tuple(dilation, nd, "dilation")
    output_padding = _tuple(output_padding, nd, "output_padding")
    _check_positive(stride, padding, dilation)
    if any(o >= s and o >= d for o, s, d in zip(output_padding, stride, dilation)):
        names = ("depth", "height", "width")[3 - nd:]
        parts = [f"{kind}_{n}: {v}" for kind, vals in (("output_padding", output_padding), ("stride", stride),
                                                        ("dilation", dilation)) for n, v in zip(names, vals)]
        raise RuntimeError("output padding must be smaller than either stride or dilation, but got " + " ".join(parts))
    size, kernel = tuple(input.shape[-nd:]), tuple(weight.shape[2:])
    out = tuple((n - 1) * s - 2 * p + d * (k - 1) + o + 1 for n, s, p, d, k, o in
                zip(size, stride, padding, dilation, kernel, output_padding))
    if any(o <= 0 for o in out):
        raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, size))}). Calculated output size "
                           f"per channel: ({' x '.join(map(str, out))}). Output size is too small")
    win = _windows(nd, out, size, kernel, stride, padding, dilation)
    x_shape = tuple(input.shape[:-nd - 1]) + (out_channels,) + out
    s = _ConvShapes(win, groups, x_shape, tuple(weight.shape), tuple(input.shape))
    return ConvolutionBackward0.apply(input, weight, bias, 1, s)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-d convolution (cross-correlation) of input (N, C_in, L) with weight (C_out, C_in / groups, k)."""
    return _convnd("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-d convolution (cross-correlation) of input (N, C_in, H, W) with weight (C_out, C_in / groups, kH, kW)."""
    return _convnd("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-d convolution (cross-correlation) of input (N, C_in, D, H, W) with weight (C_out, C_in / groups, kD, kH, kW)."""
    return _convnd("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """1-d transposed convolution ("deconvolution"), weight (C_in, C_out / groups, k): conv1d's input gradient."""
    return _conv_transposend("conv_transpose1d", 1, input, weight, bias, stride, padding, output_padding, groups,
                             dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """2-d transposed convolution ("deconvolution"), weight (C_in, C_out / groups, kH, kW): conv2d's input gradient."""
    return _conv_transposend("conv_transpose2d", 2, input, weight, bias, stride, padding, output_padding, groups,
                             dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """3-d transposed convolution, weight (C_in, C_out / groups, kD, kH, kW): conv3d's input gradient."""
    return _conv_transposend("conv_transpose3d", 3, input, weight, bias, stride, padding, output_padding, groups,
                             dilation)


# ---- unfold / fold --------------------------------------------------------------------------------

class Im2ColBackward0(Op):
    @staticmethod
    def forward(ctx, x, win, shape):
        ctx.win, ctx.shape = win, x.shape
        return _im2col(x, win).reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return Col2ImBackward0.apply(g, ctx.win, ctx.shape), None, None


class Col2ImBackward0(Op):
    @staticmethod
    def forward(ctx, cols, win, shape):
        ctx.win, ctx.shape = win, cols.shape
        return _col2im(cols.reshape(shape[:-2] + win.kernel + win.out), win)

    @staticmethod
    def backward(ctx, g):
        return Im2ColBackward0.apply(g, ctx.win, ctx.shape), None, None


def _pair(value, name):
    return _tuple(value, 2, name)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding blocks of input (N, C, H, W) as columns (N, C * kH * kW, L) (im2col)."""
    if input.dim() not in (3, 4):
        raise RuntimeError(f"Input Error: Only 3D or 4D input Tensors are supported (got {input.dim()}D)")
    kernel, dilation, padding, stride = (_pair(v, n) for v, n in ((kernel_size, "kernel_size"),
                                         (dilation, "dilation"), (padding, "padding"), (stride, "stride")))
    size = tuple(input.shape[-2:])
    out = tuple((n + 2 * p - d * (k - 1) - 1) // s + 1 for n, p, d, k, s in zip(size, padding, dilation, kernel, stride))
    if any(o < 1 for o in out):
        raise RuntimeError(f"Given input with spatial size {size}, kernel_size={kernel}, dilation={dilation}, "
                           f"padding={padding}, calculated shape of the array of sliding blocks as {out}, but its "
                           f"components must be at least one.")
    shape = tuple(input.shape[:-2])
    shape = shape[:-1] + (shape[-1] * kernel[0] * kernel[1], out[0] * out[1])
    return Im2ColBackward0.apply(input, _Windows(size, out, kernel, stride, padding, dilation), shape)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sums columns (N, C * kH * kW, L) back into an image (N, C, *output_size) (col2im): unfold's adjoint."""
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
                           f"dimensions for input, but got: {_size_str(input.shape)}")
    size, kernel, dilation, padding, stride = (_pair(v, n) for v, n in (
        (output_size, "output_size"), (kernel_size, "kernel_size"), (dilation, "dilation"), (padding, "padding"),
        (stride, "stride")))
    out = tuple((n + 2 * p - d * (k - 1) - 1) // s + 1 for n, p, d, k, s in zip(size, padding, dilation, kernel, stride))
    described = f"Given output_size={size}, kernel_size={kernel}, dilation={dilation}, padding={padding}, " \
                f"stride={stride}, expected size of input's dimension"
    dim = input.dim() - 2
    if input.shape[dim] % (kernel[0] * kernel[1]):
        raise RuntimeError(f"{described} {dim} to be divisible by the product of kernel_size, but got "
                           f"input.size({dim})={input.shape[dim]}.")
    if input.shape[-1] != out[0] * out[1] or min(out) < 1:
        raise RuntimeError(f"{described} {dim + 1} to match the calculated number of sliding blocks {out[0]} * "
                           f"{out[1]} = {out[0] * out[1]}, but got input.size({dim + 1})={input.shape[-1]}.")
    shape = tuple(input.shape[:-2]) + (input.shape[-2] // (kernel[0] * kernel[1]),) + size
    return Col2ImBackward0.apply(input, _Windows(size, out, kernel, stride, padding, dilation), shape)


# ---- pooling --------------------------------------------------------------------------------------

def _pool_size(n, k, s, p, d, ceil_mode):
    """The number of pooling windows along a dim of size n (PyTorch's pooling_output_shape)."""
    out = (n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


_COUNT = {2: "two", 3: "three"}
_LETTERS = {2: "HW", 3: "THW"}


def _pool_arg(value, name, fname, nd, default=None):
    if value is None or (isinstance(value, (tuple, list)) and len(value) == 0 and default is not None):
        return default
    if isinstance(value, (tuple, list)):
        if len(value) == 1:
            value = tuple(value) * nd
        if len(value) != nd:
            must = {"kernel_size": "must either be a single int, or a tuple of",
                    "stride": "must either be omitted, a single int, or a tuple of",
                    "padding": "must either be a single int, or a tuple of",
                    "dilation": "must be either a single int, or a tuple of"}[name]
            if fname == "avg_pool3d" and name == "kernel_size":
                must = "must be a single int, or a tuple of"
            raise RuntimeError(f"{fname}: {name} {must} {_COUNT[nd]} ints")
        return tuple(int(v) for v in value)
    return (int(value),) * nd


def _pool_windows(fname, input, kernel_size, stride, padding, dilation, ceil_mode, nd=2):
    """The windows of an nd-d pooling over input's last nd dims, with PyTorch's checks."""
    kernel = _pool_arg(kernel_size, "kernel_size", fname, nd)
    stride = _pool_arg(stride, "stride", fname, nd, kernel)
    padding, dilation = _pool_arg(padding, "padding", fname, nd), _pool_arg(dilation, "dilation", fname, nd)
    letters = _LETTERS[nd]
    if any(k <= 0 for k in kernel):
        raise RuntimeError("kernel size should be greater than zero, but got " +
                           " ".join(f"k{a}: {k}" for a, k in zip(letters, kernel)) if nd == 2 else
                           "stride should not be zero")
    if any(s <= 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero, but got " +
                           " ".join(f"dilation{a}: {d}" for a, d in zip(letters, dilation)))
    for p, k, d in zip(padding, kernel, dilation):
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={d}")
    if input.dim() not in (nd + 1, nd + 2) or any(n == 0 for n in input.shape[-nd - 1:]):
        batched = f"{nd + 1}D or {nd + 2}D (batch mode) tensor"
        raise RuntimeError(f"Expected {batched} with optional 0 dim batch size for input, but got:"
                           f"{_size_str(input.shape)}" if input.dim() in (nd + 1, nd + 2) and nd == 2 else
                           f"non-empty {batched} expected for input")
    size = tuple(input.shape[-nd:])
    out = tuple(_pool_size(n, k, s, p, d, ceil_mode) for n, k, s, p, d in zip(size, kernel, stride, padding, dilation))
    if min(out) < 1:
        if fname == "avg_pool3d":
            raise RuntimeError(f"input image ({' '.join(f'{a}: {n}' for a, n in zip(letters, size))}) smaller than "
                               f"kernel size ({' '.join(f'k{a}: {k}' for a, k in zip(letters, kernel))})")
        c = input.shape[-nd - 1]
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, (c,) + size))}). Calculated output size: "
                           f"({'x'.join(map(str, (c,) + out))}). Output size is too small")
    return _Windows(size, out, kernel, stride, padding, dilation)


def _flat_positions(xp, win, offsets):
    """(flat index into the image of each window's first element (*out), flat offset of each kernel position)."""
    nd = len(win.size)
    plane = [math.prod(win.size[d + 1:]) for d in range(nd)]
    start = 0
    for d in range(nd):
        axis = (xp.arange(win.out[d]) * win.stride[d] - win.pad[d]) * plane[d]
        start = start + axis.reshape((-1,) + (1,) * (nd - d - 1))
    steps = [sum(i * dl * pl for i, dl, pl in zip(off, win.dilation, plane)) for off in offsets]
    return start, xp.asarray(steps)


def _first_max(xp, candidates):
    """The elementwise maximum of the arrays in candidates [(array, index) ...] (indices are ints) and the index of
    the first array that holds it (as PyTorch picks), reduced pairwise with arithmetic selects (masked writes are
    several times slower): each round halves the list."""
    if len(candidates) == 1:
        view, _ = candidates[0]
        return view.copy(), xp.zeros(view.shape, dtype=np.int32)
    while len(candidates) > 1:
        paired = []
        for (a, i), (b, j) in zip(candidates[::2], candidates[1::2]):
            later = b > a
            if isinstance(i, int):
                index = later.astype(np.int32)
                index *= j - i
            else:
                index = j - i
                index *= later
            index += i
            paired.append((xp.maximum(a, b), index))
        candidates = paired + candidates[len(paired) * 2:]
    return candidates[0]


class MaxPool2DWithIndicesBackward0(Op):
    """Maximum over windows (2-d or 3-d) and the flat positions of the maxima in each image plane."""
    non_differentiable = (1,)

    @staticmethod
    def forward(ctx, x, win):
        xp, nd = array_module(x), len(win.size)
        fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        view = _window_view(_padded(x, win, fill), win)
        offsets = list(itertools.product(*(range(k) for k in win.kernel)))
        rest = (slice(None),) * nd
        out, arg = _first_max(xp, [(view[(...,) + off + rest], k) for k, off in enumerate(offsets)])
        if x.dtype.kind == "f" and xp.isnan(out).any():     # a NaN wins, the last one as in PyTorch
            for k, off in enumerate(offsets):
                xp.copyto(arg, k, where=xp.isnan(view[(...,) + off + rest]))
        start, steps = _flat_positions(xp, win, offsets)
        ctx.indices = start + steps[arg]
        ctx.shape, ctx.nd = x.shape, nd
        ctx.unique = all(s >= d * (k - 1) + 1 for s, d, k in zip(win.stride, win.dilation, win.kernel))
        return out, ctx.indices

    @staticmethod
    def backward(ctx, g, g_indices):
        return _SCATTER[ctx.nd].apply(g, ctx.indices, ctx.shape, ctx.unique), None


class MaxPool3DWithIndicesBackward0(MaxPool2DWithIndicesBackward0):
    pass


class AdaptiveMaxPool2DBackward0(MaxPool2DWithIndicesBackward0):
    @staticmethod
    def forward(ctx, x, out_size):
        xp, nd = array_module(x), len(out_size)
        size = x.shape[-nd:]
        index = [_adaptive_index(xp, n, o) for n, o in zip(size, out_size)]
        ks = tuple(i.shape[1] for i in index)
        picks = tuple(i.reshape((1,) * d + (o,) + (1,) * (nd - 1) + (k,) + (1,) * (nd - d - 1))
                      for d, (i, o, k) in enumerate(zip(index, out_size, ks)))
        win = x[(...,) + picks]
        flat = win.reshape(win.shape[:-nd] + (math.prod(ks),))
        arg = flat.argmax(axis=-1) if flat.size else xp.zeros(flat.shape[:-1], dtype=np.int64)
        out = xp.take_along_axis(flat, arg[..., None], axis=-1)[..., 0]
        plane = [math.prod(size[d + 1:]) for d in range(nd)]
        indices = 0
        for d, (i, o, k) in enumerate(zip(index, out_size, ks)):
            along = xp.arange(o).reshape((-1,) + (1,) * (nd - d - 1))
            indices = indices + i[along, (arg // math.prod(ks[d + 1:])) % k] * plane[d]
        ctx.indices, ctx.shape, ctx.nd = indices, x.shape, nd
        ctx.unique = all(n % o == 0 for n, o in zip(size, out_size))
        return out, indices


class AdaptiveMaxPool3DBackward0(AdaptiveMaxPool2DBackward0):
    pass


class MaxPool2DWithIndicesBackwardBackward0(Op):
    """Scatters gradients of max pooling to the argmax positions (flat indices into each image plane of the last
    `nd` dims of shape); with unique positions (written, not summed) it is also max_unpool."""
    nd = 2

    @staticmethod
    def forward(ctx, g, indices, shape, unique):
        xp, nd = array_module(g), type(ctx).nd
        planes, size = math.prod(shape[:-nd]), math.prod(shape[-nd:])
        ctx.indices, ctx.planes, ctx.size = indices, planes, size
        flat = (indices.reshape(planes, math.prod(indices.shape[-nd:])) + xp.arange(planes)[:, None] * size).ravel()
        if unique:
            out = _memory.zeros(xp, (planes * size,), g.dtype)
            out[flat] = g.ravel()
        else:
            out = xp.bincount(flat, weights=g.ravel(), minlength=planes * size).astype(g.dtype, copy=False)
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, gg):
        nd = type(ctx).nd
        index = _wrap(ctx.indices.reshape(ctx.planes, math.prod(ctx.indices.shape[-nd:])))
        return gg.reshape(ctx.planes, ctx.size).gather(1, index).reshape(ctx.indices.shape), None, None, None


class MaxPool3DWithIndicesBackwardBackward0(MaxPool2DWithIndicesBackwardBackward0):
    nd = 3


class MaxUnpool2DBackward0(MaxPool2DWithIndicesBackwardBackward0):
    pass


class MaxUnpool3DBackward0(MaxPool2DWithIndicesBackwardBackward0):
    nd = 3


_SCATTER = {2: MaxPool2DWithIndicesBackwardBackward0, 3: MaxPool3DWithIndicesBackwardBackward0}


def _adaptive_bounds(n, o):
    i = np.arange(o)
    return (i * n) // o, ((i + 1) * n + o - 1) // o


def _adaptive_index(xp, n, o):
    """(o, K) input positions of each adaptive window, the last one repeated to pad short windows to K."""
    start, end = _adaptive_bounds(n, o)
    k = int((end - start).max())
    return xp.asarray(start[:, None] + np.minimum(np.arange(k), (end - start - 1)[:, None]))


def _adaptive_matrix(xp, n, o, dtype):
    """(o, n) matrix whose rows average the adaptive windows."""
    start, end = _adaptive_bounds(n, o)
    pos = np.arange(n)
    m = ((pos >= start[:, None]) & (pos < end[:, None])) / (end - start)[:, None]
    return xp.asarray(m.astype(dtype))


class AvgPool2DBackward0(Op):
    """Window sums divided by `div` (an array of the output's spatial shape); the backward is the adjoint
    (AvgPool2DBackwardBackward0, or its 3-d twin)."""

    @staticmethod
    def forward(ctx, x, win, div):
        ctx.win, ctx.div = win, div
        nd = len(win.size)
        return _window_view(_padded(x, win), win).sum(axis=tuple(range(-2 * nd, -nd))) / div

    @staticmethod
    def backward(ctx, g):
        return _AVG_POOL[len(ctx.win.size)][1].apply(g, ctx.win, ctx.div), None, None


class AvgPool2DBackwardBackward0(Op):
    @staticmethod
    def forward(ctx, g, win, div):
        ctx.win, ctx.div = win, div
        xp, nd = array_module(g), len(win.size)
        scaled = (g / div).reshape(g.shape[:-nd] + (1,) * nd + win.out)
        return _col2im(xp.broadcast_to(scaled, g.shape[:-nd] + win.kernel + win.out), win)

    @staticmethod
    def backward(ctx, gg):
        return _AVG_POOL[len(ctx.win.size)][0].apply(gg, ctx.win, ctx.div), None, None


class AvgPool3DBackward0(AvgPool2DBackward0):
    pass


class AvgPool3DBackwardBackward0(AvgPool2DBackwardBackward0):
    pass


_AVG_POOL = {2: (AvgPool2DBackward0, AvgPool2DBackwardBackward0), 3: (AvgPool3DBackward0, AvgPool3DBackwardBackward0)}


class AdaptiveAvgPool2DBackward0(Op):
    """rows @ x @ cols.T with averaging matrices; the adjoint is the same op with the matrices transposed."""

    @staticmethod
    def forward(ctx, x, rows, cols):
        ctx.rows, ctx.cols = rows, cols
        return rows @ x @ cols.T

    @staticmethod
    def backward(ctx, g):
        return AdaptiveAvgPool2DBackwardBackward0.apply(g, ctx.rows.T, ctx.cols.T), None, None


class AdaptiveAvgPool2DBackwardBackward0(AdaptiveAvgPool2DBackward0):
    pass


class _Separable(Op):
    """x (..., *spatial) with the matrices `mats` (out, in) applied along its last len(mats) dims (one tensordot
    each); `pair` is (this op's class, its adjoint's class): the backward applies the transposed matrices, or the
    matrices `adjoint` where given (PyTorch's nearest upsampling has a backward that is not its forward's adjoint)."""

    @staticmethod
    def forward(ctx, x, mats, pair, adjoint=None):
        ctx.mats, ctx.pair = mats, pair
        ctx.adjoint = tuple(m.T for m in mats) if adjoint is None else adjoint
        xp, nd = array_module(x), len(mats)
        for k, m in enumerate(mats):
            axis = x.ndim - nd + k
            x = xp.moveaxis(xp.tensordot(x, m, axes=([axis], [1])), -1, axis)
        return xp.ascontiguousarray(x)

    @staticmethod
    def backward(ctx, g):
        fwd, adj = ctx.pair
        return adj.apply(g, ctx.adjoint, (adj, fwd), ctx.mats), None, None, None


def separable_pair(name):
    """The Op class `name` and its adjoint `name`Backward0's twin, both _Separable."""
    return type(f"{name}Backward0", (_Separable,), {}), type(f"{name}BackwardBackward0", (_Separable,), {})


_ADAPTIVE_AVG_3D = separable_pair("AdaptiveAvgPool3D")


def _avg_divisors(xp, win, count_include_pad, divisor_override, dtype):
    if divisor_override:
        return xp.asarray(np.full(win.out, divisor_override, dtype=dtype))
    sizes = []
    for n, o, k, s, p in zip(win.size, win.out, win.kernel, win.stride, win.pad):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)
        sizes.append(end - start if count_include_pad else np.minimum(end, n) - np.maximum(start, 0))
    return xp.asarray(functools.reduce(np.multiply.outer, sizes).astype(dtype))


def _one_to_two(fname, input, name):
    """A 1-d pooling's input viewed as 2-d (a unit height), with PyTorch's dimension error."""
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional tensor for argument #1 "
                           f"'{name}' (while checking arguments for {fname})")
    return input.unsqueeze(-2)


def _one(value, lead=1):
    """A 1-d pooling argument as the 2-d one of a unit-height input (None stays None)."""
    if value is None or (isinstance(value, (tuple, list)) and len(value) == 0):
        return None
    return (lead, value[0] if isinstance(value, (tuple, list)) else value)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Maximum over kH x kW windows (and, with return_indices, the flat positions of the maxima)."""
    win = _pool_windows("max_pool2d", input, kernel_size, stride, padding, dilation, ceil_mode)
    out, indices = MaxPool2DWithIndicesBackward0.apply(input, win)
    return (out, indices) if return_indices else out


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Maximum over windows of size kernel_size along the last dim."""
    if input.dim() not in (2, 3) or input.shape[-1] == 0:
        raise RuntimeError(f"max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got:{_size_str(input.shape)}")
    k = kernel_size[0] if isinstance(kernel_size, (tuple, list)) else kernel_size
    s = k if stride is None or stride == () or stride == [] else stride[0] if isinstance(stride, (tuple, list)) \
        else stride
    p = padding[0] if isinstance(padding, (tuple, list)) else padding
    d = dilation[0] if isinstance(dilation, (tuple, list)) else dilation
    if p <= (d * (k - 1) + 1) // 2 and k > 0 and s > 0 and d > 0:
        n = _pool_size(input.shape[-1], k, s, p, d, ceil_mode)
        if n < 1:
            raise RuntimeError(f"max_pool1d() Invalid computed output size: {n}")
    out, indices = max_pool2d(input.unsqueeze(-2), (1, k), (1, s), (0, p), (1, d), ceil_mode, True)
    return (out.squeeze(-2), indices.squeeze(-2)) if return_indices else out.squeeze(-2)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Mean over kH x kW windows; count_include_pad counts zero padding in the divisor."""
    win = _pool_windows("avg_pool2d", input, kernel_size, stride, padding, 1, ceil_mode)
    div = _avg_divisors(array_module(input._data), win, count_include_pad, divisor_override, input._data.dtype)
    return AvgPool2DBackward0.apply(input, win, div)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """Mean over windows of size kernel_size along the last dim."""
    x = _one_to_two("avg_pool1d", input, "self")
    return avg_pool2d(x, _one(kernel_size), _one(stride), _one(padding, 0), ceil_mode,
                      count_include_pad).squeeze(-2)


def _adaptive_size(fname, input, output_size, nd=2):
    if input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(f"{fname}(): Expected {nd + 1}D or {nd + 2}D tensor, but got{':' if 'max' in fname else ''} "
                           f"{_size_str(input.shape)}")
    out = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size,) * nd
    if len(out) != nd:
        if nd == 3 and "max" in fname:
            raise RuntimeError(f"{fname}(): internal error: output_size.size() must be 3")
        raise ValueError("Input dimension should be at least 3" if nd == 2 else
                         f"Input dimension should be at least {nd + 1}")
    return tuple(n if o is None else int(o) for o, n in zip(out, input.shape[-nd:]))


def adaptive_avg_pool2d(input, output_size):
    """Mean over the windows that split H and W into output_size parts (window i: floor(i*H/oH) .. ceil((i+1)*H/oH))."""
    oh, ow = _adaptive_size("adaptive_avg_pool2d", input, output_size)
    xp, dtype = array_module(input._data), input._data.dtype
    h, w = input.shape[-2:]
    return AdaptiveAvgPool2DBackward0.apply(input, _adaptive_matrix(xp, h, oh, dtype), _adaptive_matrix(xp, w, ow, dtype))


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Maximum over the windows that split H and W into output_size parts."""
    out, indices = AdaptiveMaxPool2DBackward0.apply(input, _adaptive_size("adaptive_max_pool2d", input, output_size))
    return (out, indices) if return_indices else out


def adaptive_avg_pool3d(input, output_size):
    """Mean over the windows that split D, H and W into output_size parts."""
    out = _adaptive_size("adaptive_avg_pool3d", input, output_size, 3)
    xp, dtype = array_module(input._data), input._data.dtype
    mats = tuple(_adaptive_matrix(xp, n, o, dtype) for n, o in zip(input.shape[-3:], out))
    return _ADAPTIVE_AVG_3D[0].apply(input, mats, _ADAPTIVE_AVG_3D)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """Maximum over the windows that split D, H and W into output_size parts."""
    out, indices = AdaptiveMaxPool3DBackward0.apply(input, _adaptive_size("adaptive_max_pool3d", input, output_size,
                                                                          3))
    return (out, indices) if return_indices else out


def adaptive_avg_pool1d(input, output_size):
    """Mean over the windows that split the last dim into output_size parts."""
    x = _one_to_two("adaptive_avg_pool1d", input, "self")
    return adaptive_avg_pool2d(x, _one(output_size)).squeeze(-2)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Maximum over the windows that split the last dim into output_size parts."""
    x = _one_to_two("adaptive_max_pool1d", input, "self")
    out, indices = adaptive_max_pool2d(x, _one(output_size), True)
    return (out.squeeze(-2), indices.squeeze(-2)) if return_indices else out.squeeze(-2)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Maximum over kT x kH x kW windows (and, with return_indices, the flat positions of the maxima)."""
    win = _pool_windows("max_pool3d", input, kernel_size, stride, padding, dilation, ceil_mode, 3)
    out, indices = MaxPool3DWithIndicesBackward0.apply(input, win)
    return (out, indices) if return_indices else out


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Mean over kT x kH x kW windows; count_include_pad counts zero padding in the divisor."""
    win = _pool_windows("avg_pool3d", input, kernel_size, stride, padding, 1, ceil_mode, 3)
    div = _avg_divisors(array_module(input._data), win, count_include_pad, divisor_override, input._data.dtype)
    return AvgPool3DBackward0.apply(input, win, div)


def _with_indices(pool, doc):
    def fn(*args, **kwargs):
        kwargs["return_indices"] = True
        return pool(*args, **kwargs)
    fn.__name__, fn.__qualname__, fn.__doc__ = pool.__name__ + "_with_indices", pool.__name__ + "_with_indices", doc
    return fn


max_pool1d_with_indices = _with_indices(max_pool1d, "max_pool1d and the positions of the maxima.")
max_pool2d_with_indices = _with_indices(max_pool2d, "max_pool2d and the flat positions of the maxima.")
max_pool3d_with_indices = _with_indices(max_pool3d, "max_pool3d and the flat positions of the maxima.")
adaptive_max_pool1d_with_indices = _with_indices(adaptive_max_pool1d, "adaptive_max_pool1d and the positions of the "
                                                 "maxima.")
adaptive_max_pool2d_with_indices = _with_indices(adaptive_max_pool2d, "adaptive_max_pool2d and the flat positions of "
                                                 "the maxima.")
adaptive_max_pool3d_with_indices = _with_indices(adaptive_max_pool3d, "adaptive_max_pool3d and the flat positions of "
                                                 "the maxima.")


def _lp_pool(nd, input, norm_type, kernel_size, stride, ceil_mode):
    """(sum over each window of x^p)^(1/p) as PyTorch computes it: from the window mean times the window size."""
    from .pointwise import relu
    maxpool, avgpool = (max_pool1d, max_pool2d, max_pool3d)[nd - 1], (avg_pool1d, avg_pool2d, avg_pool3d)[nd - 1]
    if norm_type == math.inf:
        return maxpool(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if norm_type == -math.inf:
        return -maxpool(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    out = avgpool(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    kernel = math.prod(kernel_size) if isinstance(kernel_size, (tuple, list)) and nd > 1 else \
        kernel_size if nd == 1 else kernel_size ** nd
    return (out.sign() * relu(out.abs())).mul(kernel).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """The norm_type-norm of each window along the last dim."""
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """The norm_type-norm of each kH x kW window."""
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """The norm_type-norm of each kT x kH x kW window."""
    return _lp_pool(3, input, norm_type, kernel_size, stride, ceil_mode)


def _unpool_size(input, kernel, stride, padding, output_size):
    """PyTorch's _unpool_output_size: the default (n - 1) * stride + kernel - 2 * padding, or a checked output_size."""
    nd = len(kernel)
    default = [(input.shape[input.dim() - nd + d] - 1) * stride[d] + kernel[d] - 2 * padding[d] for d in range(nd)]
    if output_size is None:
        return default
    output_size = list(output_size)
    if len(output_size) == nd + 2:
        output_size = output_size[2:]
    if len(output_size) != nd:
        raise ValueError(f"output_size should be a sequence containing {nd} or {nd + 2} elements, but it has a length "
                         f"of '{len(output_size)}'")
    for d in range(nd):
        low, high = default[d] - stride[d], default[d] + stride[d]
        if not low < output_size[d] < high:
            raise ValueError(f'invalid output_size "{tuple(output_size)}" (dim {d} must be between {low} and {high})')
    return output_size


def _max_unpool(nd, input, indices, kernel_size, stride, padding, output_size):
    """max_unpool over the last nd (2 or 3) dims, each input value written at its index in an output plane."""
    as_tuple = (lambda v: _tuple(v, nd, "value"))
    kernel = as_tuple(kernel_size)
    stride = kernel if stride is None else as_tuple(stride)
    size = tuple(int(n) for n in _unpool_size(input, kernel, stride, as_tuple(padding), output_size))
    if indices._data.dtype != np.int64:
        from .reduce import _type_name
        raise RuntimeError(f"elements in indices should be type int64 but got: {_type_name(indices)}")
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({_size_str(input.shape)}) but got indices tensor with shape: {_size_str(indices.shape)}")
    plane = math.prod(size)
    idx = indices._data
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= plane):
        bad = int(idx.max()) if int(idx.max()) >= plane else int(idx.min())
        raise RuntimeError(f"Found an invalid max index: {bad} (output volumes are of size {'x'.join(map(str, size))})")
    shape = tuple(input.shape[:-nd]) + size
    return (MaxUnpool2DBackward0 if nd == 2 else MaxUnpool3DBackward0).apply(input, idx, shape, True)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool1d: each value put back at its index, zeros elsewhere."""
    k, s, p = (None if v is None else _tuple(v, 1, "value")[0] for v in (kernel_size, stride, padding))
    size = _unpool_size(input, (k,), (k,) if s is None else (s,), (p,), output_size)
    return _max_unpool(2, input.unsqueeze(-1), indices.unsqueeze(-1), (k, 1), (k if s is None else s, 1), (p, 0),
                       size + [1]).squeeze(-1)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool2d: each value put back at its flat index, zeros elsewhere."""
    return _max_unpool(2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool3d: each value put back at its flat index, zeros elsewhere."""
    return _max_unpool(3, input, indices, kernel_size, stride, padding, output_size)


# ---- pad ------------------------------------------------------------------------------------------

class ConstantPadNdBackward0(Op):
    """x padded with `value`: pads is ((before, after) for the last dim, then the one before ...); negative
    amounts crop. The backward is the same op with the amounts negated (and zero fill)."""

    @staticmethod
    def forward(ctx, x, pads, value):
        ctx.pads = pads
        xp = array_module(x)
        nd = len(pads)
        dims = x.shape[x.ndim - nd:]
        out = xp.full(x.shape[:x.ndim - nd] + tuple(n + lo + hi for n, (lo, hi) in zip(dims, pads[::-1])), value,
                      dtype=x.dtype)
        src = tuple(slice(max(-lo, 0), n - max(-hi, 0)) for n, (lo, hi) in zip(dims, pads[::-1]))
        dst = tuple(slice(max(lo, 0), max(lo, 0) + max(n - max(-lo, 0) - max(-hi, 0), 0))
                    for n, (lo, hi) in zip(dims, pads[::-1]))
        out[(...,) + dst] = x[(...,) + src]
        return out

    @staticmethod
    def backward(ctx, g):
        return ConstantPadNdBackward0.apply(g, tuple((-lo, -hi) for lo, hi in ctx.pads), 0), None, None


def _pad_index(mode, n, lo, hi):
    """The input positions that make up a dim of size n padded by (lo, hi); circular padding, as PyTorch's, first
    crops the negative amounts and then wraps around what is left."""
    if mode == "circular":
        start, kept = max(-lo, 0), n - max(-lo, 0) - max(-hi, 0)
        return start + np.arange(-max(lo, 0), kept + max(hi, 0)) % kept
    i = np.arange(-lo, n + hi)
    if mode == "reflect":
        return np.where(i < 0, -i, np.where(i >= n, 2 * (n - 1) - i, i))
    return np.clip(i, 0, n - 1)


class _IndexPad(Op):
    """x gathered along its last dims at the positions `index` (one array per dim, last dim first) lists;
    the backward sums gradients back with the transposed one-hot matrices."""

    @staticmethod
    def forward(ctx, x, index):
        ctx.index, ctx.shape = index, x.shape
        xp = array_module(x)
        for k, idx in enumerate(index):
            x = xp.take(x, xp.asarray(idx), axis=x.ndim - 1 - k)
        return x

    @staticmethod
    def backward(ctx, g):
        return _IndexPadAdjoint.apply(g, ctx.index, ctx.shape), None


class _IndexPadAdjoint(Op):
    @staticmethod
    def forward(ctx, g, index, shape):
        ctx.index = index
        xp = array_module(g)
        for k, idx in enumerate(index):
            axis = g.ndim - 1 - k
            onehot = xp.asarray(np.arange(shape[axis]) == idx[:, None], dtype=g.dtype)
            g = xp.moveaxis(xp.tensordot(g, onehot, axes=([axis], [0])), -1, axis)
        return g

    @staticmethod
    def backward(ctx, gg):
        return _IndexPad.apply(gg, ctx.index), None, None


_PAD_OPS = {(mode, n): type(f"{name}Pad{n}DBackward0", (_IndexPad,), {}) for mode, name in
            (("reflect", "Reflection"), ("replicate", "Replication")) for n in (1, 2, 3)}
_PAD_OPS.update({("circular", n): type("CopySlices", (_IndexPad,), {}) for n in (1, 2, 3)})


def pad(input, pad, mode="constant", value=None):
    """Pads the last len(pad) // 2 dims: pad = (left, right, top, bottom, ...), last dim first.
    mode: 'constant' (with value, default 0), 'reflect', 'replicate' or 'circular'."""
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.dim():
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.dim()}")
    pads = tuple((int(pad[i]), int(pad[i + 1])) for i in range(0, len(pad), 2))
    if mode == "constant":
        return ConstantPadNdBackward0.apply(input, pads, 0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    nd = len(pads)
    if not 1 <= nd <= 3 or input.dim() not in (nd + 1, nd + 2):
        raise NotImplementedError(f"Padding size {len(pad)} is not supported for {input.dim()}D input tensor.\n"
                                  f"Supported combinations for non-constant padding:\n"
                                  f"  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
                                  f"  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
                                  f"  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    index = []
    for k, (lo, hi) in enumerate(pads):
        n = input.shape[input.dim() - 1 - k]
        if mode == "reflect" and (lo >= n or hi >= n):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, "
                               f"but got: padding ({lo}, {hi}) at dimension {input.dim() - 1 - k} of input "
                               f"{_size_str(input.shape)}")
        if mode == "circular" and (lo > n or hi > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        index.append(_pad_index(mode, n, lo, hi))
    return _PAD_OPS[mode, nd].apply(input, tuple(index))


holomorphic("ConstantPadNdBackward0")
