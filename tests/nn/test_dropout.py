"""Dropout family: statistics, scaling, gradient = noise, eval identity, determinism, PyTorch's errors."""
import warnings

import numpy as np
import pytest
import torch

import ember
from ember import nn
import ember.nn.functional as F


def _run(fn, shape, **kw):
    x = ember.tensor(np.random.default_rng(1000).uniform(1, 2, shape), requires_grad=True)   # not a seed used below
    y = fn(x, **kw)
    y.sum().backward()
    return x, y


def test_dropout_statistics_scaling_and_gradient():
    ember.manual_seed(0)
    x, y = _run(F.dropout, (200, 100), p=0.3)
    ratio = y.detach().numpy() / x.detach().numpy()
    kept = ratio != 0
    assert abs(1 - kept.mean() - 0.3) < 0.01
    np.testing.assert_allclose(ratio[kept], 1 / 0.7, rtol=1e-12)
    np.testing.assert_array_equal(x.grad.numpy(), np.where(kept, 1 / 0.7, 0.0))     # the gradient is the noise
    np.testing.assert_array_equal(y.detach().numpy(), x.detach().numpy() * x.grad.numpy())
    assert abs(y.detach().numpy().mean() / x.detach().numpy().mean() - 1) < 0.02
    assert y.grad_fn.name() == "MulBackward0"


@pytest.mark.parametrize("fn,shape,kept_shape", [(F.dropout1d, (40, 50, 6), (40, 50, 1)),
                                                 (F.dropout1d, (50, 6), (50, 1)),
                                                 (F.dropout2d, (40, 50, 2, 3), (40, 50, 1, 1)),
                                                 (F.dropout3d, (40, 50, 2, 2, 2), (40, 50, 1, 1, 1)),
                                                 (F.dropout3d, (50, 2, 2, 2), (50, 1, 1, 1))])
def test_channel_dropout_zeroes_whole_channels(fn, shape, kept_shape):
    ember.manual_seed(1)
    x, y = _run(fn, shape, p=0.4)
    ratio = y.detach().numpy() / x.detach().numpy()
    per_channel = (ratio != 0).reshape(int(np.prod([s for s, k in zip(shape, kept_shape) if k != 1])), -1)
    assert (per_channel == per_channel[:, :1]).all()
    assert abs((~per_channel[:, 0]).mean() - 0.4) < 0.1
    assert set(np.unique(x.grad.numpy())) == {0.0, 1 / 0.6}
    np.testing.assert_array_equal(y.detach().numpy(), x.detach().numpy() * x.grad.numpy())


def test_alpha_dropout_keeps_mean_and_variance():
    ember.manual_seed(2)
    x = ember.randn(400, 250, dtype=ember.float64, requires_grad=True)
    y = F.alpha_dropout(x, 0.2, training=True)
    out = y.detach().numpy()
    assert abs(out.mean()) < 0.02 and abs(out.std() - 1) < 0.02
    y.sum().backward()
    p, alpha = 0.2, 1.7580993408473766
    a = 1 / np.sqrt((alpha ** 2 * p + 1) * (1 - p))
    grad = x.grad.numpy()
    assert set(np.unique(np.round(grad, 12))) == {0.0, round(a, 12)}
    dropped = grad == 0
    np.testing.assert_allclose(out[dropped], -alpha * a + alpha * a * p, rtol=1e-12)
    np.testing.assert_allclose(out[~dropped], x.detach().numpy()[~dropped] * a + alpha * a * p, rtol=1e-12)
    assert abs(dropped.mean() - 0.2) < 0.01


def test_feature_alpha_dropout_whole_channels():
    ember.manual_seed(3)
    x, y = _run(F.feature_alpha_dropout, (30, 40, 5), p=0.5, training=True)
    g = x.grad.numpy()
    assert (g == g[..., :1]).all()


def test_eval_and_p0_return_the_input_as_torch():
    x = ember.randn(3, 4, requires_grad=True)
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    assert F.alpha_dropout(x, 0.5) is x        # training defaults to False
    net = nn.Sequential(nn.Dropout(0.5), nn.Dropout2d(0.5), nn.AlphaDropout(0.5))
    net.eval()
    np.testing.assert_array_equal(net(x.view(3, 4, 1, 1)).detach().numpy(), x.detach().numpy().reshape(3, 4, 1, 1))


def test_p1_gives_zeros():
    x = ember.randn(3, 4, requires_grad=True)
    y = F.dropout(x, 1.0)
    y.sum().backward()
    np.testing.assert_array_equal(y.detach().numpy(), np.zeros((3, 4)))
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((3, 4)))


def test_inplace_writes_into_input():
    ember.manual_seed(4)
    x = ember.ones(100, 10)
    y = F.dropout(x, 0.5, inplace=True)
    assert y is x
    assert set(np.unique(x.numpy())) == {0.0, 2.0}
    m = nn.Dropout(0.5, inplace=True)
    z = ember.ones(20, 5)
    m(z)
    assert set(np.unique(z.numpy())) == {0.0, 2.0}


def test_seeded_masks_repeat():
    masks = []
    for _ in range(2):
        ember.manual_seed(7)
        masks.append(F.dropout(ember.ones(50, 20), 0.5).numpy())
        masks.append(nn.Dropout(0.3)(ember.ones(50, 20)).numpy())
    np.testing.assert_array_equal(masks[0], masks[2])
    np.testing.assert_array_equal(masks[1], masks[3])
    assert not np.array_equal(masks[0], F.dropout(ember.ones(50, 20), 0.5).numpy())


def test_module_repr_matches_torch():
    for name in ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"):
        assert repr(getattr(nn, name)(0.2, True)) == repr(getattr(torch.nn, name)(0.2, True))
        assert repr(getattr(nn, name)()) == repr(getattr(torch.nn, name)())


def test_errors_and_warnings_match_torch():
    for fn in (F.dropout, F.alpha_dropout, F.dropout2d):
        with pytest.raises(ValueError, match=r"^dropout probability has to be between 0 and 1, but got 1\.5$"):
            fn(ember.ones(2, 2, 2), 1.5)
    with pytest.raises(ValueError, match=r"^dropout probability has to be between 0 and 1, but got -1$"):
        nn.Dropout(-1)
    with pytest.raises(RuntimeError, match=r"^dropout1d: Expected 2D or 3D input, but received a 4D input\. Note"):
        F.dropout1d(ember.ones(2, 3, 4, 5))
    for fn, shape in ((F.dropout2d, (2, 3, 4)), (F.dropout2d, (2, 3, 4, 5, 6)), (F.dropout3d, (2, 3, 4, 5, 6, 7))):
        with warnings.catch_warnings(record=True) as got:
            warnings.simplefilter("always")
            fn(ember.ones(*shape))
        with warnings.catch_warnings(record=True) as want:
            warnings.simplefilter("always")
            getattr(torch.nn.functional, fn.__name__)(torch.ones(*shape))
        assert [str(w.message) for w in got] == [str(w.message) for w in want]
