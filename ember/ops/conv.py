"""Convolutions, pooling, unfold/fold and pad (torch.nn.functional forms).

Every sliding-window op sees its input through a strided view of windows (no copy), and then either
copies it once into columns for one batched matmul (conv, unfold) or reduces it in place (pooling).
The adjoint of a window view (conv's input gradient, avg-pool's gradient, fold) adds the columns back
with one vectorised add per kernel offset. Each op and its adjoint are one Op class pair whose
backwards call each other, so gradients of any order are convolutions or poolings again.
"""
import math
from typing import NamedTuple

import numpy as np

from .._creation import legacy_type_name
from .._device import array_module
from .._tensor import _wrap
from ..autograd.function import Op
from .linalg import _CPP_NAMES

__all__ = ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "unfold", "fold", "max_pool1d",
           "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
           "adaptive_max_pool1d", "adaptive_max_pool2d", "pad"]


# ---- windows --------------------------------------------------------------------------------------

class _Windows(NamedTuple):
    """The sliding windows over the last two dims of an image: image size, number of windows per dim,
    kernel, stride, padding before the image, dilation (each a pair)."""
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


def _padded(x, win, fill=0):
    """x (..., H, W) inside a `fill`-valued array of the padded size (x itself when none is needed)."""
    hp, wp = win.padded_size()
    (h, w), (ph, pw) = win.size, win.pad
    if (hp, wp) == (h, w):
        return x
    xp = array_module(x)
    out = xp.full(x.shape[:-2] + (hp, wp), fill, dtype=x.dtype)
    out[..., ph:ph + h, pw:pw + w] = x
    return out


def _window_view(xpad, win):
    """The view (..., kh, kw, Ho, Wo) of the windows of a padded array (..., Hp, Wp); no copy."""
    xp = array_module(xpad)
    *lead, sh, sw = xpad.strides
    strides = (*lead, sh * win.dilation[0], sw * win.dilation[1], sh * win.stride[0], sw * win.stride[1])
    return xp.lib.stride_tricks.as_strided(xpad, xpad.shape[:-2] + win.kernel + win.out, strides)


def _im2col(x, win):
    """Columns (..., kh, kw, Ho, Wo) of the image x (..., H, W): one copy."""
    return array_module(x).ascontiguousarray(_window_view(_padded(x, win), win))


def _col2im(cols, win):
    """The adjoint of _im2col: columns (..., kh, kw, Ho, Wo) summed back into an image (..., H, W),
    one vectorised add per kernel offset."""
    xp = array_module(cols)
    (hp, wp), (h, w), (ph, pw) = win.padded_size(), win.size, win.pad
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = win.kernel, win.stride, win.dilation, win.out
    out = xp.zeros(cols.shape[:-4] + (hp, wp), dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            out[..., i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw] += cols[..., i, j, :, :]
    return out if (hp, wp) == (h, w) else xp.ascontiguousarray(out[..., ph:ph + h, pw:pw + w])


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
    """x's columns as (groups, C/groups * kh * kw, N * Ho * Wo): one copy, in the layout of one matmul per group
    (a single 2-d matmul when groups == 1)."""
    n, c, g = s.batch(), s.x[-len(s.w) + 1], s.groups
    view = _window_view(_padded(x.reshape((n, c) + s.win.size), s.win), s.win)
    cols = array_module(x).ascontiguousarray(view.transpose(1, 2, 3, 0, 4, 5))
    return cols.reshape(g, -1, n * cols.shape[-2] * cols.shape[-1])


def _channels_first(y, s, width=None):
    """A conv output-shaped y (N, OC, Ho, Wo) as (groups, OC/groups, N * Ho * Wo): the columns' layout (a copy);
    with a width, each row of Wo is padded with zeros to that width."""
    xp, n, g, oc, (oh, ow) = array_module(y), s.batch(), s.groups, s.w[0], s.win.out
    y = y.reshape(n, g, oc // g, oh, ow).transpose(1, 2, 0, 3, 4)
    if width is None:
        return y.reshape(g, oc // g, n * oh * ow)
    out = xp.zeros((g, oc // g, n, oh, width), dtype=y.dtype)
    out[..., :ow] = y
    return out.reshape(g, oc // g, n * oh * width)


def _conv(x, w, s, cols=None):
    """y = conv(x, w) as one matmul of w against x's columns (per group)."""
    g, n = s.groups, s.batch()
    cols = _conv_columns(x, s) if cols is None else cols
    y = w.reshape(g, w.shape[0] // g, -1) @ cols
    y = y.reshape((w.shape[0], n) + s.y[-len(s.w) + 2:]).swapaxes(0, 1)
    return array_module(y).ascontiguousarray(y).reshape(s.y), cols


def _conv_input_grad(gy, w, s):
    """The x-shaped adjoint of conv(., w) applied to gy (a transposed convolution)."""
    g, n, c = s.groups, s.batch(), s.x[-len(s.w) + 1]
    wt = w.reshape(g, w.shape[0] // g, -1).swapaxes(1, 2)
    if s.win.stride != (1, 1):
        cols = (wt @ _channels_first(gy, s)).reshape((c,) + s.win.kernel + (n,) + s.win.out)
        return _col2im(cols.transpose(3, 0, 1, 2, 4, 5), s.win).reshape(s.x)
    return _unit_stride_col2im(wt @ _channels_first(gy, s, s.win.padded_size()[1]), s)


def _unit_stride_col2im(cols, s):
    """col2im of stride-1 columns (groups, C/groups * kh * kw, N * Ho * Wp) whose rows are padded with zeros to the
    padded image's width Wp: each kernel offset then adds whole row blocks at once (a zero-padded row tail adds
    zeros at the start of the next row), so each add runs over Ho * Wp contiguous numbers, not Wo."""
    xp, win, n, c = array_module(cols), s.win, s.batch(), s.x[-len(s.w) + 1]
    (hp, wp), (h, w), (ph, pw), (kh, kw), (dh, dw), m = win.padded_size(), win.size, win.pad, win.kernel, \
        win.dilation, win.out[0] * win.padded_size()[1]
    cols = cols.reshape(c, kh, kw, n, m)
    out = xp.zeros((c, n, (hp + 1) * wp), dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            start = i * dh * wp + j * dw
            out[:, :, start:start + m] += cols[:, i, j]
    out = out[:, :, :hp * wp].reshape(c, n, hp, wp)[:, :, ph:ph + h, pw:pw + w]
    return xp.ascontiguousarray(out.swapaxes(0, 1)).reshape(s.x)


def _conv_weight_grad(x, gy, s, cols=None):
    """The w-shaped adjoint of conv(x, .) applied to gy."""
    cols = _conv_columns(x, s) if cols is None else cols
    return (_channels_first(gy, s) @ cols.swapaxes(1, 2)).reshape(s.w)


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
        raise RuntimeError(f"weight should have at least three dimensions" if weight.dim() < 3 else
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
        names = ("height", "width") if nd == 2 else ("width",)
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


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """1-d transposed convolution ("deconvolution"), weight (C_in, C_out / groups, k): conv1d's input gradient."""
    return _conv_transposend("conv_transpose1d", 1, input, weight, bias, stride, padding, output_padding, groups,
                             dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """2-d transposed convolution ("deconvolution"), weight (C_in, C_out / groups, kH, kW): conv2d's input gradient."""
    return _conv_transposend("conv_transpose2d", 2, input, weight, bias, stride, padding, output_padding, groups,
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


def _pool_arg(value, name, fname, default=None):
    if value is None or (isinstance(value, (tuple, list)) and len(value) == 0 and default is not None):
        return default
    if isinstance(value, (tuple, list)):
        if len(value) == 1:
            value = tuple(value) * 2
        if len(value) != 2:
            must = {"kernel_size": "must either be a single int, or a tuple of two ints",
                    "stride": "must either be omitted, a single int, or a tuple of two ints",
                    "padding": "must either be a single int, or a tuple of two ints",
                    "dilation": "must be either a single int, or a tuple of two ints"}[name]
            raise RuntimeError(f"{fname}: {name} {must}")
        return tuple(int(v) for v in value)
    return (int(value),) * 2


def _pool_windows(fname, input, kernel_size, stride, padding, dilation, ceil_mode):
    """The windows of a 2-d pooling over input's last two dims, with PyTorch's checks."""
    kernel = _pool_arg(kernel_size, "kernel_size", fname)
    stride = _pool_arg(stride, "stride", fname, kernel)
    padding, dilation = _pool_arg(padding, "padding", fname), _pool_arg(dilation, "dilation", fname)
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {kernel[0]} kW: {kernel[1]}")
    if any(s <= 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: {dilation[0]} "
                           f"dilationW: {dilation[1]}")
    for p, k, d in zip(padding, kernel, dilation):
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={d}")
    if input.dim() not in (3, 4) or any(n == 0 for n in input.shape[-3:]):
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but "
                           f"got:{_size_str(input.shape)}" if input.dim() in (3, 4) else
                           "non-empty 3D or 4D (batch mode) tensor expected for input")
    size = tuple(input.shape[-2:])
    out = tuple(_pool_size(n, k, s, p, d, ceil_mode) for n, k, s, p, d in zip(size, kernel, stride, padding, dilation))
    if min(out) < 1:
        c = input.shape[-3]
        raise RuntimeError(f"Given input size: ({c}x{size[0]}x{size[1]}). Calculated output size: "
                           f"({c}x{out[0]}x{out[1]}). Output size is too small")
    return _Windows(size, out, kernel, stride, padding, dilation)


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
    non_differentiable = (1,)

    @staticmethod
    def forward(ctx, x, win):
        xp = array_module(x)
        fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        (kh, kw), (oh, ow), (sh, sw), (ph, pw), (dh, dw) = win.kernel, win.out, win.stride, win.pad, win.dilation
        view = _window_view(_padded(x, win, fill), win)
        offsets = [(i, j) for i in range(kh) for j in range(kw)]
        out, arg = _first_max(xp, [(view[..., i, j, :, :], k) for k, (i, j) in enumerate(offsets)])
        if x.dtype.kind == "f" and xp.isnan(out).any():     # a NaN wins, the last one as in PyTorch
            for k, (i, j) in enumerate(offsets):
                xp.copyto(arg, k, where=xp.isnan(view[..., i, j, :, :]))
        width = win.size[1]
        start = (xp.arange(oh) * sh - ph)[:, None] * width + xp.arange(ow) * sw - pw
        ctx.indices = start + xp.asarray([i * dh * width + j * dw for i, j in offsets])[arg]
        ctx.shape = x.shape
        ctx.unique = all(s >= d * (k - 1) + 1 for s, d, k in zip(win.stride, win.dilation, win.kernel))
        return out, ctx.indices

    @staticmethod
    def backward(ctx, g, g_indices):
        return MaxPool2DWithIndicesBackwardBackward0.apply(g, ctx.indices, ctx.shape, ctx.unique), None


class AdaptiveMaxPool2DBackward0(MaxPool2DWithIndicesBackward0):
    @staticmethod
    def forward(ctx, x, out_size):
        xp = array_module(x)
        (h, w), (oh, ow) = x.shape[-2:], out_size
        rows, cols = _adaptive_index(xp, h, oh), _adaptive_index(xp, w, ow)
        kw = cols.shape[1]
        win = x[..., rows[:, None, :, None], cols[None, :, None, :]]
        flat = win.reshape(win.shape[:-2] + (-1,))
        arg = flat.argmax(axis=-1)
        out = xp.take_along_axis(flat, arg[..., None], axis=-1)[..., 0]
        ctx.indices = rows[xp.arange(oh)[:, None], arg // kw] * w + cols[xp.arange(ow), arg % kw]
        ctx.shape = x.shape
        ctx.unique = h % oh == 0 and w % ow == 0
        return out, ctx.indices


class MaxPool2DWithIndicesBackwardBackward0(Op):
    """Scatters gradients of max pooling to the argmax positions (flat indices into each H x W plane)."""

    @staticmethod
    def forward(ctx, g, indices, shape, unique):
        xp = array_module(g)
        planes, hw = math.prod(shape[:-2]), shape[-2] * shape[-1]
        ctx.indices, ctx.planes = indices, planes
        flat = (indices.reshape(planes, -1) + xp.arange(planes)[:, None] * hw).ravel()
        if unique:
            out = xp.zeros(planes * hw, dtype=g.dtype)
            out[flat] = g.ravel()
        else:
            out = xp.bincount(flat, weights=g.ravel(), minlength=planes * hw).astype(g.dtype, copy=False)
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, gg):
        index = _wrap(ctx.indices.reshape(ctx.planes, -1))
        return gg.reshape(ctx.planes, -1).gather(1, index).reshape(ctx.indices.shape), None, None, None


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
    """Window sums divided by `div` (an (Ho, Wo) array); the backward is AvgPool2DBackwardBackward0, its adjoint."""

    @staticmethod
    def forward(ctx, x, win, div):
        ctx.win, ctx.div = win, div
        return _window_view(_padded(x, win), win).sum(axis=(-4, -3)) / div

    @staticmethod
    def backward(ctx, g):
        return AvgPool2DBackwardBackward0.apply(g, ctx.win, ctx.div), None, None


class AvgPool2DBackwardBackward0(Op):
    @staticmethod
    def forward(ctx, g, win, div):
        ctx.win, ctx.div = win, div
        xp = array_module(g)
        scaled = g / div
        return _col2im(xp.broadcast_to(scaled[..., None, None, :, :], g.shape[:-2] + win.kernel + win.out), win)

    @staticmethod
    def backward(ctx, gg):
        return AvgPool2DBackward0.apply(gg, ctx.win, ctx.div), None, None


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


def _avg_divisors(xp, win, count_include_pad, divisor_override, dtype):
    if divisor_override:
        return xp.asarray(np.full(win.out, divisor_override, dtype=dtype))
    sizes = []
    for n, o, k, s, p in zip(win.size, win.out, win.kernel, win.stride, win.pad):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)
        sizes.append(end - start if count_include_pad else np.minimum(end, n) - np.maximum(start, 0))
    return xp.asarray(np.outer(*sizes).astype(dtype))


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


def _adaptive_size(fname, input, output_size):
    if input.dim() not in (3, 4):
        raise RuntimeError(f"{fname}(): Expected 3D or 4D tensor, but got{':' if 'max' in fname else ''} "
                           f"{_size_str(input.shape)}")
    out = output_size if isinstance(output_size, (tuple, list)) else (output_size, output_size)
    if len(out) != 2:
        raise ValueError("Input dimension should be at least 3")
    return tuple(n if o is None else int(o) for o, n in zip(out, input.shape[-2:]))


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


def adaptive_avg_pool1d(input, output_size):
    """Mean over the windows that split the last dim into output_size parts."""
    x = _one_to_two("adaptive_avg_pool1d", input, "self")
    return adaptive_avg_pool2d(x, _one(output_size)).squeeze(-2)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Maximum over the windows that split the last dim into output_size parts."""
    x = _one_to_two("adaptive_max_pool1d", input, "self")
    out, indices = adaptive_max_pool2d(x, _one(output_size), True)
    return (out.squeeze(-2), indices.squeeze(-2)) if return_indices else out.squeeze(-2)


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
    i = np.arange(-lo, n + hi)
    if mode == "reflect":
        return np.where(i < 0, -i, np.where(i >= n, 2 * (n - 1) - i, i))
    if mode == "replicate":
        return np.clip(i, 0, n - 1)
    return i % n


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
        raise RuntimeError("Padding length too large")
    pads = tuple((int(pad[i]), int(pad[i + 1])) for i in range(0, len(pad), 2))
    if mode == "constant":
        return ConstantPadNdBackward0.apply(input, pads, 0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    nd = len(pads)
    if not 1 <= nd <= 3 or input.dim() not in (nd + 1, nd + 2):
        raise NotImplementedError(f"Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now")
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
