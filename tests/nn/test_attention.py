"""F.scaled_dot_product_attention, F.multi_head_attention_forward and MultiheadAttention against torch."""
import numpy as np
import pytest
import torch

import ember
from ember import nn
from ember.autograd import gradcheck, gradgradcheck
import ember.nn.functional as F

TOL = {"float64": dict(rtol=1e-10, atol=1e-12), "float32": dict(rtol=1e-4, atol=1e-5)}


def _copy(e, t):
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})


def _pair(a, grad=True):
    """The same array as an ember and a torch tensor (bool arrays never require grad)."""
    grad = grad and a.dtype != bool
    return ember.tensor(a, requires_grad=grad), torch.tensor(a, requires_grad=grad)


def _close(e, t, tol, msg=""):
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), **tol, err_msg=msg)


def _backward_and_compare(ye, yt, inputs, tol, e_mod=None, t_mod=None):
    """Backward of the same random cotangent; compare the inputs' and the modules' parameters' gradients."""
    g = np.random.default_rng(9).standard_normal(tuple(yt.shape)).astype(str(yt.dtype).split(".")[1])
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    for i, (xe, xt) in enumerate(inputs):
        if xt.requires_grad:
            _close(xe.grad, xt.grad, tol, f"input {i}")
    if e_mod is not None:
        te = dict(t_mod.named_parameters())
        for n, pe in e_mod.named_parameters():
            _close(pe.grad, te[n].grad, tol, n)


# ---- scaled_dot_product_attention --------------------------------------------------------------------------------
def _masks(L, S, rng):
    keep = rng.random((L, S)) < 0.7
    keep[:, 0] = True
    empty = keep.copy()
    empty[1] = False                    # a row where no key takes part gives 0
    return {"none": None, "bool": keep, "bool_empty_row": empty,
            "float": rng.standard_normal((L, S)), "float_batched": rng.standard_normal((2, 1, L, S))}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("mask", ["none", "bool", "bool_empty_row", "float", "float_batched", "causal"])
def test_sdpa_matches_torch(dtype, mask):
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal(s).astype(dtype) for s in [(2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7)])
    m = None if mask == "causal" else _masks(4, 6, rng)[mask]
    if m is not None and m.dtype != bool:
        m = m.astype(dtype)
    pairs = [_pair(a) for a in (q, k, v)]
    me, mt = _pair(m) if m is not None else (None, None)
    kw = dict(is_causal=mask == "causal")
    ye = F.scaled_dot_product_attention(*(p[0] for p in pairs), attn_mask=me, **kw)
    yt = torch.nn.functional.scaled_dot_product_attention(*(p[1] for p in pairs), attn_mask=mt, **kw)
    _close(ye, yt, TOL[dtype])
    _backward_and_compare(ye, yt, pairs + ([(me, mt)] if mt is not None else []), TOL[dtype])


@pytest.mark.parametrize("shape", [((4, 5), (6, 5), (6, 3)), ((3, 2, 4, 5), (2, 6, 5), (2, 6, 3))])
def test_sdpa_any_batch_dims_scale_and_gqa(shape):
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal(s) for s in shape]
    pairs = [_pair(a) for a in arrays]
    ye = F.scaled_dot_product_attention(*(p[0] for p in pairs), scale=0.3)
    yt = torch.nn.functional.scaled_dot_product_attention(*(p[1] for p in pairs), scale=0.3)
    _close(ye, yt, TOL["float64"])
    _backward_and_compare(ye, yt, pairs, TOL["float64"])
    q, k = rng.standard_normal((2, 4, 3, 5)), rng.standard_normal((2, 2, 6, 5))
    pairs = [_pair(a) for a in (q, k, k)]
    ye = F.scaled_dot_product_attention(*(p[0] for p in pairs), enable_gqa=True)
    yt = torch.nn.functional.scaled_dot_product_attention(*(p[1] for p in pairs), enable_gqa=True)
    _close(ye, yt, TOL["float64"])
    _backward_and_compare(ye, yt, pairs, TOL["float64"])


def test_sdpa_causal_rectangular_and_dropout_statistics():
    rng = np.random.default_rng(2)
    q, k, v = (rng.standard_normal(s) for s in [(3, 4), (5, 4), (5, 2)])
    ye = F.scaled_dot_product_attention(*(ember.tensor(a) for a in (q, k, v)), is_causal=True)
    yt = torch.nn.functional.scaled_dot_product_attention(*(torch.tensor(a) for a in (q, k, v)), is_causal=True)
    _close(ye, yt, TOL["float64"])
    # dropout on the weights: with v = ones each output is the sum of kept weights / (1 - p), mean 1
    ember.manual_seed(0)
    y = F.scaled_dot_product_attention(ember.zeros(4000, 1, 3), ember.zeros(4000, 8, 3), ember.ones(4000, 8, 1),
                                       dropout_p=0.5).numpy()
    assert abs(y.mean() - 1) < 0.02 and set(np.unique(np.round(y * 8, 6))) <= set(np.arange(0, 17, 2.0))


def test_sdpa_gradcheck():
    rng = np.random.default_rng(3)
    q, k, v = (ember.tensor(rng.standard_normal(s), requires_grad=True) for s in [(2, 3, 2), (2, 4, 2), (2, 4, 3)])
    m = ember.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    assert gradcheck(lambda *a: F.scaled_dot_product_attention(*a), (q, k, v, m))
    assert gradgradcheck(lambda *a: F.scaled_dot_product_attention(*a), (q, k, v))
    assert gradcheck(lambda *a: F.scaled_dot_product_attention(*a, is_causal=True), (q, k, v))
    keep = ember.tensor(rng.random((3, 4)) < 0.6)
    assert gradcheck(lambda *a: F.scaled_dot_product_attention(*a, attn_mask=keep), (q, k, v))


def _error(fn_e, fn_t, exc):
    with pytest.raises(exc) as want:
        fn_t()
    with pytest.raises(exc) as got:
        fn_e()
    assert str(got.value) == str(want.value).replace("torch.Size", "ember.Size")


def test_sdpa_errors_as_torch():
    q, k, v = np.zeros((2, 3, 4)), np.zeros((2, 5, 4)), np.zeros((2, 5, 6))
    E, T = [ember.tensor(a) for a in (q, k, v)], [torch.tensor(a) for a in (q, k, v)]
    fe, ft = F.scaled_dot_product_attention, torch.nn.functional.scaled_dot_product_attention
    m = np.ones((3, 5), dtype=bool)
    _error(lambda: fe(*E, attn_mask=ember.tensor(m), is_causal=True),
           lambda: ft(*T, attn_mask=torch.tensor(m), is_causal=True), RuntimeError)
    _error(lambda: fe(*E, attn_mask=ember.tensor(m.astype(np.int64))),
           lambda: ft(*T, attn_mask=torch.tensor(m.astype(np.int64))), RuntimeError)
    _error(lambda: fe(E[0].float(), E[1], E[2]), lambda: ft(T[0].float(), T[1], T[2]), RuntimeError)
    q4, k4 = np.zeros((1, 4, 3, 2)), np.zeros((1, 3, 5, 2))
    _error(lambda: fe(ember.tensor(q4), ember.tensor(k4), ember.tensor(k4), enable_gqa=True),
           lambda: ft(torch.tensor(q4), torch.tensor(k4), torch.tensor(k4), enable_gqa=True), RuntimeError)


# ---- MultiheadAttention ------------------------------------------------------------------------------------------
def _mha_pair(dtype, **kw):
    t = torch.nn.MultiheadAttention(**kw).to(getattr(torch, dtype))
    e = nn.MultiheadAttention(**kw).to(getattr(ember, dtype))
    _copy(e, t)
    return e, t


def _run_mha(e, t, dtype, arrays, call_kw_e, call_kw_t, self_attention=False):
    pairs = [_pair(a.astype(dtype)) for a in arrays]
    if self_attention:
        pairs = pairs * 3
    ye, we = e(*(p[0] for p in pairs), **call_kw_e)
    yt, wt = t(*(p[1] for p in pairs), **call_kw_t)
    tol = TOL[dtype]
    _close(ye, yt, tol)
    if wt is None:
        assert we is None
        out_e, out_t = ye, yt
    else:
        _close(we, wt, tol)
        out_e, out_t = ye * 2 + we.sum(), yt * 2 + wt.sum()      # weights' gradient flows too
    _backward_and_compare(out_e, out_t, pairs[:1] if self_attention else pairs, tol, e, t)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("need_weights,average", [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize("batch_first", [False, True])
def test_mha_self_attention_matches_torch(dtype, need_weights, average, batch_first):
    e, t = _mha_pair(dtype, embed_dim=6, num_heads=2, batch_first=batch_first)
    x = np.random.default_rng(4).standard_normal((3, 4, 6))
    kw = dict(need_weights=need_weights, average_attn_weights=average)
    _run_mha(e, t, dtype, [x], kw, kw, self_attention=True)


def _mask_kwargs(kind, L, S, N, H, dtype, rng):
    """The same masks for ember and torch: attention masks of 2-D / 3-D, bool / float, key padding, causal."""
    if kind == "bool2d":
        m = rng.random((L, S)) < 0.3
        m[:, 0] = False
        return {"attn_mask": m}
    if kind == "float3d":
        return {"attn_mask": rng.standard_normal((N * H, L, S)).astype(dtype)}
    if kind == "padding":
        m = np.zeros((N, S), dtype=bool)
        m[0, -2:] = True
        return {"key_padding_mask": m}
    if kind == "padding_float_and_mask":
        p = np.zeros((N, S), dtype=dtype)
        p[1, :2] = -np.inf
        return {"key_padding_mask": p, "attn_mask": rng.standard_normal((L, S)).astype(dtype)}
    if kind == "causal":
        return {"attn_mask": np.triu(np.ones((L, S), dtype=bool), 1), "is_causal": True}
    raise ValueError(kind)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("kind", ["bool2d", "float3d", "padding", "padding_float_and_mask", "causal"])
def test_mha_masks_match_torch(dtype, need_weights, kind):
    e, t = _mha_pair(dtype, embed_dim=4, num_heads=2)
    rng = np.random.default_rng(5)
    q, kv = rng.standard_normal((3, 2, 4)), rng.standard_normal((3, 2, 4))
    masks = _mask_kwargs(kind, 3, 3, 2, 2, dtype, rng)
    ke = {k: ember.tensor(v) if isinstance(v, np.ndarray) else v for k, v in masks.items()}
    kt = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in masks.items()}
    _run_mha(e, t, dtype, [q, kv, kv], dict(ke, need_weights=need_weights), dict(kt, need_weights=need_weights))


@pytest.mark.parametrize("options", [dict(kdim=3, vdim=5), dict(bias=False), dict(add_bias_kv=True),
                                     dict(add_zero_attn=True), dict(add_bias_kv=True, add_zero_attn=True, kdim=2)])
def test_mha_options_match_torch(options):
    e, t = _mha_pair("float64", embed_dim=4, num_heads=2, **options)
    rng = np.random.default_rng(6)
    kdim, vdim = options.get("kdim", 4), options.get("vdim", 4)
    arrays = [rng.standard_normal((3, 2, 4)), rng.standard_normal((5, 2, kdim)), rng.standard_normal((5, 2, vdim))]
    pad = np.zeros((2, 5), dtype=bool)
    pad[1, 0] = True
    for need in (True, False):
        e.zero_grad()
        t.zero_grad()
        _run_mha(e, t, "float64", arrays, dict(need_weights=need, key_padding_mask=ember.tensor(pad)),
                 dict(need_weights=need, key_padding_mask=torch.tensor(pad)))


def test_mha_unbatched_matches_torch():
    e, t = _mha_pair("float64", embed_dim=4, num_heads=2, batch_first=True)
    rng = np.random.default_rng(7)
    q, kv = rng.standard_normal((3, 4)), rng.standard_normal((5, 4))
    pad = np.array([0, -np.inf, 0, 0, 0])
    m3 = rng.standard_normal((2, 3, 5))
    for need in (True, False):
        e.zero_grad()
        t.zero_grad()
        _run_mha(e, t, "float64", [q, kv, kv],
                 dict(need_weights=need, key_padding_mask=ember.tensor(pad), attn_mask=ember.tensor(m3)),
                 dict(need_weights=need, key_padding_mask=torch.tensor(pad), attn_mask=torch.tensor(m3)))


def test_mha_functional_form_matches_torch():
    rng = np.random.default_rng(8)
    q, w_in, b_in, w_out, b_out = (rng.standard_normal(s) for s in [(3, 2, 4), (12, 4), (12,), (4, 4), (4,)])
    pairs = [_pair(a) for a in (q, w_in, b_in, w_out, b_out)]
    (qe, wie, bie, woe, boe), (qt, wit, bit, wot, bot) = zip(*pairs)
    ye, we = F.multi_head_attention_forward(qe, qe, qe, 4, 2, wie, bie, None, None, False, 0.0, woe, boe,
                                            average_attn_weights=False)
    yt, wt = torch.nn.functional.multi_head_attention_forward(qt, qt, qt, 4, 2, wit, bit, None, None, False, 0.0,
                                                              wot, bot, average_attn_weights=False)
    _close(we, wt, TOL["float64"])
    _close(ye, yt, TOL["float64"])
    _backward_and_compare(ye + we.sum(), yt + wt.sum(), pairs, TOL["float64"])


def test_mha_graph_and_dropout_in_eval():
    e, t = _mha_pair("float64", embed_dim=4, num_heads=2, dropout=0.5)
    x = np.random.default_rng(9).standard_normal((3, 2, 4))
    e.eval()
    t.eval()
    ye, we = e(ember.tensor(x), ember.tensor(x), ember.tensor(x))
    yt, wt = t(torch.tensor(x), torch.tensor(x), torch.tensor(x))
    _close(ye, yt, TOL["float64"])
    _close(we, wt, TOL["float64"])
    e.train()
    ember.manual_seed(0)
    _, we = e(ember.tensor(x), ember.tensor(x), ember.tensor(x), average_attn_weights=False)
    w = we.detach().numpy()
    assert np.all((w == 0) | (w > 0)) and (w == 0).mean() > 0.2     # dropped weights, others scaled up


def test_mha_parameters_init_and_repr_match_torch():
    e, t = nn.MultiheadAttention(64, 4), torch.nn.MultiheadAttention(64, 4)
    assert list(e.state_dict()) == list(t.state_dict())
    assert repr(e) == repr(t)
    bound = np.sqrt(6 / (64 + 3 * 64))                # xavier_uniform_ of the (3E, E) packed weight
    w = e.in_proj_weight.detach().numpy()
    assert np.abs(w).max() <= bound and abs(w.std() - bound / np.sqrt(3)) < 0.05 * bound
    assert not e.in_proj_bias.detach().numpy().any() and not e.out_proj.bias.detach().numpy().any()
    e2, t2 = nn.MultiheadAttention(4, 2, kdim=3, vdim=5, add_bias_kv=True), torch.nn.MultiheadAttention(
        4, 2, kdim=3, vdim=5, add_bias_kv=True)
    assert [(n, tuple(p.shape)) for n, p in e2.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in t2.named_parameters()]
    assert e2.in_proj_weight is None and e2.k_proj_weight.shape == (4, 3)


def test_mha_errors_as_torch():
    with pytest.raises(AssertionError, match="^embed_dim must be divisible by num_heads$"):
        nn.MultiheadAttention(5, 2)
    _error(lambda: nn.MultiheadAttention(0, 2), lambda: torch.nn.MultiheadAttention(0, 2), ValueError)
    e, t = _mha_pair("float64", embed_dim=4, num_heads=2)
    x = np.zeros((3, 2, 4))
    xe, xt = ember.tensor(x), torch.tensor(x)
    cases = [((xe, xe, xe[0]), (xt, xt, xt[0]), {}),
             ((xe, xe, xe), (xt, xt, xt), {"attn_mask": np.zeros((2, 3))}),
             ((xe, xe, xe), (xt, xt, xt), {"attn_mask": np.zeros((3, 3), dtype=np.int64)}),
             ((xe, xe, xe), (xt, xt, xt), {"key_padding_mask": np.zeros((2, 4), dtype=bool)}),
             ((xe, xe, xe), (xt, xt, xt), {"attn_mask": np.zeros((1, 3, 3))}),
             ((xe, xe, xe), (xt, xt, xt), {"is_causal": True})]
    for args_e, args_t, masks in cases:
        ke = {k: ember.tensor(v) if isinstance(v, np.ndarray) else v for k, v in masks.items()}
        kt = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in masks.items()}
        with pytest.raises((AssertionError, RuntimeError)) as want:
            t(*args_t, **kt)
        with pytest.raises(type(want.value)) as got:
            e(*args_e, **ke)
        assert str(got.value) == str(want.value).replace("torch.Size", "ember.Size")
