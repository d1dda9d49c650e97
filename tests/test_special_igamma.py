"""igamma / igammac (torch.special.gammainc / gammaincc): float64 values against torch and exact identities, edges,
float32, broadcasting, the gradient in other, the missing gradient in input, the Tensor methods."""
import math

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck

INF, NAN = float("inf"), float("nan")
EDGES = [0.0, -0.0, -1.0, 1e-300, 0.5, 1.0, 3.0, INF, -INF, NAN]


def _both(fn_name, a, x, dtype=np.float64):
    e = getattr(ember, fn_name)(ember.tensor(a.astype(dtype)), ember.tensor(x.astype(dtype))).numpy()
    t = getattr(torch, fn_name)(torch.tensor(a.astype(dtype)), torch.tensor(x.astype(dtype))).numpy()
    assert e.dtype == t.dtype
    return e, t


def _grid(rng, n, a_range, x_scale):
    a = 10 ** rng.uniform(*a_range, n)
    return a, a * np.exp(rng.normal(0, x_scale, n))


@pytest.mark.parametrize("fn_name", ["igamma", "igammac"])
def test_float64_matches_torch(fn_name):
    rng = np.random.default_rng(0)
    a, x = 10 ** rng.uniform(-3, math.log10(20), 1000), 10 ** rng.uniform(-3, 4, 1000)
    e, t = _both(fn_name, a, x)
    np.testing.assert_allclose(e, t, rtol=2e-13, atol=1e-300)
    a, x = 10 ** rng.uniform(math.log10(20), 4, 1000), 10 ** rng.uniform(-3, 4, 1000)
    far = np.abs(x - a) > 0.5 * a
    e, t = _both(fn_name, a[far], x[far])
    # NOTE: torch's own error reaches about 1e-12 there (its x^a e^-x / Gamma(a) is formed from logarithms)
    np.testing.assert_allclose(e, t, rtol=3e-12, atol=1e-300)


@pytest.mark.parametrize("fn_name", ["igamma", "igammac"])
def test_float64_matches_torch_near_the_transition(fn_name):
    rng = np.random.default_rng(1)
    a, x = _grid(rng, 800, (1.3, 4), 0.1)
    e, t = _both(fn_name, a, x)
    # NOTE: torch's uniform asymptotic expansion (20 < a < 200 near x = a) is accurate to about 2e-9 only
    np.testing.assert_allclose(e, t, rtol=5e-9, atol=1e-300)


def test_exact_identities_to_float64_precision():
    x = np.concatenate([np.logspace(-6, 2.8, 120), np.linspace(0.01, 30, 60)])
    te = ember.tensor(x)
    np.testing.assert_allclose(ember.igamma(ember.full_like(te, 1.0), te).numpy(), -np.expm1(-x), rtol=2e-15)
    root = torch.tensor(x).sqrt()
    np.testing.assert_allclose(ember.igamma(ember.full_like(te, 0.5), te).numpy(), torch.erf(root).numpy(),
                               rtol=2e-15)
    # NOTE: sqrt(x)'s rounding moves erfc(sqrt(x)) by up to 2 x eps, 1.4e-13 at x = 631
    np.testing.assert_allclose(ember.igammac(ember.full_like(te, 0.5), te).numpy(), torch.erfc(root).numpy(),
                               rtol=2e-13)
    for n in (2, 7, 30, 150):
        xs = np.linspace(0.1, 3 * n, 40)
        q = [math.fsum(math.exp(k * math.log(v) - v - math.lgamma(k + 1)) for k in range(n)) for v in xs]
        got = ember.igammac(ember.full((40,), float(n), dtype=ember.float64), ember.tensor(xs)).numpy()
        # NOTE: the reference's own exp of arguments near -600 is good to about 1e-13
        np.testing.assert_allclose(got, q, rtol=2e-13)
        p = ember.igamma(ember.full((40,), float(n), dtype=ember.float64), ember.tensor(xs)).numpy()
        np.testing.assert_allclose(p + got, 1.0, rtol=0, atol=3e-16)


def test_small_a_upper_keeps_relative_precision():
    a = np.array([1e-3, 1e-3, 0.01, 0.3, 1e-300])
    x = np.array([1.0, 1e-3, 1.5, 0.2, 1e-300])
    got = ember.igammac(ember.tensor(a), ember.tensor(x)).numpy()
    # NOTE: 30-digit values (mpmath); torch's are 3e-13 off at a = 1e-3, x = 1 and miss -gamma a at a = 1e-300
    want = [2.19608357585556396289e-4, 6.31235329113970990378e-3, 1.01354302249530933849e-3,
            0.342493275730278262952, 1e-300 * (690.775527898213705205 - 0.577215664901532860607)]
    np.testing.assert_allclose(got, want, rtol=3e-15)


@pytest.mark.parametrize("fn_name", ["igamma", "igammac"])
def test_edges_match_torch(fn_name):
    a = np.array(EDGES)[:, None].repeat(len(EDGES), 1)
    x = np.array(EDGES)[None, :].repeat(len(EDGES), 0)
    e, t = _both(fn_name, a, x)
    tiny = np.array(EDGES) == 1e-300
    # NOTE: at a = 1e-300 torch's P(a, 0.5) and P(a, 1) are 1 + 2.4e-14, and its Q(a, x) for x <= 1 drops terms:
    # Q(a, x) = a E1(x) + O(a^2)
    np.testing.assert_allclose(e[~tiny], t[~tiny], rtol=1e-14, atol=0, equal_nan=True)
    p_tiny = e[tiny][0] if fn_name == "igamma" else 1 - e[tiny][0]
    np.testing.assert_allclose(p_tiny, [0, 0, NAN, 1, 1, 1, 1, 1, NAN, NAN], rtol=3e-16, atol=0, equal_nan=True)
    if fn_name == "igammac":
        e1 = [690.775527898213705205 - 0.577215664901532860607, 0.559773594776160811746, 0.219383934395520273678,
              0.0130483810941970374370]
        np.testing.assert_allclose(e[tiny][0, 3:7], np.array(e1) * 1e-300, rtol=1e-14)


@pytest.mark.parametrize("fn_name", ["igamma", "igammac"])
def test_float32_matches_torch(fn_name):
    rng = np.random.default_rng(2)
    a, x = _grid(rng, 500, (-3, 4), 0.5)
    e, t = _both(fn_name, a, x, np.float32)
    # NOTE: torch works in float32, and its x^a e^-x / Gamma(a) loses |log| * 6e-8 in the tails (ember: float64)
    np.testing.assert_allclose(e, t, rtol=5e-4, atol=1e-30)
    np.testing.assert_allclose(e[t > 1e-6], t[t > 1e-6], rtol=3e-5)


def test_large_a_by_the_recurrence():
    # NOTE: P(a, x) - P(a + 1, x) = x^a e^-x / Gamma(a + 1) links a = 1e7 - 0.5 (series and continued fraction)
    # to a + 1 (the uniform expansion); mpmath (torch's dependency) gives the right side to 30 digits
    mpmath = pytest.importorskip("mpmath")
    a = 1e7 - 0.5
    x = a + math.sqrt(a) * np.array([-6.0, -1.0, -1e-4, 0.0, 1e-4, 1.0, 6.0])
    lo = ember.igamma(ember.full((7,), a, dtype=ember.float64), ember.tensor(x)).numpy()
    hi = ember.igamma(ember.full((7,), a + 1, dtype=ember.float64), ember.tensor(x)).numpy()
    mpmath.mp.dps = 30
    want = [float(mpmath.exp(a * mpmath.log(v) - v - mpmath.loggamma(a + 1))) for v in x]
    np.testing.assert_allclose(lo - hi, want, rtol=1e-9, atol=3e-17)
    q = ember.igammac(ember.full((7,), a + 1, dtype=ember.float64), ember.tensor(x)).numpy()
    np.testing.assert_allclose(hi + q, 1.0, rtol=0, atol=2e-16)


def test_broadcasting_and_promotion():
    rng = np.random.default_rng(3)
    a, x = rng.uniform(0.1, 5, (3, 1)), rng.uniform(0.0, 8, (4,))
    for fn_name in ("igamma", "igammac"):
        e = getattr(ember, fn_name)(ember.tensor(a, dtype=ember.float32), ember.tensor(x))
        t = getattr(torch, fn_name)(torch.tensor(a, dtype=torch.float32), torch.tensor(x))
        assert tuple(e.shape) == (3, 4) and e.dtype == ember.float64 and t.dtype == torch.float64
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-13)
    with pytest.raises(RuntimeError, match=r"^The size of tensor a \(2\) must match the size of tensor b \(3\) at "
                                           r"non-singleton dimension 0"):
        ember.igamma(ember.ones(2), ember.ones(3))


def test_argument_errors_match_torch():
    x = ember.ones(2)
    for call, msg in [(lambda: ember.igamma(x, 2.0),
                       "igamma(): argument 'other' (position 2) must be Tensor, not float"),
                      (lambda: ember.igammac(2.0, x),
                       "igammac(): argument 'input' (position 1) must be Tensor, not float"),
                      (lambda: ember.special.gammainc(1.0, x),
                       "special_gammainc(): argument 'input' (position 1) must be Tensor, not float")]:
        with pytest.raises(TypeError) as info:
            call()
        assert str(info.value) == msg
    with pytest.raises(NotImplementedError) as info:
        ember.igamma(ember.tensor([1, 2]), ember.tensor([1, 2]))
    assert str(info.value) == "\"igamma_cpu\" not implemented for 'Long'"
    assert ember.igamma(ember.tensor([1]), ember.tensor([1.0])).dtype == ember.float32


def _x_grads(fn_name, a, x, dtype):
    out = []
    for mod in (ember, torch):
        ta, tx = mod.tensor(a.astype(dtype)), mod.tensor(x.astype(dtype), requires_grad=True)
        y = getattr(mod, fn_name)(ta, tx)
        assert type(y.grad_fn).__name__ == fn_name.capitalize() + "Backward0"
        g = mod.tensor(np.linspace(-1, 2, y.numel()).reshape(tuple(y.shape)).astype(dtype))
        y.backward(g)
        out.append(tx.grad.numpy())
    return out


@pytest.mark.parametrize("fn_name", ["igamma", "igammac"])
def test_gradient_in_other_matches_torch(fn_name):
    rng = np.random.default_rng(4)
    a, x = rng.uniform(0.2, 6, (3, 1)), rng.uniform(0.05, 9, (3, 4))
    e, t = _x_grads(fn_name, a, x, np.float64)
    np.testing.assert_allclose(e, t, rtol=1e-13)
    e, t = _x_grads(fn_name, a, x, np.float32)
    np.testing.assert_allclose(e, t, rtol=1e-5)
    a, x = np.array([1.0, 2.0, 0.0, 0.5]), np.zeros(4)        # x = 0: nan, 0, nan, inf as torch
    e, t = _x_grads(fn_name, a, x, np.float64)
    np.testing.assert_array_equal(e, t)
    assert np.isnan(e[0]) and e[1] == 0 and np.isnan(e[2]) and abs(e[3]) == INF


@pytest.mark.parametrize("fn_name", ["igamma", "igammac"])
def test_gradcheck_in_other(fn_name):
    rng = np.random.default_rng(5)
    a = ember.tensor(rng.uniform(0.5, 4, (2, 3)))
    x = ember.tensor(rng.uniform(0.2, 6, (3,)), requires_grad=True)
    fn = getattr(ember, fn_name)
    assert gradcheck(lambda v: fn(a, v), (x,))
    assert gradgradcheck(lambda v: fn(a, v), (x,))


@pytest.mark.parametrize("fn_name", ["igamma", "igammac"])
def test_gradient_in_input_is_not_implemented(fn_name):
    for mod in (ember, torch):
        a = mod.tensor([1.0, 2.0], requires_grad=True)
        y = getattr(mod, fn_name)(a, mod.tensor([0.5, 3.0]))
        with pytest.raises(NotImplementedError) as info:
            y.sum().backward()
        assert str(info.value) == f"the derivative for '{fn_name}: input' is not implemented."


def test_tensor_methods_and_special_names():
    a, x = np.array([0.5, 2.0, 7.0]), np.array([1.0, 0.3, 9.0])
    ea, ex, ta, tx = ember.tensor(a), ember.tensor(x), torch.tensor(a), torch.tensor(x)
    for name, special in (("igamma", "gammainc"), ("igammac", "gammaincc")):
        want = getattr(ta, name)(tx).numpy()
        np.testing.assert_allclose(getattr(ea, name)(ex).numpy(), want, rtol=1e-14)
        np.testing.assert_allclose(getattr(ember.special, special)(ea, ex).numpy(), want, rtol=1e-14)
        y = ea.clone()
        assert getattr(y, name + "_")(ex) is y
        np.testing.assert_allclose(y.numpy(), want, rtol=1e-14)
    y = ember.ones(2)
    y.igamma_(ember.tensor([1.0, 2.0], dtype=ember.float64))
    assert y.dtype == ember.float32
    np.testing.assert_allclose(y.numpy(), torch.ones(2).igamma_(torch.tensor([1.0, 2.0], dtype=torch.float64)),
                               rtol=1e-6)
