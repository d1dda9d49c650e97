"""ember.testing.assert_close against torch.testing.assert_close: the same verdicts and the same messages."""
import numpy as np
import pytest
import torch
import torch.testing

import ember
import ember.testing


def _outcome(lib, a, b, **kw):
    """('ok',) or (exception type name, message with the library's name replaced)."""
    convert = (lambda v: lib.tensor(v.numpy()) if isinstance(v, torch.Tensor) else
               [convert(x) for x in v] if isinstance(v, list) else
               {k: convert(x) for k, x in v.items()} if isinstance(v, dict) else v)
    try:
        lib.testing.assert_close(convert(a), convert(b), **kw)
    except Exception as e:
        return type(e).__name__, str(e).replace(lib.__name__ + ".", "LIB.")
    return ("ok",)


T = torch.tensor
CASES = [
    (T([1., 2., 3.]), T([1., 2.5, 3.]), {}),
    (T([[1., 2.], [3., 4.]]), T([[1., 2.], [3., 5.]]), {}),
    (T([1., 2., 3.]), T([1., 2. + 1e-6, 3.]), {}),
    (T([1., 2.]), T([1., 2.], dtype=torch.float64), {}),
    (T([1., 2.]), T([1., 2.], dtype=torch.float64), {"check_dtype": False}),
    (T([1., 2.]), T([1., 2., 3.]), {}),
    (T([1, 2]), T([1, 3]), {}),
    (T([3, 2], dtype=torch.uint8), T([1, 3], dtype=torch.uint8), {}),
    (T([True, False]), T([True, True]), {}),
    (T(1.), T(2.)),
    (T([float("nan")]), T([float("nan")]), {}),
    (T([float("nan")]), T([float("nan")]), {"equal_nan": True}),
    (T([float("inf")]), T([float("inf")]), {}),
    (T([float("inf")]), T([-float("inf")]), {}),
    (T([1e-3]), T([0.]), {}),
    (T([1., 1.5]), T([1.2, 1.]), {"rtol": 0.1, "atol": 0}),
    (T([1., 2.], dtype=torch.float16), T([1., 2.002], dtype=torch.float16), {}),
    (T([1., 2.], dtype=torch.float16), T([1., 2.01], dtype=torch.float16), {}),
    (torch.zeros(0), torch.zeros(0), {}),
    (1.0, 1.1, {}),
    (1, 2, {}),
    (1, 1.0, {}),
    (True, False, {}),
    (np.float32(1.0), np.float32(1.1), {}),
    ([T(1.), T(2.)], [T(1.), T(3.)], {}),
    ({"a": T(1.)}, {"a": T(2.)}, {}),
    ({"a": 1}, {"b": 1}, {}),
    ([1, 2], [1, 2, 3], {}),
    ([1., 2.], (1., 2.), {}),
    (T([1.]), [1.], {}),
    (1.0, T(1.), {}),
    (np.array([1.]), np.array([2.]), {}),
    (T([1.]), T([1.]), {"rtol": 1e-3}),
]


@pytest.mark.parametrize("case", CASES, ids=range(len(CASES)))
def test_same_verdict_and_message_as_torch(case):
    a, b, kw = case if len(case) == 3 else (*case, {})
    assert _outcome(ember, a, b, **kw) == _outcome(torch, a, b, **kw)


def test_msg_replaces_or_transforms_the_message():
    for lib in (ember, torch):
        with pytest.raises(AssertionError, match="^custom$"):
            lib.testing.assert_close(lib.tensor([1.]), lib.tensor([2.]), msg="custom")
        with pytest.raises(AssertionError, match="^XTensor-lik$"):
            lib.testing.assert_close(lib.tensor([1.]), lib.tensor([2.]), msg=lambda m: "X" + m[:10])
