"""Complex matrices in ember.linalg: values, dtypes and gradients against torch and finite differences (through
quantities that do not depend on the phases of eigenvectors and singular vectors), and torch's errors."""
import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same_errors, check_complex_op, complex_inputs

RNG = np.random.default_rng(0)


def herm(m, x):
    """A Hermitian positive-definite matrix made from x."""
    return x @ x.mT.conj() + 3 * m.eye(x.shape[-1])


def tri(m, x, upper):
    """x's upper (or lower) triangle with a diagonal kept away from zero."""
    return (m.triu(x) if upper else m.tril(x)) + 4 * m.eye(x.shape[-1])


def lu_solve(m, a, b, **kw):
    lu, piv = m.linalg.lu_factor(a)
    return m.linalg.lu_solve(lu, piv, b, **kw)


def eigh_function(m, h):
    """sin of a Hermitian matrix through its eigendecomposition, and the squared moduli of its eigenvectors."""
    w, v = m.linalg.eigh(h)
    return (v * w.sin().unsqueeze(-2)) @ v.mT.conj(), (v * v.conj()).real


def svd_function(m, x, full_matrices=False):
    """U f(S) Vh and the squared moduli of the singular vectors."""
    u, s, vh = m.linalg.svd(x, full_matrices=full_matrices)
    k = s.shape[-1]
    u, vh = u[..., :k], vh[..., :k, :]
    return (u * s.sin().unsqueeze(-2)) @ vh, (u * u.conj()).real, (vh * vh.conj()).real, s


OPS = {  # name: (function of the module and complex tensors, input shapes, positions of real inputs)
    "inv": (lambda m, a: m.linalg.inv(a), [(3, 3)]),
    "inv_ex": (lambda m, a: m.linalg.inv_ex(a), [(2, 3, 3)]),
    "det": (lambda m, a: m.linalg.det(a), [(2, 3, 3)]),
    "slogdet": (lambda m, a: m.linalg.slogdet(a), [(2, 3, 3)]),
    "logdet": (lambda m, a: m.logdet(a), [(3, 3)]),
    "solve": (lambda m, a, b: m.linalg.solve(a, b), [(3, 3), (3, 2)]),
    "solve-right": (lambda m, a, b: m.linalg.solve(a, b, left=False), [(2, 3, 3), (4, 3)]),
    "solve-vector": (lambda m, a, b: m.linalg.solve(a, b), [(2, 3, 3), (2, 3)]),
    "solve_ex": (lambda m, a, b: m.linalg.solve_ex(a, b), [(2, 3, 3), (3, 2)]),
    "solve_triangular": (lambda m, a, b: m.linalg.solve_triangular(tri(m, a, True), b, upper=True), [(3, 3), (3, 2)]),
    "solve_triangular-right-unit": (lambda m, a, b: m.linalg.solve_triangular(
        tri(m, a, False), b, upper=False, left=False, unitriangular=True), [(3, 3), (2, 3)]),
    "triangular_solve-transpose": (lambda m, b, a: m.triangular_solve(b, tri(m, a, True), transpose=True),
                                   [(3, 2), (3, 3)]),
    "matrix_exp": (lambda m, a: m.linalg.matrix_exp(a), [(2, 3, 3)]),
    "matrix_power": (lambda m, a: (m.linalg.matrix_power(a, 3), m.linalg.matrix_power(a, -2)), [(3, 3)]),
    "lu_factor": (lambda m, a: m.linalg.lu_factor(a), [(2, 3, 3)]),
    "lu": (lambda m, a: m.linalg.lu(a), [(4, 3)]),
    "lu-wide": (lambda m, a: m.linalg.lu(a), [(2, 4)]),
    "lu_unpack": (lambda m, a: m.lu_unpack(*m.linalg.lu_factor(a))[1:], [(3, 3)]),
    "lu_solve": (lambda m, a, b: lu_solve(m, a, b), [(3, 3), (3, 2)]),
    "lu_solve-adjoint": (lambda m, a, b: lu_solve(m, a, b, adjoint=True), [(3, 3), (3, 2)]),
    "lu_solve-right-adjoint": (lambda m, a, b: lu_solve(m, a, b, left=False, adjoint=True), [(3, 3), (2, 3)]),
    "lu_solve-right": (lambda m, a, b: lu_solve(m, a, b, left=False), [(3, 3), (2, 3)]),
    "cholesky": (lambda m, x: m.linalg.cholesky(herm(m, x)), [(2, 3, 3)]),
    "cholesky-upper": (lambda m, x: m.linalg.cholesky(herm(m, x), upper=True), [(3, 3)]),
    "cholesky_ex": (lambda m, x: m.linalg.cholesky_ex(herm(m, x)), [(3, 3)]),
    "cholesky_solve": (lambda m, x, b: m.cholesky_solve(b, m.linalg.cholesky(herm(m, x))), [(3, 3), (3, 2)]),
    "cholesky_solve-upper": (lambda m, x, b: m.cholesky_solve(b, m.linalg.cholesky(herm(m, x), upper=True), upper=True),
                             [(3, 3), (3, 2)]),
    "cholesky_inverse": (lambda m, x: m.cholesky_inverse(m.linalg.cholesky(herm(m, x))), [(3, 3)]),
    "cholesky_inverse-upper": (lambda m, x: m.cholesky_inverse(m.linalg.cholesky(herm(m, x), upper=True), upper=True),
                               [(3, 3)]),
    "qr": (lambda m, a: m.linalg.qr(a), [(4, 3)]),
    "qr-square": (lambda m, a: m.linalg.qr(a), [(2, 3, 3)]),
    "eigh": (lambda m, x: eigh_function(m, herm(m, x)), [(3, 3)]),
    "eigh-upper": (lambda m, x: m.linalg.eigh(x + x.mT.conj(), UPLO="U").eigenvalues, [(2, 3, 3)]),
    "eigvalsh": (lambda m, x: m.linalg.eigvalsh(herm(m, x), UPLO="U"), [(2, 3, 3)]),
    "svd": (svd_function, [(3, 3)]),
    "svd-tall": (svd_function, [(4, 2)]),
    "svd-wide": (svd_function, [(2, 2, 3)]),
    "svd-full": (lambda m, x: svd_function(m, x, True), [(4, 3)]),
    "svd-legacy": (lambda m, x: m.svd(x)[1], [(3, 2)]),
    "svdvals": (lambda m, a: m.linalg.svdvals(a), [(3, 4)]),
    "pinv": (lambda m, a: m.linalg.pinv(a), [(4, 3)]),
    "pinv-wide": (lambda m, a: m.linalg.pinv(a), [(2, 2, 3)]),
    "pinv-hermitian": (lambda m, x: m.linalg.pinv(herm(m, x), hermitian=True), [(3, 3)]),
    "lstsq": (lambda m, a, b: m.linalg.lstsq(a, b).solution, [(4, 3), (4, 2)]),
    "matrix_norm": (lambda m, a: [m.linalg.matrix_norm(a, o) for o in ("nuc", 2, -2, 1, -1, float("inf"))],
                    [(3, 4)]),
    "cond": (lambda m, a: m.linalg.cond(a), [(3, 3)]),
    "cross": (lambda m, a, b: m.linalg.cross(a, b), [(2, 3), (2, 3)]),
    "multi_dot": (lambda m, a, b: m.linalg.multi_dot([a, b, a.mT]), [(2, 3), (3, 3)]),
    "tensorinv": (lambda m, a: m.linalg.tensorinv(a, 1), [(4, 2, 2)]),
    "tensorsolve": (lambda m, a, b: m.linalg.tensorsolve(a, b), [(2, 3, 6), (2, 3)]),
    "householder_product": (lambda m, a, tau: m.linalg.householder_product(a, tau), [(4, 3), (2,)]),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_values_and_gradients_match_torch_and_finite_differences(name):
    f, shapes = OPS[name]
    check_complex_op(lambda *a: f(ember, *a), lambda *a: f(torch, *a), complex_inputs(RNG, shapes))


def test_real_matrices_with_complex_right_hand_sides_are_refused_as_torch():
    a, b = complex_inputs(RNG, [(3, 3), (3, 2)], real=(0,))
    cases = lambda m: [  # noqa: E731
        (lambda: m.linalg.solve(m.tensor(a), m.tensor(b)), RuntimeError),
        (lambda: m.linalg.lstsq(m.tensor(a), m.tensor(b)), RuntimeError),
        (lambda: m.cholesky_solve(m.tensor(b), m.tensor(a)), RuntimeError),
        (lambda: m.linalg.lu_solve(*m.linalg.lu_factor(m.tensor(a)), m.tensor(b)), RuntimeError),
        (lambda: m.triangular_solve(m.tensor(b), m.tensor(a)), RuntimeError),
        (lambda: m.linalg.inv(m.ones(2, 2, dtype=m.int64)), RuntimeError),
        (lambda: m.linalg.solve(m.tensor(b), m.tensor(b[:, 0]), left=False), RuntimeError),
        (lambda: m.linalg.solve(m.tensor(b[:1, :1]), m.tensor(b[:1, 0]), left=False), RuntimeError),
        (lambda: m.linalg.solve(m.tensor(b).expand(2, 3, 2)[..., :2, :], m.tensor(b[:2]).mT, left=False),
         RuntimeError),
        (lambda: m.linalg.lu_factor(m.ones(2, 2, dtype=m.int64)), NotImplementedError),
    ]
    assert_same_errors(cases(ember), cases(torch))


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_dtypes_of_real_results_match_torch(dtype):
    a = complex_inputs(RNG, [(4, 3)])[0]
    h = a.T.conj() @ a

    def results(m):
        A, H = m.tensor(a, dtype=getattr(m, dtype)), m.tensor(h, dtype=getattr(m, dtype))
        return [*m.linalg.svd(A), *m.linalg.eigh(H), m.linalg.eigvalsh(H), m.linalg.svdvals(A), *m.linalg.slogdet(H),
                m.linalg.matrix_norm(A, 2), m.linalg.cond(H), m.linalg.matrix_rank(A), *m.linalg.lstsq(A, A)[1:],
                *m.linalg.lstsq(A, A, driver="gelsd")[1:], *m.linalg.qr(A), *m.geqrf(A), m.linalg.pinv(A)]
    for x, y in zip(results(ember), results(torch)):
        assert str(x.dtype)[6:] == str(y.dtype)[6:] and tuple(x.shape) == tuple(y.shape)


def test_lstsq_residuals_and_ranks_match_torch():
    a, b = complex_inputs(RNG, [(5, 3), (5, 2)])
    for driver in ("gels", "gelsd", "gelss"):
        e = ember.linalg.lstsq(ember.tensor(a), ember.tensor(b), driver=driver)
        t = torch.linalg.lstsq(torch.tensor(a), torch.tensor(b), driver=driver)
        for x, y in zip(e, t):
            np.testing.assert_allclose(x.numpy(), y.numpy(), rtol=1e-9, atol=1e-12)


def test_geqrf_and_lu_pivots_match_torch():
    a = complex_inputs(RNG, [(2, 5, 4)])[0]
    for x, y in zip(ember.geqrf(ember.tensor(a)), torch.geqrf(torch.tensor(a))):
        np.testing.assert_allclose(x.numpy(), y.numpy(), rtol=1e-10, atol=1e-12)
    # LAPACK chooses the pivot of largest |re| + |im|, not of largest modulus
    m = np.array([[2.0 + 0j, 0], [1.5 + 1.5j, 1]])
    assert ember.linalg.lu_factor(ember.tensor(m)).pivots.tolist() == \
        torch.linalg.lu_factor(torch.tensor(m)).pivots.tolist() == [2, 2]


def test_raw_hermitian_and_triangular_inputs_get_torchs_gradients():
    # the decompositions read one triangle; torch's gradients (Hermitian for eigh and cholesky) are the reference
    x = complex_inputs(RNG, [(3, 3)])[0]
    a = x @ x.T.conj() + 3 * np.eye(3)
    w = complex_inputs(RNG, [(3, 3)])[0]
    for f in (lambda m, a: m.linalg.cholesky(a), lambda m, a: m.linalg.cholesky(a, upper=True),
              lambda m, a: eigh_function(m, a)[0], lambda m, a: m.linalg.eigvalsh(a) * a.real[0]):
        grads = []
        for m in (ember, torch):
            t = m.tensor(a, requires_grad=True)
            (f(m, t) * m.tensor(w[:, :f(m, t).shape[-1]])).real.sum().backward()
            grads.append(t.grad.numpy())
        np.testing.assert_allclose(grads[0], grads[1], rtol=1e-9, atol=1e-12)


def test_losses_that_depend_on_vector_phases_raise_as_torch():
    x = complex_inputs(RNG, [(3, 3)])[0]
    cases = lambda m: [  # noqa: E731
        (lambda: m.linalg.svd(m.tensor(x, requires_grad=True))[0].real.sum().backward(), RuntimeError),
        (lambda: m.linalg.svd(m.tensor(x, requires_grad=True))[2].imag.sum().backward(), RuntimeError),
        (lambda: m.linalg.eigh(m.tensor(x, requires_grad=True))[1].real.sum().backward(), RuntimeError),
    ]
    assert_same_errors(cases(ember), cases(torch))


def test_cholesky_info_of_complex_matrices_matches_torch():
    a = np.array([[[4, 1j, 0], [-1j, 2, 0], [0, 0, -1]], [[1, 2j, 0], [-2j, 1, 0], [0, 0, 1]]])
    assert ember.linalg.cholesky_ex(ember.tensor(a)).info.tolist() == \
        torch.linalg.cholesky_ex(torch.tensor(a)).info.tolist() == [3, 2]


def test_second_derivative_through_a_complex_inverse_matches_torch():
    a = complex_inputs(RNG, [(3, 3)])[0] + 3 * np.eye(3)
    grads = []
    for m in (ember, torch):
        z = m.tensor(a, requires_grad=True)
        g, = m.autograd.grad((m.linalg.inv(z) * (1 + 2j)).real.sum(), z, create_graph=True)
        grads.append(m.autograd.grad((g * g.conj()).real.sum(), z)[0].resolve_conj().numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-9)
