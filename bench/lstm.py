"""2-layer LSTM (seq 32, batch 32, input 128, hidden 128), forward and backward: out.sum().backward() on the
same weights and input in ember and PyTorch. Per step ember records one addmm and one fused cell op."""
import numpy as np
import torch

import ember
from _timing import Result, best_time, print_table

SEQ, BATCH, INPUT, HIDDEN, LAYERS = 32, 32, 128, 128, 2


def measure(lib, weights, x):
    lstm = lib.nn.LSTM(INPUT, HIDDEN, LAYERS)
    lstm.load_state_dict({k: lib.tensor(v) for k, v in weights.items()})
    x = lib.tensor(x, requires_grad=True)

    def forward_backward():
        lstm.zero_grad()
        x.grad = None
        out, _ = lstm(x)
        out.sum().backward()

    return best_time(forward_backward, repeat=10) * 1e3


def run():
    torch.manual_seed(0)
    weights = {k: v.detach().numpy() for k, v in torch.nn.LSTM(INPUT, HIDDEN, LAYERS).state_dict().items()}
    x = np.random.default_rng(0).standard_normal((SEQ, BATCH, INPUT), dtype=np.float32)
    return [Result(f"LSTM {LAYERS}x{HIDDEN}, seq {SEQ}, batch {BATCH}: fwd+bwd", "ms", measure(ember, weights, x),
                   measure(torch, weights, x))]


if __name__ == "__main__":
    print_table(run())
