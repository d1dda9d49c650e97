"""SparseAdam on ember's (dense) embedding gradients against torch's SparseAdam on sparse ones."""
import numpy as np
import pytest
import torch

import ember
import ember.nn
import ember.optim

_rng = np.random.default_rng(5)
TABLE = _rng.standard_normal((7, 3))
BIAS = _rng.standard_normal(3)
BATCHES = [[1, 3, 3, 0], [2, 5], [0, 0, 6], [1], [4, 5, 6, 2]]


def run(lib, kwargs, load=None, batches=BATCHES):
    mod, nn, optim = (ember, ember.nn, ember.optim) if lib == "ember" else (torch, torch.nn, torch.optim)
    emb = nn.Embedding(7, 3, sparse=True, padding_idx=6)
    emb.weight.data.copy_(mod.tensor(TABLE))
    emb.double()
    bias = mod.tensor(BIAS, dtype=mod.float64, requires_grad=True)
    opt = optim.SparseAdam([emb.weight], **kwargs)
    dense = optim.Adam([bias], lr=0.1)
    if load is not None:
        opt.load_state_dict(load)
    traj = []
    for k, idx in enumerate(batches):
        opt.zero_grad()
        dense.zero_grad()
        out = emb(mod.tensor(idx)) + bias
        ((out - 0.5 * k) ** 2).sum().backward()
        opt.step()
        dense.step()
        traj.append(emb.weight.detach().numpy().copy())
    return traj, opt


def _state(opt):
    sd = opt.state_dict()
    return {k: (v.detach().numpy() if hasattr(v, "detach") else v) for k, v in sd["state"][0].items()}, \
        sd["param_groups"]


@pytest.mark.parametrize("kwargs", [dict(), dict(lr=0.05, betas=(0.5, 0.8), eps=1e-4), dict(lr=0.1, maximize=True)])
def test_matches_torch(kwargs):
    mine, opt = run("ember", kwargs)
    ref, topt = run("torch", kwargs)
    for step, (a, b) in enumerate(zip(mine, ref)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14, err_msg=f"step {step + 1}")
    (s, g), (ts, tg) = _state(opt), _state(topt)
    assert g == tg and list(s) == list(ts) and s["step"] == ts["step"] == 5
    for key in ("exp_avg", "exp_avg_sq"):
        np.testing.assert_allclose(s[key], ts[key], rtol=1e-12, atol=1e-14)


def test_resume_from_torch_state_dict():
    _, topt = run("torch", dict(lr=0.05), batches=BATCHES[:3])
    saved = topt.state_dict()
    converted = {"state": {0: {k: ember.tensor(v.numpy()) if isinstance(v, torch.Tensor) else v
                               for k, v in saved["state"][0].items()}}, "param_groups": saved["param_groups"]}
    mine, opt = run("ember", dict(lr=0.05), load=converted, batches=BATCHES[3:])
    ref, _ = run("torch", dict(lr=0.05), load=saved, batches=BATCHES[3:])
    for a, b in zip(mine, ref):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    assert opt.state_dict()["state"][0]["step"] == 5


@pytest.mark.parametrize("kwargs,message", [(dict(lr=0.0), "Invalid learning rate: 0.0"),
                                            (dict(eps=0.0), "Invalid epsilon value: 0.0"),
                                            (dict(betas=(0.9, 1.0)), "Invalid beta parameter at index 1: 1.0")])
def test_errors(kwargs, message):
    for mod, optim in ((ember, ember.optim), (torch, torch.optim)):
        with pytest.raises(ValueError) as info:
            optim.SparseAdam([mod.zeros(2, requires_grad=True)], **kwargs)
        assert str(info.value) == message
