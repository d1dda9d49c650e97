"""Optimizer: the base of all optimizers (param groups, per-parameter state, state_dict, step hooks).

Subclasses implement `step(closure=None)`; the base wraps it so that step hooks run around it and
the update itself runs under no_grad. Updates work on the backend arrays in place, with the
helpers below, in the floating-point order of PyTorch's single-tensor implementations.
"""
import functools
import warnings
from collections import OrderedDict, defaultdict
from copy import deepcopy
from itertools import chain

from .. import _dtype
from .._device import array_module
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import enable_grad, no_grad
from ..autograd.node import RemovableHandle

__all__ = ["Optimizer", "register_optimizer_step_pre_hook", "register_optimizer_step_post_hook", "required"]

_global_pre_hooks = OrderedDict()
_global_post_hooks = OrderedDict()


class _RequiredParameter:
    """The default of a hyperparameter that every param group must give (e.g. a required lr)."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def register_optimizer_step_pre_hook(hook):
    """Register hook(optimizer, args, kwargs) -> None or (args, kwargs), run before every optimizer's step."""
    handle = RemovableHandle(_global_pre_hooks)
    _global_pre_hooks[handle.id] = hook
    return handle


def register_optimizer_step_post_hook(hook):
    """Register hook(optimizer, args, kwargs), run after every optimizer's step."""
    handle = RemovableHandle(_global_post_hooks)
    _global_post_hooks[handle.id] = hook
    return handle


def _typename(obj):
    if isinstance(obj, Tensor):
        return obj.type()
    module = obj.__class__.__module__ or ""
    qualname = obj.__class__.__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


def _hooked_step(step):
    """step wrapped: pre-hooks, the update under no_grad, post-hooks (once, even when nested via super()).
    As in PyTorch, the hooks see args that start with the optimizer itself."""
    @functools.wraps(step)
    def wrapper(*args, **kwargs):
        self = args[0]
        if self._in_step:
            return step(*args, **kwargs)
        for hook in chain(_global_pre_hooks.values(), self._optimizer_step_pre_hooks.values()):
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(f"{step} must return None or a tuple of (new_args, new_kwargs), "
                                       f"but got {result}.")
                args, kwargs = result
        self._in_step = True
        try:
            with no_grad():
                out = step(*args, **kwargs)
        finally:
            self._in_step = False
        self._opt_called = True
        for hook in chain(self._optimizer_step_post_hooks.values(), _global_post_hooks.values()):
            hook(self, args, kwargs)
        return out
    return wrapper


class Optimizer:
    """Base class for all optimizers.

    params: an iterable of Tensors, of (name, Tensor) pairs, or of dicts (parameter groups with their
    own options); defaults: the options used where a group does not give them.
    """
    _scalar_state = ("step",)   # state entries kept as 0-d tensors of the default scalar dtype

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__:
            cls.step = _hooked_step(cls.__dict__["step"])

    def __init__(self, params, defaults):
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        self._optimizer_state_dict_pre_hooks = OrderedDict()
        self._optimizer_state_dict_post_hooks = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks = OrderedDict()
        self._optimizer_load_state_dict_post_hooks = OrderedDict()
        self._in_step = False
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got " + _typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks", "_optimizer_state_dict_pre_hooks",
                     "_optimizer_state_dict_post_hooks", "_optimizer_load_state_dict_pre_hooks",
                     "_optimizer_load_state_dict_post_hooks"):
            self.__dict__.setdefault(name, OrderedDict())
        self.__dict__.setdefault("_in_step", False)
        for group in self.param_groups:
            for name, default in self.defaults.items():
                if default is not required:
                    group.setdefault(name, default)
            for p in group["params"]:
                p_state = self.state.get(p)
                for key in self._scalar_state:
                    if p_state and key in p_state and not isinstance(p_state[key], Tensor):
                        p_state[key] = _scalar(float(p_state[key]))
        self.defaults.setdefault("differentiable", False)  # as torch: in defaults, not in the groups that lack it

    def __repr__(self):
        s = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            s += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    s += f"    {key}: {group[key]}\n"
        return s + ")"

    # ---- parameter groups ----------------------------------------------------------------------
    def add_param_group(self, param_group):
        """Add a parameter group (a dict with 'params' and optional options) to param_groups."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering "
                            "of tensors in sets will change between runs. Please use a list instead.")
        else:
            params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        param_group["params"] = [p[1] if isinstance(p, tuple) else p for p in params]
        if names:
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = names
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(param))
            if not self.defaults.get("differentiable", None) and not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        params = param_group["params"]
        if len(params) != len(set(params)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        param_set = set()
        for group in self.param_groups:
            param_set.update(group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if not param_set.isdisjoint(params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # ---- gradients and steps -------------------------------------------------------------------
    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all optimized tensors: to None (default), or to zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    if g.grad_fn is not None:
                        g.detach_()
                    else:
                        g.requires_grad_(False)
                    g._data.fill(0)
                    g._vc[0] += 1

    def step(self, closure=None):
        """Perform a single optimization step; closure re-evaluates the model and returns the loss."""
        raise NotImplementedError

    @staticmethod
    def _closure_loss(closure):
        """The loss from closure(), evaluated with gradients enabled (None without a closure)."""
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def _grads(self, group):
        """(param, gradient array) for each parameter of group that has a gradient, the gradient negated
        when the group maximizes."""
        maximize = group.get("maximize", False)
        for p in group["params"]:
            if p._grad is not None:
                g = p._grad._data
                yield p, (-g if maximize else g)

    # ---- hooks -----------------------------------------------------------------------------------
    @staticmethod
    def _register(registry, hook, prepend=False):
        handle = RemovableHandle(registry)
        registry[handle.id] = hook
        if prepend:
            registry.move_to_end(handle.id, last=False)
        return handle

    def register_step_pre_hook(self, hook):
        """Register hook(optimizer, args, kwargs) -> None or (new_args, new_kwargs), run before step."""
        return self._register(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        """Register hook(optimizer, args, kwargs), run after step."""
        return self._register(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        """Register hook(optimizer), run before state_dict()."""
        return self._register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        """Register hook(optimizer, state_dict) -> None or a new state_dict, run after state_dict()."""
        return self._register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        """Register hook(optimizer, state_dict) -> None or a new state_dict, run before load_state_dict()."""
        return self._register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        """Register hook(optimizer), run after load_state_dict()."""
        return self._register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # ---- state dict --------------------------------------------------------------------------------
    def state_dict(self):
        """The optimizer state as a dict: 'state' keyed by parameter index, 'param_groups' with index lists."""
        for hook in self._optimizer_state_dict_pre_hooks.values():
            hook(self)
        index = {}
        groups = []
        start = 0
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                index.setdefault(id(p), i)
            packed["params"] = [index[id(p)] for p in group["params"]]
            start += len(packed["params"])
            groups.append(packed)
        state = {(index[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        state_dict = {"state": state, "param_groups": groups}
        for hook in self._optimizer_state_dict_post_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    def load_state_dict(self, state_dict):
        """Load a state returned by state_dict(); floating state is cast to each parameter's dtype and device."""
        state_dict = state_dict.copy()
        for hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))
        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = _cast(param, v)
            else:
                state[k] = v
        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
        self.__setstate__({"state": state, "param_groups": saved_groups})
        for hook in self._optimizer_load_state_dict_post_hooks.values():
            hook(self)


def _cast(param, value, key=None):
    """A copy of a saved state value for param: floating tensors take param's dtype, all tensors its
    device; 'step' keeps its own dtype."""
    if isinstance(value, Tensor):
        if key != "step" and param.is_floating_point():
            return value.to(dtype=param.dtype, device=param.device, copy=True)
        return value.to(device=param.device, copy=True)
    if isinstance(value, dict):
        return {k: _cast(param, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(param, v) for v in value)
    return value


# ---- update helpers on backend arrays -------------------------------------------------------------
def _scalar(value):
    """A 0-d tensor of the optimizer scalar dtype (float64 when that is the default dtype, else float32)."""
    from .._creation import tensor
    dt = _dtype.float64 if _dtype.get_default_dtype() == _dtype.float64 else _dtype.float32
    return tensor(value, dtype=dt)


def _zeros_like(p):
    """A state buffer of p's shape, dtype and layout, filled with zeros."""
    return _wrap(array_module(p._data).zeros_like(p._data))


def _increment(t, value=1):
    """t += value for a 0-d state tensor; returns the new value as a Python float."""
    t._data += value
    t._vc[0] += 1
    return t._data.item()


def _adam_moments(p, g, state, lr, weight_decay, decoupled, beta1, beta2):
    """The part Adam, NAdam and RAdam share: weight decay (decoupled: p shrinks; else L2 added to the gradient),
    then the running averages exp_avg (lerp to g) and exp_avg_sq (of g * g) updated in place.
    Returns (g with L2 decay, exp_avg, exp_avg_sq)."""
    if weight_decay != 0:
        if decoupled:
            _mul_(p, 1 - lr * weight_decay)
        else:
            g = g + weight_decay * p._data
    exp_avg, exp_avg_sq = state["exp_avg"]._data, state["exp_avg_sq"]._data
    _lerp_(exp_avg, g, 1 - beta1)
    _decay_(exp_avg_sq, beta2, g, 1 - beta2)
    return g, exp_avg, exp_avg_sq


def _lerp_(a, b, w):
    """a.lerp_(b, w) in PyTorch's two-branch form (exact at both ends)."""
    if abs(w) < 0.5:
        d = b - a
        d *= w
        a += d
    else:
        d = b - a
        d *= 1 - w
        a[...] = b - d


def _decay_(a, beta, g, value):
    """a.mul_(beta).addcmul_(g, g, value=value)."""
    a *= beta
    t = value * g
    t *= g
    a += t


def _add_(p, t, alpha):
    """p.add_(t, alpha=alpha) on a parameter: writes p's memory and bumps its version."""
    p._data += alpha * t
    p._vc[0] += 1


def _mul_(p, factor):
    """p.mul_(factor) on a parameter (decoupled weight decay)."""
    p._data *= factor
    p._vc[0] += 1


def _addcdiv_(p, t1, t2, value):
    """p.addcdiv_(t1, t2, value=value) on a parameter: p + value * t1 / t2."""
    u = value * t1
    u /= t2
    p._data += u
    p._vc[0] += 1


def _sqrt(a):
    """Elementwise square root of a backend array (a new array)."""
    return array_module(a).sqrt(a)


def _maximum_(a, b):
    """a = max(a, b) elementwise, in place."""
    array_module(a).maximum(a, b, out=a)


# ---- argument checks, worded as PyTorch's -----------------------------------------------------------
def _check_nonneg(value, what):
    if not 0.0 <= value:
        raise ValueError(f"Invalid {what}: {value}")


def _check_lr(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    _check_nonneg(lr, "learning rate")


def _check_betas(betas):
    for i in (0, 1):
        if not 0.0 <= betas[i] < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {betas[i]}")
