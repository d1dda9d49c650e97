"""gradcheck and gradgradcheck: compare backward with central finite differences (use float64)."""
import numpy as np

from .._tensor import Tensor, _wrap

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by gradcheck when analytical and numerical gradients disagree."""


def _as_tuple(x):
    return x if isinstance(x, tuple) else tuple(x) if isinstance(x, list) else (x,)


def _diff_outputs(fn, inputs):
    return [o for o in _as_tuple(fn(*inputs)) if isinstance(o, Tensor) and o.requires_grad]


def _numerical(fn, inputs, wrt, eps):
    """d(outputs)/d(input) column by column: a list over outputs of arrays (out.numel, inp.numel)."""
    x = inputs[wrt]
    flat = x._data.reshape(-1)
    cols = []
    for k in range(flat.size):
        orig = flat[k].item()
        flat[k] = orig + eps
        plus = [o._data.astype(np.float64).reshape(-1).copy() for o in _as_tuple(fn(*inputs))
                if isinstance(o, Tensor) and o.is_floating_point()]
        flat[k] = orig - eps
        minus = [o._data.astype(np.float64).reshape(-1).copy() for o in _as_tuple(fn(*inputs))
                 if isinstance(o, Tensor) and o.is_floating_point()]
        flat[k] = orig
        cols.append([(p - m) / (2 * eps) for p, m in zip(plus, minus)])
    n_out = len(cols[0]) if cols else 0
    return [np.stack([c[j] for c in cols], axis=1) if cols else None for j in range(n_out)]


def _analytical(fn, inputs, wrt_list):
    """The full Jacobians from backward, one row per output element: {(out j, input i): array}."""
    from . import grad as autograd_grad
    outs = [o for o in _as_tuple(fn(*inputs)) if isinstance(o, Tensor) and o.is_floating_point()]
    jac = {}
    for j, o in enumerate(outs):
        rows = {i: np.zeros((o.numel(), inputs[i].numel())) for i in wrt_list}
        if o.requires_grad:
            for r in range(o.numel()):
                seed = np.zeros(o.numel(), o._data.dtype)
                seed[r] = 1
                gs = autograd_grad([o], [inputs[i] for i in wrt_list],
                                   [_wrap(seed.reshape(o.shape))],
                                   retain_graph=True, allow_unused=True)
                for i, g in zip(wrt_list, gs):
                    if g is not None:
                        rows[i][r] = g._data.reshape(-1)
        for i in wrt_list:
            jac[(j, i)] = rows[i]
    return jac


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **kwargs):
    """Check the gradients of func at inputs against finite differences; True if they match.

    Inputs that require grad should be float64 tensors. On a mismatch raises GradcheckError
    (or returns False with raise_exception=False)."""
    inputs = _as_tuple(inputs)
    wrt = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    for i in wrt:
        if inputs[i].dtype.name != "float64":
            import warnings
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point. "
                          "This check will likely fail if all the inputs are not of double precision "
                          "floating point.", UserWarning, stacklevel=2)
    analytical = _analytical(func, inputs, wrt)
    for i in wrt:
        numerical = _numerical(func, inputs, i, eps)
        for j, num in enumerate(numerical):
            ana = analytical[(j, i)]
            if not np.allclose(ana, num, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                raise GradcheckError(f"Jacobian mismatch for output {j} with respect to input {i},\n"
                                     f"numerical:{num}\nanalytical:{ana}\n")
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
                  **kwargs):
    """Check second derivatives: gradcheck of the function (inputs, grad_outputs) -> input gradients."""
    from . import grad as autograd_grad
    inputs = _as_tuple(inputs)
    outs = [o for o in _as_tuple(func(*inputs)) if isinstance(o, Tensor) and o.requires_grad]
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(_wrap(rng.standard_normal(o.shape).astype(o._data.dtype)).requires_grad_(True)
                             for o in outs)
    grad_outputs = _as_tuple(grad_outputs)
    n = len(inputs)
    wrt = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]

    def first_grads(*args):
        ins, gos = args[:n], args[n:]
        outs = [o for o in _as_tuple(func(*ins)) if isinstance(o, Tensor) and o.requires_grad]
        gs = autograd_grad(outs, [x for x in ins if isinstance(x, Tensor) and x.requires_grad], gos,
                           create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    assert wrt, "gradgradcheck needs at least one input that requires grad"
    return gradcheck(first_grads, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
