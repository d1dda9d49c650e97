"""The GPU half: the same computations on a CUDA device (CuPy) give the CPU's numbers. Skipped, with the reason shown,
where ember.cuda.is_available() is False."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F

pytestmark = pytest.mark.skipif(not ember.cuda.is_available(),
                                reason="no CUDA device here (needs an NVIDIA GPU and CuPy: pip install -e '.[cuda]')")


def _pair(*shape, seed=0):
    a = np.random.default_rng(seed).standard_normal(shape)
    return ember.tensor(a, requires_grad=True), ember.tensor(a, device="cuda", requires_grad=True)


def _close(gpu, cpu, rtol=1e-10):
    np.testing.assert_allclose(gpu.detach().cpu().numpy(), cpu.detach().numpy(), rtol=rtol, atol=1e-12)


def test_round_trip_and_device():
    c, g = _pair(3, 4)
    assert g.device.type == "cuda" and g.is_cuda and g.cpu().device.type == "cpu"
    _close(g, c)


@pytest.mark.parametrize("fn", [lambda x: (x * x.sin() + x.exp()).sum(), lambda x: (x @ x.t()).tanh().mean(),
                                lambda x: x[1:, ::2].softmax(-1).log().sum(), lambda x: x.max(1)[0].sum()])
def test_values_and_gradients_match_cpu(fn):
    c, g = _pair(4, 5)
    yc, yg = fn(c), fn(g)
    _close(yg, yc)
    yc.backward()
    yg.backward()
    assert g.grad.device.type == "cuda"
    _close(g.grad, c.grad)


def test_conv_training_step_matches_cpu():
    ember.manual_seed(0)
    cpu = ember.nn.Sequential(ember.nn.Conv2d(1, 3, 3), ember.nn.ReLU(), ember.nn.MaxPool2d(2), ember.nn.Flatten(),
                              ember.nn.Linear(12, 2)).double()
    gpu = ember.nn.Sequential(ember.nn.Conv2d(1, 3, 3), ember.nn.ReLU(), ember.nn.MaxPool2d(2), ember.nn.Flatten(),
                              ember.nn.Linear(12, 2)).double().to("cuda")
    gpu.load_state_dict({k: v.to("cuda") for k, v in cpu.state_dict().items()})
    x = np.random.default_rng(1).standard_normal((4, 1, 6, 6))
    y = np.array([0, 1, 1, 0])
    for model, dev in ((cpu, "cpu"), (gpu, "cuda")):
        opt = ember.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        for _ in range(3):
            opt.zero_grad()
            F.cross_entropy(model(ember.tensor(x, device=dev)), ember.tensor(y, device=dev)).backward()
            opt.step()
    for (name, pc), (_, pg) in zip(cpu.named_parameters(), gpu.named_parameters()):
        _close(pg, pc)


def test_mixing_devices_raises_like_torch():
    c, g = _pair(2)
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        c + g
