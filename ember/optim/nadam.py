"""NAdam: Adam with Nesterov momentum (and the momentum-decay schedule of Dozat)."""
from .optimizer import (Optimizer, _adam_moments, _addcdiv_, _check_betas, _check_lr, _check_nonneg, _increment,
                        _scalar, _sqrt, _zeros_like)

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """NAdam, as torch.optim.NAdam (decoupled_weight_decay=True gives NAdamW)."""
    _scalar_state = ("step", "mu_product")

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        _check_lr(lr)
        _check_nonneg(eps, "epsilon value")
        _check_betas(betas)
        _check_nonneg(weight_decay, "weight_decay value")
        _check_nonneg(momentum_decay, "momentum_decay value")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step; closure re-evaluates the model and returns the loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, (beta1, beta2), eps = float(group["lr"]), group["betas"], group["eps"]
            weight_decay, momentum_decay = group["weight_decay"], group["momentum_decay"]
            for p, g in self._grads(group):
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar(0.0)
                    state["mu_product"] = _scalar(1.0)
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_avg_sq"] = _zeros_like(p)
                step = _increment(state["step"])
                bias_correction2 = 1 - beta2 ** step
                mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
                mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
                mu_t = state["mu_product"]
                mu_t._data *= mu            # kept in the scalar dtype, rounded there as PyTorch's is
                mu_t._vc[0] += 1
                mu_product = mu_t._data.item()
                g, exp_avg, exp_avg_sq = _adam_moments(p, g, state, lr, weight_decay, group["decoupled_weight_decay"],
                                                         beta1, beta2)
                denom = _sqrt(exp_avg_sq / bias_correction2)
                mu_product_next = mu_product * mu_next
                denom += eps
                _addcdiv_(p, g, denom, -lr * (1.0 - mu) / (1.0 - mu_product))
                _addcdiv_(p, exp_avg, denom, (-lr * mu_next) / (1.0 - mu_product_next))
        return loss
