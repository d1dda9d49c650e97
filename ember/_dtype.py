"""dtypes (ember.float32 ...) and PyTorch's type-promotion rules."""
import numpy as np

__all__ = ["dtype", "bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32",
           "float64", "complex64", "complex128", "half", "float", "double", "short", "int", "long", "cfloat",
           "cdouble", "get_default_dtype", "get_default_complex_dtype", "set_default_dtype", "result_type",
           "promote_types", "can_cast"]

_BOOL, _INT, _FLOAT, _COMPLEX = 0, 1, 2, 3


class dtype:
    """The element type of a tensor, as torch.dtype."""
    __slots__ = ("name", "np", "kind", "itemsize", "is_floating_point", "is_complex", "is_signed")

    def __init__(self, name, np_dtype, kind):
        self.name, self.np, self.kind = name, np.dtype(np_dtype), kind
        self.itemsize = self.np.itemsize
        self.is_floating_point = kind == _FLOAT
        self.is_complex = kind == _COMPLEX
        self.is_signed = self.np.kind in "ifc"

    def __repr__(self):
        return "ember." + self.name

    def __reduce__(self):
        return self.name    # pickled by reference to the module-level dtype of that name


_ALL = [dtype("bool", np.bool_, _BOOL), dtype("uint8", np.uint8, _INT), dtype("int8", np.int8, _INT),
        dtype("int16", np.int16, _INT), dtype("int32", np.int32, _INT), dtype("int64", np.int64, _INT),
        dtype("float16", np.float16, _FLOAT), dtype("float32", np.float32, _FLOAT),
        dtype("float64", np.float64, _FLOAT), dtype("complex64", np.complex64, _COMPLEX),
        dtype("complex128", np.complex128, _COMPLEX)]
_by_name = {d.name: d for d in _ALL}
_from_np = {d.np: d for d in _ALL}
bool, uint8, int8, int16, int32, int64, float16, float32, float64, complex64, complex128 = _ALL
half, float, double, short, int, long, cfloat, cdouble = float16, float32, float64, int16, int32, int64, complex64, \
    complex128
_COMPLEX_OF = {float32: complex64, float64: complex128}

_default = [float32]


def get_default_dtype():
    """The default floating point dtype (initially ember.float32)."""
    return _default[0]


def set_default_dtype(d):
    """Set the default floating point dtype; only float16, float32 and float64 are allowed."""
    d = to_dtype(d)
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


def to_dtype(d):
    """An ember dtype from an ember dtype, a numpy dtype, a Python type or a name."""
    if type(d) is dtype:
        return d
    if d is _builtin_float:
        return float64      # as PyTorch: the Python types name the double-precision dtypes
    if d is _builtin_int:
        return int64
    if d is _builtin_bool:
        return bool
    if d is _builtin_complex:
        return complex128
    if isinstance(d, str) and d.replace("torch.", "").replace("ember.", "") in _aliases:
        return _aliases[d.replace("torch.", "").replace("ember.", "")]
    try:
        return _from_np[np.dtype(d)]
    except (TypeError, KeyError):
        raise TypeError(f"dtype {d!r} is not supported by ember; use one of "
                        f"{', '.join(repr(x) for x in _ALL)}") from None


def from_numpy_dtype(npd):
    """The ember dtype of a numpy dtype, with a clear error for unsupported ones."""
    try:
        return _from_np[npd]
    except KeyError:
        raise TypeError(f"numpy dtype {npd} is not supported by ember; supported: "
                        f"{', '.join(d.name for d in _ALL)}") from None


import builtins as _b  # noqa: E402
_builtin_float, _builtin_int, _builtin_bool = _b.float, _b.int, _b.bool
_builtin_complex = _b.complex
_aliases = dict(_by_name, half=float16, float=float32, double=float64, short=int16, int=int32, long=int64,
                cfloat=complex64, cdouble=complex128)


# PyTorch's ScalarType names of the dtypes, by dtype name, as its error messages write them
SCALAR_TYPE_NAMES = dict(bool="Bool", uint8="Byte", int8="Char", int16="Short", int32="Int", int64="Long",
                         float16="Half", float32="Float", float64="Double", complex64="ComplexFloat",
                         complex128="ComplexDouble")


def to_complex(d):
    """The complex dtype with d's floating precision (float32 -> complex64, float64 -> complex128)."""
    if d.is_complex:
        return d
    try:
        return _COMPLEX_OF[d]
    except KeyError:
        raise TypeError(f"{d} has no complex counterpart in ember: complex32 (ComplexHalf) is not supported, as "
                        f"NumPy has no such type; compute in float32 first, e.g. x.float()") from None


def to_real(d):
    """The real dtype of a complex dtype's parts (complex64 -> float32); d itself when it is not complex."""
    return float32 if d is complex64 else float64 if d is complex128 else d


def get_default_complex_dtype():
    """The complex dtype of the default floating point dtype (initially ember.complex64)."""
    return to_complex(_default[0])


def promote_types(a, b):
    """The smallest dtype both a and b can be cast to, as torch.promote_types."""
    if a is b:
        return a
    if a.kind != b.kind:
        hi, lo = (a, b) if a.kind > b.kind else (b, a)
        return _from_np[np.promote_types(hi.np, lo.np)] if hi.kind == _COMPLEX and lo.kind == _FLOAT else hi
    return _from_np[np.promote_types(a.np, b.np)]


def _combine(higher, lower):
    # PyTorch's combine_categories: a lower-priority operand only matters when its category is higher; a complex
    # one keeps a floating operand's precision (float64 tensor * 1j is complex128)
    if higher is None:
        return lower
    if lower is None or higher.kind == _COMPLEX:
        return higher
    if lower.kind == _COMPLEX:
        return to_complex(higher) if higher.kind == _FLOAT else lower
    if higher.kind == _FLOAT:
        return higher
    if higher is bool or lower.kind == _FLOAT:
        return promote_types(higher, lower)
    return higher


def _scalar_dtype(x):
    t = type(x)
    if t is _builtin_bool or isinstance(x, np.bool_):
        return bool
    if isinstance(x, (_builtin_int, np.integer)):
        return int64
    if isinstance(x, (_builtin_float, np.floating)):
        return get_default_dtype()
    if isinstance(x, (_builtin_complex, np.complexfloating)):
        return get_default_complex_dtype()
    raise TypeError(f"expected a Tensor or a Python number, got {type(x).__name__}")


def result_type(*operands):
    """The dtype an operation on these tensors and Python numbers gives, as torch.result_type."""
    dim = zero = wrapped = None
    for x in operands:
        d = getattr(x, "dtype", None)
        if type(d) is dtype:
            if x.dim():
                dim = d if dim is None else promote_types(dim, d)
            else:
                zero = d if zero is None else promote_types(zero, d)
        else:
            d = _scalar_dtype(x)
            wrapped = d if wrapped is None else promote_types(wrapped, d)
    return _combine(dim, _combine(zero, wrapped))


def can_cast(from_, to):
    """Whether from_ can be cast to `to` under PyTorch's same-kind rule (no lower category)."""
    return from_.kind <= to.kind
