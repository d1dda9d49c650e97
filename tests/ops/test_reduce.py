"""Reductions: values and gradients against torch, gradcheck and gradgradcheck (tests/oracle.py), ties,
zeros, empty and 0-d inputs, result types and PyTorch's errors."""
import math
import warnings

import numpy as np
import pytest
import torch

import ember
from tests.oracle import OpSpec, check_op

INF = math.inf
SHAPES = [((3, 4),), ((2, 3, 2),)]


def _distinct(rng, case):
    """Distinct values and magnitudes (an irrational shift), so that max/min/median, inf-norms and finite
    differences meet no ties."""
    return [rng.permutation(np.linspace(-2, 2, int(np.prod(s))) + 0.1 * math.sqrt(2) * (i + 1)).reshape(s)
            for i, s in enumerate(case)]


def _nonzero(rng, case):
    return [rng.uniform(0.5, 2.0, s) * rng.choice([-1, 1], s) for s in case]


def _one_zero_per_row(rng, case):
    out = []
    for s in case:
        a = rng.uniform(0.5, 2.0, s) * rng.choice([-1, 1], s)
        a.reshape(-1, s[-1])[np.arange(a.size // s[-1]), rng.integers(0, s[-1], a.size // s[-1])] = 0.0
        out.append(a)
    return out


def _two_zeros(rng, case):
    a = _nonzero(rng, case)[0]
    a[..., 0] = 0.0
    a[..., 2] = 0.0
    return [a]


def spec(name, efn, tfn, shapes=SHAPES, **kw):
    return OpSpec(name, efn, tfn, shapes, **kw)


def both(name, fn, shapes=SHAPES, **kw):
    """The same code for ember and torch: fn(module, *tensors)."""
    return spec(name, lambda *a: fn(ember, *a), lambda *a: fn(torch, *a), shapes, **kw)


EMPTY = [((0, 3),)]
SCALAR = [((),)]

SPECS = [
    both("sum", lambda m, x: m.sum(x), SHAPES + SCALAR + EMPTY),
    both("sum_dim", lambda m, x: x.sum(1), SHAPES + EMPTY),
    both("sum_tuple_keepdim", lambda m, x: m.sum(x, (0, -1), keepdim=True), SHAPES + EMPTY),
    both("sum_empty_tuple", lambda m, x: x.sum(()), SHAPES),
    both("sum_0d_dim", lambda m, x: x.sum(0), SCALAR),
    both("sum_0d_keepdim", lambda m, x: m.sum(x, -1, keepdim=True), SCALAR),
    both("mean", lambda m, x: m.mean(x), SHAPES + SCALAR),
    both("mean_dim", lambda m, x: x.mean(-2, keepdim=True), SHAPES + EMPTY),
    both("mean_empty", lambda m, x: x.mean(0), EMPTY),
    both("prod", lambda m, x: m.prod(x), SHAPES + SCALAR + EMPTY, make=_nonzero),
    both("prod_dim", lambda m, x: x.prod(1), SHAPES + EMPTY, make=_nonzero),
    both("prod_keepdim_neg", lambda m, x: m.prod(x, -1, keepdim=True), SHAPES, make=_nonzero),
    both("prod_0d_dim", lambda m, x: x.prod(0), SCALAR),
    both("prod_one_zero", lambda m, x: x.prod(-1), SHAPES, make=_one_zero_per_row),
    both("prod_all_one_zero", lambda m, x: x.prod(), [((1, 4),), ((5,),)], make=_one_zero_per_row),
    both("prod_two_zeros", lambda m, x: x.prod(-1), [((2, 4),)], make=_two_zeros),
    both("prod_all_two_zeros", lambda m, x: x.prod(), [((2, 4),)], make=_two_zeros),
    both("max", lambda m, x: m.max(x), SHAPES + SCALAR, make=_distinct),
    both("min", lambda m, x: x.min(), SHAPES + SCALAR, make=_distinct),
    both("max_dim", lambda m, x: m.max(x, 1), SHAPES + SCALAR[:0], make=_distinct),
    both("max_dim_keepdim", lambda m, x: x.max(-1, keepdim=True), SHAPES, make=_distinct),
    both("min_dim", lambda m, x: tuple(m.min(x, dim=0)), SHAPES, make=_distinct),
    both("max_0d_dim", lambda m, x: tuple(x.max(0)), SCALAR),
    both("min_0d_dim_keepdim", lambda m, x: tuple(m.min(x, -1, True)), SCALAR),
    both("max_dim_empty", lambda m, x: tuple(x.max(1)), EMPTY),
    both("max_other", lambda m, x, y: m.max(x, y), [((3, 4), (4,))], make=_distinct),
    both("min_other", lambda m, x, y: x.min(y), [((3, 4), (3, 1))], make=_distinct),
    both("amax", lambda m, x: m.amax(x), SHAPES + SCALAR, make=_distinct),
    both("amax_tuple", lambda m, x: x.amax((0, -1)), SHAPES, make=_distinct),
    both("amin_keepdim", lambda m, x: m.amin(x, 1, keepdim=True), SHAPES, make=_distinct),
    both("amax_empty_rows", lambda m, x: x.amax(1), EMPTY),
    both("median", lambda m, x: m.median(x), SHAPES + SCALAR + [((5,),)], make=_distinct),
    both("median_dim", lambda m, x: tuple(m.median(x, 1)), SHAPES + [((3, 5),)], make=_distinct),
    both("median_dim_keepdim", lambda m, x: tuple(x.median(-1, keepdim=True)), SHAPES, make=_distinct),
    both("median_0d_dim", lambda m, x: tuple(x.median(0)), SCALAR),
    both("argmax", lambda m, x: (m.argmax(x), x.argmax(1), m.argmax(x, -1, keepdim=True), x.argmax(keepdim=True)),
         SHAPES, make=_distinct, grad=False),
    both("argmin", lambda m, x: (m.argmin(x), x.argmin(0), m.argmin(x, 0, True)), SHAPES, make=_distinct,
         grad=False),
    both("argmax_0d", lambda m, x: (x.argmax(), x.argmin(0), m.argmax(x, -1, True)), SCALAR, grad=False),
    both("var", lambda m, x: m.var(x), SHAPES + EMPTY[:0]),
    both("var_dim", lambda m, x: x.var(1), SHAPES + EMPTY),
    both("var_unbiased_positional", lambda m, x: m.var(x, 0, False, True), SHAPES),
    both("var_unbiased_only", lambda m, x: m.var(x, False), SHAPES),
    both("var_correction", lambda m, x: x.var((0, -1), correction=2, keepdim=True), SHAPES),
    both("var_float_correction", lambda m, x: x.var(dim=-1, correction=0.5), SHAPES),
    both("var_0d", lambda m, x: x.var(correction=0), SCALAR),
    both("std", lambda m, x: m.std(x), SHAPES),
    both("std_dim", lambda m, x: x.std(-1, keepdim=True, unbiased=False), SHAPES + EMPTY),
    both("std_tuple", lambda m, x: m.std(x, (0, 1), correction=0), SHAPES),
    both("var_mean", lambda m, x: m.var_mean(x, 1), SHAPES),
    both("std_mean", lambda m, x: m.std_mean(x, (0,), correction=0, keepdim=True), SHAPES),
    both("std_mean_all", lambda m, x: m.std_mean(x, False), SHAPES),
    both("logsumexp", lambda m, x: m.logsumexp(x, 1), SHAPES + EMPTY),
    both("logsumexp_tuple", lambda m, x: x.logsumexp((0, -1), keepdim=True), SHAPES + SCALAR[:0]),
    both("logsumexp_0d", lambda m, x: m.logsumexp(x, 0), SCALAR),
    both("logsumexp_empty_dim", lambda m, x: m.logsumexp(x, 0), EMPTY),
    # 4 x 8 elements: more than gradcheck takes (finite differences cannot follow exp(1000 x))
    both("logsumexp_large", lambda m, x: m.logsumexp(x * 1000, 1), [((4, 8),)], atol=1e-4),
    both("norm", lambda m, x: x.norm(), SHAPES + EMPTY),
    both("norm_fro_dims", lambda m, x: m.norm(x, "fro", dim=(0, 1)), SHAPES),
    both("norm_2_dim", lambda m, x: m.norm(x, 2, dim=1), SHAPES + EMPTY),
    both("norm_keepdim", lambda m, x: x.norm(dim=-1, keepdim=True), SHAPES),
    both("norm_1", lambda m, x: m.norm(x, 1), SHAPES, make=_nonzero),
    both("norm_1_dim", lambda m, x: x.norm(1, 0), SHAPES, make=_nonzero),
    both("norm_inf", lambda m, x: x.norm(INF), SHAPES, make=_distinct),
    both("norm_inf_dim", lambda m, x: m.norm(x, INF, dim=1, keepdim=True), SHAPES, make=_distinct),
    both("norm_neginf", lambda m, x: m.norm(x, -INF, dim=0), SHAPES, make=_distinct),
    both("norm_0", lambda m, x: m.norm(x, 0, dim=1), SHAPES, make=_one_zero_per_row),
    both("norm_3", lambda m, x: m.norm(x, 3, dim=1), SHAPES, make=_nonzero),
    both("norm_1_5", lambda m, x: x.norm(1.5), SHAPES, make=_nonzero),
    both("norm_0_5", lambda m, x: m.norm(x, 0.5, (0, 1)), SHAPES, make=_nonzero),
    both("norm_0d", lambda m, x: x.norm(), SCALAR, make=_nonzero),
    both("norm_inf_0d", lambda m, x: x.norm(INF), SCALAR, make=_nonzero),
    both("norm_3_0d", lambda m, x: m.norm(x, 3), SCALAR, make=_nonzero),
    both("norm_dtype", lambda m, x: m.norm(x, dtype=m.float64), SHAPES),
    both("cumsum", lambda m, x: m.cumsum(x, 1), SHAPES + EMPTY),
    both("cumsum_neg", lambda m, x: x.cumsum(-1) * x.cumsum(0), SHAPES),
    both("cumsum_0d", lambda m, x: m.cumsum(x, 0), SCALAR),
    both("cumsum_dtype", lambda m, x: m.cumsum(x, 0, dtype=m.float64), SHAPES),
    both("cumprod", lambda m, x: m.cumprod(x, 1), SHAPES + EMPTY, make=_nonzero),
    both("cumprod_neg", lambda m, x: x.cumprod(-1), SHAPES, make=_nonzero),
    both("cumprod_0d", lambda m, x: m.cumprod(x, -1), SCALAR),
    both("cumprod_one_zero", lambda m, x: m.cumprod(x, -1), SHAPES, make=_one_zero_per_row),
    both("cumprod_two_zeros", lambda m, x: x.cumprod(-1), [((2, 5),)], make=_two_zeros),
    both("aminmax", lambda m, x: tuple(m.aminmax(x)), SHAPES + SCALAR, make=_distinct),
    both("aminmax_dim", lambda m, x: tuple(x.aminmax(dim=1)), SHAPES, make=_distinct),
    both("aminmax_keepdim_neg", lambda m, x: tuple(m.aminmax(x, dim=-1, keepdim=True)), SHAPES + SCALAR,
         make=_distinct),
    both("aminmax_min_only", lambda m, x: m.aminmax(x, dim=0).min, SHAPES, make=_distinct),
    both("aminmax_all_keepdim", lambda m, x: tuple(m.aminmax(x, keepdim=True)), SHAPES, make=_distinct),
    both("aminmax_empty_rows", lambda m, x: tuple(m.aminmax(x, dim=1)), EMPTY),
    both("nanmedian", lambda m, x: m.nanmedian(x), SHAPES + SCALAR + [((5,),)], make=_distinct),
    both("nanmedian_dim", lambda m, x: tuple(x.nanmedian(1)), SHAPES + [((3, 5),)], make=_distinct),
    both("nanmedian_dim_keepdim", lambda m, x: tuple(m.nanmedian(x, -1, keepdim=True)), SHAPES, make=_distinct),
    both("nanmedian_0d_dim", lambda m, x: tuple(x.nanmedian(0)), SCALAR),
    both("nansum", lambda m, x: m.nansum(x), SHAPES + SCALAR + EMPTY),
    both("nansum_dim", lambda m, x: x.nansum((0, -1), keepdim=True), SHAPES + EMPTY),
    both("nansum_dtype", lambda m, x: m.nansum(x, 1, dtype=m.float64), SHAPES),
    both("nanmean", lambda m, x: m.nanmean(x), SHAPES + SCALAR),
    both("nanmean_dim", lambda m, x: x.nanmean(-1, keepdim=True), SHAPES),
    both("quantile", lambda m, x: m.quantile(x, 0.3), SHAPES + SCALAR, make=_distinct),
    both("quantile_dim", lambda m, x: x.quantile(0.75, dim=1), SHAPES, make=_distinct),
    both("quantile_keepdim", lambda m, x: m.quantile(x, 0.5, -1, True), SHAPES, make=_distinct),
    both("quantile_all_keepdim", lambda m, x: m.quantile(x, 0.5, keepdim=True), SHAPES, make=_distinct),
    both("quantile_q_tensor", lambda m, x: m.quantile(x, m.tensor([0.0, 0.25, 1.0], dtype=x.dtype), dim=0),
         SHAPES, make=_distinct),
    both("quantile_q_tensor_keepdim", lambda m, x: x.quantile(m.tensor([0.1, 0.9], dtype=x.dtype), 1, True),
         SHAPES, make=_distinct),
    both("quantile_q_0d_tensor", lambda m, x: m.quantile(x, m.tensor(0.6, dtype=x.dtype), 1), SHAPES,
         make=_distinct),
    both("quantile_0d_dim", lambda m, x: m.quantile(x, 0.4, dim=0, keepdim=True), SCALAR),
] + [both(f"quantile_{how}", lambda m, x, how=how: m.quantile(x, m.tensor([0.3, 0.5, 0.9], dtype=x.dtype), 1,
                                                              interpolation=how), SHAPES, make=_distinct)
     for how in ("linear", "lower", "higher", "midpoint", "nearest")] + [
    both("nanquantile", lambda m, x: m.nanquantile(x, 0.3, dim=1), SHAPES, make=_distinct),
    both("nanquantile_all", lambda m, x: x.nanquantile(0.7, interpolation="midpoint"), SHAPES, make=_distinct),
    both("cummax", lambda m, x: tuple(m.cummax(x, 1)), SHAPES + EMPTY + SCALAR[:0], make=_distinct),
    both("cummax_neg", lambda m, x: tuple(x.cummax(-1)), SHAPES, make=_distinct),
    both("cummin", lambda m, x: tuple(m.cummin(x, 0)), SHAPES + EMPTY, make=_distinct),
    both("cummax_0d", lambda m, x: tuple(m.cummax(x, 0)), SCALAR),
    both("cummin_0d", lambda m, x: tuple(x.cummin(-1)), SCALAR),
    both("logcumsumexp", lambda m, x: m.logcumsumexp(x, 1), SHAPES + EMPTY),
    both("logcumsumexp_neg", lambda m, x: x.logcumsumexp(-2), SHAPES),
    both("logcumsumexp_0d", lambda m, x: m.logcumsumexp(x, 0), SCALAR),
    # exp(200) overflows float32: only a stable form gives these (4 x 8: more than gradcheck takes)
    both("logcumsumexp_large", lambda m, x: m.logcumsumexp(x * 100, 1), [((4, 8),)], atol=1e-4),
    both("norm_nuc", lambda m, x: m.norm(x, "nuc"), [((3, 4),), ((4, 2),)]),
    both("norm_nuc_dims", lambda m, x: x.norm("nuc", dim=(0, 2)), [((2, 3, 4),)]),
    both("norm_nuc_keepdim", lambda m, x: m.norm(x, p="nuc", dim=(-1, 0), keepdim=True), [((2, 3, 4),)]),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_op_matches_torch(spec):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # degrees of freedom <= 0: checked in its own test
        check_op(spec)


def _grads(fn, data):
    """The gradient of sum(fn(x) * seed) in ember and torch for the same data."""
    out = []
    for m in (ember, torch):
        x = m.tensor(np.asarray(data, dtype=np.float64), requires_grad=True)
        y = fn(m, x)
        y = y.values if hasattr(y, "values") and not callable(y.values) else y
        seed = m.tensor(np.arange(1.0, y.numel() + 1).reshape(tuple(y.shape)), dtype=m.float64)
        (y * seed).sum().backward()
        out.append(np.asarray(x.grad.tolist()))
    return out


@pytest.mark.parametrize("name, fn", [
    ("max", lambda m, x: m.max(x)),
    ("min", lambda m, x: x.min()),
    ("amax", lambda m, x: m.amax(x, 1)),
    ("amin", lambda m, x: x.amin((0, 1), keepdim=True)),
    ("amax_neg", lambda m, x: x.amax(-2)),
    ("median", lambda m, x: m.median(x)),
    ("norm_inf", lambda m, x: m.norm(x, INF, 1)),
    ("norm_neginf", lambda m, x: x.norm(-INF)),
])
def test_ties_share_the_gradient_as_torch(name, fn):
    data = [[3.0, 1.0, 3.0, -3.0], [2.0, 2.0, -1.0, 2.0], [1.0, 1.0, 1.0, 1.0]]
    e, t = _grads(fn, data)
    np.testing.assert_allclose(e, t)


@pytest.mark.parametrize("name, fn", [
    ("max_dim", lambda m, x: m.max(x, 1).values),
    ("min_dim", lambda m, x: x.min(0)[0]),
])
def test_dim_ties_send_the_gradient_to_the_returned_index(name, fn):
    data = [[3.0, 1.0, 3.0, -3.0], [2.0, 2.0, -1.0, 2.0], [1.0, 1.0, 1.0, 1.0]]
    e, t = _grads(fn, data)
    np.testing.assert_allclose(e, t)
    assert (e != 0).sum() == {"max_dim": 3, "min_dim": 4}[name]


@pytest.mark.parametrize("name, fn", [
    ("prod_zeros", lambda m, x: x.prod(1)),
    ("prod_all_zero", lambda m, x: x.prod()),
    ("cumprod_zeros", lambda m, x: x.cumprod(1)),
    ("cumprod_zeros_dim0", lambda m, x: m.cumprod(x, 0)),
    ("norm_zero_vector", lambda m, x: x.norm(dim=1)),
    ("norm_3_zero_vector", lambda m, x: x.norm(3, dim=1)),
    ("norm_0_5_zero", lambda m, x: x.norm(0.5, dim=1)),
    ("norm_1_5_zero", lambda m, x: x.norm(1.5, dim=1)),
    ("std_zero", lambda m, x: x.std(1)),
    ("logsumexp_neg_inf_entry", lambda m, x: m.logsumexp(x.log(), 1)),
])
@pytest.mark.filterwarnings("ignore:divide by zero", "ignore:invalid value")
def test_zeros_give_torch_gradients(name, fn):
    data = [[0.0, 2.0, 0.0, 3.0], [0.0, 0.0, 0.0, 0.0], [1.5, 0.0, 2.0, -1.0], [2.0, 2.0, 2.0, 2.0]]
    if name == "logsumexp_neg_inf_entry":
        data = [[0.5, 2.0, 0.0, 3.0], [1.0, 1.0, 2.0, 0.25]]
    e, t = _grads(fn, data)
    np.testing.assert_allclose(e, t)


def test_norm_at_zero_vector_has_zero_subgradient():
    x = ember.zeros(3, requires_grad=True)
    x.norm().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


def test_logsumexp_is_stable():
    x = ember.tensor([[1000.0, 1000.0], [-1000.0, -INF], [-INF, -INF]])
    assert ember.logsumexp(x, 1).tolist() == torch.logsumexp(torch.tensor(x.tolist()), 1).tolist()


def test_return_types_behave_as_torch():
    x = ember.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    r = ember.max(x, 1)
    values, indices = r
    assert isinstance(r, tuple) and r.values is values and r.indices is indices and r[1] is indices
    assert values.tolist() == [5.0, 7.0] and indices.tolist() == [1, 0] and indices.dtype == ember.int64
    assert isinstance(r, ember.return_types.max) and isinstance(x.min(0), ember.return_types.min)
    assert isinstance(x.median(0), ember.return_types.median)
    assert repr(r) == ("ember.return_types.max(\nvalues=tensor([5., 7.]),\nindices=tensor([1, 0]))")
    assert x.max(x * 0 + 4).tolist() == [[4.0, 5.0, 4.0], [7.0, 4.0, 4.0]]


@pytest.mark.parametrize("fn, dtype", [
    (lambda m: m.sum(m.ones(3, dtype=m.int32)), "int64"),
    (lambda m: m.sum(m.ones(3, dtype=m.bool), dtype=m.float64), "float64"),
    (lambda m: m.prod(m.ones(3, dtype=m.int32)), "int64"),
    (lambda m: m.prod(m.ones(2, 3, dtype=m.bool), 1), "int64"),
    (lambda m: m.cumsum(m.ones(3, dtype=m.int32), 0), "int64"),
    (lambda m: m.cumprod(m.ones(3, dtype=m.bool), 0), "int64"),
    (lambda m: m.cumsum(m.ones(3), 0, dtype=m.float64), "float64"),
    (lambda m: m.all(m.ones(3, dtype=m.uint8)), "uint8"),
    (lambda m: m.any(m.ones(3)), "bool"),
    (lambda m: m.count_nonzero(m.ones(3)), "int64"),
    (lambda m: m.max(m.ones(3, dtype=m.int32)), "int32"),
    (lambda m: m.median(m.ones(3, dtype=m.int64), 0).values, "int64"),
    (lambda m: m.logsumexp(m.ones(3, dtype=m.int64), 0), "float32"),
    (lambda m: m.amax(m.ones(2, 3, dtype=m.int16), 1), "int16"),
    (lambda m: m.argmax(m.ones(2, 3), 1), "int64"),
])
def test_result_dtypes_match_torch(fn, dtype):
    e, t = fn(ember), fn(torch)
    assert e.dtype.name == dtype == str(t.dtype).split(".")[1]
    assert e.tolist() == t.tolist()


@pytest.mark.parametrize("fn", [
    lambda m, x: m.all(x), lambda m, x: m.all(x, 1), lambda m, x: x.all((0, 1)), lambda m, x: m.any(x, 0, True),
    lambda m, x: x.any(), lambda m, x: m.any(x, (-1,)), lambda m, x: m.count_nonzero(x),
    lambda m, x: m.count_nonzero(x, 1), lambda m, x: x.count_nonzero((0, 1)),
])
def test_logical_reductions_and_counts_match_torch(fn):
    data = [[0.0, 1.0, 0.0], [2.0, 3.0, -1.0]]
    for d in (data, [[0.0, 0.0], [0.0, 0.0]], [[1.0] * 3] * 2, np.zeros((0, 3)).tolist()):
        shape = np.shape(d) if len(d) else (0, 3)
        e, t = fn(ember, ember.tensor(d).reshape(shape)), fn(torch, torch.tensor(d).reshape(shape))
        assert e.tolist() == t.tolist() and str(e.dtype)[6:] == str(t.dtype)[6:]


def test_grad_fn_names_match_torch():
    pairs = [
        (lambda m, x: m.sum(x), "SumBackward0"), (lambda m, x: x.sum(1), "SumBackward1"),
        (lambda m, x: x.mean(), "MeanBackward0"), (lambda m, x: x.mean(0), "MeanBackward1"),
        (lambda m, x: x.prod(), "ProdBackward0"), (lambda m, x: x.prod(1), "ProdBackward1"),
        (lambda m, x: x.max(), "MaxBackward1"), (lambda m, x: x.max(1)[0], "MaxBackward0"),
        (lambda m, x: x.min(), "MinBackward1"), (lambda m, x: x.min(1)[0], "MinBackward0"),
        (lambda m, x: x.amax(1), "AmaxBackward0"), (lambda m, x: x.amin(), "AminBackward0"),
        (lambda m, x: x.median(), "MedianBackward0"), (lambda m, x: x.median(1)[0], "MedianBackward1"),
        (lambda m, x: x.var(1), "VarBackward0"), (lambda m, x: x.std(), "StdBackward0"),
        (lambda m, x: x.logsumexp(1), "LogsumexpBackward0"), (lambda m, x: x.norm(), "LinalgVectorNormBackward0"),
        (lambda m, x: x.norm(1, 0), "LinalgVectorNormBackward0"),
        (lambda m, x: x.cumsum(0), "CumsumBackward0"), (lambda m, x: x.cumprod(1), "CumprodBackward0"),
    ]
    for fn, name in pairs:
        e = fn(ember, ember.ones(2, 3, requires_grad=True))
        t = fn(torch, torch.ones(2, 3, requires_grad=True))
        assert e.grad_fn.name() == t.grad_fn.name() == name


def test_var_warns_when_degrees_of_freedom_are_not_positive():
    for fn in (lambda m: m.var(m.ones(1)), lambda m: m.ones(2, 3).std(1, correction=3)):
        with pytest.warns(UserWarning, match=r"\(\): degrees of freedom is <= 0"):
            e = fn(ember)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = fn(torch)
        np.testing.assert_array_equal(np.asarray(e.tolist()), np.asarray(t.tolist()))


def test_no_dim_reductions_on_nan_match_torch():
    data = [1.0, float("nan"), 3.0, 0.5]
    for fn in (lambda m, x: m.max(x), lambda m, x: x.amin(), lambda m, x: m.median(x),
               lambda m, x: m.median(x.reshape(2, 2), 1).values, lambda m, x: m.median(x.reshape(2, 2), 1).indices,
               lambda m, x: x.argmax(), lambda m, x: m.max(x.reshape(2, 2), 0).indices):
        e, t = fn(ember, ember.tensor(data)), fn(torch, torch.tensor(data))
        np.testing.assert_array_equal(np.asarray(e.tolist()), np.asarray(t.tolist()))


def test_median_of_empty_is_nan():
    assert math.isnan(ember.median(ember.zeros(0, 3)).item()) and math.isnan(torch.median(torch.zeros(0, 3)).item())


@pytest.mark.parametrize("fn, exc, msg", [
    (lambda m: m.ones(2, 3).sum(2), IndexError,
     r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"),
    (lambda m: m.max(m.ones(2, 3), -3), IndexError,
     r"Dimension out of range \(expected to be in range of \[-2, 1\], but got -3\)"),
    (lambda m: m.ones(()).cumsum(1), IndexError,
     r"Dimension out of range \(expected to be in range of \[-1, 0\], but got 1\)"),
    (lambda m: m.ones(2, 3).sum((0, -2)), RuntimeError, r"dim 0 appears multiple times in the list of dims"),
    (lambda m: m.ones(2, 3).amax((1, 1)), RuntimeError, r"dim 1 appears multiple times in the list of dims"),
    (lambda m: m.max(m.ones(0, 3)), RuntimeError,
     r"max\(\): Expected reduction dim to be specified for input.numel\(\) == 0. Specify the reduction dim with "
     r"the 'dim' argument."),
    (lambda m: m.ones(0, 3).min(), RuntimeError, r"min\(\): Expected reduction dim to be specified"),
    (lambda m: m.max(m.ones(0, 3), 0), IndexError, r"max\(\): Expected reduction dim 0 to have non-zero size."),
    (lambda m: m.amax(m.ones(0, 3)), RuntimeError, r"amax\(\): Expected reduction dim to be specified"),
    (lambda m: m.amin(m.ones(0, 3), 0), IndexError, r"amin\(\): Expected reduction dim 0 to have non-zero size."),
    (lambda m: m.median(m.ones(0, 3), 0), IndexError,
     r"median\(\): Expected reduction dim 0 to have non-zero size."),
    (lambda m: m.argmax(m.ones(0, 3)), IndexError,
     r"argmax\(\): Expected reduction dim to be specified for input.numel\(\) == 0."),
    (lambda m: m.var(m.ones(3, dtype=m.int64)), RuntimeError, "std and var only support floating point"),
    (lambda m: m.ones(3, dtype=m.int64).std(), RuntimeError, "std and var only support floating point"),
    (lambda m: m.norm(m.ones(3, dtype=m.int64)), RuntimeError,
     r"linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long"),
    (lambda m: m.norm(m.ones(0, 3), INF), RuntimeError,
     r"linalg.vector_norm cannot compute the inf norm on an empty tensor because the operation does not have an "
     r"identity"),
    (lambda m: m.mean(m.ones(3, dtype=m.int64)), RuntimeError,
     r"mean\(\): could not infer output dtype. Input dtype must be either a floating point or complex dtype. "
     r"Got: Long"),
    (lambda m: m.logsumexp(m.ones(3)), TypeError, r"logsumexp\(\) missing 1 required positional argument"),
    (lambda m: m.cumsum(m.ones(3)), TypeError, r"cumsum\(\) missing 1 required positional argument"),
    (lambda m: m.aminmax(m.ones(0)), RuntimeError,
     r"aminmax\(\): cannot compute aminmax over an empty dimension as the operation has no identity."),
    (lambda m: m.aminmax(m.ones(0, 2), dim=0), IndexError, r"aminmax: Expected reduction dim 0 to have non-zero size."),
    (lambda m: m.nanmedian(m.ones(0, 2), 0), IndexError, r"median\(\): Expected reduction dim 0 to have non-zero size."),
    (lambda m: m.nanmean(m.tensor([1, 2])), RuntimeError,
     r"nanmean\(\): expected input to have floating point or complex dtype but got Long"),
    (lambda m: m.quantile(m.tensor([1, 2]), 0.5), RuntimeError,
     r"quantile\(\) input tensor must be either float or double dtype"),
    (lambda m: m.quantile(m.ones(2), 1.5), RuntimeError, r"quantile\(\) q must be in the range \[0, 1\] but got 1.5"),
    (lambda m: m.quantile(m.ones(2), m.tensor([1.5, 0.2])), RuntimeError,
     r"quantile\(\) q values must be in the range \[0, 1\]"),
    (lambda m: m.quantile(m.ones(2), m.tensor([0.5], dtype=m.float64)), RuntimeError,
     r"quantile\(\) q tensor must be same dtype as the input tensor"),
    (lambda m: m.nanquantile(m.ones(2), m.tensor([[0.5]])), RuntimeError, r"quantile\(\) q must be a scalar or 1D tensor"),
    (lambda m: m.quantile(m.ones(2), 0.5, interpolation="foo"), RuntimeError,
     r"quantile\(\) interpolation must be one of linear, lower, higher, midpoint or nearest, but got foo"),
    (lambda m: m.quantile(m.ones(0, 3), 0.5, dim=1), RuntimeError, r"quantile\(\) input tensor must be non-empty"),
    (lambda m: m.logcumsumexp(m.tensor([1, 2]), 0), NotImplementedError,
     r"\"logcumsumexp_out_cpu\" not implemented for 'Long'"),
    (lambda m: m.cummax(m.ones(2), 1), IndexError,
     r"Dimension out of range \(expected to be in range of \[-1, 0\], but got 1\)"),
    (lambda m: m.norm(m.ones(2, 2, 2), "nuc"), RuntimeError, r"linalg.matrix_norm: dim must be a 2-tuple. Got 0 1 2"),
    (lambda m: m.norm(m.ones(2), "nuc"), RuntimeError,
     r"linalg.matrix_norm: The input tensor A must have at least 2 dimensions."),
    (lambda m: m.norm(m.ones(2, 2, dtype=m.int64), "nuc"), RuntimeError,
     r"linalg.matrix_norm: Expected a floating point or complex tensor as input. Got Long"),
])
def test_errors_match_torch(fn, exc, msg):
    with pytest.raises(exc, match=msg):
        fn(ember)
    with pytest.raises(exc, match=msg):
        fn(torch)


def test_norm_rejects_unknown_orders_as_torch():
    for m in (ember, torch):
        with pytest.raises(RuntimeError, match=r"linalg.matrix_norm: Order abc not supported."):
            m.ones(2, 2).norm("abc")


@pytest.mark.parametrize("fn", [
    lambda m, x: x.var(1), lambda m, x: x.std(0), lambda m, x: m.logsumexp(x, 1), lambda m, x: x.norm(dim=1),
    lambda m, x: x.norm(3), lambda m, x: x.prod(1), lambda m, x: x.cumprod(1), lambda m, x: m.logcumsumexp(x, 1),
    lambda m, x: m.quantile(x, 0.3, 1) ** 2, lambda m, x: m.cummax(x, 1).values ** 2,
    lambda m, x: m.nansum(x ** 3, 0)])
def test_second_derivatives_match_torch(fn):
    res = []
    for m in (ember, torch):
        x = m.tensor(np.asarray([[0.3, -1.2, 2.0], [1.1, 0.4, -0.7]]), requires_grad=True)
        g, = m.autograd.grad(fn(m, x).sum(), x, create_graph=True)
        gg, = m.autograd.grad((g * g).sum(), x)
        res.append(np.asarray(gg.tolist()))
    np.testing.assert_allclose(res[0], res[1], rtol=1e-10, atol=1e-12)


NAN = math.nan


@pytest.mark.parametrize("fn", [
    lambda m, x: m.nanmedian(x), lambda m, x: x.nanmedian(1).values, lambda m, x: m.nanmedian(x, 0, True).values,
    lambda m, x: m.nansum(x), lambda m, x: x.nansum(1), lambda m, x: m.nanmean(x), lambda m, x: x.nanmean(0),
    lambda m, x: m.quantile(x, 0.4, 1), lambda m, x: m.nanquantile(x, 0.4, 1),
    lambda m, x: m.nanquantile(x, m.tensor([0.2, 0.8], dtype=x.dtype), 0, interpolation="nearest"),
    lambda m, x: m.nanquantile(x, 0.5), lambda m, x: m.quantile(x, 0.5),
    lambda m, x: tuple(m.cummax(x, 1)), lambda m, x: tuple(x.cummin(0)),
])
def test_nan_handling_matches_torch(fn):
    data = [[1.0, NAN, 3.0, 0.5], [NAN, NAN, NAN, NAN], [2.0, -1.0, 2.0, 4.0], [1.0, 1.0, NAN, 0.0]]
    res = []
    for m in (ember, torch):
        x = m.tensor(data, dtype=m.float64, requires_grad=True)
        out = fn(m, x)
        outs = out if isinstance(out, tuple) else (out,)
        seed = [o for o in outs if o.requires_grad][0]
        (seed.nan_to_num(0.0) if m is torch else m.where(seed.isnan(), 0.0, seed)).sum().backward()
        res.append([np.asarray(o.tolist()) for o in outs] + [np.asarray(x.grad.tolist())])
    for e, t in zip(*res):
        np.testing.assert_array_equal(e, t)


def test_nanmedian_indices_and_aminmax_values_with_nan_match_torch():
    data = [[1.0, NAN, 3.0, 0.5], [2.0, -1.0, 2.0, 4.0], [1.0, 1.0, NAN, 0.0], [NAN, NAN, 7.0, NAN]]
    for fn in (lambda m, x: tuple(x.nanmedian(1)), lambda m, x: tuple(m.nanmedian(x, 0, True)),
               lambda m, x: tuple(m.aminmax(x, dim=1)), lambda m, x: tuple(x.aminmax())):
        for e, t in zip(fn(ember, ember.tensor(data)), fn(torch, torch.tensor(data))):
            np.testing.assert_array_equal(np.asarray(e.tolist()), np.asarray(t.tolist()))


@pytest.mark.parametrize("name, fn", [
    ("aminmax", lambda m, x: sum(m.aminmax(x))),
    ("aminmax_dim", lambda m, x: m.aminmax(x, dim=1).max),
    ("nanmedian", lambda m, x: m.nanmedian(x)),
    ("quantile", lambda m, x: m.quantile(x, 0.5, 1)),
    ("cummax", lambda m, x: m.cummax(x, 1).values),
    ("cummin", lambda m, x: x.cummin(0).values),
])
def test_ties_give_torch_gradients(name, fn):
    data = [[3.0, 1.0, 3.0, -3.0], [2.0, 2.0, -1.0, 2.0], [1.0, 1.0, 1.0, 1.0]]
    e, t = _grads(fn, data)
    np.testing.assert_allclose(e, t)


def test_cummax_cummin_indices_on_ties_and_nan_match_torch():
    data = [1.0, 1.0, 0.0, 0.0, NAN, 0.0, NAN, 2.0]
    for fn in (lambda m, x: m.cummax(x, 0), lambda m, x: x.cummin(0), lambda m, x: m.cummax(x.to(m.int32), 0)):
        e, t = fn(ember, ember.tensor(data)), fn(torch, torch.tensor(data))
        assert e.indices.tolist() == t.indices.tolist() and e.indices.dtype == ember.int64
        np.testing.assert_array_equal(np.asarray(e.values.tolist()), np.asarray(t.values.tolist()))


def test_logcumsumexp_is_stable():
    data = [[1000.0, 1000.0, -1000.0], [-INF, -INF, 0.0], [-1000.0, 1000.0, -INF]]
    e, t = ember.logcumsumexp(ember.tensor(data), 1), torch.logcumsumexp(torch.tensor(data), 1)
    assert e.tolist() == t.tolist()


def test_quantile_and_nan_reductions_give_torch_dtypes_and_shapes():
    for fn in (lambda m: m.nansum(m.ones(2, 3, dtype=m.int32)), lambda m: m.nansum(m.ones(2, dtype=m.bool), 0),
               lambda m: m.nanmedian(m.ones(2, 3, dtype=m.int64), 1).values,
               lambda m: m.aminmax(m.ones(2, 3, dtype=m.int16), dim=0, keepdim=True).max,
               lambda m: m.cummin(m.ones(3, dtype=m.uint8), 0).values,
               lambda m: m.quantile(m.ones(2, 3), m.tensor([0.5, 0.1]), keepdim=True),
               lambda m: m.quantile(m.ones(2, 3, 4), m.tensor([0.5]), dim=1, keepdim=True),
               lambda m: m.nanquantile(m.ones(()), 0.5, keepdim=True), lambda m: m.nanmean(m.ones(0, 2), 0),
               lambda m: m.nanmedian(m.ones(0))):
        e, t = fn(ember), fn(torch)
        assert tuple(e.shape) == tuple(t.shape) and str(e.dtype)[6:] == str(t.dtype)[6:]
        np.testing.assert_array_equal(np.asarray(e.tolist()), np.asarray(t.tolist()))


def test_new_grad_fn_names_and_result_types_match_torch():
    pairs = [
        (lambda m, x: m.aminmax(x).min, "AminmaxBackward0"), (lambda m, x: x.nanmedian(), "NanmedianBackward0"),
        (lambda m, x: x.nanmedian(1).values, "NanmedianBackward1"), (lambda m, x: m.nansum(x, 1), "NansumBackward0"),
        (lambda m, x: x.nanmean(), "DivBackward0"), (lambda m, x: m.cummax(x, 1).values, "CummaxBackward0"),
        (lambda m, x: x.cummin(0).values, "CumminBackward0"), (lambda m, x: x.logcumsumexp(1), "LogcumsumexpBackward0"),
        (lambda m, x: m.norm(x, "nuc"), "SumBackward1"),
    ]
    for fn, name in pairs:
        e = fn(ember, ember.ones(2, 3, requires_grad=True))
        t = fn(torch, torch.ones(2, 3, requires_grad=True))
        assert e.grad_fn.name() == t.grad_fn.name() == name
    x = ember.tensor([[1.0, 3.0], [2.0, 0.0]])
    for r, kind in ((ember.aminmax(x), ember.return_types.aminmax), (x.nanmedian(0), ember.return_types.nanmedian),
                    (x.cummax(0), ember.return_types.cummax), (ember.cummin(x, 1), ember.return_types.cummin)):
        assert isinstance(r, kind)
    assert ember.aminmax(x).min.item() == 0.0 and ember.aminmax(x).max.item() == 3.0


