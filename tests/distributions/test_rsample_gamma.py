"""Reparameterized Gamma, Dirichlet and Beta draws: the implicit gradient of a standard gamma draw against finite
differences of a high-precision inverse CDF (scipy, tests only) and torch's approximation, the compositions'
gradients, Monte Carlo gradients of closed-form expectations, shapes, dtypes and torch's double-backward error."""
import numpy as np
import pytest
import torch
from scipy import integrate, special, stats

import ember
from ember.distributions import Beta, Dirichlet, Gamma
from ember.distributions.gamma import StandardGammaBackward0

A_GRID = np.logspace(-3, 3, 13)
U_GRID = np.array([1e-10, 1e-4, 0.01, 0.2, 0.5, 0.8, 0.99, 1 - 1e-6, 1 - 1e-10])


def _richardson(f, a, rel=1e-3):
    """df/da by central differences with step rel * a and rel * a / 2, extrapolated (error O(rel^4))."""
    def central(h):
        return (f(a + h) - f(a - h)) / (2 * h)
    h = rel * a
    return (4 * central(h / 2) - central(h)) / 3


def _dx_da(a, x):
    """dx/da of standard gamma draws x at concentration a, through ember's StandardGammaBackward0."""
    conc = ember.tensor(a, dtype=ember.float64, requires_grad=True)
    StandardGammaBackward0.apply(conc, np.asarray(x, dtype=np.float64)).sum().backward()
    return conc.grad.numpy()


def test_standard_gamma_grad_against_inverse_cdf():
    a, u = np.broadcast_arrays(A_GRID[:, None], U_GRID[None])
    x = special.gammaincinv(a, u)
    keep = x > 1e-280                  # below, a +- 0.1% moves x out of float64's range
    a, u, x = a[keep], u[keep], x[keep]
    assert a.size > 100
    # d log x / da at a fixed quantile: log x is smooth in a where x spans hundreds of decades
    expected = _richardson(lambda s: np.log(special.gammaincinv(s, u)), a)
    np.testing.assert_allclose(_dx_da(a, x) / x, expected, rtol=1e-8, atol=0)


def test_standard_gamma_grad_against_torch_approximation():
    a, u = np.broadcast_arrays(A_GRID[:, None], U_GRID[None])
    x = special.gammaincinv(a, u)
    keep = x > 1e-280
    a, x = a[keep], x[keep]
    ours = _dx_da(a, x)
    theirs = torch._standard_gamma_grad(torch.tensor(a), torch.tensor(x)).numpy()
    # torch's _standard_gamma_grad is an approximation: within 6% here (upper tails of a < 1), 0.2% for a >= 1
    np.testing.assert_allclose(ours, theirs, rtol=6e-2)
    big = a >= 1
    np.testing.assert_allclose(ours[big], theirs[big], rtol=2e-3)


def test_standard_gamma_grad_edges():
    grad = _dx_da(np.array([2.0, 0.5, 1e-3]), np.array([0.0, 1e-300, 2.0 ** -1074]))
    assert grad[0] == 0.0
    np.testing.assert_allclose(grad[1], 1e-300 / 0.5 * (special.digamma(1.5) - np.log(1e-300)), rtol=1e-14)
    assert 0.0 <= grad[2] < 1e-300


@pytest.mark.parametrize("dtype", [ember.float64, ember.float32])
def test_gamma_rsample_gradients_against_inverse_cdf(dtype):
    ember.manual_seed(0)
    conc = ember.tensor([0.3, 1.0, 4.5, 60.0], dtype=dtype, requires_grad=True)
    rate = ember.tensor([2.0, 0.5, 1.0, 3.0], dtype=dtype, requires_grad=True)
    x = Gamma(conc, rate).rsample((5,))
    assert x.shape == (5, 4) and x.dtype == dtype
    seed = np.random.default_rng(1).standard_normal((5, 4))
    ga, gb = ember.autograd.grad(x, [conc, rate], ember.tensor(seed, dtype=dtype))
    assert ga.dtype == dtype and gb.dtype == dtype
    a, b, xv = (t.detach().numpy().astype(np.float64) for t in (conc, rate, x))
    u = special.gammainc(a, xv * b)
    dxda = _richardson(lambda s: special.gammaincinv(s, u), np.broadcast_to(a, u.shape)) / b
    dxdb = -special.gammaincinv(a, u) / b ** 2
    rtol = 1e-8 if dtype == ember.float64 else 1e-5
    np.testing.assert_allclose(ga.numpy(), (seed * dxda).sum(0), rtol=rtol)
    np.testing.assert_allclose(gb.numpy(), (seed * dxdb).sum(0), rtol=rtol)


def test_gamma_monte_carlo_gradient_of_second_moment():
    ember.manual_seed(0)
    a, b = 2.5, 1.5
    conc = ember.tensor(a, dtype=ember.float64, requires_grad=True)
    rate = ember.tensor(b, dtype=ember.float64, requires_grad=True)
    x = Gamma(conc, rate).rsample((40000,))
    da, db = ember.autograd.grad(x.pow(2).mean(), [conc, rate])
    # E[x^2] = a (a + 1) / b^2
    assert abs(da.item() - (2 * a + 1) / b ** 2) < 0.03 * (2 * a + 1) / b ** 2
    assert abs(db.item() + 2 * a * (a + 1) / b ** 3) < 0.03 * 2 * a * (a + 1) / b ** 3


def test_dirichlet_and_beta_monte_carlo_gradients():
    ember.manual_seed(1)
    alpha = np.array([0.7, 2.0, 3.5])
    conc = ember.tensor(alpha, requires_grad=True)
    w = np.array([1.0, -2.0, 0.5])
    (ember.tensor(w) * Dirichlet(conc).rsample((40000,))).sum(-1).mean().backward()
    # E[w . x] = w . alpha / a0, whose gradient is (w - E) / a0
    total = alpha.sum()
    np.testing.assert_allclose(conc.grad.numpy(), (w - w @ alpha / total) / total, atol=0.01)
    c1 = ember.tensor(1.5, requires_grad=True)
    c0 = ember.tensor(0.8, requires_grad=True)
    Beta(c1, c0).rsample((40000,)).pow(2).mean().backward()
    p, q = 1.5, 0.8           # E[x^2] = p (p + 1) / ((p + q) (p + q + 1))
    d = (p + q) * (p + q + 1)
    np.testing.assert_allclose([c1.grad.item(), c0.grad.item()],
                               [((2 * p + 1) * d - p * (p + 1) * (2 * (p + q) + 1)) / d ** 2,
                                -p * (p + 1) * (2 * (p + q) + 1) / d ** 2], atol=0.01)


def test_dirichlet_and_beta_are_normalized_gamma_draws():
    alpha = np.array([[0.4, 1.0, 2.5], [3.0, 0.2, 1.0]])
    seed = np.random.default_rng(2).standard_normal((4, 2, 3))
    conc = ember.tensor(alpha, requires_grad=True)
    ember.manual_seed(7)
    x = Dirichlet(conc).rsample((4,))
    g, = ember.autograd.grad(x, conc, ember.tensor(seed))
    conc2 = ember.tensor(alpha, requires_grad=True)
    ember.manual_seed(7)
    gammas = Gamma(conc2, 1.0).rsample((4,))
    y = gammas / gammas.sum(-1, True)
    g2, = ember.autograd.grad(y, conc2, ember.tensor(seed))
    # the same up to rounding: Dirichlet first scales the draws by their (detached) maximum
    np.testing.assert_allclose(x.detach().numpy(), y.detach().numpy(), rtol=1e-14)
    np.testing.assert_allclose(g.numpy(), g2.numpy(), rtol=1e-13)
    c1 = ember.tensor(alpha[:, 0], requires_grad=True)
    c0 = ember.tensor(alpha[:, 2], requires_grad=True)
    ember.manual_seed(7)
    b = Beta(c1, c0).rsample((4,))
    gb = ember.autograd.grad(b, [c1, c0], ember.tensor(seed[..., 0]))
    both = ember.tensor(alpha[:, ::2].copy(), requires_grad=True)
    ember.manual_seed(7)
    d = Dirichlet(both).rsample((4,)).select(-1, 0)
    gd, = ember.autograd.grad(d, both, ember.tensor(seed[..., 0]))
    np.testing.assert_array_equal(b.detach().numpy(), d.detach().numpy())
    np.testing.assert_array_equal(np.stack([t.numpy() for t in gb], -1), gd.numpy())


@pytest.mark.parametrize("a1, a0, x", [(2.0, 3.0, 0.3), (0.5, 0.5, 0.9), (0.5, 4.0, 0.05), (10.0, 20.0, 0.35),
                                        (0.1, 2.0, 1e-4)])
def test_beta_gradient_given_the_sample_matches_torch(a1, a0, x):
    """Given the sample x = g1 / (g1 + g0), the sum S = g1 + g0 ~ Gamma(a1 + a0) is independent of it; averaged
    over S, the composition's dx/da1 is the implicit Beta gradient that torch's _dirichlet_grad approximates."""
    def dx_da1(s):
        conc = ember.tensor([a1, a0], dtype=ember.float64, requires_grad=True)
        gammas = StandardGammaBackward0.apply(conc, np.array([x * s, (1 - x) * s]))
        (gammas[0] / gammas.sum()).backward()
        return conc.grad[0].item() * stats.gamma.pdf(s, a1 + a0)
    hi = stats.gamma.ppf(1 - 1e-15, a1 + a0)
    ours = integrate.quad(dx_da1, 0, hi, epsabs=0, epsrel=1e-11, limit=200, points=[a1 + a0])[0]
    u = special.betainc(a1, a0, x)
    np.testing.assert_allclose(ours, _richardson(lambda s: special.betaincinv(s, a0, u), a1), rtol=1e-8)
    torch_grad = torch._dirichlet_grad(torch.tensor([x, 1 - x], dtype=torch.float64),
                                       torch.tensor([a1, a0], dtype=torch.float64),
                                       torch.tensor([a1 + a0] * 2, dtype=torch.float64))[0].item() * (1 - x)
    # torch's _dirichlet_grad: exact series for small concentrations, an approximation (here 2e-4) for large ones
    np.testing.assert_allclose(ours, torch_grad, rtol=1e-9 if a1 + a0 < 10 else 3e-4)


def test_double_backward_raises_as_torch():
    values, names = [], []
    for lib in (ember, torch):
        a = lib.tensor([0.5, 2.0], dtype=lib.float64, requires_grad=True)
        go = lib.ones(2, dtype=lib.float64, requires_grad=True)
        lib.manual_seed(0)
        x = lib.distributions.Gamma(a, 1.0).rsample()
        g, = lib.autograd.grad(x, a, go, create_graph=True)
        names.append([type(g.grad_fn).__name__] + [type(n).__name__ for n, _ in g.grad_fn.next_functions])
        # linear in the incoming gradient: its derivative is dx/da itself
        gg, = lib.autograd.grad(g.sum(), go, retain_graph=True)
        np.testing.assert_array_equal(gg.detach().numpy(), g.detach().numpy())
        with pytest.raises(NotImplementedError) as e:
            g.sum().backward()
        values.append(str(e.value))
    assert names[0] == names[1] == ["MulBackward0", "DivBackward0", "StandardGammaGradBackward0"]
    assert values[0] == values[1] == "the derivative for '_standard_gamma_grad' is not implemented."


def test_graph_names_match_torch():
    names = []
    for lib in (ember, torch):
        a = lib.tensor([0.5, 2.0], requires_grad=True)
        x = lib.distributions.Gamma(a, lib.tensor([1.0, 2.0])).rsample()
        b = lib.distributions.Beta(a, lib.tensor([1.0, 2.0])).rsample()
        names.append((type(x.grad_fn).__name__, type(x.grad_fn.next_functions[0][0]).__name__,
                      type(b.grad_fn).__name__))
    assert names[0] == names[1] == ("DivBackward0", "StandardGammaBackward0", "SelectBackward0")


@pytest.mark.parametrize("dtype", [ember.float32, ember.float64])
def test_shapes_dtypes_and_clamping(dtype):
    ember.manual_seed(3)
    finfo = np.finfo(dtype.np)
    conc = ember.tensor([[0.01, 0.01], [2.0, 5.0]], dtype=dtype, requires_grad=True)
    x = Gamma(conc, 1.0).rsample((300,))
    assert x.shape == (300, 2, 2) and x.dtype == dtype and x.requires_grad
    assert x.min().item() == finfo.tiny      # draws below tiny are clamped to it, as torch's
    d = Dirichlet(conc).rsample((300,))
    assert d.shape == (300, 2, 2) and d.dtype == dtype
    dv = d.detach().numpy()      # clamped to [tiny, the float below 1], as torch's
    assert dv.min() >= finfo.tiny and dv.max() <= 1 - finfo.epsneg
    if dtype == ember.float32:
        assert dv.min() == finfo.tiny and dv.max() == 1 - finfo.epsneg
    b = Beta(conc[:, 0], conc[:, 1]).rsample((300,))
    assert b.shape == (300, 2) and b.dtype == dtype
    g, = ember.autograd.grad((x.sum() + d[..., 0].sum() + b.sum()), conc)
    assert g.dtype == dtype and g.shape == (2, 2) and np.isfinite(g.numpy()).all()


def test_sample_still_works_without_graph():
    conc = ember.tensor([0.5, 2.0, 9.0], requires_grad=True)
    rate = ember.tensor([1.0, 2.0, 0.5], requires_grad=True)
    for d in (Gamma(conc, rate), Dirichlet(conc), Beta(conc, rate)):
        ember.manual_seed(4)
        s = d.sample((3,))
        ember.manual_seed(4)
        r = d.rsample((3,))
        assert not s.requires_grad and s.grad_fn is None and r.requires_grad
        np.testing.assert_array_equal(s.numpy(), r.detach().numpy())
    ember.manual_seed(5)
    mean = Gamma(ember.tensor(3.0), ember.tensor(2.0)).sample((20000,)).mean().item()
    assert abs(mean - 1.5) < 0.03
