"""Muon against torch.optim.Muon: 20 steps on the same model, every parameter after every step; its errors."""
import numpy as np
import pytest
import torch
from torch.optim._muon import _zeropower_via_newtonschulz as torch_newtonschulz

import ember
import ember.optim
from ember.optim.muon import _zeropower_via_newtonschulz
from tests.oracle import assert_same_errors

_rng = np.random.default_rng(0)
W1, W2 = _rng.standard_normal((3, 5)), _rng.standard_normal((5, 2))
X, Y = _rng.standard_normal((6, 3)), _rng.standard_normal((6, 2))
_DT = {"float64": (ember.float64, torch.float64), "float32": (ember.float32, torch.float32)}


def run(lib, kwargs, dtype="float64", steps=20, groups=None):
    """Train a wide (3, 5) and a tall (5, 2) matrix for `steps` steps; the parameters after every step."""
    mod, optim = (ember, ember.optim) if lib == "ember" else (torch, torch.optim)
    dt = _DT[dtype][0 if lib == "ember" else 1]
    w1 = mod.tensor(W1, dtype=dt, requires_grad=True)
    w2 = mod.tensor(W2, dtype=dt, requires_grad=True)
    x, y = mod.tensor(X, dtype=dt), mod.tensor(Y, dtype=dt)
    params = [w1, w2] if groups is None else [dict(params=[w1], **groups[0]), dict(params=[w2], **groups[1])]
    opt = optim.Muon(params, **kwargs)
    traj = []
    for _ in range(steps):
        opt.zero_grad()
        ((mod.tanh(x @ w1) @ w2 - y) ** 2).sum().backward()
        opt.step()
        traj.append([w1.detach().numpy().copy(), w2.detach().numpy().copy()])
    return traj, opt, (w1, w2)


def _compare(a, b, rtol, atol):
    assert len(a) == len(b)
    for step, (pa, pb) in enumerate(zip(a, b)):
        for x, y in zip(pa, pb):
            np.testing.assert_allclose(x, y, rtol=rtol, atol=atol, err_msg=f"step {step + 1}")


CASES = [dict(lr=0.02), dict(lr=0.02, nesterov=False), dict(lr=0.05, momentum=0.5, weight_decay=0.0),
         dict(lr=0.02, momentum=0.0), dict(lr=0.02, adjust_lr_fn="match_rms_adamw"),
         dict(lr=0.02, adjust_lr_fn="original", weight_decay=0.3), dict(lr=0.02, ns_steps=2, eps=1e-3),
         dict(lr=0.02, ns_coefficients=(2.0, -1.5, 0.5), ns_steps=7), dict(lr=0.02, ns_steps=0)]


@pytest.mark.parametrize("kwargs", CASES, ids=[str(i) for i in range(len(CASES))])
def test_trajectory_float64(kwargs):
    mine, _, _ = run("ember", kwargs)
    ref, _, _ = run("torch", kwargs)
    _compare(mine, ref, 1e-12, 1e-12)


def test_trajectory_float32():
    mine, opt, (w1, _) = run("ember", CASES[0], dtype="float32")
    ref, _, _ = run("torch", CASES[0], dtype="float32")
    assert w1.dtype == ember.float32 and opt.state[w1]["momentum_buffer"].dtype == ember.float32
    _compare(mine, ref, 1e-5, 1e-6)


def test_param_groups_with_own_options():
    groups = [dict(lr=0.03, nesterov=False), dict(lr=0.01, weight_decay=0.05, adjust_lr_fn="match_rms_adamw")]
    mine, _, _ = run("ember", {}, groups=groups, steps=10)
    ref, _, _ = run("torch", {}, groups=groups, steps=10)
    _compare(mine, ref, 1e-12, 1e-12)


def test_tensor_lr():
    mine, _, _ = run("ember", dict(lr=ember.tensor(0.02)))
    ref, _, _ = run("torch", dict(lr=torch.tensor(0.02)))
    _compare(mine, ref, 1e-12, 1e-12)


@pytest.mark.parametrize("shape,scale", [((4, 4), 1.0), ((2, 7), 1e-3), ((9, 3), 50.0), ((1, 5), 1.0), ((5, 1), 3.0)])
def test_newtonschulz_bfloat16_values(shape, scale):
    g = np.random.default_rng(1).standard_normal(shape) * scale
    for steps in (0, 1, 5):
        ref = torch_newtonschulz(torch.tensor(g), (3.4445, -4.7750, 2.0315), steps, 1e-7).double().numpy()
        np.testing.assert_array_equal(_zeropower_via_newtonschulz(g, (3.4445, -4.7750, 2.0315), steps, 1e-7), ref)


def test_zero_gradient_leaves_parameter_to_weight_decay():
    mine, ref = [], []
    for lib, mod, out in (("ember", ember, mine), ("torch", torch, ref)):
        w = mod.tensor(W1, requires_grad=True)
        opt = (ember.optim if lib == "ember" else torch.optim).Muon([w], lr=0.1)
        w.grad = mod.zeros(3, 5, dtype=w.dtype)
        opt.step()
        out.append(w.detach().numpy().copy())
    np.testing.assert_array_equal(mine[0], ref[0])
    np.testing.assert_allclose(mine[0], W1.astype(np.float32) * (1 - 0.1 * 0.1), rtol=1e-6)


def test_state_dict_round_trip():
    _, opt_t, _ = run("torch", CASES[0], steps=5)
    mine, opt, (w1, w2) = run("ember", CASES[0], steps=5)
    sd = opt.state_dict()
    sd_t = opt_t.state_dict()
    assert sd["param_groups"] == sd_t["param_groups"]
    assert sorted(sd["state"]) == sorted(sd_t["state"]) == [0, 1]
    for i in (0, 1):
        assert list(sd["state"][i]) == list(sd_t["state"][i]) == ["momentum_buffer"]
        np.testing.assert_allclose(sd["state"][i]["momentum_buffer"].numpy(),
                                   sd_t["state"][i]["momentum_buffer"].numpy(), rtol=1e-12, atol=1e-12)
    # a fresh optimizer loaded from the state continues exactly as the original
    twin = [ember.tensor(w.detach().numpy().copy(), requires_grad=True) for w in (w1, w2)]
    opt2 = ember.optim.Muon(twin, lr=0.5)
    opt2.load_state_dict(sd)
    assert opt2.param_groups[0]["lr"] == 0.02 and opt2.state[twin[0]]["momentum_buffer"] is not \
        opt.state[w1]["momentum_buffer"]
    x, y = ember.tensor(X), ember.tensor(Y)
    for params, o in (((w1, w2), opt), (twin, opt2)):
        for _ in range(3):
            o.zero_grad()
            ((ember.tanh(x @ params[0]) @ params[1] - y) ** 2).sum().backward()
            o.step()
    for a, b in zip((w1, w2), twin):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def _errors(lib):
    mod, optim = (ember, ember.optim) if lib == "ember" else (torch, torch.optim)
    w = mod.zeros(2, 3, requires_grad=True)

    def stepped(**kwargs):
        p = mod.zeros(2, 3, requires_grad=True)
        p.grad = mod.ones(2, 3)
        opt = optim.Muon([p], **kwargs)
        opt.step()

    def vector_group():
        v = mod.zeros(3, requires_grad=True)
        v.grad = mod.ones(3)
        opt = optim.Muon([w])
        opt.add_param_group({"params": [v]})
        opt.step()

    return [
        (lambda: optim.Muon([w], lr=-1.0), ValueError),
        (lambda: optim.Muon([w], lr=mod.tensor([0.1, 0.2])), ValueError),
        (lambda: optim.Muon([w], momentum=-0.5), ValueError),
        (lambda: optim.Muon([w], weight_decay=-0.1), ValueError),
        (lambda: optim.Muon([w], adjust_lr_fn="rms"), ValueError),
        (lambda: optim.Muon([w, mod.zeros(3, requires_grad=True)]), ValueError),
        (lambda: optim.Muon([mod.zeros(2, 2, 2, requires_grad=True)]), ValueError),
        (lambda: stepped(ns_steps=100), ValueError),
        (lambda: stepped(ns_coefficients=(1.0, 2.0)), ValueError),
        (vector_group, ValueError),
    ]


def test_errors():
    assert_same_errors(_errors("ember"), _errors("torch"))
