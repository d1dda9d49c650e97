"""Max, average and adaptive pooling (functional forms and layers) against torch."""
import numpy as np
import pytest
import torch

import ember
from ember import nn
from ember.autograd import gradcheck, gradgradcheck
import ember.nn.functional as F
from tests.nn.test_conv import _check, _torch_error

TF = torch.nn.functional


def _distinct(shape, seed=0):
    """Values with no ties (so that max pooling's argmax and finite differences are well defined)."""
    n = int(np.prod(shape))
    return np.random.default_rng(seed).permutation(np.linspace(-2, 2, n)).reshape(shape)


def _check_distinct(efn, tfn, shape, dtype="float64"):
    x = _distinct(shape).astype(dtype)
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ye, yt = efn(xe), tfn(xt)
    ye, yt = (ye if isinstance(ye, tuple) else (ye,)), (yt if isinstance(yt, tuple) else (yt,))
    for a, b in zip(ye, yt):
        assert tuple(a.shape) == tuple(b.shape) and str(a.dtype)[6:] == str(b.dtype)[6:]
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-12, atol=1e-12)
    g = np.random.default_rng(1).standard_normal(tuple(yt[0].shape)).astype(dtype)
    ye[0].backward(ember.tensor(g))
    yt[0].backward(torch.tensor(g))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-6, atol=1e-6)


MAX2D = [dict(kernel_size=2), dict(kernel_size=3, stride=1), dict(kernel_size=3, stride=2, padding=1),
         dict(kernel_size=(2, 3), stride=(1, 2), padding=(1, 0)), dict(kernel_size=2, dilation=2),
         dict(kernel_size=3, stride=2, ceil_mode=True), dict(kernel_size=3, stride=2, padding=1, dilation=(1, 2),
                                                             ceil_mode=True)]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape", [(2, 3, 7, 8), (3, 6, 5)])
@pytest.mark.parametrize("kw", MAX2D, ids=str)
def test_max_pool2d_matches_torch(kw, shape, dtype):
    _check_distinct(lambda x: F.max_pool2d(x, return_indices=True, **kw),
                    lambda x: TF.max_pool2d(x, return_indices=True, **kw), shape, dtype)


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=1, padding=1),
                                dict(kernel_size=2, dilation=2, ceil_mode=True, stride=2)], ids=str)
def test_max_pool1d_matches_torch(kw):
    _check_distinct(lambda x: F.max_pool1d(x, return_indices=True, **kw),
                    lambda x: TF.max_pool1d(x, return_indices=True, **kw), (2, 3, 9))
    _check_distinct(lambda x: F.max_pool1d(x, **kw), lambda x: TF.max_pool1d(x, **kw), (3, 9))


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3), dict(kernel_size=(2, 3), stride=(2, 1)),
                                dict(kernel_size=3, stride=1, padding=1), dict(kernel_size=(1, 5), stride=2)], ids=str)
def test_max_pool_many_ties_pick_torch_index(kw):
    """Few distinct values (ties in most windows) and a few NaNs: the same maxima, indices and gradients as torch."""
    x = np.random.default_rng(0).integers(0, 3, (2, 3, 7, 8)).astype(np.float32)
    x[0, 0, 1, 1] = x[1, 2, 4, 5] = x[1, 2, 4, 6] = np.nan
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (a, ia), (b, ib) = F.max_pool2d(xe, return_indices=True, **kw), TF.max_pool2d(xt, return_indices=True, **kw)
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    np.testing.assert_array_equal(ia.numpy(), ib.numpy())
    g = np.random.default_rng(1).standard_normal(tuple(b.shape)).astype(np.float32)
    a.backward(ember.tensor(g))
    b.backward(torch.tensor(g))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-6, atol=1e-6)


def test_max_pool_ties_nan_and_names():
    x = np.array([[[1.0, 1.0, 0.0], [np.nan, 2.0, 2.0], [3.0, np.nan, 3.0]]])
    for kw in (dict(kernel_size=2, stride=1), dict(kernel_size=3, padding=1, stride=1)):
        (a, ia), (b, ib) = F.max_pool2d(ember.tensor(x), return_indices=True, **kw), \
            TF.max_pool2d(torch.tensor(x), return_indices=True, **kw)
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        np.testing.assert_array_equal(ia.numpy(), ib.numpy())
    x = ember.ones(1, 1, 4, 4, requires_grad=True)
    y, i = F.max_pool2d(x, 2, return_indices=True)
    assert y.grad_fn.name() == "MaxPool2DWithIndicesBackward0" and not i.requires_grad and i.dtype == ember.int64
    g, = ember.autograd.grad(y, x, ember.ones(1, 1, 2, 2, requires_grad=True), create_graph=True)
    assert g.grad_fn.name() == "MaxPool2DWithIndicesBackwardBackward0"
    assert F.max_pool1d(ember.ones(1, 4, requires_grad=True), 2).grad_fn.name() == "SqueezeBackward1"


AVG2D = [dict(kernel_size=2), dict(kernel_size=3, stride=1, padding=1), dict(kernel_size=3, stride=2, padding=1,
                                                                            count_include_pad=False),
         dict(kernel_size=(2, 3), stride=(2, 1), padding=(1, 0), ceil_mode=True),
         dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
         dict(kernel_size=3, stride=2, padding=1, ceil_mode=True), dict(kernel_size=2, divisor_override=3),
         dict(kernel_size=2, stride=1, padding=1, divisor_override=5, ceil_mode=True)]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape", [(2, 3, 7, 8), (3, 6, 5)])
@pytest.mark.parametrize("kw", AVG2D, ids=str)
def test_avg_pool2d_matches_torch(kw, shape, dtype):
    _check(lambda x: F.avg_pool2d(x, **kw), lambda x: TF.avg_pool2d(x, **kw), [shape], dtype)


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True,
                                                           count_include_pad=False)], ids=str)
def test_avg_pool1d_matches_torch(kw):
    _check(lambda x: F.avg_pool1d(x, **kw), lambda x: TF.avg_pool1d(x, **kw), [(2, 3, 8)])
    _check(lambda x: F.avg_pool1d(x, **kw), lambda x: TF.avg_pool1d(x, **kw), [(3, 7)])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("size, out", [((6, 6), 3), ((7, 5), (3, 2)), ((5, 7), (5, None)), ((4, 4), 1),
                                       ((3, 5), (4, 7))])
def test_adaptive_pool2d_matches_torch(size, out, dtype):
    _check(lambda x: F.adaptive_avg_pool2d(x, out), lambda x: TF.adaptive_avg_pool2d(x, out), [(2, 3) + size], dtype)
    _check(lambda x: F.adaptive_avg_pool2d(x, out), lambda x: TF.adaptive_avg_pool2d(x, out), [(3,) + size], dtype)
    _check_distinct(lambda x: F.adaptive_max_pool2d(x, out, return_indices=True),
                    lambda x: TF.adaptive_max_pool2d(x, out, return_indices=True), (2, 3) + size, dtype)


@pytest.mark.parametrize("n, out", [(8, 4), (7, 3), (3, 5)])
def test_adaptive_pool1d_matches_torch(n, out):
    _check(lambda x: F.adaptive_avg_pool1d(x, out), lambda x: TF.adaptive_avg_pool1d(x, out), [(2, 3, n)])
    _check_distinct(lambda x: F.adaptive_max_pool1d(x, out, return_indices=True),
                    lambda x: TF.adaptive_max_pool1d(x, out, return_indices=True), (2, 3, n))


GRADCHECKS = [
    (lambda x: F.max_pool2d(x, 2), (1, 2, 4, 4)),
    (lambda x: F.max_pool2d(x, 3, stride=1, padding=1), (1, 1, 4, 3)),
    (lambda x: F.max_pool1d(x, 2, stride=1, ceil_mode=True), (2, 5)),
    (lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), (1, 2, 4, 5)),
    (lambda x: F.avg_pool2d(x, 2, stride=1, divisor_override=3), (2, 3, 3)),
    (lambda x: F.avg_pool1d(x, 2), (1, 2, 6)),
    (lambda x: F.adaptive_avg_pool2d(x, (2, 3)), (1, 2, 5, 4)),
    (lambda x: F.adaptive_avg_pool1d(x, 3), (2, 5)),
    (lambda x: F.adaptive_max_pool2d(x, (2, 3)), (1, 2, 5, 4)),
    (lambda x: F.adaptive_max_pool1d(x, 3), (2, 7)),
]


@pytest.mark.parametrize("case", range(len(GRADCHECKS)))
def test_pool_gradcheck_and_gradgradcheck(case):
    fn, shape = GRADCHECKS[case]
    x = ember.tensor(_distinct(shape, case), requires_grad=True)
    assert gradcheck(fn, [x])
    assert gradgradcheck(fn, [x])


def test_pool_graph_names_match_torch():
    for name, args in [("avg_pool2d", (2,)), ("adaptive_avg_pool2d", (3,)), ("adaptive_max_pool2d", (3,)),
                       ("avg_pool1d", (2,)), ("adaptive_avg_pool1d", (2,))]:
        shape = (1, 2, 6) if name.endswith("1d") else (1, 2, 6, 6)
        e = getattr(F, name)(ember.ones(*shape, requires_grad=True), *args)
        t = getattr(TF, name)(torch.ones(*shape, requires_grad=True), *args)
        assert e.grad_fn.name() == t.grad_fn.name()


@pytest.mark.parametrize("efn, tfn", [
    (lambda m: m.max_pool2d(m.zeros(2, 4, 3, 3), 2, padding=2), None),
    (lambda m: m.max_pool2d(m.zeros(2, 4, 1, 1), 2), None),
    (lambda m: m.max_pool2d(m.zeros(4, 1), 2), None),
    (lambda m: m.max_pool2d(m.zeros(2, 4, 0, 3), 2), None),
    (lambda m: m.max_pool2d(m.zeros(2, 4, 3, 3), (2, 2, 2)), None),
    (lambda m: m.max_pool2d(m.zeros(2, 4, 3, 3), 2, stride=0), None),
    (lambda m: m.max_pool2d(m.zeros(2, 4, 3, 3), 2, dilation=0), None),
    (lambda m: m.max_pool1d(m.zeros(2, 4, 3, 3), 2), None),
    (lambda m: m.max_pool1d(m.zeros(2, 4, 1), 2), None),
    (lambda m: m.avg_pool2d(m.zeros(2, 4, 3, 3), 2, padding=2), None),
    (lambda m: m.avg_pool2d(m.zeros(2, 4, 1, 1), 2), None),
    (lambda m: m.avg_pool1d(m.zeros(2, 4, 1, 1), 2), None),
    (lambda m: m.adaptive_avg_pool2d(m.zeros(4, 1), 2), None),
    (lambda m: m.adaptive_max_pool2d(m.zeros(4, 1), 2), None),
    (lambda m: m.adaptive_avg_pool1d(m.zeros(4, 1, 1, 1), 2), None),
    (lambda m: m.adaptive_max_pool1d(m.zeros(4, 1, 1, 1), 2), None),
])
def test_pool_errors_match_torch(efn, tfn):
    class Module:
        def __init__(self, lib, fn):
            self.lib, self.fn = lib, fn

        def __getattr__(self, name):
            return getattr(self.lib, name) if name == "zeros" else getattr(self.fn, name)
    _torch_error(lambda: efn(Module(ember, F)), lambda: efn(Module(torch, TF)))


LAYERS = [("MaxPool2d", (2,), dict()), ("MaxPool2d", (3,), dict(stride=2, padding=1, ceil_mode=True)),
          ("MaxPool1d", (3,), dict(stride=1, dilation=2)), ("AvgPool2d", (2,), dict(ceil_mode=True, divisor_override=3)),
          ("AvgPool2d", ((3, 2),), dict(stride=1, padding=1, count_include_pad=False)), ("AvgPool1d", (3,), dict()),
          ("AdaptiveAvgPool2d", ((3, None),), dict()), ("AdaptiveAvgPool1d", (4,), dict()),
          ("AdaptiveMaxPool2d", (2,), dict()), ("AdaptiveMaxPool1d", (3,), dict()),
          ("Unfold", (2,), dict(padding=1, stride=2)), ("Fold", ((4, 5), 2), dict())]


@pytest.mark.parametrize("name, args, kw", LAYERS, ids=lambda v: str(v))
def test_pool_layers_match_torch(name, args, kw):
    e, t = getattr(nn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw)
    assert repr(e) == repr(t)
    shape = (2, 3, 7) if name.endswith("1d") else (2, 12, 12) if name == "Fold" else (2, 3, 7, 6)
    _check_distinct(e, t, shape)


def test_pool_layers_return_indices():
    for name in ("MaxPool2d", "AdaptiveMaxPool2d"):
        e, t = getattr(nn, name)(2, return_indices=True), getattr(torch.nn, name)(2, return_indices=True)
        _check_distinct(e, t, (1, 2, 4, 6))


# ---- 3-d pooling, LP pooling, unpooling -----------------------------------------------------------

MAX3D = [dict(kernel_size=2), dict(kernel_size=(2, 3, 2), stride=1, padding=1),
         dict(kernel_size=2, stride=(1, 2, 1), dilation=(1, 1, 2), ceil_mode=True),
         dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape", [(1, 2, 4, 4, 5), (2, 4, 5, 4)])
@pytest.mark.parametrize("kw", MAX3D, ids=str)
def test_max_pool3d_matches_torch(kw, shape, dtype):
    _check_distinct(lambda x: F.max_pool3d(x, return_indices=True, **kw),
                    lambda x: TF.max_pool3d(x, return_indices=True, **kw), shape, dtype)


AVG3D = [dict(kernel_size=2), dict(kernel_size=(3, 2, 3), stride=1, padding=1),
         dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
         dict(kernel_size=2, stride=(1, 2, 2), divisor_override=3)]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kw", AVG3D, ids=str)
def test_avg_pool3d_matches_torch(kw, dtype):
    _check(lambda x: F.avg_pool3d(x, **kw), lambda x: TF.avg_pool3d(x, **kw), [(1, 2, 4, 5, 4)], dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("size, out", [((4, 4, 4), 2), ((5, 4, 7), (3, None, 2)), ((3, 4, 2), (5, 1, 3))])
def test_adaptive_pool3d_matches_torch(size, out, dtype):
    _check(lambda x: F.adaptive_avg_pool3d(x, out), lambda x: TF.adaptive_avg_pool3d(x, out), [(1, 2) + size], dtype)
    _check_distinct(lambda x: F.adaptive_max_pool3d(x, out, True), lambda x: TF.adaptive_max_pool3d(x, out, True),
                    (2,) + size, dtype)


def test_with_indices_forms_match_torch():
    for name, args in [("max_pool1d_with_indices", (2,)), ("max_pool2d_with_indices", (2, 1)),
                       ("max_pool3d_with_indices", (2,)), ("adaptive_max_pool1d_with_indices", (3,)),
                       ("adaptive_max_pool2d_with_indices", ((2, 3),)),
                       ("adaptive_max_pool3d_with_indices", (2,))]:
        shape = (2, 3, 5) if "1d" in name else (2, 4, 5, 6) if "2d" in name else (1, 2, 4, 4, 5)
        _check_distinct(lambda x: getattr(F, name)(x, *args), lambda x: getattr(TF, name)(x, *args), shape)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("nd, norm, kw", [(1, 2, dict(kernel_size=3)), (1, 3, dict(kernel_size=2, stride=1)),
                                          (2, 2, dict(kernel_size=(2, 3), stride=1)), (2, 1.5, dict(kernel_size=2)),
                                          (2, float("inf"), dict(kernel_size=2)), (3, 2, dict(kernel_size=2)),
                                          (3, 3, dict(kernel_size=(1, 2, 2), stride=1, ceil_mode=True))], ids=str)
def test_lp_pool_matches_torch(nd, norm, kw, dtype):
    name = f"lp_pool{nd}d"
    shape = (2, 3, 7)[:2] + (5, 6, 4)[:nd]
    # positive inputs: a fractional power of a negative window sum is NaN in both
    _check(lambda x: getattr(F, name)(x.abs() + 0.1, norm, **kw), lambda x: getattr(TF, name)(x.abs() + 0.1, norm, **kw),
           [shape], dtype)


@pytest.mark.parametrize("nd, kw", [(1, dict(kernel_size=2)), (1, dict(kernel_size=3, stride=2, padding=1)),
                                    (2, dict(kernel_size=2)), (2, dict(kernel_size=(2, 3), stride=1, padding=1)),
                                    (3, dict(kernel_size=2)), (3, dict(kernel_size=2, stride=(1, 2, 2)))], ids=str)
def test_max_unpool_matches_torch(nd, kw):
    pool, unpool = f"max_pool{nd}d", f"max_unpool{nd}d"
    shape = (2, 3) + (5, 4, 6)[:nd]

    def run(mod):
        def fn(x):
            out, idx = getattr(mod, pool)(x, return_indices=True, **kw)
            return getattr(mod, unpool)(out * 2, idx, **kw)
        return fn
    _check_distinct(run(F), run(TF), shape)


def test_max_unpool_output_size_and_errors():
    x = _distinct((1, 1, 5, 5))
    te, ee = TF.max_pool2d(torch.tensor(x), 2, return_indices=True), F.max_pool2d(ember.tensor(x), 2, return_indices=True)
    yt, ye = TF.max_unpool2d(*te, 2, output_size=(5, 5)), F.max_unpool2d(*ee, 2, output_size=(5, 5))
    np.testing.assert_array_equal(ye.numpy(), yt.numpy())
    _torch_error(lambda: F.max_unpool2d(*ee, 2, output_size=(9, 9)), lambda: TF.max_unpool2d(*te, 2, output_size=(9, 9)),
                 ValueError)
    _torch_error(lambda: F.max_unpool2d(*ee, 2, output_size=(1, 2, 3)),
                 lambda: TF.max_unpool2d(*te, 2, output_size=(1, 2, 3)), ValueError)
    _torch_error(lambda: F.max_unpool2d(ee[0], ee[1].double(), 2), lambda: TF.max_unpool2d(te[0], te[1].double(), 2))
    _torch_error(lambda: F.max_unpool2d(ee[0], ee[1][..., :1], 2), lambda: TF.max_unpool2d(te[0], te[1][..., :1], 2))
    _torch_error(lambda: F.max_unpool3d(ember.zeros(1, 1, 2, 2, 2), ember.zeros(1, 1, 2, 2, 2, dtype=ember.int64) + 99, 2),
                 lambda: TF.max_unpool3d(torch.zeros(1, 1, 2, 2, 2), torch.zeros(1, 1, 2, 2, 2, dtype=torch.int64) + 99, 2))


def test_pool3d_gradcheck_and_names():
    x = ember.tensor(_distinct((1, 2, 4, 4, 4)), requires_grad=True)
    t = torch.tensor(_distinct((1, 2, 4, 4, 4)), requires_grad=True)
    for fn, name in [(lambda f, x: f.max_pool3d(x, 2, 1), "MaxPool3DWithIndicesBackward0"),
                     (lambda f, x: f.avg_pool3d(x, 3, 2, 1), "AvgPool3DBackward0"),
                     (lambda f, x: f.adaptive_avg_pool3d(x, 3), "AdaptiveAvgPool3DBackward0"),
                     (lambda f, x: f.adaptive_max_pool3d(x, 3), "AdaptiveMaxPool3DBackward0"),
                     (lambda f, x: f.max_unpool3d(*f.max_pool3d(x, 2, return_indices=True), 2),
                      "MaxUnpool3DBackward0")]:
        assert type(fn(F, x).grad_fn).__name__ == type(fn(TF, t).grad_fn).__name__ == name
        assert gradcheck(lambda x: fn(F, x), [x]) and gradgradcheck(lambda x: fn(F, x), [x])
    assert gradcheck(lambda x: F.lp_pool2d(x.abs() + 0.5, 2, 2), [x[0]])


@pytest.mark.parametrize("efn, tfn", [
    (lambda f, m: f.max_pool3d(m.zeros(1, 2, 3, 3, 3), (2, 2)), None),
    (lambda f, m: f.max_pool3d(m.zeros(1, 2, 3, 3, 3), 2, stride=(1, 1)), None),
    (lambda f, m: f.max_pool3d(m.zeros(1, 2, 3, 3, 3), 2, dilation=0), None),
    (lambda f, m: f.max_pool3d(m.zeros(1, 2, 3, 3, 3), 2, padding=2), None),
    (lambda f, m: f.max_pool3d(m.zeros(2, 3, 3), 2), None),
    (lambda f, m: f.max_pool3d(m.zeros(1, 2, 1, 3, 3), 2), None),
    (lambda f, m: f.avg_pool3d(m.zeros(1, 2, 1, 3, 3), 2), None),
    (lambda f, m: f.avg_pool3d(m.zeros(1, 2, 3, 3, 3), (2, 2)), None),
    (lambda f, m: f.avg_pool3d(m.zeros(1, 2, 3, 3, 3), 0), None),
    (lambda f, m: f.adaptive_avg_pool3d(m.zeros(2, 3, 3), 2), None),
    (lambda f, m: f.adaptive_max_pool3d(m.zeros(2, 3, 3), 2), None),
    (lambda f, m: f.adaptive_max_pool3d(m.zeros(2, 3, 3, 3), (2, 2)), None),
])
def test_pool3d_errors_match_torch(efn, tfn):
    _torch_error(lambda: efn(F, ember), lambda: efn(TF, torch))


LAYERS3D = [("MaxPool3d", (2,), dict()), ("MaxPool3d", ((2, 3, 2),), dict(stride=1, padding=1, ceil_mode=True)),
            ("AvgPool3d", (2,), dict()), ("AvgPool3d", ((2, 3, 2), 1, 1, True, False, 3), dict()),
            ("AdaptiveAvgPool3d", ((2, None, 3),), dict()), ("AdaptiveMaxPool3d", (2,), dict()),
            ("LPPool1d", (2, 3), dict()), ("LPPool2d", (1.5, (2, 3), 1, True), dict()), ("LPPool3d", (2, 2), dict())]


@pytest.mark.parametrize("name, args, kw", LAYERS3D, ids=lambda v: str(v))
def test_pool3d_layers_match_torch(name, args, kw):
    e, t = getattr(nn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw)
    assert repr(e) == repr(t)
    shape = (2, 3, 7) if name.endswith("1d") else (2, 3, 6, 7) if name.endswith("2d") else (1, 2, 4, 5, 6)
    if name.startswith("LP"):
        _check(lambda x: e(x.abs() + 0.1), lambda x: t(x.abs() + 0.1), [shape])
    else:
        _check_distinct(e, t, shape)


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_max_unpool_layers_match_torch(nd):
    pe, pt = getattr(nn, f"MaxPool{nd}d")(2, return_indices=True), getattr(torch.nn, f"MaxPool{nd}d")(2, return_indices=True)
    ue, ut = getattr(nn, f"MaxUnpool{nd}d")(2), getattr(torch.nn, f"MaxUnpool{nd}d")(2)
    assert repr(ue) == repr(ut)
    assert repr(getattr(nn, f"MaxUnpool{nd}d")(3, 2, 1)) == repr(getattr(torch.nn, f"MaxUnpool{nd}d")(3, 2, 1))
    shape = (1, 2) + (5, 4, 6)[:nd]
    _check_distinct(lambda x: ue(*pe(x), output_size=shape), lambda x: ut(*pt(x), output_size=shape), shape)
