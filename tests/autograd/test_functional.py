"""ember.autograd.functional against torch.autograd.functional: values, structures, create_graph, errors."""
import numpy as np
import pytest
import torch

import ember

MODS = [ember, torch]
rng = np.random.default_rng(0)
A = rng.uniform(-1, 1, (2, 3))
B = rng.uniform(-1, 1, 3)
V = rng.uniform(-1, 1, (2, 3))
W = rng.uniform(-1, 1, 3)
needs_stack = pytest.mark.skipif(not hasattr(ember, "stack"),
                                 reason="a differentiable Jacobian of several rows needs ember.stack (ops/shape.py)")


def scalar1(x):
    return (x.exp() * x.sin()).sum()


def scalar2(x, y):
    return ((x * y).tanh() * y).sum()


def vector1(x):
    return x.exp() * x


def vector2(x, y):
    return (x * y).sin(), (x * x).sum() * y


def unused(x, y):
    return x * 2


def structure(a, b):
    """Same nesting, shapes and values (float64 tolerance)."""
    if isinstance(b, tuple):
        assert isinstance(a, tuple) and len(a) == len(b)
        for x, y in zip(a, b):
            structure(x, y)
        return
    assert isinstance(a, ember.Tensor) and tuple(a.shape) == tuple(b.shape)
    assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12)


def tensors(mod, *arrays, dtype="float64", requires_grad=False):
    ts = tuple(mod.tensor(a, dtype=getattr(mod, dtype), requires_grad=requires_grad) for a in arrays)
    return ts if len(ts) > 1 else ts[0]


def both(call):
    return [call(mod, mod.autograd.functional) for mod in MODS]


CASES = {
    "jacobian-1-1": lambda m, F: F.jacobian(vector1, tensors(m, A)),
    "jacobian-2-2": lambda m, F: F.jacobian(vector2, tensors(m, A, B)),
    "jacobian-tuple1": lambda m, F: F.jacobian(vector1, (tensors(m, A),)),
    "jacobian-scalar": lambda m, F: F.jacobian(scalar1, tensors(m, A)),
    "jacobian-unused": lambda m, F: F.jacobian(unused, tensors(m, A, B)),
    "jacobian-vectorize": lambda m, F: F.jacobian(vector2, tensors(m, A, B), vectorize=True),
    "hessian-1": lambda m, F: F.hessian(scalar1, tensors(m, A)),
    "hessian-2": lambda m, F: F.hessian(scalar2, tensors(m, A, B)),
    "hessian-0d": lambda m, F: F.hessian(lambda x: x.exp() * x, tensors(m, np.array(0.7))),
    "vjp-1": lambda m, F: F.vjp(vector1, tensors(m, A), tensors(m, V)),
    "vjp-2": lambda m, F: F.vjp(vector2, tensors(m, A, B), tensors(m, V, W)),
    "vjp-scalar-no-v": lambda m, F: F.vjp(scalar1, tensors(m, A)),
    "vjp-unused": lambda m, F: F.vjp(unused, tensors(m, A, B), tensors(m, V)),
    "jvp-1": lambda m, F: F.jvp(vector1, tensors(m, A), tensors(m, V)),
    "jvp-2": lambda m, F: F.jvp(vector2, tensors(m, A, B), tensors(m, V, W)),
    "jvp-0d-no-v": lambda m, F: F.jvp(lambda x: x.sin() * 3, tensors(m, np.array(0.4))),
    "vhp-1": lambda m, F: F.vhp(scalar1, tensors(m, A), tensors(m, V)),
    "vhp-2": lambda m, F: F.vhp(scalar2, tensors(m, A, B), tensors(m, V, W)),
    "hvp-1": lambda m, F: F.hvp(scalar1, tensors(m, A), tensors(m, V)),
    "hvp-2": lambda m, F: F.hvp(scalar2, tensors(m, A, B), tensors(m, V, W)),
    "hvp-linear-in-y": lambda m, F: F.hvp(lambda x, y: (x * x).sum() + y.sum(), tensors(m, A, B), tensors(m, V, W)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_against_torch(name):
    e, t = both(CASES[name])
    structure(e, t)
    for out in (e if isinstance(e, tuple) else (e,)):
        for x in (out if isinstance(out, tuple) else (out,)):
            assert not x.requires_grad


def test_float32():
    e, t = both(lambda m, F: (F.jacobian(vector2, tensors(m, A, B, dtype="float32")),
                              F.hvp(scalar1, tensors(m, A, dtype="float32"), tensors(m, V, dtype="float32"))))
    for x, y in zip(e, t):
        for a, b in zip(x, y):
            for c, d in zip(a if isinstance(a, tuple) else (a,), b if isinstance(b, tuple) else (b,)):
                assert c.dtype == ember.float32
                np.testing.assert_allclose(c.numpy(), d.numpy(), rtol=1e-5, atol=1e-6)


def test_inputs_get_no_grad_and_stay_leaves():
    x, y = tensors(ember, A, B, requires_grad=True)
    ember.autograd.functional.hessian(scalar2, (x, y))
    ember.autograd.functional.jvp(vector2, (x, y), (x, y))
    assert x.grad is None and y.grad is None and x.is_leaf


@pytest.mark.parametrize("call", [
    lambda m, F, x: F.vjp(vector1, x, tensors(m, V), create_graph=True)[1],
    lambda m, F, x: F.jvp(vector1, x, tensors(m, V), create_graph=True)[1],
    lambda m, F, x: F.vhp(scalar1, x, tensors(m, V), create_graph=True)[1],
    lambda m, F, x: F.hvp(scalar1, x, tensors(m, V), create_graph=True)[1],
    lambda m, F, x: F.jacobian(scalar1, x, create_graph=True),
], ids=["vjp", "jvp", "vhp", "hvp", "jacobian-scalar"])
def test_create_graph_differentiates_further(call):
    def run(mod, F):
        x = tensors(mod, A, requires_grad=True)
        r = call(mod, F, x)
        assert r.requires_grad
        g, = mod.autograd.grad((r * r).sum(), x)
        return r, g
    e, t = both(run)
    structure(tuple(e), tuple(t))


@needs_stack
def test_create_graph_jacobian_and_hessian():
    def run(mod, F):
        x = tensors(mod, A, requires_grad=True)
        j = F.jacobian(vector1, x, create_graph=True)
        h = F.hessian(scalar1, x, create_graph=True)
        return j, h, mod.autograd.grad((j * j).sum() + (h * h).sum(), x)[0]
    e, t = both(run)
    structure(tuple(e), tuple(t))


@pytest.mark.parametrize("call, error, message", [
    (lambda m, F: F.vjp(unused, tensors(m, A, B), tensors(m, V), strict=True), RuntimeError,
     "The output of the user-provided function is independent of input 1. This is not allowed in strict mode."),
    (lambda m, F: F.jacobian(unused, tensors(m, A, B), strict=True), RuntimeError,
     "Output 0 of the user-provided function is independent of input 1. This is not allowed in strict mode."),
    (lambda m, F: F.vjp(lambda x: m.ones(2, dtype=m.float64), tensors(m, A), tensors(m, np.ones(2)),
                        strict=True), RuntimeError,
     "Output 0 of the user-provided function does not require gradients. The outputs must be computed in a "
     "differentiable manner from the input when running in strict mode."),
    (lambda m, F: F.hessian(lambda x: x.sum() * 2, tensors(m, A), strict=True), RuntimeError,
     "While computing the hessian, found that the jacobian of the user-provided function with respect to input 0 "
     "is independent of the input."),
    (lambda m, F: F.vjp(vector1, tensors(m, A)), RuntimeError,
     "The vector v can only be None if the user-provided function returns a single Tensor with a single element."),
    (lambda m, F: F.jvp(vector1, tensors(m, A)), RuntimeError,
     "The vector v can only be None if the input to the user-provided function is a single Tensor with a single "
     "element."),
    (lambda m, F: F.vjp(vector2, tensors(m, A, B), tensors(m, V)), RuntimeError,
     "v is a tuple of invalid length: should be 2 but got 1."),
    (lambda m, F: F.vjp(vector1, tensors(m, A), tensors(m, V, W)), RuntimeError,
     "The given v should contain a single Tensor."),
    (lambda m, F: F.vjp(vector2, tensors(m, A, B), tensors(m, V, V)), RuntimeError,
     "Entry 1 in v has invalid size: should be"),
    (lambda m, F: F.jacobian(vector1, [tensors(m, A)]), TypeError,
     "The inputs given to jacobian must be either a Tensor or a tuple of Tensors but the given inputs has type "
     "<class 'list'>."),
    (lambda m, F: F.vjp(lambda x: (x, 3), tensors(m, A), tensors(m, V)), TypeError,
     "The outputs of the user-provided function given to vjp must be either a Tensor or a tuple of Tensors but "
     "the value at index 1 has type <class 'int'>."),
    (lambda m, F: F.hessian(vector1, tensors(m, A)), RuntimeError,
     "The Tensor returned by the function given to hessian should contain a single element"),
    (lambda m, F: F.hvp(vector2, tensors(m, A, B), tensors(m, V, W)), RuntimeError,
     "The function given to hvp should return a single Tensor"),
])
def test_errors_like_torch(call, error, message):
    for mod in MODS:
        with pytest.raises(error) as err:
            call(mod, mod.autograd.functional)
        assert str(err.value).startswith(message), (mod.__name__, str(err.value))


def test_vjp_size_error_shows_sizes():
    x = tensors(ember, A)
    with pytest.raises(RuntimeError, match=r"^v has invalid size: should be ember.Size\(\[2, 3\]\) but got "
                                           r"ember.Size\(\[3\]\).$"):
        ember.autograd.functional.vjp(vector1, x, tensors(ember, B))


def test_jacobian_strategy_is_checked():
    with pytest.raises(AssertionError, match='Expected strategy to be either "forward-mode" or "reverse-mode"'):
        ember.autograd.functional.jacobian(vector1, tensors(ember, A), strategy="sideways")
