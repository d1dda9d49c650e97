"""cholesky_solve, cholesky_inverse, linalg.lu_factor_ex, lu_unpack, linalg.lu_solve, the legacy lu and lu_solve
and linalg.vander: values, gradients, gradcheck and gradgradcheck against torch (tests/oracle.py), LAPACK's infos
and PyTorch's exact errors."""
import numpy as np
import pytest
import torch

import ember
from tests.oracle import OpSpec, check_op, compare

pytestmark = pytest.mark.filterwarnings("ignore:torch.lu is deprecated", "ignore:torch.lu_solve is deprecated")


def factor(upper):
    """make() for OpSpec: b as drawn, then a well-conditioned triangular factor (its other triangle zero)."""
    def make(rng, case):
        b_shape, a_shape = case
        n = a_shape[-1]
        low = np.tril(rng.uniform(-1, 1, a_shape), -1) + np.eye(n) * rng.uniform(1, 2, a_shape[:-1])[..., None, :]
        return [rng.uniform(-2, 2, b_shape), low.swapaxes(-1, -2) if upper else low]
    return make


def tri(upper):
    """The triangle a factor is read from, so that finite differences see the gradient of the whole input."""
    return (lambda a: a.triu()) if upper else (lambda a: a.tril())


def cholesky_solve(mod, upper):
    part = tri(upper)
    return lambda b, a: mod.cholesky_solve(b, part(a), upper)


def cholesky_inverse(mod, upper):
    part = tri(upper)
    return lambda a: mod.cholesky_inverse(part(a), upper)


SOLVE_SHAPES = [((3, 2), (3, 3)), ((2, 3, 2), (3, 3)), ((3, 1), (2, 3, 3)), ((2, 1, 3, 2), (3, 3, 3)), ((1, 3), (1, 1))]
INVERSE_SHAPES = [((1, 3), (3, 3)), ((1, 1), (2, 3, 3)), ((1, 1), (1, 1))]


def inverse_make(upper):
    make = factor(upper)
    return lambda rng, case: make(rng, case)[1:]


def lu_inputs(rng, case):
    """make() for lu_unpack and lu_solve: a packed LU with a strong diagonal, valid 1-based pivots, then B."""
    a_shape, *rest = case
    m, n = a_shape[-2:]
    lu = rng.uniform(-1, 1, a_shape)
    k = min(m, n)
    lu[..., range(k), range(k)] += np.where(rng.uniform(size=a_shape[:-2] + (k,)) < 0.5, -3, 3)
    pivots = (rng.integers(0, m - np.arange(k), a_shape[:-2] + (k,)) + np.arange(k) + 1).astype(np.int32)
    return [lu, pivots] + [rng.uniform(-2, 2, s) for s in rest]


def lu_solve(mod, **kw):
    return lambda lu, pivots, b: mod.linalg.lu_solve(lu, pivots, b, **kw)


LEFT = [((3, 3), (3, 2)), ((2, 3, 3), (3, 1)), ((3, 3), (2, 3, 2)), ((2, 1, 3, 3), (3, 3, 2))]
RIGHT = [((3, 3), (2, 3)), ((2, 3, 3), (1, 3)), ((3, 3), (2, 2, 3))]
SHAPES = [((3, 3),), ((2, 3, 3),), ((2, 4),), ((4, 2),), ((2, 2, 3),), ((2, 3, 2),)]

SPECS = (
    [OpSpec(f"cholesky_solve_upper={u}", cholesky_solve(ember, u), cholesky_solve(torch, u), SOLVE_SHAPES,
            make=factor(u), atol=1e-10, rtol=1e-10) for u in (False, True)]
    + [OpSpec(f"cholesky_inverse_upper={u}", cholesky_inverse(ember, u), cholesky_inverse(torch, u), INVERSE_SHAPES,
              make=inverse_make(u), atol=1e-10, rtol=1e-10) for u in (False, True)]
    + [OpSpec("lu_factor_ex", lambda a: tuple(ember.linalg.lu_factor_ex(a)),
              lambda a: tuple(torch.linalg.lu_factor_ex(a)), SHAPES, atol=1e-10, rtol=1e-10),
       OpSpec("lu_legacy", lambda a: ember.lu(a, get_infos=True), lambda a: torch.lu(a, get_infos=True),
              SHAPES[:3], atol=1e-10, rtol=1e-10),
       OpSpec("linalg_lu_rectangular", lambda a: tuple(ember.linalg.lu(a)), lambda a: tuple(torch.linalg.lu(a)),
              SHAPES[2:], atol=1e-10, rtol=1e-10),
       OpSpec("lu_unpack", lambda lu, p: tuple(ember.lu_unpack(lu, p)), lambda lu, p: tuple(torch.lu_unpack(lu, p)),
              SHAPES, make=lu_inputs, nondiff=(1,), atol=1e-12, rtol=1e-12)]
    + [OpSpec(f"lu_solve_{kw}", lu_solve(ember, **kw), lu_solve(torch, **kw), RIGHT if kw.get("left") is False
              else LEFT, make=lu_inputs, nondiff=(1,), atol=1e-10, rtol=1e-10)
       for kw in [{}, dict(adjoint=True), dict(left=False), dict(left=False, adjoint=True)]]
    + [OpSpec("lu_solve_legacy", lambda lu, p, b: ember.lu_solve(b, lu, p), lambda lu, p, b: torch.lu_solve(b, lu, p),
              LEFT[:2], make=lu_inputs, nondiff=(1,), atol=1e-10, rtol=1e-10),
       OpSpec("vander", lambda x: ember.linalg.vander(x), lambda x: torch.linalg.vander(x), [((3,),), ((2, 4),)],
              atol=1e-12, rtol=1e-12),
       OpSpec("vander_N", lambda x: ember.linalg.vander(x, N=4), lambda x: torch.linalg.vander(x, N=4),
              [((2,),), ((2, 3),), ((),)], atol=1e-12, rtol=1e-12)]
)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_matches_torch(spec):
    check_op(spec)


@pytest.mark.parametrize("upper", [False, True])
def test_factor_gradients_use_the_whole_input_as_torch(upper):
    """PyTorch's gradients for the factor are dense (the derivative of L L^T in the whole of L), not triangular."""
    rng = np.random.default_rng(3)
    arrays = factor(upper)(rng, ((2, 3, 2), (3, 3)))
    arrays[1] = arrays[1] + 0.1 * rng.uniform(-1, 1, (3, 3))    # garbage in the triangle that is not read
    for dtype in (np.float64, np.float32):
        compare(OpSpec("cholesky_solve", lambda b, a: ember.cholesky_solve(b, a, upper),
                       lambda b, a: torch.cholesky_solve(b, a, upper), [], atol=1e-10, rtol=1e-10), arrays, dtype)
        compare(OpSpec("cholesky_inverse", lambda a: ember.cholesky_inverse(a, upper),
                       lambda a: torch.cholesky_inverse(a, upper), [], atol=1e-10, rtol=1e-10), arrays[1:], dtype)


def test_methods_match_torch():
    rng = np.random.default_rng(4)
    b, low = factor(False)(rng, ((3, 2), (3, 3)))
    a = rng.uniform(-1, 1, (3, 3))
    for mod in (ember, torch):
        lu, piv = mod.linalg.lu_factor(mod.tensor(a))
        out = [mod.tensor(b).cholesky_solve(mod.tensor(low)), mod.tensor(low).cholesky_inverse(upper=False),
               mod.tensor(b).lu_solve(lu, piv), *mod.tensor(a).lu(get_infos=True)]
        if mod is ember:
            e_out = out
    for e, t in zip(e_out, out):
        assert str(e.dtype)[6:] == str(t.dtype)[6:]
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-12, atol=1e-14)


def test_singular_matrices_give_torchs_infos_and_factors():
    a = np.array([[[1., 2, 3], [2, 4, 6], [1, 0, 1]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]],
                  [[2, 1, 0], [4, 2, 0], [0, 0, 0]], [[1, 2, 0], [3, 4, 0], [5, 6, 0]]])
    for wide in (False, True):
        x = a[..., :2, :] if wide else a
        e, t = ember.linalg.lu_factor_ex(ember.tensor(x)), torch.linalg.lu_factor_ex(torch.tensor(x))
        for eo, to in zip(e, t):
            assert str(eo.dtype)[6:] == str(to.dtype)[6:]
            np.testing.assert_allclose(eo.numpy(), to.numpy(), rtol=1e-12)
    e, t = ember.lu(ember.tensor(a), get_infos=True), torch.lu(torch.tensor(a), get_infos=True)
    assert type(e).__name__ == type(t).__name__ == "_lu_with_info" and e._fields == ("LU", "pivots", "info")
    assert t.LU is t[0] and t.pivots is t[1] and t.info is t[2]
    np.testing.assert_array_equal(e.info.numpy(), t.info.numpy())
    assert type(ember.lu(ember.tensor(a))) is tuple and len(ember.lu(ember.tensor(a))) == 2


def test_result_types_and_grad_fns_match_torch():
    a = np.random.default_rng(5).uniform(-1, 1, (3, 3)) + 3 * np.eye(3)
    e_a, t_a = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    for mod, x in ((ember, e_a), (torch, t_a)):
        lu = mod.linalg.lu_factor_ex(x)
        unpacked = mod.lu_unpack(lu.LU, lu.pivots)
        outs = [lu.LU, mod.lu(x)[0], mod.linalg.lu_solve(lu.LU, lu.pivots, x), unpacked.L,
                mod.cholesky_solve(x, x), mod.cholesky_inverse(x)]
        names = [type(o.grad_fn).__name__ for o in outs]
        flags = [unpacked.P.requires_grad, lu.pivots.requires_grad, lu.info.requires_grad]
        fields = [(type(r).__name__, [name for name in ("LU", "pivots", "info", "P", "L", "U") if hasattr(r, name)])
                  for r in (lu, unpacked)]
        if mod is ember:
            e_names, e_flags, e_fields = names, flags, fields
    assert e_names == names and e_flags == flags and e_fields == fields


def test_lu_unpack_flags_match_torch():
    rng = np.random.default_rng(6)
    lu, piv = lu_inputs(rng, ((2, 3, 4),))
    for unpack_data, unpack_pivots in [(False, True), (True, False), (False, False)]:
        e = ember.lu_unpack(ember.tensor(lu), ember.tensor(piv), unpack_data, unpack_pivots)
        t = torch.lu_unpack(torch.tensor(lu), torch.tensor(piv), unpack_data, unpack_pivots)
        for eo, to in zip(e, t):
            assert tuple(eo.shape) == tuple(to.shape)
            np.testing.assert_array_equal(eo.numpy(), to.numpy())


def test_vander_dtypes_match_torch():
    for values, dtype in [([1, 2, 3], "int8"), ([1, 2], "uint8"), ([[2, 3], [4, 5]], "int64"), ([0.5, 2], "float32")]:
        e = ember.linalg.vander(ember.tensor(values, dtype=getattr(ember, dtype)), N=3)
        t = torch.linalg.vander(torch.tensor(values, dtype=getattr(torch, dtype)), N=3)
        assert str(e.dtype)[6:] == str(t.dtype)[6:]
        np.testing.assert_array_equal(e.numpy(), t.numpy())


def _errors():
    a = np.random.default_rng(7).uniform(-1, 1, (3, 3)) + 3 * np.eye(3)
    b = np.ones((3, 2))

    def args(mod):
        A, B = mod.tensor(a), mod.tensor(b)
        lu, piv = mod.linalg.lu_factor(A)
        return mod, A, B, lu, piv
    return {
        "cs_b_1d": lambda mod, A, B, lu, piv: mod.cholesky_solve(B[:, 0], A),
        "cs_u_1d": lambda mod, A, B, lu, piv: mod.cholesky_solve(B, A[0]),
        "cs_dtype": lambda mod, A, B, lu, piv: mod.cholesky_solve(B.float(), A),
        "cs_square": lambda mod, A, B, lu, piv: mod.cholesky_solve(B, A[:, :2]),
        "cs_sizes": lambda mod, A, B, lu, piv: mod.cholesky_solve(B[:2], A),
        "cs_batch": lambda mod, A, B, lu, piv: mod.cholesky_solve(B.expand(2, 3, 2), A.expand(3, 3, 3)),
        "cs_int": lambda mod, A, B, lu, piv: mod.cholesky_solve(B.long(), A.long()),
        "cs_upper": lambda mod, A, B, lu, piv: mod.cholesky_solve(B, A, 1),
        "cs_not_tensor": lambda mod, A, B, lu, piv: mod.cholesky_solve(B, [1.0]),
        "ci_1d": lambda mod, A, B, lu, piv: mod.cholesky_inverse(A[0]),
        "ci_square": lambda mod, A, B, lu, piv: mod.cholesky_inverse(B),
        "ci_int": lambda mod, A, B, lu, piv: mod.cholesky_inverse(A.long()),
        "ci_singular": lambda mod, A, B, lu, piv: mod.cholesky_inverse(A * 0),
        "ci_singular_batch": lambda mod, A, B, lu, piv: mod.cholesky_inverse(mod.stack([A, A.tril(-1)])),
        "ci_upper": lambda mod, A, B, lu, piv: mod.cholesky_inverse(A, 1),
        "lf_singular": lambda mod, A, B, lu, piv: mod.linalg.lu_factor(mod.zeros(2, 3, 3)),
        "lfe_check": lambda mod, A, B, lu, piv: mod.linalg.lu_factor_ex(A * 0, check_errors=True),
        "lfe_int": lambda mod, A, B, lu, piv: mod.linalg.lu_factor_ex(A.long()),
        "lfe_1d": lambda mod, A, B, lu, piv: mod.linalg.lu_factor_ex(A[0]),
        "lfe_no_pivot": lambda mod, A, B, lu, piv: mod.linalg.lu_factor_ex(A, pivot=False),
        "lfe_not_tensor": lambda mod, A, B, lu, piv: mod.linalg.lu_factor_ex([1.0]),
        "lu_1d": lambda mod, A, B, lu, piv: mod.lu(A[0]),
        "lu_no_pivot": lambda mod, A, B, lu, piv: mod.lu(A, pivot=False),
        "linalg_lu_1d": lambda mod, A, B, lu, piv: mod.linalg.lu(A[0]),
        "ls_b_1d": lambda mod, A, B, lu, piv: mod.linalg.lu_solve(lu, piv, B[:, 0]),
        "ls_dtype": lambda mod, A, B, lu, piv: mod.linalg.lu_solve(lu, piv, B.float()),
        "ls_sizes": lambda mod, A, B, lu, piv: mod.linalg.lu_solve(lu, piv, B[:2]),
        "ls_sizes_right": lambda mod, A, B, lu, piv: mod.linalg.lu_solve(lu, piv, B, left=False),
        "ls_pivot_dtype": lambda mod, A, B, lu, piv: mod.linalg.lu_solve(lu, piv.long(), B),
        "ls_pivot_count": lambda mod, A, B, lu, piv: mod.linalg.lu_solve(lu, piv[:2], B),
        "ls_pivot_batch": lambda mod, A, B, lu, piv: mod.linalg.lu_solve(lu.expand(2, 3, 3), piv, B),
        "ls_square": lambda mod, A, B, lu, piv: mod.linalg.lu_solve(lu[:, :2], piv[:2], B),
        "ls_int": lambda mod, A, B, lu, piv: mod.linalg.lu_solve(lu.long(), piv, B.long()),
        "ls_batch": lambda mod, A, B, lu, piv: mod.linalg.lu_solve(lu.expand(2, 3, 3), piv.expand(2, 3),
                                                                    B.expand(3, 3, 2)),
        "ls_pivot_big": lambda mod, A, B, lu, piv: mod.linalg.lu_solve(lu, piv * 0 + 5, B),
        "ls_pivot_small": lambda mod, A, B, lu, piv: mod.linalg.lu_solve(lu, piv * 0, B),
        "ls_legacy_b_1d": lambda mod, A, B, lu, piv: mod.lu_solve(B[:, 0], lu, piv),
        "lup_pivot_dtype": lambda mod, A, B, lu, piv: mod.lu_unpack(lu, piv.long()),
        "lup_1d": lambda mod, A, B, lu, piv: mod.lu_unpack(lu[0], piv),
        "lup_pivot_big": lambda mod, A, B, lu, piv: mod.lu_unpack(lu, piv * 0 + 5),
        "lup_pivot_zero": lambda mod, A, B, lu, piv: mod.lu_unpack(lu, piv * 0),
        "vander_0d": lambda mod, A, B, lu, piv: mod.linalg.vander(A[0, 0]),
        "vander_N": lambda mod, A, B, lu, piv: mod.linalg.vander(A[0], N=1),
        "vander_bool": lambda mod, A, B, lu, piv: mod.linalg.vander(A[0] > 0),
        "vander_half": lambda mod, A, B, lu, piv: mod.linalg.vander(A[0].half()),
    }, args


ERRORS, ERROR_ARGS = _errors()


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_torch(name):
    with pytest.raises(Exception) as t_err:
        ERRORS[name](*ERROR_ARGS(torch))
    with pytest.raises(Exception) as e_err:
        ERRORS[name](*ERROR_ARGS(ember))
    assert type(e_err.value).__name__.strip("_") == type(t_err.value).__name__.strip("_")
    assert str(e_err.value) == str(t_err.value)


def test_deprecation_warnings_match_torch():
    a = ember.eye(2, dtype=ember.float64)
    with pytest.warns(UserWarning, match="^torch.lu is deprecated in favor of torch.linalg.lu_factor") as rec:
        lu, piv = ember.lu(a)
    assert "LU, pivots, info = torch.linalg.lu_factor_ex(A, compute_pivots)" in str(rec[0].message)
    with pytest.warns(UserWarning, match="^torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand"):
        ember.lu_solve(a, lu, piv)
