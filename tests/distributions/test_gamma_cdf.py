"""Gamma.cdf: the regularized lower incomplete gamma function of rate * value, against torch."""
import numpy as np
import pytest
import torch

import ember


def test_gamma_cdf_matches_torch():
    conc, rate = np.array([[0.3], [2.0], [9.5]]), np.array([0.5, 1.0, 4.0])
    value = np.array([[0.0, 0.2, 1.0], [2.5, 7.0, 0.01], [3.0, 1.5, 0.4]])
    e_value, t_value = ember.tensor(value, requires_grad=True), torch.tensor(value, requires_grad=True)
    e = ember.distributions.Gamma(ember.tensor(conc), ember.tensor(rate)).cdf(e_value)
    t = torch.distributions.Gamma(torch.tensor(conc), torch.tensor(rate)).cdf(t_value)
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-13)
    e.sum().backward()
    t.sum().backward()
    np.testing.assert_allclose(e_value.grad.numpy(), t_value.grad.numpy(), rtol=1e-13)
    for mod in (ember, torch):
        with pytest.raises(ValueError, match="to be within the support"):
            mod.distributions.Gamma(mod.tensor([2.0]), mod.tensor([1.0])).cdf(mod.tensor([-1.0]))
