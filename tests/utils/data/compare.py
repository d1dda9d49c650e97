"""assert_same: an ember result (batch, sample, collated structure) equals torch's one."""
import numpy as np
import torch

import ember


def assert_same(e, t):
    """Same structure (container types, namedtuple types, keys), tensors of equal values, dtypes and
    shapes, other leaves equal."""
    if isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), f"{type(e)} is not a Tensor"
        assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1], f"dtype {e.dtype} != {t.dtype}"
        assert tuple(e.shape) == tuple(t.shape), f"shape {tuple(e.shape)} != {tuple(t.shape)}"
        np.testing.assert_array_equal(e.numpy(), t.numpy())
        return
    assert type(e).__name__ == type(t).__name__, f"{type(e)} != {type(t)}"
    if isinstance(t, dict):
        assert list(e) == list(t)
        for k in t:
            assert_same(e[k], t[k])
    elif isinstance(t, (list, tuple)):
        assert len(e) == len(t)
        for a, b in zip(e, t):
            assert_same(a, b)
    elif isinstance(t, np.ndarray):
        np.testing.assert_array_equal(e, t)
    else:
        assert e == t


def assert_same_error(ember_call, torch_call):
    """Both calls raise: the same exception type with the same message."""
    errors = []
    for call in (ember_call, torch_call):
        try:
            call()
        except Exception as exc:    # noqa: BLE001 - the point is to capture whatever is raised
            errors.append(exc)
        else:
            raise AssertionError(f"{call} raised nothing")
    (e, t) = errors
    assert type(e) is type(t), f"{type(e).__name__}: {e} != {type(t).__name__}: {t}"
    assert str(e) == str(t), f"{e!r} != {t!r}"
    return e
