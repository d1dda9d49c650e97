"""kl_divergence for every pair registered among ember's families, and register_kl dispatch, against torch."""
import numpy as np
import pytest
import torch

import ember
from ember.distributions import Distribution, Normal, kl_divergence, register_kl
from tests.distributions.oracle import compare_kl

GAMMA_TOL = dict(rtol=1e-8, atol=1e-10)   # ember's trigamma agrees with torch's to ~1e-9
A = np.array([[2.0, 0.3, -0.5], [0.3, 1.5, 0.2], [-0.5, 0.2, 1.0]])
B = np.array([[1.0, -0.2, 0.1], [-0.2, 0.8, 0.0], [0.1, 0.0, 1.5]])

FAMILIES = {
    "Normal": (lambda m, loc, scale: m.distributions.Normal(loc, scale),
               dict(loc=np.array([0.2, -1.0, 0.5]), scale=np.array([0.5, 1.0, 2.0])),
               dict(loc=np.array([1.0, 0.0, 0.4]), scale=np.array([1.5, 0.7, 1.0]))),
    "Uniform": (lambda m, low, high: m.distributions.Uniform(low, high),
                dict(low=np.array([0.2, 0.1, 0.3]), high=np.array([0.6, 0.9, 0.4])),
                dict(low=np.array([0.0, 0.0, 0.35]), high=np.array([1.0, 2.0, 0.8]))),
    "Exponential": (lambda m, rate: m.distributions.Exponential(rate),
                    dict(rate=np.array([0.5, 2.0, 1.0])), dict(rate=np.array([1.5, 0.3, 1.0]))),
    "Laplace": (lambda m, loc, scale: m.distributions.Laplace(loc, scale),
                dict(loc=np.array([0.0, 1.0, -2.0]), scale=np.array([0.5, 2.0, 1.0])),
                dict(loc=np.array([0.5, 0.0, -1.0]), scale=np.array([1.0, 1.5, 3.0]))),
    "Gamma": (lambda m, c, r: m.distributions.Gamma(c, r),
              dict(c=np.array([0.5, 2.0, 3.5]), r=np.array([1.0, 0.5, 2.0])),
              dict(c=np.array([1.5, 0.8, 2.0]), r=np.array([2.0, 1.0, 0.7]))),
    "Beta": (lambda m, a, b: m.distributions.Beta(a, b),
             dict(a=np.array([0.5, 2.0, 3.0]), b=np.array([1.5, 2.5, 0.7])),
             dict(a=np.array([1.2, 0.8, 2.0]), b=np.array([2.0, 1.1, 0.6]))),
    "Bernoulli": (lambda m, probs: m.distributions.Bernoulli(probs=probs),
                  dict(probs=np.array([0.2, 0.5, 0.9])), dict(probs=np.array([0.4, 0.1, 0.7]))),
    "Poisson": (lambda m, rate: m.distributions.Poisson(rate),
                dict(rate=np.array([0.5, 2.0, 4.0])), dict(rate=np.array([1.5, 0.3, 4.0]))),
    "Binomial": (lambda m, probs: m.distributions.Binomial(4, probs),
                 dict(probs=np.array([0.2, 0.5, 0.9])), dict(probs=np.array([0.4, 0.1, 0.7]))),
    "Categorical": (lambda m, logits: m.distributions.Categorical(logits=logits),
                    dict(logits=np.array([[0.1, 1.0, -0.5], [2.0, 0.0, 0.3]])),
                    dict(logits=np.array([[0.0, 0.5, 0.5], [-1.0, 1.0, 0.2]]))),
    "OneHotCategorical": (lambda m, probs: m.distributions.OneHotCategorical(probs=probs),
                          dict(probs=np.array([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]])),
                          dict(probs=np.array([[0.4, 0.4, 0.2], [0.1, 0.1, 0.8]]))),
    "Dirichlet": (lambda m, c: m.distributions.Dirichlet(c),
                  dict(c=np.array([[0.5, 2.0, 3.0], [1.5, 1.2, 4.0]])),
                  dict(c=np.array([[1.0, 1.3, 0.7], [2.0, 0.5, 3.0]]))),
    "MultivariateNormal": (lambda m, loc, cov: m.distributions.MultivariateNormal(loc, cov),
                           dict(loc=np.array([[0.5, -1.0, 2.0], [0.0, 0.3, -0.4]]), cov=A),
                           dict(loc=np.array([0.1, 0.2, 0.3]), cov=B)),
    "Independent": (lambda m, loc, scale: m.distributions.Independent(m.distributions.Normal(loc, scale), 1),
                    dict(loc=np.array([[0.2, -1.0, 0.5]]), scale=np.array([0.5, 1.0, 2.0])),
                    dict(loc=np.array([1.0, 0.0, 0.4]), scale=np.array([1.5, 0.7, 1.0]))),
}

PAIRS = [(p, p) for p in FAMILIES] + [
    ("Bernoulli", "Poisson"), ("Beta", "Exponential"), ("Beta", "Gamma"), ("Beta", "Normal"), ("Beta", "Uniform"),
    ("Exponential", "Beta"), ("Exponential", "Uniform"), ("Exponential", "Gamma"), ("Exponential", "Normal"),
    ("Gamma", "Beta"), ("Gamma", "Uniform"), ("Gamma", "Exponential"), ("Gamma", "Normal"),
    ("Laplace", "Beta"), ("Laplace", "Exponential"), ("Laplace", "Gamma"), ("Laplace", "Uniform"),
    ("Laplace", "Normal"), ("Normal", "Beta"), ("Normal", "Exponential"), ("Normal", "Gamma"), ("Normal", "Uniform"),
    ("Normal", "Laplace"), ("Poisson", "Bernoulli"), ("Poisson", "Binomial"), ("Uniform", "Beta"),
    ("Uniform", "Exponential"), ("Uniform", "Gamma"), ("Uniform", "Normal")]


@pytest.mark.parametrize("p,q", PAIRS, ids=[f"{p}-{q}" for p, q in PAIRS])
def test_kl_pair(p, q):
    make_p, params_p, _ = FAMILIES[p]
    make_q, _, params_q = FAMILIES[q]
    if (p, q) == ("Binomial", "Binomial"):
        make_q = lambda m, probs: m.distributions.Binomial(m.tensor([4.0, 3.0, 4.0], dtype=m.float64), probs)
    compare_kl(make_p, make_q, params_p, params_q, GAMMA_TOL)


def test_kl_infinite_where_support_is_not_covered():
    def kl(m):
        U = m.distributions.Uniform
        return m.distributions.kl_divergence(U(m.tensor([0.0, 0.0]), m.tensor([1.0, 3.0])),
                                             U(m.tensor([0.0, 0.0]), m.tensor([2.0, 2.0])))
    e, t = kl(ember), kl(torch)
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6)
    assert np.isinf(e[1].item())


def _torch_message(fn):
    with pytest.raises(NotImplementedError) as e:
        fn()
    return str(e.value)


def test_kl_not_implemented_and_binomial_counts():
    with pytest.raises(NotImplementedError) as e:
        kl_divergence(Normal(0.0, 1.0), ember.distributions.Categorical(ember.tensor([0.5, 0.5])))
    assert str(e.value) == "No KL(p || q) is implemented for p type Normal and q type Categorical"
    with pytest.raises(NotImplementedError) as e:
        kl_divergence(Normal(0.0, 1.0), ember.distributions.Bernoulli(0.5))
    assert str(e.value) == _torch_message(lambda: torch.distributions.kl_divergence(
        torch.distributions.Normal(0.0, 1.0), torch.distributions.Bernoulli(0.5)))
    with pytest.raises(NotImplementedError, match="q.total_count > p.total_count"):
        kl_divergence(ember.distributions.Binomial(2, ember.tensor(0.5)),
                      ember.distributions.Binomial(3, ember.tensor(0.5)))


def test_register_kl_dispatches_to_the_most_specific():
    class MyNormal(Normal):
        pass

    class Other(Distribution):
        pass

    p, q = MyNormal(0.0, 1.0), MyNormal(1.0, 2.0)
    np.testing.assert_allclose(kl_divergence(p, q).item(), kl_divergence(Normal(0.0, 1.0), Normal(1.0, 2.0)).item())

    @register_kl(MyNormal, MyNormal)
    def _kl(p, q):
        return ember.tensor(-1.0)

    assert kl_divergence(p, q).item() == -1.0
    assert kl_divergence(p, Normal(1.0, 2.0)).item() != -1.0
    with pytest.raises(TypeError, match="^Expected type_p to be a Distribution subclass but got 3$"):
        register_kl(3, Other)


def test_exponential_family_bregman_entropy_and_kl():
    from ember.distributions import ExponentialFamily, Gamma
    from ember.distributions.kl import _kl_expfamily_expfamily
    c = ember.tensor([0.5, 2.0, 3.5], dtype=ember.float64)
    p = Gamma(c, ember.tensor(2.0, dtype=ember.float64))
    q = Gamma(ember.tensor([1.5, 1.0, 2.0], dtype=ember.float64), 0.7)
    np.testing.assert_allclose(ExponentialFamily.entropy(p).detach().numpy(), p.entropy().detach().numpy(), rtol=1e-10)
    e = _kl_expfamily_expfamily(p, q)
    np.testing.assert_allclose(e.detach().numpy(), kl_divergence(p, q).detach().numpy(), rtol=1e-10)
