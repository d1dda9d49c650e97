"""Function (custom ops with ctx.save_for_backward ...) and Op, the base of ember's own ops.

Both put one Node in the graph per call. An Op's forward runs on backend arrays and its backward on
ember tensors, so that backward is itself recorded when create_graph=True.
"""
import functools

import numpy as np
from numpy import ndarray

from .._device import array_module
from .._tensor import Tensor, _wrap
from . import grad_mode
from .anomaly import anomaly_state, record_trace
from .complex import on_complex, seen as complex_seen
from .node import Node, edge, out_meta, save_input, save_output, unpack

__all__ = ["Function", "FunctionCtx", "Op", "once_differentiable", "as_array"]

_new = object.__new__
_state = grad_mode.state


def as_array(a):
    """NumPy returns scalars from ufuncs on 0-d arrays; turn them back into 0-d arrays."""
    return np.asarray(a) if isinstance(a, np.generic) else a


def _wrap_outputs(node, outs, requires, non_differentiable=()):
    tensors = []
    metas = []
    for i, o in enumerate(outs):
        o = as_array(o)
        r = requires and i not in non_differentiable and o.dtype.kind in "fc"
        tensors.append(_wrap(o, r, node if r else None, i))
        metas.append((o.shape, o.dtype))
    node._out_meta = tuple(metas)
    return tensors


def _unwrap_grads(grads):
    out = []
    for g in grads:
        out.append(g._data if isinstance(g, Tensor) else g)
    return out


NO_GRAD_VIEW = "made in no_grad mode"   # the recipe of a view made (itself or a view it comes from) without grad


def _mark_view(t, cls, inputs, kwargs, multi):
    """If t shares memory with inputs[0], share its version counter and remember how to make t from its base (the
    tensor that owns the memory), so that an in-place change of t can be recorded on the base.

    Views that come from a multi-output op (split, unbind) keep no recipe: PyTorch forbids changing them in place;
    views made in no_grad mode keep NO_GRAD_VIEW: PyTorch forbids recording an in-place change of them.
    """
    src = inputs[0]
    base = t._data.base    # NumPy and CuPy point a view at the array that owns the memory (or at src itself)
    if (base is None or (base is not src._data and base is not src._data.base)) and \
            not array_module(t._data).may_share_memory(t._data, src._data):
        return
    t._vc = src._vc
    view = src._extra.get("view") if src._extra else None
    base, recipe = view if view else (src, ())
    if not _state.enabled:
        recipe = NO_GRAD_VIEW
    elif recipe is not NO_GRAD_VIEW:
        recipe = None if multi or recipe is None else recipe + ((cls, inputs[1:], kwargs),)
    t._extra = {"view": (base, recipe), "base_fn": base.grad_fn}   # base_fn: see regenerate_view


def replay_view(recipe, t):
    """The view of t that recipe (a list of (view op, its other inputs, kwargs)) makes from its base."""
    for cls, rest, kwargs in recipe:
        t = cls.apply(t, *rest, **kwargs)
    return t


def regenerate_view(t):
    """t's grad_fn made again from its base's current history, as PyTorch does: the base was changed in place
    (itself or through another view) since t's grad_fn was made, so t's values now come from that change."""
    base, recipe = t._extra["view"]
    if type(recipe) is tuple and _state.enabled:
        new = replay_view(recipe, base)
        t.grad_fn, t._output_nr = new.grad_fn, new._output_nr
        t._extra["base_fn"] = base.grad_fn
    return t.grad_fn


class Op(Node):
    """An ember operation: forward(ctx, *arrays, **kwargs) on backend arrays, backward(ctx, *grads)
    in ember tensor ops, returning one gradient (or None) per input.

    retain_inputs lists the input positions backward needs, retain_output whether it needs the
    result: they come back from ctx.saved_tensors in that order, version-checked.
    """
    retain_inputs = ()
    retain_output = False
    non_differentiable = ()     # output positions that never require grad (indices, masks)
    is_view = False             # the result may share memory with input 0, and then its version counter

    @classmethod
    def apply(cls, *inputs, **kwargs):
        ctx = _new(cls)
        # NOTE: plain loops, not comprehensions or any(): this runs once per op, and those cost a frame each
        arrays, requires, n = [], False, 0
        for x in inputs:
            if isinstance(x, Tensor):
                arrays.append(x._data)
                requires = requires or x._requires_grad
                n = len(arrays)   # as PyTorch, trailing arguments that are no tensors have no edge
            else:
                arrays.append(x)
        out = cls.forward(ctx, *arrays, **kwargs)
        requires = requires and _state.enabled
        if type(out) is tuple:
            outs = _wrap_outputs(ctx, out, requires, cls.non_differentiable)
        else:
            if type(out) is not ndarray:
                out = as_array(out)
            if not (requires and out.dtype.kind in "fc"):
                t = _wrap(out)
                if cls.is_view:
                    _mark_view(t, cls, inputs, kwargs, False)
                return t
            outs = [_wrap(out, True, ctx)]
            ctx._out_meta = out_meta(out)
        if cls.is_view:
            for o in outs:
                _mark_view(o, cls, inputs, kwargs, len(outs) > 1)
        if requires:
            if n < len(inputs):
                ctx._n_inputs = len(inputs)
            ctx._nexts, ctx._nrs = zip(*map(edge, inputs[:n]))
            if complex_seen[0] or len(outs) != 1 or outs[0]._data.dtype.kind == "c":
                on_complex(ctx, arrays)
            saved = []
            for i in cls.retain_inputs:
                saved.append(save_input(inputs[i]))
            if cls.retain_output:
                saved.append(save_output(outs[0]))
            ctx._saved = tuple(saved)
            if anomaly_state.enabled:
                record_trace(ctx)
        return tuple(outs) if type(out) is tuple else outs[0]

    _n_inputs = 0

    @property
    def needs_input_grad(self):
        need = tuple([fn is not None for fn in self._nexts])
        return need + (False,) * (self._n_inputs - len(need))

    @property
    def saved_tensors(self):
        return self._unpack_saved(True)

    def _unpack_saved(self, as_tensors):
        if self._saved is None:
            if self._released:
                self._raise_released()
            return ()
        graph = _state.enabled
        out = []
        for e in self._saved:
            v = unpack(self, e, graph)
            out.append(_wrap(v) if as_tensors and not graph and not isinstance(v, (Tensor, int, float, complex))
                       and v is not None else v)
        return tuple(out)

    def _apply(self, grads, graph):
        if self._saved is None and self._released:
            self._raise_released()
        if graph:
            res = self.backward(self, *grads)
            return res if type(res) is tuple else (res,)
        wrapped = []
        for g in grads:
            wrapped.append(None if g is None else _wrap(g))
        res = self.backward(self, *wrapped)
        return _unwrap_grads(res if type(res) is tuple else (res,))


class FunctionCtx:
    """The ctx methods of a custom Function (the ctx is the graph node itself, as in PyTorch)."""

    def save_for_backward(self, *tensors):
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save variables, but argument {i} is of type "
                                f"{type(t).__name__}")
        self._to_save = tensors

    def mark_dirty(self, *tensors):
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        self._non_diff = tensors

    def set_materialize_grads(self, value):
        self._materialize = bool(value)

    @property
    def saved_tensors(self):
        if self._saved is None:
            if self._released:
                self._raise_released()
            return ()
        return tuple(None if e is None else unpack(self, e, True) for e in self._saved)

    @property
    def needs_input_grad(self):
        return self._needs_input_grad


class _FunctionMeta(type):
    """Each Function subclass gets its node class, named <Name>Backward as in PyTorch."""

    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        cls._backward_cls = type(name + "Backward", (_FunctionNode,), {"_function": cls})


class _FunctionNode(FunctionCtx, Node):
    _to_save = ()
    _dirty = ()
    _non_diff = ()
    _materialize = True

    def _apply(self, grads, graph):
        if self._materialize:
            like = next(g for g in grads if g is not None)
            grads = [_zeros(like, meta, graph) if g is None and meta is not None else g
                     for g, meta in zip(grads, self._out_meta)]
        if not graph:
            grads = [None if g is None else _wrap(g) for g in grads]
        res = self._function.backward(self, *grads)
        res = res if type(res) is tuple else (res,)
        n = len(self._nexts)
        if len(res) < n or any(r is not None for r in res[n:]):
            raise RuntimeError(f"function {self.name()} returned an incorrect number of gradients "
                               f"(expected {n}, got {len(res)})")
        res = res[:n]
        for i, r in enumerate(res):
            if r is None:
                continue
            if not isinstance(r, Tensor):
                kind = type(r)
                kind = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
                raise RuntimeError(f"expected Variable or None (got {kind}) as gradient {i} returned by "
                                   f"function {self.name()}")
            if not self._tensor_inputs[i]:
                raise RuntimeError(f"function {self.name()} returned a gradient different than None at "
                                   f"position {i + 1}, but the corresponding forward input was not a Variable")
        return res if graph else _unwrap_grads(res)

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. "
                           "Please use new-style autograd function with static forward method.")


def _zeros(like, meta, graph):
    """Zeros standing in for an output's missing gradient, on the device of the gradient `like`."""
    z = array_module(like._data if graph else like).zeros(*meta)
    return _wrap(z) if graph else z


class Function(metaclass=_FunctionMeta):
    """Base class of custom differentiable operations.

    Subclass it with static forward(ctx, *args) and backward(ctx, *grad_outputs), then call
    MyFunction.apply(*args). backward returns one gradient (or None) per forward argument.
    """

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. "
                           "Please use new-style autograd function with static forward method. "
                           "(Example: https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = cls._backward_cls()
        tensor_args = [a for a in args if isinstance(a, Tensor)]
        requires = _state.enabled and any(t._requires_grad for t in tensor_args)
        ctx._needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        with grad_mode.no_grad():
            out = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        if not requires:
            return out
        ctx._nexts, ctx._nrs = zip(*map(edge, args))
        ctx._tensor_inputs = tuple(isinstance(a, Tensor) for a in args)
        dirty = {id(t) for t in ctx._dirty}
        non_diff = {id(t) for t in ctx._non_diff}
        input_ids = {id(a) for a in tensor_args}
        result, metas = [], []
        for i, o in enumerate(outs):
            if not isinstance(o, Tensor):
                result.append(o)
                metas.append(None)
                continue
            if id(o) in dirty:
                _check_inplace(o)
                o._vc[0] += 1
            elif id(o) in input_ids:
                o = o.view_as(o)  # returning an input unchanged: a new tensor, as PyTorch does
            if id(o) not in non_diff and o._data.dtype.kind in "fc":
                o.grad_fn, o._requires_grad, o._output_nr = ctx, True, i
            else:
                o.grad_fn, o._requires_grad = None, False
            result.append(o)
            metas.append((o._data.shape, o._data.dtype))
        ctx._out_meta = tuple(metas)
        ctx._saved = tuple(None if t is None else save_input(t) if (t.grad_fn is not ctx) else
                           save_output(t) for t in ctx._to_save)
        ctx._to_save = ()
        if anomaly_state.enabled:
            record_trace(ctx)
        return result[0] if single else tuple(result)


def _check_inplace(t):
    if t.grad_fn is None and t._requires_grad:
        raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")


def once_differentiable(backward):
    """Decorate a Function's backward that cannot itself be differentiated: it runs under no_grad,
    and a create_graph backward through it raises if a gradient of the result is asked for."""
    @functools.wraps(backward)
    def wrapper(ctx, *grads):
        with grad_mode.no_grad():
            res = backward(ctx, *grads)
        if not _state.enabled or not any(isinstance(g, Tensor) and g._requires_grad for g in grads):
            return res
        single = not isinstance(res, tuple)
        return (_once_marked(ctx, res),) if single else tuple(_once_marked(ctx, r) for r in res)
    return wrapper


class DelayedError(Op):
    """Passes a value through; raises if a gradient ever flows back into it."""

    @staticmethod
    def forward(ctx, x, msg):
        ctx.msg = msg
        return x

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError(ctx.msg)


def _once_marked(ctx, r):
    if not isinstance(r, Tensor):
        return r
    r = r.detach().requires_grad_(r.is_floating_point())
    if not r._requires_grad:
        return r
    return DelayedError.apply(r, f"trying to differentiate twice a function that was marked with "
                                  f"@once_differentiable ({ctx.name()})")
