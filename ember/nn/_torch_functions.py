"""The torch-level forms of nn functionals (torch.dropout, torch.layer_norm, torch.embedding ...), with ATen's
argument lists: reductions are ints (0 none, 1 mean, 2 sum) and the results are those of ember.nn.functional.
An omitted reduction is none: PyTorch's Python binding reads ATen's default at::Reduction::Mean as 0."""
from ..ops.dropout import _dropout
from ..ops.loss import _reduce
from . import functional as F
from .modules.rnn import _STEPS, _check_size, _input_gates

__all__ = ["dropout", "dropout_", "alpha_dropout", "alpha_dropout_", "feature_dropout", "feature_dropout_",
           "feature_alpha_dropout", "feature_alpha_dropout_", "embedding", "layer_norm", "batch_norm", "group_norm",
           "instance_norm", "kl_div", "cosine_embedding_loss", "margin_ranking_loss", "triplet_margin_loss",
           "hinge_embedding_loss", "poisson_nll_loss", "binary_cross_entropy_with_logits", "ctc_loss", "lstm_cell",
           "gru_cell", "rnn_tanh_cell", "rnn_relu_cell", "constant_pad_nd", "adaptive_max_pool1d"]

_REDUCTIONS = ("none", "mean", "sum")


def _checked(input, p, train, feature):
    if p < 0 or p > 1:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")
    if feature and train and 0 < p < 1 and input.numel() and input.dim() < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")


def dropout(input, p, train):
    """Zero each element with probability p and scale the others by 1 / (1 - p), when train."""
    _checked(input, p, train, False)
    return _dropout(input, p, train, False)


def dropout_(input, p, train):
    """dropout in place."""
    _checked(input, p, train, False)
    return _dropout(input, p, train, True)


def alpha_dropout(input, p, train):
    """Dropout for SELU networks, keeping zero mean and unit variance, when train."""
    _checked(input, p, train, False)
    return _dropout(input, p, train, False, alpha=True)


def alpha_dropout_(input, p, train):
    """alpha_dropout in place."""
    _checked(input, p, train, False)
    return _dropout(input, p, train, True, alpha=True)


def feature_dropout(input, p, train):
    """dropout of whole channels (dim 1 of input with at least 2 dims)."""
    _checked(input, p, train, True)
    return _dropout(input, p, train, False, feature_dims=2)


def feature_dropout_(input, p, train):
    """feature_dropout in place."""
    _checked(input, p, train, True)
    return _dropout(input, p, train, True, feature_dims=2)


def feature_alpha_dropout(input, p, train):
    """alpha_dropout of whole channels."""
    _checked(input, p, train, True)
    return _dropout(input, p, train, False, feature_dims=2, alpha=True)


def feature_alpha_dropout_(input, p, train):
    """feature_alpha_dropout in place."""
    _checked(input, p, train, True)
    return _dropout(input, p, train, True, feature_dims=2, alpha=True)


def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """Rows of weight at indices (a negative padding_idx: none)."""
    return F.embedding(indices, weight, padding_idx if padding_idx >= 0 else None, None, 2.0, scale_grad_by_freq,
                       sparse)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):
    """Normalization over the last len(normalized_shape) dims."""
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled):
    """Batch normalization over channel dim 1."""
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):
    """Normalization over groups of channels."""
    return F.group_norm(input, num_groups, weight, bias, eps)


def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps, cudnn_enabled):
    """Normalization of each channel of each sample."""
    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


def kl_div(input, target, reduction=0, *, log_target=False):
    """Kullback-Leibler divergence of log-probabilities input from target (mean: over all elements)."""
    return _reduce(F.kl_div(input, target, reduction="none", log_target=log_target), _REDUCTIONS[reduction])


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=0):
    """1 - cos(x1, x2) for target 1, max(0, cos(x1, x2) - margin) for target -1."""
    return F.cosine_embedding_loss(input1, input2, target, margin, reduction=_REDUCTIONS[reduction])


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=0):
    """max(0, -target * (input1 - input2) + margin)."""
    return F.margin_ranking_loss(input1, input2, target, margin, reduction=_REDUCTIONS[reduction])


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-06, swap=False, reduction=0):
    """max(d(a, p) - d(a, n) + margin, 0) with the p-norm distance."""
    return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction=_REDUCTIONS[reduction])


def hinge_embedding_loss(input, target, margin=1.0, reduction=0):
    """x for target 1, max(0, margin - x) for target -1."""
    return F.hinge_embedding_loss(input, target, margin, reduction=_REDUCTIONS[reduction])


def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    """Negative log-likelihood of target under a Poisson distribution of rate input (exp(input) if log_input)."""
    return F.poisson_nll_loss(input, target, log_input, full, eps=eps, reduction=_REDUCTIONS[reduction])


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=0):
    """Binary cross entropy of sigmoid(input) against target, computed stably from the logits."""
    return F.binary_cross_entropy_with_logits(input, target, weight, reduction=_REDUCTIONS[reduction],
                                              pos_weight=pos_weight)


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=0, zero_infinity=False):
    """Connectionist temporal classification loss."""
    return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, _REDUCTIONS[reduction],
                      zero_infinity)


def _cell(mode, input, states, w_ih, w_hh, b_ih, b_hh):
    """One step of an RNN cell on 2-D input and states, with ATen's checks."""
    _check_size("input", input.size(1), w_ih.size(1), "input_size")
    for i, s in enumerate(states):
        if s.size(0) != input.size(0):
            raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden{i} batch size {s.size(0)}")
        _check_size(f"hidden{i}", s.size(1), w_hh.size(1), "hidden_size", ",")
    gates = _input_gates(mode, input, w_ih, b_ih, b_hh)
    return _STEPS[mode](gates, tuple(states) if mode == "LSTM" else states[0], w_hh.t(), b_hh, None)[1]


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One LSTM step: (h', c') from input and hx = (h, c)."""
    return _cell("LSTM", input, list(hx), w_ih, w_hh, b_ih, b_hh)


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One GRU step: h'."""
    return _cell("GRU", input, [hx], w_ih, w_hh, b_ih, b_hh)


def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One Elman RNN step with tanh: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)."""
    return _cell("RNN_TANH", input, [hx], w_ih, w_hh, b_ih, b_hh)


def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One Elman RNN step with relu."""
    return _cell("RNN_RELU", input, [hx], w_ih, w_hh, b_ih, b_hh)


def constant_pad_nd(input, pad, value=0):
    """input padded with value: pad lists (before, after) pairs from the last dim backwards."""
    return F.pad(input, pad, "constant", value)


def adaptive_max_pool1d(input, output_size):
    """Maximum over the windows that split the last dim into output_size parts, and their positions."""
    return F.adaptive_max_pool1d(input, output_size, True)
