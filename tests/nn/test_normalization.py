"""BatchNorm, InstanceNorm, LayerNorm, GroupNorm and their functional forms against torch."""
import numpy as np
import pytest
import torch

import ember
from ember import nn
from ember.autograd import gradcheck, gradgradcheck
import ember.nn.functional as F

TOL = {"float64": dict(rtol=1e-10, atol=1e-10), "float32": dict(rtol=1e-4, atol=1e-5)}


def _copy(e, t):
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})


def _randomize(t, seed=0):
    """Non-trivial affine parameters and running stats in the torch layer (then copied into ember)."""
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for name, v in t.state_dict().items():
            if v.is_floating_point():
                data = rng.uniform(0.5, 1.5, v.shape) if "var" in name or "weight" in name else rng.normal(size=v.shape)
                v.copy_(torch.tensor(data))


def _step(e, t, x, dtype, seed):
    """One forward and backward through both layers: outputs, input and parameter gradients must agree."""
    tol = TOL[dtype]
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ye, yt = e(xe), t(xt)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), **tol)
    g = np.random.default_rng(seed).standard_normal(yt.shape).astype(dtype)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), **tol)
    for (n, pe), (_, pt) in zip(e.named_parameters(), t.named_parameters()):
        np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), **tol, err_msg=n)


def _same_state(e, t, dtype):
    se, st = e.state_dict(), t.state_dict()
    assert list(se) == list(st)
    for k in st:
        np.testing.assert_allclose(se[k].numpy(), st[k].numpy(), **TOL[dtype], err_msg=k)
        assert str(se[k].dtype).split(".")[-1] == str(st[k].dtype).split(".")[-1], k


BN_CASES = [("BatchNorm1d", (6, 3)), ("BatchNorm1d", (4, 3, 5)), ("BatchNorm2d", (3, 3, 4, 2)),
            ("BatchNorm3d", (2, 3, 2, 3, 2))]


@pytest.mark.parametrize("name,shape", BN_CASES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kw", [{}, {"momentum": None}, {"affine": False}, {"track_running_stats": False},
                                {"bias": False}], ids=str)
def test_batchnorm_train_and_eval_match_torch(name, shape, dtype, kw):
    t = getattr(torch.nn, name)(3, **kw).to(getattr(torch, dtype))
    e = getattr(nn, name)(3, **kw).to(getattr(ember, dtype))
    _randomize(t)
    _copy(e, t)
    rng = np.random.default_rng(2)
    for step in range(3):
        _step(e, t, (rng.standard_normal(shape) * 2 + 1).astype(dtype), dtype, step)
        _same_state(e, t, dtype)
    e.eval()
    t.eval()
    _step(e, t, rng.standard_normal(shape).astype(dtype), dtype, 9)
    _same_state(e, t, dtype)
    assert repr(e) == repr(t)


def test_batchnorm_defaults_and_state_dict_keys():
    e, t = nn.BatchNorm2d(4), torch.nn.BatchNorm2d(4)
    assert list(e.state_dict()) == list(t.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                                           "num_batches_tracked"]
    for k, v in t.state_dict().items():
        np.testing.assert_array_equal(e.state_dict()[k].numpy(), v.numpy())
    assert e.num_batches_tracked.dtype == ember.int64
    assert list(nn.BatchNorm1d(3, track_running_stats=False).state_dict()) == ["weight", "bias"]
    assert list(nn.BatchNorm1d(3, affine=False).state_dict()) == ["running_mean", "running_var",
                                                                  "num_batches_tracked"]


def test_batchnorm_momentum_none_is_cumulative_average():
    e = nn.BatchNorm1d(2, momentum=None).double()
    xs = [np.random.default_rng(i).standard_normal((5, 2)) * (i + 1) for i in range(4)]
    for x in xs:
        e(ember.tensor(x))
    np.testing.assert_allclose(e.running_mean.numpy(), np.mean([x.mean(0) for x in xs], axis=0), rtol=1e-12)
    np.testing.assert_allclose(e.running_var.numpy(), np.mean([x.var(0, ddof=1) for x in xs], axis=0), rtol=1e-12)
    assert e.num_batches_tracked.item() == 4


def test_batchnorm_eval_uses_running_stats_and_no_update():
    e = nn.BatchNorm1d(3).double().eval()
    x = np.random.default_rng(0).standard_normal((4, 3))
    y = e(ember.tensor(x))
    np.testing.assert_allclose(y.detach().numpy(), x / np.sqrt(1 + 1e-5), rtol=1e-12)
    assert e.num_batches_tracked.item() == 0
    np.testing.assert_array_equal(e.running_mean.numpy(), np.zeros(3))


def test_batchnorm_running_stats_bump_version():
    rm, rv = ember.zeros(3), ember.ones(3)
    before = rm._version
    F.batch_norm(ember.randn(4, 3), rm, rv, training=True)
    assert rm._version == before + 1


def test_batchnorm_errors_match_torch():
    with pytest.raises(ValueError, match=r"^Expected more than 1 value per channel when training, got input size "
                                         r"(torch|ember)\.Size\(\[1, 3\]\)$"):
        nn.BatchNorm1d(3)(ember.randn(1, 3))
    with pytest.raises(ValueError, match=r"^expected 2D or 3D input \(got 4D input\)$"):
        nn.BatchNorm1d(3)(ember.randn(2, 3, 4, 5))
    with pytest.raises(ValueError, match=r"^expected 4D input \(got 3D input\)$"):
        nn.BatchNorm2d(3)(ember.randn(2, 3, 4))
    with pytest.raises(ValueError, match=r"^expected 5D input \(got 3D input\)$"):
        nn.BatchNorm3d(3)(ember.randn(2, 3, 4))
    with pytest.raises(RuntimeError, match=r"^running_mean should contain 3 elements not 4$"):
        F.batch_norm(ember.randn(2, 3), ember.zeros(4), ember.ones(4), training=True)
    with pytest.raises(RuntimeError, match=r"^weight should contain 3 elements not 4$"):
        F.batch_norm(ember.randn(2, 3), None, None, weight=ember.ones(4), training=True)
    e = nn.BatchNorm1d(3).eval()     # one sample is fine in eval mode
    assert e(ember.ones(1, 3)).shape == (1, 3)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kw", [{}, {"affine": True}, {"track_running_stats": True, "affine": True}], ids=str)
@pytest.mark.parametrize("name,shape", [("InstanceNorm1d", (2, 3, 5)), ("InstanceNorm1d", (3, 5)),
                                        ("InstanceNorm2d", (2, 3, 3, 2)), ("InstanceNorm3d", (2, 3, 2, 2, 2))])
def test_instancenorm_matches_torch(name, shape, dtype, kw):
    t = getattr(torch.nn, name)(3, **kw).to(getattr(torch, dtype))
    e = getattr(nn, name)(3, **kw).to(getattr(ember, dtype))
    _randomize(t)
    _copy(e, t)
    rng = np.random.default_rng(3)
    for step in range(2):
        _step(e, t, (rng.standard_normal(shape) + 1).astype(dtype), dtype, step)
        _same_state(e, t, dtype)
    e.eval()
    t.eval()
    _step(e, t, rng.standard_normal(shape).astype(dtype), dtype, 5)
    assert repr(e) == repr(t)


def test_instancenorm_errors_match_torch():
    with pytest.raises(ValueError, match=r"^expected 2D or 3D input \(got 4D input\)$"):
        nn.InstanceNorm1d(3)(ember.randn(2, 3, 4, 5))
    with pytest.raises(ValueError, match=r"^expected input's size at dim=1 to match num_features \(3\), but got: 4\.$"):
        nn.InstanceNorm1d(3, affine=True)(ember.randn(2, 4, 5))
    with pytest.raises(ValueError, match=r"^Expected more than 1 spatial element when training, got input size "):
        F.instance_norm(ember.randn(1, 3, 1))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape,norm,kw", [((4, 5), 5, {}), ((2, 3, 4), (3, 4), {}), ((2, 3, 4), [4], {"bias": False}),
                                           ((3, 4), 4, {"elementwise_affine": False})], ids=str)
def test_layernorm_matches_torch(shape, norm, kw, dtype):
    t = torch.nn.LayerNorm(norm, **kw).to(getattr(torch, dtype))
    e = nn.LayerNorm(norm, **kw).to(getattr(ember, dtype))
    _randomize(t)
    _copy(e, t)
    assert list(e.state_dict()) == list(t.state_dict())
    _step(e, t, (np.random.default_rng(0).standard_normal(shape) * 3).astype(dtype), dtype, 1)
    assert repr(e) == repr(t)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("groups,shape,kw", [(2, (3, 4, 5), {}), (1, (2, 4), {}), (4, (2, 4, 2, 3), {}),
                                             (2, (2, 4, 3), {"affine": False}), (2, (2, 4, 3), {"bias": False})],
                         ids=str)
def test_groupnorm_matches_torch(groups, shape, kw, dtype):
    t = torch.nn.GroupNorm(groups, 4, **kw).to(getattr(torch, dtype))
    e = nn.GroupNorm(groups, 4, **kw).to(getattr(ember, dtype))
    _randomize(t)
    _copy(e, t)
    _step(e, t, (np.random.default_rng(0).standard_normal(shape) + 2).astype(dtype), dtype, 1)
    assert repr(e) == repr(t)


def test_layer_and_group_norm_errors_match_torch():
    with pytest.raises(RuntimeError, match=r"^Given normalized_shape=\[4\], expected input with shape \[\*, 4\], but "
                                           r"got input of size\[2, 3\]$"):
        F.layer_norm(ember.randn(2, 3), (4,))
    with pytest.raises(RuntimeError, match=r"^Expected weight to be of same shape as normalized_shape, but got weight "
                                           r"of shape \[4\] and normalized_shape = \[3\]$"):
        F.layer_norm(ember.randn(2, 3), (3,), weight=ember.ones(4))
    with pytest.raises(RuntimeError, match=r"^Expected number of channels in input to be divisible by num_groups, but "
                                           r"got input of shape \[2, 3, 4\] and num_groups=2$"):
        F.group_norm(ember.randn(2, 3, 4), 2)
    with pytest.raises(ValueError, match=r"^num_channels \(3\) must be divisible by num_groups \(2\)$"):
        nn.GroupNorm(2, 3)


def test_default_init_and_graph_names():
    for e in (nn.BatchNorm1d(5), nn.LayerNorm(5), nn.GroupNorm(1, 5), nn.InstanceNorm1d(5, affine=True)):
        np.testing.assert_array_equal(e.weight.detach().numpy(), np.ones(5))
        np.testing.assert_array_equal(e.bias.detach().numpy(), np.zeros(5))
    x = ember.randn(2, 4, 3, requires_grad=True)
    assert F.batch_norm(x, None, None, training=True).grad_fn.name() == "NativeBatchNormBackward0"
    assert F.layer_norm(x, (3,)).grad_fn.name() == "NativeLayerNormBackward0"
    assert F.group_norm(x, 2).grad_fn.name() == "NativeGroupNormBackward0"


def _inputs(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [ember.tensor(rng.uniform(0.5, 1.5, s) if i else rng.standard_normal(s), requires_grad=True)
            for i, s in enumerate(shapes)]


@pytest.mark.parametrize("fn,shapes", [
    (lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), ((3, 2, 2), (2,), (2,))),
    (lambda x, w, b: F.batch_norm(x, ember.tensor([0.3, -0.2], dtype=ember.float64),
                                  ember.tensor([1.5, 0.7], dtype=ember.float64), w, b), ((3, 2, 2), (2,), (2,))),
    (lambda x, w, b: F.instance_norm(x, weight=w, bias=b), ((2, 2, 3), (2,), (2,))),
    (lambda x, w, b: F.layer_norm(x, (2, 3), w, b), ((2, 2, 3), (2, 3), (2, 3))),
    (lambda x, w, b: F.group_norm(x, 2, w, b), ((2, 4, 2), (4,), (4,))),
    (lambda x: F.layer_norm(x, (4,)), ((3, 4),)),
    (lambda x: F.batch_norm(x, None, None, training=True), ((4, 3),)),
], ids=["bn_train", "bn_eval", "instance", "layer", "group", "layer_plain", "bn_plain"])
def test_functional_gradcheck_and_gradgradcheck(fn, shapes):
    inputs = _inputs(*shapes)
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


def test_double_backward_matches_torch():
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((4, 3, 2)), rng.uniform(0.5, 1.5, 3)
    grads = []
    for mod, fn in ((ember, F.batch_norm), (torch, torch.nn.functional.batch_norm)):
        xt, wt = mod.tensor(x, requires_grad=True), mod.tensor(w, requires_grad=True)
        y = fn(xt, None, None, wt, None, training=True)
        gx, = mod.autograd.grad((y ** 3).sum(), xt, create_graph=True)
        grads.append([a.detach().numpy() for a in mod.autograd.grad((gx ** 2).sum(), (xt, wt))])
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-10)


def test_modified_input_is_detected():
    x = ember.randn(4, 3, requires_grad=True)
    y = x * 1
    out = F.layer_norm(y, (3,))
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape,normalized,eps,affine", [((2, 3, 4), 4, None, True), ((2, 3, 4), (3, 4), 1e-3, True),
                                                         ((5,), [5], None, False), ((2, 0, 3), 3, 0.1, True)])
def test_rms_norm_matches_torch(dtype, shape, normalized, eps, affine):
    t = torch.nn.RMSNorm(normalized, eps=eps, elementwise_affine=affine).to(getattr(torch, dtype))
    e = nn.RMSNorm(normalized, eps=eps, elementwise_affine=affine).to(getattr(ember, dtype))
    assert repr(e) == repr(t)
    _randomize(t, 1)
    _copy(e, t)
    _step(e, t, np.random.default_rng(2).standard_normal(shape).astype(dtype) * 3, dtype, 3)


def test_rms_norm_gradcheck_and_errors():
    x = ember.tensor(np.random.default_rng(4).standard_normal((2, 3)), requires_grad=True)
    w = ember.tensor(np.random.default_rng(5).uniform(0.5, 1.5, 3), requires_grad=True)
    assert gradcheck(lambda x, w: F.rms_norm(x, (3,), w, 1e-3), (x, w))
    assert gradgradcheck(lambda x, w: F.rms_norm(x, (3,), w), (x, w))
    for args in [((4,),), ((3,), np.ones(2))]:
        targs = [torch.tensor(a) if isinstance(a, np.ndarray) else a for a in args]
        eargs = [ember.tensor(a) if isinstance(a, np.ndarray) else a for a in args]
        with pytest.raises(RuntimeError) as want:
            torch.nn.functional.rms_norm(torch.zeros(2, 3, dtype=torch.float64), *targs)
        with pytest.raises(RuntimeError) as got:
            F.rms_norm(ember.zeros(2, 3, dtype=ember.float64), *eargs)
        assert str(got.value) == str(want.value)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape,size,kw", [((2, 5, 3), 3, {}), ((2, 5, 3, 2), 4, dict(alpha=0.5, beta=0.6, k=2.0)),
                                           ((1, 3, 2, 2, 2), 2, dict(alpha=1.0)), ((2, 3, 4), 7, dict(k=0.5))])
def test_local_response_norm_matches_torch(dtype, shape, size, kw):
    t, e = torch.nn.LocalResponseNorm(size, **kw), nn.LocalResponseNorm(size, **kw)
    assert repr(e) == repr(t)
    _step(e, t, np.random.default_rng(6).standard_normal(shape).astype(dtype) * 2, dtype, 7)


def test_local_response_norm_gradcheck_and_errors():
    x = ember.tensor(np.random.default_rng(8).standard_normal((1, 4, 3)), requires_grad=True)
    assert gradcheck(lambda x: F.local_response_norm(x, 3, alpha=0.5), (x,))
    with pytest.raises(ValueError) as want:
        torch.nn.functional.local_response_norm(torch.zeros(2, 3), 2)
    with pytest.raises(ValueError) as got:
        F.local_response_norm(ember.zeros(2, 3), 2)
    assert str(got.value) == str(want.value)
    empty = ember.zeros(0, 3, 2)
    assert F.local_response_norm(empty, 2) is empty


def test_a_checkpoint_without_num_batches_tracked_loads_as_in_torch():
    """Old or converted checkpoints lack num_batches_tracked: like PyTorch, the module keeps its own count instead
    of reporting a missing key, and the caller's dict is left as it was."""
    results = []
    for lib in (ember, torch):
        m = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.BatchNorm1d(3))
        for _ in range(3):
            m(lib.ones(4, 2) * lib.arange(4.0).reshape(4, 1))
        sd = {k: v for k, v in m.state_dict().items() if not k.endswith("num_batches_tracked")}
        keys = list(sd)
        result = m.load_state_dict(sd)
        assert list(sd) == keys
        results.append((list(result.missing_keys), list(result.unexpected_keys), m[1].num_batches_tracked.item()))
    assert results[0] == results[1] == ([], [], 3)
