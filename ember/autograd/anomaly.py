"""detect_anomaly / set_detect_anomaly: remember where each node was made; check gradients for NaN."""
import threading
import traceback
import warnings

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled"]


class _AnomalyState(threading.local):
    enabled = False
    check_nan = True


anomaly_state = _AnomalyState()


def is_anomaly_enabled():
    return anomaly_state.enabled


def record_trace(node):
    """Keep the forward stack of the op that made `node`, shown if its backward fails."""
    node._trace = traceback.format_stack()[:-2]


def report(node):
    """Warn with the forward traceback of the node whose backward failed."""
    if node._trace:
        warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n"
                      + "".join(node._trace), RuntimeWarning, stacklevel=3)


def check_nan(node, grads, xp_any):
    if not anomaly_state.check_nan:
        return
    for i, g in enumerate(grads):
        if g is not None and xp_any(g):
            report(node)
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")


class _Set:
    def __init__(self, mode, check_nan=True):
        self._mode = (bool(mode), bool(check_nan))
        self._prev = (anomaly_state.enabled, anomaly_state.check_nan)
        anomaly_state.enabled, anomaly_state.check_nan = self._mode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        anomaly_state.enabled, anomaly_state.check_nan = self._prev
        return False


class detect_anomaly(_Set):
    """Context manager: record forward tracebacks, and raise when a backward produces NaN."""

    def __init__(self, check_nan=True):
        self._check = check_nan
        self._prev = None

    def __enter__(self):
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and "
                      "should only be enabled for debugging.", UserWarning, stacklevel=2)
        self._prev = (anomaly_state.enabled, anomaly_state.check_nan)
        anomaly_state.enabled, anomaly_state.check_nan = True, bool(self._check)
        return self

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*a, **k):
            with detect_anomaly(self._check):
                return fn(*a, **k)
        return wrapper


class set_detect_anomaly(_Set):
    """Turn anomaly detection on or off, at once or inside a `with` block."""
