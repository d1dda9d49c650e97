"""torch.autograd.graph: the graph's nodes and edges, hooks on saved tensors, and hooks over several tensors."""
import contextlib
import threading
from typing import NamedTuple

from .._tensor import Tensor
from . import node as _node
from .node import Node, RemovableHandle, _HookDict, edge, saved_hooks

__all__ = ["Node", "GradientEdge", "get_gradient_edge", "increment_version", "saved_tensors_hooks", "save_on_cpu",
           "disable_saved_tensors_hooks", "register_multi_grad_hook"]

_count_lock = threading.Lock()


class GradientEdge(NamedTuple):
    """Where a tensor's gradient enters the graph: the node that receives it and which of its outputs."""
    node: Node
    output_nr: int
    ownership_token: object = None


def get_gradient_edge(tensor):
    """The GradientEdge of a tensor that requires grad (a leaf's is its AccumulateGrad node)."""
    if not tensor.requires_grad:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that does not require "
                           "gradients")
    return GradientEdge(*edge(tensor))


def increment_version(tensor):
    """Bump the version counter of a tensor (or of each tensor of an iterable), as an in-place change would."""
    for t in (tensor,) if isinstance(tensor, Tensor) else tensor:
        t._vc[0] += 1


class saved_tensors_hooks:
    """Context manager under which every tensor a recorded op saves for backward is stored as pack_hook(tensor)
    and given back to backward as unpack_hook(packed), which must return a tensor with the same content.

    Ops that keep intermediate arrays of their own (a convolution's columns, an RNN layer's gates) keep them
    outside the hooks."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self):
        if saved_hooks.disabled is not None:
            raise RuntimeError(saved_hooks.disabled)
        saved_hooks.stack = saved_hooks.stack + ((self.pack_hook, self.unpack_hook),)
        with _count_lock:
            _node.hooks_in_use += 1
        return self

    def __exit__(self, *exc):
        saved_hooks.stack = saved_hooks.stack[:-1]
        with _count_lock:
            _node.hooks_in_use -= 1


class save_on_cpu(saved_tensors_hooks):
    """Saved tensors are kept in host memory and moved back to their device when backward needs them."""

    def __init__(self, pin_memory=False, device_type="cuda"):
        super().__init__(lambda t: (t.device, t.cpu()), lambda packed: packed[1].to(packed[0]))


@contextlib.contextmanager
def disable_saved_tensors_hooks(error_message):
    """Context manager under which using saved_tensors_hooks raises RuntimeError(error_message)."""
    if saved_hooks.stack:
        raise RuntimeError(error_message)
    outer, saved_hooks.disabled = saved_hooks.disabled, error_message
    try:
        yield
    finally:
        saved_hooks.disabled = outer


def register_multi_grad_hook(tensors, fn, *, mode="all"):
    """Call fn once per backward pass over tensors: mode "all" after every gradient of theirs that this pass
    computes is known, with a tuple of them (None where this pass computes none); mode "any" with the first
    gradient computed. Returns a handle whose remove() unregisters it."""
    if mode not in ("all", "any"):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    tensors = tuple(tensors)
    handles = []
    if mode == "any":
        state = {"fired_in": None}

        def any_hook(grad):
            from .engine import running
            task = running.task
            if state["fired_in"] is not task:
                state["fired_in"] = task
                fn(grad)
        handles = [t.register_hook(any_hook) for t in tensors]
    else:
        state = {"task": None, "grads": None, "left": 0}

        def all_hook(i, grad):
            from .engine import running
            task = running.task
            if state["task"] is not task:
                nodes = [edge(t)[0] for t in tensors]
                state.update(task=task, grads=[None] * len(tensors),
                             left=sum(1 for n in nodes if task.will_run(n)))
            state["grads"][i] = grad
            state["left"] -= 1
            if state["left"] == 0:
                fn(tuple(state["grads"]))
                state["grads"] = None
        handles = [t.register_hook(lambda g, i=i: all_hook(i, g)) for i, t in enumerate(tensors)]
    return _MultiHandle(handles)


class _MultiHandle(RemovableHandle):
    def __init__(self, handles):
        super().__init__(_HookDict())
        self._handles = handles

    def remove(self):
        for h in self._handles:
            h.remove()
