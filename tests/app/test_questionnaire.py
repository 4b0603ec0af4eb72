"""The questionnaire's non-widget helpers, without Streamlit."""

from __future__ import annotations

import zipfile

import pytest

from advisor.errors import DataError
from advisor.profile import Profile
from advisor.questionnaire import (
    QUESTION_FIELDS,
    answers_to_profile,
    archive_project,
    default_answers,
    profile_rows,
    progress_line,
    readable,
    upload_loader,
)
from advisor.rules.vocabulary import vocabulary


def test_default_answers_come_from_the_vocabulary():
    answers = default_answers(vocabulary())
    assert tuple(answers) == QUESTION_FIELDS
    assert answers["task"] == "binary"  # no default in Profile: the first choice
    assert answers["complexity"] == "unknown"
    assert answers["rows"] is None
    assert answers["gpu"] is False


def test_answers_override_what_the_data_told():
    inferred = Profile(task="binary", rows=569, features=30, minority_share=0.37)
    answers = {**default_answers(vocabulary()), "task": "multiclass", "rows": 569}
    profile = answers_to_profile(answers, inferred)
    assert (profile.task, profile.rows, profile.minority_share) == ("multiclass", 569, 0.37)
    assert answers_to_profile(answers).minority_share is None


def test_profile_rows_read_as_words():
    rows = profile_rows(Profile(task="binary", rows=20_000, minority_share=0.1234), vocabulary())
    shown = {row[""]: (row["value"], row["meaning"]) for row in rows}
    assert shown["Rows"] == ("20,000", "Labelled examples (rows, images, documents).")
    assert shown["Minority share"][0] == "12.3%"
    assert "Gpu" not in shown and "Interpretable" not in shown  # answers, not measurements


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.5, "50.0%"), (1234567, "1,234,567"), (True, "True"), ("text", "text")],
    ids=["share", "count", "bool", "choice"],
)
def test_readable(value, expected):
    assert readable(value) == expected


@pytest.mark.parametrize(
    ("event", "info", "expected"),
    [
        ("candidate_start", {"name": "mlp", "seconds": 4.2}, "Training **mlp** for up to 4.2 s…"),
        (
            "candidate_finish",
            {"name": "svm", "status": "ok", "score": 0.95333},
            "**svm**: ok, score 0.9533",
        ),
        ("candidate_finish", {"name": "svm", "status": "timeout"}, "**svm**: timeout"),
        (
            "candidate_skipped",
            {"name": "svm", "reason": "too many rows"},
            "**svm**: skipped (too many rows)",
        ),
        (
            "curve_finish",
            {"name": "mlp", "fraction": 0.25, "status": "ok"},
            "Learning curve for **mlp** at 25% of the rows: ok",
        ),
        ("finished", {"verdict": "tie"}, None),
    ],
    ids=["start", "finish", "timeout", "skipped", "curve", "finished-is-shown-elsewhere"],
)
def test_progress_lines(event, info, expected):
    assert progress_line(event, info) == expected


def test_archive_project_zips_the_folder_and_lists_files_without_git(tmp_path):
    project = tmp_path / "churn"
    (project / ".git" / "objects").mkdir(parents=True)
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (project / "churn").mkdir()
    (project / "churn" / "train.py").write_text("print('train')\n")
    (project / "params.yaml").write_text("seed: 0\n")
    archive = archive_project(project)
    assert archive.name == "churn"
    assert archive.files == ("churn/train.py", "params.yaml")
    with zipfile.ZipFile(tmp_path / "churn.zip") as zipped:
        assert zipped.read("churn/params.yaml") == b"seed: 0\n"
        assert "churn/.git/HEAD" in zipped.namelist()  # the repository ships with the project
    assert (tmp_path / "churn.zip").read_bytes() == archive.data


def test_upload_loader_names_the_file_as_the_user_knows_it(tmp_path):
    path = tmp_path / "session" / "abc" / "table.csv"
    path.parent.mkdir(parents=True)
    path.write_text("age,label\n1,0\n2,1\n3,0\n")
    load = upload_loader(path, shown_name="my table.csv", target="lable")
    with pytest.raises(DataError, match=r"^Target column 'lable' is not in my table\.csv \(did"):
        load()
    assert upload_loader(path, shown_name="t.csv")().task == "binary"
