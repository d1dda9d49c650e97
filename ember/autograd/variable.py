"""The legacy Variable API: Variable(tensor, requires_grad=...) returns a Tensor, as PyTorch >= 0.4."""
import warnings

from .._tensor import Tensor

__all__ = ["Variable"]

_warned = []


class _VariableMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor)

    def __call__(cls, data=None, requires_grad=False, volatile=False):
        from .._creation import as_tensor
        if volatile:
            if not _warned:
                _warned.append(True)
                warnings.warn("volatile was removed and now has no effect. Use `with ember.no_grad():` "
                              "instead.", UserWarning, stacklevel=2)
            requires_grad = False
        if data is None:
            from .._creation import empty
            data = empty(0)
        if not isinstance(data, Tensor):
            data = as_tensor(data)
        t = data.detach()
        if requires_grad:
            t.requires_grad_(True)
        return t


class Variable(metaclass=_VariableMeta):
    """Variable(tensor, requires_grad=False, volatile=False): a Tensor sharing tensor's data.

    Kept so that pre-0.4 tutorials run; volatile=True warns once and means no gradient.
    """
