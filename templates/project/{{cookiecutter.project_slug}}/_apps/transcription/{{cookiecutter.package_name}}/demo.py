"""Generated demo data: "spoken-like" clips a speech model can learn, written offline.

Each word of a small vocabulary is a tone pattern of its own (a rising or falling chirp,
a two-tone burst, a chord, a warbling tone); a sentence is one to three words with short
silences between them, and its transcript is the words. A model that learns the patterns
transcribes the clips, so the word error rate says whether the pipeline learns.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import soundfile as sf

from .audio import SAMPLE_RATE

WORDS = ["up", "down", "left", "right", "stop"]


def _word(word: str, seconds: float, rng: np.random.Generator) -> np.ndarray:
    """One word's pattern, its pitch shifted a little each time it is spoken."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    shift = rng.uniform(0.95, 1.05)
    if word in ("up", "down"):
        low, high = 300 * shift, 1200 * shift
        start, end = (low, high) if word == "up" else (high, low)
        # A linear chirp: the phase integrates the frequency that moves from start to end.
        phase = 2 * np.pi * (start * t + (end - start) * t**2 / (2 * seconds))
        signal = np.sin(phase)
    elif word == "left":
        first_half = t < seconds / 2
        low, high = np.sin(2 * np.pi * 500 * shift * t), np.sin(2 * np.pi * 900 * shift * t)
        signal = np.where(first_half, low, high)
    elif word == "right":
        signal = 0.5 * (np.sin(2 * np.pi * 700 * shift * t) + np.sin(2 * np.pi * 1500 * shift * t))
    else:  # stop: a high tone whose pitch warbles
        signal = np.sin(2 * np.pi * 2000 * shift * t + 3 * np.sin(2 * np.pi * 30 * t))
    envelope = np.minimum(1.0, np.minimum(t, seconds - t) / 0.01)  # 10 ms fades, no clicks
    return signal * envelope


def sentence(rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """One to three words with silences: at most a second of audio, and its transcript."""
    words = list(rng.choice(WORDS, size=rng.integers(1, 4)))
    pieces = [np.zeros(int(rng.uniform(0.02, 0.1) * SAMPLE_RATE))]
    for index, word in enumerate(words):
        if index:
            pieces.append(np.zeros(int(rng.uniform(0.06, 0.12) * SAMPLE_RATE)))
        pieces.append(rng.uniform(0.3, 0.8) * _word(word, rng.uniform(0.16, 0.2), rng))
    pieces.append(np.zeros(int(0.04 * SAMPLE_RATE)))
    audio = np.concatenate(pieces)
    audio += rng.normal(0, 0.01, size=audio.shape)  # a little background noise
    return audio.astype(np.float32), " ".join(words)


def write_demo(folder: Path, clips: int, seed: int) -> None:
    """`clips` WAV files and transcripts.csv (columns file,text) in `folder`."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for index in range(clips):
        audio, text = sentence(rng)
        name = f"clip-{index:04d}.wav"
        sf.write(folder / name, audio, SAMPLE_RATE, subtype="PCM_16")
        rows.append((name, text))
    with (folder / "transcripts.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "text"])
        writer.writerows(rows)
