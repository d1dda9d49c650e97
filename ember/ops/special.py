"""Special functions to float64 precision: lgamma, digamma, polygamma, mvlgamma, erfc, erfcx, erfinv, the
Bessel functions i0/i1 (and scaled), ndtr/ndtri/log_ndtr, entr, the Hurwitz zeta and the regularized incomplete
gamma functions igamma/igammac (ember.special's names).

NumPy has none of them, so each is computed here by a standard vectorised method (noted on its kernel); the
derivatives are ember ops, so they can be differentiated again.
"""
import math

import numpy as np

from .._device import array_module
from .._dtype import get_default_dtype, result_type
from .._tensor import Tensor
from ..autograd.function import Op
from .pointwise import (_broadcast_error, _check_tensor, _erf_array, _in_float64, _not_implemented, _unary_op, binary,
                        exp, log, sign, where)

__all__ = ["lgamma", "digamma", "polygamma", "mvlgamma", "erfinv", "erfc", "i0", "igamma", "igammac"]

SQRT_PI, SQRT2 = math.sqrt(math.pi), math.sqrt(2.0)

# B_2k / (2k)!, the Bernoulli numbers of the Euler-Maclaurin and Stirling series
_BERNOULLI = [(1, 6), (-1, 30), (1, 42), (-1, 30), (5, 66), (-691, 2730), (7, 6), (-3617, 510), (43867, 798),
              (-174611, 330), (854513, 138), (-236364091, 2730)]
_B2K = [p / q for p, q in _BERNOULLI]
_LANCZOS_G = 7.0
_LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7]


def _lgamma_kernel(xp, x):
    """Lanczos (g=7) for x >= 0.5; the reflection lgamma(x) = log(pi / |sin(pi x)|) - lgamma(1 - x) below."""
    refl = x < 0.5
    z = xp.where(refl, -x, x - 1)          # Lanczos argument: Gamma(z + 1)
    a = xp.full_like(z, _LANCZOS[0])
    for i in range(1, 9):
        a += _LANCZOS[i] / (z + i)
    t = z + _LANCZOS_G + 0.5
    lg = 0.5 * math.log(2 * math.pi) + (z + 0.5) * xp.log(t) - t + xp.log(a)
    r = x - xp.round(x)                    # exact: sin(pi x) has the magnitude of sin(pi r)
    lg = xp.where(refl, math.log(math.pi) - xp.log(xp.abs(xp.sin(math.pi * r))) - lg, lg)
    lg = xp.where((x == 1) | (x == 2), 0.0, lg)
    return xp.where(xp.isinf(x), xp.inf, lg)


def _digamma_kernel(xp, x):
    """Reflection for x < 0, the recurrence psi(x) = psi(x + 1) - 1/x up to x >= 10, then the asymptotic series."""
    refl = x < 0
    r = x - xp.round(x)
    shift = xp.where(refl, -math.pi / xp.tan(math.pi * r), 0.0)
    y = xp.where(refl, 1 - x, x)
    for _ in range(10):
        small = y < 10
        shift -= xp.where(small, 1 / y, 0.0)
        y = xp.where(small, y + 1, y)
    w = 1 / (y * y)
    tail = xp.zeros_like(y)
    for k in range(7, 0, -1):
        tail = (tail + _B2K[k - 1] / (2 * k)) * w
    out = xp.log(y) - 0.5 / y - tail + shift
    return xp.where(refl & (r == 0), xp.nan, xp.where(xp.isneginf(x), xp.nan, out))


def _zeta_kernel(xp, s, q):
    """Hurwitz zeta(s, q) = sum over k >= 0 of (q + k)**-s, for s > 1: the first terms until q + k >= s + 10,
    then the Euler-Maclaurin tail."""
    s = xp.broadcast_to(s, xp.broadcast_shapes(xp.shape(s), q.shape)).astype(xp.float64)
    q = q + xp.zeros_like(s)
    pole = (q <= 0) & (q == xp.floor(q))
    # NOTE: arguments below -1e5 would take that many terms: nan, as a finite sum cannot reach them in time
    far = q < -1e5
    q = xp.where(pole | far, 1.0, q)
    acc = xp.zeros_like(q)
    todo = xp.nonzero((q < s + 10).ravel())[0]
    qf, sf, af = q.ravel().copy(), s.ravel(), acc.ravel()
    while todo.size:
        qi, si = qf[todo], sf[todo]
        af[todo] += qi ** -si
        qf[todo] = qi + 1
        todo = todo[qf[todo] < sf[todo] + 10]
    q, acc = qf.reshape(q.shape), af.reshape(q.shape)
    tail = q ** (1 - s) / (s - 1) + 0.5 * q ** -s
    term = s * q ** (-s - 1)
    for k in range(len(_B2K)):
        tail += _B2K[k] / math.factorial(2 * k + 2) * term
        term = term * (s + 2 * k + 1) * (s + 2 * k + 2) / (q * q)
    out = acc + tail
    return xp.where(pole, xp.inf, xp.where(far, xp.nan, out))


def _polygamma_kernel(n):
    if n == 0:
        return _digamma_kernel
    sign_fact = (-1.0) ** (n + 1) * math.factorial(n)
    return lambda xp, x: sign_fact * _zeta_kernel(xp, float(n + 1), x)


def _exp_sq(xp, x, sign):
    """exp(sign * x * x) without the rounding error of x * x: x = hi + lo with hi * hi exact."""
    hi = xp.round(x * 16) / 16
    fine = xp.where(xp.isinf(x), 0.0, (x - hi) * (x + hi))
    return xp.exp(sign * hi * hi) * xp.exp(sign * fine)


def _erfcx_cf(xp, b):
    """erfcx(b) = exp(b*b) erfc(b) for b >= 2: Laplace's continued fraction."""
    f = b.copy()
    for k in range(60, 0, -1):
        f = b + (k / 2) / f
    return 1 / (SQRT_PI * f)


def _erfc_kernel(xp, x):
    a = xp.abs(x)
    big = a >= 2
    tail = _erfcx_cf(xp, xp.where(big, a, 2.0)) * _exp_sq(xp, a, -1)
    tail = xp.where(x < 0, 2 - tail, tail)
    return xp.where(big, tail, 1 - _erf_array(xp, x))


def _erfcx_kernel(xp, x):
    big = x >= 2
    cf = _erfcx_cf(xp, xp.where(big, x, 2.0))
    small = _exp_sq(xp, xp.where(big, 0.0, x), 1) * _erfc_kernel(xp, xp.where(big, 0.0, x))
    return xp.where(xp.isposinf(x), 0.0, xp.where(big, cf, small))


def _erfinv_core(xp, y, q):
    """erfinv for y >= 0 given q = 1 - y exactly: Giles' single-precision approximation, then Newton steps on
    erf (y <= 0.5) or on erfc (y > 0.5, so that the tail keeps its relative precision)."""
    with np.errstate(all="ignore"):
        w = -xp.log(q * (2 - q))
        u = w - 2.5
        p1 = 2.81022636e-08
        for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
                  -0.00417768164, 0.246640727, 1.50140941):
            p1 = c + p1 * u
        v = xp.sqrt(w) - 3
        p2 = -0.000200214257
        for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047,
                  1.00167406, 2.83297682):
            p2 = c + p2 * v
        t = xp.sqrt(-xp.log(q))
        # NOTE: beyond w = 16 (the fit's range) start from erfc(x) ~ exp(-x*x) / (x sqrt(pi))
        x = xp.where(w < 5, p1 * y, xp.where(w < 16, p2 * y, xp.sqrt(t * t - xp.log(t * SQRT_PI))))
        x = xp.where(xp.isfinite(x), x, 1.0)
        central = y <= 0.5
        for _ in range(4):
            # NOTE: the tail steps solve log(erfc(x)) = log(q): quadratic convergence from the rough start
            cx = _erfcx_kernel(xp, x)
            tail = x + (xp.log(cx) - x * x - xp.log(q)) * (SQRT_PI / 2) * cx
            x = xp.where(central, x - (_erf_array(xp, x) - y) / ((2 / SQRT_PI) * _exp_sq(xp, x, -1)), tail)
        x = xp.where(q == 0, xp.inf, xp.where((q < 0) | (q > 1), xp.nan, x))
    return x


def _erfinv_kernel(xp, y):
    a = xp.abs(y)
    return xp.copysign(_erfinv_core(xp, a, 1 - a), y)


def _ndtri_kernel(xp, p):
    """sqrt(2) * erfinv(2p - 1), with 1 - |2p - 1| formed exactly (2p or 2 - 2p)."""
    upper = p >= 0.5
    y = xp.where(upper, 2 * p - 1, 1 - 2 * p)
    q = xp.where(upper, 2 - 2 * p, 2 * p)
    x = SQRT2 * _erfinv_core(xp, y, q)
    x = xp.where(upper, x, -x)
    return xp.where((p < 0) | (p > 1), xp.nan, x)


def _log_ndtr_kernel(xp, x):
    z = -x / SQRT2
    left = x < -1
    zl = xp.where(left, z, 1.0)
    lo = xp.log(_erfcx_kernel(xp, zl) / 2) - zl * zl
    return xp.where(left, lo, xp.log1p(-0.5 * _erfc_kernel(xp, xp.where(left, 0.0, -z))))


def _bessel_kernel(nu, scaled):
    """I_nu(x) for nu = 0, 1 (exp(-|x|) I_nu(x) when scaled): the power series for |x| <= 25, Hankel's asymptotic
    series above."""
    def kernel(xp, x):
        a = xp.abs(x)
        near = a <= 25
        s_arg = xp.where(near, a, 0.0)
        y = s_arg * s_arg / 4
        t = xp.ones_like(a) if nu == 0 else s_arg / 2
        total = t.copy()
        for k in range(1, 60):
            t = t * y / (k * (k + nu))
            total += t
        if scaled:
            total *= xp.exp(-s_arg)
        f_arg = xp.where(near, 30.0, a)
        t = xp.ones_like(a)
        far = t.copy()
        for k in range(1, 30):
            t = t * ((2 * k - 1) ** 2 - 4 * nu * nu) / (8 * k * f_arg)
            far += t
        far /= xp.sqrt(2 * math.pi * f_arg)
        if not scaled:
            far = far * xp.exp(f_arg)
        out = xp.where(near, total, far)
        return xp.copysign(out, x) if nu == 1 else out
    return kernel


def _entr_kernel(xp, x):
    return xp.where(x > 0, -x * xp.log(xp.where(x > 0, x, 1.0)), xp.where(x == 0, 0.0, -xp.inf + x * 0))


lgamma = _unary_op("lgamma", _lgamma_kernel, lambda g, x: g * digamma(x), "LgammaBackward0",
                   complex="lgamma_vml_cpu")
lgamma.__doc__ = "The natural log of the absolute value of the gamma function of input."
digamma = _unary_op("digamma", _digamma_kernel, lambda g, x: g * polygamma(1, x), "DigammaBackward0",
                    complex="digamma")
digamma.__doc__ = "The logarithmic derivative of the gamma function of input."
erfc = _unary_op("erfc", _erfc_kernel, lambda g, x: g * (-2 / SQRT_PI) * exp(-x * x), "ErfcBackward0",
                 complex="erfc_vml_cpu")
erfc.__doc__ = "1 - erf(input), without cancellation for large input."
erfcx = _unary_op("erfcx", _erfcx_kernel, lambda g, x, out: g * (2 * x * out - 2 / SQRT_PI),
                  "SpecialErfcxBackward0", output=True)
erfcx.__doc__ = "The scaled complementary error function exp(input**2) * erfc(input)."
erfinv = _unary_op("erfinv", _erfinv_kernel, lambda g, out: g * (SQRT_PI / 2) * exp(out * out),
                   "ErfinvBackward0", saves=(), output=True, complex="erfinv_vml_cpu")
erfinv.__doc__ = "The inverse of erf: erf(erfinv(input)) = input on (-1, 1)."
i0 = _unary_op("i0", _bessel_kernel(0, False), lambda g, x: g * i1(x), "I0Backward0", complex="i0_vml_cpu")
i0.__doc__ = "The modified Bessel function of the first kind of order 0."
i0e = _unary_op("i0e", _bessel_kernel(0, True), lambda g, x, out: g * (i1e(x) - sign(x) * out),
                "SpecialI0EBackward0", output=True)
i0e.__doc__ = "The exponentially scaled modified Bessel function of order 0: exp(-|input|) * i0(input)."
i1 = _unary_op("i1", _bessel_kernel(1, False),
               lambda g, x, out: where(x == 0, g * 0 + 0.5 * g, g * (i0(x) - out / x)), "SpecialI1Backward0",
               output=True)
i1.__doc__ = "The modified Bessel function of the first kind of order 1."
i1e = _unary_op("i1e", _bessel_kernel(1, True),
                lambda g, x, out: where(x == 0, g * 0 + 0.5 * g, g * (i0e(x) - out * (sign(x) + 1 / x))),
                "SpecialI1EBackward0", output=True)
i1e.__doc__ = "The exponentially scaled modified Bessel function of order 1: exp(-|input|) * i1(input)."
ndtri = _unary_op("ndtri", _ndtri_kernel, lambda g, out: g * math.sqrt(2 * math.pi) * exp(out * out / 2),
                  "SpecialNdtriBackward0", saves=(), output=True)
ndtri.__doc__ = "The inverse of the standard normal distribution function: ndtr(ndtri(input)) = input."
log_ndtr = _unary_op("log_ndtr", _log_ndtr_kernel,
                     lambda g, x, out: g * exp(-x * x / 2 - out) / math.sqrt(2 * math.pi),
                     "SpecialLogNdtrBackward0", output=True)
log_ndtr.__doc__ = "The log of the area under the standard normal density from -inf to input."
entr = _unary_op("entr", _entr_kernel, lambda g, x: -g * (1 + log(x)), "SpecialEntrBackward0")
entr.__doc__ = "-input * log(input) for input > 0, 0 at 0, -inf below."


def ndtr(input):
    """The area under the standard normal density from -inf to input."""
    _check_tensor("ndtr", input)
    if input.is_complex():
        raise _not_implemented("erf_vml_cpu", input._data)
    return erfc(input * (-1 / SQRT2)) * 0.5


class PolygammaBackward0(Op):
    retain_inputs = (0,)

    @staticmethod
    def forward(ctx, x, n):
        ctx.n = n
        return _in_float64(_polygamma_kernel(n))(array_module(x), x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * polygamma(ctx.n + 1, x), None


def polygamma(n, input):
    """The n-th derivative of the digamma function of input."""
    _check_tensor("polygamma", input)
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    if input.is_complex():
        raise _not_implemented(("digamma", "trigamma")[n] if n < 2 else "polygamma", input._data)
    if not input.is_floating_point():
        input = input.to(get_default_dtype())
    return PolygammaBackward0.apply(input, n)


class MvlgammaBackward0(Op):
    retain_inputs = (0,)

    @staticmethod
    def forward(ctx, x, p):
        ctx.p = p
        xp = array_module(x)
        run = _in_float64(lambda xp, v: sum(_lgamma_kernel(xp, v - i / 2) for i in range(p))
                          + p * (p - 1) / 4 * math.log(math.pi))
        return run(xp, x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * sum(digamma(x - i / 2) for i in range(ctx.p)), None


def mvlgamma(input, p):
    """The log of the multivariate gamma function of dimension p of input."""
    _check_tensor("mvlgamma", input)
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    if input.is_complex():
        raise _not_implemented("arange_cpu", input._data)
    if not input.is_floating_point():
        input = input.to(get_default_dtype())
    return MvlgammaBackward0.apply(input, p)


def _zeta_fwd(xp, s, q):
    with np.errstate(all="ignore"):
        out = _zeta_kernel(xp, xp.asarray(s, dtype=xp.float64), xp.asarray(q, dtype=xp.float64))
        out = xp.where(s < 1, xp.nan, xp.where(s == 1, xp.inf, out))
    return out.astype(xp.result_type(s, q) if xp.result_type(s, q).kind == "f" else xp.float64, copy=False)


zeta = binary("zeta", _zeta_fwd, differentiable=False, floating=True, complex="zeta_cpu")
zeta.__doc__ = "The Hurwitz zeta function: the sum over k >= 0 of (other + k) ** -input."


# ---- the regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 - P(a, x) -----------------------------
_EPS = float(np.finfo(np.float64).eps) / 2
_EULER = 0.57721566490153286061
# (-1)^k zeta(k) / k: the Taylor coefficients of lgamma(1 + a) beyond -gamma a
_LGAMMA1P = [(-1) ** k * z / k for k, z in zip(range(2, 26), _zeta_kernel(np, np.arange(2.0, 26.0), np.ones(24)))]
# NOTE: from this a on, the series and the continued fraction take over 20000 terms near x = a, while the uniform
# expansion's first omitted term, about 1 / (540 a sqrt(2 pi a)), is below 1e-14
_A_UNIFORM = 1e7


def _lgamma1p(xp, a):
    """lgamma(1 + a): below 0.2 the Taylor series -gamma a + sum (-1)^k zeta(k) a^k / k, free of 1 + a's rounding."""
    small = xp.where(a < 0.2, a, 0.0)
    total = xp.zeros_like(a)
    for c in reversed(_LGAMMA1P):
        total = (total + c) * small
    return xp.where(a < 0.2, (total - _EULER) * small, _lgamma_kernel(xp, a + 1))


def _log1pmx(xp, t, ratio):
    """log(1 + t) - t given ratio = 1 + t: near 0 as 2 atanh(y) - t with y = t / (2 + t), without cancellation."""
    near = xp.abs(t) < 0.5
    y = xp.where(near, t / (2 + t), 0.0)
    y2 = y * y
    tail = xp.zeros_like(y)
    for k in range(20, 0, -1):
        tail = (tail + 2.0 / (2 * k + 1)) * y2
    return xp.where(near, y * tail - t * t / (2 + t), xp.log(ratio) - t)


def _log_igamma_factor(xp, a, x):
    """log(x^a e^-x / Gamma(a + 1)); from a = 10 on through Stirling's series, where a log x and lgamma(a) would
    cancel: a (log(x / a) - (x - a) / a) - log(2 pi a) / 2 - sum B_2k / (2k (2k - 1) a^(2k - 1))."""
    big = a >= 10
    ab = xp.where(big, a, 10.0)
    w = 1 / (ab * ab)
    corr = xp.zeros_like(ab)
    for k in range(len(_B2K) // 2, 0, -1):
        corr = corr * w + _B2K[k - 1] / (2 * k * (2 * k - 1))
    stirling = ab * _log1pmx(xp, (x - ab) / ab, x / ab) - 0.5 * xp.log(2 * math.pi * ab) - corr / ab
    return xp.where(big, stirling, a * xp.log(x) - x - _lgamma1p(xp, a))


def _iterate(xp, step, *arrays):
    """Run step(n, *rows) -> (done, *rows) for n = 1, 2 ... on the rows of the flat arrays not yet done, writing
    the new rows back in place."""
    active = xp.arange(arrays[0].size)
    n = 0
    while active.size:
        n += 1
        done, *rows = step(n, *(v[active] for v in arrays))
        for v, r in zip(arrays, rows):
            v[active] = r
        active = active[~done]


def _lower_series(xp, a, x):
    """P(a, x) = x^a e^-x / Gamma(a + 1) * sum_n x^n / ((a + 1) ... (a + n)), for x < a + 1 (terms decrease)."""
    def step(n, a, x, term, total):
        term = term * x / (a + n)
        total = total + term
        return term <= _EPS * total, a, x, term, total
    term, total = xp.ones_like(x), xp.ones_like(x)
    _iterate(xp, step, a, x, term, total)
    return xp.exp(_log_igamma_factor(xp, a, x)) * total


def _upper_fraction(xp, a, x):
    """Q(a, x) = x^a e^-x / Gamma(a) / (x + 1 - a - 1 (1 - a) / (x + 3 - a - 2 (2 - a) / ...)), for x >= a + 1:
    Legendre's continued fraction, evaluated forwards by Lentz's method."""
    def step(n, a, b, c, d, h):
        c_n = n * (a - n)
        b = b + 2
        d = 1 / (b + c_n * d)
        c = b + c_n / c
        delta = c * d
        return xp.abs(delta - 1) <= _EPS, a, b, c, d, h * delta
    b = x + 1 - a
    d = 1 / b
    h = d.copy()
    _iterate(xp, step, a, b, xp.full_like(x, xp.inf), d, h)
    return a * xp.exp(_log_igamma_factor(xp, a, x)) * h


def _upper_series(xp, a, x):
    """Q(a, x) for a < 1 and x < a + 1, where 1 - P cancels: 1 - x^a / Gamma(a + 1) - x^a / Gamma(a) * S with
    S = sum_{n >= 1} (-1)^n x^n / (n! (a + n))."""
    def step(n, a, x, term, total):
        term = -term * x / n
        total = total + term / (a + n)
        return xp.abs(term / (a + n)) <= _EPS * xp.abs(total), a, x, term, total
    term, total = xp.ones_like(x), xp.zeros_like(x)
    _iterate(xp, step, a, x, term, total)
    u = a * xp.log(x) - _lgamma1p(xp, a)
    return -xp.expm1(u) - a * xp.exp(u) * total


def _uniform_expansion(xp, a, x, upper):
    """Q (or P) for a >= _A_UNIFORM by Temme's uniform expansion to its first correction:
    Q = erfc(eta sqrt(a / 2)) / 2 + e^(-a eta^2 / 2) / sqrt(2 pi a) (1 / (x / a - 1) - 1 / eta), with
    eta^2 / 2 = x / a - 1 - log(x / a), eta of the sign of x - a."""
    t = (x - a) / a
    eta = xp.sign(t) * xp.sqrt(-2 * _log1pmx(xp, t, x / a))
    near = xp.abs(eta) < 1e-3
    safe_eta, safe_t = xp.where(near, 1.0, eta), xp.where(near, 1.0, t)
    c0 = xp.where(near, -1 / 3 + eta / 12 - 2 * eta * eta / 135, 1 / safe_t - 1 / safe_eta)
    r = xp.exp(-a * eta * eta / 2) / xp.sqrt(2 * math.pi * a) * c0
    z = eta * math.sqrt(0.5) * xp.sqrt(a)
    return _erfc_kernel(xp, z) / 2 + r if upper else _erfc_kernel(xp, -z) / 2 - r


def _igamma_kernel(xp, a, x, upper):
    """P(a, x), or Q(a, x) where upper, on float64 arrays; at the edges (x = 0 or inf, a = 0 or inf, negative,
    nan) PyTorch's values."""
    shape = xp.broadcast_shapes(a.shape, x.shape)
    a, x = (v.ravel() for v in xp.broadcast_arrays(a, x))
    p = xp.where((x < 0) | (a < 0), xp.nan, xp.where(a == 0, xp.where(x > 0, 1.0, xp.nan), xp.where(
        x == 0, 0.0, xp.where(xp.isinf(a), xp.where(xp.isinf(x), xp.nan, 0.0), xp.where(xp.isinf(x), 1.0, xp.nan)))))
    out = 1 - p if upper else p
    regular = (a > 0) & (x > 0) & xp.isfinite(a) & xp.isfinite(x)
    huge = regular & (a >= _A_UNIFORM)
    lower = regular & ~huge & (x < a + 1)
    cf = regular & ~huge & ~lower
    small_a = lower & (a < 1) & upper
    lower &= ~small_a
    for mask, fn, complement in ((lower, _lower_series, upper), (cf, _upper_fraction, not upper),
                                 (small_a, _upper_series, False)):
        i = xp.nonzero(mask)[0]
        if i.size:
            v = fn(xp, a[i], x[i])
            out[i] = 1 - v if complement else v
    i = xp.nonzero(huge)[0]
    if i.size:
        out[i] = _uniform_expansion(xp, a[i], x[i], upper)
    return out.reshape(shape)


class IgammaBackward0(Op):
    """The regularized lower incomplete gamma function; its derivative in input is not implemented, as torch's."""
    retain_inputs = (0, 1)
    upper = False

    @staticmethod
    def forward(ctx, a, x):
        xp = array_module(a)
        with np.errstate(all="ignore"):
            return _igamma_kernel(xp, a.astype(xp.float64), x.astype(xp.float64), ctx.upper).astype(a.dtype)

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError(f"the derivative for '{'igammac' if ctx.upper else 'igamma'}: input' is not "
                                      f"implemented.")
        grad = g * exp((a - 1) * log(x) - x - lgamma(a))
        return None, -grad if ctx.upper else grad


class IgammacBackward0(IgammaBackward0):
    """The regularized upper incomplete gamma function."""
    upper = True


def _incomplete_gamma(name, node, doc):
    def op(input, other):
        for position, (arg, value) in enumerate((("input", input), ("other", other)), 1):
            if not isinstance(value, Tensor):
                raise TypeError(f"{name}(): argument '{arg}' (position {position}) must be Tensor, not "
                                f"{type(value).__name__}")
        dt = result_type(input, other)
        if not dt.is_floating_point:
            raise _not_implemented(f"{'igammac' if node.upper else 'igamma'}_cpu", np.empty(0, dt.np))
        err = _broadcast_error(input._data, other._data)
        if err is not None:
            raise err
        return node.apply(input.to(dt), other.to(dt))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return op


_P_DOC = "The regularized lower incomplete gamma function P(input, other)."
_Q_DOC = "The regularized upper incomplete gamma function Q(input, other) = 1 - P(input, other)."
igamma = _incomplete_gamma("igamma", IgammaBackward0, _P_DOC)
igammac = _incomplete_gamma("igammac", IgammacBackward0, _Q_DOC)
gammainc = _incomplete_gamma("special_gammainc", IgammaBackward0, _P_DOC)
gammaincc = _incomplete_gamma("special_gammaincc", IgammacBackward0, _Q_DOC)


def _methods():
    from .inplace import inplace
    for fn in (lgamma, digamma, mvlgamma, erfinv, erfc, i0, igamma, igammac):
        setattr(Tensor, fn.__name__, fn)
        setattr(Tensor, fn.__name__ + "_", inplace(fn, fn.__name__ + "_"))
    Tensor.polygamma = lambda self, n: polygamma(n, self)
    Tensor.polygamma_ = inplace(lambda self, n: polygamma(n, self), "polygamma_")


_methods()
