"""torch.backends.mps: ember has no Apple MPS device."""
__all__ = ["is_available", "is_built"]


def is_available():
    """Whether an MPS device can be used: never in ember."""
    return False


def is_built():
    """Whether ember was built with MPS support: no."""
    return False
