"""default_collate and default_convert against torch.utils.data's."""
import collections

import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import ember
import ember.utils.data as edata
from tests.utils.data.compare import assert_same, assert_same_error

Point = collections.namedtuple("Point", ["x", "y"])


class Opaque:
    """A type default_collate does not know."""


def _both(make):
    """make(mod) builds a batch with tensors from mod (ember or torch): the ember and the torch batch."""
    return make(ember), make(torch)


BATCHES = {
    "ints": lambda m: [0, 1, 2, 3],
    "floats": lambda m: [0.5, 1.0, -2.25],
    "bools": lambda m: [True, False],
    "strings": lambda m: ["a", "bc"],
    "bytes": lambda m: [b"a", b"bc"],
    "tensors_f32": lambda m: [m.tensor([1., 2.]), m.tensor([3., 4.])],
    "tensors_0d_i64": lambda m: [m.tensor(3), m.tensor(4)],
    "tensors_f64_2d": lambda m: [m.tensor([[1., 2.]], dtype=m.float64), m.tensor([[3., 4.]], dtype=m.float64)],
    "numpy_arrays": lambda m: [np.arange(3, dtype=np.float32), np.arange(3, 6, dtype=np.float32)],
    "numpy_int_arrays": lambda m: [np.arange(4).reshape(2, 2), np.ones((2, 2), dtype=np.int64)],
    "numpy_scalars_f32": lambda m: [np.float32(1.5), np.float32(2)],
    "numpy_scalars_i32": lambda m: [np.int32(1), np.int32(2)],
    "numpy_scalars_f64": lambda m: [np.float64(1.5), np.float64(2)],
    "numpy_bools": lambda m: [np.bool_(True), np.bool_(False)],
    "tuples": lambda m: [(m.tensor([1., 2.]), 0), (m.tensor([3., 4.]), 1)],
    "tuple_with_strings": lambda m: [("a", 1), ("b", 2)],
    "lists": lambda m: [[0, 1], [2, 3]],
    "dicts": lambda m: [{"A": 0, "B": m.tensor([1.])}, {"A": 100, "B": m.tensor([2.])}],
    "ordered_dicts": lambda m: [collections.OrderedDict(b=1.5, a="x"), collections.OrderedDict(b=2.5, a="y")],
    "namedtuples": lambda m: [Point(0, m.tensor([1., 2.])), Point(1, m.tensor([3., 4.]))],
    "nested": lambda m: [{"pt": Point((1, 2.0), "s"), "l": [np.float32(1)]},
                         {"pt": Point((3, 4.0), "t"), "l": [np.float32(2)]}],
    "single": lambda m: [(m.tensor([1, 2]), {"k": 3.0})],
}


@pytest.mark.parametrize("name", sorted(BATCHES))
def test_default_collate_matches_torch(name):
    e, t = _both(BATCHES[name])
    assert_same(edata.default_collate(e), tdata.default_collate(t))


@pytest.mark.parametrize("name", sorted(BATCHES))
def test_default_convert_matches_torch(name):
    e, t = _both(BATCHES[name])
    assert_same(edata.default_convert(e), tdata.default_convert(t))


def test_default_convert_leaves():
    for data in (np.array(["a", "b"]), np.array([1, None], dtype=object), np.str_("a"), 3, 2.5, "s", None):
        assert_same(edata.default_convert(data), tdata.default_convert(data))
    assert_same(edata.default_convert(np.arange(4.).reshape(2, 2)), tdata.default_convert(np.arange(4.).reshape(2, 2)))
    assert_same(edata.default_convert(np.float32(2)), tdata.default_convert(np.float32(2)))
    assert_same(edata.default_convert(Point(np.array(0), 1)), tdata.default_convert(Point(np.array(0), 1)))
    t = ember.tensor([1.])
    assert edata.default_convert(t) is t


def test_default_collate_keeps_shared_rows_separate():
    x = ember.tensor([[1., 2.], [3., 4.]])
    out = edata.default_collate([x[0], x[1]])
    out[0, 0] = 9.
    assert x[0, 0].item() == 1.


@pytest.mark.parametrize("make", [
    lambda m: [[1, 2], [3]],                                     # ragged sequences
    lambda m: [(1, 2), (3, 4, 5)],
    lambda m: [m.zeros(2), m.zeros(3)],                          # tensors of different sizes
    lambda m: [np.zeros(2), np.zeros(3)],
    lambda m: [Opaque(), Opaque()],                              # unsupported element types
    lambda m: [None, None],
    lambda m: [np.array(["a"]), np.array(["b"])],                # NumPy string / object arrays
    lambda m: [np.array([None], dtype=object), np.array([1], dtype=object)],
])
def test_default_collate_errors(make):
    e, t = _both(make)
    assert_same_error(lambda: edata.default_collate(e), lambda: tdata.default_collate(t))
