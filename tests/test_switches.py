"""torch's process-wide switches, torch.backends and compile, as scripts written for PyTorch use them."""
import importlib.util

import numpy as np
import pytest
import torch

import ember
import ember.backends.cudnn as cudnn


def test_backends_switches_keep_what_scripts_set():
    for lib in (ember, torch):
        assert lib.backends.cudnn.enabled is True and lib.backends.cudnn.deterministic is False
        assert lib.backends.cuda.matmul.allow_tf32 is False and lib.backends.mps.is_available() is False
    try:
        cudnn.benchmark = True
        cudnn.deterministic = True
        ember.backends.cuda.matmul.allow_tf32 = True
        assert ember.backends.cudnn.benchmark and ember.backends.cudnn.deterministic
        assert ember.backends.cuda.matmul.allow_tf32
    finally:
        cudnn.benchmark = cudnn.deterministic = ember.backends.cuda.matmul.allow_tf32 = False
    assert ember.backends.cudnn.is_available() is False and ember.backends.cudnn.version() is None
    assert ember.backends.cuda.is_built() == (importlib.util.find_spec("cupy") is not None)


def test_deterministic_and_matmul_precision_switches_match_torch():
    try:
        for lib in (ember, torch):
            lib.use_deterministic_algorithms(True, warn_only=True)
            assert lib.are_deterministic_algorithms_enabled() and lib.is_deterministic_algorithms_warn_only_enabled()
            with pytest.raises(TypeError, match=r"argument 'mode' \(position 1\) must be bool, not str"):
                lib.use_deterministic_algorithms("yes")
            lib.set_float32_matmul_precision("high")
            assert lib.get_float32_matmul_precision() == "high"
            with pytest.warns(UserWarning, match="low is not one of 'highest', 'high', or 'medium'"):
                lib.set_float32_matmul_precision("low")
            assert lib.get_float32_matmul_precision() == "high"
    finally:
        for lib in (ember, torch):
            lib.use_deterministic_algorithms(False)
            lib.set_float32_matmul_precision("highest")


def test_compile_runs_eagerly_with_the_same_numbers():
    model = ember.nn.Linear(3, 2)
    x = ember.tensor(np.arange(6.0, dtype=np.float32).reshape(2, 3))
    compiled = ember.compile(model, mode="max-autotune")
    np.testing.assert_array_equal(compiled(x).detach().numpy(), model(x).detach().numpy())

    @ember.compile(fullgraph=True)
    def f(a):
        return (a * 2).sum()
    assert f(x).item() == 30.0 and ember.compile(f) is f
    with pytest.raises(TypeError, match="A callable function is expected, but <class 'int'> is provided."):
        ember.compile(3)


def test_num_threads_set_the_blas_threads_with_torch_errors():
    before = ember.get_num_threads()
    try:
        ember.set_num_threads(1)
        assert ember.get_num_threads() == 1
        from threadpoolctl import threadpool_info
        assert all(i["num_threads"] == 1 for i in threadpool_info() if i["user_api"] == "blas")
    finally:
        ember.set_num_threads(before)
    assert ember.get_num_threads() == before
    for bad, msg in ((0, "set_num_threads expects a positive integer"), (1.5, "expects an int, but got float")):
        for lib in (ember, torch):
            with pytest.raises(RuntimeError, match=msg):
                lib.set_num_threads(bad)
