"""dtypes: promote_types, result_type and can_cast against torch for every pair; the default dtype."""
import itertools

import numpy as np
import pytest
import torch

import ember

NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
PAIRS = list(itertools.product(NAMES, NAMES))
SCALARS = [True, False, 0, 1, -3, 2 ** 40, 1.5, -0.0]


def name(d):
    return str(d).split(".")[-1]


@pytest.mark.parametrize("a,b", PAIRS)
def test_promote_types_and_can_cast(a, b):
    ta, tb, ea, eb = getattr(torch, a), getattr(torch, b), getattr(ember, a), getattr(ember, b)
    assert ember.promote_types(ea, eb).name == name(torch.promote_types(ta, tb))
    assert ember.can_cast(ea, eb) == torch.can_cast(ta, tb)


@pytest.mark.parametrize("a,b", PAIRS)
def test_result_type_of_tensors_and_zero_dim_tensors(a, b):
    for sa, sb in itertools.product([(), (2,)], repeat=2):
        t = torch.result_type(torch.zeros(sa, dtype=getattr(torch, a)), torch.zeros(sb, dtype=getattr(torch, b)))
        e = ember.result_type(ember.zeros(sa, dtype=getattr(ember, a)), ember.zeros(sb, dtype=getattr(ember, b)))
        assert e.name == name(t), (sa, sb)


@pytest.mark.parametrize("a", NAMES)
def test_result_type_with_python_scalars(a):
    for s, shape in itertools.product(SCALARS, [(), (2,)]):
        tt, et = torch.zeros(shape, dtype=getattr(torch, a)), ember.zeros(shape, dtype=getattr(ember, a))
        assert ember.result_type(et, s).name == name(torch.result_type(tt, s)), (s, shape)
        assert ember.result_type(s, et).name == name(torch.result_type(s, tt)), (s, shape)


def test_result_type_of_two_scalars():
    for s1, s2 in itertools.product([True, 1, 1.5], repeat=2):
        assert ember.result_type(s1, s2).name == name(torch.result_type(s1, s2))


def test_result_type_follows_the_default_dtype():
    ember.set_default_dtype(ember.float64)
    torch.set_default_dtype(torch.float64)
    try:
        for a in NAMES:
            t = torch.result_type(torch.zeros(2, dtype=getattr(torch, a)), 1.5)
            assert ember.result_type(ember.zeros(2, dtype=getattr(ember, a)), 1.5).name == name(t)
    finally:
        ember.set_default_dtype(ember.float32)
        torch.set_default_dtype(torch.float32)


def test_set_default_dtype_changes_creation():
    assert ember.get_default_dtype() is ember.float32
    ember.set_default_dtype(ember.float64)
    try:
        assert ember.tensor([1.0]).dtype is ember.float64
        assert ember.zeros(2).dtype is ember.float64
        assert ember.arange(0, 1, 0.5).dtype is ember.float64
        assert ember.full((2,), 1.5).dtype is ember.float64
        assert ember.tensor(np.float32(1.0)).dtype is ember.float32
        assert ember.tensor([1]).dtype is ember.int64
    finally:
        ember.set_default_dtype(ember.float32)
    assert ember.zeros(2).dtype is ember.float32


def test_set_default_dtype_rejects_integers():
    with pytest.raises(TypeError, match="^only floating-point types are supported as the default type$"):
        ember.set_default_dtype(ember.int64)
    assert ember.get_default_dtype() is ember.float32


@pytest.mark.parametrize("n", NAMES)
def test_dtype_attributes(n):
    t, e = getattr(torch, n), getattr(ember, n)
    assert repr(e) == f"ember.{n}"
    assert (e.is_floating_point, e.is_complex, e.is_signed, e.itemsize) == \
        (t.is_floating_point, t.is_complex, t.is_signed, t.itemsize)


def test_aliases_and_conversions():
    assert (ember.half, ember.float, ember.double, ember.short, ember.int, ember.long) == \
        (ember.float16, ember.float32, ember.float64, ember.int16, ember.int32, ember.int64)
    assert ember.tensor([1, 2]).to(float).dtype is ember.float64    # as torch
    assert ember.tensor([1.5]).to(int).dtype is ember.int64
    assert ember.tensor([1.5]).to(bool).dtype is ember.bool
    assert ember.zeros(2, dtype=np.complex64).dtype is ember.complex64 and ember.tensor([1.5]).to(complex).dtype is \
        ember.complex128
    with pytest.raises(TypeError, match="not supported by ember"):
        ember.zeros(2, dtype=np.longdouble)


def test_dtypes_pickle_to_the_same_object():
    import pickle
    for n in NAMES:
        assert pickle.loads(pickle.dumps(getattr(ember, n))) is getattr(ember, n)


@pytest.mark.parametrize("name", ["float16", "float32", "float64", None])
def test_finfo_matches_torch(name):
    ours = ember.finfo(getattr(ember, name)) if name else ember.finfo()
    theirs = torch.finfo(getattr(torch, name)) if name else torch.finfo()
    assert repr(ours) == repr(theirs)
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
        assert type(getattr(ours, attr)) is type(getattr(theirs, attr)), attr


def test_finfo_and_iinfo_compare_by_dtype_and_are_unhashable_as_torch():
    assert ember.finfo(ember.float32) == ember.finfo() and ember.finfo(ember.float32) != ember.finfo(ember.float64)
    assert ember.iinfo(ember.int8) == ember.iinfo(ember.int8) and ember.iinfo(ember.int8) != ember.iinfo(ember.uint8)
    for info in (ember.finfo(), ember.iinfo(ember.int8)):
        with pytest.raises(TypeError, match="unhashable"):
            hash(info)


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo_matches_torch(name):
    ours, theirs = ember.iinfo(getattr(ember, name)), torch.iinfo(getattr(torch, name))
    assert repr(ours) == repr(theirs)
    assert (ours.bits, ours.max, ours.min, ours.dtype) == (theirs.bits, theirs.max, theirs.min, theirs.dtype)


@pytest.mark.parametrize("fn, arg", [("finfo", "int32"), ("iinfo", "float32"), ("iinfo", "bool")])
def test_finfo_iinfo_errors_match_torch(fn, arg):
    with pytest.raises(TypeError) as theirs:
        getattr(torch, fn)(getattr(torch, arg))
    with pytest.raises(TypeError) as ours:
        getattr(ember, fn)(getattr(ember, arg))
    assert str(ours.value) == str(theirs.value)


def test_numel():
    assert ember.numel(ember.ones(2, 3)) == torch.numel(torch.ones(2, 3)) == 6
    assert ember.numel(ember.tensor(5.)) == 1 and ember.numel(ember.zeros(0, 4)) == 0
    with pytest.raises(TypeError, match=r"numel\(\): argument 'input' \(position 1\) must be Tensor, not list"):
        ember.numel([1, 2])
