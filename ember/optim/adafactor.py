"""Adafactor: Adam-like steps with a factored (row and column) estimate of the second moment of matrices."""
from .._device import array_module
from .._tensor import Tensor, _wrap
from .optimizer import Optimizer, _add_, _increment, _lerp_, _mul_, _scalar, _zeros_like

__all__ = ["Adafactor"]


def _norm(a):
    """The 2-norm of a backend array, as a Python float."""
    xp = array_module(a)
    return float(xp.sqrt(xp.vdot(a, a)))


class Adafactor(Optimizer):
    """Adafactor, as torch.optim.Adafactor: the second moment of a matrix (or batch of matrices) is kept as
    its row and column means, 'row_var' and 'col_var'; vectors keep a full 'variance'."""

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, *,
                 foreach=None, maximize=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step; closure re-evaluates the model and returns the loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, beta2_decay, d, weight_decay = float(group["lr"]), group["beta2_decay"], group["d"], group["weight_decay"]
            eps1, eps2 = group["eps"]
            for p, g in self._grads(group):
                xp = array_module(g)
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar(0.0)
                    if g.ndim > 1:
                        state["row_var"] = _wrap(xp.zeros(g.shape[:-1] + (1,), dtype=g.dtype))
                        state["col_var"] = _wrap(xp.zeros(g.shape[:-2] + (1,) + g.shape[-1:], dtype=g.dtype))
                    else:
                        state["variance"] = _zeros_like(p)
                if eps1 is None:
                    eps1 = float(xp.finfo(g.dtype).eps)
                step = _increment(state["step"])
                one_minus_beta2 = step ** beta2_decay
                rho = min(lr, 1 / (step ** 0.5))
                alpha = max(eps2, _norm(p._data) / (p._data.size ** 0.5)) * rho
                if weight_decay != 0:
                    _mul_(p, 1 - lr * weight_decay)
                if g.ndim > 1:
                    row_var, col_var = state["row_var"]._data, state["col_var"]._data
                    _lerp_(row_var, xp.sqrt((g * g).sum(-1, keepdims=True)) ** 2 / g.shape[-1], one_minus_beta2)
                    _lerp_(col_var, xp.sqrt((g * g).sum(-2, keepdims=True)) ** 2 / g.shape[-2], one_minus_beta2)
                    state["row_var"]._vc[0] += 1
                    state["col_var"]._vc[0] += 1
                    var = row_var @ col_var
                    var /= xp.maximum(row_var.mean(-2, keepdims=True), eps1)
                else:
                    variance = state["variance"]._data
                    _lerp_(variance, g * g, one_minus_beta2)
                    state["variance"]._vc[0] += 1
                    var = variance.copy()
                xp.maximum(var, eps1 * eps1, out=var)
                update = 1 / xp.sqrt(var)
                update *= g
                denom = max(1.0, _norm(update) / ((update.size ** 0.5) * d))
                _add_(p, update, -alpha / denom)
        return loss
