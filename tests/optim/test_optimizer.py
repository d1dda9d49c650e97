"""The Optimizer base against torch.optim.Optimizer: groups, errors, state_dict, load_state_dict, closures,
hooks, zero_grad, repr."""
import warnings

import numpy as np
import pytest
import torch

import ember
import ember.optim
from ember.optim.optimizer import required
from torch.optim.optimizer import required as torch_required

from test_optimizers import CASES, W0, B0, X, Y, _compare, _loss, run

LIBS = {"ember": (ember, ember.optim), "torch": (torch, torch.optim)}


def _tensors(lib, dtype="float64"):
    mod = LIBS[lib][0]
    dt = getattr(mod, dtype)
    return mod.tensor(W0, dtype=dt, requires_grad=True), mod.tensor(B0, dtype=dt, requires_grad=True)


def _plain(value):
    """A state_dict value as plain Python / numpy, for comparing ember's with torch's."""
    if isinstance(value, (ember.Tensor, torch.Tensor)):
        return (str(value.dtype).split(".")[-1], value.detach().numpy().copy())
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    return value


def _assert_same_state_dict(mine, ref, rtol=1e-12):
    mine, ref = _plain(mine), _plain(ref)
    assert mine["param_groups"] == ref["param_groups"]
    assert list(mine["param_groups"][0]) == list(ref["param_groups"][0])
    assert list(mine["state"]) == list(ref["state"])
    for i, s in ref["state"].items():
        assert list(mine["state"][i]) == list(s)
        for k, (dtype, v) in s.items():
            assert mine["state"][i][k][0] == dtype, k
            np.testing.assert_allclose(mine["state"][i][k][1], v, rtol=rtol, atol=1e-13, err_msg=k)


@pytest.mark.parametrize("name", list(CASES))
def test_state_dict_matches_torch(name):
    kwargs = CASES[name][-1]
    _, opt, _ = run("ember", name, kwargs, steps=5)
    _, topt, _ = run("torch", name, kwargs, steps=5)
    _assert_same_state_dict(opt.state_dict(), topt.state_dict())


@pytest.mark.parametrize("name", list(CASES))
def test_save_load_continue_matches_uninterrupted(name):
    """10 steps, state_dict, a fresh optimizer on fresh parameters holding the same values loads it, 10 more
    steps: the same parameters as 20 uninterrupted steps of torch."""
    kwargs = CASES[name][1]
    ref, _, _ = run("torch", name, kwargs, steps=20)
    first, opt, (w, b) = run("ember", name, kwargs, steps=10)
    saved = opt.state_dict()
    w2, b2 = (ember.tensor(t.detach().numpy(), requires_grad=True) for t in (w, b))
    opt2 = getattr(ember.optim, name)([w2, b2], **kwargs)
    opt2.load_state_dict(saved)
    x, y = ember.tensor(X), ember.tensor(Y)
    rest = []
    for _ in range(10):
        opt2.zero_grad()
        _loss(ember, w2, b2, x, y).backward()
        opt2.step()
        rest.append([w2.detach().numpy().copy(), b2.detach().numpy().copy()])
    _compare(first + rest, ref, 1e-12, 1e-12)
    old = {id(v) for s in opt.state.values() for v in s.values()}   # loaded state is a copy, not shared
    assert all(id(v) not in old for s in opt2.state.values() for v in s.values())


def test_load_casts_state_to_param_dtype_and_keeps_step():
    for lib in LIBS:
        mod, optim = LIBS[lib]
        w64, b64 = _tensors(lib)
        opt = optim.Adam([w64, b64], lr=0.1)
        w64.grad, b64.grad = w64.detach() * 1, b64.detach() * 1
        opt.step()
        w32, b32 = _tensors(lib, "float32")
        opt32 = optim.Adam([w32, b32], lr=0.1)
        opt32.load_state_dict(opt.state_dict())
        st = opt32.state[w32]
        assert st["exp_avg"].dtype == mod.float32 and st["step"].dtype == mod.float32
        assert float(st["step"]) == 1.0


def test_load_state_dict_errors():
    w, b = _tensors("ember")
    opt = ember.optim.SGD([w, b], lr=0.1)
    two = ember.optim.SGD([{"params": [w]}, {"params": [b]}], lr=0.1)
    with pytest.raises(ValueError, match="^loaded state dict has a different number of parameter groups$"):
        opt.load_state_dict(two.state_dict())
    one = ember.optim.SGD([w], lr=0.1)
    with pytest.raises(ValueError, match="^loaded state dict contains a parameter group that doesn't match the size "
                                         "of optimizer's group$"):
        opt.load_state_dict(one.state_dict())


def test_load_state_dict_restores_hyperparameters():
    w, b = _tensors("ember")
    opt = ember.optim.SGD([w, b], lr=0.1, momentum=0.5)
    other = ember.optim.SGD(list(_tensors("ember")), lr=0.3, momentum=0.9, nesterov=True)
    opt.load_state_dict(other.state_dict())
    g = opt.param_groups[0]
    assert (g["lr"], g["momentum"], g["nesterov"]) == (0.3, 0.9, True) and g["params"][0] is w


def test_params_without_grad_are_skipped():
    for lib in LIBS:
        optim = LIBS[lib][1]
        w, b = _tensors(lib)
        opt = optim.Adam([w, b], lr=0.1)
        w.grad = w.detach() * 0 + 1
        before = b.detach().numpy().copy()
        opt.step()
        assert list(opt.state_dict()["state"]) == [0]
        np.testing.assert_array_equal(b.detach().numpy(), before)


def test_update_is_in_place_and_bumps_version():
    w, b = _tensors("ember")
    opt = ember.optim.SGD([w, b], lr=0.1)
    data, version = w._data, w._version
    w.grad = w.detach() * 0 + 1
    opt.step()
    assert w._data is data and w._version == version + 1 and w.is_leaf and w.requires_grad
    np.testing.assert_allclose(w.detach().numpy(), W0 - 0.1)


def test_adagrad_state_exists_from_construction():
    for lib in LIBS:
        optim = LIBS[lib][1]
        opt = optim.Adagrad(list(_tensors(lib)), initial_accumulator_value=0.25)
        sd = _plain(opt.state_dict()["state"])
        assert list(sd) == [0, 1] and sd[0]["step"][1] == 0 and np.all(sd[1]["sum"][1] == 0.25)


def test_closure_is_evaluated_with_grad_and_returned():
    outs = {}
    for lib in LIBS:
        mod, optim = LIBS[lib]
        w, b = _tensors(lib)
        x, y = mod.tensor(X), mod.tensor(Y)
        opt = optim.SGD([w, b], lr=0.01, momentum=0.9)
        calls = []

        def closure():
            calls.append(mod.is_grad_enabled())
            opt.zero_grad()
            loss = _loss(mod, w, b, x, y)
            loss.backward()
            return loss

        with mod.no_grad():
            losses = [float(opt.step(closure)) for _ in range(5)]
        assert calls == [True] * 5 and opt.step() is None
        outs[lib] = (losses, w.detach().numpy().copy())
    np.testing.assert_allclose(outs["ember"][0], outs["torch"][0], rtol=1e-12)
    np.testing.assert_allclose(outs["ember"][1], outs["torch"][1], rtol=1e-12)


def test_step_runs_without_recording():
    w, b = _tensors("ember")
    opt = ember.optim.SGD([w, b], lr=0.1)
    seen = []
    opt.register_step_pre_hook(lambda o, a, k: seen.append(ember.is_grad_enabled()))
    w.grad = w.detach() * 0 + 1
    opt.step()
    assert w.grad_fn is None and ember.is_grad_enabled() and seen == [True]


def test_zero_grad():
    for lib in LIBS:
        w, b = _tensors(lib)
        opt = LIBS[lib][1].SGD([w, b])
        w.grad, b.grad = w.detach() * 1, b.detach() * 1
        g = w.grad
        opt.zero_grad(set_to_none=False)
        assert w.grad is g and float(w.grad.abs().sum()) == 0 and float(b.grad.abs().sum()) == 0
        opt.zero_grad()
        assert w.grad is None and b.grad is None


def test_step_hooks_order_args_and_removal():
    for lib in LIBS:
        optim = LIBS[lib][1]
        opt = optim.SGD(list(_tensors(lib)), lr=0.1)
        log = []
        h1 = opt.register_step_pre_hook(lambda o, args, kwargs: log.append(("pre", o is opt, args, kwargs)))
        h2 = opt.register_step_post_hook(lambda o, args, kwargs: log.append(("post", args, kwargs)))
        opt.step(closure=None)
        h1.remove()
        h2.remove()
        opt.step()
        assert log == [("pre", True, (opt,), {"closure": None}), ("post", (opt,), {"closure": None})]


def test_pre_hook_replaces_arguments():
    w, b = _tensors("ember")
    opt = ember.optim.SGD([w, b], lr=0.1)
    opt.register_step_pre_hook(lambda o, args, kwargs: ((o, lambda: 7.0), {}))
    assert opt.step() == 7.0
    opt.register_step_pre_hook(lambda o, args, kwargs: 3)
    with pytest.raises(RuntimeError, match="must return None or a tuple of \\(new_args, new_kwargs\\), but got 3."):
        opt.step()


def test_repr_matches_torch():
    for name, kwargs in [("SGD", dict(lr=0.1, momentum=0.9)), ("Adam", dict(betas=(0.8, 0.9))), ("NAdam", {})]:
        reprs = []
        for lib in LIBS:
            w, b = _tensors(lib)
            reprs.append(repr(getattr(LIBS[lib][1], name)([{"params": [w]}, {"params": [b], "lr": 0.5}], **kwargs)))
        assert reprs[0] == reprs[1]


def test_param_groups_defaults_and_key_order():
    for lib in LIBS:
        w, b = _tensors(lib)
        opt = LIBS[lib][1].Adam([{"params": [w], "lr": 0.5}, {"params": b}], lr=0.1)
        assert opt.param_groups[1]["params"][0] is b
    keys = [list(ember.optim.Adam([{"params": [w], "lr": 0.5}], lr=0.1).param_groups[0]) for w in
            [_tensors("ember")[0]]] + [list(torch.optim.Adam([{"params": [_tensors("torch")[0]], "lr": 0.5}],
                                                             lr=0.1).param_groups[0])]
    assert keys[0] == keys[1]


def test_add_param_group():
    for lib in LIBS:
        w, b = _tensors(lib)
        opt = LIBS[lib][1].SGD([w], lr=0.1, momentum=0.9)
        opt.add_param_group({"params": b, "lr": 0.01})
        assert opt.param_groups[1]["momentum"] == 0.9 and opt.param_groups[1]["lr"] == 0.01
        assert opt.state_dict()["param_groups"][1]["params"] == [1]


def test_named_parameters():
    sds = []
    for lib in LIBS:
        w, b = _tensors(lib)
        opt = LIBS[lib][1].SGD([("w", w), ("b", b)], lr=0.1)
        assert opt.param_groups[0]["params"][0] is w
        sds.append(opt.state_dict()["param_groups"])
    assert sds[0] == sds[1] and sds[0][0]["param_names"] == ["w", "b"]


def _param_group_errors(lib):
    mod, optim = LIBS[lib]
    w, b = _tensors(lib)
    return [
        (lambda: optim.SGD([], lr=0.1), ValueError, "optimizer got an empty parameter list"),
        (lambda: optim.SGD(w, lr=0.1), TypeError,
         "params argument given to the optimizer should be an iterable of Tensors or dicts, but got "),
        (lambda: optim.SGD([{"params": {w, b}}], lr=0.1), TypeError,
         "optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets "
         "will change between runs. Please use a list instead."),
        (lambda: optim.SGD([{"params": [w]}, {"params": [w, b]}], lr=0.1), ValueError,
         "some parameters appear in more than one parameter group"),
        (lambda: optim.SGD([w * 2], lr=0.1), ValueError, "can't optimize a non-leaf Tensor"),
        (lambda: optim.SGD([1.0], lr=0.1), TypeError,
         "optimizer can only optimize Tensors, but one of the params is float"),
        (lambda: optim.Optimizer([w], {"lr": required if lib == "ember" else torch_required}), ValueError,
         "parameter group didn't specify a value of required optimization parameter lr"),
        (lambda: optim.SGD([{"params": [w]}], lr=0.1).add_param_group([b]), TypeError,
         "param_group must be a dict, but got <class 'list'>"),
        (lambda: optim.SGD([("w", w), b], lr=0.1), ValueError,
         "all optimizer params should be with/without names. Some param names are missing"),
    ]


def test_param_group_errors():
    for (fe, ee, me), (ft, et, mt) in zip(_param_group_errors("ember"), _param_group_errors("torch")):
        assert me == mt
        with pytest.raises(et) as t:
            ft()
        with pytest.raises(ee) as e:
            fe()
        assert str(e.value).replace("ember.", "torch.") == str(t.value) and str(e.value).startswith(me)


def test_duplicate_params_warn():
    w, _ = _tensors("ember")
    with pytest.warns(UserWarning, match="optimizer contains a parameter group with duplicate parameters"):
        ember.optim.SGD([w, w], lr=0.1)


HYPER_ERRORS = [
    ("SGD", dict(lr=-0.1)), ("SGD", dict(momentum=-0.5)), ("SGD", dict(weight_decay=-1)),
    ("SGD", dict(nesterov=True)), ("SGD", dict(nesterov=True, momentum=0.9, dampening=0.1)),
    ("Adam", dict(lr=-1e-3)), ("Adam", dict(eps=-1.0)), ("Adam", dict(betas=(1.0, 0.999))),
    ("Adam", dict(betas=(0.9, -0.1))), ("Adam", dict(weight_decay=-0.1)), ("Adam", dict(betas=(1, 0.9))),
    ("AdamW", dict(betas=(0.9, 1.5))), ("RMSprop", dict(alpha=-0.1)), ("RMSprop", dict(momentum=-1)),
    ("RMSprop", dict(eps=-1)), ("Adagrad", dict(lr_decay=-1)), ("Adagrad", dict(initial_accumulator_value=-1)),
    ("Adadelta", dict(rho=1.1)), ("Adamax", dict(betas=(0.9, 1.0))), ("NAdam", dict(momentum_decay=-1)),
    ("RAdam", dict(betas=(-0.1, 0.9))), ("SGD", dict(lr=ember.tensor([0.1, 0.2]))),
]


@pytest.mark.parametrize("name,kwargs", HYPER_ERRORS)
def test_hyperparameter_errors(name, kwargs):
    tkwargs = {k: torch.tensor(v.tolist()) if isinstance(v, ember.Tensor) else v for k, v in kwargs.items()}
    with pytest.raises(ValueError) as t:
        getattr(torch.optim, name)([_tensors("torch")[0]], **tkwargs)
    with pytest.raises(ValueError, match="^" + str(t.value).replace("(", r"\(").replace(")", r"\)") + "$"):
        getattr(ember.optim, name)([_tensors("ember")[0]], **kwargs)


def test_float32_state_uses_float32_step_under_float64_default():
    prev = ember.get_default_dtype()
    ember.set_default_dtype(ember.float64)
    try:
        w, _ = _tensors("ember", "float32")
        opt = ember.optim.Adam([w])
        w.grad = w.detach() * 1
        opt.step()
        assert opt.state[w]["step"].dtype == ember.float64 and opt.state[w]["exp_avg"].dtype == ember.float32
    finally:
        ember.set_default_dtype(prev)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()


def test_trains_nn_linear_parameters_like_torch():
    """Parameters of a Module (ember.nn.Linear) are optimized as plain tensors are: 20 Adam steps as torch's."""
    lin, tlin = ember.nn.Linear(3, 4).double(), torch.nn.Linear(3, 4).double()
    with torch.no_grad():
        tlin.weight.copy_(torch.tensor(W0.T))
        tlin.bias.copy_(torch.tensor(B0))
    lin.weight.data = ember.tensor(W0.T.copy())
    lin.bias.data = ember.tensor(B0)
    opt, topt = ember.optim.Adam(lin.parameters(), lr=0.05), torch.optim.Adam(tlin.parameters(), lr=0.05)
    x, tx = ember.tensor(X), torch.tensor(X)
    weight = lin.weight
    for _ in range(20):
        opt.zero_grad()
        topt.zero_grad()
        (lin(x).tanh() ** 2).sum().backward()
        (tlin(tx).tanh() ** 2).sum().backward()
        opt.step()
        topt.step()
        np.testing.assert_allclose(lin.weight.detach().numpy(), tlin.weight.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(lin.bias.detach().numpy(), tlin.bias.detach().numpy(), rtol=1e-12)
    assert lin.weight is weight
