"""nn.utils: clip_grad_norm_, clip_grad_value_, get_total_norm, clip_grads_with_norm_, parameters <-> vector."""
import math
import warnings

import numpy as np
import pytest
import torch

import ember
from ember import nn


def _pair(shapes, scale=1.0, seed=0, dtype=np.float64):
    """The same parameters with the same gradients in ember and torch."""
    rng = np.random.default_rng(seed)
    e, t = [], []
    for s in shapes:
        v, g = rng.standard_normal(s).astype(dtype), (rng.standard_normal(s) * scale).astype(dtype)
        pe, pt = ember.tensor(v, requires_grad=True), torch.tensor(v, requires_grad=True)
        pe.grad, pt.grad = ember.tensor(g), torch.tensor(g)
        e.append(pe)
        t.append(pt)
    return e, t


SHAPES = [(3, 4), (4,), (2, 2, 2)]


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, math.inf, "inf"])
@pytest.mark.parametrize("max_norm,scale", [(1.0, 1.0), (100.0, 1.0), (0.5, 10.0)])
def test_clip_grad_norm_matches_torch(norm_type, max_norm, scale):
    e, t = _pair(SHAPES, scale)
    ne = nn.utils.clip_grad_norm_(e, max_norm, norm_type)
    nt = torch.nn.utils.clip_grad_norm_(t, max_norm, norm_type)
    assert isinstance(ne, ember.Tensor) and ne.shape == ()
    np.testing.assert_allclose(ne.item(), nt.item(), rtol=1e-12)
    for pe, pt in zip(e, t):
        np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), rtol=1e-12)


def test_clip_grad_norm_single_tensor_skips_missing_grads_and_bumps_version():
    e, t = _pair(SHAPES, 5.0)
    e[1].grad, t[1].grad = None, None
    v = e[0].grad._version
    nn.utils.clip_grad_norm_(iter(e), 1.0)
    torch.nn.utils.clip_grad_norm_(iter(t), 1.0)
    assert e[0].grad._version == v + 1
    assert e[1].grad is None
    for pe, pt in ((e[0], t[0]), (e[2], t[2])):
        np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), rtol=1e-12)
    ne = nn.utils.clip_grad_norm_(e[0], 0.1)
    nt = torch.nn.utils.clip_grad_norm_(t[0], 0.1)
    np.testing.assert_allclose(ne.item(), nt.item(), rtol=1e-12)
    np.testing.assert_allclose(e[0].grad.numpy(), t[0].grad.numpy(), rtol=1e-12)


def test_clip_grad_norm_float32_and_empty():
    e, t = _pair(SHAPES, 3.0, dtype=np.float32)
    ne, nt = nn.utils.clip_grad_norm_(e, 1.0), torch.nn.utils.clip_grad_norm_(t, 1.0)
    assert ne.dtype == ember.float32
    np.testing.assert_allclose(ne.item(), nt.item(), rtol=1e-6)
    for pe, pt in zip(e, t):
        np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), rtol=1e-6)
    assert nn.utils.clip_grad_norm_([], 1.0).item() == 0.0
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        nn.utils.clip_grad_norm_((p for p in []), 1.0)
    assert [str(w.message) for w in got] == ["`parameters` is an empty generator, no gradient clipping will occur."]


def test_clip_grad_norm_nonfinite():
    e, _ = _pair(SHAPES)
    e[0].grad[0, 0] = float("nan")
    assert math.isnan(nn.utils.clip_grad_norm_(e, 1.0).item())
    with pytest.raises(RuntimeError, match=r"^The total norm of order 2\.0 for gradients from `parameters` is "
                                           r"non-finite, so it cannot be clipped\. To disable this error and scale "
                                           r"the gradients by the non-finite norm anyway, set "
                                           r"`error_if_nonfinite=False`$"):
        nn.utils.clip_grad_norm_(e, 1.0, error_if_nonfinite=True)


def test_total_norm_and_clip_with_norm_match_torch():
    e, t = _pair(SHAPES, 4.0)
    ne = nn.utils.get_total_norm([p.grad for p in e], 3.0)
    nt = torch.nn.utils.get_total_norm([p.grad for p in t], 3.0)
    np.testing.assert_allclose(ne.item(), nt.item(), rtol=1e-12)
    nn.utils.clip_grads_with_norm_(e, 2.0, ne)
    torch.nn.utils.clip_grads_with_norm_(t, 2.0, nt)
    for pe, pt in zip(e, t):
        np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), rtol=1e-12)


def test_clip_grad_value_matches_torch():
    e, t = _pair(SHAPES, 2.0)
    assert nn.utils.clip_grad_value_(e, 0.7) is None
    torch.nn.utils.clip_grad_value_(t, 0.7)
    for pe, pt in zip(e, t):
        np.testing.assert_array_equal(pe.grad.numpy(), pt.grad.numpy())


def test_parameters_to_vector_and_back():
    e, t = _pair(SHAPES)
    ve, vt = nn.utils.parameters_to_vector(e), torch.nn.utils.parameters_to_vector(t)
    np.testing.assert_array_equal(ve.detach().numpy(), vt.detach().numpy())
    assert ve.grad_fn.name() == vt.grad_fn.name() == "CatBackward0"
    new = np.arange(ve.numel(), dtype=np.float64)
    nn.utils.vector_to_parameters(ember.tensor(new), e)
    torch.nn.utils.vector_to_parameters(torch.tensor(new), t)
    for pe, pt in zip(e, t):
        np.testing.assert_array_equal(pe.detach().numpy(), pt.detach().numpy())
        assert pe.is_leaf and pe.requires_grad
    with pytest.raises(TypeError, match=r"^expected torch\.Tensor, but got: list$"):
        nn.utils.vector_to_parameters([1.0], e)


def test_parameters_to_vector_gradient_reaches_parameters():
    e, _ = _pair([(2, 2), (3,)])
    for p in e:
        p.grad = None
    v = nn.utils.parameters_to_vector(e)
    (v * ember.arange(7, dtype=ember.float64)).sum().backward()
    np.testing.assert_array_equal(e[0].grad.numpy(), [[0.0, 1.0], [2.0, 3.0]])
    np.testing.assert_array_equal(e[1].grad.numpy(), [4.0, 5.0, 6.0])
