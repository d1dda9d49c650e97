"""Fit y = sin(x) on [-pi, pi] with a cubic polynomial by gradient descent, using autograd only.

The classic PyTorch autograd tutorial, unchanged but for the import: python -m ember.examples.polyfit
"""
import math

import ember as torch


def main(steps=2000, learning_rate=1e-6):
    torch.manual_seed(0)
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    a, b, c, d = (torch.randn((), requires_grad=True) for _ in range(4))
    for t in range(steps):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        if t % 500 == 499:
            print(f"step {t + 1:5d}  loss {loss.item():10.3f}")
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d):
                p -= learning_rate * p.grad
                p.grad = None
    print(f"Result: y = {a.item():.4f} + {b.item():.4f} x + {c.item():.4f} x^2 + {d.item():.4f} x^3")
    return loss.item()


if __name__ == "__main__":
    main()
