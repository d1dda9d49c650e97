"""gradcheck / gradgradcheck: pass for correct derivatives, fail for wrong ones, fast mode, warnings."""
import warnings

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from ember.autograd.gradcheck import GradcheckError

X = np.array([[0.3, -0.8, 1.2], [0.5, 0.9, -0.4]])


def leaf(a=X, dtype=ember.float64):
    return ember.tensor(a, dtype=dtype, requires_grad=True)


def wrong(scale_first=1.0, scale_second=1.0):
    """sin with a backward off by scale_first, and a second derivative off by scale_second."""
    class WrongSin(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.sin()

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            # NOTE: x * x - x.detach() * x.detach() is zero, but its derivative 2x is not: it spoils only
            # the second derivative
            return g * (scale_first * x.cos() + (scale_second - 1) * (x * x - x.detach() * x.detach()))
    return WrongSin.apply


@pytest.mark.parametrize("fast_mode", [False, True])
def test_passes_for_correct_ops(fast_mode):
    x, y = leaf(), leaf(X[::-1].copy() + 2)
    assert gradcheck(lambda a, b: (a.sin() * b, (a / b).exp().sum()), (x, y), fast_mode=fast_mode)
    assert gradgradcheck(lambda a, b: a.tanh() * b * b, (x, y), fast_mode=fast_mode)
    assert gradcheck(wrong(), (x,), fast_mode=fast_mode)
    assert gradgradcheck(wrong(), (x,), fast_mode=fast_mode)


def test_non_contiguous_and_0d_inputs():
    xt = ember.from_numpy(np.ascontiguousarray(X.T)).t().requires_grad_(True)
    assert not xt.is_contiguous()
    assert gradcheck(lambda a: a.exp() * a, (xt,))
    assert gradcheck(lambda a: a.sin() * 3, (leaf(np.array(0.7)),))
    assert gradcheck(lambda a: a.view(-1), (leaf(),))   # an output that shares memory with the input
    assert gradcheck(lambda a: a.view(-1), (leaf(),), fast_mode=True)


@pytest.mark.parametrize("fast_mode", [False, True])
def test_wrong_backward_raises(fast_mode):
    with pytest.raises(GradcheckError, match="Jacobian mismatch for output 0 with respect to input 0"):
        gradcheck(wrong(scale_first=1.5), (leaf(),), fast_mode=fast_mode)
    assert gradcheck(wrong(scale_first=1.5), (leaf(),), fast_mode=fast_mode, raise_exception=False) is False
    assert issubclass(GradcheckError, RuntimeError)


@pytest.mark.parametrize("fast_mode", [False, True])
def test_wrong_double_backward_is_caught_by_gradgradcheck_only(fast_mode):
    fn = wrong(scale_second=3.0)
    assert gradcheck(fn, (leaf(),), fast_mode=fast_mode)
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        gradgradcheck(fn, (leaf(),), fast_mode=fast_mode)
    assert gradgradcheck(fn, (leaf(),), fast_mode=fast_mode, raise_exception=False) is False


def test_wrong_gradient_for_second_input():
    class Mul(ember.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            return g * b, g * b   # the second should be g * a
    with pytest.raises(GradcheckError, match="with respect to input 1"):
        gradcheck(Mul.apply, (leaf(), leaf(X + 1)))


def test_mismatch_report_shows_both_jacobians():
    with pytest.raises(GradcheckError) as err:
        gradcheck(wrong(scale_first=2.0), (leaf(np.array([0.7])),))
    text = str(err.value)
    assert text.startswith("Jacobian mismatch for output 0 with respect to input 0,\nnumerical:[[0.7648")
    assert "\nanalytical:[[1.5296" in text


def test_float32_input_warns_like_torch():
    messages = []
    for mod, check in [(ember, gradcheck), (torch, torch.autograd.gradcheck)]:
        x = mod.tensor(X, dtype=mod.float32, requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            check(lambda a: a * 2, (x,), eps=1e-3, atol=1e-2)
        messages.append([(w.category, str(w.message)) for w in caught])
    assert messages[0] == messages[1] == [(UserWarning, "Input #0 requires gradient and is not a double precision "
                                                        "floating point or complex. This check will likely fail if "
                                                        "all the inputs are not of double precision floating point "
                                                        "or complex. ")]


def test_no_input_requires_grad():
    for mod, check in [(ember, gradcheck), (torch, torch.autograd.gradcheck)]:
        with pytest.raises(ValueError, match="gradcheck expects at least one input tensor to require gradient"):
            check(lambda a: a * 2, (mod.tensor(X),))


def test_inputs_restored_after_check():
    x = leaf()
    gradcheck(lambda a: a.exp(), (x,))
    gradcheck(lambda a: a.exp(), (x,), fast_mode=True)
    np.testing.assert_array_equal(x.detach().numpy(), X)
    assert x.grad is None
