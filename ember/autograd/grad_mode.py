"""no_grad, enable_grad, set_grad_enabled, inference_mode: thread-local switches of graph recording."""
import functools
import threading

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "is_inference_mode_enabled"]


class _State(threading.local):
    enabled = True
    inference = False


state = _State()


def is_grad_enabled():
    """Whether operations are recorded for autograd in this thread."""
    return state.enabled


def is_inference_mode_enabled():
    return state.inference


class _Mode:
    """A context manager that is also a decorator, restoring the previous mode on exit."""

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(*self._args):
                return fn(*args, **kwargs)
        return wrapper

    def __enter__(self):
        self._prev = (state.enabled, state.inference)
        self._set()

    def __exit__(self, *exc):
        state.enabled, state.inference = self._prev
        return False


class no_grad(_Mode):
    """Disable graph recording: results of operations do not require grad."""
    _args = ()

    def _set(self):
        state.enabled = False


class enable_grad(_Mode):
    """Enable graph recording inside a no_grad block."""
    _args = ()

    def _set(self):
        state.enabled = True


class set_grad_enabled(_Mode):
    """Turn graph recording on or off; takes effect at once, or inside a `with` block."""

    def __init__(self, mode):
        self._args = (bool(mode),)
        self._prev = (state.enabled, state.inference)
        state.enabled = bool(mode)

    def __call__(self, fn):
        state.enabled = self._prev[0]  # used as a decorator: change nothing until fn runs
        return super().__call__(fn)

    def __enter__(self):
        pass  # the mode was set in __init__; __exit__ restores what was there before it


class inference_mode(_Mode):
    """Like no_grad, for code that will never need gradients; inference_mode(False) is a no-op."""

    def __init__(self, mode=True):
        self._args = (bool(mode),)

    def __call__(self, fn):
        if not isinstance(fn, bool) and callable(fn):
            return super().__call__(fn)
        raise TypeError("inference_mode takes a boolean")

    def _set(self):
        if self._args[0]:
            state.enabled, state.inference = False, True
