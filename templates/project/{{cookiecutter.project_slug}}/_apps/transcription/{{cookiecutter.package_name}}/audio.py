"""Read a folder of audio files and its transcripts CSV, checked before anything is written.

The folder holds WAV or FLAC files and a CSV (`data.transcripts`, columns `file,text`; `file`
relative to the folder). Every file must be readable and at one sample rate; that rate is
resampled to Whisper's 16 kHz when it differs. Anything wrong stops with one `Error:` line.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

# Whisper's feature extractor reads 16 kHz audio, whatever the checkpoint's size.
SAMPLE_RATE = 16_000
COLUMNS = ("file", "text")


@dataclass(frozen=True)
class Clips:
    """Audio clips (mono float32 at SAMPLE_RATE) with their transcripts."""

    files: list[str]
    texts: list[str]
    audio: list[np.ndarray]

    def __len__(self) -> int:
        return len(self.files)

    def subset(self, indices: list[int] | np.ndarray) -> Clips:
        return Clips(
            files=[self.files[i] for i in indices],
            texts=[self.texts[i] for i in indices],
            audio=[self.audio[i] for i in indices],
        )


def read_transcripts(path: Path) -> list[tuple[str, str]]:
    """The (file, text) rows of the transcripts CSV; an empty file, missing columns or an
    empty text are one `Error:` line each."""
    if not path.is_file():
        raise SystemExit(
            f"Error: transcripts file {str(path)!r} does not exist; write a CSV with the "
            "columns file,text (one row per audio file) or set params.yaml data.transcripts"
        )
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = [name.strip() for name in reader.fieldnames or []]
        rows = list(reader)
    if not rows:
        raise SystemExit(
            f"Error: transcripts file {str(path)!r} has no transcripts; it needs a header "
            "file,text and one row per audio file"
        )
    missing = [name for name in COLUMNS if name not in columns]
    if missing:
        raise SystemExit(
            f"Error: transcripts file {str(path)!r} has no column {', '.join(missing)} "
            f"(its columns: {', '.join(columns)}); name them file,text"
        )
    reader_names = dict(zip(columns, reader.fieldnames or [], strict=True))
    pairs = []
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        file = (row[reader_names["file"]] or "").strip()
        text = " ".join((row[reader_names["text"]] or "").split())
        if not text:
            raise SystemExit(
                f"Error: transcripts file {str(path)!r} line {number} ({file!r}) has an empty "
                "text; write what the clip says or remove the row"
            )
        pairs.append((file, text))
    return pairs


def read_folder(folder: Path, transcripts: str) -> Clips:
    """Every clip the transcripts name, checked (present, readable, one sample rate) before
    any is decoded, and resampled to SAMPLE_RATE when their rate differs."""
    rows = read_transcripts(folder / transcripts)
    rates: dict[int, str] = {}  # sample rate -> the first file at that rate
    for file, _ in rows:
        path = folder / file
        if not path.is_file():
            raise SystemExit(
                f"Error: audio file {file!r} named in {transcripts} is not in {str(folder)!r}; "
                "add the file or remove its row"
            )
        try:
            info = sf.info(str(path))
        except (sf.LibsndfileError, RuntimeError) as exc:
            raise SystemExit(
                f"Error: audio file {file!r} cannot be read ({_first_line(exc)}); it is corrupt "
                "or not WAV/FLAC: replace it or remove its row"
            ) from None
        if info.frames == 0:
            raise SystemExit(
                f"Error: audio file {file!r} holds no samples; replace it or remove its row"
            )
        rates.setdefault(int(info.samplerate), file)
    if len(rates) > 1:
        found = ", ".join(f"{rate} Hz (e.g. {file!r})" for rate, file in sorted(rates.items()))
        raise SystemExit(
            f"Error: the audio files have mixed sample rates: {found}; resample them to one "
            f"rate (Whisper reads {SAMPLE_RATE} Hz) before training"
        )
    [rate] = rates
    audio = [read_audio(folder / file, expected_rate=rate) for file, _ in rows]
    return Clips(files=[f for f, _ in rows], texts=[t for _, t in rows], audio=audio)


def read_audio(path: Path, expected_rate: int | None = None) -> np.ndarray:
    """One file as mono float32 at SAMPLE_RATE (channels averaged, resampled by librosa)."""
    try:
        samples, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError) as exc:
        raise SystemExit(
            f"Error: audio file {path.name!r} cannot be read ({_first_line(exc)}); it is corrupt "
            "or not WAV/FLAC: replace it"
        ) from None
    if expected_rate is not None and rate != expected_rate:
        raise SystemExit(f"Error: audio file {path.name!r} changed while it was read; run again")
    mono = samples.mean(axis=1)
    if rate != SAMPLE_RATE:
        import librosa  # only when needed: it takes a while to import

        mono = librosa.resample(mono, orig_sr=rate, target_sr=SAMPLE_RATE)
    return mono.astype(np.float32)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def save_clips(path: Path, clips: Clips) -> None:
    """The clips in one .npz: the audio end to end with each clip's length, files and texts
    as string arrays (read back without pickle)."""
    np.savez(
        path,
        audio=np.concatenate(clips.audio) if clips.audio else np.zeros(0, np.float32),
        lengths=np.array([len(a) for a in clips.audio], dtype=np.int64),
        files=np.array(clips.files, dtype=str),
        texts=np.array(clips.texts, dtype=str),
    )


def load_clips(path: Path) -> Clips:
    if not path.is_file():
        raise SystemExit(f"Error: {str(path)!r} does not exist; run `prepare` first")
    with np.load(path) as saved:
        ends = np.cumsum(saved["lengths"])
        audio = np.split(saved["audio"], ends[:-1]) if len(ends) else []
        return Clips(files=saved["files"].tolist(), texts=saved["texts"].tolist(), audio=audio)
