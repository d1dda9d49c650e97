"""Linear, Bilinear, Identity, Flatten, Unflatten and F.linear / F.bilinear against torch."""
import numpy as np
import pytest
import torch

import ember
from ember import nn
from ember.autograd import gradcheck, gradgradcheck
import ember.nn.functional as F


def _copy(e, t):
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("in_shape", [(5, 4), (2, 3, 4), (4,)])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_linear_matches_torch(bias, in_shape, dtype):
    t = torch.nn.Linear(4, 3, bias=bias).to(getattr(torch, dtype))
    e = nn.Linear(4, 3, bias=bias).to(getattr(ember, dtype))
    _copy(e, t)
    x = np.random.default_rng(0).standard_normal(in_shape).astype(dtype)
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ye, yt = e(xe), t(xt)
    tol = dict(rtol=1e-12, atol=1e-12) if dtype == "float64" else dict(rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), **tol)
    g = np.random.default_rng(1).standard_normal(yt.shape).astype(dtype)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), **tol)
    for (n, pe), (_, pt) in zip(e.named_parameters(), t.named_parameters()):
        np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), **tol, err_msg=n)
    assert repr(e) == repr(t)


def test_linear_graph_is_torch_shaped():
    e = nn.Linear(3, 2)
    y = e(ember.ones(4, 3))
    assert y.grad_fn.name() == "AddmmBackward0"
    names = [None if f is None else f.name() for f, _ in y.grad_fn.next_functions]
    assert names == ["AccumulateGrad", None, "TBackward0"]


def test_functional_linear_and_bilinear_gradcheck():
    rng = np.random.default_rng(2)
    x, w, b = (ember.tensor(rng.standard_normal(s), requires_grad=True) for s in [(3, 4), (2, 4), (2,)])
    assert gradcheck(F.linear, (x, w, b)) and gradgradcheck(F.linear, (x, w, b))
    x1, x2, wb = (ember.tensor(rng.standard_normal(s), requires_grad=True) for s in [(3, 2), (3, 4), (5, 2, 4)])
    assert gradcheck(F.bilinear, (x1, x2, wb, None))


@pytest.mark.parametrize("bias", [True, False])
def test_bilinear_matches_torch(bias):
    t = torch.nn.Bilinear(2, 3, 4, bias=bias).double()
    e = nn.Bilinear(2, 3, 4, bias=bias).double()
    _copy(e, t)
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((5, 2)), rng.standard_normal((5, 3))
    ae, be = ember.tensor(a, requires_grad=True), ember.tensor(b, requires_grad=True)
    at, bt = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    ye, yt = e(ae, be), t(at, bt)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-12, atol=1e-14)
    ye.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(ae.grad.numpy(), at.grad.numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(e.weight.grad.numpy(), t.weight.grad.numpy(), rtol=1e-12, atol=1e-14)
    assert repr(e) == repr(t)


def test_default_init_statistics_match_torch():
    e, t = nn.Linear(300, 256), torch.nn.Linear(300, 256)
    bound = 1 / np.sqrt(300)    # U(-bound, bound) for weight and bias: std = bound / sqrt(3)
    for (n, pe), (_, pt) in zip(e.named_parameters(), t.named_parameters()):
        pe, pt = pe.detach().numpy(), pt.detach().numpy()
        assert np.abs(pe).max() <= bound and np.abs(pt).max() <= bound
        assert abs(pe.std() - bound / np.sqrt(3)) < 0.1 * bound and abs(pt.std() - bound / np.sqrt(3)) < 0.1 * bound
        assert abs(pe.max() - pt.max()) < 0.05 * bound, n


def test_linear_shape_errors():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"):
        nn.Linear(4, 5)(ember.ones(2, 3))


def test_flatten_unflatten_identity():
    x = ember.arange(24.0).reshape(2, 3, 4)
    assert nn.Flatten()(x).shape == (2, 12) and nn.Flatten(0, 1)(x).shape == (6, 4)
    assert nn.Unflatten(1, (3, 1))(x).shape == (2, 3, 1, 4)
    assert nn.Identity(54, unused="x")(x) is x
    assert repr(nn.Flatten()) == repr(torch.nn.Flatten())
    assert repr(nn.Unflatten(1, (2, 3))) == repr(torch.nn.Unflatten(1, (2, 3)))
