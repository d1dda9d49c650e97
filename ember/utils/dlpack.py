"""DLPack exchange."""
__all__ = []
