"""Recurrent layers: RNN, LSTM, GRU and their cells, as torch.nn.

A layer computes the input projection of all time steps in one matmul, then runs each layer-direction as one
op (MkldnnRnnLayerBackward0) that loops over the steps on arrays. LSTM projections, packed sequences and the
cells record per step one addmm (the hidden projection added to that step's input gates) and one fused cell op,
whose hand-written backward is written with ember ops (so the layers are twice differentiable).
"""
import math
import numbers
import warnings

import numpy as np

from ... import _creation, _memory, autograd
from ..._device import array_module
from ...autograd.function import Op
from ...ops.linalg import addmm, mm
from ...ops.shape import cat, stack
from .. import functional as F
from .. import init
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]


def _sigmoid(x):
    """sigmoid as 0.5 * tanh(x / 2) + 0.5: one tanh, no overflow (for backward, in ember ops)."""
    return (x * 0.5).tanh() * 0.5 + 0.5


class ThnnFusedLstmCellBackward0(Op):
    """One LSTM step from the summed gate pre-activations (N, 4H, gates i f g o) and the cell state c:
    returns (c', h') with c' = f * c + i * g and h' = o * tanh(c').

    Forward keeps the activations (i f g o, tanh(c')) as arrays on ctx: the first-order backward works on them
    directly; the recorded one (create_graph=True) recomputes them in ember ops from the saved tensors."""
    retain_inputs = (0, 1)
    retain_output = True

    @staticmethod
    def forward(ctx, gates, cx):
        xp = array_module(gates)
        h = cx.shape[-1]
        act = xp.tanh(gates * 0.5)
        act *= 0.5
        act += 0.5
        xp.tanh(gates[:, 2 * h:3 * h], out=act[:, 2 * h:3 * h])
        cy = act[:, h:2 * h] * cx
        cy += act[:, :h] * act[:, 2 * h:3 * h]
        tc = xp.tanh(cy)
        hy = tc * act[:, 3 * h:]
        ctx.act, ctx.tc, ctx.cx = act, tc, cx
        return cy, hy

    def _apply(self, grads, graph):
        if graph:
            return Op._apply(self, grads, graph)
        if self._saved is None and self._released:
            self._raise_released()
        return _lstm_cell_array_backward(self.act, self.tc, self.cx, *grads)

    @staticmethod
    def backward(ctx, gc, gh):
        gates, cx, cy = ctx.saved_tensors
        h = cx.shape[-1]
        i, f, _, o = _sigmoid(gates).chunk(4, 1)
        g = gates[:, 2 * h:3 * h].tanh()
        tc = cy.tanh()
        dc = gc
        if gh is not None:
            dc = gh * o * (1 - tc * tc) if dc is None else dc + gh * o * (1 - tc * tc)
        do = gh * tc * o * (1 - o) if gh is not None else tc.new_zeros(tc.shape)
        if dc is None:
            return cat([tc.new_zeros(tc.shape)] * 3 + [do], 1), None
        return cat([dc * g * i * (1 - i), dc * cx * f * (1 - f), dc * i * (1 - g * g), do], 1), dc * f


def _lstm_cell_array_backward(act, tc, cx, gc, gh):
    """The fused LSTM cell's gradients (gates, c) on backend arrays, from the activations act (i f g o) and
    tanh(c'); gc or gh may be None."""
    xp = array_module(act)
    h = tc.shape[-1]
    i, f, g, o = act[:, :h], act[:, h:2 * h], act[:, 2 * h:3 * h], act[:, 3 * h:]
    d = xp.empty_like(act)
    di, df, dg, do = d[:, :h], d[:, h:2 * h], d[:, 2 * h:3 * h], d[:, 3 * h:]
    if gh is None:
        do[...] = 0
        if gc is None:
            d[...] = 0
            return d, None
        dc = gc.copy()
    else:
        xp.multiply(gh, tc, out=do)                 # gh * tanh(c')
        dc = tc * tc
        xp.subtract(1, dc, out=dc)
        dc *= o
        dc *= gh
        if gc is not None:
            dc += gc
        do *= o
        do *= 1 - o
    xp.multiply(dc, i, out=dg)
    xp.multiply(dc, f, out=df)
    dcx = df.copy()                                 # dc * f
    df *= cx
    df *= 1 - f
    xp.multiply(dg, g, out=di)                      # dc * i * g
    di *= 1 - i
    dg *= 1 - g * g
    return d, dcx


class MkldnnRnnLayerBackward0(Op):
    """A whole layer-direction of mode 'LSTM' (no projection), 'GRU', 'RNN_TANH' or 'RNN_RELU' from the input gates
    xg (T, N, G), h0, c0 (LSTM, else None), w_hh and b_hh (GRU, whose n part is multiplied by r; else None, the
    bias being in xg): returns (output (T, N, H), h_T) and for LSTM c_T; reverse runs the steps from the last one.

    Forward and the first-order backward loop over the steps on backend arrays (one matmul each per step; the
    gradient of w_hh is one matmul over all steps). The recorded backward (create_graph=True) differentiates the
    same layer rebuilt from per-step ember ops."""
    retain_inputs = (0, 1, 2, 3, 4)

    @staticmethod
    def forward(ctx, xg, h0, c0, w_hh, b_hh, mode, reverse):
        xp = array_module(xg)
        length = xg.shape[0]
        steps = _ARRAY_STEPS[mode](xp, xg, c0, mode)
        # hs holds h0 and every step's h, in time order: step t reads hs[t + p] and writes hs[t + q]
        hs = _memory.empty(xp, (length + 1,) + h0.shape, xg.dtype)
        p, q = (1, 0) if reverse else (0, 1)
        hs[length * p] = h0
        w_t = w_hh.T
        with np.errstate(over="ignore"):        # exp(-x) = inf for very negative x gives sigmoid 0, as it should
            for t in (range(length - 1, -1, -1) if reverse else range(length)):
                steps.step(t, xg[t], hs[t + p], w_t, b_hh, hs[t + q])
        ctx.mode, ctx.reverse, ctx.steps, ctx.hs = mode, reverse, steps, hs
        out = _memory.empty(xp, xg.shape[:2] + h0.shape[1:], xg.dtype)   # a copy: out may be changed in place
        out[...] = hs[q:length + q]
        return (out, hs[length * q].copy()) + steps.finals()

    def _apply(self, grads, graph):
        if graph:
            return Op._apply(self, grads, graph)
        if self._saved is None and self._released:
            self._raise_released()
        w_hh = self._unpack_saved(False)[3]
        g_out, gh, gc = grads[0], grads[1], grads[2] if len(grads) > 2 else None
        steps, hs = self.steps, self.hs
        xp = array_module(hs)
        length, h = hs.shape[0] - 1, hs.shape[-1]
        prev, out = (hs[1:], hs[:-1]) if self.reverse else (hs[:-1], hs[1:])
        k = steps.factors(prev, out)
        # the hidden gates' gradients come out with their rows rolled by steps.roll (GRU: n first), as w_hh here
        roll = steps.roll
        w = xp.roll(w_hh, roll, 0) if roll else w_hh
        gh = xp.zeros_like(hs[0]) if gh is None else gh.copy()
        for t in (range(length) if self.reverse else range(length - 1, -1, -1)):
            if g_out is not None:
                gh += g_out[t]
            gh, gc = steps.back_step(k, t, gh, gc, w)
        dxg, dhg = steps.gate_grads(k)
        need = self.needs_input_grad
        dw = db = None
        if need[3]:
            dw = dhg.T @ prev.reshape(-1, h)
            dw = xp.roll(dw, -roll, 0) if roll else dw
        if need[4]:
            db = xp.roll(dhg.sum(0), -roll)
        return dxg, gh if need[1] else None, gc if need[2] else None, dw, db

    @staticmethod
    def backward(ctx, g_out, *g_finals):
        inputs = ctx.saved_tensors
        xg, h0, c0, w_hh, b_hh = inputs
        step, w_hh_t = _STEPS[ctx.mode], w_hh.t()
        state = h0 if c0 is None else (h0, c0)
        outs = []
        for xg_t in (reversed(xg.unbind(0)) if ctx.reverse else xg.unbind(0)):
            h, state = step(xg_t, state, w_hh_t, b_hh, None)
            outs.append(h)
        finals = (state,) if c0 is None else state
        pairs = [(o, g) for o, g in zip((stack(outs[::-1] if ctx.reverse else outs),) + finals, (g_out,) + g_finals)
                 if g is not None]
        wanted = [i for i, x in enumerate(inputs) if x is not None and x.requires_grad]
        found = autograd.grad([o for o, _ in pairs], [inputs[i] for i in wanted], [g for _, g in pairs],
                              create_graph=True, allow_unused=True)
        res = [None] * 7
        for i, g in zip(wanted, found):
            res[i] = g
        return tuple(res)


def _sigmoid_(xp, a):
    """a = sigmoid(a) in place, as 1 / (1 + exp(-a))."""
    xp.negative(a, out=a)
    xp.exp(a, out=a)
    a += 1
    xp.reciprocal(a, out=a)


class _LstmSteps:
    """The LSTM steps of MkldnnRnnLayerBackward0 on arrays: keeps per step the activations (i f g o), tanh(c')
    and the c before the step."""
    roll = 0

    def __init__(self, xp, xg, c0, mode):
        self.xp, self.c = xp, c0
        self.acts = _memory.empty(xp, xg.shape, xg.dtype)
        self.tcs, self.c_prev = (_memory.empty(xp, xg.shape[:2] + c0.shape[1:], xg.dtype) for _ in range(2))
        self.g = xp.empty_like(c0)

    def step(self, t, xg_t, hx, w_t, b_hh, hy):
        xp, act, g, h = self.xp, self.acts[t], self.g, hx.shape[1]
        xp.matmul(hx, w_t, out=act)
        act += xg_t
        xp.tanh(act[:, 2 * h:3 * h], out=g)
        _sigmoid_(xp, act)                      # all four, then g's tanh over it
        act[:, 2 * h:3 * h] = g
        self.c_prev[t] = self.c
        cx = act[:, h:2 * h] * self.c
        g *= act[:, :h]
        cx += g
        self.c = cx
        xp.tanh(cx, out=self.tcs[t])
        xp.multiply(self.tcs[t], act[:, 3 * h:], out=hy)

    def finals(self):
        return (self.c,)

    def factors(self, prev, out):
        """(k, a): the step-independent factors of the gate gradients, dc * k[..., :3] (i f g) and gh * k[..., 3]
        (o) with k (T, N, 4, H), and of dc = gc + gh * a."""
        xp, acts, tcs = self.xp, self.acts, self.tcs
        length, n, h = tcs.shape
        i, f, g, o = (acts[..., j * h:(j + 1) * h] for j in range(4))
        a = xp.multiply(tcs, tcs, out=_memory.empty(xp, tcs.shape, tcs.dtype))
        xp.subtract(1, a, out=a)
        a *= o
        k = _memory.empty(xp, (length, n, 4, h), acts.dtype)
        for j, x, y in ((0, i, g), (1, f, self.c_prev), (3, o, tcs)):
            xp.subtract(1, x, out=k[:, :, j])
            k[:, :, j] *= x
            k[:, :, j] *= y
        xp.multiply(g, g, out=k[:, :, 2])
        xp.subtract(1, k[:, :, 2], out=k[:, :, 2])
        k[:, :, 2] *= i
        return k, a

    def back_step(self, k, t, gh, gc, w):
        k, a = k
        kt = k[t]
        dc = gh * a[t]
        if gc is not None:
            dc += gc
        kt[:, :3] *= dc[:, None]                # k becomes the gate gradients, step by step
        kt[:, 3] *= gh
        h = gh.shape[1]
        return kt.reshape(-1, 4 * h) @ w, self.xp.multiply(dc, self.acts[t, :, h:2 * h], out=dc)

    def gate_grads(self, k):
        k = k[0]
        return k.reshape(self.acts.shape), k.reshape(-1, self.acts.shape[2])


class _GruSteps:
    """The GRU steps of MkldnnRnnLayerBackward0 on arrays: keeps per step the activations (r z n) and the hidden
    gates h W_hh^T + b_hh."""

    def __init__(self, xp, xg, c0, mode):
        self.xp = xp
        self.acts, self.hg = (_memory.empty(xp, xg.shape, xg.dtype) for _ in range(2))
        self.roll = xg.shape[2] // 3

    def step(self, t, xg_t, hx, w_t, b_hh, hy):
        xp, a, hg, h = self.xp, self.acts[t], self.hg[t], hx.shape[1]
        xp.matmul(hx, w_t, out=hg)
        if b_hh is not None:
            hg += b_hh
        rz, n = a[:, :2 * h], a[:, 2 * h:]
        xp.add(xg_t[:, :2 * h], hg[:, :2 * h], out=rz)
        _sigmoid_(xp, rz)
        xp.multiply(a[:, :h], hg[:, 2 * h:], out=n)
        n += xg_t[:, 2 * h:]
        xp.tanh(n, out=n)
        xp.subtract(hx, n, out=hy)              # h' = n + z (h - n)
        hy *= a[:, h:2 * h]
        hy += n

    def finals(self):
        return ()

    def factors(self, prev, out):
        """k (T, N, 5, H): the factors of gh in the gradients of the hidden gates (n r z), of the input gates
        (r z n) and of h, dh = k[..., 4] gh + (hidden gates' gradient) W_hh."""
        xp, acts = self.xp, self.acts
        length, n, h = prev.shape
        r, z, new = (acts[..., j * h:(j + 1) * h] for j in range(3))
        k = _memory.empty(xp, (length, n, 5, h), acts.dtype)
        dn_h, dr, dz, dn, k_h = (k[:, :, j] for j in range(5))
        xp.subtract(1, z, out=dn_h)             # 1 - z, until dn_h is written
        xp.multiply(new, new, out=dn)
        xp.subtract(1, dn, out=dn)
        dn *= dn_h
        xp.subtract(prev, new, out=dz)
        dz *= z
        dz *= dn_h
        xp.multiply(dn, r, out=dn_h)
        xp.subtract(1, r, out=dr)
        dr *= dn_h
        dr *= self.hg[..., 2 * h:]
        k_h[...] = z
        return k

    def back_step(self, k, t, gh, gc, w):
        kt = k[t]
        kt *= gh[:, None]                       # k becomes the gate gradients, step by step
        g = kt[:, :3].reshape(gh.shape[0], -1) @ w
        g += kt[:, 4]
        return g, None

    def gate_grads(self, k):
        return k[:, :, 1:4].reshape(self.acts.shape), k[:, :, :3].reshape(-1, self.acts.shape[2])


class _RnnSteps:
    """The Elman RNN steps (tanh or relu) of MkldnnRnnLayerBackward0 on arrays: its outputs are all it keeps."""
    roll = 0

    def __init__(self, xp, xg, c0, mode):
        self.xp, self.relu = xp, mode == "RNN_RELU"

    def step(self, t, xg_t, hx, w_t, b_hh, hy):
        xp = self.xp
        xp.matmul(hx, w_t, out=hy)
        hy += xg_t
        if self.relu:
            xp.maximum(hy, 0, out=hy)
        else:
            xp.tanh(hy, out=hy)

    def finals(self):
        return ()

    def factors(self, prev, out):
        """k (T, N, H): the activation's derivative, from its output."""
        xp = self.xp
        k = _memory.empty(xp, out.shape, out.dtype)
        if self.relu:
            return xp.greater(out, 0, out=k)
        xp.multiply(out, out, out=k)
        return xp.subtract(1, k, out=k)

    def back_step(self, k, t, gh, gc, w):
        kt = k[t]
        kt *= gh
        return kt @ w, None

    def gate_grads(self, k):
        return k, k.reshape(-1, k.shape[2])


_ARRAY_STEPS = {"LSTM": _LstmSteps, "GRU": _GruSteps, "RNN_TANH": _RnnSteps, "RNN_RELU": _RnnSteps}


class ThnnFusedGruCellBackward0(Op):
    """One GRU step from the input gates x W_ih^T + b_ih and hidden gates h W_hh^T + b_hh (N, 3H, gates r z n)
    and h: n = tanh(x_n + r * h_n), h' = (1 - z) * n + z * h."""
    retain_inputs = (0, 1, 2)

    @staticmethod
    def forward(ctx, input_gates, hidden_gates, hx):
        xp = array_module(hx)
        h = hx.shape[-1]
        rz = xp.tanh((input_gates[:, :2 * h] + hidden_gates[:, :2 * h]) * 0.5)
        rz *= 0.5
        rz += 0.5
        n = rz[:, :h] * hidden_gates[:, 2 * h:]
        n += input_gates[:, 2 * h:]
        xp.tanh(n, out=n)
        out = hx - n
        out *= rz[:, h:]
        out += n
        return out

    @staticmethod
    def backward(ctx, g):
        input_gates, hidden_gates, hx = ctx.saved_tensors
        h = hx.shape[-1]
        r, z = _sigmoid(input_gates[:, :2 * h] + hidden_gates[:, :2 * h]).chunk(2, 1)
        hn = hidden_gates[:, 2 * h:]
        n = (input_gates[:, 2 * h:] + r * hn).tanh()
        dn = g * (1 - z) * (1 - n * n)
        dz = g * (hx - n) * z * (1 - z)
        dr = dn * hn * r * (1 - r)
        return cat([dr, dz, dn], 1), cat([dr, dz, dn * r], 1), g * z


def _hidden_gates(h, w_hh_t, b_hh):
    return mm(h, w_hh_t) if b_hh is None else addmm(b_hh, h, w_hh_t)


def _rnn_step(nonlinearity):
    def step(xg, state, w_hh_t, b_hh, w_hr_t):
        h = addmm(xg, state, w_hh_t)
        h = h.tanh() if nonlinearity == "tanh" else h.relu()
        return h, h
    return step


def _lstm_step(xg, state, w_hh_t, b_hh, w_hr_t):
    h, c = state
    c, h = ThnnFusedLstmCellBackward0.apply(addmm(xg, h, w_hh_t), c)
    if w_hr_t is not None:
        h = mm(h, w_hr_t)
    return h, (h, c)


def _gru_step(xg, state, w_hh_t, b_hh, w_hr_t):
    h = ThnnFusedGruCellBackward0.apply(xg, _hidden_gates(state, w_hh_t, b_hh), state)
    return h, h


_STEPS = {"RNN_TANH": _rnn_step("tanh"), "RNN_RELU": _rnn_step("relu"), "LSTM": _lstm_step, "GRU": _gru_step}


def _input_gates(mode, x, w_ih, b_ih, b_hh):
    """x @ w_ih.T plus the biases that do not depend on h, for a 2-D x (rows are batch items or time steps)."""
    if b_ih is None:
        return mm(x, w_ih.t())
    return addmm(b_ih if mode == "GRU" else b_ih + b_hh, x, w_ih.t())


def _check_size(what, got, expected, name, sep=""):
    if got != expected:
        raise RuntimeError(f"{what} has inconsistent {name}: got {got}{sep} expected {expected}")


class RNNBase(Module):
    """The multi-layer recurrent network behind RNN, LSTM and GRU (mode 'RNN_TANH', 'RNN_RELU', 'LSTM', 'GRU')."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn(f"dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                          stacklevel=2)
        for name, value, kind in (("bias", bias, bool), ("batch_first", batch_first, bool),
                                  ("input_size", input_size, int), ("hidden_size", hidden_size, int)):
            if not isinstance(value, kind):
                raise TypeError(f"{name} should be of type {kind.__name__}, got: {type(value).__name__}")
            if kind is int and value <= 0:
                raise ValueError(f"{name} must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        chunks = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}.get(mode)
        if chunks is None:
            raise ValueError("Unrecognized RNN mode: " + mode)
        self.mode, self.input_size, self.hidden_size, self.num_layers = mode, input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        directions = 2 if bidirectional else 1
        real_hidden = proj_size if proj_size > 0 else hidden_size
        kw = dict(device=device, dtype=dtype)
        self._flat_weights_names, self._all_weights = [], []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else real_hidden * directions
            for direction in range(directions):
                shapes = [("weight_ih", (chunks * hidden_size, layer_input)),
                          ("weight_hh", (chunks * hidden_size, real_hidden))]
                if bias:
                    shapes += [("bias_ih", (chunks * hidden_size,)), ("bias_hh", (chunks * hidden_size,))]
                if proj_size > 0:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                names = []
                for prefix, shape in shapes:
                    name = f"{prefix}_l{layer}{'_reverse' if direction else ''}"
                    setattr(self, name, Parameter(_creation.empty(*shape, **kw)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _flat_weights(self):
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self):
        """A no-op kept for compatibility (it packs cuDNN weights in PyTorch)."""

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        for name, default in (("num_layers", 1), ("bias", True), ("batch_first", False), ("dropout", 0),
                              ("bidirectional", False)):
            if getattr(self, name) != default:
                s += f", {name}={getattr(self, name)}"
        return s

    def _state_size(self):
        return self.proj_size if self.proj_size > 0 else self.hidden_size

    def _check_input(self, input, batch_sizes):
        weight = self.weight_ih_l0
        if input.dtype != weight.dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight.dtype}). "
                             f"Convert input: input.to({weight.dtype}), or convert model: model.to({input.dtype})"
                             .replace("ember.", "torch."))
        expected = 2 if batch_sizes is not None else 3
        if input.dim() != expected:
            raise RuntimeError(f"input must have {expected} dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {input.size(-1)}")

    @staticmethod
    def _check_hidden_size(hx, expected, msg="Expected hidden size {}, got {}"):
        if tuple(hx.shape) != expected:
            raise RuntimeError(msg.format(expected, list(hx.shape)))

    def _zeros(self, batch, size, like):
        directions = 2 if self.bidirectional else 1
        return _creation.zeros(self.num_layers * directions, batch, size, dtype=like.dtype, device=like.device)

    def _prepare(self, input, hx, n_states):
        """(time-major input, batch_sizes or None, batch_first-restore info, unbatched, sorted_indices) checks."""
        packed = isinstance(input, PackedSequence)
        if packed:
            return input, True, False
        if input.dim() not in (2, 3):
            name = "RNN" if self.mode.startswith("RNN") else self.mode
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D "
                             f"{'tensor ' if name == 'RNN' else ''}instead")
        batched = input.dim() == 3
        if hx is not None:
            dims = [s.dim() for s in (hx if n_states == 2 else (hx,))]
            want = 3 if batched else 2
            if any(d != want for d in dims):
                what = "hx and cx" if n_states == 2 else "hx"
                got = f"({dims[0]}-D, {dims[1]}-D) tensors" if n_states == 2 else f"{dims[0]}-D tensor"
                kind = "batched 3-D" if batched else "unbatched 2-D"
                raise RuntimeError(f"For {kind} input, {what} should also be {want}-D but got {got}")
        return input, False, batched

    def forward(self, input, hx=None):
        lstm = self.mode == "LSTM"
        input, packed, batched = self._prepare(input, hx, 2 if lstm else 1)
        if packed:
            data, batch_sizes, sorted_indices, unsorted_indices = input
            self._check_input(data, batch_sizes)
            batch = int(batch_sizes[0])
            if hx is not None and sorted_indices is not None:
                hx = tuple(h.index_select(1, sorted_indices) for h in hx) if lstm else \
                    hx.index_select(1, sorted_indices)
        else:
            batch_dim = 0 if self.batch_first else 1
            if not batched:
                input = input.unsqueeze(batch_dim)
                if hx is not None:
                    hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1)) if lstm else hx.unsqueeze(1)
            batch = input.size(batch_dim)
            self._check_input(input, None)
            if input.size(1 - batch_dim) == 0:
                raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        directions = 2 if self.bidirectional else 1
        expected = (self.num_layers * directions, batch, self._state_size())
        if hx is None:
            like = data if packed else input
            hx = (self._zeros(batch, self._state_size(), like), self._zeros(batch, self.hidden_size, like)) \
                if lstm else self._zeros(batch, self.hidden_size, like)
        elif lstm:
            self._check_hidden_size(hx[0], expected, "Expected hidden[0] size {}, got {}")
            self._check_hidden_size(hx[1], expected[:2] + (self.hidden_size,), "Expected hidden[1] size {}, got {}")
        else:
            self._check_hidden_size(hx, expected)
        if packed:
            output, h_n = self._run_packed(data, batch_sizes, hx)
            if unsorted_indices is not None:
                h_n = tuple(h.index_select(1, unsorted_indices) for h in h_n) if lstm else \
                    h_n.index_select(1, unsorted_indices)
            return PackedSequence(output, batch_sizes, sorted_indices, unsorted_indices), h_n
        if self.batch_first:
            input = input.transpose(0, 1)
        output, h_n = self._run(input, hx)
        if self.batch_first:
            output = output.transpose(0, 1)
        if not batched:
            output = output.squeeze(batch_dim)
            h_n = tuple(h.squeeze(1) for h in h_n) if lstm else h_n.squeeze(1)
        return output, h_n

    def _layer_weights(self, index):
        names = self._all_weights[index]
        w = [getattr(self, n) for n in names]
        w_ih, w_hh = w[0], w[1]
        b_ih, b_hh = (w[2], w[3]) if self.bias else (None, None)
        w_hr = w[-1] if self.proj_size > 0 else None
        return w_ih, w_hh, b_ih, b_hh, w_hr

    def _layers(self, layer_input, hx, run_direction):
        """Runs every layer and direction: run_direction(x, state, weights, reverse) -> (output, final state)."""
        lstm = self.mode == "LSTM"
        directions = 2 if self.bidirectional else 1
        states = list(zip(hx[0].unbind(0), hx[1].unbind(0))) if lstm else hx.unbind(0)
        finals = []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                index = layer * directions + direction
                out, final = run_direction(layer_input, states[index], self._layer_weights(index), direction == 1)
                outputs.append(out)
                finals.append(final)
            layer_input = outputs[0] if directions == 1 else cat(outputs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        if lstm:
            return layer_input, (stack([h for h, _ in finals]), stack([c for _, c in finals]))
        return layer_input, stack(finals)

    def _run(self, input, hx):
        step = _STEPS[self.mode]
        length, batch = input.shape[0], input.shape[1]

        def run_direction(x, state, weights, reverse):
            w_ih, w_hh, b_ih, b_hh, w_hr = weights
            gates = _input_gates(self.mode, x.reshape(length * batch, x.shape[2]), w_ih, b_ih, b_hh)
            steps = gates.reshape(length, batch, gates.shape[1])
            if w_hr is None:
                lstm = self.mode == "LSTM"
                h0, c0 = state if lstm else (state, None)
                res = MkldnnRnnLayerBackward0.apply(steps, h0, c0, w_hh, b_hh if self.mode == "GRU" else None,
                                                    self.mode, reverse)
                return res[0], res[1:] if lstm else res[1]
            steps = steps.unbind(0)
            w_hh_t, w_hr_t = w_hh.t(), None if w_hr is None else w_hr.t()
            outs = []
            for xg in (reversed(steps) if reverse else steps):
                h, state = step(xg, state, w_hh_t, b_hh, w_hr_t)
                outs.append(h)
            return stack(outs[::-1] if reverse else outs), state

        return self._layers(input, hx, run_direction)

    def _run_packed(self, data, batch_sizes, hx):
        """The layers over a packed batch: at step t only the first batch_sizes[t] sequences are running."""
        step = _STEPS[self.mode]
        sizes = [int(b) for b in batch_sizes]

        def run_direction(x, full, weights, reverse):
            w_ih, w_hh, b_ih, b_hh, w_hr = weights
            steps = _input_gates(self.mode, x, w_ih, b_ih, b_hh).split(sizes, 0)
            w_hh_t, w_hr_t = w_hh.t(), None if w_hr is None else w_hr.t()
            outs, finished = [], []
            state, running = (None, 0) if reverse else (full, sizes[0])
            for t in (range(len(sizes) - 1, -1, -1) if reverse else range(len(sizes))):
                n = sizes[t]
                if n > running:      # (reverse) sequences that join at their last step
                    fresh = _narrow_state(full, running, n - running)
                    state = fresh if state is None else _join_state(state, fresh)
                elif n < running:    # (forward) sequences that ended at the previous step
                    finished.append(_narrow_state(state, n, running - n))
                    state = _narrow_state(state, 0, n)
                running = n
                h, state = step(steps[t], state, w_hh_t, b_hh, w_hr_t)
                outs.append(h)
            if reverse:
                return cat(outs[::-1], 0), state
            return cat(outs, 0), _join_state(state, *finished[::-1])

        return self._layers(data, hx, run_direction)


def _narrow_state(state, start, length):
    if isinstance(state, tuple):
        return tuple(s.narrow(0, start, length) for s in state)
    return state.narrow(0, start, length)


def _join_state(*states):
    if isinstance(states[0], tuple):
        return tuple(cat(parts, 0) for parts in zip(*states))
    return cat(states, 0)


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh) (or relu), stacked num_layers deep."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'.")
        nonlinearity = self.nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", *args, **kwargs)
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    """Long short-term memory: gates i f g o, c_t = f c_(t-1) + i g, h_t = o tanh(c_t) (then W_hr if proj_size)."""

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """Gated recurrent unit: gates r z n, n = tanh(W_in x + b_in + r (W_hn h + b_hn)), h' = (1 - z) n + z h."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)


class RNNCellBase(Module):
    """Parameters weight_ih (chunks*hidden, input), weight_hh (chunks*hidden, hidden), bias_ih, bias_hh."""

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        kw = dict(device=device, dtype=dtype)
        self.weight_ih = Parameter(_creation.empty(num_chunks * hidden_size, input_size, **kw))
        self.weight_hh = Parameter(_creation.empty(num_chunks * hidden_size, hidden_size, **kw))
        if bias:
            self.bias_ih = Parameter(_creation.empty(num_chunks * hidden_size, **kw))
            self.bias_hh = Parameter(_creation.empty(num_chunks * hidden_size, **kw))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _prepare(self, input, states):
        """input and states as 2-D batches (zeros for missing states), with PyTorch's checks."""
        name = type(self).__name__
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        for i, s in enumerate(states):
            if s is not None and s.dim() not in (1, 2):
                what = f"hx[{i}]" if len(states) == 2 else "hidden"
                raise ValueError(f"{name}: Expected {what} to be 1D or 2D, got {s.dim()}D instead")
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        zeros = None
        out = []
        for s in states:
            if s is None:
                if zeros is None:
                    zeros = _creation.zeros(input.size(0), self.hidden_size, dtype=input.dtype, device=input.device)
                s = zeros
            elif not batched:
                s = s.unsqueeze(0)
            out.append(s)
        _check_size("input", input.size(1), self.input_size, "input_size")
        for i, s in enumerate(out):
            suffix = str(i) if len(out) == 2 else "0"
            if s.size(0) != input.size(0):
                raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden{suffix} batch size "
                                   f"{s.size(0)}")
            _check_size(f"hidden{suffix}", s.size(1), self.hidden_size, "hidden_size", ",")
        return input, out, batched

    def _step(self, mode, input, state):
        gates = _input_gates(mode, input, self.weight_ih, self.bias_ih, self.bias_hh)
        return _STEPS[mode](gates, state, self.weight_hh.t(), self.bias_hh, None)[1]


class RNNCell(RNNCellBase):
    """One Elman RNN step: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu)."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        input, (hx,), batched = self._prepare(input, [hx])
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        h = self._step("RNN_TANH" if self.nonlinearity == "tanh" else "RNN_RELU", input, hx)
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step: returns (h', c')."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        input, states, batched = self._prepare(input, [None, None] if hx is None else list(hx))
        h, c = self._step("LSTM", input, tuple(states))
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step: returns h'."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        input, (hx,), batched = self._prepare(input, [hx])
        h = self._step("GRU", input, hx)
        return h if batched else h.squeeze(0)
