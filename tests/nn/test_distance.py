"""cosine_similarity, pairwise_distance, pdist and the CosineSimilarity / PairwiseDistance layers against torch."""
import numpy as np
import pytest
import torch

import ember
from ember import nn
from ember.autograd import gradcheck, gradgradcheck
import ember.nn.functional as F
from tests.nn.test_conv import _check, _torch_error

TF = torch.nn.functional


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shapes, kw", [(((4, 5), (4, 5)), {}), (((3, 4, 2), (1, 4, 2)), dict(dim=1)),
                                        (((2, 3), (3,)), dict(dim=-1)), (((5, 3), (5, 3)), dict(dim=0, eps=0.5))],
                         ids=str)
def test_cosine_similarity_matches_torch(shapes, kw, dtype):
    _check(lambda a, b: F.cosine_similarity(a, b, **kw), lambda a, b: TF.cosine_similarity(a, b, **kw),
           list(shapes), dtype)


def test_cosine_similarity_small_norms_clamped_as_torch():
    a = np.array([[1e-9, 2e-9, 0.0], [1.0, -2.0, 3.0]])
    b = np.array([[3e-9, 1e-9, 1e-9], [0.5, 0.1, 0.2]])
    ae, be = ember.tensor(a, requires_grad=True), ember.tensor(b, requires_grad=True)
    at, bt = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    ye, yt = F.cosine_similarity(ae, be), TF.cosine_similarity(at, bt)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-12, atol=1e-15)
    ye.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(ae.grad.numpy(), at.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(be.grad.numpy(), bt.grad.numpy(), rtol=1e-10)
    assert ember.cosine_similarity is F.cosine_similarity


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shapes, kw", [(((4, 5), (4, 5)), {}), (((4, 5), (5,)), dict(p=1.0, keepdim=True)),
                                        (((2, 3, 4), (2, 3, 4)), dict(p=3, eps=1e-3)), (((3, 4), (1, 4)),
                                                                                        dict(p=float("inf")))], ids=str)
def test_pairwise_distance_matches_torch(shapes, kw, dtype):
    _check(lambda a, b: F.pairwise_distance(a, b, **kw), lambda a, b: TF.pairwise_distance(a, b, **kw),
           list(shapes), dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("p", [2, 1, 3, 0.5, float("inf")])
def test_pdist_matches_torch(p, dtype):
    _check(lambda a: F.pdist(a, p), lambda a: TF.pdist(a, p), [(5, 3)], dtype)


def test_distance_gradcheck():
    rng = np.random.default_rng(0)
    a, b = (ember.tensor(rng.standard_normal((3, 4)), requires_grad=True) for _ in range(2))
    for fn in (lambda a, b: F.cosine_similarity(a, b), lambda a, b: F.pairwise_distance(a, b, p=3),
               lambda a, b: ember.pdist(a - b)):
        assert gradcheck(fn, [a, b]) and gradgradcheck(fn, [a, b])


def test_distance_errors_match_torch():
    _torch_error(lambda: F.pdist(ember.zeros(2, 3, 3)), lambda: TF.pdist(torch.zeros(2, 3, 3)))
    _torch_error(lambda: F.pdist(ember.zeros(3, 3), p=-1), lambda: TF.pdist(torch.zeros(3, 3), p=-1))
    _torch_error(lambda: F.cosine_similarity(ember.zeros(2, 3), ember.zeros(3, 3)),
                 lambda: TF.cosine_similarity(torch.zeros(2, 3), torch.zeros(3, 3)))
    _torch_error(lambda: F.pairwise_distance(ember.zeros(2, 3), ember.zeros(3, 3)),
                 lambda: TF.pairwise_distance(torch.zeros(2, 3), torch.zeros(3, 3)))


@pytest.mark.parametrize("name, kw", [("CosineSimilarity", {}), ("CosineSimilarity", dict(dim=0, eps=1e-3)),
                                      ("PairwiseDistance", {}), ("PairwiseDistance", dict(p=1.0, keepdim=True))],
                         ids=str)
def test_distance_layers_match_torch(name, kw):
    e, t = getattr(nn, name)(**kw), getattr(torch.nn, name)(**kw)
    assert repr(e) == repr(t)
    _check(e, t, [(4, 3), (4, 3)])
