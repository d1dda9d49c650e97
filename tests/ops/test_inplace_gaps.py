"""In-place methods and their torch-level forms (acosh_, bitwise shifts, cumsum_, fill_diagonal_, random_, t_,
resize_, ember.exp_ ...) against torch: values, gradients, version counters, returned object, errors."""
import warnings

import numpy as np
import pytest
import torch

import ember

LEAF_ERROR = "a leaf Variable that requires grad is being used in an in-place operation."


def _pair(a, requires_grad=False):
    """The same float64 values as an ember and a torch tensor."""
    return (ember.tensor(a, dtype=ember.float64, requires_grad=requires_grad),
            torch.tensor(a, dtype=torch.float64, requires_grad=requires_grad))


# name, input values, extra args (numbers or arrays, given to both libraries as tensors)
FLOAT_OPS = [
    ("acosh_", [1.5, 2.0, 3.5], ()), ("asinh_", [-1.0, 0.3, 2.0], ()), ("atanh_", [-0.5, 0.2, 0.7], ()),
    ("arccos_", [-0.5, 0.2, 0.7], ()), ("arccosh_", [1.5, 2.0, 3.5], ()), ("arcsin_", [-0.5, 0.2, 0.7], ()),
    ("arcsinh_", [-1.0, 0.3, 2.0], ()), ("arctan_", [-1.0, 0.3, 2.0], ()), ("arctanh_", [-0.5, 0.2, 0.7], ()),
    ("arctan2_", [-1.0, 0.3, 2.0], ([0.5, -2.0, 1.5],)), ("absolute_", [-1.0, 0.3, 2.0], ()),
    ("erf_", [-1.0, 0.3, 2.0], ()), ("fix_", [-1.5, 0.3, 2.7], ()), ("cumsum_", [-1.0, 0.3, 2.0], (0,)),
    ("cumprod_", [-1.0, 0.3, 2.0], (0,)), ("erfc_", [-1.0, 0.3, 2.0], ()), ("exp2_", [-1.0, 0.3, 2.0], ()),
]
COMPARE_OPS = ["greater_", "greater_equal_", "less_", "less_equal_", "not_equal_"]


def _args(args, mod):
    return [mod.tensor(a, dtype=mod.float64) if isinstance(a, list) else a for a in args]


# PyTorch has no derivative for these in-place forms (backward raises); ember's is that of the out-of-place op
NO_TORCH_DERIVATIVE = {"acosh_", "asinh_", "atanh_", "arccosh_", "arcsinh_", "arctanh_"}


@pytest.mark.parametrize("name,values,args", FLOAT_OPS, ids=[o[0] for o in FLOAT_OPS])
def test_float_method_values_grad_version_and_self(name, values, args):
    ex, tx = _pair(values, True)
    ey, ty = ex * 1.5, tx * 1.5
    v0 = ey._version
    er = getattr(ey, name)(*_args(args, ember))
    if name in NO_TORCH_DERIVATIVE:
        ty = getattr(ty, name[:-1])()
    else:
        getattr(ty, name)(*_args(args, torch))
        assert type(ey.grad_fn).__name__ == type(ty.grad_fn).__name__
    assert er is ey and ey._version == v0 + 1
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), rtol=1e-12, atol=1e-14)
    w = [0.5, -1.0, 2.0]
    (ey * ember.tensor(w, dtype=ember.float64)).sum().backward()
    (ty * torch.tensor(w, dtype=torch.float64)).sum().backward()
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", [o[0] for o in FLOAT_OPS] + COMPARE_OPS)
def test_leaf_requiring_grad_raises(name):
    args = dict((o[0], o[2]) for o in FLOAT_OPS).get(name, ([0.1, 0.2, 0.3],))
    with pytest.raises(RuntimeError, match=LEAF_ERROR):
        getattr(ember.tensor([0.5, 0.2, 0.3], requires_grad=True), name)(*_args(args, ember))
    with pytest.raises(RuntimeError, match=LEAF_ERROR):
        getattr(torch.tensor([0.5, 0.2, 0.3], requires_grad=True), name)(*_args(args, torch))


@pytest.mark.parametrize("name", ["acosh_", "erf_", "arctan2_", "exp2_", "erfc_"])
def test_float_result_into_integer_tensor_raises(name):
    args = ([1, 2],) if name == "arctan2_" else ()
    msg = "result type Float can't be cast to the desired output type Long"
    with pytest.raises(RuntimeError, match=msg):
        getattr(torch.tensor([1, 2]), name)(*[torch.tensor(a) for a in args])
    with pytest.raises(RuntimeError, match=msg):
        getattr(ember.tensor([1, 2]), name)(*[ember.tensor(a) for a in args])


def test_logical_xor_in_place_values():
    e, t = ember.tensor([0.0, 1.5, 2.0, 0.0]), torch.tensor([0.0, 1.5, 2.0, 0.0])
    assert e.logical_xor_(ember.tensor([1.0, 0.0, 3.0, 0.0])) is e
    t.logical_xor_(torch.tensor([1.0, 0.0, 3.0, 0.0]))
    assert e.tolist() == t.tolist() == [1.0, 1.0, 0.0, 0.0] and e._version == 1
    b = ember.tensor([True, False])
    assert b.logical_xor_(ember.tensor([True, True])).tolist() == [False, True] and b.dtype == ember.bool


@pytest.mark.parametrize("name", COMPARE_OPS)
def test_comparison_in_place_values_and_zero_gradient(name):
    ex, tx = _pair([0.1, 0.5, 0.9], True)
    ey, ty = ex * 2, tx * 2
    er = getattr(ey, name)(ember.tensor([0.2, 1.0, 0.0], dtype=ember.float64))
    getattr(ty, name)(torch.tensor([0.2, 1.0, 0.0], dtype=torch.float64))
    assert er is ey and ey._version == ty._version == 1
    np.testing.assert_array_equal(ey.detach().numpy(), ty.detach().numpy())
    ey.sum().backward()
    ty.sum().backward()
    np.testing.assert_array_equal(ex.grad.numpy(), tx.grad.numpy())
    assert not ex.grad.numpy().any()


@pytest.mark.parametrize("name,other", [("bitwise_and_", 6), ("bitwise_or_", 6), ("bitwise_xor_", 6),
                                        ("bitwise_not_", None), ("bitwise_left_shift_", 3),
                                        ("bitwise_right_shift_", 1), ("bitwise_left_shift_", [1, 70, -1, 2]),
                                        ("bitwise_right_shift_", [1, 40, -1, 0])])
@pytest.mark.parametrize("dtype", ["int8", "uint8", "int32", "int64"])
def test_bitwise_in_place(name, other, dtype):
    values = [5, -7, 100, 3] if dtype != "uint8" else [5, 200, 100, 3]
    e, t = ember.tensor(values, dtype=getattr(ember, dtype)), torch.tensor(values, dtype=getattr(torch, dtype))
    args = () if other is None else (other,) if isinstance(other, int) else None
    eargs = args if args is not None else (ember.tensor(other),)
    targs = args if args is not None else (torch.tensor(other),)
    assert getattr(e, name)(*eargs) is e and e._version == 1
    getattr(t, name)(*targs)
    assert e.dtype == getattr(ember, dtype)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


@pytest.mark.parametrize("name", ["bitwise_left_shift", "bitwise_right_shift"])
@pytest.mark.parametrize("dtype", ["int8", "int16", "uint8", "int32", "int64"])
def test_shift_matches_torch_for_all_counts(name, dtype):
    bits = np.dtype(dtype).itemsize * 8
    a = np.array([0, 1, 3, 100, -1, -8, -128], dtype=dtype) if dtype != "uint8" else \
        np.array([0, 1, 3, 100, 255, 128, 7], dtype=dtype)
    counts = np.arange(-2, bits + 3)
    ea, ta = ember.tensor(a)[:, None], torch.tensor(a)[:, None]
    e = getattr(ember, name)(ea, ember.tensor(counts))
    t = getattr(torch, name)(ta, torch.tensor(counts))
    assert e.dtype.name == str(t.dtype).split(".")[1]
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    np.testing.assert_array_equal(getattr(ember, name)(ea, 3).numpy(), getattr(torch, name)(ta, 3).numpy())
    np.testing.assert_array_equal(getattr(ember, name)(5, ember.tensor(a)).numpy(),
                                  getattr(torch, name)(5, torch.tensor(a)).numpy())


def test_shift_operators_and_promotion():
    e, t = ember.tensor([1, 2, -8], dtype=ember.int32), torch.tensor([1, 2, -8], dtype=torch.int32)
    np.testing.assert_array_equal((e << 2).numpy(), (t << 2).numpy())
    np.testing.assert_array_equal((e >> 1).numpy(), (t >> 1).numpy())
    np.testing.assert_array_equal((3 << e).numpy(), (3 << t).numpy())
    np.testing.assert_array_equal((100 >> e).numpy(), (100 >> t).numpy())
    r = ember.bitwise_left_shift(ember.tensor([True, False]), 1)
    assert r.dtype == ember.int64 and r.tolist() == torch.bitwise_left_shift(torch.tensor([True, False]), 1).tolist()
    e2 = e
    e <<= 1
    t <<= 1
    assert e is e2 and e._version == 1 and e.tolist() == t.tolist()
    e >>= 2
    t >>= 2
    assert e.tolist() == t.tolist()


@pytest.mark.parametrize("call,msg", [
    (lambda m: m.bitwise_left_shift(m.tensor([1.0]), 2), '"lshift_cpu" not implemented for \'Float\''),
    (lambda m: m.bitwise_left_shift(m.tensor([1]), 2.0), '"lshift_cpu" not implemented for \'Float\''),
    (lambda m: m.tensor([1.5], dtype=m.float64) >> 1, '"rshift_cpu" not implemented for \'Double\''),
    (lambda m: m.bitwise_right_shift(m.tensor([True]), m.tensor([True])), '"rshift_cpu" not implemented for \'Bool\''),
])
def test_shift_and_bitwise_dtype_errors(call, msg):
    with pytest.raises(NotImplementedError, match=msg):
        call(torch)
    with pytest.raises(NotImplementedError, match=msg):
        call(ember)


def test_cumsum_cumprod_in_place_dtypes_and_errors():
    for name in ("cumsum_", "cumprod_"):
        e, t = ember.tensor([[1, 2], [3, 4]], dtype=ember.int32), torch.tensor([[1, 2], [3, 4]], dtype=torch.int32)
        assert getattr(e, name)(1) is e and getattr(e, name)(dim=0) is e
        getattr(getattr(t, name)(1), name)(dim=0)
        assert e.dtype == ember.int32 and e.tolist() == t.tolist() and e._version == 2
        for mod in (ember, torch):
            with pytest.raises(RuntimeError, match="Bad in-place call: input tensor dtype int and output tensor "
                                                   "dtype float should match"):
                getattr(mod.tensor([1, 2], dtype=mod.int32), name)(0, dtype=mod.float32)
            with pytest.raises(NotImplementedError, match=f'"{name[:-1]}_out_cpu" not implemented for \'Bool\''):
                getattr(mod.tensor([True]), name)(0)
            assert getattr(mod.tensor([1.0, 2.0], dtype=mod.float64), name)(0, dtype=mod.float64).tolist() == \
                [1.0, 3.0 if name == "cumsum_" else 2.0]


# ---- fill_diagonal_ ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape,wrap", [((3, 3), False), ((7, 3), False), ((7, 3), True), ((10, 2), True),
                                        ((4, 3), True), ((3, 7), True), ((2, 2, 2), False), ((0, 3), False)])
@pytest.mark.parametrize("transposed", [False, True])
def test_fill_diagonal_values(shape, wrap, transposed):
    if transposed and shape == (10, 2) and wrap:
        pytest.skip("PyTorch wraps a non-contiguous tall matrix along its storage, past the matrix's own elements")
    e, t = ember.zeros(*shape), torch.zeros(*shape)
    if transposed:
        e, t = e.transpose(0, 1).contiguous().transpose(0, 1), t.transpose(0, 1).contiguous().transpose(0, 1)
    assert e.fill_diagonal_(2.5, wrap=wrap) is e
    t.fill_diagonal_(2.5, wrap=wrap)
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    assert e._version >= 1


def test_fill_diagonal_dtypes_grad_and_errors():
    for dt in ("int64", "bool"):
        e, t = ember.zeros(3, 3, dtype=getattr(ember, dt)), torch.zeros(3, 3, dtype=getattr(torch, dt))
        assert e.fill_diagonal_(2.7).tolist() == t.fill_diagonal_(2.7).tolist()
    ex, tx = _pair(np.arange(9.0).reshape(3, 3), True)
    ey, ty = ex * 2, tx * 2
    ey.fill_diagonal_(1)
    ty.fill_diagonal_(1)
    assert type(ey.grad_fn).__name__ == type(ty.grad_fn).__name__ == "CopySlices"
    np.testing.assert_array_equal(ey.detach().numpy(), ty.detach().numpy())
    w = np.arange(9.0).reshape(3, 3)
    (ey * ember.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_array_equal(ex.grad.numpy(), tx.grad.numpy())
    for mod in (ember, torch):
        with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
            mod.zeros(3, 3, requires_grad=True).fill_diagonal_(1)
        with pytest.raises(RuntimeError, match="all dimensions of input must be of equal length"):
            mod.zeros(2, 3, 2).fill_diagonal_(1)
        with pytest.raises(RuntimeError, match="dimensions must larger than 1"):
            mod.zeros(3).fill_diagonal_(1)
        with pytest.raises(TypeError, match=r"fill_diagonal_\(\): argument 'fill_value' \(position 1\) must be "
                                            r"Number, not Tensor"):
            mod.zeros(3, 3).fill_diagonal_(mod.tensor([2.0]))
        with pytest.raises(TypeError, match=r"fill_diagonal_\(\): argument 'fill_value' \(position 1\) must be "
                                            r"Number, not Tensor"):
            mod.zeros(3, 3).fill_diagonal_(mod.tensor(2.0, requires_grad=True))
        assert mod.zeros(2, 2).fill_diagonal_(mod.tensor(2.0)).tolist() == [[2.0, 0.0], [0.0, 2.0]]


# ---- random fills -----------------------------------------------------------------------------------------------
N = 10000


@pytest.mark.parametrize("dtype,lo,hi", [("float16", 0, 2 ** 11), ("float32", 0, 2 ** 24), ("float64", 0, 2 ** 53),
                                         ("int8", 0, 127), ("uint8", 0, 255), ("int16", 0, 2 ** 15 - 1),
                                         ("int32", 0, 2 ** 31 - 1), ("int64", 0, 2 ** 63 - 1), ("bool", 0, 1)])
def test_random_default_range(dtype, lo, hi):
    ember.manual_seed(0)
    x = ember.empty(N, dtype=getattr(ember, dtype))
    assert x.random_() is x and x._version == 1 and x.dtype == getattr(ember, dtype)
    a = x.numpy().astype(np.float64)
    assert a.min() >= lo and a.max() <= hi
    assert abs(a.mean() / hi - 0.5) < 0.02         # uniform over [0, hi]
    assert (a == np.round(a)).all()


def test_random_ranges_statistics_and_generator():
    ember.manual_seed(1)
    x = ember.empty(N, dtype=ember.float64).random_(10)
    a = x.numpy()
    assert set(np.unique(a)) == set(range(10))
    assert abs(a.mean() - 4.5) < 0.1 and abs(a.var() - 8.25) < 0.3
    y = ember.empty(N, dtype=ember.int8).random_(-5, 3)
    assert y.dtype == ember.int8 and set(np.unique(y.numpy())) == set(range(-5, 3))
    z = ember.empty(N, dtype=ember.int64).random_(-3, None)
    assert z.numpy().min() >= -3 and z.numpy().max() > 2 ** 60
    assert set(np.unique(ember.empty(100).random_(to=2).numpy())) == {0.0, 1.0}
    g1, g2 = ember.Generator().manual_seed(7), ember.Generator().manual_seed(7)
    assert ember.empty(5).random_(100, generator=g1).tolist() == ember.empty(5).random_(100, generator=g2).tolist()


@pytest.mark.parametrize("dtype,args,msg", [
    ("float32", (5, 2), "random_ expects 'from' to be less than 'to', but got from=5 >= to=2"),
    ("float32", (0,), "random_ expects 'from' to be less than 'to', but got from=0 >= to=0"),
    ("int8", (200,), "to - 1 is out of bounds for signed char"),
    ("int8", (-200, 5), "from is out of bounds for signed char"),
    ("int8", (128, None), "from is out of bounds for signed char"),
    ("uint8", (-1, 5), "from is out of bounds for unsigned char"),
    ("int16", (0, 2 ** 20), "to - 1 is out of bounds for short int"),
    ("int32", (-2 ** 40, 0), "from is out of bounds for int"),
    ("bool", (0, 3), "to - 1 is out of bounds for bool"),
    ("float16", (70000,), "to - 1 is out of bounds for c10::Half"),
    ("float16", (-70000, None), "from is out of bounds for c10::Half"),
    ("float32", (2 ** 25, None), "random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' casted "
                                 "to dtype, but got from=33554432 > to_inc=16777216"),
])
def test_random_errors_match_torch(dtype, args, msg):
    for mod in (ember, torch):
        with pytest.raises(RuntimeError, match=msg):
            mod.empty(3, dtype=getattr(mod, dtype)).random_(*args)


def test_random_warnings_type_errors_and_autograd():
    for mod in (ember, torch):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            mod.empty(3).random_(2 ** 25)
        assert "to - 1 is out of bounds [-(2^24), 2^24]. Due to precision limitations float can support discrete " \
               "uniform distribution only within this range." in str(w[0].message)
        with pytest.raises(TypeError, match=r"random_\(\) received an invalid combination of arguments - got "
                                            r"\(float, int\), but expected one of:"):
            mod.empty(3).random_(1.5, 4)
        with pytest.raises(RuntimeError, match=LEAF_ERROR):
            mod.empty(3, requires_grad=True).random_()
    for args, node in [((), "RandomBackward2"), ((3,), "RandomBackward1"), ((1, 3), "RandomBackward0")]:
        x = ember.ones(3, dtype=ember.float64, requires_grad=True)
        y = (x * 2).random_(*args)
        assert type(y.grad_fn).__name__ == node
        y.sum().backward()
        assert x.grad.tolist() == [0.0, 0.0, 0.0]


def test_cauchy_log_normal_geometric_statistics():
    ember.manual_seed(2)
    c = ember.empty(N, dtype=ember.float64).cauchy_(1.0, 2.0).numpy()
    q1, med, q3 = np.percentile(c, [25, 50, 75])
    assert abs(med - 1.0) < 0.1 and abs(q1 + 1.0) < 0.2 and abs(q3 - 3.0) < 0.2
    ln = ember.empty(N, dtype=ember.float64).log_normal_(mean=0.5, std=0.25).numpy()
    assert ln.min() > 0 and abs(np.log(ln).mean() - 0.5) < 0.01 and abs(np.log(ln).std() - 0.25) < 0.01
    assert abs(ln.mean() - np.exp(0.5 + 0.25 ** 2 / 2)) < 0.02
    g = ember.empty(N, dtype=ember.int64).geometric_(0.3)
    assert g.dtype == ember.int64
    g = g.numpy()
    assert g.min() == 1 and abs(g.mean() - 1 / 0.3) < 0.1 and abs(g.var() - 0.7 / 0.09) < 0.6
    assert ember.empty(5, dtype=ember.float16).cauchy_().dtype == ember.float16


@pytest.mark.parametrize("call,err,msg", [
    (lambda m: m.empty(3).cauchy_(0.0, 0.0), RuntimeError, "cauchy_ expects sigma > 0.0, but found sigma=0"),
    (lambda m: m.empty(3).cauchy_(0.0, -1.0), RuntimeError, "cauchy_ expects sigma > 0.0, but found sigma=-1"),
    (lambda m: m.empty(3, dtype=m.int64).cauchy_(), RuntimeError,
     "Cauchy distribution is a continuous probability distribution. dtype must be a floating point but you "
     "specified long int"),
    (lambda m: m.empty(3).log_normal_(0.0, 0.0), RuntimeError, "log_normal_ expects std > 0.0, but found std=0"),
    (lambda m: m.empty(3, dtype=m.uint8).log_normal_(), NotImplementedError,
     '"log_normal_cpu" not implemented for \'Byte\''),
    (lambda m: m.empty(3).geometric_(1.0), RuntimeError, r"geometric_ expects p to be in \(0, 1\), but got p=1"),
    (lambda m: m.empty(3).geometric_(-0.1), RuntimeError, r"geometric_ expects p to be in \(0, 1\), but got p=-0.1"),
    (lambda m: m.empty(3, dtype=m.bool).geometric_(0.5), NotImplementedError,
     '"geometric_cpu" not implemented for \'Bool\''),
    (lambda m: m.empty(3, requires_grad=True).cauchy_(), RuntimeError, LEAF_ERROR),
])
def test_distribution_errors_match_torch(call, err, msg):
    for mod in (ember, torch):
        with pytest.raises(err, match=msg):
            call(mod)


@pytest.mark.parametrize("name,args,node", [("cauchy_", (), "CauchyBackward0"), ("log_normal_", (), "LogNormalBackward0"),
                                            ("geometric_", (0.5,), "GeometricBackward0")])
def test_distribution_fill_records_zero_gradient(name, args, node):
    x = ember.ones(3, dtype=ember.float64, requires_grad=True)
    y = x * 2
    assert getattr(y, name)(*args) is y and y._version == 1
    assert type(y.grad_fn).__name__ == node
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


# ---- in-place view ops ------------------------------------------------------------------------------------------
VIEW_OPS = [("squeeze_", (), (1, 2)), ("squeeze_", (0,), (1, 2)), ("squeeze_", ((0,),), (1, 2)),
            ("unsqueeze_", (1,), (1, 2)), ("t_", (), (1, 2)), ("transpose_", (0, 1), (1, 2)),
            ("swapaxes_", (0, -1), (2, 3)), ("swapdims_", (1, 0), (2, 3)), ("t_", (), (3,))]


@pytest.mark.parametrize("name,args,shape", VIEW_OPS, ids=[f"{o[0]}{o[1]}" for o in VIEW_OPS])
def test_inplace_view_ops(name, args, shape):
    values = np.arange(np.prod(shape), dtype=np.float64).reshape(shape) + 1
    ex, tx = _pair(values, True)
    ey, ty = ex * 2, tx * 2
    assert getattr(ey, name)(*args) is ey
    getattr(ty, name)(*args)
    assert ey.shape == tuple(ty.shape) and ey._version == ty._version == 1
    assert type(ey.grad_fn).__name__ == type(ty.grad_fn).__name__
    np.testing.assert_array_equal(ey.detach().numpy(), ty.detach().numpy())
    w = np.arange(ey.numel(), dtype=np.float64).reshape(tuple(ty.shape))
    (ey * ember.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_array_equal(ex.grad.numpy(), tx.grad.numpy())
    with pytest.raises(RuntimeError, match=LEAF_ERROR):
        getattr(ember.tensor(values, requires_grad=True), name)(*args)
    with pytest.raises(RuntimeError, match=LEAF_ERROR):
        getattr(torch.tensor(values, requires_grad=True), name)(*args)
    e = ember.tensor(values, requires_grad=True)
    with ember.no_grad():
        getattr(e, name)(*args)
    assert e.shape == tuple(ty.shape) and e.is_leaf


def test_inplace_view_op_on_a_view_keeps_the_view():
    ex, tx = _pair(np.arange(6.0).reshape(2, 3), True)
    ey, ty = ex * 1, tx * 1
    ev, tv = ey[0:1], ty[0:1]
    ev.t_()
    tv.t_()
    ev.mul_(2)
    tv.mul_(2)
    assert type(ey.grad_fn).__name__ == type(ty.grad_fn).__name__ == "CopySlices"
    np.testing.assert_array_equal(ey.detach().numpy(), ty.detach().numpy())
    (ey * ember.tensor([[1.0, 2, 3], [4, 5, 6]], dtype=ember.float64)).sum().backward()
    (ty * torch.tensor([[1.0, 2, 3], [4, 5, 6]], dtype=torch.float64)).sum().backward()
    np.testing.assert_array_equal(ex.grad.numpy(), tx.grad.numpy())
    for mod in (ember, torch):
        v = (mod.ones(2, 3, requires_grad=True) * 1).split(1)[0]
        with pytest.raises(RuntimeError, match="Output 0 of Split is a view and is being modified inplace"):
            v.t_()


@pytest.mark.parametrize("call,err,msg", [
    (lambda m: m.zeros(2, 3, 4).t_(), RuntimeError, "t_\\(\\) expects a tensor with <= 2 dimensions, but self is 3D"),
    (lambda m: m.zeros(2, 3).unsqueeze_(3), IndexError, r"Dimension out of range \(expected to be in range of "
                                                        r"\[-3, 2\], but got 3\)"),
    (lambda m: m.zeros(2, 3).transpose_(0, 2), IndexError, r"Dimension out of range"),
    (lambda m: m.zeros(2, 3).squeeze_(2), IndexError, r"Dimension out of range"),
])
def test_inplace_view_op_errors(call, err, msg):
    for mod in (ember, torch):
        with pytest.raises(err, match=msg):
            call(mod)


@pytest.mark.parametrize("sizes", [((2, 2),), (2, 2), ([3, 2],), (6,), (2, 4), ((2, 3),)])
@pytest.mark.parametrize("transposed", [False, True])
def test_resize(sizes, transposed):
    e, t = ember.arange(6.0).view(2, 3), torch.arange(6.0).view(2, 3)
    if transposed:
        e, t = e.t(), t.t()
    assert e.resize_(*sizes) is e
    t.resize_(*sizes)
    assert e.shape == tuple(t.shape) and e._version == t._version
    n = min(6, t.numel())
    np.testing.assert_array_equal(e.numpy().ravel()[:n], t.numpy().ravel()[:n])


def test_resize_shares_memory_as_and_errors():
    base = ember.arange(6.0)
    base.resize_(2, 3)[1, 1] = 40.0
    assert base.tolist() == [[0.0, 1.0, 2.0], [3.0, 40.0, 5.0]]
    e = ember.arange(6.0)
    assert e.resize_(2, 3)._version == 1 and e.resize_(2, 3)._version == 1
    assert e.resize_as_(ember.zeros(3, 2, dtype=ember.int64)).shape == (3, 2) and e.dtype == ember.float32
    for mod in (ember, torch):
        for x in (mod.zeros(2, requires_grad=True), mod.zeros(2, requires_grad=True) * 1):
            with pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
                x.resize_(2)
        with pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
            mod.zeros(2).resize_as_(mod.zeros(2, requires_grad=True)).resize_as_(mod.zeros(1)).requires_grad_().resize_(3)
        with pytest.raises(TypeError, match=r"resize_as_\(\): argument 'the_template' \(position 1\) must be Tensor, "
                                            r"not list"):
            mod.zeros(2).resize_as_([3, 2])
        with pytest.raises(RuntimeError, match="numel: integer multiplication overflow"):
            mod.zeros(2).resize_(2, -1)


# ---- torch-level functions ----------------------------------------------------------------------------------------
UNARY_DOMAIN = {"acosh_": [1.5, 2.5], "arccosh_": [1.5, 2.5], "logit_": [0.2, 0.7]}
TORCH_LEVEL_UNARY = ["abs_", "acos_", "acosh_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_", "arctanh_",
                     "asin_", "asinh_", "atan_", "atanh_", "ceil_", "cos_", "cosh_", "erf_", "erfc_", "exp2_", "exp_",
                     "expm1_", "fix_", "floor_", "frac_", "i0_", "log10_", "log1p_", "log2_", "log_", "logit_",
                     "nan_to_num_", "neg_", "negative_", "reciprocal_", "round_", "rsqrt_", "sigmoid_", "sin_",
                     "sinc_", "sinh_", "sqrt_", "square_", "tan_", "tanh_", "trunc_", "zero_", "detach_"]


@pytest.mark.parametrize("name", TORCH_LEVEL_UNARY)
def test_torch_level_unary(name):
    values = UNARY_DOMAIN.get(name, [0.3, 0.6])
    ex, tx = _pair(values, True)
    ey, ty = ex * 1, tx * 1
    assert getattr(ember, name)(ey) is ey
    if name in NO_TORCH_DERIVATIVE:
        ty = getattr(torch, name[:-1])(ty)
        ty.add_(0)
    else:
        getattr(torch, name)(ty)
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), rtol=1e-12, atol=1e-15)
    assert ey._version == ty._version and ey.requires_grad == ty.requires_grad
    if ty.requires_grad:
        ey.sum().backward()
        ty.sum().backward()
        np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-15)
    with pytest.raises(TypeError, match=f"{name}\\(\\): argument 'input' \\(position 1\\) must be Tensor, not int"):
        getattr(ember, name)(3)
    with pytest.raises(TypeError, match=f"{name}\\(\\): argument 'input' \\(position 1\\) must be Tensor, not int"):
        getattr(torch, name)(3)


TORCH_LEVEL_ARGS = [
    ("clamp_", lambda m: ([1.0, 5.0],), lambda m: (2, 3), {}), ("clamp_", lambda m: ([1.0, 5.0],), lambda m: (), {"max": 3}),
    ("clip_", lambda m: ([1.0, 5.0],), lambda m: (2, 3), {}),
    ("clamp_max_", lambda m: ([1.0, 5.0],), lambda m: (3,), {}), ("clamp_min_", lambda m: ([1.0, 5.0],), lambda m: (3,), {}),
    ("gcd_", lambda m: ([4, 6],), lambda m: (m.tensor([2, 4]),), {}),
    ("lcm_", lambda m: ([4, 6],), lambda m: (m.tensor([3, 4]),), {}),
    ("ldexp_", lambda m: ([1.0, 2.0],), lambda m: (m.tensor([1, 2]),), {}),
    ("xlogy_", lambda m: ([1.0, 2.0],), lambda m: (3,), {}),
    ("round_", lambda m: ([1.26, 5.0],), lambda m: (), {"decimals": 1}),
    ("logit_", lambda m: ([0.05, 0.5],), lambda m: (), {"eps": 0.1}),
    ("nan_to_num_", lambda m: ([float("nan"), 5.0],), lambda m: (), {"nan": 2.0}),
    ("fill_", lambda m: ([1.0, 5.0],), lambda m: (2.5,), {}),
    ("index_put_", lambda m: ([1.0, 5.0, 3.0],), lambda m: ((m.tensor([0, 2]),), m.tensor(7.0)), {"accumulate": True}),
    ("addmv_", lambda m: ([1.0, 2.0],), lambda m: (m.ones(2, 3), m.ones(3)), {"beta": 2, "alpha": 3}),
]


@pytest.mark.parametrize("name,inp,args,kwargs", TORCH_LEVEL_ARGS, ids=[o[0] for o in TORCH_LEVEL_ARGS])
def test_torch_level_with_arguments(name, inp, args, kwargs):
    e, t = ember.tensor(*inp(ember)), torch.tensor(*inp(torch))
    assert getattr(ember, name)(e, *args(ember), **kwargs) is e
    getattr(torch, name)(t, *args(torch), **kwargs)
    assert e.dtype.name == str(t.dtype).split(".")[1] and e._version == t._version == 1
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6)


def test_torch_fill_and_detach():
    ex, tx = _pair([1.0, 2.0, 3.0], True)
    ev, tv = _pair(2.0, True)
    er, tr = ember.fill(ex, ev), torch.fill(tx, tv)
    assert er is not ex and ex._version == 0 and type(er.grad_fn).__name__ == type(tr.grad_fn).__name__
    assert er.tolist() == tr.tolist()
    er.sum().backward()
    tr.sum().backward()
    assert ex.grad.tolist() == tx.grad.tolist() and ev.grad.item() == tv.grad.item() == 3.0
    assert type(ember.fill(ex, 3).grad_fn).__name__ == type(torch.fill(tx, 3).grad_fn).__name__
    assert ember.fill(ember.tensor([1, 2]), 2.5).tolist() == torch.fill(torch.tensor([1, 2]), 2.5).tolist() == [2, 2]
    for mod in (ember, torch):
        with pytest.raises(RuntimeError, match="fill_ only supports 0-dimension value tensor but got tensor with 1 "
                                               "dimensions."):
            mod.fill(mod.ones(2), mod.ones(2))
    y = ember.detach(ex)
    assert not y.requires_grad and y.is_leaf and y._version == ex._version
    y.add_(1)
    assert ex._version == 1 and ex.tolist() == [2.0, 3.0, 4.0]


def test_fill_and_zero_node_names():
    for mod in (ember, torch):
        x = mod.ones(2, requires_grad=True) * 1
        assert type(x.fill_(2).grad_fn).__name__ == "FillBackward2"
        assert type(x.fill_(mod.tensor(1.0)).grad_fn).__name__ == "FillBackward3"
        assert type(x.zero_().grad_fn).__name__ == "ZeroBackward0"
