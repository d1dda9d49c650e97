"""Muon: momentum followed by Newton-Schulz orthogonalisation of each 2-d parameter's update.

PyTorch runs the Newton-Schulz iteration in bfloat16. ember has no bfloat16 dtype, so the iteration runs on
float64 arrays rounded to bfloat16 after every operation (matrix products rounded to float32 first, as
PyTorch's float32 accumulation), which gives PyTorch's numbers.
"""
import math

import numpy as np

from .._device import array_module
from .._tensor import Tensor
from .optimizer import Optimizer, _add_, _lerp_, _mul_, _zeros_like

__all__ = ["Muon"]

EPS = 1e-7
DEFAULT_A = 3.4445
DEFAULT_B = -4.7750
DEFAULT_C = 2.0315
DEFAULT_NS_STEPS = 5


def _float32(a):
    """a rounded to float32 precision, kept in float64."""
    xp = array_module(a)
    return a.astype(xp.float32).astype(xp.float64)


def _bfloat16(a):
    """a rounded to bfloat16 precision (8 significant bits, through float32 as PyTorch's casts), kept in float64."""
    xp = array_module(a)
    mantissa, exponent = xp.frexp(_float32(a))
    return xp.ldexp(xp.rint(mantissa * 256), exponent - 8)


def _zeropower_via_newtonschulz(grad, ns_coefficients, ns_steps, eps):
    """The Newton-Schulz iteration towards the orthogonal factor of a 2-d gradient array, in bfloat16 precision."""
    if ns_steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if grad.ndim != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(ns_coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    xp = array_module(grad)
    a, b, c = (float(np.float32(v)) for v in ns_coefficients)   # PyTorch's float32 alpha and beta
    tall = grad.shape[0] > grad.shape[1]
    x = _bfloat16(grad.T if tall else grad)
    norm = _bfloat16(xp.sqrt(xp.vdot(x, x)))
    x = _bfloat16(x / max(norm, _bfloat16(xp.float64(eps))))
    for _ in range(ns_steps):
        gram = _bfloat16(x @ x.T)
        gram_update = _bfloat16(b * gram + c * _float32(gram @ gram))
        x = _bfloat16(a * x + _float32(gram_update @ x))
    return x.T if tall else x


def _adjust_lr(lr, adjust_lr_fn, param_shape):
    """The learning rate scaled for a parameter's shape ('original': sqrt(max(1, A/B)); 'match_rms_adamw':
    0.2 * sqrt(max(A, B)))."""
    A, B = param_shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        return lr * math.sqrt(max(1, A / B))
    return lr * (0.2 * math.sqrt(max(A, B)))


class Muon(Optimizer):
    """Muon, as torch.optim.Muon: SGD-momentum updates of 2-d parameters orthogonalised by Newton-Schulz."""

    def __init__(self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=(DEFAULT_A, DEFAULT_B, DEFAULT_C), eps=EPS, ns_steps=DEFAULT_NS_STEPS,
                 adjust_lr_fn=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in ["original", "match_rms_adamw"]:
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = dict(lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
                        ns_coefficients=ns_coefficients, eps=eps, ns_steps=ns_steps, adjust_lr_fn=adjust_lr_fn)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError("Muon only supports 2D parameters whereas we found a parameter with size: "
                                     f"torch.Size({list(p.shape)})")

    def step(self, closure=None):
        """Perform a single optimization step; closure re-evaluates the model and returns the loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, weight_decay, momentum = group["lr"], group["weight_decay"], group["momentum"]
            if isinstance(lr, Tensor):   # PyTorch computes with the 0-d tensor, in its dtype
                lr = lr.detach().cpu().numpy()[()]
            for p, g in self._grads(group):
                state = self.state[p]
                if "momentum_buffer" not in state:
                    state["momentum_buffer"] = _zeros_like(p._grad)
                if g.ndim != 2:
                    raise ValueError("Param gradient must be a 2D matrix")
                buf = state["momentum_buffer"]
                _lerp_(buf._data, g, 1 - momentum)
                buf._vc[0] += 1
                if group["nesterov"]:
                    update = g.copy()
                    _lerp_(update, buf._data, momentum)
                else:
                    update = buf._data
                update = _zeropower_via_newtonschulz(update, group["ns_coefficients"], group["ns_steps"],
                                                     group["eps"])
                _mul_(p, 1 - lr * weight_decay)
                _add_(p, update.astype(g.dtype), -_adjust_lr(lr, group["adjust_lr_fn"], p.shape))
        return loss
