"""torch.backends.cuda: the matmul precision switches (kept, without effect: CuPy's matmul decides) and is_built."""
from types import SimpleNamespace

__all__ = ["matmul", "is_built"]

matmul = SimpleNamespace(allow_tf32=False, allow_fp16_reduced_precision_reduction=True,
                         allow_bf16_reduced_precision_reduction=True)


def is_built():
    """Whether ember can run on CUDA devices: when CuPy is installed."""
    from .._device import _import_cupy
    try:
        _import_cupy()
    except RuntimeError:
        return False
    return True
