"""The questionnaire offers the fine-tuning recipes, suggests them when the recommendation
ranks a fine-tuned pretrained model first, and zips a project that fine-tunes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app.py"


@pytest.fixture
def app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=60).run()


def _to_project_step(app: AppTest) -> AppTest:
    label = next(o for o in app.radio(key="step").options if o.startswith("5 "))
    return app.radio(key="step").set_value(label).run()


def test_a_small_image_set_gets_the_image_fine_tuning_recipe_and_its_project(
    app: AppTest, tmp_path: Path
) -> None:
    app.radio(key="p_modality").set_value("image")
    app.number_input(key="p_rows").set_value(3000).run()
    _to_project_step(app)
    recipe = app.selectbox(key="recipe")
    # The options as shown: the suggested one says so.
    assert {"image-finetune (suggested)", "text-finetune"} <= set(recipe.options)
    assert recipe.value == "image-finetune"
    assert app.selectbox(key="project_framework").value == "pytorch"
    app.selectbox(key="project_versioning").set_value("none")
    app.text_input(key="project_name").set_value("photos").run()
    app.button(key="generate").click().run()
    assert not app.exception and not [e.value for e in app.error]

    archive = app.session_state.project["archive"]
    with zipfile.ZipFile(io.BytesIO(archive.data)) as zipped:
        zipped.extractall(tmp_path)
    root = tmp_path / archive.name
    assert (root / "photos" / "finetune.py").is_file()
    assert (root / "photos" / "pretrained.py").is_file()
    params = yaml.safe_load((root / "params.yaml").read_text())
    assert params["model"]["checkpoint"] == "facebook/convnext-tiny-224"
    assert params["model"]["warmup_epochs"] >= 1 and params["model"]["lora"] is False


def test_a_small_complex_text_set_suggests_the_text_fine_tuning_recipe(app: AppTest) -> None:
    app.radio(key="p_modality").set_value("text")
    app.radio(key="p_complexity").set_value("complex")
    app.number_input(key="p_rows").set_value(3000).run()
    _to_project_step(app)
    assert app.selectbox(key="recipe").value == "text-finetune"
    assert "DistilBERT" in "\n".join(str(c.value) for c in app.caption)
