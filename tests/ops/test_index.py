"""Indexing ops against torch (tests/oracle.py): getitem/setitem with basic and advanced keys, gather/scatter,
index_select/index_add/index_fill, masked ops, nonzero, take; views, version counters, errors as torch words them."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import ember
from ember.autograd import gradcheck, gradgradcheck
from tests.oracle import OpSpec, check_op, compare


def spec(name, fn, shapes, **kw):
    """fn(m, *xs) run on ember and torch tensors alike; `m` is the module, for building index tensors."""
    return OpSpec(name, lambda *xs: fn(ember, *xs), lambda *xs: fn(torch, *xs), shapes, **kw)


def L(m, data):
    return m.tensor(data, dtype=m.int64)


def B(m, data):
    return m.tensor(data, dtype=m.bool)


def setitem(m, x, key, v):
    y = x * 1
    y[key(m) if callable(key) else key] = v
    return y


X = [((3, 4),)]
X3 = [((2, 3, 4),)]
SPECS = [
    spec("int", lambda m, x: x[1], X + [((3,),)]),
    spec("negative_int", lambda m, x: x[-1, -2], X),
    spec("slice", lambda m, x: x[1:3], X + [((0, 2),)]),
    spec("slice_negative", lambda m, x: x[-2:, :-1], X),
    spec("slice_step", lambda m, x: x[::2, 1::2], X),
    spec("slice_empty", lambda m, x: x[2:1], X),
    spec("none_ellipsis", lambda m, x: x[None, ..., None, 1], X3),
    spec("ellipsis", lambda m, x: x[..., 1:] * 2, X3),
    spec("ellipsis_0d", lambda m, x: x[...] * x[None], [((),)]),
    spec("list", lambda m, x: x[[0, 2, 0]], X),
    spec("list_negative", lambda m, x: x[[-1, 0], 1:], X),
    spec("long_tensor", lambda m, x: x[L(m, [[2, 0], [0, 0]])], X),
    spec("two_arrays", lambda m, x: x[L(m, [0, 2, 2]), L(m, [1, -1, 1])], X),
    spec("arrays_separated", lambda m, x: x[[0, 1], :, [1, 3]], X3),
    spec("arrays_adjacent", lambda m, x: x[:, [0, 2], [1, 1]], X3),
    spec("int_and_array", lambda m, x: x[1, :, [0, 2, 0]], X3),
    spec("array_none", lambda m, x: x[[0, 1], None, [1, 2]], X),
    spec("bool_mask", lambda m, x: x[x > 0], X + X3),
    spec("bool_mask_dim1", lambda m, x: x[:, B(m, [True, False, True, True])], X),
    spec("bool_list", lambda m, x: x[[True, False, True]], X),
    spec("mask_2d_of_3d", lambda m, x: x[B(m, [[True, False, True], [False, False, True]])], X3),
    spec("empty_selection", lambda m, x: x[L(m, [])], X),
    spec("empty_mask", lambda m, x: x[x > 10], X),
    spec("python_bool", lambda m, x: x[True] * x[False].sum(), X),
    spec("zero_d_tensor", lambda m, x: x[L(m, 1), 2], X),
    spec("chain", lambda m, x: x[1:][:, [0, 0]][0], X3),
    spec("setitem_number", lambda m, x: setitem(m, x, 1, 2.5), X),
    spec("setitem_slice", lambda m, x, v: setitem(m, x, (slice(None), slice(1, 3)), v), [((3, 4), (3, 2)), ((3, 4), (2,))]),
    spec("setitem_leading_ones", lambda m, x, v: setitem(m, x, 0, v), [((3, 4), (1, 1, 4))]),
    spec("setitem_list", lambda m, x, v: setitem(m, x, lambda m: L(m, [2, 0]), v), [((3, 4), (2, 4)), ((3, 4), (4,))]),
    spec("setitem_mask", lambda m, x, v: setitem(m, x, x > 0, v), [((3, 4), ())]),
    spec("setitem_ellipsis", lambda m, x, v: setitem(m, x, (Ellipsis, 1), v), [((2, 3, 4), (2, 3))]),
    spec("setitem_float64_value", lambda m, x: setitem(m, x, 0, (x[1] * 2).double()), X),
    spec("index_put", lambda m, x, v: m.index_put(x, (L(m, [0, 0, 2]),), v, accumulate=True), [((3, 4), (3, 4))]),
    spec("index_put_method", lambda m, x, v: x.index_put((L(m, [1]), L(m, [2])), v), [((3, 4), ())]),
    spec("gather", lambda m, x: m.gather(x, 1, L(m, [[0, 0, 3], [1, 2, 0], [3, 3, 3]])), X),
    spec("gather_dim0_small", lambda m, x: x.gather(0, L(m, [[2, 0], [2, 2]])), X),
    spec("gather_int32", lambda m, x: x.gather(-1, L(m, [[0], [3], [1]]).int()), X),
    spec("scatter", lambda m, x, s: x.scatter(0, L(m, [[0, 2, 1, 0], [1, 0, 2, 2]]), s), [((3, 4), (2, 4))]),
    spec("scatter_value", lambda m, x: x.scatter(1, L(m, [[0], [3], [3]]), 1.5), X),
    spec("scatter_add", lambda m, x, s: x.scatter_add(0, L(m, [[0, 0, 0, 0], [0, 2, 0, 1]]), s), [((3, 4), (2, 4))]),
    spec("index_select", lambda m, x: m.index_select(x, -1, L(m, [3, 0, 3])), X + X3),
    spec("index_select_0d_index", lambda m, x: x.index_select(0, L(m, 2)), X),
    spec("index_select_empty", lambda m, x: x.index_select(0, L(m, [])), X),
    spec("index_add", lambda m, x, s: x.index_add(0, L(m, [2, 0, 2]), s), [((3, 4), (3, 4))]),
    spec("index_add_alpha", lambda m, x, s: m.index_add(x, 1, L(m, [1, 1]), s, alpha=-2.0), [((3, 4), (3, 2))]),
    spec("index_fill", lambda m, x: x.index_fill(1, L(m, [0, -1, 0]), 2.0), X),
    spec("index_fill_tensor", lambda m, x, v: m.index_fill(x, 0, L(m, [2, 2, 0]), v), [((3, 4), ())]),
    spec("masked_fill", lambda m, x: x.masked_fill(x > 0, 0.5), X + [((),)]),
    spec("masked_fill_broadcast", lambda m, x: m.masked_fill(x, B(m, [True, False, False, True]), -1.0), X),
    spec("masked_fill_tensor", lambda m, x, v: x.masked_fill(x < 0, v), [((3, 4), ())]),
    spec("masked_fill_mask_larger", lambda m, x: x.masked_fill(B(m, [[True, False]] * 3), 1.0), [((2,),)]),
    spec("masked_select", lambda m, x: m.masked_select(x, x > 0), X + [((0, 2),)]),
    spec("masked_select_broadcast", lambda m, x: x.masked_select(B(m, [[True], [False], [True]])), [((4,),)]),
    spec("take", lambda m, x: m.take(x, L(m, [[0, 11], [11, -1]])), X),
    spec("take_0d", lambda m, x: x.take(L(m, 0)), [((),), ((2, 2),)]),
    spec("inplace_chain", lambda m, x, s: (x * 1).index_add_(0, L(m, [1, 1]), s).masked_fill_(x > 1, 0.0)
         .scatter_(1, L(m, [[0], [1], [2]]), 3.0).index_fill_(1, L(m, [3]), -1.0), [((3, 4), (2, 4))]),
    spec("scatter_add_inplace", lambda m, x, s: (x * 2).scatter_add_(1, L(m, [[0, 0], [1, 1], [2, 3]]), s),
         [((3, 4), (3, 2))]),
    spec("index_put_inplace", lambda m, x, v: (x * 2).index_put_((x > 0,), v), [((3, 4), ())]),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_op_matches_torch(spec):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_op(spec)


def _both(fn, *arrays):
    return fn(ember, *[ember.tensor(a) for a in arrays]), fn(torch, *[torch.tensor(a) for a in arrays])


def _same(e, t):
    assert tuple(e.shape) == tuple(t.shape) and str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
    np.testing.assert_array_equal(e.numpy(), t.numpy())


@pytest.mark.parametrize("fn", [
    lambda m, x: x[0], lambda m, x: x[1:3], lambda m, x: x[:], lambda m, x: x[...], lambda m, x: x[()],
    lambda m, x: x[None], lambda m, x: x[0, None], lambda m, x: x[None, 0], lambda m, x: x[0, 1:],
    lambda m, x: x[1:, 0], lambda m, x: x[..., 0, ...], lambda m, x: x[L(m, 1)], lambda m, x: x[[0, 1]],
    lambda m, x: x[x > 3], lambda m, x: x[True], lambda m, x: x.gather(0, L(m, [[0]])),
    lambda m, x: x.scatter(0, L(m, [[0]]), 1.0), lambda m, x: x.scatter(0, L(m, [[0]]), x),
    lambda m, x: x.scatter_add(0, L(m, [[0]]), x), lambda m, x: x.index_select(0, L(m, [0])),
    lambda m, x: x.index_add(0, L(m, [0]), x[:1]), lambda m, x: x.index_fill(0, L(m, [0]), 1.0),
    lambda m, x: x.index_fill(0, L(m, [0]), m.tensor(1.0)), lambda m, x: x.masked_fill(x > 1, 1.0),
    lambda m, x: x.masked_fill(x > 1, m.tensor(1.0)), lambda m, x: x.masked_select(x > 1),
    lambda m, x: x.take(L(m, [0])), lambda m, x: m.index_put(x, (L(m, [0]),), m.tensor(1.0)),
    lambda m, x: setitem(m, x, lambda m: L(m, [0, 1]), 1.0), lambda m, x: setitem(m, x, x > 3, 1.0),
])
def test_grad_fn_names_and_values_match_torch(fn):
    e = fn(ember, ember.arange(12.0).view(3, 4).requires_grad_())
    t = fn(torch, torch.arange(12.0).view(3, 4).requires_grad_())
    assert e.grad_fn.name() == t.grad_fn.name().replace("torch::autograd::", "")
    _same(e.detach(), t.detach())


def test_basic_index_is_a_view_sharing_memory_and_version():
    x = ember.zeros(3, 4)
    for v in (x[1], x[1:, ::2], x[None, ..., 2], x[()], x[1, 2]):
        v.add_(1)
        assert v._version == x._version
    np.testing.assert_array_equal(x.numpy(), [[1, 1, 2, 1], [3, 2, 5, 2], [2, 1, 3, 1]])
    c = x[[1]]
    c.add_(1)
    assert x[1, 0].item() == 3 and c._version != x._version


def test_setitem_records_gradients_for_tensor_and_value():
    x = ember.randn(3, 4, dtype=ember.float64, requires_grad=True)
    w = ember.randn(4, dtype=ember.float64, requires_grad=True)
    tx, tw = torch.tensor(x.detach().numpy(), requires_grad=True), torch.tensor(w.detach().numpy(), requires_grad=True)
    for m, a, b in ((ember, x, w), (torch, tx, tw)):
        y = a * 1
        y[0] = b
        y[[2, 2], 1:3] = b[:2] * 3
        (y * y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy())
    assert not x.grad.numpy()[0].any() and not x.grad.numpy()[2, 1:3].any()


def test_setitem_gradcheck_and_gradgradcheck():
    def f(x, w):
        y = x * x
        y[1:, [0, 2]] = w * w
        y[0, 1] = w.sum()
        return y
    args = (ember.randn(3, 4, dtype=ember.float64, requires_grad=True),
            ember.randn(2, 1, dtype=ember.float64, requires_grad=True))
    assert gradcheck(f, args) and gradgradcheck(f, args)


def test_setitem_on_leaf_requiring_grad_raises_and_works_under_no_grad():
    x = ember.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad is being used in an in-place"):
        x[0] = 2.0
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad is being used in an in-place"):
        x[[0]] = ember.tensor([2.0])
    v = x._version
    with ember.no_grad():
        x[0] = 2.0
        x[[1, 2]] = ember.tensor([3.0, 4.0])
    np.testing.assert_array_equal(x.detach().numpy(), [2, 3, 4])
    assert x.requires_grad and x.grad_fn is None and x._version == v + 2


def test_setitem_casts_and_broadcasts_like_torch():
    for make in (lambda m: m.zeros(3, 4, dtype=m.int64), lambda m: m.zeros(3, 4)):
        e, t = make(ember), make(torch)
        for m, a in ((ember, e), (torch, t)):
            a[0] = 2.7
            a[1:, 1] = m.tensor([1.5, -3.2], dtype=m.float64)
            a[:, [3, 3]] = m.tensor([[7], [0], [5]], dtype=a.dtype)
            a[a == 0] = 1
        _same(e, t)


def test_setitem_on_view_writes_base():
    x = ember.zeros(2, 3)
    r = x[1]
    r[[0, 2]] = 5.0
    x[0][1] = 4.0
    np.testing.assert_array_equal(x.numpy(), [[0, 4, 0], [5, 0, 5]])


def test_setitem_repeated_indices_gradient_as_torch():
    # the last write wins, but torch (and ember) give every copy of the value its gradient: no gradcheck here
    s = spec("setitem_repeated", lambda m, x, v: setitem(m, x, lambda m: L(m, [0, 0]), v), [])
    compare(s, [np.random.default_rng(0).standard_normal((3, 4)), np.ones((1, 4))], np.float64)


def test_scatter_src_larger_than_index():
    # torch's backward fails here ("invalid gradient ... got [2, 2]"); ember pads src's gradient with zeros
    idx = np.array([[0, 2], [3, 1]])
    for name in ("scatter", "scatter_add"):
        e, t = _both(lambda m, x, s: getattr(x, name)(1, L(m, idx), s), np.zeros((3, 4)), np.arange(15.0).reshape(3, 5))
        _same(e, t)
        args = (ember.randn(3, 4, dtype=ember.float64, requires_grad=True),
                ember.randn(3, 5, dtype=ember.float64, requires_grad=True))
        f = lambda x, s: getattr(x, name)(1, ember.tensor(idx), s)  # noqa: E731
        assert gradcheck(f, args) and gradgradcheck(f, args)


def test_repeated_indices_accumulate_gradient():
    for m in (ember, torch):
        x = m.zeros(3, dtype=m.float64, requires_grad=True)
        (x[[0, 0, 0, 2]] * m.tensor([1.0, 2.0, 3.0, 4.0], dtype=m.float64)).sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), [6, 0, 4])


def test_index_put_accumulate_adds_repeated_indices():
    e, t = _both(lambda m, x: m.index_put(x, (L(m, [0, 0, 2]), L(m, [1, 1, 1])), m.tensor([1.0, 2.0, 3.0]),
                                          accumulate=True), np.zeros((3, 2), np.float32))
    _same(e, t)
    assert e.numpy()[0, 1] == 3


def test_noncontiguous_input_indexing():
    a = np.arange(24.0).reshape(4, 6)
    e, t = ember.tensor(a).t()[1::2], torch.tensor(a).t()[1::2]
    for fn in (lambda m, x: x[[0, 2], 1:], lambda m, x: x[x > 5], lambda m, x: x.gather(1, L(m, [[3, 0]] * 3)),
               lambda m, x: x[:, 1], lambda m, x: x.index_select(1, L(m, [2, 2])), lambda m, x: x.take(L(m, [5]))):
        _same(fn(ember, e), fn(torch, t))


def test_nonzero_and_argwhere():
    a = np.array([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]])
    for arr in (a, a[:, 1], np.array(3.0), np.array(0.0), np.zeros((0, 3))):
        e, t = ember.tensor(arr), torch.tensor(arr)
        _same(ember.nonzero(e), torch.nonzero(t))
        _same(e.argwhere(), t.argwhere())
        et, tt = e.nonzero(as_tuple=True), torch.nonzero(t, as_tuple=True)
        assert len(et) == len(tt)
        for x, y in zip(et, tt):
            _same(x, y)


def test_scatter_reduce_argument():
    idx = np.array([[0, 2, 0, 0], [0, 0, 1, 1]])
    for reduce in ("add", "multiply"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            e, t = _both(lambda m, x, s: x.scatter(0, L(m, idx), s, reduce=reduce),
                         np.full((3, 4), 2.0), np.arange(1.0, 9.0).reshape(2, 4))
        _same(e, t)
        e, t = _both(lambda m, x: x.scatter(0, L(m, idx), 3.0, reduce=reduce), np.full((3, 4), 2.0))
        _same(e, t)
    x = ember.ones(3, 4, requires_grad=True)
    y = x.scatter(0, L(ember, idx), 2.0, reduce="add")
    with pytest.raises(RuntimeError, match="^derivative for aten::scatter is not implemented$"):
        y.sum().backward()
    with pytest.warns(UserWarning, match="The reduce argument of torch.scatter with Tensor src is deprecated"):
        ember.ones(3, 4).scatter(0, L(ember, idx), ember.ones(2, 4), reduce="add")


def test_sequence_as_tuple_warns_like_torch():
    x = ember.arange(9).view(3, 3)
    with pytest.warns(UserWarning, match="Using a non-tuple sequence for multidimensional indexing is deprecated"):
        r = x[[[0, 1], [1, 2]]]
    np.testing.assert_array_equal(r.numpy(), [1, 5])
    with pytest.warns(UserWarning, match="indexing with dtype torch.uint8 is now deprecated"):
        r = x[ember.tensor([1, 0, 1], dtype=ember.uint8)]
    np.testing.assert_array_equal(r.numpy(), [[0, 1, 2], [6, 7, 8]])


A = ember.arange(12.0).view(3, 4)
I = ember.tensor([[0, 2], [1, 0]])


@pytest.mark.parametrize("fn, error, message", [
    (lambda: A[5], IndexError, "index 5 is out of bounds for dimension 0 with size 3"),
    (lambda: A[:, 7], IndexError, "index 7 is out of bounds for dimension 1 with size 4"),
    (lambda: A[None, 3], IndexError, "index 3 is out of bounds for dimension 1 with size 3"),
    (lambda: A[-4], IndexError, "index -4 is out of bounds for dimension 0 with size 3"),
    (lambda: A[[3]], IndexError, "index 3 is out of bounds for dimension 0 with size 3"),
    (lambda: A[[0], [7]], IndexError, "index 7 is out of bounds for dimension 1 with size 4"),
    (lambda: A[0, 0, 0], IndexError, "too many indices for tensor of dimension 2"),
    (lambda: A[[0], 1:, [1]], IndexError, "too many indices for tensor of dimension 2"),
    (lambda: A[::-1], ValueError, "step must be greater than zero"),
    (lambda: A[::0], ValueError, "slice step cannot be zero"),
    (lambda: A[1.5], IndexError, "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                                 "valid indices (got float)"),
    (lambda: A[ember.tensor([1.0])], IndexError, "tensors used as indices must be long, int, byte or bool tensors"),
    (lambda: A[ember.tensor([1], dtype=ember.int16)], IndexError,
     "tensors used as indices must be long, int, byte or bool tensors"),
    (lambda: A[ember.tensor([True, False])], IndexError,
     "The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [3, 4] at index 0"),
    (lambda: A[:, ember.tensor([True, False])], IndexError,
     "The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [3, 4] at index 1"),
    (lambda: A.clone().__setitem__([0, 1], ember.ones(3)), RuntimeError,
     "shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [2, 4]"),
    (lambda: A.clone().__setitem__([0], ember.tensor([1])), RuntimeError,
     "Index put requires the source and destination dtypes match, got Float for the destination and Long for the source."),
    (lambda: A.clone().__setitem__(5, 1.0), IndexError, "index 5 is out of bounds for dimension 0 with size 3"),
    (lambda: A.clone().__setitem__(0, [1.0]), TypeError, "can't assign a list to a ember.FloatTensor"),
    (lambda: A.gather(0, I.float()), RuntimeError, "gather(): Expected dtype int32/int64 for index"),
    (lambda: A.gather(0, I[0]), RuntimeError, "Index tensor must have the same number of dimensions as input tensor"),
    (lambda: A.gather(0, I + 5), RuntimeError, "index 5 is out of bounds for dimension 0 with size 3"),
    (lambda: A.gather(0, -I), RuntimeError, "index -2 is out of bounds for dimension 0 with size 3"),
    (lambda: A.gather(2, I), IndexError, "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    (lambda: A.gather(1, ember.ones(4, 2, dtype=ember.int64)), RuntimeError,
     "Size does not match at dimension 0 expected index [4, 2] to be no larger than self [3, 4] apart from dimension 1"),
    (lambda: A.scatter(0, I, ember.ones(1, 1)), RuntimeError,
     "Expected index [2, 2] to be no larger than self [3, 4] apart from dimension 0 and to be no larger size than "
     "src [1, 1]"),
    (lambda: A.scatter(0, I, ember.ones(2, 2).double()), RuntimeError,
     "scatter(): Expected self.dtype to be equal to src.dtype"),
    (lambda: A.scatter(0, I, ember.tensor(2.0)), RuntimeError,
     "Index tensor must have the same number of dimensions as src tensor"),
    (lambda: A.scatter(0, I + 5, 1.0), RuntimeError, "index 5 is out of bounds for dimension 0 with size 3"),
    (lambda: A.scatter(0, -I, 1.0), RuntimeError, "index -2 is out of bounds for dimension 0 with size 3"),
    (lambda: A.scatter(0, I, 1.0, reduce="mean"), RuntimeError, "reduce argument must be either add or multiply."),
    (lambda: A.scatter_add(0, I.float(), ember.ones(3, 3)), RuntimeError,
     "scatter(): Expected dtype int32/int64 for index"),
    (lambda: A.index_select(0, ember.tensor([[1]])), IndexError, "index_select(): Index is supposed to be a vector"),
    (lambda: A.index_select(0, ember.tensor([5])), IndexError, "index out of range in self"),
    (lambda: A.index_select(0, ember.tensor([-1])), IndexError, "index out of range in self"),
    (lambda: A.index_select(0, ember.tensor([1.0])), RuntimeError,
     "index_select(): Expected dtype int32 or int64 for index"),
    (lambda: A.index_add(0, ember.tensor([0, 5]), ember.ones(2, 4)), RuntimeError,
     "index 5 is out of bounds for dimension 0 with size 3"),
    (lambda: A.index_add(0, ember.tensor([0, -1]), ember.ones(2, 4)), RuntimeError,
     "index -1 is out of bounds for dimension 0 with size 3"),
    (lambda: A.index_add(0, ember.tensor([0, 0]), ember.ones(3, 4)), RuntimeError,
     "index_add_(): Number of indices (2) should be equal to source.size(dim): (3), for dim: 0"),
    (lambda: A.index_add(0, ember.tensor([0, 0]), ember.ones(2, 4).double()), RuntimeError,
     "index_add_(): self (Float) and source (Double) must have the same scalar type"),
    (lambda: A.index_fill(1, ember.tensor([0]), ember.tensor([3.0])), RuntimeError,
     "index_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s)."),
    (lambda: A.index_fill(1, ember.tensor([7]), 3.0), IndexError, "index 7 is out of bounds for dimension 1 with size 4"),
    (lambda: A.masked_fill((A > 3).byte(), 0.0), RuntimeError,
     "masked_fill_ only supports boolean masks, but got mask with dtype unsigned char"),
    (lambda: A.masked_fill(A > 3, ember.tensor([2.0])), RuntimeError,
     "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s)."),
    (lambda: A.masked_fill(ember.tensor([True, False]), 1.0), RuntimeError,
     "The size of tensor a (2) must match the size of tensor b (4) at non-singleton dimension 1"),
    (lambda: A.masked_select((A > 3).float()), RuntimeError, "masked_select: expected BoolTensor for mask"),
    (lambda: A.masked_select(ember.tensor([True, False])), RuntimeError,
     "The size of tensor a (2) must match the size of tensor b (4) at non-singleton dimension 1"),
    (lambda: A.take(ember.tensor([12])), IndexError, "out of range: tried to access index 12 on a tensor of 12 elements."),
    (lambda: A.take(ember.tensor([-13])), IndexError,
     "out of range: tried to access index -13 on a tensor of 12 elements."),
    (lambda: A.take(ember.tensor([1.0])), RuntimeError, "take(): Expected a long tensor for index, but got Float"),
    (lambda: A.take(ember.tensor([1], dtype=ember.int32)), RuntimeError,
     "take(): Expected a long tensor for index, but got Int"),
])
def test_errors_as_torch(fn, error, message):
    with pytest.raises(error) as info:
        fn()
    assert str(info.value).startswith(message)


_index_item = st.one_of(st.integers(-3, 2), st.none(), st.just(Ellipsis),
                        st.builds(slice, st.one_of(st.none(), st.integers(-4, 4)), st.one_of(st.none(), st.integers(-4, 4)),
                                  st.one_of(st.none(), st.integers(1, 3))))


@settings(max_examples=30, deadline=None)
@given(st.lists(_index_item, max_size=4).filter(lambda k: k.count(Ellipsis) <= 1))
def test_random_basic_index_matches_torch(key):
    key = tuple(key)
    a = np.arange(24.0).reshape(2, 3, 4)
    try:
        t = torch.tensor(a, requires_grad=True)
        tr = t[key]
    except (IndexError, ValueError) as err:
        with pytest.raises(type(err)) as info:
            ember.tensor(a)[key]
        # torch's dimension number in this message is erratic after an ellipsis
        assert str(info.value).split("dimension")[0] == str(err).split("dimension")[0]
        return
    e = ember.tensor(a, requires_grad=True)
    er = e[key]
    _same(er.detach(), tr.detach())
    seed = np.random.default_rng(0).standard_normal(tuple(tr.shape))
    er.backward(ember.tensor(seed))
    tr.backward(torch.tensor(seed))
    np.testing.assert_array_equal(e.grad.numpy(), t.grad.numpy())
