"""What the benchmarks share: the best-of-repeats timer and the result table."""
import time
from typing import NamedTuple, Optional


class Result(NamedTuple):
    """One measured figure for ember, PyTorch and raw NumPy (None where not measured)."""
    name: str
    unit: str
    ember: float
    torch: Optional[float] = None
    numpy: Optional[float] = None


def best_time(fn, repeat=5, warmup=1):
    """Seconds taken by the fastest of `repeat` calls of fn(), after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _cell(value, width):
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.3g}"


def print_table(results):
    """Print the results, with ember's figure divided by PyTorch's and by NumPy's in the same unit."""
    print(f"{'benchmark':<34} {'unit':<9} {'ember':>9} {'torch':>9} {'numpy':>9} {'ember/torch':>11} "
          f"{'ember/numpy':>11}")
    for r in results:
        by_torch = None if r.torch is None else r.ember / r.torch
        by_numpy = None if r.numpy is None else r.ember / r.numpy
        print(f"{r.name:<34} {r.unit:<9} {_cell(r.ember, 9)} {_cell(r.torch, 9)} {_cell(r.numpy, 9)} "
              f"{_cell(by_torch, 11)} {_cell(by_numpy, 11)}")
