"""detect_anomaly / set_detect_anomaly: remember where each node was made; check gradients for NaN."""
import os
import threading
import traceback
import warnings

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled"]

_EMBER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


class _AnomalyState(threading.local):
    enabled = False
    check_nan = True


anomaly_state = _AnomalyState()


def is_anomaly_enabled():
    """Whether anomaly detection is on in this thread."""
    return anomaly_state.enabled


def is_anomaly_check_nan_enabled():
    """Whether anomaly detection also checks backward results for NaN."""
    return anomaly_state.check_nan


def _set(mode, check_nan):
    anomaly_state.enabled, anomaly_state.check_nan = bool(mode), bool(check_nan)


def record_trace(node):
    """Keep the forward stack of the op that made `node` (up to the user's call into ember)."""
    frames = traceback.extract_stack()
    end = len(frames)
    while end and frames[end - 1].filename.startswith(_EMBER_DIR):
        end -= 1
    node._trace = traceback.format_list(frames[:end])


def report(node):
    """Warn with the forward traceback of the node whose backward failed."""
    if node._trace:
        warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n"
                      + "".join(node._trace), UserWarning, stacklevel=3)


def check_nan(node, grads, xp_any):
    if not anomaly_state.check_nan:
        return
    for i, g in enumerate(grads):
        if g is not None and xp_any(g):
            report(node)
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")


class detect_anomaly:
    """Context manager: record the forward traceback of each op, show it when its backward fails, and
    raise when a backward returns NaN (unless check_nan=False)."""

    def __init__(self, check_nan=True):
        self.prev = (anomaly_state.enabled, anomaly_state.check_nan)
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only "
                      "be enabled for debugging.", UserWarning, stacklevel=2)

    def __enter__(self):
        _set(True, self.check_nan)

    def __exit__(self, *exc):
        _set(*self.prev)


class set_detect_anomaly:
    """Turn anomaly detection on or off: at once when called, and back to the previous state at the
    end of a `with` block."""

    def __init__(self, mode, check_nan=True):
        self.prev = (anomaly_state.enabled, anomaly_state.check_nan)
        _set(mode, check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _set(*self.prev)
