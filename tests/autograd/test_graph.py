"""ember.autograd.graph against torch.autograd.graph: saved-tensor hooks, post-accumulate-grad hooks, multi-grad
hooks, gradient edges and version bumps; and leaf tensor hooks under autograd.grad."""
import threading

import numpy as np
import pytest
import torch

import ember

X = np.array([0.3, -1.2, 0.7])
Y = np.array([1.1, 0.4, -0.5])


def _leaves(lib):
    return lib.tensor(X, requires_grad=True), lib.tensor(Y, requires_grad=True)


def _both(fn):
    """fn(lib) for ember and torch, as NumPy arrays (tuples of tensors element-wise)."""
    out = []
    for lib in (ember, torch):
        r = fn(lib)
        out.append([t.detach().numpy() for t in r] if isinstance(r, (tuple, list)) else r.detach().numpy())
    return out


def _assert_same(fn):
    e, t = _both(fn)
    for a, b in zip(e, t) if isinstance(e, list) else ((e, t),):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def _graph(lib, a, b):
    d = a * b
    return (d.exp() + a.sin() * d).sum()


@pytest.mark.parametrize("unpack", [lambda p: p, lambda p: p * 2], ids=["same", "doubled"])
def test_saved_tensors_hooks_feed_backward_what_unpack_returns(unpack):
    def run(lib):
        a, b = _leaves(lib)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t.detach().clone(), unpack):
            y = _graph(lib, a, b)
        y.backward()
        return a.grad, b.grad
    _assert_same(run)


def test_saved_tensors_hooks_pack_every_saved_tensor_under_no_grad():
    def run(lib):
        a, b = _leaves(lib)
        seen = []

        def pack(t):
            seen.append((tuple(t.shape), t.requires_grad, lib.is_grad_enabled(), type(t.grad_fn).__name__))
            return t
        with lib.autograd.graph.saved_tensors_hooks(pack, lambda p: p):
            (a * b).exp().sin()
        return sorted(seen)
    assert run(ember) == run(torch) == sorted([((3,), True, False, "NoneType")] * 2 +
                                              [((3,), True, False, "ExpBackward0"),
                                               ((3,), True, False, "ExpBackward0")])


def test_saved_tensors_hooks_double_backward():
    def run(lib):
        a, b = _leaves(lib)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t.detach() * 1, lambda p: p * 1):
            y = _graph(lib, a, b)
        ga, = lib.autograd.grad(y, a, create_graph=True)
        ga.sum().backward()
        return ga, a.grad, b.grad
    _assert_same(run)


def test_save_on_cpu_gives_the_same_gradients():
    def run(lib):
        a, b = _leaves(lib)
        with lib.autograd.graph.save_on_cpu():
            y = _graph(lib, a, b)
        y.backward()
        return a.grad, b.grad
    _assert_same(run)


def test_saved_tensors_hooks_skip_the_version_check_as_torch():
    def run(lib):
        a, _ = _leaves(lib)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t.detach().clone(), lambda p: p):
            b = a * 1
            c = b.sin()
        with lib.no_grad():
            b.add_(1)
        c.sum().backward()
        return a.grad
    _assert_same(run)


def test_unpack_hook_must_return_a_tensor():
    for lib in (ember, torch):
        a, _ = _leaves(lib)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda p: 5):
            y = (a * a).sum()
        with pytest.raises(TypeError, match="Output of saved tensor unpack_hook expected to be a Tensor but got "
                                            "result of type int"):
            y.backward()


def test_disable_saved_tensors_hooks():
    for lib in (ember, torch):
        G = lib.autograd.graph
        with G.disable_saved_tensors_hooks("no hooks here"):
            with pytest.raises(RuntimeError, match="no hooks here"):
                with G.saved_tensors_hooks(lambda t: t, lambda p: p):
                    pass
        with G.saved_tensors_hooks(lambda t: t, lambda p: p):
            with pytest.raises(RuntimeError, match="inner"):
                with G.disable_saved_tensors_hooks("inner"):
                    pass
        with G.saved_tensors_hooks(lambda t: t, lambda p: p):   # usable again afterwards
            pass


def test_saved_tensors_hooks_are_per_thread():
    packed = []
    a, b = _leaves(ember)
    started, release = threading.Event(), threading.Event()

    def other():
        with ember.autograd.graph.saved_tensors_hooks(lambda t: packed.append(1) or t, lambda p: p):
            started.set()
            release.wait()
    thread = threading.Thread(target=other)
    thread.start()
    started.wait()
    y = _graph(ember, a, b)
    release.set()
    thread.join()
    y.backward()
    assert packed == []
    np.testing.assert_allclose(a.grad.numpy(), _grad_a(torch).numpy(), rtol=1e-12)


def _grad_a(lib):
    a, b = _leaves(lib)
    _graph(lib, a, b).backward()
    return a.grad


def test_post_accumulate_grad_hook():
    def run(lib):
        x = lib.tensor(X, requires_grad=True)
        seen = []
        h = x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.clone()))
        (x * 3).sum().backward()
        (x * x).sum().backward()
        lib.autograd.grad((x * 2).sum(), x)            # no accumulation: no call
        h.remove()
        (x * 5).sum().backward()
        return seen + [x.grad]
    e, t = _both(run)
    assert len(e) == len(t) == 3
    _assert_same(run)


def test_post_accumulate_grad_hook_errors():
    for lib in (ember, torch):
        x = lib.tensor(X, requires_grad=True)
        with pytest.raises(RuntimeError, match="post accumulate grad hooks cannot be registered on non-leaf"):
            (x * 2).register_post_accumulate_grad_hook(lambda t: None)
        with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't require gradient"):
            lib.ones(2).register_post_accumulate_grad_hook(lambda t: None)
        h = x.register_post_accumulate_grad_hook(lambda t: t * 2)
        with pytest.raises(RuntimeError, match="Tensor post accumulate grad hooks should return None."):
            (x * 1).sum().backward()
        h.remove()
        x.register_post_accumulate_grad_hook(lambda t: 5)
        with pytest.raises(TypeError, match="expected Variable, but hook returned 'int'"):
            (x * 1).sum().backward()


def test_leaf_hooks_run_under_autograd_grad():
    def run(lib):
        x = lib.tensor(X, requires_grad=True)
        x.register_hook(lambda g: g * 10)
        y = x * 2
        y.register_hook(lambda g: g + 1)
        return lib.autograd.grad((x * 2).sum(), x) + lib.autograd.grad(y.sum(), x) + lib.autograd.grad(y.sum(), y)
    _assert_same(run)


def test_register_multi_grad_hook_all():
    def run(lib):
        a, b = _leaves(lib)
        c = lib.tensor(Y * 2, requires_grad=True)
        calls = []
        handle = lib.autograd.graph.register_multi_grad_hook(
            (a, b, c), lambda grads: calls.append([lib.zeros(1) - 1 if g is None else g.clone() for g in grads]))
        (a * b).sum().backward()                          # c gets no gradient in this pass
        (a * b * c).sum().backward()
        handle.remove()
        (a * b * c).sum().backward()
        return [g for call in calls for g in call] + [lib.tensor(float(len(calls)))]
    _assert_same(run)


def test_register_multi_grad_hook_any_is_called_once_per_pass_with_one_of_the_gradients():
    a, b = _leaves(ember)
    c = ember.tensor(Y * 2, requires_grad=True)
    calls = []
    handle = ember.autograd.graph.register_multi_grad_hook((a, b, c), lambda g: calls.append(g.numpy()),
                                                           mode="any")
    (a * b).sum().backward()
    ember.autograd.grad((a * c).sum(), (a, c))
    handle.remove()
    (a * b * c).sum().backward()
    assert len(calls) == 2
    assert any(np.array_equal(calls[0], g) for g in (Y, X))
    assert any(np.array_equal(calls[1], g) for g in (2 * Y, X))


def test_register_multi_grad_hook_mode_error():
    for lib in (ember, torch):
        with pytest.raises(ValueError, match="Expects mode to be one of"):
            lib.autograd.graph.register_multi_grad_hook(_leaves(lib), print, mode="some")


def test_gradient_edge_and_increment_version():
    for lib in (ember, torch):
        G = lib.autograd.graph
        a, _ = _leaves(lib)
        b = a * 2
        edge = G.get_gradient_edge(b)
        assert edge.node is b.grad_fn and edge.output_nr == 0 and isinstance(edge.node, G.Node)
        assert type(G.get_gradient_edge(a).node).__name__ == "AccumulateGrad"
        with pytest.raises(RuntimeError, match="It is not possible to get the gradient edge for a Tensor that does "
                                               "not require gradients"):
            G.get_gradient_edge(lib.ones(2))
        c = b.sin()
        G.increment_version(b)
        G.increment_version([a, b])
        assert (a._version, b._version) == (1, 2)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            c.sum().backward()
