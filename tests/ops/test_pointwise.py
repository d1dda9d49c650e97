"""Pointwise ops: values and gradients against torch, gradcheck and gradgradcheck (tests/oracle.py)."""
import operator
import subprocess
import sys

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import ember
from tests.oracle import OpSpec, check_op

U = [((3, 4),), ((),), ((0, 3),)]            # unary cases: matrix, 0-d, empty
B = [((3, 4), (3, 4)), ((2, 1, 4), (3, 1)), ((), (2, 3)), ((0, 2), (2,))]   # binary, with broadcasting
POS = (0.2, 2.0)
UNIT = (-0.9, 0.9)


def unary(name, domain=(-2.0, 2.0), gradgrad=True, **kw):
    return OpSpec(name, getattr(ember, name), getattr(torch, name), U, domain=domain, gradgrad=gradgrad, **kw)


def binary(name, efn=None, tfn=None, domain=(-2.0, 2.0), **kw):
    return OpSpec(name, efn or getattr(ember, name), tfn or getattr(torch, name), B, domain=domain, **kw)


def _away_from_ties(rng, case):
    # maximum/minimum: distinct values, so that finite differences do not straddle a tie
    return [rng.permutation(np.linspace(-2, 2, int(np.prod(s)) or 1))[: int(np.prod(s))].reshape(s) + 0.01 * i
            for i, s in enumerate(case)]


def _pow_inputs(rng, case):
    return [rng.uniform(0.5, 2.0, case[0]), rng.uniform(-2.0, 2.0, case[1])]


def _nonzero(rng, case):
    return [rng.uniform(0.5, 2.0, s) * rng.choice([-1, 1], s) for s in case]


SPECS = [
    unary("neg"), unary("abs", make=_nonzero), unary("exp"), unary("exp2"), unary("expm1"),
    unary("log", POS), unary("log2", POS), unary("log10", POS), unary("log1p", POS),
    unary("sqrt", POS), unary("rsqrt", POS), unary("square"), unary("reciprocal", make=_nonzero),
    unary("sin"), unary("cos"), unary("tan", UNIT), unary("asin", UNIT), unary("acos", UNIT), unary("atan"),
    unary("sinh"), unary("cosh"), unary("tanh"), unary("asinh"), unary("acosh", (1.2, 3.0)), unary("atanh", UNIT),
    unary("sigmoid"), unary("erf", (-4.0, 4.0)), unary("relu", make=_nonzero), unary("sign", make=_nonzero), unary("floor", make=_nonzero),
    unary("ceil", make=_nonzero), unary("trunc", make=_nonzero), unary("round", make=_nonzero),
    unary("frac", make=_nonzero),
    binary("add"), binary("sub"), binary("mul"), binary("div", make=_nonzero), binary("atan2", make=_nonzero),
    binary("pow", make=_pow_inputs), binary("maximum", make=_away_from_ties),
    binary("minimum", make=_away_from_ties), binary("remainder", make=_nonzero, gradgrad=False),
    binary("fmod", make=_nonzero, gradgrad=False),
    binary("add_alpha", lambda a, b: ember.add(a, b, alpha=2.5), lambda a, b: torch.add(a, b, alpha=2.5)),
    binary("rsub_op", lambda a, b: 1.5 - a * b, lambda a, b: 1.5 - a * b),
    binary("rdiv_op", lambda a, b: 2.0 / a + b, lambda a, b: 2.0 / a + b, make=_nonzero),
    binary("rpow_op", lambda a, b: 2.0 ** a * b, lambda a, b: 2.0 ** a * b),
    binary("scalar_pow", lambda a, b: a ** 3 + b ** 2, lambda a, b: a ** 3 + b ** 2),
    OpSpec("clamp", lambda x: ember.clamp(x, -0.5, 0.7), lambda x: torch.clamp(x, -0.5, 0.7), U, make=_nonzero),
    OpSpec("clamp_min", lambda x: x.clamp(min=0.3), lambda x: x.clamp(min=0.3), U, make=_nonzero),
    OpSpec("clamp_tensor", lambda x, lo: ember.clamp(x, min=lo), lambda x, lo: torch.clamp(x, min=lo),
           [((3, 4), (4,))], make=_away_from_ties),
    OpSpec("where", lambda c, a, b: ember.where(c > 0, a, b), lambda c, a, b: torch.where(c > 0, a, b),
           [((3, 4), (3, 4), (4,)), ((2, 3), (), (2, 3))], nondiff=(0,)),
    OpSpec("lerp", ember.lerp, torch.lerp, [((3, 4), (3, 4), (3, 4)), ((2, 3), (3,), (2, 1))]),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_op_matches_torch(spec):
    check_op(spec)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=0, max_size=3), st.lists(st.booleans(), min_size=3, max_size=3),
       st.integers(0, 2), st.sampled_from(["add", "sub", "mul", "div"]))
def test_broadcasting_matches_torch(shape, ones, drop, name):
    """Random broadcast pairs: a shape, and the same shape with some dims set to 1 and leading dims dropped."""
    other = [1 if one else s for s, one in zip(shape, ones)][drop:]
    rng = np.random.default_rng(len(shape))
    a = rng.uniform(0.5, 2, shape)
    b = rng.uniform(0.5, 2, other)
    spec = OpSpec(name, getattr(ember, name), getattr(torch, name), [])
    from tests.oracle import compare
    compare(spec, [a, b], np.float64)


@pytest.mark.parametrize("ea, eb, expected", [
    (ember.ones(3, dtype=ember.int32), 2.5, ember.float32),
    (ember.ones(3, dtype=ember.float16), 2.5, ember.float16),
    (ember.ones(3, dtype=ember.float32), ember.tensor(2.0, dtype=ember.float64), ember.float32),
    (ember.ones(3, dtype=ember.int32), ember.tensor(2.0, dtype=ember.float64), ember.float64),
    (ember.ones(3, dtype=ember.float32), ember.ones(3, dtype=ember.float64), ember.float64),
    (ember.ones(3, dtype=ember.int64), ember.ones(3, dtype=ember.float16), ember.float16),
    (ember.ones(3, dtype=ember.uint8), ember.ones(3, dtype=ember.int8), ember.int16),
    (ember.ones(3, dtype=ember.bool), 2, ember.int64),
    (ember.ones(3, dtype=ember.int32), ember.tensor(7), ember.int32),
])
def test_type_promotion_follows_torch(ea, eb, expected):
    assert (ea * eb).dtype == expected
    to_t = lambda v: torch.tensor(v.numpy()) if isinstance(v, ember.Tensor) else v
    assert str((to_t(ea) * to_t(eb)).dtype).split(".")[1] == expected.name


def test_integer_division_gives_default_float():
    a, b = ember.tensor([3, 4]), ember.tensor([2, 8])
    assert (a / b).dtype == ember.float32
    assert (a / b).tolist() == [1.5, 0.5]
    assert (a // b).tolist() == [1, 0] and (a // b).dtype == ember.int64
    assert ember.div(ember.tensor([-7]), 2, rounding_mode="trunc").tolist() == [-3]
    assert ember.div(ember.tensor([-7]), 2, rounding_mode="floor").tolist() == [-4]


def test_broadcast_mismatch_names_both_shapes():
    with pytest.raises(RuntimeError, match=r"size of tensor a \(3\) must match the size of tensor b \(4\).*\[3\] and \[4\]"):
        ember.ones(3) + ember.ones(4)


def test_subgradients_at_kinks_match_torch():
    x = [-1.0, 0.0, 0.0, 2.0]
    for name, fn in [("relu", lambda t: t.relu()), ("abs", lambda t: t.abs()),
                     ("clamp", lambda t: t.clamp(0.0, 2.0)), ("max", lambda t: ember.maximum(t, t * 0) if
                                                              isinstance(t, ember.Tensor) else torch.maximum(t, t * 0))]:
        e = ember.tensor(x, requires_grad=True)
        t = torch.tensor(x, requires_grad=True)
        fn(e).sum().backward()
        fn(t).sum().backward()
        assert e.grad.tolist() == t.grad.tolist(), name


def test_ndarray_on_the_left_defers_to_tensor():
    x = ember.ones(2, requires_grad=True)
    y = np.array([2.0, 3.0], dtype=np.float32) * x
    assert isinstance(y, ember.Tensor) and y.grad_fn.name() == "MulBackward0"
    assert y.tolist() == [2.0, 3.0]


def test_comparisons_give_bool_and_no_grad():
    x = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for op in (operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne):
        r = op(x, 2.0)
        assert r.dtype == ember.bool and not r.requires_grad
        assert r.tolist() == op(torch.tensor([1.0, 2.0, 3.0]), 2.0).tolist()


def test_erf_and_sigmoid_at_extremes_match_torch():
    x = np.array([-40.0, -6.0, -2.5, -2.4999, -1e-8, 0.0, 1e-8, 2.4999, 2.5, 6.0, 40.0])
    for e_fn, t_fn in ((ember.erf, torch.erf), (ember.sigmoid, torch.sigmoid)):
        np.testing.assert_allclose(e_fn(ember.tensor(x)).numpy(), t_fn(torch.tensor(x)).numpy(), rtol=1e-14,
                                   atol=1e-300)


def test_ops_give_inf_and_nan_silently_as_torch():
    """NumPy's floating-point warnings from ember's ops are ignored (even under -W error); the user's own are not."""
    code = ("import ember, numpy, warnings\n"
            "r = [(ember.tensor([0., 1.]).log() / 0).tolist(), ember.tensor([1e30]).float().exp().tolist()]\n"
            "print(r)\n"
            "try:\n    numpy.log(numpy.zeros(1))\nexcept RuntimeWarning as w:\n    print('user warned:', w)\n")
    run = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout == "[[-inf, nan], [inf]]\nuser warned: divide by zero encountered in log\n"
