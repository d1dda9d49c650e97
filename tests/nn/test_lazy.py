"""Lazy modules (LazyLinear, LazyConv*, LazyBatchNorm*, LazyInstanceNorm*) against torch."""
import copy

import numpy as np
import pytest
import torch

import ember
from ember import nn

CASES = [
    ("LazyLinear", (3,), {}, (2, 4)),
    ("LazyLinear", (2,), {"bias": False}, (3, 2, 5)),
    ("LazyConv1d", (3, 2), {"padding": 1}, (2, 2, 5)),
    ("LazyConv2d", (4, 2), {"groups": 2, "stride": 2}, (1, 2, 5, 5)),
    ("LazyConv3d", (2, 1), {"bias": False}, (2, 2, 2, 2)),
    ("LazyConvTranspose1d", (3, 2), {"stride": 2, "output_padding": 1}, (2, 2, 3)),
    ("LazyConvTranspose2d", (2, 2), {}, (1, 3, 3, 3)),
    ("LazyConvTranspose3d", (2, 1), {"dilation": 2}, (1, 1, 2, 2, 2)),
    ("LazyBatchNorm1d", (), {}, (4, 3)),
    ("LazyBatchNorm2d", (), {"affine": False}, (2, 3, 2, 2)),
    ("LazyBatchNorm3d", (), {"momentum": None}, (2, 2, 1, 2, 2)),
    ("LazyInstanceNorm1d", (), {}, (2, 3, 4)),
    ("LazyInstanceNorm2d", (), {"affine": False, "track_running_stats": False}, (1, 3, 2, 2)),
    ("LazyInstanceNorm3d", (), {"bias": False}, (1, 2, 2, 2, 2)),
]


def _pair(name, args, kwargs):
    return getattr(torch.nn, name)(*args, **kwargs).double(), getattr(nn, name)(*args, **kwargs).double()


@pytest.mark.filterwarnings("ignore:input's size at dim=1 does not match num_features")   # as torch's
@pytest.mark.parametrize("name,args,kwargs,shape", CASES)
def test_lazy_module_matches_torch(name, args, kwargs, shape):
    t, e = _pair(name, args, kwargs)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    assert [repr(v) for v in e.state_dict().values() if nn.parameter.is_lazy(v)] == \
        [repr(v) for v in t.state_dict().values() if torch.nn.parameter.is_lazy(v)]
    assert e.has_uninitialized_params() == t.has_uninitialized_params()
    x = np.random.default_rng(0).standard_normal(shape)
    t(torch.tensor(x))
    e(ember.tensor(x))
    assert type(e).__name__ == type(t).__name__ and type(e) is getattr(nn, type(t).__name__)
    assert repr(e) == repr(t)
    assert not hasattr(e, "has_uninitialized_params")
    assert not any(nn.parameter.is_lazy(v) for v in e.state_dict().values())
    for k, v in e.state_dict().items():
        assert type(v) is ember.Tensor and v.shape == tuple(t.state_dict()[k].shape)
        assert str(v.dtype).split(".")[1] == str(t.state_dict()[k].dtype).split(".")[1]
    e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()})
    xt, xe = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    yt, ye = t(xt), e(xe)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.random.default_rng(1).standard_normal(yt.shape)
    yt.backward(torch.tensor(g))
    ye.backward(ember.tensor(g))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-9, atol=1e-11)
    for (n, pe), (_, pt) in zip(e.named_parameters(), t.named_parameters()):
        assert type(pe) is nn.Parameter
        np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), rtol=1e-9, atol=1e-11, err_msg=n)
    for (n, be), (_, bt) in zip(e.named_buffers(), t.named_buffers()):
        np.testing.assert_allclose(be.numpy(), bt.numpy(), rtol=1e-10, atol=1e-12, err_msg=n)


def test_lazy_linear_default_init_statistics_and_dtype():
    ember.manual_seed(0)
    e = nn.LazyLinear(200)
    e(ember.zeros(2, 300))
    w, b = e.weight.detach().numpy(), e.bias.detach().numpy()
    bound = 1 / np.sqrt(300)
    assert w.dtype == np.float32 and w.shape == (200, 300)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    np.testing.assert_allclose(w.std(), bound / np.sqrt(3), rtol=0.02)
    # the mean of 200 draws from U(-bound, bound) has standard deviation bound / sqrt(600): allow 5 of them
    assert np.abs(b).max() <= bound and abs(b.mean()) < 5 * bound / np.sqrt(600)


def test_lazy_batchnorm_init_as_torch():
    t, e = torch.nn.LazyBatchNorm2d(), nn.LazyBatchNorm2d()
    t(torch.zeros(2, 3, 1, 1))
    e(ember.zeros(2, 3, 1, 1))
    for k, v in t.state_dict().items():
        np.testing.assert_array_equal(e.state_dict()[k].numpy(), v.numpy(), err_msg=k)


def test_uninitialized_parameter_errors_as_torch():
    t, e = torch.nn.LazyLinear(3), nn.LazyLinear(3)
    with pytest.raises(RuntimeError) as want:
        t.weight.shape
    with pytest.raises(RuntimeError) as got:
        e.weight.shape
    assert str(got.value) == str(want.value)
    with pytest.raises(RuntimeError) as want:
        t.weight.share_memory_()
    with pytest.raises(RuntimeError) as got:
        e.weight.share_memory_()
    assert str(got.value) == str(want.value)
    assert repr(e.weight) == repr(t.weight) == "<UninitializedParameter>"
    assert isinstance(e.weight, nn.Parameter) and isinstance(e.weight, nn.UninitializedParameter)
    assert isinstance(nn.LazyBatchNorm1d().running_mean, nn.UninitializedBuffer)
    assert e.weight.size() == tuple(t.weight.size()) == (0,)


@pytest.mark.parametrize("name,args,shape", [("LazyConv2d", (2, 1), (2, 3)), ("LazyConv1d", (2, 1), (1, 1, 1, 3)),
                                             ("LazyConvTranspose3d", (2, 1), (2, 2)),
                                             ("LazyConv2d", (2, 1), (1, 3, 2, 2))])
def test_lazy_conv_errors_as_torch(name, args, shape):
    kwargs = {"groups": 2} if shape == (1, 3, 2, 2) else {}
    t, e = getattr(torch.nn, name)(*args, **kwargs), getattr(nn, name)(*args, **kwargs)
    err = ValueError if kwargs else RuntimeError
    with pytest.raises(err) as want:
        t(torch.zeros(shape))
    with pytest.raises(err) as got:
        e(ember.zeros(*shape))
    assert str(got.value) == str(want.value)


def test_lazy_dtype_and_device_changes_before_the_dry_run():
    e = nn.LazyLinear(2).double()
    assert e.weight.dtype == ember.float64 and nn.parameter.is_lazy(e.weight)
    e(ember.zeros(1, 3, dtype=ember.float64))
    assert e.weight.dtype == ember.float64 and e.weight.shape == (2, 3)
    e = nn.LazyBatchNorm1d(dtype=ember.float64)
    assert e.running_mean.dtype == ember.float64 and e.num_batches_tracked.dtype == ember.int64


def test_load_state_dict_materializes_lazy_module():
    t = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3)).double()
    e = nn.Sequential(nn.LazyLinear(3), nn.LazyBatchNorm1d()).double()
    result = e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()})
    assert not result.missing_keys and not result.unexpected_keys
    assert not e[0].has_uninitialized_params() and e[0].weight.shape == (3, 4) and type(e[0]) is nn.LazyLinear
    np.testing.assert_array_equal(e[0].weight.detach().numpy(), t[0].weight.detach().numpy())
    x = np.random.default_rng(0).standard_normal((5, 4))
    np.testing.assert_allclose(e(ember.tensor(x)).detach().numpy(), t(torch.tensor(x)).detach().numpy(),
                               rtol=1e-10, atol=1e-12)
    assert [type(m) for m in e] == [nn.Linear, nn.BatchNorm1d]
    np.testing.assert_allclose(e[1].running_mean.numpy(), t[1].running_mean.numpy(), rtol=1e-10, atol=1e-12)


def test_partial_load_leaves_others_lazy_and_shape_mismatch_is_reported():
    e = nn.Sequential(nn.LazyLinear(3), nn.LazyLinear(2))
    result = e.load_state_dict({"0.weight": ember.zeros(3, 4), "0.bias": ember.zeros(3)}, strict=False)
    assert result.missing_keys == ["1.weight", "1.bias"]
    assert not e[0].has_uninitialized_params() and e[1].has_uninitialized_params()
    e(ember.ones(1, 4))
    assert e[1].weight.shape == (2, 3)
    t = torch.nn.Linear(4, 3)
    t.load_state_dict(torch.nn.Linear(4, 3).state_dict())
    with pytest.raises(RuntimeError, match=r"size mismatch for weight: copying a param with shape "
                                           r"torch.Size\(\[3, 5\]\)"):
        nn.Linear(4, 3).load_state_dict({"weight": ember.zeros(3, 5), "bias": ember.zeros(3)})


def test_optimizer_after_dry_run_trains_as_torch():
    r = np.random.default_rng(0)
    x, y = r.standard_normal((6, 4)), r.standard_normal((6, 1))
    t = torch.nn.Sequential(torch.nn.LazyLinear(5), torch.nn.Tanh(), torch.nn.LazyLinear(1)).double()
    e = nn.Sequential(nn.LazyLinear(5), nn.Tanh(), nn.LazyLinear(1)).double()
    t(torch.tensor(x))
    e(ember.tensor(x))
    e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()})
    ot, oe = torch.optim.SGD(t.parameters(), lr=0.1, momentum=0.9), ember.optim.SGD(e.parameters(), lr=0.1,
                                                                                    momentum=0.9)
    for _ in range(3):
        for opt, m, lib in ((ot, t, torch), (oe, e, ember)):
            opt.zero_grad()
            ((m(lib.tensor(x)) - lib.tensor(y)) ** 2).mean().backward()
            opt.step()
    for (n, pe), (_, pt) in zip(e.named_parameters(), t.named_parameters()):
        np.testing.assert_allclose(pe.detach().numpy(), pt.detach().numpy(), rtol=1e-10, atol=1e-12, err_msg=n)


def test_lazy_module_deepcopy_and_initialize_hook_removed():
    e = nn.LazyConv1d(2, 1)
    c = copy.deepcopy(e)
    assert c.has_uninitialized_params() and repr(c.weight) == "<UninitializedParameter>" and c.weight is not e.weight
    e(ember.zeros(1, 3, 4))
    assert not e._forward_pre_hooks and not e._load_state_dict_pre_hooks
    assert not hasattr(e, "_initialize_hook") and c.has_uninitialized_params()
