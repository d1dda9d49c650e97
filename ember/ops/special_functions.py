"""torch.special's Bessel, Airy and classical orthogonal-polynomial functions: bessel_j0/j1/y0/y1, the modified
Bessel functions modified_bessel_i0/i1/k0/k1 (k0 and k1 also scaled by exp(x)), spherical_bessel_j0, airy_ai, and
the Chebyshev (four kinds, plain and shifted), Hermite, Laguerre and Legendre polynomials.

The Bessel and Airy functions use the Cephes rational and Chebyshev approximations (in float64, the result in the
input's dtype); the phases x - pi/4 and x - 3pi/4 of the large-x forms come from cos(x) and sin(x), so that they
keep their precision at large x. The polynomials run torch's recurrences (and its trigonometric forms for |x| < 1)
in the input's dtype, vectorised over the elements, with one step per degree. None of them is differentiable in
PyTorch: their results never require grad.
"""
import math

import numpy as np

from .._device import array_module
from .._dtype import float32, float64, get_default_dtype, result_type
from .._tensor import Tensor, _wrap
from ..autograd.function import as_array
from .pointwise import _broadcast_error, _in_float64, _not_implemented
from .special import _bessel_kernel

__all__ = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0", "modified_bessel_i1",
           "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
           "spherical_bessel_j0", "chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
           "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u",
           "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w", "hermite_polynomial_h",
           "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p"]

# ---- Cephes coefficients (highest degree first; _p1evl's denominators have an implicit leading 1) --------------
_AI_AN = [0.346538101525629, 12.007595273964581, 76.27960536152345, 168.08922493463058, 159.75639135016442,
          70.53609068404442, 14.026469116338967, 1.0]
_AI_AD = [0.5675945326387702, 14.75625625848472, 84.51389701414746, 177.31808814540045, 164.2346928715297,
          71.47784008255756, 14.095913560783403, 1.0]
_AI_AFN = [-0.1316963234183318, -0.6264565444319123, -0.6931580360369335, -0.2797799815451191, -0.04919001326095003,
           -0.004062659235948854, -0.0001592764962392621, -2.776491081552329e-06, -1.6778769848911465e-08]
_AI_AFD = [13.356042070655324, 32.682503279522464, 26.736704094149957, 9.187074029072596, 1.4752914677166642,
           0.11568717379518804, 0.004402916416152112, 7.547203482874142e-05, 4.5185009297058035e-07]
_AI_AGN = [0.01973399320916857, 0.39110302961568827, 1.0657989759959559, 0.9391692298166502, 0.35146565610554764,
           0.06338889196289255, 0.005858041130483885, 0.000282851600836737, 6.98793669997261e-06,
           8.117892395543892e-08, 3.415517847659236e-10]
_AI_AGD = [9.30892908077442, 19.835292871831214, 15.564662893286462, 5.476860694229755, 0.9542936116189619,
           0.08645808263523921, 0.004126565238242226, 0.00010125908511650914, 1.1716673321441352e-06,
           4.9183457006293e-09]
_J0_RP = [-4794432209.782018, 1956174919465.5657, -249248344360967.72, 9708622510473064.0]
_J0_RQ = [499.563147152651, 173785.4016763747, 48440965.83399621, 11185553704.535683, 2112775201154.892,
          310518229857422.56, 3.1812195594320496e+16, 1.7108629408104315e+18]
_Y0_YP = [15592.436785523574, -14663929.59039716, 5435264770.518765, -982136065717.9115, 87590639439536.7,
          -3466283033847297.0, 4.4273326857256984e+16, -1.8495080043698668e+16]
_Y0_YQ = [1041.2835366425984, 626107.330137135, 268919633.39381415, 86400248710.3935, 20297961275010.555,
          3171577528429750.5, 2.5059625617265306e+17]
_J0_PP = [0.0007969367292973471, 0.08283523921074408, 1.239533716464143, 5.447250030587687, 8.74716500199817,
          5.303240382353949, 1.0]
_J0_PQ = [0.0009244088105588637, 0.08562884743544745, 1.2535274390105895, 5.470977403304171, 8.761908832370695,
          5.306052882353947, 1.0]
_J0_QP = [-0.011366383889846916, -1.2825271867050931, -19.553954425773597, -93.20601521237683, -177.68116798048806,
          -147.07750515495118, -51.41053267665993, -6.050143506007285]
_J0_QQ = [64.3178256118178, 856.4300259769806, 3882.4018360540163, 7240.467741956525, 5930.727011873169,
          2062.0933166032783, 242.0057402402914]
_J1_RP = [-899971225.7055594, 452228297998.19403, -72749424522181.83, 3682957328638529.0]
_J1_RQ = [620.8364781180543, 256987.25675774884, 83514679.14319493, 22151159547.97925, 4749141220799.914,
          784369607876235.9, 8.952223361846274e+16, 5.322786203326801e+18]
_Y1_YP = [1263204747.9017804, -647355876379.1603, 114509511541823.73, -8127702555013251.0, 2.024394757135949e+17,
          -7.788771962659501e+17]
_Y1_YQ = [594.3015923461282, 235564.09294306856, 73481194.44597217, 18760131610.870617, 3882312774962.3857,
          620557727146953.8, 6.871410873553005e+16, 3.9727060811656064e+18]
_J1_PP = [0.0007621256162081731, 0.07313970569409176, 1.1271960812968493, 5.112079511468076, 8.424045901417724,
          5.214515986823615, 1.0]
_J1_PQ = [0.0005713231280725487, 0.06884559087544954, 1.105142326340617, 5.073863861286015, 8.399855543276042,
          5.209828486823619, 1.0]
_J1_QP = [0.05108625947501766, 4.982138729512334, 75.82382841325453, 366.7796093601508, 710.8563049989261,
          597.4896124006136, 211.68875710057213, 25.207020585802372]
_J1_QQ = [74.23732770356752, 1056.4488603826283, 4986.410583376536, 9562.318924047562, 7997.041604473507,
          2826.1927851763908, 336.0936078106983]
_K0_A = [1.374465435613523e-16, 4.25981614279661e-14, 1.0349695257633842e-11, 1.904516377220209e-09,
         2.5347910790261494e-07, 2.286212103119452e-05, 0.001264615411446926, 0.0359799365153615, 0.3442898999246285,
         -0.5353273932339028]
_K0_B = [5.300433772686263e-18, -1.6475804301524212e-17, 5.2103915050390274e-17, -1.678231096805412e-16,
         5.512055978524319e-16, -1.848593377343779e-15, 6.3400764774050706e-15, -2.2275133269916698e-14,
         8.032890775363575e-14, -2.9800969231727303e-13, 1.140340588208475e-12, -4.514597883373944e-12,
         1.8559491149547177e-11, -7.957489244477107e-11, 3.577397281400301e-10, -1.69753450938906e-09,
         8.574034017414225e-09, -4.660489897687948e-08, 2.766813639445015e-07, -1.8317555227191195e-06,
         1.39498137188765e-05, -0.00012849549581627802, 0.0015698838857300533, -0.0314481013119645,
         2.4403030820659555]
_K1_A = [-7.023863479386288e-18, -2.427449850519366e-15, -6.666901694199329e-13, -1.4114883926335278e-10,
         -2.213387630734726e-08, -2.4334061415659684e-06, -0.0001730288957513052, -0.006975723859639864,
         -0.12261118082265715, -0.3531559607765449, 1.5253002273389478]
_K1_B = [-5.756744483665017e-18, 1.7940508731475592e-17, -5.689462558442859e-17, 1.838093544366639e-16,
         -6.057047248373319e-16, 2.038703165624334e-15, -7.019837090418314e-15, 2.4771544244813043e-14,
         -8.976705182324994e-14, 3.3484196660784293e-13, -1.2891739609510289e-12, 5.13963967348173e-12,
         -2.1299678384275683e-11, 9.218315187605006e-11, -4.1903547593418965e-10, 2.015049755197033e-09,
         -1.0345762465678097e-08, 5.7410841254500495e-08, -3.5019606030878126e-07, 2.406484947837217e-06,
         -1.936197974166083e-05, 0.00019521551847135162, -0.002857816859622779, 0.10392373657681724,
         2.7206261904844427]
_J0_ZEROS_SQ = (5.78318596294678452118, 30.4712623436620863991)   # the first two zeros of J0, squared
_J1_ZEROS_SQ = (14.6819706421238932572, 49.2184563216946036703)   # and of J1
_AI_0, _AI_1 = 0.355028053887817239260, 0.258819403792806798405     # Ai(0) and -Ai'(0)
# (-1)^k / (2k + 1)!, k = 6 ... 0: sin(x) / x near 0
_SINC_SERIES = [(-1) ** k / math.factorial(2 * k + 1) for k in range(6, -1, -1)]
SQRT_2_PI = math.sqrt(2 / math.pi)


def _polevl(x, coeffs):
    total = coeffs[0] + 0 * x
    for c in coeffs[1:]:
        total = total * x + c
    return total


def _p1evl(x, coeffs):
    return _polevl(x, [1.0] + coeffs)


def _chbevl(x, coeffs):
    """The Chebyshev series sum c_i T_i(x / 2) by Clenshaw's recurrence (Cephes' chbevl)."""
    b0, b1, b2 = coeffs[0] + 0 * x, 0 * x, 0 * x
    for c in coeffs[1:]:
        b2, b1 = b1, b0
        b0 = x * b1 - b2 + c
    return 0.5 * (b0 - b2)


def _hankel(xp, x, pp, pq, qp, qq, order):
    """J and Y of order 0 or 1 for x > 5 from the modulus-phase forms P cos(phase) - Q sin(phase) and
    P sin(phase) + Q cos(phase), phase = x - (2 order + 1) pi / 4."""
    z = 25 / (x * x)
    p = _polevl(z, pp) / _polevl(z, pq)
    q = 5 / x * _polevl(z, qp) / _p1evl(z, qq)
    c, s = xp.cos(x), xp.sin(x)
    cos_phase, sin_phase = ((c + s, s - c) if order == 0 else (s - c, -(s + c)))
    k = SQRT_2_PI / xp.sqrt(2 * x)
    return k * (p * cos_phase - q * sin_phase), k * (p * sin_phase + q * cos_phase)


def _j0_near(xp, x):
    """J0 for 0 <= x <= 5."""
    z = x * x
    out = (z - _J0_ZEROS_SQ[0]) * (z - _J0_ZEROS_SQ[1]) * _polevl(z, _J0_RP) / _p1evl(z, _J0_RQ)
    return xp.where(x < 1e-5, 1 - z / 4, out)


def _j1_near(x):
    z = x * x
    return _polevl(z, _J1_RP) / _p1evl(z, _J1_RQ) * x * (z - _J1_ZEROS_SQ[0]) * (z - _J1_ZEROS_SQ[1])


def _bessel_j0_kernel(xp, x):
    a = xp.abs(x)
    near = a <= 5
    return xp.where(near, _j0_near(xp, xp.where(near, a, 0.0)), _hankel(xp, xp.where(near, 10.0, a), _J0_PP, _J0_PQ,
                                                                    _J0_QP, _J0_QQ, 0)[0])


def _bessel_j1_kernel(xp, x):
    a = xp.abs(x)
    near = a <= 5
    out = xp.where(near, _j1_near(xp.where(near, a, 0.0)), _hankel(xp, xp.where(near, 10.0, a), _J1_PP, _J1_PQ,
                                                                   _J1_QP, _J1_QQ, 1)[0])
    return xp.where(x < 0, -out, out)


def _bessel_y0_kernel(xp, x):
    near = x <= 5
    s = xp.where(near & (x > 0), x, 1.0)
    small = _polevl(s * s, _Y0_YP) / _p1evl(s * s, _Y0_YQ) + 2 / math.pi * xp.log(s) * _j0_near(xp, s)
    small = xp.where(x == 0, -xp.inf, xp.where(x < 0, xp.nan, small))
    return xp.where(near, small, _hankel(xp, xp.where(near, 10.0, x), _J0_PP, _J0_PQ, _J0_QP, _J0_QQ, 0)[1])


def _bessel_y1_kernel(xp, x):
    near = x <= 5
    s = xp.where(near & (x > 0), x, 1.0)
    small = s * (_polevl(s * s, _Y1_YP) / _p1evl(s * s, _Y1_YQ)) + 2 / math.pi * (_j1_near(s) * xp.log(s) - 1 / s)
    small = xp.where(x == 0, -xp.inf, xp.where(x < 0, xp.nan, small))
    return xp.where(near, small, _hankel(xp, xp.where(near, 10.0, x), _J1_PP, _J1_PQ, _J1_QP, _J1_QQ, 1)[1])


def _modified_bessel_i_kernel(order):
    """I0 or I1, nan at +-inf as torch's."""
    kernel = _bessel_kernel(order, False)
    return lambda xp, x: xp.where(xp.isinf(x), xp.nan, kernel(xp, x))


def _modified_bessel_k_kernel(order, scaled):
    """K0 or K1 (exp(x) K when scaled): Chebyshev series in x^2 - 2 with the log(x / 2) I term for x <= 2, in
    8 / x - 2 for exp(x) sqrt(x) K above."""
    small_coeffs, large_coeffs = (_K0_A, _K0_B) if order == 0 else (_K1_A, _K1_B)
    i_kernel = _bessel_kernel(order, False)

    def kernel(xp, x):
        near = x <= 2
        s = xp.where(near & (x > 0), x, 1.0)
        series = _chbevl(s * s - 2, small_coeffs)
        small = series - xp.log(0.5 * s) * i_kernel(xp, s) if order == 0 else \
            xp.log(0.5 * s) * i_kernel(xp, s) + series / s
        b = xp.where(near, 4.0, x)
        large = _chbevl(8 / b - 2, large_coeffs) / xp.sqrt(b)
        if scaled:
            small = small * xp.exp(s)
        else:
            large = large * xp.exp(-b)
        out = xp.where(near, small, large)
        return xp.where(x == 0, xp.inf, xp.where(x < 0, xp.nan, out))
    return kernel


def _airy_ai_kernel(xp, x):
    """Ai: the oscillating asymptotic form below -2.09, the decaying one from 2.09 (0 beyond 103.892, as torch),
    Maclaurin's series between; nan at +-inf, as torch."""
    neg, pos = x < -2.09, x >= 2.09
    a = xp.where(neg, -x, 4.0)
    root = xp.sqrt(a)
    zeta = 2 * a * root / 3
    z = 1 / zeta
    zz = z * z
    uf = 1 + zz * _polevl(zz, _AI_AFN) / _p1evl(zz, _AI_AFD)
    ug = z * _polevl(zz, _AI_AGN) / _p1evl(zz, _AI_AGD)
    theta = zeta + math.pi / 4
    oscillating = (xp.sin(theta) * uf - xp.cos(theta) * ug) / (math.sqrt(math.pi) * xp.sqrt(root))
    b = xp.where(pos, x, 4.0)
    zeta = 2 * b * xp.sqrt(b) / 3
    decaying = _polevl(1 / zeta, _AI_AN) / _polevl(1 / zeta, _AI_AD) / (
        2 * math.sqrt(math.pi) * xp.sqrt(xp.sqrt(b)) * xp.exp(zeta))
    c = xp.where(neg | pos, 0.0, x)
    cube = c * c * c
    m, n, f, g = xp.ones_like(c), c.copy(), xp.ones_like(c), c.copy()
    for k in range(3, 48, 3):
        m = m * cube / ((k - 1) * k)
        n = n * cube / (k * (k + 1))
        f, g = f + m, g + n
    series = _AI_0 * f - _AI_1 * g
    out = xp.where(neg, oscillating, xp.where(pos, xp.where(x > 103.892, 0.0, decaying), series))
    return xp.where(xp.isinf(x), xp.nan, out)


def _spherical_bessel_j0_kernel(xp, x):
    near = xp.abs(x) < 0.5
    s = xp.where(near, 1.0, x)
    out = xp.where(near, _polevl(x * x, _SINC_SERIES), xp.sin(s) / s)
    return xp.where(xp.isinf(x), 0.0, out)


def _unary(name, kernel, doc, arg="input"):
    run = _in_float64(kernel)

    def op(input):
        if not isinstance(input, Tensor):
            raise TypeError(f"special_{name}(): argument '{arg}' (position 1) must be Tensor, not "
                            f"{type(input).__name__}")
        d = input._data
        if not input.is_floating_point():
            d = d.astype(get_default_dtype().np)
        if d.dtype not in (float32.np, float64.np):
            raise _not_implemented(f"{name}_{input.device.type}", d)
        return _wrap(as_array(run(array_module(d), d)))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return op


airy_ai = _unary("airy_ai", _airy_ai_kernel, "The Airy function Ai(input).", "x")
bessel_j0 = _unary("bessel_j0", _bessel_j0_kernel, "The Bessel function of the first kind of order 0.")
bessel_j1 = _unary("bessel_j1", _bessel_j1_kernel, "The Bessel function of the first kind of order 1.")
bessel_y0 = _unary("bessel_y0", _bessel_y0_kernel, "The Bessel function of the second kind of order 0.")
bessel_y1 = _unary("bessel_y1", _bessel_y1_kernel, "The Bessel function of the second kind of order 1.")
modified_bessel_i0 = _unary("modified_bessel_i0", _modified_bessel_i_kernel(0),
                            "The modified Bessel function of the first kind of order 0.")
modified_bessel_i1 = _unary("modified_bessel_i1", _modified_bessel_i_kernel(1),
                            "The modified Bessel function of the first kind of order 1.")
modified_bessel_k0 = _unary("modified_bessel_k0", _modified_bessel_k_kernel(0, False),
                            "The modified Bessel function of the second kind of order 0.")
modified_bessel_k1 = _unary("modified_bessel_k1", _modified_bessel_k_kernel(1, False),
                            "The modified Bessel function of the second kind of order 1.")
scaled_modified_bessel_k0 = _unary("scaled_modified_bessel_k0", _modified_bessel_k_kernel(0, True),
                                   "The scaled modified Bessel function of the second kind of order 0: "
                                   "exp(input) * K0(input).", "x")
scaled_modified_bessel_k1 = _unary("scaled_modified_bessel_k1", _modified_bessel_k_kernel(1, True),
                                   "The scaled modified Bessel function of the second kind of order 1: "
                                   "exp(input) * K1(input).", "x")
spherical_bessel_j0 = _unary("spherical_bessel_j0", _spherical_bessel_j0_kernel,
                             "The spherical Bessel function of the first kind of order 0: sin(input) / input.", "x")


# ---- the polynomials: kernel(xp, x, k) on flat arrays of one float dtype, k the integer degree --------------
def _degree(xp, n):
    """torch's int64 cast of the degree: truncation, and a negative degree (so 0) for nan, inf or out of range."""
    ok = xp.isfinite(n) & (xp.abs(n) < 2.0 ** 63)
    return xp.where(ok, xp.trunc(xp.where(ok, n, 0)), -1).astype(xp.int64)


def _recurrence(xp, out, run, k, first, step, x):
    """out[i] = the degree k[i] term where run[i], from first (degree 1) and 1 (degree 0), by
    step(j, p, q, x) (the degree j + 1 term from those of degrees j - 1 and j); an element stops at its degree or at
    nan, as torch's loop."""
    idx = xp.nonzero(run)[0]
    p, q, m, x = xp.ones_like(first[idx]), first[idx], k[idx], x[idx]
    j = 1
    while idx.size:
        p, q = q, step(j, p, q, x)
        j += 1
        done = (m == j) | xp.isnan(q)
        if done.any():
            out[idx[done]] = q[done]
            keep = ~done
            idx, p, q, m, x = idx[keep], p[keep], q[keep], m[keep], x[keep]
    return out


def _signed(xp, k, value):
    """(-1)^k value."""
    return xp.where(k % 2 == 0, value, -value)


def _chebyshev_kernel(kind, trig_from, shifted=False):
    """T, U, V or W (of 2x - 1 when shifted): the values at +-1, cos / sin forms for |x| < 1 above degree
    trig_from, the recurrence y_{j+1} = 2x y_j - y_{j-1} otherwise."""
    def kernel(xp, x, k):
        y = x + x - 1 if shifted else x
        dt = x.dtype
        nf, odd = k.astype(dt), (2 * k + 1).astype(dt)
        first = {"t": y, "u": y + y, "v": y + y - 1, "w": y + y + 1}[kind]
        out = xp.where(k == 1, first, xp.ones_like(y))
        trig = (k > trig_from) & (xp.abs(y) < 1)
        ends = xp.abs(y) == 1
        two_y = y + y
        _recurrence(xp, out, (k >= 2) & ~trig & ~ends, k, first, lambda j, p, q, y2: y2 * q - p, two_y)
        theta = xp.arccos(y)
        if kind == "t":
            inner = xp.cos(nf * theta)
            at_one, at_minus_one = 1, _signed(xp, k, xp.ones_like(y))
        elif kind == "u":
            s = xp.sin(theta)
            n1 = (k + 1).astype(dt)
            inner = xp.where(s != 0, xp.sin(n1 * theta) / s, n1 * xp.cos(n1 * theta) / y)
            at_one, at_minus_one = n1, _signed(xp, k, n1)
        elif kind == "v":
            limit = _signed(xp, k, odd)
            inner = xp.where(xp.sin(theta / 2) != 1, xp.cos((nf + 0.5) * theta) / xp.cos(theta / 2), limit)
            at_one, at_minus_one = 1, limit
        else:
            alternating = _signed(xp, k, xp.ones_like(y))
            limit = alternating if shifted else xp.where(y > 0, odd, alternating)
            inner = xp.where(xp.cos(theta / 2) != 1, xp.sin((nf + 0.5) * theta) / xp.sin(theta / 2), limit)
            at_one, at_minus_one = odd, alternating
        out = xp.where(trig, inner, out)
        out = xp.where(y == 1, at_one, xp.where(y == -1, at_minus_one, out))
        return xp.where(k < 0, 0, out)
    return kernel


def _hermite_kernel(physicists):
    """H (physicists) or He by their recurrences; nan above degree 512 (128 in float32), as torch."""
    def kernel(xp, x, k):
        first = x + x if physicists else x
        out = xp.where(k == 1, first, xp.ones_like(x))
        limit = 128 if x.dtype == np.float32 else 512
        if physicists:
            step = lambda j, p, q, v: (v + v) * q - (j + j) * p    # noqa: E731
        else:
            step = lambda j, p, q, v: v * q - j * p                  # noqa: E731
        _recurrence(xp, out, (k >= 2) & (k <= limit), k, first, step, x)
        return xp.where(k < 0, 0, xp.where(k > limit, xp.nan, out))
    return kernel


def _laguerre_kernel(xp, x, k):
    first = 1 - x
    out = xp.where(k == 1, first, xp.ones_like(x))
    step = lambda j, p, q, v: (((j + j) + (1 - v)) * q - j * p) / (j + 1)     # noqa: E731
    _recurrence(xp, out, (k >= 2) & (x != 0), k, first, step, x)
    return xp.where(k < 0, 0, xp.where(x == 0, 1, out))


def _legendre_kernel(xp, x, k):
    out = xp.where(k == 1, x, xp.ones_like(x))
    ends = xp.abs(x) == 1
    _recurrence(xp, out, (k >= 2) & ~ends, k, x, lambda j, p, q, v: ((j + j + 1) * v * q - j * p) / (j + 1), x)
    out = xp.where(ends, xp.where(x > 0, 1, _signed(xp, k, xp.ones_like(x))), out)
    return xp.where(k < 0, 0, out)


def _polynomial(name, kernel, doc):
    def op(input, n):
        if not isinstance(input, Tensor) and not isinstance(n, Tensor):
            raise TypeError(f"special_{name}() received an invalid combination of arguments - got "
                            f"({type(input).__name__}, {type(n).__name__}), but expected one of:\n"
                            f" * (Tensor x, Tensor n, *, Tensor out = None)\n"
                            f" * (Number x, Tensor n, *, Tensor out = None)\n"
                            f" * (Tensor x, Number n, *, Tensor out = None)\n")
        dt = result_type(input, n)
        if not dt.is_floating_point:
            dt = get_default_dtype()
        like = input if isinstance(input, Tensor) else n
        xp = array_module(like._data)
        x, m = (v._data.astype(dt.np) if isinstance(v, Tensor) else xp.asarray(v, dtype=dt.np) for v in (input, n))
        if dt not in (float32, float64):
            raise _not_implemented(f"{name}_{like.device.type}", x)
        err = _broadcast_error(x, m)
        if err is not None:
            raise err
        shape = xp.broadcast_shapes(x.shape, m.shape)
        x, m = (xp.broadcast_to(v, shape).ravel() for v in (x, m))
        with np.errstate(all="ignore"):
            out = kernel(xp, x, _degree(xp, m))
        return _wrap(out.astype(dt.np, copy=False).reshape(shape))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return op


chebyshev_polynomial_t = _polynomial("chebyshev_polynomial_t", _chebyshev_kernel("t", 6),
                                     "The Chebyshev polynomial of the first kind T_n(input).")
chebyshev_polynomial_u = _polynomial("chebyshev_polynomial_u", _chebyshev_kernel("u", 8),
                                     "The Chebyshev polynomial of the second kind U_n(input).")
chebyshev_polynomial_v = _polynomial("chebyshev_polynomial_v", _chebyshev_kernel("v", 8),
                                     "The Chebyshev polynomial of the third kind V_n(input).")
chebyshev_polynomial_w = _polynomial("chebyshev_polynomial_w", _chebyshev_kernel("w", 8),
                                     "The Chebyshev polynomial of the fourth kind W_n(input).")
shifted_chebyshev_polynomial_t = _polynomial("shifted_chebyshev_polynomial_t", _chebyshev_kernel("t", 6, True),
                                             "The shifted Chebyshev polynomial of the first kind T*_n(input).")
shifted_chebyshev_polynomial_u = _polynomial("shifted_chebyshev_polynomial_u", _chebyshev_kernel("u", 6, True),
                                             "The shifted Chebyshev polynomial of the second kind U*_n(input).")
shifted_chebyshev_polynomial_v = _polynomial("shifted_chebyshev_polynomial_v", _chebyshev_kernel("v", 6, True),
                                             "The shifted Chebyshev polynomial of the third kind V*_n(input).")
shifted_chebyshev_polynomial_w = _polynomial("shifted_chebyshev_polynomial_w", _chebyshev_kernel("w", 4, True),
                                             "The shifted Chebyshev polynomial of the fourth kind W*_n(input).")
hermite_polynomial_h = _polynomial("hermite_polynomial_h", _hermite_kernel(True),
                                   "The physicist's Hermite polynomial H_n(input).")
hermite_polynomial_he = _polynomial("hermite_polynomial_he", _hermite_kernel(False),
                                    "The probabilist's Hermite polynomial He_n(input).")
laguerre_polynomial_l = _polynomial("laguerre_polynomial_l", _laguerre_kernel, "The Laguerre polynomial L_n(input).")
legendre_polynomial_p = _polynomial("legendre_polynomial_p", _legendre_kernel, "The Legendre polynomial P_n(input).")
