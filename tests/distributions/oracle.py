"""Compare an ember distribution with torch's on the same float64 parameters: moments, log_prob, cdf, icdf,
entropy, KL and their gradients; sample statistics for the draws (the streams differ from torch's)."""
import numpy as np
import torch

import ember

TOL = dict(rtol=1e-10, atol=1e-12)


def _np(t):
    return t.detach().cpu().numpy() if hasattr(t, "detach") else np.asarray(t)


def tensors(params, grad=True):
    """Ember and torch tensors (float64, requiring grad where grad and floating) holding the same arrays."""
    e, t = {}, {}
    for k, a in params.items():
        a = np.asarray(a)
        fl = a.dtype.kind == "f"
        e[k] = ember.tensor(a.astype(np.float64) if fl else a).requires_grad_(grad and fl)
        t[k] = torch.tensor(a.astype(np.float64) if fl else a).requires_grad_(grad and fl)
    return e, t


def assert_close(e, t, what, tol=TOL):
    assert tuple(e.shape) == tuple(t.shape), f"{what}: shape {tuple(e.shape)} != {tuple(t.shape)}"
    assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1], f"{what}: dtype {e.dtype} != {t.dtype}"
    np.testing.assert_allclose(_np(e), _np(t), **tol, err_msg=what)


def assert_grads(e_out, t_out, e_in, t_in, what, tol=TOL):
    """Gradients of <out, seed> with respect to the inputs that require grad, ember against torch."""
    if not t_out.requires_grad:
        return
    seed = np.random.default_rng(3).standard_normal(tuple(t_out.shape))
    keys = [k for k in t_in if t_in[k].requires_grad]
    t_g = torch.autograd.grad(t_out, [t_in[k] for k in keys], torch.tensor(seed), retain_graph=True,
                              allow_unused=True)
    e_g = ember.autograd.grad(e_out, [e_in[k] for k in keys], ember.tensor(seed), retain_graph=True,
                              allow_unused=True)
    for k, eg, tg in zip(keys, e_g, t_g):
        if tg is None:
            assert eg is None or not np.any(_np(eg)), f"{what}: ember has a gradient for {k}, torch none"
            continue
        assert eg is not None, f"{what}: no gradient for {k}"
        np.testing.assert_allclose(_np(eg), _np(tg), **tol, err_msg=f"{what}: d/d{k}")


def compare(make, params, values=None, props=("mean", "variance", "stddev", "mode"),
            methods=("log_prob", "entropy"), tol=TOL):
    """make(lib, **params) builds the distribution in ember (lib=ember) and torch (lib=torch); every
    property and method (values feed log_prob, cdf and icdf) agree in value and gradient."""
    e_in, t_in = tensors(params)
    ed, td = make(ember, **e_in), make(torch, **t_in)
    assert tuple(ed.batch_shape) == tuple(td.batch_shape)
    assert tuple(ed.event_shape) == tuple(td.event_shape)
    assert ed.has_rsample == td.has_rsample
    assert ed.has_enumerate_support == td.has_enumerate_support
    for name in props:
        e, t = getattr(ed, name), getattr(td, name)
        assert_close(e, t, name, tol)
        assert_grads(e, t, e_in, t_in, name, tol)
    for name in methods:
        if name in ("log_prob", "cdf", "icdf"):
            arg = (values[name] if isinstance(values, dict) else values)
            ev, tv = ember.tensor(arg), torch.tensor(arg)
            e, t = getattr(ed, name)(ev), getattr(td, name)(tv)
        else:
            e, t = getattr(ed, name)(), getattr(td, name)()
        assert_close(e, t, name, tol)
        assert_grads(e, t, e_in, t_in, name, tol)
    return ed, td


def compare_kl(make_p, make_q, params_p, params_q, tol=TOL):
    """kl_divergence(p, q) and its gradients, ember against torch."""
    ep, tp = tensors(params_p)
    eq, tq = tensors(params_q)
    e = ember.distributions.kl_divergence(make_p(ember, **ep), make_q(ember, **eq))
    t = torch.distributions.kl_divergence(make_p(torch, **tp), make_q(torch, **tq))
    assert_close(e, t, "kl", tol)
    e_in = {**{"p_" + k: v for k, v in ep.items()}, **{"q_" + k: v for k, v in eq.items()}}
    t_in = {**{"p_" + k: v for k, v in tp.items()}, **{"q_" + k: v for k, v in tq.items()}}
    assert_grads(e, t, e_in, t_in, "kl", tol)


def sample_stats(dist, n, seed=0):
    """Mean and variance over n seeded draws (float64 numpy), with the draws' shape and dtype."""
    ember.manual_seed(seed)
    s = dist.sample((n,))
    a = _np(s).astype(np.float64)
    return a.mean(0), a.var(0), tuple(s.shape), s.dtype


def torch_message(fn):
    """The message of torch's ValueError, with torch. written as ember.."""
    try:
        fn()
    except ValueError as e:
        return str(e).replace("torch.", "ember.")
    raise AssertionError("torch raised no ValueError")
