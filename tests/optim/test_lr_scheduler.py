"""Every scheduler against torch.optim.lr_scheduler: the lrs (and momentum) of every group at every step."""
import warnings

import numpy as np
import pytest
import torch

import ember
import ember.optim
from ember.optim import lr_scheduler as elrs
from torch.optim import lr_scheduler as tlrs


def _optimizer(lib, name="SGD", **kwargs):
    mod, optim = (ember, ember.optim) if lib == "ember" else (torch, torch.optim)
    w = mod.zeros(3, requires_grad=True)
    b = mod.zeros(2, requires_grad=True)
    return getattr(optim, name)([{"params": [w]}, {"params": [b], "lr": 0.05}], **kwargs), (w, b)


def _trace(lib, make, steps=25, opt_name="SGD", opt_kwargs=dict(lr=0.1, momentum=0.9), metrics=None):
    """lrs, momenta/betas after construction and after each of `steps` optimizer/scheduler steps."""
    opt, params = _optimizer(lib, opt_name, **opt_kwargs)
    sched = make(elrs if lib == "ember" else tlrs, opt)
    key = "betas" if "betas" in opt.defaults else "momentum"
    out = [(sched.get_last_lr(), [g[key] for g in opt.param_groups])]
    for i in range(steps):
        for p in params:
            p.grad = p.detach() * 0 + 1
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[i])
        out.append(([g["lr"] for g in opt.param_groups], [g[key] for g in opt.param_groups]))
        assert sched.get_last_lr() == out[-1][0]
    return out


SCHEDULERS = {
    "StepLR": lambda m, o: m.StepLR(o, step_size=4, gamma=0.5),
    "MultiStepLR": lambda m, o: m.MultiStepLR(o, milestones=[3, 7, 7, 15], gamma=0.3),
    "ExponentialLR": lambda m, o: m.ExponentialLR(o, gamma=0.9),
    "CosineAnnealingLR": lambda m, o: m.CosineAnnealingLR(o, T_max=7, eta_min=0.001),
    "WarmRestarts": lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.01),
    "WarmRestarts1": lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=4),
    "LambdaLR": lambda m, o: m.LambdaLR(o, lambda e: 1.0 / (1 + e)),
    "LambdaLR-list": lambda m, o: m.LambdaLR(o, [lambda e: 0.9 ** e, lambda e: 1 + e]),
    "MultiplicativeLR": lambda m, o: m.MultiplicativeLR(o, lambda e: 0.95),
    "LinearLR": lambda m, o: m.LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=10),
    "ConstantLR": lambda m, o: m.ConstantLR(o, factor=0.4, total_iters=6),
    "PolynomialLR": lambda m, o: m.PolynomialLR(o, total_iters=12, power=2.0),
    "OneCycleLR": lambda m, o: m.OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=25),
    "OneCycleLR-linear": lambda m, o: m.OneCycleLR(o, max_lr=0.8, epochs=5, steps_per_epoch=5,
                                                   anneal_strategy="linear", pct_start=0.4),
    "OneCycleLR-3phase": lambda m, o: m.OneCycleLR(o, max_lr=0.3, total_steps=26, three_phase=True,
                                                   base_momentum=0.7, max_momentum=0.9),
    "SequentialLR": lambda m, o: m.SequentialLR(o, [m.LinearLR(o, start_factor=0.1, total_iters=5),
                                                    m.CosineAnnealingLR(o, T_max=8),
                                                    m.ExponentialLR(o, gamma=0.8)], milestones=[5, 14]),
    "ChainedScheduler": lambda m, o: m.ChainedScheduler([m.ConstantLR(o, factor=0.5, total_iters=4),
                                                         m.ExponentialLR(o, gamma=0.9)]),
}


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_schedule_matches_torch(name):
    mine = _trace("ember", SCHEDULERS[name])
    ref = _trace("torch", SCHEDULERS[name])
    np.testing.assert_allclose(np.array([m[0] for m in mine]), np.array([r[0] for r in ref]), rtol=1e-13, atol=0)
    np.testing.assert_allclose(np.array([m[1] for m in mine]), np.array([r[1] for r in ref]), rtol=1e-13, atol=0)


def test_one_cycle_cycles_adam_beta1():
    make = SCHEDULERS["OneCycleLR"]
    mine = _trace("ember", make, opt_name="Adam", opt_kwargs=dict(lr=0.1))
    ref = _trace("torch", make, opt_name="Adam", opt_kwargs=dict(lr=0.1))
    assert mine[0][1][0] == (0.95, 0.999)
    np.testing.assert_allclose(np.array([m[0] + [b for bs in m[1] for b in bs] for m in mine]),
                               np.array([r[0] + [b for bs in r[1] for b in bs] for r in ref]), rtol=1e-13)


PLATEAU_METRICS = [5, 4, 4.2, 4.1, 4.3, 4.0, 3.9995, 4.5, 4.4, 4.6, 3, 3, 3, 3, 2.9, 3, 3, 3, 3, 3, 3, 3, 1, 1, 1]


@pytest.mark.parametrize("kwargs", [dict(patience=2), dict(patience=1, cooldown=2, factor=0.5, min_lr=[0.02, 0.004]),
                                    dict(mode="max", patience=0, threshold=0.1, threshold_mode="abs"),
                                    dict(patience=1, threshold=0.01, eps=0.02, min_lr=0.001)])
def test_reduce_lr_on_plateau(kwargs):
    make = lambda m, o: m.ReduceLROnPlateau(o, **kwargs)  # noqa: E731
    mine = _trace("ember", make, metrics=PLATEAU_METRICS)
    ref = _trace("torch", make, metrics=PLATEAU_METRICS)
    assert [m[0] for m in mine] == [r[0] for r in ref]


@pytest.mark.parametrize("name", ["StepLR", "CosineAnnealingLR", "OneCycleLR", "SequentialLR", "WarmRestarts",
                                  "ChainedScheduler"])
def test_state_dict_round_trip(name):
    """Stop after 9 steps, save, rebuild on a fresh optimizer, load both states, continue: same lrs as torch's
    uninterrupted run; the saved keys are torch's."""
    make = SCHEDULERS[name]
    ref = _trace("torch", make, steps=20)
    opt, _ = _optimizer("ember", "SGD", lr=0.1, momentum=0.9)
    sched = make(elrs, opt)
    topt, _ = _optimizer("torch", "SGD", lr=0.1, momentum=0.9)
    tsched = make(tlrs, topt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(9):
            opt.step()
            sched.step()
            topt.step()
            tsched.step()
    saved, opt_saved = sched.state_dict(), opt.state_dict()
    assert sorted(saved) == sorted(tsched.state_dict())
    opt2, _ = _optimizer("ember", "SGD", lr=0.1, momentum=0.9)
    sched2 = make(elrs, opt2)
    sched2.load_state_dict(saved)
    opt2.load_state_dict(opt_saved)
    lrs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(11):
            opt2.step()
            sched2.step()
            lrs.append([g["lr"] for g in opt2.param_groups])
    np.testing.assert_allclose(np.array(lrs), np.array([r[0] for r in ref[10:]]), rtol=1e-13)


def test_reduce_lr_on_plateau_state_dict():
    opt, _ = _optimizer("ember")
    sched = elrs.ReduceLROnPlateau(opt, patience=1)
    for m in [3, 3, 3, 3]:
        sched.step(m)
    sched2 = elrs.ReduceLROnPlateau(_optimizer("ember")[0], patience=1)
    sched2.load_state_dict(sched.state_dict())
    topt, _ = _optimizer("torch")
    tsched = tlrs.ReduceLROnPlateau(topt, patience=1)
    for m in [3, 3, 3, 3]:
        tsched.step(m)
    assert sorted(sched.state_dict()) == sorted(tsched.state_dict())
    assert (sched2.best, sched2.num_bad_epochs, sched2.last_epoch, sched2.mode_worse) == \
        (tsched.best, tsched.num_bad_epochs, tsched.last_epoch, tsched.mode_worse)


def test_initial_lr_and_base_lrs():
    opt, _ = _optimizer("ember", lr=0.2)
    sched = elrs.StepLR(opt, 3)
    assert sched.base_lrs == [0.2, 0.05] and [g["initial_lr"] for g in opt.param_groups] == [0.2, 0.05]
    assert sched.last_epoch == 0 and sched.get_last_lr() == [0.2, 0.05]
    with pytest.raises(KeyError, match=r"param 'initial_lr' is not specified in param_groups\[0\]"):
        elrs.StepLR(_optimizer("ember", lr=0.2)[0], 3, last_epoch=4)


def test_closed_form_with_epoch_argument():
    opt, _ = _optimizer("ember", lr=0.2)
    topt, _ = _optimizer("torch", lr=0.2)
    s, t = elrs.MultiStepLR(opt, [2, 5], 0.5), tlrs.MultiStepLR(topt, [2, 5], 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for e in [6, 1, 3]:
            s.step(e)
            t.step(e)
            assert s.get_last_lr() == t.get_last_lr()


def test_step_before_optimizer_step_warns():
    opt, _ = _optimizer("ember")
    sched = elrs.ExponentialLR(opt, 0.5)
    with pytest.warns(UserWarning, match=r"Detected call of `lr_scheduler.step\(\)` before `optimizer.step\(\)`"):
        sched.step()


@pytest.mark.parametrize("make,error,message", [
    (lambda m, o: m.ConstantLR(o, factor=1.5), ValueError,
     "Constant multiplicative factor expected to be between 0 and 1."),
    (lambda m, o: m.LinearLR(o, start_factor=0), ValueError,
     "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."),
    (lambda m, o: m.ReduceLROnPlateau(o, factor=1.0), ValueError, "Factor should be < 1.0."),
    (lambda m, o: m.ReduceLROnPlateau(o, mode="up"), ValueError, "mode up is unknown!"),
    (lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=0), ValueError, "Expected positive integer T_0, but got 0"),
    (lambda m, o: m.OneCycleLR(o, max_lr=1.0), ValueError,
     r"You must define either total_steps OR \(epochs AND steps_per_epoch\)"),
    (lambda m, o: m.OneCycleLR(o, max_lr=[1.0], total_steps=5), ValueError,
     "max_lr must have the same length as optimizer.param_groups. max_lr has 1 values, param_groups has 2."),
    (lambda m, o: m.SequentialLR(o, [m.StepLR(o, 2)], milestones=[3]), ValueError,
     "Sequential Schedulers expects number of schedulers provided to be one more"),
    (lambda m, o: m.StepLR(None, 2), TypeError, "NoneType is not an Optimizer"),
])
def test_errors(make, error, message):
    for lib, m in (("ember", elrs), ("torch", tlrs)):
        with pytest.raises(error, match=message):
            make(m, _optimizer(lib)[0])


def test_one_cycle_past_total_steps():
    for lib, m in (("ember", elrs), ("torch", tlrs)):
        opt, _ = _optimizer(lib)
        sched = m.OneCycleLR(opt, max_lr=1.0, total_steps=2)
        opt.step()
        sched.step()
        sched.step()
        with pytest.raises(ValueError, match="Tried to step 3 times. The specified number of total steps is 2"):
            sched.step()


def test_get_lr_outside_step_warns():
    opt, _ = _optimizer("ember")
    sched = elrs.StepLR(opt, 2)
    with pytest.warns(UserWarning, match=r"please use `get_last_lr\(\)`"):
        assert sched.get_lr() == [0.001, 0.05]
