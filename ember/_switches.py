"""torch's process-wide switches that training scripts set, and compile.

ember runs eagerly on NumPy (CuPy on a GPU): compile returns its function or module unchanged (the numbers are
those of eager execution, as with torch.compile(backend="eager")); the deterministic and matmul-precision switches
keep the values scripts set. ember's CPU operations are deterministic whatever they say. set_num_threads and
get_num_threads act on NumPy's BLAS (the matmuls and convolutions; NumPy's elementwise operations use one thread)
through threadpoolctl, when it is installed.
"""
import os
import warnings

__all__ = ["compile", "set_num_threads", "get_num_threads", "use_deterministic_algorithms",
           "are_deterministic_algorithms_enabled", "is_deterministic_algorithms_warn_only_enabled",
           "set_float32_matmul_precision", "get_float32_matmul_precision"]

_state = {"deterministic": False, "warn_only": False, "matmul_precision": "highest"}


def compile(model=None, *, fullgraph=False, dynamic=None, backend=None, mode=None, options=None, name=None,
            disable=False, **kwargs):
    """model itself (ember executes eagerly); without a model, a decorator that returns what it decorates."""
    if model is None:
        return lambda fn: fn
    if not callable(model):
        # NOTE: PyTorch raises AssertionError with this message; a TypeError survives python -O
        raise TypeError(f"A callable function is expected, but {type(model)} is provided.")
    return model


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Record whether deterministic algorithms are required (ember's CPU operations always are)."""
    if not isinstance(mode, bool):
        raise TypeError(f"_set_deterministic_algorithms(): argument 'mode' (position 1) must be bool, not "
                        f"{type(mode).__name__}")
    _state["deterministic"], _state["warn_only"] = mode, bool(warn_only)


def are_deterministic_algorithms_enabled():
    return _state["deterministic"]


def is_deterministic_algorithms_warn_only_enabled():
    return _state["warn_only"]


def set_float32_matmul_precision(precision):
    """Record 'highest', 'high' or 'medium' (ember's float32 matmuls are always computed in float32)."""
    if precision not in ("highest", "high", "medium"):
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
                      f"setFloat32MatmulPrecision call has no effect.", stacklevel=2)
        return
    _state["matmul_precision"] = precision


def get_float32_matmul_precision():
    return _state["matmul_precision"]


def set_num_threads(n):
    """Let NumPy's BLAS use n threads (needs threadpoolctl: without it, a warning says so and nothing changes)."""
    if type(n) is not int:
        raise RuntimeError(f"set_num_threads expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    if not blas_threads(n):
        warnings.warn("ember.set_num_threads needs threadpoolctl to change the BLAS's threads "
                      "(pip install threadpoolctl); the number of threads is unchanged", stacklevel=2)


def blas_threads(n):
    """Let NumPy's BLAS use n threads; False (and nothing changed) without threadpoolctl."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return False
    threadpool_limits(n, user_api="blas")
    return True


def get_num_threads():
    """The threads of NumPy's BLAS (without threadpoolctl: the CPU count, the BLAS's usual default)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return os.cpu_count()
    counts = [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]
    return max(counts) if counts else 1
