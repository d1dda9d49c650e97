"""Run every benchmark and print one summary table (ember against PyTorch and NumPy, same run)."""
import torch

import bandwidth
import chain
import cnn
import lstm
import matmul
import mlp
import overhead
from _timing import print_table

BENCHMARKS = (overhead, matmul, bandwidth, chain, mlp, cnn, lstm)


def main():
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; ratios are ember's figure divided "
          f"by the other's in the same unit (us/op and s: lower is better; GFLOP/s and GB/s: higher)")
    results = []
    for bench in BENCHMARKS:
        results.extend(bench.run())
    print_table(results)


if __name__ == "__main__":
    main()
