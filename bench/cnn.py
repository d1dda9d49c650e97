"""A LeNet-style CNN training step on 28x28 inputs (batch 64): conv(1->6, 5x5) + relu + maxpool 2,
conv(6->16, 5x5) + relu + maxpool 2, linear 256 -> 120 -> 84 -> 10, cross-entropy, SGD step; ember and
PyTorch from the same weights and data, in the same run."""
import numpy as np
import torch

import ember
from _timing import Result, best_time, print_table

BATCH = 64


def lenet(nn):
    return nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                         nn.Linear(84, 10))


def measure(lib, state, x, y):
    model = lenet(lib.nn)
    model.load_state_dict({k: lib.tensor(v) for k, v in state.items()})
    opt = lib.optim.SGD(model.parameters(), lr=0.01)
    x, y = lib.tensor(x), lib.tensor(y)

    def step():
        opt.zero_grad()
        lib.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    return best_time(step, repeat=50, warmup=3) * 1e3


def run():
    torch.manual_seed(0)
    state = {k: v.numpy() for k, v in lenet(torch.nn).state_dict().items()}
    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, 1, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, BATCH)
    return [Result(f"LeNet step, batch {BATCH}", "ms", measure(ember, state, x, y), measure(torch, state, x, y))]


if __name__ == "__main__":
    print_table(run())
