"""Audio in the check: MFCC statistics against a CNN on log-mel spectrograms."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from advisor.check.audio_features import MfccStats, deltas, mfcc
from advisor.check.ladder import Context, ladder
from advisor.check.markdown import render_markdown
from advisor.check.result import FeasibilityReport, validate
from advisor.check.runner import run_check
from advisor.cli import main
from advisor.data import load_dataset
from advisor.data.audio import N_MELS, UNEVEN_CLIPS
from tests.data.audio_clips import chirp_clips, noise, pitch_clips, write_clips


@pytest.fixture(scope="module")
def pitch(tmp_path_factory) -> object:
    """Where a spectral statistic decides: 60 clips a class."""
    return load_dataset(pitch_clips(tmp_path_factory.mktemp("a") / "pitch", per_class=60, seed=0))


@pytest.fixture(scope="module")
def chirps(tmp_path_factory) -> Path:
    """Where the order in time decides: 60 clips a class."""
    return chirp_clips(tmp_path_factory.mktemp("b") / "chirps", per_class=60, seed=1)


def test_mfcc_and_deltas_are_librosas(pitch) -> None:
    import librosa

    spectrograms = pitch.X[:3, ..., 0]
    expected = librosa.feature.mfcc(S=spectrograms, n_mfcc=20)
    assert np.allclose(mfcc(pitch.X[:3]), expected, atol=1e-3)
    assert np.allclose(deltas(expected), librosa.feature.delta(expected), atol=1e-4)


def test_mfcc_stats_are_four_numbers_per_coefficient(pitch) -> None:
    features = MfccStats().fit(pitch.X).transform(pitch.X)
    assert (features.shape, features.dtype) == ((120, 80), np.float32)
    coefficients = mfcc(pitch.X)
    assert np.allclose(features[:, :20], coefficients.mean(2), atol=1e-4)
    assert np.allclose(features[:, 20:40], coefficients.std(2), atol=1e-4)
    # Deltas of a clip two frames long are all zero: too short for a derivative.
    assert not MfccStats().fit_transform(pitch.X[:2, :, :2])[:, 40:].any()


def _mfcc_accuracy(data) -> float:
    model = make_pipeline(MfccStats(), StandardScaler(), LogisticRegression(max_iter=2000))
    return float(cross_val_score(model, data.X, data.y, cv=5, scoring="accuracy").mean())


def test_mfcc_stats_see_the_pitch_but_not_the_order_in_time(pitch, chirps: Path) -> None:
    assert _mfcc_accuracy(pitch) > 0.8  # the pitch ranges overlap: at most 0.875
    assert _mfcc_accuracy(load_dataset(chirps)) < 0.7  # chance is 0.5


@pytest.mark.parametrize(
    ("task", "names"),
    [
        ("binary", ["dummy", "mfcc_logistic", "mfcc_gradient_boosting", "logmel_cnn"]),
        ("regression", ["dummy", "mfcc_ridge", "mfcc_gradient_boosting", "logmel_cnn"]),
    ],
    ids=["classes", "numbers"],
)
def test_the_audio_ladder(task: str, names: list[str]) -> None:
    rungs = ladder(Context(task, "audio", rows=100, seed=0))
    assert [c.name for c in rungs] == names
    assert [c.family for c in rungs] == ["baseline", "classical", "classical", "deep_learning"]


def test_the_features_feed_each_rung(pitch) -> None:
    context = Context("binary", "audio", rows=100, seed=0)
    linear, boosting, cnn = ladder(context)[1:]
    front = linear.build(context, None)[:-1]
    assert front.fit_transform(pitch.X).shape == (120, 80)
    assert boosting.build(context, None)[:-1].fit_transform(pitch.X).shape == (120, 80)
    # The CNN sees the whole spectrogram, mel bands and frames kept.
    assert cnn.build(context, None)[:-1].fit_transform(pitch.X).shape == (120, N_MELS, 63, 1)


@pytest.mark.slow
def test_the_check_gives_the_cnn_where_the_order_in_time_decides(chirps: Path, tmp_path) -> None:
    result = CliRunner().invoke(
        main,
        ["check", str(chirps), "--budget", "25", "--json", "-", "--report", str(tmp_path / "r")],
        prog_name="advisor",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    validate(data)
    assert (data["modality"], data["source"]["kind"]) == ("audio", "audio_folder")
    models = {m["name"]: m for m in data["models"]}
    assert {"dummy", "mfcc_logistic", "logmel_cnn"} <= set(models)
    # The CNN hears the sweep's direction; the statistics sit near chance (0.5).
    assert models["logmel_cnn"]["score"] > 0.8, result.stderr
    assert data["best_classical"]["score"] < 0.75, result.stderr
    assert "chirps: binary audio, 120 rows" in result.stderr
    report = FeasibilityReport.from_dict(data)
    assert "| logmel\\_cnn | neural |" in render_markdown(report)  # markdown escapes "_"
    assert "logmel_cnn" in (tmp_path / "r" / "report.html").read_text(encoding="utf-8")


def test_a_clips_budget_counts_its_spectrogram_as_pixels(pitch) -> None:
    from advisor.check.sampling import PIXELS_PER_SECOND, row_cap

    assert row_cap(pitch, 100.0) == int(PIXELS_PER_SECOND * 100.0 / (N_MELS * 63))


def test_uneven_clips_are_among_the_reports_warnings(tmp_path: Path) -> None:
    def uneven(rng):
        return noise(rng, seconds=rng.choice([0.1, 0.5, 2.0]))

    root = write_clips(tmp_path / "uneven", {"a": uneven, "b": uneven}, per_class=10, seed=0)
    report = run_check(load_dataset(root), budget=2, seed=0)
    assert (
        [w for w in report.warnings if w.startswith(UNEVEN_CLIPS)]
        == [n for n in load_dataset(root).notes if n.startswith(UNEVEN_CLIPS)]
        != []
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("rates", "Error: Clips in {root} have different sample rates: 8,000 Hz (a/0.wav), "),
        ("corrupt", "Error: Could not read {root}/b/0.wav as audio: remove it or replace it.\n"),
    ],
    ids=["mixed-sample-rates", "corrupt-file"],
)
def test_the_command_line_says_bad_audio_in_one_line(tmp_path: Path, name: str, message) -> None:
    import soundfile

    root = tmp_path / name
    for label in ("a", "b"):
        (root / label).mkdir(parents=True)
        soundfile.write(root / label / "0.wav", np.zeros(800), 8_000)
    if name == "rates":
        soundfile.write(root / "a" / "1.wav", np.zeros(1600), 16_000)
    else:
        (root / "b" / "0.wav").write_bytes(b"RIFF....WAVEfmt garbage")
    result = CliRunner().invoke(
        main, ["check", str(root), "--json", str(tmp_path / "out.json")], prog_name="advisor"
    )
    assert result.exit_code != 0
    assert result.output.startswith(message.format(root=root)), result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert not (tmp_path / "out.json").exists()
