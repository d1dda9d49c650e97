"""torch.backends.cudnn's switches. ember does not use cuDNN: is_available() is False and the switches only keep
their values (ember's CPU results are deterministic whatever `deterministic` says)."""
__all__ = ["enabled", "benchmark", "deterministic", "allow_tf32", "is_available", "version"]

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available():
    """Whether ember uses cuDNN: never."""
    return False


def version():
    """The cuDNN version ember uses: None, as it uses none."""
    return None
