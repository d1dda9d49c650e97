"""Bernoulli, Categorical, OneHotCategorical, Poisson, Binomial against torch: values, gradients, samples."""
import numpy as np
import pytest
import torch

import ember
from ember.distributions import Bernoulli, Binomial, Categorical, Poisson
from tests.distributions.oracle import compare, sample_stats, torch_message

P = np.array([[0.2, 0.5, 0.9], [0.05, 0.7, 0.3]])
LOGITS = np.array([[0.3, -1.0, 2.0], [0.0, 1.5, -0.5]])


def test_bernoulli_probs_and_logits():
    v = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
    compare(lambda m, probs: m.distributions.Bernoulli(probs=probs), dict(probs=P), v)
    compare(lambda m, logits: m.distributions.Bernoulli(logits=logits), dict(logits=LOGITS), v)
    e = Bernoulli(ember.tensor([0.5, 0.2]))
    assert np.isnan(e.mode[0].item()) and e.mode[1].item() == 0.0
    np.testing.assert_array_equal(e.enumerate_support().numpy(), [[0.0, 0.0], [1.0, 1.0]])


def test_bernoulli_samples_and_errors():
    d = Bernoulli(probs=ember.tensor([0.1, 0.6], dtype=ember.float64))
    mean, _, shape, dtype = sample_stats(d, 20000)
    assert shape == (20000, 2) and dtype == ember.float64
    np.testing.assert_allclose(mean, [0.1, 0.6], atol=0.015)
    with pytest.raises(ValueError, match=r"^Either `probs` or `logits` must be specified, but not both\.$"):
        Bernoulli()
    with pytest.raises(ValueError) as e:
        Bernoulli(ember.tensor([0.5, 1.5]))
    assert str(e.value) == torch_message(lambda: torch.distributions.Bernoulli(torch.tensor([0.5, 1.5])))
    with pytest.raises(ValueError) as e:
        d.log_prob(ember.tensor([0.5, 1.0], dtype=ember.float64))
    assert str(e.value) == torch_message(lambda: torch.distributions.Bernoulli(
        torch.tensor([0.1, 0.6], dtype=torch.float64)).log_prob(torch.tensor([0.5, 1.0], dtype=torch.float64)))


def test_categorical():
    probs = np.array([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]) * 2.0   # normalized by the distribution
    v = np.array([[2, 0], [1, 1]])
    d, _ = compare(lambda m, probs: m.distributions.Categorical(probs=probs), dict(probs=probs), v,
                   props=("mean", "variance", "mode"))
    compare(lambda m, logits: m.distributions.Categorical(logits=logits), dict(logits=LOGITS), v,
            props=("mode",))
    assert d.batch_shape == ember.Size([2]) and d.event_shape == ember.Size([])
    np.testing.assert_array_equal(d.enumerate_support().numpy(), [[0, 0], [1, 1], [2, 2]])
    assert d.expand((4, 2)).probs.shape == ember.Size([4, 2, 3])


def test_categorical_samples_and_errors():
    d = Categorical(ember.tensor([[0.2, 0.3, 0.5], [0.9, 0.05, 0.05]], dtype=ember.float64))
    ember.manual_seed(0)
    s = d.sample((20000,))
    assert s.shape == ember.Size([20000, 2]) and s.dtype == ember.int64
    freq = np.stack([(s.numpy() == k).mean(0) for k in range(3)], -1)
    np.testing.assert_allclose(freq, [[0.2, 0.3, 0.5], [0.9, 0.05, 0.05]], atol=0.015)
    with pytest.raises(ValueError, match=r"^`probs` parameter must be at least one-dimensional\.$"):
        Categorical(ember.tensor(0.5))
    with pytest.raises(ValueError) as e:
        d.log_prob(ember.tensor([3, 0]))
    assert str(e.value) == torch_message(lambda: torch.distributions.Categorical(
        torch.tensor([[0.2, 0.3, 0.5], [0.9, 0.05, 0.05]], dtype=torch.float64)).log_prob(torch.tensor([3, 0])))


def test_one_hot_categorical():
    v = np.array([[[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]])
    d, _ = compare(lambda m, logits: m.distributions.OneHotCategorical(logits=logits), dict(logits=LOGITS), v)
    assert d.event_shape == ember.Size([3])
    assert d.enumerate_support().shape == ember.Size([3, 2, 3])
    ember.manual_seed(1)
    s = d.sample((10000,))
    assert s.shape == ember.Size([10000, 2, 3]) and (s.sum(-1) == 1).all()
    np.testing.assert_allclose(s.numpy().mean(0), d.probs.detach().numpy(), atol=0.02)


def test_one_hot_categorical_straight_through_passes_probs_gradient_as_torch():
    # the one-hot sample plus probs - probs.detach(): values are the sample, d(sum(w * sample))/d logits is that of
    # sum(w * probs); the weights make the gradient nonzero (probs sum to 1)
    w = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]])
    grads = []
    for lib in (ember, torch):
        logits = lib.tensor(LOGITS, requires_grad=True)
        d = lib.distributions.OneHotCategoricalStraightThrough(logits=logits)
        assert d.has_rsample and isinstance(d, lib.distributions.OneHotCategorical)
        s = d.rsample((4,))
        assert tuple(s.shape) == (4, 2, 3) and (s.detach().sum(-1) == 1).all()
        (s * lib.tensor(w)).sum().backward()
        grads.append(logits.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)


def test_poisson():
    rate = np.array([[0.5, 2.0, 7.5], [1.0, 3.0, 0.1]])
    compare(lambda m, rate: m.distributions.Poisson(rate), dict(rate=rate), np.array([0.0, 3.0, 5.0]),
            methods=("log_prob",))
    mean, var, shape, _ = sample_stats(Poisson(ember.tensor([0.5, 6.0])), 20000)
    assert shape == (20000, 2)
    np.testing.assert_allclose(mean, [0.5, 6.0], rtol=0.03)
    np.testing.assert_allclose(var, [0.5, 6.0], rtol=0.06)
    with pytest.raises(ValueError) as e:
        Poisson(ember.tensor([1.0])).log_prob(ember.tensor([1.5]))
    assert str(e.value) == torch_message(lambda: torch.distributions.Poisson(torch.tensor([1.0])).log_prob(
        torch.tensor([1.5])))


def test_binomial():
    v = np.array([[0.0, 3.0, 5.0], [1.0, 2.0, 4.0]])
    compare(lambda m, probs: m.distributions.Binomial(5, probs=probs), dict(probs=P), v)
    compare(lambda m, logits: m.distributions.Binomial(5, logits=logits), dict(logits=LOGITS), v)
    compare(lambda m, probs, n: m.distributions.Binomial(n, probs), dict(probs=P[1], n=np.array([3.0, 6.0, 9.0])),
            np.array([1.0, 6.0, 2.0]), methods=("log_prob",))
    with pytest.raises(NotImplementedError, match=r"^Inhomogeneous total count not supported by `entropy`\.$"):
        Binomial(ember.tensor([2.0, 3.0]), ember.tensor([0.5, 0.5])).entropy()


def test_binomial_samples():
    d = Binomial(ember.tensor([10.0, 4.0]), ember.tensor([0.3, 0.8]))
    mean, var, shape, dtype = sample_stats(d, 20000)
    assert shape == (20000, 2) and dtype == ember.float32
    np.testing.assert_allclose(mean, [3.0, 3.2], rtol=0.02)
    np.testing.assert_allclose(var, [2.1, 0.64], rtol=0.06)
