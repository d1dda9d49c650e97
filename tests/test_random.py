"""Random numbers: seeding, Generator objects, state round trips and distribution sanity."""
import numpy as np
import pytest

import ember

N = 100_000


def test_manual_seed_reproduces_every_sampler():
    draws = []
    for _ in range(2):
        ember.manual_seed(123)
        draws.append([ember.rand(5).tolist(), ember.randn(5).tolist(), ember.randint(0, 100, (5,)).tolist(),
                      ember.randperm(7).tolist(), ember.normal(0., 1., (3,)).tolist(),
                      ember.bernoulli(ember.full((4,), 0.5)).tolist(),
                      ember.multinomial(ember.tensor([1., 2., 3.]), 2).tolist()])
    assert draws[0] == draws[1]
    ember.manual_seed(124)
    assert ember.rand(5).tolist() != draws[0][0]


def test_generators_are_independent_of_the_default():
    g1, g2 = ember.Generator().manual_seed(7), ember.Generator().manual_seed(7)
    ember.manual_seed(0)
    a = [ember.rand(3, generator=g1).tolist(), ember.randn(3, generator=g1).tolist(),
         ember.randint(10, (3,), generator=g1).tolist(), ember.randperm(5, generator=g1).tolist()]
    ember.rand(10)
    b = [ember.rand(3, generator=g2).tolist(), ember.randn(3, generator=g2).tolist(),
         ember.randint(10, (3,), generator=g2).tolist(), ember.randperm(5, generator=g2).tolist()]
    assert a == b
    ember.manual_seed(0)
    assert ember.rand(3).tolist() != a[0]


def test_seeds():
    assert ember.Generator().initial_seed() == 67280421310721     # PyTorch's default seed
    assert ember.manual_seed(42).initial_seed() == 42 == ember.initial_seed()
    assert ember.manual_seed(-1).initial_seed() == 2 ** 64 - 1
    s = ember.seed()
    assert ember.initial_seed() == s
    assert ember.Generator().device == ember.device("cpu")


def test_rng_state_round_trip():
    ember.manual_seed(5)
    state = ember.get_rng_state()
    a = ember.randn(4).tolist()
    ember.rand(3)
    ember.set_rng_state(state)
    assert ember.randn(4).tolist() == a
    g = ember.Generator()
    gs = g.get_state()
    b = ember.rand(2, generator=g).tolist()
    g.set_state(gs)
    assert ember.rand(2, generator=g).tolist() == b
    with pytest.raises(TypeError, match="set_state expects a state returned by get_state"):
        g.set_state(b)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_uniform_and_normal_moments(dtype):
    g = ember.Generator().manual_seed(1)
    u = ember.rand(N, generator=g, dtype=getattr(ember, dtype)).numpy().astype(np.float64)
    assert u.min() >= 0 and u.max() < 1
    assert abs(u.mean() - 0.5) < 0.005 and abs(u.std() - 12 ** -0.5) < 0.005
    z = ember.randn(N, generator=g, dtype=getattr(ember, dtype)).numpy().astype(np.float64)
    assert abs(z.mean()) < 0.01 and abs(z.std() - 1) < 0.01


def test_other_distributions():
    g = ember.Generator().manual_seed(2)
    x = ember.normal(3.0, 2.0, (N,), generator=g).numpy()
    assert abs(x.mean() - 3) < 0.03 and abs(x.std() - 2) < 0.03
    y = ember.normal(ember.full((N,), -1.0), ember.full((N,), 0.5), generator=g).numpy()
    assert abs(y.mean() + 1) < 0.01 and abs(y.std() - 0.5) < 0.01
    r = ember.randint(-3, 4, (N,), generator=g).numpy()
    assert r.min() == -3 and r.max() == 3 and abs(r.mean()) < 0.03
    b = ember.bernoulli(ember.full((N,), 0.3), generator=g).numpy()
    assert set(np.unique(b)) == {0.0, 1.0} and abs(b.mean() - 0.3) < 0.01
    assert abs(ember.bernoulli(ember.zeros(N), p=0.8, generator=g).numpy().mean() - 0.8) < 0.01
    m = ember.multinomial(ember.tensor([1., 0., 3.]), N, replacement=True, generator=g).numpy()
    assert abs((m == 2).mean() - 0.75) < 0.01 and not (m == 1).any()
    p = ember.randperm(1000, generator=g).numpy()
    assert sorted(p.tolist()) == list(range(1000)) and (p != np.arange(1000)).any()
