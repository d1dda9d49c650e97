"""Gradients of complex tensors, as PyTorch's: the gradient of a real loss L with respect to z = x + iy is
dL/dx + i dL/dy (twice the conjugate Wirtinger derivative), so that gradient descent works unchanged.

An op's backward is written for real tensors. For an op whose formula is holomorphic (analytic: add, mul, exp,
matmul ...) or linear with real coefficients (sum, reshape, indexing ...), the complex gradient is the
conjugate of that formula applied to the conjugate gradient. Ops register as such with `holomorphic(names)`;
ops written for complex themselves (abs, angle, real ...) set `complex_grad = True` on their node class. Every
other op still computes complex values, but its backward raises instead of returning a wrong gradient.

Until a complex tensor first requires grad, ops pay one check of `seen[0]` and of their output's dtype.
"""
import sys

import numpy as np

__all__ = ["holomorphic", "on_complex", "seen", "retype"]

seen = [False]      # whether a complex tensor ever required grad
_HOLOMORPHIC = set()
_VARIANTS = {}      # node class: the class its nodes take when complex values flow through them


def holomorphic(*names):
    """Declare the node classes of these names (PyTorch's grad_fn names) holomorphic or real-linear."""
    _HOLOMORPHIC.update(names)


def _is_complex(x):
    dt = getattr(x, "dtype", None)
    return dt.kind == "c" if dt is not None else isinstance(x, complex)


def on_complex(node, inputs):
    """Give `node` its complex class if one of its inputs (arrays, tensors or numbers) or outputs is complex."""
    found = False
    for _, dt in node._out_meta:
        found = found or dt.kind == "c"
    for x in inputs:
        found = found or _is_complex(x)
    if not found:
        return
    seen[0] = True
    cls = type(node)
    if not cls.__dict__.get("complex_grad"):
        node.__class__ = _variant_of(cls)


def _variant_of(cls):
    variant = _VARIANTS.get(cls)
    if variant is None:
        variant = _VARIANTS[cls] = _variant(cls)
    return variant


def retype(node, table):
    """Give node the class table maps its class to, keeping it complex if it was (node classes are switched by
    in-place view ops, e.g. TBackward0 -> TBackward1)."""
    cls = type(node)
    if cls in table:
        node.__class__ = table[cls]
    else:   # a complex variant: map the class it derives from
        new = table[cls.__base__]
        node.__class__ = new if new.__dict__.get("complex_grad") else _variant_of(new)


def _conj(g, graph):
    if g is None:
        return None
    return sys.modules["ember"].conj(g) if graph else np.asarray(np.conj(g))


def _variant(cls):
    base_apply = cls._apply
    if cls.__name__ in _HOLOMORPHIC:
        def _apply(self, grads, graph):
            res = base_apply(self, [_conj(g, graph) for g in grads], graph)
            return [_conj(g, graph) for g in res]
    else:
        def _apply(self, grads, graph):
            raise NotImplementedError(f"the derivative of {self.name()} for complex tensors is not implemented in "
                                      f"ember; compute with the real and imaginary parts (x.real, x.imag) instead")
    return type(cls.__name__, (cls,), {"_apply": _apply, "complex_grad": True, "__module__": cls.__module__})
