"""Tensor basics: metadata, conversions, dtype casts and their gradients, errors, legacy API."""
import copy
import pickle

import numpy as np
import pytest
import torch

import ember


def test_metadata_matches_torch():
    e, t = ember.zeros(2, 3, 4), torch.zeros(2, 3, 4)
    assert e.shape == t.shape and e.size() == tuple(t.size()) and e.size(-1) == t.size(-1) == 4
    assert e.dim() == e.ndim == 3 and e.numel() == 24 and e.element_size() == 4
    assert e.stride() == t.stride() and e.is_contiguous()
    assert e.transpose(0, 2).stride() == t.transpose(0, 2).stride() and not e.transpose(0, 2).is_contiguous()
    assert repr(e.shape) == "ember.Size([2, 3, 4])" and e.shape.numel() == 24
    assert e.device == ember.device("cpu") and str(e.device) == "cpu" and not e.is_cuda
    assert e.T.shape == (4, 3, 2)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-3, 2\], but got 3\)"):
        e.size(3)


def test_item_tolist_and_python_conversions():
    x = ember.tensor([[1.5, 2.0]])
    assert x.tolist() == [[1.5, 2.0]]
    assert ember.tensor(3.5).item() == 3.5 and float(ember.tensor([2.5])) == 2.5 and int(ember.tensor(7)) == 7
    with pytest.raises(RuntimeError, match="a Tensor with 2 elements cannot be converted to Scalar"):
        x.item()
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with more than one value is ambiguous"):
        bool(x)
    assert bool(ember.tensor([1.0])) and len(x) == 1
    assert [1, 2, 3][ember.tensor(1)] == 2


@pytest.mark.parametrize("method, dtype", [("float", "float32"), ("double", "float64"), ("half", "float16"),
                                           ("long", "int64"), ("int", "int32"), ("short", "int16"),
                                           ("byte", "uint8"), ("bool", "bool"), ("char", "int8")])
def test_casts_match_torch(method, dtype):
    vals = [-1.7, 0.0, 2.5, 3.0]
    e = getattr(ember.tensor(vals), method)()
    t = getattr(torch.tensor(vals), method)()
    assert e.dtype.name == dtype and e.tolist() == t.tolist()


def test_cast_is_differentiable_back_to_source_dtype():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x.double() * 3
    assert y.dtype == ember.float64 and y.grad_fn.name() == "MulBackward0"
    assert y.grad_fn.next_functions[0][0].name() == "ToCopyBackward0"
    y.sum().backward()
    assert x.grad.dtype == ember.float32 and x.grad.tolist() == [3.0, 3.0]


def test_to_and_type():
    x = ember.ones(2)
    assert x.to(ember.float64).dtype == ember.float64 and x.to("cpu") is x
    assert x.to(ember.ones(1, dtype=ember.int32)).dtype == ember.int32
    assert x.type() == "ember.FloatTensor" and x.long().type() == "ember.LongTensor"
    assert x.type(ember.float64).dtype == ember.float64 and x.type("ember.LongTensor").dtype == ember.int64
    assert x.type(ember.DoubleTensor).dtype == ember.float64
    assert x.to(ember.float32, copy=True) is not x


def test_legacy_constructors():
    assert ember.Tensor(2, 3).tolist() == [[0.0] * 3] * 2 and ember.Tensor(2, 3).dtype == ember.float32
    assert ember.Tensor([[1, 2]]).dtype == ember.float32
    assert ember.LongTensor([1, 2]).dtype == ember.int64 and ember.ByteTensor(3).tolist() == [0, 0, 0]
    assert isinstance(ember.FloatTensor([1.0]), ember.FloatTensor)
    assert not isinstance(ember.FloatTensor([1.0]), ember.LongTensor)
    assert isinstance(ember.FloatTensor([1.0]), ember.Tensor)


def test_numpy_shares_memory_and_array_protocol():
    a = np.arange(3, dtype=np.float32)
    t = ember.from_numpy(a)
    t.add_(1)
    assert a.tolist() == [1.0, 2.0, 3.0] and t.numpy() is a
    assert np.asarray(ember.ones(2)).tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError, match="Use tensor.detach"):
        np.asarray(ember.ones(2, requires_grad=True))


def test_deepcopy_and_pickle_of_leaves():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = copy.deepcopy(x)
    assert y is not x and y.requires_grad and y.tolist() == [1.0, 2.0]
    z = pickle.loads(pickle.dumps(x))
    assert z.requires_grad and z.tolist() == [1.0, 2.0]
    with pytest.raises(RuntimeError, match="graph leaves"):
        copy.deepcopy(x * 2)


def test_grad_assignment_is_checked():
    x = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"assigned grad has data of a different size"):
        x.grad = ember.ones(3)
    with pytest.raises(TypeError, match="assigned grad expected to be a Tensor or None"):
        x.grad = [1.0, 2.0]
    x.grad = ember.ones(2)
    del x.grad
    assert x.grad is None


def test_hash_is_identity_and_eq_is_elementwise():
    a, b = ember.ones(2), ember.ones(2)
    assert len({a, b}) == 2
    assert (a == b).tolist() == [True, True]


def test_size_slices_sums_and_repeats_are_sizes_as_torch():
    for lib in (ember, torch):
        s = lib.Size([2, 3, 4])
        for got, want in ((s[1:], [3, 4]), (s + s, [2, 3, 4, 2, 3, 4]), (s + (1,), [2, 3, 4, 1]),
                          ((1,) + s, [1, 2, 3, 4]), (s * 2, [2, 3, 4, 2, 3, 4]), (2 * s, [2, 3, 4, 2, 3, 4])):
            assert type(got) is lib.Size and list(got) == want
        assert type(s[0]) is int and repr(s[::2]) == f"{lib.__name__}.Size([2, 4])"


def test_format_of_0d_tensors_is_the_number_as_torch():
    for lib in (ember, torch):
        assert f"{lib.tensor(1.5)}" == "1.5" and f"{lib.tensor(1.5, requires_grad=True):.3f}" == "1.500"
        assert format(lib.tensor(3), ">4") == "   3" and f"{lib.ones(2)}" == str(lib.ones(2))
        with pytest.raises(TypeError, match="unsupported format string passed to Tensor.__format__"):
            f"{lib.ones(2):.2f}"
