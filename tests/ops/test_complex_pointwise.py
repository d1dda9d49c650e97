"""Pointwise ops on complex tensors: values, dtypes and gradients against torch (and finite differences), complex
Python numbers, in-place forms, and torch's errors for the ops that refuse complex input."""
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import ember
import ember.nn.functional as EF
from tests.oracle import assert_same_errors, check_complex_op, complex_inputs

RNG = np.random.default_rng(0)


def both(f):
    """(ember's, torch's) of f(module, F, *tensors)."""
    return lambda *x: f(ember, EF, *x), lambda *x: f(torch, TF, *x)


UNARY = ["neg", "positive", "abs", "sgn", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt",
         "square", "reciprocal", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh",
         "atanh", "sigmoid", "sinc", "conj_physical"]
# name: (f(module, F, *inputs), which inputs are real)
OTHERS = {
    "add": (lambda m, F, a, b: m.add(a, b, alpha=2 - 1j), ()),
    "sub": (lambda m, F, a, b: m.sub(a, b, alpha=2.5), ()),
    "mul": (lambda m, F, a, b: a * b, ()),
    "div": (lambda m, F, a, b: a / b, ()),
    "pow": (lambda m, F, a, b: a ** b, ()),
    "pow-real-exponent": (lambda m, F, a, b: m.pow(a, b), (1,)),
    "pow-real-base": (lambda m, F, a, b: m.pow(a.abs() + 0.5, b), ()),
    "float_power": (lambda m, F, a, b: m.float_power(a, b), ()),
    "real*complex": (lambda m, F, a, b: a * b + a / b - b, (0,)),
    "numbers": (lambda m, F, a: a * 1j + (2j + a) - (1 + 1j) / a + a ** (1 + 1j) + 3 ** a, ()),
    "real-with-numbers": (lambda m, F, a: a * 1j + 2j - a ** (0.5 + 1j), (0,)),
    "logaddexp": (lambda m, F, a, b: m.logaddexp(a, b), ()),
    "ldexp": (lambda m, F, a, b: m.ldexp(a, b), ()),
    "lerp": (lambda m, F, a, b, w: m.lerp(a, b, w), ()),
    "lerp-number": (lambda m, F, a, b: m.lerp(a, b, 0.3), ()),
    "addcmul": (lambda m, F, a, b, c: m.addcmul(a, b, c, value=0.5 + 2j), ()),
    "addcdiv": (lambda m, F, a, b, c: m.addcdiv(a, b, c, value=-1.5), ()),
    "where": (lambda m, F, a, b, r: m.where(r > 0, a, b), (2,)),
    "where-number": (lambda m, F, a, r: m.where(r > 0, a, 1.5j), (1,)),
    "tanhshrink": (lambda m, F, a: F.tanhshrink(a), ()),
    "softsign": (lambda m, F, a: F.softsign(a), ()),
    "F.sigmoid-F.tanh": (lambda m, F, a: F.sigmoid(a) * F.tanh(a), ()),
}


@pytest.mark.parametrize("name", UNARY)
def test_unary_values_and_gradients(name):
    check_complex_op(getattr(ember, name), getattr(torch, name), complex_inputs(RNG, [(2, 3)]))


@pytest.mark.parametrize("name", sorted(OTHERS))
def test_binary_and_composite_values_and_gradients(name):
    f, real = OTHERS[name]
    n = f.__code__.co_argcount - 2
    check_complex_op(*both(f), complex_inputs(RNG, [(2, 3)] * n, real=real))


def test_abs_and_sgn_gradients_at_zero_match_torch():
    values = [0j, 3 - 4j, -2 + 0j, 1e-3j]
    for name in ("abs", "sgn"):
        z, zt = ember.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
        w = [1 + 2j, -1 + 0.5j, 2 - 1j, 0.5 + 0.5j]
        (getattr(ember, name)(z) * ember.tensor(w)).real.sum().backward()
        (getattr(torch, name)(zt) * torch.tensor(w)).real.sum().backward()
        np.testing.assert_allclose(z.grad.numpy(), zt.grad.numpy(), rtol=1e-6, atol=1e-7)


def test_second_derivatives_through_abs_sgn_and_pow():
    def f(m, z):
        return (m.abs(z) ** 3 + (m.sgn(z) * z.exp()).real + (z ** z).imag).sum()
    z = ember.tensor([0.5 + 1j, -1.2 + 0.3j], dtype=ember.complex128, requires_grad=True)
    zt = torch.tensor([0.5 + 1j, -1.2 + 0.3j], dtype=torch.complex128, requires_grad=True)
    g, = ember.autograd.grad(f(ember, z), z, create_graph=True)
    gt, = torch.autograd.grad(f(torch, zt), zt, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), gt.detach().numpy(), rtol=1e-12)
    (g * g.conj()).real.sum().backward()
    (gt * gt.conj()).real.sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), zt.grad.numpy(), rtol=1e-10)


def test_value_only_ops_and_dtypes():
    z = np.array([1 + 2j, np.nan + 1j, complex(np.inf, -np.inf), -0.5j, 0j, 3.0 + 0j])
    cases = {
        "nan_to_num": lambda m, x: m.nan_to_num(x, nan=1.5, posinf=7.0),
        "nan_to_num-default": lambda m, x: m.nan_to_num(x),
        "isnan|isinf|isfinite|isreal": lambda m, x: m.stack([m.isnan(x), m.isinf(x), m.isfinite(x), m.isreal(x)]),
        "logical_not": lambda m, x: m.logical_not(x),
        "eq-ne": lambda m, x: m.stack([x == x, x != 1j, m.eq(x, 3), x.ne(x.conj())]),
        "silu": lambda m, x: m.nn.functional.silu(m.nan_to_num(x)),
        "isclose": lambda m, x: m.isclose(x, x + 1e-9j),
        "int*1j|int/1j|bool+1j": lambda m, x: m.stack([m.tensor([1, 2, 0, 3, 4, 5]) * 1j,
                                                      m.tensor([1, 2, 0, 3, 4, 5]) / 1j,
                                                      m.tensor([True, False] * 3) + 1j]),
        "float32*1j": lambda m, x: m.tensor([1.5, 2.0]) * (2 + 1j),
        "float64 with complex64": lambda m, x: (m.tensor([1.5, 2.0], dtype=m.float64)
                                               + m.tensor([1j, 2], dtype=m.complex64)),
        "complex64 with 0-d float64": lambda m, x: m.tensor([1.5j, 2.0]) + m.tensor(1.5, dtype=m.float64),
    }
    for name, f in cases.items():
        for dt in (np.complex128, np.complex64):
            e, t = f(ember, ember.tensor(z.astype(dt))), f(torch, torch.tensor(z.astype(dt)))
            assert str(e.dtype)[6:] == str(t.dtype)[6:], name
            np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6, err_msg=name)


def test_in_place_forms():
    z = complex_inputs(RNG, [(3,), (3,)])
    cases = [lambda a, b: a.mul_(b), lambda a, b: a.add_(b, alpha=1j), lambda a, b: a.sub_(2j), lambda a, b: a.div_(b),
             lambda a, b: a.pow_(2), lambda a, b: a.exp_().sigmoid_().sgn_(), lambda a, b: a.mul_(b.real),
             lambda a, b: a.addcmul_(b, b, value=1j), lambda a, b: a.lerp_(b, 0.25)]
    for f in cases:
        e = f(ember.tensor(z[0]), ember.tensor(z[1]))
        t = f(torch.tensor(z[0]), torch.tensor(z[1]))
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-12)
    # a recorded in-place op on a complex non-leaf
    a, at = ember.tensor(z[0], requires_grad=True), torch.tensor(z[0], requires_grad=True)
    for m, x in ((ember, a), (torch, at)):
        y = x * 2
        y.mul_(x).exp_()
        y.real.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), at.grad.numpy(), rtol=1e-12)


def _error_cases(m, F):
    z = m.tensor([1 + 2j, -0.5j])
    z64 = m.tensor([1 + 2j, -0.5j], dtype=m.complex128)
    r = m.tensor([1.0, 2.0])
    zz = m.tensor([[1 + 2j, 0.5], [2j, 1]])
    cases = [(getattr(m, n), z) for n in ("erf", "relu", "sign", "floor", "ceil", "trunc", "frac", "round", "signbit",
                                          "isposinf", "isneginf", "logit", "lgamma", "digamma", "erfinv", "erfc",
                                          "i0", "bitwise_not", "frexp")]
    cases += [(getattr(m.special, n), z64) for n in ("i0e", "i1", "i1e", "erfcx", "ndtr", "ndtri", "log_ndtr",
                                                     "entr")]
    cases += [(getattr(m, n), z, r) for n in ("floor_divide", "remainder", "fmod", "atan2", "maximum", "minimum",
                                              "fmax", "fmin", "lt", "le", "gt", "ge", "xlogy", "copysign", "hypot",
                                              "logaddexp2", "heaviside", "nextafter", "gcd", "lcm", "bitwise_and",
                                              "bitwise_xor", "bitwise_left_shift", "igamma", "igammac")]
    cases += [(getattr(m, n), r, z64) for n in ("lt", "maximum", "remainder", "heaviside", "igamma")]
    cases += [(m.special.xlog1py, z, z), (m.special.zeta, z, r), (m.isclose, z, r), (m.isclose, r, z64)]
    cases += [(lambda: z < 1,), (lambda: 2j >= r,), (lambda: z // 2,), (lambda: z % 2j,), (lambda: z.clamp(0, 1),),
              (lambda: z.clamp(min=r),), (lambda: m.clamp_max(z, 1),), (lambda: z.clamp_min_(1),),
              (lambda: z.floor_(),), (lambda: m.div(z, r, rounding_mode="trunc"),),
              (lambda: m.div(z, r, rounding_mode="floor"),), (lambda: m.round(z, decimals=1),),
              (lambda: m.polygamma(0, z),), (lambda: m.polygamma(1, z),), (lambda: m.polygamma(3, z),),
              (lambda: m.mvlgamma(z, 2),), (lambda: m.add(r, r, alpha=2j),),
              (lambda: m.add(m.tensor([1, 2]), 1, alpha=1j),), (lambda: m.sub(m.tensor([1, 2]), 1, alpha=0.5),),
              (lambda: r.clone().mul_(1j),), (lambda: r.clone().add_(z64),),
              (lambda: m.nan_to_num(z.clone().requires_grad_()),),
              (lambda: F.silu(z.clone().requires_grad_()),)]
    cases += [(lambda f=f: f(z),) for f in (F.relu, F.relu6, F.hardtanh, F.leaky_relu, F.elu, F.selu, F.celu, F.gelu,
                                            F.mish, F.softplus, F.hardswish, F.hardsigmoid, F.logsigmoid, F.softshrink,
                                            F.hardshrink, F.glu, F.rrelu)]
    cases += [(lambda: F.softshrink(z, -1.0),), (lambda: F.gelu(z, approximate="tanh"),),
              (lambda: F.threshold(z, 0.5, 1.0),), (lambda: F.prelu(zz, m.tensor([0.25j, 1])),),
              (lambda: F.rrelu(z, training=True),), (lambda: F.softmax(zz, 0),), (lambda: F.softmax(zz, 1),),
              (lambda: F.log_softmax(zz, 0),), (lambda: F.log_softmax(z64, -1),), (lambda: F.softmin(zz, 0),),
              (lambda: F.leaky_relu_(z.clone()),), (lambda: F.elu_(z.clone()),)]
    return cases


def _raised(case):
    try:
        case[0](*case[1:])
    except Exception as e:  # noqa: BLE001 - the test compares whatever was raised with torch's
        return type(e)
    raise AssertionError(f"no error from {case}")


def test_errors_match_torch():
    ember_cases, torch_cases = _error_cases(ember, EF), _error_cases(torch, TF)
    assert len(ember_cases) == len(torch_cases)
    expected = [_raised(c) for c in torch_cases]
    assert_same_errors([(lambda c=c: c[0](*c[1:]), t) for c, t in zip(ember_cases, expected)],
                       [(lambda c=c: c[0](*c[1:]), t) for c, t in zip(torch_cases, expected)])
