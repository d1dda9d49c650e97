"""Unary and binary math with broadcasting, each derivative on the line of its forward.

A table entry's backward formula takes the incoming gradient `g`, then the saved values it names
(x: the input; a, b: the two inputs; out: the result) and, last, `m`: the namespace of math
functions. The parameter names decide what the forward saves. The same formula runs on backend
arrays (m = numpy or cupy: fast first-order backward) or on ember tensors (m = ember: recorded,
for create_graph=True).
"""
import builtins
import inspect
import itertools
import math
import sys

import numpy as np
from numpy import ndarray

from .. import _memory
from .._device import array_module, move
from .._dtype import SCALAR_TYPE_NAMES, complex128, get_default_dtype, result_type, from_numpy_dtype
from .._tensor import TENSOR_TYPES, Tensor, _wrap
from ..autograd import grad_mode
from ..autograd.anomaly import anomaly_state, record_trace
from ..autograd.complex import on_complex, seen as complex_seen
from ..autograd.function import Op, as_array
from ..autograd.complex import holomorphic
from ..autograd.node import edge, out_meta, save_input, save_output, unpack

__all__ = ["neg", "positive", "abs", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "square", "reciprocal", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "sigmoid", "erf", "relu", "sign", "floor", "ceil", "trunc", "frac", "round", "logical_not", "bitwise_not", "isnan", "isinf", "isfinite", "add", "sub", "rsub", "mul", "div", "floor_divide", "remainder", "fmod", "atan2", "pow", "float_power", "maximum", "minimum", "fmax", "fmin", "eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor", "clamp", "clip", "clamp_min", "clamp_max", "where", "lerp", "multiply", "divide", "subtract", "true_divide", "arctan2", "negative", "absolute", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "fix", "greater", "greater_equal", "less", "less_equal", "not_equal", "isclose", "allclose", "equal", "is_floating_point",
           "addcmul", "addcdiv", "logaddexp", "logaddexp2", "hypot", "xlogy", "sgn", "nan_to_num", "heaviside",
           "logit", "sinc", "signbit", "copysign", "nextafter", "ldexp", "frexp", "gcd", "lcm", "isneginf",
           "isposinf", "isreal", "bitwise_left_shift", "bitwise_right_shift"]

_new = object.__new__
_state = grad_mode.state
_SLOTS = {"x": 0, "a": 0, "b": 1, "out": 2}


class Pointwise(Op):
    """Node of a table-defined op: one formula per input, see the module docstring."""
    formulas = ()   # per input: its formula as call(g, saved values, m), see _caller
    saves = {}      # {which inputs need a gradient (tuple of bools): which of x/a, b, out to save}

    def _apply(self, grads, graph):
        g = grads[0]
        saved = self._saved
        if saved is None:
            if self._released:
                self._raise_released()
            vals = ()
        else:
            a, b, o = saved
            vals = (a and unpack(self, a, graph), b and unpack(self, b, graph), o and unpack(self, o, graph))
        m = sys.modules["ember"] if graph else np if type(g) is ndarray else array_module(g)
        out = []
        for call, nxt in zip(self.formulas, self._nexts):
            if nxt is None:
                out.append(None)
                continue
            r = call(g, vals, m)
            out.append(r if graph or type(r) is ndarray else as_array(r))
        return out


def _caller(fn, idx, takes_m):
    """fn as call(g, vals, m) = fn(g, the values at positions idx of vals, m if it takes m): one plain call,
    cheaper per backward than unpacking idx each time."""
    i, j, k = (idx + (0, 0, 0))[:3]
    if takes_m:
        return [lambda g, v, m: fn(g, m), lambda g, v, m: fn(g, v[i], m), lambda g, v, m: fn(g, v[i], v[j], m),
                lambda g, v, m: fn(g, v[i], v[j], v[k], m)][len(idx)]
    return [lambda g, v, m: fn(g), lambda g, v, m: fn(g, v[i]), lambda g, v, m: fn(g, v[i], v[j]),
            lambda g, v, m: fn(g, v[i], v[j], v[k])][len(idx)]


def _node_class(name, bwds, complex_grad=False):
    """The node class for formulas bwds (one per input). As PyTorch, a forward saves only the values that the
    formulas of the inputs needing a gradient take. complex_grad: the formulas hold for complex values too."""
    formulas, slots = [], []
    for fn in bwds:
        params = list(inspect.signature(fn).parameters)[1:]
        takes_m = params[-1:] == ["m"]
        idx = tuple(_SLOTS[n] for n in (params[:-1] if takes_m else params))
        formulas.append(_caller(fn, idx, takes_m))
        slots.append(idx)
    saves = {}
    for need in itertools.product((False, True), repeat=len(bwds)):
        used = {i for idx, wanted in zip(slots, need) if wanted for i in idx}
        saves[need] = (0 in used, 1 in used, 2 in used) if used else None
    attrs = {"formulas": tuple(formulas), "saves": saves}
    if complex_grad:
        attrs["complex_grad"] = True
    return type(name, (Pointwise,), attrs)


_NO_EDGE = (None, 0)
_NEED_ONE = (True,)
_NUMBERS = (float, int)
_FLOATS = frozenset(map(np.dtype, (np.float16, np.float32, np.float64)))   # a faster test than dtype.kind == "f"


def _record(cls, need, out, a, da, b=None, db=None):
    """Make the node for a result `out` of a (and b): tensors or numbers, whose arrays or numbers were da and db.
    need: whether a (and b) need a gradient."""
    node = _new(cls)
    fa, na = edge(a) if need[0] else _NO_EDGE
    if len(need) == 1:
        node._nexts, node._nrs = (fa,), (na,)
    else:
        fb, nb = edge(b) if need[1] else _NO_EDGE
        node._nexts, node._nrs = (fa, fb), (na, nb)
    node._out_meta = out_meta(out)
    if complex_seen[0] or out.dtype.kind == "c":
        on_complex(node, (da, db))
    t = _wrap(out, True, node)
    saves = cls.saves[need]
    if saves is not None:
        node._saved = (save_input(a, da) if saves[0] else None, save_input(b, db) if saves[1] else None,
                       save_output(t) if saves[2] else None)
    if anomaly_state.enabled:
        record_trace(node)
    return t


_SCALARS = {}   # (number, dtype): the number as a read-only 0-d array of that dtype


def _number_array(v, dt):
    """The Python number v as a 0-d array of dtype dt. NumPy computes with it faster than with v, to the same
    result (it casts v to dt first either way). Cached, but for 0 (0.0 and -0.0 are equal keys) and nan."""
    key = (v, dt)
    arr = _SCALARS.get(key)
    if arr is None:
        arr = np.array(v, dt)
        arr.flags.writeable = False
        if v and v == v:
            if len(_SCALARS) >= 1024:
                _SCALARS.clear()
            _SCALARS[key] = arr
    return arr


def _check_tensor(fname, x):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fname}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")


def unary(name, fwd, bwd=None, floating=True, complex=None, complex_grad=False):
    """Define op `name` on one tensor: fwd(xp, array), and bwd(g, ...) unless not differentiable.

    floating=True: integer and bool inputs give default-float results, as in PyTorch. complex: for complex input,
    the kernel to use instead of fwd, or PyTorch's refusal (see _refused). complex_grad: bwd is written for complex
    inputs too (see ember.autograd.complex)."""
    cls = _node_class(name.capitalize().replace("_", "") + "Backward0", [bwd], complex_grad) if bwd else None
    checked = floating or complex is not None

    def op(input):
        if type(input) not in TENSOR_TYPES:
            _check_tensor(name, input)
        d = input._data
        if checked and d.dtype not in _FLOATS:
            d, out = _other_dtype(d, fwd, floating, complex)
        else:
            out = fwd(np if type(d) is ndarray else array_module(d), d)
        if type(out) is not ndarray:
            out = as_array(out)
        if cls is not None and input._requires_grad and _state.enabled:
            return _record(cls, _NEED_ONE, out, input, d)
        return _wrap(out)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise {name} of input."
    return op


def _other_dtype(d, fwd, floating, complex):
    """The input array and result of a unary op for a non-float array d: integers and bools go to the default
    float dtype where floating, complex arrays go to the complex kernel or raise PyTorch's refusal."""
    if d.dtype.kind == "c":
        if complex is not None:
            if isinstance(complex, (str, Exception)):
                raise _refused(complex, d)
            fwd = complex
    elif floating and d.dtype.kind != "f":
        d = d.astype(get_default_dtype().np)
    return d, fwd(np if type(d) is ndarray else array_module(d), d)


def _refused(spec, x):
    """PyTorch's error for an op that refuses x's (complex) dtype: spec is the name of the kernel in its
    '"kernel" not implemented for 'ComplexFloat'' error, or the exception itself."""
    return _not_implemented(spec, x) if isinstance(spec, str) else type(spec)(*spec.args)


def _broadcast_error(a, b):
    sa, sb = list(np.shape(a)), list(np.shape(b))
    n = max(len(sa), len(sb))
    sa, sb = [1] * (n - len(sa)) + sa, [1] * (n - len(sb)) + sb
    for i in range(n - 1, -1, -1):
        if sa[i] != sb[i] and sa[i] != 1 and sb[i] != 1:
            return RuntimeError(f"The size of tensor a ({sa[i]}) must match the size of tensor b ({sb[i]}) at "
                                f"non-singleton dimension {i}: shapes {list(np.shape(a))} and "
                                f"{list(np.shape(b))} do not broadcast")
    return None


def _operand(x, xp):
    """The array or Python number of an operand, converting numpy arrays to tensors first."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (bool, int, float, complex)):
        return x
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, (np.ndarray, list, tuple)):
        from .._creation import as_tensor
        return as_tensor(x)
    raise TypeError(f"unsupported operand type: {type(x).__name__}; expected a Tensor or a number")


def _promoted(a, b, floating):
    """Arrays (or numbers) of a and b in their common PyTorch result dtype."""
    dt = result_type(a, b)
    if floating and not (dt.is_floating_point or dt.is_complex):
        dt = get_default_dtype()
    npd = dt.np
    da = a._data if type(a) in TENSOR_TYPES else a
    db = b._data if type(b) in TENSOR_TYPES else b
    if type(a) in TENSOR_TYPES and da.dtype != npd:
        da = da.astype(npd)
    elif type(a) not in TENSOR_TYPES and npd.kind == "f":
        da = float(da)
    if type(b) in TENSOR_TYPES and db.dtype != npd:
        db = db.astype(npd)
    elif type(b) not in TENSOR_TYPES and npd.kind == "f":
        db = float(db)
    return da, db


def binary(name, fwd, bwd_a=None, bwd_b=None, floating=False, differentiable=True, node_name=None, complex=None):
    """Define op `name` on two operands (tensors or numbers) that broadcast: fwd(xp, a, b). complex: PyTorch's
    refusal of complex operands (see _refused)."""
    cls = _node_class(node_name or name.capitalize() + "Backward0", [bwd_a, bwd_b]) if differentiable else None
    # the kinds of two same-dtype tensors that need no promotion nor check (None: all)
    direct = "f" if floating else "biuf" if complex is not None else None

    def op(input, other):
        a, b = input, other
        ta, tb = type(a) in TENSOR_TYPES, type(b) in TENSOR_TYPES
        if ta and tb and a._data.dtype == b._data.dtype and (direct is None or a._data.dtype in _FLOATS
                                                             or a._data.dtype.kind in direct):
            da, db = a._data, b._data
        elif ta and type(b) in _NUMBERS and type(a._data) is ndarray and a._data.dtype in _FLOATS:
            da, db = a._data, _number_array(b, a._data.dtype)
        elif tb and type(a) in _NUMBERS and type(b._data) is ndarray and b._data.dtype in _FLOATS:
            da, db = _number_array(a, b._data.dtype), b._data
        else:
            a, b = _operand(a, None), _operand(b, None)
            ta, tb = type(a) in TENSOR_TYPES, type(b) in TENSOR_TYPES
            if not (ta or tb):
                raise TypeError(f"{name}(): expected at least one Tensor argument")
            da, db = _promoted(a, b, floating)
            if complex is not None and (da if ta else db).dtype.kind == "c":
                raise _refused(complex, da if ta else db)
        try:
            out = fwd(np if type(da) is ndarray else array_module(da if ta else db), da, db)
        except ValueError:
            err = _broadcast_error(da, db)
            if err is None:
                raise
            raise err from None
        if type(out) is not ndarray:
            out = as_array(out)
        if cls is not None and _state.enabled and (out.dtype in _FLOATS or out.dtype.kind in "fc"):
            need = (ta and a._requires_grad, tb and b._requires_grad)
            if need[0] or need[1]:
                return _record(cls, need, out, a, da, b, db)
        return _wrap(out)
    op.__name__ = op.__qualname__ = name
    return op


# ---- the table ---------------------------------------------------------------------------------
LN2, LN10 = math.log(2.0), math.log(10.0)

neg = unary("neg", lambda xp, x: -x, lambda g: -g, floating=False)
positive = unary("positive", lambda xp, x: x, lambda g: g, floating=False)
abs = unary("abs", lambda xp, x: xp.abs(x), lambda g, x, m: g * _sgn_of(x, m), floating=False, complex_grad=True)
exp = unary("exp", lambda xp, x: xp.exp(x), lambda g, out: g * out)
exp2 = unary("exp2", lambda xp, x: xp.exp2(x), lambda g, out: g * out * LN2)
expm1 = unary("expm1", lambda xp, x: xp.expm1(x), lambda g, out: g * (out + 1))
log = unary("log", lambda xp, x: xp.log(x), lambda g, x: g / x)
log2 = unary("log2", lambda xp, x: xp.log2(x), lambda g, x: g / (x * LN2))
log10 = unary("log10", lambda xp, x: xp.log10(x), lambda g, x: g / (x * LN10))
log1p = unary("log1p", lambda xp, x: xp.log1p(x), lambda g, x: g / (x + 1))
sqrt = unary("sqrt", lambda xp, x: xp.sqrt(x), lambda g, out: g / (2 * out))
rsqrt = unary("rsqrt", lambda xp, x: 1 / xp.sqrt(x), lambda g, out: -0.5 * g * out * out * out)
square = unary("square", lambda xp, x: x * x, lambda g, x: 2 * g * x, floating=False)
reciprocal = unary("reciprocal", lambda xp, x: 1 / x, lambda g, out: -g * out * out)
sin = unary("sin", lambda xp, x: xp.sin(x), lambda g, x, m: g * m.cos(x))
cos = unary("cos", lambda xp, x: xp.cos(x), lambda g, x, m: -g * m.sin(x))
tan = unary("tan", lambda xp, x: xp.tan(x), lambda g, out: g * (1 + out * out))
asin = unary("asin", lambda xp, x: xp.arcsin(x), lambda g, x, m: g / m.sqrt(1 - x * x))
acos = unary("acos", lambda xp, x: xp.arccos(x), lambda g, x, m: -g / m.sqrt(1 - x * x))
atan = unary("atan", lambda xp, x: xp.arctan(x), lambda g, x: g / (1 + x * x))
sinh = unary("sinh", lambda xp, x: xp.sinh(x), lambda g, x, m: g * m.cosh(x))
cosh = unary("cosh", lambda xp, x: xp.cosh(x), lambda g, x, m: g * m.sinh(x))
tanh = unary("tanh", lambda xp, x: xp.tanh(x), lambda g, out: g * (1 - out * out))
asinh = unary("asinh", lambda xp, x: xp.arcsinh(x), lambda g, x, m: g / m.sqrt(x * x + 1))
# NOTE: as PyTorch, sqrt(x - 1) sqrt(x + 1) for complex x (the branch of acosh), sqrt(x * x - 1) for real x
acosh = unary("acosh", lambda xp, x: xp.arccosh(x),
              lambda g, x, m: g / (m.sqrt(x - 1) * m.sqrt(x + 1) if _is_complex(x) else m.sqrt(x * x - 1)))
atanh = unary("atanh", lambda xp, x: xp.arctanh(x), lambda g, x: g / (1 - x * x))
# NOTE: exp(-log(1 + exp(-x))) never overflows, where 1 / (1 + exp(-x)) warns for x < -88 in float32
def _sigmoid(xp, x):
    """1 / (1 + exp(-x)) without overflow: exp only ever sees -|x|."""
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1, e) / (1 + e)


_ERF_SERIES = [2.0 ** n / math.prod(range(1, 2 * n + 2, 2)) for n in range(40)]


def _erf_array(xp, x):
    """erf to float64 precision: a positive-term series below 2.5, the continued fraction of erfc above."""
    a = xp.abs(x)
    out = xp.empty_like(a)
    inner = a < 2.5
    s = a[inner]
    y = s * s
    p = xp.full_like(s, _ERF_SERIES[-1])
    for c in _ERF_SERIES[-2::-1]:
        p *= y
        p += c
    out[inner] = (2 / math.sqrt(math.pi)) * s * xp.exp(-y) * p
    outer = ~inner
    b = a[outer]
    f = b.copy()
    for k in range(30, 0, -1):
        xp.divide(k / 2, f, out=f)
        f += b
    out[outer] = 1 - xp.exp(-b * b) / (math.sqrt(math.pi) * f)
    return xp.copysign(out, x)


def _complex_sigmoid(xp, x):
    with np.errstate(over="ignore"):
        return 1 / (1 + xp.exp(-x))


erf = unary("erf", _erf_array, lambda g, x, m: g * (2 / math.sqrt(math.pi)) * m.exp(-x * x), complex="erf_vml_cpu")
sigmoid = unary("sigmoid", _sigmoid, lambda g, out: g * out * (1 - out), complex=_complex_sigmoid)
# NOTE: the subgradient at 0 is 0, as PyTorch's threshold_backward
def _relu(xp, x):
    """max(x, 0) in a cached array (ember._memory): a CNN's activations are large and made again at every step."""
    if x.dtype == np.bool_:
        raise RuntimeError("Boolean inputs not supported for relu")
    return xp.maximum(x, 0, out=_memory.empty(xp, x.shape, x.dtype))


_CLAMP_COMPLEX = NotImplementedError("clamp is not supported for complex types")
relu = unary("relu", _relu, lambda g, out: masked_grad(g, out > 0), floating=False, complex=_CLAMP_COMPLEX)
sign = unary("sign", lambda xp, x: xp.sign(x), lambda g: g * 0, floating=False, complex=NotImplementedError(
    "Unlike NumPy, torch.sign is not intended to support complex numbers. Please use torch.sgn instead."))
floor = unary("floor", lambda xp, x: xp.floor(x), lambda g: g * 0, floating=False,
              complex=NotImplementedError("floor is not supported for complex inputs"))
ceil = unary("ceil", lambda xp, x: xp.ceil(x), lambda g: g * 0, floating=False,
             complex=NotImplementedError("ceil is not supported for complex inputs"))
trunc = unary("trunc", lambda xp, x: xp.trunc(x), lambda g: g * 0, floating=False,
              complex=NotImplementedError("trunc is not supported for complex inputs"))
frac = unary("frac", lambda xp, x: x - xp.trunc(x), lambda g: g, floating=False, complex="frac_cpu")
_round = unary("round", lambda xp, x: xp.round(x), lambda g: g * 0, floating=False, complex="round_vml_cpu")
logical_not = unary("logical_not", lambda xp, x: xp.logical_not(x), floating=False)
isnan = unary("isnan", lambda xp, x: xp.isnan(x), floating=False)
isinf = unary("isinf", lambda xp, x: xp.isinf(x), floating=False)
isfinite = unary("isfinite", lambda xp, x: xp.isfinite(x), floating=False)


class RoundBackward1(Op):
    """Rounding to `decimals` places: x * 10**d rounded, then divided back (10**-d: divided, then multiplied)."""

    @staticmethod
    def forward(ctx, x, decimals):
        xp = array_module(x)
        scale = x.dtype.type(10.0 ** builtins.abs(decimals))
        if decimals > 0:
            return xp.round(x * scale) / scale
        return xp.round(x / scale) * scale

    @staticmethod
    def backward(ctx, g):
        return g * 0, None


def round(input, decimals=0):
    """Round to the nearest integer (half to even), or to `decimals` decimal places."""
    if decimals == 0:
        return _round(input)
    if not input.is_floating_point():
        raise NotImplementedError(f'"round_cpu" not implemented for \'{SCALAR_TYPE_NAMES[input._data.dtype.name]}\'')
    return RoundBackward1.apply(input, decimals)


_add = binary("add", lambda xp, a, b: a + b, lambda g: g, lambda g: g)
_sub = binary("sub", lambda xp, a, b: a - b, lambda g: g, lambda g: -g)
mul = binary("mul", lambda xp, a, b: a * b, lambda g, b: g * b, lambda g, a: g * a)
_div = binary("div", lambda xp, a, b: a / b, lambda g, b: g / b, lambda g, a, b: -g * a / (b * b), floating=True)
floor_divide = binary("floor_divide", lambda xp, a, b: xp.floor_divide(a, b), differentiable=False,
                      complex="div_floor_cpu")
remainder = binary("remainder", lambda xp, a, b: xp.remainder(a, b),
                   lambda g: g, lambda g, a, b, m: -g * m.floor(a / b), complex="remainder_cpu")
fmod = binary("fmod", lambda xp, a, b: xp.fmod(a, b), lambda g: g, lambda g, a, b, m: -g * m.trunc(a / b),
              complex="fmod_cpu")
atan2 = binary("atan2", lambda xp, a, b: xp.arctan2(a, b), lambda g, a, b: g * b / (a * a + b * b),
               lambda g, a, b: -g * a / (a * a + b * b), floating=True, complex="atan2_cpu")
# NOTE: PyTorch gives 0 (not nan) where the base is 0 with exponent 0, and where a non-negative (real)
# exponent meets a zero base in the exponent's gradient: b == |b| says so for real and complex b
_pow = binary("pow", lambda xp, a, b: a ** b,
              lambda g, a, b, m: m.where(b == 0, 0 * g, g * b * a ** (b - 1)),
              lambda g, a, b, out, m: m.where((a == 0) & (b == m.abs(b)), 0 * g, g * out * m.log(a)))
# NOTE: ties split the gradient in half, as PyTorch does
maximum = binary("maximum", lambda xp, a, b: xp.maximum(a, b),
                 lambda g, a, b, m: m.where(a == b, g / 2, g * (a > b)),
                 lambda g, a, b, m: m.where(a == b, g / 2, g * (b > a)),
                 complex=RuntimeError("maximum not implemented for complex tensors."))
minimum = binary("minimum", lambda xp, a, b: xp.minimum(a, b),
                 lambda g, a, b, m: m.where(a == b, g / 2, g * (a < b)),
                 lambda g, a, b, m: m.where(a == b, g / 2, g * (b < a)),
                 complex=RuntimeError("minimum not implemented for complex tensors."))
fmax = binary("fmax", lambda xp, a, b: xp.fmax(a, b), differentiable=False,
              complex=RuntimeError("fmax not implemented for complex tensors."))
fmin = binary("fmin", lambda xp, a, b: xp.fmin(a, b), differentiable=False,
              complex=RuntimeError("fmin not implemented for complex tensors."))
eq = binary("eq", lambda xp, a, b: a == b, differentiable=False)
ne = binary("ne", lambda xp, a, b: a != b, differentiable=False)
lt = binary("lt", lambda xp, a, b: a < b, differentiable=False, complex="lt_cpu")
le = binary("le", lambda xp, a, b: a <= b, differentiable=False, complex="le_cpu")
gt = binary("gt", lambda xp, a, b: a > b, differentiable=False, complex="gt_cpu")
ge = binary("ge", lambda xp, a, b: a >= b, differentiable=False, complex="ge_cpu")
logical_and = binary("logical_and", lambda xp, a, b: xp.logical_and(a, b), differentiable=False)
logical_or = binary("logical_or", lambda xp, a, b: xp.logical_or(a, b), differentiable=False)
logical_xor = binary("logical_xor", lambda xp, a, b: xp.logical_xor(a, b), differentiable=False)


def _scaled(input, other, alpha):
    """alpha * other, with PyTorch's errors for a float or complex alpha when both operands are integral, and for a
    complex alpha when neither is complex."""
    if isinstance(alpha, (float, builtins.complex)):
        dt = result_type(input, other)
        if not (dt.is_floating_point or dt.is_complex):
            raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
        if isinstance(alpha, builtins.complex) and not dt.is_complex:
            raise RuntimeError("For non-complex input tensors, argument alpha must not be a complex number.")
    return other * alpha


def add(input, other, *, alpha=1):
    """input + alpha * other, broadcasting."""
    return _add(input, other if type(alpha) is int and alpha == 1 else _scaled(input, other, alpha))


def sub(input, other, *, alpha=1):
    """input - alpha * other, broadcasting."""
    return _sub(input, other if type(alpha) is int and alpha == 1 else _scaled(input, other, alpha))


def rsub(input, other, *, alpha=1):
    """other - alpha * input."""
    return _sub(other, input if type(alpha) is int and alpha == 1 else _scaled(other, input, alpha))


def div(input, other, *, rounding_mode=None):
    """input / other: true division, or rounded with rounding_mode 'trunc' or 'floor'."""
    if rounding_mode is None:
        return _div(input, other)
    if rounding_mode == "floor":
        return floor_divide(input, other)
    if rounding_mode == "trunc":
        if result_type(input, other).is_complex:
            raise _not_implemented("div_trunc_cpu", np.empty(0, result_type(input, other).np))
        q = _div(input, other)
        return trunc(q) if _is_float(input, other) else trunc(q).to(result_type(input, other))
    raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                     f"'{rounding_mode}'")


def _is_float(*xs):
    return result_type(*xs).is_floating_point


def pow(input, exponent):
    """input ** exponent, elementwise; either may be a number."""
    if not isinstance(input, Tensor) and isinstance(exponent, Tensor):
        # a number base becomes a 0-d tensor, so that the exponent's gradient can take its log
        input = _wrap(array_module(exponent._data).asarray(input, dtype=result_type(input, exponent).np))
    return _pow(input, exponent)


def float_power(input, exponent):
    """pow computed in float64 (complex128 for complex operands)."""
    return _pow(_to64(input), _to64(exponent))


def _to64(v):
    if isinstance(v, Tensor):
        return v.to(complex128) if v.is_complex() else v.double()
    return v if isinstance(v, builtins.complex) else float(v)


multiply, divide, subtract, true_divide, arctan2 = mul, div, sub, div, atan2
negative, absolute = neg, abs
arcsin, arccos, arctan, arcsinh, arccosh, arctanh, fix = asin, acos, atan, asinh, acosh, atanh, trunc
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


class ClampBackward1(Op):
    retain_inputs = (0,)

    @staticmethod
    def forward(ctx, x, min, max):
        ctx.lo, ctx.hi = min, max
        xp = array_module(x)
        lo = min._data if isinstance(min, Tensor) else min
        hi = max._data if isinstance(max, Tensor) else max
        if lo is not None:
            x = xp.maximum(x, lo)
        if hi is not None:
            x = xp.minimum(x, hi)
        return x

    @staticmethod
    def backward(ctx, g):
        # NOTE: the gradient passes where min <= x <= max, boundaries included, as PyTorch's clamp_backward
        x, = ctx.saved_tensors
        mask = None
        if ctx.lo is not None:
            mask = ge(x, ctx.lo)
        if ctx.hi is not None:
            hi_mask = le(x, ctx.hi)
            mask = hi_mask if mask is None else logical_and(mask, hi_mask)
        return masked_grad(g, mask), None, None


class ClampBackward0(ClampBackward1):
    """clamp with tensor bounds: x's gradient where min <= x <= max; min's where x < min (and min < max); max's where
    x > max (or max < min), as PyTorch (ties go to x)."""
    retain_inputs = (0, 1, 2)

    @staticmethod
    def backward(ctx, g):
        x, lo, hi = ctx.saved_tensors
        if lo is not None and hi is not None:
            below, above = logical_and(lt(x, lo), lt(lo, hi)), logical_or(gt(x, hi), lt(hi, lo))
            inside = logical_and(ge(x, lo), le(x, hi))
        else:
            below, above = (lt(x, lo), None) if hi is None else (None, gt(x, hi))
            inside = ge(x, lo) if hi is None else le(x, hi)
        need = ctx.needs_input_grad
        return (masked_grad(g, inside) if need[0] else None,
                masked_grad(g, below) if need[1] and below is not None else None,
                masked_grad(g, above) if need[2] and above is not None else None)


def masked_grad(g, mask):
    """g where mask holds and 0 elsewhere (a tensor or an array), as PyTorch's where(mask, g, 0), which gives 0 even
    for a nan or inf in g outside mask. Computed as g * mask (NumPy's where is ~10x slower; for arrays into a cached
    one, see ember._memory), redone with where only when that product is not all finite."""
    if isinstance(g, Tensor) or g.shape != mask.shape:
        r = g * mask
    else:
        r = array_module(g).multiply(g, mask, out=_memory.empty(array_module(g), g.shape, g.dtype))
    if isinstance(r, Tensor):
        return r if bool(isfinite(r).all()) else where(mask, g, 0)
    xp = array_module(r)
    return r if xp.isfinite(r).all() else xp.where(mask, g, 0)


def clamp(input, min=None, max=None):
    """Limit input to [min, max]; either bound may be None, a number or a tensor."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    dt = result_type(input, *[v for v in (min, max) if v is not None])
    if dt.is_complex:
        raise _refused(_CLAMP_COMPLEX, None)
    if dt.np != input._data.dtype:
        input = cast(input, dt)
    bounds = [v.to(dt) if isinstance(v, Tensor) and v._data.dtype != dt.np else v for v in (min, max)]
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return ClampBackward0.apply(input, *bounds)
    return ClampBackward1.apply(input, min, max)


clip = clamp


def clamp_min(input, min):
    return clamp(input, min=min)


def clamp_max(input, max):
    return clamp(input, max=max)


class WhereBackward0(Op):
    retain_inputs = (0,)

    @staticmethod
    def forward(ctx, cond, a, b):
        return array_module(cond).where(cond, a, b)

    @staticmethod
    def backward(ctx, g):
        cond, = ctx.saved_tensors
        zero = g * 0
        return None, where(cond, g, zero), where(cond, zero, g)


def where(condition, input=None, other=None):
    """Elements of input where condition holds, else of other; where(condition) is nonzero(as_tuple)."""
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    if isinstance(condition, (bool, np.bool_)):
        condition = _wrap(np.asarray(condition))
    elif not isinstance(condition, Tensor):
        raise TypeError(f"where(): argument 'condition' must be Tensor, not {type(condition).__name__}")
    if condition._data.dtype != np.bool_:
        condition = cast(condition, from_numpy_dtype(np.dtype(np.bool_)))
    dt = result_type(*(v for v in (input, other)))
    a = input.to(dt) if isinstance(input, Tensor) else _scalar_array(input, dt, condition)
    b = other.to(dt) if isinstance(other, Tensor) else _scalar_array(other, dt, condition)
    try:
        return WhereBackward0.apply(condition, a, b)
    except ValueError:
        raise RuntimeError(f"where(): shapes {list(condition.shape)}, {list(np.shape(a))} and "
                           f"{list(np.shape(b))} do not broadcast") from None


def _scalar_array(v, dt, like):
    return array_module(like._data).asarray(v, dtype=dt.np)


class LerpBackward0(Op):
    retain_inputs = (0, 1, 2)

    @staticmethod
    def forward(ctx, a, b, w):
        # NOTE: as PyTorch, from the nearer end: exact at both ends, and the same rounding as torch's
        if isinstance(w, (int, float)):
            return a + w * (b - a) if -0.5 < w < 0.5 else b - (b - a) * (1 - w)
        xp = array_module(w)
        return xp.where(xp.abs(w) < 0.5, a + w * (b - a), b - (b - a) * (1 - w))

    @staticmethod
    def backward(ctx, g):
        a, b, w = ctx.saved_tensors
        ga = g * (1 - w) if ctx.needs_input_grad[0] else None
        gb = g * w if ctx.needs_input_grad[1] else None
        gw = g * (b - a) if isinstance(w, Tensor) and ctx.needs_input_grad[2] else None
        return ga, gb, gw


def lerp(input, end, weight):
    """input + weight * (end - input)."""
    return LerpBackward0.apply(input, end, weight)


class ToCopyBackward0(Op):
    """Casts and device moves: the gradient goes back to the input's dtype and device."""

    @staticmethod
    def forward(ctx, x, dtype=None, device=None):
        ctx.src_dtype, ctx.src_device = from_numpy_dtype(x.dtype), None
        if device is not None:
            from .._device import device_of
            ctx.src_device = device_of(x)
            x = move(x, device)
        return x.astype(dtype.np) if dtype is not None else x

    @staticmethod
    def backward(ctx, g):
        return g.to(dtype=ctx.src_dtype, device=ctx.src_device), None, None


def cast(x, dtype):
    """x converted to dtype (recorded: the gradient is cast back)."""
    return ToCopyBackward0.apply(x, dtype=dtype)


def to_device(x, device):
    """x copied to device (recorded: the gradient is moved back)."""
    return ToCopyBackward0.apply(x, device=device)


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol * |other|, elementwise, as a bool tensor."""
    _check_tensor("isclose", input)
    if not isinstance(other, Tensor):
        raise TypeError(f"isclose(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    if input.dtype != other.dtype:
        raise RuntimeError(f"{SCALAR_TYPE_NAMES[input.dtype.name]} did not match {SCALAR_TYPE_NAMES[other.dtype.name]}")
    a, b = input._data, other._data
    return _wrap(as_array(array_module(a).isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True if isclose holds for every element."""
    return bool(isclose(input, other, rtol, atol, equal_nan).all())


def is_floating_point(input):
    """True if input's dtype is a floating-point one."""
    return input.is_floating_point()


def equal(input, other):
    """True if both tensors have the same size and elements."""
    return input.shape == other.shape and bool((input._data == other._data).all())


# ---- more pointwise ops ------------------------------------------------------------------------


def _not_implemented(fname, x):
    return NotImplementedError(f'"{fname}" not implemented for \'{SCALAR_TYPE_NAMES[x.dtype.name]}\'')


def _as_tensors(a, b, floating):
    """a and b as tensors of their common result dtype (a number becomes a 0-d tensor of that dtype)."""
    dt = result_type(a, b)
    if floating and not dt.is_floating_point:
        dt = get_default_dtype()
    like = a if isinstance(a, Tensor) else b
    return [v.to(dt) if isinstance(v, Tensor) else _scalar_array_tensor(v, dt, like) for v in (a, b)]


def _scalar_array_tensor(v, dt, like):
    return _wrap(_scalar_array(v, dt, like))


def _in_float64(kernel):
    """kernel(xp, x) computed in float64 (quietly: poles give inf/nan), returned in x's dtype."""
    def run(xp, x):
        with np.errstate(all="ignore"):
            return kernel(xp, x.astype(xp.float64)).astype(x.dtype, copy=False)
    return run


def _unary_op(name, kernel, grad, node_name, saves=(0,), output=False, floating=True, complex=None):
    """Op `name` on one tensor: kernel(xp, float64 array), and grad(g, *saved) written with ember ops
    (saved: the input where saves=(0,), then the result where output=True). complex: for complex input, the kernel
    (run in the input's dtype) or PyTorch's refusal (see _refused; by default of kernel "<name>_cpu")."""
    run = _in_float64(kernel) if floating else kernel
    if complex is None:
        complex = f"{name}_cpu"
    cls = type(node_name, (Op,), {
        "retain_inputs": saves, "retain_output": output,
        "forward": staticmethod(lambda ctx, x: (complex if x.dtype.kind == "c" else run)(array_module(x), x)),
        "backward": staticmethod(lambda ctx, g: (grad(g, *ctx.saved_tensors),))})

    def op(input):
        _check_tensor(name, input)
        if input._data.dtype.kind == "c":
            if isinstance(complex, (str, Exception)):
                raise _refused(complex, input._data)
        elif floating and not input.is_floating_point():
            input = input.to(get_default_dtype())
        return cls.apply(input)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise {name} of input."
    return op


class AddcmulBackward0(Op):
    retain_inputs = (1, 2)

    @staticmethod
    def forward(ctx, x, t1, t2, value):
        ctx.value = value
        return x + value * t1 * t2

    @staticmethod
    def backward(ctx, g):
        t1, t2 = ctx.saved_tensors
        v = ctx.value
        return (g, g * t2 * v if ctx.needs_input_grad[1] else None,
                g * t1 * v if ctx.needs_input_grad[2] else None, None)


class AddcdivBackward0(Op):
    retain_inputs = (1, 2)

    @staticmethod
    def forward(ctx, x, t1, t2, value):
        ctx.value = value
        return x + value * (t1 / t2)

    @staticmethod
    def backward(ctx, g):
        t1, t2 = ctx.saved_tensors
        v = ctx.value
        return (g, g * v / t2 if ctx.needs_input_grad[1] else None,
                -g * v * t1 / (t2 * t2) if ctx.needs_input_grad[2] else None, None)


def _three(fname, input, tensor1, tensor2):
    for arg, v in (("input", input), ("tensor1", tensor1), ("tensor2", tensor2)):
        if not isinstance(v, Tensor):
            raise TypeError(f"{fname}(): argument '{arg}' must be Tensor, not {type(v).__name__}")
    dt = result_type(input, tensor1, tensor2)
    return [v.to(dt) for v in (input, tensor1, tensor2)]


def _apply3(cls, xs, value):
    try:
        return cls.apply(*xs, value)
    except ValueError:
        shapes = [list(x.shape) for x in xs]
        raise RuntimeError(f"The size of tensors {shapes[0]}, {shapes[1]} and {shapes[2]} do not "
                           f"broadcast") from None


def addcmul(input, tensor1, tensor2, *, value=1):
    """input + value * tensor1 * tensor2."""
    xs = _three("addcmul", input, tensor1, tensor2)
    if xs[0]._data.dtype == np.bool_:
        raise _not_implemented("addcmul_cpu_out", xs[0]._data)
    return _apply3(AddcmulBackward0, xs, value if xs[0].is_floating_point() or xs[0].is_complex() else int(value))


def addcdiv(input, tensor1, tensor2, *, value=1):
    """input + value * tensor1 / tensor2."""
    xs = _three("addcdiv", input, tensor1, tensor2)
    if not (tensor1.is_floating_point() or tensor2.is_floating_point() or tensor1.is_complex()
            or tensor2.is_complex()):
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform "
            "a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as "
            "(input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
            "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter "
            "implementation: (input + value * tensor1 / tensor2), for all dtypes.")
    return _apply3(AddcdivBackward0, xs, value)


def _float_binary(name, fwd, bwd_a, bwd_b, complex_fwd=None):
    """A binary op defined for floating tensors only (both operands tensors), as logaddexp and hypot; for complex
    ones too with complex_fwd, their kernel."""
    op = binary(name, fwd, bwd_a, bwd_b)
    complex_op = binary(name, complex_fwd, bwd_a, bwd_b) if complex_fwd else None

    def checked(input, other):
        _check_tensor(name, input)
        if not isinstance(other, Tensor):
            raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
        dt = result_type(input, other)
        if dt.is_complex and complex_op is not None:
            return complex_op(input.to(dt), other.to(dt))
        if not dt.is_floating_point:
            raise _not_implemented(f"{name}_cpu", np.empty(0, dt.np))
        return op(input.to(dt), other.to(dt))
    checked.__name__ = checked.__qualname__ = name
    checked.__doc__ = op.__doc__
    return checked


def _logaddexp(xp, a, b, exp):
    mx = xp.maximum(a, b)
    with np.errstate(invalid="ignore"):
        d = xp.where(a == b, 0, -xp.abs(a - b))
    return mx, xp.log1p(exp(d))


def _complex_logaddexp(xp, a, b):
    """PyTorch's complex logaddexp: max + log1p(exp(min - max)), max and min by real part; nan where either is
    nan, and for equal infinite real parts -inf's operand or log(exp(a) + exp(b))."""
    a, b = xp.broadcast_arrays(a, b)
    a_first = a.real < b.real
    lo, hi = xp.where(a_first, a, b), xp.where(a_first, b, a)
    with np.errstate(all="ignore"):
        out = xp.log1p(xp.exp(lo - hi)) + hi
        same_inf = xp.isinf(lo.real) & (lo.real == hi.real)
        out = xp.where(same_inf, xp.where(lo.real < 0, lo, xp.log(xp.exp(lo) + xp.exp(hi))), out)
    return xp.where(xp.isnan(a) | xp.isnan(b), xp.asarray(complex(math.nan, math.nan), out.dtype), out)


logaddexp = _float_binary("logaddexp", lambda xp, a, b: (lambda mx, t: mx + t)(*_logaddexp(xp, a, b, xp.exp)),
                          lambda g, a, b, m: g / (1 + m.exp(b - a)), lambda g, a, b, m: g / (1 + m.exp(a - b)),
                          _complex_logaddexp)
logaddexp2 = _float_binary("logaddexp2",
                           lambda xp, a, b: (lambda mx, t: mx + t / LN2)(*_logaddexp(xp, a, b, xp.exp2)),
                           lambda g, a, b, m: g / (1 + m.exp2(b - a)), lambda g, a, b, m: g / (1 + m.exp2(a - b)))
hypot = _float_binary("hypot", lambda xp, a, b: xp.hypot(a, b), lambda g, a, out: g * a / out,
                      lambda g, b, out: g * b / out)
logaddexp.__doc__ = "log(exp(input) + exp(other)), without overflow."
logaddexp2.__doc__ = "log2(2**input + 2**other), without overflow."
hypot.__doc__ = "sqrt(input**2 + other**2), elementwise."


def _xlog_fwd(logf):
    def fwd(xp, a, b):
        with np.errstate(all="ignore"):
            return xp.where((a == 0) & ~xp.isnan(b), xp.zeros_like(a), a * logf(xp, b))
    return fwd


def _scalar_variants(name, fwd, bwd_a, bwd_b, node, doc, numbers=(1, 2)):
    """A binary float op whose node is named <node>Backward0, or Backward<numbers[0]> / Backward<numbers[1]> when
    input / other is a number, as PyTorch's xlogy and copysign."""
    ops = [binary(name, fwd, bwd_a, bwd_b, node_name=f"{node}Backward{i}") for i in (0,) + numbers]

    def op(input, other):
        if not isinstance(input, Tensor) and not isinstance(other, Tensor):
            raise TypeError(f"{name}(): argument 'input' must be Tensor, not {type(input).__name__}")
        dt = result_type(input, other)
        if dt.is_complex:
            raise _not_implemented(f"{name}_cpu", np.empty(0, dt.np))
        which = 0 if isinstance(input, Tensor) and isinstance(other, Tensor) else 1 if isinstance(other, Tensor) else 2
        return ops[which](*_as_tensors(input, other, True))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return op


# NOTE: as PyTorch, input's gradient is xlogy(g, other) (0 where g is 0, unless other is nan), and 0 where input is 0
# and other is outside log's domain
xlogy = _scalar_variants(
    "xlogy", _xlog_fwd(lambda xp, b: xp.log(b)),
    lambda g, a, b, m: m.where(((a == 0) & (b <= 0)) | ((g == 0) & (b == b)), g * 0, g * m.log(b)),
    lambda g, a, b: g * a / b, "Xlogy", "input * log(other), with 0 where input is 0 (unless other is nan).")
xlog1py = _scalar_variants(
    "xlog1py", _xlog_fwd(lambda xp, b: xp.log1p(b)),
    lambda g, a, b, m: m.where(((a == 0) & (b <= -1)) | ((g == 0) & (b == b)), g * 0, g * m.log1p(b)),
    lambda g, a, b: g * a / (b + 1), "SpecialXlog1py",
    "input * log1p(other), with 0 where input is 0 (unless other is nan).")
copysign = _scalar_variants(
    "copysign", lambda xp, a, b: xp.copysign(a, b),
    lambda g, a, out, m: m.where(a == 0, g * 0, g * out / a), lambda g: g * 0, "Copysign",
    "The magnitude of input with the sign of other.", numbers=(1, 1))


def _sgn(xp, x):
    if x.dtype == np.bool_:
        return x.copy()
    return xp.where(xp.isnan(x), 0, xp.sign(x)).astype(x.dtype, copy=False) if x.dtype.kind == "f" else xp.sign(x)


def _is_complex(x):
    """Whether the tensor or array x is complex."""
    return x.is_complex() if isinstance(x, Tensor) else x.dtype.kind == "c"


def _sgn_of(x, m):
    """sgn(x) in namespace m (NumPy's sign is sgn for complex arrays too; ember's sign refuses complex tensors)."""
    return m.sgn(x) if m is sys.modules["ember"] else m.sign(x)


def _sgn_grad(g, x, out, m):
    """PyTorch's sgn_backward: for complex x, (g - sgn(x) Re(g conj(sgn(x)))) / |x|, and 0 where x is 0; 0 for
    real x."""
    if not _is_complex(x):
        return g * 0
    a = m.abs(x)
    return m.where(a == 0, g * 0, (g - out * m.real(g * m.conj(out))) / m.where(a == 0, 1, a))


sgn = unary("sgn", _sgn, _sgn_grad, floating=False, complex_grad=True)
sgn.__doc__ = "The sign of input (-1, 0 or 1)."


class NanToNumBackward0(Op):
    retain_inputs = (0,)

    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        xp = array_module(x)
        if x.dtype.kind not in "fc":
            return x.copy()
        info = xp.finfo(x.dtype)
        return xp.nan_to_num(x, nan=nan, posinf=info.max if posinf is None else posinf,
                             neginf=info.min if neginf is None else neginf)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * isfinite(x), None, None, None


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """Replace nan, +inf and -inf by nan, posinf and neginf (default: the dtype's largest and lowest values); in
    the real and imaginary parts of complex input."""
    _check_tensor("nan_to_num", input)
    if input.is_complex():
        no_autograd_for_complex("nan_to_num", input)
    return NanToNumBackward0.apply(input, nan, posinf, neginf)


def no_autograd_for_complex(name, input):
    """PyTorch's error for an op without complex derivative whose complex input requires grad."""
    if input._requires_grad and _state.enabled:
        raise RuntimeError(f"{name} does not support automatic differentiation for outputs with complex dtype.")


def _not_implemented_node(node_name, message):
    """A node whose backward is not implemented, as PyTorch's for heaviside."""
    def backward(ctx, g):
        raise RuntimeError(message)
    return type(node_name, (Op,), {"forward": staticmethod(lambda ctx, f, *arrays: f(*arrays)),
                                   "backward": staticmethod(backward)})


_HeavisideNode = _not_implemented_node("torch::autograd::NotImplemented",
                                       "derivative for aten::heaviside is not implemented")


def heaviside(input, values):
    """0 where input < 0, 1 where input > 0, values where input == 0."""
    _check_tensor("heaviside", input)
    if not isinstance(values, Tensor):
        raise TypeError(f"heaviside(): argument 'values' (position 2) must be Tensor, not {type(values).__name__}")
    if input.is_complex() or values.is_complex():
        raise RuntimeError("heaviside is not yet implemented for complex tensors.")
    if input.dtype != values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    xp = array_module(input._data)
    return _HeavisideNode.apply(lambda x, v: xp.where(x == 0, v, (x > 0).astype(x.dtype)), input, values)


class LogitBackward0(Op):
    retain_inputs = (0,)

    @staticmethod
    def forward(ctx, x, eps):
        ctx.eps = eps
        xp = array_module(x)
        if eps is not None:
            x = xp.clip(x, eps, 1 - eps)
        with np.errstate(all="ignore"):
            return xp.log(x / (1 - x))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        eps = ctx.eps
        d = g / (x * (1 - x))
        if eps is None:
            return d, None
        return where((x < eps) | (x > 1 - eps), g * 0, d), None


def logit(input, eps=None):
    """log(input / (1 - input)), with input clamped to [eps, 1 - eps] when eps is given."""
    _check_tensor("logit", input)
    if input.is_complex():
        raise _not_implemented("logit_cpu", input._data)
    if not input.is_floating_point():
        input = input.to(get_default_dtype())
    return LogitBackward0.apply(input, eps)


def _sinc(xp, x):
    with np.errstate(all="ignore"):
        px = math.pi * x
        return xp.where(x == 0, 1.0, xp.sin(px) / px).astype(x.dtype, copy=False)


def _sinc_grad(g, x):
    px = x * math.pi
    return where(x == 0, g * 0, g * (cos(px) * px - sin(px)) / (px * x))


sinc = _unary_op("sinc", _sinc, _sinc_grad, "SincBackward0", complex=_sinc)
sinc.__doc__ = "sin(pi * input) / (pi * input), and 1 at 0."
signbit = unary("signbit", lambda xp, x: xp.signbit(x) if x.dtype.kind == "f" else x < 0, floating=False,
                complex=NotImplementedError("signbit is not implemented for complex tensors."))
signbit.__doc__ = "True where the sign bit of input is set (negative numbers and -0.0)."
isposinf = unary("isposinf", lambda xp, x: x == xp.inf, floating=False,
                 complex=RuntimeError("isposinf does not support complex inputs."))
isposinf.__doc__ = "True where input is +inf."
isneginf = unary("isneginf", lambda xp, x: x == -xp.inf, floating=False,
                 complex=RuntimeError("isneginf does not support complex inputs."))
isneginf.__doc__ = "True where input is -inf."
isreal = unary("isreal", lambda xp, x: xp.isreal(x), floating=False)
isreal.__doc__ = "True where input has no imaginary part (always, for real dtypes)."


class NextafterBackward0(Op):
    @staticmethod
    def forward(ctx, a, b):
        return array_module(a).nextafter(a, b)

    @staticmethod
    def backward(ctx, g):
        return g, g * 0


def nextafter(input, other):
    """The next floating-point value after input towards other."""
    _check_tensor("nextafter", input)
    _check_tensor("nextafter", other)
    dt = result_type(input, other)
    if not dt.is_floating_point:
        raise _not_implemented("nextafter_cpu", np.empty(0, dt.np))
    return NextafterBackward0.apply(input.to(dt), other.to(dt))


ldexp = binary("ldexp", lambda xp, a, b: a * xp.exp2(b), lambda g, b, m: g * m.exp2(b),
               lambda g, out: g * out * LN2, floating=True)
ldexp.__doc__ = "input * 2 ** other."


class FrexpBackward0(Op):
    non_differentiable = (1,)

    @staticmethod
    def forward(ctx, x):
        mantissa, exponent = array_module(x).frexp(x)
        ctx.exponent = exponent
        return mantissa, exponent.astype(np.int32)

    @staticmethod
    def backward(ctx, g, _):
        return g / _wrap(array_module(ctx.exponent).exp2(ctx.exponent).astype(g._data.dtype))


def frexp(input):
    """input split into a mantissa in [0.5, 1) (in magnitude) and an integer exponent:
    input = mantissa * 2**exponent."""
    _check_tensor("frexp", input)
    if not input.is_floating_point():
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    from ..return_types import frexp as result
    return result(*FrexpBackward0.apply(input))


def _integer_binary(name, fwd, kernel=None, number_input=False, bools=False):
    """A binary op defined for integer (and, with bools, bool) dtypes only; kernel names it in the error for other
    dtypes (as PyTorch's CPU kernel), number_input lets input be a number."""
    op = binary(name, fwd, differentiable=False)

    def checked(input, other):
        if not (number_input and isinstance(other, Tensor)):
            _check_tensor(name, input)
        dt = result_type(input, other)
        if dt.is_floating_point or dt.is_complex or (dt.np == np.bool_ and not bools):
            raise _not_implemented(kernel or f"{name}_cpu", np.empty(0, dt.np))
        return op(input, other)
    checked.__name__ = checked.__qualname__ = name
    return checked


bitwise_and = _integer_binary("bitwise_and", lambda xp, a, b: a & b, bools=True)
bitwise_and.__doc__ = "Bitwise AND of integer or bool tensors."
bitwise_or = _integer_binary("bitwise_or", lambda xp, a, b: a | b, bools=True)
bitwise_or.__doc__ = "Bitwise OR of integer or bool tensors."
bitwise_xor = _integer_binary("bitwise_xor", lambda xp, a, b: a ^ b, bools=True)
bitwise_xor.__doc__ = "Bitwise XOR of integer or bool tensors."
_bitwise_not = unary("bitwise_not", lambda xp, x: ~x, floating=False)


def bitwise_not(input):
    """Bitwise NOT of an integer or bool tensor."""
    _check_tensor("bitwise_not", input)
    if input._data.dtype.kind in "fc":
        raise _not_implemented("bitwise_not_cpu", input._data)
    return _bitwise_not(input)


gcd = _integer_binary("gcd", lambda xp, a, b: xp.gcd(a, b))
gcd.__doc__ = "Greatest common divisor of input and other (non-negative)."
lcm = _integer_binary("lcm", lambda xp, a, b: xp.lcm(a, b))
lcm.__doc__ = "Least common multiple of input and other (non-negative)."


def _shift(left):
    """input shifted by other bits, as PyTorch: by a negative count or one of at least the bit width, a left shift
    gives 0 and a right shift the sign fill (0 or -1)."""
    def fwd(xp, a, b):
        dt = a.dtype if hasattr(a, "dtype") else b.dtype
        a, b = xp.asarray(a, dt), xp.asarray(b)
        bits = dt.itemsize * 8
        ok = (b >= 0) & (b < bits)
        s = xp.where(ok, b, 0).astype(dt)
        if left:
            return xp.where(ok, a << s, 0).astype(dt, copy=False)
        return xp.where(ok, a >> s, a >> (bits - 1) if dt.kind == "i" else 0).astype(dt, copy=False)
    return fwd


bitwise_left_shift = _integer_binary("bitwise_left_shift", _shift(True), "lshift_cpu", number_input=True)
bitwise_left_shift.__doc__ = "input shifted left by other bits."
bitwise_right_shift = _integer_binary("bitwise_right_shift", _shift(False), "rshift_cpu", number_input=True)
bitwise_right_shift.__doc__ = "input shifted right (arithmetically) by other bits."


def _methods():
    """Attach the operators and methods of this family to Tensor."""
    T = Tensor
    T.isclose, T.allclose, T.equal = isclose, allclose, equal

    def rev(fn):
        return lambda self, other: fn(other, self)

    T.__add__ = T.__radd__ = _add
    T.__sub__ = _sub
    T.__rsub__ = rev(_sub)
    T.__mul__ = T.__rmul__ = mul
    T.__truediv__ = _div
    T.__rtruediv__ = rev(_div)
    T.__floordiv__ = lambda self, other: floor_divide(self, other)
    T.__rfloordiv__ = rev(floor_divide)
    T.__mod__ = lambda self, other: remainder(self, other)
    T.__rmod__ = rev(remainder)
    T.__pow__ = _pow
    T.__rpow__ = rev(pow)
    T.__neg__ = neg
    T.__pos__ = positive
    T.__abs__ = abs
    T.__invert__ = lambda self: logical_not(self) if self._data.dtype == np.bool_ else bitwise_not(self)
    T.__and__ = T.__rand__ = lambda self, other: bitwise_and(self, other)
    T.__or__ = T.__ror__ = lambda self, other: bitwise_or(self, other)
    T.__xor__ = T.__rxor__ = lambda self, other: bitwise_xor(self, other)
    T.__lshift__ = bitwise_left_shift
    T.__rlshift__ = rev(bitwise_left_shift)
    T.__rshift__ = bitwise_right_shift
    T.__rrshift__ = rev(bitwise_right_shift)
    T.__eq__ = lambda self, other: eq(self, other) if _comparable(other) else NotImplemented
    T.__ne__ = lambda self, other: ne(self, other) if _comparable(other) else NotImplemented
    T.__lt__ = lambda self, other: lt(self, other)
    T.__le__ = lambda self, other: le(self, other)
    T.__gt__ = lambda self, other: gt(self, other)
    T.__ge__ = lambda self, other: ge(self, other)
    for fn in (neg, positive, abs, exp, exp2, expm1, log, log2, log10, log1p, sqrt, rsqrt, square, reciprocal,
               sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, asinh, acosh, atanh, sigmoid, erf, relu, sign,
               floor, ceil, trunc, frac, round, logical_not, bitwise_not, isnan, isinf, isfinite, add, sub, mul,
               div, floor_divide, remainder, fmod, atan2, pow, float_power, maximum, minimum, fmax, fmin, eq,
               ne, lt, le, gt, ge, logical_and, logical_or, logical_xor, bitwise_and, bitwise_or, bitwise_xor,
               clamp, clamp_min, clamp_max, lerp):
        setattr(T, fn.__name__, fn)
    for alias, fn in dict(multiply=mul, divide=div, subtract=sub, true_divide=div, arctan2=atan2,
                          negative=neg, absolute=abs, arcsin=asin, arccos=acos, arctan=atan, arcsinh=asinh,
                          arccosh=acosh, arctanh=atanh, fix=trunc, clip=clamp, greater=gt, greater_equal=ge,
                          less=lt, less_equal=le, not_equal=ne).items():
        setattr(T, alias, fn)
    T.where = lambda self, condition, other: where(condition, self, other)
    for fn in (addcmul, addcdiv, logaddexp, logaddexp2, hypot, xlogy, sgn, nan_to_num, heaviside, logit, sinc,
               signbit, copysign, nextafter, ldexp, frexp, gcd, lcm, isneginf, isposinf, isreal, bitwise_left_shift,
               bitwise_right_shift):
        setattr(T, fn.__name__, fn)


def _inplace_methods():
    """The in-place forms (x.addcmul_ ...) of this family's later ops."""
    from .inplace import inplace
    for fn in (addcmul, addcdiv, hypot, xlogy, sgn, nan_to_num, heaviside, logit, sinc, copysign, nextafter,
               ldexp, gcd, lcm, exp2, float_power):
        setattr(Tensor, fn.__name__ + "_", inplace(fn, fn.__name__ + "_"))


def _comparable(other):
    return isinstance(other, (Tensor, int, float, builtins.complex, bool, np.ndarray, np.generic))


_methods()
_inplace_methods()
holomorphic("NegBackward0", "PositiveBackward0", "AddBackward0", "SubBackward0", "MulBackward0", "DivBackward0",
            "ExpBackward0", "LogBackward0", "SqrtBackward0", "SinBackward0", "CosBackward0", "TanBackward0",
            "SinhBackward0", "CoshBackward0", "TanhBackward0", "SquareBackward0", "ReciprocalBackward0",
            "SigmoidBackward0", "PowBackward0", "ToCopyBackward0", "Exp2Backward0", "Expm1Backward0", "Log2Backward0",
            "Log10Backward0", "Log1pBackward0", "RsqrtBackward0", "AsinBackward0", "AcosBackward0", "AtanBackward0",
            "AsinhBackward0", "AcoshBackward0", "AtanhBackward0", "SincBackward0", "LogaddexpBackward0",
            "LdexpBackward0", "LerpBackward0", "AddcmulBackward0", "AddcdivBackward0", "WhereBackward0")
