"""Distances between vectors (torch.nn.functional forms, also at ember's top level): cosine_similarity,
pairwise_distance and pdist, composed of norms so that gradients of any order follow."""
import numpy as np

from .._tensor import _wrap

__all__ = ["cosine_similarity", "pairwise_distance", "pdist"]


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Cosine of the angle between x1 and x2 along dim (after broadcasting), each norm clamped below at eps."""
    from .shape import broadcast_tensors
    x1, x2 = broadcast_tensors(x1, x2)
    parts = []
    for x in (x1, x2):
        n = x.norm(2, dim, keepdim=True)
        # NOTE: as PyTorch's, the clamp changes the norm's value but not its gradient
        n = n + _wrap(np.maximum(n._data, eps) - n._data)
        parts.append(x / n)
    return (parts[0] * parts[1]).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """The p-norm distance between the rows (last dim) of x1 and x2: ||x1 - x2 + eps||_p."""
    from .shape import broadcast_tensors
    try:
        np.broadcast_shapes(tuple(x1.shape), tuple(x2.shape))
    except ValueError:
        broadcast_tensors(x1, x2)   # raises PyTorch's message for shapes that do not broadcast
    dim = max(x1.dim(), x2.dim()) - 1
    return (x1 - x2 + eps).norm(p, dim, keepdim=keepdim)


def pdist(input, p=2):
    """The p-norm distances between all pairs of rows of input (N, M): the upper triangle, row by row (N(N-1)/2)."""
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    i, j = np.triu_indices(input.shape[0], 1)
    diff = input.index_select(0, _wrap(i)) - input.index_select(0, _wrap(j))
    return diff.norm(p, 1)
