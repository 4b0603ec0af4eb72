"""Folders of audio clips in class sub-folders, read as log-mel spectrograms."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile
from PIL import Image

from advisor.data import load_dataset
from advisor.data.audio import MAX_FRAMES, N_MELS, log_mel, mel_filters, read_clip
from advisor.data.source import content_hash
from advisor.errors import DataError
from tests.data.audio_clips import RATE, pitch_clips, tone, write_clips


def _clip(path: Path, seconds: float, *, rate: int = RATE, channels: int = 1) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wave = tone(np.random.default_rng(0), 400, 401, rate=rate)
    wave = np.resize(wave, round(seconds * rate))
    soundfile.write(path, wave if channels == 1 else np.stack([wave] * channels, 1), rate)
    return path


def test_a_folder_of_clips_is_an_audio_dataset(tmp_path: Path) -> None:
    root = pitch_clips(tmp_path / "pitch", per_class=3, seed=0)
    data = load_dataset(root)
    assert (data.modality, data.task, data.class_names) == ("audio", "binary", ("high", "low"))
    assert (data.X.shape, data.X.dtype) == ((6, N_MELS, 63, 1), np.float32)
    assert data.y.tolist() == ["high"] * 3 + ["low"] * 3
    assert data.notes == (
        "Read 6 clips of 1.00 s at 8,000 Hz as log-mel spectrograms: 40 mel bands × 63 frames, "
        "16 ms apart.",
    )
    assert (data.source.kind, data.source.rows_total) == ("audio_folder", 6)
    assert data.source.size_bytes == sum(f.stat().st_size for f in root.rglob("*.wav"))


def test_flac_clips_are_read_too(tmp_path: Path) -> None:
    for label in ("a", "b"):
        for i in range(2):
            _clip(tmp_path / "f" / label / f"{i}.flac", 0.5)
    data = load_dataset(tmp_path / "f")
    assert (data.modality, data.X.shape[0]) == ("audio", 4)


def test_clips_are_cut_or_padded_to_the_median_length(tmp_path: Path) -> None:
    for name, seconds in (("a/0.wav", 0.5), ("a/1.wav", 0.6), ("b/0.wav", 0.6), ("b/1.wav", 0.7)):
        _clip(tmp_path / "lengths" / name, seconds)
    data = load_dataset(tmp_path / "lengths")
    assert data.X.shape == (4, N_MELS, 61, 1)  # 0.6 s in frames 10 ms apart, centred
    assert data.notes[1:] == (
        "Cut 1 and zero-padded 1 clips to 0.60 s (lengths 0.50 s to 0.70 s).",
    )
    # The padded clip (a/0.wav, 0.5 s) is silent at its end: its floor, 80 dB below its peak.
    padded = data.X[0, :, -5:, 0]
    assert np.allclose(padded, data.X[0].max() - 80)
    assert data.X[1, :, -5:, 0].max() > data.X[1].max() - 20  # 0.6 s: the tone to the end


def test_uneven_lengths_are_a_warning(tmp_path: Path) -> None:
    for name, seconds in (("a/0.wav", 0.2), ("a/1.wav", 1.0), ("b/0.wav", 1.0), ("b/1.wav", 3.0)):
        _clip(tmp_path / "uneven" / name, seconds)
    data = load_dataset(tmp_path / "uneven")
    assert data.notes[1:] == (
        "Clips differ a lot in length (0.20 s to 3.00 s): each is cut or zero-padded to 1.00 s "
        "(1 cut, 1 padded), so a long clip loses its end; trim the clips to the part that "
        "matters, or split long ones into several.",
    )


def test_read_clip_mixes_down_to_mono_and_pads(tmp_path: Path) -> None:
    wave = np.linspace(-0.5, 0.5, 100)
    path = tmp_path / "stereo.wav"
    soundfile.write(path, np.stack([wave, np.zeros_like(wave)], axis=1), RATE, subtype="FLOAT")
    mono = read_clip(soundfile, path, 150)
    assert mono.shape == (150,)
    assert np.allclose(mono[:100], wave / 2) and not mono[100:].any()
    assert np.allclose(read_clip(soundfile, path, 40), wave[:40] / 2)


def test_stereo_clips_are_mixed_down_and_said_so(tmp_path: Path) -> None:
    _clip(tmp_path / "s" / "a" / "0.wav", 0.5, channels=2)
    _clip(tmp_path / "s" / "a" / "1.wav", 0.5)
    _clip(tmp_path / "s" / "b" / "0.wav", 0.5)
    data = load_dataset(tmp_path / "s")
    assert data.notes[1:] == ("Mixed 1 clip with several channels down to mono.",)
    assert np.allclose(data.X[0], data.X[1], atol=1e-3)  # the same tone in both channels


def test_sampling_keeps_each_class_share(tmp_path: Path) -> None:
    root = write_clips(
        tmp_path / "many",
        {"a": lambda rng: 0.1 * rng.standard_normal(800), "b": lambda rng: np.zeros(800) + 0.1},
        per_class=6,
        seed=0,
    )
    data = load_dataset(root, max_rows=6)
    assert sorted(data.y.tolist()) == ["a"] * 3 + ["b"] * 3
    assert data.rows_total == 12
    assert data.notes[0] == "Sampled 6 of 12 clips (per class) to bound memory."


def _mixed_rates(d: Path) -> Path:
    _clip(d / "rates" / "a" / "0.wav", 0.5)
    _clip(d / "rates" / "a" / "1.wav", 0.5, rate=16_000)
    _clip(d / "rates" / "b" / "0.wav", 0.5)
    return d / "rates"


def _corrupt(d: Path) -> Path:
    _clip(d / "bad" / "a" / "0.wav", 0.5)
    (d / "bad" / "b").mkdir()
    (d / "bad" / "b" / "0.wav").write_bytes(b"RIFF not really a wave file")
    return d / "bad"


def _no_samples(d: Path) -> Path:
    _clip(d / "empty" / "a" / "0.wav", 0.5)
    (d / "empty" / "b").mkdir()
    soundfile.write(d / "empty" / "b" / "0.wav", np.zeros(0), RATE)
    return d / "empty"


def _flat(d: Path) -> Path:
    _clip(d / "flat" / "0.wav", 0.5)
    (d / "flat" / "a").mkdir()
    return d / "flat"


def _one_class(d: Path) -> Path:
    _clip(d / "one" / "dog" / "0.wav", 0.5)
    _clip(d / "one" / "dog" / "1.wav", 0.5)
    return d / "one"


def _images_and_audio(d: Path) -> Path:
    _clip(d / "both" / "b" / "0.wav", 0.5)
    (d / "both" / "a").mkdir()
    Image.fromarray(np.zeros((4, 4), dtype=np.uint8)).save(d / "both" / "a" / "0.png")
    return d / "both"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            _mixed_rates,
            "Clips in {d}/rates have different sample rates: 8,000 Hz (a/0.wav), 16,000 Hz "
            "(a/1.wav); resample them all to one rate first (for example with sox or ffmpeg).",
        ),
        (_corrupt, "Could not read {d}/bad/b/0.wav as audio: remove it or replace it."),
        (_no_samples, "{d}/empty/b/0.wav holds no samples: remove it or replace it."),
        (
            _flat,
            "{d}/flat holds no audio in class sub-folders: expected {d}/flat/<class>/<clip>.wav "
            "(or .flac), one sub-folder per class.",
        ),
        (
            _one_class,
            "{d}/one holds audio for a single class (dog): the check needs at least two, one "
            "sub-folder per class.",
        ),
        (
            _images_and_audio,
            "{d}/both holds both images (a/0.png) and audio (b/0.wav): the check reads one kind "
            "of input; move one kind to a folder of its own.",
        ),
    ],
    ids=["mixed-sample-rates", "corrupt-file", "no-samples", "no-class-folders", "one-class",
         "images-and-audio"],
)  # fmt: skip
def test_bad_input_is_one_line(tmp_path: Path, make, message: str) -> None:
    path = make(tmp_path)
    with pytest.raises(DataError) as caught:
        load_dataset(path)
    assert str(caught.value) == message.format(d=tmp_path)


def test_image_size_is_refused_for_audio(tmp_path: Path) -> None:
    root = pitch_clips(tmp_path / "pitch", per_class=1, seed=0)
    with pytest.raises(DataError, match=r"^--image-size is for a folder of images; .* holds audio"):
        load_dataset(root, image_size=32)


def test_the_content_hash_covers_the_clips(tmp_path: Path) -> None:
    root = pitch_clips(tmp_path / "pitch", per_class=2, seed=0)
    before = content_hash(root)
    (root / "notes.txt").write_text("not a clip")
    assert content_hash(root) == before
    _clip(root / "low" / "0.wav", 0.3)
    assert content_hash(root) != before


# --- the log-mel front end ---------------------------------------------------------------------


@pytest.mark.parametrize(("rate", "n_fft"), [(8_000, 256), (16_000, 512), (44_100, 2048)])
def test_the_mel_filterbank_is_librosas(rate: int, n_fft: int) -> None:
    import librosa

    expected = librosa.filters.mel(sr=rate, n_fft=n_fft, n_mels=N_MELS)
    assert np.allclose(mel_filters(rate, n_fft, N_MELS), expected, atol=1e-8)


def test_a_tone_lights_the_band_of_its_pitch() -> None:
    t = np.arange(RATE) / RATE
    spectrograms = log_mel(np.stack([np.sin(2 * np.pi * f * t) for f in (300, 1200)]), RATE)
    filters = mel_filters(RATE, 256, N_MELS)
    bins = np.fft.rfftfreq(256, 1 / RATE)
    for spectrogram, pitch in zip(spectrograms, (300, 1200), strict=True):
        band = int(np.argmax(spectrogram[:, 50, 0]))
        assert filters[band, np.argmin(np.abs(bins - pitch))] > 0  # the band spans the pitch
        assert spectrogram.max() - spectrogram.min() == pytest.approx(80, abs=1e-3)


def test_long_clips_keep_a_bounded_number_of_frames() -> None:
    spectrograms = log_mel(np.zeros((1, 8 * RATE)), RATE)
    assert spectrograms.shape[:2] == (1, N_MELS) and spectrograms.shape[2] <= MAX_FRAMES


def test_the_profile_of_a_clip_folder(tmp_path: Path) -> None:
    from advisor.inference import profile_from_dataset

    profile = profile_from_dataset(load_dataset(pitch_clips(tmp_path / "p", per_class=2, seed=0)))
    assert (profile.modality, profile.task, profile.features) == ("audio", "binary", N_MELS * 63)
    assert "Modality: audio (log-mel spectrograms, 40 mel bands × 63 frames)." in profile.notes
