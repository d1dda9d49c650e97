"""Linear algebra products: the matmul family, einsum, tensordot, kron, triangles and diagonals, distances and
statistics built on matmul (the solvers and decompositions are in ember/ops/decompositions.py).

Products run as one backend matmul (BLAS for float32/float64) forward and one per wanted gradient
backward; batch dimensions of a batched operand against a matrix are folded into its rows.
"""
import functools
import math
import string
import warnings

import numpy as np

from .._device import array_module
from .._dtype import get_default_dtype, to_real
from .._tensor import Tensor, _wrap, _wrap_dim
from .. import _memory
from ..autograd.function import Op
from ..autograd.complex import holomorphic
from .inplace import inplace
from .reduce import _type_name, norm

__all__ = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "outer", "ger", "addmm", "einsum", "tril", "triu", "diag",
           "diagonal", "trace", "kron", "baddbmm", "addbmm", "addmv", "addr", "chain_matmul", "inner", "tensordot",
           "cdist", "dist", "cov", "corrcoef"]

# the C++ names PyTorch's mm dtype error prints
_CPP_NAMES = {np.dtype(np.float32): "float", np.dtype(np.float64): "double", np.dtype(np.float16): "c10::Half",
              np.dtype(np.int64): "long int", np.dtype(np.int32): "int", np.dtype(np.int16): "short int",
              np.dtype(np.int8): "signed char", np.dtype(np.uint8): "unsigned char", np.dtype(np.bool_): "bool",
              np.dtype(np.complex64): "c10::complex<float>", np.dtype(np.complex128): "c10::complex<double>"}


def _check_tensors(fname, *named):
    """PyTorch's TypeError for a non-tensor argument: named is (argument name, value) pairs."""
    for pos, (name, x) in enumerate(named, 1):
        if not isinstance(x, Tensor):
            raise TypeError(f"{fname}(): argument '{name}' (position {pos}) must be Tensor, not {type(x).__name__}")


def _no_bool(kernel, *tensors):
    if any(t._data.dtype == np.bool_ for t in tensors):
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _check_mm(a, b, rows, k, k2, n):
    """mm's checks, for a (rows x k) times b (k2 x n)."""
    if k != k2:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k} and {k2}x{n})")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_CPP_NAMES[a._data.dtype]} != "
                           f"{_CPP_NAMES[b._data.dtype]}")
    _no_bool("addmm_impl_cpu_", a, b)


def _check_mv(mat, vec, rows, k, n):
    """mv's checks, for mat (rows x k) times vec (n)."""
    if k != n:
        raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{k}), vec ({n})")
    if mat._data.dtype != vec._data.dtype:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {_type_name(vec)}, "
                           f"{_type_name(mat)}, and {_type_name(vec)}")
    _no_bool("addmv_impl_cpu", mat, vec)


def _check_bmm(a, b, batch, k, k2):
    """bmm's checks, for batch matrices with k columns times batch matrices with k2 rows."""
    if k != k2:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{batch}, {k}] but got: "
                           f"[{batch}, {k2}].")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"expected scalar type {_type_name(a)} but found {_type_name(b)}")
    _no_bool("bmm", a, b)


def _broadcast_batch(sa, sb):
    """The broadcast of batch shapes sa and sb, with PyTorch's error."""
    n = max(len(sa), len(sb))
    sa, sb = (1,) * (n - len(sa)) + tuple(sa), (1,) * (n - len(sb)) + tuple(sb)
    for i, (x, y) in enumerate(zip(sa, sb)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton "
                               f"dimension {i}")
    return tuple(max(x, y) if x and y else 0 for x, y in zip(sa, sb))


# ---- matrix products ------------------------------------------------------------------------------
def _mat2_grad(a, g, b):
    """a.T @ g, the gradient of b in a @ b, computed in b's memory layout: for b = w.t() (as in linear) it comes
    out as the transpose of a contiguous array shaped like w, so w's gradient needs no copy (as PyTorch does)."""
    if b._data.flags.f_contiguous and not b._data.flags.c_contiguous:
        return mm(g.t(), a).t()
    return mm(a.t(), g)


def _matmul(a, b):
    """a @ b; for matrices the result goes in a cached array (ember._memory) when it is large."""
    return _memory.matmul(array_module(a), a, b)


def _mm_array_grads(a, b, g, need_a, need_b):
    """The gradients of a and b in a @ b on backend arrays (the first-order path of mm and addmm): the same
    products, in the same layouts, as MmBackward0.backward records with tensors."""
    ga = _matmul(g, b.T) if need_a else None
    if not need_b:
        return ga, None
    if b.flags.f_contiguous and not b.flags.c_contiguous:
        return ga, _matmul(g.T, a).T
    return ga, _matmul(a.T, g)


class _MatrixProduct(Op):
    """The forward the matrix products share: one backend matmul of the two saved inputs."""
    retain_inputs = (0, 1)

    @staticmethod
    def forward(ctx, a, b):
        return _matmul(a, b)


class MmBackward0(_MatrixProduct):
    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return mm(g, b.t()) if need_a else None, _mat2_grad(a, g, b) if need_b else None

    def _apply(self, grads, graph):
        if graph:
            return Op._apply(self, grads, graph)
        a, b = self._unpack_saved(False)
        return _mm_array_grads(a, b, grads[0], *self.needs_input_grad)


class BmmBackward0(_MatrixProduct):
    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return bmm(g, b.mT) if need_a else None, bmm(a.mT, g) if need_b else None


class MvBackward0(_MatrixProduct):
    @staticmethod
    def backward(ctx, g):
        mat, vec = ctx.saved_tensors
        need_mat, need_vec = ctx.needs_input_grad
        return g.unsqueeze(-1) * vec if need_mat else None, mv(mat.t(), g) if need_vec else None


class DotBackward0(Op):
    retain_inputs = (0, 1)

    @staticmethod
    def forward(ctx, a, b):
        return array_module(a).dot(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return g * b if need_a else None, g * a if need_b else None


class VdotBackward0(Op):
    """dot with the first vector conjugated."""
    complex_grad = True
    retain_inputs = (0, 1)

    @staticmethod
    def forward(ctx, a, b):
        return array_module(a).vdot(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return g.conj() * b if need_a else None, g * a if need_b else None


class MatmulBackward0(Op):
    """matmul beyond dot, mv and mm: a vector times a matrix, and batched products with broadcasting.
    The engine sums the gradients of broadcast batch dimensions back to each input's shape."""
    retain_inputs = (0, 1)

    @staticmethod
    def forward(ctx, a, b):
        xp = array_module(a)
        if a.ndim >= 3 and b.ndim <= 2:
            k = a.shape[-1]
            return xp.matmul(a.reshape(math.prod(a.shape[:-1]), k), b).reshape(a.shape[:-1] + b.shape[1:])
        return xp.matmul(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = gb = None
        rows, k = math.prod(a.shape[:-1]), a.shape[-1]
        if need_a:
            if b.ndim == 1:
                ga = g.unsqueeze(-1) * b
            elif a.ndim == 1:
                ga = matmul(b, g.unsqueeze(-1)).squeeze(-1)
            else:
                ga = matmul(g, b.mT)
        if need_b:
            if a.ndim == 1:
                gb = a.unsqueeze(-1) * g.unsqueeze(-2)
            elif b.ndim == 1:
                gb = matmul(g.reshape(rows), a.reshape(rows, k))
            elif b.ndim == 2:
                gb = matmul(a.reshape(rows, k).mT, g.reshape(rows, b.shape[-1]))
            else:
                gb = matmul(a.mT, g)
        return ga, gb


def matmul(input, other):
    """Matrix product with NumPy/PyTorch semantics: dot, matrix-vector, matrix-matrix or batched (broadcast)."""
    _check_tensors("matmul", ("input", input), ("other", other))
    da, db = input._data.ndim, other._data.ndim
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D")
    if da == 1 and db == 1:
        return dot(input, other)
    if da == 2:
        if db == 1:
            return mv(input, other)
        if db == 2:
            return mm(input, other)
    sa, sb = input._data.shape, other._data.shape
    if db <= 2:
        rows = math.prod(sa[:-1])
        if db == 2:
            _check_mm(input, other, rows, sa[-1], sb[0], sb[1])
        else:
            _check_mv(input, other, rows, sa[-1], sb[0])
    else:
        batch = _broadcast_batch(sa[:-2], sb[:-2])
        _check_bmm(input, other, math.prod(batch), sa[-1], sb[-2])
    return MatmulBackward0.apply(input, other)


def mm(input, mat2):
    """Matrix product of two 2-D tensors."""
    _check_tensors("mm", ("input", input), ("mat2", mat2))
    if input._data.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2._data.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    (m, k), (k2, n) = input._data.shape, mat2._data.shape
    _check_mm(input, mat2, m, k, k2, n)
    return MmBackward0.apply(input, mat2)


def bmm(input, mat2):
    """Batched matrix product of two 3-D tensors with the same batch size."""
    _check_tensors("bmm", ("input", input), ("mat2", mat2))
    if input._data.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2._data.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    (b, _, k), (b2, k2, _) = input._data.shape, mat2._data.shape
    if b != b2:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{b}, {k}] but got: "
                           f"[{b2}, {k2}].")
    _check_bmm(input, mat2, b, k, k2)
    return BmmBackward0.apply(input, mat2)


def mv(input, vec):
    """Product of a matrix and a vector."""
    _check_tensors("mv", ("input", input), ("vec", vec))
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input._data.ndim}, {vec._data.ndim}")
    (m, k), (n,) = input._data.shape, vec._data.shape
    _check_mv(input, vec, m, k, n)
    return MvBackward0.apply(input, vec)


def _check_dot(input, other):
    da, db = input._data.ndim, other._data.ndim
    if da != 1 or db != 1:
        raise RuntimeError(f"1D tensors expected, but got {da}D and {db}D tensors")
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {_type_name(input)} and "
                           f"{_type_name(other)}")
    n, m = input._data.size, other._data.size
    if n != m:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same number "
                           f"of elements, but got {n} and {m} elements respectively")
    _no_bool("dot", input, other)


def dot(input, tensor):
    """Inner product of two 1-D tensors of the same size and dtype."""
    _check_tensors("dot", ("input", input), ("tensor", tensor))
    _check_dot(input, tensor)
    return DotBackward0.apply(input, tensor)


def vdot(input, other):
    """Inner product of two 1-D tensors, conjugating the first (the same as dot for real tensors)."""
    _check_tensors("vdot", ("input", input), ("other", other))
    _check_dot(input, other)
    return VdotBackward0.apply(input, other)


def outer(input, vec2):
    """Outer product of two 1-D tensors: out[i, j] = input[i] * vec2[j]."""
    _check_tensors("outer", ("input", input), ("vec2", vec2))
    for name, t in (("self", input), ("vec2", vec2)):
        if t._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t._data.ndim}-D")
    return input.reshape(input._data.shape[0], 1) * vec2


ger = outer


class AddmmBackward0(Op):
    retain_inputs = (1, 2)

    @staticmethod
    def forward(ctx, x, a, b, beta, alpha):
        ctx.beta, ctx.alpha = beta, alpha
        out = _matmul(a, b)
        if alpha != 1:
            out *= alpha
        if beta != 0:
            out += x if beta == 1 else x * beta     # out is the matmul's fresh result: no second large array
        return out.astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad[1:3]
        return _addmm_grads(ctx, g, mm(g, b.t()) if need_a else None, _mat2_grad(a, g, b) if need_b else None)

    def _apply(self, grads, graph):
        if graph:
            return Op._apply(self, grads, graph)
        a, b = self._unpack_saved(False)
        return _addmm_grads(self, grads[0], *_mm_array_grads(a, b, grads[0], *self.needs_input_grad[1:3]))


def _addmm_grads(ctx, g, ga, gb):
    """addmm's gradients (tensors or arrays) from g and those of the product, ga and gb: beta and alpha applied."""
    gx = (g if ctx.beta == 1 else g * ctx.beta) if ctx.needs_input_grad[0] else None
    if ctx.alpha != 1:
        ga = None if ga is None else ga * ctx.alpha
        gb = None if gb is None else gb * ctx.alpha
    return gx, ga, gb, None, None


def _broadcasts_to(shape, target):
    """Whether an array of shape broadcasts to target (each of its trailing sizes is 1 or target's)."""
    return len(shape) <= len(target) and all(s == 1 or s == t for s, t in zip(shape[::-1], target[::-1]))


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """beta * input + alpha * (mat1 @ mat2), input broadcasting to the product's shape; beta=0 ignores input."""
    _check_tensors("addmm", ("input", input), ("mat1", mat1), ("mat2", mat2))
    for name, t in (("mat1", mat1), ("mat2", mat2)):
        if t._data.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix, got {t._data.ndim}-D tensor")
    (m, k), (k2, n) = mat1._data.shape, mat2._data.shape
    if k != k2:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({m}x{k} and {k2}x{n})")
    for name, t in (("self", input), ("mat1", mat1)):
        if t._data.dtype != mat2._data.dtype:
            raise RuntimeError(f"{name} and mat2 must have the same dtype, but got {_type_name(t)} and "
                               f"{_type_name(mat2)}")
    _no_bool("addmm_impl_cpu_", mat1)
    if input._data.shape != (m, n) and not _broadcasts_to(input._data.shape, (m, n)):
        input.expand(m, n)  # raises PyTorch's error
    return AddmmBackward0.apply(input, mat1, mat2, beta, alpha)


def kron(input, other):
    """Kronecker product: blocks input[i...] * other, the shorter shape padded with leading ones."""
    _check_tensors("kron", ("input", input), ("other", other))
    n = max(input._data.ndim, other._data.ndim)
    sa = (1,) * (n - input._data.ndim) + input._data.shape
    sb = (1,) * (n - other._data.ndim) + other._data.shape
    a = input.reshape(tuple(s for x in sa for s in (x, 1)))
    b = other.reshape(tuple(s for x in sb for s in (1, x)))
    return (a * b).reshape(tuple(x * y for x, y in zip(sa, sb)))


# ---- einsum ---------------------------------------------------------------------------------------
def _einsum_error(msg):
    return RuntimeError(f"einsum(): {msg}")


def _parse_term(text, start, who):
    """The labels of one side of an equation (a list of letters and '...'), checking each character."""
    labels, i = [], 0
    while i < len(text):
        c = text[i]
        if c == ".":
            if text[i:i + 3] != "...":
                raise _einsum_error(f"found '.' for {who} that is not part of any ellipsis"
                                    + (" (...)" if who == "output" else ""))
            if "..." in labels:
                raise _einsum_error(f"found '.' for {who} for which an ellipsis was already found")
            labels.append("...")
            i += 3
            continue
        if c in string.ascii_letters:
            labels.append(c)
        elif c != " ":
            raise _einsum_error(f"invalid subscript given at index {start + i} in the equation string, subscripts "
                                f"must be in [a-zA-Z]")
        i += 1
    return labels


def _einsum_spec(equation, shapes):
    """Each operand's labels (ellipses spelled out as spare letters), the output's labels and every label's size."""
    lhs, arrow, rhs = equation.partition("->")
    terms, start = [], 0
    for k, text in enumerate(lhs.split(",")):
        terms.append(_parse_term(text, start, f"operand {k}"))
        start += len(text) + 1
    if len(terms) > len(shapes):
        raise _einsum_error("fewer operands were provided than specified in the equation")
    if len(terms) < len(shapes):
        raise _einsum_error("more operands were provided than specified in the equation")
    out = _parse_term(rhs, len(lhs) + 2, "output") if arrow else None
    n_ell = 0
    for k, (term, shape) in enumerate(zip(terms, shapes)):
        n = len(term) - ("..." in term)
        if "..." not in term and n != len(shape):
            raise _einsum_error(f"the number of subscripts in the equation ({n}) does not match the number of "
                                f"dimensions ({len(shape)}) for operand {k} and no ellipsis was given")
        if n > len(shape):
            raise _einsum_error(f"the number of subscripts in the equation ({n}) is more than the number of "
                                f"dimensions ({len(shape)}) for operand {k}")
        if "..." in term:
            n_ell = max(n_ell, len(shape) - n)
    spare = [c for c in string.ascii_letters if c not in equation][:n_ell]
    sizes, labels = {}, []
    for k, (term, shape) in enumerate(zip(terms, shapes)):
        m = len(shape) - len(term) + 1
        ell = spare[n_ell - m:] if "..." in term else []
        full = [x for t in term for x in (ell if t == "..." else [t])]
        seen = {}
        for d, (label, size) in enumerate(zip(full, shape)):
            if label in seen and seen[label] != size:
                raise _einsum_error(f"subscript {label} is repeated for operand {k} but the sizes don't match, "
                                    f"{size} != {seen[label]}")
            seen[label] = size
            old = sizes.get(label, 1)
            if size != old and size != 1 and old != 1:
                if label in ell:
                    raise _einsum_error(f"dimension {ell.index(label)} covered by ellipsis in operand {k}has size "
                                        f"{size} which does not broadcast with previously seen ellipsis with size "
                                        f"{old} for the respective dimension")
                raise _einsum_error(f"subscript {label} has size {size} for operand {k} which does not broadcast "
                                    f"with previously seen size {old}")
            sizes[label] = size if old == 1 else old
        labels.append(full)
    if out is None:
        once = sorted(c for c in sizes if c not in spare and sum(t.count(c) for t in labels) == 1)
        out = spare + once
    else:
        for c in out:
            if c != "..." and c not in sizes:
                raise _einsum_error(f"output subscript {c} does not appear in the equation for any input operand")
            if out.count(c) > 1:
                raise _einsum_error(f"output subscript {c} appears more than once in the output")
        out = [x for c in out for x in (spare if c == "..." else [c])]
    return labels, out, sizes


class EinsumBackward0(Op):
    """einsum; the gradient of an operand is the einsum of the output gradient with the other operands,
    times ones for labels only that operand has and identity matrices tying its repeated labels."""

    @staticmethod
    def forward(ctx, *arrays, labels, out, sizes):
        ctx.labels, ctx.out, ctx.sizes = labels, out, sizes
        xp = array_module(arrays[0])
        shapes = [tuple(sizes[c] for c in t) for t in labels]
        arrays = [a if a.shape == s else xp.broadcast_to(a, s) for a, s in zip(arrays, shapes)]
        res = xp.einsum(",".join("".join(t) for t in labels) + "->" + "".join(out), *arrays, optimize=True)
        if len(arrays) == 1 and xp.may_share_memory(res, arrays[0]):
            res = res.copy()
        return res

    @staticmethod
    def backward(ctx, g):
        labels, out, sizes = ctx.labels, ctx.out, ctx.sizes
        saved = ctx.saved_tensors
        xp, dt = array_module(g._data), g._data.dtype
        spare = [c for c in string.ascii_letters if c not in set(out).union(*labels)]
        grads = []
        for i, need in enumerate(ctx.needs_input_grad):
            if not need:
                grads.append(None)
                continue
            others = [j for j in range(len(labels)) if j != i]
            terms = ["".join(out)] + ["".join(labels[j]) for j in others]
            # operands with broadcast (size 1) labels take their full sizes, so that each label has it here
            args = [g] + [saved[j].expand(tuple(sizes[c] for c in labels[j])) for j in others]
            avail = set(out).union(*(labels[j] for j in others))
            target, free = [], iter(spare)
            for c in labels[i]:
                if c in target:
                    f = next(free)
                    target.append(f)
                    terms.append(c + f)
                    args.append(_wrap(xp.eye(sizes[c], dtype=dt)))
                    continue
                target.append(c)
                if c not in avail and labels[i].count(c) == 1:
                    terms.append(c)
                    args.append(_wrap(xp.ones(sizes[c], dtype=dt)))
            grads.append(einsum(",".join(terms) + "->" + "".join(target), *args))
        return tuple(grads)


@functools.lru_cache(maxsize=None)
def _einsum_op(n):
    """The einsum node class for n operands (it saves all of them)."""
    return type("EinsumBackward0", (EinsumBackward0,), {"retain_inputs": tuple(range(n))})


def _subscript_letter(s):
    if not isinstance(s, int) or not 0 <= s < 52:
        raise ValueError("einsum(): subscript in subscript list is not within the valid range [0, 52)")
    return chr(ord("A") + s) if s < 26 else chr(ord("a") + s - 26)


def _sublist_equation(sublists, output):
    def term(sub):
        return "".join("..." if s is Ellipsis else _subscript_letter(s) for s in sub)
    return ",".join(term(s) for s in sublists) + ("" if output is None else "->" + term(output))


def einsum(*args):
    """Sums of products of the operands over the subscripts of an equation: einsum('ij,jk->ik', a, b), or in
    the sublist format einsum(a, [0, 1], b, [1, 2], [0, 2])."""
    if len(args) < 2:
        raise ValueError("einsum(): must specify the equation string and at least one operand, or at least one "
                         "operand and its subscripts list")
    if isinstance(args[0], str):
        equation, operands = args[0], args[1:]
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = tuple(operands[0])
    else:
        operands = args[0:len(args) - len(args) % 2:2]
        equation = _sublist_equation(args[1::2][:len(operands)], args[-1] if len(args) % 2 else None)
    if not operands:
        raise ValueError("einsum(): must specify the equation string and at least one operand, or at least one "
                         "operand and its subscripts list")
    for i, t in enumerate(operands):
        if not isinstance(t, Tensor):
            kind = type(t)
            name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
            raise TypeError(f"expected Tensor as element {i} in argument 1, but got {name}")
    labels, out, sizes = _einsum_spec(equation, [t._data.shape for t in operands])
    for t in operands[1:]:
        if t._data.dtype != operands[0]._data.dtype:
            raise RuntimeError(f"expected scalar type {_type_name(operands[0])} but found {_type_name(t)}")
    return _einsum_op(len(operands)).apply(*operands, labels=labels, out=out, sizes=sizes)


# ---- triangles and diagonals ----------------------------------------------------------------------
class TrilBackward0(Op):
    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        return array_module(x).tril(x, k)

    @staticmethod
    def backward(ctx, g):
        return tril(g, ctx.k), None


class TriuBackward0(Op):
    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        return array_module(x).triu(x, k)

    @staticmethod
    def backward(ctx, g):
        return triu(g, ctx.k), None


def _triangle(name, op, input, diagonal):
    _check_tensors(name, ("input", input))
    if input._data.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    return op.apply(input, int(diagonal))


def tril(input, diagonal=0):
    """The lower triangle of the last two dimensions (on and below diagonal), zeros elsewhere."""
    return _triangle("tril", TrilBackward0, input, diagonal)


def triu(input, diagonal=0):
    """The upper triangle of the last two dimensions (on and above diagonal), zeros elsewhere."""
    return _triangle("triu", TriuBackward0, input, diagonal)


def _diagonal_view(xp, x, offset, d1, d2):
    """A writable view of the diagonal of x over dims d1, d2 (moved last), as PyTorch's diagonal."""
    r, c = max(-offset, 0), max(offset, 0)
    length = max(min(x.shape[d1] - r, x.shape[d2] - c), 0)
    if length:
        x = x[tuple(slice(r, None) if d == d1 else slice(c, None) if d == d2 else slice(None)
                    for d in range(x.ndim))]
    keep = [d for d in range(x.ndim) if d not in (d1, d2)]
    return xp.lib.stride_tricks.as_strided(x, tuple(x.shape[d] for d in keep) + (length,),
                                           tuple(x.strides[d] for d in keep) + (x.strides[d1] + x.strides[d2],))


class DiagonalBackward0(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, offset, d1, d2):
        ctx.shape, ctx.offset, ctx.d1, ctx.d2 = x.shape, offset, d1, d2
        return _diagonal_view(array_module(x), x, offset, d1, d2)

    @staticmethod
    def backward(ctx, g):
        return DiagonalBackwardBackward0.apply(g, ctx.shape, ctx.offset, ctx.d1, ctx.d2), None, None, None


class DiagonalBackward0_copy(DiagonalBackward0):   # noqa: N801 (PyTorch's name for diag of a matrix)
    is_view = False

    @staticmethod
    def forward(ctx, x, offset, d1, d2):
        return DiagonalBackward0.forward(ctx, x, offset, d1, d2).copy()


class DiagonalBackwardBackward0(Op):
    """Zeros of shape with v laid on the diagonal over dims d1, d2 (v's last dim runs along it)."""

    @staticmethod
    def forward(ctx, v, shape, offset, d1, d2):
        ctx.offset, ctx.d1, ctx.d2 = offset, d1, d2
        xp = array_module(v)
        out = xp.zeros(shape, dtype=v.dtype)
        _diagonal_view(xp, out, offset, d1, d2)[...] = v
        return out

    @staticmethod
    def backward(ctx, g):
        return diagonal(g, ctx.offset, ctx.d1, ctx.d2), None, None, None, None


class DiagEmbedBackward0(DiagonalBackwardBackward0):
    """diag of a vector: a square matrix with the vector on a diagonal."""


def diagonal(input, offset=0, dim1=0, dim2=1):
    """A view of the diagonal over dim1 and dim2 (offset above or below the main one), moved to the last dim."""
    _check_tensors("diagonal", ("input", input))
    n = input._data.ndim
    d1, d2 = _wrap_dim(dim1, n), _wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return DiagonalBackward0.apply(input, int(offset), d1, d2)


def diag(input, diagonal=0):
    """A 1-D input as the diagonal of a square matrix, or a copy of a 2-D input's diagonal."""
    _check_tensors("diag", ("input", input))
    n = input._data.ndim
    if n == 1:
        size = input._data.shape[0] + abs(diagonal)
        return DiagEmbedBackward0.apply(input, (size, size), int(diagonal), 0, 1)
    if n == 2:
        return DiagonalBackward0_copy.apply(input, int(diagonal), 0, 1)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {n}D")


class TraceBackward0(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.shape = x.shape
        return array_module(x).trace(x, dtype=np.int64 if x.dtype.kind in "biu" else None)

    @staticmethod
    def backward(ctx, g):
        return DiagonalBackwardBackward0.apply(g.expand(min(ctx.shape)), ctx.shape, 0, 0, 1)


def trace(input):
    """The sum of the main diagonal of a 2-D tensor."""
    _check_tensors("trace", ("input", input))
    if input._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input._data.ndim}")
    _no_bool("trace", input)
    return TraceBackward0.apply(input)


# ---- products built on matmul ---------------------------------------------------------------------
def _scaled_sum(input, product, beta, alpha):
    """beta * input + alpha * product, where beta=0 ignores input (nan and inf in it included)."""
    if alpha != 1:
        product = product * alpha
    if beta == 0:
        return product
    return product + (input if beta == 1 else input * beta)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * (batch1 @ batch2) for batches of matrices, input broadcasting to the product."""
    _check_tensors("baddbmm", ("input", input), ("batch1", batch1), ("batch2", batch2))
    return _scaled_sum(input, bmm(batch1, batch2), beta, alpha)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * the sum over the batch of batch1[i] @ batch2[i]."""
    _check_tensors("addbmm", ("input", input), ("batch1", batch1), ("batch2", batch2))
    return _scaled_sum(input, bmm(batch1, batch2).sum(0), beta, alpha)


def addmv(input, mat, vec, *, beta=1, alpha=1):
    """beta * input + alpha * (mat @ vec)."""
    _check_tensors("addmv", ("input", input), ("mat", mat), ("vec", vec))
    return _scaled_sum(input, mv(mat, vec), beta, alpha)


def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """beta * input + alpha * outer(vec1, vec2)."""
    _check_tensors("addr", ("input", input), ("vec1", vec1), ("vec2", vec2))
    return _scaled_sum(input, outer(vec1, vec2), beta, alpha)


def _chain_order(dims):
    """The cheapest parenthesisation of a matrix chain with shapes dims[i] x dims[i + 1]: split[i][j]."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j], split[i][j] = min((cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1], k)
                                          for k in range(i, j))
    return split


def multi_dot(tensors):
    """The product of a chain of matrices in the cheapest order; the first and last may be vectors."""
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    first, last = tensors[0], tensors[-1]
    for i, t in enumerate(tensors):
        end = {0: "the first tensor", len(tensors) - 1: "the last tensor"}.get(i)
        if t.ndim != 2 and not (t.ndim == 1 and end):
            raise RuntimeError(f"multi_dot(): {end or f'tensor {i}'} must be {'1D or 2D' if end else '2D'} but got "
                               f"{t.ndim}D")
    mats = [first.unsqueeze(0) if first.ndim == 1 else first] + tensors[1:-1] + \
        [last.unsqueeze(1) if last.ndim == 1 else last]
    for i in range(len(mats) - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            a, b = mats[i].shape, mats[i + 1].shape
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {list(a)} and {list(b)} cannot be "
                               f"multiplied")
    split = _chain_order([m.shape[0] for m in mats] + [mats[-1].shape[1]])

    def product(i, j):
        return mats[i] if i == j else mm(product(i, split[i][j]), product(split[i][j] + 1, j))
    out = product(0, len(mats) - 1)
    if first.ndim == 1:
        out = out.squeeze(0)
    if last.ndim == 1:
        out = out.squeeze(-1)
    return out


def chain_matmul(*matrices):
    """The product of 2-D matrices in the cheapest order (linalg.multi_dot)."""
    if len(matrices) == 1:
        return matrices[0].clone()
    return multi_dot(matrices)


def tensordot(a, b, dims=2, out=None):
    """Sum of products over dims: the last dims of a with the first of b (an int), or the listed pairs."""
    _check_tensors("tensordot", ("a", a), ("b", b))
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        given_a, given_b = list(range(-dims, 0)), list(range(dims))
    else:
        given_a, given_b = ([d] if isinstance(d, int) else list(d) for d in dims)
        if len(given_a) != len(given_b):
            raise RuntimeError("both dimension lists should have same length")
    da, db = [_wrap_dim(d, a.ndim) for d in given_a], [_wrap_dim(d, b.ndim) for d in given_b]
    for x, y, gx, gy in zip(da, db, given_a, given_b):
        if a.shape[x] != b.shape[y]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[x]} in dim {gx} and "
                               f"second has size {b.shape[y]} in dim {gy}")
    free_a, free_b = [d for d in range(a.ndim) if d not in da], [d for d in range(b.ndim) if d not in db]
    k = math.prod(a.shape[d] for d in da)
    pa = a.permute(*(free_a + da)).reshape(-1, k)
    pb = b.permute(*(db + free_b)).reshape(k, -1)
    return mm(pa, pb).reshape(tuple(a.shape[d] for d in free_a) + tuple(b.shape[d] for d in free_b))


def inner(input, other):
    """Dot products over the last dimension of both tensors, for every pair of their other indices."""
    _check_tensors("inner", ("input", input), ("other", other))
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    return tensordot(input, other, ([-1], [-1]))


def vecdot(x, y, *, dim=-1):
    """Dot product of x and y over dim (x conjugated), broadcasting the other dimensions."""
    _check_tensors("linalg_vecdot", ("x", x), ("y", y))
    return (x.conj() * y).sum(dim)


# ---- distances and statistics ---------------------------------------------------------------------
def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """The vector ord-norm of x over dim (all elements by default)."""
    return norm(x, float(ord), dim, keepdim, dtype)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """p-norm distances between each row of x1 and each row of x2, batched over leading dimensions."""
    _check_tensors("cdist", ("x1", x1), ("x2", x2))
    for name, t in (("X1", x1), ("X2", x2)):
        if t.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {t.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    for name, t in (("X1", x1), ("X2", x2)):
        if not t.is_floating_point():
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {_type_name(t)}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    modes = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")
    if compute_mode not in modes:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    use_mm = p == 2 and (compute_mode == modes[1] or compute_mode == modes[0] and
                         (x1.shape[-2] > 25 or x2.shape[-2] > 25))
    if use_mm:
        # |a - b|^2 = |a|^2 + |b|^2 - 2 a.b: one BLAS product instead of a rows x rows x columns difference
        sq1, sq2 = (x1 * x1).sum(-1, keepdim=True), (x2 * x2).sum(-1, keepdim=True)
        return (sq1 - 2 * matmul(x1, x2.mT) + sq2.mT).clamp_min(0).sqrt()
    return vector_norm(x1.unsqueeze(-2) - x2.unsqueeze(-3), p, -1)


def dist(input, other, p=2):
    """The p-norm of input - other."""
    _check_tensors("dist", ("input", input), ("other", other))
    return vector_norm(input - other, p)


def cov(input, *, correction=1, fweights=None, aweights=None):
    """Covariance of the variables in the rows of input (observations in the columns), optionally weighted."""
    _check_tensors("cov", ("input", input))
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")
    x = input.reshape(1, -1) if input.ndim < 2 else input
    if x._data.dtype.kind not in "fc":
        x = x.to(get_default_dtype())
    n_obs = x.shape[1]
    w = None
    for name, wt in (("fweights", fweights), ("aweights", aweights)):
        if wt is None:
            continue
        if wt.ndim > 1:
            raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got {name} with "
                               f"{wt.ndim} dimensions")
        if wt.numel() != n_obs:
            raise RuntimeError(f"cov(): expected {name} to have the same numel as there are observations in the "
                               f"input but got {wt.numel()} != {n_obs}")
        if name == "fweights" and wt.is_floating_point():
            raise RuntimeError("cov(): expected fweights to have integral dtype")
        if name == "aweights" and not wt.is_floating_point():
            raise RuntimeError("cov(): expected aweights to have floating point dtype")
        if bool((wt < 0).any()):
            raise RuntimeError(f"cov(): {name} cannot be negative")
        w = wt if w is None else w * wt
    w_sum = x.new_tensor(float(n_obs), dtype=to_real(x.dtype)) if w is None else w.sum().to(to_real(x.dtype))
    avg = x.mean(1) if w is None else (x * w).sum(1) / w_sum
    if w is None or correction == 0:
        norm_factor = w_sum - correction
    elif aweights is None:
        norm_factor = w_sum - correction
    else:
        norm_factor = w_sum - correction * (w * aweights).sum() / w_sum
    if float(norm_factor) <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of "
                      "observations.", RuntimeWarning)
        norm_factor = norm_factor * 0
    x = x - avg.unsqueeze(1)
    c = mm(x, (x if w is None else x * w).t().conj())
    return (c / norm_factor).squeeze()


def corrcoef(input):
    """Pearson correlation coefficients of the variables in the rows of input, clipped to [-1, 1]."""
    c = cov(input)
    if c.ndim == 0:
        return c / c
    std = diagonal(c).sqrt()
    c = c / std.unsqueeze(1) / std.unsqueeze(0)
    if c.is_complex():
        from .complex import complex   # complex.py imports this module (through shape.py)
        return complex(c.real.clamp(-1, 1), c.imag.clamp(-1, 1))
    return c.clamp(-1, 1)


def linear(input, weight, bias=None):
    """input @ weight.T + bias (torch.nn.functional.linear): weight is (out_features, in_features)."""
    if input.dim() == 2 and bias is not None:
        return addmm(bias, input, weight.t())
    out = matmul(input, weight.t())
    return out if bias is None else out + bias


def bilinear(input1, input2, weight, bias=None):
    """out[..., o] = input1 @ weight[o] @ input2 + bias[o] (torch.nn.functional.bilinear)."""
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got {list(input1.shape[:-1])} and "
                           f"{list(input2.shape[:-1])}")
    if weight.dim() != 3 or weight.shape[1] != input1.shape[-1] or weight.shape[2] != input2.shape[-1]:
        raise RuntimeError(f"bilinear(): weight must be (out_features, {input1.shape[-1]}, {input2.shape[-1]}), "
                           f"got {list(weight.shape)}")
    out = einsum("...i,oij,...j->...o", input1, weight, input2)
    return out if bias is None else out + bias


def _methods():
    for fn in (matmul, mm, bmm, mv, dot, vdot, outer, addmm, tril, triu, diag, diagonal, trace, kron, baddbmm, addbmm,
               addmv, addr, inner, dist, cov, corrcoef):
        setattr(Tensor, fn.__name__, fn)
    Tensor.ger = ger
    Tensor.__matmul__ = lambda self, other: matmul(self, other) if isinstance(other, Tensor) else NotImplemented
    Tensor.__rmatmul__ = lambda self, other: matmul(other, self) if isinstance(other, Tensor) else NotImplemented
    for fn in (tril, triu, addmm, baddbmm, addbmm, addmv, addr):
        setattr(Tensor, fn.__name__ + "_", inplace(fn, fn.__name__ + "_"))


_methods()
holomorphic("MmBackward0", "MatmulBackward0", "BmmBackward0", "MvBackward0", "DotBackward0", "EinsumBackward0",
            "AddmmBackward0", "TrilBackward0", "TriuBackward0", "DiagonalBackward0", "DiagonalBackward0_copy",
            "DiagonalBackwardBackward0", "DiagEmbedBackward0", "TraceBackward0")
