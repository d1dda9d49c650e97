"""ember.special: special functions under torch.special's names (implemented in ember/ops/special.py and
ember/ops/pointwise.py)."""
from .ops.activation import softmax, log_softmax
from .ops.pointwise import erf, exp2, expm1, log1p, logit, round, sigmoid as expit, sinc, xlog1py, xlogy
from .ops.special import (digamma, entr, erfc, erfcx, erfinv, gammainc, gammaincc, i0, i0e, i1, i1e,
                          lgamma as gammaln, log_ndtr, mvlgamma as multigammaln, ndtr, ndtri, polygamma, zeta)
from .ops.reduce import logsumexp

psi = digamma

__all__ = ["digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammainc", "gammaincc",
           "gammaln", "i0", "i0e", "i1", "i1e", "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp",
           "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "round", "sinc", "softmax", "xlog1py", "xlogy", "zeta"]
