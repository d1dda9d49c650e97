"""torch.autograd.profiler: time spent in each ember operation, backward node and optimizer step.

While a profile is active, Python's profiling hook (sys.setprofile) sees every function call in this thread;
the calls of ember's public operations (named as PyTorch's aten ops: aten::mul, aten::matmul ...), of graph
nodes' backward (MulBackward0 ...), of optimizer steps (Optimizer.step#SGD.step) and of record_function blocks
become events with their start, end and nesting. Nothing is checked or recorded while no profile is active.
Times include the hook's own cost (about a microsecond per Python call), as PyTorch's include its profiler's.
"""
import functools
import inspect
import json
import sys
import threading
import time

from .._tensor import Tensor

__all__ = ["profile", "record_function", "EventList", "FunctionEvent", "FunctionEventAvg"]

# Tensor methods that read metadata: PyTorch records no op for them
_NOT_OPS = {"dim", "ndimension", "size", "numel", "nelement", "stride", "element_size", "data_ptr", "numpy",
            "tolist", "register_hook", "register_post_accumulate_grad_hook", "retain_grad", "backward",
            "requires_grad_", "type", "storage_offset", "get_device", "untyped_storage", "storage"}
_DUNDER_OPS = {"__getitem__": "index", "__setitem__": "index_put_", "__matmul__": "matmul", "__rmatmul__": "matmul",
               "__invert__": "bitwise_not", "__lshift__": "bitwise_left_shift", "__rshift__": "bitwise_right_shift"}
_SHARED = object()      # a code object that several ops share (generated ops): its name is read from the frame


@functools.lru_cache(maxsize=1)
def _op_codes():
    """{code object: event name or _SHARED} of ember's public operations, node backwards and optimizer steps."""
    import ember
    from ember import linalg, special
    from ember.nn import functional
    from ember.optim import Optimizer
    from .node import Node
    names = {}

    def add(name, f):
        code = getattr(inspect.unwrap(f), "__code__", None) if callable(f) else None
        if code is None or "ember" not in code.co_filename:
            return
        name = "aten::" + name
        names[code] = name if names.get(code, name) == name else _SHARED
    for module in (ember, functional, linalg, special):
        for name in getattr(module, "__all__", dir(module)):
            f = getattr(module, name, None)
            if not name.startswith("_") and inspect.isfunction(f):
                add(f.__name__, f)
    for name, f in vars(Tensor).items():
        if isinstance(f, staticmethod):
            f = f.__func__
        if inspect.isfunction(f) and name not in _NOT_OPS and not name.startswith("is_"):
            if name in _DUNDER_OPS:
                add(_DUNDER_OPS[name], f)
            elif not name.startswith("_"):
                add(f.__name__, f)
            elif name.startswith("__") and name.endswith("__"):
                add(name.strip("_"), f)
    special_codes = {}
    for kind, base, attr in (("node", Node, "_apply"), ("step", Optimizer, "step"), ("zero_grad", Optimizer,
                                                                                         "zero_grad")):
        stack = [base]
        while stack:
            cls = stack.pop()
            stack.extend(cls.__subclasses__())
            f = vars(cls).get(attr)
            if f is not None and hasattr(f, "__code__"):
                special_codes[inspect.unwrap(f).__code__] = kind
    return names, special_codes


def _event_name(frame, names, special_codes):
    code = frame.f_code
    name = names.get(code)
    if name is _SHARED:
        name = frame.f_locals.get("name")
        return "aten::" + name if isinstance(name, str) else None
    if name is not None:
        return name
    kind = special_codes.get(code)
    if kind is None:
        return None
    cls = type(frame.f_locals.get("self")).__name__
    return cls if kind == "node" else f"Optimizer.{kind}#{cls}.{kind}"


def _shapes(frame):
    code = frame.f_code
    local = frame.f_locals
    return [list(v.shape) if isinstance(v, Tensor) else [] for v in
            (local.get(n) for n in code.co_varnames[:code.co_argcount])]


class FunctionEvent:
    """One timed call: name, start and end (microseconds since the profile began), nesting, input shapes."""

    def __init__(self, id, name, thread, start_us, end_us, input_shapes=(), parent=None):
        self.id, self.name, self.key, self.thread = id, name, name, thread
        self.start_us, self.end_us = start_us, end_us
        self.input_shapes = list(input_shapes)
        self.cpu_parent, self.cpu_children = parent, []
        self.count = 1

    @property
    def cpu_time_total(self):
        return self.end_us - self.start_us

    @property
    def self_cpu_time_total(self):
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    cpu_time = cpu_time_total

    def __repr__(self):
        return (f"<FunctionEvent id={self.id} name={self.name} cpu_time={_format_time(self.cpu_time_total)} "
                f"start_us={self.start_us:.3f} end_us={self.end_us:.3f} cpu_children={[c.id for c in self.cpu_children]} "
                f"thread={self.thread} input_shapes={self.input_shapes}>")


class FunctionEventAvg:
    """The events of one name (and input shapes, when grouped by them) added up."""

    def __init__(self, key, input_shapes=None):
        self.key, self.input_shapes = key, input_shapes
        self.count = 0
        self.cpu_time_total = self.self_cpu_time_total = 0.0

    def add(self, other):
        self.count += other.count
        self.cpu_time_total += other.cpu_time_total
        self.self_cpu_time_total += other.self_cpu_time_total
        return self

    @property
    def cpu_time(self):
        return self.cpu_time_total / self.count if self.count else 0.0

    def __repr__(self):
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={_format_time(self.self_cpu_time_total)} "
                f"cpu_time={_format_time(self.cpu_time)} input_shapes={self.input_shapes}>")


def _format_time(us):
    if us >= 1e6:
        return f"{us / 1e6:.3f}s"
    if us >= 1e3:
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


_SORT_KEYS = {"cpu_time", "cpu_time_total", "self_cpu_time_total", "count"}


class EventList(list):
    """A list of FunctionEvents (or, from key_averages, FunctionEventAvgs) that prints as PyTorch's table."""

    @property
    def self_cpu_time_total(self):
        return sum(e.self_cpu_time_total for e in self)

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0):
        groups = {}
        for e in self:
            key = (e.key, str(e.input_shapes)) if group_by_input_shape else e.key
            avg = groups.get(key)
            if avg is None:
                avg = groups[key] = FunctionEventAvg(e.key, e.input_shapes if group_by_input_shape else None)
            avg.add(e)
        return EventList(groups.values())

    def total_average(self):
        total = FunctionEventAvg("Total")
        for e in self:
            total.add(e)
        return total

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75, max_name_column_width=55,
              max_shapes_column_width=80, header=None, top_level_events_only=False, time_unit=None):
        """The events as a text table (PyTorch's columns), sorted by sort_by descending, at most row_limit rows."""
        rows = list(self)
        if top_level_events_only:
            rows = [e for e in rows if getattr(e, "cpu_parent", None) is None]
        if sort_by is not None:
            if sort_by not in _SORT_KEYS:
                raise AttributeError(f"'FunctionEventAvg' object has no attribute '{sort_by}'")
            rows.sort(key=lambda e: getattr(e, sort_by), reverse=True)
        if row_limit is not None and row_limit > 0:
            rows = rows[:row_limit]
        total = self.self_cpu_time_total or 1.0
        shapes = any(getattr(e, "input_shapes", None) for e in rows)
        width = min(max_name_column_width, max([len("Name")] + [len(e.key) for e in rows]))
        columns = [("Name", width)] + [(c, 12) for c in ("Self CPU %", "Self CPU", "CPU total %", "CPU total",
                                                         "CPU time avg", "# of Calls")]
        if shapes:
            columns.append(("Input Shapes", min(max_shapes_column_width, max([12] + [len(str(e.input_shapes))
                                                                                     for e in rows]))))
        line = "  ".join("-" * w for _, w in columns) + "  "
        out = [] if header is None else [header]
        out += [line, "  ".join(f"{c:>{w}}" for c, w in columns) + "  ", line]
        for e in rows:
            key = e.key if len(e.key) <= width else e.key[:width - 3] + "..."
            cells = [key, f"{100 * e.self_cpu_time_total / total:.2f}%", _format_time(e.self_cpu_time_total),
                     f"{100 * e.cpu_time_total / total:.2f}%", _format_time(e.cpu_time_total),
                     _format_time(e.cpu_time), str(e.count)]
            if shapes:
                cells.append(str(e.input_shapes)[:max_shapes_column_width])
            out.append("  ".join(f"{c:>{w}}" for c, (_, w) in zip(cells, columns)) + "  ")
        out += [line, f"Self CPU time total: {_format_time(self.self_cpu_time_total)}", ""]
        return "\n".join(out)

    def __str__(self):
        return self.table()

    def export_chrome_trace(self, path):
        """Write the events as a Chrome trace (JSON, for chrome://tracing or Perfetto)."""
        events = [{"name": e.name, "ph": "X", "ts": e.start_us, "dur": e.cpu_time_total, "pid": 0,
                   "tid": e.thread, "cat": "cpu_op", "args": {"Input Dims": e.input_shapes} if e.input_shapes
                   else {}} for e in self]
        with open(path, "w") as f:
            json.dump({"traceEvents": events, "displayTimeUnit": "ms"}, f)


class _Recorder:
    """The profiling hook of one thread: a stack of open events, closed ones in a list."""

    def __init__(self, record_shapes):
        self.record_shapes = record_shapes
        self.names, self.special_codes = _op_codes()
        self.events, self.stack = [], []
        self.thread = threading.get_ident()
        self.t0 = time.perf_counter()

    def now(self):
        return (time.perf_counter() - self.t0) * 1e6

    def open(self, name, frame, shapes=()):
        parent = self.stack[-1][1] if self.stack else None
        event = FunctionEvent(len(self.events) + len(self.stack) + 1, name, self.thread, self.now(), 0.0, shapes,
                              parent)
        self.stack.append((frame, event))

    def close(self):
        _, event = self.stack.pop()
        event.end_us = self.now()
        if event.cpu_parent is not None:
            event.cpu_parent.cpu_children.append(event)
        self.events.append(event)

    def __call__(self, frame, what, arg):
        if what == "call":
            name = _event_name(frame, self.names, self.special_codes)
            if name is not None:
                self.open(name, frame, _shapes(frame) if self.record_shapes and name[:6] == "aten::" else ())
        elif what == "return" and self.stack and self.stack[-1][0] is frame:
            self.close()


_active = threading.local()


class profile:
    """Context manager that records the time of each ember operation run inside it (this thread only)."""

    def __init__(self, enabled=True, *, use_cuda=False, use_device=None, record_shapes=False, with_flops=False,
                 profile_memory=False, with_stack=False, with_modules=False, use_kineto=False, use_cpu=True,
                 experimental_config=None, acc_events=False, custom_trace_id_callback=None):
        self.enabled, self.record_shapes = enabled, record_shapes
        self.function_events = None
        self._recorder = None

    def __enter__(self):
        if not self.enabled:
            return self
        if self._recorder is not None:
            raise RuntimeError("Profiler context manager is not reentrant")
        self._recorder = _Recorder(self.record_shapes)
        self._outer = sys.getprofile(), getattr(_active, "recorder", None)
        _active.recorder = self._recorder
        sys.setprofile(self._recorder)
        return self

    def __exit__(self, *exc):
        if not self.enabled or self._recorder is None:
            return
        recorder = self._recorder
        sys.setprofile(self._outer[0])
        _active.recorder = self._outer[1]
        while recorder.stack:       # blocks left open (an exception, or the profile closed inside them)
            recorder.close()
        self.function_events = EventList(sorted(recorder.events, key=lambda e: e.start_us))
        self._recorder = None

    def _check_finished(self):
        if self.function_events is None:
            raise RuntimeError("Profiler didn't finish running")

    def events(self):
        self._check_finished()
        return self.function_events

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0):
        return self.events().key_averages(group_by_input_shape, group_by_stack_n)

    def total_average(self):
        return self.events().total_average()

    def table(self, **kwargs):
        return self.events().table(**kwargs)

    def export_chrome_trace(self, path):
        self.events().export_chrome_trace(path)

    @property
    def self_cpu_time_total(self):
        return self.events().self_cpu_time_total

    def __str__(self):
        return str(self.events())


class record_function:
    """Context manager (or decorator) that marks the code it runs as one event named `name` when profiled."""

    def __init__(self, name, args=None):
        self.name, self.args = name, args
        self._recorder = None

    def __enter__(self):
        recorder = getattr(_active, "recorder", None)
        if recorder is not None:
            recorder.open(self.name, self)
            self._recorder = recorder
        return self

    def __exit__(self, *exc):
        recorder, self._recorder = self._recorder, None
        if recorder is not None and recorder.stack and recorder.stack[-1][0] is self:
            recorder.close()

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with record_function(self.name, self.args):
                return fn(*args, **kwargs)
        return wrapper
