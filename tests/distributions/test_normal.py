"""Normal, and the Distribution base behaviour (validation, errors, expand, shapes), against torch."""
import numpy as np
import pytest
import torch

import ember
from ember.distributions import Distribution, Normal
from tests.distributions.oracle import compare, sample_stats, tensors, torch_message

LOC = np.array([[0.3, -1.2, 2.0], [0.0, 0.5, -0.7]])
SCALE = np.array([0.5, 1.5, 2.5])
VALUE = np.array([[0.1, 0.4, -3.0], [1.0, -0.2, 0.9]])


def test_values_and_gradients():
    compare(lambda m, loc, scale: m.distributions.Normal(loc, scale), dict(loc=LOC, scale=SCALE),
            dict(log_prob=VALUE, cdf=VALUE, icdf=np.array([0.1, 0.5, 0.97])),
            methods=("log_prob", "cdf", "icdf", "entropy"))


def test_number_parameters():
    d = Normal(1.0, 2.0)
    assert d.batch_shape == ember.Size([]) and d.loc.dtype == ember.float32
    t = torch.distributions.Normal(1.0, 2.0)
    np.testing.assert_allclose(d.log_prob(ember.tensor(0.3)).item(), t.log_prob(torch.tensor(0.3)).item(), rtol=1e-6)
    assert repr(d) == repr(t)


def test_rsample_gradient_flows_to_loc_and_scale():
    e, _ = tensors(dict(loc=LOC, scale=SCALE))
    ember.manual_seed(1)
    x = Normal(e["loc"], e["scale"]).rsample((4,))
    assert x.shape == ember.Size([4, 2, 3])
    gl, gs = ember.autograd.grad(x.sum(), [e["loc"], e["scale"]])
    np.testing.assert_allclose(gl.numpy(), np.full((2, 3), 4.0))
    eps = (x - e["loc"]) / e["scale"]   # d(loc + eps * scale)/dscale = eps
    np.testing.assert_allclose(gs.numpy(), eps.detach().numpy().sum((0, 1)), rtol=1e-12)


def test_sample_statistics_and_seed():
    d = Normal(ember.tensor([1.0, -2.0], dtype=ember.float64), ember.tensor([0.5, 3.0], dtype=ember.float64))
    mean, var, shape, dtype = sample_stats(d, 20000)
    assert shape == (20000, 2) and dtype == ember.float64
    np.testing.assert_allclose(mean, [1.0, -2.0], atol=0.06)
    np.testing.assert_allclose(var, [0.25, 9.0], rtol=0.05)
    ember.manual_seed(5)
    a = d.sample((3,))
    ember.manual_seed(5)
    assert (d.sample((3,)) == a).all() and not a.requires_grad


def test_sample_has_no_grad():
    e, _ = tensors(dict(loc=LOC, scale=SCALE))
    assert not Normal(e["loc"], e["scale"]).sample().requires_grad
    assert Normal(e["loc"], e["scale"]).rsample().requires_grad


def test_expand():
    d = Normal(ember.tensor([0.0, 1.0]), ember.tensor([1.0, 2.0])).expand((3, 2))
    t = torch.distributions.Normal(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 2.0])).expand((3, 2))
    assert d.batch_shape == ember.Size([3, 2]) and d.loc.shape == ember.Size([3, 2])
    v = np.linspace(-1, 1, 6).reshape(3, 2).astype(np.float32)
    np.testing.assert_allclose(d.log_prob(ember.tensor(v)).numpy(), t.log_prob(torch.tensor(v)).numpy(), rtol=1e-6)
    assert d._validate_args is t._validate_args


def test_invalid_parameter_message():
    with pytest.raises(ValueError) as e:
        Normal(ember.tensor([0.0, 1.0]), ember.tensor([1.0, -1.0]))
    assert str(e.value) == torch_message(lambda: torch.distributions.Normal(torch.tensor([0.0, 1.0]),
                                                                            torch.tensor([1.0, -1.0])))
    assert Normal(ember.tensor([0.0]), ember.tensor([-1.0]), validate_args=False).scale.item() == -1.0


def test_value_checks():
    d, t = Normal(ember.zeros(2, 3), 1.0), torch.distributions.Normal(torch.zeros(2, 3), 1.0)
    for v in ([1.0, 2.0], np.zeros((2, 2))):
        with pytest.raises(ValueError) as e:
            d.log_prob(ember.tensor(v))
        assert str(e.value) == torch_message(lambda: t.log_prob(torch.tensor(v)))
    with pytest.raises(ValueError, match="^The value argument to log_prob must be a Tensor$"):
        d.log_prob(1.0)
    nan = ember.tensor([float("nan"), 0.0, 0.0])
    with pytest.raises(ValueError) as e:
        d.log_prob(nan)
    assert str(e.value) == torch_message(lambda: t.log_prob(torch.tensor([float("nan"), 0.0, 0.0])))


def test_set_default_validate_args():
    try:
        Distribution.set_default_validate_args(False)
        assert Normal(0.0, -1.0).scale.item() == -1.0
    finally:
        Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        Normal(0.0, -1.0)
    with pytest.raises(ValueError):
        Distribution.set_default_validate_args(2)


def test_attributes():
    assert Normal.has_rsample and not Normal.has_enumerate_support
    assert repr(Normal.arg_constraints["scale"]) == repr(torch.distributions.Normal.arg_constraints["scale"])
    assert repr(Normal.support) == "Real()"
    d = Normal(ember.zeros(2), 1.0)
    assert d._extended_shape((4,)) == ember.Size([4, 2])
    np.testing.assert_allclose(d.perplexity().numpy(), torch.distributions.Normal(torch.zeros(2), 1.0)
                               .perplexity().numpy(), rtol=1e-6)
