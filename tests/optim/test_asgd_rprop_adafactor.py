"""ASGD, Rprop and Adafactor against torch.optim: trajectories, state_dicts, resuming from torch's state, errors."""
import numpy as np
import pytest
import torch

import ember
import ember.optim
from tests.optim.test_optimizers import _compare, run

CASES = {
    "ASGD": [dict(lr=0.05), dict(lr=0.05, t0=3, lambd=0.01, alpha=0.5), dict(lr=0.05, weight_decay=0.1, t0=5),
             dict(lr=0.05, maximize=True, t0=2)],
    "Rprop": [dict(), dict(lr=0.05), dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.2)),
              dict(lr=0.02, maximize=True)],
    "Adafactor": [dict(), dict(lr=0.1, weight_decay=0.1), dict(lr=0.05, beta2_decay=-0.5, d=1.5, eps=(1e-4, 1e-2)),
                  dict(lr=0.1, eps=(None, 0.5), maximize=True)],
}
PARAMS = [(n, kw) for n, cases in CASES.items() for kw in cases]
IDS = [f"{n}-{i}" for i, (n, _) in enumerate(PARAMS)]


@pytest.mark.parametrize("name,kwargs", PARAMS, ids=IDS)
def test_trajectory_float64(name, kwargs):
    sign = -1.0 if kwargs.get("maximize") else 1.0
    mine, opt, _ = run("ember", name, kwargs, maximize_sign=sign)
    ref, topt, _ = run("torch", name, kwargs, maximize_sign=sign)
    _compare(mine, ref, 1e-12, 1e-12)
    _compare_state(opt.state_dict(), topt.state_dict())


@pytest.mark.parametrize("name", list(CASES))
def test_trajectory_float32(name):
    kwargs = CASES[name][1]
    mine, opt, (w, _) = run("ember", name, kwargs, dtype="float32")
    ref, _, _ = run("torch", name, kwargs, dtype="float32")
    assert all(s.dtype == ember.float32 for k, s in opt.state[w].items() if k not in ("step", "eta", "mu"))
    _compare(mine, ref, 1e-5, 1e-6)


@pytest.mark.parametrize("name", list(CASES))
def test_param_groups_with_own_options(name):
    kwargs = dict(CASES[name][1])
    lr = kwargs.pop("lr", 0.01)
    groups = [dict(lr=lr), dict(lr=lr * 0.3)]
    mine, _, _ = run("ember", name, kwargs, groups=groups, steps=10)
    ref, _, _ = run("torch", name, kwargs, groups=groups, steps=10)
    _compare(mine, ref, 1e-12, 1e-12)


def _numpy(v):
    return v.detach().numpy() if isinstance(v, torch.Tensor) else v.numpy() if isinstance(v, ember.Tensor) else v


def _compare_state(mine, ref):
    assert mine["param_groups"] == ref["param_groups"]
    assert list(mine["state"]) == list(ref["state"])
    for i, r in ref["state"].items():
        s = mine["state"][i]
        assert list(s) == list(r)
        for key in r:
            assert isinstance(s[key], ember.Tensor) and s[key].shape == tuple(r[key].shape), key
            assert str(s[key].dtype).split(".")[1] == str(r[key].dtype).split(".")[1], key
            np.testing.assert_allclose(_numpy(s[key]), _numpy(r[key]), rtol=1e-12, atol=1e-14, err_msg=key)


@pytest.mark.parametrize("name", list(CASES))
def test_resume_from_torch_state_dict(name):
    """Torch's state after 5 steps loaded into ember (and into torch) with the parameters: both continue alike."""
    kwargs = CASES[name][1]
    _, topt, (tw, tb) = run("torch", name, kwargs, steps=5)
    saved = topt.state_dict()
    converted = {"state": {i: {k: ember.tensor(v.numpy()) for k, v in s.items()} for i, s in saved["state"].items()},
                 "param_groups": saved["param_groups"]}
    results = []
    for lib, mod, state in (("ember", ember, converted), ("torch", torch, saved)):
        optim = ember.optim if lib == "ember" else torch.optim
        w = mod.tensor(tw.detach().numpy(), requires_grad=True)
        b = mod.tensor(tb.detach().numpy(), requires_grad=True)
        opt = getattr(optim, name)([w, b], **kwargs)
        opt.load_state_dict(state)
        traj = []
        for k in range(4):
            opt.zero_grad()
            ((mod.tanh(w * (k + 1)) ** 2).sum() + (b ** 3).sum()).backward()
            opt.step()
            traj.append([w.detach().numpy().copy(), b.detach().numpy().copy()])
        results.append((traj, opt))
    _compare(results[0][0], results[1][0], 1e-12, 1e-12)
    _compare_state(results[0][1].state_dict(), results[1][1].state_dict())


def test_adafactor_shapes():
    """Batches of matrices (factored per matrix), vectors and 0-d tensors, with a closure."""
    rng = np.random.default_rng(3)
    values = [rng.standard_normal((2, 3, 4)), rng.standard_normal(5), np.array(0.7), rng.standard_normal((4, 1))]
    out = []
    for mod, optim in ((ember, ember.optim), (torch, torch.optim)):
        ps = [mod.tensor(v, dtype=mod.float64, requires_grad=True) for v in values]
        opt = optim.Adafactor(ps, lr=0.05, weight_decay=0.01)

        def closure():
            opt.zero_grad()
            loss = sum(((p - 0.3) ** 2 * (i + 1)).sum() + (p ** 3).sum() for i, p in enumerate(ps))
            loss.backward()
            return loss
        losses = [opt.step(closure).item() for _ in range(6)]
        out.append((losses, [p.detach().numpy() for p in ps], opt))
    np.testing.assert_allclose(out[0][0], out[1][0], rtol=1e-12)
    for a, b in zip(out[0][1], out[1][1]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    _compare_state(out[0][2].state_dict(), out[1][2].state_dict())


@pytest.mark.parametrize("name", list(CASES))
def test_defaults(name):
    groups = []
    for mod, optim in ((ember, ember.optim), (torch, torch.optim)):
        group = getattr(optim, name)([mod.zeros(2, requires_grad=True)]).param_groups[0]
        groups.append({k: v for k, v in group.items() if k != "params"})
    assert groups[0] == groups[1]


ERRORS = [
    ("ASGD", dict(lr=-0.1), "Invalid learning rate: -0.1"),
    ("ASGD", dict(weight_decay=-1), "Invalid weight_decay value: -1"),
    ("Rprop", dict(lr=-1.0), "Invalid learning rate: -1.0"),
    ("Rprop", dict(etas=(1.1, 1.2)), "Invalid eta values: 1.1, 1.2"),
    ("Rprop", dict(etas=(0.5, 0.9)), "Invalid eta values: 0.5, 0.9"),
    ("Adafactor", dict(lr=-1.0), "Learning rate should be >= 0 but is: -1.0"),
    ("Adafactor", dict(beta2_decay=0.5), "beta2_decay should be <= 0 but is: 0.5"),
    ("Adafactor", dict(eps=(-1.0, 1e-3)), "epsilon1 should be >= 0 but is: -1.0"),
    ("Adafactor", dict(eps=(None, -1.0)), "epsilon2 should be >= 0 but is: -1.0"),
    ("Adafactor", dict(d=0.5), "Clipping threshold d should be >= 1 but is: 0.5"),
    ("Adafactor", dict(weight_decay=-0.5), "weight_decay should be >= 0 but is: -0.5"),
]


@pytest.mark.parametrize("name,kwargs,message", ERRORS)
def test_errors(name, kwargs, message):
    with pytest.raises(ValueError) as ref:
        getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kwargs)
    assert str(ref.value) == message
    with pytest.raises(ValueError) as mine:
        getattr(ember.optim, name)([ember.zeros(2, requires_grad=True)], **kwargs)
    assert str(mine.value) == message

