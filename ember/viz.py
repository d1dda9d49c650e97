"""Pictures of the computation graph."""
__all__ = []
