"""nn.utils: gradient clipping, parameter/vector conversion, rnn helpers (re-exports only)."""
from . import rnn  # noqa: F401
