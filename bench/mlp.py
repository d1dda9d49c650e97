"""One training step of an MLP 784-512-512-10 (ReLU) on a batch of 128: forward, cross-entropy, backward and an
SGD-with-momentum update. The same weights and data in ember and PyTorch; milliseconds per step."""
import numpy as np
import torch

import ember
from _timing import Result, best_time, print_table

BATCH, SIZES = 128, (784, 512, 512, 10)


def _model(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(SIZES[0], SIZES[1]), nn.ReLU(), nn.Linear(SIZES[1], SIZES[2]), nn.ReLU(),
                         nn.Linear(SIZES[2], SIZES[3]))


def measure(lib, weights, x, y):
    model = _model(lib)
    model.load_state_dict({k: lib.tensor(v) for k, v in weights.items()})
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = lib.tensor(x), lib.tensor(y)

    def step():
        opt.zero_grad()
        loss = lib.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    return best_time(step, repeat=30, warmup=3) * 1e3


def run():
    rng = np.random.default_rng(0)
    weights = {k: v.detach().numpy() for k, v in _model(torch).state_dict().items()}
    x = rng.standard_normal((BATCH, SIZES[0]), dtype=np.float32)
    y = rng.integers(0, SIZES[-1], BATCH)
    return [Result("MLP 784-512-512-10 train step b128", "ms", measure(ember, weights, x, y),
                   measure(torch, weights, x, y))]


if __name__ == "__main__":
    print_table(run())
