"""Adagrad: per-coordinate learning rates from the sum of squared gradients."""
from .._device import array_module
from .._tensor import _wrap
from .optimizer import Optimizer, _addcdiv_, _check_lr, _check_nonneg, _increment, _scalar, _sqrt

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad, as torch.optim.Adagrad; its state exists for every parameter from construction on."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        _check_lr(lr)
        _check_nonneg(lr_decay, "lr_decay value")
        _check_nonneg(weight_decay, "weight_decay value")
        _check_nonneg(initial_accumulator_value, "initial_accumulator_value value")
        _check_nonneg(eps, "epsilon value")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p)

    def _init_state(self, p):
        state = self.state[p]
        state["step"] = _scalar(0.0)
        state["sum"] = _wrap(array_module(p._data).full_like(p._data, self.defaults["initial_accumulator_value"]))
        return state

    def step(self, closure=None):
        """Perform a single optimization step; closure re-evaluates the model and returns the loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, lr_decay, eps, weight_decay = float(group["lr"]), group["lr_decay"], group["eps"], group["weight_decay"]
            for p, g in self._grads(group):
                state = self.state[p] or self._init_state(p)
                step = _increment(state["step"])
                if weight_decay != 0:
                    g = g + weight_decay * p._data
                clr = lr / (1 + (step - 1) * lr_decay)
                state_sum = state["sum"]._data
                state_sum += g * g
                std = _sqrt(state_sum)
                std += eps
                _addcdiv_(p, g, std, -clr)
        return loss
