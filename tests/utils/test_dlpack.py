"""Zero-copy exchange with NumPy and PyTorch (and CuPy on a GPU): __array__, __dlpack__, from_dlpack, to_dlpack.
Sharing is proven by equal data addresses and by writes seen through both objects."""
import numpy as np
import pytest
import torch

import ember
from ember.utils.dlpack import from_dlpack, to_dlpack

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


def np_ptr(a):
    return a.__array_interface__["data"][0]


def sample(dtype, shape=(2, 3)):
    a = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    return np.asarray(a % 2 == 1) if dtype == "bool" else a.astype(dtype)


def test_from_numpy_shares_memory_both_ways():
    a = np.zeros(4, dtype=np.float32)
    t = ember.from_numpy(a)
    assert t.data_ptr() == np_ptr(a)
    a[1] = 5.0
    t[2] = 7.0
    assert t.tolist() == [0.0, 5.0, 7.0, 0.0] and a.tolist() == [0.0, 5.0, 7.0, 0.0]


def test_asarray_shares_memory():
    t = ember.arange(6.0).reshape(2, 3)
    a = np.asarray(t)
    assert np_ptr(a) == t.data_ptr() and a.dtype == np.float32 and a.shape == (2, 3)
    a[0, 0] = 9.0
    assert t[0, 0].item() == 9.0


def test_array_copy_semantics():
    t = ember.arange(4.0)
    copied = np.array(t, copy=True)
    assert np_ptr(copied) != t.data_ptr() and copied.tolist() == [0.0, 1.0, 2.0, 3.0]
    copied[0] = 5.0
    assert t[0].item() == 0.0
    assert np_ptr(np.asarray(t, copy=False)) == t.data_ptr()
    assert np_ptr(np.asarray(t, dtype=np.float32, copy=False)) == t.data_ptr()
    converted = np.asarray(t, dtype=np.int64)
    assert converted.dtype == np.int64 and converted.tolist() == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="Unable to avoid copy while converting a ember.float32 tensor to numpy "
                                         "dtype int64"):
        np.asarray(t, dtype=np.int64, copy=False)
    assert np.array(t, dtype=np.float64, copy=True).dtype == np.float64


@pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword")  # torch's __array__
def test_array_refuses_requires_grad_like_numpy():
    t = ember.ones(3, requires_grad=True)
    msg = "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
    for convert in (np.asarray, np.array, lambda x: x.numpy()):
        with pytest.raises(RuntimeError) as ours:
            convert(t)
        with pytest.raises(RuntimeError) as theirs:
            convert(torch.ones(3, requires_grad=True))
        assert str(ours.value) == str(theirs.value) == msg
    assert np_ptr(np.asarray(t.detach())) == t.data_ptr()


def test_numpy_from_dlpack_shares_memory():
    t = ember.arange(6.0).reshape(2, 3)
    a = np.from_dlpack(t)
    assert np_ptr(a) == t.data_ptr() and a.shape == (2, 3)
    a[1, 2] = -1.0
    t[0, 0] = 8.0
    assert a[0, 0] == 8.0 and t[1, 2].item() == -1.0
    assert t.__dlpack_device__() == (1, 0)


def test_torch_from_dlpack_shares_memory_both_ways():
    t = ember.arange(6.0).reshape(2, 3)
    tt = torch.from_dlpack(t)
    assert tt.data_ptr() == t.data_ptr() and tt.dtype == torch.float32 and tt.shape == (2, 3)
    tt[0, 1] = 100.0
    t[1, 1] = -3.0
    assert t[0, 1].item() == 100.0 and tt[1, 1].item() == -3.0


def test_from_torch_tensor_and_legacy_capsule():
    tt = torch.arange(5.0, dtype=torch.float64)
    e = ember.from_dlpack(tt)
    assert ember.from_dlpack is from_dlpack
    assert e.data_ptr() == tt.data_ptr() and e.dtype == ember.float64 and e.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    e[0] = 42.0
    assert tt[0].item() == 42.0
    c = ember.from_dlpack(torch.utils.dlpack.to_dlpack(tt))
    assert c.data_ptr() == tt.data_ptr() and c.tolist() == tt.tolist()


def test_from_numpy_array():
    a = np.arange(4, dtype=np.int32)
    e = ember.from_dlpack(a)
    assert e.data_ptr() == np_ptr(a) and e.dtype == ember.int32
    a[3] = -7
    assert e[3].item() == -7


def test_round_trip_through_torch_keeps_address():
    t = ember.arange(12.0).reshape(3, 4)
    back = ember.from_dlpack(torch.from_dlpack(t))
    assert back.data_ptr() == t.data_ptr() and back.tolist() == t.tolist()
    again = ember.from_dlpack(torch.utils.dlpack.from_dlpack(to_dlpack(back)))
    assert again.data_ptr() == t.data_ptr()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(2, 3), (), (0,), (0, 3)])
def test_every_dtype_and_shape(dtype, shape):
    t = ember.from_numpy(sample(dtype, shape))
    tt = torch.from_dlpack(t)
    assert str(tt.dtype) == f"torch.{dtype}" and tuple(tt.shape) == shape and tt.tolist() == t.tolist()
    back = ember.from_dlpack(tt)
    assert back.dtype == getattr(ember, dtype) and back.shape == shape and back.tolist() == t.tolist()
    from_capsule = ember.from_dlpack(torch.utils.dlpack.to_dlpack(tt))
    assert from_capsule.dtype == back.dtype and from_capsule.tolist() == t.tolist()
    if t.numel():
        assert tt.data_ptr() == back.data_ptr() == from_capsule.data_ptr() == t.data_ptr()


def test_non_contiguous_exports_with_strides():
    base = ember.arange(12).reshape(3, 4)
    t = base.t()
    tt = torch.from_dlpack(t)
    assert tt.stride() == t.stride() == (1, 4) and tt.data_ptr() == base.data_ptr()
    assert tt.tolist() == t.tolist()
    a = np.from_dlpack(t[:, ::2])
    assert a.tolist() == t[:, ::2].tolist() and np_ptr(a) == base.data_ptr()
    back = ember.from_dlpack(torch.arange(12).reshape(3, 4).t()[1:])
    assert back.stride() == (1, 4) and back.tolist() == [[1, 5, 9], [2, 6, 10], [3, 7, 11]]


def test_requires_grad_export_error_matches_torch():
    t = ember.ones(3, requires_grad=True)
    with pytest.raises(BufferError) as ours:
        torch.from_dlpack(t)
    with pytest.raises(BufferError) as theirs:
        torch.from_dlpack(torch.ones(3, requires_grad=True))
    assert str(ours.value) == str(theirs.value) == "Can't export tensors that require gradient, use tensor.detach()"
    assert torch.from_dlpack(t.detach()).data_ptr() == t.data_ptr()
    assert to_dlpack(t) is not None and ember.from_dlpack(to_dlpack(t)).data_ptr() == t.data_ptr()


def test_read_only_view_export():
    t = ember.ones(3).expand(2, 3)
    a = np.from_dlpack(t)
    assert not a.flags.writeable and np_ptr(a) == t.data_ptr() and a.strides == (0, 4)
    with pytest.raises(BufferError, match=r"Can't export a read-only tensor \(such as an expand\(\) view\) as a "
                                          r"DLPack capsule older than version 1.0"):
        to_dlpack(t)


@pytest.mark.parametrize("dtype,name", [(torch.complex64, "complex64"), (torch.bfloat16, "bfloat16")])
def test_unsupported_dtype_is_a_clear_error(dtype, name):
    msg = (f"from_dlpack: DLPack dtype {name} is not supported by ember; supported: bool, uint8, int8, int16, "
           f"int32, int64, float16, float32, float64")
    x = torch.zeros(2, dtype=dtype)
    for source in (x, torch.utils.dlpack.to_dlpack(x)):
        with pytest.raises(TypeError) as err:
            ember.from_dlpack(source)
        assert str(err.value) == msg


def test_not_a_dlpack_object_is_a_type_error():
    for bad in ([1, 2], object(), np.float64(1.0).item()):
        with pytest.raises(TypeError, match=f"from_dlpack expects an object with __dlpack__ and __dlpack_device__ "
                                            f".* got {type(bad).__name__}"):
            ember.from_dlpack(bad)
    with pytest.raises(TypeError, match="to_dlpack expects an ember.Tensor, got ndarray"):
        to_dlpack(np.ones(2))


def test_consumed_capsule_is_refused():
    capsule = to_dlpack(ember.ones(2))
    assert torch.from_dlpack(capsule).tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="capsule named 'used_dltensor', not an unused DLPack tensor"):
        ember.from_dlpack(capsule)


def test_cpu_stream_is_refused_by_numpy():
    with pytest.raises(RuntimeError, match="NumPy only supports stream=None"):
        ember.ones(2).__dlpack__(stream=1)


@pytest.mark.skipif(not ember.cuda.is_available(),
                    reason="no CUDA device here (needs an NVIDIA GPU and CuPy: pip install -e '.[cuda]')")
def test_cupy_round_trips():
    import cupy
    g = ember.arange(6.0, device="cuda").reshape(2, 3)
    assert g.__dlpack_device__() == (2, g.device.index or 0)
    c = cupy.from_dlpack(g)
    assert c.data.ptr == g.data_ptr()
    c[0, 0] = 11.0
    assert g[0, 0].item() == 11.0
    back = ember.from_dlpack(c)
    assert back.device.type == "cuda" and back.data_ptr() == g.data_ptr() and back.tolist() == g.tolist()
    from_capsule = ember.from_dlpack(to_dlpack(g.t()))
    assert from_capsule.data_ptr() == g.data_ptr() and from_capsule.stride() == (1, 3)
    assert from_capsule.tolist() == g.t().tolist()
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        np.asarray(g)
