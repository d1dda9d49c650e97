"""linalg.solve_triangular and the legacy triangular_solve: values, gradients, gradcheck and gradgradcheck against
torch (tests/oracle.py), with garbage in the triangle that is not read, and PyTorch's exact errors."""
import numpy as np
import pytest
import torch

import ember
from tests.oracle import OpSpec, check_op


def triangular(upper, unitriangular=False):
    """make() for OpSpec: a well-conditioned triangle in A, large garbage in the other one (and on the diagonal
    when unitriangular), B as drawn."""
    def make(rng, case):
        a_shape, *rest = case
        n = a_shape[-1]
        a = rng.uniform(-1, 1, a_shape) + np.where(rng.uniform(size=a_shape) < 0.5, -3, 3) * np.eye(n)
        read = np.triu(np.ones((n, n)), int(unitriangular)) if upper else np.tril(np.ones((n, n)), -int(unitriangular))
        a = np.where(read.astype(bool), a, rng.uniform(-100, 100, a_shape))
        return [a] + [rng.uniform(-2, 2, s) for s in rest]
    return make


def solver(mod, **kw):
    return lambda a, b: mod.linalg.solve_triangular(a, b, **kw)


SHAPES = [((3, 3), (3, 2)), ((2, 3, 3), (3, 1)), ((3, 3), (2, 3, 2)), ((2, 1, 3, 3), (3, 3, 2)), ((1, 1), (1, 3))]
RIGHT = [((3, 3), (2, 3)), ((2, 3, 3), (1, 3)), ((3, 3), (2, 1, 3)), ((2, 1, 3, 3), (3, 2, 3))]
SPECS = [OpSpec(f"solve_triangular_{kw}", solver(ember, **kw), solver(torch, **kw), RIGHT if kw.get("left") is False
                else SHAPES, make=triangular(kw["upper"], kw.get("unitriangular", False)), atol=1e-10, rtol=1e-10)
         for kw in [dict(upper=True), dict(upper=False), dict(upper=True, unitriangular=True),
                    dict(upper=False, unitriangular=True), dict(upper=True, left=False), dict(upper=False, left=False),
                    dict(upper=False, left=False, unitriangular=True)]]


def legacy(mod, *args):
    return lambda b, a: tuple(mod.triangular_solve(b, a, *args))


def legacy_make(upper=True, transpose=False, unitriangular=False):
    make = triangular(upper, unitriangular)
    return lambda rng, case: make(rng, case[::-1])[::-1]


LEGACY = [OpSpec(f"triangular_solve_{args}", legacy(ember, *args), legacy(torch, *args),
                 [((3, 2), (3, 3)), ((3, 1), (2, 3, 3)), ((2, 1, 3, 2), (3, 3, 3))], make=legacy_make(*args),
                 atol=1e-10, rtol=1e-10)
          for args in [(), (False,), (True, True), (False, True), (False, False, True), (True, True, True)]]


@pytest.mark.filterwarnings("ignore:torch.triangular_solve is deprecated")
@pytest.mark.parametrize("spec", SPECS + LEGACY, ids=lambda s: s.name)
def test_matches_torch(spec):
    check_op(spec)


def test_empty_shapes_match_torch():
    for a_shape, b_shape, left in [((0, 3, 3), (3, 2), True), ((2, 0, 0), (2, 0, 3), True), ((3, 3), (3, 0), True),
                                   ((3, 3), (0, 3), False)]:
        e = ember.linalg.solve_triangular(ember.ones(a_shape), ember.ones(b_shape), upper=True, left=left)
        t = torch.linalg.solve_triangular(torch.ones(a_shape), torch.ones(b_shape), upper=True, left=left)
        assert tuple(e.shape) == tuple(t.shape)


def test_b_is_solved_in_the_dtype_of_a_as_torch():
    rng = np.random.default_rng(0)
    a = np.triu(rng.uniform(-1, 1, (3, 3))) + 3 * np.eye(3)
    b = rng.uniform(-2, 2, (3, 2))
    for a_dtype, b_dtype in [("float64", "float32"), ("float32", "float64"), ("float64", "int64")]:
        ea = ember.tensor(a.astype(a_dtype), requires_grad=True)
        eb = ember.tensor(b.astype(b_dtype), requires_grad=b_dtype != "int64")
        ta = torch.tensor(a.astype(a_dtype), requires_grad=True)
        tb = torch.tensor(b.astype(b_dtype), requires_grad=b_dtype != "int64")
        e, t = ember.linalg.solve_triangular(ea, eb, upper=True), torch.linalg.solve_triangular(ta, tb, upper=True)
        assert str(e.dtype)[6:] == str(t.dtype)[6:]
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-6)
        e.sum().backward()
        t.sum().backward()
        np.testing.assert_allclose(ea.grad.numpy(), ta.grad.numpy(), rtol=1e-5)
        if eb.requires_grad:
            assert str(eb.grad.dtype)[6:] == str(tb.grad.dtype)[6:] == b_dtype
            np.testing.assert_allclose(eb.grad.numpy(), tb.grad.numpy(), rtol=1e-5)


def test_singular_matrix_gives_non_finite_values_without_error():
    a = np.array([[[2.0, 1.0], [0.0, 4.0]], [[1.0, 1.0], [0.0, 0.0]]])
    b = np.ones((2, 1))
    e = ember.linalg.solve_triangular(ember.tensor(a), ember.tensor(b), upper=True).numpy()
    t = torch.linalg.solve_triangular(torch.tensor(a), torch.tensor(b), upper=True).numpy()
    np.testing.assert_allclose(e[0], t[0])
    assert not np.isfinite(e[1]).any() and not np.isfinite(t[1]).all()


@pytest.mark.filterwarnings("ignore:torch.triangular_solve is deprecated")
def test_grad_fn_names_and_result_type_match_torch():
    a = np.triu(np.ones((2, 2))) + np.eye(2)
    for m in (ember, torch):
        x = m.tensor(a, requires_grad=True)
        assert m.linalg.solve_triangular(x, x, upper=True).grad_fn.name() == "LinalgSolveTriangularBackward0"
        assert m.linalg.solve_triangular(x, x, upper=True, left=False).grad_fn.name() == \
            "LinalgSolveTriangularBackward0"
        r = m.triangular_solve(x, x)
        assert type(r).__name__ == "triangular_solve" and len(r) == 2
        assert r.solution is r[0] and r.cloned_coefficient is r[1]
        assert r.solution.grad_fn.name() == r.cloned_coefficient.grad_fn.name() == "TriangularSolveBackward0"
        r = x.triangular_solve(x, False)
        assert r.cloned_coefficient.requires_grad and r.solution.grad_fn.name() == "TriangularSolveBackward0"


def raises_as_torch(fn):
    with pytest.raises(Exception) as t:
        fn(torch)
    with pytest.raises(Exception) as e:
        fn(ember)
    assert str(e.value) == str(t.value)
    assert type(e.value) is type(t.value)


def ones(m, *shape, dtype="float32"):
    return m.ones(shape, dtype=getattr(m, dtype))


@pytest.mark.parametrize("fn", [
    lambda m: m.linalg.solve_triangular(ones(m, 3, 3), ones(m, 3, 2)),
    lambda m: m.linalg.solve_triangular(ones(m, 3, 3), ones(m, 3, 2), upper=None),
    lambda m: m.linalg.solve_triangular(ones(m, 3, 3), ones(m, 3, 2), upper=True, left=None),
    lambda m: m.linalg.solve_triangular(ones(m, 3, 3), ones(m, 3, 2), upper=True, unitriangular=1),
    lambda m: m.linalg.solve_triangular(ones(m, 3, 3), [1.0], upper=True),
    lambda m: m.linalg.solve_triangular([1.0], ones(m, 3, 2), upper=True),
    lambda m: m.linalg.solve_triangular(ones(m, 3), ones(m, 3), upper=True),
    lambda m: m.linalg.solve_triangular(ones(m, 3, 3), ones(m, 3), upper=True),
    lambda m: m.linalg.solve_triangular(ones(m, 3, 4), ones(m, 3, 2), upper=True),
    lambda m: m.linalg.solve_triangular(ones(m, 3, 3), ones(m, 4, 2), upper=True),
    lambda m: m.linalg.solve_triangular(ones(m, 3, 3), ones(m, 3, 2), upper=True, left=False),
    lambda m: m.linalg.solve_triangular(ones(m, 2, 3, 3), ones(m, 3, 4, 2), upper=True),
    lambda m: m.linalg.solve_triangular(ones(m, 2, 3, 3), ones(m, 3, 3, 2), upper=True),
    lambda m: m.linalg.solve_triangular(ones(m, 3, 3, dtype="int64"), ones(m, 3, 2), upper=True),
    lambda m: m.linalg.solve_triangular(ones(m, 3, 3, dtype="int64"), ones(m, 4, 2), upper=True),
    lambda m: m.triangular_solve(ones(m, 3), ones(m, 3, 3)),
    lambda m: m.triangular_solve(ones(m, 3, 2), ones(m, 3)),
    lambda m: m.triangular_solve(ones(m, 3, 2, dtype="float64"), ones(m, 3, 3)),
    lambda m: m.triangular_solve(ones(m, 3, 2), ones(m, 3, 4)),
    lambda m: m.triangular_solve(ones(m, 4, 2), ones(m, 3, 3)),
    lambda m: m.triangular_solve(ones(m, 2, 3, 2), ones(m, 3, 3, 3)),
    lambda m: m.triangular_solve(ones(m, 3, 2, dtype="int64"), ones(m, 3, 3, dtype="int64")),
    lambda m: m.triangular_solve(ones(m, 3, 2), ones(m, 3, 3), 1),
    lambda m: m.triangular_solve(ones(m, 3, 2), [1.0]),
])
@pytest.mark.filterwarnings("ignore:torch.triangular_solve is deprecated")
def test_errors_match_torch(fn):
    raises_as_torch(fn)
