"""Creation functions: tensor, zeros, ones, arange, rand* ..., *_like, legacy FloatTensor & co."""
import builtins

import numpy as np

from . import _dtype, random as _random
from ._device import as_device, module_for, move, device_of
from ._dtype import get_default_dtype, to_dtype, from_numpy_dtype
from ._tensor import Tensor, _wrap

__all__ = ["tensor", "as_tensor", "asarray", "from_numpy", "zeros", "ones", "full", "empty", "arange", "range",
           "linspace", "logspace", "eye", "rand", "randn", "randint", "randperm", "normal", "bernoulli",
           "multinomial", "zeros_like", "ones_like", "full_like", "empty_like", "rand_like", "randn_like",
           "randint_like", "FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor",
           "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor", "scalar_tensor"]


def _to_array(data, dtype):
    """A numpy array from nested lists/tuples of numbers or tensors, numpy data or a tensor."""
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, np.ndarray):
        return data
    if isinstance(data, np.generic):
        return np.asarray(data)
    if isinstance(data, (list, tuple)) and _has_tensor(data):
        data = _to_numbers(data)
    try:
        a = np.asarray(data)
    except ValueError as e:
        raise ValueError(f"could not make a tensor from ragged nested sequences: {e}") from None
    if a.dtype == object:
        raise TypeError(f"Could not infer dtype of {type(data).__name__}: expected numbers, sequences of "
                        f"numbers or tensors")
    # Python floats default to the default dtype; ints to int64, as PyTorch
    if dtype is None:
        if a.dtype.kind == "f":
            a = a.astype(get_default_dtype().np)
        elif a.dtype.kind in "iu":
            a = a.astype(np.int64)
    return a


def _has_tensor(seq):
    stack = [seq]
    while stack:
        for x in stack.pop():
            if isinstance(x, Tensor):
                return True
            if isinstance(x, (list, tuple)):
                stack.append(x)
    return False


def _to_numbers(seq):
    if isinstance(seq, Tensor):
        return seq.tolist()
    if isinstance(seq, (list, tuple)):
        return [_to_numbers(x) for x in seq]
    return seq


def _place(a, dtype, device, copy):
    if dtype is not None:
        npd = to_dtype(dtype).np
        if a.dtype != npd:
            a, copy = a.astype(npd), False
    else:
        from_numpy_dtype(a.dtype)
    d = as_device(device)
    if d is not None and d != device_of(a):
        a, copy = move(a, d), False
    return a.copy() if copy else a


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of data (numbers, nested lists, numpy arrays, tensors)."""
    if isinstance(data, Tensor):
        import warnings
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() "
                      "or sourceTensor.clone().detach().requires_grad_(True), rather than "
                      "ember.tensor(sourceTensor).", UserWarning, stacklevel=2)
    t = _wrap(_place(_to_array(data, dtype), dtype, device, copy=True))
    if requires_grad:
        t.requires_grad_(True)
    return t


def as_tensor(data, dtype=None, device=None):
    """data as a tensor, sharing memory with a tensor or numpy array when dtype and device allow."""
    if isinstance(data, Tensor):
        if (dtype is None or to_dtype(dtype) == data.dtype) and (device is None or as_device(device) == data.device):
            return data
        return data.to(dtype=dtype, device=device)
    return _wrap(_place(_to_array(data, dtype), dtype, device, copy=False))


asarray = as_tensor


def from_numpy(ndarray):
    """A tensor sharing memory with ndarray: changes to one show in the other."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    from_numpy_dtype(ndarray.dtype)
    return _wrap(ndarray)


def scalar_tensor(s, dtype=None, device=None, requires_grad=False):
    return tensor(s, dtype=dtype or get_default_dtype(), device=device, requires_grad=requires_grad)


def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for s in size:
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"size must be a sequence of ints, got an element of type {type(s).__name__}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return tuple(int(s) for s in size)


def _new(fill, size, dtype, device, requires_grad):
    dt = to_dtype(dtype) if dtype is not None else get_default_dtype()
    xp = module_for(as_device(device))
    t = _wrap(fill(xp, _size(size), dt.np))
    if requires_grad:
        t.requires_grad_(True)
    return t


def zeros(*size, dtype=None, device=None, requires_grad=False, out=None):
    """A tensor of zeros of the given shape."""
    return _new(lambda xp, s, d: xp.zeros(s, d), size, dtype, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False, out=None):
    """A tensor of ones of the given shape."""
    return _new(lambda xp, s, d: xp.ones(s, d), size, dtype, device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False, out=None, memory_format=None):
    """A tensor of the given shape (ember fills it with zeros, never with stale memory)."""
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    """A tensor of the given shape filled with fill_value (dtype inferred from it)."""
    if dtype is None:
        dtype = _dtype.result_type(fill_value)
    return _new(lambda xp, s, d: xp.full(s, fill_value, d), (size,) if isinstance(size, int) else tuple(size),
                dtype, device, requires_grad)


def _like(fn, input, dtype, device, requires_grad, *args):
    return fn(*args, input.shape, dtype=dtype or input.dtype, device=device or input.device,
              requires_grad=requires_grad)


def zeros_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):
    return _like(zeros, input, dtype, device, requires_grad)


def ones_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):
    return _like(ones, input, dtype, device, requires_grad)


def empty_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):
    return _like(zeros, input, dtype, device, requires_grad)


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False, memory_format=None):
    return full(input.shape, fill_value, dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """Values from start to end (exclusive) by step; integer arguments give int64."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("arange(): step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(f"arange(): upper bound and larger bound inconsistent with step sign "
                           f"(start={start}, end={end}, step={step})")
    if dtype is None:
        dtype = _dtype.result_type(start, end, step)
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    n = builtins.max(0, int(np.ceil((vals[1] - vals[0]) / vals[2])))
    dt = to_dtype(dtype)
    xp = module_for(as_device(device))
    t = _wrap((vals[0] + vals[2] * xp.arange(n, dtype=np.float64 if dt.is_floating_point else np.int64))
              .astype(dt.np))
    return t.requires_grad_(True) if requires_grad else t


def range(start, end, step=1, dtype=None, device=None, requires_grad=False):
    """Deprecated in PyTorch: values from start to end inclusive."""
    dt = dtype or get_default_dtype()
    return arange(start, end + step / 2, step, dtype=dt, device=device, requires_grad=requires_grad)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """steps values evenly spaced from start to end inclusive."""
    if steps < 0:
        raise RuntimeError("linspace(): number of steps must be non-negative")
    dt = to_dtype(dtype) if dtype is not None else get_default_dtype()
    xp = module_for(as_device(device))
    t = _wrap(xp.linspace(float(start), float(end), int(steps)).astype(dt.np))
    return t.requires_grad_(True) if requires_grad else t


def logspace(start, end, steps, base=10.0, dtype=None, device=None, requires_grad=False):
    """base ** linspace(start, end, steps)."""
    dt = to_dtype(dtype) if dtype is not None else get_default_dtype()
    xp = module_for(as_device(device))
    t = _wrap(xp.logspace(float(start), float(end), int(steps), base=base).astype(dt.np))
    return t.requires_grad_(True) if requires_grad else t


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    """The n x m identity matrix."""
    dt = to_dtype(dtype) if dtype is not None else get_default_dtype()
    t = _wrap(module_for(as_device(device)).eye(n, n if m is None else m, dtype=dt.np))
    return t.requires_grad_(True) if requires_grad else t


def _random_tensor(draw, size, dtype, device, requires_grad, generator):
    dt = to_dtype(dtype) if dtype is not None else get_default_dtype()
    a = np.asarray(draw(_random.rng(generator), _size(size))).astype(dt.np, copy=False)
    d = as_device(device)
    t = _wrap(move(a, d) if d is not None and d.type != "cpu" else a)
    return t.requires_grad_(True) if requires_grad else t


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform random numbers in [0, 1)."""
    return _random_tensor(lambda r, s: r.random(s), size, dtype, device, requires_grad, generator)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal random numbers."""
    return _random_tensor(lambda r, s: r.standard_normal(s), size, dtype, device, requires_grad, generator)


def randint(low, high=None, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Random integers in [low, high); randint(high, size) starts at 0."""
    if size is None:
        low, high, size = 0, low, high
    if size is None:
        raise TypeError("randint() missing required argument 'size'")
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    return _random_tensor(lambda r, s: r.integers(low, high, s), (tuple(size),), dtype or _dtype.int64,
                          device, requires_grad, generator)


def randperm(n, generator=None, dtype=None, device=None, requires_grad=False):
    """A random permutation of 0 .. n-1."""
    return _random_tensor(lambda r, s: r.permutation(n), (n,), dtype or _dtype.int64, device,
                          requires_grad, generator)


def normal(mean=0.0, std=1.0, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Normal random numbers with the given mean and std (numbers or tensors, broadcast)."""
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        shape = np.broadcast_shapes(np.shape(getattr(mean, "_data", mean)), np.shape(getattr(std, "_data", std)))
        noise = randn(*shape, generator=generator, dtype=(mean if isinstance(mean, Tensor) else std).dtype)
        return noise * std + mean
    if size is None:
        raise TypeError("normal() with number mean and std needs a size")
    return _random_tensor(lambda r, s: r.normal(mean, std, s), (tuple(size),), dtype, device,
                          requires_grad, generator)


def bernoulli(input, p=None, generator=None):
    """1 with probability input (or p), else 0, elementwise."""
    prob = input._data if p is None else np.broadcast_to(p, input.shape)
    return _wrap((_random.rng(generator).random(input.shape) < prob).astype(input._data.dtype))


def multinomial(input, num_samples, replacement=False, generator=None):
    """Sample indices from the categorical distributions in the rows of input."""
    p = np.asarray(input.detach().numpy(), dtype=np.float64)
    rows = p.reshape(-1, p.shape[-1])
    r = _random.rng(generator)
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    out = np.stack([r.choice(rows.shape[1], num_samples, replace=replacement, p=row / row.sum()) for row in rows])
    return _wrap(out.reshape(p.shape[:-1] + (num_samples,)).astype(np.int64))


def rand_like(input, dtype=None, device=None, requires_grad=False, generator=None):
    return rand(*input.shape, dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad, generator=generator)


def randn_like(input, dtype=None, device=None, requires_grad=False, generator=None):
    return randn(*input.shape, dtype=dtype or input.dtype, device=device or input.device,
                 requires_grad=requires_grad, generator=generator)


def randint_like(input, low, high=None, dtype=None, device=None, requires_grad=False):
    return randint(low, high, input.shape, dtype=dtype or input.dtype, device=device or input.device)


# ---- legacy constructors: ember.Tensor(2, 3), FloatTensor([1, 2]), isinstance(t, LongTensor) ----

def legacy_tensor_data(args, dtype=None, device=None):
    """The array for a legacy constructor call: sizes give zeros, one sequence gives its values."""
    dt = to_dtype(dtype) if dtype is not None else get_default_dtype()
    if len(args) == 1 and not isinstance(args[0], (int, np.integer)):
        src = args[0]
        if isinstance(src, Tensor):
            return src._data.astype(dt.np, copy=False)
        return _place(_to_array(src, dt), dt, device, copy=True)
    return module_for(as_device(device)).zeros(_size(args), dt.np)


class _LegacyMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype

    def __call__(cls, *args, device=None):
        return _wrap(legacy_tensor_data(args, cls.dtype, device))


def _legacy(name, dt):
    return _LegacyMeta(name, (), {"dtype": dt, "__doc__": f"{name}(*sizes) or {name}(data): a {dt} tensor "
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


def legacy_type_name(t):
    """'ember.FloatTensor' and friends, as Tensor.type() returns."""
    for cls in _LEGACY:
        if cls.dtype is t.dtype:
            prefix = "ember." if t.device.type == "cpu" else "ember.cuda."
            return prefix + cls.__name__
    raise TypeError(f"no legacy type name for {t.dtype}")


def legacy_dtype_of_name(name):
    short = name.rsplit(".", 1)[-1]
    for cls in _LEGACY:
        if cls.__name__ == short:
            return cls.dtype
    raise ValueError(f"invalid type: '{name}'")
