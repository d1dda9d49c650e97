"""F.pad in every mode and the padding layers (Zero, Constant, Reflection, Replication, Circular; 1-3d) against torch."""
import numpy as np
import pytest
import torch

import ember
from ember import nn
from ember.autograd import gradcheck, gradgradcheck
import ember.nn.functional as F
from tests.nn.test_conv import _check, _torch_error

TF = torch.nn.functional

CASES = [("reflect", (1, 2), (2, 3, 4)), ("reflect", (1, 2), (3, 4)), ("reflect", (-1, 2, 1, 0), (2, 3, 4)),
         ("reflect", (1, 2, 1, 1, 0, 1), (1, 2, 3, 4, 3)), ("reflect", (2, 1, 0, 2, 1, 1), (2, 3, 4, 3)),
         ("replicate", (3, 1), (2, 3, 4)), ("replicate", (1, -2, 2, 3), (1, 2, 3, 4)),
         ("replicate", (1, 2, 0, 1, 2, 1), (2, 3, 4, 2)), ("circular", (1, 2), (2, 3, 4)),
         ("circular", (-1, 2), (2, 3, 4)), ("circular", (2, -1, 3, 0), (2, 3, 4)), ("circular", (0, -3), (1, 2, 4)),
         ("circular", (1, 1, 2, 0, 1, 2), (1, 2, 3, 4, 3)), ("constant", (1, 2), (3,)),
         ("constant", (1, -1, 2, 0, 0, 3, 1, 1), (2, 3, 4, 2))]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("mode, pads, shape", CASES, ids=str)
def test_pad_every_mode_matches_torch(mode, pads, shape, dtype):
    _check(lambda x: F.pad(x, pads, mode), lambda x: TF.pad(x, pads, mode), [shape], dtype)


@pytest.mark.parametrize("mode, pads, shape", [("circular", (-1, 2, 1, 1), (1, 2, 3, 4)),
                                                ("reflect", (1, 2, 1, 1, 1, 0), (1, 2, 3, 3)),
                                                ("replicate", (2, 1), (2, 3))], ids=str)
def test_pad_gradcheck(mode, pads, shape):
    x = ember.tensor(np.random.default_rng(0).standard_normal(shape), requires_grad=True)
    assert gradcheck(lambda x: F.pad(x, pads, mode), [x]) and gradgradcheck(lambda x: F.pad(x, pads, mode), [x])


@pytest.mark.parametrize("shape, pads, mode, kw", [
    ((2, 3, 4), (1, 1, 1, 1, 1, 1), "circular", {}), ((3,), (1, 1), "reflect", {}), ((3,), (1, 1), "circular", {}),
    ((1, 1, 1, 2, 3, 4), (1, 1), "replicate", {}), ((2, 3, 4), (1, 1, 1, 1, 1, 1, 1, 1), "constant", {}),
    ((2, 3, 4), (4, 1), "reflect", {}), ((2, 3, 4), (5, 1), "circular", {}), ((2, 3, 4), (1,), "constant", {}),
])
def test_pad_errors_match_torch(shape, pads, mode, kw):
    _torch_error(lambda: F.pad(ember.zeros(*shape), pads, mode, **kw), lambda: TF.pad(torch.zeros(*shape), pads, mode),
                 (RuntimeError, NotImplementedError))


LAYERS = [("ZeroPad1d", (2,)), ("ZeroPad1d", ((1, 3),)), ("ZeroPad2d", ((1, 2, 0, 3),)), ("ZeroPad3d", (1,)),
          ("ConstantPad1d", (2, 3.5)), ("ConstantPad2d", ((1, 0, 2, 1), -1.0)), ("ConstantPad3d", (1, 2)),
          ("ReflectionPad1d", (2,)), ("ReflectionPad2d", ((1, 2, 2, 0),)), ("ReflectionPad3d", (1,)),
          ("ReplicationPad1d", ((3, 1),)), ("ReplicationPad2d", (2,)), ("ReplicationPad3d", ((1, 0, 2, 1, 0, 1),)),
          ("CircularPad1d", (2,)), ("CircularPad2d", ((1, 2, 3, 0),)), ("CircularPad3d", (1,))]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name, args", LAYERS, ids=str)
def test_padding_layers_match_torch(name, args, dtype):
    e, t = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(e) == repr(t)
    assert e.padding == t.padding
    nd = int(name[-2])
    for shape in ((2, 3, 4, 4, 3)[:nd + 2], (3, 4, 4, 3)[:nd + 1]):
        _check(e, t, [shape], dtype)


def test_circular_pad_layer_checks_dims():
    for nd in (1, 2, 3):
        shape = (1,) * (nd + 3)
        _torch_error(lambda: getattr(nn, f"CircularPad{nd}d")(1)(ember.zeros(*shape)),
                     lambda: getattr(torch.nn, f"CircularPad{nd}d")(1)(torch.zeros(*shape)), ValueError)


def test_padding_layer_graph_names_match_torch():
    for name in ("ReflectionPad2d", "ReplicationPad3d", "ConstantPad1d"):
        nd = int(name[-2])
        shape = (1, 2, 3, 3, 3)[:nd + 2]
        ye = getattr(nn, name)(*((1, 0.5) if "Constant" in name else (1,)))(ember.zeros(*shape, requires_grad=True))
        yt = getattr(torch.nn, name)(*((1, 0.5) if "Constant" in name else (1,)))(torch.zeros(*shape, requires_grad=True))
        assert type(ye.grad_fn).__name__ == type(yt.grad_fn).__name__
