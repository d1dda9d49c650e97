"""Shape ops: values, gradients, gradcheck and gradgradcheck against torch (tests/oracle.py), views sharing
memory and version counters, the grad_fn names and the error messages."""
import numpy as np
import pytest
import torch

import ember
from tests.oracle import OpSpec, check_op


def spec(name, fn, shapes, **kw):
    """One function run on ember and on torch tensors alike (method calls and module functions by `m`)."""
    return OpSpec(name, lambda *xs: fn(ember, *xs), lambda *xs: fn(torch, *xs), shapes, **kw)


M = [((2, 3, 4),), ((0, 3),)]
SPECS = [
    spec("reshape", lambda m, x: x.reshape(4, -1), [((2, 3, 4),), ((0, 2),)]),
    spec("view", lambda m, x: x.view(2, 3, 2, -1), [((2, 3, 4),)]),
    spec("view_flat", lambda m, x: x.view(-1), [((4,),), ((),)]),
    spec("permute", lambda m, x: x.permute(2, 0, 1), [((2, 3, 4),)]),
    spec("transpose", lambda m, x: x.transpose(0, -1), M),
    spec("expand", lambda m, x: x.expand(2, 3, 4), [((3, 1),), ((),)]),
    spec("squeeze_tuple", lambda m, x: x.squeeze((0, -1)), [((1, 3, 1),), ((1, 0, 1),), ((2, 3),)]),
    spec("unsqueeze", lambda m, x: x.unsqueeze(-1), [((2, 3),), ((),), ((0,),)]),
    spec("flatten", lambda m, x: m.flatten(x), [((2, 3, 4),), ((),), ((0, 3),)]),
    spec("flatten_range", lambda m, x: x.flatten(1, -1), [((2, 3, 4),), ((2, 0, 3),)]),
    spec("flatten_same_dim", lambda m, x: x.flatten(1, 1) * 2, [((2, 3),)]),
    spec("unflatten", lambda m, x: x.unflatten(1, (2, -1)), [((3, 4),), ((0, 4),)]),
    spec("unflatten_fn", lambda m, x: m.unflatten(x, -1, (1, 4, 1)), [((3, 4),)]),
    spec("repeat", lambda m, x: x.repeat(2, 1, 3), [((3, 2),), ((),), ((0, 2),)]),
    spec("repeat_tuple", lambda m, x: x.repeat((2, 2)), [((3, 2),)]),
    spec("repeat_zero", lambda m, x: x.repeat(0, 2), [((3, 2),)]),
    spec("tile", lambda m, x: m.tile(x, (2,)), [((3, 2),), ((),)]),
    spec("tile_method", lambda m, x: x.tile(2, 1, 2), [((3, 2),)]),
    spec("flip", lambda m, x: m.flip(x, (0, -1)), M),
    spec("flip_method", lambda m, x: x.flip(1), M),
    spec("flip_none", lambda m, x: m.flip(x, dims=()), [((2, 3),), ((),)]),
    spec("roll_flat", lambda m, x: m.roll(x, 2), [((3, 4),), ((),), ((0, 2),)]),
    spec("roll_dims", lambda m, x: x.roll((1, -5), (0, 1)), [((3, 4),)]),
    spec("roll_one", lambda m, x: x.roll(4, -1), [((3, 4),)]),
    spec("movedim", lambda m, x: m.movedim(x, 0, -1), M),
    spec("movedim_tuple", lambda m, x: x.movedim((0, -1), (2, 0)), [((2, 3, 4),)]),
    spec("moveaxis", lambda m, x: m.moveaxis(x, (1,), (0,)), [((2, 3, 4),)]),
    spec("movedim_0d", lambda m, x: x.movedim(0, -1), [((),)]),
    spec("cat", lambda m, a, b: m.cat([a, b]), [((3, 4), (2, 4)), ((0, 2), (3, 2))]),
    spec("cat_dim", lambda m, a, b, c: m.cat((a, b, c), dim=-1), [((3, 2), (3, 4), (3, 1)), ((2, 1, 2),) * 3]),
    spec("cat_legacy_empty", lambda m, a, b, c: m.cat([a, b, c], 1), [((0,), (2, 3), (2, 1))]),
    spec("cat_all_empty", lambda m, a, b: m.cat([a, b]), [((0,), (0,))]),
    spec("concat", lambda m, a, b: m.concat([a, b], dim=1), [((3, 4), (3, 2))]),
    spec("concatenate", lambda m, a, b: m.concatenate([a, b], axis=0), [((3,), (2,))]),
    spec("stack", lambda m, a, b: m.stack([a, b]), [((3, 4), (3, 4)), ((), ()), ((0, 2), (0, 2))]),
    spec("stack_dim", lambda m, a, b, c: m.stack((a, b, c), dim=-1), [((2, 3),) * 3, ((2,),) * 3]),
    spec("hstack", lambda m, a, b: m.hstack([a, b]), [((3,), (2,)), ((2, 3), (2, 1)), ((), ())]),
    spec("vstack", lambda m, a, b: m.vstack([a, b]), [((3,), (3,)), ((2, 3), (1, 3)), ((), ())]),
    spec("split_int", lambda m, x: m.split(x, 2), [((5, 3),), ((0, 3),)]),
    spec("split_int_dim", lambda m, x: x.split(3, dim=1), [((2, 7),)]),
    spec("split_sizes", lambda m, x: x.split([1, 0, 3], -1), [((2, 4),)]),
    spec("split_some_used", lambda m, x: x.split(2)[1] * 3, [((5, 3),)]),
    spec("split_sizes_some_used", lambda m, x: (lambda p: p[0] + p[2])(x.split([2, 1, 2])), [((5, 3),)]),
    spec("chunk", lambda m, x: m.chunk(x, 3, 1), [((2, 7),), ((2, 5),), ((0, 2),)]),
    spec("chunk_some_used", lambda m, x: x.chunk(4)[-1].exp(), [((5, 3),)]),
    spec("chunk_empty", lambda m, x: x.chunk(3), [((0,),)]),
    spec("unbind", lambda m, x: m.unbind(x, 1), [((2, 3),), ((2, 0),)]),
    spec("unbind_1d", lambda m, x: x.unbind(), [((3,),)]),
    spec("unbind_some_used", lambda m, x: x.unbind(-1)[1] * x.unbind(0)[0].sum(), [((3, 2),)]),
    spec("iterate", lambda m, x: [r * i for i, r in enumerate(x)], [((3, 2),)]),
    spec("narrow", lambda m, x: m.narrow(x, 1, 1, 2), [((3, 4),)]),
    spec("narrow_negative", lambda m, x: x.narrow(0, -2, 2), [((3, 4),), ((3,),)]),
    spec("narrow_empty", lambda m, x: x.narrow(1, 4, 0), [((3, 4),)]),
    spec("select", lambda m, x: m.select(x, 1, -1), [((3, 4),), ((0, 2),)]),
    spec("select_1d", lambda m, x: x.select(0, 1), [((3,),)]),
    spec("select_method", lambda m, x: x.select(0, 2) * x.select(-1, 0).sum(), [((3, 4),)]),
    spec("chain", lambda m, x: m.cat(x.split(2)[::-1], 1).flip(0).unbind(1)[3], [((4, 3),)]),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_op_matches_torch(spec):
    check_op(spec)


def _pair(fn, *arrays, grad=False):
    e = [ember.tensor(a).requires_grad_(grad) for a in arrays]
    t = [torch.tensor(a).requires_grad_(grad) for a in arrays]
    return fn(ember, *e), fn(torch, *t), e, t


@pytest.mark.parametrize("fn", [
    lambda m, x: x.split(2), lambda m, x: x.split([1, 3]), lambda m, x: x.chunk(2, 1), lambda m, x: x.unbind(),
    lambda m, x: [x.narrow(0, 1, 2)], lambda m, x: [x.select(1, 0)], lambda m, x: [x.narrow(0, 0, 1).squeeze()],
    lambda m, x: [x.narrow(0, 0, 1).squeeze(0)], lambda m, x: [x.narrow(0, 0, 1).squeeze((0,))],
    lambda m, x: [m.cat([x, x])], lambda m, x: [m.stack([x, x])], lambda m, x: [m.hstack([x, x])],
    lambda m, x: [x.flip(0)],
    lambda m, x: [x.roll(1)], lambda m, x: [x.repeat(2, 1)], lambda m, x: [x.tile(2)], lambda m, x: [x.movedim(0, 1)],
    lambda m, x: [x.unflatten(1, (2, 2))], lambda m, x: [x.flatten()], lambda m, x: [x.t().flatten()],
])
def test_grad_fn_names_match_torch(fn):
    e, t, _, _ = _pair(fn, np.ones((4, 4)), grad=True)
    assert [o.grad_fn.name() for o in e] == [o.grad_fn.name() for o in t]


def test_multi_output_ops_are_one_node():
    x = ember.randn(5, 3, requires_grad=True)
    for parts in (x.split(2), x.split([1, 4]), x.chunk(2), x.unbind(1)):
        assert len({id(p.grad_fn) for p in parts}) == 1
        assert [p.output_nr for p in parts] == list(range(len(parts)))


@pytest.mark.parametrize("dtypes", [("float32", "float64"), ("int32", "float16"), ("uint8", "int8"),
                                    ("bool", "int64"), ("int64", "float32", "float64"), ("bool", "bool")])
def test_cat_and_stack_promote_types_as_torch(dtypes):
    for op in ("cat", "stack", "hstack", "vstack"):
        e = getattr(ember, op)([ember.ones(2, dtype=getattr(ember, d)) for d in dtypes])
        t = getattr(torch, op)([torch.ones(2, dtype=getattr(torch, d)) for d in dtypes])
        assert e.dtype.name == str(t.dtype).split(".")[1]
        np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_cat_promotion_includes_skipped_empty_tensors():
    e = ember.cat([ember.ones(2, dtype=ember.int32), ember.zeros(0, dtype=ember.float64)])
    t = torch.cat([torch.ones(2, dtype=torch.int32), torch.zeros(0, dtype=torch.float64)])
    assert e.dtype == ember.float64 and t.dtype == torch.float64


def test_cat_gradients_come_back_in_each_input_dtype():
    a = ember.ones(2, dtype=ember.float32, requires_grad=True)
    b = ember.ones(3, dtype=ember.float64, requires_grad=True)
    w = ember.arange(5, dtype=ember.float64)
    (ember.cat([a, b]) * w).sum().backward()
    assert a.grad.dtype == ember.float32 and b.grad.dtype == ember.float64
    assert a.grad.tolist() == [0, 1] and b.grad.tolist() == [2, 3, 4]
    c = ember.ones(2, dtype=ember.float16, requires_grad=True)
    (ember.stack([a, c]) * ember.tensor([[1.0], [2.0]])).sum().backward()
    assert c.grad.dtype == ember.float16 and c.grad.tolist() == [2, 2]


def test_unused_outputs_get_zero_gradient_slices():
    x = ember.arange(6.0, requires_grad=True)
    a, b, c = x.split(2)
    (b * 2).sum().backward()
    assert x.grad.tolist() == [0, 0, 2, 2, 0, 0]
    y = ember.arange(6.0).reshape(2, 3).requires_grad_()
    y.unbind(1)[2].sum().backward()
    assert y.grad.tolist() == [[0, 0, 1], [0, 0, 1]]


def test_second_derivative_through_select_and_split():
    for mod in (ember, torch):
        x = mod.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=mod.float64, requires_grad=True)
        y = (x.select(0, 1) ** 3).sum() + (x.split(1, 1)[0] ** 2).sum()
        (g,) = mod.autograd.grad(y, x, create_graph=True)
        (gg,) = mod.autograd.grad(g.sum(), x)
        if mod is ember:
            e_g, e_gg = g.detach().numpy(), gg.numpy()
        else:
            np.testing.assert_allclose(e_g, g.detach().numpy())
            np.testing.assert_allclose(e_gg, gg.numpy())


# ---- views: shared memory and version counter --------------------------------------------------------
VIEWS = [
    ("reshape", lambda x: x.reshape(3, 4)), ("view", lambda x: x.view(-1)), ("flatten", lambda x: x.flatten()),
    ("unflatten", lambda x: x.unflatten(0, (2, 2))), ("narrow", lambda x: x.narrow(1, 1, 2)),
    ("select", lambda x: x.select(1, 2)), ("movedim", lambda x: x.movedim(0, 1)),
    ("squeeze", lambda x: x.unsqueeze(0).squeeze((0,))), ("split", lambda x: x.split(1)[2]),
    ("split_sizes", lambda x: x.split([1, 2], 1)[1]), ("chunk", lambda x: x.chunk(2)[1]),
    ("unbind", lambda x: x.unbind(1)[1]),
]


@pytest.mark.parametrize("name, fn", VIEWS, ids=[v[0] for v in VIEWS])
def test_views_share_memory_and_version_counter(name, fn):
    for mod in (ember, torch):
        x = mod.arange(12.0).reshape(4, 3)
        v = fn(x)
        before = x._version
        v.mul_(-1)
        assert x._version == before + 1 and v._version == x._version
        x.add_(0)
        assert v._version == x._version
        if mod is ember:
            assert np.shares_memory(v._data, x._data)
            got = x.numpy().copy()
        else:
            np.testing.assert_array_equal(got, x.numpy())


@pytest.mark.parametrize("fn", [lambda m, x: x.flip(0), lambda m, x: x.roll(1), lambda m, x: x.repeat(1, 1),
                                lambda m, x: m.cat([x]), lambda m, x: m.stack([x]), lambda m, x: x.t().flatten(),
                                lambda m, x: x.tile(1)])
def test_copies_do_not_share_memory(fn):
    e = ember.arange(12.0).reshape(4, 3)
    t = torch.arange(12.0).reshape(4, 3)
    ev, tv = fn(ember, e), fn(torch, t)
    assert not np.shares_memory(ev._data, e._data)
    ev.add_(1)
    tv.add_(1)
    assert e._version == t._version == 0
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_modification_through_a_view_is_caught_by_the_saved_version_check():
    for mod in (ember, torch):
        w = mod.ones(4, requires_grad=True)
        q = w * 2
        r = q * q  # saves q
        q.view(2, 2).mul_(3)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            r.sum().backward()
        a = w * 2
        b = a.sin()  # saves a
        a.narrow(0, 2, 2).add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            b.sum().backward()


def test_view_of_view_keeps_one_counter_and_values():
    x = ember.zeros(2, 3, 4)
    x.select(0, 1).narrow(1, 1, 2).unflatten(0, (3, 1)).fill_(5.0)
    t = torch.zeros(2, 3, 4)
    t.select(0, 1).narrow(1, 1, 2).unflatten(0, (3, 1)).fill_(5.0)
    np.testing.assert_array_equal(x.numpy(), t.numpy())
    assert x._version == t._version == 1


# ---- errors, word for word as torch's ------------------------------------------------------------------
ERRORS = [
    lambda m: m.randn(3, 4).view(5, -1), lambda m: m.randn(3, 4).view(-1, -1), lambda m: m.randn(3, 4).view(5, 2),
    lambda m: m.randn(3, 4).t().view(12), lambda m: m.randn(3, 4).view(-2, 6), lambda m: m.randn(3, 4).reshape(-2, 6),
    lambda m: m.randn(0, 3).view(-1, 0), lambda m: m.randn(0, 3).reshape(0, -1),
    lambda m: m.randn(3, 4).unsqueeze(3), lambda m: m.randn(3, 4).unsqueeze(-4), lambda m: m.tensor(1.0).unsqueeze(1),
    lambda m: m.randn(3, 4).squeeze((0, 0)), lambda m: m.randn(3, 4).squeeze((0, 2)), lambda m: m.tensor(1.).squeeze(1),
    lambda m: m.tensor(1.0).squeeze((0, -1)),
    lambda m: m.randn(3, 4).flatten(1, 0), lambda m: m.randn(3, 4).flatten(2), lambda m: m.tensor(1.0).flatten(1),
    lambda m: m.randn(3, 4).unflatten(0, ()), lambda m: m.randn(3, 4).unflatten(0, (2, 2)),
    lambda m: m.randn(3, 4).unflatten(-2, (-1, 2)), lambda m: m.randn(3, 4).unflatten(0, (-1, -1)),
    lambda m: m.randn(3, 4).repeat(2), lambda m: m.randn(3, 4).repeat(-1, 2),
    lambda m: m.randn(3, 4).flip(0, 0), lambda m: m.randn(3, 4).flip(2), lambda m: m.randn(3, 4).flip(),
    lambda m: m.randn(3, 4).roll((1, 2), 0), lambda m: m.randn(3, 4).roll((1, 2)), lambda m: m.randn(3).roll(1, 1),
    lambda m: m.randn(2, 3).roll(1, (0, 1)), lambda m: m.tensor(1.0).roll(1, 0),
    lambda m: m.cat([]), lambda m: m.cat([m.randn(2), m.tensor(1.0)]), lambda m: m.cat([m.tensor(1.0), m.randn(2)]),
    lambda m: m.cat([m.randn(3, 4), m.randn(3, 5)]), lambda m: m.cat([m.randn(3, 4), m.randn(3, 4, 1)]),
    lambda m: m.cat([m.randn(3, 4), m.randn(3, 4)], dim=2), lambda m: m.cat([m.randn(0, 5), m.randn(3, 4)]),
    lambda m: m.cat([m.randn(0), m.randn(3, 4), m.randn(3, 5)]), lambda m: m.cat(m.randn(2, 2)),
    lambda m: m.cat((m.randn(2), 3)),
    lambda m: m.stack([]), lambda m: m.stack([m.randn(3, 4), m.randn(3, 5)]),
    lambda m: m.stack([m.randn(3, 4), m.randn(3, 4)], 3), lambda m: m.stack(m.randn(2)),
    lambda m: m.hstack([]), lambda m: m.vstack([]),
    lambda m: m.randn(3, 4).split(0), lambda m: m.randn(3, 4).split(-1), lambda m: m.randn(3, 4).split([1, 1]),
    lambda m: m.randn(3, 4).split([4, -1]), lambda m: m.tensor(1.0).split(1), lambda m: m.randn(2, 3).split(2, dim=5),
    lambda m: m.randn(3, 4).chunk(0), lambda m: m.tensor(1.0).chunk(2),
    lambda m: m.randn(3, 4).narrow(0, 4, 1), lambda m: m.randn(3, 4).narrow(0, -4, 1),
    lambda m: m.randn(3, 4).narrow(0, 2, 2), lambda m: m.randn(3, 4).narrow(0, -1, 2),
    lambda m: m.randn(3, 4).narrow(0, 1, -1), lambda m: m.tensor(1.0).narrow(0, 0, 1),
    lambda m: m.randn(3, 4).narrow(2, 0, 1),
    lambda m: m.randn(3, 4).select(0, 3), lambda m: m.randn(3, 4).select(1, -5), lambda m: m.randn(3, 4).select(-3, 0),
    lambda m: m.tensor(1.0).select(0, 0), lambda m: m.tensor(1.0).unbind(), lambda m: m.randn(3, 4).unbind(2),
    lambda m: m.randn(3, 4).movedim((0, 1), (0,)), lambda m: m.randn(3, 4).movedim((0, -2), (0, 1)),
    lambda m: m.randn(3, 4).movedim((0, 1), (1, 1)), lambda m: m.randn(3, 4).movedim(2, 0),
]


def _error(fn, mod):
    try:
        fn(mod)
    except Exception as e:  # noqa: BLE001 - the type is compared below
        return type(e).__name__, str(e).split("\nException raised from")[0]
    raise AssertionError("no error raised")


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_match_torch(i):
    assert _error(ERRORS[i], ember) == _error(ERRORS[i], torch)


# ---- edge cases against torch ---------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [
    lambda m: [p.shape for p in m.zeros(0).chunk(3)], lambda m: [p.shape for p in m.zeros(0).split(2)],
    lambda m: [p.shape for p in m.zeros(0, 2).split(0)], lambda m: [p.shape for p in m.zeros(5).chunk(4)],
    lambda m: [p.shape for p in m.zeros(6, 2).chunk(4)], lambda m: [p.shape for p in m.zeros(2, 0).unbind(1)],
    lambda m: m.tensor(1.0).flatten(0, 0).shape, lambda m: m.tensor(1.0).flip(0).shape,
    lambda m: m.tensor(1.0).movedim(0, 0).shape, lambda m: m.tensor(1.0).repeat(()).shape,
    lambda m: m.tensor(1.0).roll(3).shape, lambda m: m.zeros(3, 1, 2).squeeze(()).shape,
    lambda m: m.randn(3, 4).tile(()).shape, lambda m: m.arange(6).reshape(2, 3).narrow(1, 3, 0).shape,
    lambda m: m.arange(12).reshape(3, 4).narrow(1, m.tensor(1), 2).tolist(),
    lambda m: m.arange(12).reshape(3, 4).select(0, m.tensor(1)).tolist(),
    lambda m: m.arange(6).reshape(2, 3).roll(-1).tolist(), lambda m: m.arange(4).flip(0).tolist(),
    lambda m: m.cat([m.arange(2), m.zeros(0, dtype=m.int64)]).tolist(),
    lambda m: m.cat([m.zeros(0), m.zeros(0)], dim=5).shape, lambda m: m.stack([m.tensor(1), m.tensor(2)], -1).tolist(),
])
def test_edge_cases_match_torch(fn):
    assert fn(ember) == fn(torch)


def test_expand_with_too_few_sizes_names_the_tensor_like_torch():
    with pytest.raises(RuntimeError) as e:
        ember.ones(2, 2, 3).expand(2, 3)
    with pytest.raises(RuntimeError) as t:
        torch.ones(2, 2, 3).expand(2, 3)
    assert str(e.value) == str(t.value).replace("torch.", "ember.")
