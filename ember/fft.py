"""Discrete Fourier transforms, as torch.fft."""

__all__ = []
