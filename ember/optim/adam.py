"""Adam (and the update shared with AdamW): adaptive moment estimation, optional AMSGrad."""
from .._tensor import Tensor
from .optimizer import (Optimizer, _adam_moments, _addcdiv_, _check_betas, _check_lr, _check_nonneg, _increment,
                        _maximum_, _scalar, _sqrt, _zeros_like)

__all__ = ["Adam"]
class Adam(Optimizer):
    """Adam, as torch.optim.Adam (decoupled_weight_decay=True gives AdamW)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        _check_lr(lr)
        _check_nonneg(eps, "epsilon value")
        _check_betas(betas)
        _check_nonneg(weight_decay, "weight_decay value")
        if not (isinstance(betas[0], float) and isinstance(betas[1], float)
                or isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor)):
            raise ValueError("betas must be either both floats or both Tensors")
        betas = tuple(float(b) if isinstance(b, Tensor) else b for b in betas)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable, differentiable=differentiable,
                        fused=fused, decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step; closure re-evaluates the model and returns the loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, (beta1, beta2), eps = float(group["lr"]), group["betas"], group["eps"]
            weight_decay, amsgrad = group["weight_decay"], group["amsgrad"]
            for p, g in self._grads(group):
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar(0.0)
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_avg_sq"] = _zeros_like(p)
                    if amsgrad:
                        state["max_exp_avg_sq"] = _zeros_like(p)
                step = _increment(state["step"])
                g, exp_avg, exp_avg_sq = _adam_moments(p, g, state, lr, weight_decay, group["decoupled_weight_decay"],
                                                         beta1, beta2)
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                step_size = lr / bias_correction1
                bias_correction2_sqrt = bias_correction2 ** 0.5
                if amsgrad:
                    max_sq = state["max_exp_avg_sq"]._data
                    _maximum_(max_sq, exp_avg_sq)
                    denom = _sqrt(max_sq) / bias_correction2_sqrt
                else:
                    denom = _sqrt(exp_avg_sq) / bias_correction2_sqrt
                denom += eps
                _addcdiv_(p, exp_avg, denom, -step_size)
        return loss
