"""Adamax: Adam with the infinity norm of past gradients in place of their second moment."""
from .optimizer import (Optimizer, _addcdiv_, _check_betas, _check_lr, _check_nonneg, _increment, _lerp_,
                        _maximum_, _scalar, _zeros_like)

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax, as torch.optim.Adamax."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        _check_lr(lr)
        _check_nonneg(eps, "epsilon value")
        _check_betas(betas)
        _check_nonneg(weight_decay, "weight_decay value")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step; closure re-evaluates the model and returns the loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, (beta1, beta2), eps, weight_decay = float(group["lr"]), group["betas"], group["eps"], \
                group["weight_decay"]
            for p, g in self._grads(group):
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar(0.0)
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_inf"] = _zeros_like(p)
                step = _increment(state["step"])
                if weight_decay != 0:
                    g = g + weight_decay * p._data
                exp_avg, exp_inf = state["exp_avg"]._data, state["exp_inf"]._data
                _lerp_(exp_avg, g, 1 - beta1)
                exp_inf *= beta2
                norm = abs(g)
                norm += eps
                _maximum_(exp_inf, norm)
                clr = lr / (1 - beta1 ** step)
                _addcdiv_(p, exp_avg, exp_inf, -clr)
        return loss
