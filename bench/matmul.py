"""1024x1024 float32 matmul, forward and backward: (a @ b).sum().backward() with a and b requiring
grad, i.e. three matmuls (a @ b, g @ b.T, a.T @ g). Raw NumPy does the same three matmuls.

At this size the BLAS does nearly all the work; the figure shows what ember adds on top of it.
"""
import numpy as np
import torch

import ember
from _timing import Result, best_time, print_table

N = 1024
FLOP = 3 * 2 * N ** 3


def measure(lib, a, b):
    a = lib.tensor(a, requires_grad=True)
    b = lib.tensor(b, requires_grad=True)

    def forward_backward():
        a.grad = b.grad = None
        (a @ b).sum().backward()

    return FLOP / best_time(forward_backward, repeat=10) / 1e9


def measure_numpy(a, b):
    def forward_backward():
        c = a @ b
        c.sum()
        g = np.ones_like(c)
        return g @ b.T, a.T @ g

    return FLOP / best_time(forward_backward, repeat=10) / 1e9


def run():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((N, N), dtype=np.float32)
    b = rng.standard_normal((N, N), dtype=np.float32)
    return [Result(f"matmul {N}x{N}: forward+backward", "GFLOP/s", measure(ember, a, b), measure(torch, a, b),
                   measure_numpy(a, b))]


if __name__ == "__main__":
    print_table(run())
