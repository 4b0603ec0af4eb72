"""Generated audio clips in class sub-folders, written as ``.wav`` with soundfile.

Two kinds of data whose winner is known by construction (the audio tests and
``benchmarks/audio_verdict.py`` share them):

- :func:`pitch_clips`, where a spectral statistic decides: each class is a steady tone in
  its own pitch range (the ranges overlap a little) under white noise, over the whole
  clip. A clip's average spectrum says its class; the order of its frames says nothing.
- :func:`chirp_clips`, where a spectro-temporal pattern decides: every clip holds one
  frequency sweep over the same range at a random onset, rising in one class and falling
  in the other. The two classes have the same spectrum on average and the same spread of
  changes from frame to frame; only the order in time tells them apart.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile

RATE = 8_000  # Hz: every sound here lies below 2 kHz
SECONDS = 1.0


def write_clips(
    root: Path,
    make: dict[str, Callable[[np.random.Generator], np.ndarray]],
    *,
    per_class: int,
    seed: int,
    rate: int = RATE,
) -> Path:
    """``per_class`` clips of each class, ``make[label](rng)`` a mono wave at ``rate``,
    written to ``root/<label>/<i>.wav``; returns ``root``."""
    rng = np.random.default_rng(seed)
    for label, sound in make.items():
        (root / label).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            soundfile.write(root / label / f"{i}.wav", sound(rng), rate, subtype="PCM_16")
    return root


def noise(rng: np.random.Generator, seconds: float = SECONDS, rate: int = RATE) -> np.ndarray:
    return 0.05 * rng.standard_normal(round(seconds * rate))


def tone(rng: np.random.Generator, low: float, high: float, *, rate: int = RATE) -> np.ndarray:
    """A steady tone of a random pitch in [low, high) Hz and random loudness, in noise."""
    t = np.arange(round(SECONDS * rate)) / rate
    pitch, phase = rng.uniform(low, high), rng.uniform(0, 2 * np.pi)
    wave = rng.uniform(0.1, 0.4) * np.sin(2 * np.pi * pitch * t + phase) + noise(rng, rate=rate)
    return np.clip(wave, -1, 1)


def chirp(rng: np.random.Generator, *, rising: bool, rate: int = RATE) -> np.ndarray:
    """One linear sweep between 300 Hz and 1.5 kHz, 0.25 to 0.4 s long, at a random onset
    and loudness, in noise; rising or falling."""
    from scipy.signal import chirp as sweep

    wave = noise(rng, rate=rate)
    length = round(rng.uniform(0.25, 0.4) * rate)
    start = rng.integers(0, len(wave) - length)
    t = np.arange(length) / rate
    low, high = 300.0, 1500.0
    f0, f1 = (low, high) if rising else (high, low)
    ramp = np.minimum(1, np.minimum(t, t[-1] - t) / 0.02)  # 20 ms fades: no clicks
    wave[start : start + length] += (
        rng.uniform(0.2, 0.5) * ramp * sweep(t, f0=f0, t1=t[-1], f1=f1, phi=rng.uniform(0, 360))
    )
    return np.clip(wave, -1, 1)


def pitch_clips(root: Path, *, per_class: int, seed: int) -> Path:
    """Two classes of steady tones: 300 to 500 Hz ("low") and 450 to 650 Hz ("high")."""
    return write_clips(
        root,
        {"low": lambda rng: tone(rng, 300, 500), "high": lambda rng: tone(rng, 450, 650)},
        per_class=per_class,
        seed=seed,
    )


def chirp_clips(root: Path, *, per_class: int, seed: int) -> Path:
    """Two classes of sweeps over the same range: "rising" and "falling"."""
    return write_clips(
        root,
        {
            "rising": lambda rng: chirp(rng, rising=True),
            "falling": lambda rng: chirp(rng, rising=False),
        },
        per_class=per_class,
        seed=seed,
    )
