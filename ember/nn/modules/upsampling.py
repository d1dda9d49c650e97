"""placeholder."""
__all__ = []
