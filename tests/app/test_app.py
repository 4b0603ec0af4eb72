"""The questionnaire driven through Streamlit's AppTest: the real script, no browser.

Each test reads what the page shows (headers, tables, messages), the way a user would.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from advisor.rules.vocabulary import vocabulary
from tests.app.reports import CANNED_REPORT

APP = Path(__file__).resolve().parents[2] / "app.py"
TIMEOUT = 60  # seconds per script run: the check runs inside one


@pytest.fixture
def app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()


def _go(app: AppTest, step: int) -> AppTest:
    label = next(o for o in app.radio(key="step").options if o.startswith(f"{step} "))
    return app.radio(key="step").set_value(label).run()


def _texts(app: AppTest) -> str:
    kinds = ("markdown", "caption", "subheader", "header")
    parts = [e.value for kind in kinds for e in app.get(kind)]
    return "\n".join(str(p) for p in parts)


def _errors(app: AppTest) -> list[str]:
    return [e.value for e in app.error]


def _profile_table(app: AppTest) -> dict[str, str]:
    """The inferred profile as shown: field title -> value."""
    frame = app.table[0].value
    return dict(zip(frame[""], frame["value"], strict=True))


def _use_example(app: AppTest, name: str) -> AppTest:
    _go(app, 2)
    app.radio(key="data_source").set_value("example").run()
    app.selectbox(key="example_name").set_value(name).run()
    return app.button(key="load_example").click().run()


def _upload(app: AppTest, name: str, data: bytes, *, target: str = "") -> AppTest:
    _go(app, 2)
    app.radio(key="data_source").set_value("upload").run()
    app.file_uploader(key="upload").set_value((name, data, "application/octet-stream"))
    app.text_input(key="target").set_value(target)
    return app.button(key="load_upload").click().run()


def test_the_app_package_and_its_helpers_import_without_streamlit():
    # app.py alone brings Streamlit in: the library, and tests of the helpers, stay light.
    code = (
        "import sys, advisor, advisor.app, advisor.app.answers, advisor.app.downloads, "
        "advisor.app.sessions, advisor.app.uploads; "
        "print(sorted({'streamlit', 'pandas', 'sklearn', 'torch'} & set(sys.modules)))"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]"


# --- step 1 ----------------------------------------------------------------------------------


def test_the_problem_widgets_are_built_from_the_vocabulary(app):
    assert not app.exception
    exported = vocabulary()
    for field in ("task", "modality", "complexity"):
        radio = app.radio(key=f"p_{field}")
        assert radio.options == exported[field]["values"]
        assert exported[field]["description"] in radio.label
    for field in ("interpretable", "latency_sensitive", "gpu"):
        assert app.checkbox(key=f"p_{field}").label == exported[field]["description"]
    assert app.number_input(key="p_rows").value is None  # unknown until answered


def test_answers_survive_going_to_another_step_and_back(app):
    app.radio(key="p_task").set_value("regression")
    app.radio(key="p_complexity").set_value("complex")
    app.number_input(key="p_rows").set_value(20_000)
    app.checkbox(key="p_gpu").check().run()
    app.button(key="next").click().run()
    assert app.session_state.step.startswith("2 ")
    app.button(key="back").click().run()
    assert app.radio(key="p_task").value == "regression"
    assert app.radio(key="p_complexity").value == "complex"
    assert app.number_input(key="p_rows").value == 20_000
    assert app.checkbox(key="p_gpu").value is True
    assert "regression · tabular · complex relationship · 20,000 rows" in _texts(app)


# --- step 2 ----------------------------------------------------------------------------------


def test_an_example_is_read_and_its_profile_shown_and_correctable(app):
    _use_example(app, "breast_cancer")
    assert not app.exception and not _errors(app)
    assert "What advisor read from the breast_cancer example" in _texts(app)
    table = _profile_table(app)
    assert table["Task"] == "binary"
    assert table["Rows"] == "569"
    assert table["Features"] == "30"
    assert table["Minority share"] == "37.3%"
    # correcting the task in step 2 is the same answer step 1 shows
    app.radio(key="c_task").set_value("multiclass").run()
    _go(app, 1)
    assert app.radio(key="p_task").value == "multiclass"
    assert app.number_input(key="p_rows").value == 569


@pytest.mark.parametrize(
    ("name", "data", "target", "message"),
    [
        (
            "garbage.csv",
            bytes(range(256)) * 8,
            "",
            r"^Could not read garbage\.csv as CSV \(it holds binary data\): expected a CSV table",
        ),
        (
            "table.csv",
            b"age,income,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n",
            "lable",
            r"^Target column 'lable' is not in table\.csv \(did you mean 'label'\?\)\. "
            r"Columns: age, income, label\.$",
        ),
        (
            "empty.csv",
            b"",
            "",
            r"^empty\.csv is empty: expected a table with a header row and data rows\.$",
        ),
        ("images.zip", b"PK not really", "", r"^images\.zip is not a valid zip archive"),
    ],
    ids=["not-a-table", "missing-target", "empty-file", "broken-zip"],
)
def test_bad_input_shows_a_clear_message_and_the_app_keeps_working(
    app, name, data, target, message
):
    _upload(app, name, data, target=target)
    assert not app.exception
    errors = _errors(app)
    assert len(errors) == 1
    assert "\n" not in errors[0]
    assert re.search(message, errors[0]), errors[0]
    # the app keeps working: an example loads and the message goes away
    app.radio(key="data_source").set_value("example").run()
    app.button(key="load_example").click().run()
    assert not _errors(app)
    assert "What advisor read from the breast_cancer example" in _texts(app)


@pytest.fixture
def one_megabyte_limit():
    before = config.get_option("server.maxUploadSize")
    config.set_option("server.maxUploadSize", 1)
    yield
    config.set_option("server.maxUploadSize", before)


def test_an_oversized_upload_is_refused_with_the_limit_in_words(app, one_megabyte_limit):
    _upload(app, "big.csv", b"a,b\n" + b"1,0\n" * 400_000)
    assert _errors(app) == [
        "big.csv is 1.6 MB: uploads are limited to 1 MB. Upload a sample of the data, "
        "or run `advisor check` on the full file from a terminal."
    ]
    assert "up to 1 MB" in app.file_uploader(key="upload").label


def test_an_uploaded_npz_is_read_without_unpickling(app):
    buffer = io.BytesIO()
    rng = np.random.default_rng(0)
    np.savez(buffer, X=rng.normal(size=(60, 4)), y=np.arange(60) % 2)
    _upload(app, "arrays.npz", buffer.getvalue())
    assert not _errors(app)
    table = _profile_table(app)
    assert (table["Task"], table["Rows"], table["Features"]) == ("binary", "60", "4")


# --- step 3 ----------------------------------------------------------------------------------


def test_the_recommendation_shows_the_verdict_candidates_and_fired_rules(app):
    app.radio(key="p_complexity").set_value("complex")
    app.number_input(key="p_rows").set_value(20_000).run()
    _go(app, 3)
    assert not app.exception
    assert app.subheader[0].value == "A classical model should do."
    candidates = app.table[0].value
    assert candidates["model"].iloc[0] == "Gradient-boosted trees (XGBoost)"
    texts = _texts(app)
    assert "rule(s) fired" in texts
    assert "**tabular-medium-trees-win**" in texts
    assert "Grinsztajn" in texts
    assert "`tabular-xgboost`" in texts


def test_an_image_problem_recommends_a_cnn(app):
    app.radio(key="p_modality").set_value("image")
    app.number_input(key="p_rows").set_value(50_000).run()
    _go(app, 3)
    assert app.table[0].value["model"].iloc[0] == "Convolutional neural network (CNN)"
    assert app.subheader[0].value == "Deep learning is the right tool here."


# --- steps 4 and 5 ---------------------------------------------------------------------------


def test_the_check_without_data_asks_for_data(app):
    _go(app, 4)
    assert "it needs data: pick a bundled example or upload a file in step 2" in app.info[0].value
    app.button(key="to_data").click().run()
    assert app.session_state.step.startswith("2 ")


@pytest.mark.slow
def test_whole_flow_check_then_project_zip(app, tmp_path):
    from advisor.scaffold.answers import read_answers

    _use_example(app, "iris")
    _go(app, 4)
    # Room for every family to score on a loaded machine: the project step needs a score.
    app.slider(key="budget").set_value(20)
    app.button(key="run_check").click().run()
    assert not app.exception, app.exception
    assert not _errors(app)
    report = app.session_state.report
    assert report is not None and report.budget_seconds == 20
    # the verdict sentence, the leaderboard, the learning curve and the downloads
    assert app.subheader[0].value in (
        "Classical",
        "Deep learning",
        "Tie",
        "No signal",
        "Not measured",
    )
    boxes = [e.value for e in (*app.success, *app.info, *app.warning)]
    assert report.verdict_words() in boxes
    assert re.match(r"^(Classical|Deep learning|Tie|No signal|Not measured): ", report.sentence())
    assert "**Leaderboard** · accuracy, higher is better" in _texts(app)
    board = app.table[0].value
    assert list(board["model"]) == [m.name for m in report.models]
    assert "dummy" in " ".join(board["model"]).lower()
    assert {"classical", "neural"} <= set(board["family"])
    labels = [b.label for b in app.get("download_button")]
    assert labels == ["Download the HTML report", "Download the JSON"]
    files = app.session_state.report_files  # what the two buttons hand out
    assert json.loads(files["report.json"]) == json.loads(report.to_json())
    assert files["report.html"].startswith(b"<!DOCTYPE html>")

    _go(app, 5)
    # the baseline the project will get is stated (a success, or an info when nothing scored)
    assert any(report.sentence() in e.value for e in (*app.success, *app.info))
    app.text_input(key="project_name").set_value("iris-study").run()
    app.button(key="generate").click().run()
    assert not app.exception, app.exception
    root = _unzip_project(app, tmp_path)
    answers = read_answers(root)
    assert (answers.task, answers.modality) == ("multiclass", "tabular")
    baseline = answers.baseline
    assert baseline["measured"] is True, report.sentence()
    assert baseline["verdict"] == report.verdict
    assert (root / "baseline.json").is_file()
    assert (root / "params.yaml").is_file()


def test_an_uploaded_zip_of_an_image_folder_is_read_as_images(app):
    from PIL import Image

    buffer = io.BytesIO()
    rng = np.random.default_rng(0)
    with zipfile.ZipFile(buffer, "w") as archive:
        for label in ("cat", "dog"):
            for index in range(6):
                pixels = rng.integers(0, 255, size=(8, 8), dtype=np.uint8)
                png = io.BytesIO()
                Image.fromarray(pixels).save(png, format="PNG")
                archive.writestr(f"pets/{label}/{index}.png", png.getvalue())
    _upload(app, "pets.zip", buffer.getvalue())
    assert not _errors(app)
    table = _profile_table(app)
    assert (table["Task"], table["Modality"], table["Rows"]) == ("binary", "image", "12")
    assert "What advisor read from pets.zip" in _texts(app)


def test_the_data_step_remembers_its_choices_and_can_forget_the_data(app):
    _use_example(app, "wine")
    _go(app, 3)
    _go(app, 2)
    assert app.radio(key="data_source").value == "example"
    assert app.selectbox(key="example_name").value == "wine"
    assert "What advisor read from the wine example" in _texts(app)
    app.radio(key="data_source").set_value("none").run()
    app.button(key="forget_data").click().run()
    assert "What advisor read from" not in _texts(app)
    _go(app, 4)
    assert "it needs data" in app.info[0].value


def _unzip_project(app: AppTest, folder: Path) -> Path:
    """Unpack the zip the download button hands out; return the project folder."""
    archive = app.session_state.project["archive"]
    assert [b.label for b in app.get("download_button")][-1] == f"Download {archive.name}.zip"
    with zipfile.ZipFile(io.BytesIO(archive.data)) as zipped:
        zipped.extractall(folder)
    return folder / archive.name


def test_the_project_follows_the_recommendation_and_says_no_baseline(app, tmp_path):
    from advisor.scaffold.answers import read_answers

    app.radio(key="p_complexity").set_value("complex")
    app.number_input(key="p_rows").set_value(20_000).run()
    _go(app, 5)
    assert app.selectbox(key="recipe").value == "tabular-xgboost"
    assert app.selectbox(key="project_framework").value == "xgboost"
    assert "No check was run" in app.info[0].value
    app.text_input(key="project_name").set_value("churn-model").run()
    app.button(key="generate").click().run()
    assert not app.exception and not _errors(app)
    root = _unzip_project(app, tmp_path)
    answers = read_answers(root)
    assert (answers.recipe, answers.framework, answers.task) == (
        "tabular-xgboost",
        "xgboost",
        "binary",
    )
    assert answers.baseline == {"measured": False}
    assert (root / "params.yaml").is_file()
    assert f"{root.name}: " in app.subheader[-1].value


def test_an_invalid_combination_is_explained_and_not_generated(app):
    _go(app, 5)
    app.selectbox(key="project_framework").set_value("sklearn")
    app.selectbox(key="project_tracking").set_value("tensorboard").run()
    warning = app.warning[0].value
    assert warning.startswith("This combination cannot be generated: invalid combination")
    assert "TensorBoard" in warning
    assert (
        not app.button(key="generate") if False else "generate" not in [b.key for b in app.button]
    )


def test_uploads_stay_in_the_session_folder_and_failed_ones_leave_nothing(app):
    # AppTest gives every app in a process the same session id, so other tests' uploads
    # may share this folder: look only at what this test adds.
    uploads = app.session_state.workdir / "uploads"

    def added() -> set[Path]:
        return set(uploads.iterdir()) - before if uploads.exists() else set()

    before = set(uploads.iterdir()) if uploads.exists() else set()
    _upload(app, "garbage.csv", bytes(range(256)) * 8)
    assert _errors(app)
    assert added() == set()
    _upload(app, "first.csv", b"a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n")
    assert not _errors(app)
    (first,) = added()
    assert (first / "first.csv").is_file()
    _upload(app, "second.csv", b"a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n")
    (second,) = added()  # the first upload's folder went with its data
    assert (second / "second.csv").is_file()


def test_the_check_step_passes_the_choices_and_shows_every_part_of_the_report(app, monkeypatch):
    from advisor.check import runner
    from advisor.check.result import FeasibilityReport

    calls = []

    def fake_run_check(dataset, **options):
        calls.append((dataset.name, options))
        options["progress"]("candidate_start", {"name": "svm", "seconds": 1.5, "done": 0})
        options["progress"]("candidate_finish", {"name": "svm", "status": "ok", "score": 0.97})
        return FeasibilityReport.from_dict(CANNED_REPORT)

    monkeypatch.setattr(runner, "run_check", fake_run_check)
    _use_example(app, "iris")
    _go(app, 4)
    app.slider(key="budget").set_value(7)
    app.checkbox(key="time_ordered").check()
    app.button(key="run_check").click().run()
    assert not app.exception and not _errors(app)
    ((name, options),) = calls
    assert name == "iris"
    assert (options["budget"], options["time_ordered"]) == (7.0, True)
    texts = _texts(app)
    assert "Training **svm** for up to 1.5 s…" in texts
    assert "**svm**: ok, score 0.9700" in texts
    assert app.subheader[0].value == "Classical"
    assert app.success[0].value.startswith("Classical: svm beats the neural network")
    board = app.table[0].value
    assert list(board["model"]) == ["svm", "mlp", "dummy", "xgboost"]
    assert list(board["accuracy"]) == ["0.9700", "0.9300", "0.3300", "–"]
    assert board["status"].iloc[3] == "timeout: stopped at its time limit"
    charts = app.get("vega_lite_chart")
    assert len(charts) == 2  # the leaderboard and the learning curve
    assert "**Learning curve** · accuracy as the training rows grow" in texts
    assert "deep learning is not catching up" in texts
    assert [w.value for w in app.warning] == CANNED_REPORT["warnings"]
    assert "stratified 5-fold cross-validation · 150 rows · 6.5 s of a 7 s budget" in texts


def test_a_check_that_cannot_run_says_why_and_the_app_keeps_working(app, monkeypatch):
    from advisor.check import runner
    from advisor.errors import CheckError

    def refusing_run_check(dataset, **options):
        raise CheckError("The data has too few rows for a check: expected at least 20.")

    monkeypatch.setattr(runner, "run_check", refusing_run_check)
    _use_example(app, "iris")
    _go(app, 4)
    app.button(key="run_check").click().run()
    assert not app.exception
    assert _errors(app) == ["The data has too few rows for a check: expected at least 20."]
    assert app.session_state.report is None
    _go(app, 5)
    assert "No check was run" in app.info[0].value


def test_a_project_name_that_cannot_be_a_package_is_refused_in_the_page(app):
    projects = app.session_state.workdir / "projects"

    def folders() -> set[Path]:
        return set(projects.iterdir()) if projects.exists() else set()

    before = folders()
    _go(app, 5)
    app.text_input(key="project_name").set_value("!!!").run()
    app.button(key="generate").click().run()
    assert not app.exception
    (error,) = _errors(app)
    assert error.startswith("the project name '!!!' cannot become a Python package name")
    assert app.session_state.project is None
    assert folders() == before  # nothing half-written
    app.text_input(key="project_name").set_value("churn").run()
    app.button(key="generate").click().run()
    assert not _errors(app)
    assert app.session_state.project["archive"].name == "churn"
    (first,) = folders() - before
    app.button(key="generate").click().run()
    (second,) = folders() - before  # a new project replaces the old one's files
    assert second != first


def _parquet() -> bytes:
    import pandas as pd

    buffer = io.BytesIO()
    frame = pd.DataFrame({"x": np.arange(40.0), "colour": ["red", "blue"] * 20})
    frame["label"] = (frame["x"] > 20).astype(int)
    frame.to_parquet(buffer)
    return buffer.getvalue()


REVIEWS = "review,label\n" + "".join(
    f'"this product number {i} was {word} and I would say so again",{i % 2}\n'
    for i, word in enumerate(["great", "awful"] * 15)
)


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("table.parquet", _parquet(), ("binary", "tabular", "40")),
        ("reviews.csv", REVIEWS.encode(), ("binary", "text", "30")),
    ],
    ids=["parquet", "text-csv"],
)
def test_uploaded_tables_are_profiled(app, name, data, expected):
    _upload(app, name, data)
    assert not _errors(app)
    table = _profile_table(app)
    assert (table["Task"], table["Modality"], table["Rows"]) == expected


def test_choosing_another_recipe_brings_its_own_stack(app):
    _go(app, 5)
    app.selectbox(key="project_tracking").set_value("wandb").run()
    assert app.selectbox(key="project_tracking").value == "wandb"
    _go(app, 1)
    _go(app, 5)
    assert app.selectbox(key="project_tracking").value == "wandb"  # kept while away
    app.selectbox(key="recipe").set_value("image-pytorch").run()
    assert app.selectbox(key="project_framework").value == "pytorch"
    assert app.selectbox(key="project_tracking").value == "tensorboard"  # image-pytorch's own
