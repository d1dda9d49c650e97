"""Solvers and decompositions behind ember.linalg: inv, det, slogdet, solve, solve_triangular, cholesky (and its
solve and inverse), qr, svd, eigh, pinv, lu (factor, unpack, solve), lstsq, matrix norms and rank, matrix_power,
matrix_exp, householder_product, cross, vander.

They run on the backend's LAPACK (numpy.linalg or cupy.linalg), batched over leading dimensions; their
derivatives are written with ember ops, so they can be differentiated again.
"""
import math
import warnings

import numpy as np

from .._creation import eye, ones, zeros, zeros_like
from .._device import array_module
from .._dtype import bool as bool_, float32, float64, to_real
from .._tensor import Tensor, _wrap, _wrap_dim
from .. import return_types
from ..autograd import grad_mode
from ..autograd.complex import holomorphic
from ..autograd.function import Op
from .linalg import DiagEmbedBackward0, _broadcast_batch, _check_tensors, diagonal, matmul, tril, triu, vector_norm
from .pointwise import where
from .reduce import _type_name, amax, amin, cumprod
from .shape import cat

__all__ = ["det", "logdet", "slogdet", "inverse", "pinverse", "cholesky", "cholesky_solve", "cholesky_inverse",
           "matrix_power", "matrix_exp", "cross", "svd", "qr", "geqrf", "orgqr", "triangular_solve", "lu", "lu_unpack",
           "lu_solve"]


# ---- checks, LinAlgError and LAPACK's info --------------------------------------------------------
class LinAlgError(RuntimeError):
    """A linear algebra function failed on its input (a singular or not positive-definite matrix)."""


def _check_matrix(fname, A, square=True, name="A"):
    """PyTorch's checks for a (batch of) matrices argument of a linalg function."""
    _check_tensors(fname, (name, A))
    if A.ndim < 2:
        raise RuntimeError(f"{fname}: The input tensor {name} must have at least 2 dimensions.")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{fname}: {name} must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")
    if not _inexact(A):
        raise RuntimeError(f"{fname}: Expected a floating point or complex tensor as input. Got {_type_name(A)}")


def _inexact(A):
    """Whether A holds floating point or complex numbers, the dtypes LAPACK works in."""
    return A._data.dtype.kind in "fc"


def _raise_info(fname, info, batched, message):
    """LinAlgError for the first matrix whose info is not 0; message is formatted with that info."""
    flat = info.reshape(-1).tolist()
    bad = next(i for i, v in enumerate(flat) if v)
    batch = f"(Batch element {bad}): " if batched else ""
    raise LinAlgError(f"{fname}: {batch}{message.format(info=flat[bad])}")


def _lu_array(xp, a):
    """LU factorisation with partial pivoting of a batch of matrices, as LAPACK's getrf:
    (LU packed in one array, 1-based int32 pivots, info: the first zero diagonal element of U, 1-based, or 0)."""
    m, n = a.shape[-2:]
    k = min(m, n)
    lu = a.reshape((-1, m, n)).copy()
    rows = xp.arange(lu.shape[0])
    pivots = xp.empty((lu.shape[0], k), dtype=np.int32)
    info = xp.zeros(lu.shape[0], dtype=np.int32)
    for j in range(k):
        col = lu[:, j:, j]
        p = (xp.abs(col.real) + xp.abs(col.imag) if col.dtype.kind == "c" else xp.abs(col)).argmax(axis=1) + j
        pivots[:, j] = p + 1
        row = lu[rows, j].copy()
        lu[rows, j] = lu[rows, p]
        lu[rows, p] = row
        pivot = lu[:, j, j]
        zero = pivot == 0
        info[(info == 0) & zero] = j + 1
        lu[:, j + 1:, j] /= xp.where(zero, 1, pivot)[:, None]
        lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j:j + 1] * lu[:, j:j + 1, j + 1:]
    batch = a.shape[:-2]
    return lu.reshape(a.shape), pivots.reshape(batch + (k,)), info.reshape(batch)


def _cholesky_info(xp, a):
    """LAPACK potrf's info for a batch of Hermitian matrices: the order of the first leading minor that is not
    positive-definite, or 0."""
    n = a.shape[-1]
    low = xp.zeros(a.shape, dtype=a.dtype)
    info = xp.zeros(a.shape[:-2], dtype=np.int32)
    for j in range(n):
        d = a[..., j, j].real - (xp.abs(low[..., j, :j]) ** 2).sum(-1)
        bad = ~(d > 0)
        info[(info == 0) & bad] = j + 1
        low[..., j, j] = xp.sqrt(xp.where(bad, 1, d))
        low[..., j + 1:, j] = (a[..., j + 1:, j] - (low[..., j + 1:, :j] * low[..., j, None, :j].conj()).sum(-1)) / \
            low[..., j, j, None]
    return info


def _guarded(xp, fn, a, info_fn, *rest):
    """fn(a, *rest) and an info per matrix; where LAPACK fails, info from info_fn and nan for the failed matrices."""
    try:
        return fn(a, *rest), xp.zeros(a.shape[:-2], dtype=np.int32)
    except np.linalg.LinAlgError:
        info = info_fn(xp, a)
    ok = info == 0
    first = fn(xp.eye(a.shape[-1], dtype=a.dtype), *[r[(0,) * (r.ndim - 2)] for r in rest])
    out = xp.full(a.shape[:-2] + first.shape, xp.nan, dtype=a.dtype)
    if ok.any():
        out[ok] = fn(a[ok], *[r[ok] for r in rest])
    return out, info


def _singular_info(xp, a):
    return _lu_array(xp, a)[2]


_SINGULAR = ("The diagonal element {info} is zero, the inversion could not be completed because the input matrix "
             "is singular.")
_NOT_PD = ("The factorization could not be completed because the input is not positive-definite (the leading minor "
           "of order {info} is not positive-definite).")


def _outputs(ctx, recompute):
    """An op's results for its backward: the arrays forward kept, or, when backward builds a graph
    (create_graph=True), recompute() from the saved input so that they carry their own derivatives."""
    if grad_mode.is_grad_enabled():
        return recompute(ctx.saved_tensors[0])
    return tuple(_wrap(x) for x in ctx.results)


# ---- inverse, determinant, solve ------------------------------------------------------------------
class LinalgInvExBackward0(Op):
    retain_output = True
    non_differentiable = (1,)

    @staticmethod
    def forward(ctx, a, fname, check_errors):
        xp = array_module(a)
        inv, info = _guarded(xp, xp.linalg.inv, a, _singular_info)
        if check_errors and info.any():
            _raise_info(fname, info, a.ndim > 2, _SINGULAR)
        return inv, info

    @staticmethod
    def backward(ctx, g, _):
        (inv,) = ctx.saved_tensors
        return -matmul(inv.mT, matmul(g, inv.mT)), None, None


def inv_ex(A, *, check_errors=False):
    """The inverse of a (batch of) square matrices and LAPACK's info (0 when the matrix is invertible)."""
    _check_matrix("linalg.inv_ex", A)
    return return_types.linalg_inv_ex(*LinalgInvExBackward0.apply(A, "linalg.inv_ex", check_errors))


def inv(A):
    """The inverse of a (batch of) square matrices; LinAlgError if one is singular."""
    _check_matrix("linalg.inv", A)
    return LinalgInvExBackward0.apply(A, "linalg.inv", True)[0]


def inverse(input):
    """The inverse of a (batch of) square matrices (linalg.inv)."""
    return inv(input)


class LinalgDetBackward0(Op):
    retain_inputs = (0,)
    retain_output = True

    @staticmethod
    def forward(ctx, a):
        return array_module(a).linalg.det(a)

    @staticmethod
    def backward(ctx, g):
        a, det_ = ctx.saved_tensors
        # d det / dA = det * A^{-T}, as the solution of A^T X = det * I
        return solve(a.mT, _eye_like(a) * (g * det_)[..., None, None])


def _diag_embed(v):
    """Matrices with v's last dimension on their diagonals."""
    n = v.shape[-1]
    return DiagEmbedBackward0.apply(v, tuple(v.shape) + (n,), 0, v.ndim - 1, v.ndim)


def _eye_like(a):
    return eye(a.shape[-1], dtype=a.dtype, device=a.device)


def det(A):
    """The determinant of a (batch of) square matrices."""
    _check_matrix("linalg.det", A)
    return LinalgDetBackward0.apply(A)


class LinalgSlogdetBackward0(Op):
    """sign and log|det|; sign requires grad, as in PyTorch: it has a zero derivative for real input, and for
    complex input the phase of sign and log|det| are the imaginary and real parts of log det."""
    retain_inputs = (0,)
    retain_output = True
    complex_grad = True

    @staticmethod
    def forward(ctx, a):
        sign, logabsdet = array_module(a).linalg.slogdet(a)
        return sign, logabsdet

    @staticmethod
    def backward(ctx, gsign, g):
        a, sign = ctx.saved_tensors
        if gsign is not None and a.is_complex():
            # d sign = i sign d(phase) and d(log det) = tr(A^{-1} dA): the gradient of log det, (g + i c) A^{-H}
            phase = (sign.conj() * gsign).imag * 1j
            g = phase if g is None else g + phase
        if g is None:
            return None
        return solve(a.mT.conj(), _eye_like(a) * g[..., None, None])


def _slogdet(fname, A, result):
    _check_matrix(fname, A)
    return result(*LinalgSlogdetBackward0.apply(A))


def slogdet(A):
    """The sign and the log of the absolute value of the determinant of a (batch of) square matrices."""
    return _slogdet("linalg.slogdet", A, return_types.slogdet)


def linalg_slogdet(A):
    """The sign and the log of the absolute value of the determinant of a (batch of) square matrices."""
    return _slogdet("linalg.slogdet", A, return_types.linalg_slogdet)


def logdet(input):
    """The log of the determinant of a (batch of) square matrices: nan where it is negative (complex for complex
    matrices)."""
    _check_matrix("linalg.slogdet", input)
    sign, logabsdet = LinalgSlogdetBackward0.apply(input)
    if input.is_complex():
        return logabsdet + sign.angle() * 1j
    return where(sign < 0, math.nan, logabsdet)


class LinalgSolveExBackward0(Op):
    retain_inputs = (0,)
    retain_output = True
    non_differentiable = (1,)

    @staticmethod
    def forward(ctx, a, b, check_errors):
        xp = array_module(a)
        batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        a = xp.broadcast_to(a, batch + a.shape[-2:])
        b = xp.broadcast_to(b, batch + b.shape[-2:])
        x, info = _guarded(xp, xp.linalg.solve, a, _singular_info, b)
        if check_errors and info.any():
            _raise_info("torch.linalg.solve", info, a.ndim > 2,
                        "The solver failed because the input matrix is singular.")
        return x, info

    @staticmethod
    def backward(ctx, g, _):
        a, x = ctx.saved_tensors
        gb = solve(a.mT, g)
        return -matmul(gb, x.mT) if ctx.needs_input_grad[0] else None, gb, None


def _solve(fname, A, B, left, check_errors):
    _check_matrix(fname, A)
    _check_tensors(fname, ("B", B))
    if A.dtype != B.dtype:
        raise RuntimeError(f"{fname}: Expected A and B to have the same dtype, but found A of type {_type_name(A)} "
                           f"and B of type {_type_name(B)} instead")
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    n = A.shape[-1]
    if vector and not left and n == 1:
        raise RuntimeError(f"{fname}: Vector broadcasting of the left hand side is not supported for left=False. In "
                           f"this case linalg.solve is equivalent to B / A.squeeze(-1)")
    if not left:
        A, B = A.mT, (B if vector else B.mT)
    Bm = B.unsqueeze(-1) if vector else B
    if Bm.ndim < 2 or Bm.shape[-2] != n or (vector and not left):
        raise RuntimeError(f"{fname}: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({A.shape[-2]}x{n} and "
                           f"{Bm.shape[-2] if Bm.ndim > 1 else Bm.shape[-1]}x{Bm.shape[-1] if Bm.ndim > 1 else 1})")
    _broadcast_batch(A.shape[:-2], Bm.shape[:-2])
    x, info = LinalgSolveExBackward0.apply(A, Bm, check_errors)
    x = x.squeeze(-1) if vector else x
    return (x if left else x.mT), info


def solve(A, B, *, left=True):
    """The solution X of A X = B (or X A = B when left=False) for square A; LinAlgError if A is singular."""
    return _solve("linalg.solve", A, B, left, True)[0]


def solve_ex(A, B, *, left=True, check_errors=False):
    """The solution of A X = B and LAPACK's info (0 when A is invertible)."""
    return return_types.linalg_solve_ex(*_solve("linalg.solve_ex", A, B, left, check_errors))


# ---- triangular solve ----------------------------------------------------------------------------
def _check_bool(fname, name, value, position=None):
    """PyTorch's TypeError for a flag that is not a bool."""
    if not isinstance(value, (bool, np.bool_)):
        where = f" (position {position})" if position else ""
        raise TypeError(f"{fname}(): argument '{name}'{where} must be bool, not {type(value).__name__}")


def _check_kernel_dtype(kernel, A):
    """PyTorch's error for a tensor that is not floating point, from the kernel named kernel_<device>."""
    if not _inexact(A):
        raise NotImplementedError(f"\"{kernel}_{A.device.type}\" not implemented for '{_type_name(A)}'")


def _linear_solve_checks(fname, b, A):
    """PyTorch's checks of the right-hand side b and the square A of a legacy solver (triangular_solve ...)."""
    if b.dtype != A.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {_type_name(b)} and A "
                           f"of type {_type_name(A)} instead.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"A must be batches of square matrices, but they are {A.shape[-2]} by {A.shape[-1]} "
                           f"matrices")
    if b.shape[-2] != A.shape[-1]:
        raise RuntimeError(f"Incompatible matrix sizes for {fname}: each A matrix is {A.shape[-2]} by "
                           f"{A.shape[-1]} but each b matrix is {b.shape[-2]} by {b.shape[-1]}")
    _broadcast_batch(b.shape[:-2], A.shape[:-2])
    _check_kernel_dtype(fname, A)


def _zero_diagonal(xp, t):
    return (xp.diagonal(t, axis1=-2, axis2=-1) == 0).any(-1)


def _triangular_solve_array(xp, a, b, upper, unitriangular):
    """The solution of T X = b, T the upper (or lower) triangle of a, with ones on its diagonal if unitriangular;
    LAPACK's LU solve is exact on a triangular T (its factors are T itself); nan where T is singular."""
    t = xp.triu(a) if upper else xp.tril(a)
    if unitriangular:
        diag = xp.arange(a.shape[-1])
        t[..., diag, diag] = 1
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    t = xp.broadcast_to(t, batch + t.shape[-2:])
    b = xp.broadcast_to(b, batch + b.shape[-2:])
    return _guarded(xp, xp.linalg.solve, t, _zero_diagonal, b)[0]


def _triangular_solve_grads(a, x, g, upper, unitriangular):
    """The gradients of X = T^{-1} B: gB = T^{-T} g, gA = -gB X^T on the triangle T is read from."""
    gb = solve_triangular(a.mT, g, upper=not upper, unitriangular=unitriangular)
    ga = -matmul(gb, x.mT)
    return (triu(ga, int(unitriangular)) if upper else tril(ga, -int(unitriangular))), gb


class LinalgSolveTriangularBackward0(Op):
    retain_inputs = (0,)
    retain_output = True

    @staticmethod
    def forward(ctx, a, b, upper, left, unitriangular):
        ctx.upper, ctx.left, ctx.unitriangular = upper, left, unitriangular
        xp = array_module(a)
        if left:
            return _triangular_solve_array(xp, a, b, upper, unitriangular)
        # X A = B is A^T X^T = B^T
        return _triangular_solve_array(xp, a.swapaxes(-1, -2), b.swapaxes(-1, -2), not upper,
                                       unitriangular).swapaxes(-1, -2)

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        if ctx.left:
            ga, gb = _triangular_solve_grads(a, x, g, ctx.upper, ctx.unitriangular)
            return ga, gb, None, None, None
        ga, gb = _triangular_solve_grads(a.mT, x.mT, g.mT, not ctx.upper, ctx.unitriangular)
        return ga.mT, gb.mT, None, None, None


_MISSING = object()


def solve_triangular(A, B, *, upper=_MISSING, left=True, unitriangular=False):
    """The solution X of A X = B (or X A = B when left=False) for triangular A, reading only its upper (or lower)
    triangle; with unitriangular, its diagonal is taken as ones."""
    fname = "linalg.solve_triangular"
    if upper is _MISSING:
        raise TypeError('linalg_solve_triangular() missing 1 required positional arguments: "upper"')
    _check_tensors("linalg_solve_triangular", ("input", A), ("B", B))
    for name, flag in (("upper", upper), ("left", left), ("unitriangular", unitriangular)):
        _check_bool("linalg_solve_triangular", name, flag)
    for name, t in (("A", A), ("B", B)):
        if t.ndim < 2:
            raise RuntimeError(f"{fname}: The input tensor {name} must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{fname}: A must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")
    if B.shape[-2 if left else -1] != A.shape[-1]:
        raise RuntimeError(f"{fname}: Incompatible shapes of A and B for the equation {'AX = B' if left else 'XA = B'}"
                           f" ({A.shape[-2]}x{A.shape[-1]} and {B.shape[-2]}x{B.shape[-1]})")
    _broadcast_batch(B.shape[:-2], A.shape[:-2])
    _check_kernel_dtype("triangular_solve", A)
    B = B if B.dtype == A.dtype else B.to(A.dtype)      # PyTorch solves in A's dtype
    return LinalgSolveTriangularBackward0.apply(A, B, bool(upper), bool(left), bool(unitriangular))


class TriangularSolveBackward0(Op):
    retain_inputs = (1,)
    retain_output = True

    @staticmethod
    def forward(ctx, b, a, upper, transpose, unitriangular):
        ctx.upper, ctx.transpose, ctx.unitriangular = upper, transpose, unitriangular
        xp = array_module(a)
        x = _triangular_solve_array(xp, a.swapaxes(-1, -2) if transpose else a, b, upper != transpose, unitriangular)
        return x, xp.broadcast_to(a, x.shape[:-2] + a.shape[-2:]).copy()

    @staticmethod
    def backward(ctx, gx, gc):
        a, x = ctx.saved_tensors
        gb = ga = None
        if gx is not None:
            ga, gb = _triangular_solve_grads(a.mT if ctx.transpose else a, x, gx, ctx.upper != ctx.transpose,
                                             ctx.unitriangular)
            ga = ga.mT if ctx.transpose else ga
        if gc is not None:
            ga = gc if ga is None else ga + gc
        return gb, ga, None, None, None


def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False):
    """The solution of A X = input (A^T X = input if transpose) for triangular A, and a copy of A (legacy form of
    linalg.solve_triangular)."""
    fname = "torch.triangular_solve"
    _check_tensors("triangular_solve", ("input", input), ("A", A))
    for pos, (name, flag) in enumerate((("upper", upper), ("transpose", transpose), ("unitriangular", unitriangular)),
                                       3):
        _check_bool("triangular_solve", name, flag, pos)
    for name, t in (("b", input), ("A", A)):
        if t.ndim < 2:
            raise RuntimeError(f"{fname}: Expected {name} to have at least 2 dimensions, but it has {t.ndim} "
                               f"dimensions instead")
    _linear_solve_checks("triangular_solve", input, A)
    return return_types.triangular_solve(*TriangularSolveBackward0.apply(input, A, bool(upper), bool(transpose),
                                                                         bool(unitriangular)))


def tensorinv(A, ind=2):
    """The tensor inverse of A: reshaped to a square matrix at dimension ind, inverted and reshaped back."""
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows, cols = math.prod(A.shape[:ind]), math.prod(A.shape[ind:])
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {cols} != {rows}")
    return inv(A.reshape(rows, cols)).reshape(tuple(A.shape[ind:]) + tuple(A.shape[:ind]))


def tensorsolve(A, B, dims=None):
    """The X with tensordot(A, X, X.ndim) == B."""
    if dims is not None:
        dims = [_wrap_dim(d, A.ndim) for d in dims]
        A = A.permute(*([d for d in range(A.ndim) if d not in dims] + dims))
    x_shape = tuple(A.shape[B.ndim:])
    rows, cols = B.numel(), math.prod(x_shape)
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got {cols} != {rows}")
    return solve(A.reshape(rows, cols), B.reshape(rows)).reshape(x_shape)


# ---- Cholesky, QR, SVD, eigh ---------------------------------------------------------------------
class LinalgCholeskyExBackward0(Op):
    retain_output = True
    complex_grad = True
    non_differentiable = (1,)

    @staticmethod
    def forward(ctx, a, fname, upper, check_errors):
        ctx.upper = upper
        xp = array_module(a)
        low, info = _guarded(xp, xp.linalg.cholesky, a, _cholesky_info)
        if check_errors and info.any():
            _raise_info(fname, info, a.ndim > 2, _NOT_PD)
        return (low.swapaxes(-1, -2).conj() if upper else low), info

    @staticmethod
    def backward(ctx, g, _):
        (low,) = ctx.saved_tensors
        if ctx.upper:
            low, g = low.mT.conj(), g.mT.conj()
        # A = L L^H: gA = L^{-H} M L^{-1}, M the Hermitian matrix whose lower triangle is half that of L^H gL
        lh = low.mT.conj()
        m = tril(matmul(lh, g))
        m = 0.5 * (m + tril(m, -1).mT.conj())
        return solve_triangular(low, solve_triangular(lh, m, upper=True), upper=False, left=False), None, None, None


def _cholesky(fname, A, upper, check_errors):
    _check_matrix(fname, A)
    return LinalgCholeskyExBackward0.apply(A, fname, bool(upper), check_errors)


def linalg_cholesky(A, *, upper=False):
    """The Cholesky factor L of a symmetric positive-definite A = L L^T (or U = L^T when upper=True)."""
    return _cholesky("linalg.cholesky", A, upper, True)[0]


def cholesky_ex(A, *, upper=False, check_errors=False):
    """The Cholesky factor and LAPACK's info (the order of the first leading minor that is not positive-definite)."""
    return return_types.linalg_cholesky_ex(*_cholesky("linalg.cholesky_ex", A, upper, check_errors))


def cholesky(input, upper=False):
    """The Cholesky factor of a symmetric positive-definite matrix (legacy form of linalg.cholesky)."""
    return _cholesky("cholesky", input, upper, True)[0]


def _cholesky_solve_array(xp, b, a, upper):
    """The solution of A X = b, A = L L^H from its factor L (A = U^H U from U if upper) in a."""
    low = a.swapaxes(-1, -2).conj() if upper else a
    y = _triangular_solve_array(xp, low, b, False, False)
    return _triangular_solve_array(xp, low.swapaxes(-1, -2).conj(), y, True, False)


class CholeskySolveBackward0(Op):
    retain_inputs = (1,)
    retain_output = True
    complex_grad = True

    @staticmethod
    def forward(ctx, b, a, upper):
        ctx.upper = upper
        return _cholesky_solve_array(array_module(a), b, a, upper)

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        gb = cholesky_solve(g, a, ctx.upper)
        ga = None
        if ctx.needs_input_grad[1]:
            # X = (L L^H)^{-1} B: gL = -(gB X^H + X gB^H) L, written with the whole of the input, as PyTorch
            common = matmul(gb, x.mT.conj())
            common = common + common.mT.conj()
            ga = -matmul(a, common) if ctx.upper else -matmul(common, a)
        return gb, ga, None


def cholesky_solve(input, input2, upper=False):
    """The solution X of A X = input for A = L L^T given its Cholesky factor input2 = L (A = U^T U if upper)."""
    _check_tensors("cholesky_solve", ("input", input), ("input2", input2))
    _check_bool("cholesky_solve", "upper", upper, 3)
    for name, t in (("b", input), ("u", input2)):
        if t.ndim < 2:
            raise RuntimeError(f"{name} should have at least 2 dimensions, but has {t.ndim} dimensions instead")
    _linear_solve_checks("cholesky_solve", input, input2)
    return CholeskySolveBackward0.apply(input, input2, bool(upper))


class CholeskyInverseBackward0(Op):
    retain_inputs = (0,)
    retain_output = True
    complex_grad = True

    @staticmethod
    def forward(ctx, a, upper):
        ctx.upper = upper
        xp = array_module(a)
        zero = xp.diagonal(a, axis1=-2, axis2=-1) == 0
        info = xp.where(zero.any(-1), zero.argmax(-1) + 1, 0)
        if info.any():
            _raise_info("cholesky_inverse", info, a.ndim > 2, _SINGULAR)
        return _cholesky_solve_array(xp, xp.broadcast_to(xp.eye(a.shape[-1], dtype=a.dtype), a.shape), a, upper)

    @staticmethod
    def backward(ctx, g):
        a, inv_ = ctx.saved_tensors
        common = matmul(inv_, matmul(g + g.mT.conj(), inv_))
        return (-matmul(a, common) if ctx.upper else -matmul(common, a)), None


def cholesky_inverse(input, upper=False):
    """The inverse of A = L L^T given its Cholesky factor input = L (A = U^T U if upper)."""
    _check_tensors("cholesky_inverse", ("input", input))
    _check_bool("cholesky_inverse", "upper", upper, 2)
    if input.ndim < 2:
        raise RuntimeError("cholesky_inverse: The input tensor A must have at least 2 dimensions.")
    if input.shape[-1] != input.shape[-2]:
        raise RuntimeError(f"cholesky_inverse: A must be batches of square matrices, but they are {input.shape[-2]} "
                           f"by {input.shape[-1]} matrices")
    _check_kernel_dtype("cholesky_inverse_out", input)
    return CholeskyInverseBackward0.apply(input, bool(upper))


class LinalgQrBackward0(Op):
    retain_inputs = (0,)
    complex_grad = True

    @staticmethod
    def forward(ctx, a, mode):
        ctx.mode = mode
        xp = array_module(a)
        if mode == "r":
            r = xp.linalg.qr(a, mode="r")
            return xp.empty((0,), dtype=a.dtype), r
        q, r = xp.linalg.qr(a, mode=mode)
        ctx.results = q, r
        return q, r

    @staticmethod
    def backward(ctx, gq, gr):
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                               "Please use linalg.qr(A, mode='reduced') if you are going to differentiate through "
                               "linalg.qr.")
        q, r = _outputs(ctx, lambda a: tuple(linalg_qr(a, ctx.mode)))
        m, n = q.shape[-2], r.shape[-1]
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        if m < n:
            raise RuntimeError("linalg.qr: the derivative of wide matrices (more columns than rows) is not "
                               "implemented in ember")
        # gA = (gQ + Q copyltu(M)) R^{-H}, M = triu(gR R^H - Q^H gQ) mirrored to a Hermitian matrix with the
        # real part of its diagonal (R's diagonal is real)
        m_ = 0
        if gr is not None:
            m_ = matmul(gr, r.mT.conj())
        if gq is not None:
            m_ = m_ - matmul(q.mT.conj(), gq)
        m_ = triu(m_)
        m_ = m_ + m_.mT.conj() - _diag_embed(diagonal(m_, 0, -2, -1).real)
        ga = matmul(q, m_)
        if gq is not None:
            ga = ga + gq
        return solve_triangular(r.mT.conj(), ga, upper=False, left=False), None


def linalg_qr(A, mode="reduced"):
    """The QR decomposition A = Q R (Q with orthonormal columns, R upper triangular); mode reduced/complete/r."""
    _check_matrix("linalg.qr", A, square=False)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', "
                           f"or 'complete'")
    return return_types.linalg_qr(*LinalgQrBackward0.apply(A, mode))


def qr(input, some=True):
    """The QR decomposition (legacy form of linalg.qr: some=False gives the complete one)."""
    return return_types.qr(*linalg_qr(input, "reduced" if some else "complete"))


def _check_gauge(imag_diagonal, message):
    """PyTorch's error when a loss depends on the phases of complex singular vectors or eigenvectors."""
    if not bool((imag_diagonal.abs() <= 1e-2).all()):
        raise RuntimeError(message)


class LinalgSvdBackward0(Op):
    retain_inputs = (0,)
    complex_grad = True

    @staticmethod
    def forward(ctx, a, full_matrices):
        ctx.full_matrices = full_matrices
        u, s, vh = array_module(a).linalg.svd(a, full_matrices=full_matrices)
        ctx.results = u, s, vh
        return u, s, vh

    @staticmethod
    def backward(ctx, gu, gs, gvh):
        u, s, vh = _outputs(ctx, lambda a: tuple(linalg_svd(a, ctx.full_matrices)))
        m, n = u.shape[-2], vh.shape[-1]
        k = s.shape[-1]
        if ctx.full_matrices:
            u, vh = u[..., :k], vh[..., :k, :]
            gu = None if gu is None else gu[..., :k]
            gvh = None if gvh is None else gvh[..., :k, :]
        if gu is None and gvh is None:
            return matmul(u * gs.unsqueeze(-2), vh), None
        # A = U S V^H with distinct singular values: skew-Hermitian parts of U^H gU and V^H gV over S_j^2 - S_i^2;
        # for complex A, the phases of the singular vectors add i Im(diag(U^H gU)) / S (those of V fixed)
        s2 = s * s
        e = s2.unsqueeze(-2) - s2.unsqueeze(-1)
        e = e + _eye_like(e)
        v = vh.mT.conj()
        gv = None if gvh is None else gvh.mT.conj()
        ga, diags, cplx = 0, [], u.is_complex()
        if gu is not None:
            uhgu = matmul(u.mT.conj(), gu)
            diags += [diagonal(uhgu, 0, -2, -1).imag] if cplx else []
            ga = (uhgu - uhgu.mT.conj()) * s.unsqueeze(-2)
        if gv is not None:
            vhgv = matmul(v.mT.conj(), gv)
            diags += [diagonal(vhgv, 0, -2, -1).imag] if cplx else []
            ga = ga + s.unsqueeze(-1) * (vhgv - vhgv.mT.conj())
        ga = ga / e
        if cplx:
            _check_gauge(sum(diags), "svd_backward: The singular vectors in the complex case are specified up to "
                         "multiplication by e^{i phi}. The specified loss function depends on this phase term, making "
                         "it ill-defined.")
            ga = ga - _diag_embed(diagonal(ga, 0, -2, -1))
            if gu is not None:
                ga = ga + _diag_embed(diags[0] / s * 1j)
        if gs is not None:
            ga = ga + _diag_embed(gs)
        if m > n and gu is not None:
            ga = matmul(u, ga)
            gu_sinv = gu / s.unsqueeze(-2)
            ga = ga + gu_sinv - matmul(u, matmul(u.mT.conj(), gu_sinv))
            return matmul(ga, vh), None
        if m < n and gv is not None:
            ga = matmul(ga, vh)
            gv_sinv = gv / s.unsqueeze(-2)
            gv_sinv = gv_sinv.mT.conj()
            ga = ga + gv_sinv - matmul(matmul(gv_sinv, v), vh)
            return matmul(u, ga), None
        return matmul(matmul(u, ga), vh), None


def linalg_svd(A, full_matrices=True):
    """The singular value decomposition A = U diag(S) Vh, singular values in descending order."""
    _check_matrix("linalg.svd", A, square=False)
    return return_types.linalg_svd(*LinalgSvdBackward0.apply(A, bool(full_matrices)))


def svdvals(A):
    """The singular values of A, in descending order."""
    _check_matrix("linalg.svdvals", A, square=False)
    if A.requires_grad and grad_mode.is_grad_enabled():
        return LinalgSvdBackward0.apply(A, False)[1]
    return _wrap(array_module(A._data).linalg.svd(A._data, compute_uv=False))


def svd(input, some=True, compute_uv=True):
    """The singular value decomposition input = U diag(S) V^T (legacy form: returns V, not Vh)."""
    if not compute_uv:
        s = svdvals(input)
        rows, cols = input.shape[-2:]
        return return_types.svd(zeros(input.shape[:-2] + (rows, rows), dtype=input.dtype), s,
                                zeros(input.shape[:-2] + (cols, cols), dtype=input.dtype))
    u, s, vh = linalg_svd(input, full_matrices=not some)
    return return_types.svd(u, s, vh.mT.conj())


class LinalgEighBackward0(Op):
    retain_inputs = (0,)
    complex_grad = True

    @staticmethod
    def forward(ctx, a, uplo):
        ctx.uplo = uplo
        w, v = array_module(a).linalg.eigh(a, UPLO=uplo)
        ctx.results = w, v
        return w, v

    @staticmethod
    def backward(ctx, gw, gv):
        w, v = _outputs(ctx, lambda a: tuple(eigh(a, ctx.uplo)))
        # A = V diag(w) V^H with distinct eigenvalues: gA = V (diag(gw) + skew(V^H gV) / (w_j - w_i)) V^H, skew the
        # skew-Hermitian part
        vh = v.mT.conj()
        if gv is None:
            return matmul(v * gw.unsqueeze(-2), vh), None
        else:
            vhgv = matmul(vh, gv)
            if v.is_complex():
                _check_gauge(diagonal(vhgv, 0, -2, -1).imag, "linalg_eigh_backward: The eigenvectors in the complex "
                             "case are specified up to multiplication by e^{i phi}. The specified loss function "
                             "depends on this quantity, so it is ill-defined.")
            e = w.unsqueeze(-2) - w.unsqueeze(-1)
            eye_ = _eye_like(e)
            inner_ = 0.5 * (vhgv - vhgv.mT.conj()) / (e + eye_) * (1 - eye_)
            if gw is not None:
                inner_ = inner_ + _diag_embed(gw)
        return matmul(v, matmul(inner_, vh)), None


def eigh(A, UPLO="L"):
    """Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix, from its UPLO triangle."""
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    _check_matrix("linalg.eigh", A)
    return return_types.linalg_eigh(*LinalgEighBackward0.apply(A, UPLO))


def eigvalsh(A, UPLO="L"):
    """The eigenvalues of a symmetric matrix, in ascending order."""
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    _check_matrix("linalg.eigvalsh", A)
    if A.requires_grad and grad_mode.is_grad_enabled():
        return LinalgEighBackward0.apply(A, UPLO)[0]
    return _wrap(array_module(A._data).linalg.eigvalsh(A._data, UPLO=UPLO))


# ---- pseudo-inverse, rank, norms, condition number -----------------------------------------------
def _tolerances(A, atol, rtol):
    """PyTorch's rule: rtol defaults to eps * max(m, n) unless atol is given (> 0), then to 0."""
    if rtol is None:
        rtol = 0.0 if atol is not None and (not isinstance(atol, (int, float)) or atol > 0) else \
            float(np.finfo(A._data.dtype).eps) * max(A.shape[-2:])
    return (0.0 if atol is None else atol), rtol


def _cutoff(s, atol, rtol):
    """The singular values (or |eigenvalues|) at or below max(atol, rtol * largest) count as zero."""
    top = s.amax(-1, keepdim=True) if s.shape[-1] else s.sum(-1, keepdim=True)
    tol = top * rtol
    if isinstance(atol, Tensor):
        return tol.maximum(atol.unsqueeze(-1))
    return tol.clamp_min(atol)


class LinalgPinvBackward0(Op):
    retain_inputs = (0,)
    retain_output = True
    complex_grad = True

    @staticmethod
    def forward(ctx, a, tol_fn, hermitian):
        xp = array_module(a)
        if hermitian:
            w, v = xp.linalg.eigh(a)
            keep = xp.abs(w) > tol_fn(xp.abs(w))
            return (v * xp.where(keep, 1 / xp.where(keep, w, 1), 0)[..., None, :]) @ v.swapaxes(-1, -2).conj()
        u, s, vh = xp.linalg.svd(a, full_matrices=False)
        keep = s > tol_fn(s)
        return (vh.swapaxes(-1, -2).conj() * xp.where(keep, 1 / xp.where(keep, s, 1), 0)[..., None, :]) @ \
            u.swapaxes(-1, -2).conj()

    @staticmethod
    def backward(ctx, g):
        a, p = ctx.saved_tensors
        m, n = a.shape[-2:]
        ph, gh = p.mT.conj(), g.mT.conj()
        if m <= n:
            k = matmul(gh, p)
            kph = matmul(k, ph)
            ga = -matmul(p, k).mT.conj() + kph - matmul(matmul(a, p), kph) + matmul(matmul(ph, p), gh - matmul(k, a))
        else:
            k = matmul(p, gh)
            phk = matmul(ph, k)
            ga = -matmul(k, p).mT.conj() + phk - matmul(matmul(phk, p), a) + matmul(matmul(gh - matmul(a, k), p), ph)
        return ga, None, None


def pinv(A, *, atol=None, rtol=None, hermitian=False):
    """The Moore-Penrose pseudo-inverse, singular values at or below max(atol, rtol * largest) taken as zero."""
    _check_tensors("linalg.pinv", ("A", A))
    if A.ndim < 2 or not _inexact(A):
        raise RuntimeError(f"linalg.pinv({_type_name(A)}{{{list(A.shape)}}}): expected a tensor with 2 or more "
                           f"dimensions of float, double, cfloat or cdouble types")
    atol, rtol = _tolerances(A, atol, rtol)
    atol = atol._data[..., None] if isinstance(atol, Tensor) else atol

    def tol_fn(s):
        top = s.max(axis=-1, keepdims=True) if s.shape[-1] else s.sum(axis=-1, keepdims=True)
        return array_module(s).maximum(top * rtol, atol)
    return LinalgPinvBackward0.apply(A, tol_fn, hermitian)


def pinverse(input, rcond=1e-15):
    """The pseudo-inverse, singular values at or below rcond times the largest taken as zero."""
    return pinv(input, rtol=rcond)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False):
    """The number of singular values (|eigenvalues| if hermitian) above max(atol, rtol * largest)."""
    _check_matrix("linalg.matrix_rank", A, square=hermitian)
    atol, rtol = _tolerances(A, atol, rtol)
    s = eigvalsh(A.detach()).abs() if hermitian else svdvals(A.detach())
    return (s > _cutoff(s, atol, rtol)).sum(-1)


def _matrix_dims(fname, A, dim):
    _check_tensors(fname, ("A", A))
    if A.ndim < 2:
        raise RuntimeError(f"{fname}: The input tensor A must have at least 2 dimensions.")
    if len(dim) != 2:
        raise RuntimeError(f"{fname}: dim must be a 2-tuple. Got {' '.join(str(d) for d in dim)}")
    d0, d1 = _wrap_dim(dim[0], A.ndim), _wrap_dim(dim[1], A.ndim)
    if d0 == d1:
        raise RuntimeError(f"{fname}: dims must be different. Got ({dim[0]}, {dim[1]})")
    return d0, d1


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """Matrix norm over the two dims: 'fro', 'nuc', inf / -inf (max / min row sum), 1 / -1 (column sum), 2 / -2."""
    d0, d1 = _matrix_dims("linalg.matrix_norm", A, dim)
    if dtype is not None:
        A = A.to(dtype)
    if not _inexact(A):
        raise RuntimeError(f"linalg.matrix_norm: Expected a floating point or complex tensor as input. Got "
                           f"{_type_name(A)}")
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim)
    if ord in ("nuc", 2, -2):
        s = svdvals(A.movedim((d0, d1), (-2, -1)))
        out = s.sum(-1) if ord == "nuc" else s.amax(-1) if ord == 2 else s.amin(-1)
        if keepdim:
            for d in sorted((d0, d1)):
                out = out.unsqueeze(d)
        return out
    if ord in (math.inf, -math.inf, 1, -1):
        sum_dim, max_dim = (d1, d0) if abs(ord) == math.inf else (d0, d1)
        sums = A.abs().sum(sum_dim, keepdim=True)
        out = amax(sums, max_dim, keepdim=True) if ord > 0 else amin(sums, max_dim, keepdim=True)
        return out if keepdim else out.squeeze((d0, d1) if d0 < d1 else (d1, d0))
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def linalg_norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """A vector norm (dim an int, or a 1-D input) or a matrix norm (dim a pair, or a 2-D input)."""
    _check_tensors("linalg.norm", ("A", A))
    if isinstance(dim, int):
        dim = (dim,)
    if dim is None and ord is not None:
        if A.ndim not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                               f"{A.ndim}D.")
        dim = tuple(range(A.ndim))
    if dim is not None and len(dim) == 2:
        return matrix_norm(A, "fro" if ord is None else ord, dim, keepdim, dtype=dtype)
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.norm: Order {ord} not supported.")
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


def cond(A, p=None):
    """The condition number of A in the p-norm: largest over smallest singular value for p None, 2 or -2."""
    if p in (None, 2, -2):
        _check_tensors("linalg.cond", ("A", A))
        if A.ndim < 2:
            raise RuntimeError("linalg.cond: The input tensor must have at least 2 dimensions.")
        s = svdvals(A)
        ratio = s[..., 0] / s[..., -1]
        return ratio if p != -2 else 1 / ratio
    _check_matrix(f"linalg.cond(ord={p})", A)
    return matrix_norm(A, p) * matrix_norm(inv_ex(A).inverse, p)


# ---- powers, cross product, diagonal -------------------------------------------------------------
def matrix_power(A, n):
    """A multiplied by itself n times (the identity for n = 0, powers of the inverse for n < 0)."""
    _check_tensors("linalg.matrix_power", ("A", A))
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_power: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    if n == 0:
        return _eye_like(A).expand(A.shape).clone()
    if n < 0:
        A, n = inv(A), -n
    result, square = None, A
    while n:
        if n & 1:
            result = square if result is None else matmul(result, square)
        n >>= 1
        if n:
            square = matmul(square, square)
    return result


def linalg_vander(x, *, N=None):
    """The Vandermonde matrix of x over its last dimension: column j holds x ** j, for j < N (x.shape[-1])."""
    _check_tensors("linalg_vander", ("x", x))
    if x.dtype not in (float32, float64) and (x.is_floating_point() or x.dtype == bool_):
        raise RuntimeError(f"linalg.vander supports floating point, complex, and integer tensors, but got "
                           f"{_type_name(x)}")
    x = x.unsqueeze(-1) if x.ndim == 0 else x
    n = x.shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    powers = cumprod(x.unsqueeze(-1).expand(*x.shape, n - 1), -1)
    return cat([ones(powers.shape[:-1] + (1,), dtype=powers.dtype, device=powers.device), powers], -1)


# Pade approximant of degree 13 for exp (Higham, "The scaling and squaring method for the matrix exponential
# revisited", 2005): its coefficients, and the 1-norm up to which it is accurate to double precision unscaled
_PADE13 = (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800., 129060195264000.,
           10559470521600., 670442572800., 33522128640., 1323241920., 40840800., 960960., 16380., 182., 1.)
_THETA13 = 5.371920351148152


def _expm(a):
    """exp of a batch of square arrays by scaling and squaring with the degree-13 Pade approximant."""
    xp = array_module(a)
    norm1 = xp.abs(a).sum(-2).max() if a.size else 0.0
    s = max(0, int(math.ceil(math.log2(norm1 / _THETA13)))) if norm1 > _THETA13 else 0
    a = a / (2.0 ** s)
    b = _PADE13
    eye = xp.broadcast_to(xp.eye(a.shape[-1], dtype=a.dtype), a.shape)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye
    r = xp.linalg.solve(v - u, v + u)
    for _ in range(s):
        r = r @ r
    return r.astype(a.dtype, copy=False)


class LinalgMatrixExpBackward0(Op):
    retain_inputs = (0,)

    @staticmethod
    def forward(ctx, a):
        return _expm(a)

    @staticmethod
    def backward(ctx, g):
        # the gradient is the upper-right block of exp([[A^T, G], [0, A^T]]) (the Frechet derivative of exp)
        a, = ctx.saved_tensors
        at = a.mT
        n = a.shape[-1]
        block = cat([cat([at, g], -1), cat([zeros_like(at), at], -1)], -2)
        return (matrix_exp(block)[..., :n, n:],)


def matrix_exp(A):
    """The matrix exponential of A (a square matrix or a batch of them): the sum of A^k / k!."""
    _check_matrix("linalg.matrix_exp", A)
    return LinalgMatrixExpBackward0.apply(A)


def householder_product(A, tau):
    """The first n columns of H_1 ... H_k, H_i = I - tau_i v_i v_i^H, v_i below the diagonal of A's column i with 1
    on it (LAPACK's orgqr): with geqrf's output, the Q of a QR decomposition."""
    fname = "torch.linalg.householder_product"
    _check_tensors(fname, ("input", A), ("tau", tau))
    if A.ndim < 2:
        raise RuntimeError(f"{fname}: input must have at least 2 dimensions.")
    if A.shape[-2] < A.shape[-1]:
        raise RuntimeError(f"{fname}: input.shape[-2] must be greater than or equal to input.shape[-1]")
    if tau.ndim != A.ndim - 1:
        raise RuntimeError(f"{fname}: Expected tau to have one dimension less than input, but got tau.ndim equal "
                           f"to {tau.ndim} and input.ndim is equal to {A.ndim}")
    if A.shape[-1] < tau.shape[-1]:
        raise RuntimeError(f"{fname}: input.shape[-1] must be greater than or equal to tau.shape[-1]")
    m, n = A.shape[-2], A.shape[-1]
    unit = eye(m, n, dtype=A.dtype, device=A.device)
    V = A.tril(-1) + unit
    Q = unit.expand(A.shape) if tau.shape[-1] else A * 0 + unit     # no reflector: I, still a function of A
    for i in reversed(range(tau.shape[-1])):   # Q = H_1 (H_2 (... (H_k I)))
        v = V[..., :, i:i + 1]
        Q = Q - tau[..., i:i + 1].unsqueeze(-1) * (v @ (v.mT.conj() @ Q))
    return Q


orgqr = householder_product


def geqrf(input):
    """LAPACK's QR factorization: (a, tau), R above a's diagonal and the Householder vectors below it, for
    householder_product. Not differentiable, as in PyTorch."""
    _check_matrix("torch.geqrf", input, square=False, name="input")
    h, tau = array_module(input._data).linalg.qr(input._data, mode="raw")
    return return_types.geqrf(_wrap(h.swapaxes(-1, -2).copy()), _wrap(tau))


class LinalgCrossBackward0(Op):
    retain_inputs = (0, 1)

    @staticmethod
    def forward(ctx, a, b, dim):
        ctx.dim = dim
        return array_module(a).cross(a, b, axis=dim)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad[:2]
        dim = ctx.dim
        return (LinalgCrossBackward0.apply(b, g, dim) if need_a else None,
                LinalgCrossBackward0.apply(g, a, dim) if need_b else None, None)


def linalg_cross(input, other, *, dim=-1):
    """The cross product of 3-vectors along dim, broadcasting the other dimensions."""
    _check_tensors("linalg.cross", ("input", input), ("other", other))
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = _wrap_dim(dim, input.ndim)
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[d]} and "
                           f"{other.shape[d]}")
    _broadcast_batch(input.shape, other.shape)
    return LinalgCrossBackward0.apply(input, other, d)


def cross(input, other, dim=None):
    """The cross product along dim (by default the first dimension of size 3)."""
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                      "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release.", UserWarning)
        shape = _broadcast_batch(input.shape, other.shape)
        dim = next((i for i, s in enumerate(shape) if s == 3), -1)
    return linalg_cross(input, other, dim=dim)


def linalg_diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """A view of the diagonals of A over dim1 and dim2 (by default the last two), in its last dimension."""
    return diagonal(A, offset, dim1, dim2)


# ---- LU and least squares ------------------------------------------------------------------------


def _permutation(xp, pivots, m, dtype):
    """The permutation matrix P with A = P L U from LAPACK's 1-based row swaps."""
    batch = pivots.shape[:-1]
    perm = xp.broadcast_to(xp.arange(m), batch + (m,)).reshape(-1, m).copy()
    piv = pivots.reshape(-1, pivots.shape[-1]).astype(np.int64) - 1
    idx = xp.arange(perm.shape[0])
    for j in range(piv.shape[1]):
        row = perm[idx, j].copy()
        perm[idx, j] = perm[idx, piv[:, j]]
        perm[idx, piv[:, j]] = row
    p = xp.zeros((perm.shape[0], m, m), dtype=dtype)
    p[idx[:, None], perm, xp.arange(m)] = 1
    return p.reshape(batch + (m, m))


def _unpacked(lu):
    """L (unit lower triangular, m x k) and U (upper triangular, k x n) of a packed LU tensor, differentiably."""
    m, n = lu.shape[-2:]
    k = min(m, n)
    return tril(lu[..., :, :k], -1) + eye(m, k, dtype=lu.dtype, device=lu.device), triu(lu[..., :k, :])


def _lu_grad(p, low, up, gl, gu):
    """The gradient of A = P L U (L m x k, U k x n) from those of L and U: for square A,
    P L^{-T} (tril(L^T gL, -1) + triu(gU U^T)) U^{-T}; the rows of a tall L and the columns of a wide U below
    or right of the square blocks L1, U1 add to the two products and give P gL2 U1^{-T}, P L1^{-T} gU2."""
    m, k, n = low.shape[-2], low.shape[-1], up.shape[-1]
    gl, gu = tril(gl, -1), triu(gu)
    low1, up1 = low[..., :k, :], up[..., :, :k]
    lower, upper = matmul(low1.mT, gl[..., :k, :]), matmul(gu[..., :, :k], up1.mT)
    if m > k:
        upper = upper - matmul(low[..., k:, :].mT, gl[..., k:, :])
    if n > k:
        lower = lower - matmul(gu[..., :, k:], up[..., :, k:].mT)
    phi = tril(lower, -1) + triu(upper)
    ga = solve_triangular(up1.mT, solve_triangular(low1.mT, phi, upper=True, unitriangular=True), upper=False,
                          left=False)
    if m > k:
        ga = cat([ga, solve_triangular(up1.mT, gl[..., k:, :], upper=False, left=False)], -2)
    if n > k:
        ga = cat([ga, solve_triangular(low1.mT, gu[..., :, k:], upper=True, unitriangular=True)], -1)
    return matmul(p, ga)


class LinalgLuFactorExBackward0(Op):
    retain_output = True
    non_differentiable = (1, 2)

    @staticmethod
    def forward(ctx, a, fname, check_errors):
        xp = array_module(a)
        lu, pivots, info = _lu_array(xp, a)
        ctx.pivots = pivots
        if check_errors and info.any():
            flat = info.reshape(-1).tolist()
            bad = next(i for i, v in enumerate(flat) if v)
            batch = f"(Batch element {bad}): " if a.ndim > 2 else ""
            raise RuntimeError(f"{fname}: {batch}U[{flat[bad]},{flat[bad]}] is zero and using it on lu_solve would "
                               f"result in a division by zero. If you still want to perform the factorization, "
                               f"consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")
        return lu, pivots, info

    @staticmethod
    def backward(ctx, g, _, __):
        (lu,) = ctx.saved_tensors
        p = _wrap(_permutation(array_module(lu._data), ctx.pivots, lu.shape[-2], lu._data.dtype))
        low, up = _unpacked(lu)
        k = low.shape[-1]
        return _lu_grad(p, low, up, g[..., :, :k], g[..., :k, :]), None, None


def _lu_factor(fname, A, pivot, check_errors):
    """PyTorch's checks of an LU factorisation's input, and LU, pivots and info."""
    if A.ndim < 2:
        raise RuntimeError(f"torch.lu_factor: Expected tensor with 2 or more dimensions. Got size: {list(A.shape)} "
                           f"instead")
    _check_kernel_dtype("lu", A)
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    return LinalgLuFactorExBackward0.apply(A, fname, check_errors)


def lu_factor_ex(A, *, pivot=True, check_errors=False):
    """The LU factorisation of A with partial pivoting, packed as LAPACK's getrf: (LU, 1-based pivots, info), info
    the first zero diagonal element of U (1-based) or 0."""
    _check_tensors("linalg_lu_factor_ex", ("A", A))
    return return_types.linalg_lu_factor_ex(*_lu_factor("torch.linalg.lu_factor_ex", A, pivot, check_errors))


def lu_factor(A, *, pivot=True):
    """The LU factorisation of A with partial pivoting, packed as LAPACK's getrf: (LU, 1-based pivots)."""
    _check_tensors("linalg_lu_factor", ("A", A))
    return return_types.linalg_lu_factor(*_lu_factor("torch.linalg.lu_factor", A, pivot, True)[:2])


def lu(A, pivot=True, get_infos=False):
    """The LU factorisation of A (legacy form of linalg.lu_factor_ex): (LU, pivots), and infos if get_infos."""
    warnings.warn("torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex and will be "
                  "removed in a future PyTorch release.\nLU, pivots = torch.lu(A, compute_pivots)\nshould be replaced "
                  "with\nLU, pivots = torch.linalg.lu_factor(A, compute_pivots)\nand\nLU, pivots, info = torch.lu(A, "
                  "compute_pivots, get_infos=True)\nshould be replaced with\nLU, pivots, info = "
                  "torch.linalg.lu_factor_ex(A, compute_pivots)", UserWarning)
    out = _lu_factor("torch.lu", A, pivot, False)
    return return_types._lu_with_info(*out) if get_infos else out[:2]


class LuUnpackBackward0(Op):
    non_differentiable = (0,)

    @staticmethod
    def forward(ctx, lu, pivots, unpack_data, unpack_pivots):
        ctx.shape, ctx.unpack_data = lu.shape, unpack_data
        xp = array_module(lu)
        m, n = lu.shape[-2:]
        k = min(m, n)
        empty = xp.empty((0,), dtype=lu.dtype)
        p = _permutation(xp, pivots, m, lu.dtype) if unpack_pivots else empty
        if not unpack_data:
            return p, empty, empty.copy()
        return p, xp.tril(lu[..., :, :k], -1) + xp.eye(m, k, dtype=lu.dtype), xp.triu(lu[..., :k, :])

    @staticmethod
    def backward(ctx, _, gl, gu):
        m, n = ctx.shape[-2:]
        k = min(m, n)
        g = zeros(ctx.shape, dtype=(gl if gl is not None else gu).dtype)
        if not ctx.unpack_data:
            return g, None, None, None
        if gl is not None:
            gl = tril(gl, -1)
            g = g + (cat([gl, zeros(gl.shape[:-1] + (n - k,), dtype=gl.dtype)], -1) if n > k else gl)
        if gu is not None:
            gu = triu(gu)
            g = g + (cat([gu, zeros(gu.shape[:-2] + (m - k, n), dtype=gu.dtype)], -2) if m > k else gu)
        return g, None, None, None


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    """The permutation P, unit lower triangular L and upper triangular U with A = P L U, from lu_factor's output."""
    fname = "torch.lu_unpack"
    _check_tensors("lu_unpack", ("LU_data", LU_data), ("LU_pivots", LU_pivots))
    if LU_data.ndim < 2:
        raise RuntimeError(f"{fname}: Expected tensor with 2 or more dimensions. Got size: {list(LU_data.shape)} "
                           f"instead")
    if LU_pivots.dtype.np != np.int32:
        raise RuntimeError(f"{fname}: LU_pivots is expected to be a contiguous tensor of torch.int32 dtype.\nNote: "
                           f"this function is intended to be used with the output produced by "
                           f"torch.linalg.lu_factor")
    piv = LU_pivots._data
    if unpack_pivots and piv.size and (int(piv.min()) < 1 or int(piv.max()) > LU_data.shape[-2]):
        raise RuntimeError("pivots passed to lu_unpack must be between 1 and LU.size(-2) inclusive.Did you properly "
                           "pass the result of lu_factor?")
    return return_types.lu_unpack(*LuUnpackBackward0.apply(LU_data, piv, bool(unpack_data), bool(unpack_pivots)))


def _lu_solve_array(xp, lu, pivots, b, adjoint):
    """The solution of A X = b (A^H X = b if adjoint), A = P L U packed in lu and pivots."""
    p = _permutation(xp, pivots, lu.shape[-1], lu.dtype)
    if adjoint:
        luh = lu.swapaxes(-1, -2).conj()
        y = _triangular_solve_array(xp, luh, b, False, False)
        return p @ _triangular_solve_array(xp, luh, y, True, True)
    y = _triangular_solve_array(xp, lu, p.swapaxes(-1, -2) @ b, False, True)
    return _triangular_solve_array(xp, lu, y, True, False)


class LinalgLuSolveBackward0(Op):
    retain_inputs = (0, 1)
    retain_output = True
    complex_grad = True

    @staticmethod
    def forward(ctx, lu, pivots, b, left, adjoint):
        ctx.left, ctx.adjoint = left, adjoint
        xp = array_module(lu)
        if left:
            return _lu_solve_array(xp, lu, pivots, b, adjoint)
        # X A = B is A^H X^H = B^H
        return _lu_solve_array(xp, lu, pivots, b.swapaxes(-1, -2).conj(), not adjoint).swapaxes(-1, -2).conj()

    @staticmethod
    def backward(ctx, g):
        lu, pivots, x = ctx.saved_tensors
        adjoint = ctx.adjoint != (not ctx.left)
        if not ctx.left:
            g, x = g.mT.conj(), x.mT.conj()
        gb = linalg_lu_solve(lu, pivots, g, adjoint=not adjoint)
        gl = None
        if ctx.needs_input_grad[0]:
            # X = A^{-1} B (A^{-H} B if adjoint) gives gA = -gB X^H (-X gB^H); A = P L U carries it to L and U
            ga = -matmul(x, gb.mT.conj()) if adjoint else -matmul(gb, x.mT.conj())
            low, up = _unpacked(lu)
            pga = matmul(_wrap(_permutation(array_module(lu._data), pivots._data, lu.shape[-1], lu._data.dtype)).mT,
                         ga)
            gl = tril(matmul(pga, up.mT.conj()), -1) + triu(matmul(low.mT.conj(), pga))
        return gl, None, (gb if ctx.left else gb.mT.conj()), None, None


def _lu_solve_checks(LU, pivots, B, left):
    fname = "linalg.lu_solve"
    _check_tensors("linalg_lu_solve", ("LU", LU), ("pivots", pivots), ("B", B))
    if not _inexact(LU):
        raise RuntimeError(f"torch.{fname}: Expected a floating point or complex tensor as input. Got "
                           f"{_type_name(LU)}")
    if LU.dtype != B.dtype:
        raise RuntimeError(f"{fname}: Expected LU and B to have the same dtype, but found LU of type {_type_name(LU)} "
                           f"and B of type {_type_name(B)} instead")
    if pivots.dtype.np != np.int32:
        raise RuntimeError(f"{fname}: pivots should be a Tensor of scalar type torch.int32")
    _check_matrix(f"torch.{fname}", LU)
    if B.ndim < 2:
        raise RuntimeError(f"{fname}: The input tensor B must have at least 2 dimensions.")
    n = LU.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        raise RuntimeError(f"{fname}: Incompatible shapes of A and B for the equation {'AX = B' if left else 'XA = B'} "
                           f"({n}x{n} and {B.shape[-2]}x{B.shape[-1]})")
    if pivots.shape[-1:] != LU.shape[-1:]:
        raise RuntimeError(f"{fname}: Number of pivots per batch should be same as the dimension of the matrix")
    if tuple(pivots.shape) != tuple(LU.shape[:-1]):
        raise RuntimeError(f"{fname}: Expected LU.shape[:-1] and pivots.shape to be the same, but got pivots with "
                           f"shape {list(pivots.shape)} instead")
    _broadcast_batch(B.shape[:-2], LU.shape[:-2])
    piv = pivots._data
    if piv.size and int(piv.min()) < 1:
        raise RuntimeError("Pivots given to lu_solve must all be greater or equal to 1. Did you properly pass the "
                           "result of lu_factor?")
    if piv.size and int(piv.max()) > LU.shape[-2]:
        raise RuntimeError("Pivots given to lu_solve must all be smaller or equal to LU.size(-2). Did you properly "
                           "pass the result of lu_factor?")


def linalg_lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    """The solution X of A X = B (X A = B if not left; A^H in place of A if adjoint), A given by lu_factor."""
    _lu_solve_checks(LU, pivots, B, left)
    return LinalgLuSolveBackward0.apply(LU, pivots, B, bool(left), bool(adjoint))


def lu_solve(b, LU_data, LU_pivots):
    """The solution of A X = b, A given by lu_factor (legacy form of linalg.lu_solve, arguments reversed)."""
    warnings.warn("torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand will be removed in a future "
                  "PyTorch release.\nNote that torch.linalg.lu_solve has its arguments reversed.\nX = "
                  "torch.lu_solve(B, LU, pivots)\nshould be replaced with\nX = torch.linalg.lu_solve(LU, pivots, B)",
                  UserWarning)
    return linalg_lu_solve(LU_data, LU_pivots, b)


class LinalgLuBackward0(Op):
    retain_inputs = (0,)
    non_differentiable = (0,)

    @staticmethod
    def forward(ctx, a):
        xp = array_module(a)
        lu, pivots, _ = _lu_array(xp, a)
        m, n = a.shape[-2:]
        k = min(m, n)
        p = _permutation(xp, pivots, m, a.dtype)
        low = xp.tril(lu[..., :, :k], -1) + xp.eye(m, k, dtype=a.dtype)
        up = xp.triu(lu[..., :k, :])
        ctx.results = p, low, up
        return p, low, up

    @staticmethod
    def backward(ctx, _, gl, gu):
        p, low, up = _outputs(ctx, lambda a: tuple(linalg_lu(a)))
        gl = zeros(low.shape, dtype=low.dtype) if gl is None else gl
        gu = zeros(up.shape, dtype=up.dtype) if gu is None else gu
        return _lu_grad(p, low, up, gl, gu)


def linalg_lu(A, *, pivot=True):
    """The LU decomposition A = P L U with partial pivoting (L unit lower triangular, U upper triangular)."""
    _check_tensors("linalg_lu", ("A", A))
    if A.ndim < 2:
        raise RuntimeError(f"linalg.lu: Expected tensor with 2 or more dimensions. Got size: {list(A.shape)} instead")
    _check_matrix("linalg.lu", A, square=False)
    if not pivot:
        raise RuntimeError("linalg.lu: LU without pivoting is not implemented on the CPU")
    return return_types.linalg_lu(*LinalgLuBackward0.apply(A))


def lstsq(A, B, rcond=None, *, driver=None):
    """The least-squares solution of A X = B (minimum norm where A is rank-deficient), as computed by driver:
    residuals for full-rank tall A (not with 'gelsy'), rank (not with 'gels'), singular values ('gelsd', 'gelss')."""
    _check_matrix("torch.linalg.lstsq", A, square=False)
    if driver not in (None, "gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    driver = driver or "gelsy"
    if A.dtype != B.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's "
                           f"dtype {_type_name(A)} and other's dtype {_type_name(B)}")
    vector = B.ndim == A.ndim - 1
    Bm = B.unsqueeze(-1) if vector else B
    m, n = A.shape[-2:]
    rtol = float(np.finfo(A._data.dtype).eps) * max(m, n) if rcond is None or rcond < 0 else rcond
    x = matmul(pinv(A, rtol=rtol), Bm)
    s = svdvals(A.detach())
    rank = (s > _cutoff(s, 0.0, rtol)).sum(-1)
    empty = zeros(0, dtype=to_real(A.dtype))
    residuals = empty
    if driver != "gelsy" and m > n and bool((rank == n).all()):
        r = matmul(A, x) - Bm
        residuals = (r.real ** 2 + r.imag ** 2 if r.is_complex() else r ** 2).sum(-2)
        residuals = residuals.squeeze(-1) if vector else residuals
    return return_types.linalg_lstsq(x.squeeze(-1) if vector else x, residuals,
                                     rank if driver != "gels" else zeros(0, dtype=rank.dtype),
                                     s if driver in ("gelsd", "gelss") else empty)


def _methods():
    for fn in (det, logdet, slogdet, inverse, pinverse, cholesky, cholesky_solve, cholesky_inverse, matrix_power,
               matrix_exp, cross, svd, qr, geqrf, triangular_solve, lu, lu_solve):
        setattr(Tensor, fn.__name__, fn)
    Tensor.orgqr = householder_product


_methods()

holomorphic("LinalgInvExBackward0", "LinalgDetBackward0", "LinalgSolveExBackward0", "LinalgSolveTriangularBackward0",
            "TriangularSolveBackward0", "LinalgMatrixExpBackward0", "LinalgLuFactorExBackward0", "LinalgLuBackward0",
            "LuUnpackBackward0", "LinalgCrossBackward0")
