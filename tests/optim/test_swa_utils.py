"""swa_utils against torch.optim.swa_utils: averaged parameters over 20 steps, SWALR's learning rates,
update_bn's running statistics, AveragedModel's state_dict, and their errors."""
import math
import warnings

import numpy as np
import pytest
import torch
import torch.optim.swa_utils as tswa

import ember
import ember.optim
import ember.optim.swa_utils as eswa
from tests.oracle import assert_same_errors

_rng = np.random.default_rng(0)
X = _rng.standard_normal((8, 3))
Y = _rng.standard_normal((8, 2))


def _libs(lib):
    return (ember, ember.optim, eswa) if lib == "ember" else (torch, torch.optim, tswa)


def _model(lib, dtype="float64"):
    """Linear(3, 4) -> BatchNorm1d(4) -> Tanh -> Linear(4, 2) with the same weights in both libraries."""
    mod = _libs(lib)[0]
    dt = getattr(mod, dtype)
    rng = np.random.default_rng(1)
    model = mod.nn.Sequential(mod.nn.Linear(3, 4), mod.nn.BatchNorm1d(4), mod.nn.Tanh(), mod.nn.Linear(4, 2)).to(dt)
    with mod.no_grad():
        for p in model.parameters():
            p.copy_(mod.tensor(rng.standard_normal(tuple(p.shape)), dtype=dt))
    return model


def _averaging(lib, make, steps=20, dtype="float64"):
    """SGD on the model for `steps` steps, the averaged model updated after each; every averaged tensor
    (parameters and buffers) after every update."""
    mod, optim, swa = _libs(lib)
    model = _model(lib, dtype)
    averaged = make(swa, model)
    opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.5)
    dt = getattr(mod, dtype)
    x, y = mod.tensor(X, dtype=dt), mod.tensor(Y, dtype=dt)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        ((model(x) - y) ** 2).sum().backward()
        opt.step()
        averaged.update_parameters(model)
        out.append([t.detach().numpy().copy() for t in averaged.state_dict().values()])
    return out, averaged, model


AVERAGERS = {
    "swa": lambda swa, m: swa.AveragedModel(m),
    "swa_buffers": lambda swa, m: swa.AveragedModel(m, use_buffers=True),
    "ema_multi": lambda swa, m: swa.AveragedModel(m, multi_avg_fn=swa.get_ema_multi_avg_fn(0.9)),
    "ema_multi_low_decay": lambda swa, m: swa.AveragedModel(m, multi_avg_fn=swa.get_ema_multi_avg_fn(0.3)),
    "swa_multi": lambda swa, m: swa.AveragedModel(m, multi_avg_fn=swa.get_swa_multi_avg_fn()),
    "ema": lambda swa, m: swa.AveragedModel(m, avg_fn=swa.get_ema_avg_fn(0.8)),
    "swa_avg_fn": lambda swa, m: swa.AveragedModel(m, avg_fn=swa.get_swa_avg_fn()),
    "ema_buffers": lambda swa, m: swa.AveragedModel(m, avg_fn=swa.get_ema_avg_fn(0.5), use_buffers=True),
    "custom": lambda swa, m: swa.AveragedModel(m, avg_fn=lambda a, p, n: 0.25 * a + 0.75 * p),
}


def _compare(a, b, rtol, atol):
    assert len(a) == len(b)
    for step, (ta, tb) in enumerate(zip(a, b)):
        assert len(ta) == len(tb)
        for x, y in zip(ta, tb):
            assert x.dtype == y.dtype
            np.testing.assert_allclose(x, y, rtol=rtol, atol=atol, err_msg=f"update {step + 1}")


@pytest.mark.parametrize("name", list(AVERAGERS))
def test_averaged_model_float64(name):
    mine, _, _ = _averaging("ember", AVERAGERS[name])
    ref, _, _ = _averaging("torch", AVERAGERS[name])
    _compare(mine, ref, 1e-12, 1e-12)


def _averaging_given(lib, make, steps=20):
    """The averaged model of float32 models whose parameters and buffers are set to the same random values in both
    libraries at each step (float32 training itself drifts apart by ulps); every averaged tensor after every update."""
    mod, _, swa = _libs(lib)
    model = _model(lib, "float32")
    averaged = make(swa, model)
    rng = np.random.default_rng(4)
    out = []
    for _ in range(steps):
        with mod.no_grad():
            for t in list(model.parameters()) + list(model.buffers()):
                if t.is_floating_point():
                    t.copy_(mod.tensor(rng.standard_normal(tuple(t.shape)).astype(np.float32)))
        averaged.update_parameters(model)
        out.append([t.detach().numpy().copy() for t in averaged.state_dict().values()])
    return out


@pytest.mark.parametrize("name", ["swa", "swa_buffers", "ema_multi", "swa_multi", "ema"])
def test_averaged_model_float32(name):
    _compare(_averaging_given("ember", AVERAGERS[name]), _averaging_given("torch", AVERAGERS[name]), 1e-6, 1e-7)


def test_swa_is_the_mean_of_the_iterates():
    traj, averaged, model = _averaging("ember", AVERAGERS["swa"], steps=4)
    weights = [t[1] for t in traj]   # t[0] is n_averaged
    assert int(averaged.n_averaged) == 4 and averaged.n_averaged.dtype == ember.int64
    np.testing.assert_allclose(weights[-1], np.mean(_iterates("ember", 4), axis=0), rtol=1e-12)
    # buffers follow the model's when use_buffers is False
    np.testing.assert_array_equal(averaged.module[1].running_mean.numpy(), model[1].running_mean.numpy())


def _iterates(lib, steps):
    mod, optim, _ = _libs(lib)
    model = _model(lib)
    opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.5)
    x, y = mod.tensor(X), mod.tensor(Y)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        ((model(x) - y) ** 2).sum().backward()
        opt.step()
        out.append(model[0].weight.detach().numpy().copy())
    return out


def test_forward_and_copy():
    _, averaged, model = _averaging("ember", AVERAGERS["swa"], steps=3)
    _, averaged_t, _ = _averaging("torch", AVERAGERS["swa"], steps=3)
    assert averaged.module is not model and averaged.module[0].weight is not model[0].weight
    assert list(averaged.state_dict()) == list(averaged_t.state_dict())
    averaged.eval()
    averaged_t.eval()
    np.testing.assert_allclose(averaged(ember.tensor(X)).detach().numpy(),
                               averaged_t(torch.tensor(X)).detach().numpy(), rtol=1e-12, atol=1e-12)


def test_state_dict_round_trip_with_torch():
    _, averaged, _ = _averaging("ember", AVERAGERS["swa_buffers"], steps=5)
    sd = averaged.state_dict()
    assert list(sd) == ["n_averaged", "module.0.weight", "module.0.bias", "module.1.weight", "module.1.bias",
                        "module.1.running_mean", "module.1.running_var", "module.1.num_batches_tracked",
                        "module.3.weight", "module.3.bias"]
    into_torch = tswa.AveragedModel(_model("torch"), use_buffers=True)
    into_torch.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in sd.items()})
    assert int(into_torch.n_averaged) == 5
    _, averaged_t, _ = _averaging("torch", AVERAGERS["swa_buffers"], steps=5)
    back = eswa.AveragedModel(_model("ember"), use_buffers=True)
    back.load_state_dict({k: ember.tensor(v.numpy().copy()) for k, v in averaged_t.state_dict().items()})
    for (k, a), (kt, b) in zip(back.state_dict().items(), into_torch.state_dict().items()):
        assert k == kt
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=1e-12, err_msg=k)


def test_device_argument_and_n_averaged_buffer():
    averaged = eswa.AveragedModel(_model("ember"), device="cpu")
    assert averaged.n_averaged.device == ember.device("cpu") and int(averaged.n_averaged) == 0
    assert "n_averaged" in dict(averaged.named_buffers())


def test_ema_and_swa_functions():
    a64, b64 = np.array([0.1, -2.0, 3.0]), np.array([0.7, 1.0, -5.0])
    for decay in (0.999, 0.5, 0.2):
        for lib in ("ember", "torch"):
            mod, _, swa = _libs(lib)
            a, b = mod.tensor(a64), mod.tensor(b64)
            swa.get_ema_multi_avg_fn(decay)([a], [b], 3)
            out = swa.get_ema_avg_fn(decay)(mod.tensor(a64), b, 3)
            if lib == "ember":
                mine = (a.numpy().copy(), out.numpy())
            else:
                np.testing.assert_array_equal(mine[0], a.numpy())
                np.testing.assert_array_equal(mine[1], out.numpy())
    for n in (1, 2, 5):
        results = []
        for lib in ("ember", "torch"):
            mod, _, swa = _libs(lib)
            a, b = mod.tensor(a64), mod.tensor(b64)
            swa.get_swa_multi_avg_fn()([a], [b], mod.tensor(n))
            results.append((a.numpy().copy(),
                            swa.get_swa_avg_fn()(mod.tensor(a64), b, mod.tensor(n)).numpy()))
        for x, y in zip(*results):
            assert x.dtype == y.dtype
            np.testing.assert_array_equal(x, y)


def _bn_model(lib):
    mod = _libs(lib)[0]
    model = mod.nn.Sequential(mod.nn.Linear(3, 4), mod.nn.BatchNorm1d(4, momentum=0.3), mod.nn.ReLU(),
                              mod.nn.Linear(4, 3), mod.nn.BatchNorm1d(3)).double()
    with mod.no_grad():
        for p, v in zip(model.parameters(), _model_values()):
            p.copy_(mod.tensor(v))
    return model


def _model_values():
    rng = np.random.default_rng(2)
    return [rng.standard_normal(s) for s in [(4, 3), (4,), (4,), (4,), (3, 4), (3,), (3,), (3,)]]


@pytest.mark.parametrize("form", ["tensor", "pair", "device"])
def test_update_bn(form):
    batches = [np.random.default_rng(3 + i).standard_normal((5, 3)) for i in range(4)]
    results = []
    for lib in ("ember", "torch"):
        mod = _libs(lib)[0]
        swa = _libs(lib)[2]
        model = _bn_model(lib)
        model.eval()
        if form == "pair":
            loader = [(mod.tensor(b), mod.zeros(5)) for b in batches]
        else:
            loader = [mod.tensor(b) for b in batches]
        swa.update_bn(loader, model, device="cpu" if form == "device" else None)
        assert not model.training and model[1].momentum == 0.3 and model[4].momentum == 0.1
        results.append([t.numpy().copy() for t in model.state_dict().values()])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    # the statistics are the cumulative averages of the batches' statistics (momentum None)
    first = np.stack([b @ _model_values()[0].T + _model_values()[1] for b in batches])
    np.testing.assert_allclose(results[0][4], first.mean(axis=1).mean(axis=0), rtol=1e-12)
    assert int(results[0][6]) == 4


def test_update_bn_without_batchnorm_leaves_model():
    model = ember.nn.Linear(3, 2)
    model.train(False)
    eswa.update_bn([ember.tensor(X)], model)
    assert not model.training


# ---- SWALR ---------------------------------------------------------------------------------------------------------

def _swalr_trace(lib, steps=15, before=None, **kwargs):
    mod, optim, swa = _libs(lib)
    w, b = mod.zeros(3, requires_grad=True), mod.zeros(2, requires_grad=True)
    opt = optim.SGD([{"params": [w]}, {"params": [b], "lr": 0.2}], lr=0.5)
    if before is not None:
        for _ in range(before[1]):
            opt.step()
            before[0](mod, opt)
    sched = swa.SWALR(opt, **kwargs)
    out = [sched.get_last_lr()]
    for _ in range(steps):
        opt.step()
        sched.step()
        out.append([g["lr"] for g in opt.param_groups])
        assert sched.get_last_lr() == out[-1]
    return out, sched, opt


SWALR_CASES = [dict(swa_lr=0.05), dict(swa_lr=[0.05, 0.01]), dict(swa_lr=0.05, anneal_strategy="linear"),
               dict(swa_lr=0.05, anneal_epochs=3), dict(swa_lr=0.05, anneal_epochs=0),
               dict(swa_lr=(0.1, 0.3), anneal_epochs=1, anneal_strategy="linear"),
               dict(swa_lr=0.05, anneal_epochs=20)]


@pytest.mark.parametrize("kwargs", SWALR_CASES, ids=[str(i) for i in range(len(SWALR_CASES))])
def test_swalr_lrs(kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mine, sched, opt = _swalr_trace("ember", **kwargs)
    ref, _, _ = _swalr_trace("torch", **kwargs)
    assert mine == ref
    swa_lrs = kwargs["swa_lr"] if isinstance(kwargs["swa_lr"], (list, tuple)) else [kwargs["swa_lr"]] * 2
    assert [g["swa_lr"] for g in opt.param_groups] == list(swa_lrs)
    if kwargs.get("anneal_epochs", 10) < len(mine):
        np.testing.assert_allclose(mine[-1], swa_lrs, rtol=1e-12)


def test_swalr_after_another_scheduler():
    def decay(mod, opt):
        for g in opt.param_groups:
            g["lr"] *= 0.9
    mine, _, _ = _swalr_trace("ember", before=(decay, 4), swa_lr=0.05, anneal_epochs=5)
    ref, _, _ = _swalr_trace("torch", before=(decay, 4), swa_lr=0.05, anneal_epochs=5)
    assert mine == ref


def test_swalr_cosine_first_step():
    out, _, _ = _swalr_trace("ember", steps=1, swa_lr=0.05, anneal_epochs=4)
    alpha = (1 - math.cos(math.pi / 4)) / 2
    assert out[1][0] == pytest.approx(0.05 * alpha + 0.5 * (1 - alpha), rel=1e-12)


def test_swalr_state_dict():
    _, sched, opt = _swalr_trace("ember", steps=3, swa_lr=0.05, anneal_strategy="linear", anneal_epochs=6)
    _, sched_t, _ = _swalr_trace("torch", steps=3, swa_lr=0.05, anneal_strategy="linear", anneal_epochs=6)
    sd = sched.state_dict()
    assert sorted(sd) == sorted(sched_t.state_dict())
    assert "anneal_func" not in sd and "optimizer" not in sd and sd["_anneal_strategy"] == "linear"
    other = eswa.SWALR(ember.optim.SGD([ember.zeros(1, requires_grad=True)], lr=0.5), swa_lr=0.1)
    other.load_state_dict(sd)
    assert other.anneal_func is other._linear_anneal and other._step_count == 4 and other.anneal_epochs == 6


def test_swalr_get_lr_warns():
    _, sched, _ = _swalr_trace("ember", steps=1, swa_lr=0.05)
    with pytest.warns(UserWarning, match="^To get the last learning rate computed by the scheduler, please use "
                                         "`get_last_lr\\(\\)`.$"):
        sched.get_lr()


# ---- errors ----------------------------------------------------------------------------------------------------------

def _errors(lib):
    mod, optim, swa = _libs(lib)
    opt = optim.SGD([mod.zeros(2, requires_grad=True)], lr=0.1)
    model = mod.nn.Linear(2, 2)
    return [
        (lambda: swa.SWALR(opt, swa_lr=0.1, anneal_strategy="exp"), ValueError),
        (lambda: swa.SWALR(opt, swa_lr=0.1, anneal_epochs=-1), ValueError),
        (lambda: swa.SWALR(opt, swa_lr=0.1, anneal_epochs=2.0), ValueError),
        (lambda: swa.SWALR(opt, swa_lr=[0.1, 0.2]), ValueError),
        (lambda: swa.get_ema_multi_avg_fn(1.5), ValueError),
        (lambda: swa.get_ema_avg_fn(-0.1), ValueError),
        (lambda: swa.AveragedModel(model, avg_fn=swa.get_swa_avg_fn(), multi_avg_fn=swa.get_swa_multi_avg_fn()),
         AssertionError),
        (lambda: swa.AveragedModel(model).update_parameters(mod.nn.BatchNorm1d(2)), ValueError),
        (lambda: swa.get_swa_multi_avg_fn()([mod.tensor([1, 4])], [mod.tensor([5, -4])], mod.tensor(2)),
         RuntimeError),
    ]


def test_errors():
    assert_same_errors(_errors("ember"), _errors("torch"))
