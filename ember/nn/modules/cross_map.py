"""CrossMapLRN2d: the legacy (Lua Torch) local response normalization across channels of 4-D input."""
import numpy as np

from ..._device import array_module
from ..._tensor import _wrap
from .module import Module

__all__ = ["CrossMapLRN2d"]


def _window_matrix(channels, size, dtype):
    """(C, C) 0/1 matrix whose row c marks the channels summed for channel c: c - p + 1 .. c + p - 1 within the
    channels (p = (size - 1) / 2 + 1 truncated) and channel 0, which PyTorch's running sum never subtracts."""
    pre_pad = int((size - 1) / 2 + 1)
    c = np.arange(channels)
    low, high = np.maximum(c - pre_pad + 1, 0), np.minimum(c + pre_pad - 1, channels - 1)
    m = (c[None, :] >= low[:, None]) & (c[None, :] <= high[:, None])
    m[:, 0] = True
    return m.astype(dtype)


def cross_map_lrn2d(input, size, alpha=1e-4, beta=0.75, k=1):
    """x / (k + alpha / size * sum of x^2 over neighbouring channels) ^ beta, for (N, C, H, W) input."""
    if input.dim() != 4:
        raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.dim()}D instead.")
    window = _wrap(array_module(input._data).asarray(_window_matrix(input.shape[1], size, input._data.dtype)))
    sums = input.pow(2).transpose(1, 3).matmul(window.t()).transpose(1, 3)
    return input * (sums * (alpha / size) + k).pow(-beta)


class CrossMapLRN2d(Module):
    """Local response normalization across channels, as Lua Torch's SpatialCrossMapLRN. The gradient is the
    derivative of the forward (PyTorch's hand-written backward is not: its gradcheck fails)."""

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input):
        return cross_map_lrn2d(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
