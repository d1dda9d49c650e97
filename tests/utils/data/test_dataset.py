"""Datasets and random_split against torch.utils.data."""
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import ember
import ember.utils.data as edata
from tests.utils.data.compare import assert_same, assert_same_error


def _squares(base):
    """The dataset of i * i + offset for i < n, on base (ember's or torch's Dataset)."""
    class Squares(base):
        def __init__(self, n, offset=0):
            self.n, self.offset = n, offset

        def __len__(self):
            return self.n

        def __getitem__(self, i):
            if not 0 <= i < self.n:
                raise IndexError(i)
            return i * i + self.offset
    return Squares


Squares, TorchSquares = _squares(edata.Dataset), _squares(tdata.Dataset)


def _stream(base):
    class Stream(base):
        def __init__(self, items):
            self.items = items

        def __iter__(self):
            return iter(self.items)

        def __len__(self):
            return len(self.items)
    return Stream


EStream, TStream = _stream(edata.IterableDataset), _stream(tdata.IterableDataset)


def test_dataset_base_and_generic_subscript():
    assert_same_error(lambda: edata.Dataset()[0], lambda: tdata.Dataset()[0])
    assert edata.Dataset[int] is not None and edata.Sampler[int] is not None
    with pytest.raises(NotImplementedError):
        iter(edata.Sampler())


def test_tensor_dataset():
    x = np.arange(12.).reshape(4, 3)
    y = np.array([3, 1, 4, 1])
    e = edata.TensorDataset(ember.tensor(x), ember.tensor(y))
    t = tdata.TensorDataset(torch.tensor(x), torch.tensor(y))
    assert len(e) == len(t) == 4
    for i in (0, 3, -1, slice(1, 3)):
        assert_same(e[i], t[i])
    assert_same(e[[2, 0]], t[[2, 0]])
    assert_same_error(lambda: edata.TensorDataset(ember.zeros(3), ember.zeros(4)),
                      lambda: tdata.TensorDataset(torch.zeros(3), torch.zeros(4)))


def test_concat_dataset_indices_and_errors():
    assert type(Squares(1) + Squares(2)) is edata.ConcatDataset
    e = edata.ConcatDataset([Squares(3), Squares(0), Squares(4, 100)])
    t = tdata.ConcatDataset([TorchSquares(3), TorchSquares(0), TorchSquares(4, 100)])
    assert len(e) == len(t) == 7
    assert e.cumulative_sizes == t.cumulative_sizes == [3, 3, 7]
    assert [e[i] for i in range(-7, 7)] == [t[i] for i in range(-7, 7)]
    assert_same_error(lambda: e[-8], lambda: t[-8])
    assert_same_error(lambda: edata.ConcatDataset([]), lambda: tdata.ConcatDataset([]))
    assert_same_error(lambda: edata.ConcatDataset([Squares(2), EStream([1])]),
                      lambda: tdata.ConcatDataset([TorchSquares(2), TStream([1])]))
    with pytest.warns(FutureWarning, match="renamed to `cumulative_sizes`"):
        assert e.cummulative_sizes == [3, 3, 7]


def test_stack_dataset():
    a, b = Squares(3), Squares(3, 1)
    ta, tb = TorchSquares(3), TorchSquares(3, 1)
    for e, t in ((edata.StackDataset(a, b), tdata.StackDataset(ta, tb)),
                 (edata.StackDataset(x=a, y=b), tdata.StackDataset(x=ta, y=tb))):
        assert len(e) == len(t) == 3
        assert_same(e[2], t[2])
        assert_same(e.__getitems__([2, 0]), t.__getitems__([2, 0]))
    assert_same_error(lambda: edata.StackDataset(a, y=b), lambda: tdata.StackDataset(ta, y=tb))
    assert_same_error(lambda: edata.StackDataset(), lambda: tdata.StackDataset())
    assert_same_error(lambda: edata.StackDataset(a, Squares(2)), lambda: tdata.StackDataset(ta, TorchSquares(2)))

    class Short(Squares):
        def __getitems__(self, indices):
            return [0]
    assert_same_error(lambda: edata.StackDataset(Short(3)).__getitems__([0, 1]),
                      lambda: tdata.StackDataset(Short(3)).__getitems__([0, 1]))


def test_chain_dataset():
    e = EStream([1, 2]) + EStream([3])
    t = TStream([1, 2]) + TStream([3])
    assert type(e) is edata.ChainDataset
    assert list(e) == list(t) == [1, 2, 3]
    assert len(e) == len(t) == 3
    assert_same_error(lambda: list(edata.ChainDataset([Squares(2)])),
                      lambda: list(tdata.ChainDataset([TorchSquares(2)])))
    assert_same_error(lambda: len(edata.ChainDataset([Squares(2)])), lambda: len(tdata.ChainDataset([TorchSquares(2)])))


def test_subset():
    e = edata.Subset(Squares(6), [5, 0, 2])
    t = tdata.Subset(TorchSquares(6), [5, 0, 2])
    assert len(e) == len(t) == 3
    assert [e[i] for i in range(3)] == [t[i] for i in range(3)]
    assert e.__getitems__([2, 0]) == t.__getitems__([2, 0])
    x = np.arange(10.)
    assert_same(edata.Subset(ember.tensor(x), [4, 1])[[1, 0]], tdata.Subset(torch.tensor(x), [4, 1])[[1, 0]])
    assert_same(edata.Subset(edata.TensorDataset(ember.tensor(x)), [4, 1]).__getitems__([1]),
                tdata.Subset(tdata.TensorDataset(torch.tensor(x)), [4, 1]).__getitems__([1]))

    def bad(base):
        class Bad(base):
            def __getitem__(self, idx):
                return 0
        return Bad
    assert_same_error(lambda: bad(edata.Subset)(Squares(2), [0]), lambda: bad(tdata.Subset)(TorchSquares(2), [0]))


@pytest.mark.parametrize("n, lengths", [(10, [3, 7]), (10, [0.3, 0.7]), (11, [0.3, 0.3, 0.4]),
                                        (30, [0.3, 0.3, 0.4]), (7, [0.5, 0.5]), (5, [1.0]),
                                        (10, [0.1, 0.2, 0.3, 0.4]), (3, [10, -7])])
def test_random_split_lengths_and_cover(n, lengths):
    e = edata.random_split(range(n), lengths, generator=ember.Generator().manual_seed(0))
    t = tdata.random_split(range(n), lengths, generator=torch.Generator().manual_seed(0))
    assert [len(s) for s in e] == [len(s) for s in t]
    assert all(type(s) is edata.Subset for s in e)
    items = [x for s in e for x in (s[i] for i in range(len(s)))]
    assert sorted(items) == list(range(n))


def test_random_split_warnings_and_errors():
    with warnings.catch_warnings(record=True) as ew:
        warnings.simplefilter("always")
        e = edata.random_split(range(2), [0.4, 0.4, 0.2])
    with warnings.catch_warnings(record=True) as tw:
        warnings.simplefilter("always")
        t = tdata.random_split(range(2), [0.4, 0.4, 0.2])
    assert [len(s) for s in e] == [len(s) for s in t] == [1, 1, 0]
    assert [(w.category, str(w.message)) for w in ew] == [(w.category, str(w.message)) for w in tw]
    assert len(ew) == 1 and ew[0].filename == __file__
    assert_same_error(lambda: edata.random_split(range(5), [2, 2]), lambda: tdata.random_split(range(5), [2, 2]))
    assert_same_error(lambda: edata.random_split(range(5), [1.5, -0.5]),
                      lambda: tdata.random_split(range(5), [1.5, -0.5]))


def test_random_split_is_seeded():
    def parts(generator=None):
        split = edata.random_split(range(20), [5, 15], **({} if generator is None else {"generator": generator}))
        return [list(s.indices) for s in split]
    assert parts(ember.Generator().manual_seed(3)) == parts(ember.Generator().manual_seed(3))
    assert parts(ember.Generator().manual_seed(3)) != parts(ember.Generator().manual_seed(4))
    ember.manual_seed(9)
    first = parts()
    ember.manual_seed(9)
    assert parts() == first
