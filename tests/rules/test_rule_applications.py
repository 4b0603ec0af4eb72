"""The applications where deep learning is the only answer (detection, transcription,
generation) and audio classification: what the rules advise, why, from which sources, and
how the constraints change it."""

from __future__ import annotations

import pytest

from advisor.errors import ParameterError
from advisor.profile import Profile
from advisor.recommendation import recommend
from advisor.resources import rules_dir
from advisor.rules.engine import load_rule_file

# task -> (its recipe, citations its reasons must carry)
APPLICATIONS = {
    "detection": (
        "detection-finetune",
        (
            "Redmon, Divvala, Girshick & Farhadi (2016)",
            "Zhao et al. (2024)",
            "Carion et al. (2020)",
        ),
    ),
    "transcription": (
        "speech-finetune",
        ("Radford et al. (2022)", "Baevski, Zhou, Mohamed & Auli (2020)"),
    ),
    "generation": (
        "text-to-image-lora",
        ("Rombach, Blattmann, Lorenz, Esser & Ommer (2022)", "Hu et al. (2021)", "Ruiz et al."),
    ),
}


def _fired(profile: Profile) -> dict[str, str]:
    """The rules that fired for ``profile``: id -> because."""
    return {rule.id: rule.because for rule in recommend(profile).rules_fired}


@pytest.mark.parametrize("task", list(APPLICATIONS))
def test_an_application_gets_deep_learning_its_recipe_and_cited_reasons(task: str) -> None:
    recipe, citations = APPLICATIONS[task]
    result = recommend(Profile(task=task, modality={"transcription": "audio"}.get(task, "image")))
    assert result.verdict == "deep_learning"
    assert result.recipe == recipe == result.top.recipe
    assert {c.family for c in result.candidates} == {"deep_learning"}
    sources = " ".join(rule.source for rule in result.rules_fired)
    for citation in citations:
        assert citation in sources
    # Why the check has nothing to compare: a rule says no classical model does it.
    why = next(r.because for r in result.rules_fired if r.id == f"{task}-deep-learning-only")
    assert "no classical baseline to check against" in why
    assert result.reason.startswith(f"Only deep learning candidates apply to {task}:")
    assert result.framework is not None and result.framework.name == "pytorch"


def test_the_general_models_and_their_rules_stay_out_of_the_applications() -> None:
    result = recommend(
        Profile(task="detection", modality="image", rows=20_000, complexity="complex")
    )
    assert {c.model for c in result.candidates} == {"small_detector", "pretrained_detector"}
    # seed-image scores CNNs, which do not apply here: it is not reported as a reason.
    assert not {"seed-image", "seed-complex", "unstructured-large-data"} & set(
        _fired(result.profile)
    )


@pytest.mark.parametrize(
    "changes",
    [{"deployment": "edge"}, {"deployment": "mobile"}, {"latency_sensitive": True}],
    ids=["edge", "mobile", "latency"],
)
def test_a_device_or_latency_takes_the_small_detector(changes: dict) -> None:
    server = recommend(Profile(task="detection", modality="image"))
    assert server.top.model == "pretrained_detector"
    constrained = recommend(Profile(task="detection", modality="image", **changes))
    assert constrained.top.model == "small_detector"
    assert constrained.top.recipe == "detection-finetune"
    assert "RT-DETR with a ResNet-18" in _fired(constrained.profile)["detection-real-time-small"]


def test_a_device_keeps_pytorch_for_the_pytorch_only_recipe_and_says_what_it_overrides() -> None:
    result = recommend(Profile(task="detection", modality="image", deployment="edge"))
    assert result.framework is not None and result.framework.name == "pytorch"
    assert "framework-application-pytorch puts PyTorch first" in result.framework.reason
    assert result.framework.reason.endswith("Without it the rules would choose TensorFlow/Keras.")


@pytest.mark.parametrize("task", list(APPLICATIONS))
def test_the_teams_keras_does_not_override_the_pytorch_recipes(task: str) -> None:
    modality = {"transcription": "audio"}.get(task, "image")
    result = recommend(Profile(task=task, modality=modality, framework="keras"))
    assert result.framework is not None and result.framework.name == "pytorch"
    # The same team on a task every framework builds still gets its own framework.
    tabular = recommend(Profile(task="binary", modality="image", rows=50_000, framework="keras"))
    assert tabular.framework is not None and tabular.framework.name == "keras"


def test_no_gpu_says_what_diffusion_fine_tuning_costs() -> None:
    without = _fired(Profile(task="generation", modality="image", gpu=False))
    warning = without["generation-no-gpu-cost"]
    assert "impractical beyond tiny models" in warning and "8 GB" in warning
    assert "generation-no-gpu-cost" not in _fired(
        Profile(task="generation", modality="image", gpu=True)
    )


def test_no_gpu_prefers_the_small_whisper_models() -> None:
    without = _fired(Profile(task="transcription", modality="audio", gpu=False, rows=5000))
    assert (
        "Whisper tiny (39M parameters) or base (74M)"
        in without["transcription-no-gpu-small-whisper"]
    )
    assert "transcription-no-gpu-small-whisper" not in _fired(
        Profile(task="transcription", modality="audio", gpu=True, rows=5000)
    )


@pytest.mark.parametrize(
    ("changes", "top"),
    [
        ({"rows": 50}, "zero_shot_speech_recognizer"),
        ({"labelled": False}, "zero_shot_speech_recognizer"),
        ({"rows": 5000}, "pretrained_speech_recognizer"),
        ({"rows": 5000, "gpu": True}, "pretrained_speech_recognizer"),
    ],
    ids=["50-clips", "unlabelled", "5000-clips", "5000-clips-gpu"],
)
def test_few_transcribed_clips_start_from_whisper_zero_shot(changes: dict, top: str) -> None:
    result = recommend(Profile(task="transcription", modality="audio", **changes))
    assert result.top.model == top
    assert result.recipe == "speech-finetune"
    few = "transcription-few-labels-zero-shot" in _fired(result.profile)
    assert few == (top == "zero_shot_speech_recognizer")


def test_few_labelled_images_freeze_the_detectors_backbone() -> None:
    few = _fired(Profile(task="detection", modality="image", rows=60))
    assert "backbone frozen" in few["detection-few-images"]
    assert "detection-few-images" not in _fired(
        Profile(task="detection", modality="image", rows=600)
    )


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_audio_classification_lists_both_families_and_asks_for_the_check(task: str) -> None:
    result = recommend(Profile(task=task, modality="audio"))
    assert result.verdict == "check"
    assert {(c.model, c.family) for c in result.candidates} == {
        ("mfcc_boosting", "classical"),
        ("logmel_cnn", "deep_learning"),
    }
    assert result.recipe is None  # no recipe builds it: the check measures it
    fired = _fired(result.profile)
    assert "advisor check on the folder" in fired["audio-classification-measure"]
    sources = " ".join(r.source for r in result.rules_fired)
    for citation in (
        "Logan (2000)",
        "Piczak (2015)",
        "Hershey et al. (2017)",
        "Kong et al. (2020)",
    ):
        assert citation in sources


def test_much_audio_ranks_the_spectrogram_cnn_first_but_still_measures() -> None:
    result = recommend(Profile(task="multiclass", modality="audio", rows=20_000))
    assert (result.top.model, result.verdict) == ("logmel_cnn", "check")


@pytest.mark.parametrize(
    ("task", "modality", "message"),
    [
        (
            "transcription",
            "tabular",
            "Task 'transcription' takes audio data, not tabular: set the modality to audio.",
        ),
        (
            "detection",
            "audio",
            "Task 'detection' takes image data, not audio: set the modality to image.",
        ),
        (
            "regression",
            "audio",
            "Task 'regression' does not take audio data: audio data is for binary, multiclass "
            "or transcription; choose one of those tasks, or another modality.",
        ),
    ],
    ids=["transcription-tabular", "detection-audio", "regression-audio"],
)
def test_a_task_and_a_modality_that_contradict_make_no_profile(
    task: str, modality: str, message: str
) -> None:
    with pytest.raises(ParameterError) as caught:
        Profile(task=task, modality=modality)
    assert str(caught.value) == message


def test_the_json_form_of_an_application_only_adds_to_the_schema() -> None:
    old = recommend(Profile(task="binary", modality="image")).to_dict()
    new = recommend(Profile(task="detection", modality="image")).to_dict()
    assert new["schema"] == old["schema"] == "advisor.recommendation/1"
    assert set(new) == set(old)
    assert set(new["candidates"][0]) == set(old["candidates"][0])
    assert set(new["rules_fired"][0]) == set(old["rules_fired"][0])


def test_every_application_rule_cites_and_explains() -> None:
    rules = load_rule_file(rules_dir() / "70_applications.yaml")
    assert len(rules) >= 12
    for rule in rules:
        assert rule.because.endswith(".") and "(20" in rule.source, rule.id
