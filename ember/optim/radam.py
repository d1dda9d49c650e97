"""RAdam: Adam with a rectified (variance-corrected) adaptive learning rate."""
from .optimizer import (Optimizer, _adam_moments, _add_, _check_betas, _check_lr, _check_nonneg, _increment, _scalar,
                        _sqrt, _zeros_like)

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """RAdam, as torch.optim.RAdam (decoupled_weight_decay=True gives RAdamW)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        _check_lr(lr)
        _check_nonneg(eps, "epsilon value")
        _check_betas(betas)
        _check_nonneg(weight_decay, "weight_decay value")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
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
                    state["exp_avg_sq"] = _zeros_like(p)
                step = _increment(state["step"])
                g, exp_avg, exp_avg_sq = _adam_moments(p, g, state, lr, weight_decay, group["decoupled_weight_decay"],
                                                         beta1, beta2)
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                update = exp_avg / bias_correction1
                update *= lr
                rho_inf = 2 / (1 - beta2) - 1
                rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
                if rho_t > 5.0:
                    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                    adaptive = _sqrt(exp_avg_sq)
                    adaptive += eps
                    adaptive = 1 / adaptive
                    adaptive *= bias_correction2 ** 0.5
                    update *= adaptive
                    update *= rect
                _add_(p, update, -1.0)
        return loss
