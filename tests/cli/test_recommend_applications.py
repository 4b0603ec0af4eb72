"""``advisor recommend`` for the new tasks and audio: deep learning with its recipe and its
sources, the constraints that change the advice, and one-line errors for contradictions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from advisor.cli import main


def _run(*args: str):
    return CliRunner().invoke(main, ["recommend", *args], prog_name="advisor")


def _json(*args: str) -> dict:
    result = _run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("task", "modality", "recipe", "model", "citation"),
    [
        ("detection", "image", "detection-finetune", "detector", "Zhao et al. (2024)"),
        ("transcription", "audio", "speech-finetune", "speech_recognizer", "Radford et al. (2022)"),
        ("generation", "image", "text-to-image-lora", "diffusion_lora", "Rombach"),
    ],
    ids=["detection", "transcription", "generation"],
)
def test_each_application_task_gives_deep_learning_with_its_recipe(
    task: str, modality: str, recipe: str, model: str, citation: str
) -> None:
    data = _json("--task", task)
    assert data["verdict"] == "deep_learning"
    assert data["recipe"] == recipe
    assert data["profile"]["modality"] == modality  # the task's own input, not tabular
    assert {c["family"] for c in data["candidates"]} == {"deep_learning"}
    assert data["candidates"][0]["project_model"] == model
    assert any(citation in rule["source"] for rule in data["rules_fired"])
    assert data["framework"]["name"] == "pytorch"

    shown = _run("--task", task)
    assert shown.exit_code == 0, shown.output
    assert "Verdict: deep learning." in shown.output
    assert f"• {task}-deep-learning-only: " in shown.output
    assert shown.output.endswith(f"Next: advisor scaffold --recipe {recipe} --model {model}\n")


def test_the_modality_of_an_application_may_be_given_when_it_agrees() -> None:
    assert _json("--task", "detection", "--modality", "image") == _json("--task", "detection")


@pytest.mark.parametrize(
    "flags",
    [["--deployment", "edge"], ["--deployment", "mobile"], ["--latency-sensitive"]],
    ids=["edge", "mobile", "latency"],
)
def test_edge_or_latency_recommends_a_small_detector(flags: list[str]) -> None:
    assert _json("--task", "detection")["candidates"][0]["model"] == "pretrained_detector"
    data = _json("--task", "detection", *flags)
    assert data["candidates"][0]["model"] == "small_detector"
    assert data["recipe"] == "detection-finetune"
    assert "detection-real-time-small" in [rule["id"] for rule in data["rules_fired"]]


def test_no_gpu_warns_what_diffusion_fine_tuning_costs() -> None:
    shown = _run("--task", "generation", "--no-gpu")
    assert "• generation-no-gpu-cost: No GPU: fine-tuning a diffusion model on a CPU is" in (
        shown.output
    )
    ids = [rule["id"] for rule in _json("--task", "generation", "--gpu")["rules_fired"]]
    assert "generation-no-gpu-cost" not in ids


def test_few_transcribed_clips_start_zero_shot() -> None:
    few = _json("--task", "transcription", "--rows", "40")
    assert few["candidates"][0]["model"] == "zero_shot_speech_recognizer"
    assert "transcription-few-labels-zero-shot" in [r["id"] for r in few["rules_fired"]]
    many = _json("--task", "transcription", "--rows", "4000")
    assert many["candidates"][0]["model"] == "pretrained_speech_recognizer"


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_audio_classification_lists_both_families_and_points_to_the_check(task: str) -> None:
    data = _json("--task", task, "--modality", "audio")
    assert data["verdict"] == "check"
    assert {(c["model"], c["family"], c["recipe"]) for c in data["candidates"]} == {
        ("mfcc_boosting", "classical", None),
        ("logmel_cnn", "deep_learning", None),
    }
    assert data["recipe"] is None
    shown = _run("--task", task, "--modality", "audio")
    assert shown.exit_code == 0, shown.output
    assert "Verdict: check — the rules cannot decide; measure it." in shown.output
    assert shown.output.endswith(
        "Top candidate: MFCC summary statistics with gradient-boosted trees. No recipe "
        "scaffolds it yet: advisor check measures it on a folder of clips, one sub-folder "
        "per class.\nNext: advisor check FOLDER\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--task", "transcription", "--modality", "tabular"],
            "Error: --task transcription takes audio data, but --modality says tabular: leave "
            "--modality out, or use --modality audio.\n",
        ),
        (
            ["--task", "detection", "--modality", "text"],
            "Error: --task detection takes image data, but --modality says text: leave "
            "--modality out, or use --modality image.\n",
        ),
        (
            ["--task", "regression", "--modality", "audio"],
            "Error: --task regression does not take audio data: audio data goes with --task "
            "binary, multiclass or transcription.\n",
        ),
        (
            ["--task", "generation", "--classes", "4"],
            "Error: --classes is for classification and detection; --task generation has no "
            "classes: leave --classes out.\n",
        ),
    ],
    ids=["transcription-tabular", "detection-text", "regression-audio", "generation-classes"],
)
def test_contradictions_are_one_line(args: list[str], message: str) -> None:
    result = _run(*args)
    assert (result.exit_code, result.output) == (1, message)


def test_an_application_task_is_not_read_from_data(tmp_path: Path) -> None:
    table = tmp_path / "boxes.csv"
    table.write_text("a,y\n1,0\n2,1\n")
    result = _run("--data", str(table), "--task", "detection")
    assert (result.exit_code, result.output) == (
        1,
        "Error: --data reads a table, .npz or folder with a target to classify or predict, "
        "not detection data: describe the detection problem with flags (--rows, --gpu, "
        "--deployment, ...) and leave --data out.\n",
    )


def test_the_check_still_offers_only_the_tasks_it_measures() -> None:
    # recommend widens --task; the shared data options keep the check's own list.
    result = CliRunner().invoke(main, ["check", "--help"], prog_name="advisor")
    assert result.exit_code == 0
    assert "detection" not in result.output
    assert "detection|transcription|generation" in _run("--help").output


def test_an_audio_folder_is_profiled_as_audio_and_sent_to_the_check(tmp_path: Path) -> None:
    import numpy as np
    import soundfile as sf

    rng = np.random.default_rng(0)
    seconds = np.arange(4000) / 8000
    for name, pitch in (("low", 220), ("high", 880)):
        (tmp_path / name).mkdir()
        for i in range(6):
            tone = 0.5 * np.sin(2 * np.pi * pitch * seconds) + 0.05 * rng.standard_normal(4000)
            sf.write(tmp_path / name / f"{i}.wav", tone.astype("float32"), 8000)
    data = _json("--data", str(tmp_path))
    assert (data["profile"]["task"], data["profile"]["modality"]) == ("binary", "audio")
    assert (data["verdict"], data["recipe"]) == ("check", None)
    shown = _run("--data", str(tmp_path))
    assert shown.output.endswith(f"Next: advisor check {tmp_path}\n")
