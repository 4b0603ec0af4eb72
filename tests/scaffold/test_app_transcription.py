"""The speech-recognition recipe (speech-finetune): rendered with `advisor scaffold`, Whisper
fine-tuned for real from a tiny local checkpoint (random weights, saved with
save_pretrained) on the generated demo clips, its bad inputs refused. Nothing is downloaded.

The pipeline runs in this process (the project's package imported from its folder), so
torch and transformers are imported once for every test here.
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import json
import math
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
import soundfile as sf
import torch
import yaml
from click.testing import CliRunner

from advisor.cli import main as advisor
from tests.scaffold.projects import project_env, run, tree

pytestmark = pytest.mark.slow

NAME = "speech-app"
PACKAGE = "speech_app"
RATE = 16_000


def scaffold(folder: Path, name: str, *extra: str) -> Path:
    args = ["scaffold", "--recipe", "speech-finetune", "--name", name]
    args += ["--output-dir", str(folder), "--no-input", *extra]
    result = CliRunner().invoke(advisor, args, prog_name="advisor")
    assert result.exit_code == 0, result.output
    return folder / name


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One project tracked with MLflow, its package importable; offline."""
    path = scaffold(
        tmp_path_factory.mktemp("render"), NAME, "--versioning", "none", "--tracking", "mlflow"
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(path))
        patch.setattr(sys, "dont_write_bytecode", True)  # the project's folder stays as written
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setenv("TRANSFORMERS_VERBOSITY", "error")
        yield path


def module(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{name}")


@pytest.fixture(scope="module")
def checkpoint(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny Whisper of the project's own tests (tests/tiny_whisper.py), built once."""
    spec = importlib.util.spec_from_file_location(
        "tiny_whisper", project / "tests" / "tiny_whisper.py"
    )
    tiny = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tiny)
    return tiny.tiny_whisper(
        tmp_path_factory.mktemp("checkpoint") / "tiny-whisper", module("demo").WORDS
    )


def write_params(
    project: Path,
    folder: Path,
    *,
    data: dict | None = None,
    model: dict | None = None,
    **train: object,
) -> Path:
    """A copy of the project's params.yaml in `folder` (outputs land there)."""
    params = yaml.safe_load((project / "params.yaml").read_text())
    params["data"].update(data or {})
    params["model"].update(model or {})
    params["train"].update(train)
    path = folder / "params.yaml"
    path.write_text(yaml.safe_dump(params))
    return path


def test_whisper_fine_tunes_on_the_demo_clips_tracks_the_run_and_resumes(
    project: Path, checkpoint: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = yaml.safe_load((project / "params.yaml").read_text())
    assert params["model"]["checkpoint"] == "openai/whisper-tiny"
    assert params["evaluate"]["metric"] == "wer"
    params["data"]["demo_clips"] = 96
    params["model"]["checkpoint"] = str(checkpoint)
    params["train"].update(epochs=3, batch_size=16, lr=3.0e-3)
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(params))
    argv = ["--params", str(path)]

    assert module("prepare").main(argv) == {"train": 77, "val": 19}
    result = module("train").main(argv)
    losses = result["losses"]
    assert len(losses) == 3 and losses[-1] < losses[0], losses
    model_dir = tmp_path / "models" / "whisper"
    assert {"model.safetensors", "config.json", "tokenizer_config.json"} <= {
        p.name for p in model_dir.iterdir()
    }
    with (tmp_path / "plots" / "loss.csv").open() as handle:
        assert [float(row["loss"]) for row in csv.DictReader(handle)] == losses

    metrics = module("evaluate").main(argv)
    assert json.loads((tmp_path / "metrics.json").read_text()) == metrics
    assert set(metrics) == {"wer", "cer"}
    assert all(math.isfinite(v) and v >= 0 for v in metrics.values()), metrics
    printed = capsys.readouterr().out
    assert f"on 19 validation clips: WER {metrics['wer']:.4f}, CER {metrics['cer']:.4f}" in printed
    with (tmp_path / "examples.csv").open() as handle:
        examples = list(csv.DictReader(handle))
    assert len(examples) == 10 and all(row["reference"] for row in examples)

    # The run is in MLflow's store, one loss per epoch.
    with sqlite3.connect(tmp_path / "mlflow.db") as db:
        runs = db.execute("SELECT run_uuid, status FROM runs").fetchall()
        logged = db.execute("SELECT value FROM metrics WHERE key = 'train_loss' ORDER BY step")
        assert [row[0] for row in logged] == pytest.approx(losses)
    assert len(runs) == 1 and runs[0][1] == "FINISHED", runs

    # Resuming from the run's checkpoint continues its history for one more epoch.
    last = Path(result["run_dir"]) / "last.pt"
    params["train"].update(epochs=4, resume=str(last))
    path.write_text(yaml.safe_dump(params))
    resumed = module("train").main(argv)["losses"]
    assert len(resumed) == 4 and resumed[:3] == losses, resumed


@pytest.mark.parametrize(
    ("references", "hypotheses", "wer", "cer"),
    [
        (["up down left stop"], ["up down right stop"], 0.25, 4 / 17),
        (["up down"], ["up"], 0.5, 5 / 7),
        (["stop", "left right"], ["stop", "left right"], 0.0, 0.0),
    ],
    ids=["one-substitution-in-four-words", "one-deletion-in-two-words", "exact"],
)
def test_error_rates_count_edits_per_reference_word_and_character(
    project: Path, references: list[str], hypotheses: list[str], wer: float, cer: float
) -> None:
    rates = module("evaluate").error_rates(references, hypotheses)
    assert rates == {"wer": pytest.approx(wer), "cer": pytest.approx(cer)}


def write_clip(path: Path, seconds: float = 0.3, rate: int = RATE, channels: int = 1) -> None:
    t = np.arange(int(seconds * rate)) / rate
    tone = 0.3 * np.sin(2 * np.pi * 440 * t)
    sf.write(path, np.stack([tone] * channels, axis=1), rate, subtype="PCM_16")


def user_data(folder: Path, rows: list[tuple[str, str]] | None = None) -> Path:
    """A team's folder: three clips and their transcripts."""
    folder.mkdir()
    for index in range(3):
        write_clip(folder / f"clip-{index}.wav")
    rows = rows if rows is not None else [(f"clip-{i}.wav", "up down") for i in range(3)]
    with (folder / "transcripts.csv").open("w", newline="") as handle:
        csv.writer(handle).writerows([("file", "text"), *rows])
    return folder


def _empty(folder: Path) -> None:
    (folder / "transcripts.csv").write_text("")


def _missing_file(folder: Path) -> None:
    with (folder / "transcripts.csv").open("a", newline="") as handle:
        csv.writer(handle).writerow(["ghost.wav", "stop"])


def _corrupt(folder: Path) -> None:
    (folder / "clip-1.wav").write_bytes(b"RIFF this is no audio")


def _silent_file(folder: Path) -> None:
    write_clip(folder / "clip-0.wav", seconds=0)


def _mixed_rates(folder: Path) -> None:
    write_clip(folder / "clip-2.wav", rate=8000)


def _empty_text(folder: Path) -> None:
    with (folder / "transcripts.csv").open("a", newline="") as handle:
        csv.writer(handle).writerow(["clip-0.wav", "  "])


BAD_INPUTS = {
    "empty-transcripts": (
        _empty,
        "Error: transcripts file '{folder}/transcripts.csv' has no transcripts; it needs a "
        "header file,text and one row per audio file",
    ),
    "missing-audio-file": (
        _missing_file,
        "Error: audio file 'ghost.wav' named in transcripts.csv is not in '{folder}'; add the "
        "file or remove its row",
    ),
    "corrupt-audio-file": (
        _corrupt,
        # (...): libsndfile's own words, which its versions put differently.
        "Error: audio file 'clip-1.wav' cannot be read (...); it is corrupt or not WAV/FLAC: "
        "replace it or remove its row",
    ),
    "audio-file-without-samples": (
        _silent_file,
        "Error: audio file 'clip-0.wav' holds no samples; replace it or remove its row",
    ),
    "mixed-sample-rates": (
        _mixed_rates,
        "Error: the audio files have mixed sample rates: 8000 Hz (e.g. 'clip-2.wav'), 16000 Hz "
        "(e.g. 'clip-0.wav'); resample them to one rate (Whisper reads 16000 Hz) before training",
    ),
    "empty-text": (
        _empty_text,
        "Error: transcripts file '{folder}/transcripts.csv' line 5 ('clip-0.wav') has an empty "
        "text; write what the clip says or remove the row",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS), ids=list(BAD_INPUTS))
def test_bad_audio_data_is_one_error_line_and_nothing_is_written(
    project: Path, tmp_path: Path, case: str
) -> None:
    spoil, expected = BAD_INPUTS[case]
    folder = user_data(tmp_path / "team-data")
    spoil(folder)
    before = tree(folder)
    work = tmp_path / "work"
    work.mkdir()
    params = write_params(project, work, data={"path": str(folder)})

    done = subprocess.run(
        [sys.executable, "-m", f"{PACKAGE}.prepare", "--params", str(params)],
        cwd=project,
        env=project_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    pattern = re.escape(expected.format(folder=folder)).replace(r"\(\.\.\.\)", r"\(.+\)")
    assert re.fullmatch(pattern + "\n", done.stderr), done.stderr
    assert done.stdout == ""
    assert sorted(p.name for p in work.iterdir()) == ["params.yaml"]
    assert tree(folder) == before


def test_one_other_sample_rate_is_resampled_to_16_khz_and_stereo_averaged(
    project: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "team-data"
    folder.mkdir()
    rows = []
    for index in range(5):
        write_clip(folder / f"clip-{index}.flac", seconds=0.5, rate=8000, channels=2)
        rows.append((f"clip-{index}.flac", f"Left, right {index}!"))
    with (folder / "transcripts.csv").open("w", newline="") as handle:
        csv.writer(handle).writerows([("file", "text"), *rows])
    params = write_params(project, tmp_path, data={"path": str(folder), "val_size": 0.4})

    counts = module("prepare").main(["--params", str(params)])
    assert counts == {"train": 3, "val": 2}
    audio = module("audio")
    train = audio.load_clips(tmp_path / "data" / "processed" / "train.npz")
    val = audio.load_clips(tmp_path / "data" / "processed" / "val.npz")
    assert sorted(train.files + val.files) == [name for name, _ in rows]
    assert dict(zip(train.files + val.files, train.texts + val.texts, strict=True)) == dict(rows)
    assert all(len(clip) == RATE // 2 and clip.dtype == np.float32 for clip in train.audio)
    # A 440 Hz tone at 0.3 stays one: resampling keeps its level and its pitch.
    clip = train.audio[0]
    assert np.abs(clip[1000:-1000]).max() == pytest.approx(0.3, abs=0.02)
    spectrum = np.abs(np.fft.rfft(clip))
    assert np.fft.rfftfreq(len(clip), 1 / RATE)[spectrum.argmax()] == pytest.approx(440, abs=4)


def test_the_generated_projects_own_tests_pass_with_dvc(tmp_path: Path) -> None:
    project = scaffold(tmp_path, "speech-dvc", "--versioning", "dvc")
    stages = run([str(Path(sys.executable).parent / "dvc"), "stage", "list"], project)
    assert [line.split()[0] for line in stages.strip().splitlines()] == [
        "prepare",
        "train",
        "evaluate",
    ]
    output = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)
    assert "2 passed" in output, output


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_on_a_gpu_whisper_trains_in_mixed_precision(
    project: Path, checkpoint: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = {"checkpoint": str(checkpoint)}
    params = write_params(
        project, tmp_path, data={"demo_clips": 64}, model=model, epochs=3, lr=3.0e-3
    )
    module("prepare").main(["--params", str(params)])
    result = module("train").main(["--params", str(params)])
    expected = "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
    assert (
        f"training on cuda:0 (world of 1, mixed precision: torch.{expected})"
        in capsys.readouterr().out
    )
    assert result["losses"][-1] < result["losses"][0], result["losses"]
    assert math.isfinite(module("evaluate").main(["--params", str(params)])["wer"])


@pytest.mark.gpu
@pytest.mark.skipif(torch.cuda.device_count() < 2, reason="needs two CUDA GPUs")
def test_on_two_gpus_torchrun_fine_tunes_whisper_data_parallel(
    project: Path, checkpoint: Path, tmp_path: Path
) -> None:
    model = {"checkpoint": str(checkpoint)}
    params = write_params(
        project, tmp_path, data={"demo_clips": 64}, model=model, epochs=2, lr=3.0e-3
    )
    module("prepare").main(["--params", str(params)])
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node",
        "2",
    ]
    command += ["-m", f"{PACKAGE}.train", "--params", str(params)]
    env = {**project_env(), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "world of 2" in done.stdout
    assert (tmp_path / "models" / "whisper" / "model.safetensors").is_file()
