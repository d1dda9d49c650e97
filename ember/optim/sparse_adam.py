"""SparseAdam: Adam that updates only the rows a gradient touches (as for embedding tables).

ember has no sparse tensors (nn.Embedding(sparse=True) gives a dense gradient), so the rows of a dense
gradient that hold a nonzero value stand for the indices of PyTorch's sparse gradient: moments and
parameters of the other rows stay as they are. (A looked-up row whose gradient sums to exactly zero is
therefore skipped, where PyTorch would decay its moments.)
"""
import math

from .._device import array_module
from .optimizer import Optimizer, _check_betas, _check_lr, _zeros_like

__all__ = ["SparseAdam"]


class SparseAdam(Optimizer):
    """The lazy Adam of torch.optim.SparseAdam: moments and parameters change only in the rows with gradient."""
    _scalar_state = ()   # 'step' is a Python int, as in PyTorch

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False):
        _check_lr(lr)
        if not 0.0 < lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        _check_betas(betas)
        defaults = dict(lr=lr, betas=betas, eps=eps, maximize=maximize)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step; closure re-evaluates the model and returns the loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, (beta1, beta2), eps = float(group["lr"]), group["betas"], group["eps"]
            for p, g in self._grads(group):
                xp = array_module(g)
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_avg_sq"] = _zeros_like(p)
                state["step"] += 1
                step = state["step"]
                rows = g.reshape(g.shape[0] if g.ndim else 1, -1).any(axis=1).nonzero()[0]
                if rows.size == 0:
                    continue
                data, exp_avg, exp_avg_sq = (p._data, state["exp_avg"]._data, state["exp_avg_sq"]._data)
                if g.ndim == 0:
                    g, data, exp_avg, exp_avg_sq = (a.reshape(1) for a in (g, data, exp_avg, exp_avg_sq))
                values = g[rows]
                old = exp_avg[rows]
                numer = (values - old) * (1 - beta1)
                exp_avg[rows] += numer
                numer += old
                old_sq = exp_avg_sq[rows]
                denom = (values * values - old_sq) * (1 - beta2)
                exp_avg_sq[rows] += denom
                denom += old_sq
                denom = xp.sqrt(denom)
                denom += eps
                step_size = lr * math.sqrt(1 - beta2 ** step) / (1 - beta1 ** step)
                numer /= denom
                data[rows] += -step_size * numer
                for t in (p, state["exp_avg"], state["exp_avg_sq"]):
                    t._vc[0] += 1
        return loss
