"""ember.fft against torch.fft: values, gradients (PyTorch's complex convention) and finite differences for every
transform, each norm, cropping and zero padding, negative dims; double backward; frequencies, shifts; errors."""
import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from tests.oracle import assert_same_errors, check_complex_op, complex_inputs

RNG = np.random.default_rng(0)
NORMS = ["backward", "forward", "ortho"]     # None, the default, is "backward": see the dtype test
REAL_ONLY = {"rfft", "ihfft", "rfft2", "ihfft2", "rfftn", "ihfftn"}


def _check(name, shape, real, **kwargs):
    check_complex_op(lambda x: getattr(ember.fft, name)(x, **kwargs), lambda x: getattr(torch.fft, name)(x, **kwargs),
                     complex_inputs(RNG, [shape], real=(0,) if real else ()))


@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "ihfft", "irfft", "hfft"])
def test_one_dimensional_transforms(name):
    # each norm; n the input's own size (odd), cropped (even and odd), zero-padded (even and odd); negative dims
    cases = [(None, -1, (2, 5), norm) for norm in NORMS] + [
        (4, -1, (2, 5), "ortho"), (3, -2, (5, 2), "forward"), (8, -1, (2, 5), "backward"), (7, -2, (5, 2), "ortho")]
    if name not in REAL_ONLY:
        for n, dim, shape, norm in cases:
            _check(name, shape, False, n=n, dim=dim, norm=norm)
        cases = cases[1:2] + cases[-2:]     # real input: its own path (r2c, or c2r taking the real part)
    for n, dim, shape, norm in cases:
        _check(name, shape, True, n=n, dim=dim, norm=norm)


@pytest.mark.parametrize("name", ["fft2", "ifft2", "rfft2", "ihfft2", "irfft2", "hfft2"])
def test_two_dimensional_transforms(name):
    for real in (True, False) if name not in REAL_ONLY else (True,):
        for norm in NORMS:
            _check(name, (3, 4), real, norm=norm)
        _check(name, (2, 1, 3), real, s=(4, 1), dim=(-1, 0), norm="ortho")


@pytest.mark.parametrize("name", ["fftn", "ifftn", "rfftn", "ihfftn", "irfftn", "hfftn"])
def test_n_dimensional_transforms(name):
    real = name in REAL_ONLY
    _check(name, (2, 2, 3), real, norm="backward")
    _check(name, (3, 2, 2), real, s=(2, -1, 5), norm="forward")     # -1 keeps the input's size
    _check(name, (1, 3, 2), real, s=(5,), dim=(-2,), norm="ortho")
    _check(name, (2, 4), True, dim=1, norm="forward")


@pytest.mark.parametrize("name", ["fft", "rfft", "irfft", "hfft", "ihfft", "rfft2", "irfft2", "ihfft2", "ifftn"])
def test_double_backward(name):
    def f(x):
        y = getattr(ember.fft, name)(x, norm="ortho")
        return y * y
    inputs = [ember.tensor(RNG.standard_normal((2, 3)), requires_grad=True)]
    if name not in REAL_ONLY:
        inputs.append(ember.tensor(complex_inputs(RNG, [(2, 3)])[0], requires_grad=True))
    for x in inputs:
        assert gradcheck(f, [x])
        assert gradgradcheck(f, [x])


@pytest.mark.parametrize("name", ["rfft", "irfft", "hfft", "ihfft", "fft"])
def test_second_derivatives_match_torch(name):
    values = complex_inputs(RNG, [(5,)], real=(0,) if name in REAL_ONLY else ())[0]
    results = []
    for m in (ember, torch):
        x = m.tensor(values, requires_grad=True)
        y = getattr(m.fft, name)(x, n=6)
        g, = m.autograd.grad((y * y * y).real.sum() if y.is_complex() else (y * y * y).sum(), x, create_graph=True)
        (g.real if g.is_complex() else g).pow(2).sum().backward()
        results.append((g.detach().numpy(), x.grad.numpy()))
    for e, t in zip(*results):
        np.testing.assert_allclose(e, t, rtol=1e-10, atol=1e-12)


def test_grad_fn_names_and_dtypes():
    x, z = ember.ones(4, 4, requires_grad=True), ember.ones(4, 4, dtype=ember.complex128, requires_grad=True)
    assert ember.fft.fft(x).grad_fn.name() == "FftR2CBackward0"
    assert ember.fft.fft(z).grad_fn.name() == "FftC2CBackward0"
    assert ember.fft.fft2(x).grad_fn.name() == "FftC2CBackward0"
    assert ember.fft.rfftn(x).grad_fn.name() == "FftR2CBackward0"
    assert ember.fft.irfft(z).grad_fn.name() == "FftC2RBackward0"
    assert ember.fft.hfft2(x).grad_fn.name() == "FftC2RBackward0"
    assert ember.fft.ihfftn(x).grad_fn.name() == "FftC2CBackward0"
    for fn in ("fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fftn", "irfftn", "ihfft2"):
        for dt in ("int64", "bool", "float32", "float64", "complex64"):
            if dt.startswith("complex") and fn in REAL_ONLY:
                continue
            e = getattr(ember.fft, fn)(ember.ones(2, 4, dtype=getattr(ember, dt)))
            t = getattr(torch.fft, fn)(torch.ones(2, 4, dtype=getattr(torch, dt)))
            assert str(e.dtype)[6:] == str(t.dtype)[6:] and e.shape == t.shape
            np.testing.assert_allclose(e.numpy(), t.resolve_conj().numpy())


def test_non_contiguous_input_and_no_transformed_dims():
    a = RNG.standard_normal((4, 3))
    e, t = ember.tensor(a).t(), torch.tensor(a).t()
    np.testing.assert_allclose(ember.fft.rfft2(e).numpy(), torch.fft.rfft2(t).numpy(), rtol=1e-12)
    np.testing.assert_allclose(ember.fft.fftn(e, dim=()).numpy(), torch.fft.fftn(t, dim=()).numpy())
    x = ember.tensor(a, requires_grad=True)
    y = ember.fft.fftn(x, dim=())
    assert y.dtype is ember.complex128 and y.grad_fn.name() == "FftC2CBackward0"
    (y * 2j + y).real.sum().backward()
    assert x.grad.tolist() == np.ones((4, 3)).tolist()


@pytest.mark.parametrize("fname", ["fftfreq", "rfftfreq"])
def test_frequencies_are_bitwise_torchs(fname):
    for n in (0, 1, 4, 7, 10) + ((-3,) if fname == "rfftfreq" else ()):
        for d in (1.0, 0.3, 2):
            for dt in (None, "float64"):
                kw = {} if dt is None else {"dtype": getattr(ember, dt)}
                e = getattr(ember.fft, fname)(n, d, **kw)
                t = getattr(torch.fft, fname)(n, d, **({} if dt is None else {"dtype": getattr(torch, dt)}))
                assert e.dtype.name == str(t.dtype)[6:] and e.numpy().tobytes() == t.numpy().tobytes()
    f = getattr(ember.fft, fname)(5, d=ember.tensor(0.5), dtype=ember.float64, device="cpu", requires_grad=True)
    assert f.requires_grad and f.is_leaf
    assert f.tolist() == getattr(torch.fft, fname)(5, 0.5, dtype=torch.float64).tolist()


@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
def test_shifts(name):
    for shape, dim in (((5,), None), ((4, 5), None), ((3, 4, 5), (0, -1)), ((4, 3), -2)):
        check_complex_op(lambda x: getattr(ember.fft, name)(x, dim=dim), lambda x: getattr(torch.fft, name)(x, dim=dim),
                         complex_inputs(RNG, [shape]))


def test_errors_match_torch():
    def cases(m):
        x, z, F = m.ones(4, 3), m.ones(4, 3, dtype=m.complex128), m.fft
        return [
            (lambda: F.fft(x, norm="bad"), RuntimeError),
            (lambda: F.rfft2(x, norm="bad"), RuntimeError),
            (lambda: F.ihfft2(z, norm="bad"), RuntimeError),
            (lambda: F.fft(x, norm=1), TypeError),
            (lambda: F.fft(x, dim=2), IndexError),
            (lambda: F.irfft(z, dim=-3), IndexError),
            (lambda: F.fftn(x, dim=(0, 2)), IndexError),
            (lambda: F.fft(m.tensor(1.0)), IndexError),
            (lambda: F.fftn(m.tensor(1.0), dim=0), IndexError),
            (lambda: F.fftshift(x, dim=3), IndexError),
            (lambda: F.fftn(x, dim=(0, -2)), RuntimeError),
            (lambda: F.fft(x, n=0), RuntimeError),
            (lambda: F.ifft(x, n=-1, norm="bad"), RuntimeError),
            (lambda: F.rfft(x, n=0), RuntimeError),
            (lambda: F.irfft(z, n=0), RuntimeError),
            (lambda: F.irfft(z[:, :1]), RuntimeError),
            (lambda: F.hfft(z, n=-2), RuntimeError),
            (lambda: F.fftn(x, s=(0, 2)), RuntimeError),
            (lambda: F.irfftn(z, s=(2, -2)), RuntimeError),
            (lambda: F.fft(m.ones(0)), RuntimeError),
            (lambda: F.fftn(x, s=(2, 2), dim=(0,)), RuntimeError),
            (lambda: F.fftn(x, s=(2, 2, 2)), RuntimeError),
            (lambda: F.rfftn(x, dim=()), RuntimeError),
            (lambda: F.irfft2(z, dim=()), RuntimeError),
            (lambda: F.hfftn(m.tensor(1.0)), RuntimeError),
            (lambda: F.ihfftn(x, dim=()), RuntimeError),
            (lambda: F.rfft(z), RuntimeError),
            (lambda: F.ihfft(z), RuntimeError),
            (lambda: F.rfft2(z), RuntimeError),
            (lambda: F.ihfftn(z), RuntimeError),
            (lambda: F.fft(x.half(), dim=5), RuntimeError),
            (lambda: F.irfft(x.half()), RuntimeError),
            (lambda: F.fft([1.0, 2.0]), TypeError),
            (lambda: F.fftfreq(4, dtype=m.int64), RuntimeError),
            (lambda: F.rfftfreq(4, dtype=m.int32), RuntimeError),
            (lambda: F.fftfreq(-1), RuntimeError),
            (lambda: F.fftfreq(4, dtype=m.complex64), NotImplementedError),
        ]
    assert_same_errors(cases(ember), cases(torch))
