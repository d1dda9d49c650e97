"""More shape ops against torch (tests/oracle.py): broadcasting, meshgrid, tensor_split and friends, atleast_nd,
stacking, flips and rotations, diag_embed, block_diag, cartesian_prod, combinations, repeat_interleave,
tril/triu_indices, vander, diff; views, grad_fn names and errors as torch words them."""
import warnings

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from tests.oracle import OpSpec, check_op


def spec(name, fn, shapes, **kw):
    return OpSpec(name, lambda *xs: fn(ember, *xs), lambda *xs: fn(torch, *xs), shapes, **kw)


def L(m, data):
    return m.tensor(data, dtype=m.int64)


SPECS = [
    spec("broadcast_to", lambda m, x: m.broadcast_to(x, (2, 3, 4)), [((3, 1),), ((),), ((4,),)]),
    spec("broadcast_to_method", lambda m, x: x.broadcast_to((-1, 0)), [((2, 1),)]),
    spec("broadcast_tensors", lambda m, a, b: m.broadcast_tensors(a, b), [((3, 1), (2, 1, 4)), ((), (2,))]),
    spec("meshgrid_ij", lambda m, a, b: m.meshgrid(a, b, indexing="ij"), [((3,), (2,)), ((), (2,)), ((0,), (2,))]),
    spec("meshgrid_xy", lambda m, a, b, c: m.meshgrid([a, b, c], indexing="xy"), [((3,), (2,), (4,))]),
    spec("tensor_split_sections", lambda m, x: m.tensor_split(x, 3, 1), [((2, 7),), ((2, 2),), ((2, 0),)]),
    spec("tensor_split_indices", lambda m, x: x.tensor_split((1, -1, 9, 0), dim=-1), [((2, 5),)]),
    spec("tensor_split_tensor", lambda m, x: x.tensor_split(L(m, [2, 3])), [((5, 2),)]),
    spec("tensor_split_tensor_0d", lambda m, x: x.tensor_split(L(m, 2)), [((5,),)]),
    spec("hsplit", lambda m, x: m.hsplit(x, 2), [((3, 4),), ((4,),)]),
    spec("hsplit_indices", lambda m, x: x.hsplit([1, 2]), [((3, 4),)]),
    spec("vsplit", lambda m, x: x.vsplit(2), [((4, 3),)]),
    spec("dsplit", lambda m, x: m.dsplit(x, [1]), [((2, 3, 4),)]),
    spec("atleast_1d", lambda m, x: m.atleast_1d(x), [((),), ((3,),)]),
    spec("atleast_2d", lambda m, a, b: m.atleast_2d(a, b), [((), (3,)), ((2, 3), (2, 3, 1))]),
    spec("atleast_3d", lambda m, a, b, c: m.atleast_3d([a, b, c]), [((), (3,), (2, 3))]),
    spec("dstack", lambda m, a, b: m.dstack([a, b]), [((3,), (3,)), ((2, 3), (2, 3)), ((2, 3, 1), (2, 3, 2))]),
    spec("column_stack", lambda m, a, b, c: m.column_stack((a, b, c)), [((3,), (3, 2), (3,)), ((), (), ())]),
    spec("row_stack", lambda m, a, b: m.row_stack([a, b]), [((3,), (2, 3))]),
    spec("fliplr", lambda m, x: m.fliplr(x), [((3, 4),), ((2, 3, 2),)]),
    spec("flipud", lambda m, x: x.flipud(), [((3, 4),), ((3,),)]),
    spec("rot90", lambda m, x: m.rot90(x), [((3, 4),), ((2, 3, 2),)]),
    spec("rot90_k", lambda m, x: x.rot90(2, [1, 0]), [((3, 4),)]),
    spec("rot90_negative", lambda m, x: m.rot90(x, -1, (-1, 0)), [((2, 3, 2),)]),
    spec("rot90_multiple_of_4", lambda m, x: m.rot90(x, 4) * 2, [((3, 4),)]),
    spec("rot90_3", lambda m, x: m.rot90(x, 3, (1, 2)), [((2, 3, 2),)]),
    spec("diag_embed", lambda m, x: m.diag_embed(x), [((3,),), ((2, 3),), ((0,),)]),
    spec("diag_embed_offset", lambda m, x: x.diag_embed(1, 0, 2), [((2, 3),)]),
    spec("diag_embed_negative", lambda m, x: m.diag_embed(x, -2, -1, 1), [((2, 3),)]),
    spec("block_diag", lambda m, a, b, c: m.block_diag(a, b, c), [((2, 3), (3,), ()), ((0, 2), (1, 1), (2, 0))]),
    spec("cartesian_prod", lambda m, a, b, c: m.cartesian_prod(a, b, c), [((3,), (2,), (2,)), ((2,), (0,), (1,))]),
    spec("cartesian_prod_one", lambda m, a: m.cartesian_prod(a) * 1, [((3,),)]),
    spec("combinations", lambda m, x: m.combinations(x), [((4,),), ((1,),), ((0,),)]),
    spec("combinations_r", lambda m, x: m.combinations(x, 3, True), [((3,),)]),
    spec("combinations_r1", lambda m, x: m.combinations(x, r=1), [((3,),)]),
    spec("combinations_large_r", lambda m, x: m.combinations(x, 5), [((3,),)]),
    spec("repeat_interleave_int", lambda m, x: m.repeat_interleave(x, 2), [((2, 3),), ((),), ((0,),)]),
    spec("repeat_interleave_dim", lambda m, x: x.repeat_interleave(3, dim=-1), [((2, 3),)]),
    spec("repeat_interleave_zero", lambda m, x: x.repeat_interleave(0, 0), [((2, 3),)]),
    spec("repeat_interleave_tensor", lambda m, x: x.repeat_interleave(L(m, [2, 0, 1]), dim=1), [((2, 3),)]),
    spec("repeat_interleave_tensor_flat", lambda m, x: m.repeat_interleave(x, L(m, [1, 2, 0, 1])), [((2, 2),)]),
    spec("repeat_interleave_one_count", lambda m, x: m.repeat_interleave(x, L(m, [2]), 0), [((3, 2),)]),
    spec("repeat_interleave_0d_count", lambda m, x: m.repeat_interleave(x, L(m, 3), 1, output_size=6), [((3, 2),)]),
    # torch's own vander backward fails (it overwrites a saved tensor): values here, gradients by gradcheck below
    spec("vander", lambda m, x: m.vander(x), [((3,),), ((0,),)], grad=False),
    spec("vander_n", lambda m, x: m.vander(x, 4, increasing=True), [((3,),)], grad=False),
    spec("vander_n0", lambda m, x: m.vander(x, N=0), [((3,),)], grad=False),
    spec("vander_n1", lambda m, x: m.vander(x, N=1), [((3,),)], grad=False),
    spec("diff", lambda m, x: m.diff(x), [((3, 4),), ((4,),), ((0,),)]),
    spec("diff_n", lambda m, x: x.diff(2, 0), [((4, 3),)]),
    spec("diff_n_too_big", lambda m, x: m.diff(x, 5), [((2, 3),)]),
    spec("diff_n0", lambda m, x: m.diff(x, 0) * 1, [((2, 3),)]),
    spec("diff_prepend_append", lambda m, x, p, a: m.diff(x, 2, 0, prepend=p, append=a), [((3, 2), (1, 2), (2, 2))]),
    spec("diff_append", lambda m, x, a: m.diff(x, dim=-1, append=a), [((3, 2), (3, 1))]),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_op_matches_torch(spec):
    check_op(spec)


def test_vander_gradients():
    x = ember.tensor([0.5, -1.5, 0.0, 2.0], dtype=ember.float64, requires_grad=True)
    for kw in ({}, {"N": 3, "increasing": True}, {"N": 1}):
        assert gradcheck(lambda x: ember.vander(x, **kw), (x,)) and gradgradcheck(lambda x: ember.vander(x, **kw), (x,))
    ember.vander(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3 * v * v + 2 * v + 1 for v in (0.5, -1.5, 0.0, 2.0)])


def _same(e, t):
    assert tuple(e.shape) == tuple(t.shape) and str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
    np.testing.assert_array_equal(e.detach().numpy(), t.detach().numpy())


@pytest.mark.parametrize("fn", [
    lambda m, x: [m.broadcast_to(x, (2, 4, 4))], lambda m, x: m.broadcast_tensors(x, x[:1]),
    lambda m, x: m.meshgrid(x[0], x[1], indexing="xy"), lambda m, x: m.tensor_split(x, 3, 1),
    lambda m, x: m.hsplit(x, [1]), lambda m, x: [m.atleast_1d(x[0, 0])], lambda m, x: [m.atleast_2d(x[0])],
    lambda m, x: [m.atleast_3d(x)], lambda m, x: [m.atleast_3d(x[0, 0])], lambda m, x: [m.dstack([x, x])],
    lambda m, x: [m.column_stack([x[0], x[1]])], lambda m, x: [m.fliplr(x)], lambda m, x: [m.rot90(x)],
    lambda m, x: [m.diag_embed(x)], lambda m, x: [m.block_diag(x, x[0])], lambda m, x: [m.cartesian_prod(x[0], x[1])],
    lambda m, x: [m.combinations(x[0])], lambda m, x: [m.repeat_interleave(x, 2)],
    lambda m, x: [m.repeat_interleave(x, L(m, [1, 2, 0, 1]), dim=0)], lambda m, x: [m.vander(x[0])],
    lambda m, x: [m.diff(x)],
])
def test_grad_fn_names_and_views_match_torch(fn):
    a = np.arange(16.0).reshape(4, 4)
    e = fn(ember, ember.tensor(a, requires_grad=True))
    t = fn(torch, torch.tensor(a, requires_grad=True))
    assert [o.grad_fn and o.grad_fn.name() for o in e] == [o.grad_fn and o.grad_fn.name() for o in t]
    assert [bool(o._extra and o._extra.get("view")) for o in e] == [o._is_view() for o in t]
    for x, y in zip(e, t):
        _same(x, y)


def test_views_share_memory_with_input():
    x = ember.zeros(4, 6)
    for v in (x.tensor_split(3, 1)[1], x.hsplit(2)[0], ember.atleast_3d(x), x.broadcast_to((2, 4, 6))[1],
              ember.meshgrid(x[0], x[:, 0], indexing="ij")[0]):
        assert np.shares_memory(v._data, x._data) and v._version == x._version


def test_swapdims_swapaxes_methods():
    a = np.arange(24.0).reshape(2, 3, 4)
    for name in ("swapdims", "swapaxes"):
        _same(getattr(ember.tensor(a), name)(0, -1), getattr(torch.tensor(a), name)(0, -1))
        _same(getattr(ember, name)(ember.tensor(a), 1, 2), getattr(torch, name)(torch.tensor(a), 1, 2))


def test_broadcast_shapes_as_torch():
    for shapes in [((2, 1), (3, 1, 4)), (2, (3, 1)), ((), (0, 1), (1,)), ((1,), 5), ()]:
        e, t = ember.broadcast_shapes(*shapes), torch.broadcast_shapes(*shapes)
        assert tuple(e) == tuple(t) and isinstance(e, ember.Size)


def test_meshgrid_warns_without_indexing():
    with pytest.warns(UserWarning, match="torch.meshgrid: in an upcoming release, it will be required to pass the "
                                         "indexing argument."):
        e = ember.meshgrid(ember.arange(3), ember.arange(2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = torch.meshgrid(torch.arange(3), torch.arange(2))
    for x, y in zip(e, t):
        _same(x, y)


def test_index_building_ops_as_torch():
    for args in [(3, 4), (4, 3, 1), (3, 3, -1), (0, 2), (2, 5, 10), (3, 4, -5)]:
        for name in ("tril_indices", "triu_indices"):
            _same(getattr(ember, name)(*args), getattr(torch, name)(*args))
    _same(ember.tril_indices(3, 2, dtype=ember.int32), torch.tril_indices(3, 2, dtype=torch.int32))
    for r in ([1, 0, 3], [], [0]):
        for dt in ("int64", "int32"):
            _same(ember.repeat_interleave(ember.tensor(r, dtype=getattr(ember, dt))),
                  torch.repeat_interleave(torch.tensor(r, dtype=getattr(torch, dt))))


@pytest.mark.parametrize("fn", [
    lambda m: m.vander(m.tensor([1, 2, 3], dtype=m.int32)), lambda m: m.vander(m.tensor([True, False]), 3),
    lambda m: m.diff(m.tensor([1, 5, 2])), lambda m: m.diff(m.tensor([[True, False, False]]), append=m.tensor([[True]])),
    lambda m: m.diff(m.tensor([1, 4, 9]), prepend=m.tensor([0.5], dtype=m.float64)),
    lambda m: m.block_diag(m.tensor([[1, 2]]), m.tensor(3.5)), lambda m: m.block_diag(),
    lambda m: m.combinations(m.tensor([1, 2, 3]), 0), lambda m: m.cartesian_prod(m.tensor([1, 2]), m.tensor([3])),
    lambda m: m.rot90(m.arange(6).view(2, 3), 1, [1, 0]), lambda m: m.dstack([m.tensor(1), m.tensor([2.0])]),
])
def test_dtypes_and_values_as_torch(fn):
    _same(fn(ember), fn(torch))


A = ember.arange(12.0).view(3, 4)
T = torch.arange(12.0).view(3, 4)


@pytest.mark.parametrize("fn", [
    lambda m, x: m.broadcast_shapes((2, 3), (4,)), lambda m, x: m.broadcast_shapes((-1,)),
    lambda m, x: m.broadcast_tensors(x, m.ones(2)), lambda m, x: m.broadcast_to(x, (2, 3)),
    lambda m, x: m.meshgrid(x, indexing="ij"), lambda m, x: m.meshgrid(x[0], indexing="foo"),
    lambda m, x: m.meshgrid(indexing="ij"), lambda m, x: m.meshgrid(x[0], x[0].double(), indexing="ij"),
    lambda m, x: m.tensor_split(x[0, 0], 2), lambda m, x: m.tensor_split(x, 0),
    lambda m, x: m.tensor_split(x, m.tensor([1.0])), lambda m, x: m.tensor_split(x, L(m, [[1]])),
    lambda m, x: m.tensor_split(x, 2, 2), lambda m, x: m.hsplit(x[0, 0], 2), lambda m, x: m.hsplit(x, 3),
    lambda m, x: m.hsplit(x[0], 3), lambda m, x: m.vsplit(x[0], 2), lambda m, x: m.vsplit(x, 2),
    lambda m, x: m.dsplit(x, 2), lambda m, x: m.dsplit(x[None], 3), lambda m, x: m.column_stack([]),
    lambda m, x: m.dstack([]), lambda m, x: m.fliplr(x[0]), lambda m, x: m.flipud(x[0, 0]),
    lambda m, x: m.rot90(x, 1, (0, 1, 2)), lambda m, x: m.rot90(x[0], 1, (0, 1)), lambda m, x: m.rot90(x, 1, (0, 0)),
    lambda m, x: m.rot90(x, 1, (0, -2)), lambda m, x: m.rot90(x, 1, (0, 2)), lambda m, x: m.rot90(x, 1, (-3, 1)),
    lambda m, x: m.diag_embed(x, 0, 1, -2), lambda m, x: m.diag_embed(x, 0, 3, 1), lambda m, x: m.diag_embed(x[0, 0]),
    lambda m, x: m.block_diag(x[None]), lambda m, x: m.cartesian_prod(x), lambda m, x: m.cartesian_prod(),
    lambda m, x: m.cartesian_prod(x[0], L(m, [1, 2])), lambda m, x: m.combinations(x),
    lambda m, x: m.combinations(x[0], -1), lambda m, x: m.repeat_interleave(x, -1),
    lambda m, x: m.repeat_interleave(x, L(m, [1, -1, 1]), 0), lambda m, x: m.repeat_interleave(x, L(m, [[1]]), 0),
    lambda m, x: m.repeat_interleave(x, L(m, [1, 2]), 0), lambda m, x: m.repeat_interleave(x, m.tensor([1.0, 2, 3]), 0),
    lambda m, x: m.repeat_interleave(L(m, [[1]])), lambda m, x: m.repeat_interleave(m.tensor([1.0])),
    lambda m, x: m.repeat_interleave(x, L(m, [1, 2, 0]), 0, output_size=4),
    lambda m, x: m.repeat_interleave(x[0, 0], 3, 0), lambda m, x: m.tril_indices(-1, 3),
    lambda m, x: m.triu_indices(2, -3), lambda m, x: m.tril_indices(3, 3, dtype=m.float32),
    lambda m, x: m.vander(x), lambda m, x: m.vander(x[0], -1), lambda m, x: m.diff(x[0, 0]), lambda m, x: m.diff(x, -1),
    lambda m, x: m.diff(x, prepend=x[0]), lambda m, x: m.diff(x, prepend=m.ones(2, 1)),
    lambda m, x: m.diff(x, prepend=1.0),
])
def test_errors_as_torch(fn):
    with pytest.raises(Exception) as t_info:
        fn(torch, T)
    with pytest.raises(type(t_info.value)) as e_info:
        fn(ember, A)
    t_msg, e_msg = str(t_info.value), str(e_info.value)
    if "torch.meshgrid: Expected 0D or 1D" in t_msg:  # torch prints the tensor in its C++ format
        t_msg, e_msg = t_msg.split("got:")[0], e_msg.split("got:")[0]
    assert e_msg == t_msg.replace("torch.FloatTensor", "ember.FloatTensor")
