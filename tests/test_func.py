"""ember.func against torch.func: values (float64), composition, argnums/has_aux, pytrees and errors."""
import numpy as np
import pytest
import torch
import torch.func

import ember
import ember.func

MODS = [ember, torch]
rng = np.random.default_rng(0)
A = rng.uniform(-1, 1, (2, 3))
B = rng.uniform(-1, 1, 3)
V = rng.uniform(-1, 1, (2, 3))


def t(mod, a, requires_grad=False):
    return mod.tensor(a, dtype=mod.float64, requires_grad=requires_grad)


def same(a, b):
    """Same pytree structure, shapes, values (float64, tight) and requires_grad."""
    if isinstance(b, (tuple, list)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            same(x, y)
    elif isinstance(b, dict):
        assert list(a) == list(b)
        for k in b:
            same(a[k], b[k])
    else:
        assert tuple(a.shape) == tuple(b.shape)
        assert a.requires_grad == b.requires_grad
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-12, atol=1e-12)


def both(fn):
    """fn(mod) for ember and torch, compared."""
    same(fn(ember), fn(torch))


def raises_same(fn):
    """fn(mod) raises the same error type and message in ember and torch."""
    errors = []
    for mod in MODS:
        with pytest.raises(Exception) as info:
            fn(mod)
        errors.append((type(info.value), str(info.value).replace("torch.", "ember.")))
    assert errors[0] == errors[1]


def scalar(x, y):
    return ((x * y).tanh() * y).sum()


def vector(x, y):
    return (x * y).sin(), (x * x).sum() * y


# grad, grad_and_value

@pytest.mark.parametrize("argnums", [0, 1, -1, (0, 1), (1,)])
def test_grad_argnums(argnums):
    both(lambda mod: mod.func.grad(scalar, argnums)(t(mod, A), t(mod, B)))


def test_grad_and_value_has_aux():
    def f(x):
        return (x.exp() * x).sum(), {"sq": x * x, "n": [x.sum()]}
    both(lambda mod: mod.func.grad_and_value(f, has_aux=True)(t(mod, B)))
    both(lambda mod: mod.func.grad(f, has_aux=True)(t(mod, B)))


def test_grad_pytree_input_and_kwargs():
    def f(params, x, scale=1.0):
        return (scale * (params["w"] * x).sin() + params["b"][0]).sum()
    both(lambda mod: mod.func.grad(f)({"w": t(mod, A), "b": [t(mod, B)]}, t(mod, A), scale=3.0))


def test_grad_of_grad_is_second_derivative():
    def f(x):
        return (x.sin() * x * x).sum()
    both(lambda mod: mod.func.grad(lambda x: mod.func.grad(f)(x).sum())(t(mod, B)))


def test_grad_of_grad_through_closure():
    def outer(mod, x):
        return mod.func.grad(lambda y: (x * y).sin().sum())(x * 0.5).pow(2).sum()
    both(lambda mod: mod.func.grad(lambda x: outer(mod, x))(t(mod, B)))


def test_grad_leaves_caller_alone_and_composes_with_autograd():
    for mod in MODS:
        x = t(mod, B, requires_grad=True)
        g = mod.func.grad(lambda a: (a ** 3).sum())(x)
        g.sum().backward()
        assert x.grad is not None
        np.testing.assert_allclose(x.grad.numpy(), 6 * B, rtol=1e-12)


def test_grad_requires_grad_follows_outside_tensors():
    def run(mod):
        w = t(mod, B, requires_grad=True)
        x = t(mod, B)
        with mod.no_grad():
            under_no_grad = mod.func.grad(lambda a: (a ** 3).sum())(t(mod, B, requires_grad=True))
        return (mod.func.grad(lambda a: (w * a * a).sum())(x), mod.func.grad(lambda a: (w + a).sum())(x),
                mod.func.grad(lambda a: (a ** 3).sum())(x), under_no_grad)
    both(run)


def test_grad_unused_and_constant_give_zeros():
    both(lambda mod: mod.func.grad(lambda x, y: (y * y).sum(), argnums=(0, 1))(t(mod, B), t(mod, B)))
    both(lambda mod: mod.func.grad(lambda x: (x > 0).sum())(t(mod, B)))


@pytest.mark.parametrize("call", [
    lambda mod, x: mod.func.grad(lambda a: a * 2)(x),
    lambda mod, x: mod.func.grad(lambda a: 2.0)(x),
    lambda mod, x: mod.func.grad(lambda a: a.sum(), has_aux=True)(x),
    lambda mod, x: mod.func.grad(lambda a: (a.sum(), 1, 2), has_aux=True)(x),
    lambda mod, x: mod.func.grad(lambda a: (a.sum(), 3), has_aux=True)(x),
    lambda mod, x: mod.func.grad(lambda a: a.sum(), argnums=1)(x),
    lambda mod, x: mod.func.grad(lambda a, b: a.sum(), argnums=-3)(x, x),
    lambda mod, x: mod.func.grad(lambda a: a.sum(), argnums=[0])(x),
    lambda mod, x: mod.func.grad(lambda a: a.sum(), argnums=1.0)(x),
    lambda mod, x: mod.func.grad(lambda a: a.sum(), argnums=())(x),
    lambda mod, x: mod.func.grad(lambda a, b: a.sum(), argnums=(0, 0))(x, x),
    lambda mod, x: mod.func.grad(lambda a: mod.tensor(a).sum())(3.0),
    lambda mod, x: mod.func.grad(lambda a: a.sum())(mod.arange(3)),
], ids=["nonscalar", "nontensor", "aux-not-tuple", "aux-3-tuple", "aux-nontensor", "argnum-range",
        "argnum-negative-range", "argnums-list", "argnums-float", "argnums-empty", "argnums-duplicate",
        "float-input", "int-input"])
def test_grad_errors(call):
    raises_same(lambda mod: call(mod, t(mod, B)))


# vjp, jvp

def test_vjp_values_repeat_and_aux():
    def run(mod):
        x, y = t(mod, A), t(mod, B)
        out, fn, aux = mod.func.vjp(lambda a, b: (vector(a, b), {"aux": a * b}), x, y, has_aux=True)
        cot = (t(mod, V), t(mod, V[0]))
        return out, fn(cot), fn(cot), aux
    both(run)


def test_vjp_unrelated_primal_gives_zeros_and_dtype_of_output():
    def run(mod):
        out, fn = mod.func.vjp(lambda a, b: a * 2, t(mod, B), t(mod, B))
        return fn(mod.ones(3))
    both(run)


def test_vjp_inside_grad():
    def f(mod, x):
        _, fn = mod.func.vjp(lambda a: a.sin() * a, x)
        return (fn(x)[0] ** 2).sum()
    both(lambda mod: mod.func.grad(lambda x: f(mod, x))(t(mod, B)))


@pytest.mark.parametrize("call", [
    lambda mod, x: mod.func.vjp(lambda a: a.sin(), x)[1](mod.ones(2, dtype=mod.float64)),
    lambda mod, x: mod.func.vjp(lambda a: a.sin(), x)[1]((x,)),
    lambda mod, x: mod.func.vjp(lambda a: a * 2, x, has_aux=True),
    lambda mod, x: mod.func.vjp(lambda a: 2.0, x),
    lambda mod, x: mod.func.vjp(lambda a: a, 2.0),
    lambda mod, x: mod.func.vjp(lambda a: a > 0, x),
], ids=["cotangent-shape", "cotangent-structure", "aux-not-tuple", "nontensor-output", "nontensor-primal",
        "bool-output"])
def test_vjp_errors(call):
    raises_same(lambda mod: call(mod, t(mod, B)))


def test_jvp_values_pytrees_and_aux():
    def f(d, y):
        return {"p": (d["a"] * y).sin(), "q": [d["a"].exp().sum() * y]}, y.cos()
    both(lambda mod: mod.func.jvp(f, ({"a": t(mod, B)}, t(mod, B)), ({"a": t(mod, V[0])}, t(mod, V[1])),
                                  has_aux=True))


def test_jvp_constant_output_and_tangent_dtype():
    both(lambda mod: mod.func.jvp(lambda a: (a.sum() * 0 + mod.ones(2, dtype=mod.float64), a * 3),
                                  (t(mod, B),), (mod.ones(3),)))


def test_jvp_matches_vjp_transpose():
    for mod in MODS:
        x, v, u = t(mod, A), t(mod, V), t(mod, V[::-1].copy())
        f = lambda a: a.exp() * a.sum()  # noqa: E731
        jv = mod.func.jvp(f, (x,), (v,))[1]
        vj = mod.func.vjp(f, x)[1](u)[0]
        np.testing.assert_allclose((u * jv).sum().item(), (vj * v).sum().item(), rtol=1e-12)


@pytest.mark.parametrize("call", [
    lambda mod, x: mod.func.jvp(lambda a: a, x, x),
    lambda mod, x: mod.func.jvp(lambda a: a, (x,), x),
    lambda mod, x: mod.func.jvp(lambda a: a, (x,), (x, x)),
    lambda mod, x: mod.func.jvp(lambda a: a, (x,), (mod.ones(2, 3, dtype=mod.float64),)),
    lambda mod, x: mod.func.jvp(lambda: x, (), ()),
    lambda mod, x: mod.func.jvp(lambda a: a, (2.0,), (2.0,)),
    lambda mod, x: mod.func.jvp(lambda a: a, (x,), (2.0,)),
    lambda mod, x: mod.func.jvp(lambda a: a, (mod.arange(3),), (mod.arange(3),)),
    lambda mod, x: mod.func.jvp(lambda a: 2.0, (x,), (x,)),
    lambda mod, x: mod.func.jvp(lambda a: a, (x,), (x,), has_aux=True),
], ids=["primals-not-tuple", "tangents-structure", "tangents-length", "tangent-shape", "no-primals",
        "nontensor-primal", "nontensor-tangent", "int-primal", "nontensor-output", "aux-not-tuple"])
def test_jvp_errors(call):
    raises_same(lambda mod: call(mod, t(mod, B)))


# jacrev, jacfwd, hessian

@pytest.mark.parametrize("jac", ["jacrev", "jacfwd"])
@pytest.mark.parametrize("argnums", [0, 1, (0, 1)])
def test_jacobians_match_torch(jac, argnums):
    def f(x, y):
        return {"o": (x * y).sin(), "p": [(x * x).sum() * y, (x * y).sum()]}
    both(lambda mod: getattr(mod.func, jac)(f, argnums)(t(mod, A), t(mod, B)))


@pytest.mark.parametrize("jac", ["jacrev", "jacfwd"])
def test_jacobians_pytree_input_0d_and_aux(jac):
    both(lambda mod: getattr(mod.func, jac)(lambda d: d["a"] * d["b"].exp())({"a": t(mod, B), "b": t(mod, 0.5)}))
    both(lambda mod: getattr(mod.func, jac)(lambda a: (a.sin(), {"c": a.cos()}), has_aux=True)(t(mod, B)))


def test_jacrev_equals_jacfwd_and_composes():
    f = lambda x: (x.exp() @ x.T).tanh()  # noqa: E731
    for mod in MODS:
        x = t(mod, A)
        np.testing.assert_allclose(mod.func.jacrev(f)(x).numpy(), mod.func.jacfwd(f)(x).numpy(), rtol=1e-12)
    both(lambda mod: mod.func.jacrev(mod.func.jacrev(f))(t(mod, A)))


def test_hessian():
    both(lambda mod: mod.func.hessian(scalar)(t(mod, A), t(mod, B)))
    both(lambda mod: mod.func.hessian(scalar, argnums=(0, 1))(t(mod, A), t(mod, B)))
    for mod in MODS:
        x = t(mod, B)
        np.testing.assert_allclose(mod.func.hessian(lambda a: (a ** 3).sum())(x).numpy(), np.diag(6 * B),
                                   rtol=1e-12)


def test_jacobian_of_caller_tensor_keeps_graph():
    def run(mod):
        x = t(mod, B, requires_grad=True)
        jac = mod.func.jacrev(lambda a: a.sin() * a)(x)
        jac.sum().backward()
        return jac, x.grad
    both(run)


@pytest.mark.parametrize("call", [
    lambda mod, x: mod.func.jacrev(lambda a: 2.0)(x),
    lambda mod, x: mod.func.jacfwd(lambda a: 2.0)(x),
    lambda mod, x: mod.func.jacrev(lambda a: a, has_aux=True)(x),
    lambda mod, x: mod.func.jacfwd(lambda a: a, has_aux=True)(x),
    lambda mod, x: mod.func.jacrev(lambda a: a, argnums=2)(x),
    lambda mod, x: mod.func.jacrev(lambda a: a > 0)(x),
    lambda mod, x: mod.func.jacrev(lambda a: a, chunk_size=0),
    lambda mod, x: mod.func.jacfwd(lambda a: a, randomness="x")(x),
    lambda mod, x: mod.func.jacfwd(lambda a: a * mod.rand(3))(x),
    lambda mod, x: mod.func.jacrev(lambda a: a)(mod.arange(3)),
    lambda mod, x: mod.func.jacfwd(lambda a: a)(mod.arange(3)),
], ids=["rev-nontensor", "fwd-nontensor", "rev-aux", "fwd-aux", "argnum", "bool-output", "chunk-size",
        "randomness-value", "randomness-error", "rev-int-input", "fwd-int-input"])
def test_jacobian_errors(call):
    raises_same(lambda mod: call(mod, t(mod, B)))


# vmap

@pytest.mark.parametrize("in_dims,out_dims", [(0, 0), (1, 0), (-1, -1), ((0, None), -1), ((1, 0), (1, 0))])
def test_vmap_dims(in_dims, out_dims):
    def f(x, y):
        return x * y.sum(), (x.exp() * y.sum()).sum()
    x, y = (A, A[0]) if in_dims in ((0, None),) else (A, A) if in_dims != (1, 0) else (A, A.T.copy())
    both(lambda mod: mod.func.vmap(f, in_dims, out_dims)(t(mod, x), t(mod, y)))


def test_vmap_pytrees_kwargs_nested_and_unbatched_outputs():
    def f(d, scale=1.0):
        return {"s": d["a"].sum() * scale, "t": (d["a"] + d["b"], mod_ones(d["a"]))}
    mod_ones = lambda a: a.new_ones(2)  # noqa: E731
    both(lambda mod: mod.func.vmap(f, in_dims=({"a": 0, "b": None},), out_dims={"s": 0, "t": (1, 0)})(
        {"a": t(mod, A), "b": t(mod, B)}, scale=2.0))
    both(lambda mod: mod.func.vmap(mod.func.vmap(lambda a: a.sin().sum()))(t(mod, A)))
    both(lambda mod: mod.func.vmap(lambda a: a.sum(), out_dims=(0,))(t(mod, A)))
    both(lambda mod: mod.func.vmap(lambda a: a.sum())(mod.ones(0, 3, dtype=mod.float64)))
    for mod in MODS:
        out = mod.func.vmap(lambda a: (a, 3.0), out_dims=(0, None))(t(mod, A))
        assert out[1] == 3.0


def test_vmap_keeps_graph_to_inputs():
    def run(mod):
        x = t(mod, A, requires_grad=True)
        mod.func.vmap(lambda a: (a.sin() * a.sum()))(x).pow(2).sum().backward()
        return x.grad
    both(run)


def test_vmap_randomness():
    for mod in MODS:
        same_draws = mod.func.vmap(lambda a: a * 0 + mod.rand(3, dtype=mod.float64), randomness="same")(t(mod, A))
        assert mod.equal(same_draws[0], same_draws[1])
        different = mod.func.vmap(lambda a: a * 0 + mod.rand(3, dtype=mod.float64), randomness="different")(t(mod, A))
        assert not mod.equal(different[0], different[1])


def test_vmap_of_grad_per_sample_gradients():
    """The classic use: per-sample gradients of a model's loss with functional_call."""
    X = rng.uniform(-1, 1, (4, 3))
    Y = rng.uniform(-1, 1, (4, 2))

    def run(mod):
        mod.manual_seed(0)
        model = mod.nn.Sequential(mod.nn.Linear(3, 5), mod.nn.Tanh(), mod.nn.Linear(5, 2)).double()
        with mod.no_grad():
            for i, p in enumerate(model.parameters()):
                p.copy_(mod.tensor(np.sin(np.arange(p.numel()) + i).reshape(p.shape)))
        params = {k: v.detach() for k, v in model.named_parameters()}

        def loss(p, x, y):
            out = mod.func.functional_call(model, p, (x.unsqueeze(0),))
            return mod.nn.functional.mse_loss(out, y.unsqueeze(0))
        return mod.func.vmap(mod.func.grad(loss), in_dims=(None, 0, 0))(params, t(mod, X), t(mod, Y))
    both(run)


@pytest.mark.parametrize("call", [
    lambda mod, x: mod.func.vmap(lambda a, b: a + b)(x, mod.ones(3, 3, dtype=mod.float64)),
    lambda mod, x: mod.func.vmap(lambda a: a, in_dims=2)(x),
    lambda mod, x: mod.func.vmap(lambda a: a, in_dims=-3)(x),
    lambda mod, x: mod.func.vmap(lambda a: a)(mod.tensor(1.0)),
    lambda mod, x: mod.func.vmap(lambda a: 1.0)(x),
    lambda mod, x: mod.func.vmap(lambda a: None)(x),
    lambda mod, x: mod.func.vmap(lambda a: a, out_dims=None)(x),
    lambda mod, x: mod.func.vmap(lambda a: a, in_dims=None)(x),
    lambda mod, x: mod.func.vmap(lambda a: a, in_dims=(None,))(x),
    lambda mod, x: mod.func.vmap(lambda: x)(),
    lambda mod, x: mod.func.vmap(lambda a: a, in_dims=[0])(x),
    lambda mod, x: mod.func.vmap(lambda a: a, in_dims=(0, 0))(x),
    lambda mod, x: mod.func.vmap(lambda a: a, in_dims=((0, 0),))(x),
    lambda mod, x: mod.func.vmap(lambda t_: t_[0], in_dims=((0, 1),))([x, x]),
    lambda mod, x: mod.func.vmap(lambda a: a, in_dims=(0.0,))(x),
    lambda mod, x: mod.func.vmap(lambda a, s: a * s)(x, 2.0),
    lambda mod, x: mod.func.vmap(lambda a: a, out_dims=2)(x),
    lambda mod, x: mod.func.vmap(lambda a: (a, a), out_dims=(0, 0, 0))(x),
    lambda mod, x: mod.func.vmap(lambda a: (a, a), out_dims=[0, 1])(x),
    lambda mod, x: mod.func.vmap(lambda a: a, out_dims=1.0)(x),
    lambda mod, x: mod.func.vmap(lambda a: a, chunk_size=0),
    lambda mod, x: mod.func.vmap(lambda a: a, randomness="x"),
    lambda mod, x: mod.func.vmap(lambda a: a + mod.rand(3))(x),
    lambda mod, x: mod.func.vmap(mod.nn.Identity(), in_dims=5)(x),
], ids=["batch-size", "in-dim-range", "in-dim-negative-range", "0d", "nontensor-output", "none-output",
        "batched-output-out-dims-none", "in-dims-none", "nothing-batched", "no-inputs", "in-dims-list",
        "in-dims-length", "in-dims-nested", "in-dims-tuple-for-list", "in-dim-float", "nontensor-batched",
        "out-dim-range", "out-dims-length", "out-dims-list", "out-dims-float", "chunk-size", "randomness-value",
        "randomness-error", "module-name"])
def test_vmap_errors(call):
    raises_same(lambda mod: call(mod, t(mod, A)))


def test_functional_call_takes_a_dict_or_a_sequence_of_dicts():
    tm = torch.nn.Linear(3, 2).double()
    em = ember.nn.Linear(3, 2).double()
    x = np.arange(6.0).reshape(2, 3)
    w, b = np.ones((2, 3)), np.full(2, 0.5)
    want = torch.func.functional_call(tm, ({"weight": torch.tensor(w)}, {"bias": torch.tensor(b)}), (torch.tensor(x),))
    for dicts in (({"weight": ember.tensor(w)}, {"bias": ember.tensor(b)}),
                  [{"weight": ember.tensor(w), "bias": ember.tensor(b)}],
                  {"weight": ember.tensor(w), "bias": ember.tensor(b)}):
        got = ember.func.functional_call(em, dicts, (ember.tensor(x),))
        np.testing.assert_allclose(got.numpy(), want.detach().numpy(), rtol=1e-12)
    for bad in (({"weight": 1}, {"weight": 2, "bias": 3}), [{"weight": 1}, 2], {"weight"}):
        with pytest.raises(ValueError) as theirs:
            torch.func.functional_call(tm, bad, (torch.tensor(x),))
        with pytest.raises(ValueError) as ours:
            ember.func.functional_call(em, bad, (ember.tensor(x),))
        assert str(ours.value) == str(theirs.value)
