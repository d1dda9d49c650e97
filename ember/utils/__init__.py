"""ember.utils: data loading, DLPack exchange."""
from . import data, dlpack  # noqa: F401
