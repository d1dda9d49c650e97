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


# ---- parametrize, parametrizations, legacy weight/spectral norm, skip_init, functional_call --------------------
import copy  # noqa: E402
import warnings  # noqa: E402

TP, EP = torch.nn.utils.parametrize, nn.utils.parametrize


def _grads(module):
    return {n: p.grad.numpy() for n, p in module.named_parameters()}


def _check_grads(e, t, tol=1e-10):
    tg = {n: p.grad.numpy() for n, p in t.named_parameters()}
    eg = _grads(e)
    assert list(eg) == list(tg)
    for n in tg:
        np.testing.assert_allclose(eg[n], tg[n], rtol=tol, atol=tol, err_msg=n)


def _run(e, t, x, tol=1e-10):
    """Forward both, compare outputs, backward a fixed cotangent, compare parameter gradients."""
    yt, ye = t(torch.tensor(x)), e(ember.tensor(x))
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    g = np.random.default_rng(7).standard_normal(tuple(yt.shape))
    yt.backward(torch.tensor(g))
    ye.backward(ember.tensor(g))
    _check_grads(e, t, tol)


class _Symmetric:
    """forward: X.triu() + X.triu(1).T; right_inverse: X.triu()."""

    @staticmethod
    def make(lib):
        class Symmetric(lib.nn.Module):
            def forward(self, X):
                return X.triu() + X.triu(1).transpose(-1, -2)

            def right_inverse(self, A):
                return A.triu()
        return Symmetric()


def _scale(lib, s, invertible=True):
    class Scale(lib.nn.Module):
        def forward(self, X):
            return X * s

    class InvertibleScale(Scale):
        def right_inverse(self, X):
            return X / s
    return InvertibleScale() if invertible else Scale()


def _split(lib):
    class Split(lib.nn.Module):
        def forward(self, A, B):
            return A + B

        def right_inverse(self, X):
            return X * 0.25, X * 0.75
    return Split()


def _both(build):
    t, e = build(torch).double(), build(ember).double()
    return t, e


def _copy_from(e, t):
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})


def test_register_parametrization_matches_torch():
    def build(lib):
        m = lib.nn.Linear(3, 3)
        (TP if lib is torch else EP).register_parametrization(m, "weight", _Symmetric.make(lib))
        (TP if lib is torch else EP).register_parametrization(m, "weight", _scale(lib, 2.0))
        return m
    t, e = _both(build)
    assert type(e).__name__ == type(t).__name__ == "ParametrizedLinear"
    assert repr(e).replace("Symmetric", "S") == \
        repr(t).replace("Symmetric", "S")
    assert list(e.state_dict()) == list(t.state_dict()) == ["bias", "parametrizations.weight.original"]
    _copy_from(e, t)
    assert EP.is_parametrized(e) and EP.is_parametrized(e, "weight") and not EP.is_parametrized(e, "bias")
    assert EP.type_before_parametrizations(e) is nn.Linear and EP.type_before_parametrizations(nn.ReLU()) is nn.ReLU
    np.testing.assert_allclose(e.weight.detach().numpy(), t.weight.detach().numpy(), rtol=1e-12)
    _run(e, t, np.random.default_rng(0).standard_normal((2, 3)))
    # assignment goes through right_inverse of every parametrization (last first)
    a = np.random.default_rng(1).standard_normal((3, 3))
    a = a + a.T
    with torch.no_grad():
        t.weight = torch.tensor(a)
    e.weight = ember.tensor(a)
    np.testing.assert_allclose(e.parametrizations.weight.original.detach().numpy(),
                               t.parametrizations.weight.original.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(e.weight.detach().numpy(), a, rtol=1e-12)


def test_right_inverse_with_several_originals():
    def build(lib):
        m = lib.nn.Linear(2, 2)
        (TP if lib is torch else EP).register_parametrization(m, "weight", _split(lib))
        return m
    t, e = _both(build)
    assert list(e.state_dict()) == list(t.state_dict()) == \
        ["bias", "parametrizations.weight.original0", "parametrizations.weight.original1"]
    assert isinstance(e.parametrizations.weight.original0, nn.Parameter)
    _copy_from(e, t)
    _run(e, t, np.random.default_rng(2).standard_normal((3, 2)))
    with pytest.raises(ValueError) as want:
        TP.remove_parametrizations(t, "weight", leave_parametrized=False)
    with pytest.raises(ValueError) as got:
        EP.remove_parametrizations(e, "weight", leave_parametrized=False)
    assert str(got.value) == str(want.value)
    w = t.weight.detach().numpy()
    TP.remove_parametrizations(t, "weight")
    EP.remove_parametrizations(e, "weight")
    assert type(e) is nn.Linear and isinstance(e.weight, nn.Parameter) and list(e.state_dict()) == ["bias", "weight"]
    np.testing.assert_allclose(e.weight.detach().numpy(), w, rtol=1e-12)


@pytest.mark.parametrize("leave", [True, False])
def test_remove_parametrizations_keeps_the_parameter_object(leave):
    e = nn.Linear(3, 3).double()
    original = e.weight
    EP.register_parametrization(e, "weight", _scale(ember, 3.0))
    assert e.parametrizations.weight.original is original
    expected = original.detach().numpy() * (3.0 if leave else 1.0)
    EP.remove_parametrizations(e, "weight", leave_parametrized=leave)
    assert e.weight is original and type(e) is nn.Linear and not hasattr(e, "parametrizations")
    np.testing.assert_allclose(e.weight.detach().numpy(), expected, rtol=1e-12)
    assert not hasattr(nn.Linear, "weight")


def test_parametrization_errors_as_torch():
    class Flat:
        @staticmethod
        def make(lib):
            class F(lib.nn.Module):
                def forward(self, X):
                    return X.flatten()
            return F()

    class ToInt:
        @staticmethod
        def make(lib):
            class F(lib.nn.Module):
                def forward(self, X):
                    return X.long()
            return F()

    class NoTensor:
        @staticmethod
        def make(lib):
            class F(lib.nn.Module):
                def forward(self, X):
                    return 3
            return F()
    for kind in (Flat, ToInt, NoTensor):
        for second in (False, True):
            ms = [lib.nn.Linear(2, 3) for lib in (torch, ember)]
            if second:
                TP.register_parametrization(ms[0], "weight", _scale(torch, 1.0))
                EP.register_parametrization(ms[1], "weight", _scale(ember, 1.0))
            with pytest.raises(ValueError) as want:
                TP.register_parametrization(ms[0], "weight", kind.make(torch))
            with pytest.raises(ValueError) as got:
                EP.register_parametrization(ms[1], "weight", kind.make(ember))
            assert str(got.value) == str(want.value).replace("torch.float", "ember.float").replace("torch.int",
                                                                                                  "ember.int")
    for f in (lambda P, m, lib: P.register_parametrization(m, "foo", _scale(lib, 1.0)),
              lambda P, m, lib: P.remove_parametrizations(m, "weight")):
        with pytest.raises(ValueError) as want:
            f(TP, torch.nn.Linear(2, 3), torch)
        with pytest.raises(ValueError) as got:
            f(EP, nn.Linear(2, 3), ember)
        assert str(got.value) == str(want.value)
    ms = [lib.nn.Linear(2, 2) for lib in (torch, ember)]
    TP.register_parametrization(ms[0], "weight", _scale(torch, 2.0, invertible=False))
    EP.register_parametrization(ms[1], "weight", _scale(ember, 2.0, invertible=False))
    with pytest.raises(RuntimeError) as want:
        ms[0].weight = torch.zeros(2, 2)
    with pytest.raises(RuntimeError) as got:
        ms[1].weight = ember.zeros(2, 2)
    assert str(got.value) == str(want.value)
    assert EP.register_parametrization(nn.Linear(2, 3), "weight", Flat.make(ember), unsafe=True).weight.shape == (6,)


def test_cached_computes_once_and_parametrized_module_deepcopies():
    calls = []

    class Count(nn.Module):
        def forward(self, X):
            calls.append(1)
            return X * 2
    e = EP.register_parametrization(nn.Linear(2, 2), "weight", Count())
    with EP.cached():
        w1, w2 = e.weight, e.weight
        assert w1 is w2 and len(calls) == 2       # one at registration, one inside cached()
    assert e.weight is not w1 and len(calls) == 3
    c = copy.deepcopy(e)
    assert type(c).__name__ == "ParametrizedLinear" and c.parametrizations.weight.original is not \
        e.parametrizations.weight.original
    np.testing.assert_array_equal(c.weight.detach().numpy(), e.weight.detach().numpy())
    with pytest.raises(RuntimeError, match="Serialization of parametrized modules is only supported through "):
        e.__getstate__()


def test_transfer_parametrizations_shares_originals():
    e = EP.register_parametrization(nn.Linear(2, 2), "weight", _scale(ember, 2.0))
    f = EP.transfer_parametrizations_and_params(e, nn.Linear(2, 2))
    assert f.parametrizations.weight.original is e.parametrizations.weight.original
    np.testing.assert_array_equal(f.weight.detach().numpy(), e.weight.detach().numpy())


@pytest.mark.parametrize("dim", [0, 1, -1, None])
def test_weight_norm_parametrization_matches_torch(dim):
    t, e = _both(lambda lib: lib.nn.Conv1d(2, 3, 2))
    _copy_from(e, t)
    torch.nn.utils.parametrizations.weight_norm(t, dim=dim)
    nn.utils.parametrizations.weight_norm(e, dim=dim)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    for k, v in t.state_dict().items():
        np.testing.assert_allclose(e.state_dict()[k].numpy(), v.numpy(), rtol=1e-12, err_msg=k)
    _run(e, t, np.random.default_rng(3).standard_normal((2, 2, 4)))


def test_weight_norm_parametrization_loads_legacy_keys():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        legacy = torch.nn.utils.weight_norm(torch.nn.Linear(3, 2).double())
    e = nn.utils.parametrizations.weight_norm(nn.Linear(3, 2).double())
    _copy_from(e, legacy)
    np.testing.assert_allclose(e.weight.detach().numpy(), legacy.weight.detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("kind", ["linear", "conv", "convT", "dim1"])
def test_spectral_norm_parametrization_matches_torch(kind):
    mk = {"linear": lambda lib: lib.nn.Linear(3, 4), "conv": lambda lib: lib.nn.Conv2d(2, 3, 2),
          "convT": lambda lib: lib.nn.ConvTranspose1d(2, 3, 2), "dim1": lambda lib: lib.nn.Linear(4, 3)}[kind]
    x = np.random.default_rng(4).standard_normal({"linear": (2, 3), "conv": (1, 2, 3, 3), "convT": (1, 2, 3),
                                                  "dim1": (2, 4)}[kind])
    kw = {"dim": 1, "n_power_iterations": 3, "eps": 1e-6} if kind == "dim1" else {}
    t, e = _both(mk)
    torch.nn.utils.parametrizations.spectral_norm(t, **kw)
    nn.utils.parametrizations.spectral_norm(e, **kw)
    assert repr(e) == repr(t) and list(e.state_dict()) == list(t.state_dict())
    _copy_from(e, t)       # same original and the same u, v buffers: the power iterations then agree
    _run(e, t, x)
    for k, v in t.state_dict().items():
        np.testing.assert_allclose(e.state_dict()[k].numpy(), v.numpy(), rtol=1e-10, atol=1e-12, err_msg=k)
    t.eval()
    e.eval()
    t.zero_grad()
    e.zero_grad()
    _run(e, t, x)
    # the 15 warm-up iterations at registration give sigma close to the largest singular value (how close depends
    # on the gap to the next one, so the weights are seeded)
    ember.manual_seed(0)
    e2 = nn.utils.parametrizations.spectral_norm(mk(ember).double(), **kw).eval()
    w = e2.weight.detach().numpy()
    mat = np.moveaxis(w, 1 if kind in ("convT", "dim1") else 0, 0).reshape(w.shape[1 if kind in ("convT", "dim1")
                                                                                     else 0], -1)
    np.testing.assert_allclose(np.linalg.svd(mat, compute_uv=False)[0], 1.0, rtol=1e-3)


def test_spectral_norm_errors_as_torch():
    for f in (lambda m: m.utils.parametrizations.spectral_norm(m.Linear(2, 2), dim=2),
              lambda m: m.utils.parametrizations.spectral_norm(m.Linear(2, 2), n_power_iterations=0),
              lambda m: m.utils.parametrizations.spectral_norm(m.Linear(2, 2), name="foo"),
              lambda m: m.utils.spectral_norm(m.Linear(2, 2), n_power_iterations=0)):
        with pytest.raises((ValueError, IndexError)) as want:
            f(torch.nn)
        with pytest.raises(want.type) as got:
            f(nn)
        assert str(got.value) == str(want.value).replace("Linear(in_features=2, out_features=2, bias=True)",
                                                         repr(nn.Linear(2, 2)))


def test_spectral_norm_of_a_vector_normalizes_it():
    t = torch.nn.utils.parametrizations.spectral_norm(torch.nn.Linear(3, 2).double(), name="bias")
    e = nn.utils.parametrizations.spectral_norm(nn.Linear(3, 2).double(), name="bias")
    assert list(e.state_dict()) == list(t.state_dict())
    _copy_from(e, t)
    _run(e, t, np.random.default_rng(5).standard_normal((2, 3)))


def test_legacy_weight_norm_matches_torch():
    t, e = _both(lambda lib: lib.nn.Linear(3, 2))
    _copy_from(e, t)
    with pytest.warns(FutureWarning) as want:
        torch.nn.utils.weight_norm(t)
    with pytest.warns(FutureWarning) as got:
        nn.utils.weight_norm(e)
    assert str(got[0].message) == str(want[0].message)
    assert list(e.state_dict()) == list(t.state_dict()) == ["bias", "weight_g", "weight_v"]
    for k, v in t.state_dict().items():
        np.testing.assert_allclose(e.state_dict()[k].numpy(), v.numpy(), rtol=1e-12, err_msg=k)
    with torch.no_grad():
        t.weight_g.mul_(2)
    _copy_from(e, t)
    _run(e, t, np.random.default_rng(6).standard_normal((4, 3)))
    with pytest.raises(RuntimeError) as want, warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        torch.nn.utils.weight_norm(t)
    with pytest.raises(RuntimeError) as got, warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        nn.utils.weight_norm(e)
    assert str(got.value) == str(want.value)
    torch.nn.utils.remove_weight_norm(t)
    nn.utils.remove_weight_norm(e)
    assert list(e.state_dict()) == list(t.state_dict()) == ["bias", "weight"] and not e._forward_pre_hooks
    np.testing.assert_allclose(e.weight.detach().numpy(), t.weight.detach().numpy(), rtol=1e-12)
    with pytest.raises(ValueError) as want:
        torch.nn.utils.remove_weight_norm(t)
    with pytest.raises(ValueError) as got:
        nn.utils.remove_weight_norm(e)
    assert str(got.value) == str(want.value)


@pytest.mark.parametrize("kind", ["linear", "convT"])
def test_legacy_spectral_norm_matches_torch(kind):
    mk = (lambda lib: lib.nn.Linear(3, 4)) if kind == "linear" else (lambda lib: lib.nn.ConvTranspose2d(2, 3, 2))
    x = np.random.default_rng(8).standard_normal((2, 3) if kind == "linear" else (1, 2, 2, 2))
    t, e = _both(mk)
    torch.nn.utils.spectral_norm(t, n_power_iterations=2)
    nn.utils.spectral_norm(e, n_power_iterations=2)
    assert list(e.state_dict()) == list(t.state_dict()) == ["bias", "weight_orig", "weight_u", "weight_v"]
    assert e.weight_u.shape == tuple(t.weight_u.shape) and e.weight_v.shape == tuple(t.weight_v.shape)
    _copy_from(e, t)
    _run(e, t, x)
    for k, v in t.state_dict().items():
        np.testing.assert_allclose(e.state_dict()[k].numpy(), v.numpy(), rtol=1e-10, atol=1e-12, err_msg=k)
    torch.nn.utils.remove_spectral_norm(t)
    nn.utils.remove_spectral_norm(e)
    assert list(e.state_dict()) == list(t.state_dict()) and isinstance(e.weight, nn.Parameter)
    np.testing.assert_allclose(e.weight.detach().numpy(), t.weight.detach().numpy(), rtol=1e-10)
    with pytest.raises(ValueError) as want:
        torch.nn.utils.remove_spectral_norm(t)
    with pytest.raises(ValueError) as got:
        nn.utils.remove_spectral_norm(e)
    assert str(got.value) == str(want.value).replace("torch", "ember")


def test_skip_init():
    e = nn.utils.skip_init(nn.Linear, 3, 2, bias=False)
    assert type(e) is nn.Linear and e.weight.shape == (2, 3) and e.bias is None
    assert "reset_parameters" not in e.__dict__
    for cls in (nn.ReLU, int):
        with pytest.raises(RuntimeError) as want:
            torch.nn.utils.skip_init(getattr(torch.nn, "ReLU") if cls is nn.ReLU else cls)
        with pytest.raises(RuntimeError) as got:
            nn.utils.skip_init(cls)
        assert str(got.value) == str(want.value).replace("torch.nn.modules.activation", "ember.nn.modules.activation")


@pytest.mark.filterwarnings("ignore:`torch.nn.utils.stateless.functional_call` is deprecated")
def test_functional_call_matches_torch():
    t, e = _both(lambda lib: lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.BatchNorm1d(2)))
    _copy_from(e, t)
    r = np.random.default_rng(9)
    w, x = r.standard_normal((2, 3)), r.standard_normal((4, 3))
    wt, we = torch.tensor(w, requires_grad=True), ember.tensor(w, requires_grad=True)
    rm = np.ones(2) * 0.5
    yt = torch.nn.utils.stateless.functional_call(t, {"0.weight": wt, "1.running_mean": torch.tensor(rm)},
                                                  torch.tensor(x))
    ye = nn.utils.stateless.functional_call(e, {"0.weight": we, "1.running_mean": ember.tensor(rm)}, ember.tensor(x))
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    yt.sum().backward()
    ye.sum().backward()
    np.testing.assert_allclose(we.grad.numpy(), wt.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert e[0].weight.grad is None and e[0].bias.grad is not None
    assert isinstance(e[0].weight, nn.Parameter) and e[0].weight is not we
    np.testing.assert_array_equal(e[0].weight.detach().numpy(), t[0].weight.detach().numpy())
    assert int(e[1].num_batches_tracked) == int(t[1].num_batches_tracked) == 1
    with pytest.raises(RuntimeError) as want:
        torch.nn.utils.stateless.functional_call(t, {"0.weight": wt, "foo": wt}, (torch.tensor(x),), strict=True)
    with pytest.raises(RuntimeError) as got:
        nn.utils.stateless.functional_call(e, {"0.weight": we, "foo": we}, (ember.tensor(x),), strict=True)
    assert str(got.value) == str(want.value)


@pytest.mark.filterwarnings("ignore:`torch.nn.utils.stateless.functional_call` is deprecated")
def test_functional_call_tied_weights():
    def build(lib):
        a, b = lib.nn.Linear(2, 2, bias=False), lib.nn.Linear(2, 2, bias=False)
        b.weight = a.weight
        return lib.nn.Sequential(a, b)
    t, e = _both(build)
    _copy_from(e, t)
    w, x = np.eye(2) * 2, np.ones((1, 2))
    for tie in (True, False):
        yt = torch.nn.utils.stateless.functional_call(t, {"0.weight": torch.tensor(w)}, torch.tensor(x),
                                                      tie_weights=tie)
        ye = nn.utils.stateless.functional_call(e, {"0.weight": ember.tensor(w)}, ember.tensor(x), tie_weights=tie)
        np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-12)
    assert e[1].weight is e[0].weight
    with pytest.raises(ValueError) as want:
        torch.nn.utils.stateless.functional_call(t, {"0.weight": torch.tensor(w), "1.weight": torch.tensor(w)},
                                                 torch.tensor(x))
    with pytest.raises(ValueError) as got:
        nn.utils.stateless.functional_call(e, {"0.weight": ember.tensor(w), "1.weight": ember.tensor(w)},
                                           ember.tensor(x))
    assert str(got.value) == str(want.value)


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4)])
@pytest.mark.parametrize("trivialization", [True, False])
@pytest.mark.parametrize("orthogonal_map", ["cayley", "matrix_exp", "householder", None])
def test_orthogonal_maps_match_torch(shape, trivialization, orthogonal_map):
    t, e = _both(lambda lib: lib.nn.Linear(shape[1], shape[0]))
    _copy_from(e, t)
    torch.nn.utils.parametrizations.orthogonal(t, orthogonal_map=orthogonal_map, use_trivialization=trivialization)
    nn.utils.parametrizations.orthogonal(e, orthogonal_map=orthogonal_map, use_trivialization=trivialization)
    assert e.parametrizations.weight[0].orthogonal_map == t.parametrizations.weight[0].orthogonal_map.name
    assert repr(e) == repr(t) and list(e.state_dict()) == list(t.state_dict())
    noise = np.random.default_rng(0).standard_normal(shape)
    np.fill_diagonal(noise, 0.0)    # householder keeps the diagonal's signs (gradient never reaches them)
    with torch.no_grad():     # move away from the starting point, where every map agrees to first order
        t.parametrizations.weight.original.add_(0.3 * torch.tensor(noise))
    _copy_from(e, t)
    w = e.weight.detach().numpy()
    np.testing.assert_allclose(w.T @ w if shape[0] >= shape[1] else w @ w.T, np.eye(min(shape)), atol=1e-12)
    _run(e, t, np.random.default_rng(1).standard_normal((2, shape[1])))


def test_orthogonal_errors_and_assignment():
    for kw in ({"name": "bias"}, {"orthogonal_map": "foo"}, {"name": "nope"}):
        with pytest.raises(ValueError) as want:
            torch.nn.utils.parametrizations.orthogonal(torch.nn.Linear(2, 2), **kw)
        with pytest.raises(ValueError) as got:
            nn.utils.parametrizations.orthogonal(nn.Linear(2, 2), **kw)
        assert str(got.value) == str(want.value)
    e = nn.utils.parametrizations.orthogonal(nn.Linear(3, 3).double())
    q = np.linalg.qr(np.random.default_rng(3).standard_normal((3, 3)))[0]
    e.weight = ember.tensor(q)
    np.testing.assert_allclose(e.weight.detach().numpy(), q, atol=1e-12)
