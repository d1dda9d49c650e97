"""nn.init against torch.nn.init: gains, fans, and the statistics of each initialiser."""
import math

import numpy as np
import pytest
import torch

import ember
from ember import nn


@pytest.mark.parametrize("name,param", [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None),
                                        ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2), ("selu", None)])
def test_calculate_gain(name, param):
    assert nn.init.calculate_gain(name, param) == torch.nn.init.calculate_gain(name, param)


def test_calculate_gain_errors():
    with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
        nn.init.calculate_gain("foo")
    with pytest.raises(ValueError, match="not a valid number"):
        nn.init.calculate_gain("leaky_relu", "x")


@pytest.mark.parametrize("shape", [(30, 20), (16, 8, 3, 3), (7, 5, 4)])
def test_fans(shape):
    assert nn.init._calculate_fan_in_and_fan_out(ember.empty(*shape)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))


def _stats(a):
    a = np.asarray(a, dtype=np.float64).ravel()
    return a.mean(), a.std(), a.min(), a.max()


INITS = [
    ("uniform_", dict(a=-0.5, b=2.0)), ("normal_", dict(mean=1.0, std=0.5)), ("xavier_uniform_", dict(gain=2.0)),
    ("xavier_normal_", {}), ("kaiming_uniform_", dict(a=math.sqrt(5))), ("kaiming_normal_", dict(mode="fan_out")),
    ("kaiming_uniform_", dict(nonlinearity="relu")), ("trunc_normal_", dict(std=2.0, a=-1.0, b=3.0)),
    ("orthogonal_", dict(gain=1.5)),
]


@pytest.mark.parametrize("name,kwargs", INITS)
def test_initialiser_statistics_match_torch(name, kwargs):
    ember.manual_seed(0)
    torch.manual_seed(0)
    e = getattr(nn.init, name)(ember.empty(400, 250), **kwargs)
    t = getattr(torch.nn.init, name)(torch.empty(400, 250), **kwargs)
    (me, se, lo_e, hi_e), (mt, st, lo_t, hi_t) = _stats(e.numpy()), _stats(t.numpy())
    scale = max(st, 1e-3)
    assert abs(me - mt) < 0.02 * scale + 0.01 and abs(se - st) < 0.02 * scale
    if name in ("uniform_", "xavier_uniform_", "kaiming_uniform_", "trunc_normal_"):
        assert abs(lo_e - lo_t) < 0.02 * scale and abs(hi_e - hi_t) < 0.02 * scale


def test_orthogonal_is_orthogonal_for_wide_and_tall():
    for shape in [(6, 10), (10, 6), (4, 2, 3)]:
        w = nn.init.orthogonal_(ember.empty(*shape, dtype=ember.float64)).numpy().reshape(shape[0], -1)
        small = w @ w.T if shape[0] <= w.shape[1] else w.T @ w
        np.testing.assert_allclose(small, np.eye(small.shape[0]), atol=1e-12)


def test_deterministic_fills():
    w = ember.empty(3, 3)
    assert (nn.init.constant_(w, 0.3).numpy() == np.float32(0.3)).all()
    assert (nn.init.zeros_(w).numpy() == 0).all() and (nn.init.ones_(w).numpy() == 1).all()
    np.testing.assert_array_equal(nn.init.eye_(ember.empty(2, 3)).numpy(), torch.nn.init.eye_(torch.empty(2, 3)).numpy())
    np.testing.assert_array_equal(nn.init.dirac_(ember.empty(4, 2, 3, 3), groups=2).numpy(),
                                  torch.nn.init.dirac_(torch.empty(4, 2, 3, 3), groups=2).numpy())


def test_sparse_zero_fraction():
    w = nn.init.sparse_(ember.empty(10, 20), sparsity=0.3).numpy()
    assert ((w == 0).sum(axis=0) == 3).all()


def test_init_on_parameter_is_not_recorded_and_bumps_version():
    p = nn.Parameter(ember.empty(3, 2))
    v = p._version
    nn.init.xavier_uniform_(p)
    nn.init.trunc_normal_(p)
    assert p.grad_fn is None and p.is_leaf and p._version == v + 2


def test_generator_makes_inits_repeatable():
    g1, g2 = ember.Generator().manual_seed(5), ember.Generator().manual_seed(5)
    a = nn.init.kaiming_normal_(ember.empty(4, 4), generator=g1)
    b = nn.init.kaiming_normal_(ember.empty(4, 4), generator=g2)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert ember.nn.init.__all__ == torch.nn.init.__all__


def test_errors_match_torch():
    with pytest.raises(ValueError, match="Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"):
        nn.init.xavier_uniform_(ember.empty(3))
    with pytest.raises(ValueError, match="Mode fan_up not supported, please use one of fan_in, fan_out"):
        nn.init.kaiming_normal_(ember.empty(3, 3), mode="fan_up")
    with pytest.raises(ValueError, match="Only tensors with 2 or more dimensions are supported"):
        nn.init.orthogonal_(ember.empty(3))


@pytest.mark.parametrize("old,args", [("uniform", (-1.0, 1.0)), ("normal", (0.0, 2.0)), ("constant", (0.5,)),
                                      ("eye", ()), ("dirac", ()), ("xavier_uniform", ()), ("xavier_normal", ()),
                                      ("kaiming_uniform", ()), ("kaiming_normal", ()), ("orthogonal", ()),
                                      ("sparse", (0.5,))])
def test_deprecated_aliases_warn_as_torch_and_fill_as_the_new_name(old, args):
    shape = (4, 4, 3) if old == "dirac" else (4, 6)
    with pytest.warns(FutureWarning) as want:
        getattr(torch.nn.init, old)(torch.empty(shape), *args)
    a, b = ember.empty(shape), ember.empty(shape)
    with pytest.warns(FutureWarning) as got:
        ember.manual_seed(3)
        assert getattr(ember.nn.init, old)(a, *args) is a
    assert str(got[0].message) == str(want[0].message) and got[0].filename == __file__
    assert getattr(ember.nn.init, old).__name__ == old
    ember.manual_seed(3)
    getattr(ember.nn.init, old + "_")(b, *args)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert ember.nn.init.__all__ == torch.nn.init.__all__
