"""In-place forms (add_, mul_, clamp_, zero_, fill_, copy_ ...): one rule for all of them.

An in-place op computes its out-of-place result, writes it into the tensor's memory, bumps the
version counter (so saved copies of the old value are detected), and, when recorded, makes the
result's node the tensor's grad_fn. In-place view ops (t_, squeeze_ ...) instead give the tensor the
view's shape and record the view op. The torch-level forms (ember.exp_(x) ...) call the methods.
"""
import functools
import math
import warnings

import numpy as np

from .._device import array_module, move
from .._dtype import SCALAR_TYPE_NAMES, from_numpy_dtype, can_cast
from .._tensor import Tensor, _wrap
from ..autograd import grad_mode
from ..autograd.complex import retype
from ..autograd.function import NO_GRAD_VIEW, Op, replay_view

__all__ = ["abs_", "acos_", "acosh_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_", "arctanh_", "asin_",
           "asinh_", "atan_", "atanh_", "ceil_", "clamp_", "clamp_max_", "clamp_min_", "clip_", "cos_", "cosh_",
           "erf_", "erfc_", "exp2_", "exp_", "expm1_", "fix_", "floor_", "frac_", "gcd_", "i0_", "lcm_", "ldexp_",
           "log10_", "log1p_", "log2_", "log_", "logit_", "nan_to_num_", "neg_", "negative_", "reciprocal_",
           "round_", "rsqrt_", "sigmoid_", "sin_", "sinc_", "sinh_", "sqrt_", "square_", "tan_", "tanh_", "trunc_",
           "xlogy_", "zero_", "fill_", "index_put_", "addmv_", "detach_", "detach", "fill"]

_state = grad_mode.state


def check_inplace(t, args=()):
    """PyTorch's rules while recording: a leaf that requires grad (or a view of one) cannot be modified in place,
    nor can a view made in no_grad mode when the change would be recorded (its base or an argument requires grad)."""
    if not _state.enabled:
        return
    view = t._extra.get("view") if t._extra else None
    if view is not None and view[1] is NO_GRAD_VIEW and (view[0]._requires_grad or t._requires_grad or any(
            isinstance(a, Tensor) and a._requires_grad for a in args)):
        raise RuntimeError("A view was created in no_grad mode and is being modified inplace with grad mode "
                           "enabled. Given that this use case is ambiguous and error-prone, it is forbidden. You "
                           "can clarify your code by moving both the view and the inplace either both inside the "
                           "no_grad block (if you don't want the inplace to be tracked) or both outside (if you "
                           "want the inplace to be tracked).")
    if t._requires_grad and t.grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation. "
                           "Wrap the update in `with ember.no_grad():` (as optimizers do) or operate on "
                           "x.detach() / a clone.")
    if view is not None and view[0]._requires_grad and view[0].grad_fn is None:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation. "
                           "Wrap the update in `with ember.no_grad():` or change a clone of the leaf instead.")


def apply_inplace(self, fn, *args, **kwargs):
    """Run fn(self, *args, **kwargs) and store its result into self's memory; returns self."""
    check_inplace(self, args)
    recording = _state.enabled and (self._requires_grad or any(
        isinstance(a, Tensor) and a._requires_grad for a in args))
    # NOTE: a recorded op sees a snapshot of the old value: backward may need it after it is overwritten
    src = _wrap(self._data.copy(), self._requires_grad, self.grad_fn, self._output_nr) if recording else self
    view = self._extra.get("view") if recording and self._extra else None
    _check_not_multi_output_view(self, view)
    res = fn(src, *args, **kwargs)
    if recording and not res._requires_grad and self._requires_grad:
        res = _overwritten_node(fn).apply(src, *[a for a in args if isinstance(a, Tensor)],
                                          res._data.astype(self._data.dtype, copy=False))
    write_into(self, res._data)
    if recording and res._requires_grad:
        if view is not None and view[1] is not None:
            _rebase_view(self, res, *view)
        else:
            self.grad_fn, self._requires_grad, self._output_nr = res.grad_fn, True, res._output_nr
    return self


def _check_not_multi_output_view(t, view):
    if view is not None and view[1] is None and t.grad_fn is not None:
        op = t.grad_fn.name().rsplit("Backward", 1)[0]     # PyTorch names the forward op: Split, Unbind
        raise RuntimeError(f"Output {t._output_nr} of {op} is a view and is being modified "
                           f"inplace. This view is the output of a function that returns multiple views. Such "
                           f"functions do not allow the output views to be modified inplace. You should replace "
                           f"the inplace operation by an out-of-place one.")


_OVERWRITTEN = {}


def _overwritten_node(fn):
    """The node of a non-differentiable op (gt_, logical_and_ ...) that overwrote a tensor requiring grad: no
    gradient reaches its inputs through the new values, as PyTorch's GtBackward0 ..."""
    name = "".join(w.capitalize() for w in fn.__name__.strip("_").split("_")) + "Backward0"
    cls = _OVERWRITTEN.get(name)
    if cls is None:
        def backward(ctx, g):
            return tuple(g * 0 if need else None for need in ctx.needs_input_grad)
        cls = _OVERWRITTEN[name] = type(name, (Op,), {"forward": staticmethod(lambda ctx, *arrays: arrays[-1]),
                                                      "backward": staticmethod(backward)})
    return cls


class CopySlices(Op):
    """base after its view was changed in place to `value`: the view's region comes from value, the rest from
    base's previous value."""

    @staticmethod
    def forward(ctx, base, value, recipe):
        ctx.recipe = recipe
        return base     # already written through the view

    @staticmethod
    def backward(ctx, g):
        keep = _wrap(array_module(g._data).ones_like(g._data))
        replay_view(ctx.recipe, keep)._data[...] = 0
        return (g * keep if ctx.needs_input_grad[0] else None,
                replay_view(ctx.recipe, g) if ctx.needs_input_grad[1] else None, None)


def _rebase_view(view, value, base, recipe):
    """Record an in-place change of a view on its base, as PyTorch does: the base's grad_fn becomes CopySlices,
    and the view's becomes the view op replayed on the new base."""
    new_base = CopySlices.apply(base, value, recipe)
    base.grad_fn, base._requires_grad, base._output_nr = new_base.grad_fn, True, 0
    new_view = replay_view(recipe, base)
    view.grad_fn, view._requires_grad, view._output_nr = new_view.grad_fn, True, new_view._output_nr
    view._extra["base_fn"] = base.grad_fn


def write_into(self, data):
    """Copy data into self's memory (broadcasting, same-kind casting) and bump its version."""
    d = self._data
    if data.shape != d.shape:
        try:
            target = np.broadcast_shapes(data.shape, d.shape)
        except ValueError:
            target = None
        if target != d.shape:
            raise RuntimeError(f"output with shape {list(d.shape)} doesn't match the broadcast shape "
                               f"{list(target) if target is not None else list(data.shape)}")
    if data.dtype != d.dtype and not can_cast(from_numpy_dtype(data.dtype), from_numpy_dtype(d.dtype)):
        raise RuntimeError(f"result type {SCALAR_TYPE_NAMES[data.dtype.name]} can't be cast to the desired output type "
                           f"{SCALAR_TYPE_NAMES[d.dtype.name]}")
    if data is not d:
        d[...] = data
    self._vc[0] += 1


def inplace(fn, name):
    """The in-place method `name` (e.g. add_) of the out-of-place op fn."""
    def method(self, *args, **kwargs):
        return apply_inplace(self, fn, *args, **kwargs)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"In-place version of {fn.__name__}."
    return method




_INPLACE_VIEW_NODES = {}    # the node class of an out-of-place view op -> its in-place form's (filled by _methods)


def inplace_view(fn, name):
    """The in-place view method `name` (t_, squeeze_ ...) of the view op fn: self takes the shape of fn(self), and
    the view op becomes self's grad_fn (and, for a view, a step of its recipe), as PyTorch's in-place view ops."""
    def method(self, *args, **kwargs):
        check_inplace(self)
        view = self._extra.get("view") if self._extra else None
        if _state.enabled and self._requires_grad:
            _check_not_multi_output_view(self, view)
        src = _wrap(self._data, self._requires_grad, self.grad_fn, self._output_nr)
        src._vc, src._extra = self._vc, self._extra
        res = fn(src, *args, **kwargs)
        if res.grad_fn is not None:
            retype(res.grad_fn, _INPLACE_VIEW_NODES)
            self.grad_fn, self._output_nr = res.grad_fn, res._output_nr
        if view is not None:
            self._extra["view"], self._extra["base_fn"] = res._extra["view"], res._extra["base_fn"]
        self._data = res._data
        self._vc[0] += 1
        return self
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"In-place version of {fn.__name__}: self becomes the view."
    return method


def _t(input):
    if input._data.ndim > 2:
        raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {input._data.ndim}D")
    from .shape import t
    return t(input)


def _resize_(self, *sizes, memory_format=None):
    """Give self the shape sizes, keeping its elements in memory order; new elements (when it grows) are 0."""
    if self._requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    from .shape import _shape_arg
    shape = _shape_arg(sizes)
    if any(s < 0 for s in shape):
        raise RuntimeError("numel: integer multiplication overflow")
    if shape == self._data.shape:
        return self
    n = math.prod(shape)
    flat = self._data.ravel(order="K")
    if n > flat.size:
        grown = array_module(flat).zeros(n, flat.dtype)
        grown[:flat.size] = flat
        flat = grown
    self._data = flat[:n].reshape(shape)
    if self._extra:
        self._extra.pop("view", None)
    self._vc[0] += 1
    return self


def _resize_as_(self, the_template, memory_format=None):
    """Give self the shape of the_template."""
    if not isinstance(the_template, Tensor):
        raise TypeError(f"resize_as_(): argument 'the_template' (position 1) must be Tensor, not "
                        f"{type(the_template).__name__}")
    return _resize_(self, the_template.shape)


class FillBackward0(Op):
    """ember.fill(x, number): no gradient reaches x."""

    @staticmethod
    def forward(ctx, x, value):
        return array_module(x).full_like(x, value)

    @staticmethod
    def backward(ctx, g):
        return g * 0, g.sum() if ctx.needs_input_grad[1] else None


class FillBackward1(FillBackward0):
    """ember.fill(x, tensor): the value gets the summed gradient."""


class FillBackward2(FillBackward0):
    """x.fill_(number)."""


class FillBackward3(FillBackward0):
    """x.fill_(tensor)."""


class ZeroBackward0(FillBackward0):
    """x.zero_()."""


class UniformBackward0(FillBackward0):
    """x overwritten by random numbers (uniform_, normal_, bernoulli_ ...): no gradient reaches x."""


class NormalBackward0(UniformBackward0):
    pass


class BernoulliBackward1(UniformBackward0):
    pass


class ExponentialBackward0(UniformBackward0):
    pass


class RandomBackward0(UniformBackward0):
    """random_(from, to)."""


class RandomBackward1(UniformBackward0):
    """random_(to)."""


class RandomBackward2(UniformBackward0):
    """random_()."""


class CauchyBackward0(UniformBackward0):
    pass


class LogNormalBackward0(UniformBackward0):
    pass


class GeometricBackward0(UniformBackward0):
    pass


def _random_fill(self, node, draw, generator):
    """Overwrite self with draw(rng, shape, dtype) (a NumPy array, cast to self's dtype), in place."""
    from ..random import rng
    a = draw(rng(generator), self.shape, self.dtype)
    return apply_inplace(self, node.apply, move(np.asarray(a).astype(self._data.dtype), self.device))


def _check_floating(self, node):
    if not self.is_floating_point():
        raise NotImplementedError(f"{node.__name__[:-9].lower()}_ is only implemented for floating-point tensors "
                                  f"here, got {self.dtype}")


def _cpp_name(t):
    from .index import _C_TYPE_NAMES
    return _C_TYPE_NAMES[t._data.dtype.name]


def _uniform_(self, a=0.0, b=1.0, *, generator=None):
    """Fill with numbers drawn uniformly from [a, b), in place."""
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}")
    _check_floating(self, UniformBackward0)
    from .._creation import _uniform
    return _random_fill(self, UniformBackward0, lambda r, shape, dt: a + (b - a) * _uniform(r, shape, dt), generator)


def _normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill with numbers drawn from N(mean, std**2), in place."""
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    _check_floating(self, NormalBackward0)
    return _random_fill(self, NormalBackward0, lambda r, shape, dt: r.normal(mean, std, shape), generator)


def _bernoulli_(self, p=0.5, *, generator=None):
    """Fill with 1 with probability p, else 0, in place."""
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    _check_floating(self, BernoulliBackward1)
    return _random_fill(self, BernoulliBackward1, lambda r, shape, dt: r.random(shape) < p, generator)


def _exponential_(self, lambd=1.0, *, generator=None):
    """Fill with numbers drawn from the exponential distribution with rate lambd, in place."""
    if lambd <= 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    _check_floating(self, ExponentialBackward0)
    return _random_fill(self, ExponentialBackward0, lambda r, shape, dt: r.exponential(1 / lambd, shape), generator)


def _cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fill with numbers drawn from the Cauchy distribution with this median and scale sigma, in place."""
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma:g}")
    if not self.is_floating_point():
        raise RuntimeError(f"Cauchy distribution is a continuous probability distribution. dtype must be a floating "
                           f"point but you specified {_cpp_name(self)}")
    return _random_fill(self, CauchyBackward0, lambda r, shape, dt: median + sigma * r.standard_cauchy(shape),
                        generator)


def _log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fill with numbers whose log is drawn from N(mean, std**2), in place."""
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std:g}")
    if not self.is_floating_point():
        from .pointwise import _not_implemented
        raise _not_implemented("log_normal_cpu", self._data)
    return _random_fill(self, LogNormalBackward0, lambda r, shape, dt: r.lognormal(mean, std, shape), generator)


def _geometric_(self, p, *, generator=None):
    """Fill with the number of Bernoulli(p) trials up to and including the first success, in place."""
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p:g}")
    if self._data.dtype == np.bool_:
        from .pointwise import _not_implemented
        raise _not_implemented("geometric_cpu", self._data)
    return _random_fill(self, GeometricBackward0, lambda r, shape, dt: r.geometric(p, shape), generator)


_MANTISSA_DIGITS = {"float16": 11, "float32": 24, "float64": 53}


def _random_range(self, lo, hi):
    """[lo, hi] checked against self's dtype as PyTorch does; hi None means the dtype's top (2**digits of the
    mantissa for floats, whose integers are exact up to there)."""
    dt = self._data.dtype
    digits = _MANTISSA_DIGITS.get(dt.name)
    if digits is None:
        low, high = (0, 1) if dt == np.bool_ else (int(np.iinfo(dt).min), int(np.iinfo(dt).max))
        hi = high if hi is None else hi
    else:
        low, high = float(np.finfo(dt).min), float(np.finfo(dt).max)
        if hi is None:
            hi = 2 ** digits
            if lo > hi:
                raise RuntimeError(f"random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' "
                                   f"casted to dtype, but got from={lo} > to_inc={hi}")
    checks = (("from", lo), ("to - 1", hi))
    for what, v in checks:
        if not low <= v <= high:
            raise RuntimeError(f"{what} is out of bounds for {_cpp_name(self)}")
    for what, v in checks if digits else ():
        if not -2 ** digits <= v <= 2 ** digits:
            warnings.warn(f"{what} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision limitations "
                          f"{_cpp_name(self)} can support discrete uniform distribution only within this range. This "
                          f"warning will become an error in version 1.7 release, please fix the code in advance",
                          UserWarning, stacklevel=3)
    return lo, hi


def _random_(self, *args, to=None, generator=None):
    """Fill with integers drawn uniformly from [from, to) (random_(to): from 0; random_(): the dtype's range, up to
    2**mantissa digits for floats), in place."""
    bounds = args + (() if to is None else (to,))
    if len(bounds) > 2 or any(v is not None and not isinstance(v, (int, np.integer)) for v in bounds):
        raise TypeError(f"random_() received an invalid combination of arguments - got "
                        f"({', '.join(type(v).__name__ for v in bounds)}), but expected one of:\n"
                        f" * (*, torch.Generator generator = None)\n"
                        f" * (int from, int to, *, torch.Generator generator = None)\n"
                        f" * (int to, *, torch.Generator generator = None)\n")
    node = (RandomBackward2, RandomBackward1, RandomBackward0)[len(bounds)]
    lo, hi = (0, None) if not bounds else (0,) + bounds if len(bounds) == 1 else bounds
    if hi is not None:
        if lo >= hi:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={lo} >= to={hi}")
        hi -= 1
    lo, hi = _random_range(self, int(lo), None if hi is None else int(hi))
    return _random_fill(self, node, lambda r, shape, dt: r.integers(lo, hi, shape, np.int64, endpoint=True),
                        generator)


def fill(input, value):
    """A tensor of input's shape and dtype filled with value (a number or a 0-d tensor)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"fill(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return _fill(input, value, (FillBackward0, FillBackward1))


def _fill(input, value, nodes):
    """input filled with value by nodes[0] (a number) or nodes[1] (a 0-d tensor)."""
    if isinstance(value, Tensor) and value._data.ndim:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                           f"{value._data.ndim} dimensions.")
    return nodes[isinstance(value, Tensor)].apply(input, value)


def _fill_(self, value):
    """Fill with value (a number or a 0-d tensor), in place."""
    return apply_inplace(self, _fill, value, (FillBackward2, FillBackward3))


def _zero_(self):
    """Fill with zeros, in place."""
    return apply_inplace(self, ZeroBackward0.apply, 0)


def _fill_diagonal_(self, fill_value, wrap=False):
    """Fill the main diagonal (all indices equal) with fill_value, in place; with wrap, a tall matrix's diagonal
    starts again every (columns + 1) rows, as NumPy's fill_diagonal."""
    if isinstance(fill_value, Tensor) and not fill_value._data.ndim and not fill_value._requires_grad:
        fill_value = fill_value.item()      # PyTorch takes a 0-d tensor that needs no gradient as a number
    if isinstance(fill_value, Tensor) or not isinstance(fill_value, (int, float, np.number)):
        raise TypeError(f"fill_diagonal_(): argument 'fill_value' (position 1) must be Number, not "
                        f"{type(fill_value).__name__}")
    shape = self._data.shape
    if len(shape) < 2:
        raise RuntimeError("dimensions must larger than 1")
    if len(shape) > 2 and any(s != shape[0] for s in shape):
        raise RuntimeError("all dimensions of input must be of equal length")
    step = sum(math.prod(shape[i + 1:]) for i in range(len(shape)))     # between diagonal entries, in C order
    count = min(shape)
    stop = self._data.size if wrap and len(shape) == 2 and shape[0] > shape[1] + 1 else (count - 1) * step + 1
    if self.is_contiguous():
        self.view(-1)[:max(stop, 0):step].fill_(fill_value)
        return self
    from .._creation import tensor
    index = np.unravel_index(np.arange(0, stop, step), shape)
    return self.index_put_(tuple(tensor(i) for i in index), tensor(fill_value, dtype=self.dtype))


def _cumulative_(fn):
    """cumsum_ or cumprod_: fn computed in self's dtype, which a given dtype must equal."""
    def method(self, dim, *, dtype=None):
        if self._data.dtype == np.bool_:
            from .pointwise import _not_implemented
            raise _not_implemented(f"{fn.__name__}_out_cpu", self._data)
        if dtype is not None and dtype != self.dtype:
            raise RuntimeError(f"Bad in-place call: input tensor dtype {_cpp_name(self)} and output tensor dtype "
                               f"{_cpp_name(_wrap(np.empty(0, dtype.np)))} should match")
        return apply_inplace(self, fn, dim, dtype=self.dtype)
    method.__name__ = method.__qualname__ = fn.__name__ + "_"
    method.__doc__ = f"In-place version of {fn.__name__}."
    return method


def _copy_(self, src, non_blocking=False):
    """Copy src's values into self (broadcasting, casting); gradients flow to src."""
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'src' must be Tensor, not {type(src).__name__}")
    dt = self.dtype
    return apply_inplace(self, lambda s, v: (v.to(dtype=dt, device=s.device)).expand(s.shape) + s * 0, src)


def _torch_level(name):
    """The torch-level form of the method `name`: ember.exp_(x) is x.exp_()."""
    def fn(input, *args, **kwargs):
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
        return getattr(input, name)(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"The same as input.{name}(...)."
    return fn


def _real_only(method, message):
    """method, refusing complex tensors with RuntimeError(message)."""
    @functools.wraps(method)
    def real_only(self, *args, **kwargs):
        if self._data.dtype.kind == "c":
            raise RuntimeError(message)
        return method(self, *args, **kwargs)
    return real_only


def _methods():
    from . import pointwise as P, reduce as R, shape as S
    names = dict(add=P.add, sub=P.sub, mul=P.mul, div=P.div, pow=P.pow, neg=P.neg, abs=P.abs, exp=P.exp,
                 log=P.log, log2=P.log2, log10=P.log10, log1p=P.log1p, expm1=P.expm1, sqrt=P.sqrt, rsqrt=P.rsqrt,
                 square=P.square, reciprocal=P.reciprocal, sin=P.sin, cos=P.cos, tan=P.tan, asin=P.asin,
                 acos=P.acos, atan=P.atan, sinh=P.sinh, cosh=P.cosh, tanh=P.tanh, asinh=P.asinh, acosh=P.acosh,
                 atanh=P.atanh, sigmoid=P.sigmoid, erf=P.erf, relu=P.relu, sign=P.sign, floor=P.floor, ceil=P.ceil,
                 trunc=P.trunc, frac=P.frac, round=P.round, clamp=P.clamp, clip=P.clamp, clamp_min=P.clamp_min,
                 clamp_max=P.clamp_max, lerp=P.lerp, remainder=P.remainder, fmod=P.fmod, atan2=P.atan2,
                 maximum=P.maximum, minimum=P.minimum, floor_divide=P.floor_divide, multiply=P.mul, divide=P.div,
                 subtract=P.sub, true_divide=P.div, negative=P.neg, absolute=P.abs, arcsin=P.asin, arccos=P.acos,
                 arctan=P.atan, arcsinh=P.asinh, arccosh=P.acosh, arctanh=P.atanh, arctan2=P.atan2, fix=P.trunc,
                 logical_not=P.logical_not, logical_and=P.logical_and, logical_or=P.logical_or,
                 logical_xor=P.logical_xor, bitwise_not=P.bitwise_not, bitwise_and=P.bitwise_and,
                 bitwise_or=P.bitwise_or, bitwise_xor=P.bitwise_xor, bitwise_left_shift=P.bitwise_left_shift,
                 bitwise_right_shift=P.bitwise_right_shift, eq=P.eq, ne=P.ne, lt=P.lt, le=P.le, gt=P.gt, ge=P.ge,
                 greater=P.gt, greater_equal=P.ge, less=P.lt, less_equal=P.le, not_equal=P.ne)
    for base, fn in names.items():
        setattr(Tensor, base + "_", inplace(fn, base + "_"))
    Tensor.abs_ = Tensor.absolute_ = _real_only(Tensor.abs_, "In-place abs is not supported for complex tensors.")
    renamed = {S.SqueezeBackward0: "SqueezeBackward3", S.SqueezeBackward1: "SqueezeBackward4",
               S.SqueezeBackward2: "SqueezeBackward5", S.UnsqueezeBackward0: "UnsqueezeBackward1",
               S.TBackward0: "TBackward1", S.TransposeBackward0: "TransposeBackward1"}
    _INPLACE_VIEW_NODES.update({cls: type(name, (cls,), {"__slots__": ()}) for cls, name in renamed.items()})
    for name, fn in dict(squeeze_=S.squeeze, unsqueeze_=S.unsqueeze, t_=_t, transpose_=S.transpose,
                         swapaxes_=S.transpose, swapdims_=S.transpose).items():
        setattr(Tensor, name, inplace_view(fn, name))
    Tensor.cumsum_ = _cumulative_(R.cumsum)
    Tensor.cumprod_ = _cumulative_(R.cumprod)
    Tensor.zero_ = _zero_
    Tensor.fill_ = _fill_
    Tensor.fill_diagonal_ = _fill_diagonal_
    Tensor.copy_ = _copy_
    Tensor.resize_ = _resize_
    Tensor.resize_as_ = _resize_as_
    Tensor.uniform_ = _uniform_
    Tensor.normal_ = _normal_
    Tensor.bernoulli_ = _bernoulli_
    Tensor.exponential_ = _exponential_
    Tensor.random_ = _random_
    Tensor.cauchy_ = _cauchy_
    Tensor.log_normal_ = _log_normal_
    Tensor.geometric_ = _geometric_
    Tensor.__iadd__ = inplace(P.add, "__iadd__")
    Tensor.__isub__ = inplace(P.sub, "__isub__")
    Tensor.__imul__ = inplace(P.mul, "__imul__")
    Tensor.__itruediv__ = inplace(P.div, "__itruediv__")
    Tensor.__ifloordiv__ = inplace(P.floor_divide, "__ifloordiv__")
    Tensor.__imod__ = inplace(P.remainder, "__imod__")
    Tensor.__ipow__ = inplace(P.pow, "__ipow__")
    Tensor.__iand__ = inplace(P.bitwise_and, "__iand__")
    Tensor.__ior__ = inplace(P.bitwise_or, "__ior__")
    Tensor.__ixor__ = inplace(P.bitwise_xor, "__ixor__")
    Tensor.__ilshift__ = inplace(P.bitwise_left_shift, "__ilshift__")
    Tensor.__irshift__ = inplace(P.bitwise_right_shift, "__irshift__")


_methods()
globals().update({name: _torch_level(name) for name in __all__ if name != "fill"})
