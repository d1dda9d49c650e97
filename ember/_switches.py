"""torch's process-wide switches that training scripts set, and compile.

ember runs eagerly on NumPy (CuPy on a GPU): compile returns its function or module unchanged (the numbers are
those of eager execution, as with torch.compile(backend="eager")); the deterministic and matmul-precision switches
keep the values scripts set, as do the interop-threads and warn-always switches. ember's CPU operations are
deterministic whatever they say. set_num_threads and get_num_threads act on NumPy's BLAS (the matmuls and
convolutions; NumPy's elementwise operations use one thread) through threadpoolctl, when it is installed.
"""
import os
import warnings

__all__ = ["compile", "set_num_threads", "get_num_threads", "use_deterministic_algorithms",
           "are_deterministic_algorithms_enabled", "is_deterministic_algorithms_warn_only_enabled",
           "set_deterministic_debug_mode", "get_deterministic_debug_mode", "set_float32_matmul_precision",
           "get_float32_matmul_precision", "set_num_interop_threads", "get_num_interop_threads", "set_warn_always",
           "is_warn_always_enabled", "set_flush_denormal"]

_state = {"deterministic": False, "warn_only": False, "matmul_precision": "highest", "interop_threads": None,
          "warn_always": False}
_warned = set()     # the messages warn_once has shown


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


_DEBUG_MODES = ("default", "warn", "error")


def set_deterministic_debug_mode(debug_mode):
    """use_deterministic_algorithms by level: 'default' (0) off, 'warn' (1) warn only, 'error' (2) on."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError(f"invalid value of debug_mode, expected one of `default`, `warn`, `error`, but got "
                               f"{debug_mode}")
        debug_mode = _DEBUG_MODES.index(debug_mode)
    elif not isinstance(debug_mode, int):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    use_deterministic_algorithms(debug_mode > 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    """0, 1 or 2: the level set_deterministic_debug_mode sets."""
    if not _state["deterministic"]:
        return 0
    return 1 if _state["warn_only"] else 2


def set_warn_always(b):
    """Show warnings PyTorch shows once per process (such as set_default_tensor_type's) every time."""
    if not isinstance(b, bool):
        raise RuntimeError(f"setWarnOnlyOnce expects a bool, but got {type(b).__name__}")
    _state["warn_always"] = b


def is_warn_always_enabled():
    return _state["warn_always"]


def warn_once(message, category=UserWarning):
    """Warn with message the first time (every time under set_warn_always(True)), from the caller's caller."""
    if _state["warn_always"] or message not in _warned:
        _warned.add(message)
        warnings.warn(message, category, stacklevel=3)


def set_flush_denormal(mode):
    """Whether denormal floats could be flushed to zero: False, as NumPy cannot change the CPU's mode (nothing is
    changed)."""
    if not isinstance(mode, bool):
        raise RuntimeError(f"flush_denormal expects a bool, but got {type(mode).__name__}")
    return False


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


def set_num_interop_threads(n):
    """Record the size of the inter-op thread pool (ember runs operations one at a time); settable once, as in
    PyTorch."""
    if type(n) is not int:
        raise RuntimeError(f"set_num_interop_threads expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError("set_num_interop_threads expects a positive integer")
    if _state["interop_threads"] is not None:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work has started or "
                           "set_num_interop_threads called")
    _state["interop_threads"] = n


def get_num_interop_threads():
    """The inter-op pool size set_num_interop_threads recorded (by default the CPU count)."""
    return _state["interop_threads"] or os.cpu_count()
