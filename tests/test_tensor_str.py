"""Printing: str/repr of ember tensors equals PyTorch's with 'torch.' written 'ember.'."""
import numpy as np
import pytest
import torch

import ember
from ember._tensor_str import get_printoptions, printoptions, set_printoptions

SHAPES = [(), (1,), (5,), (3, 4), (2, 3, 4), (2, 2, 3, 3), (30,), (7, 13), (1001,), (40, 40), (3, 20, 20),
          (2, 3, 11, 17), (0,), (0, 3), (2, 0, 4)]
SCALES = [1e-8, 1e-5, 1e-3, 1.0, 10.0, 1e3, 1e5, 1e9, 1e20]


def expected(a, dtype=None, requires_grad=False):
    return str(torch.tensor(a, dtype=dtype, requires_grad=requires_grad)).replace("torch.", "ember.")


def got(a, dtype=None, requires_grad=False):
    dt = None if dtype is None else getattr(ember, str(dtype).split(".")[-1])
    return str(ember.tensor(a, dtype=dt, requires_grad=requires_grad))


@pytest.fixture(autouse=True)
def _default_options():
    yield
    set_printoptions(profile="default")
    torch.set_printoptions(profile="default")


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_floats_of_many_magnitudes(shape):
    rng = np.random.default_rng(len(shape) * 100 + sum(shape))
    for scale in SCALES:
        x = rng.standard_normal(shape) * scale
        for a in (x, x.astype(np.float32), np.round(x)):
            assert got(a) == expected(a)
        if scale < 1e4:
            assert got(x, torch.float16) == expected(x, torch.float16)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_ints_bools_and_small_int_types(shape):
    rng = np.random.default_rng(sum(shape) + 7)
    for a in (rng.integers(-1000, 1000, shape), rng.integers(0, 2, shape).astype(bool),
              rng.integers(0, 255, shape).astype(np.uint8), rng.integers(-9, 9, shape).astype(np.int16)):
        assert got(a) == expected(a)


@pytest.mark.parametrize("shape", [(3,), (4, 5), (2, 3, 4)], ids=str)
def test_nonfinite_and_negative_zero(shape):
    x = np.random.default_rng(3).standard_normal(shape)
    x.flat[0], x.flat[1], x.flat[2] = np.nan, np.inf, -0.0
    assert got(x) == expected(x)
    assert got(np.round(x)) == expected(np.round(x))


@pytest.mark.parametrize("values", [[0.0, 0.0], [-0.0, 1.0], [np.nan], [np.inf, -np.inf], [1e-5, 1.0], 1e10,
                                    -0.0, [1.5, np.nan], [1e8, 1.0], [123456789.0], [1.0, 1001.0]], ids=str)
def test_special_values(values):
    assert got(values) == expected(values)


def test_exact_strings():
    assert str(ember.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert str(ember.tensor(2.5)) == "tensor(2.5000)"
    assert str(ember.zeros(0, 3)) == "tensor([], size=(0, 3))"
    assert str(ember.zeros(0, dtype=ember.int64)) == "tensor([], dtype=ember.int64)"
    assert str(ember.tensor([1, 2], dtype=ember.int32)) == "tensor([1, 2], dtype=ember.int32)"
    assert str(ember.tensor([1.0], dtype=ember.float64)) == "tensor([1.], dtype=ember.float64)"
    assert repr(ember.tensor([True])) == "tensor([True])"


def test_requires_grad_and_grad_fn_suffixes():
    rng = np.random.default_rng(5)
    for shape in [(3,), (4, 5), (25, 50), (2, 3, 200)]:
        a = rng.standard_normal(shape)
        t, e = torch.tensor(a, requires_grad=True), ember.tensor(a, requires_grad=True)
        assert str(e) == str(t).replace("torch.", "ember.")
        assert str(e * 2) == str(t * 2).replace("torch.", "ember.")
        assert str(e.sum() * 0 + 1.5) == "tensor(1.5000, dtype=ember.float64, grad_fn=<AddBackward0>)"


def test_suffix_wraps_to_a_new_line():
    a = np.linspace(-1, 1, 11)     # two lines, the second too long for both suffixes
    t, e = torch.tensor(a, requires_grad=True) * 2, ember.tensor(a, requires_grad=True) * 2
    assert str(e).endswith("2.0000], dtype=ember.float64,\n       grad_fn=<MulBackward0>)")
    assert str(e) == str(t).replace("torch.", "ember.")


OPTIONS = [dict(precision=2), dict(threshold=5), dict(edgeitems=1, threshold=10), dict(linewidth=40),
           dict(sci_mode=True), dict(sci_mode=False), dict(profile="short"), dict(profile="full"),
           dict(edgeitems=0, threshold=10), dict(edgeitems=0), dict(linewidth=120, precision=6)]


@pytest.mark.parametrize("opts", OPTIONS, ids=str)
def test_set_printoptions(opts):
    rng = np.random.default_rng(11)
    arrays = [rng.standard_normal(s) * sc for s in [(3,), (8,), (4, 5), (25, 50), (5, 5, 5, 5), (1001,)]
              for sc in (1.0, 1e-5, 1e6)] + [rng.integers(-5, 5, (50, 50)), rng.integers(-5, 5, (3,))]
    torch.set_printoptions(**opts)
    set_printoptions(**opts)
    for a in arrays:
        assert got(a) == expected(a)
        assert got(a.astype(np.float32)) == expected(a.astype(np.float32))


def test_printoptions_context_and_get():
    with printoptions(precision=1, sci_mode=False):
        assert str(ember.tensor([1.25, 1e-6])) == "tensor([1.2, 0.0])"
        assert get_printoptions()["precision"] == 1
    assert get_printoptions() == dict(precision=4, threshold=1000, edgeitems=3, linewidth=80, sci_mode=None)


def test_default_dtype_changes_the_suffix():
    old = ember.get_default_dtype()
    ember.set_default_dtype(ember.float64)
    torch.set_default_dtype(torch.float64)
    try:
        for a in ([1.5, 2.0], np.array([1.5], dtype=np.float32), []):
            assert str(ember.tensor(a)) == str(torch.tensor(a)).replace("torch.", "ember.")
    finally:
        ember.set_default_dtype(old)
        torch.set_default_dtype(torch.float32)


def test_type_name_of_arrays():
    from ember._tensor_str import type_name
    assert type_name(np.zeros(2, np.float32)) == "ember.FloatTensor"
    assert type_name(np.zeros(2, np.int64)) == "ember.LongTensor"


def test_repr_html_shows_summary_and_escaped_repr():
    x = ember.tensor([[1.0, 2.0]], requires_grad=True)
    y = x * 2
    assert y._repr_html_() == (
        '<div class="ember-tensor"><div style="font-family: monospace; color: #666">Tensor of shape (1, 2), '
        'ember.float32, on cpu, grad_fn=&lt;MulBackward0&gt;</div><pre>tensor([[2., 4.]], '
        'grad_fn=&lt;MulBackward0&gt;)</pre></div>')
    assert x._repr_html_() == (
        '<div class="ember-tensor"><div style="font-family: monospace; color: #666">Tensor of shape (1, 2), '
        'ember.float32, on cpu, requires_grad=True</div><pre>tensor([[1., 2.]], requires_grad=True)</pre></div>')


@pytest.mark.parametrize("t", [ember.tensor(3), ember.zeros(0, 3, dtype=ember.int64), ember.arange(2000.0),
                               ember.tensor([True, False])])
def test_repr_html_holds_repr_for_any_tensor(t):
    import html
    page = t._repr_html_()
    summary = f"Tensor of shape {tuple(t.shape)}, {t.dtype}, on cpu, requires_grad=False"
    assert page.count("<pre>") == 1 and f">{summary}</div>" in page
    assert html.unescape(page.split("<pre>")[1].split("</pre>")[0]) == repr(t)
    assert "..." in page if t.numel() > 1000 else "..." not in page


def test_repr_html_of_a_parameter_uses_its_repr():
    p = ember.nn.Parameter(ember.tensor([1.5]))
    assert p._repr_html_() == (
        '<div class="ember-tensor"><div style="font-family: monospace; color: #666">Parameter of shape (1,), '
        'ember.float32, on cpu, requires_grad=True</div><pre>Parameter containing:\ntensor([1.5000], '
        'requires_grad=True)</pre></div>')
