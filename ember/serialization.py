"""save / load."""
__all__ = []
