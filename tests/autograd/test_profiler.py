"""ember.autograd.profiler and ember.profiler against torch's: event names and counts, nesting and times, shapes,
tables, schedules and trace output."""
import json
import sys
import warnings

import numpy as np
import pytest
import torch

import ember

X = np.arange(6.0).reshape(2, 3) / 10


def _pointwise_program(lib):
    x = lib.tensor(X, requires_grad=True)
    y = (x * 2 + 1).exp().sin().sum()
    y.backward()


OPS = ["aten::mul", "aten::add", "aten::exp", "aten::sin", "aten::sum", "MulBackward0", "AddBackward0",
       "ExpBackward0", "SinBackward0", "SumBackward0"]


def _counts(prof, names):
    counts = {e.key: e.count for e in prof.key_averages()}
    return {n: counts.get(n, 0) for n in names}


def _forward_counts(prof):
    """Counts of the forward ops (torch's backward formulas run aten ops too; ember's first-order ones run
    on arrays)."""
    counts = {n: 0 for n in OPS}
    for e in prof.function_events:
        if e.key in counts and not any(p.key.endswith("Backward0") and ":" not in p.key for p in _ancestors(e)):
            counts[e.key] += 1
    return counts


def _ancestors(e):
    while e.cpu_parent is not None:
        e = e.cpu_parent
        yield e


def test_ops_and_backward_nodes_are_events_named_as_torchs():
    results = []
    for lib in (ember, torch):
        with lib.autograd.profiler.profile() as prof:
            _pointwise_program(lib)
        results.append(_forward_counts(prof))
    assert results[0] == results[1] == dict.fromkeys(OPS, 1)


def test_record_function_and_optimizer_steps():
    results = []
    for lib in (ember, torch):
        model = lib.nn.Linear(3, 2).double()
        opt = lib.optim.SGD(model.parameters(), lr=0.1)

        @lib.autograd.profiler.record_function("decorated")
        def loss_of(x):
            return model(x).sum()
        with lib.profiler.profile() as prof:
            for _ in range(2):
                with lib.profiler.record_function("step"):
                    loss_of(lib.tensor(X)).backward()
                    opt.step()
                    opt.zero_grad()
        results.append(_counts(prof, ["step", "decorated", "aten::linear", "Optimizer.step#SGD.step",
                                      "Optimizer.zero_grad#SGD.zero_grad"]))
        decorated = [e for e in prof.events() if e.key == "decorated"]
        assert all(e.cpu_parent.key == "step" for e in decorated)
        assert all(any(c.key == "aten::linear" for c in e.cpu_children) for e in decorated)
    assert results[0] == results[1] == {"step": 2, "decorated": 2, "aten::linear": 2, "Optimizer.step#SGD.step": 2,
                                        "Optimizer.zero_grad#SGD.zero_grad": 2}


def test_record_function_outside_a_profile_does_nothing():
    with ember.profiler.record_function("alone"):
        y = ember.tensor(X) * 2
    np.testing.assert_array_equal(y.numpy(), X * 2)
    assert sys.getprofile() is None


def test_times_nest_and_add_up():
    with ember.autograd.profiler.profile() as prof:
        with ember.autograd.profiler.record_function("outer"):
            _pointwise_program(ember)
    events = prof.function_events
    for e in events:
        assert 0 <= e.self_cpu_time_total <= e.cpu_time_total
        for c in e.cpu_children:
            assert e.start_us <= c.start_us <= c.end_us <= e.end_us
    top = [e for e in events if e.cpu_parent is None]
    assert [e.key for e in top] == ["outer"]
    assert prof.self_cpu_time_total == pytest.approx(top[0].cpu_time_total)
    total = prof.total_average()
    assert total.count == len(events) and total.self_cpu_time_total == pytest.approx(prof.self_cpu_time_total)


def test_input_shapes_as_torchs():
    results = []
    for lib in (ember, torch):
        x = lib.tensor(X)
        with lib.autograd.profiler.profile(record_shapes=True) as prof:
            (x * 2).exp()
            x.sum(0)
        results.append({e.key: e.input_shapes for e in prof.key_averages(group_by_input_shape=True)
                        if e.key in ("aten::mul", "aten::exp")})
    assert results[0] == results[1] == {"aten::mul": [[2, 3], []], "aten::exp": [[2, 3]]}


def _column_titles(table):
    return [c.strip() for c in table.splitlines()[1].split("  ") if c.strip()]


def test_table_columns_sorting_and_limits():
    tables = []
    for lib in (ember, torch):
        with lib.autograd.profiler.profile(record_shapes=True) as prof:
            _pointwise_program(lib)
        averages = prof.key_averages()
        table = averages.table(sort_by="self_cpu_time_total", row_limit=3)
        rows = table.splitlines()[3:6]
        assert len(rows) == 3 and table.splitlines()[6].startswith("---")
        assert table.splitlines()[-1].startswith("Self CPU time total: ")
        selfs = sorted((e.self_cpu_time_total for e in averages), reverse=True)[:3]
        assert [r.split()[0] for r in rows] == [e.key for e in sorted(averages, key=lambda e: -e.self_cpu_time_total)
                                                [:3]]
        assert selfs == sorted(selfs, reverse=True)
        tables.append(_column_titles(table))
        tables.append(_column_titles(prof.key_averages(group_by_input_shape=True).table()))
        with pytest.raises(AttributeError, match="'FunctionEventAvg' object has no attribute 'foo'"):
            averages.table(sort_by="foo")
    assert tables[0] == tables[2] == ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg",
                                      "# of Calls"]
    assert tables[1] == tables[3] == tables[0] + ["Input Shapes"]


def test_profile_errors_and_restores_the_hook():
    prof = ember.autograd.profiler.profile()
    with pytest.raises(RuntimeError, match="Profiler didn't finish running"):
        prof.key_averages()
    with pytest.raises(RuntimeError, match="Profiler context manager is not reentrant"):
        with prof:
            with prof:
                pass
    assert sys.getprofile() is None
    with pytest.raises(ValueError):
        with ember.autograd.profiler.profile():
            raise ValueError
    assert sys.getprofile() is None
    with ember.autograd.profiler.profile(enabled=False) as off:
        _pointwise_program(ember)
    assert sys.getprofile() is None and off.function_events is None


SCHEDULES = [dict(wait=1, warmup=1, active=2), dict(wait=1, warmup=1, active=2, repeat=2, skip_first=1),
             dict(wait=3, warmup=1, active=1, repeat=1, skip_first_wait=1), dict(wait=0, warmup=2, active=3, repeat=3)]


@pytest.mark.parametrize("kw", SCHEDULES, ids=str)
def test_schedule_actions_as_torchs(kw):
    ours, theirs = ember.profiler.schedule(**kw), torch.profiler.schedule(**kw)
    assert [ours(i).name for i in range(25)] == [theirs(i).name for i in range(25)]


def test_schedule_errors_and_warning():
    for lib in (ember, torch):
        with pytest.raises(AssertionError, match=r"Invalid profiler schedule arguments. Got wait=1 \(need >= 0\), "
                                                 r"warmup=1 \(need >= 0\), active=0 \(need > 0\)"):
            lib.profiler.schedule(wait=1, warmup=1, active=0)
        with pytest.warns(UserWarning, match="Profiler won't be using warmup"):
            lib.profiler.schedule(wait=1, warmup=0, active=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(AssertionError, match="Step must be non-negative. Got -1."):
                lib.profiler.schedule(wait=1, warmup=0, active=1)(-1)


def test_scheduled_profile_records_the_active_steps_and_hands_each_cycle_over():
    results = []
    for lib in (ember, torch):
        ready = []
        x = lib.tensor(X)

        def on_ready(prof):
            ready.append((prof.step_num, _counts(prof, ["aten::mul"])["aten::mul"]))
        with lib.profiler.profile(activities=[lib.profiler.ProfilerActivity.CPU], on_trace_ready=on_ready,
                                  schedule=lib.profiler.schedule(wait=1, warmup=1, active=2, repeat=2)) as prof:
            for _ in range(9):
                x * 2
                prof.step()
        results.append(ready)
    assert results[0] == results[1] == [(4, 2), (8, 2)]


def test_chrome_trace_and_tensorboard_handler(tmp_path):
    with ember.profiler.profile(on_trace_ready=ember.profiler.tensorboard_trace_handler(str(tmp_path / "tb"),
                                                                                        worker_name="w"),
                                record_shapes=True) as prof:
        _pointwise_program(ember)
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    for file in (path, *sorted((tmp_path / "tb").iterdir())):
        trace = json.loads(file.read_text())
        names = [e["name"] for e in trace["traceEvents"]]
        assert sorted(set(names) & set(OPS)) == sorted(OPS)
        assert all(e["ph"] == "X" and e["dur"] >= 0 for e in trace["traceEvents"])
    assert [f.name.split(".")[0] for f in (tmp_path / "tb").iterdir()] == ["w"]
    assert ember.profiler.supported_activities() == {ember.profiler.ProfilerActivity.CPU}
