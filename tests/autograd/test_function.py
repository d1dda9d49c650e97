"""Custom autograd.Function: the same code run on ember and on torch gives the same numbers and errors."""
import numpy as np
import pytest
import torch

import ember

MODS = [ember, torch]
X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])


def leaf(mod, a=X):
    return mod.tensor(a, dtype=mod.float64, requires_grad=True)


def np_(t):
    return t.detach().numpy()


def functions(mod):
    """The custom Functions of these tests, written once, built on mod (ember or torch)."""
    F = mod.autograd.Function
    log = []

    class ScaledExp(F):
        # y = exp(x) * k with a non-tensor k; saves its output
        @staticmethod
        def forward(ctx, x, k):
            log.append(ctx.needs_input_grad)
            y = x.exp() * k
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            y, = ctx.saved_tensors
            return g * y, None

    class MulAdd(F):
        # x * y + z, with needs_input_grad skipping unneeded gradients
        @staticmethod
        def forward(ctx, x, y, z):
            ctx.save_for_backward(x, y)
            return x * y + z

        @staticmethod
        def backward(ctx, g):
            x, y = ctx.saved_tensors
            gx = g * y if ctx.needs_input_grad[0] else None
            gy = g * x if ctx.needs_input_grad[1] else None
            gz = g if ctx.needs_input_grad[2] else None
            log.append((gx is None, gy is None, gz is None))
            return gx, gy, gz

    class SinCos(F):
        # two outputs; records which gradients arrived as None
        @staticmethod
        def forward(ctx, x, materialize):
            ctx.set_materialize_grads(materialize)
            ctx.save_for_backward(x)
            return x.sin(), x.cos()

        @staticmethod
        def backward(ctx, gs, gc):
            log.append((gs is None, gc is None))
            x, = ctx.saved_tensors
            out = 0
            if gs is not None:
                out = out + gs * x.cos()
            if gc is not None:
                out = out - gc * x.sin()
            return out, None

    class Cube(F):
        # backward in differentiable ops: higher derivatives through create_graph
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x * x

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 3 * g * x * x

    class Double_(F):
        # in place: doubles x and returns it
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return 2 * g

    class Positive(F):
        # x * 2 and a 0/1 mask that is not differentiable
        @staticmethod
        def forward(ctx, x):
            mask = (x > 0).to(x.dtype)
            ctx.mark_non_differentiable(mask)
            ctx.save_for_backward(mask)
            return x * mask, mask

        @staticmethod
        def backward(ctx, g, gmask):
            mask, = ctx.saved_tensors
            return g * mask

    return dict(ScaledExp=ScaledExp, MulAdd=MulAdd, SinCos=SinCos, Cube=Cube, Double_=Double_,
                Positive=Positive, log=log)


def both(run):
    """run(mod, fns) on ember and torch; returns the two results."""
    return [list(run(mod, functions(mod))) for mod in MODS]


def assert_same(a, b):
    if isinstance(a, (tuple, list)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same(x, y)
    elif hasattr(a, "detach"):
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(np_(a), np_(b), rtol=1e-12, atol=1e-12)
    else:
        assert a == b


def test_saved_output_and_non_tensor_argument():
    def run(mod, fns):
        x = leaf(mod)
        y = fns["ScaledExp"].apply(x, 3.0)
        y.backward(mod.ones_like(y) * 0.5)
        return y, x.grad, y.grad_fn.name(), fns["log"]
    e, t = both(run)
    assert_same(e, t)
    assert e[2] == "ScaledExpBackward" and e[3] == [(True, False)]


@pytest.mark.parametrize("req", [(True, True, True), (True, False, False), (False, True, True)])
def test_needs_input_grad(req):
    def run(mod, fns):
        xs = [mod.tensor(X * (i + 1), dtype=mod.float64, requires_grad=r) for i, r in enumerate(req)]
        out = fns["MulAdd"].apply(*xs)
        out.sum().backward()
        return out, [x.grad if x.grad is not None else "none" for x in xs], fns["log"]
    e, t = both(run)
    assert_same(e, t)
    assert e[2] == [tuple(not r for r in req)]


@pytest.mark.parametrize("materialize", [True, False])
def test_two_outputs_and_materialize_grads(materialize):
    def run(mod, fns):
        x = leaf(mod)
        s, c = fns["SinCos"].apply(x, materialize)
        g1, = mod.autograd.grad(c.sum(), x, retain_graph=True)
        g2, = mod.autograd.grad((s * c).sum(), x)
        return s, c, g1, g2, s.grad_fn is c.grad_fn, fns["log"]
    e, t = both(run)
    assert_same(e, t)
    assert e[5] == [(not materialize, False), (False, False)]


def test_higher_order_through_create_graph():
    def run(mod, fns):
        x = leaf(mod)
        g, = mod.autograd.grad(fns["Cube"].apply(x).sum(), x, create_graph=True)
        gg, = mod.autograd.grad(g.sum(), x, create_graph=True)
        ggg, = mod.autograd.grad(gg.sum(), x)
        return g, gg, ggg
    e, t = both(run)
    assert_same(e, t)
    np.testing.assert_allclose(np_(e[1]), 6 * X)
    assert ember.autograd.gradgradcheck(functions(ember)["Cube"].apply, (leaf(ember),))


def test_mark_dirty_in_place():
    def run(mod, fns):
        x = leaf(mod)
        a = x * 1
        v = a._version
        b = fns["Double_"].apply(a)
        (b * b).sum().backward()
        return b is a, a._version - v, b.grad_fn.name(), a, x.grad
    e, t = both(run)
    assert_same(e, t)
    assert e[0] is True and e[2] == "Double_Backward"


def test_mark_dirty_on_leaf_raises():
    for mod in MODS:
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad has been used in an in-place "
                                               "operation."):
            functions(mod)["Double_"].apply(leaf(mod))


def test_mark_non_differentiable():
    def run(mod, fns):
        x = leaf(mod)
        y, mask = fns["Positive"].apply(x)
        y.sum().backward()
        return y, mask, mask.requires_grad, mask.grad_fn is None, y.requires_grad, x.grad
    e, t = both(run)
    assert_same(e, t)
    assert e[2:5] == [False, True, True]


def test_returning_an_input_makes_a_new_tensor():
    def run(mod, fns):
        class Identity(mod.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x

            @staticmethod
            def backward(ctx, g):
                return 3 * g
        x = leaf(mod)
        y = Identity.apply(x)
        y.sum().backward()
        return y is x, y.grad_fn.name(), x.grad_fn is None, x.grad
    e, t = both(run)
    assert_same(e, t)
    assert e[:3] == [False, "IdentityBackward", True]


def test_non_tensor_output_gets_no_gradient():
    def run(mod, fns):
        seen = []

        class WithCount(mod.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2, 7

            @staticmethod
            def backward(ctx, g, g_count):
                seen.append(g_count)
                return 2 * g
        x = leaf(mod)
        y, n = WithCount.apply(x)
        y.sum().backward()
        return n, seen, x.grad
    e, t = both(run)
    assert_same(e, t)
    assert e[:2] == [7, [None]]


def test_no_graph_when_nothing_requires_grad():
    for mod in MODS:
        fns = functions(mod)
        y = fns["Cube"].apply(mod.tensor(X))
        with mod.no_grad():
            z = fns["Cube"].apply(leaf(mod))
        assert (y.requires_grad, y.grad_fn, z.requires_grad, z.grad_fn) == (False, None, False, None)
        np.testing.assert_allclose(np_(z), X ** 3)


def test_once_differentiable():
    def run(mod, fns):
        class Square(mod.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * x

            @staticmethod
            @mod.autograd.function.once_differentiable
            def backward(ctx, g):
                x, = ctx.saved_tensors
                return 2 * x * g
        x = leaf(mod)
        g1, = mod.autograd.grad(Square.apply(x).sum(), x, create_graph=True)
        g, = mod.autograd.grad((Square.apply(x) ** 2).sum(), x, create_graph=True)
        with pytest.raises(RuntimeError, match="trying to differentiate twice a function that was marked with "
                                               "@once_differentiable"):
            g.sum().backward()
        return g1, g1.requires_grad, g
    e, t = both(run)
    assert_same(e, t)
    assert e[1] is False


def _bad_backward(mod, result, extra):
    class MyFn(mod.autograd.Function):
        @staticmethod
        def forward(ctx, *args):
            return args[0] * 2

        @staticmethod
        def backward(ctx, g):
            return result(mod, g)
    # extra arguments after x: "t" a tensor that requires grad, "n" the number 3
    return MyFn.apply(leaf(mod), *[leaf(mod) if c == "t" else 3 for c in extra])


@pytest.mark.parametrize("result, extra, message", [
    (lambda mod, g: (g, g), "", r"function MyFnBackward returned an incorrect number of gradients \(expected 1, got 2\)"),
    (lambda mod, g: g, "t", r"function MyFnBackward returned an incorrect number of gradients \(expected 2, got 1\)"),
    (lambda mod, g: 3.0, "", r"expected Variable or None \(got float\)"),
    (lambda mod, g: g.numpy(), "", r"expected Variable or None \(got numpy.ndarray\)"),
    (lambda mod, g: (g, None, g), "tn", "function MyFnBackward returned a gradient different than None at position 3, "
                                     "but the corresponding forward input was not a Variable"),
    (lambda mod, g: mod.ones(5, dtype=mod.float64), "",
     r"Function MyFnBackward returned an invalid gradient at index 0 - got \[5\] but expected shape compatible "
     r"with \[2, 3\]"),
])
def test_bad_backward_raises(result, extra, message):
    for mod in MODS:
        y = _bad_backward(mod, result, extra)
        with pytest.raises(RuntimeError, match=message):
            y.sum().backward()


def test_broadcastable_and_other_dtype_gradients_are_fixed_by_the_engine():
    def run(mod, fns):
        class Expanding(mod.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g.expand(4, 2, 3).float()
        x = leaf(mod)
        Expanding.apply(x).sum().backward()
        return x.grad, x.grad.dtype == mod.float64
    e, t = both(run)
    assert_same(e, t)
    np.testing.assert_array_equal(np_(e[0]), np.full((2, 3), 4.0))


def test_save_for_backward_rejects_non_tensors():
    for mod in MODS:
        class Saver(mod.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x, 3)
                return x * 2
        with pytest.raises(TypeError, match="save_for_backward can only save variables, but argument 1 is of "
                                            "type int"):
            Saver.apply(leaf(mod))


def test_saved_tensor_modified_in_place():
    for mod in MODS:
        fns = functions(mod)
        x = leaf(mod)
        a = x * 1
        y = fns["MulAdd"].apply(a, x, x)
        a.add_(1)
        with pytest.raises(RuntimeError, match=r"one of the variables needed for gradient computation has been "
                                               r"modified by an inplace operation: \[\w+\.DoubleTensor \[2, 3\]\], "
                                               r"which is output 0 of \w+, is at version 1; expected version 0 "
                                               r"instead\."):
            y.sum().backward()


def test_saved_output_modified_in_place():
    for mod in MODS:
        y = functions(mod)["ScaledExp"].apply(leaf(mod), 1.0)
        y.add_(1)
        with pytest.raises(RuntimeError, match=r"which is output 0 of ScaledExp(Backward)?, is at version 1; "
                                               r"expected version 0 instead\."):
            y.sum().backward()


def test_backward_twice_needs_retain_graph():
    for mod in MODS:
        y = functions(mod)["Cube"].apply(leaf(mod)).sum()
        y.backward()
        with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
            y.backward()


def test_function_gradcheck():
    fns = functions(ember)
    x = leaf(ember)
    assert ember.autograd.gradcheck(lambda a: fns["ScaledExp"].apply(a, 2.0), (x,))
    assert ember.autograd.gradcheck(fns["MulAdd"].apply, (x, leaf(ember, X + 1), leaf(ember, X - 1)))
    assert ember.autograd.gradcheck(lambda a: fns["SinCos"].apply(a, False), (x,))
