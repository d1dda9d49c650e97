"""Gamma: the gamma distribution with shape concentration and rate rate, and its reparameterized draws.

A standard gamma draw x ~ Gamma(a, 1) is differentiated implicitly, at a fixed quantile P(a, x):
dx/da = -(dP(a, x)/da) / p(x; a), with P the regularized lower incomplete gamma function and p the density.
"""
from numbers import Number

import numpy as np

import ember
from ember._device import CPU, device_of, move
from ember.autograd.function import Op
from ember.ops.special import _digamma_kernel, _iterate
from . import constraints
from .exp_family import ExponentialFamily
from .utils import _draw, _finfo, broadcast_all

__all__ = ["Gamma"]

_TOL = float(np.finfo(np.float64).eps) / 4


def _lower_step(n, a, x, log_x, r, psi, total):
    r = r * x / (a + n)
    psi = psi + 1 / (a + n)
    term = r * (psi - log_x)
    total = total + term
    return ~(abs(term) > _TOL * abs(total)), a, x, log_x, r, psi, total


def _grad_lower(a, x):
    """dx/da for x <= max(a, 1) from the series P(a, x) = x^a e^-x sum_n x^n / Gamma(a + n + 1) differentiated
    term by term: dx/da = sum_n x^(n+1) / (a (a+1) ... (a+n)) (digamma(a + n + 1) - log x), terms >= 0 for x <= a."""
    log_x = np.log(x)
    r = x / a
    psi = _digamma_kernel(np, a + 1)
    state = [a, x, log_x, r, psi, r * (psi - log_x)]
    _iterate(np, _lower_step, *state)
    return state[-1]


def _upper_step(n, a, x, a0, da0, da1, delta, ddelta, h, dh):
    b, c = x + (2 * n + 1) - a, n * (a - n)
    a2 = b + c * a0
    da2 = b * da1 - 1 + c * da0 + n * a0
    rho = a0 / a2
    drho = (da0 * a2 - a0 * da2) / (a2 * a2)
    ddelta = -(n * delta * rho + c * ddelta * rho + c * delta * drho)
    delta = -c * delta * rho
    h, dh = h + delta, dh + ddelta
    done = ~((abs(delta) > _TOL * abs(h)) | (abs(ddelta) > _TOL * abs(dh)))
    return done, a, x, 1 / a2, da1 / a2, da2 / a2, delta, ddelta, h, dh


def _grad_upper(a, x):
    """dx/da for x > max(a, 1) from the upper function: dx/da = x ((log x - digamma(a)) H + dH/da), both terms >= 0,
    with H = Gamma(a, x) e^x x^-a = 1 / (b_0 + c_1 / (b_1 + c_2 / ...)), b_n = x + 2n + 1 - a, c_n = n (a - n),
    summed as H = sum_n delta_n from the denominators' recurrence A_n = b_n A_(n-1) + c_n A_(n-2), which gives
    delta_n = -c_n delta_(n-1) A_(n-2) / A_n; the A_n and their a-derivatives are scaled so that A_(n-1) = 1."""
    delta = 1 / (x + 1 - a)
    state = [a, x, delta, np.zeros_like(a), -delta, delta.copy(), delta * delta, delta.copy(), delta * delta]
    _iterate(np, _upper_step, *state)
    h, dh = state[-2:]
    return x * ((np.log(x) - _digamma_kernel(np, a)) * h + dh)


def _standard_gamma_grad_array(a, x):
    """dx/da of x ~ Gamma(a, 1) at a fixed quantile, for float64 NumPy arrays: 0 at x = 0, nan outside the domain."""
    a, x = np.broadcast_arrays(a, x)
    out = np.where((x == 0) & (a > 0), 0.0, np.nan)
    valid = (a > 0) & (x > 0) & np.isfinite(a) & np.isfinite(x)
    lower = valid & (x <= np.maximum(a, 1.0))
    upper = valid & ~lower
    out[lower] = _grad_lower(a[lower], x[lower])
    out[upper] = _grad_upper(a[upper], x[upper])
    return out


class StandardGammaGradBackward0(Op):
    """The derivative of a standard gamma draw with respect to its concentration (torch._standard_gamma_grad)."""

    @staticmethod
    def forward(ctx, concentration, sample):
        grad = _standard_gamma_grad_array(move(concentration, CPU).astype(np.float64),
                                          move(sample, CPU).astype(np.float64))
        return move(grad, device_of(concentration)).astype(concentration.dtype)

    @staticmethod
    def backward(ctx, g):
        raise NotImplementedError("the derivative for '_standard_gamma_grad' is not implemented.")


class StandardGammaBackward0(Op):
    """Standard gamma draws (made outside, passed through) whose gradient flows to the concentration."""
    retain_inputs = (0,)
    retain_output = True

    @staticmethod
    def forward(ctx, concentration, sample):
        return sample

    @staticmethod
    def backward(ctx, g):
        concentration, sample = ctx.saved_tensors
        return g * StandardGammaGradBackward0.apply(concentration, sample)


def _standard_gamma(concentration):
    """Draws from Gamma(concentration, 1), at least the dtype's tiny, differentiable with respect to concentration."""
    sample = _draw(lambda r, a: r.standard_gamma(a), concentration)
    return StandardGammaBackward0.apply(concentration, sample._data.clip(min=_finfo(sample.dtype).tiny))


class Gamma(ExponentialFamily):
    """A gamma distribution parameterized by concentration (shape) and rate (inverse scale)."""

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _mean_carrier_measure = 0

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        scalar = isinstance(concentration, Number) and isinstance(rate, Number)
        super().__init__(ember.Size() if scalar else self.concentration.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expanded(Gamma, batch_shape, ("concentration", "rate"), _instance)

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate.pow(2)

    def rsample(self, sample_shape=ember.Size()):
        shape = self._extended_shape(sample_shape)
        value = _standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)
        value.detach().clamp_(min=float(_finfo(value.dtype).tiny))   # not recorded in the graph, as in torch
        return value

    def log_prob(self, value):
        value = ember.as_tensor(value, dtype=self.rate.dtype, device=self.rate.device)
        if self._validate_args:
            self._validate_sample(value)
        return (ember.xlogy(self.concentration, self.rate) + ember.xlogy(self.concentration - 1, value)
                - self.rate * value - ember.lgamma(self.concentration))

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return ember.special.gammainc(self.concentration, self.rate * value)

    def entropy(self):
        return (self.concentration - ember.log(self.rate) + ember.lgamma(self.concentration)
                + (1.0 - self.concentration) * ember.digamma(self.concentration))

    @property
    def _natural_params(self):
        return (self.concentration - 1, -self.rate)

    def _log_normalizer(self, x, y):
        return ember.lgamma(x + 1) + (x + 1) * ember.log(-y.reciprocal())
