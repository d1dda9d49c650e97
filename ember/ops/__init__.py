"""Every differentiable operation, by family; importing a family attaches its Tensor methods."""
from . import pointwise, reduce, shape, index, linalg, inplace  # noqa: F401
