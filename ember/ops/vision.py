"""Resampling and rearranging images (torch.nn.functional forms): interpolate and its deprecated upsample aliases,
pixel_shuffle / pixel_unshuffle, channel_shuffle, grid_sample and affine_grid.

Every interpolate mode (antialiased bilinear and bicubic too) is separable and linear: the output is the input with one
(out, in) matrix applied along each spatial dim, so one Op (conv.py's _Separable, a tensordot per dim) serves
all modes and its adjoint is the same Op with the matrices transposed. grid_sample is composed of tensor ops around one
gather, so it is differentiable in input and grid to any order.
"""
import math
import warnings

import numpy as np

from .._device import array_module
from .._tensor import _wrap
from ..autograd.function import Op
from . import conv as _conv

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "pixel_shuffle", "pixel_unshuffle",
           "channel_shuffle", "grid_sample", "affine_grid"]


# ---- interpolate ----------------------------------------------------------------------------------

_MODES = {"nearest": "Nearest", "nearest-exact": "NearestExact", "linear": "Linear", "bilinear": "Bilinear",
          "bicubic": "Bicubic", "trilinear": "Trilinear"}
_RESAMPLE_OPS = {(mode, n): _conv.separable_pair(f"Upsample{name}{n}D") for mode, name in _MODES.items()
                 for n in (1, 2, 3)}
_RESAMPLE_OPS.update({(f"{mode}-aa", 2): _conv.separable_pair(f"Upsample{_MODES[mode]}2DAa")
                      for mode in ("bilinear", "bicubic")})
_NEEDS = {"linear": 3, "bilinear": 4, "trilinear": 5, "bicubic": 4}


def _keys_near(x, a):
    """Keys' cubic convolution kernel on |x| <= 1."""
    return ((a + 2) * x - (a + 3)) * x * x + 1


def _keys_far(x, a):
    """Keys' cubic convolution kernel on 1 < |x| < 2."""
    return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a


def _cubic_weights(t, a=-0.75):
    """The four cubic-convolution weights of the taps at -1, 0, 1, 2 for fractions t (PyTorch's a = -0.75)."""
    return [_keys_far(t + 1, a), _keys_near(t, a), _keys_near(1 - t, a), _keys_far(2 - t, a)]


def _axis_matrix(mode, n_in, n_out, align_corners, scale, dtype, shortcut=False):
    """The (n_out, n_in) matrix that resamples one dim as PyTorch's CPU kernels do (nearest modes index in float32;
    the linear modes compute their weights in the input's precision). scale: the user's scale_factor or None.
    shortcut: 'nearest' maps n_out == n_in and n_out == 2 * n_in by index arithmetic whatever the scale (as
    PyTorch's 2-d forward and every backward do)."""
    dst = np.arange(n_out)
    m = np.zeros((n_out, n_in), dtype=dtype)
    if mode in ("nearest", "nearest-exact"):
        ratio = np.float32(1.0 / scale) if scale else np.float32(n_in) / np.float32(n_out)
        pos = dst.astype(np.float32) + np.float32(0.5 if mode == "nearest-exact" else 0)
        src = np.minimum(np.floor(pos * ratio).astype(np.int64), n_in - 1)
        if shortcut and n_out in (n_in, 2 * n_in):
            src = dst * n_in // n_out
        m[dst, src] = 1
        return m
    t = np.dtype(dtype).type
    if align_corners:
        ratio = t(n_in - 1) / t(n_out - 1) if n_out > 1 else t(0)
        src = ratio * dst.astype(dtype)
    else:
        ratio = t(1.0 / scale) if scale else t(n_in) / t(n_out)
        src = ratio * (dst.astype(dtype) + t(0.5)) - t(0.5)
    if mode == "bicubic":
        base = np.floor(src)
        for k, w in enumerate(_cubic_weights(src - base)):
            np.add.at(m, (dst, np.clip(base.astype(np.int64) - 1 + k, 0, n_in - 1)), w)
        return m
    src = np.maximum(src, 0) if not align_corners else src
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    frac = np.clip(src - i0, 0, 1).astype(dtype)
    i1 = np.where(i0 < n_in - 1, i0 + 1, i0)
    np.add.at(m, (dst, i0), 1 - frac)
    np.add.at(m, (dst, i1), frac)
    return m


def _antialias_matrix(mode, n_in, n_out, align_corners, scale, dtype):
    """The (n_out, n_in) matrix of PyTorch's antialiased resampling of one dim: the triangle (bilinear) or Keys
    a = -0.5 cubic (bicubic) filter, stretched by the scale when downsampling, normalised per output."""
    t = np.dtype(dtype).type
    if align_corners:
        ratio = t(n_in - 1) / t(n_out - 1) if n_out > 1 else t(0)
    else:
        ratio = t(1.0 / scale) if scale else t(n_in) / t(n_out)
    size = 2 if mode == "bilinear" else 4
    support = size * 0.5 * ratio if ratio >= 1 else size * 0.5
    inv = 1 / ratio if ratio >= 1 else t(1)
    center = ratio * (np.arange(n_out).astype(dtype) + t(0.5))
    lo = np.maximum((center - support + 0.5).astype(np.int64), 0)
    hi = np.minimum((center + support + 0.5).astype(np.int64), n_in)
    pos = lo[:, None] + np.arange(int(math.ceil(support)) * 2 + 1)
    inside = pos < hi[:, None]
    x = np.abs((pos - center[:, None] + t(0.5)) * inv)
    if mode == "bilinear":
        w = np.maximum(1 - x, 0)
    else:
        w = np.where(x < 1, _keys_near(x, -0.5), np.where(x < 2, _keys_far(x, -0.5), 0))
    w = np.where(inside, w, 0).astype(dtype)
    total = w.sum(axis=1, keepdims=True)
    w = np.where(total != 0, w / np.where(total != 0, total, 1), w)
    m = np.zeros((n_out, n_in), dtype=dtype)
    rows = np.broadcast_to(np.arange(n_out)[:, None], pos.shape)
    np.add.at(m, (rows[inside], pos[inside]), w[inside])
    return m


def _output_size(input, size, scale_factor, recompute_scale_factor, mode):
    """(output sizes, scales passed to the kernel) with PyTorch's argument checks."""
    dim = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input "
                                 f"with spatial dimensions of {list(input.shape[2:])} and output size of {size}. "
                                 f"Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in "
                                 f"(o1, o2, ...,oK) format.")
            if not all(isinstance(s, (int, np.integer)) for s in size):
                raise TypeError(f"expected size to be one of int or Tuple[int] or Tuple[int, int] or "
                                f"Tuple[int, int, int], but got size with types {[type(s) for s in size]}")
            out = [int(s) for s in size]
        else:
            out = [int(size)] * dim
        scales = None
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got "
                                 f"input with spatial dimensions of {list(input.shape[2:])} and scale_factor of shape "
                                 f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                                 f"scale_factor in (s1, s2, ...,sK) format.")
            scales = [float(s) for s in scale_factor]
        else:
            scales = [float(scale_factor)] * dim
        out = [math.floor(float(n) * s) for n, s in zip(input.shape[2:], scales)]
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if recompute_scale_factor or mode == "area":
        scales = None
    return out, scales


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None,
                antialias=False):
    """Resamples input (N, C, *spatial) to size or by scale_factor; mode 'nearest', 'nearest-exact', 'linear',
    'bilinear', 'bicubic', 'trilinear' or 'area'; antialias (bilinear and bicubic) low-pass filters when downsampling."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    out, scales = _output_size(input, size, scale_factor, recompute_scale_factor, mode)
    if antialias:
        if not (mode in ("bilinear", "bicubic", "lanczos") and input.dim() == 4):
            raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a "
                             "4-D tensor as input")
    nd = input.dim() - 2
    known = mode in _MODES or mode == "area"
    if not known or nd not in (1, 2, 3) or (mode == "bicubic" and nd != 2):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) for "
                                  f"the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
                                  f"nearest-exact (got {mode})")
    if mode in _NEEDS and input.dim() != _NEEDS[mode]:
        raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs {_NEEDS[mode]}D input")
    if min(out) <= 0 or min(input.shape[2:]) <= 0:
        names = ("D", "H", "W")[3 - nd:]
        raise RuntimeError("Input and output sizes should be greater than 0, but got input (" +
                           ", ".join(f"{n}: {s}" for n, s in zip(names, input.shape[2:])) + ") output (" +
                           ", ".join(f"{n}: {s}" for n, s in zip(names, out)) + ")")
    if mode == "area":
        return (_conv.adaptive_avg_pool1d, _conv.adaptive_avg_pool2d, _conv.adaptive_avg_pool3d)[nd - 1](input, out)
    xp, dtype = array_module(input._data), input._data.dtype
    scales = scales or [None] * nd
    if antialias:
        mats = tuple(xp.asarray(_antialias_matrix(mode, n, o, align_corners, s, dtype))
                     for n, o, s in zip(input.shape[2:], out, scales))
        pair = _RESAMPLE_OPS[mode + "-aa", nd]
        return pair[0].apply(input, mats, pair)
    mats = tuple(xp.asarray(_axis_matrix(mode, n, o, align_corners, s, dtype, nd == 2))
                 for n, o, s in zip(input.shape[2:], out, scales))
    adjoint = None
    if mode == "nearest" and nd != 2:
        adjoint = tuple(xp.asarray(_axis_matrix(mode, n, o, align_corners, s, dtype, True).T)
                        for n, o, s in zip(input.shape[2:], out, scales))
    pair = _RESAMPLE_OPS[mode, nd]
    return pair[0].apply(input, mats, pair, adjoint)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of interpolate."""
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated: interpolate with mode='nearest'."""
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated: interpolate with mode='bilinear' and align_corners=True."""
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ---- pixel and channel shuffles -------------------------------------------------------------------

def _shuffle(x, r):
    """(..., C*r*r, H, W) -> (..., C, H*r, W*r)."""
    *lead, c, h, w = x.shape
    x = x.reshape(*lead, c // (r * r), r, r, h, w)
    n = len(lead)
    x = x.transpose(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return array_module(x).ascontiguousarray(x).reshape(*lead, c // (r * r), h * r, w * r)


def _unshuffle(x, r):
    """(..., C, H*r, W*r) -> (..., C*r*r, H, W)."""
    *lead, c, h, w = x.shape
    x = x.reshape(*lead, c, h // r, r, w // r, r)
    n = len(lead)
    x = x.transpose(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return array_module(x).ascontiguousarray(x).reshape(*lead, c * r * r, h // r, w // r)


class PixelShuffleBackward0(Op):
    @staticmethod
    def forward(ctx, x, r):
        ctx.r = r
        return _shuffle(x, r)

    @staticmethod
    def backward(ctx, g):
        return PixelUnshuffleBackward0.apply(g, ctx.r), None


class PixelUnshuffleBackward0(Op):
    @staticmethod
    def forward(ctx, x, r):
        ctx.r = r
        return _unshuffle(x, r)

    @staticmethod
    def backward(ctx, g):
        return PixelShuffleBackward0.apply(g, ctx.r), None


def pixel_shuffle(input, upscale_factor):
    """Rearranges (*, C * r^2, H, W) into (*, C, H * r, W * r), r = upscale_factor."""
    r = int(upscale_factor)
    if input.dim() < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.dim()} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    if input.shape[-3] % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={input.shape[-3]} is not divisible by {r * r}")
    return PixelShuffleBackward0.apply(input, r)


def pixel_unshuffle(input, downscale_factor):
    """Rearranges (*, C, H * r, W * r) into (*, C * r^2, H, W), r = downscale_factor: pixel_shuffle's inverse."""
    r = int(downscale_factor)
    if input.dim() < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.dim()} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    for name, d in (("height", -2), ("width", -1)):
        if input.shape[d] % r:
            raise RuntimeError(f"pixel_unshuffle expects {name} to be divisible by downscale_factor, but "
                               f"input.size({d})={input.shape[d]} is not divisible by {r}")
    return PixelUnshuffleBackward0.apply(input, r)


class ChannelShuffleBackward0(Op):
    """(N, C, *) with its channels viewed as (groups, C / groups) and read transposed; the inverse shuffle
    (groups C / groups) is the backward."""

    @staticmethod
    def forward(ctx, x, groups):
        n, c = x.shape[:2]
        ctx.inverse = c // groups
        y = x.reshape((n, groups, c // groups) + x.shape[2:]).swapaxes(1, 2)
        return array_module(x).ascontiguousarray(y).reshape(x.shape)

    @staticmethod
    def backward(ctx, g):
        return ChannelShuffleBackward0.apply(g, ctx.inverse), None


def channel_shuffle(input, groups):
    """Splits the C channels of (N, C, *) into groups and interleaves them (as in ShuffleNet)."""
    if input.dim() <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with sizes "
                           f"{_conv._size_str(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    if input.shape[1] % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {input.shape[1]} channels and "
                           f"{groups} groups.")
    return ChannelShuffleBackward0.apply(input, int(groups))


# ---- grid_sample / affine_grid --------------------------------------------------------------------

_GRID_WARNING = ("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
                 "Please specify align_corners=True if the old behavior is desired. See the documentation of "
                 "grid_sample for details.")


def _reflect(c, low, high):
    """Coordinates c reflected into [low / 2, high / 2] (PyTorch's reflect_coordinates), with tensor ops."""
    from .pointwise import where
    if low == high:
        return c * 0
    lo, span = low / 2, (high - low) / 2
    d = (c - lo).abs()
    flips = np.floor(d._data / span)
    extra = d - _wrap(flips * span)
    return where(_wrap(flips % 2 == 0), extra + lo, span - extra + lo)


def _pad_coords(c, n, padding_mode, align_corners):
    """Coordinates c (a tensor) along a dim of size n brought inside it by 'border' or 'reflection' padding."""
    if padding_mode == "border":
        return c.clamp(0, n - 1)
    if padding_mode == "reflection":
        return _reflect(c, 0, 2 * (n - 1)) if align_corners else _reflect(c, -1, 2 * n - 1).clamp(0, n - 1)
    return c


def _source_coords(grid, sizes, padding_mode, align_corners):
    """The unnormalised input coordinates (tensors, one per spatial dim of input, first spatial dim first)."""
    nd = len(sizes)
    coords = []
    for d, n in enumerate(sizes):
        c = grid.select(-1, nd - 1 - d)
        c = (c + 1) / 2 * (n - 1) if align_corners else ((c + 1) * n - 1) / 2
        coords.append(_pad_coords(c, n, padding_mode, align_corners))
    return coords


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Samples input (N, C, *spatial) at the normalised positions grid (N, *out, nd) (x first), with 'bilinear',
    'nearest' or (4-D input) 'bicubic' interpolation and 'zeros', 'border' or 'reflection' padding."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but "
                         f"got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_GRID_WARNING, stacklevel=2)
        align_corners = False
    if input.dim() not in (4, 5) or grid.dim() != input.dim():
        raise RuntimeError(f"grid_sampler(): expected {input.dim()}D input and grid with same number of dimensions, "
                           f"but got input with sizes {_conv._size_str(input.shape)} and grid with sizes "
                           f"{_conv._size_str(grid.shape)}")
    nd = input.dim() - 2
    if grid.shape[-1] != nd:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {nd} in last dimension, but got grid with "
                           f"sizes {_conv._size_str(grid.shape)}")
    if input.shape[0] != grid.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, but got input with "
                           f"sizes {_conv._size_str(input.shape)} and grid with sizes {_conv._size_str(grid.shape)}")
    if input._data.dtype != grid._data.dtype:
        from .reduce import _type_name
        raise RuntimeError(f"expected scalar type {_type_name(input)} but found {_type_name(grid)}")
    if mode == "bicubic" and nd != 2:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    n, c, sizes = input.shape[0], input.shape[1], tuple(input.shape[2:])
    out = tuple(grid.shape[1:-1])
    # bicubic pads each of its 16 taps (below), not the sampling point, so no gradient flows through its padding
    coords = _source_coords(grid, sizes, "zeros" if mode == "bicubic" else padding_mode, align_corners)
    strides = [math.prod(sizes[d + 1:]) for d in range(nd)]
    dtype = input._data.dtype
    if mode == "nearest":
        corners = [[np.rint(co._data).astype(np.int64) for co in coords]]
    else:
        low = [np.floor(co._data) for co in coords]
        frac = [co - _wrap(lo) for co, lo in zip(coords, low)]
        if mode == "bilinear":
            taps = 2
            low = [lo.astype(np.int64) for lo in low]
            corners = [[lo + b for lo, b in zip(low, bits)] for bits in np.ndindex(*(2,) * nd)]
        else:
            taps = 4
            corners = [[_pad_coords(_wrap(lo + (b - 1)), s_, padding_mode, align_corners)._data.astype(np.int64)
                        for lo, b, s_ in zip(low, bits, sizes)] for bits in np.ndindex(4, 4)]
    # every corner's flat position in its image plane (0 where outside, where its weight is zeroed)
    positions, masks, m = [], [], math.prod(out)
    for index in corners:
        valid = np.logical_and.reduce([(i >= 0) & (i < n_) for i, n_ in zip(index, sizes)])
        pos = sum(np.clip(i, 0, s_ - 1) * st for i, s_, st in zip(index, sizes, strides))
        positions.append(np.where(valid, pos, 0).reshape(n, m))
        masks.append(valid.reshape(n, 1, m).astype(dtype))
    k = len(corners)
    plane = input.reshape(n, c, math.prod(sizes))
    values = _PlaneGather.apply(plane, np.concatenate(positions, axis=1)).reshape(n, c, k, m)
    mask = _wrap(np.stack(masks, axis=2))
    if mode == "nearest":
        # NOTE: the zero term keeps grid in the graph: PyTorch gives grid a zero gradient here, not none
        weights = mask + (coords[0] * 0).reshape(n, 1, 1, m)
    else:
        from .shape import stack
        tap_weights = [[1 - f, f] if mode == "bilinear" else _cubic_weights(f) for f in frac]
        corner_weights = []
        for bits in np.ndindex(*(taps,) * nd):
            w = tap_weights[0][bits[0]]
            for ws, b in zip(tap_weights[1:], bits[1:]):
                w = w * ws[b]
            corner_weights.append(w.reshape(n, 1, m))
        weights = stack(corner_weights, 2) * mask
    return _GRID_SAMPLERS[nd].apply(values, weights, (n, c) + out)


class GridSampler2DBackward0(Op):
    """The last step of grid_sample: the corner values (N, C, K, M) weighted by (N, 1, K, M) and summed over the K
    corners, shaped (N, C, *out)."""
    retain_inputs = (0, 1)

    @staticmethod
    def forward(ctx, values, weights, shape):
        return (values * weights).sum(axis=2).reshape(shape)

    @staticmethod
    def backward(ctx, g):
        values, weights = ctx.saved_tensors
        n, c, _, m = values.shape
        g = g.reshape(n, c, 1, m)
        gv = g * weights if ctx.needs_input_grad[0] else None
        gw = (g * values).sum(1, keepdim=True) if ctx.needs_input_grad[1] else None
        return gv, gw, None


class GridSampler3DBackward0(GridSampler2DBackward0):
    pass


_GRID_SAMPLERS = {2: GridSampler2DBackward0, 3: GridSampler3DBackward0}


class _PlaneGather(Op):
    """x (N, C, P) at the positions pos (N, M) of each plane: (N, C, M); the backward sums back with _PlaneScatter."""

    @staticmethod
    def forward(ctx, x, pos):
        ctx.pos, ctx.size = pos, x.shape[-1]
        return array_module(x).take_along_axis(x, array_module(x).asarray(pos)[:, None, :], axis=2)

    @staticmethod
    def backward(ctx, g):
        return _PlaneScatter.apply(g, ctx.pos, ctx.size), None


class _PlaneScatter(Op):
    """g (N, C, M) summed into planes (N, C, size) at the positions pos (N, M): _PlaneGather's adjoint."""

    @staticmethod
    def forward(ctx, g, pos, size):
        ctx.pos = pos
        xp = array_module(g)
        n, c, m = g.shape
        flat = (xp.asarray(pos)[:, None, :] + (xp.arange(n * c) * size).reshape(n, c, 1)).ravel()
        out = xp.bincount(flat, weights=g.ravel(), minlength=n * c * size).astype(g.dtype, copy=False)
        return out.reshape(n, c, size)

    @staticmethod
    def backward(ctx, gg):
        return _PlaneGather.apply(gg, ctx.pos), None, None


def _base_coords(n, align_corners, dtype):
    if n <= 1:
        return np.zeros(max(n, 1), dtype=dtype)
    r = np.linspace(-1, 1, n, dtype=dtype)
    return r if align_corners else r * dtype.type(n - 1) / dtype.type(n)


class AffineGridGeneratorBackward0(Op):
    """grid (N, *size, nd) = base (*size, nd + 1) @ theta^T, base holding the normalised coordinates (x first) and
    ones; the backward is theta's gradient, g^T @ base."""

    @staticmethod
    def forward(ctx, theta, size, align_corners):
        xp, dtype = array_module(theta), theta.dtype
        spatial = size[2:]
        axes = [_base_coords(s, align_corners, dtype) for s in spatial]
        mesh = np.meshgrid(*axes, indexing="ij")
        base = np.stack(list(mesh[::-1]) + [np.ones(spatial, dtype=dtype)], axis=-1).reshape(-1, len(spatial) + 1)
        ctx.base, ctx.shape = xp.asarray(base), (size[0],) + tuple(spatial) + (len(spatial),)
        return (ctx.base @ theta.swapaxes(1, 2)).reshape(ctx.shape)

    @staticmethod
    def backward(ctx, g):
        base = _wrap(ctx.base)
        return g.reshape(g.shape[0], -1, g.shape[-1]).transpose(1, 2) @ base, None, None


def affine_grid(theta, size, align_corners=None):
    """The sampling grid (N, H, W, 2) (or (N, D, H, W, 3)) of the affine maps theta (N, 2, 3) (or (N, 3, 4))."""
    if align_corners is None:
        warnings.warn(_GRID_WARNING, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got torch.{str(theta.dtype)[6:]}")
    given, size = size, [int(s) for s in size]
    if len(size) in (4, 5):
        nd = len(size) - 2
        if theta.dim() != 3 or theta.shape[-2] != nd or theta.shape[-1] != nd + 1:
            shape = ", ".join(str(s) for s in theta.shape)
            raise ValueError(f"Expected a batch of {nd}D affine matrices of shape Nx{nd}x{nd + 1} for size {given}. "
                             f"Got torch.Size([{shape}]).")
    else:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {given}.")
    if align_corners and min(size[2:]) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
                      "align_corners=True. This is not an intended use case of affine_grid. See the documentation of "
                      "affine_grid for details.", stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {given}")
    return AffineGridGeneratorBackward0.apply(theta, tuple(size), bool(align_corners))
