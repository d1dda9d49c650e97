"""ember.special: special functions under torch.special's names (implemented in ember/ops/pointwise.py)."""
from .ops.activation import softmax, log_softmax
from .ops.pointwise import (digamma, entr, erf, erfc, erfcx, erfinv, exp2, expm1, i0, i0e, i1, i1e, log1p,
                            log_ndtr, logit, mvlgamma as multigammaln, ndtr, ndtri, polygamma, round, sigmoid as expit,
                            sinc, xlog1py, xlogy, zeta, lgamma as gammaln)
from .ops.reduce import logsumexp

psi = digamma

__all__ = ["digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammaln", "i0", "i0e",
           "i1", "i1e", "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp", "multigammaln", "ndtr", "ndtri",
           "polygamma", "psi", "round", "sinc", "softmax", "xlog1py", "xlogy", "zeta"]
