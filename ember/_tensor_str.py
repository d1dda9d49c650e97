"""PyTorch-style printing of tensors: tensor([[1., 2.]], requires_grad=True), and set_printoptions."""
import contextlib
import html
import math

import numpy as np

from . import _dtype

__all__ = ["set_printoptions", "get_printoptions", "printoptions"]

_DEFAULTS = dict(precision=4, threshold=1000, edgeitems=3, linewidth=80)
_PROFILES = {"default": _DEFAULTS, "short": dict(_DEFAULTS, precision=2, edgeitems=2),
             "full": dict(_DEFAULTS, threshold=math.inf)}
PRINT_OPTS = dict(_DEFAULTS, sci_mode=None)


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """Set options for printing: digits of precision, the element count that triggers summarization,
    items kept at each end when summarizing, line width, a profile ('default', 'short', 'full') and
    sci_mode (True/False forces scientific notation on or off; None lets ember choose)."""
    if profile is not None:
        PRINT_OPTS.update(_PROFILES[profile])
    for name, value in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems),
                        ("linewidth", linewidth)):
        if value is not None:
            PRINT_OPTS[name] = value
    PRINT_OPTS["sci_mode"] = sci_mode


def get_printoptions():
    """The current print options, as a dict that can be passed as **kwargs to set_printoptions()."""
    return dict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Context manager that sets print options (as set_printoptions) and restores the old ones on exit."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


def type_name(a):
    """The legacy type name of an array's dtype, as in error messages ('ember.FloatTensor')."""
    from ._creation import legacy_type_name
    from ._tensor import _wrap
    return legacy_type_name(_wrap(a))


class _Formatter:
    """Formats every element of one tensor to a common width, choosing fixed, integer or scientific
    notation from the magnitudes of its nonzero finite values, as PyTorch does."""

    def __init__(self, a):
        self.floating = a.dtype.kind == "f"
        self.int_mode, self.sci_mode, self.width = True, False, 1
        p = PRINT_OPTS["precision"]
        flat = a.reshape(-1)
        if not self.floating:
            self.width = max([1] + [len(str(v)) for v in flat.tolist()])
            return
        vals = flat[np.isfinite(flat) & (flat != 0)]
        if vals.size == 0:
            return
        mag = np.abs(vals.astype(np.float64))
        lo, hi = mag.min(), mag.max()
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        forced = PRINT_OPTS["sci_mode"]
        self.sci_mode = (hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4) if forced is None else forced
        if self.sci_mode:
            fmt, extra = f"{{:.{p}e}}", 0
        elif self.int_mode:
            fmt, extra = "{:.0f}", 1      # room for the "." that marks a float
        else:
            fmt, extra = f"{{:.{p}f}}", 0
        self.width = max(len(fmt.format(v)) + extra for v in vals.tolist())

    def format(self, v):
        if not self.floating:
            s = str(v)
        elif self.sci_mode:
            s = f"{v:{self.width}.{PRINT_OPTS['precision']}e}"
        elif self.int_mode:
            s = f"{v:.0f}" + ("" if math.isinf(v) or math.isnan(v) else ".")
        else:
            s = f"{v:.{PRINT_OPTS['precision']}f}"
        return s.rjust(self.width)


class _ComplexFormatter:
    """Formats complex elements as PyTorch does: real and imaginary parts each with their own _Formatter."""

    def __init__(self, a):
        self.real, self.imag = _Formatter(a.real), _Formatter(a.imag)
        self.width = self.real.width + self.imag.width + 1     # the "j"; _body adds the ", " between elements

    def format(self, v):
        imag = (self.imag.format(v.imag) + "j").lstrip()
        return self.real.format(v.real) + ("" if imag[0] in "+-" else "+") + imag


def _summarized(a):
    """The elements shown when summarizing: edgeitems at each end of every long dimension."""
    edge = PRINT_OPTS["edgeitems"]
    for axis, n in enumerate(a.shape):
        if n > 2 * edge:
            a = np.take(a, list(range(edge)) + list(range(n - edge, n)), axis=axis)
    return a


def _body(a, indent, summarize, fmt):
    """The bracketed text of array a, whose opening bracket sits at column `indent`."""
    edge = PRINT_OPTS["edgeitems"]
    if a.ndim == 0:
        return fmt.format(a.item())
    long = summarize and a.shape[0] > 2 * edge
    if a.ndim == 1:
        if summarize and not edge:
            items = ["..."]
        elif long:
            items = [fmt.format(v) for v in a[:edge].tolist()] + [" ..."] + \
                    [fmt.format(v) for v in a[-edge:].tolist()]
        else:
            items = [fmt.format(v) for v in a.tolist()]
        per_line = max(1, (PRINT_OPTS["linewidth"] - indent) // (fmt.width + 2))
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    rows = (list(range(edge)) + [None] + list(range(a.shape[0] - edge, a.shape[0]))) if long \
        else range(a.shape[0])
    parts = ["..." if i is None else _body(a[i], indent + 1, summarize, fmt) for i in rows]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _with_suffixes(text, suffixes, indent):
    last_line = len(text) - text.rfind("\n") + 1
    out = [text]
    for s in suffixes:
        if last_line + len(s) + 2 > PRINT_OPTS["linewidth"]:
            out.append(",\n" + " " * indent + s)
            last_line = indent + len(s)
        else:
            out.append(", " + s)
            last_line += len(s) + 2
    return "".join(out) + ")"


def tensor_repr(t):
    """repr(t) as PyTorch writes it, with 'ember.' for 'torch.' in dtype names."""
    a = t._data if isinstance(t._data, np.ndarray) else t._data.get()
    prefix = "tensor("
    indent = len(prefix)
    suffixes = []
    if t.device.type != "cpu":
        suffixes.append(f"device='{t.device}'")
    dt, default = t.dtype, _dtype.get_default_dtype()
    if a.size == 0:
        if a.ndim != 1:
            suffixes.append(f"size={tuple(a.shape)}")
        if dt is not default:
            suffixes.append(f"dtype={dt}")
        body = "[]"
    else:
        if not PRINT_OPTS["edgeitems"]:
            suffixes.append(f"size={tuple(a.shape)}")
        if dt not in (default, _dtype.int64, _dtype.bool) and not (dt.is_complex and _dtype.to_real(dt) is default):
            suffixes.append(f"dtype={dt}")
        summarize = a.size > PRINT_OPTS["threshold"]
        formatter = _ComplexFormatter if dt.is_complex else _Formatter
        body = _body(a, indent, summarize, formatter(_summarized(a) if summarize else a))
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t._requires_grad:
        suffixes.append("requires_grad=True")
    return _with_suffixes(prefix + body, suffixes, indent)


def tensor_html(t):
    """The tensor for Jupyter: a one-line summary (shape, dtype, device, autograd state) over repr(t)."""
    grad = f"grad_fn=<{t.grad_fn.name()}>" if t.grad_fn is not None else f"requires_grad={t._requires_grad}"
    summary = f"{type(t).__name__} of shape {tuple(t._data.shape)}, {t.dtype}, on {t.device}, {grad}"
    return (f'<div class="ember-tensor"><div style="font-family: monospace; color: #666">{html.escape(summary)}'
            f'</div><pre>{html.escape(repr(t))}</pre></div>')
