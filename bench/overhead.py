"""Per-operation overhead on tiny tensors: 1000 chained elementwise ops (mul, add, tanh, sin) on a
shape (8,) float32 tensor grown from a leaf that requires grad, summed, then backward.

At this size the arithmetic is negligible, so the time per op is the cost of the Python (ember) or
C++ (PyTorch) machinery around it: dispatch, result tensors, graph nodes, the backward engine.
Raw NumPy running the same forward arithmetic, without any graph, is the floor under ember.
"""
import numpy as np
import torch

import ember
from _timing import Result, best_time, print_table

OPS = 1000


def chain(lib, w):
    """OPS ops cycling x * w, x + w, tanh(x), sin(x), starting from the leaf w."""
    x = w
    for _ in range(OPS // 4):
        x = lib.sin(lib.tanh(x * w + w))
    return x.sum()


def initial_values():
    """The same 8 starting numbers for every library."""
    return np.random.default_rng(0).standard_normal(8, dtype=np.float32)


def measure(lib):
    w = lib.tensor(initial_values(), requires_grad=True)

    def forward_backward():
        w.grad = None
        chain(lib, w).backward()

    forward = best_time(lambda: chain(lib, w), repeat=10)
    both = best_time(forward_backward, repeat=10)
    return forward / OPS * 1e6, both / OPS * 1e6


def run():
    ember_fwd, ember_both = measure(ember)
    torch_fwd, torch_both = measure(torch)
    w = initial_values()
    numpy_fwd = best_time(lambda: chain(np, w), repeat=10) / OPS * 1e6
    return [Result("overhead: forward", "us/op", ember_fwd, torch_fwd, numpy_fwd),
            Result("overhead: forward+backward", "us/op", ember_both, torch_both)]


if __name__ == "__main__":
    print_table(run())
