"""The classical side's features for audio: summary statistics of MFCCs.

An audio dataset's rows are log-mel spectrograms (:mod:`advisor.data.audio`). The
classical answer to audio classification summarises each clip over time: the mean and
standard deviation of its mel-frequency cepstral coefficients and of their deltas, a fixed
vector whatever the clip's length, for logistic regression or boosting. The summary keeps
what a clip sounds like on average and how much it varies; it drops the order in which
things happen, which is what a network on the spectrogram itself can still see.

The MFCCs are the DCT of the log-mel spectrogram and the deltas a Savitzky-Golay
derivative over nine frames: what ``librosa.feature.mfcc(S=...)`` and
``librosa.feature.delta`` compute, with scipy directly, as librosa's import costs seconds
(numba) that the check's budget would pay. A test holds both to librosa.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

N_MFCC = 20  # coefficients kept: the spectral envelope, without the pitch's fine structure
DELTA_WIDTH = 9  # frames in a delta's Savitzky-Golay window (librosa's default)


def mfcc(spectrograms: Any, *, n_mfcc: int = N_MFCC) -> np.ndarray:
    """N × mels × frames (× 1) log-mel spectrograms in decibels → N × ``n_mfcc`` × frames
    MFCCs (the orthonormal DCT-II over the mel bands)."""
    from scipy.fft import dct

    S = np.asarray(spectrograms, dtype=np.float32)
    if S.ndim == 4:
        S = S[..., 0]
    return dct(S, type=2, norm="ortho", axis=1)[:, :n_mfcc]


def deltas(features: np.ndarray) -> np.ndarray:
    """The first derivative over time (the last axis) of ``features``, smoothed over
    :data:`DELTA_WIDTH` frames, or fewer on clips shorter than that (none below three)."""
    from scipy.signal import savgol_filter

    frames = features.shape[-1]
    width = min(DELTA_WIDTH, frames if frames % 2 else frames - 1)
    if width < 3:
        return np.zeros_like(features)
    return savgol_filter(features, width, polyorder=1, deriv=1, axis=-1, mode="interp")


class MfccStats(TransformerMixin, BaseEstimator):
    """N × mels × frames × 1 log-mel spectrograms → per clip, the mean and standard
    deviation over time of ``n_mfcc`` MFCCs and of their deltas (4 × ``n_mfcc`` features).
    """

    def __init__(self, *, n_mfcc: int = N_MFCC) -> None:
        self.n_mfcc = n_mfcc

    def fit(self, X: Any, y: Any = None) -> MfccStats:
        self.n_features_out_ = 4 * min(self.n_mfcc, np.shape(X)[1])
        return self

    def transform(self, X: Any) -> np.ndarray:
        coefficients = mfcc(X, n_mfcc=self.n_mfcc)
        changes = deltas(coefficients)
        return np.concatenate(
            [coefficients.mean(2), coefficients.std(2), changes.mean(2), changes.std(2)], axis=1
        ).astype(np.float32)
