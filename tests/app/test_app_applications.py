"""The questionnaire offers detection, transcription, generation and audio, recommends deep
learning with its recipe for them, and does not offer to check an application task
(Streamlit's AppTest, the real script)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from advisor.app.answers import follow_task
from advisor.rules.vocabulary import vocabulary

APP = Path(__file__).resolve().parents[2] / "app.py"


@pytest.fixture
def app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=60).run()


def _go(app: AppTest, step: int) -> AppTest:
    label = next(o for o in app.radio(key="step").options if o.startswith(f"{step} "))
    return app.radio(key="step").set_value(label).run()


def _texts(app: AppTest) -> str:
    kinds = ("markdown", "caption", "subheader", "header")
    return "\n".join(str(e.value) for kind in kinds for e in app.get(kind))


def _candidates(app: AppTest) -> list[str]:
    return list(app.table[0].value["model"])


def test_the_new_tasks_and_audio_are_offered_from_the_vocabulary(app: AppTest) -> None:
    task, modality = app.radio(key="p_task"), app.radio(key="p_modality")
    assert task.options == vocabulary()["task"]["values"]
    assert {"detection", "transcription", "generation"} <= set(task.options)
    assert "audio" in modality.options
    # Each new word comes with its explanation under the radio button.
    captions = dict(zip(task.options, task.proto.captions, strict=True))
    assert captions["transcription"] == "Turn speech into text (calls, meetings, dictation)."


@pytest.mark.parametrize(
    ("task", "modality", "recipe", "citation"),
    [
        ("detection", "image", "detection-finetune", "Zhao et al. (2024)"),
        ("transcription", "audio", "speech-finetune", "Radford et al. (2022)"),
        ("generation", "image", "text-to-image-lora", "Rombach"),
    ],
    ids=["detection", "transcription", "generation"],
)
def test_an_application_task_brings_its_modality_and_gets_deep_learning_and_its_recipe(
    app: AppTest, task: str, modality: str, recipe: str, citation: str
) -> None:
    app.radio(key="p_task").set_value(task).run()
    assert app.radio(key="p_modality").value == modality  # tabular gave way
    assert not app.warning
    _go(app, 3)
    assert not app.exception and not app.error
    assert "Deep learning is the right tool here." in [s.value for s in app.subheader]
    texts = _texts(app)
    assert f"the project recipe it suggests: `{recipe}` (step 5)" in texts
    assert citation in texts and f"**{task}-deep-learning-only**" in texts
    assert "Framework: PyTorch" in [s.value for s in app.subheader]
    _go(app, 5)
    assert app.selectbox(key="recipe").value == recipe


def test_an_edge_device_ranks_the_small_detector_first(app: AppTest) -> None:
    app.radio(key="p_task").set_value("detection").run()
    _go(app, 3)
    assert _candidates(app)[0].startswith("Pretrained object detector (RT-DETR-R50")
    _go(app, 1)
    app.radio(key="p_deployment").set_value("edge").run()
    _go(app, 3)
    assert _candidates(app)[0].startswith("Small real-time object detector")
    assert "**detection-real-time-small**" in _texts(app)


def test_without_a_gpu_the_page_says_what_diffusion_fine_tuning_costs(app: AppTest) -> None:
    app.radio(key="p_task").set_value("generation").run()
    _go(app, 3)
    assert "**generation-no-gpu-cost** — No GPU: fine-tuning a diffusion model" in _texts(app)
    _go(app, 1)
    app.checkbox(key="p_gpu").check().run()
    _go(app, 3)
    assert "generation-no-gpu-cost" not in _texts(app)


def test_the_check_step_does_not_offer_to_check_an_application_task(app: AppTest) -> None:
    app.radio(key="p_task").set_value("transcription").run()
    _go(app, 4)
    assert not app.exception
    (info,) = [i.value for i in app.info]
    assert info.startswith("The check compares classical baselines with deep learning")
    assert "For transcription there is no classical side to compare" in info
    assert "word error rate" in info
    assert not [b for b in app.button if b.key in ("run_check", "to_data")]


def test_audio_classification_lists_both_families_and_points_to_the_check(app: AppTest) -> None:
    app.radio(key="p_task").set_value("multiclass")
    app.radio(key="p_modality").set_value("audio").run()
    _go(app, 3)
    assert not app.error
    assert app.subheader[0].value.startswith("The rules cannot decide")
    assert set(app.table[0].value["family"]) == {"classical", "deep learning"}
    assert "no recipe scaffolds it yet: the check (step 4) measures both families" in _texts(app)


def test_a_modality_the_task_cannot_take_is_named_before_and_at_the_recommendation(
    app: AppTest,
) -> None:
    app.radio(key="p_task").set_value("detection").run()
    app.radio(key="p_modality").set_value("text").run()
    message = "Task 'detection' takes image data, not text: set the modality to image."
    assert [w.value for w in app.warning] == [message]
    _go(app, 3)
    assert [e.value for e in app.error] == [message]
    # Back to a task that takes text: the warning goes.
    _go(app, 1)
    app.radio(key="p_task").set_value("binary").run()
    assert app.radio(key="p_modality").value == "text" and not app.warning


@pytest.mark.parametrize(
    ("task", "modality", "follows"),
    [
        ("transcription", "tabular", "audio"),
        ("detection", "text", "image"),
        ("binary", "audio", "audio"),
        ("regression", "audio", "tabular"),
        ("multiclass", "text", "text"),
    ],
    ids=["transcription", "detection", "audio-binary-stays", "regression-leaves-audio", "text"],
)
def test_a_new_task_keeps_the_modality_only_when_it_can_take_it(
    task: str, modality: str, follows: str
) -> None:
    answers = {"task": task, "modality": modality}
    follow_task(answers)
    assert answers == {"task": task, "modality": follows}


def _audio_zip() -> bytes:
    """Two classes of one-second tones at 8 kHz, zipped as a folder of class sub-folders."""
    import soundfile as sf

    rng = np.random.default_rng(0)
    seconds = np.arange(8000) / 8000
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        for name, pitch in (("hum", 110), ("whistle", 1760)):
            for i in range(8):
                tone = np.sin(2 * np.pi * pitch * seconds) + 0.05 * rng.standard_normal(8000)
                clip = io.BytesIO()
                sf.write(clip, (0.5 * tone).astype("float32"), 8000, format="WAV")
                archive.writestr(f"sounds/{name}/{i}.wav", clip.getvalue())
    return packed.getvalue()


def test_an_uploaded_audio_folder_is_profiled_as_audio_and_sent_to_the_check(app: AppTest) -> None:
    _go(app, 2)
    app.radio(key="data_source").set_value("upload").run()
    app.file_uploader(key="upload").set_value(("sounds.zip", _audio_zip(), "application/zip"))
    app.button(key="load_upload").click().run()
    assert not app.exception and not app.error
    answers = app.session_state.answers
    assert (answers["task"], answers["modality"], answers["rows"]) == ("binary", "audio", 16)
    _go(app, 3)
    assert not app.error
    assert app.subheader[0].value.startswith("The rules cannot decide")
    assert set(app.table[0].value["family"]) == {"classical", "deep learning"}
    assert "**audio-classification-measure**" in _texts(app)
