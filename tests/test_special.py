"""ember.special and the gamma/error/Bessel family: float64 values against torch over wide ranges, gradients."""
import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from tests.oracle import OpSpec, check_op

INF, NAN = float("inf"), float("nan")
WIDE = np.concatenate([-np.logspace(-3, 2, 40) - 0.013, np.logspace(-300, -1, 20), np.linspace(0.05, 12, 60),
                       np.logspace(1, 6, 20) + 0.37])
POSITIVE = WIDE[WIDE > 0]


def _close(name, x, rtol, atol=0.0, n=None):
    e_fn, t_fn = getattr(ember.special, name), getattr(torch.special, name)
    args_e, args_t = ((n, ember.tensor(x)), (n, torch.tensor(x))) if n is not None else ((ember.tensor(x),),
                                                                                          (torch.tensor(x),))
    e, t = e_fn(*args_e).numpy(), t_fn(*args_t).numpy()
    assert e.dtype == t.dtype
    np.testing.assert_allclose(e, t, rtol=rtol, atol=atol, equal_nan=True, err_msg=name)


@pytest.mark.parametrize("name, x, rtol, atol", [
    ("gammaln", WIDE, 1e-13, 1e-14),
    ("gammaln", np.array([0.0, -0.0, -1.0, -7.0, 1.0, 2.0, INF, -INF, NAN, 3e305]), 1e-14, 1e-15),
    ("digamma", WIDE, 1e-12, 1e-14),
    ("digamma", np.array([0.0, -0.0, -1.0, -3.0, INF, -INF, NAN, 1.4616321449683622]), 1e-14, 1e-15),
    ("erf", np.linspace(-7, 7, 141), 1e-14, 0),
    ("erfc", np.concatenate([np.linspace(-7, 27, 341), [INF, -INF, NAN]]), 1e-13, 0),
    ("erfcx", np.concatenate([np.linspace(-26, 50, 300), np.logspace(2, 300, 30), [INF, NAN]]), 1e-13, 0),
    ("erfinv", np.concatenate([np.linspace(-1, 1, 201), 1 - np.logspace(-16, -1, 40), [2.0, NAN, -0.0]]),
     1e-13, 1e-300),
    ("ndtri", np.concatenate([np.linspace(0, 1, 101), np.logspace(-300, -1, 40), [-1.0, NAN]]), 1e-13, 1e-300),
    ("ndtr", np.linspace(-8, 8, 200), 1e-13, 1e-16),
    ("log_ndtr", np.concatenate([np.linspace(-300, 20, 321), [INF, -INF, NAN]]), 1e-13, 1e-300),
    ("i0", np.concatenate([np.linspace(-700, 700, 281), np.linspace(-30, 30, 121), [NAN]]), 1e-13, 0),
    ("i0e", np.concatenate([np.linspace(-1e4, 1e4, 81), np.linspace(-30, 30, 121), [INF, -INF, NAN]]), 1e-13, 0),
    ("i1", np.concatenate([np.linspace(-700, 700, 281), np.linspace(-30, 30, 121), [0.0, NAN]]), 1e-13, 0),
    ("i1e", np.concatenate([np.linspace(-1e4, 1e4, 81), np.linspace(-30, 30, 121), [INF, -INF, NAN]]), 1e-13, 0),
    ("entr", np.array([0.0, -1.0, 1e-300, 0.5, 1.0, 7.0, INF, NAN]), 1e-15, 0),
    ("sinc", np.concatenate([np.linspace(-30, 30, 121), [0.0, 1.0, 1e20, NAN]]), 1e-14, 1e-300),
    ("expit", np.linspace(-700, 700, 81), 1e-15, 0),
    ("logit", np.concatenate([np.linspace(0, 1, 41), [-1.0, 2.0, NAN]]), 1e-14, 1e-300),
])
def test_float64_values_match_torch(name, x, rtol, atol):
    _close(name, x, rtol, atol)


@pytest.mark.parametrize("n", [1, 2, 3, 6])
def test_polygamma_values_match_torch(n):
    x = np.concatenate([POSITIVE, -np.linspace(0.1, 20, 30) - 0.013, [0.0]])
    # NOTE: torch's trigamma is accurate to about 1e-10 only (ember's to 1e-15)
    _close("polygamma", x, 1e-9 if n == 1 else 1e-12, 1e-300, n=n)


def test_multigammaln_matches_torch():
    x = np.linspace(2.6, 40, 30)
    for p in (1, 2, 5):
        np.testing.assert_allclose(ember.special.multigammaln(ember.tensor(x), p).numpy(),
                                   torch.special.multigammaln(torch.tensor(x), p).numpy(), rtol=1e-13)
    with pytest.raises(RuntimeError, match="p has to be greater than or equal to 1"):
        ember.mvlgamma(ember.tensor([3.0]), 0)
    with pytest.raises(RuntimeError, match=r"polygamma\(n, x\) does not support negative n."):
        ember.polygamma(-1, ember.tensor([3.0]))


def _pos(rng, case):
    return [rng.uniform(0.3, 4.0, s) for s in case]


def _unit(rng, case):
    return [rng.uniform(-0.9, 0.9, s) for s in case]


def _prob(rng, case):
    return [rng.uniform(0.05, 0.95, s) for s in case]


def _away_from_zero(rng, case):
    return [rng.uniform(0.3, 3.0, s) * rng.choice([-1, 1], s) for s in case]


U = [((3, 4),), ((),), ((0, 3),)]
S = ember.special
T = torch.special
SPECS = [
    OpSpec("lgamma", ember.lgamma, torch.lgamma, U, make=_pos),
    OpSpec("lgamma_neg", ember.lgamma, torch.lgamma, U, make=lambda r, c: [r.uniform(-2.9, -2.1, s) for s in c]),
    OpSpec("digamma", ember.digamma, torch.digamma, U, make=_pos),
    OpSpec("polygamma1", lambda x: ember.polygamma(1, x), lambda x: torch.polygamma(1, x), U, make=_pos),
    OpSpec("polygamma3", lambda x: x.polygamma(3), lambda x: x.polygamma(3), U, make=_pos),
    OpSpec("mvlgamma", lambda x: ember.mvlgamma(x + 2, 3), lambda x: torch.mvlgamma(x + 2, 3), U, make=_pos),
    OpSpec("erfinv", ember.erfinv, torch.erfinv, U, make=_unit),
    OpSpec("erfc", ember.erfc, torch.erfc, U, domain=(-3, 3)),
    OpSpec("erfcx", S.erfcx, T.erfcx, U, domain=(-3, 4)),
    OpSpec("i0", ember.i0, torch.i0, U, domain=(-4, 4)),
    OpSpec("i0e", S.i0e, T.i0e, U, make=_away_from_zero),
    OpSpec("i1", S.i1, T.i1, U, domain=(-4, 4)),
    OpSpec("i1e", S.i1e, T.i1e, U, make=_away_from_zero),
    OpSpec("ndtr", S.ndtr, T.ndtr, U, domain=(-3, 3)),
    OpSpec("ndtri", S.ndtri, T.ndtri, U, make=_prob),
    OpSpec("log_ndtr", S.log_ndtr, T.log_ndtr, U, domain=(-6, 4)),
    OpSpec("entr", S.entr, T.entr, U, make=_pos),
    OpSpec("sinc", ember.sinc, torch.sinc, U, domain=(-3, 3)),
    OpSpec("logit", ember.logit, torch.logit, U, make=_prob),
    OpSpec("logit_eps", lambda x: ember.logit(x, eps=0.2), lambda x: torch.logit(x, eps=0.2), U, make=_prob,
           gradgrad=False),
    OpSpec("expit", S.expit, T.expit, U),
    OpSpec("xlog1py", S.xlog1py, T.xlog1py, [((3, 4), (3, 4)), ((2, 1), (3,)), ((), (2, 2))], make=_pos),
    OpSpec("softmax", lambda x: S.softmax(x, 1), lambda x: T.softmax(x, 1), [((3, 4),)]),
    OpSpec("log_softmax", lambda x: S.log_softmax(x, 0), lambda x: T.log_softmax(x, 0), [((3, 4),)]),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_op_matches_torch(spec):
    check_op(spec)


@pytest.mark.parametrize("name, node", [
    ("lgamma", "LgammaBackward0"), ("digamma", "DigammaBackward0"), ("erfinv", "ErfinvBackward0"),
    ("erfc", "ErfcBackward0"), ("i0", "I0Backward0"), ("sinc", "SincBackward0"), ("logit", "LogitBackward0"),
])
def test_grad_fn_names_match_torch(name, node):
    x = ember.tensor([0.3, 0.6], requires_grad=True)
    assert getattr(ember, name)(x).grad_fn.name() == node
    assert getattr(torch, name)(torch.tensor([0.3, 0.6], requires_grad=True)).grad_fn.name() == node


@pytest.mark.parametrize("name, node", [
    ("erfcx", "SpecialErfcxBackward0"), ("i0e", "SpecialI0EBackward0"), ("i1", "SpecialI1Backward0"),
    ("i1e", "SpecialI1EBackward0"), ("ndtri", "SpecialNdtriBackward0"), ("log_ndtr", "SpecialLogNdtrBackward0"),
    ("entr", "SpecialEntrBackward0"), ("psi", "DigammaBackward0"), ("gammaln", "LgammaBackward0"),
    ("expit", "SigmoidBackward0"),
])
def test_special_grad_fn_names_match_torch(name, node):
    x = ember.tensor([0.3, 0.6], requires_grad=True)
    assert getattr(ember.special, name)(x).grad_fn.name() == node
    assert getattr(torch.special, name)(torch.tensor([0.3, 0.6], requires_grad=True)).grad_fn.name() == node


def test_gradients_at_zero_match_torch():
    for name in ("i1", "i1e", "entr", "sinc", "i0e"):
        e = ember.tensor([0.0, 1.5], requires_grad=True)
        t = torch.tensor([0.0, 1.5], requires_grad=True)
        getattr(ember.special, name)(e).sum().backward()
        getattr(torch.special, name)(t).sum().backward()
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-6, err_msg=name)


def test_higher_polygamma_derivatives():
    x = ember.tensor([0.7, 2.5], dtype=ember.float64, requires_grad=True)
    assert gradcheck(lambda v: ember.digamma(v), [x])
    assert gradgradcheck(lambda v: ember.polygamma(2, v), [x])
    g, = ember.autograd.grad(ember.lgamma(x).sum(), x, create_graph=True)
    h, = ember.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), torch.polygamma(1, torch.tensor([0.7, 2.5], dtype=torch.float64)).numpy(),
                               rtol=1e-9)


@pytest.mark.parametrize("name", ["lgamma", "digamma", "erfinv", "i0", "erfc", "sinc", "logit"])
def test_integer_inputs_give_default_float(name):
    e = getattr(ember, name)(ember.tensor([0, 1, 2]))
    t = getattr(torch, name)(torch.tensor([0, 1, 2]))
    assert e.dtype == ember.float32
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6, atol=1e-6)


def test_special_namespace_is_torch_s():
    for name in ("expit", "exp2", "expm1", "log1p", "erf", "erfc", "erfcx", "erfinv", "digamma", "psi", "gammaln",
                 "polygamma", "multigammaln", "i0", "i0e", "i1", "i1e", "ndtr", "ndtri", "log_ndtr", "logit",
                 "xlogy", "xlog1py", "sinc", "round", "softmax", "log_softmax", "logsumexp", "entr", "zeta"):
        assert hasattr(ember.special, name), name
    assert ember.special.round(ember.tensor([1.256]), decimals=2).tolist() == pytest.approx([1.26])
    x = np.array([[1.0, 2.0], [3.0, 0.5]])
    np.testing.assert_allclose(ember.special.logsumexp(ember.tensor(x), 1).numpy(),
                               torch.special.logsumexp(torch.tensor(x), 1).numpy(), rtol=1e-14)


def test_zeta_matches_torch():
    s = np.array([2.0, 3.0, 4.5, 1.5, 7.0, 2.0])
    q = np.array([1.0, 0.5, 2.0, 10.0, 0.3, -2.5])
    np.testing.assert_allclose(ember.special.zeta(ember.tensor(s), ember.tensor(q)).numpy(),
                               torch.special.zeta(torch.tensor(s), torch.tensor(q)).numpy(), rtol=1e-12)
    np.testing.assert_allclose(ember.special.zeta(ember.tensor(s), 2.0).numpy(),
                               torch.special.zeta(torch.tensor(s), 2.0).numpy(), rtol=1e-12)
