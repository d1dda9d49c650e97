"""More indexing ops against torch (tests/oracle.py): take_along_dim, index_copy, put, scatter_reduce and
index_reduce (every reduction, include_self, ties, zeros for prod), masked_scatter, select/slice/diagonal_scatter;
in-place forms, grad_fn names and errors as torch words them."""
import warnings

import numpy as np
import pytest
import torch

import ember
from tests.oracle import OpSpec, check_op, compare


def spec(name, fn, shapes, **kw):
    return OpSpec(name, lambda *xs: fn(ember, *xs), lambda *xs: fn(torch, *xs), shapes, **kw)


def L(m, data):
    return m.tensor(data, dtype=m.int64)


def ties(rng, case):
    """Small integers, so that amax/amin meet ties and prod meets zeros."""
    return [rng.integers(-2, 3, size=s).astype(np.float64) for s in case]


X = [((3, 4),)]
IDX = [[0, 2, 0, 0], [0, 0, 2, 2]]
SPECS = [
    spec("take_along_dim", lambda m, x: m.take_along_dim(x, L(m, [[0, 3], [1, 1], [2, 0]]), 1), X),
    spec("take_along_dim_broadcast", lambda m, x: x.take_along_dim(L(m, [[[0], [2]]]), dim=-1), [((2, 1, 3),)]),
    spec("take_along_dim_flat", lambda m, x: m.take_along_dim(x, L(m, [11, 0, 0])), [((12,),)]),
    spec("take_along_dim_0d", lambda m, x: m.take_along_dim(x, L(m, [0, 0])), [((),)]),
    spec("index_copy", lambda m, x, s: x.index_copy(1, L(m, [3, 0]), s), [((3, 4), (3, 2))]),
    spec("index_copy_fn", lambda m, x, s: m.index_copy(x, -2, L(m, [1]), s), [((3, 4), (1, 4))]),
    spec("put", lambda m, x, s: x.put(L(m, [[0, 10], [-1, 5]]), s), [((3, 4), (2, 2))]),
    spec("put_accumulate", lambda m, x, s: m.put(x, L(m, [1, 1, 7]), s, accumulate=True), [((3, 4), (3,))]),
    spec("masked_scatter", lambda m, x, s: x.masked_scatter(x > 0, s), [((3, 4), (14,)), ((3, 4), (3, 5))]),
    spec("masked_scatter_broadcast", lambda m, x, s: m.masked_scatter(x, m.tensor([[True], [False]]), s),
         [((4,), (9,))]),
    spec("select_scatter", lambda m, x, s: m.select_scatter(x, s, 0, -1), [((3, 4), (4,))]),
    spec("select_scatter_dim", lambda m, x, s: x.select_scatter(s, 1, 2), [((3, 4), (3,))]),
    spec("slice_scatter", lambda m, x, s: m.slice_scatter(x, s, 1, 0, 4, 2), [((3, 4), (3, 2))]),
    spec("slice_scatter_default", lambda m, x, s: x.slice_scatter(s, start=-2), [((3, 4), (2, 4))]),
    spec("slice_scatter_end", lambda m, x, s: m.slice_scatter(x, s, -1, 2, 100), [((3, 4), (3, 2))]),
    spec("diagonal_scatter", lambda m, x, s: m.diagonal_scatter(x, s), [((3, 4), (3,))]),
    spec("diagonal_scatter_offset", lambda m, x, s: x.diagonal_scatter(s, 1, -1, 0), [((2, 3, 4), (3, 1))]),
    spec("inplace_forms", lambda m, x, s: (x * 1).index_copy_(0, L(m, [2]), s[:1]).put_(L(m, [0]), s[0, :1])
         .masked_scatter_(x > 1, s.reshape(-1)), [((3, 4), (3, 4))]),
]
for reduce in ("sum", "prod", "mean", "amax", "amin"):
    for include_self in (True, False):
        SPECS += [
            spec(f"scatter_reduce_{reduce}_{include_self}", lambda m, x, s, r=reduce, i=include_self:
                 x.scatter_reduce(0, L(m, IDX), s, r, include_self=i), [((3, 4), (2, 4))],
                 make=ties if reduce in ("sum", "mean") else None, gradgrad=reduce != "prod"),
            spec(f"scatter_reduce_{reduce}_{include_self}_random", lambda m, x, s, r=reduce, i=include_self:
                 m.scatter_reduce(x, -1, L(m, [[0, 0], [3, 1], [2, 2]]), s, r, include_self=i), [((3, 4), (3, 2))]),
        ]
        if reduce != "sum":
            SPECS.append(spec(f"index_reduce_{reduce}_{include_self}", lambda m, x, s, r=reduce, i=include_self:
                              x.index_reduce(1, L(m, [0, 3, 0]), s, r, include_self=i), [((3, 4), (3, 3))],
                              make=ties if reduce == "mean" else None))
SPECS.append(spec("scatter_reduce_prod_zeros", lambda m, x, s: x.scatter_reduce(0, L(m, IDX), s, "prod"),
                  [((3, 4), (2, 4))], make=lambda rng, case: [np.array([[0.0, 1, 2, 0], [1.5, 0, 2, 3], [1, 1, 1, -1]]),
                                                              np.array([[2.0, 0, 0, 0], [3, 0, 1, 0]])],
                  gradgrad=False))


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_op_matches_torch(spec):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_op(spec)


def _same(e, t):
    assert tuple(e.shape) == tuple(t.shape) and str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
    np.testing.assert_array_equal(e.detach().numpy(), t.detach().numpy())


@pytest.mark.parametrize("fn", [
    lambda m, x: m.take_along_dim(x, L(m, [[0], [1], [2]]), 1), lambda m, x: x.index_copy(0, L(m, [2, 0]), x[:2]),
    lambda m, x: x.index_reduce(0, L(m, [2, 0]), x[:2], "amax"), lambda m, x: x.scatter_reduce(0, L(m, IDX), x, "mean"),
    lambda m, x: x.masked_scatter(x > 3, x), lambda m, x: x.put(L(m, [1, 1]), x[0, :2]),
    lambda m, x: m.select_scatter(x, x[0], 0, 1), lambda m, x: m.slice_scatter(x, x[:, :2], 1, 0, 4, 2),
    lambda m, x: m.diagonal_scatter(x, x[0, :3]),
])
def test_grad_fn_names_match_torch(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        e = fn(ember, ember.arange(12.0).view(3, 4).requires_grad_())
        t = fn(torch, torch.arange(12.0).view(3, 4).requires_grad_())
    assert e.grad_fn.name() == t.grad_fn.name()
    _same(e, t)


@pytest.mark.parametrize("fn", [
    lambda m: m.tensor([[1, 2], [3, 4]]).scatter_reduce(0, L(m, [[0, 0], [0, 0]]), m.tensor([[2, 2], [3, 4]]), "mean"),
    lambda m: m.tensor([[1, 2], [3, 4]]).scatter_reduce(0, L(m, [[0, 0], [0, 0]]), m.tensor([[2, 2], [3, 4]]), "mean",
                                                      include_self=False),
    lambda m: m.tensor([[1, 2], [3, 4]]).index_reduce(0, L(m, [0, 0]), m.tensor([[2, 9], [3, 3]]), "amin"),
    lambda m: m.zeros(5, dtype=m.int32).scatter_reduce(0, L(m, [0, 0, 4]), m.tensor([3, -7, 2], dtype=m.int32), "amax",
                                                       include_self=False),
    lambda m: m.zeros(5).put_(L(m, [0, 0, 4]), m.tensor([3.0, -7, 2]), accumulate=True),
    lambda m: m.zeros(2, 3).index_copy_(1, L(m, [2]), m.ones(2, 1)),
    lambda m: m.zeros(2, 3).masked_scatter_(m.tensor([True, False, True]), m.arange(6.0)),
    lambda m: m.zeros(2, 3).scatter_reduce_(1, L(m, [[1, 1]]), m.tensor([[2.0, 3.0]]), "prod", include_self=False),
])
def test_integer_and_inplace_values_as_torch(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _same(fn(ember), fn(torch))


@pytest.mark.parametrize("reduce", ["amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_amax_amin_ties_values_and_gradients_as_torch(reduce, include_self):
    # ties are not differentiable (no gradcheck): torch shares the gradient evenly among the tied values
    rng = np.random.default_rng(0)
    for s in (spec("scatter", lambda m, x, s: x.scatter_reduce(0, L(m, IDX), s[:2], reduce, include_self=include_self),
                   []),
              spec("index", lambda m, x, s: x.index_reduce(1, L(m, [0, 3, 0]), s[:, :3], reduce,
                                                           include_self=include_self), [])):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compare(s, ties(rng, [(3, 4), (3, 4)]), np.float64)


def test_amax_ties_share_the_gradient_evenly():
    for m in (ember, torch):
        x = m.tensor([2.0, 0.0], requires_grad=True)
        s = m.tensor([2.0, 2.0, 1.0], requires_grad=True)
        x.scatter_reduce(0, L(m, [0, 0, 1]), s, "amax").sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), [1 / 3, 0])
        np.testing.assert_allclose(s.grad.numpy(), [1 / 3, 1 / 3, 1])


def test_index_reduce_warns_as_torch():
    with pytest.warns(UserWarning, match=r"index_reduce\(\) is in beta and the API may change at any time."):
        ember.ones(2).index_reduce(0, L(ember, [0]), ember.ones(1), "prod")


A = ember.arange(12.0).view(3, 4)
T = torch.arange(12.0).view(3, 4)


@pytest.mark.parametrize("fn", [
    lambda m, x: m.take_along_dim(x, L(m, [[0]]).int(), 1), lambda m, x: m.take_along_dim(x, L(m, [0]), 1),
    lambda m, x: m.take_along_dim(x, L(m, [[0], [1]]), 1), lambda m, x: m.take_along_dim(x, L(m, [-1])),
    lambda m, x: x.index_copy(0, L(m, [0]), m.ones(1, 4).double()), lambda m, x: x.index_copy(0, L(m, [0]).int(), m.ones(1, 4)),
    lambda m, x: x.index_copy(0, L(m, [0, 1]), m.ones(1, 4)), lambda m, x: x.index_copy(0, L(m, [5]), m.ones(1, 4)),
    lambda m, x: x.index_copy(0, L(m, [-1]), m.ones(1, 4)), lambda m, x: x.index_copy(0, L(m, [[0]]), m.ones(1, 4)),
    lambda m, x: x.index_copy(0, L(m, [0]), m.ones(1, 3)),
    lambda m, x: x.index_reduce(0, L(m, [0]), m.ones(1, 4), "sum"),
    lambda m, x: x.index_reduce(0, m.tensor([0.0]), m.ones(1, 4), "prod"),
    lambda m, x: x.index_reduce(0, L(m, [0]), m.ones(1, 4).double(), "prod"),
    lambda m, x: x.index_reduce(0, L(m, [5]), m.ones(1, 4), "prod"),
    lambda m, x: x.index_reduce(0, L(m, [0, 1]), m.ones(1, 4), "prod"),
    lambda m, x: x.scatter_reduce(0, L(m, [[0]]), m.ones(1, 1), "add"),
    lambda m, x: x.scatter_reduce(0, L(m, [[0]]), m.ones(1, 1).double(), "sum"),
    lambda m, x: x.scatter_reduce(0, L(m, [[5]]), m.ones(1, 1), "sum"),
    lambda m, x: x.masked_scatter((x > 0).byte(), m.ones(12)), lambda m, x: x.masked_scatter(x > 0, m.ones(12).double()),
    lambda m, x: x.masked_scatter(x > -100, m.ones(3)), lambda m, x: x.put(L(m, [0, 1]), m.ones(3)),
    lambda m, x: x.put(L(m, [12]), m.ones(1)), lambda m, x: x.put(L(m, [-13]), m.ones(1)),
    lambda m, x: x.put(L(m, [0]), m.ones(1).double()), lambda m, x: x.put(L(m, [0]).int(), m.ones(1)),
    lambda m, x: m.select_scatter(x, m.ones(3), 0, 1), lambda m, x: m.select_scatter(x, m.ones(4), 0, 3),
    lambda m, x: m.slice_scatter(x, m.ones(3, 3), 1, 0, 4, 2), lambda m, x: m.slice_scatter(x, m.ones(3, 2), 1, 0, 4, 0),
    lambda m, x: m.diagonal_scatter(x, m.ones(4)),
])
def test_errors_as_torch(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as t_info:
            fn(torch, T)
        with pytest.raises(type(t_info.value)) as e_info:
            fn(ember, A)
    assert str(e_info.value) == str(t_info.value)
