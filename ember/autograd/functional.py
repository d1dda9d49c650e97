"""jacobian, hessian, vjp, jvp, hvp, vhp: derivatives of whole functions, as torch.autograd.functional.

Each takes a Tensor or a tuple of Tensors and answers in the same structure. Everything is reverse mode;
jvp and hvp use the double-backward trick: the vjp u -> J^T u is linear in u, so its own vjp is J v.
"""
from .. import _creation
from .._device import array_module
from .._tensor import Tensor, _wrap
from . import grad_mode

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]

_STRICT_NONE = {
    "back": "The output of the user-provided function is independent of input {i}. This is not allowed in "
            "strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the grad_outputs when "
                  "using the double backward trick to compute forward mode gradients. This is not allowed in "
                  "strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. This is not allowed "
                   "in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry {i} in the "
                         "grad_jacobian. This is not allowed in strict mode as it prevents from using the double "
                         "backward trick to replace forward mode AD.",
}
_STRICT_CONSTANT = {
    "outputs": "Output {i} of the user-provided function does not require gradients. The outputs must be "
               "computed in a differentiable manner from the input when running in strict mode.",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of the user-provided "
                   "function. This is not allowed in strict mode.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided function with respect "
                "to input {i} is independent of the input. This is not allowed in strict mode. You should ensure "
                "that your function is twice differentiable and that the jacobian depends on the inputs (this "
                "would be violated by a linear function for example).",
    "hessian": "The hessian of the user-provided function with respect to input {i} is independent of the input. "
               "This is not allowed in strict mode. You should ensure that your function is thrice "
               "differentiable and that the hessian depends on the inputs.",
}


def _as_tuple(x, arg, fn):
    """(whether x was a tuple, x as a tuple), checking that it holds only Tensors."""
    is_tuple = isinstance(x, tuple)
    xs = x if is_tuple else (x,)
    for i, el in enumerate(xs):
        if not isinstance(el, Tensor):
            where = f"value at index {i}" if is_tuple else f"given {arg}"
            raise TypeError(f"The {arg} given to {fn} must be either a Tensor or a tuple of Tensors but the "
                            f"{where} has type {type(el)}.")
    return is_tuple, xs


def _prepare(xs, create_graph, need_graph=True):
    """Fresh graph roots: views of the inputs that stay connected when create_graph, else detached."""
    return tuple(x.view_as(x) if create_graph and x.requires_grad else x.detach().requires_grad_(need_graph)
                 for x in xs)


def _finish(xs, create_graph):
    return tuple(x if create_graph else x.detach() for x in xs)


def _check_requires_grad(xs, kind, strict):
    if strict:
        for i, x in enumerate(xs):
            if x is None:
                raise RuntimeError(_STRICT_NONE["back"].format(i=i))
            if not x.requires_grad:
                raise RuntimeError(_STRICT_CONSTANT[kind].format(i=i))


def _check_v(v, refs, refs_tuple, create_graph, fn, about):
    """v as a tuple shaped as refs; None only for a single one-element ref."""
    if v is None:
        if len(refs) != 1 or refs[0].numel() != 1:
            raise RuntimeError(f"The vector v can only be None if the {about} a single Tensor with a single "
                               f"element.")
        return None
    v = _prepare(_as_tuple(v, "v", fn)[1], create_graph, need_graph=False)
    if len(v) != len(refs):
        raise RuntimeError(f"v is a tuple of invalid length: should be {len(refs)} but got {len(v)}."
                           if refs_tuple else "The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, refs)):
        if a.shape != b.shape:
            raise RuntimeError(f"{f'Entry {i} in ' if refs_tuple else ''}v has invalid size: should be "
                               f"{b.size()} but got {a.size()}.")
    return v


def _grad(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None):
    """autograd.grad over the outputs that require grad; None for inputs they do not reach."""
    from . import grad
    grad_outputs = (None,) * len(outputs) if grad_outputs is None else grad_outputs
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return grad([o for o, _ in pairs], inputs, [g for _, g in pairs], retain_graph=retain_graph,
                create_graph=create_graph, allow_unused=True)


def _fill_in_zeros(grads, refs, strict, create_graph, stage):
    res = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(_STRICT_NONE[stage].format(i=i))
            g = _creation.zeros_like(ref)
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of input {i}. This is "
                               f"not allowed in strict mode when create_graph=True.")
        res.append(g)
    return tuple(res)


def _single_output(out, fn, strict):
    """The one-element Tensor that hessian, vhp and hvp need from the user's function."""
    is_tuple, outs = _as_tuple(out, "outputs of the user-provided function", fn)
    _check_requires_grad(outs, "outputs", strict)
    if is_tuple:
        raise RuntimeError(f"The function given to {fn} should return a single Tensor")
    if out.numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn} should contain a single element")
    return out


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """The function's outputs and the vector-Jacobian product v^T J at inputs."""
    with grad_mode.enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _prepare(inputs, create_graph)
        is_outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "vjp")
        _check_requires_grad(outputs, "outputs", strict)
        v = _check_v(v, outputs, is_outputs_tuple, create_graph, "vjp", "user-provided function returns")
        res = _fill_in_zeros(_grad(outputs, inputs, v, create_graph), inputs, strict, create_graph, "back")
    return _unpack(_finish(outputs, create_graph), is_outputs_tuple), _unpack(_finish(res, create_graph),
                                                                             is_inputs_tuple)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """The function's outputs and the Jacobian-vector product J v at inputs (by the double-vjp trick)."""
    with grad_mode.enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _prepare(inputs, create_graph)
        v = _check_v(v, inputs, is_inputs_tuple, create_graph, "jvp", "input to the user-provided function is")
        is_outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jvp")
        _check_requires_grad(outputs, "outputs", strict)
        # NOTE: u is a dummy cotangent: grad_inputs = J^T u is linear in u, and its vjp with v is J v
        u = tuple(_creation.zeros_like(out, requires_grad=True) for out in outputs)
        grad_inputs = _grad(outputs, inputs, u, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict)
        res = _fill_in_zeros(_grad(grad_inputs, u, v, create_graph), outputs, strict, create_graph, "back_trick")
    return _unpack(_finish(outputs, create_graph), is_outputs_tuple), _unpack(_finish(res, create_graph),
                                                                             is_outputs_tuple)


def _stack(rows):
    """Jacobian rows on a new first dimension, recorded when they carry a graph."""
    if len(rows) == 1:
        return rows[0].unsqueeze(0)
    if any(r.requires_grad for r in rows):
        from ..ops.shape import stack
        return stack(rows)
    return _wrap(array_module(rows[0]._data).stack([r._data for r in rows]))


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian of func at inputs: for output i and input j a Tensor of shape out_i.shape + in_j.shape.

    Tuples of inputs or outputs give tuples (of tuples) of Jacobians. vectorize and strategy are accepted
    for compatibility; ember computes one vector-Jacobian product per output element."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
                             'function has more outputs than inputs, "forward-mode" tends to be more performant. '
                             'Otherwise, prefer to use "reverse-mode".')
    with grad_mode.enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _prepare(inputs, create_graph)
        is_outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jacobian")
        _check_requires_grad(outputs, "outputs", strict)
        jac = []
        for i, out in enumerate(outputs):
            eye = array_module(out._data).eye(out.numel(), dtype=out._data.dtype)
            rows = [[] for _ in inputs]
            for r in range(out.numel()):
                seed = _wrap(eye[r].reshape(out.shape))
                for k, (g, inp) in enumerate(zip(_grad((out,), inputs, (seed,), create_graph, True), inputs)):
                    if g is None:
                        if strict:
                            raise RuntimeError(f"Output {i} of the user-provided function is independent of "
                                               f"input {k}. This is not allowed in strict mode.")
                        g = _creation.zeros_like(inp)
                    elif strict and create_graph and not g.requires_grad:
                        raise RuntimeError(f"The jacobian of the user-provided function is independent of input "
                                           f"{i}. This is not allowed in strict mode when create_graph=True.")
                    rows[k].append(g)
            jac.append(_finish([_stack(rk).reshape(out.shape + inp.shape) for rk, inp in zip(rows, inputs)],
                               create_graph))
    jac = [j if is_inputs_tuple else j[0] for j in jac]
    return tuple(jac) if is_outputs_tuple else jac[0]


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar func at inputs: for inputs i, j a Tensor of shape in_i.shape + in_j.shape."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")

    def scalar(*inp):
        return _single_output(func(*inp), "hessian", strict).squeeze()

    def gradient(*inp):
        jac = jacobian(scalar, inp, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        return jac

    res = jacobian(gradient, inputs, create_graph, strict, vectorize, outer_jacobian_strategy)
    return res if is_inputs_tuple else res[0][0]


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """The output of a scalar func and the vector-Hessian product v^T H at inputs."""
    with grad_mode.enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vhp")
        inputs = _prepare(inputs, create_graph)
        v = _check_v(v, inputs, is_inputs_tuple, create_graph, "vhp", "input to the user-provided function is")
        out = _single_output(func(*inputs), "vhp", strict)
        jac = _grad((out,), inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        res = _fill_in_zeros(_grad(jac, inputs, v, create_graph), inputs, strict, create_graph, "double_back")
    return _finish((out,), create_graph)[0], _unpack(_finish(res, create_graph), is_inputs_tuple)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """The output of a scalar func and the Hessian-vector product H v at inputs (double-backward trick)."""
    with grad_mode.enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hvp")
        inputs = _prepare(inputs, create_graph)
        v = _check_v(v, inputs, is_inputs_tuple, create_graph, "hvp", "input to the user-provided function is")
        out = _single_output(func(*inputs), "hvp", strict)
        jac = _grad((out,), inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        u = tuple(_creation.zeros_like(x, requires_grad=True) for x in inputs)
        double_back = _grad(jac, inputs, u, create_graph=True)
        _check_requires_grad(jac, "hessian", strict)
        res = _fill_in_zeros(_grad(double_back, u, v, create_graph), inputs, strict, create_graph,
                             "double_back_trick")
    return _finish((out,), create_graph)[0], _unpack(_finish(res, create_graph), is_inputs_tuple)


def _unpack(xs, is_tuple):
    return xs if is_tuple else xs[0]
