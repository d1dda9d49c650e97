"""In-place forms (add_, mul_, clamp_, zero_, fill_, copy_ ...): one rule for all of them.

An in-place op computes its out-of-place result, writes it into the tensor's memory, bumps the
version counter (so saved copies of the old value are detected), and, when recorded, makes the
result's node the tensor's grad_fn.
"""
import numpy as np

from .._device import array_module, move
from .._dtype import from_numpy_dtype, can_cast
from .._tensor import Tensor, _wrap
from ..autograd import grad_mode
from ..autograd.function import NO_GRAD_VIEW, Op, replay_view

__all__ = []

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
    if view is not None and view[1] is None and self.grad_fn is not None:
        raise RuntimeError(f"Output {self._output_nr} of {self.grad_fn.name()} is a view and is being modified "
                           f"inplace. This view is the output of a function that returns multiple views. Such "
                           f"functions do not allow the output views to be modified inplace. You should replace "
                           f"the inplace operation by an out-of-place one.")
    res = fn(src, *args, **kwargs)
    write_into(self, res._data)
    if recording and res._requires_grad:
        if view is not None and view[1] is not None:
            _rebase_view(self, res, *view)
        else:
            self.grad_fn, self._requires_grad, self._output_nr = res.grad_fn, True, res._output_nr
    return self


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
        raise RuntimeError(f"result type {from_numpy_dtype(data.dtype).name.capitalize()} can't be cast to the "
                           f"desired output type {from_numpy_dtype(d.dtype).name.capitalize()}")
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


class FillBackward0(Op):
    """x overwritten by a value: no gradient reaches x; a tensor value gets the summed gradient."""

    @staticmethod
    def forward(ctx, x, value):
        return array_module(x).full_like(x, value)

    @staticmethod
    def backward(ctx, g):
        return g * 0, g.sum() if ctx.needs_input_grad[1] else None


class UniformBackward0(FillBackward0):
    """x overwritten by random numbers (uniform_, normal_, bernoulli_ ...): no gradient reaches x."""


class NormalBackward0(UniformBackward0):
    pass


class BernoulliBackward1(UniformBackward0):
    pass


class ExponentialBackward0(UniformBackward0):
    pass


def _random_fill(self, node, draw, generator):
    """Overwrite self with draw(rng, shape, dtype) (a float64 or self-typed NumPy array), in place."""
    if not self.is_floating_point():
        raise NotImplementedError(f"{node.__name__[:-9].lower()}_ is only implemented for floating-point tensors "
                                  f"here, got {self.dtype}")
    from ..random import rng
    a = draw(rng(generator), self.shape, self.dtype)
    return apply_inplace(self, node.apply, move(np.asarray(a, dtype=self._data.dtype), self.device))


def _uniform_(self, a=0.0, b=1.0, *, generator=None):
    """Fill with numbers drawn uniformly from [a, b), in place."""
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}")
    from .._creation import _uniform
    return _random_fill(self, UniformBackward0, lambda r, shape, dt: a + (b - a) * _uniform(r, shape, dt), generator)


def _normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill with numbers drawn from N(mean, std**2), in place."""
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    return _random_fill(self, NormalBackward0, lambda r, shape, dt: r.normal(mean, std, shape), generator)


def _bernoulli_(self, p=0.5, *, generator=None):
    """Fill with 1 with probability p, else 0, in place."""
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    return _random_fill(self, BernoulliBackward1, lambda r, shape, dt: r.random(shape) < p, generator)


def _exponential_(self, lambd=1.0, *, generator=None):
    """Fill with numbers drawn from the exponential distribution with rate lambd, in place."""
    if lambd <= 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    return _random_fill(self, ExponentialBackward0, lambda r, shape, dt: r.exponential(1 / lambd, shape), generator)


def _fill_(self, value):
    """Fill with value (a number or a 0-d tensor), in place."""
    if isinstance(value, Tensor) and value._data.ndim:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                           f"{value._data.ndim} dimensions.")
    return apply_inplace(self, FillBackward0.apply, value)


def _zero_(self):
    """Fill with zeros, in place."""
    return _fill_(self, 0)


def _copy_(self, src, non_blocking=False):
    """Copy src's values into self (broadcasting, casting); gradients flow to src."""
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'src' must be Tensor, not {type(src).__name__}")
    dt = self.dtype
    return apply_inplace(self, lambda s, v: (v.to(dtype=dt, device=s.device)).expand(s.shape) + s * 0, src)


def _methods():
    from . import pointwise as P
    names = dict(add=P.add, sub=P.sub, mul=P.mul, div=P.div, pow=P.pow, neg=P.neg, abs=P.abs, exp=P.exp,
                 log=P.log, log2=P.log2, log10=P.log10, log1p=P.log1p, expm1=P.expm1, sqrt=P.sqrt, rsqrt=P.rsqrt,
                 square=P.square, reciprocal=P.reciprocal, sin=P.sin, cos=P.cos, tan=P.tan, asin=P.asin,
                 acos=P.acos, atan=P.atan, sinh=P.sinh, cosh=P.cosh, tanh=P.tanh, sigmoid=P.sigmoid, relu=P.relu,
                 sign=P.sign, floor=P.floor, ceil=P.ceil, trunc=P.trunc, frac=P.frac, round=P.round,
                 clamp=P.clamp, clip=P.clamp, clamp_min=P.clamp_min, clamp_max=P.clamp_max, lerp=P.lerp,
                 remainder=P.remainder, fmod=P.fmod, atan2=P.atan2, maximum=P.maximum, minimum=P.minimum,
                 floor_divide=P.floor_divide, multiply=P.mul, divide=P.div, subtract=P.sub, true_divide=P.div,
                 negative=P.neg, logical_not=P.logical_not, logical_and=P.logical_and, logical_or=P.logical_or,
                 eq=P.eq, ne=P.ne, lt=P.lt, le=P.le, gt=P.gt, ge=P.ge)
    for base, fn in names.items():
        setattr(Tensor, base + "_", inplace(fn, base + "_"))
    Tensor.zero_ = _zero_
    Tensor.fill_ = _fill_
    Tensor.copy_ = _copy_
    Tensor.uniform_ = _uniform_
    Tensor.normal_ = _normal_
    Tensor.bernoulli_ = _bernoulli_
    Tensor.exponential_ = _exponential_
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


_methods()
