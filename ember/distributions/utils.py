"""Helpers shared by the distributions: broadcasting parameters, probs <-> logits, lazy properties."""
from numbers import Number

import numpy as np

import ember
from ember.nn import functional as F

__all__ = ["broadcast_all", "logits_to_probs", "clamp_probs", "probs_to_logits", "lazy_property"]

euler_constant = 0.5772156649015329


def broadcast_all(*values):
    """Broadcast numbers and tensors together; numbers become tensors of the first tensor's dtype and device."""
    if not all(isinstance(v, (ember.Tensor, Number)) for v in values):
        raise ValueError("Input arguments must all be instances of Number, torch.Tensor or objects implementing "
                         "__torch_function__.")
    options = dict(dtype=ember.get_default_dtype())
    for v in values:
        if isinstance(v, ember.Tensor):
            options = dict(dtype=v.dtype, device=v.device)
            break
    return ember.broadcast_tensors(*[v if isinstance(v, ember.Tensor) else ember.tensor(v, **options)
                                     for v in values])


def _sum_rightmost(value, dim):
    """Sum out the dim rightmost dimensions of value."""
    if dim == 0:
        return value
    return value.reshape(value.shape[:value.dim() - dim] + (-1,)).sum(-1)


def _finfo(dtype):
    return np.finfo(dtype.np)


def logits_to_probs(logits, is_binary=False):
    """Probabilities from logits: sigmoid for binary, softmax over the last dimension otherwise."""
    return ember.sigmoid(logits) if is_binary else F.softmax(logits, dim=-1)


def clamp_probs(probs):
    """Clamp probabilities to [eps, 1 - eps] of their dtype."""
    eps = float(_finfo(probs.dtype).eps)
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    """Logits from probabilities (clamped first): log-odds for binary, log otherwise."""
    ps = clamp_probs(probs)
    return ember.log(ps) - ember.log1p(-ps) if is_binary else ember.log(ps)


class lazy_property:
    """A property computed on first access (with grad enabled) and then stored on the instance."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__
        self.__name__ = wrapped.__name__

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return self
        with ember.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


def _draw(kernel, *params):
    """A sample from kernel(numpy generator, *parameters as float64 arrays), with params[0]'s dtype and device."""
    import ember.random
    arrays = [p.detach().cpu().numpy().astype(np.float64) for p in params]
    return ember.tensor(kernel(ember.random.rng(), *arrays), dtype=params[0].dtype, device=params[0].device)
