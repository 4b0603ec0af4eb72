"""Fine-tune a tiny random Whisper on the demo clips: the loss must fall, evaluate must
write the error rates, and every artefact must appear. Nothing is downloaded."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml
from tiny_whisper import tiny_whisper

from {{ cookiecutter.package_name }} import evaluate, prepare, train
from {{ cookiecutter.package_name }}.demo import WORDS

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture
def params(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of params.yaml in `tmp_path`: the tiny checkpoint, few clips, tracking off."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    checkpoint = tiny_whisper(tmp_path / "tiny-whisper", WORDS)
    params = yaml.safe_load((PROJECT / "params.yaml").read_text())
    params["data"]["demo_clips"] = 96
    params["model"]["checkpoint"] = str(checkpoint)
    params["train"].update(epochs=4, batch_size=16, lr=3.0e-3)
    params["tracking"]["enabled"] = False
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(params))
    return path


def test_whisper_fine_tunes_and_evaluates(params: Path) -> None:
    counts = prepare.main(["--params", str(params)])
    assert counts == {"train": 77, "val": 19}
    result = train.main(["--params", str(params)])
    losses = result["losses"]
    assert len(losses) == 4 and losses[-1] < losses[0], losses
    folder = params.parent
    saved = {path.name for path in (folder / "models" / "whisper").iterdir()}
    assert {"model.safetensors", "config.json", "tokenizer_config.json"} <= saved, saved
    # The feature extractor's settings: in processor_config.json since transformers 5.
    assert saved & {"processor_config.json", "preprocessor_config.json"}, saved
    assert (folder / "plots" / "loss.csv").is_file()
    assert json.loads((Path(result["run_dir"]) / "history.json").read_text())["loss"] == losses

    metrics = evaluate.main(["--params", str(params)])
    assert set(metrics) == {"wer", "cer"}
    assert all(math.isfinite(value) and value >= 0 for value in metrics.values()), metrics
    assert json.loads((folder / "metrics.json").read_text()) == metrics
    examples = (folder / "examples.csv").read_text().splitlines()
    assert examples[0] == "file,reference,transcription" and len(examples) == 11


def test_one_substitution_in_four_words_is_a_quarter() -> None:
    rates = evaluate.error_rates(["up down left stop"], ["up down right stop"])
    assert rates["wer"] == 0.25
    assert rates["cer"] == pytest.approx(4 / 17)  # "left" -> "right": 4 edits in 17 characters
