"""Complex tensors in printing, creation, conversion and save/load, against torch (the oracle)."""
import io
import json
import warnings

import numpy as np
import pytest
import torch

import ember

_NAN, _INF = float("nan"), float("inf")
_rng = np.random.default_rng(0)
REPR_DATA = [
    [1.5 + 2j, -0.0 - 3j], [1 + 2j, 3 - 4j], 1 + 2j, 0j, complex(-0.0, -0.0), [1e-5 + 1j, 1.0], [1e10 + 1j, 2 - 1e-6j],
    [[1.5 + 2.25j, 3j], [-4.125 + 0.5j, 7 + 0j]], [complex(_NAN, 1), complex(1, _INF), complex(-_INF, _NAN)],
    [complex(1, -_INF), 2 + 0.5j], [123456.789 + 1j, 0.001 - 2j], np.arange(1200).reshape(30, 40) * (1 + 0.5j),
    np.arange(12).reshape(2, 3, 2) * (1.5 - 2j), [], np.zeros((0, 3), complex),
    _rng.standard_normal(30) + 1j * _rng.standard_normal(30), [1e-10j, 1e-10 + 0j], [0.1 + 0.2j] * 20,
]
PRINT_OPTIONS = [{}, dict(precision=2), dict(sci_mode=True), dict(sci_mode=False), dict(linewidth=40),
                 dict(threshold=5, edgeitems=2), dict(profile="short"), dict(edgeitems=0, threshold=3)]


@pytest.mark.parametrize("options", PRINT_OPTIONS, ids=str)
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_repr_matches_torch(options, dtype):
    for data in REPR_DATA:
        for mod in (torch, ember):
            mod.set_printoptions(**options)
        try:
            expected = repr(torch.tensor(data, dtype=getattr(torch, dtype))).replace("torch.", "ember.")
            got = repr(ember.tensor(data, dtype=getattr(ember, dtype)))
        finally:
            for mod in (torch, ember):
                mod.set_printoptions(profile="default", sci_mode=None)
        assert got == expected, data


def test_repr_suffixes_follow_default_complex_dtype():
    def reprs(mod):
        return [repr(mod.tensor([1 + 2j])), repr(mod.tensor([1 + 2j], dtype=mod.complex64)),
                str(mod.tensor(2.5j, requires_grad=True) * 2), repr(mod.tensor([1j], requires_grad=True)),
                repr(mod.empty(0, dtype=mod.complex64))]

    expected = [s.replace("torch.", "ember.") for s in reprs(torch)]
    assert reprs(ember) == expected
    for mod in (torch, ember):
        mod.set_default_dtype(mod.float64)
    try:
        expected = [s.replace("torch.", "ember.") for s in reprs(torch)]
        assert reprs(ember) == expected
    finally:
        for mod in (torch, ember):
            mod.set_default_dtype(mod.float32)


def _outcome(mod, expr):
    """The value (dtype and numbers) or the error (type and message) of expr with mod for torch/ember."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = eval(expr, {"mod": mod, "np": np})
    except Exception as e:
        return type(e).__name__, str(e)
    if isinstance(r, (torch.Tensor, ember.Tensor)):
        return str(r.dtype).split(".")[-1], tuple(r.shape), r.detach().numpy().tolist()
    return r.replace("torch.", "ember.") if isinstance(r, str) else r


CREATION = [
    "mod.tensor([1.5 + 2j, -3j])", "mod.tensor(1 + 2j)", "mod.tensor([True, 2j])", "mod.tensor([1, 2.5j])",
    "mod.tensor([1 + 2j], dtype=mod.complex128)", "mod.tensor([1.0, 2.0], dtype=mod.complex64)",
    "mod.tensor(np.array([1 + 2j]))", "mod.tensor(np.array([1 + 2j], np.complex64))",
    "mod.tensor([np.complex64(1 + 1j), 2.0])", "mod.tensor([np.complex128(1 + 1j), 2.0])",
    "mod.tensor([1.0, mod.tensor(2j)])", "mod.as_tensor([1 + 1j], dtype=mod.complex128)",
    "mod.from_numpy(np.array([[1 + 2j, 3j]]))", "mod.tensor([1 + 1j], dtype=mod.bool)",
    "mod.tensor([1 + 1j], dtype=mod.float32)", "mod.tensor([1 + 0j], dtype=mod.float64)",
    "mod.tensor([1, 1 + 1j], dtype=mod.int64)", "mod.tensor([1j], dtype=mod.uint8)",
    "mod.as_tensor([1j], dtype=mod.float32)", "mod.tensor(np.array([1 + 1j]), dtype=mod.float32)",
    "mod.tensor([np.complex128(1 + 1j)], dtype=mod.float32)", "mod.FloatTensor([1j])",
    "mod.zeros(2, 3, dtype=mod.complex64)", "mod.ones(2, dtype=mod.cdouble)", "mod.empty(0, 2, dtype=mod.complex128)",
    "mod.empty(2, dtype=mod.complex64).zero_()", "mod.eye(2, 3, dtype=mod.complex128)",
    "mod.full((2,), 1 + 1j)", "mod.full((2,), 2, dtype=mod.complex64)", "mod.full((2,), 1 + 1j, dtype=mod.bool)",
    "mod.full((2,), 1 + 1j, dtype=mod.float32)", "mod.full((2,), 1 + 1j, dtype=mod.float64)",
    "mod.full((2,), 1 + 1j, dtype=mod.float16)", "mod.full((2,), 1 + 1j, dtype=mod.int64)",
    "mod.full((2,), 1 + 1j, dtype=mod.int32)", "mod.full((2,), 1 + 1j, dtype=mod.int16)",
    "mod.full((2,), 1 + 1j, dtype=mod.int8)", "mod.full((2,), 1 + 1j, dtype=mod.uint8)",
    "mod.full((2,), 1 + 0j, dtype=mod.float32)", "mod.scalar_tensor(1 + 1j)",
    "mod.scalar_tensor(1 + 1j, dtype=mod.complex64)", "mod.scalar_tensor(True)",
    "mod.zeros_like(mod.tensor([1j]))", "mod.ones_like(mod.tensor([1.0]), dtype=mod.complex128)",
    "mod.full_like(mod.tensor([1.0]), 1j)", "mod.full_like(mod.tensor([1j]), 2)",
    "mod.empty_like(mod.tensor([[1j]], dtype=mod.complex128)).zero_()",
    "mod.tensor([1j]).new_zeros(2)", "mod.tensor([1j]).new_ones(2)", "mod.tensor([1j]).new_empty(2).zero_()",
    "mod.tensor([1.0]).new_full((2,), 1j)", "mod.tensor([1j]).new_full((2,), 1j)",
    "mod.tensor([1j]).new_tensor([1, 2])", "mod.tensor([1.0]).new_tensor([1j])",
    "mod.arange(3, dtype=mod.complex64)", "mod.arange(0, 3, dtype=mod.complex128)", "mod.arange(1j)",
    "mod.arange(0, 3, 1 + 0j)", "mod.range(0, 2, dtype=mod.complex64)",
    "mod.linspace(0, 1 + 1j, 3)", "mod.linspace(-1 + 2j, 2.5 - 1j, 6, dtype=mod.complex128)",
    "mod.linspace(-1, 2.5, 5, dtype=mod.complex64)", "mod.linspace(-1 + 2j, 2.5 - 1j, 1)",
    "mod.linspace(1j, 2, 0)", "mod.linspace(mod.tensor(0j), 1, 2)", "mod.linspace(0j, 1, 3, dtype=mod.float32)",
    "mod.linspace(0, 1j, 3, dtype=mod.int64)", "mod.linspace(0, 1j, 3, dtype=mod.float16)",
    "mod.logspace(0, 1 + 1j, 3)", "mod.logspace(0, 1j, 3, base=2)", "mod.logspace(-1, 1, 3, dtype=mod.complex128)",
    "mod.logspace(0, 1j, 3, dtype=mod.float64)",
    "mod.randint(3, (2,), dtype=mod.complex64)", "mod.randint_like(mod.tensor([1j]), 3)",
    "mod.randperm(3, dtype=mod.complex128)", "mod.bernoulli(mod.tensor([0.5j]))",
    "mod.bernoulli(mod.tensor([0.5j]), 0.5)", "mod.poisson(mod.tensor([0.5j]))",
    "mod.multinomial(mod.tensor([0.5j, 1]), 1)", "mod.multinomial(mod.tensor([1, 2]), 1)",
]


@pytest.mark.parametrize("expr", CREATION)
def test_creation_matches_torch(expr):
    expected, got = _outcome(torch, expr), _outcome(ember, expr)
    if len(expected) == 3 and isinstance(expected[2], list):
        assert got[:2] == expected[:2]
        np.testing.assert_allclose(np.array(got[2], complex), np.array(expected[2], complex), rtol=1e-6, atol=1e-6)
    else:
        assert got == expected


def _part_stats(t):
    a = t.numpy()
    return [a.real.mean(), a.imag.mean(), a.real.var(), a.imag.var(), (a.real * a.imag).mean()]


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_random_sampling_has_torchs_distribution(dtype):
    ember.manual_seed(0)
    n = 40000
    u = ember.rand(n, dtype=getattr(ember, dtype))
    assert u.dtype is getattr(ember, dtype)
    assert 0 <= u.numpy().real.min() and u.numpy().real.max() < 1 and 0 <= u.numpy().imag.min()
    np.testing.assert_allclose(_part_stats(u), [0.5, 0.5, 1 / 12, 1 / 12, 0.25], atol=0.01)
    z = ember.randn(n, dtype=getattr(ember, dtype))
    np.testing.assert_allclose(_part_stats(z), [0, 0, 0.5, 0.5, 0], atol=0.02)
    g = ember.normal(2.0, 3.0, (n,), dtype=getattr(ember, dtype))
    assert g.dtype is getattr(ember, dtype)
    np.testing.assert_allclose(_part_stats(g), [2, 2, 4.5, 4.5, 4], rtol=0.05)
    like = ember.randn_like(ember.zeros(3, 2, dtype=getattr(ember, dtype)))
    assert like.dtype is getattr(ember, dtype) and like.shape == (3, 2)
    t = ember.normal(ember.full((n,), 1 + 1j, dtype=getattr(ember, dtype)), 2.0)
    np.testing.assert_allclose(_part_stats(t), [1, 1, 2, 2, 1], atol=0.1)


def test_rand_like_of_complex_matches_torchs_dtype_and_range():
    for mod in (torch, ember):
        r = mod.rand_like(mod.zeros(500, dtype=mod.complex128))
        assert str(r.dtype).endswith("complex128")
        assert 0 <= r.real.min().item() and r.imag.max().item() < 1


CONVERSIONS = [
    "mod.tensor(1 + 0j).item()", "mod.tensor([[1 + 2j]], dtype=mod.complex128).item()",
    "mod.tensor([[1 + 2j, -3j]]).tolist()", "float(mod.tensor(1 + 0j))", "float(mod.tensor(1 + 1j))",
    "int(mod.tensor(3.7 + 0j))", "int(mod.tensor(3 + 1j))", "complex(mod.tensor(3 + 1j))", "complex(mod.tensor(3.0))",
    "bool(mod.tensor(1j))", "bool(mod.tensor(0j))", "f'{mod.tensor(1 + 1j)}'", "f'{mod.tensor(1 + 1j):.2f}'",
    "mod.tensor([1j]).__index__()", "mod.tensor([1j]).cfloat()", "mod.tensor([1.0]).cdouble()",
    "mod.tensor([1, 2]).cfloat()", "mod.tensor([1 + 2j]).cdouble()", "mod.tensor([1 + 2j]).to(mod.complex128)",
    "mod.tensor([1.0]).to(complex)", "mod.tensor([1 + 2j]).float()", "mod.tensor([1.5 + 2j]).long()",
    "mod.tensor([1.5 + 2j]).double()", "mod.tensor([1.5 + 2j]).half()", "mod.tensor([1j, 0j]).bool()",
    "mod.tensor([1j]).type(mod.complex128)", "mod.tensor([2 + 1j]).type('torch.ComplexDoubleTensor')",
    "mod.tensor([1.0]).type('torch.ComplexFloatTensor')", "mod.tensor([1 + 1j]).type('torch.FloatTensor')",
    "mod.tensor([1 + 1j]).type()", "mod.tensor([1 + 1j], dtype=mod.complex128).type()",
    "mod.tensor([1j]).is_complex()", "mod.tensor([1j]).is_floating_point()", "mod.tensor([1j]).element_size()",
    "str(mod.tensor([1j], dtype=mod.complex128).numpy().dtype)", "mod.tensor([1 + 2j]).numpy().tolist()",
    "repr(mod.finfo(mod.complex64))", "repr(mod.finfo(mod.complex128))",
    "mod.finfo(mod.cfloat) == mod.finfo(mod.float32)", "mod.finfo(mod.complex128).eps", "mod.iinfo(mod.complex64)",
]


@pytest.mark.parametrize("expr", CONVERSIONS)
def test_conversion_matches_torch(expr):
    assert _outcome(ember, expr) == _outcome(torch, expr)


def test_complex_to_real_cast_warns_and_keeps_the_real_part():
    ember.set_warn_always(True)
    try:
        x = ember.tensor([1.5 + 2j, -3j], requires_grad=True)
        for cast in (lambda: x.float(), lambda: x.to(ember.int32), lambda: x.type(ember.float64),
                     lambda: ember.tensor(np.array([1.5 + 2j]), dtype=ember.float32),
                     lambda: ember.as_tensor(x.detach(), dtype=ember.float64)):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                y = cast()
            assert [(w.category, str(w.message)) for w in caught] == \
                [(UserWarning, "Casting complex values to real discards the imaginary part")]
            assert y.numpy().tolist() == [1.5] if y.numel() == 1 else y.detach().numpy().tolist()[0] in (1.5, 1)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert x.detach().bool().tolist() == [True, True] and x.cdouble().dtype is ember.complex128
        assert caught == []
    finally:
        ember.set_warn_always(False)
    y = x.float()
    assert y.grad_fn.name() == "ToCopyBackward0" and y.tolist() == [1.5, 0.0]
    (y * ember.tensor([2.0, 3.0])).sum().backward()
    assert x.grad.dtype is ember.complex64 and x.grad.numpy().real.tolist() == [2.0, 3.0]
    assert np.abs(x.grad.numpy().imag).tolist() == [0.0, 0.0]


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_save_load_round_trip(dtype):
    dt = getattr(ember, dtype)
    x = ember.tensor([[1 + 2j, 3 - 4j, -0.5j]], dtype=dt)
    state = {"a": x, "t": x.t(), "s": ember.tensor(5 - 1j, dtype=dt, requires_grad=True), "r": ember.ones(2),
             "same": x}
    buf = io.BytesIO()
    ember.save(state, buf)
    loaded = ember.load(io.BytesIO(buf.getvalue()))
    for key in ("a", "t", "s", "r"):
        assert loaded[key].dtype is state[key].dtype and loaded[key].tolist() == state[key].tolist()
    assert loaded["s"].requires_grad and loaded["same"] is loaded["a"]
    from safetensors.torch import load as torch_load
    read_by_torch = torch_load(buf.getvalue())
    expected = torch.tensor(x.numpy())
    torch.testing.assert_close(read_by_torch["a"], expected if dtype == "complex64" else torch.view_as_real(expected))


def test_load_reads_torchs_complex64_safetensors():
    from safetensors.torch import save as torch_save
    data = torch_save({"w": torch.tensor([[1 + 2j, -3j]])})
    w = ember.load(io.BytesIO(data))["w"]
    assert w.dtype is ember.complex64 and w.tolist() == [[1 + 2j, -3j]]


def test_load_refuses_a_complex128_mark_on_other_data():
    import safetensors.numpy
    structure = json.dumps({"dict": [["a", {"tensor": "a", "complex128": True}]]})
    data = safetensors.numpy.save({"a": np.zeros((2, 3))}, metadata={"format": "pt", "ember": structure})
    with pytest.raises(RuntimeError, match="is marked complex128 but is not float64 pairs"):
        ember.load(io.BytesIO(data))


def test_normal_refuses_complex_numbers_as_torch():
    for mod in (torch, ember):
        with pytest.raises(TypeError, match=r"^normal\(\) received an invalid combination of arguments"):
            mod.normal(1 + 2j, 1.0, (3,), dtype=mod.complex64)
