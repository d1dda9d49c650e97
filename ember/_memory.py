"""A small cache of large host arrays, the CPU counterpart of PyTorch's caching allocator.

A training loop makes the same big temporaries at every step (a matmul's result, an LSTM layer's gate buffers).
Allocated afresh, each goes back to the operating system when freed and has every page faulted in again on its
next use, which costs about a quarter of an LSTM step. Arrays from `empty` are kept here instead and handed out
again once nothing else refers to them. CuPy keeps its own memory pool, so other backends allocate directly.
"""
import math
import sys
import threading

import numpy as np

_MIN_BYTES = 1 << 18        # smaller arrays come from malloc's heap, which keeps its pages
_MAX_BYTES = 1 << 28        # at most this much is cached (256 MiB); past it, idle arrays are dropped first
_IDLE = 3                   # sys.getrefcount of a cached array nobody holds: the cache's list, the loop, the call

_lock = threading.Lock()
_cache = {}                 # (shape, dtype) -> [arrays]
_cached_bytes = 0


def empty(xp, shape, dtype):
    """An uninitialised C-contiguous array of shape and dtype on backend xp, reusing a cached idle one."""
    global _cached_bytes
    dtype = np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize
    if xp is not np or nbytes < _MIN_BYTES:
        return xp.empty(shape, dtype)
    key = (tuple(shape), dtype)
    with _lock:
        arrays = _cache.setdefault(key, [])
        for a in arrays:
            if sys.getrefcount(a) == _IDLE:
                return a
        if _cached_bytes + nbytes > _MAX_BYTES:
            _drop_idle()
        a = np.empty(shape, dtype)
        if _cached_bytes + nbytes <= _MAX_BYTES:
            arrays.append(a)
            _cached_bytes += nbytes
        return a


def _drop_idle():
    """Forget the cached arrays nobody holds (shapes a program no longer uses)."""
    global _cached_bytes
    for key in list(_cache):
        kept = [a for a in _cache[key] if sys.getrefcount(a) > _IDLE]
        _cached_bytes -= sum(a.nbytes for a in _cache[key]) - sum(a.nbytes for a in kept)
        if kept:
            _cache[key] = kept
        else:
            del _cache[key]


def held_here(a):
    """1 if the cache holds a reference to array a, else 0 (to discount it when counting a's other owners)."""
    arrays = _cache.get((a.shape, a.dtype)) if a.flags.c_contiguous else None
    return 1 if arrays and any(x is a for x in arrays) else 0


def zeros(xp, shape, dtype):
    """A C-contiguous array of zeros from the cache (see empty)."""
    out = empty(xp, shape, dtype)
    out.fill(0)
    return out


def contiguous(xp, a):
    """a itself if it is C-contiguous, else a C-contiguous copy of it in a cached array."""
    if a.flags.c_contiguous:
        return a
    out = empty(xp, a.shape, a.dtype)
    out[...] = a
    return out


def matmul(xp, a, b):
    """a @ b, the result in a cached array when the operands are matrices or equal-length stacks of them."""
    if a.ndim == b.ndim == 2:
        shape = (a.shape[0], b.shape[1])
    elif a.ndim == b.ndim == 3 and a.shape[0] == b.shape[0]:
        shape = (a.shape[0], a.shape[1], b.shape[2])
    else:
        return xp.matmul(a, b)
    return xp.matmul(a, b, out=empty(xp, shape, np.result_type(a, b)))
