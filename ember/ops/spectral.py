"""The short-time Fourier transform and its inverse, as torch.stft/istft, written with ember's fft and shape ops
(so they are differentiable, twice)."""
import warnings

from .. import fft as _fft
from .._creation import arange, ones, zeros
from .._tensor import Tensor
from .complex import view_as_real

__all__ = ["stft", "istft"]


def _describe(t):
    from .._creation import legacy_type_name
    return f"{legacy_type_name(t)}[{', '.join(map(str, t.shape))}]"


def _padded_window(window, win_length, n_fft, like):
    """The window (ones if None) centred in n_fft points."""
    if window is None:
        window = ones(win_length, dtype=like.real.dtype if like.is_complex() else like.dtype)
    left = (n_fft - win_length) // 2
    return _pad(window, left, n_fft - win_length - left) if win_length < n_fft else window


def _pad(x, left, right, mode="constant"):
    from ..nn.functional import pad
    return pad(x, (left, right), mode)


def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",
         normalized=False, onesided=None, return_complex=None, align_to_window=None):
    """The short-time Fourier transform of a 1-d signal (or a batch of them): the fft of each hop_length-spaced,
    window-weighted frame of n_fft samples, as a (freq, frames) tensor (batch first)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"stft(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    hop = n_fft // 4 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    if window is None:
        warnings.warn("A window was not provided. A rectangular window will be applied,which is known to cause "
                      "spectral leakage. Other windows such as torch.hann_window or torch.hamming_window are "
                      "recommended to reduce spectral leakage.To suppress this warning and use a rectangular window, "
                      "explicitly set `window=torch.ones(n_fft, device=<device>)`.", UserWarning, stacklevel=2)
    if return_complex is None and not (input.is_complex() or (window is not None and window.is_complex())):
        raise RuntimeError("stft requires the return_complex parameter be given for real inputs, and will further "
                           "require that return_complex=True in a future PyTorch release.")
    if return_complex is False:
        warnings.warn("stft with return_complex=False is deprecated. In a future pytorch release, stft will return "
                      "complex tensors for all inputs, and return_complex=False will raise an error.\nNote: you can "
                      "still call torch.view_as_real on the complex output to recover the old return format.",
                      UserWarning, stacklevel=2)
    x = input
    if center and x.dim() <= 3:
        shape = x.shape
        x = _pad(x.reshape((1,) * (3 - x.dim()) + tuple(shape)), n_fft // 2, n_fft // 2, pad_mode)
        x = x.reshape(tuple(shape[:-1]) + (x.shape[-1],))

    def fail(expected):
        described = "None" if window is None else f"{_describe(window).replace('[', '{[')}}}"
        raise RuntimeError(f"stft({_describe(x)}, n_fft={n_fft}, hop_length={hop}, win_length={win}, "
                           f"window={described}, normalized={int(normalized)}, onesided="
                           f"{'None' if onesided is None else int(onesided)}, return_complex="
                           f"{'None' if return_complex is None else int(return_complex)}, align_to_window=None) : "
                           f"expected {expected}")
    if x.dim() not in (1, 2):
        fail("a 1D or 2D tensor")
    length = x.shape[-1]
    if not 0 < n_fft <= length:
        fail(f"0 < n_fft < {length}, but got n_fft={n_fft}")
    if hop <= 0:
        fail(f"hop_length > 0, but got hop_length={hop}")
    if not 0 < win <= n_fft:
        fail(f"0 < win_length <= n_fft, but got win_length={win}")
    if window is not None and (window.dim() != 1 or window.shape[0] != win):
        fail(f"a 1D window tensor of size equal to win_length={win}, but got window with size {list(window.shape)}")
    frames = x.unfold(-1, n_fft, hop) * _padded_window(window, win, n_fft, x)
    complex_input = x.is_complex() or (window is not None and window.is_complex())
    if onesided is None:
        onesided = not complex_input
    if onesided and complex_input:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    spectrum = (_fft.rfft if onesided else _fft.fft)(frames, norm="ortho" if normalized else "backward")
    spectrum = spectrum.transpose(-1, -2)
    return spectrum if return_complex or return_complex is None else view_as_real(spectrum)


def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False,
          onesided=None, length=None, return_complex=False):
    """The inverse of stft: the inverse fft of each frame, weighted by the window, overlap-added and divided by the
    overlap-added squared window."""
    hop = n_fft // 4 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    if window is None:
        warnings.warn("A window was not provided. A rectangular window will be applied.Please provide the same window "
                      "used by stft to make the inversion lossless.To suppress this warning and use a rectangular "
                      "window, explicitly set `window=torch.ones(n_fft, device=<device>)`.", UserWarning,
                      stacklevel=2)
    if not input.is_complex():
        raise RuntimeError("istft requires a complex-valued input tensor matching the output from stft with "
                           "return_complex=True.")
    batched = input.dim() == 3
    spectrum = input if batched else input.unsqueeze(0)
    if onesided is None:
        onesided = spectrum.shape[-2] != n_fft
    if normalized:
        spectrum = spectrum * n_fft ** 0.5
    spectrum = spectrum.transpose(-1, -2)
    if not (onesided or return_complex):     # as PyTorch: a real signal from the first half of a full spectrum
        spectrum, onesided = spectrum[..., :n_fft // 2 + 1], True
    frames = _fft.irfft(spectrum, n=n_fft) if onesided else _fft.ifft(spectrum, n=n_fft)
    w = _padded_window(window, win, n_fft, frames)
    n_frames = frames.shape[-2]
    total = n_fft + hop * (n_frames - 1)
    index = (arange(n_frames).unsqueeze(1) * hop + arange(n_fft)).reshape(-1)
    weighted = frames * w
    signal = zeros((frames.shape[0], total), dtype=weighted.dtype).index_add(1, index, weighted.reshape(
        frames.shape[0], -1))
    envelope = zeros(total, dtype=w.dtype).index_add(0, index, (w * w).expand(n_frames, n_fft).reshape(-1))
    start = n_fft // 2 if center else 0
    end = total - (n_fft // 2 if center else 0) if length is None else start + length
    signal, envelope = signal[:, start:min(end, total)], envelope[start:min(end, total)]
    if bool((envelope.abs() < 1e-11).any()):
        raise RuntimeError(f"istft({_describe(input)}, n_fft={n_fft}, hop_length={hop}, win_length={win}) window "
                           f"overlap add min: {float(envelope.abs().min())}; choose a window and hop_length whose "
                           f"overlapping squared windows never sum to zero (NOLA)")
    signal = signal / envelope
    if end > total:     # a longer length than the frames cover: zeros after the signal, as PyTorch
        signal = _pad(signal, 0, end - total)
    return signal if batched else signal.squeeze(0)


Tensor.stft = stft
Tensor.istft = istft
