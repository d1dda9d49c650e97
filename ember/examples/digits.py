"""Train a small CNN on the handwritten digits that scikit-learn ships (8x8 images, 10 classes), as in PyTorch.

    pip install -e ".[examples]" && python -m ember.examples.digits

Written exactly as a PyTorch program, with `import ember as torch`. It shows a progress bar per epoch (tqdm),
prints the test accuracy, and saves a plot of the loss and accuracy curves (matplotlib) and a picture of the
model's graph (ember.viz, drawn by Graphviz; its text form when Graphviz is missing), whose paths it prints.
"""
import argparse
import pathlib
import shutil
import time

import numpy as np

import ember as torch
import ember.nn as nn
import ember.nn.functional as F
from ember.utils.data import DataLoader, TensorDataset
from ember.viz import format_graph, make_dot


class DigitsNet(nn.Module):
    """Two 3x3 convolutions with max pooling, then two linear layers: 8x8 -> 4x4 -> 2x2 -> 10 classes."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(32 * 2 * 2, 64)
        self.dropout = nn.Dropout(0.2)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        return self.fc2(self.dropout(F.relu(self.fc1(x))))


def load_digits(seed):
    """The digits as float tensors scaled to [0, 1], shape (N, 1, 8, 8), split 80/20 into train and test."""
    from sklearn.datasets import load_digits as sklearn_digits
    data = sklearn_digits()
    images = torch.tensor(data.images / 16.0, dtype=torch.float32).unsqueeze(1)
    labels = torch.tensor(data.target, dtype=torch.int64)
    order = np.random.default_rng(seed).permutation(len(labels))
    n_test = len(labels) // 5
    test, train = order[:n_test], order[n_test:]
    return TensorDataset(images[train], labels[train]), TensorDataset(images[test], labels[test])


def evaluate(model, loader):
    """Mean loss and accuracy of model over loader, without recording a graph."""
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for images, labels in loader:
            logits = model(images)
            total_loss += F.cross_entropy(logits, labels, reduction="sum").item()
            correct += (logits.argmax(1) == labels).sum().item()
            count += len(labels)
    return total_loss / count, correct / count


def train(epochs=15, batch_size=64, lr=1e-2, seed=0, quiet=False):
    """Train DigitsNet; returns (model, history) where history holds per-epoch losses and accuracies."""
    from tqdm import tqdm
    torch.manual_seed(seed)
    train_set, test_set = load_digits(seed)
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=256)
    model = DigitsNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    history = {"train_loss": [], "test_loss": [], "test_accuracy": []}
    for epoch in range(1, epochs + 1):
        model.train()
        running, seen = 0.0, 0
        bar = tqdm(train_loader, desc=f"epoch {epoch:2d}/{epochs}", unit="batch", leave=False,
                   disable=True if quiet else None)   # None: no bar when the output is not a terminal
        for images, labels in bar:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(images), labels)
            loss.backward()
            optimizer.step()
            running += loss.item() * len(labels)
            seen += len(labels)
            bar.set_postfix(loss=f"{running / seen:.4f}")
        scheduler.step()
        test_loss, accuracy = evaluate(model, test_loader)
        history["train_loss"].append(running / seen)
        history["test_loss"].append(test_loss)
        history["test_accuracy"].append(accuracy)
        if not quiet:
            tqdm.write(f"epoch {epoch:2d}/{epochs}  train loss {running / seen:.4f}  test loss {test_loss:.4f}  "
                       f"test accuracy {accuracy:.2%}")
    return model, history


def plot(history, path):
    """Save the loss and accuracy curves to path (PNG)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    epochs = range(1, len(history["train_loss"]) + 1)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    ax_loss.plot(epochs, history["train_loss"], label="train")
    ax_loss.plot(epochs, history["test_loss"], label="test")
    ax_loss.set(xlabel="epoch", ylabel="cross-entropy loss", title="Loss")
    ax_loss.legend()
    ax_acc.plot(epochs, [100 * a for a in history["test_accuracy"]], color="tab:green")
    ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", title="Test accuracy")
    fig.suptitle("ember: a small CNN on scikit-learn's digits")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def save_graph(model, images, labels, plot_path):
    """Draw the graph of the loss of one batch beside the plot (digits_training.png -> digits_graph.png), with
    Graphviz when the graphviz package and its dot program are there, else as text (.txt); returns the path."""
    loss = F.cross_entropy(model(images), labels)
    params = dict(model.named_parameters())
    plot_path = pathlib.Path(plot_path)
    stem = plot_path.stem.removesuffix("_training") + "_graph"
    try:
        png = make_dot(loss, params=params).pipe(format="png") if shutil.which("dot") else None
    except ImportError:
        png = None
    if png is not None:
        path = plot_path.with_name(stem + ".png")
        path.write_bytes(png)
    else:
        path = plot_path.with_name(stem + ".txt")
        path.write_text(format_graph(loss, params=params) + "\n", encoding="utf-8")
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plot", default="digits_training.png", help="where to save the loss/accuracy plot")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    model, history = train(epochs=args.epochs, seed=args.seed)
    plot(history, args.plot)
    print(f"test accuracy {history['test_accuracy'][-1]:.2%} after {args.epochs} epochs "
          f"({time.perf_counter() - start:.1f} s)")
    print(f"plot saved to {args.plot}")
    images, labels = load_digits(args.seed)[1].tensors
    graph = save_graph(model, images[:64], labels[:64], args.plot)
    hint = ' (for a picture: pip install "ember[viz]" and apt install graphviz)' if graph.suffix == ".txt" else ""
    print(f"graph saved to {graph}{hint}")
    return history


if __name__ == "__main__":
    main()
