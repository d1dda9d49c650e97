"""Creation functions: tensor, zeros, ones, arange, rand* ..., *_like, legacy FloatTensor & co."""
import builtins
import functools
import importlib
import threading

import numpy as np

from . import _dtype, random as _random
from ._device import CPU, as_device, device, module_for, move, device_of
from ._dtype import SCALAR_TYPE_NAMES, get_default_dtype, to_dtype, from_numpy_dtype
from ._tensor import Tensor, Size, _wrap, discards_imag, real_value
from .autograd.function import Op

__all__ = ["tensor", "as_tensor", "asarray", "from_numpy", "zeros", "ones", "full", "empty", "arange", "range",
           "linspace", "logspace", "eye", "rand", "randn", "randint", "randperm", "normal", "bernoulli",
           "multinomial", "zeros_like", "ones_like", "full_like", "empty_like", "rand_like", "randn_like",
           "randint_like", "FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor",
           "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor", "scalar_tensor", "poisson", "binomial",
           "frombuffer", "empty_strided", "get_default_device", "set_default_device", "set_default_tensor_type",
           "typename"]


_default_device = threading.local()      # .device: set_default_device's, per thread as in PyTorch


def get_default_device():
    """The device factory functions create tensors on when no device is given."""
    d = getattr(_default_device, "device", None)
    if d is None:
        return CPU
    return d if d.type == "cpu" or d.index is not None else device(d.type, 0)


def set_default_device(device):
    """Make factory functions (zeros, tensor, rand ...) create tensors on device when none is given; None resets to
    the cpu."""
    _default_device.device = as_device(device)


def _device_arg(device):
    """The device a factory function creates on: device, or the default device."""
    return as_device(device) if device is not None else getattr(_default_device, "device", None)


_SCALAR_DTYPES = {builtins.bool: lambda: _dtype.bool, builtins.int: lambda: _dtype.int64,
                  builtins.float: get_default_dtype, builtins.complex: _dtype.get_default_complex_dtype}
_SEQUENCES = (list, tuple, builtins.range, np.ndarray)


def _leaf_dtype(x):
    """The dtype PyTorch infers for one element of nested data that is not a plain bool, int or float."""
    if isinstance(x, Tensor):
        if x.numel() != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return x.dtype
    if isinstance(x, np.generic):
        return from_numpy_dtype(x.dtype)
    for kind in (builtins.bool, builtins.int, builtins.float, builtins.complex):     # subclasses such as IntEnum
        if isinstance(x, kind):
            return _SCALAR_DTYPES[kind]()
    if x is None:
        raise RuntimeError("Could not infer dtype of NoneType")
    raise TypeError(f"new(): invalid data type '{type(x).__name__}'")


def _nested_to_array(data, target):
    """A numpy array of PyTorch's inferred dtype from (nested) sequences of numbers, numpy scalars
    and one-element tensors; ragged nesting raises PyTorch's error. With a `target` dtype (applied
    next) floats are kept in float64, so that nothing is rounded twice."""
    level, dim = [data], 0
    while level and isinstance(level[0], _SEQUENCES):
        lens = [len(x) if isinstance(x, _SEQUENCES) else None for x in level]
        bad = next((n for n in lens if n != lens[0]), False)
        if bad is None:
            raise TypeError("not a sequence")
        if bad is not False:
            raise ValueError(f"expected sequence of length {lens[0]} at dim {dim} (got {bad})")
        level, dim = [y for x in level for y in x], dim + 1
    leaf_types = set(map(type, level))
    for t in leaf_types:
        if issubclass(t, _SEQUENCES):
            raise TypeError(f"'{t.__name__}' object cannot be interpreted as an integer")
    if builtins.complex in leaf_types and target is not None and target.kind in (_dtype._INT, _dtype._FLOAT):
        raise TypeError("must be real number, not complex" if target.is_floating_point
                        else "'complex' object cannot be interpreted as an integer")
    dtypes = {_SCALAR_DTYPES[t]() for t in leaf_types if t in _SCALAR_DTYPES}
    if not leaf_types <= _SCALAR_DTYPES.keys():
        dtypes.update(_leaf_dtype(x) for x in level if type(x) not in _SCALAR_DTYPES)
    dt = get_default_dtype() if not dtypes else dtypes.pop()
    for d in dtypes:
        dt = _dtype.promote_types(dt, d)
    if target is not None and (dt.is_floating_point or dt.is_complex):
        dt = _dtype.complex128 if dt.is_complex else _dtype.float64
    if any(issubclass(t, Tensor) for t in leaf_types):
        data = _replace_tensors(data)
    try:
        return np.array(data, dtype=dt.np)
    except OverflowError:
        raise ValueError("Overflow when unpacking long long") from None


def _replace_tensors(seq):
    if isinstance(seq, Tensor):
        return seq.item()
    if isinstance(seq, _SEQUENCES):
        return [_replace_tensors(x) for x in seq]
    return seq


def _to_array(data, target=None):
    """A backend array holding data: a tensor's or numpy array's own data, else a new numpy array
    (target: the dtype it will be cast to, see _nested_to_array)."""
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, np.ndarray):
        from_numpy_dtype(data.dtype)
        return data
    if isinstance(data, (list, tuple, builtins.range, np.generic)) or type(data) in _SCALAR_DTYPES:
        return _nested_to_array(data, target)
    if hasattr(data, "__array__"):
        return _to_array(np.asarray(data))
    return _nested_to_array(data, target)


def _place(a, dtype, device, copy):
    """a cast to dtype and moved to device; copied if `copy` and neither made a new array."""
    if dtype is not None:
        npd = to_dtype(dtype).np
        if a.dtype != npd:
            a, copy = (a.real if discards_imag(a.dtype, npd) else a).astype(npd), False
    d = as_device(device)
    if d is not None and d != device_of(a):
        a, copy = move(a, d), False
    return a.copy() if copy else a


def _target(dtype):
    return None if dtype is None else to_dtype(dtype)


def _finish(t, requires_grad):
    return t.requires_grad_(True) if requires_grad else t


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of data (numbers, nested lists, numpy arrays, tensors).

    pin_memory is accepted for compatibility; ember has no pinned memory.
    """
    if isinstance(data, Tensor):
        import warnings
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() "
                      "or sourceTensor.clone().detach().requires_grad_(True), rather than "
                      "ember.tensor(sourceTensor).", UserWarning, stacklevel=2)
    a = _place(_to_array(data, _target(dtype)), dtype, _device_arg(device), copy=True)
    return _finish(_wrap(a), requires_grad)


def asarray(obj, dtype=None, device=None, copy=None, requires_grad=False):
    """obj as a tensor, sharing memory with a tensor or numpy array when dtype and device allow;
    copy=True always copies, copy=False raises if a copy would be needed."""
    src = _to_array(obj, _target(dtype))
    shared = isinstance(obj, (Tensor, np.ndarray))      # src is the caller's own memory
    if copy is False and not shared:
        raise ValueError("can't alias arbitrary sequence into a tensor.")
    a = _place(src, dtype, device if isinstance(obj, Tensor) else _device_arg(device),
               copy=builtins.bool(copy) and shared)
    if copy is False and a is not src:
        raise ValueError(f"can't alias tensor or array into a tensor of a different dtype or device "
                         f"without a copy (asked for dtype={dtype}, device={device})")
    if isinstance(obj, Tensor) and a is src and not requires_grad:
        return obj
    t = _wrap(a)
    if isinstance(obj, Tensor) and a is src:
        t._vc = obj._vc
    return _finish(t, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """data as a tensor, sharing memory with a tensor or numpy array when dtype and device allow."""
    return asarray(data, dtype=dtype, device=device)


def from_numpy(ndarray):
    """A tensor sharing memory with ndarray: changes to one show in the other."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    from_numpy_dtype(ndarray.dtype)
    return _wrap(ndarray)


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """A 1-d tensor sharing memory with an object that implements the buffer protocol (bytearray, array, mmap ...),
    of count elements of dtype (all of them if -1) starting offset bytes in."""
    try:
        view = memoryview(buffer)
    except TypeError:
        raise ValueError("object does not implement Python buffer protocol.") from None
    if not view.c_contiguous:
        raise RuntimeError("could not retrieve buffer from object")
    n, size = view.nbytes, to_dtype(dtype).itemsize
    if n <= 0 or count == 0:
        raise ValueError(f"both buffer length ({n}) and count ({count}) must not be 0")
    if not 0 <= offset < n:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than buffer length ({n} bytes) "
                         f"minus 1")
    if count < 0 and (n - offset) % size:
        raise ValueError(f"buffer length ({n - offset} bytes) after offset ({offset} bytes) must be a multiple of "
                         f"element size ({size})")
    count = (n - offset) // size if count < 0 else count
    if offset + count * size > n:
        raise ValueError(f"requested buffer length ({count} * {size} bytes) after offset ({offset} bytes) must not be "
                         f"greater than actual buffer length ({n} bytes)")
    if view.readonly:
        from ._switches import warn_once
        warn_once("The given buffer is not writable, and ember does not support writing to it: the tensor is "
                  "read-only. You may want to copy the buffer, or make it writable, before converting it to a "
                  "tensor. This type of warning will be suppressed for the rest of this program.")
    return _finish(_wrap(np.frombuffer(view, to_dtype(dtype).np, count, offset)), requires_grad)


def scalar_tensor(s, dtype=None, device=None, requires_grad=False):
    """A 0-d tensor holding the number s, of the default dtype unless dtype is given."""
    return full((), s, dtype=dtype or get_default_dtype(), device=device, requires_grad=requires_grad)


def _size(size):
    if len(size) == 1 and isinstance(size[0], _SEQUENCES):
        size = tuple(size[0])
    out = []
    for s in size:
        if isinstance(s, (builtins.float, builtins.bool)) or not hasattr(s, "__index__"):
            raise TypeError(f"size must be tuple of ints, but found element of type {type(s).__name__}")
        out.append(s.__index__())
    for s in out:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {out}")
    return tuple(out)


def _new(fill, size, dtype, device, requires_grad):
    dt = to_dtype(dtype) if dtype is not None else get_default_dtype()
    xp = module_for(_device_arg(device))
    return _finish(_wrap(fill(xp, _size(size), dt.np)), requires_grad)


def zeros(*size, dtype=None, device=None, requires_grad=False):
    """A tensor of zeros of the given shape."""
    return _new(lambda xp, s, d: xp.zeros(s, d), size, dtype, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    """A tensor of ones of the given shape."""
    return _new(lambda xp, s, d: xp.ones(s, d), size, dtype, device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False):
    """A tensor of the given shape (ember fills it with zeros, never with stale memory)."""
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """A tensor of the given shape whose elements are `stride` apart in memory (ember fills it with zeros)."""
    for name, pos, v in (("size", 1, size), ("stride", 2, stride)):
        if not isinstance(v, (tuple, list)):
            raise TypeError(f"empty_strided(): argument '{name}' (position {pos}) must be tuple of ints, not "
                            f"{type(v).__name__}")
    size, stride = _size((size,)), tuple(stride)
    if len(size) != len(stride):
        raise RuntimeError(f"dimensionality of sizes ({len(size)}) must match dimensionality of strides "
                           f"({len(stride)})")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and strides={list(stride)}")
    dt = to_dtype(dtype) if dtype is not None else get_default_dtype()
    xp = module_for(_device_arg(device))
    n = 0 if 0 in size else 1 + builtins.sum((s - 1) * st for s, st in zip(size, stride))
    storage = xp.zeros(n, dt.np)
    a = xp.lib.stride_tricks.as_strided(storage, size, tuple(st * dt.itemsize for st in stride))
    return _finish(_wrap(a), requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    """A tensor of the given shape filled with fill_value (dtype inferred from it)."""
    fill_value = _number(fill_value)
    if dtype is None:
        dtype = _dtype.result_type(fill_value)
    elif to_dtype(dtype).kind in (_dtype._INT, _dtype._FLOAT):
        fill_value = real_value(fill_value, _SCALAR_TYPE_NAMES[to_dtype(dtype).name])
    return _new(lambda xp, s, d: xp.full(s, fill_value, d), (size,), dtype, device, requires_grad)


def _like(fn, input, dtype, device, requires_grad, *args):
    return fn(*args, input.shape, dtype=dtype or input.dtype, device=device or input.device,
              requires_grad=requires_grad)


def zeros_like(input, dtype=None, device=None, requires_grad=False):
    """Zeros of input's shape (and dtype and device, unless given)."""
    return _like(zeros, input, dtype, device, requires_grad)


def ones_like(input, dtype=None, device=None, requires_grad=False):
    """Ones of input's shape (and dtype and device, unless given)."""
    return _like(ones, input, dtype, device, requires_grad)


def empty_like(input, dtype=None, device=None, requires_grad=False):
    """An uninitialized tensor of input's shape (ember fills it with zeros)."""
    return _like(zeros, input, dtype, device, requires_grad)


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False):
    """fill_value in input's shape (and dtype and device, unless given)."""
    return _like(lambda size, **kw: full(size, fill_value, **kw), input, dtype, device, requires_grad)


def _number(v):
    return v.item() if isinstance(v, Tensor) else v


# the C++ types PyTorch names when a complex number with an imaginary part is converted to a real dtype
_SCALAR_TYPE_NAMES = dict(uint8="uint8_t", int8="int8_t", int16="int16_t", int32="int", int64="int64_t",
                          float16="c10::Half", float32="float", float64="double")


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """Values from start to end (exclusive) by step; integer arguments give int64."""
    if end is None:
        start, end = 0, start
    start, end, step = (real_value(_number(v), "double") for v in (start, end, step))
    if dtype is None:
        dtype = _dtype.result_type(start, end, step)
    if to_dtype(dtype).is_complex:
        raise NotImplementedError(f'"arange_cpu" not implemented for \'{SCALAR_TYPE_NAMES[to_dtype(dtype).name]}\'')
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    n = int(np.ceil((end - start) / step))
    dt = to_dtype(dtype)
    xp = module_for(_device_arg(device))
    if dt.is_floating_point:
        values = start + step * xp.arange(n, dtype=np.float64)
    else:
        values = int(start) + int(step) * xp.arange(n, dtype=np.int64)
    return _finish(_wrap(values.astype(dt.np)), requires_grad)


def range(start, end, step=1, dtype=None, device=None, requires_grad=False):
    """Deprecated in PyTorch: values from start to end inclusive, of the default dtype."""
    import warnings
    warnings.warn("ember.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use ember.arange, which produces values "
                  "in [start, end).", UserWarning, stacklevel=2)
    start, end, step = _number(start), _number(end), _number(step)
    n = int(np.floor((end - start) / step)) + 1
    dt = to_dtype(dtype) if dtype is not None else get_default_dtype()
    if dt.is_complex:
        raise NotImplementedError(f'"range_cpu" not implemented for \'{SCALAR_TYPE_NAMES[dt.name]}\'')
    values = start + step * module_for(_device_arg(device)).arange(n, dtype=np.float64)
    return _finish(_wrap(values.astype(dt.np)), requires_grad)


def _linspace(xp, start, end, steps, dt):
    """steps points from start to end as PyTorch computes them: from the start up to halfway, from
    the end after it, so that both ends are exact."""
    work = dt.np if dt.kind in (_dtype._FLOAT, _dtype._COMPLEX) and dt is not _dtype.float16 else np.dtype(np.float64)
    if dt.kind < _dtype._FLOAT:
        start, end = int(start), int(end)
    idx = xp.arange(steps, dtype=work)
    if steps == 1:
        return xp.full(1, start, dtype=work)
    step = (work.type(end) - work.type(start)) / (steps - 1)
    return xp.where(idx < steps // 2, work.type(start) + step * idx, work.type(end) - step * (steps - 1 - idx))


def _spaced_args(name, start, end, dtype):
    """(start, end, dtype) for linspace and logspace: complex when start or end is (a real dtype is then refused, as
    in PyTorch), else the default dtype unless dtype is given."""
    start, end = _number(start), _number(end)
    is_complex = isinstance(start, builtins.complex) or isinstance(end, builtins.complex)
    inferred = _dtype.get_default_complex_dtype() if is_complex else get_default_dtype()
    dt = inferred if dtype is None else to_dtype(dtype)
    if is_complex and not dt.is_complex:
        part = _SCALAR_TYPE_NAMES[_dtype.to_real(inferred).name]
        raise RuntimeError(f"torch.{name}(): inferred dtype c10::complex<{part}> can't be safely cast to passed dtype "
                           f"{SCALAR_TYPE_NAMES[dt.name]}")
    convert = builtins.complex if dt.is_complex else builtins.float
    return convert(start), convert(end), dt


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """steps values evenly spaced from start to end inclusive."""
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    start, end, dt = _spaced_args("linspace", start, end, dtype)
    values = _linspace(module_for(_device_arg(device)), start, end, int(steps), dt)
    return _finish(_wrap(values.astype(dt.np)), requires_grad)


def logspace(start, end, steps, base=10.0, dtype=None, device=None, requires_grad=False):
    """base ** linspace(start, end, steps)."""
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    start, end, dt = _spaced_args("logspace", start, end, dtype)
    exps = _linspace(module_for(_device_arg(device)), start, end, int(steps),
                     _dtype.complex128 if dt.is_complex else _dtype.float64)
    return _finish(_wrap((builtins.float(base) ** exps).astype(dt.np)), requires_grad)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    """The n x m identity matrix."""
    m = n if m is None else m
    for name, v in (("n", n), ("m", m)):
        if v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    dt = to_dtype(dtype) if dtype is not None else get_default_dtype()
    return _finish(_wrap(module_for(_device_arg(device)).eye(n, m, dtype=dt.np)), requires_grad)


# ---- random sampling: drawn on the cpu from the generator, then moved ----

def _sampled(a, dt, device, requires_grad):
    a = np.asarray(a).astype(dt.np, copy=False)
    d = _device_arg(device)
    return _finish(_wrap(move(a, d) if d is not None and d.type != "cpu" else a), requires_grad)


def _float_dtype(dtype, kernel):
    dt = to_dtype(dtype) if dtype is not None else get_default_dtype()
    if dt.kind < _dtype._FLOAT:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{SCALAR_TYPE_NAMES[dt.name]}\'')
    return dt


def _uniform(r, shape, dt):
    """Uniform numbers in [0, 1) with as many random bits as dt holds (never rounding up to 1); for a complex dt,
    the real and imaginary parts each are."""
    if dt.is_complex:
        return _uniform(r, shape, _dtype.to_real(dt)) + 1j * _uniform(r, shape, _dtype.to_real(dt))
    if dt is _dtype.float16:
        return r.integers(0, 2 ** 11, shape) * 2.0 ** -11
    return r.random(shape, dtype=np.float32 if dt is _dtype.float32 else np.float64)


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform random numbers in [0, 1)."""
    dt = _float_dtype(dtype, "check_uniform_bounds")
    return _sampled(_uniform(_random.rng(generator), _size(size), dt), dt, device, requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal random numbers."""
    dt = _float_dtype(dtype, "normal_kernel_cpu")
    return _sampled(_standard_normal(_random.rng(generator), _size(size), dt), dt, device, requires_grad)


def _standard_normal(r, shape, dt):
    """Standard normal numbers; for a complex dt, of variance 1 in all, 1/2 in each of the real and imaginary
    parts (as PyTorch draws them)."""
    if dt.is_complex:
        real = _dtype.to_real(dt)
        return (_standard_normal(r, shape, real) + 1j * _standard_normal(r, shape, real)) * np.sqrt(0.5)
    return r.standard_normal(shape, dtype=np.float32 if dt is _dtype.float32 else np.float64)


def randint(low, high=None, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Random integers in [low, high); randint(high, size) starts at 0."""
    if size is None:
        low, high, size = 0, low, high
    elif high is None:
        low, high = 0, low
    if size is None:
        raise TypeError("randint() missing required argument 'size'")
    low, high = int(_number(low)), int(_number(high))
    if dtype is not None and to_dtype(dtype).is_complex:
        raise RuntimeError("check_random_bounds handles only integral, floating-point and boolean types")
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    a = _random.rng(generator).integers(low, high, _size((size,)))
    return _sampled(a, to_dtype(dtype) if dtype is not None else _dtype.int64, device, requires_grad)


def randperm(n, generator=None, dtype=None, device=None, requires_grad=False):
    """A random permutation of 0 .. n-1."""
    n = _number(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    if dtype is not None and to_dtype(dtype).is_complex:
        raise NotImplementedError(f'"randperm" not implemented for \'{SCALAR_TYPE_NAMES[to_dtype(dtype).name]}\'')
    a = _random.rng(generator).permutation(n)
    return _sampled(a, to_dtype(dtype) if dtype is not None else _dtype.int64, device, requires_grad)


class _Sample(Op):
    """A random draw from distributions whose parameters are tensors; as in PyTorch, the sample's
    gradient with respect to the parameters is zero (no reparameterization)."""

    @staticmethod
    def forward(ctx, *params, draw):
        return draw(*params)

    @staticmethod
    def backward(ctx, g):
        grads = tuple(zeros_like(g) if need else None for need in ctx.needs_input_grad)
        return grads if len(grads) > 1 else grads[0]


class NormalBackward1(_Sample):
    """normal(Tensor mean, float std)."""


class NormalBackward2(_Sample):
    """normal(float mean, Tensor std)."""


class NormalBackward3(_Sample):
    """normal(Tensor mean, Tensor std)."""


class BernoulliBackward0(_Sample):
    """bernoulli(Tensor input)."""


def _check_std(std):
    bad = (std < 0).any() if isinstance(std, Tensor) else std < 0
    if bad:
        shown = std.min().item() if isinstance(std, Tensor) else std
        raise RuntimeError(f"normal expects std >= 0.0, but found std {shown:g}")


def normal(mean=0.0, std=1.0, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Normal random numbers with the given mean and std (numbers or tensors, broadcast together)."""
    if isinstance(mean, builtins.complex) or isinstance(std, builtins.complex):
        raise TypeError(f"normal() received an invalid combination of arguments: mean and std must be real numbers "
                        f"or tensors, got {type(mean).__name__} and {type(std).__name__}")
    _check_std(std)
    r = _random.rng(generator)
    tm, ts = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not (tm or ts):
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments: with float mean and "
                            "std, size is required")
        dt = _float_dtype(dtype, "normal_kernel_cpu")
        noise = _standard_normal(r, _size((size,)), _dtype.complex128 if dt.is_complex else _dtype.float64)
        loc = builtins.complex(mean, mean) if dt.is_complex else mean    # as PyTorch: mean for both parts
        return _sampled(loc + std * noise, dt, device, requires_grad)

    def draw(*params):
        m, s = (params[0], params[1]) if tm and ts else (params[0], std) if tm else (mean, params[0])
        try:
            shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        except ValueError:
            from .ops.pointwise import _broadcast_error
            raise _broadcast_error(m, s) from None
        wide = _dtype.complex128 if params[0].dtype.kind == "c" else _dtype.float64
        noise = move(_standard_normal(r, shape, wide), device_of(params[0]))
        return (m + s * noise).astype(params[0].dtype)

    if tm and ts:
        return NormalBackward3.apply(mean, std, draw=draw)
    return (NormalBackward1 if tm else NormalBackward2).apply(mean if tm else std, draw=draw)


def bernoulli(input, p=None, generator=None):
    """1 with probability input (or p), else 0, elementwise; the result has input's dtype."""
    if input.is_complex():
        kernel = "bernoulli_tensor_cpu_self_" if p is None else "bernoulli_scalar_cpu_"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{SCALAR_TYPE_NAMES[input.dtype.name]}\'')
    if p is not None:
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
        return _sampled(_random.rng(generator).random(input.shape) < p, input.dtype, input.device, False)
    if not input.is_floating_point():
        raise NotImplementedError(f'"bernoulli_tensor_cpu_p_" not implemented for '
                                  f'\'{SCALAR_TYPE_NAMES[input.dtype.name]}\'')
    if ((input._data < 0) | (input._data > 1)).any():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    r = _random.rng(generator)
    return BernoulliBackward0.apply(
        input, draw=lambda prob: (move(r.random(prob.shape), device_of(prob)) < prob).astype(prob.dtype))


def multinomial(input, num_samples, replacement=False, generator=None):
    """Sample indices from the categorical distributions in the rows of input."""
    if not input.is_floating_point():
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{SCALAR_TYPE_NAMES[input.dtype.name]}")
    p = input.detach().cpu().numpy().astype(np.float64)
    rows = p.reshape(-1, p.shape[-1])
    if not np.isfinite(rows).all() or (rows < 0).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if (rows.sum(axis=1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    r = _random.rng(generator)
    if replacement:
        cdf = np.cumsum(rows, axis=1) / rows.sum(axis=1, keepdims=True)
        u = r.random((rows.shape[0], num_samples))
        out = np.stack([np.minimum(np.searchsorted(c, x, side="right"), len(c) - 1) for c, x in zip(cdf, u)])
    else:   # the largest p / q with q ~ Exp(1) are a sample without replacement; zero p come last
        keys = rows / r.standard_exponential(rows.shape)
        out = np.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
    return _sampled(out.reshape(p.shape[:-1] + (num_samples,)), _dtype.int64, input.device, False)


class PoissonBackward0(_Sample):
    """poisson(Tensor input)."""


class BinomialBackward0(Op):
    """binomial(count, prob): PyTorch has no derivative for it (its grad_fn is NotImplemented)."""

    @staticmethod
    def forward(ctx, count, prob, draw):
        return draw(count, prob)

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for aten::binomial is not implemented")


BinomialBackward0.__name__ = BinomialBackward0.__qualname__ = "NotImplemented"


def poisson(input, generator=None):
    """Numbers drawn from the Poisson distribution with the rates in input, elementwise."""
    if not input.is_floating_point():
        raise NotImplementedError(f'"poisson_cpu" not implemented for \'{SCALAR_TYPE_NAMES[input.dtype.name]}\'')
    if not (input._data >= 0).all():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    r = _random.rng(generator)
    return PoissonBackward0.apply(input, draw=lambda rate: _on_device_of(rate, r.poisson(move(rate, CPU))))


def _on_device_of(a, sample):
    """A NumPy sample in a's dtype, on a's device."""
    return move(np.asarray(sample).astype(a.dtype), device_of(a))


def _binomial_draw(r, count, prob):
    """Binomial draws: 0 where count <= 0 or prob <= 0, count where prob >= 1, nan where either is nan."""
    c, p = np.broadcast_arrays(move(count, CPU).astype(np.float64), move(prob, CPU).astype(np.float64))
    drawn = (c > 0) & (p > 0) & (p < 1) & np.isfinite(c)
    out = np.where((p >= 1) & (c > 0), c, 0.0)
    out[drawn] = r.binomial(np.floor(c[drawn]).astype(np.int64), p[drawn])
    out[np.isnan(c) | np.isnan(p)] = np.nan
    return _on_device_of(count, out)


def binomial(count, prob, generator=None):
    """The number of successes in count trials of probability prob, elementwise (count and prob broadcast)."""
    if not isinstance(prob, Tensor):
        raise TypeError(f"binomial(): argument 'prob' (position 2) must be Tensor, not {type(prob).__name__}")
    for name, t in (("count", count), ("prob", prob)):
        if not t.is_floating_point():
            raise ValueError(f"binomial only supports floating-point dtypes for {name}, got: "
                             f"{SCALAR_TYPE_NAMES[t.dtype.name]}")
    if prob.dtype is not count.dtype:
        raise RuntimeError(f"Found dtype {SCALAR_TYPE_NAMES[prob.dtype.name]} but expected "
                           f"{SCALAR_TYPE_NAMES[count.dtype.name]}")
    try:
        np.broadcast_shapes(count.shape, prob.shape)
    except ValueError:
        from .ops.pointwise import _broadcast_error
        raise _broadcast_error(count._data, prob._data) from None
    r = _random.rng(generator)
    return BinomialBackward0.apply(count, prob, draw=lambda c, p: _binomial_draw(r, c, p))


def rand_like(input, dtype=None, device=None, requires_grad=False, generator=None):
    """Uniform random numbers in [0, 1) of input's shape (and dtype and device, unless given)."""
    return _like(lambda size, **kw: rand(size, generator=generator, **kw), input, dtype, device, requires_grad)


def randn_like(input, dtype=None, device=None, requires_grad=False, generator=None):
    """Standard normal random numbers of input's shape (and dtype and device, unless given)."""
    return _like(lambda size, **kw: randn(size, generator=generator, **kw), input, dtype, device, requires_grad)


def randint_like(input, low, high=None, dtype=None, device=None, requires_grad=False):
    """Random integers in [low, high) of input's shape (and dtype and device, unless given)."""
    return _like(lambda size, **kw: randint(low, high, size, **kw), input, dtype, device, requires_grad)


# ---- legacy constructors: ember.Tensor(2, 3), FloatTensor([1, 2]), isinstance(t, LongTensor) ----

def legacy_tensor_data(args, dtype=None, device=None):
    """The array for a legacy constructor call: sizes give zeros, one sequence gives its values."""
    dt = to_dtype(dtype) if dtype is not None else get_default_dtype()
    if not args:
        args = (0,)
    if len(args) == 1 and (isinstance(args[0], builtins.bool) or not isinstance(args[0], (Size, builtins.int,
                                                                                          np.integer))):
        src = args[0]
        if isinstance(src, Tensor):
            return src._data.astype(dt.np, copy=False)
        if isinstance(src, str):
            raise TypeError("new(): invalid data type 'str'")
        if not isinstance(src, _SEQUENCES):
            raise TypeError(f"new(): data must be a sequence (got {type(src).__name__})")
        return _place(_to_array(src, dt), dt, _device_arg(device), copy=True)
    return module_for(_device_arg(device)).zeros(_size(args), dt.np)


class _LegacyMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype

    def __call__(cls, *args, device=None):
        return _wrap(legacy_tensor_data(args, cls.dtype, device))


def _legacy(name, dt):
    return _LegacyMeta(name, (), {"dtype": dt, "__module__": "ember", "__doc__": f"{name}(*sizes) or {name}(data): a {dt} tensor "
                                  "(legacy constructor; sizes give zeros)."})


FloatTensor = _legacy("FloatTensor", _dtype.float32)
DoubleTensor = _legacy("DoubleTensor", _dtype.float64)
HalfTensor = _legacy("HalfTensor", _dtype.float16)
LongTensor = _legacy("LongTensor", _dtype.int64)
IntTensor = _legacy("IntTensor", _dtype.int32)
ShortTensor = _legacy("ShortTensor", _dtype.int16)
CharTensor = _legacy("CharTensor", _dtype.int8)
ByteTensor = _legacy("ByteTensor", _dtype.uint8)
BoolTensor = _legacy("BoolTensor", _dtype.bool)
_LEGACY = [FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor,
           BoolTensor]


def set_default_tensor_type(t):
    """Deprecated: set the default floating point dtype from a legacy type (ember.DoubleTensor) or its name
    ('torch.DoubleTensor')."""
    from ._switches import warn_once
    warn_once("ember.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use ember.set_default_dtype() "
              "and ember.set_default_device() as alternatives.")
    if isinstance(t, str):
        root, *path = t.split(".")
        module = importlib.import_module("ember" if root in ("torch", "ember") else root)
        t = functools.reduce(getattr, path, module)
    if type(t) is not _LegacyMeta:
        raise TypeError("invalid type object: only floating-point types are supported as the default type")
    _dtype.set_default_dtype(t.dtype)


def typename(obj):
    """The type of obj as a string: a tensor's legacy type ('ember.FloatTensor'), else module.qualified_name."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        name = obj.__qualname__
    elif hasattr(obj, "__name__"):
        name = obj.__name__
    else:
        module, name = type(obj).__module__ or "", type(obj).__qualname__
    return name if module in ("", "builtins") else f"{module}.{name}"


# the legacy type names of all dtypes: those of the constructors above, and the complex ones PyTorch has no
# constructor for
_LEGACY_NAMES = {cls.dtype: cls.__name__ for cls in _LEGACY} | {_dtype.complex64: "ComplexFloatTensor",
                                                                _dtype.complex128: "ComplexDoubleTensor"}


def legacy_type_name(t):
    """'ember.FloatTensor' and friends, as Tensor.type() returns."""
    return ("ember." if t.device.type == "cpu" else "ember.cuda.") + _LEGACY_NAMES[t.dtype]


def legacy_dtype_of_name(name):
    short = name.rsplit(".", 1)[-1]
    for dt, legacy in _LEGACY_NAMES.items():
        if legacy == short:
            return dt
    raise ValueError(f"invalid type: '{name}'")


Tensor.bernoulli = bernoulli
Tensor.multinomial = multinomial
