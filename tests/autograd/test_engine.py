"""The backward pass: tutorial behaviour, accumulation, retain_graph, create_graph, hooks, errors, deep graphs."""
import gc
import threading
import tracemalloc
import warnings
import weakref

import numpy as np
import pytest
import torch

import ember
from ember.autograd import Variable, gradcheck, gradgradcheck


def test_variable_mean_tutorial():
    x = Variable(ember.ones(2, 2), requires_grad=True)
    y = x.mean()
    y.backward()
    assert x.grad.tolist() == [[0.25, 0.25], [0.25, 0.25]]
    assert x.grad_fn is None and x.is_leaf
    assert y.grad_fn.name() == "MeanBackward0" and type(y.grad_fn).__name__ == "MeanBackward0"


def test_float_tensor_variable_tutorial():
    variable = Variable(ember.FloatTensor([[1, 2], [3, 4]]), requires_grad=True)
    v_out = ember.mean(variable * variable)
    assert v_out.item() == 7.5
    v_out.backward()
    assert variable.grad.tolist() == [[0.5, 1.0], [1.5, 2.0]]
    data = variable.data.numpy()
    assert isinstance(data, np.ndarray) and data.dtype == np.float32


def test_doubling_loop_with_gradient_argument():
    ember.manual_seed(0)
    x = ember.randn(3, requires_grad=True)
    y = x * 2
    k = 1
    while y.data.norm() < 1000:
        y = y * 2
        k += 1
    y.backward(ember.FloatTensor([0.1, 1.0, 0.001]))
    np.testing.assert_allclose(x.grad.numpy(), np.array([0.1, 1.0, 0.001], np.float32) * 2 ** k, rtol=1e-6)


def test_add_mul_mean_tutorial_and_names():
    x = ember.ones(2, 2, requires_grad=True)
    y = x + 2
    z = y * y * 3
    out = z.mean()
    out.backward()
    assert x.grad.tolist() == [[4.5, 4.5], [4.5, 4.5]]
    assert y.grad_fn.name() == "AddBackward0" and z.grad_fn.name() == "MulBackward0"
    (acc, nr), (none, _) = y.grad_fn.next_functions
    assert acc.name() == "AccumulateGrad" and acc.variable is x and nr == 0 and none is None
    assert repr(out) == "tensor(27., grad_fn=<MeanBackward0>)"


def test_gradients_accumulate_across_backward_calls():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    for _ in range(3):
        (x * x).sum().backward()
    assert x.grad.tolist() == [6.0, 12.0]


def test_intermediate_grads_are_not_kept_and_second_backward_matches_torch():
    # micrograd's pitfall: (x*2)*3 backward twice must give 12, not 18
    x = ember.tensor(1.0, requires_grad=True)
    y = (x * 2) * 3
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == 12.0


def test_backward_twice_through_freed_graph_raises():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp()).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time.*ExpBackward0.*retain_graph=True"):
        y.backward()


def test_backward_twice_without_saved_tensors_works_as_in_torch():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = (x + 1).sum()
    y.backward()
    y.backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_non_scalar_backward_needs_gradient():
    y = ember.ones(2, 3, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"only for scalar outputs, but output 0 has shape \[2, 3\].*sum\(\)"):
        y.backward()


def test_gradient_shape_mismatch():
    y = ember.ones(3, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"Mismatch in shape: grad_output\[0\] has a shape of ember.Size\(\[2\]\)"):
        y.backward(ember.ones(2))


def test_backward_on_tensor_without_grad():
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad and does not have a grad_fn"):
        ember.ones(2).sum().backward()


def test_create_graph_gives_higher_derivatives():
    x = ember.tensor([0.5, -1.5, 2.0], dtype=ember.float64, requires_grad=True)
    y = (x ** 3 * x.sin()).sum()
    g1, = ember.autograd.grad(y, x, create_graph=True)
    g2, = ember.autograd.grad(g1.sum(), x, create_graph=True)
    g3, = ember.autograd.grad(g2.sum(), x)
    xt = torch.tensor([0.5, -1.5, 2.0], dtype=torch.float64, requires_grad=True)
    yt = (xt ** 3 * xt.sin()).sum()
    t1, = torch.autograd.grad(yt, xt, create_graph=True)
    t2, = torch.autograd.grad(t1.sum(), xt, create_graph=True)
    t3, = torch.autograd.grad(t2.sum(), xt)
    for e, t in ((g1, t1), (g2, t2), (g3, t3)):
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-12)


def test_backward_create_graph_fills_grad_with_graph():
    x = ember.tensor(3.0, requires_grad=True)
    (x ** 2).backward(create_graph=True)
    assert x.grad.item() == 6.0 and x.grad.requires_grad
    g = x.grad
    x.grad = None
    g.backward()
    assert x.grad.item() == 2.0


def test_autograd_grad_unused_and_non_leaf_inputs():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    w = ember.tensor([3.0, 4.0], requires_grad=True)
    h = x * 2
    y = (h * h).sum()
    gh, gx = ember.autograd.grad(y, [h, x], retain_graph=True)
    assert gh.tolist() == [4.0, 8.0] and gx.tolist() == [8.0, 16.0]
    assert x.grad is None  # grad() does not accumulate
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph.*allow_unused=True"):
        ember.autograd.grad(y, [x, w], retain_graph=True)
    gx, gw = ember.autograd.grad(y, [x, w], allow_unused=True, retain_graph=True)
    assert gw is None
    gx, gw = ember.autograd.grad(y, [x, w], materialize_grads=True)
    assert gw.tolist() == [0.0, 0.0]


@pytest.mark.parametrize("order", ["leaf-side root last", "leaf-side root first"])
def test_grad_of_several_outputs_when_one_output_feeds_another(order):
    """A root that also lies on another root's path gets both its seed and the gradient flowing into it."""
    results = []
    for lib in (ember, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        outputs, seeds = [(y * y).sum(), y], [lib.tensor(1.0), lib.tensor([1.0, 3.0])]
        if order == "leaf-side root first":
            outputs, seeds = outputs[::-1], seeds[::-1]
        gx, gy = lib.autograd.grad(outputs, [x, y], seeds, retain_graph=True)
        lib.autograd.backward(outputs, seeds, inputs=[x])
        results.append([gx.tolist(), gy.tolist(), x.grad.tolist()])
    assert results[0] == results[1] == [[10.0, 22.0], [5.0, 11.0], [10.0, 22.0]]


def test_grad_prunes_branches_it_does_not_need():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    w = ember.tensor([1.0, 2.0], requires_grad=True)
    a = x.exp()
    b = w.exp()
    (a.sum() + b.sum()).backward(retain_graph=False, inputs=[x])
    assert w.grad is None and x.grad is not None


def test_backward_inputs_only_accumulate_those():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    w = ember.tensor([3.0, 4.0], requires_grad=True)
    (x * w).sum().backward(inputs=[w])
    assert x.grad is None and w.grad.tolist() == [1.0, 2.0]


def test_leaf_grad_does_not_alias_other_gradients():
    a = ember.zeros(3, requires_grad=True)
    b = ember.zeros(3, requires_grad=True)
    g = ember.ones(3)
    (a + b).backward(g)
    a.grad.mul_(5)
    assert b.grad.tolist() == [1.0, 1.0, 1.0] and g.tolist() == [1.0, 1.0, 1.0]


def test_mixed_precision_gradients_take_each_input_dtype():
    a = ember.ones(2, dtype=ember.float32, requires_grad=True)
    b = ember.ones(2, dtype=ember.float64, requires_grad=True)
    (a * b).sum().backward()
    assert a.grad.dtype == ember.float32 and b.grad.dtype == ember.float64


def test_broadcast_gradients_are_summed_to_input_shape():
    a = ember.ones(3, 1, requires_grad=True)
    b = ember.ones(4, requires_grad=True)
    (a * b).sum().backward()
    assert a.grad.shape == (3, 1) and a.grad.tolist() == [[4.0]] * 3
    assert b.grad.tolist() == [3.0] * 4


def test_tensor_hooks_modify_and_remove():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    seen = []
    h1 = y.register_hook(lambda g: seen.append(g.tolist()) or g * 10)
    hx = x.register_hook(lambda g: g + 1)
    y.sum().backward(retain_graph=True)
    assert seen == [[1.0, 1.0]] and x.grad.tolist() == [31.0, 31.0]
    h1.remove()
    hx.remove()
    x.grad = None
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_retain_grad_on_non_leaf():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    (y * y).sum().backward()
    assert y.retains_grad and y.grad.tolist() == [4.0, 8.0]
    z = x * 3
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        assert z.grad is None
    assert "not a leaf Tensor" in str(w[0].message)


def test_node_hooks():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    calls = []
    y.grad_fn.register_prehook(lambda go: calls.append(("pre", go[0].tolist())))
    y.grad_fn.register_hook(lambda gi, go: calls.append(("post", gi[0].tolist())))
    y.sum().backward()
    assert calls == [("pre", [1.0, 1.0]), ("post", [2.0, 2.0])]


def test_saved_tensor_modified_in_place_is_detected():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    z = (y * y).sum()
    y.add_(1)
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation: \[ember.FloatTensor \[2\]\], which is "
                                           r"output 0 of MulBackward0, is at version 1; expected version 0"):
        z.backward()

@pytest.mark.parametrize("changed, fails", [("x", False), ("c", True)])
def test_only_values_a_needed_gradient_takes_are_saved(changed, fails):
    # as PyTorch: x * c with only x requiring grad keeps c (the gradient of x) but not x, so changing x in place
    # afterwards is fine; x * 2.0 keeps only the number
    def run(lib):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        x, c = w * 1, lib.tensor([3.0, 4.0])
        y = x * c + x * 2.0
        (x if changed == "x" else c).add_(1)
        try:
            y.sum().backward()
        except RuntimeError as e:
            return str(e)
        return w.grad.tolist()
    got, want = run(ember), run(torch)
    assert isinstance(want, str) == fails
    if fails:
        assert "modified by an inplace operation" in got and "MulBackward0" in got
    else:
        assert got == want == [5.0, 6.0]



def test_in_place_on_leaf_requiring_grad_raises_but_not_under_no_grad():
    w = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"):
        w.mul_(2)
    with ember.no_grad():
        w.mul_(2)
    assert w.tolist() == [2.0, 2.0] and w.is_leaf and w._version == 1


def test_in_place_op_records_and_matches_torch():
    def f(mod, x):
        y = x * 1
        y.mul_(x).add_(2).exp_()
        return y.sum()
    xe = ember.tensor([0.1, 0.5], dtype=ember.float64, requires_grad=True)
    xt = torch.tensor([0.1, 0.5], dtype=torch.float64, requires_grad=True)
    f(ember, xe).backward()
    f(torch, xt).backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-12)


def test_numpy_on_tensor_requiring_grad():
    x = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Use tensor.detach\(\).numpy\(\) instead"):
        x.numpy()
    assert x.detach().numpy().tolist() == [1.0, 1.0]


def test_detach_shares_storage_and_version_data_does_not_share_version():
    x = ember.ones(2, requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.grad_fn is None
    d.add_(1)
    assert x.tolist() == [2.0, 2.0] and x._version == 1
    x.data.add_(1)
    assert x.tolist() == [3.0, 3.0] and x._version == 1


def test_requires_grad_rules():
    with pytest.raises(RuntimeError, match="Only Tensors of floating point"):
        ember.ones(2, dtype=ember.int64).requires_grad_()
    y = ember.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf variables"):
        y.requires_grad = False
    assert not (ember.ones(2, requires_grad=True) > 0).requires_grad


def test_grad_modes_and_decorators():
    x = ember.ones(2, requires_grad=True)
    with ember.no_grad():
        assert not (x * 2).requires_grad
        with ember.enable_grad():
            assert (x * 2).requires_grad
    with ember.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert ember.is_grad_enabled()

    @ember.no_grad()
    def f():
        return x * 2
    assert not f().requires_grad and ember.is_grad_enabled()
    ember.set_grad_enabled(False)
    assert not ember.is_grad_enabled()
    ember.set_grad_enabled(True)
    with ember.inference_mode():
        assert not (x * 2).requires_grad and ember.is_inference_mode_enabled()
    assert (x * 2).requires_grad


def test_grad_mode_is_thread_local():
    seen = []
    with ember.no_grad():
        t = threading.Thread(target=lambda: seen.append(ember.is_grad_enabled()))
        t.start()
        t.join()
    assert seen == [True]


def test_volatile_variable_warns_and_means_no_grad():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        v = Variable(ember.ones(2), volatile=True)
    assert not v.requires_grad
    assert any("volatile" in str(m.message) for m in w) or ember.autograd.variable._warned
    assert isinstance(v, Variable) and isinstance(v, ember.Tensor)


def test_million_node_chain_backward_and_free_without_recursion():
    x0 = ember.ones(1, dtype=ember.float64, requires_grad=True)
    x = x0
    for _ in range(1_000_000):
        x = x * 1.0001 + 0.0001
    x.backward()
    np.testing.assert_allclose(x0.grad.item(), 1.0001 ** 1_000_000, rtol=1e-6)
    del x  # freeing a million-deep graph must not recurse either


def test_graph_is_freed_by_reference_counting_alone():
    gc.collect()
    gc.disable()
    try:
        tracemalloc.start()
        x = ember.ones(20000, requires_grad=True)
        start = tracemalloc.get_traced_memory()[0]
        y = x
        for _ in range(50):
            y = (y * 1.5).tanh()
        ref = weakref.ref(y.grad_fn)
        grown = tracemalloc.get_traced_memory()[0] - start
        del y
        left = tracemalloc.get_traced_memory()[0] - start
        tracemalloc.stop()
        assert ref() is None
        assert grown > 3_000_000 and left < grown / 20  # (CPython keeps freed small tuples in free lists)
    finally:
        gc.enable()


def test_second_derivative_through_single_gradient_op():
    y = ember.tensor([1.0, 2.0], requires_grad=True)
    g, = ember.autograd.grad((y.clone() ** 2).sum(), y, create_graph=True)
    g.sum().backward()
    assert g.tolist() == [2.0, 4.0] and y.grad.tolist() == [2.0, 2.0]


def test_zero_dim_gradients_are_arrays():
    x = ember.tensor(3.0, requires_grad=True)
    (x * x + x * 2).backward()
    assert x.grad.item() == 8.0 and x.grad.numpy().shape == ()


# ---- in-place changes through views are recorded on the base (CopySlices), as in PyTorch ----------------------
VIEW_CASES = {
    "setitem_then_mul_": lambda L, x, w: _chain(L, x, w, lambda y: (y[1:3].__setitem__(0, w[0] * 3), y[1:3].mul_(2))),
    "transpose_row_mul_": lambda L, x, w: _chain(L, x, w, lambda y: y.view(2, 2).t()[0].mul_(x[:2] * w)),
    "view_of_view_add_": lambda L, x, w: _chain(L, x, w, lambda y: y.view(2, 2)[1].unsqueeze(0).add_(w)),
    "copy_into_slice": lambda L, x, w: _chain(L, x, w, lambda y: y[::2].copy_(w.expand(2) * x[:2])),
}


def _chain(L, x, w, change):
    y = x * 2
    change(y)
    return (y * L.tensor([1.0, 2.0, 3.0, 4.0], dtype=y.dtype)).sum(), y


@pytest.mark.parametrize("name", sorted(VIEW_CASES))
def test_in_place_on_view_rebases_base_like_torch(name):
    results = []
    for L in (ember, torch):
        x = L.tensor([1.0, 2.0, 3.0, 4.0], dtype=L.float64, requires_grad=True)
        w = L.tensor([5.0], dtype=L.float64, requires_grad=True)
        out, y = VIEW_CASES[name](L, x, w)
        out.backward()
        results.append((y.detach().numpy(), x.grad.numpy(), w.grad.numpy(), y.grad_fn.name().split("::")[-1]))
    (ye, gxe, gwe, ne), (yt, gxt, gwt, nt) = results
    np.testing.assert_allclose(ye, yt)
    np.testing.assert_allclose(gxe, gxt)
    np.testing.assert_allclose(gwe, gwt)
    assert ne == nt == "CopySlices"


def test_in_place_on_view_gradgradcheck():
    def f(x, w):
        y = x * 1
        y[1:].mul_(w)
        return y * y
    x = ember.tensor([1.0, 2.0, 3.0], dtype=ember.float64, requires_grad=True)
    w = ember.tensor([0.5, -1.5], dtype=ember.float64, requires_grad=True)
    assert gradcheck(f, (x, w)) and gradgradcheck(f, (x, w))


def test_copy_into_view_of_tensor_without_grad_makes_base_require_grad():
    b = ember.zeros(3)
    w = ember.ones(2, requires_grad=True)
    b[:2].copy_(w * 3)
    assert b.requires_grad and b.grad_fn.name() == "CopySlices"
    (b * ember.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert w.grad.tolist() == [3.0, 6.0]


def test_in_place_on_view_of_leaf_raises():
    x = ember.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad is being used in an in-place"):
        x[0].mul_(2)
    with ember.no_grad():
        x[0].mul_(2)
    assert x.tolist() == [2.0, 1.0, 1.0]


def _stale_view_cases(lib):
    """(name, f(x) -> loss) where a view is used after its base changed in place since the view was made."""
    def base_changed(x):
        a = x.clone()
        v = a[:2]
        a.mul_(2)
        return (v * lib.tensor([1.0, 3.0])).sum()

    def through_other_view(x):
        a = x.clone()
        v, w = a[:2], a[1:]
        w.mul_(3)
        return (v * lib.tensor([1.0, 5.0])).sum()

    def view_of_view(x):
        a = x.clone()
        v = a.view(3, 1)[1:]
        a.add_(x * x)
        return (v ** 2).sum()

    def used_before_and_after(x):
        a = x.clone()
        v = a[1:]
        before = v.exp().sum()
        a.mul_(x)
        return before + (v * 7).sum()

    def twice(x):
        a = x.clone()
        v = a[::2]
        a.mul_(2)
        a[0] = x[1] * 10
        return v.sum() * 3
    return [(f.__name__, f) for f in (base_changed, through_other_view, view_of_view, used_before_and_after, twice)]


@pytest.mark.parametrize("case", range(5))
def test_a_view_used_after_its_base_changed_in_place_gets_the_new_history_as_in_torch(case):
    grads = []
    for lib in (ember, torch):
        name, f = _stale_view_cases(lib)[case]
        x = lib.tensor([1.5, -2.0, 3.0], dtype=lib.float64, requires_grad=True)
        f(x).backward()
        grads.append(x.grad.tolist())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12, err_msg=name)


def _no_grad_view_cases(lib):
    """(name, a function doing an in-place change of a view made in no_grad mode) for ember or torch."""
    def make(base, view=lambda a: a[:2], then=lambda v: v):
        with lib.no_grad():
            v = view(base)
        return then(v)
    nonleaf = lambda: lib.ones(3, requires_grad=True).clone()    # noqa: E731
    return [
        ("non-leaf base", lambda: make(nonleaf()).mul_(2)),
        ("leaf base", lambda: make(lib.ones(3, requires_grad=True)).mul_(2)),
        ("grad-requiring argument", lambda: make(lib.ones(3)).mul_(lib.ones(2, requires_grad=True))),
        ("view of the view, made with grad", lambda: make(nonleaf(), then=lambda v: v[:1]).mul_(2)),
        ("view of the view, made without grad", lambda: make(nonleaf(), view=lambda a: a[:2][:1]).add_(1)),
        ("setitem", lambda: make(nonleaf()).__setitem__(0, 5.0)),
        ("nothing to record", lambda: make(lib.ones(3)).mul_(2)),
        ("both in no_grad", lambda: make(nonleaf(), then=lambda v: lib.no_grad()(lambda: v.mul_(2))())),
    ]


@pytest.mark.parametrize("case", range(8))
def test_in_place_on_a_view_made_in_no_grad_mode_is_forbidden_as_in_torch(case):
    outcomes = []
    for lib in (ember, torch):
        name, fn = _no_grad_view_cases(lib)[case]
        try:
            fn()
            outcomes.append("ok")
        except RuntimeError as e:
            outcomes.append("created in no_grad mode and is being modified inplace" in str(e))
    assert outcomes[0] == outcomes[1], name
    assert outcomes[0] == ("ok" if name in ("nothing to record", "both in no_grad") else True)


@pytest.mark.parametrize("split", [lambda y: y.split(2), lambda y: y.unbind(), lambda y: y.chunk(2)])
def test_in_place_on_multi_output_view_raises_like_torch(split):
    y = ember.ones(4, requires_grad=True) * 1
    part = split(y)[0]
    with pytest.raises(RuntimeError, match=r"Output 0 of (Split|Unbind) is a view and is being modified "
                                           r"inplace\. This view is the output of a function that returns multiple"):
        part.mul_(2)
    assert part._version == y._version      # multi-output views share the base's version counter
