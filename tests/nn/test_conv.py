"""F.conv1d/conv2d/conv_transpose1d/2d, unfold/fold, pad and the Conv layers against torch."""
import math

import numpy as np
import pytest
import torch

import ember
from ember import nn
from ember.autograd import gradcheck, gradgradcheck
import ember.nn.functional as F


def _pair(rng, shape, dtype):
    a = rng.standard_normal(shape).astype(dtype)
    return ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def _tol(dtype):
    return dict(rtol=1e-10, atol=1e-10) if dtype == "float64" else dict(rtol=1e-4, atol=1e-4)


def _check(efn, tfn, shapes, dtype="float64", seed=0):
    """Values and gradients of all inputs against torch, from the same inputs and output gradient."""
    rng = np.random.default_rng(seed)
    pairs = [_pair(rng, s, dtype) if s is not None else (None, None) for s in shapes]
    ye, yt = efn(*[e for e, _ in pairs]), tfn(*[t for _, t in pairs])
    assert tuple(ye.shape) == tuple(yt.shape)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), **_tol(dtype))
    g = rng.standard_normal(tuple(yt.shape)).astype(dtype)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    for i, (e, t) in enumerate(pairs):
        if e is not None:
            np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), **_tol(dtype), err_msg=f"input {i}")


CONV2D = [dict(), dict(stride=2), dict(padding=1), dict(padding=(2, 0)), dict(dilation=2), dict(stride=(2, 1), dilation=(1, 2)),
          dict(padding="same"), dict(padding="same", dilation=2), dict(padding="valid"), dict(groups=2),
          dict(groups=4, stride=2, padding=1)]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("kw", CONV2D, ids=str)
def test_conv2d_matches_torch(kw, bias, dtype):
    k = (3, 2) if kw.get("padding") == "same" else (3, 3)
    shapes = [(2, 4, 7, 6), (4, 4 // kw.get("groups", 1)) + k, (4,) if bias else None]
    _check(lambda x, w, b: F.conv2d(x, w, b, **kw), lambda x, w, b: torch.nn.functional.conv2d(x, w, b, **kw),
           shapes, dtype)


CONV1D = [dict(), dict(stride=2, padding=1), dict(dilation=2), dict(padding="same"), dict(groups=2)]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kw", CONV1D, ids=str)
def test_conv1d_matches_torch(kw, dtype):
    shapes = [(2, 4, 9), (6, 4 // kw.get("groups", 1), 4), (6,)]
    _check(lambda x, w, b: F.conv1d(x, w, b, **kw), lambda x, w, b: torch.nn.functional.conv1d(x, w, b, **kw),
           shapes, dtype)


TRANSPOSED = [dict(), dict(stride=2), dict(stride=2, padding=1, output_padding=1), dict(dilation=2, padding=2),
              dict(groups=2), dict(stride=(2, 3), output_padding=(0, 2), dilation=(1, 2)),
              dict(stride=1, dilation=3, output_padding=2)]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kw", TRANSPOSED, ids=str)
def test_conv_transpose2d_matches_torch(kw, dtype):
    shapes = [(2, 4, 4, 5), (4, 6 // kw.get("groups", 1), 3, 3), (6,)]
    _check(lambda x, w, b: F.conv_transpose2d(x, w, b, **kw),
           lambda x, w, b: torch.nn.functional.conv_transpose2d(x, w, b, **kw), shapes, dtype)


@pytest.mark.parametrize("kw", [dict(), dict(stride=3, padding=1, output_padding=2), dict(groups=2, dilation=2)], ids=str)
def test_conv_transpose1d_matches_torch(kw):
    shapes = [(2, 4, 5), (4, 2, 3), (2 * kw.get("groups", 1),)]
    _check(lambda x, w, b: F.conv_transpose1d(x, w, b, **kw),
           lambda x, w, b: torch.nn.functional.conv_transpose1d(x, w, b, **kw), shapes)


def test_unbatched_and_noncontiguous_inputs():
    _check(lambda x, w: F.conv2d(x, w, padding=1), lambda x, w: torch.nn.functional.conv2d(x, w, padding=1),
           [(3, 5, 5), (2, 3, 3, 3)])
    _check(lambda x, w: F.conv1d(x, w), lambda x, w: torch.nn.functional.conv1d(x, w), [(3, 6), (2, 3, 2)])
    _check(lambda x, w: F.conv_transpose2d(x, w, stride=2), lambda x, w: torch.nn.functional.conv_transpose2d(x, w, stride=2),
           [(3, 4, 4), (3, 2, 2, 2)])
    _check(lambda x, w: F.conv2d(x.transpose(2, 3), w.transpose(2, 3), stride=2),
           lambda x, w: torch.nn.functional.conv2d(x.transpose(2, 3), w.transpose(2, 3), stride=2),
           [(2, 3, 6, 7), (4, 3, 2, 3)])


CHECKS = [
    (lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, dilation=(1, 2)), [(1, 2, 5, 5), (2, 2, 2, 2), (2,)]),
    (lambda x, w, b: F.conv2d(x, w, b, groups=2, padding="same"), [(2, 2, 3, 4), (2, 1, 2, 3), (2,)]),
    (lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1), [(2, 2, 5), (3, 2, 2), (3,)]),
    (lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, output_padding=1, padding=1), [(1, 2, 3, 3), (2, 2, 2, 2), (2,)]),
    (lambda x, w, b: F.conv_transpose1d(x, w, b, groups=2, dilation=2), [(2, 2, 3), (2, 1, 2), (2,)]),
]


@pytest.mark.parametrize("case", range(len(CHECKS)))
def test_conv_gradcheck_and_gradgradcheck(case):
    fn, shapes = CHECKS[case]
    rng = np.random.default_rng(case)
    ts = [ember.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes]
    assert gradcheck(fn, ts)
    assert gradgradcheck(fn, ts)


def test_conv_graph_names():
    x, w = ember.ones(1, 1, 4, 4, requires_grad=True), ember.ones(1, 1, 2, 2, requires_grad=True)
    y = F.conv2d(x, w)
    assert y.grad_fn.name() == "ConvolutionBackward0"
    assert F.conv_transpose2d(x, w).grad_fn.name() == "ConvolutionBackward0"
    gx, = ember.autograd.grad(y.sum(), x, create_graph=True)
    assert gx.grad_fn.name() == "ConvolutionBackwardBackward0"


def _torch_error(efn, tfn, kind=RuntimeError):
    with pytest.raises(kind) as te:
        tfn()
    with pytest.raises(kind) as ee:
        efn()
    assert str(ee.value) == str(te.value)


@pytest.mark.parametrize("x_shape, w_shape, kw", [
    ((2, 3, 28, 28), (6, 1, 5, 5), {}),
    ((3, 28, 28), (6, 1, 5, 5), {}),
    ((2, 1, 3, 28, 28), (6, 1, 5, 5), {}),
    ((28, 28), (6, 1, 5, 5), {}),
    ((2, 1, 3, 3), (6, 1, 5, 5), {}),
    ((2, 1, 3, 3), (6, 1, 2, 2), dict(dilation=3)),
    ((2, 4, 3, 3), (3, 2, 1, 1), dict(groups=2)),
    ((2, 4, 3, 3), (4, 2, 1, 1), dict(groups=2, stride=2, padding="same")),
    ((2, 4, 3, 3), (4, 2, 1, 1), dict(groups=2, padding="foo")),
    ((2, 4, 3, 3), (4, 4, 1, 1), dict(stride=0)),
    ((2, 4, 3, 3), (4, 4, 1, 1), dict(padding=-1)),
    ((2, 4, 3, 3), (4, 4, 1, 1), dict(stride=(1, 1, 1))),
])
def test_conv2d_errors_match_torch(x_shape, w_shape, kw):
    _torch_error(lambda: F.conv2d(ember.zeros(*x_shape), ember.zeros(*w_shape), **kw),
                 lambda: torch.nn.functional.conv2d(torch.zeros(*x_shape), torch.zeros(*w_shape), **kw))


def test_conv_errors_match_torch():
    _torch_error(lambda: F.conv1d(ember.zeros(2, 3, 4, 4), ember.zeros(6, 3, 5)),
                 lambda: torch.nn.functional.conv1d(torch.zeros(2, 3, 4, 4), torch.zeros(6, 3, 5)))
    _torch_error(lambda: F.conv2d(ember.zeros(2, 4, 3, 3), ember.zeros(4, 4, 1, 1), ember.zeros(3)),
                 lambda: torch.nn.functional.conv2d(torch.zeros(2, 4, 3, 3), torch.zeros(4, 4, 1, 1), torch.zeros(3)))
    _torch_error(lambda: F.conv2d(ember.zeros(2, 4, 3, 3), ember.zeros(4, 4, 1, 1, dtype=ember.float64)),
                 lambda: torch.nn.functional.conv2d(torch.zeros(2, 4, 3, 3), torch.zeros(4, 4, 1, 1).double()))
    _torch_error(lambda: F.conv2d(ember.zeros(2, 4, 3, 3), ember.zeros(4, 4, 1, 1), ember.zeros(4, dtype=ember.float64)),
                 lambda: torch.nn.functional.conv2d(torch.zeros(2, 4, 3, 3), torch.zeros(4, 4, 1, 1),
                                                    torch.zeros(4).double()))
    _torch_error(lambda: F.conv_transpose2d(ember.zeros(2, 4, 3, 3), ember.zeros(3, 2, 1, 1)),
                 lambda: torch.nn.functional.conv_transpose2d(torch.zeros(2, 4, 3, 3), torch.zeros(3, 2, 1, 1)))
    _torch_error(lambda: F.conv_transpose2d(ember.zeros(2, 4, 3, 3), ember.zeros(4, 2, 3, 3), stride=2, output_padding=2),
                 lambda: torch.nn.functional.conv_transpose2d(torch.zeros(2, 4, 3, 3), torch.zeros(4, 2, 3, 3), stride=2,
                                                              output_padding=2))
    _torch_error(lambda: F.conv_transpose2d(ember.zeros(2, 4, 3, 3), ember.zeros(4, 2, 3, 3), padding="same"),
                 lambda: torch.nn.functional.conv_transpose2d(torch.zeros(2, 4, 3, 3), torch.zeros(4, 2, 3, 3),
                                                              padding="same"), TypeError)


# ---- unfold / fold / pad --------------------------------------------------------------------------

@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=(2, 3), stride=2, padding=1, dilation=(2, 1))],
                         ids=str)
def test_unfold_fold_match_torch(kw):
    _check(lambda x: F.unfold(x, **kw), lambda x: torch.nn.functional.unfold(x, **kw), [(2, 3, 6, 5)])
    _check(lambda x: F.unfold(x, **kw), lambda x: torch.nn.functional.unfold(x, **kw), [(3, 6, 5)])
    n = torch.nn.functional.unfold(torch.zeros(2, 3, 6, 5), **kw).shape
    _check(lambda c: F.fold(c, (6, 5), **kw), lambda c: torch.nn.functional.fold(c, (6, 5), **kw), [tuple(n)])
    _check(lambda c: F.fold(c, (6, 5), **kw), lambda c: torch.nn.functional.fold(c, (6, 5), **kw), [tuple(n)[1:]])
    fn = lambda x: F.fold(F.unfold(x, **kw), (6, 5), **kw)  # noqa: E731
    x = ember.tensor(np.random.default_rng(0).standard_normal((1, 2, 6, 5)), requires_grad=True)
    assert gradcheck(fn, [x]) and gradgradcheck(fn, [x])
    assert F.unfold(x, **kw).grad_fn.name() == "Im2ColBackward0"


def test_unfold_fold_errors_match_torch():
    _torch_error(lambda: F.unfold(ember.zeros(2, 4, 3, 3), 4), lambda: torch.nn.functional.unfold(torch.zeros(2, 4, 3, 3), 4))
    _torch_error(lambda: F.fold(ember.zeros(2, 4, 3), (3, 3), 2),
                 lambda: torch.nn.functional.fold(torch.zeros(2, 4, 3), (3, 3), 2))
    _torch_error(lambda: F.fold(ember.zeros(2, 8, 3, 3), (3, 3), 2),
                 lambda: torch.nn.functional.fold(torch.zeros(2, 8, 3, 3), (3, 3), 2))


@pytest.mark.parametrize("mode, pads, shape", [
    ("constant", (1, 2), (2, 3)), ("constant", (1, -1, 2, 0, 1, 1), (2, 3, 4)), ("reflect", (2, 1), (2, 3, 4)),
    ("reflect", (1, 2, 2, 1), (1, 2, 3, 4)), ("replicate", (3, 1, 0, 2), (2, 3, 4)), ("circular", (2, 1), (2, 2, 3)),
    ("circular", (1, 2, 3, 0), (1, 2, 3, 4)), ("replicate", (1, 1, 1, 1, 1, 1), (1, 2, 2, 2, 2))])
def test_pad_matches_torch(mode, pads, shape):
    _check(lambda x: F.pad(x, pads, mode), lambda x: torch.nn.functional.pad(x, pads, mode), [shape])
    x = ember.tensor(np.random.default_rng(0).standard_normal(shape), requires_grad=True)
    assert gradcheck(lambda x: F.pad(x, pads, mode), [x])
    assert gradgradcheck(lambda x: F.pad(x, pads, mode), [x])
    if mode != "circular":      # torch's circular pad is a CopySlices of several copies
        t = torch.nn.functional.pad(torch.zeros(shape, requires_grad=True), pads, mode)
        assert F.pad(x, pads, mode).grad_fn.name() == t.grad_fn.name()


def test_pad_value_and_errors():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(F.pad(ember.tensor(x), (1, 1), value=-2.5).numpy(),
                                  torch.nn.functional.pad(torch.tensor(x), (1, 1), value=-2.5).numpy())
    _torch_error(lambda: F.pad(ember.zeros(1, 2, 3), (3, 3), "reflect"),
                 lambda: torch.nn.functional.pad(torch.zeros(1, 2, 3), (3, 3), "reflect"))
    _torch_error(lambda: F.pad(ember.zeros(1, 2, 3), (1, 2, 3)), lambda: torch.nn.functional.pad(torch.zeros(1, 2, 3), (1, 2, 3)))


# ---- layers ---------------------------------------------------------------------------------------

def _copy(e, t):
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})


LAYERS = [
    ("Conv2d", (3, 4, 3), dict(), (2, 3, 6, 6)),
    ("Conv2d", (4, 6, (2, 3)), dict(stride=2, padding=1, groups=2, bias=False), (2, 4, 7, 7)),
    ("Conv2d", (3, 4, 3), dict(padding="same", padding_mode="reflect"), (2, 3, 5, 6)),
    ("Conv2d", (3, 4, 3), dict(padding=(1, 2), padding_mode="circular", dilation=2), (2, 3, 5, 6)),
    ("Conv1d", (3, 4, 3), dict(padding=2, padding_mode="replicate"), (2, 3, 7)),
    ("Conv1d", (2, 4, 4), dict(padding="same", dilation=3), (2, 2, 9)),
    ("ConvTranspose2d", (4, 2, 3), dict(stride=2, output_padding=1, groups=2, dilation=2), (2, 4, 4, 3)),
    ("ConvTranspose1d", (3, 2, 3), dict(stride=2, bias=False), (2, 3, 5)),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name, args, kw, shape", LAYERS, ids=lambda v: str(v))
def test_conv_layers_match_torch(name, args, kw, shape, dtype):
    t = getattr(torch.nn, name)(*args, **kw).to(getattr(torch, dtype))
    e = getattr(nn, name)(*args, **kw).to(getattr(ember, dtype))
    _copy(e, t)
    assert repr(e) == repr(t)
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ye, yt = e(xe), t(xt)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), **_tol(dtype))
    g = np.random.default_rng(1).standard_normal(yt.shape).astype(dtype)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), **_tol(dtype))
    for (n, pe), (_, pt) in zip(e.named_parameters(), t.named_parameters()):
        np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), **_tol(dtype), err_msg=n)


def test_conv_transpose_output_size():
    t = torch.nn.ConvTranspose2d(2, 3, 3, stride=3)
    e = nn.ConvTranspose2d(2, 3, 3, stride=3)
    _copy(e, t)
    x = np.random.default_rng(0).standard_normal((1, 2, 3, 3)).astype("float32")
    ye, yt = e(ember.tensor(x), output_size=(10, 11)), t(torch.tensor(x), output_size=(10, 11))
    assert tuple(ye.shape) == tuple(yt.shape) == (1, 3, 10, 11)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name, args", [("Conv2d", (16, 32, 5)), ("Conv1d", (8, 64, 7)),
                                        ("ConvTranspose2d", (16, 32, 4))])
def test_default_init_statistics_match_torch(name, args):
    t, e = getattr(torch.nn, name)(*args), getattr(nn, name)(*args)
    fan_in = t.weight.shape[1] * math.prod(t.weight.shape[2:])
    bound = 1 / math.sqrt(fan_in)      # kaiming_uniform_(a=sqrt(5)) gives the same bound as the bias's
    for pe, pt in ((e.weight, t.weight), (e.bias, t.bias)):
        a, b = pe.detach().numpy(), pt.detach().numpy()
        assert a.shape == b.shape and a.dtype == b.dtype
        assert np.abs(a).max() <= bound and np.abs(b).max() <= bound
    a, b = e.weight.detach().numpy(), t.weight.detach().numpy()
    assert np.abs(a).max() > 0.99 * bound
    assert abs(a.mean()) < 0.05 * bound
    assert abs(a.std() - b.std()) < 0.05 * b.std()
    assert abs(a.std() - bound / math.sqrt(3)) < 0.05 * b.std()


def test_layer_argument_errors_match_torch():
    with pytest.raises(ValueError, match=r"padding_mode must be one of \{.*\}, but got padding_mode='foo'"):
        nn.Conv2d(4, 4, 2, padding_mode="foo")
    with pytest.raises(ValueError, match=r"Invalid padding string 'foo', should be one of \{'(same|valid)', "):
        nn.Conv2d(4, 4, 2, padding="foo")
    for kw in (dict(groups=2), dict(padding="same", stride=2)):
        args = (3, 4, 2) if "groups" in kw else (4, 4, 2)
        _torch_error(lambda: nn.Conv2d(*args, **kw), lambda: torch.nn.Conv2d(*args, **kw), ValueError)
    _torch_error(lambda: nn.Conv2d(4, 3, 2, groups=2), lambda: torch.nn.Conv2d(4, 3, 2, groups=2), ValueError)
    _torch_error(lambda: nn.ConvTranspose2d(4, 4, 2, padding_mode="reflect"),
                 lambda: torch.nn.ConvTranspose2d(4, 4, 2, padding_mode="reflect"), ValueError)
    e, t = nn.Conv2d(1, 6, 5), torch.nn.Conv2d(1, 6, 5)
    _torch_error(lambda: e(ember.zeros(2, 3, 28, 28)), lambda: t(torch.zeros(2, 3, 28, 28)))


def test_repr_matches_torch():
    for name, args, kw in [("Conv2d", (1, 6, 5), {}), ("Conv1d", (2, 4, 3), dict(padding="same", bias=False,
                                                                                   padding_mode="reflect")),
                           ("ConvTranspose2d", (4, 2, 3), dict(stride=2, output_padding=1, groups=2, dilation=2))]:
        assert repr(getattr(nn, name)(*args, **kw)) == repr(getattr(torch.nn, name)(*args, **kw))
    assert repr(nn.Conv2d(1, 6, 5)) == "Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))"


# ---- 3-d ------------------------------------------------------------------------------------------

CONV3D = [dict(), dict(padding=1), dict(stride=2, padding=(1, 0, 1)), dict(dilation=(2, 1, 1)), dict(groups=2),
          dict(padding="same"), dict(stride=(1, 2, 2), groups=2, padding=1)]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kw", CONV3D, ids=str)
def test_conv3d_matches_torch(kw, dtype):
    shapes = [(1, 2, 4, 4, 4), (4, 2 // kw.get("groups", 1), 2, 3, 2), (4,)]
    _check(lambda x, w, b: F.conv3d(x, w, b, **kw), lambda x, w, b: torch.nn.functional.conv3d(x, w, b, **kw),
           shapes, dtype)


TRANSPOSED3D = [dict(), dict(stride=2, padding=1, output_padding=1), dict(groups=2, dilation=(2, 1, 1)),
                dict(stride=(1, 2, 3), output_padding=(0, 1, 2))]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kw", TRANSPOSED3D, ids=str)
def test_conv_transpose3d_matches_torch(kw, dtype):
    shapes = [(1, 2, 3, 2, 3), (2, 4 // kw.get("groups", 1), 2, 2, 3), (4,)]
    _check(lambda x, w, b: F.conv_transpose3d(x, w, b, **kw),
           lambda x, w, b: torch.nn.functional.conv_transpose3d(x, w, b, **kw), shapes, dtype)


def test_conv3d_unbatched_gradcheck_and_gradgradcheck():
    rng = np.random.default_rng(0)
    x, w = (ember.tensor(rng.standard_normal(s), requires_grad=True) for s in ((2, 3, 3, 3), (2, 2, 2, 2, 2)))
    for fn in (lambda x, w: F.conv3d(x, w, stride=2, padding=1), lambda x, w: F.conv_transpose3d(x, w, stride=2)):
        assert gradcheck(fn, [x, w]) and gradgradcheck(fn, [x, w])
    ye = F.conv3d(x, w, padding=1)
    assert type(ye.grad_fn).__name__ == "ConvolutionBackward0"
    yt = torch.nn.functional.conv3d(torch.tensor(x.detach().numpy()), torch.tensor(w.detach().numpy()), padding=1)
    np.testing.assert_allclose(ye.detach().numpy(), yt.numpy(), rtol=1e-12, atol=1e-12)


def test_conv3d_errors_match_torch():
    tf = torch.nn.functional
    x, w = np.zeros((1, 2, 3, 3, 3)), np.zeros((2, 2, 2, 2, 2))
    for a, b, kw in [((1, 2, 3, 3), w.shape, {}), (x.shape, (2, 3, 2, 2, 2), {}), (x.shape, w.shape, dict(stride=0)),
                     ((1, 2, 1, 3, 3), w.shape, {})]:
        _torch_error(lambda: F.conv3d(ember.zeros(*a), ember.zeros(*b), **kw),
                     lambda: tf.conv3d(torch.zeros(*a), torch.zeros(*b), **kw))
    _torch_error(lambda: F.conv_transpose3d(ember.tensor(x), ember.tensor(w), output_padding=1),
                 lambda: tf.conv_transpose3d(torch.tensor(x), torch.tensor(w), output_padding=1))


LAYERS3D = [("Conv3d", (2, 4, 3), dict(padding=1), (1, 2, 4, 4, 4)),
            ("Conv3d", (2, 4, (1, 2, 3)), dict(stride=2, groups=2, bias=False), (1, 2, 4, 4, 5)),
            ("Conv3d", (2, 2, 3), dict(padding=1, padding_mode="replicate"), (1, 2, 4, 4, 4)),
            ("Conv3d", (2, 2, 2), dict(padding="same", padding_mode="circular"), (1, 2, 3, 4, 4)),
            ("ConvTranspose3d", (2, 4, 2), dict(stride=2, output_padding=1), (1, 2, 3, 2, 2))]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name, args, kw, shape", LAYERS3D, ids=lambda v: str(v))
def test_conv3d_layers_match_torch(name, args, kw, shape, dtype):
    test_conv_layers_match_torch(name, args, kw, shape, dtype)


@pytest.mark.parametrize("name", ["Conv3d", "ConvTranspose3d"])
def test_conv3d_default_init_statistics_match_torch(name):
    torch.manual_seed(0)
    e, t = getattr(nn, name)(8, 64, 3), getattr(torch.nn, name)(8, 64, 3)
    assert tuple(e.weight.shape) == tuple(t.weight.shape) and tuple(e.bias.shape) == tuple(t.bias.shape)
    a, b = e.weight.detach().numpy(), t.weight.detach().numpy()
    assert abs(np.abs(a).max() - np.abs(b).max()) < 0.01 * np.abs(b).max()
    assert abs(a.std() - b.std()) < 0.05 * b.std() and abs(a.mean()) < 0.05 * b.std()
    fan_in = t.weight.shape[1] * 27
    assert np.abs(e.bias.detach().numpy()).max() <= 1 / np.sqrt(fan_in)
    assert np.abs(t.bias.detach().numpy()).max() <= 1 / np.sqrt(fan_in)
