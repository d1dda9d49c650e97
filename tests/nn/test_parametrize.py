"""nn.utils: conv/linear + batch-norm fusion against torch."""
import numpy as np
import pytest
import torch

import ember
from ember import nn


def _copy(e, t):
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})


def _randomize(t, seed):
    r = np.random.default_rng(seed)
    with torch.no_grad():
        for name, v in t.state_dict().items():
            if v.is_floating_point():
                v.copy_(torch.tensor(r.uniform(0.5, 1.5, v.shape) if "var" in name else r.normal(size=v.shape)))


@pytest.mark.parametrize("kind", ["conv", "conv_nobias", "convT", "linear", "linear_nobias"])
def test_fusion_matches_torch(kind):
    if kind.startswith("conv"):
        mk = (lambda m: m.ConvTranspose2d(2, 3, 2)) if kind == "convT" else \
            (lambda m: m.Conv2d(2, 3, 2, bias=kind == "conv"))
        mods = [(mk(m), m.BatchNorm2d(3)) for m in (torch.nn, nn)]
        x = np.random.default_rng(1).standard_normal((2, 2, 4, 4))
    else:
        mods = [(m.Linear(4, 3, bias=kind == "linear"), m.BatchNorm1d(3)) for m in (torch.nn, nn)]
        x = np.random.default_rng(1).standard_normal((2, 4))
    (tl, tb), (el, eb) = [(a.double().eval(), b.double().eval()) for a, b in mods]
    for i, (t, e) in enumerate([(tl, el), (tb, eb)]):
        _randomize(t, i)
        _copy(e, t)
    tu, eu = torch.nn.utils, nn.utils
    if kind.startswith("conv"):
        tf = tu.fuse_conv_bn_eval(tl, tb, transpose=kind == "convT")
        ef = eu.fuse_conv_bn_eval(el, eb, transpose=kind == "convT")
    else:
        tf, ef = tu.fuse_linear_bn_eval(tl, tb), eu.fuse_linear_bn_eval(el, eb)
    assert ef is not el and isinstance(ef.weight, nn.Parameter) and isinstance(ef.bias, nn.Parameter)
    assert ef.bias.requires_grad == tf.bias.requires_grad
    for (n, pe), (_, pt) in zip(ef.named_parameters(), tf.named_parameters()):
        np.testing.assert_allclose(pe.detach().numpy(), pt.detach().numpy(), rtol=1e-12, atol=1e-12, err_msg=n)
    np.testing.assert_allclose(ef(ember.tensor(x)).detach().numpy(), eb(el(ember.tensor(x))).detach().numpy(),
                               rtol=1e-10, atol=1e-12)


def test_fusion_requires_eval_as_torch():
    for m in (torch.nn, nn):
        with pytest.raises(AssertionError, match="^Fusion only for eval!$"):
            m.utils.fuse_conv_bn_eval(m.Conv2d(1, 2, 1), m.BatchNorm2d(2))
        with pytest.raises(AssertionError, match="^To fuse, linear.out_features == bn.num_features or "):
            m.utils.fuse_linear_bn_eval(m.Linear(2, 3).eval(), m.BatchNorm1d(2).eval())
