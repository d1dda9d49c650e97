"""TransformerEncoderLayer and TransformerEncoder against torch: outputs, input and parameter gradients."""
import numpy as np
import pytest
import torch

import ember
from ember import nn
import ember.nn.functional as F

TOL = {"float64": dict(rtol=1e-10, atol=1e-11), "float32": dict(rtol=2e-4, atol=2e-5)}


def _copy(e, t):
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})


def _close(e, t, tol, msg=""):
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), **tol, err_msg=msg)


def _compare(e, t, dtype, x, kw_e=None, kw_t=None):
    """Same input through both; compare output, input gradient and every parameter's gradient."""
    tol = TOL[dtype]
    xe, xt = ember.tensor(x.astype(dtype), requires_grad=True), torch.tensor(x.astype(dtype), requires_grad=True)
    ye, yt = e(xe, **(kw_e or {})), t(xt, **(kw_t or {}))
    _close(ye, yt, tol)
    g = np.random.default_rng(1).standard_normal(tuple(yt.shape)).astype(dtype)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    _close(xe.grad, xt.grad, tol, "input")
    te = dict(t.named_parameters())
    names = [n for n, _ in e.named_parameters()]
    assert names == list(te)
    for n, pe in e.named_parameters():
        _close(pe.grad, te[n].grad, tol, n)


def _layers(dtype, **kw):
    kw = dict(dict(d_model=4, nhead=2, dim_feedforward=6, dropout=0.0), **kw)
    act = kw.pop("activation", None)
    t = torch.nn.TransformerEncoderLayer(**kw, **({} if act is None else {"activation": act[1]}))
    e = nn.TransformerEncoderLayer(**kw, **({} if act is None else {"activation": act[0]}))
    t, e = t.to(getattr(torch, dtype)), e.to(getattr(ember, dtype))
    _copy(e, t)
    return e, t


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_encoder_layer_matches_torch(dtype, norm_first, batch_first):
    e, t = _layers(dtype, norm_first=norm_first, batch_first=batch_first)
    _compare(e, t, dtype, np.random.default_rng(0).standard_normal((3, 2, 4)))


@pytest.mark.parametrize("activation", [("gelu", "gelu"), (F.gelu, torch.nn.functional.gelu),
                                        (nn.GELU(), torch.nn.GELU()), (lambda x: x.tanh(), lambda x: x.tanh())])
def test_encoder_layer_activations_match_torch(activation):
    e, t = _layers("float64", activation=activation)
    assert e.activation_relu_or_gelu == t.activation_relu_or_gelu
    _compare(e, t, "float64", np.random.default_rng(2).standard_normal((3, 2, 4)))


def _masks(kind, S, N):
    if kind == "bool":
        m = np.random.default_rng(3).random((S, S)) < 0.3
        np.fill_diagonal(m, False)
        return {"src_mask": m}
    if kind == "float":
        return {"src_mask": np.random.default_rng(3).standard_normal((S, S))}
    if kind == "padding":
        p = np.zeros((N, S), dtype=bool)
        p[1, -1] = True
        return {"src_key_padding_mask": p}
    if kind == "causal":
        return {"src_mask": np.triu(np.full((S, S), -np.inf), 1), "is_causal": True}
    p = np.zeros((N, S))            # "causal_and_padding"
    p[0, 0] = -np.inf
    return {"src_mask": np.triu(np.full((S, S), -np.inf), 1), "src_key_padding_mask": p, "is_causal": True}


def _as(kw, lib):
    return {k: lib.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kind", ["bool", "float", "padding", "causal", "causal_and_padding"])
def test_encoder_layer_masks_match_torch(dtype, kind):
    e, t = _layers(dtype, batch_first=True)
    kw = _masks(kind, 3, 2)
    kw = {k: v.astype(dtype) if isinstance(v, np.ndarray) and v.dtype != bool else v for k, v in kw.items()}
    _compare(e, t, dtype, np.random.default_rng(4).standard_normal((2, 3, 4)), _as(kw, ember), _as(kw, torch))


def test_encoder_layer_unbatched_and_eval_match_torch():
    e, t = _layers("float64", dropout=0.3, norm_first=True)
    e.eval()
    t.eval()
    pad = np.array([False, False, True])
    _compare(e, t, "float64", np.random.default_rng(5).standard_normal((3, 4)),
             {"src_key_padding_mask": ember.tensor(pad)}, {"src_key_padding_mask": torch.tensor(pad)})


def test_encoder_layer_dropout_in_training():
    e, _ = _layers("float64", dropout=0.5)
    x = ember.tensor(np.random.default_rng(6).standard_normal((3, 2, 4)))
    ember.manual_seed(0)
    a = e(x).detach().numpy()
    ember.manual_seed(0)
    assert np.array_equal(a, e(x).detach().numpy())
    e.eval()
    assert not np.allclose(a, e(x).detach().numpy())


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("with_norm", [False, True])
def test_encoder_matches_torch(dtype, with_norm):
    te = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0, batch_first=True), 2,
                                     norm=torch.nn.LayerNorm(4) if with_norm else None, enable_nested_tensor=False)
    ee = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0, batch_first=True), 2,
                               norm=nn.LayerNorm(4) if with_norm else None, enable_nested_tensor=False)
    te, ee = te.to(getattr(torch, dtype)), ee.to(getattr(ember, dtype))
    _copy(ee, te)
    assert repr(ee) == repr(te)
    causal = np.triu(np.full((3, 3), -np.inf), 1).astype(dtype)
    pad = np.zeros((2, 3), dtype=dtype)
    pad[1, 2] = -np.inf
    kw = {"mask": causal, "src_key_padding_mask": pad}
    _compare(ee, te, dtype, np.random.default_rng(7).standard_normal((2, 3, 4)), _as(kw, ember), _as(kw, torch))


def test_encoder_layers_are_independent_copies():
    layer = nn.TransformerEncoderLayer(4, 2, 6)
    enc = nn.TransformerEncoder(layer, 3)
    assert len(enc.layers) == 3 and enc.num_layers == 3 and enc.norm is None
    weights = [m.linear1.weight for m in enc.layers] + [layer.linear1.weight]
    assert len({id(w) for w in weights}) == 4
    assert all(np.array_equal(w.detach().numpy(), layer.linear1.weight.detach().numpy()) for w in weights)
    t = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(4, 2, 6), 3, enable_nested_tensor=False)
    assert list(enc.state_dict()) == list(t.state_dict())


def test_encoder_causal_mask_detection():
    from ember.nn.modules.transformer import _detect_is_causal_mask
    from torch.nn.modules.transformer import _detect_is_causal_mask as torch_detect
    causal = np.triu(np.full((3, 3), -np.inf), 1)
    for m, hint in [(causal, None), (np.zeros((3, 3)), None), (causal, False), (None, None), (causal, True)]:
        got = _detect_is_causal_mask(None if m is None else ember.tensor(m), hint, 3)
        assert got == torch_detect(None if m is None else torch.tensor(m), hint, 3)


def test_encoder_layer_errors_and_repr_as_torch():
    with pytest.raises(RuntimeError) as want:
        torch.nn.TransformerEncoderLayer(4, 2, activation="tanh")
    with pytest.raises(RuntimeError) as got:
        nn.TransformerEncoderLayer(4, 2, activation="tanh")
    assert str(got.value) == str(want.value)
    with pytest.raises(AssertionError, match="^embed_dim must be divisible by num_heads$"):
        nn.TransformerEncoderLayer(5, 2)
    assert repr(nn.TransformerEncoderLayer(4, 2, 8, bias=False)) == repr(
        torch.nn.TransformerEncoderLayer(4, 2, 8, bias=False))
    e, t = _layers("float64")
    m = np.zeros((3, 3), dtype=np.int64)
    with pytest.raises(AssertionError) as want:
        t(torch.zeros(3, 2, 4, dtype=torch.float64), src_mask=torch.tensor(m))
    with pytest.raises(AssertionError) as got:
        e(ember.zeros(3, 2, 4, dtype=ember.float64), src_mask=ember.tensor(m))
    assert str(got.value) == str(want.value)


def _compare2(e, t, dtype, xs, kw_e=None, kw_t=None):
    """Two inputs (tgt and memory, or src and tgt) through both; compare output and all gradients."""
    tol = TOL[dtype]
    xe = [ember.tensor(x.astype(dtype), requires_grad=True) for x in xs]
    xt = [torch.tensor(x.astype(dtype), requires_grad=True) for x in xs]
    ye, yt = e(*xe, **(kw_e or {})), t(*xt, **(kw_t or {}))
    _close(ye, yt, tol)
    g = np.random.default_rng(1).standard_normal(tuple(yt.shape)).astype(dtype)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    for i, (a, b) in enumerate(zip(xe, xt)):
        _close(a.grad, b.grad, tol, f"input {i}")
    te = dict(t.named_parameters())
    assert [n for n, _ in e.named_parameters()] == list(te)
    for n, pe in e.named_parameters():
        _close(pe.grad, te[n].grad, tol, n)


def _decoder_layers(dtype, **kw):
    kw = dict(dict(d_model=4, nhead=2, dim_feedforward=6, dropout=0.0), **kw)
    act = kw.pop("activation", None)
    t = torch.nn.TransformerDecoderLayer(**kw, **({} if act is None else {"activation": act[1]}))
    e = nn.TransformerDecoderLayer(**kw, **({} if act is None else {"activation": act[0]}))
    t, e = t.to(getattr(torch, dtype)), e.to(getattr(ember, dtype))
    _copy(e, t)
    assert repr(e) == repr(t)
    return e, t


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_decoder_layer_matches_torch(dtype, norm_first, batch_first):
    e, t = _decoder_layers(dtype, norm_first=norm_first, batch_first=batch_first)
    r = np.random.default_rng(0)
    tgt, mem = r.standard_normal((3, 2, 4)), r.standard_normal((5, 2, 4))
    if batch_first:
        tgt, mem = tgt.transpose(1, 0, 2).copy(), mem.transpose(1, 0, 2).copy()
    _compare2(e, t, dtype, [tgt, mem])


@pytest.mark.parametrize("activation", [("gelu", "gelu"), (lambda x: x.tanh(), lambda x: x.tanh())])
def test_decoder_layer_activations_match_torch(activation):
    e, t = _decoder_layers("float64", activation=activation)
    r = np.random.default_rng(2)
    _compare2(e, t, "float64", [r.standard_normal((3, 2, 4)), r.standard_normal((4, 2, 4))])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_decoder_layer_masks_match_torch(dtype):
    e, t = _decoder_layers(dtype, batch_first=True)
    r = np.random.default_rng(3)
    tgt_pad = np.zeros((2, 3), dtype=bool)
    tgt_pad[1, 2] = True
    mem_pad = np.zeros((2, 4), dtype=bool)
    mem_pad[0, 1] = True
    kw = {"tgt_mask": np.triu(np.full((3, 3), -np.inf), 1).astype(dtype), "tgt_is_causal": True,
          "memory_mask": r.standard_normal((3, 4)).astype(dtype), "tgt_key_padding_mask": tgt_pad,
          "memory_key_padding_mask": mem_pad}
    _compare2(e, t, dtype, [r.standard_normal((2, 3, 4)), r.standard_normal((2, 4, 4))], _as(kw, ember),
              _as(kw, torch))


@pytest.mark.parametrize("with_norm", [False, True])
def test_decoder_matches_torch(with_norm):
    td = torch.nn.TransformerDecoder(torch.nn.TransformerDecoderLayer(4, 2, 6, dropout=0.0), 2,
                                     norm=torch.nn.LayerNorm(4) if with_norm else None).double()
    ed = nn.TransformerDecoder(nn.TransformerDecoderLayer(4, 2, 6, dropout=0.0), 2,
                               norm=nn.LayerNorm(4) if with_norm else None).double()
    _copy(ed, td)
    assert repr(ed) == repr(td)
    mask = np.triu(np.full((3, 3), -np.inf), 1)
    r = np.random.default_rng(7)
    _compare2(ed, td, "float64", [r.standard_normal((3, 2, 4)), r.standard_normal((4, 2, 4))],
              {"tgt_mask": ember.tensor(mask)}, {"tgt_mask": torch.tensor(mask)})


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_transformer_matches_torch(norm_first, batch_first):
    kw = dict(d_model=4, nhead=2, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=6, dropout=0.0,
              norm_first=norm_first, batch_first=batch_first)
    t = torch.nn.Transformer(**kw).double()
    e = nn.Transformer(**kw).double()
    _copy(e, t)
    assert repr(e) == repr(t)
    assert (e.d_model, e.nhead, e.batch_first) == (4, 2, batch_first)
    r = np.random.default_rng(8)
    src, tgt = r.standard_normal((5, 2, 4)), r.standard_normal((3, 2, 4))
    if batch_first:
        src, tgt = src.transpose(1, 0, 2).copy(), tgt.transpose(1, 0, 2).copy()
    pad = np.zeros((2, 5), dtype=bool)
    pad[0, 4] = True
    kw_e = {"tgt_mask": nn.Transformer.generate_square_subsequent_mask(3, dtype=ember.float64),
            "src_key_padding_mask": ember.tensor(pad), "memory_key_padding_mask": ember.tensor(pad)}
    kw_t = {"tgt_mask": torch.nn.Transformer.generate_square_subsequent_mask(3, dtype=torch.float64),
            "src_key_padding_mask": torch.tensor(pad), "memory_key_padding_mask": torch.tensor(pad)}
    _compare2(e, t, "float64", [src, tgt], kw_e, kw_t)


def test_transformer_default_init_statistics_match_torch():
    torch.manual_seed(0)
    t = torch.nn.Transformer(32, 2, 1, 1, 64)
    e = nn.Transformer(32, 2, 1, 1, 64)
    te = dict(t.named_parameters())
    for n, p in e.named_parameters():
        a, b = p.detach().numpy(), te[n].detach().numpy()
        if p.dim() > 1:             # xavier_uniform_: bound sqrt(6 / (fan_in + fan_out))
            bound = np.sqrt(6 / sum(b.shape))
            assert np.abs(a).max() <= bound and np.abs(a).max() > 0.8 * bound, n
            assert abs(a.std() - b.std()) < 0.2 * b.std(), n
        elif np.ptp(b) == 0:        # LayerNorm and attention in_proj_bias constants
            np.testing.assert_array_equal(a, b, err_msg=n)
        else:                       # Linear biases: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
            assert np.abs(a).max() <= 1.3 * np.abs(b).max() and abs(a.std() - b.std()) < 0.4 * b.std(), n


def test_generate_square_subsequent_mask_as_torch():
    e = nn.Transformer.generate_square_subsequent_mask(4)
    t = torch.nn.Transformer.generate_square_subsequent_mask(4)
    assert e.dtype == ember.float32
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    assert nn.Transformer.generate_square_subsequent_mask(2, dtype=ember.float64).dtype == ember.float64


def test_transformer_errors_as_torch():
    t, e = torch.nn.Transformer(4, 2, 1, 1, 6), nn.Transformer(4, 2, 1, 1, 6)
    for src, tgt in [((5, 2, 4), (3, 3, 4)), ((5, 2, 4), (3, 2, 6))]:
        with pytest.raises(RuntimeError) as want:
            t(torch.zeros(src), torch.zeros(tgt))
        with pytest.raises(RuntimeError) as got:
            e(ember.zeros(src), ember.zeros(tgt))
        assert str(got.value) == str(want.value)
    with pytest.raises(RuntimeError, match="^activation should be relu/gelu, not tanh$"):
        nn.TransformerDecoderLayer(4, 2, activation="tanh")


def test_transformer_custom_encoder_decoder():
    enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0), 1, enable_nested_tensor=False)
    dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(4, 2, 6, dropout=0.0), 1)
    e = nn.Transformer(4, 2, custom_encoder=enc, custom_decoder=dec)
    assert e.encoder is enc and e.decoder is dec
    src, tgt = ember.randn(5, 2, 4), ember.randn(3, 2, 4)
    np.testing.assert_allclose(e(src, tgt).detach().numpy(), dec(tgt, enc(src)).detach().numpy(), rtol=1e-6)
