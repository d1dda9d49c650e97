"""The top-level functional names torch has (torch.conv2d, torch.pixel_shuffle ...) are ember's nn.functional ones."""
import numpy as np
import pytest
import torch

import ember

TOP_LEVEL = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "max_pool1d",
             "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "avg_pool1d", "adaptive_avg_pool1d", "prelu",
             "selu", "celu", "hardshrink", "threshold", "rrelu", "selu_", "celu_", "relu_", "rrelu_", "threshold_",
             "bilinear", "rms_norm", "pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "softmax", "log_softmax"]


@pytest.mark.parametrize("name", TOP_LEVEL)
def test_top_level_functionals_are_torchs_names(name):
    assert hasattr(torch, name)
    assert getattr(ember, name) is getattr(ember.nn.functional, name)


def test_top_level_conv_pool_and_shuffle_give_torchs_numbers():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((1, 2, 6, 6)), rng.standard_normal((4, 2, 3, 3))
    results = []
    for lib in (ember, torch):
        y = lib.max_pool2d(lib.conv2d(lib.tensor(x), lib.tensor(w), padding=1), 2)
        results.append(lib.pixel_shuffle(lib.selu(y), 2).numpy())
    assert results[0].shape == (1, 1, 6, 6)
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)
