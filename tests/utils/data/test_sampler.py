"""Samplers: deterministic ones against torch.utils.data; random ones by their properties (permutations,
ranges, frequencies) and by repeating under the same seed."""
import numpy as np
import pytest
import torch.utils.data as tdata

import ember
import ember.utils.data as edata
from tests.utils.data.compare import assert_same_error


def test_sequential_sampler():
    e, t = edata.SequentialSampler(range(5)), tdata.SequentialSampler(range(5))
    assert list(e) == list(t) == [0, 1, 2, 3, 4]
    assert len(e) == len(t) == 5


@pytest.mark.parametrize("n, batch_size, drop_last", [(10, 3, False), (10, 3, True), (9, 3, True), (2, 5, False),
                                                      (2, 5, True), (0, 2, False)])
def test_batch_sampler(n, batch_size, drop_last):
    e = edata.BatchSampler(edata.SequentialSampler(range(n)), batch_size, drop_last)
    t = tdata.BatchSampler(tdata.SequentialSampler(range(n)), batch_size, drop_last)
    assert list(e) == list(t)
    assert len(e) == len(t)
    assert list(edata.BatchSampler(range(n), batch_size, drop_last)) == list(t)


@pytest.mark.parametrize("args", [(0, False), (-1, False), (2.0, False), (True, False), (2, 1), (2, None)])
def test_batch_sampler_errors(args):
    assert_same_error(lambda: edata.BatchSampler(range(3), *args), lambda: tdata.BatchSampler(range(3), *args))


def _epochs(sampler, k=3):
    return [list(sampler) for _ in range(k)]


def test_random_sampler_permutations_and_seeding():
    n = 20
    for generator in (None, ember.Generator().manual_seed(1)):
        epochs = _epochs(edata.RandomSampler(range(n), generator=generator))
        assert all(sorted(e) == list(range(n)) for e in epochs)
        assert epochs[0] != epochs[1]       # a new order each epoch
    ember.manual_seed(5)
    a = _epochs(edata.RandomSampler(range(n)))
    ember.manual_seed(5)
    assert _epochs(edata.RandomSampler(range(n))) == a
    ember.manual_seed(6)
    assert _epochs(edata.RandomSampler(range(n))) != a
    g = lambda s: ember.Generator().manual_seed(s)     # noqa: E731
    assert _epochs(edata.RandomSampler(range(n), generator=g(2))) == _epochs(edata.RandomSampler(range(n),
                                                                                              generator=g(2)))
    assert list(edata.RandomSampler(range(n), generator=g(2))) != list(edata.RandomSampler(range(n),
                                                                                        generator=g(3)))


def test_random_sampler_num_samples():
    e = edata.RandomSampler(range(4), num_samples=10, generator=ember.Generator().manual_seed(0))
    t = tdata.RandomSampler(range(4), num_samples=10)
    assert len(e) == len(t) == 10
    out = list(e)
    assert len(out) == 10
    assert sorted(out[:4]) == sorted(out[4:8]) == [0, 1, 2, 3] and len(set(out[8:])) == 2
    assert len(list(edata.RandomSampler(range(4), num_samples=3))) == 3


def test_random_sampler_replacement():
    n, k = 7, 100       # more than one chunk of draws
    ember.manual_seed(0)
    out = list(edata.RandomSampler(range(n), replacement=True, num_samples=k))
    assert len(out) == k and all(isinstance(i, int) and 0 <= i < n for i in out)
    assert len(set(out)) == n and len(set(out)) < k       # repeats: drawn with replacement
    ember.manual_seed(0)
    assert list(edata.RandomSampler(range(n), replacement=True, num_samples=k)) == out
    assert len(edata.RandomSampler(range(n), replacement=True)) == n


@pytest.mark.parametrize("kwargs", [dict(replacement=1), dict(num_samples=0), dict(num_samples=-2),
                                    dict(num_samples=2.5)])
def test_random_sampler_errors(kwargs):
    assert_same_error(lambda: edata.RandomSampler(range(3), **kwargs), lambda: tdata.RandomSampler(range(3), **kwargs))
    assert_same_error(lambda: edata.RandomSampler([], **kwargs), lambda: tdata.RandomSampler([], **kwargs))


def test_subset_random_sampler():
    indices = [10, 20, 30, 40, 50]
    e = edata.SubsetRandomSampler(indices, generator=ember.Generator().manual_seed(0))
    assert len(e) == len(tdata.SubsetRandomSampler(indices)) == 5
    epochs = _epochs(e)
    assert all(sorted(x) == indices for x in epochs)
    assert epochs == _epochs(edata.SubsetRandomSampler(indices, generator=ember.Generator().manual_seed(0)))


def test_weighted_random_sampler_frequencies():
    weights = [0.1, 0.9, 0.4, 0.0, 2.6]
    e = edata.WeightedRandomSampler(weights, 20000, generator=ember.Generator().manual_seed(0))
    assert len(e) == 20000
    first = list(e)
    counts = np.bincount(first, minlength=5) / 20000
    np.testing.assert_allclose(counts, np.array(weights) / sum(weights), atol=0.01)
    assert counts[3] == 0
    assert first == list(edata.WeightedRandomSampler(weights, 20000, generator=ember.Generator().manual_seed(0)))
    assert list(e) != first
    assert e.weights.dtype == ember.float64


def test_weighted_random_sampler_without_replacement():
    weights = [0.9, 0.4, 0.05, 0.2, 0.3, 0.1]
    ember.manual_seed(0)
    for _ in range(5):
        out = list(edata.WeightedRandomSampler(weights, 6, replacement=False))
        assert sorted(out) == list(range(6))
    counts = np.zeros(6)
    g = ember.Generator().manual_seed(1)
    for _ in range(400):    # heavier weights come first more often
        counts[list(edata.WeightedRandomSampler(weights, 1, replacement=False, generator=g))[0]] += 1
    np.testing.assert_allclose(counts / 400, np.array(weights) / sum(weights), atol=0.08)
    assert_same_error(lambda: list(edata.WeightedRandomSampler([1., 2.], 3, replacement=False)),
                      lambda: list(tdata.WeightedRandomSampler([1., 2.], 3, replacement=False)))


@pytest.mark.parametrize("weights, num_samples, replacement", [([1., 2.], 0, True), ([1., 2.], True, True),
                                                               ([1., 2.], 2.0, True), ([1., 2.], 2, 1),
                                                               ([[1., 2.]], 2, True), (1.0, 2, True)])
def test_weighted_random_sampler_errors(weights, num_samples, replacement):
    assert_same_error(lambda: edata.WeightedRandomSampler(weights, num_samples, replacement),
                      lambda: tdata.WeightedRandomSampler(weights, num_samples, replacement))


def test_zero_weights_error():
    assert_same_error(lambda: list(edata.WeightedRandomSampler([0., 0.], 2)),
                      lambda: list(tdata.WeightedRandomSampler([0., 0.], 2)))
