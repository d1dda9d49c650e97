"""Numerical helpers against torch (tests/oracle.py): ravel, unravel_index, deg2rad/rad2deg, diagflat, renorm,
as_strided, Tensor.unfold, trapezoid and cumulative_trapezoid, gradient, histogram(dd), window functions; grad_fn
names, views and errors as torch words them."""
import math
import re

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from tests.oracle import OpSpec, check_op


def spec(name, fn, shapes, **kw):
    return OpSpec(name, lambda *xs: fn(ember, *xs), lambda *xs: fn(torch, *xs), shapes, **kw)


def F(m, data, dtype=None):
    return m.tensor(data, dtype=dtype or m.float64)


SPECS = [
    spec("ravel", lambda m, x: m.ravel(x), [((2, 3),), ((),), ((0, 2),)]),
    spec("ravel_method", lambda m, x: x.t().ravel(), [((2, 3),)]),
    spec("deg2rad", lambda m, x: m.deg2rad(x), [((2, 3),), ((),)], domain=(-400, 400)),
    spec("rad2deg", lambda m, x: x.rad2deg(), [((3,),)]),
    spec("diagflat", lambda m, x: m.diagflat(x), [((2, 2),), ((),), ((0,),)]),
    spec("diagflat_offset", lambda m, x: x.diagflat(-2), [((3,),)]),
    spec("renorm", lambda m, x: m.renorm(x, 2, 0, 1.5), [((3, 4),), ((2, 3, 2),)]),
    spec("renorm_p1_dim1", lambda m, x: x.renorm(1, 1, 2.0), [((3, 4),)]),
    spec("renorm_p3", lambda m, x: m.renorm(x, 3, -1, 1.0), [((2, 3, 2),)]),
    spec("renorm_inf", lambda m, x: m.renorm(x, math.inf, 0, 1.0), [((3, 4),)]),
    spec("renorm_large_maxnorm", lambda m, x: m.renorm(x, 2, 0, 100.0), [((3, 4),)]),
    spec("as_strided", lambda m, x: m.as_strided(x, (3, 2), (2, 3)), [((3, 4),)]),
    spec("as_strided_overlap", lambda m, x: x.as_strided((3, 3), (1, 1), 1), [((2, 3),)]),
    spec("as_strided_offset_view", lambda m, x: x[1:].as_strided((2, 2), (1, 1)), [((2, 3),)]),
    spec("as_strided_expanded_input", lambda m, x: x.expand(3, 4).as_strided((2, 2), (1, 1)), [((4,),)]),
    spec("as_strided_transposed_input", lambda m, x: x.t().as_strided((4,), (2,)), [((2, 4),)]),
    spec("as_strided_empty", lambda m, x: x.as_strided((0, 2), (1, 1)), [((3,),)]),
    spec("unfold", lambda m, x: x.unfold(1, 2, 1), [((2, 4),), ((3, 2),)]),
    spec("unfold_step", lambda m, x: x.unfold(0, 2, 3), [((7, 2),)]),
    spec("unfold_overlap", lambda m, x: x.unfold(-1, 3, 1), [((2, 5),)]),
    spec("unfold_size0", lambda m, x: x.unfold(0, 0, 2), [((3,),)]),
    spec("unfold_0d", lambda m, x: x.unfold(0, 1, 1), [((),)]),
    spec("unfold_twice", lambda m, x: x.unfold(0, 2, 1).unfold(1, 2, 2), [((3, 4),)]),
    spec("trapezoid", lambda m, y: m.trapezoid(y), [((2, 3),), ((4,),), ((2, 1),), ((2, 0),)]),
    spec("trapezoid_dx", lambda m, y: m.trapezoid(y, dx=0.5, dim=0), [((3, 2),)]),
    spec("trapezoid_x", lambda m, y, x: m.trapezoid(y, x), [((2, 3), (3,)), ((2, 3), (2, 3)), ((2, 3), (1, 3))]),
    spec("trapezoid_x_dim", lambda m, y, x: m.trapezoid(y, x, dim=0), [((3, 2), (3,))]),
    spec("trapz", lambda m, y, x: m.trapz(y, x), [((2, 3), (3,))]),
    spec("trapz_dx", lambda m, y: m.trapz(y, dx=2.0), [((2, 3),)]),
    spec("cumulative_trapezoid", lambda m, y: m.cumulative_trapezoid(y), [((2, 3),), ((4,),), ((2, 1),)]),
    spec("cumulative_trapezoid_dx", lambda m, y: m.cumulative_trapezoid(y, dx=0.5, dim=0), [((3, 2),)]),
    spec("cumulative_trapezoid_x", lambda m, y, x: m.cumulative_trapezoid(y, x), [((2, 3), (3,)), ((2, 3), (2, 3))]),
    spec("gradient", lambda m, y: m.gradient(y), [((3, 4),), ((3,),), ((),)]),
    spec("gradient_edge2", lambda m, y: m.gradient(y, edge_order=2), [((3, 4),), ((5,),)]),
    spec("gradient_scalar_dim", lambda m, y: m.gradient(y, spacing=2.0, dim=1), [((3, 4),)]),
    spec("gradient_list", lambda m, y: m.gradient(y, spacing=[0.5, 3.0], edge_order=2), [((3, 4),)]),
    spec("gradient_dims", lambda m, y: m.gradient(y, spacing=[0.5], dim=(-1,)), [((3, 4),)]),
    spec("gradient_coordinates", lambda m, y: m.gradient(y, spacing=[F(m, [0.0, 1.0, 3.0]), F(m, [0, 1, 2.5, 4])]),
         [((3, 4),)]),
    spec("gradient_coordinates_edge2", lambda m, y: m.gradient(y, spacing=(F(m, [0.0, 0.5, 2, 3]),), dim=1,
                                                               edge_order=2), [((3, 4),)]),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_op_matches_torch(spec):
    check_op(spec)


def test_gradient_with_coordinates_is_differentiable_in_them():
    y = ember.tensor(np.random.default_rng(0).normal(size=(4, 3)), requires_grad=True)
    x = ember.tensor([0.0, 0.5, 2.0, 3.0], dtype=ember.float64, requires_grad=True)
    for order in (1, 2):
        fn = lambda y, x: ember.gradient(y, spacing=[x], dim=0, edge_order=order)[0]  # noqa: E731
        assert gradcheck(fn, (y, x)) and gradgradcheck(fn, (y, x))


def test_trapezoid_differentiable_in_x():
    y = ember.tensor([[1.0, 2.0, 4.0], [0.5, -1.0, 3.0]], dtype=ember.float64, requires_grad=True)
    x = ember.tensor([0.0, 0.5, 2.0], dtype=ember.float64, requires_grad=True)
    for fn in (ember.trapezoid, ember.cumulative_trapezoid):
        assert gradcheck(fn, (y, x)) and gradgradcheck(fn, (y, x))


def _same(e, t):
    assert tuple(e.shape) == tuple(t.shape) and str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("fn", [
    lambda m, x: m.ravel(x), lambda m, x: m.ravel(x.t()), lambda m, x: m.deg2rad(x), lambda m, x: m.rad2deg(x),
    lambda m, x: m.diagflat(x), lambda m, x: m.renorm(x, 2, 1, 5.0), lambda m, x: m.as_strided(x, (2, 2), (1, 2)),
    lambda m, x: x.unfold(0, 2, 1), lambda m, x: m.cumulative_trapezoid(x),
])
def test_grad_fn_names_and_views_match_torch(fn):
    a = np.arange(16.0).reshape(4, 4)
    e = fn(ember, ember.tensor(a, requires_grad=True))
    t = fn(torch, torch.tensor(a, requires_grad=True))
    assert e.grad_fn.name() == t.grad_fn.name()
    assert bool(e._extra and e._extra.get("view")) == t._is_view()
    _same(e, t)


def test_gradient_grad_fn_is_cat():
    y = ember.ones(3, 4, requires_grad=True)
    assert [g.grad_fn.name() for g in ember.gradient(y)] == ["CatBackward0"] * 2


def test_views_share_memory_and_version():
    x = ember.zeros(4, 6)
    for v in (ember.ravel(x), x.as_strided((3, 2), (1, 4), 2), x.unfold(1, 3, 2), x[1:].as_strided((2,), (1,))):
        assert np.shares_memory(v._data, x._data) and v._version == x._version
    v = x.unfold(1, 2, 2)
    v[0, 1, 1] = 5.0
    assert x[0, 3].item() == 5.0


def test_as_strided_offsets_count_in_the_base_storage():
    for m in (ember, torch):
        y = m.arange(10.0)
        assert y[2:].as_strided((2,), (1,)).tolist() == [2.0, 3.0]
        assert y[2:].as_strided((2,), (1,), 0).tolist() == [0.0, 1.0]
        assert y.view(2, 5)[1].as_strided((2,), (2,)).tolist() == [5.0, 7.0]


def test_inplace_change_of_as_strided_and_unfold_views_reaches_base():
    for m in (ember, torch):
        a = m.arange(6.0, dtype=m.float64, requires_grad=True)
        b = a * 1
        b.as_strided((2,), (2,), 1).mul_(10)
        b.unfold(0, 2, 2)[2].add_(1)
        b.sum().backward()
        if m is ember:
            e_val, e_grad = b.detach().numpy(), a.grad.numpy()
        else:
            np.testing.assert_array_equal(e_val, b.detach().numpy())
            np.testing.assert_array_equal(e_grad, a.grad.numpy())


@pytest.mark.parametrize("method", ["deg2rad_", "rad2deg_"])
def test_inplace_angle_conversions(method):
    a = np.array([[30.0, -45.0], [180.0, 1.0]])
    for dt in (np.float64, np.float32):
        e, t = ember.tensor(a.astype(dt)), torch.tensor(a.astype(dt))
        assert getattr(e, method)() is e and getattr(t, method)() is t
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6)
    e, t = ember.tensor(a, requires_grad=True) * 1, torch.tensor(a, requires_grad=True) * 1
    getattr(e, method)()
    getattr(t, method)()
    assert e.grad_fn.name() == t.grad_fn.name()


def test_renorm_inplace():
    a = np.array([[3.0, 4.0], [0.3, 0.4], [6.0, -8.0]])
    e, t = ember.tensor(a), torch.tensor(a)
    e.renorm_(2, 0, 1.0)
    t.renorm_(2, 0, 1.0)
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-12)


def test_renorm_gradients_at_the_threshold_and_zero_rows():
    a = np.array([[3.0, 4.0], [0.0, 0.0], [0.6, 0.8]])
    for p in (1, 2, 3, math.inf):
        e, t = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
        ember.renorm(e, p, 0, 1.0).pow(2).sum().backward()
        torch.renorm(t, p, 0, 1.0).pow(2).sum().backward()
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_deg2rad_of_integers_and_bool_gives_default_float():
    for data, dt in (([0, 90, 180], "int64"), ([True, False], "bool")):
        _same(ember.deg2rad(ember.tensor(data)), torch.deg2rad(torch.tensor(data)))
        _same(ember.rad2deg(ember.tensor(data)), torch.rad2deg(torch.tensor(data)))


@pytest.mark.parametrize("args", [
    ([4, 7, 0, 9, -1, -9], (2, 4)), ([[1234], [5678]], (10, 10, 10, 10)), (5, (2, 3)), ([1, 2], 3), (1, ()),
    ([[1, 2]], [2, 4]),
])
def test_unravel_index_as_torch(args):
    data, shape = args
    e, t = ember.unravel_index(ember.tensor(data), shape), torch.unravel_index(torch.tensor(data), shape)
    assert isinstance(e, tuple) and len(e) == len(t)
    for a, b in zip(e, t):
        _same(a, b)
    e32 = ember.unravel_index(ember.tensor(data, dtype=ember.int32), shape)
    assert all(a.dtype == ember.int64 for a in e32)


def _hist_same(e, t):
    assert type(e).__name__ == type(t).__name__ and len(e) == len(t) == 2
    _same(e.hist, t.hist)
    edges_e, edges_t = (e.bin_edges, t.bin_edges) if isinstance(t.bin_edges, tuple) else ([e.bin_edges],
                                                                                           [t.bin_edges])
    assert len(edges_e) == len(edges_t)
    for a, b in zip(edges_e, edges_t):
        _same(a, b)


X1 = [1.0, 2.0, 1.0, 4.0, 2.5, 1.75, 3.25, 7.0]


@pytest.mark.parametrize("fn", [
    lambda m: m.histogram(F(m, X1, m.float32), 4), lambda m: F(m, X1).histogram(3, density=True),
    lambda m: m.histogram(F(m, X1), F(m, [0.0, 1.5, 3, 5])), lambda m: m.histogram(F(m, X1), bins=F(m, [2.0, 3])),
    lambda m: m.histogram(F(m, X1), 3, range=(0.0, 3.0), weight=F(m, X1), density=True),
    lambda m: m.histogram(F(m, X1).view(2, 4), 2, weight=F(m, X1).view(2, 4)),
    lambda m: m.histogram(F(m, [], m.float32), 3), lambda m: m.histogram(F(m, [3.0, 3.0]), 2),
    lambda m: m.histogram(F(m, [float("nan"), 1.0, 2.0]), 2, range=(0.0, 4.0)),
    lambda m: m.histogram(F(m, X1), F(m, [1.0, 0.0])), lambda m: m.histogram(F(m, X1), 2, range=(1.0, 1.0)),
    lambda m: m.histogram(F(m, X1)), lambda m: m.histogram(F(m, 2.0), 3),
    lambda m: m.histogramdd(F(m, [[0.0, 1], [1, 0], [2, 0], [2, 2]]), bins=[3, 3], weight=F(m, [1.0, 2, 4, 8])),
    lambda m: m.histogramdd(F(m, [[0.0, 1], [1, 0], [2, 0], [2, 2]], m.float32), 2, range=[0.0, 1.0, 0.0, 1.0],
                            density=True),
    lambda m: m.histogramdd(F(m, [[0.0, 1], [1, 0], [2, 0], [2, 2]]), bins=[F(m, [0.0, 1, 2]), F(m, [0.0, 1, 2, 3])]),
    lambda m: m.histogramdd(F(m, [[[0.0, 1, 2]], [[1, 0, 2]]]), bins=[1, 2, 3]),
    lambda m: m.histogramdd(F(m, np.random.default_rng(0).normal(size=(20, 3))), 3, density=True),
])
def test_histogram_as_torch(fn):
    _hist_same(fn(ember), fn(torch))


def test_histogram_result_prints_as_named_tuple():
    assert repr(ember.histogram(ember.tensor([1.0, 2.0]), 1)).startswith("ember.return_types.histogram(\nhist=")


WINDOWS = ["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"]


@pytest.mark.parametrize("name", WINDOWS)
@pytest.mark.parametrize("length", [0, 1, 2, 5, 8])
@pytest.mark.parametrize("periodic", [True, False])
def test_windows_as_torch(name, length, periodic):
    for dtype in (None, "float64"):
        kw = {} if dtype is None else {"dtype": getattr(ember, dtype)}
        tkw = {} if dtype is None else {"dtype": getattr(torch, dtype)}
        e, t = getattr(ember, name)(length, periodic, **kw), getattr(torch, name)(length, periodic, **tkw)
        assert tuple(e.shape) == tuple(t.shape) and str(e.dtype)[6:] == str(t.dtype)[6:]
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6, atol=1e-7 if dtype else 1e-6)
    e = getattr(ember, name)(length, dtype=ember.float64, requires_grad=True)
    assert e.requires_grad and e.is_leaf


def test_window_parameters_as_torch():
    pairs = [(lambda m: m.hamming_window(6, False, 0.5, 0.5)), (lambda m: m.hamming_window(5, True, alpha=0.6, beta=0.3)),
             (lambda m: m.kaiser_window(7, False, 3.0)), (lambda m: m.kaiser_window(6, True, beta=0.0)),
             (lambda m: m.hann_window(4, periodic=False, dtype=m.float64))]
    for fn in pairs:
        e, t = fn(ember), fn(torch)
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6, atol=1e-7)


A = np.arange(12.0).reshape(3, 4)


@pytest.mark.parametrize("fn", [
    lambda m, x: m.unravel_index(m.tensor([1.0]), (2, 4)), lambda m, x: m.unravel_index(m.tensor([True]), (2, 4)),
    lambda m, x: m.unravel_index(m.tensor(1), (2, -1)), lambda m, x: m.unravel_index(m.tensor([1]), (2.0, 3)),
    lambda m, x: m.unravel_index(m.tensor([1]), 2.0),
    lambda m, x: m.renorm(x, 0, 1, 1.0), lambda m, x: m.renorm(x, -1, 0, 1.0), lambda m, x: m.renorm(x, 2, 2, 1.0),
    lambda m, x: m.renorm(x, 2, 0, -1.0), lambda m, x: m.renorm(x[0], 2, 0, 1.0),
    lambda m, x: m.renorm(x[0, 0], 2, 0, 1.0), lambda m, x: m.renorm(x.long(), 2, 0, 1.0),
    lambda m, x: x.as_strided((3,), (1,), 10), lambda m, x: x.as_strided((2, 2), (1,)),
    lambda m, x: x.as_strided((2,), (-1,)), lambda m, x: x.as_strided((2,), (1,), -1),
    lambda m, x: x.as_strided((-1,), (1,)), lambda m, x: x.float().as_strided((13,), (1,)),
    lambda m, x: x.unfold(1, 5, 1), lambda m, x: x.unfold(0, 2, 0), lambda m, x: x.unfold(2, 2, 1),
    lambda m, x: x.unfold(0, -1, 1), lambda m, x: x[0, 0].unfold(0, 2, 1), lambda m, x: x[0, 0].unfold(1, 1, 1),
    lambda m, x: m.trapezoid(x, m.ones(2, dtype=m.float64)), lambda m, x: m.trapezoid(x, dim=2),
    lambda m, x: m.trapezoid(x[0, 0]),
    lambda m, x: m.trapezoid(x > 1), lambda m, x: m.trapezoid(x, x > 1),
    lambda m, x: m.cumulative_trapezoid(x, m.ones(2, dtype=m.float64)),
    lambda m, x: m.cumulative_trapezoid(x, dim=-3), lambda m, x: m.cumulative_trapezoid(x[0, 0]),
    lambda m, x: m.cumulative_trapezoid(x > 1),
    lambda m, x: m.gradient(x, edge_order=3), lambda m, x: m.gradient(x[:1]), lambda m, x: m.gradient(x[:2],
                                                                                                     edge_order=2),
    lambda m, x: m.gradient(x, spacing=[1.0, 2.0, 3.0]), lambda m, x: m.gradient(x, dim=2),
    lambda m, x: m.gradient(x, spacing=[m.ones(3, 1), m.ones(4)]), lambda m, x: m.gradient(x, dim=(0, 0)),
    lambda m, x: m.gradient(x, spacing=[1.0], dim=(0, 1)), lambda m, x: m.gradient(x.to(m.uint8)),
    lambda m, x: m.gradient(x, dim=(1, -1)),
    lambda m, x: m.histogram(x, 0), lambda m, x: m.histogram(x, -1), lambda m, x: m.histogram(x.long(), 2),
    lambda m, x: m.histogram(x, 2, range=(3.0, 1.0)), lambda m, x: m.histogram(x, 2, weight=m.ones(4).double()),
    lambda m, x: m.histogram(x, x[:1]), lambda m, x: m.histogram(x, 2, range=(0.0, float("inf"))),
    lambda m, x: m.histogram(x, x[0, :1]), lambda m, x: m.histogram(x, 2, weight=m.ones(3, 4)),
    lambda m, x: m.histogram(x, x[0].float()),
    lambda m, x: m.histogramdd(x, [2, 2]), lambda m, x: m.histogramdd(x[0], 2),
    lambda m, x: m.histogramdd(x, [x[0], x[:2], x[0], x[0]]), lambda m, x: m.histogramdd(x, [2, 2, 0, 1]),
    lambda m, x: m.unravel_index(m.tensor([3]), (2, 0, 3)),
    lambda m, x: m.histogramdd(x, 2, range=[0.0, 1.0]), lambda m, x: m.histogramdd(x, 2, weight=m.ones(4).double()),
    lambda m, x: m.hann_window(-1), lambda m, x: m.hamming_window(3, dtype=m.int64),
    lambda m, x: m.kaiser_window(-2), lambda m, x: m.bartlett_window(3, dtype=m.int32, requires_grad=True),
    lambda m, x: m.blackman_window(2, dtype=m.bool),
])
def test_errors_as_torch(fn):
    with pytest.raises(Exception) as t_info:
        fn(torch, torch.tensor(A))
    with pytest.raises(type(t_info.value)) as e_info:
        fn(ember, ember.tensor(A))
    assert str(e_info.value) == re.sub(r"torch\.(?=float|int|uint|bool)", "ember.", str(t_info.value))
