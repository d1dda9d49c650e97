"""The op registry's checker: every op against PyTorch (the oracle) and finite differences.

An OpSpec names an op in ember and in torch and the input shapes to try. check_op runs, for each case:
values and gradients against torch in float64 and float32, gradcheck (float64), gradgradcheck where
asked, a non-contiguous variant of the inputs, and the 0-d/empty shapes the spec lists.
"""
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck


@dataclass
class OpSpec:
    name: str
    ember_fn: Callable          # called with ember tensors: ember_fn(*inputs)
    torch_fn: Callable          # called with torch tensors the same way
    shapes: list                # each case: a tuple of input shapes, e.g. [((3, 4),), ((2, 1), (3,))]
    domain: tuple = (-2.0, 2.0)  # inputs are drawn uniformly from this range
    grad: bool = True           # compare gradients and run gradcheck
    gradgrad: bool = True       # run gradgradcheck
    make: Optional[Callable] = None   # make(rng, shapes) -> list of float64 numpy arrays (custom inputs)
    nondiff: tuple = ()         # input positions that are not differentiated (indices, masks)
    atol: float = 1e-5
    rtol: float = 1e-4
    ids: list = field(default_factory=list)


def _inputs(spec, case, rng):
    if spec.make is not None:
        return [np.asarray(a) for a in spec.make(rng, case)]
    lo, hi = spec.domain
    return [rng.uniform(lo, hi, size=s) for s in case]


def _run(fn, arrays, mod, dtype, spec, noncontig=False):
    ts = []
    for i, a in enumerate(arrays):
        if a.dtype.kind == "f":
            a = a.astype(dtype)
        if noncontig and a.ndim >= 2:  # same values, transposed memory layout
            t = mod.from_numpy(np.ascontiguousarray(np.swapaxes(a, -1, -2))).transpose(-1, -2)
        else:
            t = mod.tensor(a)
        if spec.grad and i not in spec.nondiff and a.dtype.kind == "f":
            t.requires_grad_(True)
        ts.append(t)
    out = fn(*ts)
    return ts, out


def _outs(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _np(t):
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


def compare(spec, arrays, dtype, noncontig=False):
    """Values and first derivatives of ember against torch for one input set."""
    tol = dict(atol=spec.atol, rtol=spec.rtol) if dtype == np.float64 else dict(atol=1e-4, rtol=1e-3)
    e_in, e_out = _run(spec.ember_fn, arrays, ember, dtype, spec, noncontig)
    t_in, t_out = _run(spec.torch_fn, arrays, torch, dtype, spec, noncontig)
    e_outs, t_outs = _outs(e_out), _outs(t_out)
    assert len(e_outs) == len(t_outs)
    for eo, to in zip(e_outs, t_outs):
        assert tuple(eo.shape) == tuple(to.shape), f"{spec.name}: shape {tuple(eo.shape)} != {tuple(to.shape)}"
        assert str(eo.dtype).split(".")[-1] == str(to.dtype).split(".")[-1], f"{spec.name}: dtype {eo.dtype} != {to.dtype}"
        np.testing.assert_allclose(_np(eo), _np(to), **tol, err_msg=f"{spec.name} value")
    if not spec.grad:
        return
    diff = [(eo, to) for eo, to in zip(e_outs, t_outs) if to.requires_grad]
    if not diff:
        return
    rng = np.random.default_rng(1)
    e_seeds, t_seeds = [], []
    for eo, to in diff:
        s = rng.standard_normal(tuple(to.shape)).astype(_np(to).dtype)
        e_seeds.append(ember.tensor(s))
        t_seeds.append(torch.tensor(s))
    e_want = [t for t in e_in if t.requires_grad]
    t_want = [t for t in t_in if t.requires_grad]
    e_g = ember.autograd.grad([e for e, _ in diff], e_want, e_seeds, allow_unused=True)
    t_g = torch.autograd.grad([t for _, t in diff], t_want, t_seeds, allow_unused=True)
    for i, (eg, tg) in enumerate(zip(e_g, t_g)):
        if tg is None:
            assert eg is None or not np.any(_np(eg)), f"{spec.name}: ember gives a gradient torch has not"
            continue
        assert eg is not None, f"{spec.name}: no gradient for input {i}"
        assert tuple(eg.shape) == tuple(tg.shape)
        assert eg.dtype == e_want[i].dtype
        np.testing.assert_allclose(_np(eg), _np(tg), **tol, err_msg=f"{spec.name} grad of input {i}")


def check_op(spec, seed=0):
    rng = np.random.default_rng(seed)
    for case in spec.shapes:
        arrays = _inputs(spec, case, rng)
        compare(spec, arrays, np.float64)
        compare(spec, arrays, np.float32)
        if any(a.ndim >= 2 for a in arrays):
            compare(spec, arrays, np.float64, noncontig=True)
        if spec.grad and all(a.size <= 30 for a in arrays):
            ts = [ember.tensor(a).requires_grad_(a.dtype.kind == "f" and i not in spec.nondiff)
                  for i, a in enumerate(arrays)]
            if any(t.requires_grad for t in ts):
                assert gradcheck(spec.ember_fn, ts)
                if spec.gradgrad:
                    assert gradgradcheck(spec.ember_fn, ts)


def assert_same_errors(ember_cases, torch_cases):
    """Each ember case raises the exception type and message its torch twin raises; cases are (call, type)."""
    for (fe, ee), (ft, et) in zip(ember_cases, torch_cases):
        with pytest.raises(et) as t:
            ft()
        with pytest.raises(ee) as e:
            fe()
        assert ee is et and str(e.value) == str(t.value)


def complex_inputs(rng, shapes, real=()):
    """complex128 arrays of these shapes (float64 ones at the positions in `real`), parts uniform in (-2, 2)."""
    out = []
    for i, s in enumerate(shapes):
        a = rng.uniform(-2, 2, size=s)
        out.append(a if i in real else a + 1j * rng.uniform(-2, 2, size=s))
    return out


def check_complex_op(ember_fn, torch_fn, arrays, atol=1e-10, rtol=1e-7, grad=True, seed=0):
    """ember_fn against torch_fn on complex (or real) inputs: values in complex128 and complex64, and the gradient
    of the real loss (out * w).real.sum() for random complex weights w, against torch's and against finite
    differences of that loss in the real and imaginary parts of each input (float64)."""
    for dt, tol in ((np.complex128, dict(atol=atol, rtol=rtol)), (np.complex64, dict(atol=2e-4, rtol=2e-4))):
        cast = [a.astype(dt if a.dtype.kind == "c" else dt(0).real.dtype) for a in arrays]
        e = [ember.tensor(a, requires_grad=grad) for a in cast]
        t = [torch.tensor(a, requires_grad=grad) for a in cast]
        oe, ot = _outs(ember_fn(*e)), _outs(torch_fn(*t))
        assert len(oe) == len(ot)
        for x, y in zip(oe, ot):
            assert str(x.dtype)[6:] == str(y.dtype)[6:]
            np.testing.assert_allclose(x.detach().numpy(), y.detach().resolve_conj().numpy(), **tol)
        if not grad:
            continue
        rng = np.random.default_rng(seed)
        ws = [rng.uniform(-1, 1, y.shape) + (1j * rng.uniform(-1, 1, y.shape) if y.is_complex() else 0) for y in ot]
        sum(((x * ember.tensor(w)).real.sum() for x, w in zip(oe, ws) if x.requires_grad), ember.zeros(())).backward()
        sum(((y * torch.tensor(w)).real.sum() for y, w in zip(ot, ws) if y.requires_grad), torch.zeros(())).backward()
        for x, y in zip(e, t):
            assert (x.grad is None) == (y.grad is None)
            if x.grad is not None:
                assert x.grad.dtype is x.dtype
                np.testing.assert_allclose(x.grad.numpy(), y.grad.resolve_conj().numpy(), **tol)
        if dt is np.complex128:
            _complex_gradcheck(ember_fn, arrays, ws)


def _complex_gradcheck(fn, arrays, ws):
    def loss(*parts):
        ins, k = [], 0
        for a in arrays:
            if a.dtype.kind == "c":
                ins.append(ember.complex(parts[k], parts[k + 1]))
                k += 2
            else:
                ins.append(parts[k])
                k += 1
        return sum(((x * ember.tensor(w)).real.sum() for x, w in zip(_outs(fn(*ins)), ws) if x.requires_grad),
                   ember.zeros((), dtype=ember.float64))
    parts = []
    for a in arrays:
        parts += [a.real, a.imag] if a.dtype.kind == "c" else [a]
    assert gradcheck(loss, [ember.tensor(p, requires_grad=True) for p in parts])
