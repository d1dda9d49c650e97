"""Numerical helpers of the torch namespace: windows, integration, histograms, index arithmetic."""
__all__ = []
