"""Sorting and counting."""
__all__ = []
