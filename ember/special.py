"""ember.special."""
__all__ = []
