"""Linear algebra ops: values, gradients, gradcheck and gradgradcheck against torch (tests/oracle.py), and
PyTorch's exact errors."""
import math

import numpy as np
import pytest
import torch

import ember
from tests.oracle import OpSpec, check_op

# every rank combination of matmul, broadcast batches, and empty inner / outer dimensions
MATMUL = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((2, 2, 3), (3, 4)), ((2, 2, 3), (3,)),
          ((3,), (2, 3, 4)), ((2, 3), (2, 3, 4)), ((2, 2, 3), (2, 3, 4)), ((2, 1, 2, 3), (3, 3, 2)),
          ((1, 2, 3), (2, 1, 3, 2)), ((0,), (0,)), ((2, 0), (0, 3)), ((2, 2, 0), (0, 3)), ((0, 3), (3,)),
          ((2, 2, 0), (2, 0, 3)), ((0, 2, 3), (3, 2))]


def spec(name, efn, tfn, shapes, **kw):
    return OpSpec(name, efn, tfn, shapes, **kw)


SPECS = [
    spec("matmul", ember.matmul, torch.matmul, MATMUL),
    spec("matmul_operator", lambda a, b: a @ b, lambda a, b: a @ b, [((2, 3), (3, 4)), ((2, 2, 3), (3,))]),
    spec("matmul_method", lambda a, b: a.matmul(b), lambda a, b: a.matmul(b), [((2, 2, 3), (2, 3, 2))]),
    spec("mm", ember.mm, torch.mm, [((2, 3), (3, 4)), ((0, 3), (3, 2)), ((2, 0), (0, 2))]),
    spec("bmm", ember.bmm, torch.bmm, [((2, 2, 3), (2, 3, 4)), ((0, 2, 3), (0, 3, 1))]),
    spec("mv", ember.mv, torch.mv, [((2, 3), (3,)), ((2, 0), (0,))]),
    spec("dot", ember.dot, torch.dot, [((3,), (3,)), ((0,), (0,))]),
    spec("vdot", ember.vdot, torch.vdot, [((4,), (4,))]),
    spec("outer", ember.outer, torch.outer, [((3,), (4,)), ((0,), (2,))]),
    spec("ger", lambda a, b: a.ger(b), lambda a, b: a.ger(b), [((2,), (3,))]),
    spec("addmm", ember.addmm, torch.addmm, [((2, 4), (2, 3), (3, 4)), ((4,), (2, 3), (3, 4)), ((), (2, 3), (3, 4))]),
    spec("addmm_scaled", lambda x, a, b: ember.addmm(x, a, b, beta=0.5, alpha=-2.0),
         lambda x, a, b: torch.addmm(x, a, b, beta=0.5, alpha=-2.0), [((2, 1), (2, 3), (3, 4))]),
    spec("addmm_beta0", lambda x, a, b: x.addmm(a, b, beta=0), lambda x, a, b: x.addmm(a, b, beta=0),
         [((2, 4), (2, 3), (3, 4))]),
    spec("einsum_mm", lambda a, b: ember.einsum("ij,jk->ik", a, b), lambda a, b: torch.einsum("ij,jk->ik", a, b),
         [((2, 3), (3, 4))]),
    spec("einsum_batch", lambda a, b: ember.einsum("bij,bjk->bik", a, b),
         lambda a, b: torch.einsum("bij,bjk->bik", a, b), [((2, 2, 3), (2, 3, 2))]),
    spec("einsum_three", lambda a, b, c: ember.einsum("ij,jk,kl->il", a, b, c),
         lambda a, b, c: torch.einsum("ij,jk,kl->il", a, b, c), [((2, 3), (3, 2), (2, 2))]),
    spec("einsum_implicit", lambda a, b: ember.einsum("ij,kj", a, b), lambda a, b: torch.einsum("ij,kj", a, b),
         [((2, 3), (4, 3))]),
    spec("einsum_sum_out", lambda a, b: ember.einsum("ij,j->", a, b), lambda a, b: torch.einsum("ij,j->", a, b),
         [((2, 3), (3,))]),
    spec("einsum_free_label", lambda a: ember.einsum("ijk->ik", a), lambda a: torch.einsum("ijk->ik", a),
         [((2, 3, 2),)]),
    spec("einsum_transpose", lambda a: ember.einsum("ij->ji", a), lambda a: torch.einsum("ij->ji", a), [((2, 3),)]),
    spec("einsum_outer", lambda a, b: ember.einsum("i,j->ij", a, b), lambda a, b: torch.einsum("i,j->ij", a, b),
         [((2,), (3,))]),
    spec("einsum_ellipsis", lambda a, b: ember.einsum("...ij,...jk->...ik", a, b),
         lambda a, b: torch.einsum("...ij,...jk->...ik", a, b), [((2, 2, 3), (3, 2)), ((2, 1, 2, 3), (3, 3, 2))]),
    spec("einsum_ellipsis_implicit", lambda a, b: ember.einsum("...j,...j", a, b),
         lambda a, b: torch.einsum("...j,...j", a, b), [((2, 2, 3), (2, 3))]),
    spec("einsum_label_broadcast", lambda a, b: ember.einsum("ij,ij->ij", a, b),
         lambda a, b: torch.einsum("ij,ij->ij", a, b), [((2, 3), (1, 3)), ((2, 3), (2, 1))]),
    spec("einsum_size_one_label", lambda a, b: ember.einsum("ij,kj", a, b), lambda a, b: torch.einsum("ij,kj", a, b),
         [((2, 3), (1, 1))]),
    spec("einsum_diagonal", lambda a: ember.einsum("ii->i", a), lambda a: torch.einsum("ii->i", a), [((3, 3),)]),
    spec("einsum_trace", lambda a: ember.einsum("ii", a), lambda a: torch.einsum("ii", a), [((3, 3),)]),
    spec("einsum_repeated_batch", lambda a, b: ember.einsum("iij,j->ji", a, b),
         lambda a, b: torch.einsum("iij,j->ji", a, b), [((3, 3, 2), (2,))]),
    spec("einsum_triple_repeat", lambda a: ember.einsum("iii->i", a), lambda a: torch.einsum("iii->i", a),
         [((2, 2, 2),)]),
    spec("einsum_sublist", lambda a, b: ember.einsum(a, [0, 1], b, [1, 2], [0, 2]),
         lambda a, b: torch.einsum(a, [0, 1], b, [1, 2], [0, 2]), [((2, 3), (3, 2))]),
    spec("einsum_list", lambda a, b: ember.einsum("ij,jk", [a, b]), lambda a, b: torch.einsum("ij,jk", [a, b]),
         [((2, 3), (3, 2))]),
    spec("tril", ember.tril, torch.tril, [((3, 4),), ((2, 3, 3),), ((0, 2),)]),
    spec("triu", ember.triu, torch.triu, [((3, 4),), ((2, 3, 3),)]),
    spec("tril_diagonal", lambda x: x.tril(1), lambda x: x.tril(1), [((3, 4),)]),
    spec("triu_diagonal", lambda x: ember.triu(x, diagonal=-1), lambda x: torch.triu(x, diagonal=-1),
         [((3, 4),), ((2, 3, 3),)]),
    spec("diag_embed", ember.diag, torch.diag, [((3,),), ((0,),)]),
    spec("diag_embed_offset", lambda v: ember.diag(v, -2), lambda v: torch.diag(v, -2), [((3,),)]),
    spec("diag_matrix", ember.diag, torch.diag, [((3, 4),), ((4, 3),)]),
    spec("diag_matrix_offset", lambda x: x.diag(1), lambda x: x.diag(1), [((3, 4),)]),
    spec("diag_matrix_far_offset", lambda x: x.diag(5), lambda x: x.diag(5), [((3, 4),)]),
    spec("diagonal", ember.diagonal, torch.diagonal, [((3, 4),), ((2, 3, 4),)]),
    spec("diagonal_dims", lambda x: x.diagonal(1, 2, 0), lambda x: x.diagonal(1, 2, 0), [((2, 3, 4),)]),
    spec("diagonal_negative", lambda x: ember.diagonal(x, -1, -1, -2), lambda x: torch.diagonal(x, -1, -1, -2),
         [((2, 3, 4),)]),
    spec("trace", ember.trace, torch.trace, [((3, 4),), ((4, 3),), ((0, 2),)]),
    # torch.kron raises on some transposed inputs (it views where it should reshape): give it contiguous ones
    spec("kron", ember.kron, lambda a, b: torch.kron(a.contiguous(), b.contiguous()),
         [((2, 3), (3, 2)), ((2,), (2, 3)), ((2, 1, 2), (2, 2))]),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_op_matches_torch(spec):
    check_op(spec)


def _same_error(efn, tfn, shapes, dtypes=None):
    """ember raises the exception torch raises, with the same message."""
    dtypes = dtypes or ["float32"] * len(shapes)
    e_args = [ember.ones(s, dtype=getattr(ember, d)) for s, d in zip(shapes, dtypes)]
    t_args = [torch.ones(s, dtype=getattr(torch, d)) for s, d in zip(shapes, dtypes)]
    with pytest.raises(Exception) as t_err:
        tfn(*t_args)
    with pytest.raises(type(t_err.value)) as e_err:
        efn(*e_args)
    assert str(e_err.value) == str(t_err.value)


ERRORS = [
    ("matmul", [(2, 3), (4, 5)], None), ("matmul", [(3,), (4,)], None), ("matmul", [(2, 3), (4,)], None),
    ("matmul", [(3,), (4, 5)], None), ("matmul", [(2, 2, 3), (2, 4, 5)], None),
    ("matmul", [(2, 2, 3), (4, 5)], None), ("matmul", [(2, 2, 3), (4,)], None), ("matmul", [(4,), (2, 3, 5)], None),
    ("matmul", [(2, 3), (2, 4, 5)], None), ("matmul", [(2, 2, 3), (3, 3, 5)], None),
    ("matmul", [(3, 2, 3), (2, 3, 5)], None), ("matmul", [(), (3,)], None), ("matmul", [(3,), ()], None),
    ("matmul", [(2, 3), (3, 3)], ["float32", "float64"]), ("matmul", [(2, 3), (3,)], ["float32", "float64"]),
    ("matmul", [(3,), (3,)], ["float32", "float64"]), ("matmul", [(3,), (3, 5)], ["float32", "float64"]),
    ("matmul", [(2, 2, 3), (3, 5)], ["float32", "float64"]), ("matmul", [(2, 2, 3), (3,)], ["float32", "float64"]),
    ("matmul", [(2, 2, 3), (2, 3, 3)], ["float32", "float64"]), ("matmul", [(3,), (2, 3, 5)], ["float32", "float64"]),
    ("matmul", [(2, 3), (3, 2)], ["float32", "float16"]), ("matmul", [(2, 3), (3, 2)], ["int64", "float32"]),
    ("matmul", [(3,), (3,)], ["int32", "int64"]), ("matmul", [(3,), (3,)], ["bool", "bool"]),
    ("matmul", [(2, 3), (3, 2)], ["bool", "bool"]), ("matmul", [(2, 2, 3), (2, 3, 3)], ["bool", "bool"]),
    ("mm", [(2, 3), (4, 5)], None), ("mm", [(3,), (3, 5)], None), ("mm", [(2, 3), (3,)], None),
    ("mm", [(2, 3, 3), (3, 2)], None), ("mm", [(2, 3), (3, 2)], ["float64", "float32"]),
    ("mm", [(2, 3), (3, 2)], ["uint8", "int16"]), ("mm", [(2, 3), (3, 2)], ["int8", "int32"]),
    ("bmm", [(2, 3), (2, 3, 4)], None), ("bmm", [(2, 2, 3), (3, 4)], None), ("bmm", [(2, 2, 3), (3, 3, 4)], None),
    ("bmm", [(2, 2, 3), (2, 4, 4)], None), ("bmm", [(2, 2, 3), (2, 3, 4)], ["float64", "float32"]),
    ("mv", [(2, 3), (4,)], None), ("mv", [(3,), (3,)], None), ("mv", [(2, 3), (3, 1)], None),
    ("mv", [(2, 3), (3,)], ["float32", "float64"]), ("mv", [(2, 3), (3,)], ["float64", "float32"]),
    ("mv", [(2, 3), (3,)], ["bool", "bool"]),
    ("dot", [(3,), (4,)], None), ("dot", [(3, 1), (3,)], None), ("dot", [(3,), (3, 1)], None),
    ("dot", [(3,), (4,)], ["float32", "float64"]), ("dot", [(), ()], None), ("dot", [(3,), (3,)], ["bool", "bool"]),
    ("vdot", [(3,), (4,)], None), ("vdot", [(3,), (3,)], ["float32", "float64"]), ("vdot", [(3, 1), (3,)], None),
    ("outer", [(3, 1), (4,)], None), ("outer", [(), (4,)], None), ("outer", [(3,), (4, 1)], None),
    ("addmm", [(2, 5), (2, 3), (4, 5)], None), ("addmm", [(3, 5), (2, 3), (3, 5)], None),
    ("addmm", [(2, 3), (3,), (3, 5)], None), ("addmm", [(2, 3), (2, 3, 3), (3, 3)], None),
    ("addmm", [(2, 3), (2, 3), (3,)], None), ("addmm", [(2, 5), (2, 3), (3, 5)], ["float32", "float32", "float64"]),
    ("addmm", [(2, 5), (2, 3), (3, 5)], ["float64", "float64", "float32"]),
    ("addmm", [(2, 5), (2, 3), (3, 5)], ["float64", "float32", "float64"]),
    ("addmm", [(2, 2), (2, 3), (3, 2)], ["bool", "bool", "bool"]),
    ("tril", [(3,)], None), ("triu", [()], None), ("diag", [(2, 2, 2)], None), ("diag", [()], None),
    ("diagonal", [(3,)], None), ("trace", [(3,)], None), ("trace", [(2, 3, 3)], None),
    ("trace", [(3, 3)], ["bool"]),
]


@pytest.mark.parametrize("name, shapes, dtypes", ERRORS, ids=lambda v: str(v))
def test_errors_match_torch(name, shapes, dtypes):
    _same_error(getattr(ember, name), getattr(torch, name), shapes, dtypes)


@pytest.mark.parametrize("equation, shapes", [
    ("ij,jk->ik", [(2, 3), (4, 5)]), ("ij,jk->ik", [(2, 3)]), ("ij", [(2, 3), (3,)]), ("ij->ik", [(2, 3)]),
    ("ijk->ij", [(2, 3)]), ("ii->i", [(2, 3)]), ("ij->ii", [(2, 3)]), ("i1", [(2, 3)]), ("i.j", [(2, 3)]),
    ("i...j...", [(2, 3)]), ("ij->i.", [(2, 3)]), ("ij->ij->i", [(2, 3)]), ("ij,j->i,", [(2, 3), (3,)]),
    ("...ij,...ij->", [(2, 3), (3,)]), ("...j,...j->...", [(4, 2, 3), (3, 3)]), ("...ijk->...", [(2, 3)]),
])
def test_einsum_errors_match_torch(equation, shapes):
    _same_error(lambda *a: ember.einsum(equation, *a), lambda *a: torch.einsum(equation, *a), shapes)


def test_einsum_argument_errors_match_torch():
    _same_error(lambda a, b: ember.einsum("ij,jk", a, b), lambda a, b: torch.einsum("ij,jk", a, b), [(2, 3), (3, 2)],
                ["float32", "float64"])
    _same_error(lambda a: ember.einsum(a, [0, 52]), lambda a: torch.einsum(a, [0, 52]), [(2, 3)])
    _same_error(lambda: ember.einsum("ij,jk"), lambda: torch.einsum("ij,jk"), [])
    _same_error(lambda: ember.einsum("ij", []), lambda: torch.einsum("ij", []), [])
    with pytest.raises(TypeError, match=r"^expected Tensor as element 0 in argument 1, but got numpy.ndarray$"):
        ember.einsum("ij", np.ones((2, 3)))


def test_argument_type_errors_match_torch():
    with pytest.raises(TypeError, match=r"^matmul\(\): argument 'input' \(position 1\) must be Tensor, not list$"):
        ember.matmul([1.0], ember.ones(3))
    with pytest.raises(TypeError, match=r"^mm\(\): argument 'mat2' \(position 2\) must be Tensor, not list$"):
        ember.mm(ember.ones(2, 2), [[1.0]])
    for bad in ([1.0, 2.0, 3.0], 2):
        with pytest.raises(TypeError, match=r"unsupported operand type\(s\) for @"):
            ember.ones(3) @ bad
        with pytest.raises(TypeError, match=r"unsupported operand type\(s\) for @"):
            bad @ ember.ones(3)


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "float16"])
def test_non_default_dtypes_match_torch(dtype):
    rng = np.random.default_rng(0)
    for sa, sb in [((3,), (3,)), ((2, 3), (3,)), ((2, 3), (3, 2)), ((2, 2, 3), (3, 2)), ((2, 2, 3), (2, 3, 2))]:
        a, b = rng.integers(0, 4, sa).astype(dtype), rng.integers(0, 4, sb).astype(dtype)
        e, t = ember.tensor(a) @ ember.tensor(b), torch.tensor(a) @ torch.tensor(b)
        assert e.dtype == getattr(ember, dtype)
        np.testing.assert_array_equal(e.numpy(), t.numpy())
    x = rng.integers(0, 4, (3, 3)).astype(dtype)
    for name in ("trace", "tril", "diag"):
        e, t = getattr(ember, name)(ember.tensor(x)), getattr(torch, name)(torch.tensor(x))
        assert str(e.dtype).split(".")[1] == str(t.dtype).split(".")[1]
        np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_outer_and_kron_promote_dtypes_as_torch():
    a, b = ember.ones(3, dtype=ember.float32), ember.ones(2, dtype=ember.float64)
    assert ember.outer(a, b).dtype == ember.float64
    assert ember.kron(ember.ones(2, dtype=ember.int64), b).dtype == ember.float64


def test_grad_fn_names_match_torch():
    r = lambda *s: ember.randn(*s, requires_grad=True)
    assert (r(3) @ r(3)).grad_fn.name() == "DotBackward0"
    assert (r(2, 3) @ r(3)).grad_fn.name() == "MvBackward0"
    assert (r(2, 3) @ r(3, 4)).grad_fn.name() == "MmBackward0"
    assert ember.bmm(r(2, 2, 3), r(2, 3, 4)).grad_fn.name() == "BmmBackward0"
    assert ember.addmm(r(2, 4), r(2, 3), r(3, 4)).grad_fn.name() == "AddmmBackward0"
    assert ember.vdot(r(3), r(3)).grad_fn.name() == "VdotBackward0"
    assert ember.outer(r(3), r(2)).grad_fn.name() == "MulBackward0"
    assert ember.tril(r(3, 3)).grad_fn.name() == "TrilBackward0"
    assert ember.triu(r(3, 3)).grad_fn.name() == "TriuBackward0"
    assert ember.diag(r(3)).grad_fn.name() == "DiagEmbedBackward0"
    assert ember.diag(r(3, 3)).grad_fn.name() == "DiagonalBackward0_copy"
    assert ember.diagonal(r(3, 3)).grad_fn.name() == "DiagonalBackward0"
    assert ember.trace(r(3, 3)).grad_fn.name() == "TraceBackward0"


def test_only_the_needed_gradient_is_computed():
    a, b = np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(3, 4) / 7
    for sa in [(2, 3), (2, 2, 3)]:
        x = np.broadcast_to(a, sa).copy()
        ea, eb = ember.tensor(x), ember.tensor(b, requires_grad=True)
        ta, tb = torch.tensor(x), torch.tensor(b, requires_grad=True)
        (ea @ eb).sum().backward()
        (ta @ tb).sum().backward()
        assert ea.grad is None
        np.testing.assert_allclose(eb.grad.numpy(), tb.grad.numpy())
        assert (ea @ eb).grad_fn.next_functions[0] == (None, 0)


def test_broadcast_batch_gradient_is_summed_back():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((4, 1, 2, 3)), rng.standard_normal((5, 3, 2))
    ea, eb = ember.tensor(a, requires_grad=True), ember.tensor(b, requires_grad=True)
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    (ea @ eb).pow(2).sum().backward()
    (ta @ tb).pow(2).sum().backward()
    assert ea.grad.shape == (4, 1, 2, 3) and eb.grad.shape == (5, 3, 2)
    np.testing.assert_allclose(ea.grad.numpy(), ta.grad.numpy())
    np.testing.assert_allclose(eb.grad.numpy(), tb.grad.numpy())


def test_rmatmul_is_matmul_with_operands_swapped():
    a, b = ember.tensor([[1.0, 2.0], [3.0, 4.0]]), ember.tensor([[0.0, 1.0], [1.0, 0.0]])
    assert ember.Tensor.__rmatmul__(a, b).tolist() == (b @ a).tolist() == [[3.0, 4.0], [1.0, 2.0]]


def test_addmm_beta_zero_ignores_nan_input():
    x = ember.full((2, 2), float("nan"))
    out = ember.addmm(x, ember.ones(2, 3), ember.ones(3, 2), beta=0)
    assert out.tolist() == [[3.0, 3.0], [3.0, 3.0]]


def test_inplace_forms_match_torch():
    x = np.arange(12.0).reshape(3, 4)
    for name, args in [("tril_", (1,)), ("triu_", (-1,))]:
        e, t = ember.tensor(x), torch.tensor(x)
        assert getattr(e, name)(*args) is e
        getattr(t, name)(*args)
        np.testing.assert_array_equal(e.numpy(), t.numpy())
    e, t = ember.ones(2, 2), torch.ones(2, 2)
    e.addmm_(ember.ones(2, 3), ember.ones(3, 2), alpha=2)
    t.addmm_(torch.ones(2, 3), torch.ones(3, 2), alpha=2)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_diagonal_is_a_writable_view():
    x = ember.zeros(3, 4)
    d = x.diagonal(1)
    d.add_(ember.tensor([1.0, 2.0, 3.0]))
    t = torch.zeros(3, 4)
    t.diagonal(1).add_(torch.tensor([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(x.numpy(), t.numpy())
    assert x._version == 1


def test_diagonal_grad_through_create_graph_matches_torch():
    # d/dx of sum(diag(x)^2) is 2 * diag embedded; its gradient again is the embedding of the seed's diagonal
    x = np.arange(9.0).reshape(3, 3) / 4
    e, t = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (ge,) = ember.autograd.grad(e.diagonal().pow(3).sum(), e, create_graph=True)
    (gt,) = torch.autograd.grad(t.diagonal().pow(3).sum(), t, create_graph=True)
    (hge,) = ember.autograd.grad((ge * ember.tensor(x)).sum(), e)
    (hgt,) = torch.autograd.grad((gt * torch.tensor(x)).sum(), t)
    np.testing.assert_allclose(hge.numpy(), hgt.numpy())


def test_einsum_result_does_not_alias_its_operand():
    x = ember.zeros(2, 3)
    y = ember.einsum("ij->ji", x)
    y.add_(1.0)
    assert x.tolist() == [[0.0] * 3] * 2


# ---- decompositions, solvers and the products built on matmul ----------------------------------------
def well_conditioned(rng, shapes):
    """Random matrices plus n * I on square ones, so inverses and solves are well conditioned."""
    out = []
    for s in shapes:
        a = rng.uniform(-1, 1, s)
        if len(s) >= 2 and s[-1] == s[-2]:
            a = a + s[-1] * np.eye(s[-1])
        out.append(a)
    return out


def spd(mod, x):
    """A symmetric positive-definite matrix made from any square x."""
    return x @ x.mT + x.shape[-1] * mod.eye(x.shape[-1], dtype=x.dtype)


def svd_invariant(mod):
    """A function of A through U diag(S^3) Vh: the same for every choice of singular vector signs."""
    def f(a):
        u, s, vh = mod.linalg.svd(a, full_matrices=False)
        return (u * s.unsqueeze(-2) ** 3) @ vh
    return f


def eigh_invariant(mod):
    def f(a):
        w, v = mod.linalg.eigh(a + a.mT)
        return w, v ** 2
    return f


def lin(name, efn, tfn, shapes, **kw):
    kw.setdefault("make", well_conditioned)
    return OpSpec(name, efn, tfn, shapes, **kw)


LINALG_SPECS = [
    lin("inv", ember.linalg.inv, torch.linalg.inv, [((3, 3),), ((2, 3, 3),), ((0, 2, 2),)]),
    lin("inverse", ember.inverse, torch.inverse, [((2, 2),)]),
    lin("det", ember.linalg.det, torch.linalg.det, [((3, 3),), ((2, 2, 2),)]),
    lin("det_top", lambda a: a.det(), lambda a: a.det(), [((3, 3),)]),
    lin("slogdet", ember.linalg.slogdet, torch.linalg.slogdet, [((3, 3),), ((2, 2, 2),)]),
    lin("logdet", lambda x: ember.logdet(spd(ember, x)), lambda x: torch.logdet(spd(torch, x)), [((3, 3),)]),
    lin("solve", ember.linalg.solve, torch.linalg.solve, [((3, 3), (3, 2)), ((2, 3, 3), (3,)), ((2, 3, 3), (2, 3)),
                                                          ((2, 1, 2, 2), (3, 2, 1))]),
    lin("solve_right", lambda a, b: ember.linalg.solve(a, b, left=False),
        lambda a, b: torch.linalg.solve(a, b, left=False), [((3, 3), (2, 3)), ((2, 3, 3), (2, 1, 3))]),
    lin("cholesky", lambda x: ember.linalg.cholesky(spd(ember, x)), lambda x: torch.linalg.cholesky(spd(torch, x)),
        [((3, 3),), ((2, 2, 2),)]),
    lin("cholesky_upper", lambda x: ember.cholesky(spd(ember, x), True), lambda x: torch.cholesky(spd(torch, x), True),
        [((3, 3),)]),
    lin("qr", ember.linalg.qr, torch.linalg.qr, [((3, 3),), ((4, 2),), ((2, 3, 2),)]),
    lin("qr_r", lambda a: ember.linalg.qr(a, "r").R, lambda a: torch.linalg.qr(a, "r").R, [((3, 2),)], grad=False),
    lin("svd_invariant", svd_invariant(ember), svd_invariant(torch), [((3, 3),), ((4, 2),), ((2, 2, 3),)]),
    lin("svdvals", ember.linalg.svdvals, torch.linalg.svdvals, [((3, 3),), ((2, 4, 2),)]),
    lin("eigh_invariant", eigh_invariant(ember), eigh_invariant(torch), [((3, 3),), ((2, 3, 3),)]),
    lin("eigvalsh", lambda a: ember.linalg.eigvalsh(a + a.mT, "U"), lambda a: torch.linalg.eigvalsh(a + a.mT, "U"),
        [((3, 3),)]),
    lin("pinv", ember.linalg.pinv, torch.linalg.pinv, [((3, 3),), ((2, 3),), ((3, 2),), ((2, 2, 3),)]),
    lin("pinv_hermitian", lambda x: ember.linalg.pinv(spd(ember, x), hermitian=True),
        lambda x: torch.linalg.pinv(spd(torch, x), hermitian=True), [((3, 3),)]),
    lin("pinverse", ember.pinverse, torch.pinverse, [((2, 3),)]),
    lin("matrix_power_3", lambda a: ember.linalg.matrix_power(a, 3), lambda a: torch.linalg.matrix_power(a, 3),
        [((3, 3),), ((2, 2, 2),)]),
    lin("matrix_power_neg", lambda a: a.matrix_power(-2), lambda a: a.matrix_power(-2), [((3, 3),)]),
    lin("matrix_power_0", lambda a: ember.linalg.matrix_power(a, 0), lambda a: torch.linalg.matrix_power(a, 0),
        [((2, 2),)], grad=False),
    lin("matrix_exp", ember.linalg.matrix_exp, torch.linalg.matrix_exp, [((3, 3),), ((2, 3, 3),), ((1, 1),),
                                                                          ((0, 2, 2),)]),
    lin("householder_product", ember.linalg.householder_product, torch.linalg.householder_product,
        [((4, 3), (2,)), ((2, 3, 3), (2, 3)), ((3, 2), (0,))]),
    lin("orgqr_of_geqrf", lambda a: ember.orgqr(*ember.geqrf(a.detach())),
        lambda a: torch.orgqr(*torch.geqrf(a.detach())), [((4, 3),), ((2, 3, 2),)], grad=False),
    lin("geqrf", lambda a: ember.geqrf(a)[0], lambda a: torch.geqrf(a.detach())[0], [((4, 3),), ((2, 2, 3),)],
        grad=False),
    lin("matrix_exp_scaled", lambda a: (a * 6).matrix_exp(), lambda a: (a * 6).matrix_exp(), [((3, 3),)]),
    *[lin(f"matrix_norm_{o}", lambda a, o=o: ember.linalg.matrix_norm(a, o),
          lambda a, o=o: torch.linalg.matrix_norm(a, o), [((3, 3),), ((2, 2, 3),)])
      for o in ["fro", "nuc", math.inf, -math.inf, 1, -1, 2, -2]],
    lin("matrix_norm_dims_keepdim", lambda a: ember.linalg.matrix_norm(a, 1, (0, 2), True),
        lambda a: torch.linalg.matrix_norm(a, 1, (0, 2), True), [((3, 2, 2),)]),
    lin("matrix_norm_nuc_dims", lambda a: ember.linalg.matrix_norm(a, "nuc", (2, 0)),
        lambda a: torch.linalg.matrix_norm(a, "nuc", (2, 0)), [((3, 2, 2),)]),
    *[lin(f"vector_norm_{o}", lambda a, o=o: ember.linalg.vector_norm(a, o, -1),
          lambda a, o=o: torch.linalg.vector_norm(a, o, -1), [((2, 3),)]) for o in [1, 2, 3, math.inf]],
    lin("norm_default", ember.linalg.norm, torch.linalg.norm, [((2, 3, 2),)]),
    lin("norm_matrix_ord", lambda a: ember.linalg.norm(a, "nuc"), lambda a: torch.linalg.norm(a, "nuc"), [((3, 2),)]),
    lin("norm_dim", lambda a: ember.linalg.norm(a, 3, 1), lambda a: torch.linalg.norm(a, 3, 1), [((2, 3),)]),
    lin("cond", ember.linalg.cond, torch.linalg.cond, [((3, 3),), ((3, 2),)]),
    lin("cond_1", lambda a: ember.linalg.cond(a, 1), lambda a: torch.linalg.cond(a, 1), [((3, 3),)], grad=False),
    lin("cross", ember.linalg.cross, torch.linalg.cross, [((3,), (3,)), ((2, 3), (1, 3)), ((4, 2, 3), (1, 2, 3))]),
    lin("cross_top", lambda a, b: ember.cross(a, b, dim=0), lambda a, b: torch.cross(a, b, dim=0),
        [((3, 2), (3, 2))]),
    lin("multi_dot", lambda *t: ember.linalg.multi_dot(t), lambda *t: torch.linalg.multi_dot(t),
        [((3,), (3, 4), (4, 2), (2,)), ((2, 3), (3, 1), (1, 4))]),
    lin("chain_matmul", ember.chain_matmul, torch.chain_matmul, [((2, 3), (3, 4), (4, 1))]),
    lin("vecdot", ember.linalg.vecdot, torch.linalg.vecdot, [((2, 3), (3,))]),
    lin("vecdot_dim", lambda a, b: ember.linalg.vecdot(a, b, dim=0), lambda a, b: torch.linalg.vecdot(a, b, dim=0),
        [((3, 2), (3, 2))]),
    lin("tensordot", ember.tensordot, torch.tensordot, [((2, 3, 4), (3, 4, 2)), ((2, 2), (2, 2))]),
    lin("tensordot_lists", lambda a, b: ember.tensordot(a, b, ([0, 2], [2, 1])),
        lambda a, b: torch.tensordot(a, b, ([0, 2], [2, 1])), [((2, 3, 4), (1, 4, 2))]),
    lin("tensordot_0", lambda a, b: ember.tensordot(a, b, 0), lambda a, b: torch.tensordot(a, b, 0),
        [((2,), (3,))]),
    lin("inner", ember.inner, torch.inner, [((2, 3), (4, 3)), ((3,), (3,)), ((), (2,))]),
    lin("baddbmm", lambda x, a, b: ember.baddbmm(x, a, b, beta=0.5, alpha=2),
        lambda x, a, b: torch.baddbmm(x, a, b, beta=0.5, alpha=2), [((2, 2, 4), (2, 2, 3), (2, 3, 4)),
                                                                   ((4,), (2, 2, 3), (2, 3, 4))]),
    lin("addbmm", ember.addbmm, torch.addbmm, [((2, 4), (3, 2, 3), (3, 3, 4))]),
    lin("addmv", lambda x, a, b: x.addmv(a, b, alpha=-1), lambda x, a, b: x.addmv(a, b, alpha=-1),
        [((2,), (2, 3), (3,)), ((), (2, 3), (3,))]),
    lin("addr", ember.addr, torch.addr, [((2, 3), (2,), (3,))]),
    *[lin(f"cdist_{p}", lambda a, b, p=p: ember.cdist(a, b, p), lambda a, b, p=p: torch.cdist(a, b, p),
          [((3, 2), (4, 2)), ((2, 2, 3), (2, 3, 3))], gradgrad=p != 0) for p in [0, 1, 2, 3, math.inf]],
    lin("cdist_mm", lambda a, b: ember.cdist(a, b, compute_mode="use_mm_for_euclid_dist"),
        lambda a, b: torch.cdist(a, b, compute_mode="use_mm_for_euclid_dist"), [((3, 2), (4, 2))]),
    lin("dist", ember.dist, torch.dist, [((2, 3), (3,))]),
    lin("dist_p", lambda a, b: a.dist(b, 1), lambda a, b: a.dist(b, 1), [((4,), (4,))]),
    lin("cov", ember.cov, torch.cov, [((3, 5),), ((4,),)]),
    lin("cov_correction", lambda a: ember.cov(a, correction=0), lambda a: torch.cov(a, correction=0), [((2, 4),)]),
    lin("corrcoef", ember.corrcoef, torch.corrcoef, [((3, 5),)]),
    lin("lu_factor", lambda a: ember.linalg.lu_factor(a).LU, lambda a: torch.linalg.lu_factor(a).LU,
        [((3, 3),), ((2, 2, 2),)]),
    lin("lu", lambda a: ember.linalg.lu(a), lambda a: torch.linalg.lu(a), [((3, 3),), ((2, 2, 2),)]),
    lin("lu_wide_values", lambda a: ember.linalg.lu(a), lambda a: torch.linalg.lu(a), [((2, 3),), ((3, 2),)],
        grad=False),
    lin("tensorinv", lambda a: ember.linalg.tensorinv(a, 1), lambda a: torch.linalg.tensorinv(a, 1), [((4, 2, 2),)],
        make=lambda rng, s: [rng.uniform(-1, 1, (4, 4)).reshape(4, 2, 2) + 4 * np.eye(4).reshape(4, 2, 2)]),
    lin("tensorsolve", ember.linalg.tensorsolve, torch.linalg.tensorsolve, [((2, 2, 4), (2, 2))],
        make=lambda rng, s: [(rng.uniform(-1, 1, (4, 4)) + 4 * np.eye(4)).reshape(2, 2, 4), rng.uniform(-1, 1, (2, 2))]),
]


@pytest.mark.parametrize("spec", LINALG_SPECS, ids=lambda s: s.name)
def test_linalg_matches_torch(spec):
    check_op(spec)
