"""ember.utils.checkpoint against torch.utils.checkpoint: the same gradients, random state replayed, the errors."""

import numpy as np
import pytest
import torch
import torch.utils.checkpoint

import ember
import ember.utils.checkpoint


def _net(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 2))


def _pair():
    theirs = _net(torch).double()
    ours = _net(ember).double()
    ours.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((3, 4))
    return ours, theirs, x


def _grads(model):
    return [p.grad.numpy() for p in model.parameters()]


@pytest.mark.parametrize("reentrant", [True, False])
def test_gradients_equal_torch_and_the_plain_run(reentrant):
    ours, theirs, x = _pair()
    results = []
    for lib, model in ((ember, ours), (torch, theirs)):
        xi = lib.tensor(x, requires_grad=True)
        head, tail = model[:3], model[3:]
        out = lib.utils.checkpoint.checkpoint(head, xi, use_reentrant=reentrant)
        (tail(out) ** 2).sum().backward()
        results.append((out.detach().numpy(), xi.grad.numpy(), _grads(model)))
    for a, b in zip(results[0][:2], results[1][:2]):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    for a, b in zip(results[0][2], results[1][2]):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    plain = _net(ember).double()
    plain.load_state_dict(ours.state_dict())
    xi = ember.tensor(x, requires_grad=True)
    (plain(xi) ** 2).sum().backward()
    for a, b in zip(results[0][2], _grads(plain)):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_random_state_is_replayed_so_dropout_masks_agree():
    drop = ember.nn.Dropout(0.5)
    x = ember.ones(1000, dtype=ember.float64, requires_grad=True)
    ember.manual_seed(3)
    out = ember.utils.checkpoint.checkpoint(drop, x, use_reentrant=False)
    after = ember.rand(3)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), (out.detach().numpy() != 0) * 2.0)
    ember.manual_seed(3)
    drop(ember.ones(1000))
    np.testing.assert_array_equal(ember.rand(3).numpy(), after.numpy())   # backward left the random state alone


def test_checkpoint_sequential_equals_torch():
    ours, theirs, x = _pair()
    outs = []
    for lib, model in ((ember, ours), (torch, theirs)):
        xi = lib.tensor(x, requires_grad=True)
        out = lib.utils.checkpoint.checkpoint_sequential(model, 2, xi, use_reentrant=False)
        out.sum().backward()
        outs.append((out.detach().numpy(), xi.grad.numpy()))
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_keyword_arguments_warnings_and_errors_as_torch():
    for lib in (ember, torch):
        x = lib.ones(3, requires_grad=True)
        fn = (lambda a, b=1: a.sin() * b)
        with pytest.warns(UserWarning, match="the use_reentrant parameter should be passed explicitly"):
            lib.utils.checkpoint.checkpoint(lambda a: a.sin(), x)
        with pytest.warns(UserWarning, match="None of the inputs have requires_grad=True. Gradients will be None"):
            lib.utils.checkpoint.checkpoint(lambda a: a.sin(), lib.ones(3), use_reentrant=True)
        with pytest.raises(ValueError, match="Unexpected keyword arguments: b"):
            lib.utils.checkpoint.checkpoint(fn, x, b=2, use_reentrant=True)
        y = lib.utils.checkpoint.checkpoint(fn, x, b=2, use_reentrant=False)
        np.testing.assert_allclose(y.detach().numpy(), 2 * np.sin(np.ones(3)), rtol=1e-6)
        out = lib.utils.checkpoint.checkpoint(lambda a: a.sin(), x, use_reentrant=True)
        with pytest.raises(RuntimeError, match="torch.utils.checkpoint is incompatible with .grad()"):
            lib.autograd.grad(out.sum(), x)


def test_without_reentrant_autograd_grad_and_double_backward_equal_torch():
    ours, theirs, x = _pair()
    results = []
    for lib, model in ((ember, ours), (torch, theirs)):
        xi = lib.tensor(x, requires_grad=True)
        out = lib.utils.checkpoint.checkpoint(model[:3], xi, use_reentrant=False)
        gx, gw = lib.autograd.grad((out ** 3).sum(), [xi, model[0].weight], create_graph=True)
        gg, = lib.autograd.grad((gx ** 2).sum() + gw.sum(), xi)
        results.append([gx.detach().numpy(), gw.detach().numpy(), gg.numpy()])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-10)


def test_without_reentrant_keeps_no_activations_and_recomputes_once_per_backward():
    calls = []

    def fn(a):
        calls.append(1)
        return a.sin().exp().tanh()

    x = ember.tensor([0.5, -1.0, 2.0], dtype=ember.float64, requires_grad=True)
    y = ember.utils.checkpoint.checkpoint(fn, x, use_reentrant=False)
    node, kept = y.grad_fn, []
    while node is not None and node.name() != "AccumulateGrad":
        kept += [entry[0] for entry in node._saved if entry]    # what each node stores: the saved tensor's number
        node = node.next_functions[0][0]
    assert kept == [2, 1, 0] and len(calls) == 1    # tanh saves its output, exp its output, sin its input
    y.sum().backward(retain_graph=True)
    assert len(calls) == 2
    np.testing.assert_allclose(x.grad.numpy(), _plain_grad(x.detach().numpy()), rtol=1e-12)


def _plain_grad(values):
    t = torch.tensor(values, requires_grad=True)
    t.sin().exp().tanh().sum().backward()
    return t.grad.numpy()


def test_without_reentrant_raises_as_torch_when_the_recomputation_differs():
    def run(lib, second):
        state = {"first": True}

        def fn(a):
            return (a * a if state.pop("first", False) else second(a)).exp()

        y = lib.utils.checkpoint.checkpoint(fn, lib.ones(3, requires_grad=True), use_reentrant=False)
        with pytest.raises(lib.utils.checkpoint.CheckpointError) as e:
            y.sum().backward()
        return str(e.value)

    for second in (lambda a: a.sin(), lambda a: a[:2] * a[:2]):    # fewer saves; saves of other shapes
        ours, theirs = run(ember, second), run(torch, second)
        assert ours.split("\n")[:3] == theirs.replace("torch.", "ember.").split("\n")[:3]
