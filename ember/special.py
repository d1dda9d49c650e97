"""ember.special: special functions under torch.special's names (implemented in ember/ops/special.py,
ember/ops/special_functions.py and ember/ops/pointwise.py)."""
from .ops.activation import softmax, log_softmax
from .ops.pointwise import erf, exp2, expm1, log1p, logit, round, sigmoid as expit, sinc, xlog1py, xlogy
from .ops.special import (digamma, entr, erfc, erfcx, erfinv, gammainc, gammaincc, i0, i0e, i1, i1e,
                          lgamma as gammaln, log_ndtr, mvlgamma as multigammaln, ndtr, ndtri, polygamma, zeta)
from .ops.reduce import logsumexp
from .ops.special_functions import (airy_ai, bessel_j0, bessel_j1, bessel_y0, bessel_y1, chebyshev_polynomial_t,
                                    chebyshev_polynomial_u, chebyshev_polynomial_v, chebyshev_polynomial_w,
                                    hermite_polynomial_h, hermite_polynomial_he, laguerre_polynomial_l,
                                    legendre_polynomial_p, modified_bessel_i0, modified_bessel_i1, modified_bessel_k0,
                                    modified_bessel_k1, scaled_modified_bessel_k0, scaled_modified_bessel_k1,
                                    shifted_chebyshev_polynomial_t, shifted_chebyshev_polynomial_u,
                                    shifted_chebyshev_polynomial_v, shifted_chebyshev_polynomial_w, spherical_bessel_j0)

psi = digamma

__all__ = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "chebyshev_polynomial_t",
           "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w", "digamma", "entr", "erf",
           "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammainc", "gammaincc", "gammaln",
           "hermite_polynomial_h", "hermite_polynomial_he", "i0", "i0e", "i1", "i1e", "laguerre_polynomial_l",
           "legendre_polynomial_p", "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp", "modified_bessel_i0",
           "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1", "multigammaln", "ndtr", "ndtri",
           "polygamma", "psi", "round", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
           "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
           "shifted_chebyshev_polynomial_w", "sinc", "softmax", "spherical_bessel_j0", "xlog1py", "xlogy", "zeta"]
