"""gradcheck and gradgradcheck: compare backward with central finite differences (use float64).

The full check builds both Jacobians column by column; fast_mode compares one random projection
u^T J v of each (two function evaluations per input instead of two per input element).

A complex tensor counts as its real coordinates (real and imaginary part of each element): the Jacobians are
those of the real map between coordinates. Backward with the seed u gives the gradient of Re(sum(conj(u) out)),
so the seeds 1 and 1j of an element give the rows of its real and imaginary part (PyTorch's convention).
"""
import warnings

import numpy as np

from .._device import array_module
from .._tensor import Tensor, _wrap

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by gradcheck when analytical and numerical gradients disagree."""


def _as_tuple(x):
    return x if isinstance(x, tuple) else tuple(x) if isinstance(x, list) else (x,)


def _float_outputs(fn, inputs):
    return [o for o in _as_tuple(fn(*inputs)) if isinstance(o, Tensor) and (o.is_floating_point() or o.is_complex())]


def _flat64(t):
    """The real coordinates of t as a float64 copy (an output may share memory with the input being perturbed)."""
    a = t.detach().cpu()._data
    if a.dtype.kind == "c":
        return np.stack([a.real, a.imag], -1).astype(np.float64).reshape(-1)
    return np.array(a, dtype=np.float64).reshape(-1)


def _directions(t, xp):
    """One array per real coordinate of t: unit steps along it, in t's dtype and shape."""
    eye = xp.eye(t.numel(), dtype=t._data.dtype)
    units = [eye[k].reshape(t.shape) for k in range(t.numel())]
    return [d for u in units for d in (u, u * 1j)] if t.is_complex() else units


def _from_coords(v, like):
    """The array of like's dtype whose real coordinates are v (interleaved real and imaginary parts)."""
    xp = array_module(like._data)
    if like.is_complex():
        v = v.reshape(like.shape + (2,))
        return xp.asarray(v[..., 0] + 1j * v[..., 1], dtype=like._data.dtype)
    return xp.asarray(v.reshape(like.shape), dtype=like._data.dtype)


def _values(fn, inputs):
    return [_flat64(o) for o in _float_outputs(fn, inputs)]


def _central_difference(fn, inputs, x, direction, eps):
    """(f(x + eps d) - f(x - eps d)) / 2 eps for each floating output, flattened."""
    orig = x._data.copy()
    x._data[...] = orig + eps * direction
    plus = _values(fn, inputs)
    x._data[...] = orig - eps * direction
    minus = _values(fn, inputs)
    x._data[...] = orig
    return [(p - m) / (2 * eps) for p, m in zip(plus, minus)]


def _vjp(out, x, u):
    """u^T d(out)/dx from backward, flattened (zeros where x does not reach out)."""
    from . import grad
    if not out.requires_grad:
        return np.zeros(x.numel() * (2 if x.is_complex() else 1))
    g, = grad([out], [x], [_wrap(u)], retain_graph=True, allow_unused=True)
    return np.zeros(x.numel() * (2 if x.is_complex() else 1)) if g is None else _flat64(g)


def _jacobians(fn, inputs, i, eps):
    """Numerical and analytical Jacobians of each output w.r.t. input i: pairs of (out coords, in coords)."""
    x = inputs[i]
    columns = [_central_difference(fn, inputs, x, d, eps) for d in _directions(x, array_module(x._data))]
    pairs = []
    for j, out in enumerate(_float_outputs(fn, inputs)):
        seeds = _directions(out, array_module(out._data))
        numerical = np.stack([c[j] for c in columns], axis=1) if columns else np.zeros((len(seeds), 0))
        analytical = np.stack([_vjp(out, x, u) for u in seeds]) if seeds else np.zeros((0, len(columns)))
        pairs.append((numerical, analytical))
    return pairs


def _projections(fn, inputs, i, eps, rng):
    """Fast mode: u^T J v for random u (per output) and v, by finite differences and by backward."""
    x = inputs[i]
    v = rng.standard_normal(x.numel() * (2 if x.is_complex() else 1))
    outs = _float_outputs(fn, inputs)
    us = [rng.standard_normal(o.numel() * (2 if o.is_complex() else 1)) for o in outs]
    numerical = _central_difference(fn, inputs, x, _from_coords(v, x), eps)
    return [(np.dot(u, n), np.dot(_vjp(o, x, _from_coords(u, o)), v)) for o, u, n in zip(outs, us, numerical)]


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, fast_mode=False, **kwargs):
    """Check the gradients of func at inputs against finite differences; True if they match.

    Inputs that require grad should be float64 tensors. On a mismatch raises GradcheckError (or returns
    False with raise_exception=False). fast_mode compares random projections u^T J v instead of full
    Jacobians."""
    inputs = _as_tuple(inputs)
    wrt = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    for i in wrt:
        if inputs[i].dtype.name not in ("float64", "complex128"):
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point or complex. "
                          "This check will likely fail if all the inputs are not of double precision floating "
                          "point or complex. ", UserWarning, stacklevel=2)
    if not wrt:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of the them "
                         "have requires_grad=True.")
    rng = np.random.default_rng(0)
    for i in wrt:
        pairs = _projections(func, inputs, i, eps, rng) if fast_mode else _jacobians(func, inputs, i, eps)
        for j, (numerical, analytical) in enumerate(pairs):
            if not np.allclose(analytical, numerical, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                how = " (fast mode: u^T J v for random u, v)" if fast_mode else ""
                raise GradcheckError(f"Jacobian mismatch for output {j} with respect to input {i}{how},\n"
                                     f"numerical:{numerical}\nanalytical:{analytical}\n")
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
                  fast_mode=False, **kwargs):
    """Check second derivatives: gradcheck of the function (inputs, grad_outputs) -> input gradients."""
    from . import grad
    inputs = _as_tuple(inputs)
    outs = [o for o in _as_tuple(func(*inputs)) if isinstance(o, Tensor) and o.requires_grad]
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(_wrap(_from_coords(rng.standard_normal(_flat64(o).size), o)).requires_grad_(True)
                             for o in outs)
    grad_outputs = _as_tuple(grad_outputs)
    n = len(inputs)

    def first_grads(*args):
        ins, gos = args[:n], args[n:]
        outs = [o for o in _as_tuple(func(*ins)) if isinstance(o, Tensor) and o.requires_grad]
        gs = grad(outs, [x for x in ins if isinstance(x, Tensor) and x.requires_grad], gos,
                  create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(first_grads, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, fast_mode=fast_mode)
