"""DataLoader worker processes: the same batches as num_workers=0 (and as torch's workers), seeding,
worker_init_fn and get_worker_info, IterableDataset sharding, persistent workers, errors, timeouts, dead
workers and clean shutdown."""
import gc
import math
import multiprocessing
import os
import random
import time
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import ember
import ember.utils.data as edata
from ember.utils.data._worker import WorkerInfo
from tests.utils.data.compare import assert_same


@pytest.fixture(autouse=True)
def _no_children_before():
    """Each test starts without child processes (torch's iterators, kept alive by the reference cycles of
    their errors, end their workers when collected), so that a test can check that ember's are gone."""
    gc.collect()
    assert multiprocessing.active_children() == []


def _plain(batch):
    """A batch as nested Python values (tensors as dtype, shape and values), for == between loaders."""
    if isinstance(batch, ember.Tensor):
        return ("tensor", str(batch.dtype), tuple(batch.shape), batch.tolist())
    if isinstance(batch, dict):
        return {k: _plain(v) for k, v in batch.items()}
    if isinstance(batch, (list, tuple)):
        return type(batch).__name__, [_plain(v) for v in batch]
    return batch


def _epoch(loader):
    return [_plain(b) for b in loader]


class Records(edata.Dataset):
    """Eleven samples of mixed types (module level: picklable, as the spawn start method needs)."""

    def __len__(self):
        return 11

    def __getitem__(self, i):
        return {"x": ember.tensor([float(i), i / 2]), "y": i % 3, "name": f"s{i}"}


def _tensors():
    return edata.TensorDataset(ember.arange(22.).reshape(11, 2), ember.arange(11) % 3)


def _labels(samples):
    return [s["name"] for s in samples]


@pytest.mark.parametrize("dataset", [Records, _tensors])
@pytest.mark.parametrize("kwargs", [dict(batch_size=3), dict(batch_size=3, drop_last=True), dict(batch_size=None),
                                    dict(batch_size=2, shuffle=True), dict(batch_size=4, sampler=[9, 2, 5, 0, 7]),
                                    dict(batch_sampler=[[3, 1], [0], [2, 2, 2], [10]])])
def test_same_batches_as_without_workers(dataset, kwargs):
    ds = dataset()
    ember.manual_seed(5)      # shuffle: the default generator gives the same order with workers or without
    expected = _epoch(edata.DataLoader(ds, **kwargs))
    for workers, prefetch in ((1, 1), (2, None), (2, 3)):
        loader = edata.DataLoader(ds, num_workers=workers, prefetch_factor=prefetch, **kwargs)
        assert len(loader) == len(expected)
        ember.manual_seed(5)
        assert _epoch(loader) == expected


def test_shuffle_with_a_seeded_generator_and_custom_collate_fn():
    for kwargs in (dict(batch_size=3), dict(batch_size=4, drop_last=True, collate_fn=_labels),
                   dict(batch_size=None)):
        runs = [_epoch(edata.DataLoader(Records(), shuffle=True, generator=ember.Generator().manual_seed(7),
                                        num_workers=workers, **kwargs)) for workers in (0, 2, 2)]
        assert runs[0] == runs[1] == runs[2]
        names = [n for b in runs[0] for n in (b[1] if kwargs.get("collate_fn") else
                                               b["name"][1] if kwargs["batch_size"] else [b["name"]])]
        assert len(set(names)) == len(names) == (8 if kwargs.get("drop_last") else 11)
        assert names != sorted(names, key=lambda n: int(n[1:]))
    ember.manual_seed(3)
    epochs = [_epoch(edata.DataLoader(_tensors(), batch_size=2, shuffle=True, num_workers=2)) for _ in range(2)]
    assert epochs[0] != epochs[1]
    ember.manual_seed(3)
    assert [_epoch(edata.DataLoader(_tensors(), batch_size=2, shuffle=True)) for _ in range(2)] == epochs


def _torch_records():
    class TorchRecords(tdata.Dataset):
        def __len__(self):
            return 11

        def __getitem__(self, i):
            return {"x": torch.tensor([float(i), i / 2]), "y": i % 3, "name": f"s{i}"}
    return TorchRecords()


@pytest.mark.parametrize("kwargs", [dict(batch_size=3, num_workers=2), dict(batch_size=4, num_workers=2,
                                                                            drop_last=True, prefetch_factor=1)])
def test_batches_match_torch_workers(kwargs):
    for a, b in zip(edata.DataLoader(Records(), **kwargs), tdata.DataLoader(_torch_records(), **kwargs),
                    strict=True):
        assert_same(a, b)


class WhoLoads(edata.Dataset):
    """Each sample says which worker loaded it, with the worker's info and what worker_init_fn set."""

    offset = 0

    def __len__(self):
        return 8

    def __getitem__(self, i):
        info = edata.get_worker_info()
        return ember.tensor([i, info.id, info.num_workers, int(info.dataset is self), self.offset, os.getpid()])


def _set_offset(worker_id):
    edata.get_worker_info().dataset.offset = 100 + worker_id


def test_worker_init_fn_and_get_worker_info():
    batches = [b.tolist() for b in edata.DataLoader(WhoLoads(), batch_size=2, num_workers=2,
                                                    worker_init_fn=_set_offset)]
    assert [[row[:5] for row in b] for b in batches] == [
        [[2 * k + j, k % 2, 2, 1, 100 + k % 2] for j in range(2)] for k in range(4)]
    pids = {k % 2: {row[5] for row in b} for k, b in enumerate(batches)}
    assert len(pids[0] | pids[1]) == 2 and os.getpid() not in pids[0] | pids[1]
    assert edata.get_worker_info() is None and WhoLoads.offset == 0
    info = WorkerInfo(id=1, num_workers=2, seed=5, dataset="d")
    assert repr(info) == repr(tdata._utils.worker.WorkerInfo(id=1, num_workers=2, seed=5, dataset="d"))
    with pytest.raises(AttributeError, match="cannot assign to field 'id'"):
        info.id = 0


class BlasThreads(edata.Dataset):
    def __len__(self):
        return 2

    def __getitem__(self, i):
        return ember.get_num_threads()


def test_workers_use_one_blas_thread_each_as_torch():
    assert list(edata.DataLoader(BlasThreads(), batch_size=None, num_workers=2)) == [1, 1]
    assert list(edata.DataLoader(BlasThreads(), batch_size=None)) == [ember.get_num_threads()] * 2


class RandomDraws(edata.Dataset):
    """Each sample: the worker's id and seed, and a draw from ember's, NumPy's and Python's generators."""

    def __len__(self):
        return 4

    def __getitem__(self, i):
        info = edata.get_worker_info()
        return [info.id, info.seed, ember.rand(()).item(), np.random.rand(), random.random()]


def test_worker_seeds_are_reproducible_and_differ_per_worker():
    def draws(**kwargs):
        return list(edata.DataLoader(RandomDraws(), batch_size=None, num_workers=2, **kwargs))
    ember.manual_seed(0)
    first, second = draws(), draws()
    ember.manual_seed(0)
    assert draws() == first
    assert draws() == second
    assert first != second                                # a new base seed each epoch
    for run in (first, second):
        by_worker = {row[0]: row for row in run[:2]}
        assert by_worker[1][1] == by_worker[0][1] + 1     # seed = base_seed + worker id
        for k in (2, 3, 4):                               # ember, NumPy and random draws differ per worker
            assert by_worker[0][k] != by_worker[1][k]
    g = lambda: ember.Generator().manual_seed(11)        # noqa: E731
    assert draws(generator=g()) == draws(generator=g())
    ember.manual_seed(0)
    base = first[0][1] - first[0][0]
    ember.manual_seed(0)
    it = iter(edata.DataLoader(RandomDraws(), batch_size=1))
    assert it._base_seed == base                          # drawn the same way without workers
    # the first worker draws exactly what a process seeded with its seed draws
    ember.manual_seed(base)
    random.seed(base)
    row0 = next(r for r in first if r[0] == 0)
    assert row0[2] == ember.rand(()).item() and row0[4] == random.random()


class Shards(edata.IterableDataset):
    """range(start, end); with workers each yields its own contiguous part (torch's recipe)."""

    def __init__(self, start, end, shard=True):
        self.start, self.end, self.shard = start, end, shard

    def __iter__(self):
        info = edata.get_worker_info()
        if info is None or not self.shard:
            return iter(range(self.start, self.end))
        per_worker = int(math.ceil((self.end - self.start) / float(info.num_workers)))
        start = self.start + info.id * per_worker
        return iter(range(start, min(start + per_worker, self.end)))


def _torch_shards(start, end, shard=True):
    class TorchShards(tdata.IterableDataset):
        def __iter__(self):
            info = tdata.get_worker_info()
            if info is None or not shard:
                return iter(range(start, end))
            per_worker = int(math.ceil((end - start) / float(info.num_workers)))
            first = start + info.id * per_worker
            return iter(range(first, min(first + per_worker, end)))
    return TorchShards()


@pytest.mark.parametrize("shard", [True, False])
@pytest.mark.parametrize("kwargs", [dict(), dict(batch_size=2), dict(batch_size=2, drop_last=True),
                                    dict(batch_size=None), dict(batch_size=2, persistent_workers=True)])
def test_iterable_dataset_with_workers_matches_torch(shard, kwargs):
    el = edata.DataLoader(Shards(3, 10, shard), num_workers=2, **kwargs)
    tl = tdata.DataLoader(_torch_shards(3, 10, shard), num_workers=2, **kwargs)
    for _ in range(2):
        eb, tb = list(el), list(tl)
        assert len(eb) == len(tb)
        for a, b in zip(eb, tb):
            assert_same(a, b)
    values = sorted(v for b in eb for v in (b.tolist() if isinstance(b, ember.Tensor) and b.ndim else [int(b)]))
    if not kwargs.get("drop_last"):
        assert values == (list(range(3, 10)) if shard else sorted(2 * list(range(3, 10))))


def test_iterable_dataset_length_warning_names_workers():
    class Sized(Shards):
        def __len__(self):
            return 3
    loader = edata.DataLoader(Sized(0, 6), num_workers=2)
    len(loader)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert len(list(loader)) == 6
    assert len(caught) == 3
    assert str(caught[0].message).endswith(
        "but 4 samples have been fetched. For multiprocessing data-loading, this could be caused by not properly "
        "configuring the IterableDataset replica at each worker. Please see "
        "https://pytorch.org/docs/stable/data.html#torch.utils.data.IterableDataset for examples.")


def test_persistent_workers_live_across_epochs():
    loader = edata.DataLoader(WhoLoads(), batch_size=2, num_workers=2, persistent_workers=True,
                              worker_init_fn=_set_offset)
    epochs = [[b.tolist() for b in loader] for _ in range(2)]
    assert epochs[0] == epochs[1]
    assert {row[5] for b in epochs[0] for row in b} == {p.pid for p in multiprocessing.active_children()}
    it = iter(loader)
    assert next(it).tolist() == epochs[0][0]       # a broken-off epoch: the next one starts from the start
    assert [b.tolist() for b in loader] == epochs[0]
    shuffled = edata.DataLoader(Records(), batch_size=3, shuffle=True, num_workers=2, persistent_workers=True,
                                generator=ember.Generator().manual_seed(2))
    plain = edata.DataLoader(Records(), batch_size=3, shuffle=True, generator=ember.Generator().manual_seed(2))
    first = _epoch(shuffled)
    assert first == _epoch(plain)
    second = _epoch(shuffled)      # persistent workers draw no new base seed: the generator then moves on alike
    names = [[n for b in epoch for n in b["name"][1]] for epoch in (first, second)]
    assert sorted(names[0]) == sorted(names[1]) and names[0] != names[1]
    del loader, it, shuffled
    assert multiprocessing.active_children() == []


class Failing(edata.Dataset):
    def __init__(self, error):
        self.error = error

    def __len__(self):
        return 6

    def __getitem__(self, i):
        if i == 3:
            raise self.error
        return i


def _torch_failing(error):
    class TorchFailing(tdata.Dataset):
        def __len__(self):
            return 6

        def __getitem__(self, i):
            if i == 3:
                raise error
            return i
    return TorchFailing()


@pytest.mark.parametrize("error", [ValueError("bad sample 3"), KeyError("k"), IndexError(3)])
def test_worker_exception_is_raised_in_main_process(error):
    messages = []
    for data, ds in ((edata, Failing(error)), (tdata, _torch_failing(error))):
        it = iter(data.DataLoader(ds, batch_size=2, num_workers=2))
        assert next(it).tolist() == [0, 1]
        with pytest.raises(type(error)) as caught:
            next(it)
        messages.append(str(caught.value))
        assert next(it).tolist() == [4, 5]     # the loader goes on after the error, as torch's does
        assert list(it) == []
        assert multiprocessing.active_children() == []
    head = (f"Caught {type(error).__name__} in DataLoader worker process 1.\n"
            f"Original Traceback (most recent call last):\n")
    tail = f"{type(error).__name__}: {error}\n"
    for msg in messages:
        assert msg.startswith(head) and msg.endswith(tail), msg
    assert "in __getitem__\n    raise self.error\n" in messages[0]


def _failing_init(worker_id):
    raise RuntimeError(f"no init for worker {worker_id}")


def test_worker_init_fn_error_is_raised():
    with pytest.raises(RuntimeError, match=r"(?s)^Caught RuntimeError in DataLoader worker process 0\.\n"
                                           r"Original Traceback.*RuntimeError: no init for worker 0\n$"):
        list(edata.DataLoader(WhoLoads(), num_workers=2, worker_init_fn=_failing_init))
    assert multiprocessing.active_children() == []


class Slow(edata.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        if i == 1:
            time.sleep(0.6)
        return i


def test_timeout():
    loader = edata.DataLoader(Slow(), num_workers=2, timeout=0.2)
    it = iter(loader)
    assert next(it).item() == 0
    start = time.monotonic()
    with pytest.raises(RuntimeError) as caught:
        next(it)
    assert str(caught.value) == "DataLoader timed out after 0.2 seconds"
    assert 0.19 < time.monotonic() - start < 0.55
    del it, caught
    assert multiprocessing.active_children() == []
    assert [b.item() for b in edata.DataLoader(Slow(), num_workers=2, timeout=5)] == [0, 1, 2, 3]


class Dying(edata.Dataset):
    def __init__(self, how):
        self.how = how

    def __len__(self):
        return 6

    def __getitem__(self, i):
        if i == 3:
            if self.how == "exit":
                os._exit(3)
            os.kill(os.getpid(), 9)
        return i


@pytest.mark.parametrize("how", ["exit", "kill"])
def test_dead_worker_raises_instead_of_hanging(how):
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"^DataLoader worker \(pid\(s\) \d+\) exited unexpectedly$"):
        list(edata.DataLoader(Dying(how), batch_size=1, num_workers=2))
    assert time.monotonic() - start < 3
    assert multiprocessing.active_children() == []


def test_workers_end_with_the_iteration():
    loader = edata.DataLoader(Records(), batch_size=2, num_workers=2)
    it = iter(loader)
    assert len(multiprocessing.active_children()) == 2
    list(it)                                          # exhausted: the workers are gone at once
    assert multiprocessing.active_children() == []
    for k, _ in enumerate(loader):                    # broken off: gone with the loop's iterator
        assert len(multiprocessing.active_children()) == 2
        if k == 1:
            break
    assert multiprocessing.active_children() == []
    it = iter(loader)
    next(it)
    del it
    assert multiprocessing.active_children() == []


def test_in_order_false_gives_every_batch_and_pin_memory_is_accepted():
    expected = _epoch(edata.DataLoader(Records(), batch_size=2))
    got = _epoch(edata.DataLoader(Records(), batch_size=2, num_workers=2, in_order=False))
    assert sorted(map(str, got)) == sorted(map(str, expected))
    if not ember.cuda.is_available():
        with pytest.warns(UserWarning, match="'pin_memory' argument is set as true but no accelerator"):
            assert _epoch(edata.DataLoader(Records(), batch_size=2, num_workers=2, pin_memory=True)) == expected


def test_spawn_start_method():
    loader = edata.DataLoader(WhoLoads(), batch_size=4, num_workers=1, multiprocessing_context="spawn",
                              worker_init_fn=_set_offset)
    assert [[row[:5] for row in b.tolist()] for b in loader] == [
        [[4 * k + j, 0, 1, 1, 100] for j in range(4)] for k in range(2)]


def test_training_with_workers_gives_the_same_losses():
    x = ember.linspace(-1, 1, 48).reshape(24, 2)
    y = (x[:, :1] * 3 - x[:, 1:] + 0.5)
    data = edata.TensorDataset(x, y)

    def losses(workers):
        ember.manual_seed(0)
        model = ember.nn.Linear(2, 1)
        opt = ember.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        loader = edata.DataLoader(data, batch_size=5, shuffle=True, num_workers=workers,
                                  generator=ember.Generator().manual_seed(1))
        out = []
        for _ in range(3):
            for xb, yb in loader:
                loss = ember.nn.functional.mse_loss(model(xb), yb)
                opt.zero_grad()
                loss.backward()
                opt.step()
                out.append(loss.item())
        return out
    without = losses(0)
    assert len(without) == 15 and without[-1] < without[0]
    assert losses(2) == without


def test_more_workers_than_cpus_warns_as_torch():
    cpus = len(os.sched_getaffinity(0))
    messages = []
    for lib in (ember, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            loader = lib.utils.data.DataLoader(list(range(4)), num_workers=cpus + 1)
            assert [int(b) for b in loader] == [0, 1, 2, 3]
        messages.append({str(w.message) for w in caught if w.category is UserWarning})
    assert messages[0] == messages[1] and len(messages[0]) == 1
    assert f"will create {cpus + 1} worker processes in total" in messages[0].pop()
