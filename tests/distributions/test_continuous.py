"""Uniform, Exponential, Laplace against torch: values, gradients, rsample and sample statistics."""
import numpy as np
import pytest
import torch

import ember
from ember.distributions import Exponential, Laplace, Uniform
from tests.distributions.oracle import compare, sample_stats, tensors, torch_message

ALL = ("log_prob", "cdf", "icdf", "entropy")


def test_uniform():
    low, high = np.array([0.0, -1.0, 2.0]), np.array([[1.0, 0.5, 4.0], [2.0, 3.0, 2.5]])
    v = np.array([[0.5, 0.0, 3.0], [1.5, 0.2, 2.1]])
    compare(lambda m, low, high: m.distributions.Uniform(low, high), dict(low=low, high=high),
            dict(log_prob=v, cdf=np.array([[0.5, -0.5, 3.0], [0.1, 0.2, 2.1]]), icdf=np.array([0.1, 0.5, 0.9])),
            methods=ALL)


def test_uniform_outside_support_and_mode():
    d = Uniform(ember.tensor([0.0, 0.0]), ember.tensor([1.0, 2.0]), validate_args=False)
    t = torch.distributions.Uniform(torch.tensor([0.0, 0.0]), torch.tensor([1.0, 2.0]), validate_args=False)
    v = [1.5, 0.5]
    np.testing.assert_array_equal(d.log_prob(ember.tensor(v)).numpy(), t.log_prob(torch.tensor(v)).numpy())
    assert np.isnan(d.mode.numpy()).all()
    with pytest.raises(ValueError) as e:
        Uniform(ember.tensor([0.0, 0.0]), ember.tensor([1.0, 2.0])).log_prob(ember.tensor(v))
    assert str(e.value) == torch_message(
        lambda: torch.distributions.Uniform(torch.tensor([0.0, 0.0]), torch.tensor([1.0, 2.0])).log_prob(
            torch.tensor(v)))
    with pytest.raises(ValueError) as e:
        Uniform(ember.tensor([1.0]), ember.tensor([0.0]))
    assert str(e.value) == torch_message(lambda: torch.distributions.Uniform(torch.tensor([1.0]), torch.tensor([0.0])))


def test_uniform_rsample():
    e, _ = tensors(dict(low=np.array([0.0, -1.0]), high=np.array([1.0, 3.0])))
    d = Uniform(e["low"], e["high"])
    ember.manual_seed(2)
    x = d.rsample((5,))
    gl, gh = ember.autograd.grad(x.sum(), [e["low"], e["high"]])
    u = ((x - e["low"]) / (e["high"] - e["low"])).detach().numpy()
    np.testing.assert_allclose(gh.numpy(), u.sum(0), rtol=1e-12)
    np.testing.assert_allclose(gl.numpy(), (1 - u).sum(0), rtol=1e-12)
    mean, var, shape, _ = sample_stats(d, 20000)
    assert shape == (20000, 2)
    np.testing.assert_allclose(mean, [0.5, 1.0], atol=0.04)
    np.testing.assert_allclose(var, [1 / 12, 16 / 12], rtol=0.05)
    assert ((x >= e["low"]) & (x < e["high"])).all()


def test_exponential():
    rate = np.array([[0.5, 2.0], [1.0, 3.5]])
    compare(lambda m, rate: m.distributions.Exponential(rate), dict(rate=rate),
            dict(log_prob=np.array([0.3, 2.0]), cdf=np.array([0.3, 2.0]), icdf=np.array([0.2, 0.9])), methods=ALL)


def test_exponential_rsample_and_samples():
    e, _ = tensors(dict(rate=np.array([0.5, 4.0])))
    ember.manual_seed(3)
    x = Exponential(e["rate"]).rsample((6,))
    (g,) = ember.autograd.grad(x.sum(), [e["rate"]])
    np.testing.assert_allclose(g.numpy(), (-x / e["rate"]).detach().numpy().sum(0), rtol=1e-12)
    mean, var, shape, dtype = sample_stats(Exponential(e["rate"]), 20000)
    assert shape == (20000, 2) and dtype == ember.float64
    np.testing.assert_allclose(mean, [2.0, 0.25], rtol=0.04)
    np.testing.assert_allclose(var, [4.0, 0.0625], rtol=0.08)


def test_laplace():
    loc, scale = np.array([0.0, 1.0, -2.0]), np.array([[0.5], [2.0]])
    v = np.array([[0.3, 1.5, -4.0], [-0.2, 0.0, -1.0]])
    compare(lambda m, loc, scale: m.distributions.Laplace(loc, scale), dict(loc=loc, scale=scale),
            dict(log_prob=v, cdf=v, icdf=np.array([0.1, 0.5, 0.8])), methods=ALL)


def test_laplace_rsample_and_samples():
    e, _ = tensors(dict(loc=np.array([1.0, -1.0]), scale=np.array([0.5, 2.0])))
    d = Laplace(e["loc"], e["scale"])
    ember.manual_seed(4)
    x = d.rsample((6,))
    gl, gs = ember.autograd.grad(x.sum(), [e["loc"], e["scale"]])
    np.testing.assert_allclose(gl.numpy(), [6.0, 6.0])
    np.testing.assert_allclose(gs.numpy(), ((x - e["loc"]) / e["scale"]).detach().numpy().sum(0), rtol=1e-12)
    mean, var, _, _ = sample_stats(d, 20000)
    np.testing.assert_allclose(mean, [1.0, -1.0], atol=0.06)
    np.testing.assert_allclose(var, [0.5, 8.0], rtol=0.06)


def test_float32():
    for make in (lambda m: m.distributions.Uniform(m.tensor([0.0]), m.tensor([2.0])),
                 lambda m: m.distributions.Exponential(m.tensor([1.5])),
                 lambda m: m.distributions.Laplace(m.tensor([0.5]), m.tensor([1.5]))):
        e, t = make(ember).log_prob(ember.tensor([0.7])), make(torch).log_prob(torch.tensor([0.7]))
        assert e.dtype == ember.float32
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6)
