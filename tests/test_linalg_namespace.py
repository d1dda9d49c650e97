"""ember.linalg: the torch.linalg names, LinAlgError, the *_ex info results, lstsq, matrix_rank and PyTorch's
exact errors (values and gradients of each function are in tests/ops/test_linalg.py)."""
import warnings

import numpy as np
import pytest
import torch

import ember

SINGULAR = np.array([[1.0, 2.0], [2.0, 4.0]])
BATCH = np.stack([np.eye(2), SINGULAR, SINGULAR])


def test_namespace_has_torch_linalg_names():
    names = ["cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eigh", "eigvalsh", "householder_product",
             "inv", "inv_ex", "lstsq", "lu", "lu_factor", "lu_factor_ex", "lu_solve", "matmul", "matrix_exp",
             "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet", "solve",
             "solve_ex", "solve_triangular", "svd", "svdvals", "tensorinv", "tensorsolve", "vander", "vecdot",
             "vector_norm"]
    assert all(hasattr(torch.linalg, n) for n in names)
    assert sorted(ember.linalg.__all__) == sorted(names + ["LinAlgError"])
    assert issubclass(ember.linalg.LinAlgError, RuntimeError)


def same_error(efn, tfn, *arrays):
    with pytest.raises(Exception) as t:
        tfn(*[torch.tensor(a) for a in arrays])
    with pytest.raises(Exception) as e:
        efn(*[ember.tensor(a) for a in arrays])
    assert str(e.value) == str(t.value)
    want = ember.linalg.LinAlgError if isinstance(t.value, torch.linalg.LinAlgError) else type(t.value)
    assert type(e.value) is want


@pytest.mark.parametrize("name, args", [
    ("inv", (SINGULAR,)), ("inv", (BATCH,)), ("inv", (np.ones((2, 3)),)), ("inv", (np.ones(3),)),
    ("inv", (np.ones((2, 2), dtype=np.int64),)), ("det", (np.ones((2, 3)),)), ("slogdet", (np.ones((3, 2)),)),
    ("solve", (SINGULAR, np.ones(2))), ("solve", (BATCH, np.ones((3, 2)))), ("solve", (np.eye(2), np.ones(3))),
    ("solve", (np.eye(2), np.ones((3, 2)))), ("solve", (np.ones((2, 3)), np.ones(2))),
    ("solve", (np.eye(2), np.ones(2, dtype=np.float32))),
    ("cholesky", (SINGULAR,)), ("cholesky", (-BATCH,)), ("cholesky", (np.ones((2, 3)),)),
    ("qr", (np.ones(3),)), ("svd", (np.ones(3),)), ("svd", (np.ones((2, 2), dtype=np.int64),)),
    ("eigh", (np.ones((2, 3)),)), ("matrix_power", (np.ones((2, 3)), 2)), ("multi_dot", ([np.ones((2, 2))],)),
    ("cross", (np.ones((2, 4)), np.ones((2, 4)))), ("cross", (np.ones((2, 3)), np.ones(3))),
    ("matrix_norm", (np.ones((2, 2)), "foo")), ("matrix_norm", (np.ones(3),)),
    ("norm", (np.ones((2, 2, 2)), 2)), ("cond", (np.ones(3),)), ("cond", (np.ones((2, 3)), 1)),
    ("lu_factor", (np.zeros((2, 2, 2)),)), ("pinv", (np.ones(3),)), ("matrix_exp", (np.ones((2, 3)),)),
    ("matrix_exp", (np.ones(3),)), ("matrix_exp", (np.ones((2, 2), dtype=np.int64),)),
])
def test_errors_match_torch(name, args):
    def call(mod):
        def f(*ts):
            ts = [[mod.tensor(x) for x in t] if isinstance(t, list) else t for t in ts]
            ts = [mod.tensor(t) if isinstance(t, np.ndarray) else t for t in ts]
            return getattr(mod.linalg, name)(*ts)
        return f
    with pytest.raises(Exception) as t:
        call(torch)(*args)
    with pytest.raises(Exception) as e:
        call(ember)(*args)
    assert str(e.value) == str(t.value)
    want = ember.linalg.LinAlgError if isinstance(t.value, torch.linalg.LinAlgError) else type(t.value)
    assert type(e.value) is want


def test_top_level_errors_match_torch():
    same_error(ember.cdist, torch.cdist, np.ones(3), np.ones(3))
    same_error(ember.cdist, torch.cdist, np.ones((2, 3)), np.ones((2, 4)))
    same_error(lambda a, b: ember.cdist(a, b, -1.0), lambda a, b: torch.cdist(a, b, -1.0), np.ones((2, 3)),
               np.ones((2, 3)))
    same_error(ember.cholesky, torch.cholesky, SINGULAR)
    same_error(ember.inner, torch.inner, np.ones((2, 3)), np.ones((2, 4)))
    same_error(lambda a, b: ember.tensordot(a, b, 1), lambda a, b: torch.tensordot(a, b, 1), np.ones((2, 3)),
               np.ones((2, 3)))
    same_error(lambda a, b: ember.tensordot(a, b, -1), lambda a, b: torch.tensordot(a, b, -1), np.ones(2),
               np.ones(2))


@pytest.mark.parametrize("name, args", [("inv_ex", (BATCH,)), ("solve_ex", (BATCH, np.ones((3, 2)))),
                                        ("cholesky_ex", (-BATCH,)), ("cholesky_ex", (BATCH,))])
def test_ex_info_matches_torch(name, args):
    e = getattr(ember.linalg, name)(*[ember.tensor(a) for a in args])
    t = getattr(torch.linalg, name)(*[torch.tensor(a) for a in args])
    assert type(e).__name__ == type(t).__name__ and e._fields[1] == "info" and len(e) == len(t)
    assert e.info.dtype == ember.int32
    np.testing.assert_array_equal(e.info.numpy(), t.info.numpy())
    ok = t.info.numpy() == 0
    np.testing.assert_allclose(e[0].numpy()[ok], t[0].numpy()[ok])
    with pytest.raises(ember.linalg.LinAlgError):
        getattr(ember.linalg, name)(*[ember.tensor(a) for a in args], check_errors=True)


def test_lu_factor_pivots_and_lu_unpacking_match_torch():
    a = np.random.default_rng(0).standard_normal((2, 4, 4))
    e, t = ember.linalg.lu_factor(ember.tensor(a)), torch.linalg.lu_factor(torch.tensor(a))
    assert e.pivots.dtype == ember.int32
    np.testing.assert_array_equal(e.pivots.numpy(), t.pivots.numpy())
    np.testing.assert_allclose(e.LU.numpy(), t.LU.numpy())
    p, low, up = ember.linalg.lu(ember.tensor(a))
    np.testing.assert_allclose((p @ low @ up).numpy(), a)


@pytest.mark.parametrize("driver", [None, "gels", "gelsy", "gelsd", "gelss"])
def test_lstsq_matches_torch(driver):
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 4, 2))
    e = ember.linalg.lstsq(ember.tensor(a), ember.tensor(b), driver=driver)
    t = torch.linalg.lstsq(torch.tensor(a), torch.tensor(b), driver=driver)
    assert type(e).__name__ == "linalg_lstsq"
    for x, y in zip(e, t):
        assert tuple(x.shape) == tuple(y.shape)
        np.testing.assert_allclose(x.numpy(), y.numpy(), atol=1e-10)


def test_matrix_rank_matches_torch():
    rng = np.random.default_rng(2)
    a = rng.standard_normal((3, 4, 2)) @ rng.standard_normal((3, 2, 5))
    a[1, :, :] = 0
    for kw in [{}, {"atol": 1.0}, {"rtol": 0.5}, {"atol": 0.1, "rtol": 0.1}]:
        e, t = ember.linalg.matrix_rank(ember.tensor(a), **kw), torch.linalg.matrix_rank(torch.tensor(a), **kw)
        assert e.dtype == ember.int64
        np.testing.assert_array_equal(e.numpy(), t.numpy())
    s = a[0] @ a[0].T
    assert ember.linalg.matrix_rank(ember.tensor(s), hermitian=True).item() == 2


def test_factorisations_match_torch_values():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((2, 4, 3))
    for mode in ("reduced", "complete", "r"):
        e, t = ember.linalg.qr(ember.tensor(a), mode), torch.linalg.qr(torch.tensor(a), mode)
        for x, y in zip(e, t):
            assert tuple(x.shape) == tuple(y.shape)
            np.testing.assert_allclose(x.numpy(), y.numpy(), atol=1e-12)
    for full in (True, False):
        e, t = ember.linalg.svd(ember.tensor(a), full), torch.linalg.svd(torch.tensor(a), full)
        assert [tuple(x.shape) for x in e] == [tuple(y.shape) for y in t]
        np.testing.assert_allclose(e.S.numpy(), t.S.numpy())
        k = 3
        u, tu = e.U.numpy()[..., :k], t.U.numpy()[..., :k]
        sign = np.sign((u * tu).sum(-2, keepdims=True))   # singular vectors are defined up to sign
        np.testing.assert_allclose(u * sign, tu, atol=1e-12)
    legacy, tl = ember.svd(ember.tensor(a)), torch.svd(torch.tensor(a))
    assert legacy._fields == ("U", "S", "V") and tuple(legacy.V.shape) == tuple(tl.V.shape)
    s = a[0].T @ a[0]
    w, v = ember.linalg.eigh(ember.tensor(s), UPLO="U")
    tw, tv = torch.linalg.eigh(torch.tensor(s), UPLO="U")
    np.testing.assert_allclose(w.numpy(), tw.numpy())
    sign = np.sign((v.numpy() * tv.numpy()).sum(0))
    np.testing.assert_allclose(v.numpy() * sign, tv.numpy(), atol=1e-12)
    sd = ember.slogdet(ember.tensor(a[0, :3]))
    assert type(sd).__name__ == "slogdet" and type(ember.linalg.slogdet(ember.tensor(a[0, :3]))).__name__ == \
        "linalg_slogdet"


def test_grad_fn_names_match_torch():
    a = np.random.default_rng(4).standard_normal((3, 3)) + 3 * np.eye(3)
    for name, fn in [("LinalgInvExBackward0", lambda m, x: m.linalg.inv(x)),
                     ("LinalgDetBackward0", lambda m, x: m.linalg.det(x)),
                     ("LinalgSlogdetBackward0", lambda m, x: m.linalg.slogdet(x)[1]),
                     ("LinalgSolveExBackward0", lambda m, x: m.linalg.solve(x, x)),
                     ("LinalgCholeskyExBackward0", lambda m, x: m.linalg.cholesky(x @ x.mT)),
                     ("LinalgQrBackward0", lambda m, x: m.linalg.qr(x)[0]),
                     ("LinalgSvdBackward0", lambda m, x: m.linalg.svdvals(x)),
                     ("LinalgEighBackward0", lambda m, x: m.linalg.eigvalsh(x)),
                     ("LinalgPinvBackward0", lambda m, x: m.linalg.pinv(x)),
                     ("LinalgCrossBackward0", lambda m, x: m.linalg.cross(x, x)),
                     ("LinalgLuFactorExBackward0", lambda m, x: m.linalg.lu_factor(x)[0]),
                     ("LinalgLuBackward0", lambda m, x: m.linalg.lu(x)[1])]:
        assert fn(torch, torch.tensor(a, requires_grad=True)).grad_fn.name() == name
        assert fn(ember, ember.tensor(a, requires_grad=True)).grad_fn.name() == name


def test_qr_backward_errors_match_torch():
    for mode, shape in [("r", (3, 2)), ("complete", (3, 2))]:
        msgs = []
        for m in (torch, ember):
            x = m.ones(shape, dtype=m.float64).cumsum(0).requires_grad_()
            with pytest.raises(RuntimeError) as err:
                m.linalg.qr(x, mode).R.sum().backward()
            msgs.append(str(err.value))
        assert msgs[0] == msgs[1]


def test_cross_default_dim_warns_as_torch():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = ember.cross(ember.ones(3, 4), ember.tensor(np.arange(12.0).reshape(3, 4)))
    assert any("dim arg is deprecated" in str(x.message) for x in w)
    t = torch.cross(torch.ones(3, 4, dtype=torch.float64), torch.tensor(np.arange(12.0).reshape(3, 4)), dim=0)
    np.testing.assert_allclose(out.numpy(), t.numpy())


def test_double_backward_through_inverse_matches_torch():
    a = np.random.default_rng(5).standard_normal((3, 3)) + 3 * np.eye(3)
    res = []
    for m in (ember, torch):
        x = m.tensor(a, requires_grad=True)
        (g,) = m.autograd.grad(m.linalg.svdvals(x).pow(3).sum() + m.linalg.det(x), x, create_graph=True)
        (h,) = m.autograd.grad((g * g).sum(), x)
        res.append(h.numpy())
    np.testing.assert_allclose(res[0], res[1], rtol=1e-8)
