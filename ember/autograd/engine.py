"""The backward pass: iterative, dependency-counted, gradients un-broadcast in one place.

Gradients travel as backend arrays (fast first-order backward) or, under create_graph=True, as ember
tensors whose operations are recorded, which gives higher derivatives.
"""
import sys
import threading

from .._dtype import from_numpy_dtype
from .._memory import held_here
from .._tensor import Tensor, _wrap
from . import grad_mode
from .anomaly import anomaly_state, check_nan, report
from .function import as_array
from .node import AccumulateGrad

__all__ = ["run_backward"]

_getrefcount = sys.getrefcount


class _Running(threading.local):
    targeted = False    # whether the backward pass running in this thread computes chosen inputs' gradients only
    task = None         # the _Task of the backward pass running in this thread


class _Task:
    """A backward pass: the nodes that receive a gradient in it (register_multi_grad_hook asks)."""
    __slots__ = ("deps", "roots")

    def __init__(self, deps, roots):
        self.deps, self.roots = deps, roots

    def will_run(self, node):
        return node in self.deps or node in self.roots


running = _Running()


def _walk(roots, targets):
    """Count each node's incoming edges. With targets (a set of nodes whose gradient is wanted),
    keep only nodes on a path to a target: `run` marks which of them must execute."""
    roots = list(dict.fromkeys(roots))
    if targets is None:
        deps, stack, root_set = {}, list(roots), set(roots)
        while stack:
            for nxt in stack.pop()._nexts:
                if nxt is not None:
                    c = deps.get(nxt)
                    if c is None:
                        deps[nxt] = 1
                        if nxt not in root_set:
                            stack.append(nxt)
                    else:
                        deps[nxt] = c + 1
        return deps, None
    # post-order walk with an explicit stack (a node comes after everything it leads to, even when that is
    # another root), then mark nodes that lead to a target
    order, seen = [], set()
    for root in roots:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, 0)]
        while stack:
            node, i = stack.pop()
            nf = node._nexts
            while i < len(nf) and (nf[i] is None or nf[i] in seen):
                i += 1
            if i < len(nf):
                stack.append((node, i + 1))
                seen.add(nf[i])
                stack.append((nf[i], 0))
            else:
                order.append(node)
    run, needed = set(), set()
    for node in order:
        if any(nxt in needed for nxt in node._nexts):
            run.add(node)
            needed.add(node)
        if node in targets:
            needed.add(node)
    deps = {}
    for node in run:
        for nxt in node._nexts:
            if nxt in needed:
                deps[nxt] = deps.get(nxt, 0) + 1
    return deps, run


def _invalid(node, i, got, expected):
    raise RuntimeError(f"Function {node.name()} returned an invalid gradient at index {i} - got "
                       f"{list(got)} but expected shape compatible with {list(expected)}")


def _sum_to(g, shape, node, i):
    """Sum a broadcast gradient back to an input's shape (the one place broadcasting is undone)."""
    gs = g.shape
    lead = len(gs) - len(shape)
    if lead < 0:
        _invalid(node, i, gs, shape)
    axes = list(range(lead))
    for d, s in enumerate(shape):
        if s != gs[d + lead]:
            if s != 1:
                _invalid(node, i, gs, shape)
            axes.append(d + lead)
    if isinstance(g, Tensor):
        return g.sum(tuple(axes), keepdim=True).reshape(shape) if axes else g.reshape(shape)
    return g.sum(axis=tuple(axes), keepdims=True).reshape(shape) if axes else g.reshape(shape)


def _cast(g, dt):
    """g in dtype dt; the real part of a complex g that flows to a real input, as PyTorch."""
    if isinstance(g, Tensor):
        return (g.real if g.is_complex() and dt.kind != "c" else g).to(from_numpy_dtype(dt))
    return (g.real if g.dtype.kind == "c" and dt.kind != "c" else g).astype(dt)


def _as_tensor(g, graph):
    return g if graph else _wrap(g)


def _run_hooks(hooks, g, graph):
    for hook in list(hooks.values()):
        r = hook(_as_tensor(g, graph))
        if r is not None:
            g = r if graph else r._data
    return g


def _accumulate_leaf(node, g, graph):
    var = node.variable
    old = var._grad
    if graph:
        var._grad = g if old is None else old + g
    elif old is None:
        # NOTE: keep g itself only when nothing else refers to it or its memory (a pass-through
        # gradient is shared with another leaf or with the caller); 2 = this frame + getrefcount's,
        # plus ember._memory's reference when g came from its cache (it is then held by .grad).
        # A view of all of a contiguous base that only it uses (w.t().t() of a fresh matmul) gives the base.
        base = g.base
        if base is None:
            var._grad = _wrap(g if _getrefcount(g) <= 2 + held_here(g) else g.copy())
        elif (g.shape == base.shape and g.flags.c_contiguous and base.flags.c_contiguous
              and _getrefcount(g) <= 2 and _getrefcount(base) <= 3 + held_here(base)):  # 3: g.base, frame, call
            var._grad = _wrap(base)
        else:
            var._grad = _wrap(g.copy())
    elif old._requires_grad:
        var._grad = _wrap(as_array(old._data + g))
    else:
        old._data += g
    extra = var._extra
    if extra is not None and "post_hooks" in extra:
        for hook in list(extra["post_hooks"].values()):
            r = hook(var)
            if isinstance(r, Tensor):
                raise RuntimeError("Tensor post accumulate grad hooks should return None.")
            if r is not None:
                raise TypeError(f"expected Variable, but hook returned '{type(r).__name__}'")
    if node._post_hooks:
        for hook in list(node._post_hooks.values()):
            hook((), (_as_tensor(g, graph),))


def _node_hooks(node, grads, graph):
    """Tensor hooks and retain_grad on this node's outputs, then the node's own pre-hooks."""
    th = node._tensor_hooks
    if th:
        for nr, hooks in th.items():
            if grads[nr] is not None:
                grads[nr] = _run_hooks(hooks, grads[nr], graph)
    if node._retained:
        for nr, ref in node._retained.items():
            t = ref()
            g = grads[nr]
            if t is not None and g is not None:
                g = g if graph else g.copy()
                t._grad = _as_tensor(g, graph) if t._grad is None else t._grad + _as_tensor(g, graph)
    if node._pre_hooks:
        for hook in list(node._pre_hooks.values()):
            r = hook(tuple(None if g is None else _as_tensor(g, graph) for g in grads))
            if r is not None:
                grads[:] = [None if g is None else g if graph else g._data for g in r]


def run_backward(roots, root_grads, retain_graph, create_graph, targets=None, accumulate=True):
    """Backpropagate root_grads from roots, a list of (node, output_nr).

    With targets (nodes whose incoming gradient is wanted), only the graph leading to them runs, and
    the gradients arriving at them are returned as {node: [grad per output]}; leaves accumulate .grad
    only when `accumulate` is set and they are targets or no targets are given.
    """
    graph = create_graph
    deps, run = _walk([n for n, _ in roots], targets)
    buffers = {}
    for (node, nr), g in zip(roots, root_grads):
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * len(node._out_meta)
        buf[nr] = g if buf[nr] is None else buf[nr] + g if create_graph else as_array(buf[nr] + g)
    ready = [n for n in buffers if n not in deps]
    if run is not None:
        ready = [n for n in ready if n in run or n in targets]
    captured = {}
    anomaly = anomaly_state.enabled
    outer = running.targeted, running.task
    running.targeted, running.task = targets is not None, _Task(deps, frozenset(buffers))
    try:
        _loop(ready, buffers, deps, run, targets, captured, graph, retain_graph, accumulate, anomaly)
    finally:
        running.targeted, running.task = outer
    return captured


def _loop(ready, buffers, deps, run, targets, captured, graph, retain_graph, accumulate, anomaly):
    """Run the nodes from ready until none is left (see run_backward)."""
    with grad_mode.set_grad_enabled(graph):
        while ready:
            node = ready.pop()
            grads = buffers.pop(node, None)
            if grads is None:  # no gradient reached this node: only release its dependants
                for nxt in node._nexts:
                    if nxt is not None and nxt in deps:
                        deps[nxt] -= 1
                        if deps[nxt] == 0:
                            ready.append(nxt)
                continue
            leaf = type(node) is AccumulateGrad
            if leaf:
                extra = node.variable._extra
                if extra is not None and "hooks" in extra:   # a leaf's tensor hooks, before it is captured
                    grads[0] = _run_hooks(extra["hooks"], grads[0], graph)
            hooked = node._hooked
            if hooked:
                _node_hooks(node, grads, graph)
            if targets is not None and node in targets:
                captured[node] = grads
            if leaf:
                if accumulate and (targets is None or node in targets):
                    _accumulate_leaf(node, grads.pop(), graph)
                continue
            if run is not None and node not in run:
                continue
            if anomaly:
                try:
                    grads_in = node._apply(grads, graph)
                except Exception:
                    report(node)
                    raise
                check_nan(node, grads_in, lambda g: bool((g != g).any()))
            else:
                grads_in = node._apply(grads, graph)
            del grads
            if not retain_graph and node._saved:
                node._saved = None
                node._released = True
            if hooked and node._post_hooks:
                for hook in list(node._post_hooks.values()):
                    hook(tuple(None if g is None else _as_tensor(g, graph) for g in grads_in), ())
            nrs = node._nrs
            for i, nxt in enumerate(node._nexts):
                if nxt is None or (run is not None and nxt not in deps):
                    continue
                g = grads_in[i]
                if g is not None:
                    nr = nrs[i]
                    meta = nxt._out_meta
                    shape, dt = meta[nr]
                    data = g._data if graph else g
                    if data.shape != shape:
                        g = _sum_to(g, shape, node, i)
                    if data.dtype is not dt and data.dtype != dt:
                        g = _cast(g, dt)
                    buf = buffers.get(nxt)
                    if buf is None:
                        if len(meta) == 1:
                            buffers[nxt] = [g]
                        else:
                            buf = buffers[nxt] = [None] * len(meta)
                            buf[nr] = g
                    elif buf[nr] is None:
                        buf[nr] = g
                    else:
                        buf[nr] = buf[nr] + g if graph else as_array(buf[nr] + g)
                c = deps[nxt] - 1
                deps[nxt] = c
                if c == 0:
                    ready.append(nxt)
            # NOTE: drop this frame's references, so that a leaf can keep its gradient without a copy
            grads_in = g = data = None
