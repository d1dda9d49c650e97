"""ember._memory: large arrays are reused only when nothing holds them, and reuse never changes results."""
import threading

import numpy as np
import pytest
import torch

import ember
from ember import _memory

BIG = (256, 512)  # 512 KiB of float32: cached


def _address(a):
    return a.__array_interface__["data"][0]


@pytest.fixture(autouse=True)
def empty_cache(monkeypatch):
    monkeypatch.setattr(_memory, "_cache", {})
    monkeypatch.setattr(_memory, "_cached_bytes", 0)


def test_an_idle_array_is_reused_and_a_held_one_never():
    a = _memory.empty(np, BIG, np.float32)
    assert a.shape == BIG and a.dtype == np.float32 and a.flags.c_contiguous
    b = _memory.empty(np, BIG, np.float32)
    assert not np.shares_memory(a, b)
    address = _address(a)
    del a
    c = _memory.empty(np, BIG, np.float32)
    assert _address(c) == address
    assert _memory._cached_bytes == 2 * 256 * 512 * 4


def test_a_view_or_a_tensor_keeps_its_array_held():
    a = _memory.empty(np, BIG, np.float32)
    view, t = a[1:], ember.from_numpy(a)
    address = _address(a)
    del a
    assert _address(_memory.empty(np, BIG, np.float32)) != address
    del view
    assert _address(_memory.empty(np, BIG, np.float32)) != address   # t still holds it
    del t
    assert _address(_memory.empty(np, BIG, np.float32)) == address


def test_small_arrays_and_other_shapes_or_dtypes_are_not_mixed_up():
    small = _memory.empty(np, (4, 4), np.float64)
    assert small.shape == (4, 4) and not _memory._cache
    a = _memory.empty(np, BIG, np.float32)
    address = _address(a)
    del a
    assert _address(_memory.empty(np, BIG, np.float64)) != address
    assert _memory.empty(np, BIG[::-1], np.float32).shape == BIG[::-1]


def test_the_cache_stays_under_its_cap_by_dropping_idle_arrays(monkeypatch):
    monkeypatch.setattr(_memory, "_MAX_BYTES", 3 * 256 * 512 * 4)
    held = [_memory.empty(np, (256 + i, 512), np.float32) for i in range(2)]
    for i in range(2, 6):
        _memory.empty(np, (256 + i, 512), np.float32)   # dropped at once: idle
    assert _memory._cached_bytes <= _memory._MAX_BYTES
    assert all(any(a is b for b in _memory._cache[(a.shape, a.dtype)]) for a in held)


def test_threads_never_get_the_same_array():
    got, barrier = [], threading.Barrier(4)

    def take():
        barrier.wait()
        got.append(_memory.empty(np, BIG, np.float32))
    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({_address(a) for a in got}) == 4


def test_lstm_and_linear_results_are_unchanged_by_reuse_with_two_graphs_alive():
    """Two forwards held at once, then one backward, twice over: the cached buffers of the first graph are not
    reused by the second, and every result equals torch's."""
    torch.manual_seed(0)
    t_lstm, t_lin = torch.nn.LSTM(16, 128).double(), torch.nn.Linear(128, 512).double()
    e_lstm, e_lin = ember.nn.LSTM(16, 128).double(), ember.nn.Linear(128, 512).double()
    for e, t in ((e_lstm, t_lstm), (e_lin, t_lin)):
        e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    rng = np.random.default_rng(0)
    for _ in range(2):
        xs = [rng.standard_normal((8, 64, 16)) for _ in range(2)]
        losses = []
        for lib, lstm, lin in ((ember, e_lstm, e_lin), (torch, t_lstm, t_lin)):
            lstm.zero_grad(), lin.zero_grad()
            outs = [lin(lstm(lib.tensor(x))[0]) for x in xs]
            loss = (outs[0] * 1.5).sum() + (outs[1] ** 2).mean()
            loss.backward()
            losses.append(loss.item())
        np.testing.assert_allclose(losses[0], losses[1], rtol=1e-12)
        for e, t in ((e_lstm, t_lstm), (e_lin, t_lin)):
            for (name, pe), pt in zip(e.named_parameters(), t.parameters()):
                np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=name)


def test_a_leaf_keeps_a_cached_matmul_result_as_its_grad_and_it_is_never_reused_while_held():
    rng = np.random.default_rng(1)
    a = ember.tensor(rng.standard_normal((256, 300), dtype=np.float32), requires_grad=True)
    b = ember.tensor(rng.standard_normal((300, 512), dtype=np.float32), requires_grad=True)
    (a @ b).sum().backward()
    assert _memory.held_here(a.grad._data) == 1     # the matmul's own result, not a copy
    kept = a.grad.numpy().copy()
    for _ in range(3):   # more products of the same shapes while a.grad is held
        c = ember.tensor(rng.standard_normal((256, 300), dtype=np.float32), requires_grad=True)
        (c @ b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), kept)
    np.testing.assert_allclose(kept, np.ones((256, 512), np.float32) @ b.detach().numpy().T, rtol=1e-5)


def test_conv_pool_results_are_unchanged_by_reuse_with_two_graphs_alive():
    """Convolution columns, products, padding and pooling scatters come from the cache: two forwards held at once,
    then one backward, twice over, equal torch's."""
    def net(nn):
        return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 4, 3))
    torch.manual_seed(0)
    t_net, e_net = net(torch.nn).double(), net(ember.nn).double()
    e_net.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t_net.state_dict().items()})
    rng = np.random.default_rng(2)
    for _ in range(2):
        xs = [rng.standard_normal((16, 3, 32, 32)) for _ in range(2)]
        grads = []
        for lib, model in ((ember, e_net), (torch, t_net)):
            model.zero_grad()
            inputs = [lib.tensor(x, requires_grad=True) for x in xs]
            outs = [model(x) for x in inputs]
            ((outs[0] * 1.5).sum() + (outs[1] ** 2).mean()).backward()
            grads.append([x.grad.numpy() for x in inputs] + [p.grad.numpy() for p in model.parameters()])
        for ge, gt in zip(*grads):
            np.testing.assert_allclose(ge, gt, rtol=1e-9, atol=1e-12)
    assert ((3, 3, 3, 16, 32, 32), np.dtype(np.float64)) in _memory._cache     # the first conv's columns
