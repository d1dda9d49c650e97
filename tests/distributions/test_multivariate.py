"""MultivariateNormal, Independent, Dirichlet, Beta, Gamma against torch: values, gradients, samples."""
import numpy as np
import pytest
import torch

import ember
from ember.distributions import Beta, Dirichlet, Gamma, Independent, MultivariateNormal, Normal
from tests.distributions.oracle import compare, sample_stats, tensors, torch_message

GAMMA_TOL = dict(rtol=1e-8, atol=1e-10)   # ember's trigamma (the derivative of digamma) agrees to ~1e-9
LOC = np.array([[0.5, -1.0, 2.0], [0.0, 0.3, -0.4]])
A = np.array([[2.0, 0.3, -0.5], [0.3, 1.5, 0.2], [-0.5, 0.2, 1.0]])
VALUE = np.array([[[0.1, 0.2, 0.3], [1.0, -1.0, 0.5]], [[0.0, 0.0, 0.0], [2.0, 1.0, -2.0]]])


def _mvn(kind):
    return lambda m, loc, mat: m.distributions.MultivariateNormal(loc, **{kind: mat})


@pytest.mark.parametrize("kind,mat", [("covariance_matrix", A), ("precision_matrix", A),
                                      ("scale_tril", np.linalg.cholesky(A))])
def test_mvn(kind, mat):
    d, t = compare(_mvn(kind), dict(loc=LOC, mat=mat), VALUE, props=("mean", "variance", "stddev", "mode"))
    for name in ("covariance_matrix", "precision_matrix", "scale_tril"):
        np.testing.assert_allclose(getattr(d, name).detach().numpy(), getattr(t, name).detach().numpy(),
                                   rtol=1e-10, atol=1e-12)
    assert d.expand((4, 2)).log_prob(ember.tensor(VALUE[0])).shape == ember.Size([4, 2])


def test_mvn_rsample():
    e, _ = tensors(dict(loc=LOC[0], L=np.linalg.cholesky(A)))
    d = MultivariateNormal(e["loc"], scale_tril=e["L"])
    ember.manual_seed(0)
    x = d.rsample((20000,))
    assert x.shape == ember.Size([20000, 3])
    a = x.detach().numpy()
    np.testing.assert_allclose(a.mean(0), LOC[0], atol=0.05)
    np.testing.assert_allclose(np.cov(a.T), A, atol=0.08)
    (gl,) = ember.autograd.grad(x[:5].sum(), [e["loc"]])
    np.testing.assert_allclose(gl.numpy(), [5.0, 5.0, 5.0])


def test_mvn_errors():
    loc = ember.zeros(2)
    for kw, msg in ((dict(), "Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified."),
                    (dict(covariance_matrix=ember.ones(2)), "covariance_matrix must be at least two-dimensional, "
                                                            "with optional leading batch dimensions")):
        with pytest.raises(ValueError) as e:
            MultivariateNormal(loc, **kw)
        assert str(e.value) == msg
    bad = [[1.0, 2.0], [2.0, 1.0]]
    with pytest.raises(ValueError) as e:
        MultivariateNormal(loc, ember.tensor(bad))
    assert str(e.value) == torch_message(lambda: torch.distributions.MultivariateNormal(torch.zeros(2),
                                                                                        torch.tensor(bad)))


def test_independent():
    d, t = compare(lambda m, loc, scale: m.distributions.Independent(m.distributions.Normal(loc, scale), 1),
                   dict(loc=LOC, scale=np.array([0.5, 1.0, 2.0])), VALUE)
    assert d.batch_shape == ember.Size([2]) and d.event_shape == ember.Size([3]) and d.has_rsample
    assert repr(d.support) == repr(t.support) == "IndependentConstraint(Real(), 1)"
    assert repr(d).replace("ember.", "torch.") == repr(t)
    e = d.expand((4, 2))
    assert e.batch_shape == ember.Size([4, 2]) and e.base_dist.batch_shape == ember.Size([4, 2, 3])
    with pytest.raises(ValueError, match=r"actual 2 vs 1$"):
        Independent(Normal(ember.zeros(2), 1.0), 2)


def test_gamma():
    conc, rate = np.array([[0.5, 2.0, 7.5], [1.2, 3.0, 1.5]]), np.array([1.0, 0.5, 2.0])
    compare(lambda m, c, r: m.distributions.Gamma(c, r), dict(c=conc, r=rate), np.array([0.3, 2.0, 5.0]),
            tol=GAMMA_TOL)
    mean, var, shape, _ = sample_stats(Gamma(ember.tensor([0.5, 4.0]), ember.tensor([1.0, 2.0])), 20000)
    assert shape == (20000, 2)
    np.testing.assert_allclose(mean, [0.5, 2.0], rtol=0.04)
    np.testing.assert_allclose(var, [0.5, 1.0], rtol=0.08)


def test_beta():
    c1, c0 = np.array([0.5, 2.0, 3.0]), np.array([[1.5, 2.0, 0.7], [3.0, 0.4, 1.1]])
    compare(lambda m, a, b: m.distributions.Beta(a, b), dict(a=c1, b=c0),
            np.array([[0.3, 0.5, 0.9], [0.01, 0.99, 0.5]]), props=("mean", "variance", "stddev"), tol=GAMMA_TOL)
    compare(lambda m, a, b: m.distributions.Beta(a, b), dict(a=np.array([2.0, 3.0]), b=np.array([4.0, 1.5])),
            np.array([0.3, 0.5]), props=("mode",), methods=())
    d = Beta(ember.tensor([2.0, 0.5]), ember.tensor([3.0, 0.5]))
    mean, var, shape, _ = sample_stats(d, 20000)
    assert shape == (20000, 2)
    np.testing.assert_allclose(mean, [0.4, 0.5], atol=0.01)
    np.testing.assert_allclose(var, [0.04, 0.125], rtol=0.06)


def test_dirichlet():
    conc = np.array([[0.5, 2.0, 3.0], [1.5, 1.5, 4.0]])
    compare(lambda m, c: m.distributions.Dirichlet(c), dict(c=conc), np.array([0.2, 0.3, 0.5]), tol=GAMMA_TOL)
    compare(lambda m, c: m.distributions.Dirichlet(c), dict(c=np.array([[1.5, 0.7, 1.3], [2.0, 1.0, 3.0]])),
            props=("mode",), methods=())
    below_one = [[0.5, 0.7, 0.3], [2.0, 1.0, 3.0]]
    np.testing.assert_allclose(Dirichlet(ember.tensor(below_one)).mode.numpy(),
                               torch.distributions.Dirichlet(torch.tensor(below_one)).mode.numpy(), rtol=1e-6)
    d = Dirichlet(ember.tensor([1.0, 2.0, 3.0], dtype=ember.float64))
    mean, var, shape, dtype = sample_stats(d, 20000)
    assert shape == (20000, 3) and dtype == ember.float64
    np.testing.assert_allclose(mean, [1 / 6, 2 / 6, 3 / 6], atol=0.01)
    np.testing.assert_allclose(var, d.variance.numpy(), rtol=0.06)
    with pytest.raises(ValueError) as e:
        d.log_prob(ember.tensor([0.5, 0.6, 0.1], dtype=ember.float64))
    assert str(e.value) == torch_message(lambda: torch.distributions.Dirichlet(
        torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)).log_prob(torch.tensor([0.5, 0.6, 0.1],
                                                                                 dtype=torch.float64)))
