"""addcmul, xlogy, logaddexp, hypot, copysign, frexp, gcd ... against torch: values, gradients, dtypes, errors."""
import numpy as np
import pytest
import torch

import ember
from tests.oracle import OpSpec, check_op

B = [((3, 4), (3, 4)), ((2, 1, 4), (3, 1)), ((), (2, 3)), ((0, 2), (2,))]
T3 = [((3, 4), (3, 4), (3, 4)), ((2, 1), (3,), (2, 3)), ((), (2,), ())]


def _pos(rng, case):
    return [rng.uniform(0.3, 3.0, s) for s in case]


def _nonzero(rng, case):
    return [rng.uniform(0.5, 2.0, s) * rng.choice([-1, 1], s) for s in case]


SPECS = [
    OpSpec("addcmul", lambda a, b, c: ember.addcmul(a, b, c, value=-1.5),
           lambda a, b, c: torch.addcmul(a, b, c, value=-1.5), T3),
    OpSpec("addcdiv", lambda a, b, c: a.addcdiv(b, c, value=0.5), lambda a, b, c: a.addcdiv(b, c, value=0.5), T3,
           make=_nonzero),
    OpSpec("logaddexp", ember.logaddexp, torch.logaddexp, B, domain=(-3, 3)),
    OpSpec("logaddexp2", ember.logaddexp2, torch.logaddexp2, B, domain=(-3, 3)),
    OpSpec("hypot", ember.hypot, torch.hypot, B, make=_nonzero),
    OpSpec("xlogy", ember.xlogy, torch.xlogy, B, make=_pos),
    OpSpec("xlogy_scalar", lambda a: ember.xlogy(a, 2.5) + ember.xlogy(1.5, a),
           lambda a: torch.xlogy(a, 2.5) + torch.xlogy(1.5, a), [((3, 4),), ((),)], make=_pos),
    OpSpec("copysign", ember.copysign, torch.copysign, B, make=_nonzero),
    OpSpec("ldexp", lambda a, b: ember.ldexp(a, b.round()), lambda a, b: torch.ldexp(a, b.round()), B,
           gradgrad=False, nondiff=(1,)),
    OpSpec("nan_to_num", ember.nan_to_num, torch.nan_to_num, [((3, 4),), ((),)]),
    OpSpec("sgn", ember.sgn, torch.sgn, [((3, 4),), ((0,),)], make=_nonzero, grad=False),
    OpSpec("frexp", lambda x: ember.frexp(x).mantissa * 2, lambda x: torch.frexp(x).mantissa * 2,
           [((3, 4),), ((),)], make=_nonzero),
    OpSpec("round_decimals", lambda x: ember.round(x * 7, decimals=2) + x,
           lambda x: torch.round(x * 7, decimals=2) + x, [((3, 4),)]),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_op_matches_torch(spec):
    check_op(spec)


INF, NAN = float("inf"), float("nan")
SPECIAL = [0.0, -0.0, 1.5, -2.0, INF, -INF, NAN]


@pytest.mark.parametrize("name", ["logaddexp", "logaddexp2", "hypot", "xlogy", "copysign", "nextafter", "heaviside"])
def test_binary_edge_values_match_torch(name):
    a = np.array(SPECIAL)[:, None] + np.zeros(len(SPECIAL))
    b = a.T.copy()
    e = getattr(ember, name)(ember.tensor(a), ember.tensor(b)).numpy()
    t = getattr(torch, name)(torch.tensor(a), torch.tensor(b)).numpy()
    np.testing.assert_allclose(e, t, rtol=1e-15, atol=0)


@pytest.mark.parametrize("name", ["signbit", "isposinf", "isneginf", "isreal", "sgn", "nan_to_num", "sinc"])
def test_unary_edge_values_match_torch(name):
    e = getattr(ember, name)(ember.tensor(SPECIAL, dtype=ember.float64)).numpy()
    t = getattr(torch, name)(torch.tensor(SPECIAL, dtype=torch.float64)).numpy()
    np.testing.assert_array_equal(e, t)


def test_nan_to_num_arguments_and_frexp_fields():
    x = [NAN, INF, -INF, 1.0]
    e = ember.nan_to_num(ember.tensor(x), nan=2.0, posinf=3.0).tolist()
    assert e == torch.nan_to_num(torch.tensor(x), nan=2.0, posinf=3.0).tolist()
    m, ex = ember.frexp(ember.tensor([8.0, -0.75, 0.0]))
    tm, tex = torch.frexp(torch.tensor([8.0, -0.75, 0.0]))
    assert m.tolist() == tm.tolist() and ex.tolist() == tex.tolist() and ex.dtype == ember.int32


def test_integer_ops_match_torch():
    a, b = [-4, 0, 0, 12, 7], [6, -5, 0, 18, 3]
    for name in ("gcd", "lcm"):
        e = getattr(ember, name)(ember.tensor(a), ember.tensor(b))
        assert e.tolist() == getattr(torch, name)(torch.tensor(a), torch.tensor(b)).tolist()
        assert e.dtype == ember.int64
    i = [1, 2, -3]
    assert ember.addcmul(ember.tensor(i), ember.tensor(i), ember.tensor(i), value=2).tolist() == [3, 10, 15]
    for name in ("xlogy", "copysign", "ldexp"):
        e = getattr(ember, name)(ember.tensor(i), ember.tensor(i))
        t = getattr(torch, name)(torch.tensor(i), torch.tensor(i))
        assert e.dtype == ember.float32
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6)
    assert ember.sgn(ember.tensor([True, False])).tolist() == [True, False]


@pytest.mark.parametrize("call, err, msg", [
    (lambda: ember.gcd(ember.ones(2), ember.ones(2)), NotImplementedError, "\"gcd_cpu\" not implemented for 'Float'"),
    (lambda: ember.hypot(ember.tensor([1]), ember.tensor([1])), NotImplementedError,
     "\"hypot_cpu\" not implemented for 'Long'"),
    (lambda: ember.hypot(ember.ones(2), 2.0), TypeError, "argument 'other' \\(position 2\\) must be Tensor"),
    (lambda: ember.addcdiv(ember.tensor([1]), ember.tensor([1]), ember.tensor([1])), RuntimeError,
     "Integer division with addcdiv is no longer supported"),
    (lambda: ember.frexp(ember.tensor([1])), RuntimeError, "only supports floating-point dtypes"),
    (lambda: ember.heaviside(ember.ones(2), ember.tensor([1])), RuntimeError, "different dtypes"),
    (lambda: ember.round(ember.tensor([1]), decimals=1), NotImplementedError, "\"round_cpu\" not implemented for 'Long'"),
])
def test_errors_match_torch(call, err, msg):
    with pytest.raises(err, match=msg):
        call()


@pytest.mark.parametrize("name, fn, node", [
    ("addcmul", lambda x: ember.addcmul(x, x, x), "AddcmulBackward0"),
    ("xlogy1", lambda x: ember.xlogy(2.0, x), "XlogyBackward1"),
    ("xlogy2", lambda x: ember.xlogy(x, 2.0), "XlogyBackward2"),
    ("copysign1", lambda x: ember.copysign(x, -1.0), "CopysignBackward1"),
    ("logaddexp", lambda x: ember.logaddexp(x, x), "LogaddexpBackward0"),
    ("hypot", lambda x: ember.hypot(x, x), "HypotBackward0"),
    ("nan_to_num", lambda x: x.nan_to_num(), "NanToNumBackward0"),
    ("frexp", lambda x: x.frexp()[0], "FrexpBackward0"),
    ("round", lambda x: x.round(decimals=1), "RoundBackward1"),
    ("polygamma", lambda x: x.polygamma(2), "PolygammaBackward0"),
])
def test_grad_fn_names(name, fn, node):
    assert fn(ember.tensor([0.5, 1.5], requires_grad=True)).grad_fn.name() == node


def test_heaviside_backward_is_not_implemented():
    x = ember.tensor([0.0, 1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="derivative for aten::heaviside is not implemented"):
        ember.heaviside(x, x).sum().backward()


def test_inplace_forms_match_torch():
    x = np.array([0.5, 1.5, 2.5])
    for name, call in [("addcmul_", lambda m, t: t.addcmul_(m.tensor(x), m.tensor(x), value=2)),
                       ("lgamma_", lambda m, t: t.lgamma_()), ("polygamma_", lambda m, t: t.polygamma_(1)),
                       ("xlogy_", lambda m, t: t.xlogy_(3.0)), ("hypot_", lambda m, t: t.hypot_(m.tensor(x))),
                       ("erfinv_", lambda m, t: t.mul_(0.3).erfinv_())]:
        e, t = ember.tensor(x), torch.tensor(x)
        r = call(ember, e)
        call(torch, t)
        assert r is e and e._vc[0] >= 1, name
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-9, err_msg=name)


def _grads_both(fn, values, grad_out):
    """Gradients of fn(*tensors) for ember and torch from the same float64 values and output gradient."""
    out = []
    for lib in (ember, torch):
        ts = [lib.tensor(v, dtype=lib.float64, requires_grad=True) for v in values]
        fn(lib, *ts).backward(lib.tensor(grad_out, dtype=lib.float64))
        out.append([None if t.grad is None else t.grad.numpy() for t in ts])
    return out


@pytest.mark.parametrize("name, others", [("xlogy", [2., 0., -1., np.nan, 3.]), ("xlog1py", [2., -1., -2., np.nan, 3.])])
def test_xlogy_gradients_where_input_is_zero_match_torch(name, others):
    # input 0: d/dx is log(other) (log1p), 0 outside log's domain; a zero incoming gradient gives 0 even where log is -inf
    fn = (lambda lib, x, y: getattr(lib.special if name == "xlog1py" else lib, name)(x, y))
    ours, theirs = _grads_both(fn, [[0., 0., 0., 1., 0.], others], [1., 1., 1., 1., 0.])
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12, equal_nan=True)


@pytest.mark.parametrize("bounds", ["both", "min", "max"])
def test_clamp_with_tensor_bounds_sends_ties_to_input_as_torch(bounds):
    x, lo, hi = [1., 2., 0.5, 3., 1.], [1., 0., 1., 4., 2.], [1., 1., 3., 5., 0.]    # ties, above, below, lo > hi

    def fn(lib, x, lo, hi):
        return lib.clamp(x, min=lo if bounds != "max" else None, max=hi if bounds != "min" else None)
    (ours, theirs) = _grads_both(fn, [x, lo, hi], [1., 2., 3., 4., 5.])
    for a, b in zip(ours, theirs):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("op", ["relu", "clamp_number", "clamp_tensor"])
def test_nan_gradient_outside_the_mask_gives_zero_as_torch(op):
    fns = {"relu": lambda lib, x: lib.relu(x), "clamp_number": lambda lib, x: lib.clamp(x, min=0.0, max=1.5),
           "clamp_tensor": lambda lib, x: lib.clamp(x, min=lib.zeros(3, dtype=lib.float64))}
    (ours,), (theirs,) = _grads_both(fns[op], [[-1., 2., 0.5]], [np.nan, np.inf, 1.])
    np.testing.assert_array_equal(ours, theirs)


def test_relu_of_bools_raises_as_torch():
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="^Boolean inputs not supported for relu$"):
            lib.relu(lib.tensor([True, False]))


@pytest.mark.parametrize("name, arg", [("exp", 3), ("sin", [1.0]), ("tanh", None), ("sigmoid", 2.5)])
def test_unary_op_of_a_non_tensor_raises_torchs_type_error(name, arg):
    with pytest.raises(TypeError) as theirs:
        getattr(torch, name)(arg)
    with pytest.raises(TypeError) as ours:
        getattr(ember, name)(arg)
    assert str(ours.value) == str(theirs.value)


def test_lerp_is_exact_at_both_ends_as_torch():
    rng = np.random.default_rng(7)
    a, b = rng.standard_normal(50), rng.standard_normal(50)
    for w, exact in ((0.0, a), (1.0, b), (np.where(rng.random(50) < 0.5, 0.0, 1.0), None), (0.8, None), (-0.7, None),
                     (rng.uniform(-1.5, 1.5, 50), None)):
        got, want = (lib.lerp(lib.tensor(a), lib.tensor(b), lib.tensor(w) if isinstance(w, np.ndarray) else w).numpy()
                     for lib in (ember, torch))
        np.testing.assert_allclose(got, want, rtol=1e-15, atol=1e-16)   # torch's kernel may fuse a multiply-add
        if exact is not None or isinstance(w, np.ndarray) and set(np.unique(w)) <= {0.0, 1.0}:
            np.testing.assert_array_equal(got, exact if exact is not None else np.where(w == 1.0, b, a))


@pytest.mark.parametrize("op", [lambda lib, x: lib.add(x, x, alpha=0.5), lambda lib, x: lib.sub(x, x, alpha=0.5),
                                lambda lib, x: lib.rsub(x, x, alpha=0.5), lambda lib, x: x.clone().add_(x, alpha=0.5)])
def test_float_alpha_with_integral_tensors_raises_as_torch(op):
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="For integral input tensors, argument alpha must not be a floating "
                                               "point number."):
            op(lib, lib.tensor([1, 2]))
    np.testing.assert_array_equal(ember.add(ember.ones(2), 1, alpha=0.5).numpy(), [1.5, 1.5])


@pytest.mark.parametrize("name", ["bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not"])
def test_bitwise_ops_refuse_floats_and_take_bools_as_torch(name):
    for lib in (ember, torch):
        fn = getattr(lib, name)
        args = (lambda x: (x,)) if name == "bitwise_not" else (lambda x: (x, x))
        for dt, shown in ((lib.float32, "Float"), (lib.float64, "Double")):
            with pytest.raises(NotImplementedError, match=f'"{name}_cpu" not implemented for \'{shown}\''):
                fn(*args(lib.ones(2, dtype=dt)))
    for values in ([True, False], [5, -3]):
        got, want = (getattr(lib, name)(*(lambda x: (x,) if name == "bitwise_not" else (x, x.flip(0)))(
            lib.tensor(values))).numpy() for lib in (ember, torch))
        np.testing.assert_array_equal(got, want)
