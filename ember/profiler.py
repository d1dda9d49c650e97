"""torch.profiler: the autograd profiler with activities, a step schedule and trace handlers (CPU only)."""
import enum
import gzip
import os
import socket
import time
import warnings

from .autograd.profiler import EventList, profile as _autograd_profile, record_function

__all__ = ["profile", "record_function", "ProfilerActivity", "ProfilerAction", "schedule",
           "tensorboard_trace_handler", "supported_activities"]


class ProfilerActivity(enum.Enum):
    CPU = 0
    XPU = 1
    MTIA = 2
    CUDA = 3
    HPU = 4
    PrivateUse1 = 5


class ProfilerAction(enum.Enum):
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3
    DEVICE_STOPPED = 4


def supported_activities():
    """The activities ember can profile: the CPU (GPU work runs through CuPy, outside the profiler)."""
    return {ProfilerActivity.CPU}


def schedule(*, wait, warmup, active, repeat=0, skip_first=0, skip_first_wait=0):
    """The action at each step: skip_first steps of NONE, then cycles of `wait` NONE, `warmup` WARMUP and `active`
    RECORD steps (the last RECORD_AND_SAVE), `repeat` cycles (0: forever), NONE afterwards; skip_first_wait
    drops the first cycle's wait."""
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise AssertionError(f"Invalid profiler schedule arguments. Got wait={wait} (need >= 0), warmup={warmup} "
                             f"(need >= 0), active={active} (need > 0), repeat={repeat} (need >= 0), "
                             f"skip_first={skip_first} (need >= 0).")
    if warmup == 0:
        warnings.warn("Profiler won't be using warmup, this can skew profiler results", stacklevel=2)
    period = wait + warmup + active

    def action(step):
        if step < 0:
            raise AssertionError(f"Step must be non-negative. Got {step}.")
        if step < skip_first:
            return ProfilerAction.NONE
        step = step - skip_first + (wait if skip_first_wait else 0)
        if repeat and step // period >= repeat:
            return ProfilerAction.NONE
        phase = step % period
        if phase < wait:
            return ProfilerAction.NONE
        if phase < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if phase < period - 1 else ProfilerAction.RECORD_AND_SAVE
    return action


def _always_record(step):
    return ProfilerAction.RECORD


def tensorboard_trace_handler(dir_name, worker_name=None, use_gzip=False, use_python_export=False):
    """An on_trace_ready that writes each recorded cycle to dir_name/<worker>.<time>.pt.trace.json(.gz)."""
    def handler(prof):
        os.makedirs(dir_name, exist_ok=True)
        worker = worker_name or f"{socket.gethostname()}_{os.getpid()}"
        path = os.path.join(dir_name, f"{worker}.{time.time_ns() // 1_000_000}.pt.trace.json")
        if use_gzip:
            prof.export_chrome_trace(path)
            with open(path, "rb") as f, gzip.open(path + ".gz", "wb") as g:
                g.write(f.read())
            os.remove(path)
        else:
            prof.export_chrome_trace(path)
    return handler


class profile:
    """Profiles ember operations (CPU) over the steps its schedule records; see ember.autograd.profiler."""

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None, record_shapes=False,
                 profile_memory=False, with_stack=False, with_flops=False, with_modules=False,
                 experimental_config=None, execution_trace_observer=None, acc_events=False, use_cuda=None,
                 custom_trace_id_callback=None, post_processing_timeout_s=None):
        self.activities = set(activities) if activities else supported_activities()
        self.schedule = schedule or _always_record
        self.on_trace_ready = on_trace_ready
        self.record_shapes = record_shapes
        self.step_num = 0
        self._current = None
        self._events = None

    def start(self):
        self._transition(None, self.schedule(self.step_num))

    def stop(self):
        self._transition(self.schedule(self.step_num), None)

    def step(self):
        """Mark the end of a training step: the schedule decides whether the next one is recorded."""
        before = self.schedule(self.step_num)
        self.step_num += 1
        self._transition(before, self.schedule(self.step_num))

    def _transition(self, before, after):
        recording = (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)
        if before in recording and (after not in recording or before == ProfilerAction.RECORD_AND_SAVE):
            self._current.__exit__(None, None, None)
            self._events = self._current.function_events
            self._current = None
            if self.on_trace_ready is not None:
                self.on_trace_ready(self)
        if after in recording and self._current is None:
            self._current = _autograd_profile(record_shapes=self.record_shapes)
            self._current.__enter__()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def events(self):
        if self._events is None:
            raise RuntimeError("Profiler didn't finish running")
        return self._events

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0, group_by_overload_name=False):
        return self.events().key_averages(group_by_input_shape, group_by_stack_n)

    def export_chrome_trace(self, path):
        EventList.export_chrome_trace(self.events(), path)
