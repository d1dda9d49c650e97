"""ember.linalg: linear algebra functions under torch.linalg's names (implemented in ember/ops/decompositions.py
and ember/ops/linalg.py)."""
from .ops.decompositions import (LinAlgError, cholesky_ex, cond, det, eigh, eigvalsh, householder_product, inv,
                                 inv_ex, lstsq, lu_factor, lu_factor_ex, matrix_exp, matrix_norm, matrix_power,
                                 matrix_rank, pinv, solve, solve_ex, solve_triangular, svdvals, tensorinv, tensorsolve)
from .ops.decompositions import linalg_cholesky as cholesky
from .ops.decompositions import linalg_cross as cross
from .ops.decompositions import linalg_diagonal as diagonal
from .ops.decompositions import linalg_lu as lu
from .ops.decompositions import linalg_lu_solve as lu_solve
from .ops.decompositions import linalg_norm as norm
from .ops.decompositions import linalg_qr as qr
from .ops.decompositions import linalg_slogdet as slogdet
from .ops.decompositions import linalg_svd as svd
from .ops.decompositions import linalg_vander as vander
from .ops.linalg import matmul, multi_dot, vecdot, vector_norm

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eigh", "eigvalsh",
           "householder_product", "inv", "inv_ex", "lstsq", "lu", "lu_factor", "lu_factor_ex", "lu_solve", "matmul",
           "matrix_exp", "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet",
           "solve", "solve_ex", "solve_triangular", "svd", "svdvals", "tensorinv", "tensorsolve", "vander", "vecdot",
           "vector_norm"]
