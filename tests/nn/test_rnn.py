"""RNN, LSTM, GRU and their cells against torch with copied weights; packing; init; errors."""
import itertools

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from ember.nn.modules.rnn import MkldnnRnnLayerBackward0, ThnnFusedGruCellBackward0, ThnnFusedLstmCellBackward0
from ember.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

TOL = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=1e-4, atol=1e-5)}


def _pair(name, *args, dtype=np.float64, **kwargs):
    t = getattr(torch.nn, name)(*args, **kwargs).to(torch.float64 if dtype == np.float64 else torch.float32)
    e = getattr(ember.nn, name)(*args, **kwargs).to(ember.float64 if dtype == np.float64 else ember.float32)
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    return t, e


def _leaf(lib, a):
    return lib.tensor(a, requires_grad=True)


def _flat(x):
    return list(x) if isinstance(x, tuple) else [x]


def _check(t_mod, e_mod, arrays, call, dtype):
    """call(module, *leaves) -> outputs; compares outputs, then gradients of all leaves and parameters."""
    t_in = [_leaf(torch, a) for a in arrays]
    e_in = [_leaf(ember, a) for a in arrays]
    t_out, e_out = _flat(call(t_mod, *t_in)), _flat(call(e_mod, *e_in))
    rng = np.random.default_rng(1)
    seeds = [rng.standard_normal(tuple(o.shape)).astype(dtype) for o in t_out]
    for to, eo in zip(t_out, e_out):
        assert tuple(eo.shape) == tuple(to.shape)
        np.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), **TOL[dtype])
    sum(((o * torch.tensor(s)).sum() for o, s in zip(t_out, seeds))).backward()
    sum(((o * ember.tensor(s)).sum() for o, s in zip(e_out, seeds))).backward()
    for tt, et in zip(t_in, e_in):
        np.testing.assert_allclose(et.grad.numpy(), tt.grad.numpy(), **TOL[dtype])
    for (name, tp), (ename, ep) in zip(t_mod.named_parameters(), e_mod.named_parameters()):
        assert name == ename
        np.testing.assert_allclose(ep.grad.numpy(), tp.grad.numpy(), **TOL[dtype], err_msg=name)


def _layer_call(lstm, with_state):
    def call(mod, x, *states):
        if not with_state:
            out, h = mod(x)
        else:
            out, h = mod(x, (states[0], states[1]) if lstm else states[0])
        return tuple([out] + _flat(h))
    return call


CONFIGS = list(itertools.product([1, 2], [False, True], [False, True], [False, True]))


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("layers,bidirectional,batch_first,unbatched", CONFIGS)
def test_layer_vs_torch(name, layers, bidirectional, batch_first, unbatched):
    rng = np.random.default_rng(layers * 8 + bidirectional * 4 + batch_first * 2 + unbatched)
    directions = 2 if bidirectional else 1
    for dtype, with_state in ((np.float64, True), (np.float32, False)):
        t, e = _pair(name, 3, 4, layers, batch_first=batch_first, bidirectional=bidirectional, dtype=dtype)
        shape = (5, 3) if unbatched else ((2, 5, 3) if batch_first else (5, 2, 3))
        state = (layers * directions, 4) if unbatched else (layers * directions, 2, 4)
        arrays = [rng.standard_normal(shape).astype(dtype)]
        if with_state:
            arrays += [rng.standard_normal(state).astype(dtype) for _ in range(2 if name == "LSTM" else 1)]
        _check(t, e, arrays, _layer_call(name == "LSTM", with_state), dtype)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_lstm_proj_size(bidirectional):
    rng = np.random.default_rng(0)
    t, e = _pair("LSTM", 3, 5, 2, proj_size=2, bidirectional=bidirectional)
    d = 2 if bidirectional else 1
    arrays = [rng.standard_normal((4, 2, 3)), rng.standard_normal((2 * d, 2, 2)), rng.standard_normal((2 * d, 2, 5))]
    _check(t, e, arrays, _layer_call(True, True), np.float64)


def test_rnn_relu_and_no_bias():
    rng = np.random.default_rng(0)
    for kwargs in (dict(nonlinearity="relu"), dict(bias=False)):
        t, e = _pair("RNN", 3, 4, 2, **kwargs)
        _check(t, e, [rng.standard_normal((5, 2, 3))], _layer_call(False, False), np.float64)
    for name in ("LSTM", "GRU"):
        t, e = _pair(name, 3, 4, bias=False)
        _check(t, e, [rng.standard_normal((5, 2, 3))], _layer_call(False, False), np.float64)


@pytest.mark.parametrize("name,kwargs", [("RNNCell", {}), ("RNNCell", dict(nonlinearity="relu")), ("LSTMCell", {}),
                                         ("GRUCell", {}), ("GRUCell", dict(bias=False))])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cells_vs_torch(name, kwargs, dtype):
    rng = np.random.default_rng(2)
    t, e = _pair(name, 3, 4, dtype=dtype, **kwargs)
    lstm = name == "LSTMCell"
    for batch in ((2,), ()):
        arrays = [rng.standard_normal(batch + (3,)).astype(dtype)] + \
                 [rng.standard_normal(batch + (4,)).astype(dtype) for _ in range(2 if lstm else 1)]
        t.zero_grad()
        e.zero_grad()
        _check(t, e, arrays, lambda m, x, *s: m(x, tuple(s) if lstm else s[0]), dtype)
    t.zero_grad()
    e.zero_grad()
    _check(t, e, [rng.standard_normal((2, 3)).astype(dtype)], lambda m, x: m(x), dtype)


def test_fused_cells_gradcheck_and_gradgradcheck():
    rng = np.random.default_rng(3)
    lstm = [ember.tensor(rng.standard_normal(s), requires_grad=True) for s in ((2, 12), (2, 3))]
    assert gradcheck(ThnnFusedLstmCellBackward0.apply, lstm)
    assert gradgradcheck(ThnnFusedLstmCellBackward0.apply, lstm)
    gru = [ember.tensor(rng.standard_normal(s), requires_grad=True) for s in ((2, 9), (2, 9), (2, 3))]
    assert gradcheck(ThnnFusedGruCellBackward0.apply, gru)
    assert gradgradcheck(ThnnFusedGruCellBackward0.apply, gru)
    cell = ember.nn.LSTMCell(2, 3).double()
    x = ember.tensor(rng.standard_normal((2, 2)), requires_grad=True)
    assert gradgradcheck(lambda x: cell(x)[0], [x])


LAYER_OPS = [("LSTM", 4, True, False), ("GRU", 3, False, True), ("GRU", 3, False, False), ("RNN_TANH", 1, False, False),
             ("RNN_RELU", 1, False, False)]
LAYER_OP_INPUTS = ("xg", "h0", "c0", "w_hh", "b_hh")


@pytest.mark.parametrize("mode,chunks,with_c,with_bias", LAYER_OPS)
@pytest.mark.parametrize("reverse", [False, True])
def test_layer_op_gradcheck_and_gradgradcheck(mode, chunks, with_c, with_bias, reverse):
    rng = np.random.default_rng(4)
    shapes = dict(xg=(3, 2, 2 * chunks), h0=(2, 2), c0=(2, 2) if with_c else None, w_hh=(2 * chunks, 2),
                  b_hh=(2 * chunks,) if with_bias else None)
    args = {n: ember.tensor(rng.standard_normal(s), requires_grad=True) for n, s in shapes.items() if s is not None}

    def layer(given, names):
        def run(*leaves):
            full = {**given, **dict(zip(names, leaves))}
            return MkldnnRnnLayerBackward0.apply(*(full.get(n) for n in LAYER_OP_INPUTS), mode, reverse)
        return run

    assert gradcheck(layer(args, list(args)), list(args.values()))
    assert gradgradcheck(layer(args, list(args)), list(args.values()))
    # h0 not requiring grad, and the last output's gradient only
    rest = [n for n in args if n != "h0"]
    last = layer({**args, "h0": args["h0"].detach()}, rest)
    assert gradgradcheck(lambda *leaves: last(*leaves)[-1], [args[n] for n in rest])


@pytest.mark.parametrize("name,kwargs", [("GRU", {}), ("RNN", {}), ("RNN", dict(nonlinearity="relu"))])
def test_layer_op_backward_twice_and_output_changed_in_place(name, kwargs):
    """retain_graph gives the same gradients twice; changing the output in place leaves the gradients as torch's."""
    rng = np.random.default_rng(6)
    x, h0 = rng.standard_normal((4, 2, 3)), rng.standard_normal((2, 2, 4))
    t, e = _pair(name, 3, 4, 2, bidirectional=False, **kwargs)
    grads = {}
    for lib, mod in ((torch, t), (ember, e)):
        xs, hs = _leaf(lib, x), _leaf(lib, h0)
        out, h = mod(xs, hs)
        loss = (out * out).sum() + (h * h).sum()
        loss.backward(retain_graph=True)
        first = [g.grad.numpy().copy() for g in (xs, hs, mod.weight_hh_l1)]
        loss.backward()
        second = [g.grad.numpy() for g in (xs, hs, mod.weight_hh_l1)]
        for a, b in zip(first, second):
            np.testing.assert_allclose(b, 2 * a, rtol=1e-12)
        out, h = mod(xs, hs)
        with lib.no_grad():
            out.mul_(2)
        xs.grad = None
        (out.sum() + h.sum()).backward()
        grads[lib] = first + [xs.grad.numpy()]
    for a, b in zip(grads[ember], grads[torch]):
        np.testing.assert_allclose(a, b, **TOL[np.float64])


@pytest.mark.parametrize("name", ["GRU", "RNN", "LSTM"])
def test_layer_saved_input_changed_in_place_raises(name):
    def run(lib):
        lib.manual_seed(0)
        mod = getattr(lib.nn, name)(3, 4).double()
        x = lib.randn(2, 1, 3, dtype=lib.float64)
        h0 = lib.randn(1, 1, 4, dtype=lib.float64)
        out, _ = mod(x, (h0, h0) if name == "LSTM" else h0)
        h0.add_(1)
        with pytest.raises(RuntimeError) as info:
            out.sum().backward()
        return str(info.value)

    prefix = "one of the variables needed for gradient computation has been modified by an inplace operation: "
    assert run(torch).startswith(prefix) and run(ember).startswith(prefix)


def test_module_gradgradcheck_through_layer_op():
    rng = np.random.default_rng(7)
    for name in ("GRU", "RNN"):
        mod = getattr(ember.nn, name)(2, 3, bidirectional=True).double()
        x = ember.tensor(rng.standard_normal((3, 2, 2)), requires_grad=True)
        h0 = ember.tensor(rng.standard_normal((2, 2, 3)), requires_grad=True)
        assert mod(x, h0)[0].grad_fn.next_functions[0][0].name() == "MkldnnRnnLayerBackward0"
        assert gradgradcheck(lambda x, h0: mod(x, h0)[0], [x, h0])


def test_grad_fn_names():
    x = ember.randn(3, 2, 4, requires_grad=True)
    out, (h, c) = ember.nn.LSTM(4, 5)(x)
    assert out.grad_fn.name() == "MkldnnRnnLayerBackward0" and h.grad_fn.name() == "StackBackward0"
    for mod in (ember.nn.GRU(4, 5), ember.nn.RNN(4, 5, nonlinearity="relu")):
        out, h = mod(x)
        assert out.grad_fn.name() == "MkldnnRnnLayerBackward0" and h.grad_fn.name() == "StackBackward0"
    assert ember.nn.LSTMCell(4, 5)(x[0])[1].grad_fn.name() == "ThnnFusedLstmCellBackward0"
    assert ember.nn.GRUCell(4, 5)(x[0]).grad_fn.name() == "ThnnFusedGruCellBackward0"


def test_dropout_between_layers():
    ember.manual_seed(0)
    e = ember.nn.LSTM(3, 4, 2, dropout=0.5).double()
    x = ember.randn(5, 2, 3, dtype=ember.float64)
    e.eval()
    a, b = e(x)[0], e(x)[0]
    assert np.array_equal(a.detach().numpy(), b.detach().numpy())
    t, e2 = _pair("LSTM", 3, 4, 2)
    e2.load_state_dict(e.state_dict())
    t.load_state_dict({k: torch.tensor(v.numpy()) for k, v in e.state_dict().items()})
    np.testing.assert_allclose(a.detach().numpy(), t(torch.tensor(x.numpy()))[0].detach().numpy(), rtol=1e-10)
    e.train()
    c, d = e(x)[0], e(x)[0]
    assert not np.allclose(c.detach().numpy(), d.detach().numpy())


def test_parameter_names_shapes_and_repr():
    for name, kwargs in (("LSTM", dict(num_layers=2, bidirectional=True, proj_size=2)), ("GRU", dict(bias=False)),
                         ("RNN", dict(nonlinearity="relu", num_layers=2, batch_first=True, dropout=0.5)),
                         ("LSTMCell", {}), ("RNNCell", dict(nonlinearity="relu", bias=False)), ("GRUCell", {})):
        t = getattr(torch.nn, name)(4, 5, **kwargs)
        e = getattr(ember.nn, name)(4, 5, **kwargs)
        assert [(n, tuple(p.shape)) for n, p in e.named_parameters()] == \
               [(n, tuple(p.shape)) for n, p in t.named_parameters()]
        assert repr(e) == repr(t)
    e = ember.nn.LSTM(4, 5, 2)
    assert e._flat_weights_names == torch.nn.LSTM(4, 5, 2)._flat_weights_names
    assert e.all_weights[1][0] is e.weight_ih_l1


def test_init_statistics():
    for name in ("LSTM", "GRUCell"):
        e = getattr(ember.nn, name)(64, 100)
        bound = 1 / np.sqrt(100)
        for p in e.parameters():
            a = p.detach().numpy()
            assert a.min() >= -bound and a.max() <= bound
            assert abs(a.mean()) < 0.1 * bound
            assert abs(a.std() - bound / np.sqrt(3)) < 0.1 * bound


def _raises(fn_e, fn_t, kind):
    with pytest.raises(kind) as te:
        fn_t()
    with pytest.raises(kind) as ee:
        fn_e()
    assert str(ee.value) == str(te.value)


def test_errors_as_torch():
    cases = [
        (lambda m: m.nn.LSTM(4, 5)(m.randn(3, 2, 3)), RuntimeError),
        (lambda m: m.nn.GRU(4, 5)(m.randn(3, 2, 4, 1)), ValueError),
        (lambda m: m.nn.RNN(4, 5)(m.randn(3, 2, 4, 1)), ValueError),
        (lambda m: m.nn.LSTM(4, 5)(m.randn(3, 2, 4), (m.randn(1, 3, 5), m.randn(1, 2, 5))), RuntimeError),
        (lambda m: m.nn.LSTM(4, 5)(m.randn(3, 2, 4), (m.randn(1, 2, 5), m.randn(1, 2, 6))), RuntimeError),
        (lambda m: m.nn.GRU(4, 5)(m.randn(3, 2, 4), m.randn(2, 2, 5)), RuntimeError),
        (lambda m: m.nn.GRU(4, 5)(m.randn(3, 4), m.randn(1, 1, 5)), RuntimeError),
        (lambda m: m.nn.LSTM(4, 5)(m.randn(3, 2, 4), (m.randn(2, 5), m.randn(2, 5))), RuntimeError),
        (lambda m: m.nn.LSTM(4, 5)(m.randn(3, 2, 4, dtype=m.float64)), ValueError),
        (lambda m: m.nn.LSTMCell(4, 5)(m.randn(3, 3)), RuntimeError),
        (lambda m: m.nn.LSTMCell(4, 5)(m.randn(3, 4), (m.randn(2, 5), m.randn(2, 5))), RuntimeError),
        (lambda m: m.nn.GRUCell(4, 5)(m.randn(3, 4), m.randn(3, 6)), RuntimeError),
        (lambda m: m.nn.RNNCell(4, 5)(m.randn(3, 4, 1)), ValueError),
        (lambda m: m.nn.LSTM(4, 5, proj_size=5), ValueError),
        (lambda m: m.nn.GRU(4, 5, proj_size=2), ValueError),
        (lambda m: m.nn.RNN(4, 5, nonlinearity="gelu"), ValueError),
        (lambda m: m.nn.LSTM(4, 5, dropout=1.5), ValueError),
        (lambda m: m.nn.LSTM(4, 5, num_layers=0), ValueError),
        (lambda m: m.nn.LSTM(4.0, 5), TypeError),
    ]
    for make, kind in cases:
        _raises(lambda: make(ember), lambda: make(torch), kind)


def test_pad_sequence_vs_torch():
    rng = np.random.default_rng(4)
    arrays = [rng.standard_normal((n, 2)) for n in (3, 1, 4)]
    for kwargs in (dict(), dict(batch_first=True, padding_value=-1.0), dict(padding_side="left")):
        t_in, e_in = [_leaf(torch, a) for a in arrays], [_leaf(ember, a) for a in arrays]
        t_out = torch.nn.utils.rnn.pad_sequence(t_in, **kwargs)
        e_out = ember.nn.utils.rnn.pad_sequence(e_in, **kwargs)
        np.testing.assert_array_equal(e_out.detach().numpy(), t_out.detach().numpy())
        seed = rng.standard_normal(tuple(t_out.shape))
        (t_out * torch.tensor(seed)).sum().backward()
        (e_out * ember.tensor(seed)).sum().backward()
        for a, b in zip(e_in, t_in):
            np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_packed_sequence_through_layer(name, enforce_sorted):
    rng = np.random.default_rng(5)
    lengths = [4, 3, 1] if enforce_sorted else [3, 4, 1]
    x = rng.standard_normal((3, 4, 2))
    t, e = _pair(name, 2, 3, 2, batch_first=True, bidirectional=True)

    def call(lib, mod, leaf):
        packed = (torch.nn.utils.rnn if lib is torch else ember.nn.utils.rnn).pack_padded_sequence(
            leaf, lengths, batch_first=True, enforce_sorted=enforce_sorted)
        out, h = mod(packed)
        unpack = torch.nn.utils.rnn.pad_packed_sequence if lib is torch else pad_packed_sequence
        padded, lens = unpack(out, batch_first=True)
        assert lens.tolist() == lengths
        return (padded,) + tuple(_flat(h)) + (out.data,)

    _check(t, e, [x], lambda m, leaf: call(torch if isinstance(leaf, torch.Tensor) else ember, m, leaf),
           np.float64)
    packed = pack_padded_sequence(ember.tensor(x), lengths, batch_first=True, enforce_sorted=enforce_sorted)
    t_packed = torch.nn.utils.rnn.pack_padded_sequence(torch.tensor(x), lengths, batch_first=True,
                                                       enforce_sorted=enforce_sorted)
    assert packed.batch_sizes.tolist() == t_packed.batch_sizes.tolist()
    np.testing.assert_array_equal(packed.data.numpy(), t_packed.data.numpy())
    assert pad_sequence([ember.ones(2), ember.ones(1)]).shape == (2, 2)


def test_pack_errors_as_torch():
    _raises(lambda: pack_padded_sequence(ember.zeros(3, 2), [1, 2]),
            lambda: torch.nn.utils.rnn.pack_padded_sequence(torch.zeros(3, 2), [1, 2]), RuntimeError)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_empty_sequence_raises_as_torch(kind, batch_first):
    shape = (1, 0, 2) if batch_first else (0, 1, 2)
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="^Expected sequence length to be larger than 0 in RNN$"):
            getattr(lib.nn, kind)(2, 3, batch_first=batch_first)(lib.zeros(*shape))
    empty_batch = (0, 4, 2) if batch_first else (4, 0, 2)            # an empty batch is fine, as in torch
    out, _ = ember.nn.GRU(2, 3, batch_first=batch_first)(ember.zeros(*empty_batch))
    assert tuple(out.shape) == empty_batch[:2] + (3,)
