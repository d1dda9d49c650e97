"""Losses: functional forms and layers against torch (values, gradients, reductions, weights, stability, errors)."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn as tnn
import torch.nn.functional as TF

import ember
import ember.nn as enn
import ember.nn.functional as EF
from tests.oracle import OpSpec, check_op

RED = ["mean", "sum", "none"]
W4 = np.array([0.5, 2.0, 1.0, 1.5])


def _w(mod, x, w=W4):
    """A class-weight tensor in mod (ember or torch) with the dtype of x."""
    return mod.tensor(w).to(x.dtype)


def _lib(x):
    return ember if isinstance(x, ember.Tensor) else torch


def _F(x):
    return EF if isinstance(x, ember.Tensor) else TF


def both(name, fn, shapes, make=None, **kw):
    """An OpSpec calling fn(F, lib, *inputs) with ember's or torch's functional module and library."""
    return OpSpec(name, lambda *a: fn(EF, ember, *a), lambda *a: fn(TF, torch, *a), shapes, make=make, **kw)


def _apart(rng, case):
    """input and target at least 0.05 apart and away from |d| = 0.5, 1, 2 (the kinks of l1/smooth_l1/huber)."""
    x = rng.uniform(-3, 3, case[0])
    d = rng.choice([0.1, 0.3, 0.7, 1.3, 1.7, 2.5], case[1]) * rng.choice([-1, 1], case[1])
    return [x, x - d] + [rng.uniform(0.2, 2, s) for s in case[2:]]


def _classes(shape_x, shape_t, classes, ignore=None):
    def make(rng, case):
        x = rng.standard_normal(shape_x)
        t = rng.integers(0, classes, shape_t)
        if ignore is not None:
            t.reshape(-1)[::3] = ignore
        return [x, t]
    return make


def _probs(rng, case):
    x = rng.uniform(0.05, 0.95, case[0])
    return [x, rng.uniform(0, 1, case[1])] + [rng.uniform(0.5, 2, s) for s in case[2:]]


def _logits(rng, case):
    return [rng.standard_normal(case[0]) * 2, rng.uniform(0, 1, case[1])] + [rng.uniform(0.5, 2, s) for s in case[2:]]


def _kl(rng, case):
    p = rng.uniform(0.1, 1, case[0])
    q = rng.uniform(0.1, 1, case[1])
    return [np.log(p / p.sum(-1, keepdims=True)), q / q.sum(-1, keepdims=True)]


def _signs(rng, case):
    return [rng.uniform(-2, 2, s) for s in case[:-1]] + [rng.choice([-1.0, 1.0], case[-1])]


REG = [((3, 4), (3, 4))]
SPECS = []
for r in RED:
    SPECS += [
        both(f"mse_{r}", lambda F, L, x, t, r=r: F.mse_loss(x, t, reduction=r), REG + [((2, 3), (3,)), ((), ())],
             make=_apart),
        both(f"mse_weighted_{r}", lambda F, L, x, t, w, r=r: F.mse_loss(x, t, reduction=r, weight=w),
             [((3, 4), (3, 4), (3, 4))], make=_apart, nondiff=(2,)),
        both(f"l1_{r}", lambda F, L, x, t, r=r: F.l1_loss(x, t, reduction=r), REG, make=_apart),
        both(f"l1_weighted_{r}", lambda F, L, x, t, w, r=r: F.l1_loss(x, t, reduction=r, weight=w),
             [((3, 4), (3, 4), (3, 4))], make=_apart, nondiff=(2,)),
        both(f"smooth_l1_{r}", lambda F, L, x, t, r=r: F.smooth_l1_loss(x, t, reduction=r), REG, make=_apart),
        both(f"smooth_l1_beta_{r}", lambda F, L, x, t, r=r: F.smooth_l1_loss(x, t, reduction=r, beta=0.5), REG,
             make=_apart),
        both(f"smooth_l1_beta0_{r}", lambda F, L, x, t, r=r: F.smooth_l1_loss(x, t, reduction=r, beta=0.0), REG,
             make=_apart, gradgrad=False),
        both(f"huber_{r}", lambda F, L, x, t, r=r: F.huber_loss(x, t, reduction=r, delta=2.0), REG, make=_apart),
        both(f"huber_weighted_{r}", lambda F, L, x, t, w, r=r: F.huber_loss(x, t, reduction=r, weight=w),
             [((3, 4), (3, 4), (3, 4))], make=_apart, nondiff=(2,)),
        both(f"nll_{r}", lambda F, L, x, t, r=r: F.nll_loss(x, t, reduction=r), [()], make=_classes((5, 4), (5,), 4)),
        both(f"nll_weight_ignore_{r}",
             lambda F, L, x, t, r=r: F.nll_loss(x, t, weight=_w(L, x), ignore_index=2, reduction=r), [()],
             make=_classes((5, 4), (5,), 4, ignore=2)),
        both(f"nll_kdim_{r}", lambda F, L, x, t, r=r: F.nll_loss(x, t, weight=_w(L, x), reduction=r), [()],
             make=_classes((2, 4, 3), (2, 3), 4)),
        both(f"nll_1d_{r}", lambda F, L, x, t, r=r: F.nll_loss(x, t, reduction=r), [()], make=_classes((4,), (), 4)),
        both(f"ce_{r}", lambda F, L, x, t, r=r: F.cross_entropy(x, t, reduction=r), [()],
             make=_classes((5, 4), (5,), 4)),
        both(f"ce_weight_ignore_{r}",
             lambda F, L, x, t, r=r: F.cross_entropy(x, t, weight=_w(L, x), ignore_index=-1, reduction=r), [()],
             make=_classes((5, 4), (5,), 4, ignore=-1)),
        both(f"ce_smoothing_{r}", lambda F, L, x, t, r=r: F.cross_entropy(x, t, reduction=r, label_smoothing=0.2),
             [()], make=_classes((5, 4), (5,), 4)),
        both(f"ce_smoothing_weight_ignore_{r}",
             lambda F, L, x, t, r=r: F.cross_entropy(x, t, weight=_w(L, x), ignore_index=3, reduction=r,
                                                     label_smoothing=0.3), [()],
             make=_classes((6, 4), (6,), 4, ignore=3)),
        both(f"ce_kdim_{r}",
             lambda F, L, x, t, r=r: F.cross_entropy(x, t, weight=_w(L, x), ignore_index=0, reduction=r,
                                                     label_smoothing=0.1), [()],
             make=_classes((2, 4, 2, 2), (2, 2, 2), 4)),
        both(f"ce_1d_{r}", lambda F, L, x, t, r=r: F.cross_entropy(x, t, reduction=r, label_smoothing=0.1), [()],
             make=_classes((4,), (), 4)),
        both(f"ce_probs_{r}", lambda F, L, x, t, r=r: F.cross_entropy(x, t.softmax(1), reduction=r),
             [((3, 4), (3, 4)), ((2, 4, 3), (2, 4, 3))]),
        both(f"ce_probs_weight_smoothing_{r}",
             lambda F, L, x, t, r=r: F.cross_entropy(x, t.softmax(1), weight=_w(L, x), reduction=r,
                                                     label_smoothing=0.25), [((3, 4), (3, 4))]),
        both(f"bce_{r}", lambda F, L, x, t, r=r: F.binary_cross_entropy(x, t, reduction=r), [((3, 4), (3, 4))],
             make=_probs),
        both(f"bce_weight_{r}", lambda F, L, x, t, w, r=r: F.binary_cross_entropy(x, t, weight=w, reduction=r),
             [((3, 4), (3, 4), (4,))], make=_probs, nondiff=(2,)),
        both(f"bce_logits_{r}", lambda F, L, x, t, r=r: F.binary_cross_entropy_with_logits(x, t, reduction=r),
             [((3, 4), (3, 4)), ((), ())], make=_logits),
        both(f"bce_logits_weights_{r}",
             lambda F, L, x, t, w, pw, r=r: F.binary_cross_entropy_with_logits(x, t, w, reduction=r, pos_weight=pw),
             [((3, 4), (3, 4), (3, 1), (4,))], make=_logits, nondiff=(2, 3)),
        both(f"kl_div_{r}", lambda F, L, x, t, r=r: F.kl_div(x, t, reduction=r), [((3, 4), (3, 4))], make=_kl),
        both(f"kl_div_log_target_{r}", lambda F, L, x, t, r=r: F.kl_div(x, t.log(), reduction=r, log_target=True),
             [((3, 4), (3, 4))], make=_kl),
        both(f"margin_ranking_{r}", lambda F, L, a, b, y, r=r: F.margin_ranking_loss(a, b, y, 0.3, reduction=r),
             [((6,), (6,), (6,))], make=_signs, nondiff=(2,)),
        both(f"hinge_embedding_{r}", lambda F, L, x, y, r=r: F.hinge_embedding_loss(x, y, 0.5, reduction=r),
             [((3, 4), (3, 4))], make=_signs, nondiff=(1,)),
        both(f"soft_margin_{r}", lambda F, L, x, y, r=r: F.soft_margin_loss(x, y, reduction=r),
             [((3, 4), (3, 4))], make=_signs, nondiff=(1,)),
        both(f"cosine_embedding_{r}", lambda F, L, a, b, y, r=r: F.cosine_embedding_loss(a, b, y, 0.1, reduction=r),
             [((4, 3), (4, 3), (4,))], make=_signs, nondiff=(2,)),
        both(f"triplet_{r}", lambda F, L, a, p, n, r=r: F.triplet_margin_loss(a, p, n, margin=2.0, reduction=r),
             [((4, 3), (4, 3), (4, 3))]),
        both(f"triplet_swap_p1_{r}",
             lambda F, L, a, p, n, r=r: F.triplet_margin_loss(a, p, n, margin=2.0, p=1, swap=True, reduction=r),
             [((4, 3), (4, 3), (4, 3))]),
        both(f"multi_margin_{r}", lambda F, L, x, t, r=r: F.multi_margin_loss(x, t, reduction=r), [()],
             make=_classes((5, 4), (5,), 4)),
        both(f"multi_margin_p2_weight_{r}",
             lambda F, L, x, t, r=r: F.multi_margin_loss(x, t, p=2, margin=0.7, weight=_w(L, x), reduction=r), [()],
             make=_classes((5, 4), (5,), 4)),
        both(f"poisson_nll_{r}", lambda F, L, x, t, r=r: F.poisson_nll_loss(x, t * 3, reduction=r),
             [((3, 4), (3, 4))], make=_probs, nondiff=(1,)),
        both(f"poisson_nll_full_{r}",
             lambda F, L, x, t, r=r: F.poisson_nll_loss(x, t * 3, log_input=False, full=True, reduction=r),
             [((3, 4), (3, 4))], make=_probs, nondiff=(1,)),
        both(f"gaussian_nll_{r}", lambda F, L, x, t, v, r=r: F.gaussian_nll_loss(x, t, v, reduction=r),
             [((3, 4), (3, 4), (3, 4)), ((3, 4), (3, 4), (3,)), ((2, 3), (2, 3), (2, 1))], make=_probs),
        both(f"gaussian_nll_full_eps_{r}",
             lambda F, L, x, t, v, r=r: F.gaussian_nll_loss(x, t, v - 0.45, full=True, eps=0.1, reduction=r),
             [((3, 4), (3, 4), (3, 4))], make=_probs),
    ]
SPECS.append(both("kl_div_batchmean", lambda F, L, x, t: F.kl_div(x, t, reduction="batchmean"), [((3, 4), (3, 4))],
                  make=_kl))


@pytest.mark.filterwarnings("ignore:Using a target size")
@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides")
@pytest.mark.parametrize("s", SPECS, ids=lambda s: s.name)
def test_functional_matches_torch(s):
    check_op(s)


def test_cross_entropy_graph_is_log_softmax_then_nll():
    x = ember.randn(3, 4, requires_grad=True)
    loss = EF.cross_entropy(x, ember.tensor([0, 3, 1]))
    assert loss.grad_fn.name() == "NllLossBackward0"
    assert loss.grad_fn.next_functions[0][0].name() == "LogSoftmaxBackward0"
    assert EF.mse_loss(x, x.detach()).grad_fn.name() == "MseLossBackward0"
    assert EF.binary_cross_entropy_with_logits(x, x.detach()).grad_fn.name() == \
        "BinaryCrossEntropyWithLogitsBackward0"
    assert EF.binary_cross_entropy(x.sigmoid(), x.detach().sigmoid()).grad_fn.name() == "BinaryCrossEntropyBackward0"


@pytest.mark.parametrize("name", ["ce", "ce_smooth", "bce_logits", "bce_logits_pos"])
def test_float32_extreme_logits_give_finite_loss_and_gradients(name):
    x = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5.0], [3.0, -1e4, 1e4]], dtype=np.float32)
    e, t = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    idx = np.array([1, 1, 0])
    calls = {
        "ce": lambda F, L, v: F.cross_entropy(v, L.tensor(idx)),
        "ce_smooth": lambda F, L, v: F.cross_entropy(v, L.tensor(idx), label_smoothing=0.1),
        "bce_logits": lambda F, L, v: F.binary_cross_entropy_with_logits(v, L.tensor((x > 0).astype(np.float32))),
        "bce_logits_pos": lambda F, L, v: F.binary_cross_entropy_with_logits(
            v, L.tensor((x < 0).astype(np.float32)), pos_weight=L.tensor([2.0, 0.5, 1.0])),
    }
    el, tl = calls[name](EF, ember, e), calls[name](TF, torch, t)
    el.backward()
    tl.backward()
    assert np.isfinite(el.item()) and np.isfinite(e.grad.numpy()).all()
    np.testing.assert_allclose(el.item(), tl.item(), rtol=1e-6)
    np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-5, atol=1e-7)


def test_bce_clamps_log_at_minus_100():
    x = np.array([0.0, 1.0, 0.0, 1.0, 0.5])
    y = np.array([1.0, 0.0, 0.0, 1.0, 0.3])
    for r in RED:
        e = EF.binary_cross_entropy(ember.tensor(x), ember.tensor(y), reduction=r)
        t = TF.binary_cross_entropy(torch.tensor(x), torch.tensor(y), reduction=r)
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-12)
    e, t = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    EF.binary_cross_entropy(e, ember.tensor(y)).backward()
    TF.binary_cross_entropy(t, torch.tensor(y)).backward()
    # NOTE: torch's 1e-12 floor of x * (1 - x) is a float32 constant, hence the 4e-9 difference at x = 0 and 1
    np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-8)


def test_nll_mean_of_all_ignored_is_nan_as_torch():
    x = np.random.default_rng(0).standard_normal((3, 4))
    e = EF.nll_loss(ember.tensor(x), ember.tensor([-100, -100, -100]))
    assert np.isnan(e.item()) and np.isnan(TF.nll_loss(torch.tensor(x), torch.tensor([-100] * 3)).item())


@pytest.mark.parametrize("call,exc", [
    (lambda F, L: F.nll_loss(L.zeros(3, 4), L.tensor([0, 1])), ValueError),
    (lambda F, L: F.cross_entropy(L.zeros(3, 4), L.tensor([0, 1])), ValueError),
    (lambda F, L: F.nll_loss(L.zeros(3, 4), L.tensor([0, 1, 5])), IndexError),
    (lambda F, L: F.cross_entropy(L.zeros(3, 4), L.tensor([0, -1, 2])), IndexError),
    (lambda F, L: F.nll_loss(L.zeros(3, 4), L.zeros(3, 4, dtype=L.long)), RuntimeError),
    (lambda F, L: F.nll_loss(L.zeros(3, 4), L.zeros(3)), RuntimeError),
    (lambda F, L: F.cross_entropy(L.zeros(3, 4), L.zeros(3)), RuntimeError),
    (lambda F, L: F.cross_entropy(L.zeros(3, 4), L.zeros(3, 5)), RuntimeError),
    (lambda F, L: F.nll_loss(L.zeros(2, 3, 4), L.zeros(2, 5, dtype=L.long)), RuntimeError),
    (lambda F, L: F.nll_loss(L.tensor(1.0), L.tensor(1)), ValueError),
    (lambda F, L: F.nll_loss(L.zeros(3, 4), L.tensor([0, 1, 2]), weight=L.ones(3)), RuntimeError),
    (lambda F, L: F.nll_loss(L.zeros(3, 4), L.tensor([0, 1, 2]), reduction="foo"), ValueError),
    (lambda F, L: F.cross_entropy(L.zeros(3, 4), L.tensor([0, 1, 2]), label_smoothing=1.5), RuntimeError),
    (lambda F, L: F.binary_cross_entropy(L.zeros(3), L.zeros(3, 1)), ValueError),
    (lambda F, L: F.binary_cross_entropy(L.tensor([1.5]), L.zeros(1)), RuntimeError),
    (lambda F, L: F.binary_cross_entropy_with_logits(L.zeros(3), L.zeros(3, 1)), ValueError),
    (lambda F, L: F.mse_loss(L.zeros(3, 4), L.zeros(3, 4), weight=L.ones(3)), ValueError),
    (lambda F, L: F.margin_ranking_loss(L.zeros(3), L.zeros(3), L.zeros(3, 1)), RuntimeError),
    (lambda F, L: F.multi_margin_loss(L.zeros(3, 4), L.tensor([0, 1, 2]), p=3), ValueError),
    (lambda F, L: F.gaussian_nll_loss(L.zeros(3, 4), L.zeros(3, 4), L.ones(2, 4)), ValueError),
    (lambda F, L: F.gaussian_nll_loss(L.zeros(3, 4), L.zeros(3, 4), -1.0), ValueError),
    (lambda F, L: F.gaussian_nll_loss(L.zeros(3, 4), L.zeros(3, 4), -L.ones(3, 4)), ValueError),
    (lambda F, L: F.gaussian_nll_loss(L.zeros(3, 4), L.zeros(3, 4), L.ones(3, 4), reduction="avg"), ValueError),
])
def test_errors_as_torch(call, exc):
    with pytest.raises(exc) as te:
        call(TF, torch)
    with pytest.raises(exc) as ee:
        call(EF, ember)
    assert str(ee.value) == str(te.value).replace("torch.", "ember.")


def test_legacy_size_average_and_reduce_map_to_reduction_with_warning():
    x, y = np.random.default_rng(1).standard_normal((2, 3, 4))
    for sa, rd, want in [(False, None, "sum"), (None, False, "none"), (True, True, "mean"), (False, True, "sum")]:
        with pytest.warns(UserWarning, match=f"please use reduction='{want}' instead"):
            e = EF.mse_loss(ember.tensor(x), ember.tensor(y), size_average=sa, reduce=rd)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = TF.mse_loss(torch.tensor(x), torch.tensor(y), size_average=sa, reduce=rd)
            assert enn.L1Loss(sa, rd).reduction == tnn.L1Loss(sa, rd).reduction == want
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-12)


def test_size_mismatch_warning_and_kl_mean_warning():
    with pytest.warns(UserWarning, match=r"Using a target size \(ember.Size\(\[4\]\)\) that is different to the "
                                         r"input size \(ember.Size\(\[3, 4\]\)\)"):
        EF.l1_loss(ember.zeros(3, 4), ember.zeros(4))
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        EF.kl_div(ember.zeros(3, 4), ember.ones(3, 4))


MODULES = [
    ("MSELoss", {}, "reg"), ("L1Loss", {"reduction": "sum"}, "reg"), ("SmoothL1Loss", {"beta": 0.5}, "reg"),
    ("HuberLoss", {"delta": 0.7, "reduction": "none"}, "reg"), ("SoftMarginLoss", {}, "sign"),
    ("CrossEntropyLoss", {"weight": W4, "ignore_index": 1, "label_smoothing": 0.1}, "cls"),
    ("CrossEntropyLoss", {}, "cls"), ("NLLLoss", {"weight": W4, "reduction": "sum"}, "cls"),
    ("BCELoss", {"weight": np.array([1.0, 2.0, 0.5, 1.0])}, "prob"),
    ("BCEWithLogitsLoss", {"pos_weight": np.array([1.0, 2.0, 0.5, 3.0])}, "prob"),
    ("KLDivLoss", {"reduction": "batchmean"}, "kl"), ("HingeEmbeddingLoss", {"margin": 0.5}, "sign"),
    ("MultiMarginLoss", {"p": 2, "weight": W4}, "cls"), ("PoissonNLLLoss", {"full": True}, "prob"),
    ("MarginRankingLoss", {"margin": 0.2}, "pair"), ("CosineEmbeddingLoss", {"margin": 0.2}, "pair"),
    ("TripletMarginLoss", {"margin": 0.5, "swap": True}, "triplet"),
    ("GaussianNLLLoss", {"full": True}, "gauss"),
]


def _module_inputs(kind, rng):
    x = rng.standard_normal((5, 4))
    return {
        "reg": [x, rng.standard_normal((5, 4))],
        "sign": [x, rng.choice([-1.0, 1.0], (5, 4))],
        "cls": [x, rng.integers(0, 4, 5)],
        "prob": [rng.uniform(0.05, 0.95, (5, 4)), rng.uniform(0, 1, (5, 4))],
        "kl": [np.log(rng.dirichlet(np.ones(4), 5)), rng.dirichlet(np.ones(4), 5)],
        "pair": [x, x[::-1].copy(), rng.choice([-1.0, 1.0], 5)],
        "triplet": [x, rng.standard_normal((5, 4)), rng.standard_normal((5, 4))],
        "gauss": [x, rng.standard_normal((5, 4)), rng.uniform(0.5, 2, (5, 1))],
    }[kind]


@pytest.mark.parametrize("name,kw,kind", MODULES, ids=lambda v: str(v))
def test_module_matches_torch(name, kw, kind):
    tkw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    ekw = {k: ember.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    tm, em = getattr(tnn, name)(**tkw), getattr(enn, name)(**ekw)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    arrays = _module_inputs(kind, np.random.default_rng(6))
    if name == "MarginRankingLoss":
        arrays = [arrays[0][:, 0], arrays[1][:, 0], arrays[2]]
    e_in = [ember.tensor(a, requires_grad=a.dtype.kind == "f" and i == 0) for i, a in enumerate(arrays)]
    t_in = [torch.tensor(a, requires_grad=a.dtype.kind == "f" and i == 0) for i, a in enumerate(arrays)]
    el, tl = em(*e_in), tm(*t_in)
    np.testing.assert_allclose(el.detach().numpy(), tl.detach().numpy(), rtol=1e-12, atol=1e-14)
    el.sum().backward()
    tl.sum().backward()
    np.testing.assert_allclose(e_in[0].grad.numpy(), t_in[0].grad.numpy(), rtol=1e-12, atol=1e-14)


def test_module_errors_as_torch():
    with pytest.raises(ValueError, match="TripletMarginLoss: expected margin to be greater than 0, got 0 instead"):
        enn.TripletMarginLoss(margin=0)
    with pytest.raises(ValueError, match="only p == 1 and p == 2 supported"):
        enn.MultiMarginLoss(p=3)


def test_training_step_with_cross_entropy_follows_torch():
    rng = np.random.default_rng(7)
    w0, x, y = rng.standard_normal((4, 3)), rng.standard_normal((8, 4)).astype(np.float32), rng.integers(0, 3, 8)
    ew, tw = ember.tensor(w0.astype(np.float32), requires_grad=True), torch.tensor(w0.astype(np.float32),
                                                                                  requires_grad=True)
    for _ in range(5):
        el = enn.CrossEntropyLoss(label_smoothing=0.05)(ember.tensor(x) @ ew, ember.tensor(y))
        tl = tnn.CrossEntropyLoss(label_smoothing=0.05)(torch.tensor(x) @ tw, torch.tensor(y))
        el.backward()
        tl.backward()
        np.testing.assert_allclose(el.item(), tl.item(), rtol=1e-5)
        with ember.no_grad():
            ew -= 0.5 * ew.grad
        with torch.no_grad():
            tw -= 0.5 * tw.grad
        ew.grad = None
        tw.grad = None
    np.testing.assert_allclose(ew.detach().numpy(), tw.detach().numpy(), rtol=1e-5, atol=1e-6)


def _both_ways(fe, ft, arrays, grads, dtype="float64", tol=1e-10):
    """fe on ember tensors, ft on torch tensors of the same arrays: value and the gradients of those in grads."""
    ae = [ember.tensor(a, requires_grad=i in grads) for i, a in enumerate(arrays)]
    at = [torch.tensor(a, requires_grad=i in grads) for i, a in enumerate(arrays)]
    ye, yt = fe(*ae), ft(*at)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    g = np.random.default_rng(9).standard_normal(tuple(yt.shape)).astype(dtype)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    for i in grads:
        np.testing.assert_allclose(ae[i].grad.numpy(), at[i].grad.numpy(), rtol=tol, atol=tol, err_msg=str(i))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_multilabel_losses_match_torch(reduction, dtype):
    r = np.random.default_rng(0)
    tol = 1e-10 if dtype == "float64" else 2e-5
    x = r.standard_normal((3, 4)).astype(dtype)
    t = np.array([[3, 0, -1, 1], [1, 1, 2, -1], [-1, 0, 0, 0]])
    _both_ways(lambda x: enn.MultiLabelMarginLoss(reduction=reduction)(x, ember.tensor(t)),
               lambda x: tnn.MultiLabelMarginLoss(reduction=reduction)(x, torch.tensor(t)), [x], [0], dtype, tol)
    _both_ways(lambda x: EF.multilabel_margin_loss(x, ember.tensor(t[0]), reduction=reduction),
               lambda x: TF.multilabel_margin_loss(x, torch.tensor(t[0]), reduction=reduction), [x[0]], [0], dtype, tol)
    y = (r.random((3, 4)) < 0.5).astype(dtype)
    w = r.uniform(0.5, 2, 4).astype(dtype)
    _both_ways(lambda x, y: enn.MultiLabelSoftMarginLoss(ember.tensor(w), reduction=reduction)(x, y),
               lambda x, y: tnn.MultiLabelSoftMarginLoss(torch.tensor(w), reduction=reduction)(x, y), [x, y], [0, 1],
               dtype, tol)


def test_multilabel_gradcheck_repr_and_errors():
    x = ember.tensor(np.random.default_rng(1).standard_normal((2, 3)), requires_grad=True)
    t = ember.tensor([[2, 0, -1], [1, -1, 0]])
    assert ember.autograd.gradcheck(lambda x: EF.multilabel_margin_loss(x, t), (x,))
    y = ember.tensor(np.random.default_rng(2).random((2, 3)), requires_grad=True)
    assert ember.autograd.gradcheck(lambda x, y: EF.multilabel_soft_margin_loss(x, y), (x, y))
    for e, tm in [(enn.MultiLabelMarginLoss(), tnn.MultiLabelMarginLoss()),
                  (enn.MultiLabelSoftMarginLoss(reduction="sum"), tnn.MultiLabelSoftMarginLoss(reduction="sum")),
                  (enn.CTCLoss(blank=2), tnn.CTCLoss(blank=2))]:
        assert repr(e) == repr(tm) and list(e.state_dict()) == list(tm.state_dict())
    with pytest.raises(RuntimeError) as want:
        TF.multilabel_margin_loss(torch.zeros(2, 3), torch.zeros(2, 2, dtype=torch.int64))
    with pytest.raises(RuntimeError) as got:
        EF.multilabel_margin_loss(ember.zeros(2, 3), ember.zeros(2, 2, dtype=ember.int64))
    assert str(got.value) == str(want.value)


@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_triplet_margin_with_distance_loss_matches_torch(swap, reduction):
    r = np.random.default_rng(3)
    a, p, n = (r.standard_normal((4, 3)) for _ in range(3))
    _both_ways(lambda *v: enn.TripletMarginWithDistanceLoss(swap=swap, reduction=reduction, margin=2.0)(*v),
               lambda *v: tnn.TripletMarginWithDistanceLoss(swap=swap, reduction=reduction, margin=2.0)(*v),
               [a, p, n], [0, 1, 2])
    cos_e = lambda x, y: 1 - EF.cosine_similarity(x, y)      # noqa: E731
    cos_t = lambda x, y: 1 - TF.cosine_similarity(x, y)      # noqa: E731
    _both_ways(lambda *v: EF.triplet_margin_with_distance_loss(*v, distance_function=cos_e, swap=swap,
                                                               reduction=reduction),
               lambda *v: TF.triplet_margin_with_distance_loss(*v, distance_function=cos_t, swap=swap,
                                                               reduction=reduction), [a, p, n], [0, 1, 2])


def test_triplet_margin_with_distance_repr_as_torch():
    assert repr(enn.TripletMarginWithDistanceLoss()) == repr(tnn.TripletMarginWithDistanceLoss())
    assert repr(enn.TripletMarginWithDistanceLoss(margin=0.5, swap=True)) == \
        repr(tnn.TripletMarginWithDistanceLoss(margin=0.5, swap=True))


def test_triplet_margin_with_distance_errors_as_torch():
    for ctor in [lambda m: m.TripletMarginWithDistanceLoss(margin=0)]:
        with pytest.raises(ValueError) as want:
            ctor(tnn)
        with pytest.raises(ValueError) as got:
            ctor(enn)
        assert str(got.value) == str(want.value)
    with pytest.raises(RuntimeError) as want:
        TF.triplet_margin_with_distance_loss(torch.zeros(2, 3), torch.zeros(3), torch.zeros(2, 3))
    with pytest.raises(RuntimeError) as got:
        EF.triplet_margin_with_distance_loss(ember.zeros(2, 3), ember.zeros(3), ember.zeros(2, 3))
    assert str(got.value) == str(want.value)
    with pytest.raises(ValueError, match="^margin must be greater than 0, got -1$"):
        EF.triplet_margin_with_distance_loss(ember.zeros(2), ember.zeros(2), ember.zeros(2), margin=-1)


CTC_CASES = [  # targets (padded or concatenated), input lengths, target lengths, blank
    (np.array([[1, 2, 2], [3, 1, 0], [1, 1, 1]]), [6, 5, 6], [3, 2, 0], 0),
    (np.array([1, 2, 2, 3, 1]), [6, 4, 2], [3, 2, 0], 0),
    (np.array([[0, 1, 1], [2, 2, 0], [1, 0, 2]]), [6, 6, 3], [3, 2, 3], 3),     # blank last; third one impossible
]


@pytest.mark.parametrize("case", range(len(CTC_CASES)))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("zero_infinity", [False, True])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_ctc_loss_matches_torch(case, reduction, zero_infinity, dtype):
    tg, il, tl, blank = CTC_CASES[case]
    z = np.random.default_rng(case).standard_normal((6, 3, 4)).astype(dtype)
    tol = 1e-10 if dtype == "float64" else 1e-4

    def run(lib, F, z):
        lp = z.log_softmax(2)
        lp.retain_grad()
        out = F.ctc_loss(lp, lib.tensor(tg), tuple(il), tuple(tl), blank=blank, reduction=reduction,
                         zero_infinity=zero_infinity)
        return out, lp

    ze, zt = ember.tensor(z, requires_grad=True), torch.tensor(z, requires_grad=True)
    (ye, le), (yt, lt) = run(ember, EF, ze), run(torch, TF, zt)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    if not zero_infinity and case == 2:
        return              # an infinite loss: torch's gradient is nan there
    g = np.random.default_rng(5).standard_normal(tuple(yt.shape)).astype(dtype)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(le.grad.numpy(), lt.grad.numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(ze.grad.numpy(), zt.grad.numpy(), rtol=tol, atol=tol)
    if not zero_infinity:
        assert type(ye.grad_fn).__name__ == type(yt.grad_fn).__name__


def test_ctc_loss_unbatched_module_and_gradcheck():
    z = np.random.default_rng(7).standard_normal((5, 3))
    lp = torch.tensor(z).log_softmax(1)
    want = tnn.CTCLoss(blank=1, reduction="sum")(lp, torch.tensor([0, 2]), torch.tensor(5), torch.tensor(2))
    got = enn.CTCLoss(blank=1, reduction="sum")(ember.tensor(z).log_softmax(1), ember.tensor([0, 2]),
                                                ember.tensor(5), ember.tensor(2))
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12)
    x = ember.tensor(np.random.default_rng(8).standard_normal((4, 2, 3)), requires_grad=True)
    assert ember.autograd.gradcheck(
        lambda x: EF.ctc_loss(x.log_softmax(2), ember.tensor([[1, 2], [2, 2]]), [4, 3], [2, 2]), (x,))
