"""ember.autograd: backward, grad, Function, Variable, grad modes, gradcheck and friends."""
from .._device import array_module
from .._tensor import Tensor, _wrap
from . import functional, graph, profiler
from .anomaly import detect_anomaly, set_detect_anomaly, is_anomaly_enabled, is_anomaly_check_nan_enabled
from .engine import run_backward
from .function import Function, FunctionCtx, once_differentiable
from .grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled,
                        is_inference_mode_enabled)
from .gradcheck import gradcheck, gradgradcheck
from .node import Node, AccumulateGrad, edge
from .variable import Variable

__all__ = ["backward", "grad", "Function", "FunctionCtx", "once_differentiable", "Variable", "no_grad",
           "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "is_inference_mode_enabled", "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
           "is_anomaly_check_nan_enabled",
           "gradcheck", "gradgradcheck", "functional", "graph", "profiler", "Node", "AccumulateGrad"]


def _as_list(x):
    return [x] if isinstance(x, Tensor) or x is None else list(x)


def _roots_and_grads(outputs, grad_outputs, create_graph):
    roots, grads = [], []
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"grad_tensors (or grad_outputs) should have the same length as tensors "
                           f"(or outputs): got {len(grad_outputs)} and {len(outputs)}")
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if not isinstance(out, Tensor):
            raise TypeError(f"expected a Tensor as output {i}, got {type(out).__name__}")
        if not out._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if out._data.size != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for scalar outputs, but output {i} has shape "
                    f"{list(out._data.shape)}. Reduce it first (e.g. y.sum().backward()) or pass the "
                    f"gradient of the output: y.backward(ember.ones_like(y))")
            if out._data.dtype.kind == "c":
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs, but output {i} is "
                                   f"{out.dtype}; take a real loss of it first (e.g. y.abs() or y.real)")
            g = _wrap(array_module(out._data).ones_like(out._data))
        elif not isinstance(g, Tensor):
            from .._creation import as_tensor
            g = as_tensor(g, dtype=out.dtype)
        if g._data.shape != out._data.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                               f"output[{i}] has a shape of {out.shape}.")
        if g._data.dtype != out._data.dtype:
            g = g.to(out.dtype)
        roots.append(edge(out))
        grads.append(g if create_graph else g._data)
    return roots, grads


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Compute the sum of gradients of tensors w.r.t. graph leaves, accumulated into their .grad."""
    tensors = _as_list(tensors)
    grad_tensors = [None] * len(tensors) if grad_tensors is None else _as_list(grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    roots, grads = _roots_and_grads(tensors, grad_tensors, create_graph)
    targets = None
    if inputs is not None:
        inputs = _as_list(inputs)
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
        targets = {_input_node(t) for t in inputs}
        # non-leaf inputs accumulate into .grad as leaves do
        for t in inputs:
            if t.grad_fn is not None:
                t.retain_grad()
    run_backward(roots, grads, retain_graph, create_graph, targets=targets)


def _input_node(t):
    if not isinstance(t, Tensor):
        raise TypeError(f"expected Tensor inputs, got {type(t).__name__}")
    if not t._requires_grad:
        raise RuntimeError("One of the differentiated Tensors does not require grad")
    return edge(t)[0]


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of outputs w.r.t. inputs, returned (not accumulated into .grad)."""
    outputs, inputs = _as_list(outputs), _as_list(inputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    grad_outputs = [None] * len(outputs) if grad_outputs is None else _as_list(grad_outputs)
    if retain_graph is None:
        retain_graph = create_graph
    roots, grads = _roots_and_grads(outputs, grad_outputs, create_graph)
    input_edges = [edge(t) if isinstance(t, Tensor) and t._requires_grad else _input_node(t) for t in inputs]
    captured = run_backward(roots, grads, retain_graph, create_graph,
                            targets={n for n, _ in input_edges}, accumulate=False)
    result = []
    for t, (node, nr) in zip(inputs, input_edges):
        g = captured.get(node, [None] * (nr + 1))[nr]
        if g is None:
            if not allow_unused:
                raise RuntimeError("One of the differentiated Tensors appears to not have been used in the "
                                   "graph. Set allow_unused=True if this is the desired behavior.")
            if materialize_grads:
                from .._creation import zeros_like
                g = zeros_like(t)
        elif not create_graph:
            g = _wrap(g)
        result.append(g)
    return tuple(result)
