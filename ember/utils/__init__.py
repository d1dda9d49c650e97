"""ember.utils: data loading, DLPack exchange, activation checkpointing."""
from . import checkpoint, data, dlpack  # noqa: F401
