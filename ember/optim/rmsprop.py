"""RMSprop: divide the gradient by a running root mean square of recent gradients."""
from .optimizer import (Optimizer, _add_, _addcdiv_, _check_lr, _check_nonneg, _decay_, _increment, _lerp_,
                        _scalar, _sqrt, _zeros_like)

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop (optionally centered, with momentum), as torch.optim.RMSprop."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check_lr(lr)
        _check_nonneg(eps, "epsilon value")
        _check_nonneg(momentum, "momentum value")
        _check_nonneg(weight_decay, "weight_decay value")
        _check_nonneg(alpha, "alpha value")
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach, maximize=maximize,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step; closure re-evaluates the model and returns the loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, alpha, eps = float(group["lr"]), group["alpha"], group["eps"]
            weight_decay, momentum, centered = group["weight_decay"], group["momentum"], group["centered"]
            for p, g in self._grads(group):
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar(0.0)
                    state["square_avg"] = _zeros_like(p)
                    if momentum > 0:
                        state["momentum_buffer"] = _zeros_like(p)
                    if centered:
                        state["grad_avg"] = _zeros_like(p)
                _increment(state["step"])
                if weight_decay != 0:
                    g = g + weight_decay * p._data
                square_avg = state["square_avg"]._data
                _decay_(square_avg, alpha, g, 1 - alpha)
                if centered:
                    grad_avg = state["grad_avg"]._data
                    _lerp_(grad_avg, g, 1 - alpha)
                    avg = _sqrt(square_avg - grad_avg * grad_avg)
                else:
                    avg = _sqrt(square_avg)
                avg += eps
                if momentum > 0:
                    buf = state["momentum_buffer"]._data
                    buf *= momentum
                    buf += g / avg
                    _add_(p, buf, -lr)
                else:
                    _addcdiv_(p, g, avg, -lr)
        return loss
