"""Node (what grad_fn returns), AccumulateGrad for leaves, saved tensors and hooks."""
import itertools
import threading
import weakref

from .._tensor import Tensor, _wrap

__all__ = ["Node", "AccumulateGrad", "RemovableHandle"]

_handle_ids = itertools.count()


class RemovableHandle:
    """Returned by register_hook: remove() unregisters the hook."""

    def __init__(self, hooks_dict, *id_sets):
        self.id = next(_handle_ids)
        self._hooks = weakref.ref(hooks_dict) if hooks_dict is not None else None
        self._id_sets = tuple(weakref.ref(s) for s in id_sets)   # e.g. the ids of a Module's kwargs hooks

    def remove(self):
        hooks = self._hooks() if self._hooks is not None else None
        if hooks is not None:
            hooks.pop(self.id, None)
        for ref in self._id_sets:
            ids = ref()
            if ids is not None:
                ids.discard(self.id)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class _HookDict(dict):
    """A dict that a weakref can point to (plain dicts cannot be weakly referenced)."""
    __slots__ = ("__weakref__",)


class Node:
    """A recorded operation in the graph: grad_fn of the tensors it produced.

    next_functions holds one (node, output_nr) pair per input: the node that produced that input
    (an AccumulateGrad for a leaf), or (None, 0) for inputs that need no gradient. They are kept as _nexts
    (the nodes) and _nrs (the output numbers): one tuple of objects per node for the garbage collector to
    visit, not one per edge.
    """
    _nexts = ()
    _nrs = ()
    _out_meta = ()            # ((shape, numpy dtype), ...) per output: where gradients are summed to
    _saved = None             # what backward needs, see save()
    _released = False
    _pre_hooks = None         # {handle id: fn(grad_outputs)}
    _post_hooks = None        # {handle id: fn(grad_inputs, grad_outputs)}
    _tensor_hooks = None      # {output_nr: {handle id: fn(grad)}} from Tensor.register_hook
    _retained = None          # {output_nr: weakref to a tensor whose .grad is kept}
    _hooked = False           # whether any of the four above was ever set: the engine's one check
    _trace = None             # forward stack trace, under detect_anomaly
    _metadata = None

    @property
    def next_functions(self):
        return tuple(zip(self._nexts, self._nrs))

    def name(self):
        """The op's name as PyTorch gives it (MulBackward0 ...)."""
        return type(self).__name__

    def __repr__(self):
        return f"<{self.name()} object at {id(self):#x}>"

    @property
    def metadata(self):
        if self._metadata is None:
            self._metadata = {}
        return self._metadata

    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) runs after this node computed its gradients."""
        if self._post_hooks is None:
            self._post_hooks = _HookDict()
            self._hooked = True
        h = RemovableHandle(self._post_hooks)
        self._post_hooks[h.id] = fn
        return h

    def register_prehook(self, fn):
        """fn(grad_outputs) runs before this node; a non-None return replaces grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = _HookDict()
            self._hooked = True
        h = RemovableHandle(self._pre_hooks)
        self._pre_hooks[h.id] = fn
        return h

    def _raise_released(self):
        raise RuntimeError(
            f"Trying to backward through the graph a second time (or directly access saved tensors after "
            f"they have already been freed): {self.name()} freed its saved values after the first "
            f"backward. Specify retain_graph=True in the first .backward() or autograd.grad() call if you "
            f"need to backward through the graph a second time, or recompute the forward pass.")


# ---- saved values: (tensor, version, grad_fn) for inputs; (array, counter, version, output_nr) for
# outputs; (number, number) for numbers, or (number, the number as a 0-d array) where the first-order backward
# computes faster with the array (ops/pointwise.py). An output is never stored as a Tensor:
# output -> grad_fn -> node -> output would be a cycle.

# Under saved_tensors_hooks (autograd/graph.py) a tensor is saved as what its pack hook returned:
# (packed, unpack hook, the node its gradient goes to (None for none or for this node's output), output_nr,
# whether it is this node's output).

class _SavedHooks(threading.local):
    stack = ()            # the (pack, unpack) pairs in force in this thread, innermost last
    disabled = None       # the error message while disable_saved_tensors_hooks is in force


saved_hooks = _SavedHooks()
hooks_in_use = 0          # contexts of saved_tensors_hooks open in any thread: the one check saving costs


def save_input(t, array=None):
    """The saved entry of an input: a tensor, or a number (with the array it was computed as, if any)."""
    if isinstance(t, Tensor):
        if hooks_in_use and saved_hooks.stack:
            return _pack(t, edge(t)[0], False)
        return (t, t._vc[0], t.grad_fn)
    return (t, t if array is None else array)


def save_output(t):
    if hooks_in_use and saved_hooks.stack:
        return _pack(t, None, True)
    return (t._data, t._vc, t._vc[0], t._output_nr)


def _pack(t, fn, is_output):
    from .grad_mode import no_grad
    pack, unpack_hook = saved_hooks.stack[-1]
    with no_grad():
        return (pack(t), unpack_hook, fn, t._output_nr, is_output)


def _unpack_hooked(node, entry, graph):
    """What the unpack hook gives, attached to the graph where the saved tensor was (a leaf's through its
    AccumulateGrad); PyTorch checks no version here, since the hooks decide what is kept."""
    packed, unpack_hook, fn, nr, is_output = entry
    t = unpack_hook(packed)
    if not isinstance(t, Tensor):
        raise TypeError(f"Output of saved tensor unpack_hook expected to be a Tensor but got result of type "
                        f"{type(t).__name__}")
    if not graph:
        return t._data
    if is_output:
        fn = node
    return _wrap(t._data) if fn is None else _wrap(t._data, True, fn, nr)


def unpack(node, entry, graph):
    """A saved value: the array (graph=False) or a Tensor connected to the graph (graph=True)."""
    n = len(entry)
    if n == 2:
        return entry[0] if graph else entry[1]
    if n == 3:
        t, v, fn = entry
        if t._vc[0] != v:
            _raise_modified(node, t._data, fn, t._output_nr, t._vc[0], v)
        return t if graph else t._data
    if n == 5:
        return _unpack_hooked(node, entry, graph)
    data, vc, v, nr = entry
    if vc[0] != v:
        _raise_modified(node, data, node, nr, vc[0], v)
    return _wrap(data, True, node, nr) if graph else data


def _raise_modified(node, data, grad_fn, output_nr, now, expected):
    from .._tensor_str import type_name
    where = f", which is output {output_nr} of {grad_fn.name()}," if grad_fn is not None else ""
    raise RuntimeError(
        f"one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [{type_name(data)} {list(data.shape)}]{where} is at version {now}; expected "
        f"version {expected} instead. It was saved by {node.name()}. Hint: replace the in-place "
        f"operation (add_, x[...] = ..., +=) by its out-of-place form, or call .clone() before it.")


_METAS = {}


def out_meta(array):
    """The _out_meta of a node with the one output `array`. Shared between nodes (so that a graph holds fewer
    objects for the garbage collector to visit): cached by shape and dtype."""
    key = (array.shape, array.dtype)
    meta = _METAS.get(key)
    if meta is None:
        if len(_METAS) >= 4096:
            _METAS.clear()
        meta = _METAS[key] = (key,)
    return meta


class AccumulateGrad(Node):
    """The node that sums a gradient into a leaf tensor's .grad."""

    def __init__(self, variable):
        self.variable = variable
        self._out_meta = out_meta(variable._data)


def grad_accumulator(leaf):
    """The one AccumulateGrad node of a leaf that requires grad (shared while it lives)."""
    extra = leaf._extra
    if extra is None:
        extra = leaf._extra = {}
    ref = extra.get("acc")
    acc = ref() if ref is not None else None
    if acc is None:
        acc = AccumulateGrad(leaf)
        extra["acc"] = weakref.ref(acc)
    return acc


def edge(t):
    """The (node, output_nr) pair that leads from a consumer of t back into the graph ((None, 0) if t is no
    tensor)."""
    if not isinstance(t, Tensor):
        return (None, 0)
    fn = t.grad_fn
    if fn is not None:
        extra = t._extra
        if extra is not None and "view" in extra and extra["view"][0].grad_fn is not extra["base_fn"]:
            from .function import regenerate_view
            fn = regenerate_view(t)
        return (fn, t._output_nr)
    if t._requires_grad:
        return (grad_accumulator(t), 0)
    return (None, 0)


def register_tensor_hook(t, hook):
    if t.grad_fn is None:
        extra = t._extra if t._extra is not None else {}
        t._extra = extra
        hooks = extra.setdefault("hooks", _HookDict())
    else:
        node = t.grad_fn
        if node._tensor_hooks is None:
            node._tensor_hooks = {}
            node._hooked = True
        hooks = node._tensor_hooks.setdefault(t._output_nr, _HookDict())
    h = RemovableHandle(hooks)
    hooks[h.id] = hook
    return h


def register_post_accumulate_grad_hook(t, hook):
    """hook(t) runs after a backward pass has accumulated t's gradient into t.grad (leaves only)."""
    if not t._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if t.grad_fn is not None:
        raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
    if t._extra is None:
        t._extra = {}
    hooks = t._extra.setdefault("post_hooks", _HookDict())
    h = RemovableHandle(hooks)
    hooks[h.id] = hook
    return h


def retain_grad(t):
    node = t.grad_fn
    if node._retained is None:
        node._retained = {}
        node._hooked = True
    node._retained[t._output_nr] = weakref.ref(t)
    if t._extra is None:
        t._extra = {}
    t._extra["retains_grad"] = True
