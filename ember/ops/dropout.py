"""Dropout: dropout, dropout1d/2d/3d (whole channels), alpha_dropout, feature_alpha_dropout.

As PyTorch on the CPU, the result is input * noise (plus a shift for alpha dropout), so the graph holds a
MulBackward0 (AddBackward0) node and the gradient is the noise. The noise comes from ember's generator.
"""
import math
import warnings

from .._device import array_module, device_of, move
from .._tensor import _wrap
from ..random import rng

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"]

_SELU_ALPHA = 1.7580993408473766    # -selu's negative saturation value / its scale


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _dropout(input, p, training, inplace, feature_dims=None, alpha=False):
    """input times a Bernoulli(1 - p) noise (one per element, or per channel: the noise has input's first
    feature_dims sizes and 1 elsewhere), scaled to keep the mean (alpha: the mean and variance)."""
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:
        zero = _wrap(array_module(input._data).zeros((), dtype=input._data.dtype))
        return input.mul_(zero) if inplace else input * zero
    x = input._data
    shape = x.shape if feature_dims is None else x.shape[:feature_dims] + (1,) * (x.ndim - feature_dims)
    keep = move(rng().random(shape) < 1 - p, device_of(x)).astype(x.dtype)
    if not alpha:
        keep *= 1 / (1 - p)
        return input.mul_(_wrap(keep)) if inplace else input * _wrap(keep)
    a = 1 / math.sqrt((_SELU_ALPHA ** 2 * p + 1) * (1 - p))
    shift = _wrap((keep - 1) * (_SELU_ALPHA * a) + _SELU_ALPHA * a * p)
    keep *= a
    return input.mul_(_wrap(keep)).add_(shift) if inplace else input * _wrap(keep) + shift


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p and scale the others by 1 / (1 - p), when training."""
    _check_p(p)
    return _dropout(input, p, training, inplace)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout for SELU networks: dropped elements take SELU's saturation value, and the result is scaled
    and shifted to keep zero mean and unit variance."""
    _check_p(p)
    return _dropout(input, p, training, inplace, alpha=True)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """alpha_dropout of whole channels."""
    _check_p(p)
    return _dropout(input, p, training, inplace, feature_dims=2, alpha=True)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, L) or (C, L) input with probability p, scaling the others by 1 / (1 - p)."""
    _check_p(p)
    if input.dim() not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.dim()}D input. Note that "
                           f"dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
                           f"channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _dropout(input, p, training, inplace, feature_dims=input.dim() - 1)


def _deprecated_dims(name, ndim, spatial):
    if ndim not in (spatial + 1, spatial + 2):
        warnings.warn(f"{name}: Received a {ndim}-D input to {name}, which is deprecated and will result in an "
                      f"error in a future release. To retain the behavior and silence this warning, please use "
                      f"dropout instead. Note that {name} exists to provide channel-wise dropout on inputs with "
                      f"{spatial} spatial dimensions, a channel dimension, and an optional batch dimension (i.e. "
                      f"{spatial + 1}D or {spatial + 2}D inputs).", stacklevel=3)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, H, W) or (C, H, W) input with probability p, scaling the others."""
    _check_p(p)
    _deprecated_dims("dropout2d", input.dim(), 2)
    if input.dim() == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a "
                      "batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, "
                      "please switch to using dropout1d instead.", stacklevel=2)
    return _dropout(input, p, training, inplace, feature_dims=2)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) input with probability p, scaling the others."""
    _check_p(p)
    _deprecated_dims("dropout3d", input.dim(), 3)
    return _dropout(input, p, training, inplace, feature_dims=1 if input.dim() == 4 else 2)
