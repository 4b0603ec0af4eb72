"""Folders of audio clips (``.wav``, ``.flac``), one sub-folder per class.

Every clip is decoded with soundfile, mixed down to mono, cut or zero-padded to one
length, and turned into a log-mel spectrogram: the time-frequency picture that both sides
of the check read (MFCC statistics for the classical models, the spectrogram itself for
the CNN). The spectrogram is computed here, once, because only the reader knows the sample
rate, and because a fixed, label-free front end costs nothing to share between the splits.

The mel filterbank, the short-time Fourier transform and the decibel scale are written out
with numpy rather than taken from librosa: importing ``librosa.filters`` imports numba
(seconds), and librosa's first spectrogram compiles numba code (tens of seconds on a busy
machine), all of it inside the check's budget. They are librosa's defaults (Slaney mel
scale and area normalisation, a periodic Hann window, centred frames padded with zeros,
``power_to_db`` with an 80 dB range); a test holds the filterbank to ``librosa.filters.mel``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from advisor.data.dataset import Dataset, make_dataset
from advisor.errors import DataError

AUDIO_SUFFIXES = {".wav", ".flac"}
N_MELS = 40  # mel bands: the usual resolution for speech and sound-event front ends
WINDOW_SECONDS = 0.025  # the analysis window, rounded up to a power of two samples
HOP_SECONDS = 0.010  # between frames, widened for long clips (see MAX_FRAMES)
MAX_FRAMES = 64  # frames a clip at most: bounds memory and the CNN's cost per clip
MAX_SECONDS = 10.0  # clips are cut to at most this long
TOP_DB = 80.0  # a clip's spectrogram spans at most this range below its loudest cell
CHUNK = 64  # clips decoded and transformed at a time
UNEVEN = 1.5  # clips more than this factor longer or shorter than the median are "uneven"
# How the note on uneven clips begins: the check repeats that note among its warnings.
UNEVEN_CLIPS = "Clips differ a lot in length"


def load_audio_folder(path: Path, *, task: str | None, max_rows: int | None, seed: int) -> Dataset:
    """The clips under ``path/<class>/``, labelled by their sub-folder, as log-mel
    spectrograms: ``X`` is N × :data:`N_MELS` × frames × 1 (decibels, float32).

    Every clip must have one sample rate. Clips are mixed down to mono and cut or
    zero-padded to the median clip's length (at most :data:`MAX_SECONDS`). Above
    ``max_rows`` clips, each class is sampled in proportion. ``notes`` say what was read,
    mixed down, cut or padded, and sampled.
    """
    import soundfile

    classes = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
    files = {c.name: audio_files_in(c) for c in classes}
    files = {name: found for name, found in files.items() if found}
    if not files:
        raise DataError(
            f"{path} holds no audio in class sub-folders: expected {path}/<class>/<clip>.wav "
            "(or .flac), one sub-folder per class."
        )
    if len(files) == 1:
        raise DataError(
            f"{path} holds audio for a single class ({next(iter(files))}): the check needs at "
            "least two, one sub-folder per class."
        )
    total = sum(len(found) for found in files.values())
    notes: list[str] = []
    if max_rows is not None and total > max_rows:
        rng = np.random.default_rng(seed)
        share = max_rows / total
        files = {
            n: sorted(rng.choice(found, size=max(1, round(len(found) * share)), replace=False))
            for n, found in files.items()
        }
        notes.append(
            f"Sampled {sum(map(len, files.values())):,} of {total:,} clips (per class) to bound "
            "memory."
        )
    clips = [(label, clip) for label, found in files.items() for clip in found]
    infos = [_info(soundfile, clip) for _, clip in clips]
    rate = _one_rate(path, [clip for _, clip in clips], [info.samplerate for info in infos])
    frames = np.array([info.frames for info in infos])
    length = int(min(np.median(frames), MAX_SECONDS * rate))
    # A few clips at a time: the waves of them all could be many times the spectrograms.
    X = np.concatenate(
        [
            log_mel(np.stack([read_clip(soundfile, clip, length) for _, clip in chunk]), rate)
            for chunk in (clips[i : i + CHUNK] for i in range(0, len(clips), CHUNK))
        ]
    )
    stereo = sum(info.channels > 1 for info in infos)
    hop, _ = frame_sizes(length, rate)
    notes.append(
        f"Read {len(clips):,} clips of {_seconds(length / rate)} at {rate:,} Hz as log-mel "
        f"spectrograms: {N_MELS} mel bands × {X.shape[2]} frames, {1000 * hop / rate:.0f} ms "
        "apart."
    )
    if stereo:
        clips_word = "clip" if stereo == 1 else "clips"
        notes.append(f"Mixed {stereo:,} {clips_word} with several channels down to mono.")
    notes += _length_notes(frames, length, rate)
    return make_dataset(
        X,
        np.asarray([label for label, _ in clips]),
        task,
        modality="audio",
        name=path.name,
        rows_total=total,
        notes=notes,
        class_names=list(files),
        source=path,
    )


def audio_files_in(folder: Path) -> list[Path]:
    """The clips under ``folder`` (any depth), sorted."""
    return sorted(f for f in folder.rglob("*") if f.suffix.lower() in AUDIO_SUFFIXES)


def read_clip(soundfile: Any, clip: Path, length: int) -> np.ndarray:
    """The first ``length`` samples of ``clip``, mixed down to mono (the mean of its
    channels) and zero-padded when it is shorter."""
    try:
        data, _ = soundfile.read(clip, frames=length, dtype="float32", always_2d=True)
    except (RuntimeError, OSError, ValueError) as exc:
        raise DataError(f"Could not read {clip} as audio: remove it or replace it.") from exc
    wave = np.zeros(length, dtype=np.float32)
    wave[: len(data)] = data.mean(axis=1)
    return wave


def _info(soundfile: Any, clip: Path) -> Any:
    """The clip's header (rate, frames, channels), or a one-line error when it has none."""
    try:
        info = soundfile.info(clip)
    except (RuntimeError, OSError, ValueError) as exc:
        raise DataError(f"Could not read {clip} as audio: remove it or replace it.") from exc
    if info.frames <= 0:
        raise DataError(f"{clip} holds no samples: remove it or replace it.")
    return info


def _one_rate(path: Path, clips: list[Path], rates: list[int]) -> int:
    """The clips' one sample rate; a mixture is refused, as a spectrogram's bands and
    frames mean different frequencies and times at different rates."""
    first: dict[int, Path] = {}
    for clip, rate in zip(clips, rates, strict=True):
        first.setdefault(rate, clip)
    if len(first) > 1:
        found = ", ".join(
            f"{rate:,} Hz ({clip.relative_to(path)})" for rate, clip in sorted(first.items())
        )
        raise DataError(
            f"Clips in {path} have different sample rates: {found}; resample them all to one "
            "rate first (for example with sox or ffmpeg)."
        )
    return rates[0]


def _length_notes(frames: np.ndarray, length: int, rate: int) -> list[str]:
    """What cutting and padding did, in words; uneven lengths get a warning's wording, as
    a cut clip may lose what decides its class."""
    cut, padded = int(np.sum(frames > length)), int(np.sum(frames < length))
    if not (cut or padded):
        return []
    shortest, longest = _seconds(frames.min() / rate), _seconds(frames.max() / rate)
    median = np.median(frames)
    if frames.max() > UNEVEN * median or frames.min() * UNEVEN < median:
        return [
            f"{UNEVEN_CLIPS} ({shortest} to {longest}): each is cut or "
            f"zero-padded to {_seconds(length / rate)} ({cut:,} cut, {padded:,} padded), so a "
            "long clip loses its end; trim the clips to the part that matters, or split long "
            "ones into several."
        ]
    return [
        f"Cut {cut:,} and zero-padded {padded:,} clips to {_seconds(length / rate)} "
        f"(lengths {shortest} to {longest})."
    ]


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


# --- the log-mel front end -------------------------------------------------------------------


def log_mel(waves: np.ndarray, rate: int) -> np.ndarray:
    """N×T mono waves at ``rate`` Hz → N × :data:`N_MELS` × frames × 1 log-mel
    spectrograms in decibels, each clip clipped at :data:`TOP_DB` below its loudest cell.

    Frames are :data:`HOP_SECONDS` apart, or further apart for clips longer than
    :data:`MAX_FRAMES` hops, with a window of :data:`WINDOW_SECONDS` (at least the hop).
    """
    waves = np.asarray(waves, dtype=np.float32)
    hop, n_fft = frame_sizes(waves.shape[1], rate)
    filters = mel_filters(rate, n_fft, N_MELS).astype(np.float32)
    window = np.hanning(n_fft + 1)[:-1].astype(np.float32)  # periodic Hann
    parts = []
    # A few clips at a time: the frames of every clip at once would be n_fft / hop times
    # the waves' memory.
    for start in range(0, len(waves), CHUNK):
        padded = np.pad(waves[start : start + CHUNK], ((0, 0), (n_fft // 2, n_fft // 2)))
        frames = np.lib.stride_tricks.sliding_window_view(padded, n_fft, axis=1)[:, ::hop]
        power = np.abs(np.fft.rfft(frames * window, axis=2)) ** 2
        mel = np.einsum("mf,ntf->nmt", filters, power.astype(np.float32))
        decibels = 10 * np.log10(np.maximum(mel, 1e-10))
        floor = decibels.max(axis=(1, 2), keepdims=True) - TOP_DB
        parts.append(np.maximum(decibels, floor))
    return np.concatenate(parts)[..., np.newaxis].astype(np.float32)


def frame_sizes(length: int, rate: int) -> tuple[int, int]:
    """The hop between frames and the window (FFT) length, in samples, for clips of
    ``length`` samples at ``rate`` Hz: at most :data:`MAX_FRAMES` frames a clip."""
    hop = max(1, round(HOP_SECONDS * rate), -(-length // (MAX_FRAMES - 1)))
    n_fft = 1 << int(np.ceil(np.log2(max(WINDOW_SECONDS * rate, hop, 2))))
    return hop, n_fft


def mel_filters(rate: int, n_fft: int, n_mels: int) -> np.ndarray:
    """The n_mels × (n_fft / 2 + 1) triangular mel filterbank from 0 Hz to ``rate`` / 2:
    what ``librosa.filters.mel(sr=rate, n_fft=n_fft, n_mels=n_mels)`` returns."""
    frequencies = np.fft.rfftfreq(n_fft, 1 / rate)
    edges = _mel_to_hz(np.linspace(0.0, _hz_to_mel(rate / 2), n_mels + 2))
    widths = np.diff(edges)
    ramps = edges[:, np.newaxis] - frequencies[np.newaxis, :]
    lower = -ramps[:-2] / widths[:-1, np.newaxis]
    upper = ramps[2:] / widths[1:, np.newaxis]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    # Slaney's normalisation: each triangle has the same area.
    return weights * (2.0 / (edges[2:] - edges[:-2]))[:, np.newaxis]


# Slaney's mel scale: linear below 1 kHz, logarithmic above.
_LINEAR_STEP = 200.0 / 3  # Hz per mel below 1 kHz
_BREAK_HZ = 1000.0
_BREAK_MEL = _BREAK_HZ / _LINEAR_STEP
_LOG_STEP = np.log(6.4) / 27.0


def _hz_to_mel(hz: float | np.ndarray) -> Any:
    hz = np.asarray(hz, dtype=np.float64)
    linear = hz / _LINEAR_STEP
    log = _BREAK_MEL + np.log(np.maximum(hz, _BREAK_HZ) / _BREAK_HZ) / _LOG_STEP
    return np.where(hz >= _BREAK_HZ, log, linear)


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    linear = _LINEAR_STEP * mel
    log = _BREAK_HZ * np.exp(_LOG_STEP * (np.maximum(mel, _BREAK_MEL) - _BREAK_MEL))
    return np.where(mel >= _BREAK_MEL, log, linear)
