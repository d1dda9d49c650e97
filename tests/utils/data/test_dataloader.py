"""DataLoader against torch.utils.data.DataLoader: batches, len(), argument errors, iterable datasets."""
import collections
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import ember
import ember.utils.data as edata
from tests.utils.data.compare import assert_same, assert_same_error

Sample = collections.namedtuple("Sample", ["image", "label"])


def _dataset(kind):
    """The same map-style dataset built on ember (edata, ember) and on torch (tdata, torch)."""
    def make(data, mod):
        x = np.arange(30, dtype=np.float32).reshape(10, 3)
        y = np.arange(10) % 3

        class Records(data.Dataset):
            def __len__(self):
                return 10

            def __getitem__(self, i):
                if kind == "dicts":
                    return {"x": mod.tensor(x[i]), "y": int(y[i]), "name": f"s{i}", "w": float(i) / 4}
                if kind == "namedtuples":
                    return Sample(x[i], np.int64(y[i]))
                return [mod.tensor(x[i], dtype=mod.float64), (int(y[i]), bool(i % 2))]
        return data.TensorDataset(mod.tensor(x), mod.tensor(y)) if kind == "tensors" else Records()
    return make(edata, ember), make(tdata, torch)


def _loaders(kind, **kwargs):
    e, t = _dataset(kind)
    return edata.DataLoader(e, **kwargs), tdata.DataLoader(t, **kwargs)


@pytest.mark.parametrize("kind", ["tensors", "dicts", "namedtuples", "lists"])
@pytest.mark.parametrize("kwargs", [{}, dict(batch_size=4), dict(batch_size=4, drop_last=True),
                                    dict(batch_size=5, drop_last=True), dict(batch_size=None),
                                    dict(batch_size=3, num_workers=2)])
def test_sequential_batches_match_torch(kind, kwargs):
    e, t = _loaders(kind, **kwargs)
    assert len(e) == len(t)
    eb, tb = list(e), list(t)
    assert len(eb) == len(tb) == len(t)
    for a, b in zip(eb, tb):
        assert_same(a, b)
    for a, b in zip(e, tb):     # a second epoch gives the same batches
        assert_same(a, b)


def test_custom_sampler_batch_sampler_and_collate_fn():
    e, t = _dataset("tensors")
    order = [9, 2, 5, 0, 7]
    pairs = [(edata.DataLoader(e, batch_size=2, sampler=order), tdata.DataLoader(t, batch_size=2, sampler=order)),
             (edata.DataLoader(e, batch_sampler=[[3, 1], [0], [2, 2, 2]]),
              tdata.DataLoader(t, batch_sampler=[[3, 1], [0], [2, 2, 2]])),
             (edata.DataLoader(e, batch_size=3, collate_fn=lambda b: [s[1] for s in b]),
              tdata.DataLoader(t, batch_size=3, collate_fn=lambda b: [s[1] for s in b])),
             (edata.DataLoader(e, sampler=edata.SequentialSampler(range(4)), batch_size=None),
              tdata.DataLoader(t, sampler=tdata.SequentialSampler(range(4)), batch_size=None))]
    for el, tl in pairs:
        assert len(el) == len(tl)
        for a, b in zip(el, tl, strict=True):
            assert_same(a, b)


def test_tensor_dataset_with_requires_grad_keeps_the_graph():
    x = ember.tensor([[1., 2.], [3., 4.], [5., 6.]], requires_grad=True)
    tx = torch.tensor([[1., 2.], [3., 4.], [5., 6.]], requires_grad=True)
    (eb,), (tb,) = next(iter(edata.DataLoader(edata.TensorDataset(x), batch_size=2))), \
        next(iter(tdata.DataLoader(tdata.TensorDataset(tx), batch_size=2)))
    assert eb.grad_fn.name() == tb.grad_fn.name() == "StackBackward0"
    (eb * eb).sum().backward()
    (tb * tb).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


def test_shuffle_is_a_seeded_permutation():
    e, _ = _dataset("tensors")
    loader = edata.DataLoader(e, batch_size=4, shuffle=True)
    assert len(loader) == 3

    def rows_of_epoch(ld):
        return [int(r[0].item()) // 3 for xb, _ in ld for r in xb]
    ember.manual_seed(0)
    a = [rows_of_epoch(loader) for _ in range(3)]
    assert all(sorted(rows) == list(range(10)) for rows in a)
    assert a[0] != a[1]
    ember.manual_seed(0)
    assert [rows_of_epoch(loader) for _ in range(3)] == a
    ember.manual_seed(1)
    assert rows_of_epoch(loader) != a[0]
    g = lambda: ember.Generator().manual_seed(5)    # noqa: E731
    assert rows_of_epoch(edata.DataLoader(e, batch_size=3, shuffle=True, generator=g())) == \
        rows_of_epoch(edata.DataLoader(e, batch_size=3, shuffle=True, generator=g()))


def _streams(n, reported=None, with_len=True):
    def make(data):
        class Stream(data.IterableDataset):
            def __iter__(self):
                return iter([{"v": i, "sq": np.float32(i * i)} for i in range(n)])

        class Sized(Stream):
            def __len__(self):
                return n if reported is None else reported
        return Sized() if with_len else Stream()
    return make(edata), make(tdata)


@pytest.mark.parametrize("kwargs", [{}, dict(batch_size=3), dict(batch_size=3, drop_last=True),
                                    dict(batch_size=2, drop_last=True), dict(batch_size=None),
                                    dict(batch_size=20), dict(batch_size=20, drop_last=True)])
def test_iterable_dataset_batches_and_len(kwargs):
    e, t = _streams(7)
    el, tl = edata.DataLoader(e, **kwargs), tdata.DataLoader(t, **kwargs)
    eb, tb = list(el), list(tl)
    assert len(eb) == len(tb)
    for a, b in zip(eb, tb):
        assert_same(a, b)
    assert len(el) == len(tl)


def test_iterable_dataset_len_errors_and_warning():
    e, t = _streams(5, with_len=False)
    assert_same_error(lambda: len(edata.DataLoader(e)), lambda: len(tdata.DataLoader(t)))
    e, t = _streams(5, reported=3)
    results = []
    for data, ds in ((edata, e), (tdata, t)):
        loader = data.DataLoader(ds, batch_size=2)
        assert len(loader) == 2
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            batches = list(loader)
        results.append((len(batches), [str(w.message).replace(repr(ds), "DS") for w in caught]))
    assert results[0] == results[1]
    assert results[0][1] == []       # torch counts batches (3) against the reported samples (3): no warning
    e, t = _streams(8, reported=3)
    msgs = []
    for data, ds in ((edata, e), (tdata, t)):
        loader = data.DataLoader(ds)
        len(loader)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            list(loader)
        msgs.append([(w.category, str(w.message).replace(str(ds), "DS"), w.filename) for w in caught])
    assert msgs[0] == msgs[1] and len(msgs[0]) == 5


def _argument_cases():
    return [
        dict(num_workers=-1), dict(timeout=-1), dict(prefetch_factor=2), dict(num_workers=1, prefetch_factor=-1),
        dict(persistent_workers=True), dict(shuffle=True, sampler=[0, 1]),
        dict(batch_sampler=[[0]], batch_size=2), dict(batch_sampler=[[0]], shuffle=True),
        dict(batch_sampler=[[0]], sampler=[0]), dict(batch_sampler=[[0]], drop_last=True),
        dict(batch_size=None, drop_last=True), dict(batch_size=0), dict(batch_size=2, drop_last=None),
        dict(multiprocessing_context="spawn"), dict(num_workers=1, multiprocessing_context="nope"),
        dict(num_workers=1, multiprocessing_context=3),
    ]


@pytest.mark.parametrize("kwargs", _argument_cases())
def test_argument_errors(kwargs):
    e, t = _dataset("tensors")
    assert_same_error(lambda: edata.DataLoader(e, **kwargs), lambda: tdata.DataLoader(t, **kwargs))


@pytest.mark.parametrize("kwargs", [dict(shuffle=True), dict(sampler=[0]), dict(batch_sampler=[[0]])])
def test_iterable_dataset_argument_errors(kwargs):
    e, t = _streams(3)
    err = assert_same_error(lambda: edata.DataLoader(e, **kwargs), lambda: tdata.DataLoader(t, **kwargs))
    assert "IterableDataset" in str(err)


def test_attributes_and_frozen_settings():
    e, t = _dataset("tensors")
    el, tl = edata.DataLoader(e, batch_size=4, num_workers=2), tdata.DataLoader(t, batch_size=4, num_workers=2)
    for name in ("batch_size", "drop_last", "num_workers", "prefetch_factor", "pin_memory", "timeout",
                 "persistent_workers"):
        assert getattr(el, name) == getattr(tl, name), name
    assert type(el.sampler).__name__ == type(tl.sampler).__name__ == "SequentialSampler"
    assert type(el.batch_sampler).__name__ == "BatchSampler"
    assert el.collate_fn is edata.default_collate
    assert edata.DataLoader(e, batch_size=None).collate_fn is edata.default_convert
    for attr in ("batch_size", "sampler", "dataset"):
        assert_same_error(lambda: setattr(el, attr, 1), lambda: setattr(tl, attr, 1))
    el.num_workers = 0
    assert edata.get_worker_info() is None is tdata.get_worker_info()


def test_timeout_without_workers_and_pin_memory():
    e, t = _dataset("tensors")
    assert_same_error(lambda: iter(edata.DataLoader(e, timeout=1)), lambda: iter(tdata.DataLoader(t, timeout=1)))
    if not ember.cuda.is_available():
        with pytest.warns(UserWarning, match="'pin_memory' argument is set as true but no accelerator"):
            batch = next(iter(edata.DataLoader(e, batch_size=2, pin_memory=True)))
        assert_same(batch, next(iter(tdata.DataLoader(t, batch_size=2))))


def test_map_dataset_getitems_is_used():
    calls = []

    class Batched(edata.Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            raise AssertionError("the loader should fetch whole batches")

        def __getitems__(self, indices):
            calls.append(list(indices))
            return [float(i) for i in indices]
    batches = [b.tolist() for b in edata.DataLoader(Batched(), batch_size=2)]
    assert batches == [[0., 1.], [2., 3.], [4.]] and calls == [[0, 1], [2, 3], [4]]
