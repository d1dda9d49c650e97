"""Creation functions: values, dtypes and shapes against torch; memory sharing; legacy constructors; errors."""
import warnings

import numpy as np
import pytest
import torch

import ember


def same(e, t, exact=True):
    assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
    assert tuple(e.shape) == tuple(t.shape)
    if exact:
        np.testing.assert_array_equal(e.numpy(), t.numpy())
    else:
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6, atol=1e-6)


DATA = [1.5, 2, True, [], [[], []], [1, 2], [1.0, 2], [True, 2], [True, 1.5], [[1, 2], [3, 4]], (1, 2.5),
        np.float64(1.5), np.float32(1.5), np.int32(3), [np.float64(1.5)], [np.float32(1.5), 1],
        [np.int32(1), 2], [np.array([1, 2], dtype=np.int32), [3, 4]], np.arange(3, dtype=np.int16),
        np.ones((2, 2)), range(3), [range(2), range(2)], [2 ** 63 - 1], [-2 ** 63], -0.0]


@pytest.mark.filterwarnings("ignore:Creating a tensor from a list of numpy.ndarrays")
@pytest.mark.parametrize("data", DATA, ids=repr)
def test_tensor_dtype_inference(data):
    same(ember.tensor(data), torch.tensor(data))


def test_tensor_from_lists_of_tensors():
    cases = [lambda m: [m.tensor(1., dtype=m.float64), m.tensor(2.)], lambda m: [m.tensor(1, dtype=m.int32), 2],
             lambda m: [m.tensor(1, dtype=m.int32), 2.5], lambda m: [m.tensor(True), m.tensor(False)],
             lambda m: [m.ones(1, 1), m.ones(1)]]
    for case in cases:
        same(ember.tensor(case(ember)), torch.tensor(case(torch)))
    with pytest.raises(ValueError, match="only one element tensors can be converted to Python scalars"):
        ember.tensor([ember.ones(2), ember.ones(2)])


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int32", "int64", "float16", "float32", "float64"])
def test_tensor_with_dtype(dtype):
    data = [[0.5, 1.0], [2.7, 0.0]]
    same(ember.tensor(data, dtype=getattr(ember, dtype)), torch.tensor(data, dtype=getattr(torch, dtype)))
    same(ember.tensor([-1, 300], dtype=ember.int16), torch.tensor([-1, 300], dtype=torch.int16))


@pytest.mark.parametrize("data,exc,msg", [
    ([[1, 2], [3]], ValueError, r"^expected sequence of length 2 at dim 1 \(got 1\)$"),
    ([[[1], [2]], [[3], [4, 5]]], ValueError, r"^expected sequence of length 1 at dim 2 \(got 2\)$"),
    ([[1, 2], 3], TypeError, "^not a sequence$"),
    ([1, [2]], TypeError, "^'list' object cannot be interpreted as an integer$"),
    (None, RuntimeError, "^Could not infer dtype of NoneType$"),
    ([1, None], RuntimeError, "^Could not infer dtype of NoneType$"),
    ("a", TypeError, "^new\\(\\): invalid data type 'str'$"),
    ([2 ** 63], ValueError, "^Overflow when unpacking long long$"),
], ids=repr)
def test_tensor_errors_match_torch(data, exc, msg):
    with pytest.raises(exc, match=msg):
        ember.tensor(data)
    with pytest.raises(exc, match=msg):
        torch.tensor(data)


def test_unsupported_dtypes():
    with pytest.raises(TypeError, match="not supported by ember"):
        ember.tensor(np.array([1], dtype=np.uint16))
    with pytest.raises(TypeError, match="not supported by ember"):
        ember.from_numpy(np.array([1], dtype=np.longdouble))
    with pytest.raises(TypeError, match=r"^expected np.ndarray \(got list\)$"):
        ember.from_numpy([1])
    with pytest.raises(RuntimeError, match="Only Tensors of floating point"):
        ember.tensor([1], requires_grad=True)


def test_memory_sharing():
    a = np.zeros(3)
    t = ember.from_numpy(a)
    a[0] = 5
    t.numpy()[1] = 7
    assert t.tolist() == [5.0, 7.0, 0.0] and a[1] == 7.0
    assert ember.as_tensor(a)._data is a and ember.asarray(a)._data is a
    assert ember.as_tensor(a, dtype=ember.float32)._data is not a
    assert ember.tensor(a)._data is not a
    x = ember.ones(2)
    assert ember.as_tensor(x) is x and ember.asarray(x, dtype=ember.float32) is x
    assert ember.asarray(x, copy=True)._data is not x._data
    with pytest.raises(ValueError, match="can't alias arbitrary sequence into a tensor"):
        ember.asarray([1, 2], copy=False)
    with pytest.raises(ValueError, match="without a copy"):
        ember.asarray(a, dtype=ember.float32, copy=False)
    with pytest.warns(UserWarning, match="sourceTensor.clone"):
        c = ember.tensor(x)
    assert c._data is not x._data and c.tolist() == [1.0, 1.0]


@pytest.mark.parametrize("name", ["zeros", "ones", "empty"])
def test_fill_creators(name):
    for size in [((),), (3,), (2, 3), ((2, 3),), ([0, 4],)]:
        e, t = getattr(ember, name)(*size), getattr(torch, name)(*size)
        assert tuple(e.shape) == tuple(t.shape) and e.dtype is ember.float32
        if name != "empty":
            same(e, t)
    same(ember.zeros(2, dtype=ember.int32), torch.zeros(2, dtype=torch.int32))
    assert ember.zeros(ember.tensor(3)).shape == (3,)
    assert ember.ones(2, requires_grad=True).requires_grad
    with pytest.raises(RuntimeError, match=r"^Trying to create tensor with negative dimension -1: \[2, -1\]$"):
        ember.zeros(2, -1)
    with pytest.raises(TypeError, match="must be tuple of ints"):
        ember.zeros(2.5)


def test_full_and_likes():
    for fill in [True, 3, 1.5, ember.tensor(1.5, dtype=ember.float64)]:
        tfill = torch.tensor(1.5, dtype=torch.float64) if isinstance(fill, ember.Tensor) else fill
        same(ember.full((2, 3), fill), torch.full((2, 3), tfill))
    base_e, base_t = ember.zeros(2, 3, dtype=ember.int64), torch.zeros(2, 3, dtype=torch.int64)
    same(ember.full_like(base_e, 1.5), torch.full_like(base_t, 1.5))
    for name in ["zeros_like", "ones_like"]:
        same(getattr(ember, name)(base_e), getattr(torch, name)(base_t))
        same(getattr(ember, name)(base_e, dtype=ember.float64), getattr(torch, name)(base_t, dtype=torch.float64))
    assert ember.empty_like(base_e).shape == (2, 3) and ember.empty_like(base_e).dtype is ember.int64
    assert ember.rand_like(ember.zeros(2, dtype=ember.float64)).dtype is ember.float64
    assert ember.randn_like(ember.zeros(4, 2)).shape == (4, 2)
    r = ember.randint_like(ember.zeros(100), 3, 5)
    assert r.dtype is ember.float32 and set(r.tolist()) <= {3.0, 4.0}


ARANGE = [(5,), (2, 9), (0, 1, 0.1), (-1, 1, 0.1), (0, 0.3, 0.1), (1, 2.5, 0.5), (10, 0, -3), (0.5, 3),
          (-2.2, 7.9, 0.37), (0, 10, 3), (3, 3)]


@pytest.mark.parametrize("args", ARANGE, ids=str)
def test_arange(args):
    same(ember.arange(*args), torch.arange(*args), exact=False)
    same(ember.arange(*args, dtype=ember.float64), torch.arange(*args, dtype=torch.float64), exact=False)


def test_arange_forms_and_errors():
    same(ember.arange(ember.tensor(3)), torch.arange(torch.tensor(3)))
    same(ember.arange(0.5, 3, dtype=ember.int64), torch.arange(0.5, 3, dtype=torch.int64))
    with pytest.raises(RuntimeError, match="^step must be nonzero$"):
        ember.arange(0, 10, 0)
    with pytest.raises(RuntimeError, match="^upper bound and lower bound inconsistent with step sign$"):
        ember.arange(10, 0, 1)
    with pytest.warns(UserWarning, match="deprecated"):
        e = ember.range(0, 1, 0.3)
    with pytest.warns(UserWarning):
        same(e, torch.range(0, 1, 0.3))


@pytest.mark.parametrize("args", [(0, 1, 5), (-3, 7, 11), (2, -2, 1), (0, 1, 0), (1, 10, 100), (0, 10, 4)],
                         ids=str)
def test_linspace_logspace(args):
    same(ember.linspace(*args), torch.linspace(*args), exact=False)
    same(ember.linspace(*args, dtype=ember.float64), torch.linspace(*args, dtype=torch.float64), exact=False)
    same(ember.linspace(*args, dtype=ember.int64), torch.linspace(*args, dtype=torch.int64))
    np.testing.assert_allclose(ember.logspace(*args[:2], 5, base=2).numpy(),
                               torch.logspace(*args[:2], 5, base=2).numpy(), rtol=1e-6)
    same(ember.logspace(0, 2, 3, dtype=ember.int64), torch.logspace(0, 2, 3, dtype=torch.int64))
    with pytest.raises(RuntimeError, match="^number of steps must be non-negative$"):
        ember.linspace(0, 1, -1)


def test_eye():
    for args in [(3,), (2, 4), (4, 2), (0,)]:
        same(ember.eye(*args), torch.eye(*args))
    same(ember.eye(2, dtype=ember.int64), torch.eye(2, dtype=torch.int64))
    with pytest.raises(RuntimeError, match="^n must be greater or equal to 0, got -1$"):
        ember.eye(-1)
    with pytest.raises(RuntimeError, match="^m must be greater or equal to 0, got -1$"):
        ember.eye(2, -1)


def test_random_creators_shapes_dtypes_and_errors():
    assert ember.rand(2, 3).shape == (2, 3) and ember.rand(()).shape == ()
    assert ember.randn(2, dtype=ember.float64).dtype is ember.float64
    assert ember.randint(10, (3,)).dtype is ember.int64 and ember.randint(10, size=(3,)).shape == (3,)
    assert ember.randint(3, 10, (3,), dtype=ember.float32).dtype is ember.float32
    assert sorted(ember.randperm(6).tolist()) == list(range(6))
    assert ember.randperm(4, dtype=ember.float32).dtype is ember.float32
    with pytest.raises(NotImplementedError, match="\"check_uniform_bounds\" not implemented for 'Long'"):
        ember.rand(2, dtype=ember.int64)
    with pytest.raises(NotImplementedError, match="\"normal_kernel_cpu\" not implemented for 'Long'"):
        ember.randn(2, dtype=ember.int64)
    with pytest.raises(RuntimeError, match="^random_ expects 'from' to be less than 'to', but got from=5 >= to=5$"):
        ember.randint(5, 5, (3,))
    with pytest.raises(RuntimeError, match="negative dimension -1"):
        ember.randperm(-1)


def test_normal_bernoulli_multinomial_forms():
    assert ember.normal(0., 1., (2,), dtype=ember.float64).dtype is ember.float64
    assert ember.normal(ember.zeros(2, 1), ember.ones(3)).shape == (2, 3)
    with pytest.raises(RuntimeError, match="^normal expects std >= 0.0, but found std -1$"):
        ember.normal(0., -1., (2,))
    with pytest.raises(RuntimeError, match="must match the size of tensor b"):
        ember.normal(ember.zeros(2), ember.ones(3))
    m = ember.zeros(3, requires_grad=True)
    out = ember.normal(m, 1.)
    assert out.grad_fn.name() == "NormalBackward1"
    out.sum().backward()
    assert m.grad.tolist() == [0.0, 0.0, 0.0]       # PyTorch: no gradient through the sample
    assert ember.normal(1., ember.ones(2, requires_grad=True)).grad_fn.name() == "NormalBackward2"
    assert ember.bernoulli(ember.ones(2, requires_grad=True)).grad_fn.name() == "BernoulliBackward0"
    assert ember.bernoulli(ember.tensor([0., 1.])).tolist() == [0.0, 1.0]
    assert ember.bernoulli(ember.tensor(1.)).shape == ()
    with pytest.raises(RuntimeError, match=r"bernoulli_ expects p to be in \[0, 1\], but got p=1.5"):
        ember.bernoulli(ember.tensor([0.5]), p=1.5)
    with pytest.raises(RuntimeError, match="Expected p_in >= 0 && p_in <= 1"):
        ember.bernoulli(ember.tensor([1.5]))
    first, second = ember.multinomial(ember.tensor([1., 0., 0.]), 2).tolist()   # zero p drawn last, as torch
    assert first == 0 and second in (1, 2)
    assert sorted(ember.multinomial(ember.tensor([1., 2., 3.]), 3).tolist()) == [0, 1, 2]
    for probs, exc in [([0., 0.], "sum of probabilities <= 0"), ([-1., 2.], "element < 0")]:
        with pytest.raises(RuntimeError, match=exc):
            ember.multinomial(ember.tensor(probs), 1)
    with pytest.raises(RuntimeError, match="cannot sample n_sample > prob_dist.size"):
        ember.multinomial(ember.tensor([1., 2.]), 3)


def test_legacy_constructors():
    same(ember.Tensor(), torch.Tensor())
    same(ember.Tensor(2, 3), torch.zeros(2, 3))
    assert ember.Tensor(ember.Size([2, 3])).shape == (2, 3)
    same(ember.Tensor((2, 3)), torch.Tensor((2, 3)))
    same(ember.Tensor([[1, 2]]), torch.Tensor([[1, 2]]))
    same(ember.LongTensor([1.7, 2]), torch.LongTensor([1.7, 2]))
    same(ember.DoubleTensor([1, 2]), torch.DoubleTensor([1, 2]))
    assert ember.ByteTensor(3).dtype is ember.uint8 and ember.ByteTensor(3).tolist() == [0, 0, 0]
    with pytest.raises(TypeError, match=r"^new\(\): data must be a sequence \(got float\)$"):
        ember.Tensor(2.5)
    x = ember.FloatTensor([1, 2])
    assert isinstance(x, ember.FloatTensor) and not isinstance(x, ember.LongTensor)
    assert isinstance(x, ember.Tensor) and x.type() == "ember.FloatTensor"
    assert ember.tensor([1]).type() == "ember.LongTensor"
    assert x.type("ember.DoubleTensor").dtype is ember.float64
    assert repr(ember.FloatTensor) == "<class 'ember.FloatTensor'>"


def test_new_methods():
    x = ember.zeros(2, dtype=ember.float64)
    t = torch.zeros(2, dtype=torch.float64)
    same(x.new_tensor([1, 2]), t.new_tensor([1, 2]))
    same(x.new_zeros(2, 3), t.new_zeros(2, 3))
    same(x.new_ones((2,)), t.new_ones((2,)))
    same(x.new_full((2,), 7), t.new_full((2,), 7))
    assert x.new_empty(3).shape == (3,) and x.new_empty(3).dtype is ember.float64


def test_scalar_tensor_and_big_list_speed():
    same(ember.scalar_tensor(1), torch.scalar_tensor(1))
    data = np.random.default_rng(0).standard_normal((300, 300)).tolist()
    with warnings.catch_warnings():
        same(ember.tensor(data), torch.tensor(data))
