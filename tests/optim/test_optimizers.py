"""Every optimizer against torch.optim: 20 steps on the same model, every parameter after every step."""
import numpy as np
import pytest
import torch

import ember
import ember.optim

_rng = np.random.default_rng(0)
W0, B0 = _rng.standard_normal((3, 4)), _rng.standard_normal(4)
X, Y = _rng.standard_normal((6, 3)), _rng.standard_normal((6, 4))
_DT = {"float64": (ember.float64, torch.float64), "float32": (ember.float32, torch.float32)}


def _loss(mod, w, b, x, y):
    return ((mod.tanh(x @ w + b) - y) ** 2).sum() + (w ** 2).sum() * 0.1


def run(lib, name, kwargs, dtype="float64", steps=20, groups=None, maximize_sign=1.0):
    """Train W, b for `steps` steps; returns the parameters after every step and the optimizer."""
    mod, optim = (ember, ember.optim) if lib == "ember" else (torch, torch.optim)
    dt = _DT[dtype][0 if lib == "ember" else 1]
    w = mod.tensor(W0, dtype=dt, requires_grad=True)
    b = mod.tensor(B0, dtype=dt, requires_grad=True)
    x, y = mod.tensor(X, dtype=dt), mod.tensor(Y, dtype=dt)
    params = [w, b] if groups is None else [dict(params=[w], **groups[0]), dict(params=[b], **groups[1])]
    opt = getattr(optim, name)(params, **kwargs)
    traj = []
    for _ in range(steps):
        opt.zero_grad()
        (_loss(mod, w, b, x, y) * maximize_sign).backward()
        opt.step()
        traj.append([w.detach().numpy().copy(), b.detach().numpy().copy()])
    return traj, opt, (w, b)


CASES = {
    "SGD": [dict(lr=0.01), dict(lr=0.01, momentum=0.9), dict(lr=0.01, momentum=0.9, dampening=0.3),
            dict(lr=0.01, momentum=0.9, nesterov=True), dict(lr=0.01, weight_decay=0.1, momentum=0.5),
            dict(lr=0.01, maximize=True, momentum=0.9, weight_decay=0.05)],
    "Adam": [dict(lr=0.05), dict(lr=0.05, amsgrad=True), dict(lr=0.05, weight_decay=0.1),
             dict(lr=0.05, betas=(0.3, 0.8), eps=1e-3), dict(lr=0.05, maximize=True, amsgrad=True),
             dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)],
    "AdamW": [dict(lr=0.05), dict(lr=0.05, amsgrad=True, weight_decay=0.2), dict(lr=0.05, maximize=True)],
    "RMSprop": [dict(lr=0.01), dict(lr=0.01, centered=True), dict(lr=0.01, momentum=0.8),
                dict(lr=0.01, centered=True, momentum=0.8, weight_decay=0.1), dict(lr=0.01, alpha=0.3, eps=1e-4),
                dict(lr=0.01, maximize=True)],
    "Adagrad": [dict(lr=0.1), dict(lr=0.1, lr_decay=0.05), dict(lr=0.1, initial_accumulator_value=0.5),
                dict(lr=0.1, weight_decay=0.1, maximize=True, eps=1e-3)],
    "Adadelta": [dict(), dict(lr=0.5, rho=0.5, eps=1e-4), dict(weight_decay=0.1, maximize=True)],
    "Adamax": [dict(lr=0.05), dict(lr=0.05, betas=(0.6, 0.9), weight_decay=0.1), dict(lr=0.05, maximize=True)],
    "NAdam": [dict(lr=0.05), dict(lr=0.05, momentum_decay=0.05, weight_decay=0.1),
              dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True), dict(lr=0.05, maximize=True)],
    "RAdam": [dict(lr=0.05), dict(lr=0.05, weight_decay=0.1), dict(lr=0.05, betas=(0.8, 0.6)),
              dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)],
}
PARAMS = [(n, kw) for n, cases in CASES.items() for kw in cases]


def _compare(a, b, rtol, atol):
    assert len(a) == len(b)
    for step, (pa, pb) in enumerate(zip(a, b)):
        for x, y in zip(pa, pb):
            np.testing.assert_allclose(x, y, rtol=rtol, atol=atol, err_msg=f"step {step + 1}")


@pytest.mark.parametrize("name,kwargs", PARAMS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(PARAMS)])
def test_trajectory_float64(name, kwargs):
    sign = -1.0 if kwargs.get("maximize") else 1.0
    mine, _, _ = run("ember", name, kwargs, maximize_sign=sign)
    ref, _, _ = run("torch", name, kwargs, maximize_sign=sign)
    _compare(mine, ref, 1e-12, 1e-12)


@pytest.mark.parametrize("name", list(CASES))
def test_trajectory_float32(name):
    kwargs = CASES[name][1]
    mine, opt, (w, _) = run("ember", name, kwargs, dtype="float32")
    ref, _, _ = run("torch", name, kwargs, dtype="float32")
    assert w.dtype == ember.float32 and all(s.dtype == ember.float32 for k, s in opt.state[w].items()
                                            if k not in ("step", "mu_product"))
    _compare(mine, ref, 1e-5, 1e-6)


@pytest.mark.parametrize("name", list(CASES))
def test_param_groups_with_own_options(name):
    kwargs = dict(CASES[name][0])
    lr = kwargs.pop("lr", 1.0)
    groups = [dict(lr=lr), dict(lr=lr * 0.3, weight_decay=0.05)]
    mine, _, _ = run("ember", name, kwargs, groups=groups, steps=10)
    ref, _, _ = run("torch", name, kwargs, groups=groups, steps=10)
    _compare(mine, ref, 1e-12, 1e-12)
