"""ASGD: averaged stochastic gradient descent."""
from .optimizer import Optimizer, _add_, _check_lr, _check_nonneg, _increment, _mul_, _scalar, _zeros_like

__all__ = ["ASGD"]


class ASGD(Optimizer):
    """Averaged stochastic gradient descent, as torch.optim.ASGD; the average is kept in state 'ax'."""
    _scalar_state = ("step", "eta", "mu")

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        _check_lr(lr)
        _check_nonneg(weight_decay, "weight_decay value")
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step; closure re-evaluates the model and returns the loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, lambd, alpha, t0 = float(group["lr"]), group["lambd"], group["alpha"], group["t0"]
            weight_decay = group["weight_decay"]
            for p, g in self._grads(group):
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar(0.0)
                    state["eta"] = _scalar(lr)
                    state["mu"] = _scalar(1.0)
                    state["ax"] = _zeros_like(p)
                step = _increment(state["step"])
                if weight_decay != 0:
                    g = g + weight_decay * p._data
                eta, mu = state["eta"], state["mu"]
                eta_value = eta._data.item()
                _mul_(p, 1 - lambd * eta_value)
                _add_(p, g, -eta_value)
                ax = state["ax"]._data
                if mu._data.item() != 1:
                    d = p._data - ax
                    d *= mu._data
                    ax += d
                else:
                    ax[...] = p._data
                state["ax"]._vc[0] += 1
                # PyTorch rounds the new values to the default dtype before storing them
                eta._data[...] = _scalar(lr / ((1 + lambd * lr * step) ** alpha))._data
                mu._data[...] = _scalar(1 / max(1, step - t0))._data
                eta._vc[0] += 1
                mu._vc[0] += 1
        return loss
