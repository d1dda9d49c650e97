"""stft and istft against torch: values, gradients, round trips and errors."""
import warnings

import numpy as np
import pytest
import torch

import ember
from tests.oracle import check_complex_op

RNG = np.random.default_rng(0)
CASES = [dict(hop_length=2), dict(hop_length=3, win_length=6), dict(center=False, hop_length=2),
         dict(normalized=True, hop_length=2), dict(onesided=False, hop_length=2), dict(pad_mode="constant")]


def _window(lib, n):
    return lib.tensor(np.hanning(n + 2)[1:-1])


@pytest.mark.parametrize("kw", CASES, ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()))
def test_stft_and_istft_match_torch(kw):
    win = kw.get("win_length", 8)
    x = RNG.standard_normal((2, 20))
    check_complex_op(lambda s: ember.stft(s, 8, window=_window(ember, win), return_complex=True, **kw),
                     lambda s: torch.stft(s, 8, window=_window(torch, win), return_complex=True, **kw), [x])
    inverse = {k: v for k, v in kw.items() if k != "pad_mode"}
    spectrum = torch.stft(torch.tensor(x), 8, window=_window(torch, win), return_complex=True, **kw).numpy()
    for length in (None, 15, 25):
        ours = lambda s: ember.istft(s, 8, window=_window(ember, win), length=length, **inverse)  # noqa: E731
        theirs = lambda s: torch.istft(s, 8, window=_window(torch, win), length=length, **inverse)  # noqa: E731
        try:
            theirs(torch.tensor(spectrum))
        except RuntimeError:    # the squared windows sum to zero somewhere in the output (NOLA fails)
            with pytest.raises(RuntimeError, match="window overlap add min"):
                ours(ember.tensor(spectrum))
            continue
        check_complex_op(ours, theirs, [spectrum])


def test_round_trip_of_a_single_signal_and_the_warnings():
    x = ember.tensor(RNG.standard_normal(30))
    with pytest.warns(UserWarning, match="A window was not provided"):
        spectrum = ember.stft(x, 8, return_complex=True)
    assert spectrum.shape == (5, 16)
    with pytest.warns(UserWarning, match="A window was not provided"):
        np.testing.assert_allclose(ember.istft(spectrum, 8, length=30).numpy(), x.numpy(), atol=1e-12)
    with pytest.warns(UserWarning, match="return_complex=False is deprecated"):
        pairs = ember.stft(x, 8, window=ember.ones(8), return_complex=False)
    np.testing.assert_array_equal(pairs.numpy(), ember.view_as_real(spectrum).numpy())


def test_errors_match_torch():
    def cases(m):
        x, w = m.ones(20), m.ones(8)
        return [(lambda: m.stft(x, 8, window=w), RuntimeError),
                (lambda: m.stft(x, 8, hop_length=0, window=w, return_complex=True), RuntimeError),
                (lambda: m.stft(x, 30, center=False, window=m.ones(30), return_complex=True), RuntimeError),
                (lambda: m.stft(x, 8, win_length=10, window=w, return_complex=True), RuntimeError),
                (lambda: m.stft(x, 8, window=m.ones(5), return_complex=True), RuntimeError),
                (lambda: m.stft(x.view(2, 2, 5), 4, window=m.ones(4), return_complex=True), RuntimeError)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for (ours, kind), (theirs, _) in zip(cases(ember), cases(torch)):
            with pytest.raises(kind) as e:
                ours()
            with pytest.raises(kind) as t:
                theirs()
            assert str(e.value) == str(t.value).replace("torch.", "ember.")
    spectrum = ember.stft(ember.ones(20), 8, hop_length=4, center=False, window=ember.hann_window(8),
                          return_complex=True)
    with pytest.raises(RuntimeError, match="window overlap add min"):    # the periodic Hann window starts at 0
        ember.istft(spectrum, 8, hop_length=4, center=False, window=ember.hann_window(8))
