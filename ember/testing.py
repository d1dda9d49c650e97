"""ember.testing.assert_close: compare tensors, NumPy arrays, numbers and sequences or mappings of them, with
torch.testing's defaults (tolerances by dtype), checks and messages."""
import collections.abc
import numbers

import numpy as np

from ._dtype import from_numpy_dtype, promote_types
from ._tensor import Tensor

__all__ = ["assert_close"]

# default (rtol, atol) by dtype; integers and bools compare exactly
_TOLERANCES = {np.dtype(np.float16): (1e-3, 1e-5), np.dtype(np.float32): (1.3e-6, 1e-5),
               np.dtype(np.float64): (1e-7, 1e-7)}


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False, check_device=True,
                 check_dtype=True, check_layout=True, check_stride=False, msg=None):
    """Raise AssertionError unless actual and expected are close: |actual - expected| <= atol + rtol * |expected|
    elementwise, with equal shapes (and devices, dtypes unless told not to check them). Sequences and mappings are
    compared item by item; rtol and atol default to values for the dtype (exact for integers)."""
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no "
                         f"{'atol' if atol is None else 'rtol'}.")
    options = dict(rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=check_device, check_dtype=check_dtype,
                   check_stride=check_stride)
    try:
        _compare(actual, expected, options)
    except _Mismatch as e:
        text = e.args[0] + (f"\n\nThe failure occurred for item {''.join(e.path)}" if e.path else "")
        if msg is None:
            raise AssertionError(text) from None
        raise AssertionError(msg(text) if callable(msg) else msg) from None


class _Mismatch(Exception):
    def __init__(self, text):
        super().__init__(text)
        self.path = []


def _compare(actual, expected, options):
    arrays = (Tensor, np.ndarray)
    if isinstance(actual, arrays) or isinstance(expected, arrays):
        if not (isinstance(actual, Tensor) and isinstance(expected, Tensor)
                or isinstance(actual, np.ndarray) and isinstance(expected, np.ndarray)):
            _no_pair(actual, expected)
        return _compare_arrays(actual, expected, options)
    if isinstance(actual, (bool, np.bool_)) and isinstance(expected, (bool, np.bool_)):
        if bool(actual) != bool(expected):
            raise _Mismatch(f"Booleans mismatch: {bool(actual)} is not {bool(expected)}")
        return
    if isinstance(actual, (numbers.Number, np.generic)) and isinstance(expected, (numbers.Number, np.generic)):
        return _compare_scalars(actual, expected, options)
    for kind, compare in ((collections.abc.Mapping, _compare_mappings), (collections.abc.Sequence, _compare_sequences)):
        if isinstance(actual, kind) and isinstance(expected, kind) and not isinstance(actual, str):
            return compare(actual, expected, options)
    _no_pair(actual, expected)


def _no_pair(actual, expected):
    raise TypeError(f"No comparison pair was able to handle inputs of type {type(actual)} and {type(expected)}.")


def _within(path_item, fn, *args):
    try:
        fn(*args)
    except _Mismatch as e:
        e.path.insert(0, path_item)
        raise


def _compare_sequences(actual, expected, options):
    if len(actual) != len(expected):
        raise _Mismatch(f"The length of the sequences mismatch: {len(actual)} != {len(expected)}")
    for i, (a, e) in enumerate(zip(actual, expected)):
        _within(f"[{i}]", _compare, a, e, options)


def _compare_mappings(actual, expected, options):
    if set(actual) != set(expected):
        missing = sorted(set(expected) - set(actual), key=repr)
        extra = sorted(set(actual) - set(expected), key=repr)
        raise _Mismatch(f"The keys of the mappings do not match:\nMissing keys in the actual mapping: {missing}\n"
                        f"Additional keys in the actual mapping: {extra}")
    for key in expected:
        _within(f"[{key!r}]", _compare, actual[key], expected[key], options)


def _tolerances(dtype, options):
    if options["rtol"] is not None:
        return options["rtol"], options["atol"]
    return _TOLERANCES.get(dtype, (0.0, 0.0))


def _compare_scalars(actual, expected, options):
    actual = actual.item() if isinstance(actual, np.generic) else actual
    expected = expected.item() if isinstance(expected, np.generic) else expected
    if options["check_dtype"] and type(actual) is not type(expected):
        raise _Mismatch(f"The (d)types do not match: {type(actual)} != {type(expected)}.")
    exact = isinstance(actual, int) and isinstance(expected, int)
    rtol, atol = _tolerances(np.dtype(np.int64 if exact else np.float64), options)
    if _close(np.asarray(actual), np.asarray(expected), rtol, atol, options["equal_nan"]).all():
        return
    diff = abs(actual - expected)
    raise _Mismatch(_scalar_message(actual, expected, diff, _ratio(diff, expected), rtol, atol))


def _ratio(diff, expected):
    with np.errstate(divide="ignore", invalid="ignore"):
        return (np.float64(diff) / np.float64(abs(expected))).item()


def _scalar_message(actual, expected, diff, rel, rtol, atol):
    close = rtol or atol
    return (f"Scalars are not {'close' if close else 'equal'}!\n\nExpected {expected} but got {actual}.\n"
            f"Absolute difference: {diff}{_allowed(atol, close)}\nRelative difference: {rel}{_allowed(rtol, close)}")


def _allowed(tol, close):
    return f" (up to {tol} allowed)" if close else ""


def _close(a, e, rtol, atol, equal_nan):
    with np.errstate(invalid="ignore", over="ignore"):
        ok = (a == e) | (np.isfinite(a) & np.isfinite(e) & (np.abs(a - e) <= atol + rtol * np.abs(e)))
    if equal_nan:
        ok |= np.isnan(a) & np.isnan(e)
    return ok


def _compare_arrays(actual, expected, options):
    for name, a, e in (("shape", actual.shape, expected.shape),
                       ("device", *(getattr(x, "device", None) for x in (actual, expected))),
                       ("dtype", *(x.dtype for x in (actual, expected)))):
        if a != e and (name != "device" or options["check_device"]) and (name != "dtype" or options["check_dtype"]):
            raise _Mismatch(f"The values for attribute '{name}' do not match: {a} != {e}.")
    if options["check_stride"] and isinstance(actual, Tensor) and actual.stride() != expected.stride():
        raise _Mismatch(f"The values for attribute 'stride()' do not match: {actual.stride()} != {expected.stride()}.")
    a, e = (x.detach().cpu().numpy() if isinstance(x, Tensor) else x for x in (actual, expected))
    if a.dtype != e.dtype:
        common = promote_types(from_numpy_dtype(a.dtype), from_numpy_dtype(e.dtype)).np
        a, e = a.astype(common), e.astype(common)
    rtol, atol = _tolerances(a.dtype, options)
    if a.dtype.kind in "bu":              # differences of bools and unsigned integers taken as signed
        a, e = a.astype(np.int64), e.astype(np.int64)
    ok = _close(a, e, rtol, atol, options["equal_nan"])
    if ok.all():
        return
    diff = np.abs(a - e)
    rel_dtype = a.dtype if a.dtype.kind == "f" else np.float32
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = diff.astype(rel_dtype) / np.abs(e).astype(rel_dtype)
    if a.ndim == 0:
        av, ev = a.item(), e.item()
        raise _Mismatch(_scalar_message(av, ev, abs(av - ev), _ratio(abs(av - ev), ev), rtol, atol))
    diff[ok] = 0
    rel[ok] = 0
    close = rtol or atol
    bad, total = int((~ok).sum()), ok.size
    i, j = (tuple(int(k) for k in np.unravel_index(int(np.argmax(d)), d.shape)) for d in (diff, rel))
    raise _Mismatch(f"Tensor-likes are not {'close' if close else 'equal'}!\n\n"
                    f"Mismatched elements: {bad} / {total} ({bad / total:.1%})\n"
                    f"Greatest absolute difference: {diff[i].item()} at index {i}{_allowed(atol, close)}\n"
                    f"Greatest relative difference: {rel[j].item()} at index {j}{_allowed(rtol, close)}")
