"""ember.linalg: linear algebra functions under torch.linalg's names (implemented in ember/ops/linalg.py)."""
from .ops.linalg import (LinAlgError, cholesky_ex, cond, det, eigh, eigvalsh, householder_product, inv, inv_ex,
                         lstsq, lu, lu_factor, matmul, matrix_exp, matrix_norm, matrix_power, matrix_rank, multi_dot,
                         pinv, solve, solve_ex, svdvals, tensorinv, tensorsolve, vecdot, vector_norm)
from .ops.linalg import linalg_cholesky as cholesky
from .ops.linalg import linalg_cross as cross
from .ops.linalg import linalg_diagonal as diagonal
from .ops.linalg import linalg_norm as norm
from .ops.linalg import linalg_qr as qr
from .ops.linalg import linalg_slogdet as slogdet
from .ops.linalg import linalg_svd as svd

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eigh", "eigvalsh",
           "householder_product", "inv", "inv_ex", "lstsq", "lu", "lu_factor", "matmul", "matrix_exp", "matrix_norm",
           "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "solve_ex", "svd",
           "svdvals", "tensorinv", "tensorsolve", "vecdot", "vector_norm"]
