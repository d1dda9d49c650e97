"""torch.func: function transforms (grad, vjp, jvp, jacrev, jacfwd, hessian, vmap, functional_call).

The differentiating transforms run func on fresh graph roots (views of inputs that require grad, detached copies of
the others) and differentiate with create_graph, so transforms compose (grad(grad(f)), vmap(grad(f)), jacfwd(jacrev(f)))
and results stay differentiable with respect to tensors outside the transform, as in PyTorch. vmap calls func once per
batch element.
"""
import functools
from collections import OrderedDict

from . import _creation
from ._tensor import Tensor
from .autograd import grad_mode
from .autograd.functional import _grad, _prepare, jacobian
from .autograd.node import AccumulateGrad
from .nn.utils import stateless
from .ops.shape import stack
from .random import default_generator

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "vmap", "functional_call"]

_RANDOMNESS = ("error", "different", "same")


class _TreeSpec:
    """The structure of a pytree (tuples, lists, dicts, namedtuples of leaves), printed as torch.utils._pytree's."""
    __slots__ = ("type", "context", "children")

    def __init__(self, type_=None, context=None, children=()):
        self.type, self.context, self.children = type_, context, children

    @property
    def num_leaves(self):
        return 1 if self.type is None else sum(c.num_leaves for c in self.children)

    def __eq__(self, other):
        return (self.type, self.context, self.children) == (other.type, other.context, other.children)

    def __repr__(self, indent=0):
        if self.type is None:
            return "*"
        indent += 2
        children = ",".join(("\n" + " " * indent if i else "") + c.__repr__(indent)
                            for i, c in enumerate(self.children))
        return f"TreeSpec({self.type.__name__}, {self.context}, [{children}])"

    def pprint(self):
        """The tree with "*" for each leaf, as treespec_pprint."""
        return repr(_unflatten([_Star()] * self.num_leaves, self))


class _Star:
    def __repr__(self):
        return "*"


def _children(tree):
    """(type, context, children) of a container node, or None for a leaf."""
    if isinstance(tree, (tuple, list)):
        return type(tree), None, list(tree)
    if isinstance(tree, dict):
        return type(tree), list(tree), list(tree.values())
    return None


def _flatten(tree):
    """(leaves, spec) of a pytree."""
    leaves = []

    def walk(node):
        parts = _children(node)
        if parts is None:
            leaves.append(node)
            return _TreeSpec()
        kind, context, children = parts
        return _TreeSpec(kind, context, tuple(walk(c) for c in children))
    return leaves, walk(tree)


def _unflatten(leaves, spec):
    it = iter(leaves)

    def build(s):
        if s.type is None:
            return next(it)
        children = [build(c) for c in s.children]
        if issubclass(s.type, dict):
            return (OrderedDict if s.type is OrderedDict else dict)(zip(s.context, children))
        if hasattr(s.type, "_fields"):
            return s.type(*children)
        return s.type(children)
    return build(spec)


def _broadcast_prefix(prefix, spec):
    """One value of prefix per leaf of spec (a leaf of prefix covers a whole subtree), or None if they do not match."""
    parts = _children(prefix)
    if parts is None:
        return [prefix] * spec.num_leaves
    kind, context, children = parts
    if kind is not spec.type or context != spec.context or len(children) != len(spec.children):
        return None
    out = []
    for child, child_spec in zip(children, spec.children):
        sub = _broadcast_prefix(child, child_spec)
        if sub is None:
            return None
        out.extend(sub)
    return out


def _normalize_argnums(argnums, nargs):
    """argnums checked against the number of positional args, negative positions made non-negative."""
    if not isinstance(argnums, (int, tuple)):
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    positions = argnums if isinstance(argnums, tuple) else (argnums,)
    if not positions:
        raise RuntimeError("argnums must be non-empty")
    for n in positions:
        if not isinstance(n, int):
            raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
        if not -nargs <= n < nargs:
            raise RuntimeError(f"Got argnum={n}, but only {nargs} positional inputs")
    if len(set(positions)) != len(positions):
        raise RuntimeError(f"argnums elements must be unique, got {argnums}")
    positions = tuple(n % nargs for n in positions)
    return positions[0] if isinstance(argnums, int) else positions


def _select_args(func, args, kwargs, argnums):
    """(the args at argnums: one, or a tuple for a tuple argnums; func of those with the other args held fixed)."""
    argnums = _normalize_argnums(argnums, len(args))
    if isinstance(argnums, int):
        return args[argnums], lambda diff: func(*args[:argnums], diff, *args[argnums + 1:], **kwargs)

    def call(diff):
        given = dict(zip(argnums, diff))
        return func(*(given.get(i, a) for i, a in enumerate(args)), **kwargs)
    return tuple(args[n] for n in argnums), call


def _check_primals(leaves, api):
    """Every leaf a floating Tensor, with torch's errors."""
    for leaf in leaves:
        if not isinstance(leaf, Tensor):
            if api == "jvp":
                raise RuntimeError(f"jvp(f, primals, tangents): Expected primals to only contain Tensors, got "
                                   f"{type(leaf)}")
            raise ValueError(f"Thing passed to transform API must be Tensor, got {type(leaf)}")
        if not (leaf.is_floating_point() or leaf.is_complex()):
            if api == "jvp":
                raise ValueError(f"Expected primal to be floating point or complex, but got: {leaf.dtype}")
            raise RuntimeError("only Tensors of floating point dtype can require gradients")


def _roots(primals, api):
    """(leaves of primals as fresh graph roots, the primals' spec, whether grad mode was on)."""
    leaves, spec = _flatten(primals)
    _check_primals(leaves, api)
    enabled = grad_mode.is_grad_enabled()
    return _prepare(leaves, enabled), spec, enabled


_API_NAME = {"grad": "grad_and_value(f)(*args)", "vjp": "vjp(f, *primals)", "jvp": "jvp(f, primals, tangents)"}


def _trace(call, primals, has_aux, api):
    """Run call on fresh roots for primals under enable_grad: (roots, primals' spec, enabled, output, aux)."""
    roots, spec, enabled = _roots(primals, api)
    with grad_mode.enable_grad():
        out = call(_unflatten(roots, spec))
    aux = None
    if has_aux:
        if not (isinstance(out, tuple) and len(out) == 2):
            raise RuntimeError(f"{_API_NAME[api]}: output of function f should be a tuple: (output, aux) if has_aux "
                               f"is True")
        out, aux = out
        for leaf in _flatten(aux)[0]:
            if not isinstance(leaf, Tensor):
                raise RuntimeError(f"Expected tensors, got unsupported type {type(leaf)}")
    return roots, spec, enabled, out, aux


def _tensor_outputs(out, api):
    """The leaves of a vjp/jvp output and its spec; every leaf a Tensor (a floating one for vjp)."""
    leaves, spec = _flatten(out)
    for leaf in leaves:
        if not isinstance(leaf, Tensor):
            raise RuntimeError(f"{_API_NAME[api]}: expected f(*primals) to return only tensors, got unsupported type "
                               f"{type(leaf)}")
        if api == "vjp" and not (leaf.is_floating_point() or leaf.is_complex()):
            raise RuntimeError(f"vjp(f, ...): All outputs of f must be floating-point or complex Tensors, got Tensor "
                               f"with dtype {leaf.dtype}")
    return leaves, spec


def _reaches_outside(tensors, own):
    """Whether any of tensors depends on a tensor requiring grad other than the roots in own."""
    own = {id(t) for t in own}
    seen, todo = set(), []
    for t in tensors:
        if isinstance(t, Tensor) and t.requires_grad:
            if t.grad_fn is None:
                if id(t) not in own:
                    return True
            else:
                todo.append(t.grad_fn)
    while todo:
        node = todo.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, AccumulateGrad):
            if id(node.variable) not in own:
                return True
            continue
        todo.extend(n for n, _ in node.next_functions)
    return False


def _lower(keep, *trees):
    """The trees with every Tensor detached unless keep (its graph leads to tensors outside the transform)."""
    if keep:
        return trees
    return tuple(_unflatten([t.detach() if isinstance(t, Tensor) else t for t in leaves], spec)
                 for leaves, spec in map(_flatten, trees))


def _zeros_for_none(grads, refs):
    return [_creation.zeros_like(r) if g is None else g for g, r in zip(grads, refs)]


def grad_and_value(func, argnums=0, has_aux=False):
    """A function that returns the gradient of func with respect to the args at argnums and func's value
    (with has_aux, func returns (output, aux) and the result is (grad, (output, aux)))."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        primals, call = _select_args(func, args, kwargs, argnums)
        roots, spec, enabled, out, aux = _trace(call, primals, has_aux, "grad")
        if not isinstance(out, Tensor):
            raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got {type(out)}")
        if out.dim() != 0:
            raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor "
                               f"with {out.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs instead?")
        with grad_mode.enable_grad():
            grads = _zeros_for_none(_grad((out,), roots, create_graph=True), roots)
        keep = enabled and _reaches_outside([out] + _flatten(aux)[0], roots)
        grads, out, aux = _lower(keep, _unflatten(grads, spec), out, aux)
        return (grads, (out, aux)) if has_aux else (grads, out)
    return wrapper


def grad(func, argnums=0, has_aux=False):
    """A function that returns the gradient of the scalar func with respect to the args at argnums
    (with has_aux, func returns (output, aux) and the result is (grad, aux))."""
    with_value = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        grads, value = with_value(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads
    return wrapper


def vjp(func, *primals, has_aux=False):
    """func(*primals) and a function vjp_fn(cotangents) that returns the vector-Jacobian product, one gradient per
    primal (with has_aux, func returns (output, aux) and vjp returns (output, vjp_fn, aux))."""
    roots, spec, enabled, out, aux = _trace(lambda p: func(*p), primals, has_aux, "vjp")
    out_leaves, out_spec = _tensor_outputs(out, "vjp")
    keep = enabled and _reaches_outside(out_leaves + _flatten(aux)[0], roots)

    def vjp_fn(cotangents):
        cot_leaves, cot_spec = _flatten(cotangents)
        if cot_spec != out_spec:
            raise RuntimeError(f"Expected pytree structure of cotangents to be the same as pytree structure of "
                               f"outputs to the function. cotangents: {cot_spec.pprint()}, primal output: "
                               f"{out_spec.pprint()}")
        for i, (c, o) in enumerate(zip(cot_leaves, out_leaves)):
            if not isinstance(c, Tensor):
                raise TypeError(f"gradients can be either Tensors or None, but got {type(c).__name__}")
            if c.shape != o.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {c.size()} and output[{i}] "
                                   f"has a shape of {o.size()}.")
        with grad_mode.enable_grad():
            grads = _grad(out_leaves, roots, [c.to(o.dtype) for c, o in zip(cot_leaves, out_leaves)],
                          create_graph=True)
        fn_keep = grad_mode.is_grad_enabled() and (keep or any(c.requires_grad for c in cot_leaves))
        return _lower(fn_keep, _unflatten(_zeros_for_none(grads, roots), spec))[0]

    out, aux = _lower(keep, out, aux)
    return (out, vjp_fn, aux) if has_aux else (out, vjp_fn)


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """func(*primals) and the Jacobian-vector product with tangents (by the double-vjp trick); strict is accepted
    for compatibility (with has_aux, func returns (output, aux) and jvp returns (output, jvp_out, aux))."""
    if not isinstance(primals, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it should be valid to "
                           "call f(*primals).")
    primal_leaves, primal_spec = _flatten(primals)
    tangent_leaves, tangent_spec = _flatten(tangents)
    if primal_spec != tangent_spec:
        raise RuntimeError(f"jvp(f, primals, tangents): Expected primals and tangents to have the same python "
                           f"structure. For example, if primals is a tuple of 3 tensors, tangents also must be. Got "
                           f"primals with structure {primal_spec!r} and tangents with structure {tangent_spec!r}")
    if not tangent_leaves:
        raise RuntimeError("jvp(f, primals, tangents): Expected primals to contain at least one Tensor.")
    _check_primals(primal_leaves, "jvp")
    for t in tangent_leaves:
        if not isinstance(t, Tensor):
            raise RuntimeError(f"jvp(f, primals, tangents): Expected tangents to only contain Tensors, got {type(t)}")
    roots, _, enabled, out, aux = _trace(lambda p: func(*p), primals, has_aux, "jvp")
    for r, t in zip(roots, tangent_leaves):
        if r.shape != t.shape:
            raise RuntimeError(f"Trying to set a forward gradient that has a different size than that of the "
                               f"original Tensor, this is not supported. Tensor is of size {list(r.shape)} while the "
                               f"given forward gradient is of size {list(t.shape)}.")
    out_leaves, out_spec = _tensor_outputs(out, "jvp")
    with grad_mode.enable_grad():
        # NOTE: u is a dummy cotangent: J^T u is linear in u, and its vjp with the tangents is J t
        dummies = {i: _creation.zeros_like(o, requires_grad=True) for i, o in enumerate(out_leaves) if o.requires_grad}
        back = _grad([out_leaves[i] for i in dummies], roots, list(dummies.values()), create_graph=True)
        forward = iter(_grad(back, list(dummies.values()), [t.to(r.dtype) for t, r in zip(tangent_leaves, roots)],
                             create_graph=True) if dummies else ())
        tangents_out = [next(forward) if i in dummies else None for i in range(len(out_leaves))]
    tangents_out = _zeros_for_none(tangents_out, out_leaves)
    keep = enabled and _reaches_outside(out_leaves + tangents_out + _flatten(aux)[0],
                                        list(roots) + list(dummies.values()))
    out, tangent_out, aux = _lower(keep, out, _unflatten(tangents_out, out_spec), aux)
    return (out, tangent_out, aux) if has_aux else (out, tangent_out)


def _jacobian_transform(func, argnums, has_aux, api, randomness=None):
    """jacrev and jacfwd: both compute the Jacobian in reverse mode, one vjp per output element."""
    @functools.wraps(func)
    def wrapper(*args):
        primals, call = _select_args(func, args, {}, argnums)
        leaves, spec = _flatten(primals)
        traced = {}

        def of_leaves(*roots):
            """func on jacobian's fresh roots, its output leaves as a tuple; the rest is kept in traced."""
            state = default_generator.rng.bit_generator.state
            _, _, _, out, aux = _trace(call, _unflatten(roots, spec), has_aux, api)
            if randomness == "error" and default_generator.rng.bit_generator.state != state:
                raise RuntimeError(_RANDOM_ERROR)
            out_leaves, out_spec = _tensor_outputs(out, api)
            traced.update(roots=roots, out_leaves=out_leaves, aux=aux, out_spec=out_spec)
            return tuple(out_leaves)

        _check_primals(leaves, api)
        enabled = grad_mode.is_grad_enabled()
        jac = jacobian(of_leaves, tuple(leaves), create_graph=True)
        keep = enabled and _reaches_outside(traced["out_leaves"] + _flatten(traced["aux"])[0], traced["roots"])
        result = _unflatten([_unflatten(row, spec) for row in jac], traced["out_spec"])
        result, aux = _lower(keep, result, traced["aux"])
        return (result, aux) if has_aux else result
    return wrapper


_RANDOM_ERROR = ("vmap: called random operation while in randomness error mode. Please either use the 'same' or "
                 "'different' randomness flags on vmap or perform the randomness operation out of vmap")


def _check_randomness(randomness):
    if randomness not in _RANDOMNESS:
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None):
    """A function that returns the Jacobian of func with respect to the args at argnums, computed in reverse mode:
    for each output and input a Tensor of shape output.shape + input.shape. chunk_size is accepted for compatibility."""
    if chunk_size is not None and chunk_size <= 0:
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")
    return _jacobian_transform(func, argnums, has_aux, "vjp")


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """A function that returns the Jacobian of func with respect to the args at argnums, as torch.func.jacfwd
    (ember computes it in reverse mode, with the same results)."""
    transform = _jacobian_transform(func, argnums, has_aux, "jvp", randomness)

    @functools.wraps(func)
    def wrapper(*args):
        _check_randomness(randomness)
        return transform(*args)
    return wrapper


def hessian(func, argnums=0):
    """A function that returns the Hessian of the scalar func with respect to the args at argnums
    (jacfwd of jacrev)."""
    return jacfwd(jacrev(func, argnums), argnums)


def _func_name(func):
    if isinstance(func, functools.partial):
        return f"functools.partial({_func_name(func.func)}, ...)"
    return getattr(func, "__name__", None) or repr(func)


def _batch_size(leaves, dims, name, in_dims):
    """The common size of the mapped dimensions; checks in_dims against each input as torch does."""
    where = f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): "
    sizes = []
    for leaf, d in zip(leaves, dims):
        if d is None:
            continue
        if not isinstance(d, int):
            raise ValueError(f"{where}Got in_dim={d} for an input but in_dim must be either an integer dimension or "
                             f"None.")
        if not isinstance(leaf, Tensor):
            raise ValueError(f"{where}Got in_dim={d} for an input but the input is of type {type(leaf)}. We cannot "
                             f"vmap over non-Tensor arguments, please use None as the respective in_dim")
        if not -leaf.dim() <= d < leaf.dim():
            raise ValueError(f"{where}Got in_dim={d} for some input, but that input is a Tensor of dimensionality "
                             f"{leaf.dim()} so expected in_dim to satisfy -{leaf.dim()} <= in_dim < {leaf.dim()}.")
        sizes.append(leaf.shape[d])
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if any(s != sizes[0] for s in sizes):
        raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                         f"{sizes} for the mapped dimension")
    return sizes[0]


def _sample(leaf, d, i):
    """Batch element i of an input (a zero-filled element when the batch is empty, to learn the output's shape)."""
    if d is None:
        return leaf
    if leaf.shape[d] == 0:
        shape = list(leaf.shape)
        del shape[d]
        return leaf.new_zeros(shape)
    return leaf.select(d, i)


def _run_batch(func, samples, kwargs, randomness):
    """func on each batch element, with the default generator checked (error), shared (same) or left (different)."""
    start = default_generator.get_state()
    results = []
    for args in samples:
        if randomness == "same":
            default_generator.set_state(start)
        state = default_generator.rng.bit_generator.state
        results.append(func(*args, **kwargs))
        if randomness == "error" and default_generator.rng.bit_generator.state != state:
            raise RuntimeError(_RANDOM_ERROR)
    return results


def _out_dim_leaves(out_dims, out_spec, name):
    dims = _broadcast_prefix(out_dims, out_spec)
    if dims is None and isinstance(out_dims, tuple) and len(out_dims) == 1 and out_spec.type is None:
        dims = [out_dims[0]]
    if dims is None:
        raise ValueError(f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not compatible with the "
                         f"structure of `outputs`. out_dims has structure {_flatten(out_dims)[1]!r} but outputs has "
                         f"structure {out_spec!r}.")
    return dims


def _stack_outputs(per_sample, dims, size, name):
    """Each output leaf stacked along its out_dim over the batch elements (or returned as is for out_dim None)."""
    result = []
    for k, d in enumerate(dims):
        column = [leaves[k] for leaves in per_sample]
        first = column[0]
        if d is None:
            if isinstance(first, Tensor) and any(not c.equal(first) for c in column[1:]):
                raise ValueError(f"vmap({name}, ...): `{name}` can not return a BatchedTensor when out_dim is None")
            result.append(first)
            continue
        if not isinstance(first, Tensor):
            raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type {type(first)}. Did you "
                             f"mean to set out_dims= to None for output?")
        stacked = stack(column, dim=d)
        # NOTE: an empty batch ran func once on a zero-filled element, only to learn the output's shape
        result.append(stacked if size else stacked.narrow(d, 0, 0))
    return result


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """A function that maps func over the dimension in_dims of its inputs and stacks the results along out_dims.

    ember's vmap calls func once per batch element (correct, not vectorised); chunk_size is accepted for
    compatibility. randomness: 'error' raises if func draws random numbers, 'same' gives every element the same
    draws, 'different' lets them differ."""
    _check_randomness(randomness)
    if chunk_size is not None and chunk_size <= 0:
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        name = _func_name(func)
        if not all(d is None or isinstance(d, int) for d in _flatten(out_dims)[0]):
            raise ValueError(f"vmap({name}, ..., out_dims={out_dims}): `out_dims` must be an int, None or a python "
                             f"collection of ints representing where in the outputs the vmapped dimension should "
                             f"appear.")
        if not isinstance(in_dims, (int, tuple)):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to be int or a "
                             f"(potentially nested) tuple matching the structure of inputs, got: {type(in_dims)}.")
        if not args:
            raise ValueError(f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add inputs, or you are "
                             f"trying to vmap over a function with no inputs. The latter is unsupported.")
        leaves, spec = _flatten(args)
        dims = _broadcast_prefix(in_dims, spec)
        if dims is None:
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with the "
                             f"structure of `inputs`. in_dims has structure {_flatten(in_dims)[1]!r} but inputs has "
                             f"structure {spec!r}.")
        size = _batch_size(leaves, dims, name, in_dims)
        samples = [_unflatten([_sample(leaf, d, i) for leaf, d in zip(leaves, dims)], spec)
                   for i in range(max(size, 1))]
        outputs = _run_batch(func, samples, kwargs, randomness)
        out_spec = _flatten(outputs[0])[1]
        stacked = _stack_outputs([_flatten(o)[0] for o in outputs], _out_dim_leaves(out_dims, out_spec, name), size,
                                 name)
        return _unflatten(stacked, out_spec)
    return wrapped


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights=True, strict=False):
    """Call module with its parameters and buffers replaced by those in a dict, or in a list or tuple of dicts
    (whose keys must not repeat); as ember.nn.utils.stateless.functional_call otherwise."""
    dicts = parameter_and_buffer_dicts
    if isinstance(dicts, dict):
        merged = dicts
    elif isinstance(dicts, (list, tuple)):
        if not all(isinstance(d, dict) for d in dicts):
            raise ValueError("Expected all elements of parameter_and_buffer_dicts to be dictionaries")
        merged = {}
        repeated = []
        for d in dicts:
            for k, v in d.items():
                if k in merged and k not in repeated:
                    repeated.append(k)
                merged[k] = v
        if repeated:
            raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of functional call is ambiguous")
    else:
        raise ValueError(f"Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, but got "
                         f"{type(dicts)}")
    return stateless.functional_call(module, merged, args, kwargs, tie_weights=tie_weights, strict=strict)
