"""The answers written into a project read back as they were written, old names included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.check.result import FeasibilityReport
from advisor.errors import ScaffoldError
from advisor.scaffold.answers import ANSWERS_FILE, read_answers
from advisor.scaffold.generate import replay_project, resolve_answers
from tests.scaffold.projects import REPORT

MULTICLASS = FeasibilityReport.from_dict({**REPORT, "task": "multiclass", "metric": "macro_f1"})


def test_answers_read_back_as_they_were_written(tmp_path: Path) -> None:
    answers = resolve_answers("tabular-sklearn", name="Churn", baseline=MULTICLASS)
    (tmp_path / ANSWERS_FILE).write_text(json.dumps(answers.to_dict()))
    assert read_answers(tmp_path) == answers


def test_an_answers_file_that_calls_macro_f1_f1_macro_still_replays(tmp_path: Path) -> None:
    written = resolve_answers("tabular-sklearn", versioning="none", name="old", baseline=MULTICLASS)
    old = written.to_dict()
    old["metric"] = "f1_macro"
    old["baseline"] = {**old["baseline"], "metric": "f1_macro"}
    (tmp_path / ANSWERS_FILE).write_text(json.dumps(old))
    assert read_answers(tmp_path) == written

    project = replay_project(tmp_path, output_dir=tmp_path / "again").path
    assert "metric: macro_f1" in (project / "params.yaml").read_text()


def test_a_file_of_other_answers_is_refused(tmp_path: Path) -> None:
    (tmp_path / ANSWERS_FILE).write_text(json.dumps({"schema": "cookiecutter"}))
    with pytest.raises(ScaffoldError, match=r"^the answers file is not an advisor\.scaffold-"):
        read_answers(tmp_path)


def test_answers_written_before_projects_named_their_model_replay_what_they_built(
    tmp_path: Path,
) -> None:
    written = resolve_answers("tabular-sklearn", versioning="none", tracking="none", name="old")
    old = written.to_dict()
    del old["model"]
    (tmp_path / ANSWERS_FILE).write_text(json.dumps(old))
    # scikit-learn projects were then always a linear model trained by SGD
    assert read_answers(tmp_path).model == "sgd_linear"
    project = replay_project(tmp_path, output_dir=tmp_path / "again").path
    assert "SGDClassifier(" in (project / "old" / "model.py").read_text()

    neural = resolve_answers("image-pytorch", name="older").to_dict()
    del neural["model"]
    (tmp_path / ANSWERS_FILE).write_text(json.dumps(neural))
    assert read_answers(tmp_path).model == "cnn"
