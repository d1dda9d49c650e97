"""Activations: functional forms and layers against torch (values, gradients, kinks, in-place, errors, reprs)."""
import numpy as np
import pytest
import torch
import torch.nn as tnn
import torch.nn.functional as TF

import ember
import ember.nn as enn
import ember.nn.functional as EF
from tests.oracle import OpSpec, check_op

CASES = [((3, 4),), ((),), ((0, 3),)]


def _away(*kinks):
    """Inputs in [-4, 4] kept 0.1 away from the kinks, so that finite differences do not straddle one."""
    def make(rng, case):
        out = []
        for s in case:
            a = rng.uniform(-4, 4, s)
            for k in kinks:
                near = np.abs(a - k) < 0.1
                a = np.where(near, k + 0.1 * np.sign(a - k + 1e-9), a)
            out.append(a)
        return out
    return make


def spec(name, args=(), kinks=None, gradgrad=True, shapes=CASES):
    kw = dict(args)
    return OpSpec(f"{name}{kw or ''}", lambda x: getattr(EF, name)(x, **kw), lambda x: getattr(TF, name)(x, **kw),
                  shapes, make=_away(*kinks) if kinks is not None else None, domain=(-4.0, 4.0), gradgrad=gradgrad)


SPECS = [
    spec("relu", kinks=(0,)), spec("relu6", kinks=(0, 6)), spec("leaky_relu", kinks=(0,)),
    spec("leaky_relu", {"negative_slope": 0.2}, kinks=(0,)), spec("elu", kinks=(0,)),
    spec("elu", {"alpha": 0.5}, kinks=(0,)), spec("selu", kinks=(0,)), spec("celu", {"alpha": 1.5}, kinks=(0,)),
    spec("gelu"), spec("gelu", {"approximate": "tanh"}), spec("silu"), spec("mish"), spec("softplus"),
    spec("softplus", {"beta": 2.0, "threshold": 3.0}, kinks=(1.5,)), spec("softsign", kinks=(0,)),
    spec("hardtanh", kinks=(-1, 1)), spec("hardtanh", {"min_val": -2.0, "max_val": 0.5}, kinks=(-2, 0.5)),
    spec("hardswish", kinks=(-3, 3)), spec("hardsigmoid", kinks=(-3, 3)), spec("logsigmoid"),
    spec("tanhshrink"), spec("softshrink", kinks=(-0.5, 0.5)), spec("softshrink", {"lambd": 1.0}, kinks=(-1, 1)),
    spec("hardshrink", kinks=(-0.5, 0.5)), spec("sigmoid"), spec("tanh"),
    OpSpec("threshold", lambda x: EF.threshold(x, 0.3, -2.0), lambda x: TF.threshold(x, 0.3, -2.0), CASES,
           make=_away(0.3)),
    OpSpec("glu", lambda x: EF.glu(x, 0), lambda x: TF.glu(x, 0), [((4, 3),), ((2, 0),)]),
    OpSpec("glu_last", EF.glu, TF.glu, [((2, 3, 6),)]),
    OpSpec("normalize", EF.normalize, TF.normalize, [((3, 4),), ((2, 3, 2),)]),
    OpSpec("normalize_p1", lambda x: EF.normalize(x, 1.0, 0), lambda x: TF.normalize(x, 1.0, 0), [((3, 4),)],
           make=_away(0)),
    OpSpec("softmax", lambda x: EF.softmax(x, 1), lambda x: TF.softmax(x, 1), [((3, 4),), ((2, 3, 2),), ((2, 0),)]),
    OpSpec("softmax_0d", lambda x: EF.softmax(x, 0), lambda x: TF.softmax(x, 0), [((),)]),
    OpSpec("log_softmax", lambda x: EF.log_softmax(x, -1), lambda x: TF.log_softmax(x, -1), [((3, 4),), ((0, 2),)]),
    OpSpec("log_softmax_dim0", lambda x: x.log_softmax(0), lambda x: x.log_softmax(0), [((3, 4),), ((),)]),
    OpSpec("softmin", lambda x: EF.softmin(x, 1), lambda x: TF.softmin(x, 1), [((3, 4),)]),
    OpSpec("softmax_dtype", lambda x: EF.softmax(x.float(), 1, dtype=ember.float64),
           lambda x: TF.softmax(x.float(), 1, dtype=torch.float64), [((3, 4),)], grad=False),
    OpSpec("prelu_scalar", EF.prelu, TF.prelu, [((3, 4), (1,)), ((2, 3, 2), (1,))], make=_away(0)),
    OpSpec("prelu_channels", EF.prelu, TF.prelu, [((2, 3), (3,)), ((2, 3, 2, 2), (3,))], make=_away(0)),
]


@pytest.mark.parametrize("s", SPECS, ids=lambda s: s.name)
def test_functional_matches_torch(s):
    check_op(s)


KINKS = np.array([-6.0, -3.0, -2.0, -1.0, -0.5, 0.0, 0.3, 0.5, 1.0, 1.5, 3.0, 6.0, 25.0])
KINK_FNS = [("relu", {}), ("relu6", {}), ("leaky_relu", {}), ("elu", {}), ("selu", {}), ("celu", {"alpha": 2.0}),
            ("gelu", {}), ("gelu", {"approximate": "tanh"}), ("silu", {}), ("mish", {}), ("softplus", {}),
            ("softplus", {"beta": 2.0, "threshold": 3.0}), ("softsign", {}), ("hardtanh", {}),
            ("hardtanh", {"min_val": -2.0, "max_val": 0.5}), ("hardswish", {}), ("hardsigmoid", {}),
            ("logsigmoid", {}), ("tanhshrink", {}), ("softshrink", {}), ("hardshrink", {}),
            ("threshold", {"threshold": 0.3, "value": -2.0})]


@pytest.mark.parametrize("name,kw", KINK_FNS, ids=lambda v: str(v))
def test_values_and_subgradients_at_kinks(name, kw):
    """Exact boundary points (0, +-0.5, +-1, +-3, 6, the softplus threshold): PyTorch's subgradients."""
    for dt in (np.float64, np.float32):
        e = ember.tensor(KINKS.astype(dt), requires_grad=True)
        t = torch.tensor(KINKS.astype(dt), requires_grad=True)
        ey, ty = getattr(EF, name)(e, **kw), getattr(TF, name)(t, **kw)
        ey.backward(ember.ones_like(ey))
        ty.backward(torch.ones_like(ty))
        tol = dict(rtol=1e-12, atol=1e-14) if dt == np.float64 else dict(rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), **tol)
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), **(dict(rtol=1e-7) if name == "hardsigmoid"
                                                                       else tol))
        assert ey.grad_fn.name() == ty.grad_fn.name()


@pytest.mark.parametrize("name", ["softplus", "logsigmoid", "silu", "mish", "gelu", "elu", "selu", "celu",
                                  "sigmoid", "tanh", "softsign", "hardswish", "tanhshrink"])
def test_large_inputs_stay_finite(name):
    x = np.array([-1e4, -100.0, -30.0, 30.0, 100.0, 1e4], dtype=np.float32)
    e = ember.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    ey, ty = getattr(EF, name)(e), getattr(TF, name)(t)
    ey.sum().backward()
    ty.sum().backward()
    assert np.isfinite(ey.detach().numpy()).all() and np.isfinite(e.grad.numpy()).all()
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), rtol=1e-5, atol=1e-30)
    np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-5, atol=1e-30)


def test_gelu_erf_accuracy_over_a_wide_range():
    x = np.concatenate([np.linspace(-12, 12, 4001), [0.0, -0.0, 3.5355, -3.5355]])
    e = EF.gelu(ember.tensor(x)).numpy()
    t = TF.gelu(torch.tensor(x)).numpy()
    np.testing.assert_allclose(e, t, rtol=1e-13, atol=1e-15)
    assert np.isnan(EF.gelu(ember.tensor([np.nan])).numpy()).all()


INPLACE = [("relu", {}), ("relu6", {}), ("leaky_relu", {"negative_slope": 0.1}), ("elu", {"alpha": 0.7}),
           ("selu", {}), ("celu", {}), ("silu", {}), ("mish", {}), ("hardtanh", {}), ("hardswish", {}),
           ("hardsigmoid", {}), ("threshold", {"threshold": 0.1, "value": 5.0})]


@pytest.mark.parametrize("name,kw", INPLACE, ids=lambda v: str(v))
def test_inplace_argument(name, kw):
    x = np.random.default_rng(0).uniform(-4, 4, (3, 4))
    e = ember.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    ey, ty = e * 2, t * 2
    eo = getattr(EF, name)(ey, inplace=True, **kw)
    to = getattr(TF, name)(ty, inplace=True, **kw)
    assert eo is ey
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), rtol=1e-12)
    (eo * eo).sum().backward()
    (to * to).sum().backward()
    # NOTE: torch's hardsigmoid derivative uses 1/6 rounded to float32, even for float64
    np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-7 if name == "hardsigmoid" else 1e-12)


@pytest.mark.parametrize("name,args", [("relu_", ()), ("elu_", (0.5,)), ("leaky_relu_", (0.3,)), ("selu_", ()),
                                       ("celu_", (2.0,)), ("hardtanh_", (-0.5, 0.5)), ("threshold_", (0.2, 9.0))])
def test_underscore_inplace_variants(name, args):
    x = np.random.default_rng(1).uniform(-2, 2, (5,))
    e, t = ember.tensor(x), torch.tensor(x)
    assert getattr(EF, name)(e, *args) is e
    getattr(TF, name)(t, *args)
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-12)
    assert e._version == t._version == 1


def test_inplace_on_leaf_that_requires_grad_raises():
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        EF.relu(ember.ones(3, requires_grad=True), inplace=True)


@pytest.mark.parametrize("call,exc,msg", [
    (lambda F, x: F.hardtanh(x, 2.0, 1.0), ValueError, "min_val cannot be greater than max_val"),
    (lambda F, x: F.softshrink(x, -1.0), RuntimeError,
     "lambda must be in range [0, 3.40282e+38] for input dtype Float, but found -1"),
    (lambda F, x: F.softshrink(x.double(), -0.5), RuntimeError,
     "lambda must be in range [0, 1.79769e+308] for input dtype Double, but found -0.5"),
    (lambda F, x: F.celu(x, 0.0), RuntimeError, "ZeroDivisionError: alpha cannot be 0 for CELU"),
    (lambda F, x: F.gelu(x, approximate="erf"), RuntimeError, "approximate argument must be either none or tanh."),
    (lambda F, x: F.glu(x[:, :3]), RuntimeError, "Halving dimension must be even, but dimension 1 is size 3"),
    (lambda F, x: F.glu(x.sum()), RuntimeError, "glu does not support scalars because halving size must be even"),
    (lambda F, x: F.prelu(x, x[0, :3]), RuntimeError,
     "Mismatch of parameter numbers and input channel size. Found parameter numbers = 3 and channel size = 4."),
    (lambda F, x: F.prelu(x, x[0, :1].double()), RuntimeError,
     "prelu: Type promoting not supported. Got Float and Double"),
    (lambda F, x: F.prelu(x, x[:, :2]), RuntimeError,
     "prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = 2"),
])
def test_errors_as_torch(call, exc, msg):
    with pytest.raises(exc) as te:
        call(TF, torch.ones(2, 4))
    assert str(te.value) == msg
    with pytest.raises(exc) as ee:
        call(EF, ember.ones(2, 4))
    assert str(ee.value) == msg


MODULES = [
    ("ReLU", ()), ("ReLU", (True,)), ("ReLU6", ()), ("ReLU6", (True,)), ("LeakyReLU", ()), ("LeakyReLU", (0.2, True)),
    ("PReLU", ()), ("ELU", ()), ("ELU", (0.5, True)), ("SELU", ()), ("SELU", (True,)), ("CELU", (1.3,)),
    ("GELU", ()), ("GELU", ("tanh",)), ("SiLU", ()), ("SiLU", (True,)), ("Mish", ()), ("Mish", (True,)),
    ("Sigmoid", ()), ("Tanh", ()), ("Softplus", ()), ("Softplus", (2.0, 5.0)), ("Softsign", ()),
    ("Softmax", (1,)), ("Softmin", (0,)), ("LogSoftmax", (-1,)), ("Softmax2d", ()), ("Hardtanh", ()),
    ("Hardtanh", (-2, 2, True)), ("Hardswish", ()), ("Hardswish", (True,)), ("Hardsigmoid", ()),
    ("LogSigmoid", ()), ("Tanhshrink", ()), ("Softshrink", ()), ("Hardshrink", (0.3,)), ("Threshold", (0.1, 20)),
    ("Threshold", (0.1, 20.0, True)), ("GLU", ()), ("GLU", (1,)),
]


@pytest.mark.parametrize("name,args", MODULES, ids=lambda v: str(v))
def test_module_matches_torch(name, args):
    tm, em = getattr(tnn, name)(*args), getattr(enn, name)(*args)
    assert repr(em) == repr(tm)
    em.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    x = np.random.default_rng(2).uniform(-4, 4, (2, 4, 3, 2))
    for dt in (np.float64, np.float32):
        e = ember.tensor(x.astype(dt), requires_grad=True)
        t = torch.tensor(x.astype(dt), requires_grad=True)
        em, tm = (em.double(), tm.double()) if dt == np.float64 else (em.float(), tm.float())
        ey, ty = em(e * 1), tm(t * 1)
        tol = dict(rtol=1e-12, atol=1e-14) if dt == np.float64 else dict(rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), **tol)
        seed = np.random.default_rng(3).standard_normal(tuple(ty.shape)).astype(dt)
        ey.backward(ember.tensor(seed))
        ty.backward(torch.tensor(seed))
        # NOTE: torch's CELU backward rounds 1/alpha, and Hardsigmoid's 1/6, to float32 even in float64
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(),
                                   **(dict(rtol=2e-7) if name in ("CELU", "Hardsigmoid") else tol))


def test_module_reprs_with_other_arguments():
    for args in [("PReLU", (3, 0.1)), ("Softmax", ()), ("Hardsigmoid", (True,)), ("ELU", (1,)),
                 ("LeakyReLU", (1,)), ("Softshrink", (1,))]:
        assert repr(getattr(enn, args[0])(*args[1])) == repr(getattr(tnn, args[0])(*args[1]))
    seq_t = tnn.Sequential(tnn.ReLU(True), tnn.LeakyReLU(0.2), tnn.Softmax(dim=1))
    seq_e = enn.Sequential(enn.ReLU(True), enn.LeakyReLU(0.2), enn.Softmax(dim=1))
    assert repr(seq_e) == repr(seq_t)


@pytest.mark.parametrize("num,shape", [(1, (2, 3)), (3, (2, 3)), (3, (2, 3, 4, 2)), (1, (5,)), (1, ())])
def test_prelu_parameter_gradients(num, shape):
    tm, em = tnn.PReLU(num, init=0.1).double(), enn.PReLU(num, init=0.1).double()
    np.testing.assert_array_equal(em.weight.detach().numpy(), tm.weight.detach().numpy())
    assert list(dict(em.named_parameters())) == ["weight"]
    em.weight.data = ember.tensor([0.1, -0.3, 0.7][:num], dtype=ember.float64)
    with torch.no_grad():
        tm.weight.copy_(torch.tensor([0.1, -0.3, 0.7][:num], dtype=torch.float64))
    x = np.random.default_rng(4).uniform(-2, 2, shape)
    e = ember.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    (em(e) ** 2).sum().backward()
    (tm(t) ** 2).sum().backward()
    np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(em.weight.grad.numpy(), tm.weight.grad.numpy(), rtol=1e-12)
    assert em(e).grad_fn.name() == tm(t).grad_fn.name() == "PreluKernelBackward0"


def test_softmax2d_and_hardtanh_errors():
    with pytest.raises(ValueError, match="Softmax2d: expected input to be 3D or 4D, got 2D instead"):
        enn.Softmax2d()(ember.ones(2, 3))
    with pytest.raises(AssertionError):
        enn.Hardtanh(1.0, 1.0)
    with pytest.warns(FutureWarning, match="`min_value` is deprecated"):
        assert enn.Hardtanh(min_value=-3.0).min_val == -3.0


def test_softmax_module_implicit_dim_warns_as_torch():
    x = np.random.default_rng(5).standard_normal((2, 3))
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        e = enn.Softmax()(ember.tensor(x))
    np.testing.assert_allclose(e.numpy(), TF.softmax(torch.tensor(x), 1).numpy(), rtol=1e-12)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kw", [{}, dict(lower=0.1, upper=0.3)])
def test_rrelu_eval_matches_torch(dtype, kw):
    x = np.random.default_rng(0).standard_normal((3, 4)).astype(dtype)
    x[0, 0] = 0
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    me, mt = enn.RReLU(**kw).eval(), tnn.RReLU(**kw).eval()
    assert repr(me) == repr(mt)
    ye, yt = me(xe), mt(xt)
    assert type(ye.grad_fn).__name__ == type(yt.grad_fn).__name__
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-6)
    g = np.random.default_rng(1).standard_normal((3, 4)).astype(dtype)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-6)
    np.testing.assert_allclose(EF.rrelu(ember.tensor(x), **kw).numpy(), TF.rrelu(torch.tensor(x), **kw).numpy(),
                               rtol=1e-6)


def test_rrelu_training_draws_slopes_in_range():
    x = np.random.default_rng(2).standard_normal(2000)
    xe = ember.tensor(x, requires_grad=True)
    ember.manual_seed(0)
    y = EF.rrelu(xe, 0.1, 0.3, training=True)
    y.sum().backward()
    slope = y.detach().numpy() / x
    neg = x < 0
    np.testing.assert_allclose(slope[~neg], 1)
    assert slope[neg].min() >= 0.1 and slope[neg].max() <= 0.3 and len(np.unique(slope[neg])) == neg.sum()
    assert abs(slope[neg].mean() - 0.2) < 0.01 and abs(slope[neg].std() - 0.2 / np.sqrt(12)) < 0.01
    np.testing.assert_allclose(xe.grad.numpy(), slope)      # the gradient is the noise
    ember.manual_seed(0)
    np.testing.assert_array_equal(EF.rrelu(ember.tensor(x), 0.1, 0.3, training=True).numpy(), y.detach().numpy())
    m = enn.RReLU(0.1, 0.3)
    assert not np.array_equal(m(ember.tensor(x)).numpy(), y.detach().numpy())


def test_rrelu_gradcheck_and_inplace():
    x = ember.tensor(np.random.default_rng(3).standard_normal((2, 3)) + 0.05, requires_grad=True)
    assert ember.autograd.gradcheck(lambda x: EF.rrelu(x), (x,))
    assert ember.autograd.gradgradcheck(lambda x: EF.rrelu(x, 0.2, 0.4), (x,))
    x = np.random.default_rng(4).standard_normal(6)
    xe, xt = ember.tensor(x), torch.tensor(x)
    assert EF.rrelu_(xe) is xe
    TF.rrelu_(xt)
    np.testing.assert_allclose(xe.numpy(), xt.numpy())
    ye = ember.tensor(x)
    out = enn.RReLU(inplace=True).eval()(ye)
    assert out is ye and ye._vc[0] > 0 and repr(enn.RReLU(inplace=True)) == repr(tnn.RReLU(inplace=True))
    np.testing.assert_allclose(ye.numpy(), xt.numpy())


def test_gumbel_softmax_samples_the_categorical_and_hard_passes_the_soft_gradient():
    F = ember.nn.functional
    logits = ember.tensor([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]], dtype=ember.float64)
    ember.manual_seed(0)
    draws = F.gumbel_softmax(logits.expand(20000, 2, 3), hard=True)
    assert set(np.unique(draws.numpy())) == {0.0, 1.0} and (draws.sum(-1) == 1).all()
    np.testing.assert_allclose(draws.numpy().mean(0), F.softmax(logits, -1).numpy(), atol=0.015)   # Gumbel-max
    w = ember.tensor([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]], dtype=ember.float64)
    grads = []
    for hard in (True, False):       # the same noise (same seed): the hard sample has the soft one's gradient
        x = logits.detach().requires_grad_()
        ember.manual_seed(1)
        y = F.gumbel_softmax(x, tau=0.7, hard=hard)
        (y * w).sum().backward()
        grads.append(x.grad.numpy())
        if not hard:
            np.testing.assert_allclose(y.detach().sum(-1).numpy(), 1.0, rtol=1e-12)
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)
    for lib in (ember, torch):
        with pytest.raises(IndexError, match=r"out of range \(expected to be in range of \[-1, 0\], but got 2\)"):
            lib.nn.functional.gumbel_softmax(lib.ones(3), dim=2)


@pytest.mark.parametrize("name, call", [
    ("hardtanh", lambda F, x: F.hardtanh(x)), ("relu6", lambda F, x: F.relu6(x)),
    ("hardsigmoid", lambda F, x: F.hardsigmoid(x)), ("hardswish", lambda F, x: F.hardswish(x)),
    ("softshrink", lambda F, x: F.softshrink(x)), ("hardshrink", lambda F, x: F.hardshrink(x)),
    ("threshold", lambda F, x: F.threshold(x, 0.1, 20.0))])
def test_nan_or_inf_gradient_where_the_activation_is_flat_gives_zero_as_torch(name, call):
    grads = []
    for lib in (ember, torch):
        x = lib.tensor([-5.0, 0.05, 0.3, 7.0], dtype=lib.float64, requires_grad=True)
        call(lib.nn.functional, x).backward(lib.tensor([np.nan, np.inf, 2.0, np.nan], dtype=lib.float64))
        grads.append(x.grad.numpy())
    # 1e-7: torch's float64 hardsigmoid gradient uses 1/6 rounded to float32
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-7, atol=0)     # nan only where torch has nan
