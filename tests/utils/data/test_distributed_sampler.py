"""DistributedSampler against torch's: the same shares without shuffling, a partition of the (padded) dataset with
shuffling, epochs, drop_last and errors."""
import numpy as np
import pytest
import torch.utils.data as tdata

import ember.utils.data as edata


@pytest.mark.parametrize("n, replicas", [(10, 3), (9, 3), (2, 5), (0, 2), (7, 1)])
@pytest.mark.parametrize("drop_last", [False, True])
def test_unshuffled_shares_equal_torchs(n, replicas, drop_last):
    data = list(range(n))
    for rank in range(replicas):
        ours = edata.DistributedSampler(data, replicas, rank, shuffle=False, drop_last=drop_last)
        theirs = tdata.DistributedSampler(data, replicas, rank, shuffle=False, drop_last=drop_last)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)


@pytest.mark.parametrize("drop_last", [False, True])
def test_shuffled_shares_partition_the_dataset_per_epoch(drop_last):
    data, replicas = list(range(11)), 3

    def shares(epoch, seed=0):
        samplers = [edata.DistributedSampler(data, replicas, r, seed=seed, drop_last=drop_last)
                    for r in range(replicas)]
        for s in samplers:
            s.set_epoch(epoch)
        return [list(s) for s in samplers]
    first = shares(0)
    assert first == shares(0) and first != shares(1) and first != shares(0, seed=5)
    flat = [i for share in first for i in share]
    assert len({len(share) for share in first}) == 1
    if drop_last:       # 9 distinct indices, each once
        assert len(flat) == 9 and len(set(flat)) == 9
    else:               # all 11, and one repeated from the start of the shuffled order to reach 12
        assert len(flat) == 12 and set(flat) == set(data)
    if not drop_last:   # interleaved back, the shares give the shuffled order, then its first index again
        order = [first[k % replicas][k // replicas] for k in range(len(flat))]
        assert sorted(order[:11]) == data and order[11] == order[0]


def test_errors_as_torch():
    with pytest.raises(ValueError, match=r"^Invalid rank 3, rank should be in the interval \[0, 2\]$"):
        edata.DistributedSampler([1, 2], num_replicas=3, rank=3)
    with pytest.raises(RuntimeError, match="^Requires distributed package to be available"):
        edata.DistributedSampler([1, 2])
    loader = edata.DataLoader(np.arange(6.0), batch_size=2, sampler=edata.DistributedSampler(range(6), 2, 1,
                                                                                           shuffle=False))
    assert [b.tolist() for b in loader] == [[1.0, 3.0], [5.0]]
