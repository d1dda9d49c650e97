"""CyclicLR against torch.optim.lr_scheduler.CyclicLR: lrs and momenta (or Adam's beta1) at every step, state_dict."""
import warnings

import numpy as np
import pytest
import torch

import ember
from ember.optim import lr_scheduler as elrs
from tests.optim.test_lr_scheduler import _optimizer, _trace
from torch.optim import lr_scheduler as tlrs


class _Halving:
    """A callable scale function with state (saved in the scheduler's state_dict)."""

    def __init__(self):
        self.base = 0.5

    def __call__(self, x):
        return self.base ** x


CASES = {
    "triangular": lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4),
    "triangular-down": lambda m, o: m.CyclicLR(o, base_lr=[0.01, 0.002], max_lr=[0.1, 0.05], step_size_up=3,
                                               step_size_down=5, base_momentum=[0.7, 0.6], max_momentum=0.95),
    "triangular2": lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.2, step_size_up=2, step_size_down=3,
                                           mode="triangular2"),
    "exp_range": lambda m, o: m.CyclicLR(o, base_lr=0.02, max_lr=0.3, step_size_up=3, mode="exp_range",
                                         gamma=0.9),
    "scale_fn-cycle": lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2,
                                              scale_fn=lambda x: 1 / x),
    "scale_fn-iterations": lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3,
                                                   scale_fn=lambda x: 0.95 ** x, scale_mode="iterations"),
    "no-momentum": lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3, cycle_momentum=False),
}


def _flat(trace):
    return np.array([lrs + [b for m in moms for b in (m if isinstance(m, tuple) else (m,))] for lrs, moms in trace])


@pytest.mark.parametrize("name", list(CASES))
def test_schedule_matches_torch(name):
    mine = _trace("ember", CASES[name])
    ref = _trace("torch", CASES[name])
    np.testing.assert_allclose(_flat(mine), _flat(ref), rtol=1e-13, atol=0)


@pytest.mark.parametrize("name", ["triangular", "exp_range"])
def test_cycles_adam_beta1(name):
    mine = _trace("ember", CASES[name], opt_name="Adam", opt_kwargs=dict(lr=0.1))
    ref = _trace("torch", CASES[name], opt_name="Adam", opt_kwargs=dict(lr=0.1))
    assert mine[0][1][0] == (0.9, 0.999)
    np.testing.assert_allclose(_flat(mine), _flat(ref), rtol=1e-13, atol=0)


def test_momentum_in_groups():
    opt, _ = _optimizer("ember", "SGD", lr=0.1, momentum=0.5)
    topt, _ = _optimizer("torch", "SGD", lr=0.1, momentum=0.5)
    CASES["triangular-down"](elrs, opt)
    CASES["triangular-down"](tlrs, topt)
    assert [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups] == \
        [{k: v for k, v in g.items() if k != "params"} for g in topt.param_groups]


@pytest.mark.parametrize("custom", [False, True])
def test_state_dict_round_trip(custom):
    """Save after 7 steps, load into a scheduler on a fresh optimizer, continue: the lrs of an uninterrupted run."""
    def make(m, o):
        return m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3, mode="triangular2",
                          scale_fn=_Halving() if custom else None)
    ref = _trace("torch", make, steps=15)
    results = []
    for lib, m in (("ember", elrs), ("torch", tlrs)):
        opt, _ = _optimizer(lib, "SGD", lr=0.1, momentum=0.9)
        sched = make(m, opt)
        if custom:
            sched._scale_fn_custom.base = 0.8
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(7):
                opt.step()
                sched.step()
        results.append((sched.state_dict(), opt.state_dict()))
    (saved, opt_saved), (tsaved, _) = results
    assert list(saved) == list(tsaved)
    assert saved["_scale_fn_custom"] == tsaved["_scale_fn_custom"] == ({"base": 0.8} if custom else None)
    opt2, _ = _optimizer("ember", "SGD", lr=0.1, momentum=0.9)
    sched2 = make(elrs, opt2)
    sched2.load_state_dict(saved)
    opt2.load_state_dict(opt_saved)
    assert sched2.scale_fn(2.0) == (0.8 ** 2 if custom else 0.5)
    if custom:
        ref = _trace("torch", lambda m, o: _with_base(make(m, o), 0.8), steps=15)
    lrs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(8):
            opt2.step()
            sched2.step()
            lrs.append([g["lr"] for g in opt2.param_groups] + [g["momentum"] for g in opt2.param_groups])
    np.testing.assert_allclose(np.array(lrs), _flat(ref[8:]), rtol=1e-13)


def _with_base(sched, base):
    sched._scale_fn_custom.base = base
    return sched


def test_resume_with_last_epoch():
    """last_epoch >= 0 leaves the groups' lr and momentum as they are and continues the cycle."""
    out = []
    for lib, m in (("ember", elrs), ("torch", tlrs)):
        opt, _ = _optimizer(lib, "SGD", lr=0.1, momentum=0.9)
        for g in opt.param_groups:
            g["initial_lr"] = 0.3
            g["max_momentum"], g["base_momentum"] = 0.9, 0.8
        sched = m.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=3, last_epoch=4)
        out.append((sched.get_last_lr(), [g["momentum"] for g in opt.param_groups], sched.base_lrs))
    np.testing.assert_allclose(np.array(out[0][:2]), np.array(out[1][:2]), rtol=1e-13)
    assert out[0][2] == out[1][2]


@pytest.mark.parametrize("make,message", [
    (lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, mode="sine"), "mode is invalid and scale_fn is None"),
    (lambda m, o: m.CyclicLR(o, base_lr=[0.01], max_lr=0.1),
     "base_lr must have the same length as optimizer.param_groups. base_lr has 1 values, param_groups has 2."),
    (lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=[0.1, 0.2, 0.3]),
     "max_lr must have the same length as optimizer.param_groups. max_lr has 3 values, param_groups has 2."),
])
def test_errors(make, message):
    for lib, m in (("ember", elrs), ("torch", tlrs)):
        with pytest.raises(ValueError) as info:
            make(m, _optimizer(lib)[0])
        assert str(info.value) == message


def test_error_without_momentum():
    message = "optimizer must support momentum or beta1 with `cycle_momentum` option enabled"
    for mod, optim, m in ((ember, ember.optim, elrs), (torch, torch.optim, tlrs)):
        opt = optim.Adagrad([mod.zeros(2, requires_grad=True)])
        with pytest.raises(ValueError) as info:
            m.CyclicLR(opt, base_lr=0.01, max_lr=0.1)
        assert str(info.value) == message
        assert m.CyclicLR(opt, base_lr=0.01, max_lr=0.1, cycle_momentum=False).get_last_lr() == [0.01]
