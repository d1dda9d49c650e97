"""Every differentiable operation, by family; importing a family attaches its Tensor methods."""
import warnings

# as torch, ops give inf and nan silently: NumPy's floating-point warnings are ignored when ember's own code
# triggers them (the user's own NumPy calls still warn)
warnings.filterwarnings("ignore", r"(divide by zero|invalid value|overflow|underflow) encountered",
                        RuntimeWarning, r"ember\.")

from . import pointwise, special, reduce, shape, index, linalg, decompositions, inplace, complex  # noqa: E402,F401
