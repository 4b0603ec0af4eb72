"""The questionnaire asks what the framework choice needs, and the recommendation step
names the framework with its reasons (Streamlit's AppTest, the real script)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from advisor.rules.vocabulary import vocabulary

APP = Path(__file__).resolve().parents[2] / "app.py"


@pytest.fixture
def app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=60).run()


def _to_recommendation(app: AppTest) -> AppTest:
    label = next(o for o in app.radio(key="step").options if o.startswith("3 "))
    return app.radio(key="step").set_value(label).run()


def _texts(app: AppTest) -> str:
    kinds = ("markdown", "caption", "subheader", "header")
    return "\n".join(str(e.value) for kind in kinds for e in app.get(kind))


def test_the_framework_questions_come_from_the_vocabulary(app: AppTest) -> None:
    exported = vocabulary()
    for field in ("deployment", "purpose", "framework"):
        radio = app.radio(key=f"p_{field}")
        assert radio.options == exported[field]["values"]
        assert radio.value == exported[field]["default"]
    assert app.checkbox(key="p_tpu").label == exported["tpu"]["description"]


def test_a_browser_deployment_names_keras_with_its_reason(app: AppTest) -> None:
    app.radio(key="p_modality").set_value("image")
    app.number_input(key="p_rows").set_value(50_000)
    app.radio(key="p_deployment").set_value("browser").run()
    _to_recommendation(app)
    assert not app.exception
    texts = _texts(app)
    assert "Framework: TensorFlow/Keras" in [s.value for s in app.subheader]
    assert "**framework-browser**" in texts and "Smilkov" in texts


def test_the_team_framework_wins_and_the_page_says_why(app: AppTest) -> None:
    app.radio(key="p_modality").set_value("image")
    app.number_input(key="p_rows").set_value(50_000)
    app.checkbox(key="p_tpu").check()
    app.radio(key="p_framework").set_value("pytorch").run()
    _to_recommendation(app)
    assert "Framework: PyTorch" in [s.value for s in app.subheader]
    reason = next(m.value for m in app.markdown if "framework-team-pytorch puts" in m.value)
    assert "Without it the rules would choose JAX." in reason
