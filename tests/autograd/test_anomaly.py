"""detect_anomaly / set_detect_anomaly against torch: NaN checks, forward tracebacks, modes."""
import threading
import warnings

import numpy as np
import pytest
import torch

import ember

MODS = [ember, torch]


def _enabled(mod):
    # NOTE: torch has these at top level; ember's live in ember.autograd.anomaly until ember/__init__ re-exports them
    where = ember.autograd.anomaly if mod is ember else torch
    return where.is_anomaly_enabled(), where.is_anomaly_check_nan_enabled()


def _nan_function(mod):
    class NanFn(mod.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * float("nan")
    return NanFn


def _backward_error(mod, fn):
    """Run fn (which builds a graph and calls backward) under detect_anomaly: (error text, warnings)."""
    x = mod.tensor([0.0, 1.0, 2.0], dtype=mod.float64, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        with mod.autograd.detect_anomaly():
            with pytest.raises(RuntimeError) as err:
                fn(mod, x)
    return str(err.value), [w for w in caught if "Error detected in" in str(w.message)]


def _sqrt_of_zero(mod, x):
    y = (x * 0).sqrt()   # sqrt's gradient is inf at 0; MulBackward0 turns inf * 0 into nan
    y.sum().backward()


def _custom_nan(mod, x):
    y = _nan_function(mod).apply(x)
    y.sum().backward()


def _zero_div(mod, x):
    z = x * 0
    (z / z).sum().backward()


@pytest.mark.parametrize("fn, message", [
    (_sqrt_of_zero, "Function 'MulBackward0' returned nan values in its 0th output."),
    (_custom_nan, "Function 'NanFnBackward' returned nan values in its 0th output."),
    (_zero_div, "Function 'DivBackward0' returned nan values in its 1th output."),
])
def test_nan_raises_like_torch(fn, message):
    for mod in MODS:
        text, _ = _backward_error(mod, fn)
        assert text == message, mod.__name__


def test_nan_warns_with_forward_traceback():
    _, reports = _backward_error(ember, _custom_nan)
    assert len(reports) == 1 and reports[0].category is UserWarning
    text = str(reports[0].message)
    assert text.startswith("Error detected in NanFnBackward. Traceback of forward call that caused the error:\n")
    assert "y = _nan_function(mod).apply(x)" in text
    assert "ember/autograd" not in text and "ember/ops" not in text   # stops at the user's call


def test_traceback_of_builtin_op_ends_at_user_line():
    _, reports = _backward_error(ember, _sqrt_of_zero)
    text = str(reports[0].message)
    assert text.startswith("Error detected in MulBackward0.")
    assert text.rstrip().endswith("y = (x * 0).sqrt()   # sqrt's gradient is inf at 0; MulBackward0 turns inf * 0 into nan")


def test_error_in_backward_is_reported_and_reraised():
    class Broken(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            raise ValueError("broken backward")

    x = ember.ones(2, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with ember.autograd.detect_anomaly():
            y = Broken.apply(x).sum()
            with pytest.raises(ValueError, match="broken backward"):
                y.backward()
    reports = [str(w.message) for w in caught if "Error detected in" in str(w.message)]
    assert len(reports) == 1 and "y = Broken.apply(x).sum()" in reports[0]


def test_check_nan_false_lets_nan_through():
    grads = []
    for mod in MODS:
        x = mod.tensor([0.0, 1.0], dtype=mod.float64, requires_grad=True)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            with mod.autograd.detect_anomaly(check_nan=False):
                (x * 0).sqrt().sum().backward()
        grads.append(x.grad.detach().numpy())
    np.testing.assert_array_equal(grads[0], grads[1])
    assert np.isnan(grads[0]).all()


def test_nan_without_anomaly_mode_is_silent():
    x = ember.tensor([0.0, 1.0], dtype=ember.float64, requires_grad=True)
    with np.errstate(all="ignore"):
        (x * 0).sqrt().sum().backward()
    assert np.isnan(x.grad.numpy()).all()


def test_detect_anomaly_warns_and_restores():
    for mod in MODS:
        with pytest.warns(UserWarning, match="Anomaly Detection has been enabled. This mode will increase the "
                                             "runtime and should only be enabled for debugging."):
            ctx = mod.autograd.detect_anomaly(check_nan=False)
        assert _enabled(mod) == (False, True)
        with ctx:
            assert _enabled(mod) == (True, False)
        assert _enabled(mod) == (False, True)


def test_set_detect_anomaly_call_and_context():
    for mod in MODS:
        mod.autograd.set_detect_anomaly(True)
        try:
            assert _enabled(mod) == (True, True)
            with mod.autograd.set_detect_anomaly(False):
                assert _enabled(mod) == (False, True)
                with mod.autograd.set_detect_anomaly(True, check_nan=False):
                    assert _enabled(mod) == (True, False)
                assert _enabled(mod) == (False, True)
            assert _enabled(mod) == (True, True)
        finally:
            mod.autograd.set_detect_anomaly(False)
        assert _enabled(mod) == (False, True)


def test_anomaly_mode_is_per_thread():
    seen = []
    with ember.autograd.set_detect_anomaly(True):
        t = threading.Thread(target=lambda: seen.append(ember.autograd.is_anomaly_enabled()))
        t.start()
        t.join()
        assert ember.autograd.is_anomaly_enabled()
    assert seen == [False]
