"""Memory bandwidth on large arrays: y = a * b + c with 10 million float32 elements, forward and
backward with y.backward(ones) (a, b and c require grad).

The figure is effective GB/s: the bytes that the least work must move, divided by the time. That
least work reads a, b, c and writes y (forward), reads the upstream gradient, a and b and writes the
three gradients (backward): 10 arrays of 40 MB. Raw NumPy does that work with ordinary expressions.
"""
import numpy as np
import torch

import ember
from _timing import Result, best_time, print_table

N = 10_000_000
BYTES = (4 + 6) * N * 4


def measure(lib, a, b, c):
    a, b, c = (lib.tensor(x, requires_grad=True) for x in (a, b, c))
    gradient = lib.ones(N)

    def forward_backward():
        a.grad = b.grad = c.grad = None
        (a * b + c).backward(gradient)

    return BYTES / best_time(forward_backward) / 1e9


def measure_numpy(a, b, c):
    gradient = np.ones(N, dtype=np.float32)

    def forward_backward():
        a * b + c
        return gradient * b, gradient * a, gradient.copy()

    return BYTES / best_time(forward_backward) / 1e9


def run():
    rng = np.random.default_rng(0)
    a, b, c = (rng.standard_normal(N, dtype=np.float32) for _ in range(3))
    return [Result("a*b+c 10M: forward+backward", "GB/s", measure(ember, a, b, c), measure(torch, a, b, c),
                   measure_numpy(a, b, c))]


if __name__ == "__main__":
    print_table(run())
