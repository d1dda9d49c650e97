"""A deep graph: 50,000 steps of x = x * 1.0001 + 0.0001 on a shape (1,) tensor, i.e. a chain of
100,000 nodes, forward and backward. Shows that the backward engine handles depth without recursion
and what a long graph costs per node.
"""
import torch

import ember
from _timing import Result, best_time, print_table

STEPS = 50_000


def measure(lib):
    leaf = lib.ones(1, requires_grad=True)

    def forward_backward():
        leaf.grad = None
        x = leaf
        for _ in range(STEPS):
            x = x * 1.0001 + 0.0001
        x.sum().backward()

    return best_time(forward_backward, repeat=3)


def run():
    return [Result(f"chain of {2 * STEPS} nodes", "s", measure(ember), measure(torch))]


if __name__ == "__main__":
    print_table(run())
