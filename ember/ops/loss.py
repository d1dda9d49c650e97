"""Loss functions of torch.nn.functional, each with reduction='mean'|'sum'|'none'.

The losses that carry training (mse, nll after log_softmax, binary cross-entropy with or without logits,
smooth L1, Huber) are single nodes with PyTorch's names; the others are composed from tensor ops.
"""
import math
import warnings

import numpy as np

from .._device import array_module
from .._tensor import _wrap
from ..autograd.function import Op
from .activation import ArrayBackward, log_softmax, logsigmoid, softplus
from .distance import pairwise_distance
from .pointwise import clamp_min, sigmoid, where
from .reduce import _type_name

__all__ = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "nll_loss", "cross_entropy",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div", "margin_ranking_loss",
           "hinge_embedding_loss", "soft_margin_loss", "cosine_embedding_loss",
           "triplet_margin_loss", "multi_margin_loss", "poisson_nll_loss", "gaussian_nll_loss",
           "multilabel_margin_loss", "multilabel_soft_margin_loss", "triplet_margin_with_distance_loss", "ctc_loss"]


# ---- reductions ------------------------------------------------------------------------------------
def legacy_get_string(size_average, reduce, emit_warning=True):
    """The reduction named by the deprecated size_average/reduce pair, with PyTorch's warning."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = "mean" if size_average and reduce else "sum" if reduce else "none"
    if emit_warning:
        warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.",
                      stacklevel=3)
    return ret


def _reduction(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss, reduction):
    """Apply a reduction to elementwise losses (a tensor, or a backend array)."""
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


def _scale(g, reduction, n):
    """The incoming gradient g of a reduced loss, per element of n."""
    return g / n if reduction == "mean" else g


def _warn_size(input, target):
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      f"This will likely lead to incorrect results due to broadcasting. Please ensure they have "
                      f"the same size.", stacklevel=3)


def _weighted(loss, weight, input, reduction, mean_by_weight):
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "mean" and mean_by_weight:
        return loss.sum() / weight.sum()
    return _reduce(loss, reduction)


# ---- regression losses -----------------------------------------------------------------------------
class _Elementwise(Op):
    """A loss of (input, target) elementwise, then reduced: value(xp, d, *params) of d = input - target,
    and its derivative slope(d, *params) in ember ops."""
    retain_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, t, reduction, *params):
        ctx.reduction, ctx.params = reduction, params
        loss = ctx.value(array_module(x), x - t, *params)
        ctx.n = loss.size
        return _reduce(loss, reduction)

    @staticmethod
    def backward(ctx, g):
        x, t = ctx.saved_tensors
        gd = _scale(g, ctx.reduction, ctx.n) * ctx.slope(x - t, *ctx.params)
        return (gd if ctx.needs_input_grad[0] else None, -gd if ctx.needs_input_grad[1] else None)


class MseLossBackward0(_Elementwise):
    value = staticmethod(lambda xp, d: d * d)
    slope = staticmethod(lambda d: 2 * d)


class SmoothL1LossBackward0(_Elementwise):
    # NOTE: beta == 0 is plain L1, as PyTorch
    value = staticmethod(lambda xp, d, beta: xp.where(xp.abs(d) < beta, 0.5 * d * d / (beta or 1),
                                                       xp.abs(d) - 0.5 * beta))
    slope = staticmethod(lambda d, beta: where(d.abs() < beta, d / (beta or 1), d.sign()))


class HuberLossBackward0(_Elementwise):
    value = staticmethod(lambda xp, d, delta: xp.where(xp.abs(d) < delta, 0.5 * d * d,
                                                        delta * (xp.abs(d) - 0.5 * delta)))
    slope = staticmethod(lambda d, delta: where(d.abs() < delta, d, delta * d.sign()))


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error (input - target) ** 2; a weight gives a mean over the weights' sum."""
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if weight is not None:
        return _weighted((input - target) ** 2, weight, input, reduction, True)
    return MseLossBackward0.apply(input, target, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error |input - target|."""
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    loss = (input - target).abs()
    if weight is not None:
        return _weighted(loss, weight, input, reduction, True)
    return _reduce(loss, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 * d ** 2 / beta where |d| < beta, else |d| - 0.5 * beta (d = input - target)."""
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return SmoothL1LossBackward0.apply(input, target, reduction, beta)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 * d ** 2 where |d| < delta, else delta * (|d| - 0.5 * delta)."""
    _warn_size(input, target)
    reduction = _reduction(None, None, reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is not None:
        return _weighted(HuberLossBackward0.apply(input, target, "none", delta), weight, input, reduction, False)
    return HuberLossBackward0.apply(input, target, reduction, delta)


# ---- classification losses -------------------------------------------------------------------------
class NllLossBackward0(ArrayBackward):
    """-weight[t] * logp[t] per sample, picked along the class dim (1) with a gather; backward scatters."""

    @staticmethod
    def forward(ctx, logp, target, weight, reduction, ignore_index):
        xp = array_module(logp)
        ignored = target == ignore_index
        any_ignored = ignored.any()
        if any_ignored:
            target = xp.where(ignored, 0, target)
        w = xp.ones(target.shape, logp.dtype) if weight is None else weight[target]
        if any_ignored:
            w[ignored] = 0
        ctx.shape, ctx.reduction, ctx.index, ctx.w = logp.shape, reduction, target[:, None], w
        if logp.ndim == 2:
            loss = -w * logp[xp.arange(target.shape[0]), target]
        else:
            loss = -w * xp.take_along_axis(logp, ctx.index, axis=1)[:, 0]
        if reduction == "none":
            return loss
        total = loss.sum()
        if reduction == "sum":
            return total
        ctx.total_weight = w.sum()
        with np.errstate(invalid="ignore", divide="ignore"):
            return total / ctx.total_weight

    @staticmethod
    def backward(ctx, g):
        from .._creation import zeros
        w = _wrap(ctx.w)
        if ctx.reduction == "mean":
            g = g / _wrap(ctx.total_weight)
        src = (-w * g).unsqueeze(1)
        grad = zeros(ctx.shape, dtype=src.dtype, device=src.device)
        return grad.scatter(1, _wrap(ctx.index), src), None, None

    def array_backward(self, g):
        xp = array_module(g)
        if self.reduction == "mean":
            g = g / self.total_weight
        classes = xp.arange(self.shape[1]).reshape((1, -1) + (1,) * (len(self.shape) - 2))
        return (classes == self.index) * (-self.w * g)[:, None], None, None


class NllLoss2DBackward0(NllLossBackward0):
    """nll_loss of a K-dimensional input (N, C, d1, ...)."""


def _check_nll(input, target, weight, ignore_index):
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    batch = target.shape[0] if target.dim() else 1
    if input.dim() != 1 and input.shape[0] != batch:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({batch}).")
    if input.dim() <= 2 and target.dim() > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input.dim() > 2 and tuple(target.shape) != (input.shape[0],) + tuple(input.shape[2:]):
        raise RuntimeError(f"Expected target size {[input.shape[0]] + list(input.shape[2:])}, "
                           f"got {list(target.shape)}")
    if target._data.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_type_name(target)}")
    classes = input.shape[1] if input.dim() > 1 else input.shape[0]
    if weight is not None and weight.numel() != classes:
        raise RuntimeError(f"weight tensor should be defined either for all {classes} classes or no classes but got "
                           f"weight tensor of shape: {list(weight.shape)}")
    t = target._data
    bad = ((t < 0) | (t >= classes)) & (t != ignore_index)
    if bad.any():
        raise IndexError(f"Target {int(t[bad].reshape(-1)[0])} is out of bounds.")


def _nll(input, target, weight, ignore_index, reduction):
    _check_nll(input, target, weight, ignore_index)
    t = target._data.astype(np.int64, copy=False)
    w = None if weight is None else weight._data
    if input.dim() == 1:
        out = NllLossBackward0.apply(input.unsqueeze(0), t.reshape(1), w, reduction, ignore_index)
        return out.reshape(target.shape) if reduction == "none" else out
    op = NllLoss2DBackward0 if input.dim() > 2 else NllLossBackward0
    return op.apply(input, t, w, reduction, ignore_index)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """Negative log likelihood of the target classes in input (log-probabilities, classes on dim 1)."""
    return _nll(input, target, weight, ignore_index, _reduction(size_average, reduce, reduction))


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0):
    """nll_loss(log_softmax(input, 1), target): targets are class indices or class probabilities."""
    reduction = _reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    class_dim = 0 if input.dim() == 1 else 1
    logp = log_softmax(input, class_dim)
    classes = input.shape[class_dim] if input.dim() else 1
    shape = [1] * input.dim()
    if weight is not None and input.dim():
        shape[class_dim] = classes
    if target.is_floating_point() and target.shape == input.shape:
        if label_smoothing > 0:
            target = target * (1 - label_smoothing) + label_smoothing / classes
        prod = logp * target if weight is None else logp * target * weight.reshape(shape)
        if reduction == "none":
            return -prod.sum(class_dim)
        if reduction == "sum":
            return -prod.sum()
        return -prod.sum() / (input.numel() / classes) if input.numel() else -prod.sum() * math.nan
    loss = _nll(logp, target, weight, ignore_index, reduction)
    if label_smoothing == 0:
        return loss
    smooth = -(logp if weight is None else logp * weight.reshape(shape)).sum(class_dim)
    ignored = target == ignore_index
    smooth = smooth.masked_fill(ignored, 0.0)
    if reduction == "mean":
        if weight is None:
            smooth = smooth.sum() / (~ignored).sum()
        else:
            smooth = smooth.sum() / weight[target.masked_fill(ignored, 0)].masked_fill(ignored, 0.0).sum()
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - label_smoothing) * loss + smooth * (label_smoothing / classes)


class BinaryCrossEntropyBackward0(Op):
    retain_inputs = (0, 1, 2)

    @staticmethod
    def forward(ctx, x, t, weight, reduction):
        xp = array_module(x)
        with np.errstate(divide="ignore"):
            loss = (t - 1) * xp.maximum(xp.log1p(-x), -100) - t * xp.maximum(xp.log(x), -100)
        if weight is not None:
            loss = loss * weight
        ctx.reduction, ctx.n = reduction, loss.size
        return _reduce(loss, reduction)

    @staticmethod
    def backward(ctx, g):
        x, t, w = ctx.saved_tensors
        g = _scale(g, ctx.reduction, ctx.n)
        if w is not None:
            g = g * w
        gx = g * (x - t) / clamp_min((1 - x) * x, 1e-12) if ctx.needs_input_grad[0] else None
        gt = g * (clamp_min((-x).log1p(), -100) - clamp_min(x.log(), -100)) if ctx.needs_input_grad[1] else None
        return gx, gt, None


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """-(t * log(x) + (1 - t) * log(1 - x)), each log clamped to >= -100."""
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size "
                         f"({input.shape}) is deprecated. Please ensure they have the same size.")
    x = input._data
    if ((x < 0) | (x > 1)).any():
        raise RuntimeError("all elements of input should be between 0 and 1")
    return BinaryCrossEntropyBackward0.apply(input, target, weight, reduction)


class BinaryCrossEntropyWithLogitsBackward0(Op):
    """(1 - t) * x + (1 + (pos_weight - 1) * t) * softplus(-x), times weight: stable for any logit."""
    retain_inputs = (0, 1, 2, 3)

    @staticmethod
    def forward(ctx, x, t, weight, pos_weight, reduction):
        xp = array_module(x)
        sp = xp.logaddexp(0, -x)
        loss = (1 - t) * x + (sp if pos_weight is None else ((pos_weight - 1) * t + 1) * sp)
        if weight is not None:
            loss = loss * weight
        ctx.reduction, ctx.n = reduction, loss.size
        return _reduce(loss, reduction)

    @staticmethod
    def backward(ctx, g):
        x, t, w, pw = ctx.saved_tensors
        g = _scale(g, ctx.reduction, ctx.n)
        if w is not None:
            g = g * w
        lw = 1 if pw is None else (pw - 1) * t + 1
        gx = g * ((1 - t) - lw * sigmoid(-x)) if ctx.needs_input_grad[0] else None
        gt = None
        if ctx.needs_input_grad[1]:
            gt = g * (-x if pw is None else (pw - 1) * softplus(-x) - x)
        return gx, gt, None, None


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    """binary_cross_entropy(sigmoid(input), target) computed stably from the logits; pos_weight weighs positives."""
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    for name, t in (("weight", weight), ("pos_weight", pos_weight)):
        if t is not None and t.requires_grad:
            raise RuntimeError(f"The function 'binary_cross_entropy_with_logits' is not differentiable with respect "
                               f"to argument '{name}'. This input cannot have requires_grad True.")
    return BinaryCrossEntropyWithLogitsBackward0.apply(input, target, weight, pos_weight, reduction)


# ---- divergences, margins and embeddings -----------------------------------------------------------
def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """target * (log(target) - input), input being log-probabilities; 'batchmean' divides by the batch size."""
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      stacklevel=2)
    if reduction not in ("mean", "sum", "none", "batchmean"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if log_target:
        loss = target.exp() * (target - input)
    else:
        positive = target > 0
        loss = where(positive, target * where(positive, target, 1.0).log(), 0.0) - target * input
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.dim() else loss.sum()
    return _reduce(loss, reduction)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """max(0, -target * (input1 - input2) + margin)."""
    reduction = _reduction(size_average, reduce, reduction)
    if not input1.dim() == input2.dim() == target.dim():
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} ")
    return _reduce(clamp_min(-target * (input1 - input2) + margin, 0), reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    """input where target is 1, max(0, margin - input) where target is -1."""
    reduction = _reduction(size_average, reduce, reduction)
    loss = where(target != 1, clamp_min(margin - input, 0), 0.0) + where(target != -1, input, 0.0)
    return _reduce(loss, reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + exp(-target * input))."""
    reduction = _reduction(size_average, reduce, reduction)
    return _reduce(softplus(-target * input), reduction)


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """1 - cos(input1, input2) where target is 1, max(0, cos - margin) where target is -1."""
    reduction = _reduction(size_average, reduce, reduction)
    dim = 1 if input1.dim() == 2 else 0
    eps = 1e-12
    cos = (input1 * input2).sum(dim) / (((input1 * input1).sum(dim) + eps) * ((input2 * input2).sum(dim) + eps)).sqrt()
    loss = where(target == 1, 1 - cos, 0.0) + where(target == -1, clamp_min(cos - margin, 0), 0.0)
    return _reduce(loss, reduction)


def _pairwise_distance(x1, x2, p, eps):
    return (x1 - x2 + eps).norm(p, -1)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-06, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)), d the p-norm distance."""
    reduction = _reduction(size_average, reduce, reduction)
    dims = (anchor.dim(), positive.dim(), negative.dim())
    if len(set(dims)) != 1:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {dims[0]}D, positive {dims[1]}D, and negative {dims[2]}D "
                           f"inputs")
    d_pos = _pairwise_distance(anchor, positive, p, eps)
    d_neg = _pairwise_distance(anchor, negative, p, eps)
    if swap:
        from .pointwise import minimum
        d_neg = minimum(d_neg, _pairwise_distance(positive, negative, p, eps))
    return _reduce(clamp_min(margin + d_pos - d_neg, 0), reduction)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None, reduction="mean"):
    """sum over j != y of max(0, margin - x[y] + x[j]) ** p / C, weighted by weight[y]."""
    reduction = _reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    x = input if input.dim() > 1 else input.unsqueeze(0)
    t = target.reshape(-1, 1)
    picked = x.gather(1, t)
    terms = clamp_min(margin - picked + x, 0)
    if p == 2:
        terms = terms * terms
    if weight is not None:
        terms = terms * weight[t]
    terms = terms.scatter(1, t, 0.0)
    loss = terms.sum(1) / x.shape[1]
    if input.dim() <= 1:
        loss = loss.reshape(target.shape)
    return _reduce(loss, reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-08, reduce=None,
                     reduction="mean"):
    """exp(input) - target * input (log_input), or input - target * log(input + eps); full adds Stirling's term."""
    reduction = _reduction(size_average, reduce, reduction)
    loss = input.exp() - target * input if log_input else input - target * (input + eps).log()
    if full:
        safe = where(target > 1, target, 1.0)
        stirling = safe * safe.log() - safe + 0.5 * (2 * math.pi * safe).log()
        loss = loss + where(target > 1, stirling, 0.0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-06, reduction="mean"):
    """0.5 * (log(var) + (input - target) ** 2 / var), var clamped below at eps (without gradient change)."""
    from .._creation import ones_like
    from ..autograd.grad_mode import no_grad
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * ones_like(input)
    elif bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    if var.shape != input.shape:
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif not (input.dim() == var.dim() and sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Binary cross-entropy from logits of each class, (weighted and) averaged over the classes."""
    reduction = _reduction(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    return _reduce(loss.sum(dim=class_dim) / input.shape[class_dim], reduction)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """sum over the target classes j and the other classes k of max(0, 1 - (x[j] - x[k])) / C; each row of
    target lists its classes, ended by the first -1."""
    reduction = _reduction(size_average, reduce, reduction)
    if input.dim() > 2 or target.shape != input.shape:
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: "
                           f"{list(input.shape)}")
    x = input if input.dim() == 2 else input.reshape(1, -1)
    t = target._data.reshape(x.shape)
    xp = array_module(t)
    n, c = x.shape
    if c and ((t < -1) | (t >= c)).any():
        raise RuntimeError(f"multilabel_margin_loss: target values must lie in [-1, {c - 1}]")
    listed = xp.cumprod(t != -1, axis=1).astype(bool)         # the entries before the first -1
    count = xp.zeros((n, c), dtype=x._data.dtype)               # how often each class is listed
    xp.add.at(count, (xp.nonzero(listed)[0], t[listed]), 1)
    pair = _wrap(count[:, :, None] * (count == 0)[:, None, :])  # (j listed, k not listed) pairs
    loss = (clamp_min(1 - (x.unsqueeze(2) - x.unsqueeze(1)), 0) * pair).sum((1, 2)) / c
    return _reduce(loss if input.dim() == 2 else loss.reshape(()), reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0, swap=False,
                                      reduction="mean"):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)) for a distance function d (by default
    pairwise_distance); swap uses d(positive, negative) where it is smaller."""
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    dims = (anchor.dim(), positive.dim(), negative.dim())
    if len(set(dims)) != 1:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {dims[0]}D, positive {dims[1]}D, and negative {dims[2]}D "
                           f"inputs")
    d = pairwise_distance if distance_function is None else distance_function
    d_pos, d_neg = d(anchor, positive), d(anchor, negative)
    if swap:
        from .pointwise import minimum
        d_neg = minimum(d_neg, d(positive, negative))
    return _reduce(clamp_min(margin + d_pos - d_neg, 0), reduction)


# ---- connectionist temporal classification ----------------------------------------------------------
def _lse(*arrays):
    """log(sum(exp)) of same-shaped arrays, elementwise, with -inf where all are -inf."""
    xp = array_module(arrays[0])
    m = arrays[0]
    for a in arrays[1:]:
        m = xp.maximum(m, a)
    safe = xp.where(xp.isfinite(m), m, 0)
    total = sum(xp.exp(a - safe) for a in arrays)
    with np.errstate(divide="ignore"):
        return xp.where(xp.isfinite(m), xp.log(total) + safe, m)


def _shift(a, k, fill):
    """a moved k places right along its last axis, fill entering on the left."""
    xp = array_module(a)
    out = xp.full_like(a, fill)
    out[..., k:] = a[..., :a.shape[-1] - k]
    return out


class CtcLossBackward0(Op):
    """The negative log-likelihood of each target sequence under the per-frame class log-probabilities, by the
    forward (alpha) recursion over the extended target (a blank before, between and after the labels); the
    gradient by the backward (beta) recursion, in PyTorch's form: exp(log_probs) minus the posterior
    occupancy over exp(log_probs), which is the gradient with respect to the logits under a log_softmax."""

    @staticmethod
    def forward(ctx, lp, ext, in_len, tg_len, zero_infinity):
        xp = array_module(lp)
        T, N, _ = lp.shape
        S = ext.shape[1]
        neg = -xp.inf
        rows = xp.arange(N)[:, None]
        lpe = lp[:, rows, ext]                                        # (T, N, S): log-prob of each position
        skip = xp.zeros((N, S), dtype=bool)                           # label s may follow label s - 2
        skip[:, 2:] = (ext[:, 2:] != ext[:, :-2]) & (xp.arange(S)[2:] % 2 == 1)
        alpha = xp.full((T, N, S), neg, dtype=lp.dtype)
        alpha[0, :, 0] = lpe[0, :, 0]
        alpha[0, :, 1] = xp.where(tg_len > 0, lpe[0, :, 1], neg) if S > 1 else neg
        for t in range(1, T):
            a = alpha[t - 1]
            alpha[t] = _lse(a, _shift(a, 1, neg), xp.where(skip, _shift(a, 2, neg), neg)) + lpe[t]
        last = xp.maximum(in_len - 1, 0)
        end = alpha[last, xp.arange(N)]                               # (N, S) at each sequence's last frame
        nll = -_lse(end[xp.arange(N), 2 * tg_len], xp.where(tg_len > 0, end[xp.arange(N), 2 * tg_len - 1], neg))
        beta = xp.full((T, N, S), neg, dtype=lp.dtype)
        s_idx = xp.arange(S)[None, :]
        final = ((s_idx == 2 * tg_len[:, None]) | ((s_idx == 2 * tg_len[:, None] - 1) & (tg_len[:, None] > 0)))
        skip_from = xp.zeros((N, S), dtype=bool)                      # position s may jump to s + 2
        skip_from[:, :-2] = skip[:, 2:]
        for t in range(T - 1, -1, -1):
            if t + 1 < T:
                b = beta[t + 1]
                rec = _lse(b, _shift(b[:, ::-1], 1, neg)[:, ::-1],
                           xp.where(skip_from, _shift(b[:, ::-1], 2, neg)[:, ::-1], neg)) + lpe[t]
            else:
                rec = xp.full((N, S), neg, dtype=lp.dtype)
            beta[t] = xp.where((t == in_len - 1)[:, None], xp.where(final, lpe[t], neg), rec)
        finite = xp.isfinite(nll)
        with np.errstate(invalid="ignore", over="ignore"):
            occ = xp.exp(alpha + beta + xp.where(finite, nll, 0)[None, :, None])       # (T, N, S)
        onehot = (ext[:, :, None] == xp.arange(lp.shape[2])).astype(lp.dtype)          # (N, S, C)
        occ = xp.einsum("tns,nsc->tnc", occ, onehot)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            grad = xp.exp(lp) - xp.where(occ > 0, occ * xp.exp(-lp), 0)
        grad[xp.arange(T)[:, None] >= in_len[None, :]] = 0
        if zero_infinity:
            grad[:, ~finite] = 0
            nll = xp.where(finite, nll, 0)
        ctx.grad = grad
        return nll.astype(lp.dtype)

    @staticmethod
    def backward(ctx, g):
        return _wrap(ctx.grad) * g.reshape(1, -1, 1), None, None, None, None


def _lengths(x):
    return np.asarray(x.tolist() if hasattr(x, "tolist") else x, dtype=np.int64).reshape(-1)


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """Connectionist temporal classification loss between (T, N, C) log-probabilities and target label
    sequences (padded (N, S), or concatenated 1-D), given each input's and target's length."""
    unbatched = log_probs.dim() == 2
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    in_len, tg_len = _lengths(input_lengths), _lengths(target_lengths)
    n = lp.shape[1]
    if in_len.size != n or tg_len.size != n:
        raise RuntimeError(f"input_lengths must be of size batch_size, and target_lengths of size batch_size, got "
                           f"{in_len.size} and {tg_len.size} for batch_size {n}")
    if (in_len > lp.shape[0]).any():
        raise RuntimeError(f"Expected input_lengths to have value at most {lp.shape[0]}, but got value "
                           f"{in_len.max()}")
    tg = np.asarray(targets.tolist(), dtype=np.int64)
    if unbatched:
        tg = tg.reshape(1, -1)
    if tg.ndim == 1:        # concatenated targets
        starts = np.concatenate([[0], np.cumsum(tg_len)[:-1]])
        tg = [tg[s:s + k] for s, k in zip(starts, tg_len)]
    width = int(tg_len.max()) if n else 0
    ext = np.full((n, 2 * width + 1), blank, dtype=np.int64)
    for i in range(n):
        ext[i, 1:2 * tg_len[i]:2] = tg[i][:tg_len[i]]
    xp = array_module(lp._data)
    nll = CtcLossBackward0.apply(lp, xp.asarray(ext), xp.asarray(in_len), xp.asarray(tg_len), zero_infinity)
    if unbatched:
        nll = nll.squeeze(0)
    if reduction == "mean":
        return (nll / _wrap(xp.asarray(np.maximum(tg_len, 1), dtype=lp._data.dtype).reshape(nll.shape))).mean()
    return _reduce(nll, reduction)
