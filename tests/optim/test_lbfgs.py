"""LBFGS against torch.optim.LBFGS: parameters after every step(closure), the state_dict, resuming from torch's."""
import numpy as np
import pytest
import torch

import ember
import ember.optim

_rng = np.random.default_rng(1)
X0 = _rng.standard_normal(4) * 0.5
A, B = _rng.standard_normal((8, 3)), _rng.standard_normal((8, 2))
W0, B0 = _rng.standard_normal((3, 2)) * 0.1, _rng.standard_normal(2) * 0.1


def _problem(lib, name, dtype):
    """(params, loss function): the Rosenbrock function of 4 variables, or a tiny linear regression."""
    mod = ember if lib == "ember" else torch
    dt = getattr(mod, dtype)
    if name == "rosenbrock":
        x = mod.tensor(X0, dtype=dt, requires_grad=True)
        return [x], lambda: (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()
    w = mod.tensor(W0, dtype=dt, requires_grad=True)
    b = mod.tensor(B0, dtype=dt, requires_grad=True)
    a, y = mod.tensor(A, dtype=dt), mod.tensor(B, dtype=dt)
    return [w, b], lambda: ((a @ w + b - y) ** 2).mean()


def run(lib, name, kwargs, dtype="float64", steps=3, load=None):
    """`steps` LBFGS steps; returns (loss, parameters) after each, and the optimizer. load: a state_dict to
    load first."""
    params, f = _problem(lib, name, dtype)
    opt = (ember.optim if lib == "ember" else torch.optim).LBFGS(params, **kwargs)
    if load is not None:
        opt.load_state_dict(load)

    def closure():
        opt.zero_grad()
        loss = f()
        loss.backward()
        return loss
    out = []
    for _ in range(steps):
        loss = opt.step(closure)
        out.append((loss.item(), [p.detach().numpy().copy() for p in params]))
    return out, opt


def _compare(mine, ref, rtol, atol):
    for step, ((la, pa), (lb, pb)) in enumerate(zip(mine, ref)):
        np.testing.assert_allclose(la, lb, rtol=rtol, atol=atol, err_msg=f"loss of step {step + 1}")
        for x, y in zip(pa, pb):
            np.testing.assert_allclose(x, y, rtol=rtol, atol=atol, err_msg=f"step {step + 1}")


def _numbers(value):
    """A state value as plain numbers: tensors as arrays, lists elementwise."""
    if isinstance(value, (list, tuple)):
        return [_numbers(v) for v in value]
    if isinstance(value, (torch.Tensor, ember.Tensor)):
        return value.detach().numpy() if isinstance(value, torch.Tensor) else value.numpy()
    return value


def _compare_state(mine, ref):
    assert mine["param_groups"] == ref["param_groups"]
    assert list(mine["state"]) == list(ref["state"]) == [0]
    s, r = mine["state"][0], ref["state"][0]
    assert sorted(s) == sorted(r)
    for key in r:
        a, b = _numbers(s[key]), _numbers(r[key])
        if isinstance(b, list):
            assert len(a) == len(b), key
            for x, y in zip(a, b):
                if y is None:
                    assert x is None, key
                else:
                    np.testing.assert_allclose(x, y, rtol=1e-7, atol=1e-10, err_msg=key)
        else:
            np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-10, err_msg=key)


def _to_ember(value):
    if isinstance(value, dict):
        return {k: _to_ember(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_ember(v) for v in value]
    if isinstance(value, torch.Tensor):
        return ember.tensor(value.numpy())
    return value


CASES = [("rosenbrock", dict(line_search_fn="strong_wolfe")),
         ("rosenbrock", dict(max_iter=3)),
         ("rosenbrock", dict(lr=0.5, max_iter=5, history_size=3)),
         ("rosenbrock", dict(line_search_fn="strong_wolfe", max_iter=7, history_size=2)),
         ("rosenbrock", dict(line_search_fn="strong_wolfe", max_iter=6, max_eval=8)),
         ("linear", dict()),
         ("linear", dict(line_search_fn="strong_wolfe")),
         ("linear", dict(lr=0.3, max_iter=4, history_size=2, tolerance_change=1e-12))]


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_steps_and_state_float64(name, kwargs):
    mine, opt = run("ember", name, kwargs)
    ref, topt = run("torch", name, kwargs)
    _compare(mine, ref, 1e-9, 1e-11)
    _compare_state(opt.state_dict(), topt.state_dict())


@pytest.mark.parametrize("kwargs", [dict(max_iter=4), dict(line_search_fn="strong_wolfe", max_iter=4)])
def test_float32(kwargs):
    mine, opt = run("ember", "linear", kwargs, dtype="float32", steps=1)
    ref, _ = run("torch", "linear", kwargs, dtype="float32", steps=1)
    _compare(mine, ref, 1e-4, 1e-5)
    state = opt.state[opt.param_groups[0]["params"][0]]
    assert state["d"].dtype == state["prev_flat_grad"].dtype == ember.float32


@pytest.mark.parametrize("kwargs", [dict(max_iter=3, history_size=4), dict(line_search_fn="strong_wolfe", max_iter=4)])
def test_resume_from_torch_state_dict(kwargs):
    """Torch's state after 2 steps, loaded into ember, continues as torch does."""
    _, topt = run("torch", "rosenbrock", kwargs, steps=2)
    saved = topt.state_dict()
    n_iter = saved["state"][0]["n_iter"]
    mine, opt = run("ember", "rosenbrock", kwargs, steps=2, load=_to_ember(saved))
    # torch's loaded state shares tensors with `saved` and updates them in place: convert first
    ref, ropt = run("torch", "rosenbrock", kwargs, steps=2, load=saved)
    # both restart from X0 with torch's history; the same history must give the same steps
    _compare(mine, ref, 1e-9, 1e-11)
    _compare_state(opt.state_dict(), ropt.state_dict())
    assert opt.state_dict()["state"][0]["n_iter"] > n_iter


def test_closure_returns_first_loss_and_counts():
    mine, opt = run("ember", "linear", dict(max_iter=5), steps=1)
    ref, topt = run("torch", "linear", dict(max_iter=5), steps=1)
    assert mine[0][0] == pytest.approx(ref[0][0], rel=1e-12)
    assert opt.state_dict()["state"][0]["func_evals"] == topt.state_dict()["state"][0]["func_evals"] == 5


def test_converged_gradient_returns_at_once():
    x = ember.tensor([1.0, 1.0, 1.0], dtype=ember.float64, requires_grad=True)
    opt = ember.optim.LBFGS([x])
    calls = []

    def closure():
        calls.append(1)
        opt.zero_grad()
        loss = ((x - 1) ** 2).sum()
        loss.backward()
        return loss
    assert opt.step(closure).item() == 0.0
    assert len(calls) == 1 and opt.state[x] == {"func_evals": 1, "n_iter": 0}


def test_defaults():
    x = ember.zeros(2, requires_grad=True)
    group = ember.optim.LBFGS([x], max_iter=8).param_groups[0]
    ref = torch.optim.LBFGS([torch.zeros(2, requires_grad=True)], max_iter=8).param_groups[0]
    assert {k: v for k, v in group.items() if k != "params"} == {k: v for k, v in ref.items() if k != "params"}


def test_errors():
    x, y = ember.zeros(2, requires_grad=True), ember.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match=r"^LBFGS doesn't support per-parameter options \(parameter groups\)$"):
        ember.optim.LBFGS([{"params": [x]}, {"params": [y]}])
    with pytest.raises(ValueError, match="^Invalid learning rate: -1$"):
        ember.optim.LBFGS([x], lr=-1)
    opt = ember.optim.LBFGS([x], line_search_fn="armijo")

    def closure():
        opt.zero_grad()
        loss = ((x - 1) ** 2).sum()
        loss.backward()
        return loss
    with pytest.raises(RuntimeError, match="^only 'strong_wolfe' is supported$"):
        opt.step(closure)
    with pytest.raises(TypeError):
        opt.step()
