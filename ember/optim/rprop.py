"""Rprop: resilient backpropagation, a per-element step size adapted from the signs of the gradients."""
from .._device import array_module
from .._tensor import _wrap
from .optimizer import Optimizer, _check_lr, _increment, _scalar, _zeros_like

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """The resilient backpropagation algorithm, as torch.optim.Rprop."""

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None,
                 maximize=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step; closure re-evaluates the model and returns the loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            etaminus, etaplus = group["etas"]
            step_size_min, step_size_max = group["step_sizes"]
            for p, g in self._grads(group):
                xp = array_module(g)
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar(0.0)
                    state["prev"] = _zeros_like(p)
                    state["step_size"] = _wrap(xp.full_like(g, float(group["lr"])))
                _increment(state["step"])
                prev, step_size = state["prev"]._data, state["step_size"]._data
                sign = xp.sign(g * prev)
                sign[sign > 0] = etaplus
                sign[sign < 0] = etaminus
                sign[sign == 0] = 1
                step_size *= sign
                xp.clip(step_size, step_size_min, step_size_max, out=step_size)
                g = g.copy()
                g[sign == etaminus] = 0
                p._data -= xp.sign(g) * step_size
                p._vc[0] += 1
                prev[...] = g
                state["prev"]._vc[0] += 1
                state["step_size"]._vc[0] += 1
        return loss
