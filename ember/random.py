"""Random number generation: Generator, manual_seed, the default generator's state."""
import numpy as np

from ._device import device as _device

__all__ = ["Generator", "manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state",
           "default_generator"]


class Generator:
    """A source of random numbers (NumPy's PCG64), seeded with manual_seed.

    ember draws different numbers from PyTorch for the same seed: the same seed gives the same
    numbers in ember, run after run.
    """

    def __init__(self, device="cpu"):
        self.device = _device(device)
        self.manual_seed(_DEFAULT_SEED)

    def manual_seed(self, seed):
        """Seed the generator (negative seeds wrap to 64 bits, as in PyTorch); returns it."""
        seed = int(seed) & (2 ** 64 - 1)
        self._seed = seed
        self.rng = np.random.Generator(np.random.PCG64(seed))
        return self

    def seed(self):
        s = int(np.random.SeedSequence().entropy % (2 ** 63))
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._seed

    def get_state(self):
        """An opaque snapshot of the generator, for set_state."""
        return _State(self.rng.bit_generator.state, self._seed)

    def set_state(self, state):
        if not isinstance(state, _State):
            raise TypeError("set_state expects a state returned by get_state()")
        self.rng.bit_generator.state = state.value
        self._seed = state.seed


_DEFAULT_SEED = 67280421310721     # PyTorch's: a fresh generator gives the same numbers each run


class _State:
    __slots__ = ("value", "seed")

    def __init__(self, value, seed):
        self.value, self.seed = value, seed


default_generator = Generator()


def manual_seed(seed):
    """Seed the default generator (and cuda's, when in use); returns the generator."""
    return default_generator.manual_seed(seed)


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(state):
    default_generator.set_state(state)


def rng(generator=None):
    """The numpy Generator behind `generator` (or the default one)."""
    return (generator or default_generator).rng
