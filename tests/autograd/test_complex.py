"""Complex autograd: PyTorch's gradient convention, the holomorphic rule, real inputs of complex results, and the
errors for ops whose complex derivative ember does not have."""
import numpy as np
import pytest
import torch

import ember
from ember.autograd.gradcheck import GradcheckError
from tests.oracle import assert_same_errors, check_complex_op, complex_inputs

RNG = np.random.default_rng(0)

EXPRESSIONS = {
    "mul-exp-sin": lambda m, z, w: m.exp(z) * m.sin(w),
    "div-sqrt": lambda m, z, w: m.sqrt(z) / (w + 3),
    "matmul-sum": lambda m, z, w: (z @ w.transpose(0, 1)).sum(1),
    "pow-reshape": lambda m, z, w: (z ** 2 - w).reshape(-1)[1:4],
    "cat-mean": lambda m, z, w: m.cat([z, w * 1j]).mean(0),
    "pad": lambda m, z, w: m.nn.functional.pad(z * w, (1, 2)),
}


@pytest.mark.parametrize("name", sorted(EXPRESSIONS))
def test_holomorphic_chains_match_torch_and_finite_differences(name):
    f = EXPRESSIONS[name]
    check_complex_op(lambda z, w: f(ember, z, w), lambda z, w: f(torch, z, w), complex_inputs(RNG, [(2, 3), (2, 3)]))


def test_real_input_of_a_complex_result_gets_the_real_part():
    # as PyTorch: the gradient flowing into a real tensor is the real part of the complex one
    check_complex_op(lambda r, z: r * z + ember.exp(r * 1j), lambda r, z: r * z + torch.exp(r * 1j),
                     complex_inputs(RNG, [(3,), (3,)], real=(0,)))


@pytest.mark.parametrize("name", ["real", "imag", "angle", "conj", "conj_physical", "view_as_real"])
def test_complex_part_ops(name):
    check_complex_op(getattr(ember, name), getattr(torch, name), complex_inputs(RNG, [(2, 3)]))


def test_complex_and_polar_and_view_as_complex():
    check_complex_op(ember.complex, torch.complex, complex_inputs(RNG, [(3,), (3,)], real=(0, 1)))
    a, t = RNG.uniform(0.5, 2, 4), RNG.uniform(-3, 3, 4)
    check_complex_op(ember.polar, torch.polar, [a, t])
    check_complex_op(lambda x: ember.view_as_complex(x * 2), lambda x: torch.view_as_complex(x * 2),
                     complex_inputs(RNG, [(3, 2)], real=(0,)))


def test_angle_gradient_at_zero_and_for_reals_matches_torch():
    for values in ([0j, 1 + 1j, -2 + 0j], [-1.0, 0.0, 2.0]):
        z, zt = ember.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
        ember.angle(z).sum().backward()
        torch.angle(zt).sum().backward()
        np.testing.assert_allclose(z.grad.numpy(), zt.grad.numpy(), rtol=1e-6)


def test_in_place_view_ops_keep_the_complex_gradient():
    def f(m, z):
        y = z * 1
        y.t_()
        return y * m.tensor([[1, 2j], [3, 4]])
    check_complex_op(lambda z: f(ember, z), lambda z: f(torch, z), complex_inputs(RNG, [(2, 2)]))


def test_complex_number_saved_by_an_op():
    check_complex_op(lambda z, w: ember.lerp(z, w, 0.3 - 0.2j), lambda z, w: torch.lerp(z, w, 0.3 - 0.2j),
                     complex_inputs(RNG, [(3,), (3,)]))


def test_second_derivative_through_complex_values():
    def f(m, x):
        z = m.complex(x, x * x)
        return (z * z * z).imag.sum()
    x = ember.tensor([0.5, -1.2], dtype=ember.float64, requires_grad=True)
    xt = torch.tensor([0.5, -1.2], dtype=torch.float64, requires_grad=True)
    g, = ember.autograd.grad(f(ember, x), x, create_graph=True)
    gt, = torch.autograd.grad(f(torch, xt), xt, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), gt.detach().numpy(), rtol=1e-12)
    g.sum().backward()
    gt.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-12)


def test_views_share_memory_both_ways():
    z = ember.tensor([1 + 2j, 3 - 4j])
    z.real.mul_(10)
    z.imag = ember.tensor([7.0, 8.0])
    ember.view_as_real(z)[1, 0] = -1
    assert z.tolist() == [10 + 7j, -1 + 8j]
    r = ember.zeros(2, 2)
    ember.view_as_complex(r)[0] = 5j
    assert r.tolist() == [[0.0, 5.0], [0.0, 0.0]]
    assert ember.view_as_real(ember.tensor(1 + 2j)).tolist() == [1.0, 2.0]
    x = ember.ones(3)
    assert x.real is x and x.conj() is x and not z.conj().is_conj() and z.resolve_conj() is z
    copy = ember.view_as_real_copy(z)
    copy[0, 0] = 0
    assert z.tolist()[0] == 10 + 7j and ember.view_as_complex_copy(copy).tolist() == [7j, -1 + 8j]
    assert z.conj_physical_() is z and z.tolist() == [10 - 7j, -1 - 8j]
    assert ember.is_complex(z) and not ember.is_complex(x)


def test_op_without_a_complex_derivative_raises_at_backward():
    class CubeBackward0(ember.autograd.function.Op):     # an op whose backward is only written for reals
        @staticmethod
        def forward(ctx, x):
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            return g * 3

    z = ember.tensor([1 + 1j, 2 - 1j], requires_grad=True)
    y = CubeBackward0.apply(z)       # computes; its backward would give a wrong complex gradient
    assert y.tolist() == [(1 + 1j) ** 3, (2 - 1j) ** 3]
    with pytest.raises(NotImplementedError, match="CubeBackward0 for complex tensors is not implemented"):
        y.real.sum().backward()


@pytest.mark.parametrize("fast_mode", [False, True])
def test_gradcheck_handles_complex_inputs_and_outputs(fast_mode):
    z = ember.tensor(complex_inputs(RNG, [(3,)])[0], requires_grad=True)
    r = ember.tensor([0.3, -0.7, 1.1], dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda z, r: (z.exp() * r, (z * z).imag), (z, r), fast_mode=fast_mode)
    assert ember.autograd.gradgradcheck(lambda z: (z * z * z).sum(), (z,), fast_mode=fast_mode)

    class ConjugatingWrongly(ember.autograd.Function):   # the gradient of z*z without the conjugate
        @staticmethod
        def forward(ctx, z):
            ctx.save_for_backward(z)
            return z * z

        @staticmethod
        def backward(ctx, g):
            z, = ctx.saved_tensors
            return 2 * g * z

    class Right(ConjugatingWrongly):
        @staticmethod
        def backward(ctx, g):
            z, = ctx.saved_tensors
            return 2 * g * z.conj()

    assert ember.autograd.gradcheck(Right.apply, (z,), fast_mode=fast_mode)
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        ember.autograd.gradcheck(ConjugatingWrongly.apply, (z,), fast_mode=fast_mode)


def test_implicit_gradient_needs_a_real_output():
    z = ember.tensor([1 + 1j], requires_grad=True)
    with pytest.raises(RuntimeError, match="implicitly created only for real scalar outputs"):
        (z * 2).sum().backward()


def test_errors_match_torch():
    cases = lambda m: [  # noqa: E731
        (lambda: m.ones(2).imag, RuntimeError),
        (lambda: m.view_as_real(m.ones(2)), RuntimeError),
        (lambda: m.view_as_complex(m.ones(2, 3)), RuntimeError),
        (lambda: m.view_as_complex(m.ones(2, 4)[:, ::2]), RuntimeError),
        (lambda: m.view_as_complex(m.ones(3, 2).t()), RuntimeError),
        (lambda: m.view_as_complex(m.ones(5)[1:].view(2, 2)), RuntimeError),
        (lambda: m.complex(m.ones(2), m.ones(2, dtype=m.float64)), RuntimeError),
        (lambda: m.complex(m.ones(2, dtype=m.int64), m.ones(2, dtype=m.int64)), RuntimeError),
        (lambda: m.polar(m.ones(2), m.ones(2, dtype=m.float64)), RuntimeError),
        (lambda: m.view_as_complex(m.ones(2, dtype=m.int64)), RuntimeError),
        (lambda: m.polar(m.tensor([1j]), m.tensor([1j])), RuntimeError),
        (lambda: m.polar(m.ones(1), m.tensor([1j])), RuntimeError),
        (lambda: m.tensor([1j]).abs_(), RuntimeError),
        (lambda: m.deg2rad(m.tensor([1j])), RuntimeError),
    ]
    assert_same_errors(cases(ember), cases(torch))


def test_dtypes_and_promotion_match_torch():
    names = ["bool", "uint8", "int64", "float16", "float32", "float64", "complex64", "complex128"]
    for a in names:
        for b in names[-2:]:
            assert str(ember.promote_types(getattr(ember, a), getattr(ember, b)))[6:] == \
                str(torch.promote_types(getattr(torch, a), getattr(torch, b)))[6:]
    for make in (lambda m: (m.ones(2), 1j), lambda m: (m.ones(2, dtype=m.float64), 1j),
                 lambda m: (m.ones(2, dtype=m.int64), 2j), lambda m: (m.tensor(1j, dtype=m.complex128), m.ones(2)),
                 lambda m: (m.tensor(1.0, dtype=m.float64), m.ones(2, dtype=m.complex64))):
        assert str(ember.result_type(*make(ember)))[6:] == str(torch.result_type(*make(torch)))[6:]
    assert ember.tensor([1, 2j]).dtype is ember.complex64 and ember.tensor([1j], dtype=ember.cdouble).dtype is \
        ember.complex128
    assert ember.complex64.is_complex and not ember.complex64.is_floating_point and ember.cfloat is ember.complex64
    assert ember.get_default_complex_dtype() is ember.complex64
    for complex32 in (lambda: ember.ones(2, dtype=ember.float16) * 1j,
                      lambda: ember.view_as_complex(ember.ones(2, dtype=ember.float16))):
        with pytest.raises(TypeError, match="complex32"):
            complex32()
