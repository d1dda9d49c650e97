"""interpolate (and the deprecated upsample aliases), pixel/channel shuffles, grid_sample, affine_grid and the
Upsample / PixelShuffle / ChannelShuffle layers against torch; a tiny UNet block end to end."""
import warnings

import numpy as np
import pytest
import torch

import ember
from ember import nn
from ember.autograd import gradcheck, gradgradcheck
import ember.nn.functional as F
from tests.nn.test_conv import _check, _copy, _torch_error

TF = torch.nn.functional

# ---- interpolate ----------------------------------------------------------------------------------

SIZES = [dict(size=7), dict(size=3), dict(scale_factor=2), dict(scale_factor=1.7), dict(scale_factor=0.6),
         dict(scale_factor=1.7, recompute_scale_factor=True), dict(scale_factor=0.45, recompute_scale_factor=False)]
SHAPES = {1: (2, 3, 5), 2: (1, 2, 4, 5), 3: (1, 2, 3, 4, 5)}


def _nd_kw(kw, nd):
    """kw with sizes and factors given per dim (varied along the dims) as well as scalars."""
    out = dict(kw)
    if "size" in kw:
        out["size"] = tuple(kw["size"] + d for d in range(nd))
    if "scale_factor" in kw and nd > 1:
        out["scale_factor"] = tuple(kw["scale_factor"] * (1 + 0.3 * d) for d in range(nd))
    return out


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kw", SIZES, ids=str)
@pytest.mark.parametrize("mode, nd, align", [("nearest", 1, None), ("nearest", 2, None), ("nearest", 3, None),
                                              ("nearest-exact", 1, None), ("nearest-exact", 2, None),
                                              ("nearest-exact", 3, None), ("area", 1, None), ("area", 2, None),
                                              ("area", 3, None), ("linear", 1, False), ("linear", 1, True),
                                              ("bilinear", 2, False), ("bilinear", 2, True), ("bicubic", 2, False),
                                              ("bicubic", 2, True), ("trilinear", 3, False), ("trilinear", 3, True)],
                         ids=str)
@pytest.mark.parametrize("per_dim", [False, True])
def test_interpolate_matches_torch(mode, nd, align, kw, per_dim, dtype):
    kw = _nd_kw(kw, nd) if per_dim else kw
    _check(lambda x: F.interpolate(x, mode=mode, align_corners=align, **kw),
           lambda x: TF.interpolate(x, mode=mode, align_corners=align, **kw), [SHAPES[nd]], dtype)


@pytest.mark.parametrize("mode, shape", [("nearest", (1, 2, 3, 3)), ("bilinear", (1, 2, 3, 4)),
                                         ("bicubic", (1, 1, 3, 3)), ("linear", (2, 2, 4)),
                                         ("trilinear", (1, 1, 2, 3, 2)), ("area", (1, 2, 5, 4)),
                                         ("nearest-exact", (1, 1, 2, 3, 4))])
def test_interpolate_gradcheck_and_graph_names(mode, shape):
    x = ember.tensor(np.random.default_rng(0).standard_normal(shape), requires_grad=True)
    kw = dict(scale_factor=1.5) if mode != "area" else dict(size=(3, 3))
    if mode in ("bilinear", "bicubic", "linear", "trilinear"):
        kw["align_corners"] = False
    fn = lambda x: F.interpolate(x, mode=mode, **kw)  # noqa: E731
    assert gradcheck(fn, [x]) and gradgradcheck(fn, [x])
    t = torch.tensor(x.detach().numpy(), requires_grad=True)
    assert type(fn(x).grad_fn).__name__ == type(TF.interpolate(t, mode=mode, **kw).grad_fn).__name__


@pytest.mark.parametrize("shape, kw, kind", [
    ((1, 1, 3, 3), dict(size=2, scale_factor=2), ValueError),
    ((1, 1, 3, 3), dict(), ValueError),
    ((1, 1, 3, 3), dict(size=(2, 3, 4)), ValueError),
    ((1, 1, 3, 3), dict(scale_factor=(2, 3, 4)), ValueError),
    ((1, 1, 3, 3), dict(size=2, recompute_scale_factor=True), ValueError),
    ((1, 1, 3, 3), dict(size=2, align_corners=True), ValueError),
    ((1, 1, 3, 3), dict(size=2, mode="area", align_corners=False), ValueError),
    ((1, 1, 3), dict(size=2, mode="bilinear"), NotImplementedError),
    ((1, 1, 3, 3), dict(size=2, mode="linear"), NotImplementedError),
    ((1, 1, 3, 3), dict(size=2, mode="trilinear"), NotImplementedError),
    ((1, 1, 3, 3, 3), dict(size=2, mode="bilinear"), NotImplementedError),
    ((1, 1, 3), dict(size=2, mode="bicubic"), NotImplementedError),
    ((1, 1, 3, 3), dict(size=2, mode="foo"), NotImplementedError),
    ((3, 3), dict(size=2), NotImplementedError),
    ((1, 1, 3, 3), dict(size=0), RuntimeError),
    ((1, 1, 3, 3), dict(scale_factor=0.1), RuntimeError),
    ((1, 1, 3), dict(size=2, antialias=True), ValueError),
    ((1, 1, 3, 3), dict(size=(2.5, 2)), TypeError),
])
def test_interpolate_errors_match_torch(shape, kw, kind):
    _torch_error(lambda: F.interpolate(ember.zeros(*shape), **kw), lambda: TF.interpolate(torch.zeros(*shape), **kw),
                 kind)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("align", [False, True])
@pytest.mark.parametrize("kw", [dict(size=(3, 4)), dict(size=(9, 2)), dict(scale_factor=0.3),
                                dict(scale_factor=(2.5, 0.45)), dict(size=1)], ids=str)
def test_interpolate_antialias_matches_torch(kw, align, mode, dtype):
    _check(lambda x: F.interpolate(x, mode=mode, align_corners=align, antialias=True, **kw),
           lambda x: TF.interpolate(x, mode=mode, align_corners=align, antialias=True, **kw), [(1, 2, 7, 8)], dtype)


def test_interpolate_antialias_gradcheck_and_graph_names():
    x = ember.tensor(np.random.default_rng(0).standard_normal((1, 1, 6, 5)), requires_grad=True)
    t = torch.tensor(x.detach().numpy(), requires_grad=True)
    for mode in ("bilinear", "bicubic"):
        fn = lambda x: F.interpolate(x, size=(3, 2), mode=mode, antialias=True)  # noqa: E731
        assert gradcheck(fn, [x]) and gradgradcheck(fn, [x])
        tn = TF.interpolate(t, size=(3, 2), mode=mode, antialias=True).grad_fn
        assert type(fn(x).grad_fn).__name__ == type(tn).__name__


@pytest.mark.parametrize("name, kw", [("upsample", dict(scale_factor=2)),
                                      ("upsample", dict(size=(5, 3), mode="bilinear", align_corners=True)),
                                      ("upsample_nearest", dict(size=5)), ("upsample_bilinear", dict(scale_factor=1.5))])
def test_deprecated_upsample_aliases_warn_and_match_torch(name, kw):
    with pytest.warns(UserWarning, match=f"`nn.functional.{name}` is deprecated"):
        F.__dict__[name](ember.zeros(1, 1, 3, 4), **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _check(lambda x: getattr(F, name)(x, **kw), lambda x: getattr(TF, name)(x, **kw), [(1, 2, 3, 4)])


# ---- shuffles -------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name, arg, shape", [("pixel_shuffle", 2, (2, 8, 3, 2)), ("pixel_shuffle", 3, (9, 2, 2)),
                                              ("pixel_shuffle", 1, (2, 3, 2, 2)),
                                              ("pixel_shuffle", 2, (2, 1, 4, 2, 3)),
                                              ("pixel_unshuffle", 2, (2, 2, 4, 6)), ("pixel_unshuffle", 3, (1, 3, 6)),
                                              ("channel_shuffle", 3, (2, 6, 2, 3)), ("channel_shuffle", 2, (2, 4, 5)),
                                              ("channel_shuffle", 2, (1, 4, 2, 1, 2))], ids=str)
def test_shuffles_match_torch(name, arg, shape, dtype):
    _check(lambda x: getattr(F, name)(x, arg), lambda x: getattr(TF, name)(x, arg), [shape], dtype)
    x = ember.tensor(np.random.default_rng(0).standard_normal(shape), requires_grad=True)
    assert gradcheck(lambda x: getattr(F, name)(x, arg), [x])
    assert gradgradcheck(lambda x: getattr(F, name)(x, arg), [x])
    t = torch.zeros(shape, requires_grad=True)
    assert type(getattr(F, name)(x, arg).grad_fn).__name__ == type(getattr(TF, name)(t, arg).grad_fn).__name__


@pytest.mark.parametrize("name, arg, shape", [("pixel_shuffle", 2, (2, 2)), ("pixel_shuffle", 2, (1, 5, 2, 2)),
                                              ("pixel_shuffle", 0, (1, 4, 2, 2)), ("pixel_unshuffle", 2, (1, 4, 3, 2)),
                                              ("pixel_unshuffle", 2, (1, 4, 2, 3)), ("pixel_unshuffle", 2, (4, 2)),
                                              ("pixel_unshuffle", 0, (1, 4, 2, 2)), ("channel_shuffle", 2, (1, 5, 2)),
                                              ("channel_shuffle", 0, (1, 4, 2)), ("channel_shuffle", 2, (4,))], ids=str)
def test_shuffle_errors_match_torch(name, arg, shape):
    _torch_error(lambda: getattr(F, name)(ember.zeros(*shape), arg), lambda: getattr(TF, name)(torch.zeros(*shape), arg))


@pytest.mark.parametrize("name, arg, shape", [("PixelShuffle", 2, (2, 8, 2, 3)), ("PixelUnshuffle", 2, (2, 2, 4, 4)),
                                              ("ChannelShuffle", 2, (2, 4, 3, 3))])
def test_shuffle_layers_match_torch(name, arg, shape):
    e, t = getattr(nn, name)(arg), getattr(torch.nn, name)(arg)
    assert repr(e) == repr(t)
    _check(e, t, [shape])


# ---- grid_sample / affine_grid --------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align", [False, True])
@pytest.mark.parametrize("nd", [2, 3])
def test_grid_sample_matches_torch(nd, align, padding_mode, mode, dtype):
    shapes = [(2, 3, 4, 5), (2, 3, 2, 2)] if nd == 2 else [(1, 2, 3, 4, 3), (1, 2, 3, 2, 3)]
    # the grid spans [-1.5, 1.5]-ish, so that every padding mode is exercised
    _check(lambda x, g: F.grid_sample(x, g * 0.8, mode, padding_mode, align),
           lambda x, g: TF.grid_sample(x, g * 0.8, mode, padding_mode, align), shapes, dtype)


@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
def test_grid_sample_gradcheck(padding_mode):
    rng = np.random.default_rng(0)
    x = ember.tensor(rng.standard_normal((1, 2, 3, 4)), requires_grad=True)
    # grid points away from pixel centres and borders, where the bilinear map is smooth
    g = ember.tensor(rng.uniform(-1.2, 1.2, (1, 2, 3, 2)) + 0.013, requires_grad=True)
    for align in (False, True):
        fn = lambda x, g: F.grid_sample(x, g, padding_mode=padding_mode, align_corners=align)  # noqa: E731
        assert gradcheck(fn, [x, g]) and gradgradcheck(fn, [x, g])
    for shape, grid in (((1, 1, 2, 2), (1, 1, 1, 2)), ((1, 1, 2, 2, 2), (1, 1, 1, 1, 3))):
        ye = F.grid_sample(ember.zeros(*shape, requires_grad=True), ember.zeros(*grid), align_corners=False)
        yt = TF.grid_sample(torch.zeros(*shape, requires_grad=True), torch.zeros(*grid), align_corners=False)
        assert type(ye.grad_fn).__name__ == type(yt.grad_fn).__name__


def _bicubic_grid_sample(mod, x, g, go, padding_mode, align):
    """grid_sample(mode='bicubic') in ember or torch: the output, both gradients for the output gradient go, and the
    gradients of a function of those gradients (double backward)."""
    xt, gt = mod.tensor(x, requires_grad=True), mod.tensor(g, requires_grad=True)
    y = mod.nn.functional.grid_sample(xt, gt, "bicubic", padding_mode, align)
    gx, gg = mod.autograd.grad(y, (xt, gt), mod.tensor(go), create_graph=True)
    hx, hg = mod.autograd.grad((gx * gx).sum() + (gg * gg * gg).sum(), (xt, gt))
    return [t.detach().numpy() for t in (y, gx, gg, hx, hg)]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align", [False, True])
@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (1, 2, 1, 3), (1, 1, 2, 1)], ids=str)
def test_grid_sample_bicubic_matches_torch(shape, align, padding_mode, dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(dtype)
    # points inside, just outside and far outside the image (each padding mode reaches several taps away), the
    # corners and a pixel centre
    g = rng.uniform(-2.5, 2.5, (shape[0], 3, 4, 2))
    g[0, 0, :] = [[7.3, -9.1], [-1, 1], [0.5, 0], [1.04, -1.3]]
    g = g.astype(dtype)
    go = rng.standard_normal((shape[0], shape[1], 3, 4)).astype(dtype)
    tol = 1e-10 if dtype == "float64" else 1e-4
    ember_out = _bicubic_grid_sample(ember, x, g, go, padding_mode, align)
    torch_out = _bicubic_grid_sample(torch, x, g, go, padding_mode, align)
    for name, e, t in zip(("output", "input grad", "grid grad", "input grad-grad", "grid grad-grad"), ember_out,
                          torch_out):
        assert e.dtype == t.dtype
        # atol scales with the largest entry: an entry that cancels to about zero (a point far outside with 'border'
        # padding) keeps only the rounding of the entries it sums
        np.testing.assert_allclose(e, t, rtol=tol, atol=tol * max(1, np.abs(t).max()), err_msg=name)


@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align", [False, True])
def test_grid_sample_bicubic_gradcheck(align, padding_mode):
    rng = np.random.default_rng(0)
    x = ember.tensor(rng.standard_normal((1, 2, 3, 4)), requires_grad=True)
    # points away from pixel centres, where the taps (and so the padded taps) do not change
    g = ember.tensor(rng.uniform(-1.6, 1.6, (1, 2, 3, 2)) + 0.013, requires_grad=True)
    fn = lambda x, g: F.grid_sample(x, g, "bicubic", padding_mode, align)  # noqa: E731
    assert gradcheck(fn, [x, g]) and gradgradcheck(fn, [x, g])
    yt = TF.grid_sample(torch.zeros(1, 2, 3, 4, requires_grad=True), torch.zeros(1, 2, 3, 2), "bicubic",
                        padding_mode, align)
    assert type(fn(x, g).grad_fn).__name__ == type(yt.grad_fn).__name__


def test_grid_sample_warns_and_errors_match_torch():
    with pytest.warns(UserWarning, match="Default grid_sample and affine_grid behavior has changed"):
        F.grid_sample(ember.zeros(1, 1, 2, 2), ember.zeros(1, 1, 1, 2))
    for x, g, kw in [((1, 1, 3, 3), (1, 2, 2, 3), {}), ((2, 1, 3, 3), (1, 2, 2, 2), {}),
                     ((1, 1, 3, 3), (1, 2, 2, 2, 2), {}), ((1, 1, 3, 3, 3), (1, 2, 2, 2, 3), dict(mode="bicubic"))]:
        _torch_error(lambda: F.grid_sample(ember.zeros(*x), ember.zeros(*g), align_corners=False, **kw),
                     lambda: TF.grid_sample(torch.zeros(*x), torch.zeros(*g), align_corners=False, **kw))
    _torch_error(lambda: F.grid_sample(ember.zeros(1, 1, 3, 3), ember.zeros(1, 2, 2, 2, dtype=ember.float64),
                                       align_corners=False),
                 lambda: TF.grid_sample(torch.zeros(1, 1, 3, 3), torch.zeros(1, 2, 2, 2, dtype=torch.float64),
                                        align_corners=False))
    for kw in (dict(mode="foo"), dict(padding_mode="foo")):
        _torch_error(lambda: F.grid_sample(ember.zeros(1, 1, 2, 2), ember.zeros(1, 1, 1, 2), **kw),
                     lambda: TF.grid_sample(torch.zeros(1, 1, 2, 2), torch.zeros(1, 1, 1, 2), **kw), ValueError)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("size, align", [((2, 3, 4, 5), False), ((2, 3, 4, 5), True), ((2, 1, 1, 3), False),
                                         ((2, 3, 4, 5, 2), False), ((2, 3, 2, 3, 4), True)], ids=str)
def test_affine_grid_matches_torch(size, align, dtype):
    theta = (2, 2, 3) if len(size) == 4 else (2, 3, 4)
    _check(lambda t: F.affine_grid(t, size, align), lambda t: TF.affine_grid(t, size, align), [theta], dtype)
    t = ember.tensor(np.random.default_rng(0).standard_normal(theta), requires_grad=True)
    assert gradcheck(lambda t: F.affine_grid(t, size, align), [t])
    assert gradgradcheck(lambda t: F.affine_grid(t, size, align), [t])


def test_affine_grid_errors_match_torch():
    for theta, size, kind in [((2, 3, 3), (2, 1, 4, 4), ValueError), ((2, 2, 3), (2, 1, 4, 4, 4), ValueError),
                              ((2, 2, 3), (2, 1, 4), NotImplementedError), ((2, 2, 3), (2, 1, 0, 4), ValueError)]:
        _torch_error(lambda: F.affine_grid(ember.zeros(*theta), size, False),
                     lambda: TF.affine_grid(torch.zeros(*theta), size, False), kind)
    _torch_error(lambda: F.affine_grid(ember.zeros(1, 2, 3, dtype=ember.int64), (1, 1, 2, 2), False),
                 lambda: TF.affine_grid(torch.zeros(1, 2, 3, dtype=torch.int64), (1, 1, 2, 2), False), ValueError)
    with pytest.warns(UserWarning, match="Default grid_sample and affine_grid behavior has changed"):
        F.affine_grid(ember.zeros(1, 2, 3), (1, 1, 2, 2))


def test_affine_grid_then_grid_sample_identity_matches_torch():
    theta = np.array([[[0.9, -0.2, 0.1], [0.3, 1.1, -0.05]]])
    x = np.random.default_rng(0).standard_normal((1, 2, 5, 6))
    te, xe = ember.tensor(theta, requires_grad=True), ember.tensor(x, requires_grad=True)
    tt, xt = torch.tensor(theta, requires_grad=True), torch.tensor(x, requires_grad=True)
    ye = F.grid_sample(xe, F.affine_grid(te, (1, 2, 4, 4), False), align_corners=False)
    yt = TF.grid_sample(xt, TF.affine_grid(tt, (1, 2, 4, 4), False), align_corners=False)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    (ye ** 2).sum().backward()
    (yt ** 2).sum().backward()
    np.testing.assert_allclose(te.grad.numpy(), tt.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-9, atol=1e-12)


# ---- Upsample layers ------------------------------------------------------------------------------

@pytest.mark.parametrize("name, args, kw, shape", [
    ("Upsample", (), dict(scale_factor=2), (1, 2, 3, 4)),
    ("Upsample", (), dict(size=(5, 7), mode="bilinear"), (1, 2, 3, 4)),
    ("Upsample", (), dict(scale_factor=(2, 1.5), mode="bicubic", align_corners=True), (1, 2, 3, 4)),
    ("Upsample", (), dict(scale_factor=1.5, mode="linear", recompute_scale_factor=True), (1, 2, 5)),
    ("Upsample", (), dict(size=4, mode="trilinear"), (1, 1, 2, 3, 2)),
    ("UpsamplingNearest2d", (), dict(scale_factor=3), (1, 2, 2, 3)),
    ("UpsamplingNearest2d", ((4, 5),), dict(), (1, 2, 2, 3)),
    ("UpsamplingBilinear2d", (), dict(scale_factor=(2, 3)), (1, 2, 2, 3)),
], ids=str)
def test_upsample_layers_match_torch(name, args, kw, shape):
    e, t = getattr(nn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw)
    assert repr(e) == repr(t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _check(e, t, [shape])


# ---- a tiny UNet block ----------------------------------------------------------------------------

def _unet(mod):
    """conv -> max_pool -> conv -> bilinear upsample -> cat with the skip -> conv, in ember or torch."""
    class Block(mod.nn.Module):
        def __init__(self):
            super().__init__()
            self.enc1 = mod.nn.Conv2d(1, 4, 3, padding=1)
            self.enc2 = mod.nn.Conv2d(4, 8, 3, padding=1)
            self.dec = mod.nn.Conv2d(12, 2, 3, padding=1)

        def forward(self, x):
            f = mod.nn.functional
            e1 = f.relu(self.enc1(x))
            e2 = f.relu(self.enc2(f.max_pool2d(e1, 2)))
            up = f.interpolate(e2, scale_factor=2, mode="bilinear", align_corners=False)
            return self.dec(mod.cat([up, e1], dim=1))
    return Block()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_unet_block_forward_backward_matches_torch(dtype):
    t = _unet(torch).to(getattr(torch, dtype))
    e = _unet(ember).to(getattr(ember, dtype))
    _copy(e, t)
    x = np.random.default_rng(0).standard_normal((2, 1, 8, 8)).astype(dtype)
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ye, yt = e(xe), t(xt)
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), **tol)
    ((ye ** 2).mean()).backward()
    ((yt ** 2).mean()).backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), **tol)
    for (n, pe), (_, pt) in zip(e.named_parameters(), t.named_parameters()):
        np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), **tol, err_msg=n)


@pytest.mark.parametrize("name, fn, shapes", [
    ("conv3d", lambda f, x, w: f.conv3d(x, w), [(0, 2, 3, 3, 3), (2, 2, 2, 2, 2)]),
    ("conv2d", lambda f, x, w: f.conv2d(x, w, stride=2), [(0, 2, 3, 3), (2, 2, 2, 2)]),
    ("conv_transpose3d", lambda f, x, w: f.conv_transpose3d(x, w), [(0, 2, 3, 3, 3), (2, 2, 2, 2, 2)]),
    ("max_pool2d", lambda f, x: f.max_pool2d(x, 2), [(0, 2, 3, 3)]),
    ("max_pool3d", lambda f, x: f.max_pool3d(x, 2), [(0, 2, 3, 3, 3)]),
    ("adaptive_max_pool3d", lambda f, x: f.adaptive_max_pool3d(x, 2), [(0, 2, 3, 3, 3)]),
    ("interpolate", lambda f, x: f.interpolate(x, scale_factor=2, mode="bilinear"), [(0, 2, 3, 3)]),
    ("grid_sample", lambda f, x, g: f.grid_sample(x, g, align_corners=False), [(0, 2, 3, 3), (0, 2, 2, 2)]),
    ("grid_sample", lambda f, x, g: f.grid_sample(x, g, align_corners=False), [(1, 2, 3, 3), (1, 0, 2, 2)]),
    ("grid_sample", lambda f, x, g: f.grid_sample(x, g, "bicubic", align_corners=False), [(0, 2, 3, 3), (0, 2, 2, 2)]),
], ids=lambda v: v if isinstance(v, str) else "")
def test_empty_batches_match_torch(name, fn, shapes):
    _check(lambda *a: fn(F, *a), lambda *a: fn(TF, *a), shapes)
