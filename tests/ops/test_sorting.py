"""Sorting and counting: values, indices and gradients against torch (tests/oracle.py), ties with stable sorts,
NaN, 0-d and empty inputs, result types and PyTorch's errors."""
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import ember
from tests.oracle import OpSpec, check_op

NAN = math.nan
SHAPES = [((3, 4),), ((2, 3, 4),)]
SCALAR = [((),)]
EMPTY = [((0, 3),)]


def _distinct(rng, case):
    """Distinct values (no ties), so that indices are defined and finite differences meet no kinks."""
    return [rng.permutation(np.linspace(-2, 2, int(np.prod(s))) + 0.1 * math.sqrt(2)).reshape(s) for s in case]


def _ties(rng, case):
    """Few distinct values: many ties."""
    return [rng.integers(0, 3, s).astype(np.float64) for s in case]


def both(name, fn, shapes=SHAPES, **kw):
    """The same code for ember and torch: fn(module, *tensors)."""
    return OpSpec(name, lambda *a: fn(ember, *a), lambda *a: fn(torch, *a), shapes, **kw)


SPECS = [
    both("sort", lambda m, x: tuple(m.sort(x)), SHAPES + SCALAR + EMPTY, make=_distinct),
    both("sort_dim0_desc", lambda m, x: tuple(x.sort(0, True)), SHAPES, make=_distinct),
    both("sort_neg_dim", lambda m, x: tuple(m.sort(x, dim=-2, descending=False)), SHAPES, make=_distinct),
    both("sort_stable_ties", lambda m, x: tuple(m.sort(x, dim=1, stable=True)), SHAPES, make=_ties, grad=False),
    both("sort_stable_ties_desc", lambda m, x: tuple(x.sort(stable=True, dim=0, descending=True)), SHAPES,
         make=_ties, grad=False),
    both("argsort", lambda m, x: (m.argsort(x), x.argsort(0, True), m.argsort(x, dim=-1, stable=True)), SHAPES,
         make=_ties, grad=False),
    both("argsort_0d", lambda m, x: m.argsort(x), SCALAR, grad=False),
    both("msort", lambda m, x: m.msort(x), SHAPES + EMPTY, make=_distinct),
    both("topk", lambda m, x: tuple(m.topk(x, 2)), SHAPES + EMPTY[:0], make=_distinct),
    both("topk_smallest_dim0", lambda m, x: tuple(x.topk(2, 0, largest=False)), SHAPES, make=_distinct),
    both("topk_all", lambda m, x: tuple(m.topk(x, 4, dim=-1)), SHAPES, make=_distinct),
    both("topk_one_of_many", lambda m, x: tuple(m.topk(x, 1)), [((2, 9),)], make=_distinct),
    both("topk_zero", lambda m, x: tuple(m.topk(x, 0)), SHAPES, make=_distinct),
    both("topk_0d", lambda m, x: tuple(m.topk(x, 1)), SCALAR),
    both("kthvalue", lambda m, x: tuple(m.kthvalue(x, 2)), SHAPES, make=_distinct),
    both("kthvalue_dim_keepdim", lambda m, x: tuple(x.kthvalue(2, 0, keepdim=True)), SHAPES, make=_distinct),
    both("kthvalue_0d", lambda m, x: tuple(m.kthvalue(x, 1)), SCALAR),
    # finite differences cannot follow ties: their gradients are compared with torch's in their own test
    both("mode_ties", lambda m, x: tuple(m.mode(x)), SHAPES + [((4, 7),)], make=_ties, grad=False),
    both("mode_dim_keepdim", lambda m, x: tuple(x.mode(0, True)), SHAPES, make=_ties, grad=False),
    both("mode_distinct", lambda m, x: tuple(m.mode(x, 1)), SHAPES, make=_distinct),
    both("mode_0d", lambda m, x: tuple(m.mode(x)), SCALAR),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_op_matches_torch(spec):
    check_op(spec)


def _pair(fn, data, dtype=None, requires_grad=False):
    """fn applied to the same data in ember and torch."""
    return [fn(m, m.tensor(data, dtype=dtype, requires_grad=requires_grad)) for m in (ember, torch)]


def _same(e, t):
    """Equal values (NaN equal to NaN), shapes and dtypes, for tensors or tuples of them."""
    if isinstance(t, tuple):
        assert isinstance(e, tuple) and len(e) == len(t)
        for a, b in zip(e, t):
            _same(a, b)
        return
    assert tuple(e.shape) == tuple(t.shape) and str(e.dtype)[6:] == str(t.dtype)[6:]
    np.testing.assert_array_equal(np.asarray(e.tolist()), np.asarray(t.tolist()))


def test_sort_puts_nan_last_and_first_when_descending():
    data = [[1.0, NAN, 3.0, NAN, -1.0], [NAN, 2.0, 2.0, 0.0, NAN]]
    for fn in (lambda m, x: tuple(x.sort()), lambda m, x: tuple(m.sort(x, descending=True)),
               lambda m, x: tuple(x.sort(dim=0, stable=True)), lambda m, x: m.argsort(x, descending=True),
               lambda m, x: x.topk(2, largest=False).indices):
        _same(*_pair(fn, data))
    e, t = _pair(lambda m, x: m.topk(x, 2), data)    # torch leaves the order of equal values (NaN) open
    _same(e.values, t.values)
    assert np.isnan(ember.tensor(data).gather(1, e.indices).numpy()).all()


def test_sort_gradient_scatters_back_as_torch():
    data = [[3.0, 1.0, 2.0, 1.0], [0.5, -1.0, 4.0, 0.0]]
    res = []
    for m in (ember, torch):
        x = m.tensor(data, requires_grad=True)
        values = m.sort(x, dim=1, descending=True, stable=True).values
        (values * m.tensor([[1.0, 2.0, 3.0, 4.0]])).sum().backward()
        res.append(x.grad.tolist())
    assert res[0] == res[1] == [[1.0, 3.0, 2.0, 4.0], [2.0, 4.0, 1.0, 3.0]]


def test_integer_and_bool_sorts_match_torch():
    for data, dtype in (([[3, 1, 2, 1], [0, -5, 4, 4]], "int32"), ([[True, False, True]], "bool"),
                        ([[7, 2, 9]], "uint8")):
        for fn in (lambda m, x: tuple(x.sort(stable=True)), lambda m, x: tuple(x.sort(descending=True, stable=True)),
                   lambda m, x: m.argsort(x, dim=0, stable=True),
                   lambda m, x: x.topk(1).values if x.dtype != m.bool else x.max(-1, keepdim=True).values):
            _same(*[fn(m, m.tensor(data, dtype=getattr(m, dtype))) for m in (ember, torch)])


def test_topk_and_kthvalue_with_ties_give_torch_values_and_valid_indices():
    data = [[2.0, 1.0, 2.0, 1.0, 2.0], [0.0, 0.0, 0.0, 0.0, 0.0]]
    for fn in (lambda m, x: m.topk(x, 2), lambda m, x: x.topk(3, largest=False), lambda m, x: m.kthvalue(x, 3)):
        e, t = _pair(fn, data)
        assert e.values.tolist() == t.values.tolist()
        x = ember.tensor(data)
        index = e.indices if e.indices.ndim == 2 else e.indices.unsqueeze(1)
        assert x.gather(1, index).tolist() == (e.values if e.values.ndim == 2 else e.values.unsqueeze(1)).tolist()


def test_mode_picks_the_smallest_most_frequent_value_at_its_last_index():
    data = [[1.0, 2.0, 2.0, 3.0, 3.0, 1.0], [5.0, 5.0, 4.0, 4.0, 6.0, 6.0], [1.0, NAN, NAN, 2.0, 7.0, 0.5]]
    e, t = _pair(lambda m, x: m.mode(x), data)
    _same(tuple(e), tuple(t))
    assert isinstance(e, ember.return_types.mode) and e.indices.tolist() == [5, 3, 5]


def test_mode_gradient_goes_to_the_returned_index():
    res = []
    for m in (ember, torch):
        x = m.tensor([[1.0, 2.0, 2.0, 1.0], [3.0, 3.0, 3.0, 0.0]], requires_grad=True)
        m.mode(x).values.sum().backward()
        res.append(x.grad.tolist())
    assert res[0] == res[1]


def test_grad_fn_names_and_result_types_match_torch():
    pairs = [
        (lambda m, x: m.sort(x).values, "SortBackward0"), (lambda m, x: x.sort(stable=True).values, "SortBackward1"),
        (lambda m, x: m.msort(x), "SortBackward0"), (lambda m, x: x.topk(2).values, "TopkBackward0"),
        (lambda m, x: x.kthvalue(1).values, "KthvalueBackward0"), (lambda m, x: m.mode(x, 0).values, "ModeBackward0"),
    ]
    for fn, name in pairs:
        e, t = _pair(fn, [[1.0, 3.0, 2.0], [0.0, -1.0, 4.0]], requires_grad=True)
        assert e.grad_fn.name() == t.grad_fn.name() == name
    x = ember.tensor([[1.0, 3.0, 2.0]], requires_grad=True)
    for fn, kind in ((ember.sort, ember.return_types.sort), (lambda x: x.topk(1), ember.return_types.topk),
                     (lambda x: x.kthvalue(1), ember.return_types.kthvalue)):
        r = fn(x)
        assert isinstance(r, kind) and r.indices.dtype == ember.int64 and not r.indices.requires_grad
    assert not ember.argsort(x).requires_grad


@pytest.mark.parametrize("fn", [
    lambda m, x: m.unique(x),
    lambda m, x: x.unique(return_inverse=True),
    lambda m, x: m.unique(x, sorted=False, return_counts=True),
    lambda m, x: m.unique(x, return_inverse=True, return_counts=True),
    lambda m, x: m.unique(x, dim=0, return_inverse=True, return_counts=True),
    lambda m, x: x.unique(dim=1, return_counts=True),
    lambda m, x: m.unique(x, dim=-1),
    lambda m, x: m.unique_consecutive(x),
    lambda m, x: x.unique_consecutive(return_inverse=True, return_counts=True),
    lambda m, x: m.unique_consecutive(x, return_counts=True, dim=0),
    lambda m, x: m.unique_consecutive(x, return_inverse=True, dim=1),
])
def test_unique_matches_torch(fn):
    for data in ([[1, 2, 1], [1, 2, 1], [0, 5, 0], [1, 2, 1]], [[3.0, 0.5, 3.0], [-1.0, 1.0, 1.0], [3.0, 0.5, 3.0]]):
        _same(*_pair(fn, data))


def test_unique_keeps_each_nan_apart_as_torch():
    data = [3.0, NAN, 3.0, NAN, NAN, 1.0]
    for fn in (lambda m, x: m.unique(x, return_inverse=True, return_counts=True),
               lambda m, x: m.unique_consecutive(x, return_inverse=True, return_counts=True)):
        _same(*_pair(fn, data))


def test_unique_of_0d_and_empty_inputs_matches_torch():
    for data, shape in (([5.0], ()), ([], (0, 3)), ([], (0,))):
        for fn in (lambda m, x: m.unique(x, return_inverse=True, return_counts=True),
                   lambda m, x: m.unique_consecutive(x, return_inverse=True, return_counts=True)):
            _same(*_pair(lambda m, x: fn(m, x.reshape(shape)), data))
    _same(*_pair(lambda m, x: m.unique(x.reshape(0, 3), dim=0, return_counts=True), []))


@pytest.mark.parametrize("fn", [
    lambda m, s, v: m.searchsorted(s, v),
    lambda m, s, v: m.searchsorted(s, v, right=True),
    lambda m, s, v: m.searchsorted(s, v, side="right", out_int32=True),
    lambda m, s, v: m.searchsorted(s, v, side="left"),
])
def test_searchsorted_matches_torch(fn):
    seq = [[1.0, 3.0, 3.0, 5.0], [2.0, 4.0, 6.0, 6.0]]
    values = [[3.0, 6.0, 0.0], [1.0, 9.0, 6.0]]
    cases = [(seq, values), (seq[0], values), (seq[0], values[0]), ([[seq]], [[values]]),
             ([1, 3, 3, 5], [[3, 6], [1, 5]]), ([1.0, 2.0], [])]
    for s, v in cases:
        _same(*[fn(m, m.tensor(s), m.tensor(v)) for m in (ember, torch)])
    _same(*[fn(m, m.tensor(seq[0]), 3.0) for m in (ember, torch)])


def test_searchsorted_with_sorter_matches_torch():
    for side in ("left", "right"):
        for s, sorter, v in (([5.0, 1.0, 3.0, 3.0], [1, 2, 3, 0], [3.0, 0.0, 6.0]),
                             ([[5, 1, 3], [2, 9, 4]], [[1, 2, 0], [0, 2, 1]], [[3, 6], [4, 1]])):
            _same(*[m.searchsorted(m.tensor(s), m.tensor(v), side=side, sorter=m.tensor(sorter))
                    for m in (ember, torch)])


def test_bucketize_matches_torch():
    boundaries = [1.0, 3.0, 5.0, 7.0]
    for data in ([[3.0, 6.0, 9.0], [1.0, 5.0, 0.0]], [], 4.0):
        for kw in ({}, {"right": True}, {"out_int32": True}):
            _same(*[m.bucketize(m.tensor(data), m.tensor(boundaries), **kw) for m in (ember, torch)])
    _same(*[m.bucketize(5, m.tensor(boundaries), right=True) for m in (ember, torch)])


@given(st.integers(1, 4), st.integers(1, 5), st.integers(0, 5), st.booleans(), st.randoms(use_true_random=False))
@settings(max_examples=15, deadline=None)
def test_searchsorted_batched_matches_torch_on_random_data(rows, n, m_values, right, rnd):
    rng = np.random.default_rng(rnd.randrange(2 ** 32))
    seq = np.sort(rng.integers(0, 6, (rows, n)), axis=-1).astype(np.float64)
    values = rng.integers(-1, 7, (rows, m_values)).astype(np.float64)
    _same(*[m.searchsorted(m.tensor(seq), m.tensor(values), right=right) for m in (ember, torch)])


def test_bincount_matches_torch():
    data = [1, 1, 3, 0, 7]
    for fn in (lambda m, x: m.bincount(x), lambda m, x: x.bincount(minlength=10),
               lambda m, x: m.bincount(x, m.tensor([0.5, 1.0, 2.0, -1.0, 3.0])),
               lambda m, x: x.bincount(weights=m.tensor([0.5, 1.0, 2.0, -1.0, 3.0], dtype=m.float64)),
               lambda m, x: m.bincount(x, m.tensor([1, 2, 3, 4, 5]), 3)):
        _same(*_pair(fn, data))
    for dtype in ("uint8", "int32"):
        _same(*[m.bincount(m.tensor([1, 0, 1], dtype=getattr(m, dtype))) for m in (ember, torch)])
    for minlength in (0, 3):
        _same(*[m.bincount(m.tensor([], dtype=m.int64), minlength=minlength) for m in (ember, torch)])


def test_histc_matches_torch():
    data = [[1.0, 2.0, 1.0, -0.5], [3.0, 2.5, 0.0, 9.0]]
    for fn in (lambda m, x: m.histc(x), lambda m, x: x.histc(4, 0, 3), lambda m, x: m.histc(x, bins=7),
               lambda m, x: m.histc(x, 3, min=1, max=1), lambda m, x: m.histc(x * 0 + 2, 4),
               lambda m, x: m.histc(x[:0], 5), lambda m, x: m.histc(x[0, 0], 3)):
        for dtype in ("float32", "float64"):
            _same(*[fn(m, m.tensor(data, dtype=getattr(m, dtype))) for m in (ember, torch)])


def test_isin_matches_torch():
    for fn in (lambda m: m.isin(m.tensor([[1, 2], [3, 4]]), m.tensor([2, 5, 4])),
               lambda m: m.isin(m.tensor([1, 2, 3]), m.tensor([2.0, 5.0]), invert=True),
               lambda m: m.isin(m.tensor([1.5, 2.0]), 2),
               lambda m: m.isin(2, m.tensor([1, 2])),
               lambda m: m.isin(m.tensor([1, 2]), m.tensor([1, 2, 3]), assume_unique=True),
               lambda m: m.isin(m.tensor([]), m.tensor([1.0]))):
        _same(fn(ember), fn(torch))


@pytest.mark.parametrize("fn, exc, msg", [
    (lambda m: m.topk(m.tensor([1.0, 2.0]), 3), RuntimeError, r"selected index k out of range"),
    (lambda m: m.ones(2).topk(-1), RuntimeError, r"selected index k out of range"),
    (lambda m: m.topk(m.ones(()), 2), RuntimeError, r"selected index k out of range"),
    (lambda m: m.ones(2, dtype=m.bool).topk(1), RuntimeError, r"topk does not support bool dtypes on CPU"),
    (lambda m: m.kthvalue(m.ones(2), 3), RuntimeError,
     r"kthvalue\(\): selected number k out of range for dimension 0"),
    (lambda m: m.ones(2, 3).kthvalue(0, 1), RuntimeError,
     r"kthvalue\(\): selected number k out of range for dimension 1"),
    (lambda m: m.ones(()).kthvalue(2), RuntimeError, r"kthvalue\(\): selected number k out of range for dimension 0"),
    (lambda m: m.kthvalue(m.ones(0), 1), IndexError, r"kthvalue\(\): Expected reduction dim 0 to have non-zero size."),
    (lambda m: m.mode(m.ones(2, 0), 1), IndexError, r"mode\(\): Expected reduction dim 1 to have non-zero size."),
    (lambda m: m.sort(m.ones(2), 1), IndexError,
     r"Dimension out of range \(expected to be in range of \[-1, 0\], but got 1\)"),
    (lambda m: m.unique(m.ones(1, 2), dim=2), IndexError,
     r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"),
    (lambda m: m.unique(m.ones(0, 3), dim=1), RuntimeError,
     r"There are 0 sized dimensions, and they aren't selected, so unique cannot be applied"),
    (lambda m: m.searchsorted(m.ones(2, 2), m.ones(3)), RuntimeError,
     r"torch.searchsorted\(\): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries "
     r"tensor and input value tensor must match, but we got boundaries tensor \[2, 2\] and input value tensor \[3\]"),
    (lambda m: m.searchsorted(m.ones(2), m.ones(2), right=True, side="left"), RuntimeError,
     r"torch.searchsorted\(\): side and right can't be set to opposites, got side of left while right was True"),
    (lambda m: m.searchsorted(m.ones(2), m.ones(2), side="up"), RuntimeError,
     r"torch.searchsorted\(\): side can only be 'left' or 'right' but got up"),
    (lambda m: m.searchsorted(m.ones(2, 2), 2), RuntimeError,
     r"torch.searchsorted\(\): input value can be a scalar only when boundaries tensor dimension is 1, but we got "
     r"boundaries tensor dim\(2\) and input value's dim\(0\) numel\(1\)"),
    (lambda m: m.searchsorted(m.ones(2), m.ones(2), sorter=m.tensor([0])), RuntimeError,
     r"torch.searchsorted\(\): boundary and sorter must have the same size, but got boundary tensor \[2\]and got "
     r"sorter tensor \[1\]"),
    (lambda m: m.searchsorted(m.ones(()), m.ones(1)), RuntimeError,
     r"torch.searchsorted\(\): boundaries tensor should have positive dimension, but got 0 dimension"),
    (lambda m: m.bucketize(m.ones(2), m.ones(1, 2)), RuntimeError,
     r"boundaries tensor must be 1 dimension, but got dim\(2\)"),
    (lambda m: m.bincount(m.ones(2)), NotImplementedError, r"\"bincount_cpu\" not implemented for 'Float'"),
    (lambda m: m.bincount(m.tensor([True])), NotImplementedError, r"\"bincount_cpu\" not implemented for 'Bool'"),
    (lambda m: m.bincount(m.tensor([-1, 2])), RuntimeError,
     r"bincount only supports 1-d non-negative integral inputs."),
    (lambda m: m.bincount(m.tensor([[1, 2]])), RuntimeError, r"bincount only supports 1-d non-negative integral"),
    (lambda m: m.bincount(m.tensor([1, 2]), m.ones(1)), RuntimeError,
     r"weights should be 1-d and have the same length as input"),
    (lambda m: m.bincount(m.tensor([1, 2]), minlength=-1), RuntimeError, r"minlength should be >= 0"),
    (lambda m: m.histc(m.tensor([1, 2])), NotImplementedError, r"\"histogram_cpu\" not implemented for 'Long'"),
    (lambda m: m.histc(m.ones(2), 0), RuntimeError, r"torch.histogram\(\): bins must be > 0, but got 0 for dimension 0"),
    (lambda m: m.histc(m.ones(2), 3, min=2, max=1), RuntimeError, r"torch.histc: max must be larger than min"),
    (lambda m: m.histc(m.tensor([1.0, math.inf]), 3), RuntimeError, r"torch.histc: range of \[1, inf\] is not finite"),
    (lambda m: m.histc(m.tensor([1.0, NAN]), 3), RuntimeError, r"torch.histc: range of .* is not finite"),
    (lambda m: m.isin(1, 2), TypeError, r"isin\(\) received an invalid combination of arguments - got \(int, int\)"),
])
def test_errors_match_torch(fn, exc, msg):
    with pytest.raises(exc, match=msg):
        fn(ember)
    with pytest.raises(exc, match=msg):
        fn(torch)
