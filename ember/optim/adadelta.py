"""Adadelta: step sizes from running averages of squared gradients and squared updates."""
from .optimizer import Optimizer, _add_, _check_lr, _check_nonneg, _decay_, _increment, _scalar, _sqrt, _zeros_like

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Adadelta, as torch.optim.Adadelta."""

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check_nonneg(eps, "epsilon value")
        _check_nonneg(weight_decay, "weight_decay value")
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step; closure re-evaluates the model and returns the loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, rho, eps, weight_decay = float(group["lr"]), group["rho"], group["eps"], group["weight_decay"]
            for p, g in self._grads(group):
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar(0.0)
                    state["square_avg"] = _zeros_like(p)
                    state["acc_delta"] = _zeros_like(p)
                _increment(state["step"])
                if weight_decay != 0:
                    g = g + weight_decay * p._data
                square_avg, acc_delta = state["square_avg"]._data, state["acc_delta"]._data
                _decay_(square_avg, rho, g, 1 - rho)
                std = _sqrt(square_avg + eps)
                delta = _sqrt(acc_delta + eps)
                delta /= std
                delta *= g
                _decay_(acc_delta, rho, delta, 1 - rho)
                _add_(p, delta, -lr)
        return loss
