"""nn.Module and Parameter against torch.nn: registration, iteration, modes, state_dict, hooks, repr."""
import copy
import pickle

import numpy as np
import pytest
import torch

import ember
from ember import nn


def _pair():
    """The same small net in ember and torch, with torch's weights copied into ember."""
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(4, 3)
            self.act = nn.Identity()
            self.fc2 = nn.Linear(3, 2, bias=False)
            self.register_buffer("steps", ember.zeros(1))
            self.register_buffer("scratch", ember.zeros(2), persistent=False)

        def forward(self, x):
            return self.fc2(self.act(self.fc1(x)))

    class TNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = torch.nn.Linear(4, 3)
            self.act = torch.nn.Identity()
            self.fc2 = torch.nn.Linear(3, 2, bias=False)
            self.register_buffer("steps", torch.zeros(1))
            self.register_buffer("scratch", torch.zeros(2), persistent=False)

        def forward(self, x):
            return self.fc2(self.act(self.fc1(x)))

    t = TNet().double()
    e = Net().double()
    e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()})
    return e, t


def test_registration_and_iteration_match_torch():
    e, t = _pair()
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in e.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in e.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in e.named_children()] == [n for n, _ in t.named_children()]
    assert list(e.state_dict()) == list(t.state_dict())
    assert all(isinstance(p, nn.Parameter) and p.requires_grad and p.is_leaf for p in e.parameters())
    assert len(list(e.parameters(recurse=False))) == 0 and len(list(e.modules())) == 4


def test_forward_and_gradients_match_torch():
    e, t = _pair()
    x = np.random.default_rng(0).standard_normal((5, 4))
    ye, yt = e(ember.tensor(x)), t(torch.tensor(x))
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-12)
    (ye ** 2).sum().backward()
    (yt ** 2).sum().backward()
    for (n, pe), (_, pt) in zip(e.named_parameters(), t.named_parameters()):
        np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), rtol=1e-12, err_msg=n)
    e.zero_grad()
    assert all(p.grad is None for p in e.parameters())


def test_zero_grad_to_zeros():
    e, _ = _pair()
    e(ember.ones(1, 4, dtype=ember.float64)).sum().backward()
    e.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.any() for p in e.parameters())


def test_shared_parameter_listed_once():
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, lin)
    assert len(list(seq.parameters())) == 2
    assert [n for n, _ in seq.named_parameters(remove_duplicate=False)] == ["0.weight", "0.bias", "1.weight", "1.bias"]


def test_setattr_rules_and_errors():
    m = nn.Module()
    m.w = nn.Parameter(ember.ones(2))
    assert "w" in m._parameters
    with pytest.raises(TypeError, match=r"cannot assign 'torch.FloatTensor' as parameter 'w' \(torch.nn.Parameter or None expected\)"):
        m.w = ember.ones(2)
    m.w = None
    assert m.w is None and "w" in m._parameters
    m.sub = nn.Linear(1, 1)
    with pytest.raises(TypeError, match="as child module 'sub'"):
        m.sub = 3
    m.register_buffer("b", ember.zeros(1))
    with pytest.raises(TypeError, match="as buffer 'b'"):
        m.b = 3
    with pytest.raises(KeyError, match="attribute 'sub' already exists"):
        m.register_buffer("sub", ember.zeros(1))
    with pytest.raises(KeyError, match="contain"):
        m.register_parameter("a.b", None)
    with pytest.raises(AttributeError, match="'Module' object has no attribute 'nope'"):
        m.nope
    del m.sub
    assert "sub" not in m._modules

    class Early(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(ember.ones(1))
    with pytest.raises(AttributeError, match="cannot assign parameters before Module.__init__\\(\\) call"):
        Early()


def test_train_eval_and_requires_grad():
    e, _ = _pair()
    e.eval()
    assert not any(m.training for m in e.modules())
    e.train()
    assert all(m.training for m in e.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        e.train(1)
    e.requires_grad_(False)
    assert not any(p.requires_grad for p in e.parameters())


def test_to_and_dtype_conversions_keep_parameter_objects():
    e, _ = _pair()
    w = e.fc1.weight
    e.float()
    assert e.fc1.weight is w and w.dtype == ember.float32 and isinstance(w, nn.Parameter)
    assert e.steps.dtype == ember.float32
    e.to(ember.float64)
    assert w.dtype == ember.float64
    with pytest.raises(TypeError, match="floating point"):
        e.to(ember.int64)
    e.register_buffer("count", ember.zeros(1, dtype=ember.int64))
    e.float()
    assert e.count.dtype == ember.int64


def test_apply_visits_children_first():
    e, t = _pair()
    seen_e, seen_t = [], []
    e.apply(lambda m: seen_e.append(type(m).__name__))
    t.apply(lambda m: seen_t.append(type(m).__name__))
    assert seen_e == [s.replace("TNet", "Net") for s in seen_t]


def test_state_dict_round_trip_and_detached():
    e, _ = _pair()
    sd = e.state_dict()
    assert all(not v.requires_grad for v in sd.values())
    assert sd["fc1.weight"].data_ptr() == e.fc1.weight.data_ptr()      # shares memory, as torch
    e2, _ = _pair()
    e2.load_state_dict(sd)
    for k, v in e2.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), sd[k].numpy())
    assert e.state_dict(keep_vars=True)["fc1.weight"] is e.fc1.weight


def test_load_state_dict_errors_match_torch_and_change_nothing():
    e, t = _pair()
    before = {k: v.numpy().copy() for k, v in e.state_dict().items()}
    bad = {k: v for k, v in e.state_dict().items() if k != "fc1.bias"}
    bad["fc2.weight"] = ember.zeros(3, 3, dtype=ember.float64)
    bad["extra"] = ember.zeros(1)
    with pytest.raises(RuntimeError) as ei:
        e.load_state_dict(bad)
    tbad = {k: torch.tensor(v.numpy()) for k, v in bad.items()}
    with pytest.raises(RuntimeError) as ti:
        t.load_state_dict(tbad)
    assert str(ei.value) == str(ti.value).replace("TNet", "Net")
    for k, v in e.state_dict().items():     # nothing was copied (torch would have copied fc1.weight)
        np.testing.assert_array_equal(v.numpy(), before[k])
    res = e.load_state_dict({"fc1.weight": ember.ones(3, 4)}, strict=False)
    tres = t.load_state_dict({"fc1.weight": torch.ones(3, 4)}, strict=False)
    assert res.missing_keys == tres.missing_keys and res.unexpected_keys == tres.unexpected_keys
    assert (e.fc1.weight == 1).all()
    assert repr(e.load_state_dict(e.state_dict())) == "<All keys matched successfully>"


def test_load_state_dict_assign_takes_the_tensors():
    lin = nn.Linear(2, 2)
    w, b = ember.ones(2, 2), ember.zeros(2)
    lin.load_state_dict({"weight": w, "bias": b}, assign=True)
    assert isinstance(lin.weight, nn.Parameter) and lin.weight.data_ptr() == w.data_ptr()


def test_forward_pre_and_post_hooks():
    lin = nn.Linear(2, 2)
    calls = []
    h1 = lin.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    h2 = lin.register_forward_hook(lambda m, args, out: calls.append(out.shape) or out + 1)
    out = lin(ember.ones(3, 2))
    np.testing.assert_allclose(out.detach().numpy(), (lin.bias + 1).detach().expand(3, 2).numpy())
    assert calls == [(3, 2)]
    h1.remove()
    h2.remove()
    out = lin(ember.ones(3, 2))
    np.testing.assert_allclose(out.detach().numpy(), (lin.weight.sum(1) + lin.bias).detach().expand(3, 2).numpy(),
                               rtol=1e-6)
    h3 = lin.register_forward_pre_hook(lambda m, args, kwargs: ((args[0] * 2,), kwargs), with_kwargs=True)
    out2 = lin(ember.ones(1, 2))
    np.testing.assert_allclose(out2.detach().numpy()[0], (2 * lin.weight.sum(1) + lin.bias).detach().numpy(),
                               rtol=1e-6)
    h3.remove()
    assert not lin._forward_pre_hooks_with_kwargs


def test_full_backward_hook_matches_torch():
    t = torch.nn.Linear(3, 2).double()
    e = nn.Linear(3, 2).double()
    e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()})
    got_e, got_t = [], []
    e.register_full_backward_hook(lambda m, gi, go: got_e.append((gi, go)))
    t.register_full_backward_hook(lambda m, gi, go: got_t.append((gi, go)))
    x = np.random.default_rng(1).standard_normal((4, 3))
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (e(xe) ** 2).sum().backward()
    (t(xt) ** 2).sum().backward()
    (gie, goe), = got_e
    (git, got), = got_t
    np.testing.assert_allclose(gie[0].numpy(), git[0].numpy(), rtol=1e-12)
    np.testing.assert_allclose(goe[0].numpy(), got[0].numpy(), rtol=1e-12)
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-12)


def test_full_backward_hook_can_replace_grad_input_and_sees_none_without_input_grad():
    e = nn.Linear(3, 2)
    e.register_full_backward_hook(lambda m, gi, go: (gi[0] * 0,))
    x = ember.ones(2, 3, requires_grad=True)
    e(x).sum().backward()
    assert not x.grad.any() and e.weight.grad.any()
    seen = []
    e2 = nn.Linear(3, 2)
    e2.register_full_backward_hook(lambda m, gi, go: seen.append(gi))
    e2(ember.ones(2, 3)).sum().backward()
    assert seen == [(None,)]


def test_full_backward_pre_hook_scales_grad_output():
    e = nn.Linear(3, 2)
    e.register_full_backward_pre_hook(lambda m, go: (go[0] * 2,))
    e(ember.ones(1, 3)).sum().backward()
    np.testing.assert_allclose(e.bias.grad.numpy(), [2.0, 2.0])


def test_repr_matches_torch():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Linear(4, 3), nn.Flatten(), nn.Identity())
            self.heads = nn.ModuleList([nn.Linear(3, 1) for _ in range(3)] + [nn.Linear(3, 2)])
            self.extra = nn.ModuleDict({"a": nn.Unflatten(1, (2, 2))})
            self.bil = nn.Bilinear(2, 3, 4)

    class TNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.body = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Flatten(), torch.nn.Identity())
            self.heads = torch.nn.ModuleList([torch.nn.Linear(3, 1) for _ in range(3)] + [torch.nn.Linear(3, 2)])
            self.extra = torch.nn.ModuleDict({"a": torch.nn.Unflatten(1, (2, 2))})
            self.bil = torch.nn.Bilinear(2, 3, 4)

    assert repr(Net()) == repr(TNet()).replace("TNet", "Net")
    assert repr(nn.Module()) == "Module()"


def test_parameter_repr_and_sharing():
    t = ember.tensor([1.0, 2.0])
    p = nn.Parameter(t)
    assert repr(p) == repr(torch.nn.Parameter(torch.tensor([1.0, 2.0]))).replace("torch", "ember")
    assert p.data_ptr() == t.data_ptr() and p.requires_grad and p.is_leaf
    assert not nn.Parameter(t, requires_grad=False).requires_grad
    with pytest.raises(RuntimeError, match="Only Tensors of floating point"):
        nn.Parameter(ember.tensor([1, 2]))


def test_deepcopy_and_pickle_keep_parameters():
    e = nn.Sequential(nn.Linear(4, 3), nn.Linear(3, 1))
    e(ember.ones(1, 4)).sum().backward()
    for clone in (copy.deepcopy(e), pickle.loads(pickle.dumps(e))):
        assert isinstance(clone[0].weight, nn.Parameter) and clone[0].weight is not e[0].weight
        np.testing.assert_array_equal(clone[0].weight.detach().numpy(), e[0].weight.detach().numpy())
        clone[0].weight.data.fill_(0)
        assert e[0].weight.any()


def test_get_submodule_parameter_buffer():
    e, _ = _pair()
    assert e.get_submodule("fc1") is e.fc1
    assert e.get_parameter("fc1.bias") is e.fc1.bias
    assert e.get_buffer("steps") is e.steps
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        e.get_submodule("nope")


def test_missing_forward():
    with pytest.raises(NotImplementedError, match='missing the required "forward" function'):
        nn.Module()(1)


def test_training_loop_learns_like_torch():
    """Plain SGD by hand on a 2-layer MLP: the loss curve follows torch's step by step."""
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((16, 4)), rng.standard_normal((16, 1))
    t = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1)).double()
    e = nn.Sequential(nn.Linear(4, 8), nn.Identity(), nn.Linear(8, 1)).double()
    e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()})
    e_forward = lambda inp: e[2](e[0](inp).tanh())   # noqa: E731  (Tanh module lives in another file)
    for _ in range(20):
        le = ((e_forward(ember.tensor(x)) - ember.tensor(y)) ** 2).mean()
        lt = ((t(torch.tensor(x)) - torch.tensor(y)) ** 2).mean()
        assert abs(le.item() - lt.item()) < 1e-12
        e.zero_grad()
        t.zero_grad()
        le.backward()
        lt.backward()
        with ember.no_grad():
            for p in e.parameters():
                p -= 0.1 * p.grad
        with torch.no_grad():
            for p in t.parameters():
                p -= 0.1 * p.grad


def test_always_call_forward_hook_runs_when_forward_raises_like_torch():
    seen = {}
    for lib in (ember, torch):
        lin = lib.nn.Linear(2, 2)
        calls = seen.setdefault(lib.__name__, [])
        lin.register_forward_hook(lambda m, args, out, calls=calls: calls.append(out), always_call=True)
        lin.register_forward_hook(lambda m, args, out, calls=calls: calls.append("plain"))
        with pytest.raises(RuntimeError, match="shapes cannot be multiplied"):
            lin(lib.ones(3, 3))
    assert seen["ember"] == seen["torch"] == [None]


def test_buffer_assigned_as_an_attribute_registers_as_torch():
    def state(lib):
        class M(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.a = lib.nn.Buffer(lib.ones(2))
                self.b = lib.nn.Buffer(lib.zeros(3), persistent=False)
                self.c = lib.ones(1)
        m = M()
        seen = ([n for n, _ in m.named_buffers()], list(m.state_dict()), isinstance(m.a, lib.nn.Buffer),
                isinstance(m.c, lib.nn.Buffer), type(m.a) is lib.Tensor)
        m.a = lib.nn.Buffer(lib.full((2,), 3.0), persistent=False)
        with pytest.raises(KeyError, match="attribute 'c' already exists"):
            m.c = lib.nn.Buffer(lib.ones(1))
        grad = lib.nn.Buffer(lib.ones(2, requires_grad=True))
        return seen + (list(m.state_dict()), m.a.tolist(), grad.requires_grad, grad.is_leaf)
    assert state(ember) == state(torch) == (["a", "b"], ["a"], True, False, True, [], [3.0, 3.0], True, True)
