"""DataParallel, SyncBatchNorm, AdaptiveLogSoftmaxWithLoss, fractional max pooling, CrossMapLRN2d and the
torch-level ATen forms of nn functionals, against torch."""
import numpy as np
import pytest
import torch

import ember
from ember import nn
from ember.autograd import gradcheck, gradgradcheck
import ember.nn.functional as F

TF = torch.nn.functional


def _tol(dtype):
    return dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=1e-5, atol=1e-6)


def _copy(e, t):
    """Load torch module t's state into ember module e."""
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})


def _pair(a, grad=True):
    return ember.tensor(a, requires_grad=grad), torch.tensor(a, requires_grad=grad)


def _close(e, t, dtype="float64"):
    assert tuple(e.shape) == tuple(t.shape)
    assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), **_tol(dtype))


def _raises(efn, tfn):
    """Both raise the same exception type with the same message."""
    with pytest.raises(Exception) as te:
        tfn()
    with pytest.raises(type(te.value)) as ee:
        efn()
    assert str(ee.value) == str(te.value).replace("torch.Size", "ember.Size")


# ---- DataParallel ---------------------------------------------------------------------------------
def test_data_parallel_wraps_module_without_cuda():
    te, tt = nn.Linear(3, 2), torch.nn.Linear(3, 2)
    _copy(te, tt)
    de, dt = nn.DataParallel(te), torch.nn.DataParallel(tt)
    assert repr(de) == repr(dt) and de.module is te and de.device_ids == dt.device_ids == []
    assert list(de.state_dict()) == list(dt.state_dict()) == ["module.weight", "module.bias"]
    assert nn.parallel.DataParallel is nn.DataParallel
    xe, xt = _pair(np.random.default_rng(0).standard_normal((4, 3)).astype("float32"))
    ye, yt = de(xe), dt(xt)
    _close(ye, yt, "float32")
    ye.sum().backward(), yt.sum().backward()
    _close(te.weight.grad, tt.weight.grad, "float32")
    _close(xe.grad, xt.grad, "float32")


# ---- SyncBatchNorm --------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape", [(4, 3), (3, 3, 5), (2, 3, 2, 3)])
def test_sync_batch_norm_is_batch_norm_in_one_process(dtype, shape):
    me, mt = nn.SyncBatchNorm(3).to(getattr(ember, dtype)), torch.nn.SyncBatchNorm(3).to(getattr(torch, dtype))
    rng = np.random.default_rng(1)
    mt.weight.data.uniform_(0.5, 1.5), mt.bias.data.uniform_(-1, 1)
    _copy(me, mt)
    assert repr(me) == repr(mt) and list(me.state_dict()) == list(mt.state_dict())
    for train in (True, False):
        me.train(train), mt.train(train)
        xe, xt = _pair(rng.standard_normal(shape).astype(dtype))
        ye, yt = me(xe), mt(xt)
        _close(ye, yt, dtype)
        g = rng.standard_normal(shape).astype(dtype)
        ye.backward(ember.tensor(g)), yt.backward(torch.tensor(g))
        _close(xe.grad, xt.grad, dtype)
        _close(me.weight.grad, mt.weight.grad, dtype)
        _close(me.running_mean, mt.running_mean, dtype)
        _close(me.running_var, mt.running_var, dtype)
        assert int(me.num_batches_tracked) == int(mt.num_batches_tracked)


def test_sync_batch_norm_errors():
    me, mt = nn.SyncBatchNorm(3), torch.nn.SyncBatchNorm(3)
    _raises(lambda: me(ember.zeros(3)), lambda: mt(torch.zeros(3)))
    _raises(lambda: me(ember.zeros(1, 3)), lambda: mt(torch.zeros(1, 3)))
    _raises(lambda: nn.SyncBatchNorm(0)(ember.zeros(2, 0)), lambda: torch.nn.SyncBatchNorm(0)(torch.zeros(2, 0)))
    assert repr(nn.SyncBatchNorm(2, momentum=None, affine=False, bias=False)) == \
        repr(torch.nn.SyncBatchNorm(2, momentum=None, affine=False, bias=False))


def test_convert_sync_batchnorm():
    def build(lib):
        return lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.BatchNorm1d(3),
                                 lib.nn.Sequential(lib.nn.BatchNorm2d(3, affine=False).eval()))
    e, t = build(ember), build(torch)
    bn = e[1]
    ce, ct = nn.SyncBatchNorm.convert_sync_batchnorm(e, "group"), torch.nn.SyncBatchNorm.convert_sync_batchnorm(t)
    assert repr(ce) == repr(ct) and list(ce.state_dict()) == list(ct.state_dict())
    assert ce is e and type(ce[1]) is nn.SyncBatchNorm and ce[1].process_group == "group"
    assert ce[1].weight is bn.weight and ce[1].running_mean is bn.running_mean
    assert ce[2][0].training is False and ct[2][0].training is False
    single = nn.SyncBatchNorm.convert_sync_batchnorm(nn.BatchNorm3d(4))
    assert type(single) is nn.SyncBatchNorm and single.num_features == 4


# ---- AdaptiveLogSoftmaxWithLoss -------------------------------------------------------------------
def _asm(dtype, **kw):
    torch.manual_seed(0)
    mt = torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], **kw).to(getattr(torch, dtype))
    me = nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], **kw).to(getattr(ember, dtype))
    _copy(me, mt)
    return me, mt


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("target", [[0, 4, 9, 2, 7, 5], [1, 2, 0], [8, 9], [4]])
def test_adaptive_log_softmax_forward_backward(dtype, target):
    me, mt = _asm(dtype, div_value=2.0, head_bias=True)
    assert repr(me) == repr(mt) and list(me.state_dict()) == list(mt.state_dict())
    xe, xt = _pair(np.random.default_rng(2).standard_normal((len(target), 8)).astype(dtype))
    oe, ot = me(xe, ember.tensor(target)), mt(xt, torch.tensor(target))
    assert type(oe).__name__ == "_ASMoutput" and oe._fields == ("output", "loss")
    _close(oe.output, ot.output, dtype)
    _close(oe.loss, ot.loss, dtype)
    (oe.loss + oe.output.sum()).backward(), (ot.loss + ot.output.sum()).backward()
    _close(xe.grad, xt.grad, dtype)
    for (n, pe), pt in zip(me.named_parameters(), mt.parameters()):
        assert (pe.grad is None) == (pt.grad is None), n
        if pt.grad is not None:
            _close(pe.grad, pt.grad, dtype)


def test_adaptive_log_softmax_unbatched_log_prob_predict():
    me, mt = _asm("float64")
    x = np.random.default_rng(3).standard_normal((5, 8)) * 3
    oe, ot = me(ember.tensor(x[0]), ember.tensor(7)), mt(torch.tensor(x[0]), torch.tensor(7))
    _close(oe.output, ot.output)
    _close(oe.loss, ot.loss)
    xe, xt = _pair(x)
    le, lt = me.log_prob(xe), mt.log_prob(xt)
    _close(le, lt)
    np.testing.assert_allclose(np.exp(le.detach().numpy()).sum(1), 1)
    le.backward(ember.tensor(x[:, :1] * np.ones((5, 10)))), lt.backward(torch.tensor(x[:, :1] * np.ones((5, 10))))
    _close(xe.grad, xt.grad)
    for bias in (0.0, 5.0, -5.0):     # mixed, all and no cluster picks of the head
        with torch.no_grad():
            mt.head.weight[3:] += bias
        _copy(me, mt)
        pe, pt = me.predict(ember.tensor(x)), mt.predict(torch.tensor(x))
        assert pe.tolist() == pt.tolist() and pe.dtype == ember.int64


def test_adaptive_log_softmax_errors():
    for args in [(8, 10, []), (8, 10, [3, 3]), (8, 10, [6, 3]), (8, 10, [0, 3]), (8, 10, [3, 10]), (8, 10, [2.5])]:
        _raises(lambda: nn.AdaptiveLogSoftmaxWithLoss(*args), lambda: torch.nn.AdaptiveLogSoftmaxWithLoss(*args))
    me, mt = _asm("float32")
    for x, t in [((3, 8), [1, 2]), ((8,), [1]), ((2, 8), 1), ((2, 8), [[1, 2]]), ((2, 8), [1, 10]),
                 ((2, 8), [-1, 3])]:
        _raises(lambda: me(ember.zeros(x), ember.tensor(t)), lambda: mt(torch.zeros(x), torch.tensor(t)))


# ---- fractional max pooling -----------------------------------------------------------------------
FRACTIONAL = [(2, (2, 3, 7, 9), 2, (4, 5)), (2, (3, 5, 6), (2, 3), (3, 2)), (2, (2, 2, 4, 10), 1, (3, 3)),
              (2, (1, 2, 9, 9), 3, (5, 6)), (3, (2, 2, 6, 7, 9), 2, (3, 4, 5)), (3, (3, 5, 5, 6), (2, 3, 1), (3, 2, 4)),
              (3, (1, 1, 4, 5, 4), 1, (3, 3, 3))]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("nd,shape,kernel,out", FRACTIONAL)
def test_fractional_max_pool_matches_torch_exactly(dtype, nd, shape, kernel, out):
    rng = np.random.default_rng(4)
    x = rng.standard_normal(shape).astype(dtype)
    s = rng.random((shape[0] if len(shape) == nd + 2 else 1, shape[-nd - 1], nd)).astype(dtype)
    efn, tfn = getattr(F, f"fractional_max_pool{nd}d"), getattr(TF, f"fractional_max_pool{nd}d")
    xe, xt = _pair(x)
    ye, ie = efn(xe, kernel, out, return_indices=True, _random_samples=ember.tensor(s))
    yt, it = tfn(xt, kernel, out, return_indices=True, _random_samples=torch.tensor(s))
    assert np.array_equal(ye.detach().numpy(), yt.detach().numpy()) and ye.dtype == xe.dtype
    assert np.array_equal(ie.numpy(), it.numpy()) and ie.dtype == ember.int64 and not ie.requires_grad
    assert type(ye.grad_fn).__name__ == type(yt.grad_fn).__name__
    g = rng.standard_normal(ye.shape).astype(dtype)
    ye.backward(ember.tensor(g)), yt.backward(torch.tensor(g))
    _close(xe.grad, xt.grad, dtype)
    with_indices = getattr(F, f"fractional_max_pool{nd}d_with_indices")(xe, kernel, out,
                                                                        _random_samples=ember.tensor(s))
    assert np.array_equal(with_indices[1].numpy(), it.numpy())


def test_fractional_samples_drive_dims_as_torch():
    """Input 4 to output 3 with pool 1: the middle start depends on the sample, per dim."""
    x = np.arange(4.0 ** 3).reshape(1, 1, 4, 4, 4)
    for nd in (2, 3):
        xi = x[0, :, 0] if nd == 2 else x
        for axis in range(nd):
            s = np.zeros((1, 1, nd))
            s[..., axis] = 0.5
            e = getattr(F, f"fractional_max_pool{nd}d")(ember.tensor(xi), 1, 3, return_indices=True,
                                                         _random_samples=ember.tensor(s))[1]
            t = getattr(TF, f"fractional_max_pool{nd}d")(torch.tensor(xi), 1, 3, return_indices=True,
                                                         _random_samples=torch.tensor(s))[1]
            assert e.tolist() == t.tolist()


def test_fractional_ties_nan_and_gradcheck():
    x = np.zeros((1, 1, 5, 5))
    x[0, 0, 1, 1], x[0, 0, 3, 2], x[0, 0, 3, 3] = 1, np.nan, np.nan
    s = np.full((1, 1, 2), 0.3)
    e = F.fractional_max_pool2d(ember.tensor(x), 3, 2, return_indices=True, _random_samples=ember.tensor(s))
    t = TF.fractional_max_pool2d(torch.tensor(x), 3, 2, return_indices=True, _random_samples=torch.tensor(s))
    np.testing.assert_array_equal(e[0].numpy(), t[0].numpy())
    assert e[1].tolist() == t[1].tolist()
    xe = ember.tensor(np.random.default_rng(5).permutation(50).reshape(1, 2, 5, 5) / 7, requires_grad=True)
    s = ember.tensor(np.random.default_rng(6).random((1, 2, 2)))
    assert gradcheck(lambda a: F.fractional_max_pool2d(a, 2, (3, 3), _random_samples=s), (xe,))
    assert gradgradcheck(lambda a: F.fractional_max_pool2d(a, 2, (3, 3), _random_samples=s), (xe,))


def test_fractional_output_ratio_and_random_samples():
    ember.manual_seed(0)
    x = ember.tensor(np.random.default_rng(7).standard_normal((2, 3, 8, 10)))
    y, i = F.fractional_max_pool2d(x, 2, output_ratio=(0.5, 0.7), return_indices=True)
    assert tuple(y.shape) == (2, 3, 4, 7)
    flat = x.reshape(2, 3, -1).gather(2, i.reshape(2, 3, -1)).reshape(y.shape)
    np.testing.assert_array_equal(flat.numpy(), y.numpy())
    assert tuple(F.fractional_max_pool3d(ember.zeros(3, 6, 6, 6), 2, output_ratio=0.5).shape) == (3, 3, 3, 3)


def test_fractional_modules():
    s = np.random.default_rng(8).random((2, 3, 2))
    me = nn.FractionalMaxPool2d(2, output_ratio=0.5, return_indices=True, _random_samples=ember.tensor(s))
    mt = torch.nn.FractionalMaxPool2d(2, output_ratio=0.5, return_indices=True, _random_samples=torch.tensor(s))
    assert repr(me) == repr(mt) and list(me.state_dict()) == list(mt.state_dict()) == ["_random_samples"]
    assert me.kernel_size == mt.kernel_size and me.output_ratio == mt.output_ratio and me.output_size is None
    x = np.random.default_rng(9).standard_normal((2, 3, 8, 9))
    (ye, ie), (yt, it) = me(ember.tensor(x)), mt(torch.tensor(x))
    assert np.array_equal(ye.numpy(), yt.numpy()) and ie.tolist() == it.tolist()
    m3e, m3t = nn.FractionalMaxPool3d((2, 1, 2), output_size=2), torch.nn.FractionalMaxPool3d((2, 1, 2), output_size=2)
    assert repr(m3e) == repr(m3t) and list(m3e.state_dict()) == [] and m3e.output_size == m3t.output_size
    for kw in [dict(), dict(output_size=2, output_ratio=0.5), dict(output_ratio=1.5), dict(output_ratio=(0.5, 0))]:
        _raises(lambda: nn.FractionalMaxPool2d(2, **kw), lambda: torch.nn.FractionalMaxPool2d(2, **kw))
        _raises(lambda: nn.FractionalMaxPool3d(2, **kw), lambda: torch.nn.FractionalMaxPool3d(2, **kw))
    _raises(lambda: nn.FractionalMaxPool3d(0, 2), lambda: torch.nn.FractionalMaxPool3d(0, 2))


@pytest.mark.parametrize("nd,shape,args,samples", [
    (2, (2, 3, 7, 9), dict(kernel_size=2, output_size=(9, 3)), (2, 3, 2)),
    (2, (2, 3, 7, 9), dict(kernel_size=2, output_size=(3, 9)), (2, 3, 2)),
    (2, (2, 3, 7, 9), dict(kernel_size=2, output_size=(3, 3, 3)), (2, 3, 2)),
    (2, (2, 3, 7, 9), dict(kernel_size=(2, 2, 2), output_size=(3, 3)), (2, 3, 2)),
    (2, (2, 3, 7, 9), dict(kernel_size=2, output_size=3), (2, 3, 3)),
    (2, (2, 3, 7, 9), dict(kernel_size=2, output_size=3), (1, 3, 2)),
    (2, (2, 3, 7, 9), dict(kernel_size=2, output_size=3), (2, 2, 2)),
    (2, (2, 3, 7, 9), dict(kernel_size=2, output_size=3), (2, 6)),
    (2, (2, 3, 7, 9), dict(kernel_size=2, output_ratio=0.5), None),
    (2, (2, 3, 7, 9), dict(kernel_size=2, output_ratio=(0.5, 0.5, 0.5)), None),
    (2, (2, 3, 7, 9), dict(kernel_size=2), None),
    (2, (7, 9), dict(kernel_size=2, output_size=3), None),
    (2, (1, 1, 1, 9, 9), dict(kernel_size=2, output_size=3), None),
    (2, (3, 0, 9), dict(kernel_size=2, output_size=3), None),
    (3, (1, 1, 4, 9, 9), dict(kernel_size=2, output_size=3), None),
    (3, (1, 1, 9, 9, 4), dict(kernel_size=2, output_size=3), None),
    (3, (1, 1, 9, 9, 9), dict(kernel_size=2, output_size=(3, 3, 8)), None),
    (3, (1, 1, 9, 9, 9), dict(kernel_size=2, output_size=(3, 3)), None),
    (3, (1, 1, 9, 9, 9), dict(kernel_size=(2, 2), output_size=3), None),
    (3, (1, 0, 9, 9, 9), dict(kernel_size=2, output_size=3), None),
    (3, (1, 2, 9, 9, 9), dict(kernel_size=2, output_size=3), (1, 2, 2)),
    (3, (1, 1, 1, 9, 9, 9), dict(kernel_size=2, output_size=3), None),
])
def test_fractional_errors(nd, shape, args, samples):
    x = np.zeros(shape, dtype="float32")
    se = None if samples is None else ember.rand(*samples)
    st = None if samples is None else torch.rand(*samples)
    _raises(lambda: getattr(F, f"fractional_max_pool{nd}d")(ember.tensor(x), _random_samples=se, **args),
            lambda: getattr(TF, f"fractional_max_pool{nd}d")(torch.tensor(x), _random_samples=st, **args))


def test_fractional_samples_dtype_error():
    se, st = ember.rand(1, 1, 2).double(), torch.rand(1, 1, 2).double()
    _raises(lambda: F.fractional_max_pool2d(ember.zeros(1, 1, 5, 5), 2, 2, _random_samples=se),
            lambda: TF.fractional_max_pool2d(torch.zeros(1, 1, 5, 5), 2, 2, _random_samples=st))


# ---- CrossMapLRN2d --------------------------------------------------------------------------------
def _torch_cross_map_lrn(x, size, alpha, beta, k):
    """PyTorch's CrossMapLRN2d forward composed from differentiable ops (its running sum keeps channel 0)."""
    c = x.shape[1]
    pre = int((size - 1) / 2 + 1)
    sq = x.pow(2)
    rows = []
    for i in range(c):
        chans = set(range(max(0, i - pre + 1), min(c - 1, i + pre - 1) + 1)) | {0}
        rows.append(sum(sq[:, j] for j in sorted(chans)))
    return x * (torch.stack(rows, 1) * (alpha / size) + k).pow(-beta)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("channels,size", [(6, 1), (6, 2), (6, 3), (7, 4), (6, 5), (3, 7)])
def test_cross_map_lrn2d(dtype, channels, size):
    me, mt = nn.CrossMapLRN2d(size, 0.3, 0.6, 1.5), torch.nn.CrossMapLRN2d(size, 0.3, 0.6, 1.5)
    assert repr(me) == repr(mt) and list(me.state_dict()) == []
    x = np.random.default_rng(10).standard_normal((2, channels, 2, 3)).astype(dtype)
    xe, xt = _pair(x)
    ye = me(xe)
    _close(ye, mt(torch.tensor(x)), dtype)
    yt = _torch_cross_map_lrn(xt, size, 0.3, 0.6, 1.5)
    _close(ye, yt, dtype)
    g = np.random.default_rng(11).standard_normal(x.shape).astype(dtype)
    ye.backward(ember.tensor(g)), yt.backward(torch.tensor(g))
    _close(xe.grad, xt.grad, dtype)


def test_cross_map_lrn2d_gradcheck_and_errors():
    x = ember.tensor(np.random.default_rng(12).standard_normal((1, 5, 2, 2)), requires_grad=True)
    assert gradcheck(lambda a: nn.CrossMapLRN2d(3, 0.5)(a), (x,))
    _raises(lambda: nn.CrossMapLRN2d(3)(ember.zeros(2, 3, 4)), lambda: torch.nn.CrossMapLRN2d(3)(torch.zeros(2, 3, 4)))
    assert repr(nn.CrossMapLRN2d(5)) == repr(torch.nn.CrossMapLRN2d(5))


# ---- torch-level ATen forms -----------------------------------------------------------------------
def _aten(name, arrays, *args, dtype="float64", grad=(), **kwargs):
    """ember.name(*tensors, *args) against torch.name: values, and gradients of the inputs in grad."""
    es = [ember.tensor(a.astype(dtype) if a.dtype.kind == "f" else a, requires_grad=i in grad)
          for i, a in enumerate(arrays)]
    ts = [torch.tensor(a.astype(dtype) if a.dtype.kind == "f" else a, requires_grad=i in grad)
          for i, a in enumerate(arrays)]
    ye, yt = getattr(ember, name)(*es, *args, **kwargs), getattr(torch, name)(*ts, *args, **kwargs)
    ye, yt = (ye, yt) if isinstance(yt, tuple) else ((ye,), (yt,))
    for a, b in zip(ye, yt):
        if b.dtype.is_floating_point:
            _close(a, b, dtype)
        else:
            assert a.tolist() == b.tolist()
    if grad:
        total_e = sum((a * ember.tensor(np.cos(np.arange(a.numel())).reshape(tuple(a.shape)).astype(dtype))).sum()
                      for a in ye if a.requires_grad)
        total_t = sum((a * torch.tensor(np.cos(np.arange(a.numel())).reshape(tuple(a.shape)).astype(dtype))).sum()
                      for a in yt if a.requires_grad)
        total_e.backward(), total_t.backward()
        for i in grad:
            _close(es[i].grad, ts[i].grad, dtype)


R = np.random.default_rng(13)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_aten_norms_and_embedding(dtype):
    x, w, b = R.standard_normal((3, 4, 5)), R.random(4) + 0.5, R.standard_normal(4)
    _aten("layer_norm", [x], [4, 5], dtype=dtype, grad=(0,))
    _aten("group_norm", [x], 2, dtype=dtype, grad=(0,))
    assert ember.group_norm(ember.tensor(x), 2, ember.tensor(w), ember.tensor(b), 1e-3, False).allclose(
        ember.tensor(TF.group_norm(torch.tensor(x), 2, torch.tensor(w), torch.tensor(b), 1e-3).numpy()))
    for training in (True, False):
        rm, rv = R.standard_normal(4), R.random(4) + 0.5
        _aten("batch_norm", [x, w, b, rm, rv], training, 0.2, 1e-5, False, dtype=dtype, grad=(0, 1, 2))
        _aten("instance_norm", [x, w, b, rm, rv], training, 0.2, 1e-5, False, dtype=dtype, grad=(0, 1, 2))
    weight, idx = R.standard_normal((5, 3)), np.array([[0, 2, 2], [4, 1, 0]])
    _aten("embedding", [weight, idx], dtype=dtype, grad=(0,))
    _aten("embedding", [weight, idx], 2, True, dtype=dtype, grad=(0,))


def test_aten_layer_norm_signature():
    x, w, b = R.standard_normal((2, 3)), R.random(3), R.standard_normal(3)
    e = ember.layer_norm(ember.tensor(x), [3], ember.tensor(w), ember.tensor(b), 1e-3, False)
    t = torch.layer_norm(torch.tensor(x), [3], torch.tensor(w), torch.tensor(b), 1e-3, False)
    _close(e, t)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("reduction", [0, 1, 2])
def test_aten_losses(dtype, reduction):
    a, b, c = R.standard_normal((4, 3)), R.standard_normal((4, 3)), R.standard_normal((4, 3))
    sign = np.array([1.0, -1.0, 1.0, -1.0])
    _aten("kl_div", [a, R.random((4, 3))], reduction, dtype=dtype, grad=(0, 1))
    _aten("kl_div", [a, b], reduction, log_target=True, dtype=dtype, grad=(0, 1))
    _aten("cosine_embedding_loss", [a, b, sign], 0.1, reduction, dtype=dtype, grad=(0, 1))
    _aten("margin_ranking_loss", [a[:, 0], b[:, 0], sign], 0.2, reduction, dtype=dtype, grad=(0, 1))
    _aten("triplet_margin_loss", [a, b, c], 1.5, 2.0, 1e-6, True, reduction, dtype=dtype, grad=(0, 1, 2))
    _aten("hinge_embedding_loss", [a, np.sign(b)], 0.5, reduction, dtype=dtype, grad=(0,))
    _aten("poisson_nll_loss", [a, R.random((4, 3)) * 3], True, True, 1e-8, reduction, dtype=dtype, grad=(0,))
    _aten("poisson_nll_loss", [R.random((4, 3)) + 0.1, R.random((4, 3)) * 3], False, False, 1e-8, reduction,
          dtype=dtype, grad=(0,))
    _aten("binary_cross_entropy_with_logits", [a, R.random((4, 3)), R.random(3), R.random(3) + 0.5], reduction,
          dtype=dtype, grad=(0, 1))
    _aten("binary_cross_entropy_with_logits", [a, R.random((4, 3))], dtype=dtype, grad=(0,))
    lp = np.log(np.random.default_rng(14).dirichlet(np.ones(4), size=(6, 2)))
    targets = np.array([[1, 2, 1], [3, 3, 0]])
    _aten("ctc_loss", [lp, targets], [6, 5], [3, 2], 0, reduction, dtype=dtype, grad=(0,))
    _aten("ctc_loss", [lp, targets, np.array([6, 5]), np.array([3, 2])], 0, reduction, True, dtype=dtype, grad=(0,))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("bias", [True, False])
def test_aten_rnn_cells(dtype, bias):
    x, h, c = R.standard_normal((2, 3)), R.standard_normal((2, 4)), R.standard_normal((2, 4))
    for name, gates in [("lstm_cell", 4), ("gru_cell", 3), ("rnn_tanh_cell", 1), ("rnn_relu_cell", 1)]:
        ws = [R.standard_normal((gates * 4, 3)), R.standard_normal((gates * 4, 4))]
        if bias:
            ws += [R.standard_normal(gates * 4), R.standard_normal(gates * 4)]
        n = len(ws)
        if name == "lstm_cell":
            es = [ember.tensor(a.astype(dtype), requires_grad=True) for a in [x, h, c] + ws]
            ts = [torch.tensor(a.astype(dtype), requires_grad=True) for a in [x, h, c] + ws]
            ye, yt = ember.lstm_cell(es[0], (es[1], es[2]), *es[3:]), torch.lstm_cell(ts[0], (ts[1], ts[2]), *ts[3:])
            assert isinstance(ye, tuple) and len(ye) == 2
            for a, b in zip(ye, yt):
                _close(a, b, dtype)
            (ye[0].sum() + ye[1].pow(2).sum()).backward(), (yt[0].sum() + yt[1].pow(2).sum()).backward()
            for a, b in zip(es, ts):
                _close(a.grad, b.grad, dtype)
        else:
            _aten(name, [x, h] + ws, dtype=dtype, grad=tuple(range(n + 2)))


def test_aten_cell_errors():
    for args in [((2, 4), (2, 2), (2, 3), (2, 2)), ((2, 3), (3, 2), (6, 3), (6, 2)), ((2, 3), (2, 3), (2, 3), (2, 2))]:
        name = "gru_cell" if args[2][0] == 6 else "rnn_relu_cell"
        _raises(lambda: getattr(ember, name)(*[ember.zeros(s) for s in args]),
                lambda: getattr(torch, name)(*[torch.zeros(s) for s in args]))


def test_aten_pad_and_adaptive_max_pool1d():
    x = R.standard_normal((2, 3, 7))
    _aten("constant_pad_nd", [x], [1, 2, 0, 1], 2.5, grad=(0,))
    _aten("constant_pad_nd", [x], [-1, 2], grad=(0,))
    _aten("adaptive_max_pool1d", [x], 3, grad=(0,))
    _aten("adaptive_max_pool1d", [x[0]], [4], grad=(0,))


def test_aten_dropout():
    x = np.arange(1.0, 1 + 2 * 3 * 50).reshape(2, 3, 50)
    for name in ("dropout", "alpha_dropout", "feature_dropout", "feature_alpha_dropout"):
        for p, train in [(0.0, True), (0.4, False)]:
            e = ember.tensor(x, requires_grad=True)
            assert getattr(ember, name)(e, p, train) is e
        e = ember.tensor(x, requires_grad=True)
        y = getattr(ember, name)(e, 1.0, True)
        t = getattr(torch, name)(torch.tensor(x, requires_grad=True), 1.0, True)
        _close(y, t)
        _raises(lambda: getattr(ember, name)(ember.tensor(x), 1.5, False),
                lambda: getattr(torch, name)(torch.tensor(x), 1.5, False))
        _raises(lambda: getattr(ember, name + "_")(ember.tensor(x), -0.1, True),
                lambda: getattr(torch, name + "_")(torch.tensor(x), -0.1, True))
    ember.manual_seed(3)
    y = ember.dropout(ember.tensor(x), 0.4, True).numpy()
    assert set(np.unique(np.round(y / x, 12))) == {0.0, round(1 / 0.6, 12)}
    y = ember.feature_dropout(ember.tensor(x), 0.5, True).numpy() / x
    assert (y.min(-1) == y.max(-1)).all() and set(np.unique(y)) <= {0.0, 2.0}
    z = ember.tensor(x.copy())
    assert ember.feature_dropout_(z, 0.5, True) is z and set(np.unique(z.numpy() / x)) <= {0.0, 2.0}
    z = ember.tensor(x.copy())
    assert ember.dropout_(z, 0.3, True) is z
    assert set(np.unique(np.round(z.numpy() / x, 12))) <= {0.0, round(1 / 0.7, 12)}
    alpha = 1.7580993408473766
    scale = 1 / np.sqrt((alpha ** 2 * 0.5 + 1) * 0.5)
    kept, dropped = x * scale + alpha * scale * 0.5, np.full_like(x, -alpha * scale * 0.5)
    for fn in (ember.alpha_dropout, ember.feature_alpha_dropout):
        y = fn(ember.tensor(x), 0.5, True).numpy()
        is_kept = np.isclose(y, kept)
        assert (is_kept | np.isclose(y, dropped)).all() and 0 < is_kept.mean() < 1
    assert (is_kept.min(-1) == is_kept.max(-1)).all()
    for name in ("feature_dropout", "feature_alpha_dropout", "feature_dropout_"):
        _raises(lambda: getattr(ember, name)(ember.zeros(3), 0.5, True),
                lambda: getattr(torch, name)(torch.zeros(3), 0.5, True))
    leaf = ember.zeros(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"):
        ember.dropout_(leaf, 0.3, True)
    assert ember.dropout_(leaf, 0.3, False) is leaf


def test_data_parallel_imports_as_torchs():
    from torch.nn.parallel import DataParallel as TorchDataParallel

    from ember.nn.parallel import DataParallel
    assert DataParallel is ember.nn.DataParallel and TorchDataParallel is torch.nn.DataParallel
