"""``advisor scaffold``: what the user sees, on success and on every kind of bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from advisor.cli import main
from tests.scaffold.projects import NO_SIGNAL, NOT_MEASURED, REPORT, tree


def scaffold(*args: str, input: str | None = None):
    return CliRunner().invoke(main, ["scaffold", *args], prog_name="advisor", input=input)


def test_a_recipe_becomes_a_project(tmp_path: Path) -> None:
    result = scaffold(
        "--recipe", "tabular-sklearn", "--versioning", "none", "--name", "Churn Model",
        "--output-dir", str(tmp_path), "--no-input",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    project = tmp_path / "churn-model"
    lines = result.output.splitlines()
    assert lines[0].startswith(f"Created {project} in ")
    assert lines[0].endswith(
        " s: recipe tabular-sklearn, building logistic regression in scikit-learn "
        "(tracking mlflow, versioning none)."
    )
    assert lines[1:] == [
        "No baseline was measured (scaffold --from-report report.json bakes one in).",
        f"Next: cd {project} && python -m churn_model  (prepare -> train -> evaluate)",
    ]
    assert (project / "churn_model" / "train.py").is_file()


def test_a_report_is_baked_in_and_replay_reproduces_it(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text(json.dumps(REPORT))
    result = scaffold(
        "--from-report", str(report), "--versioning", "none", "--tracking", "none",
        "--name", "churn", "--output-dir", str(tmp_path / "a"), "--no-input",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    project = tmp_path / "a" / "churn"
    assert (
        "recipe tabular-xgboost, building gradient-boosted trees in XGBoost (tracking none, "
        "versioning none)."
    ) in result.output
    assert f"Baseline to beat (roc_auc) is in {project / 'baseline.json'}." in result.output
    assert json.loads((project / "baseline.json").read_text())["best_classical"]["score"] == 0.9931

    again = scaffold("--replay", str(project), "--output-dir", str(tmp_path / "b"))
    assert again.exit_code == 0, again.output
    assert tree(tmp_path / "b" / "churn") == tree(project)


def test_questions_are_asked_without_no_input(tmp_path: Path) -> None:
    result = scaffold(
        "--versioning", "none", "--output-dir", str(tmp_path), input="text-sklearn\nreviews\n"
    )
    assert result.exit_code == 0, result.output
    assert "Recipe (" in result.output and "Project name [text-sklearn]: " in result.output
    assert (tmp_path / "reviews" / "reviews" / "model.py").is_file()


BAD = [
    (
        ["--recipe", "tabular-xgbost"],
        "Error: unknown recipe 'tabular-xgbost' (did you mean 'tabular-xgboost'?); "
        "see 'advisor recipes list' for the recipes there are",
    ),
    (
        ["--recipe", "tabular-xgboost", "--tracking", "tensorboard"],
        "Error: invalid combination framework=xgboost tracking=tensorboard: TensorBoard logging "
        "uses PyTorch's SummaryWriter, which scikit-learn and XGBoost projects do not install; "
        "use --tracking mlflow or wandb",
    ),
    (
        ["--recipe", "image-pytorch", "--task", "regression"],
        "Error: invalid combination modality=image task=regression: the image and text starters "
        "are classifiers; regression starter code exists for tabular data only",
    ),
    (
        ["--recipe", "tabular-pytorch", "--framework", "pytorh"],
        "Error: unknown framework 'pytorh' (did you mean 'pytorch'?); expected one of sklearn, "
        "xgboost, pytorch, lightning, keras, jax",
    ),
    (
        ["--recipe", "tabular-xgboost", "--name", "2024"],
        "Error: the project name '2024' cannot become a Python package name: '2024' starts with "
        "a digit; pass a --name that starts with a letter, such as 'churn-model'",
    ),
    (
        ["--recipe", "tabular-xgboost", "--name", "%%%"],
        "Error: the project name '%%%' cannot become a Python package name: it has no letters "
        "or digits; pass a --name that starts with a letter, such as 'churn-model'",
    ),
    (
        [],
        "Error: no recipe given: pass --recipe NAME (see 'advisor recipes list'), --from-report "
        "report.json, or both --modality and --framework",
    ),
]


@pytest.mark.parametrize(
    ("args", "message"),
    BAD,
    ids=[
        "unknown-recipe",
        "invalid-combination",
        "image-regression",
        "unknown-framework",
        "digits-only-name",
        "punctuation-name",
        "no-recipe",
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = scaffold(*args, "--output-dir", str(tmp_path), "--no-input")
    assert result.exit_code == 1
    assert result.output == message + "\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,score\nxgb,0.9\n", "Error: '{path}' is not a feasibility report: it is not JSON; "),
        (
            "[" * 100_000 + "]" * 100_000,
            "Error: '{path}' is not a feasibility report: its JSON is nested too deeply; ",
        ),
        (
            json.dumps({"schema": "advisor.recommendation/1", "verdict": "classical"}),
            "Error: '{path}' is not a feasibility report: expected \"schema\": "
            "\"advisor.feasibility/1\", found 'advisor.recommendation/1'; ",
        ),
    ],
    ids=["csv-file", "deeply-nested-json", "recommendation-json"],
)
def test_a_file_that_is_not_a_report_is_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "report.json"
    path.write_text(content)
    out = tmp_path / "out"
    result = scaffold("--from-report", str(path), "--output-dir", str(out), "--no-input")
    assert result.exit_code == 1
    assert result.output == (
        message.format(path=path) + "write one with 'advisor check DATA --json report.json'\n"
    )
    assert not out.exists()


def test_a_report_the_checks_schema_refuses_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text(json.dumps({**REPORT, "verdict": "maybe"}))
    out = tmp_path / "out"
    result = scaffold("--from-report", str(path), "--output-dir", str(out), "--no-input")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: '{path}': Not an advisor.feasibility/1 report: at verdict, 'maybe' is not one "
        "of ['classical', 'deep_learning', 'tie']. Give the report.json that 'advisor check "
        "--report DIR' writes.\n"
    )
    assert not out.exists()


def test_an_existing_folder_is_refused_and_kept(tmp_path: Path) -> None:
    (tmp_path / "churn").mkdir()
    (tmp_path / "churn" / "mine.txt").write_text("mine")
    args = ["--recipe", "text-sklearn", "--versioning", "none", "--name", "churn"]
    result = scaffold(*args, "--output-dir", str(tmp_path), "--no-input")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: '{tmp_path / 'churn'}' already exists; choose another --name or --output-dir, "
        "or pass --force to write the template's files over it (your other files are kept)\n"
    )
    assert [p.name for p in (tmp_path / "churn").iterdir()] == ["mine.txt"]

    forced = scaffold(*args, "--output-dir", str(tmp_path), "--no-input", "--force")
    assert forced.exit_code == 0, forced.output
    assert (tmp_path / "churn" / "mine.txt").read_text() == "mine"
    assert (tmp_path / "churn" / "churn" / "train.py").is_file()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to a read-only folder")
def test_an_unwritable_folder_is_refused(tmp_path: Path) -> None:
    tmp_path.chmod(0o555)
    try:
        result = scaffold(
            "--recipe", "tabular-xgboost", "--output-dir", str(tmp_path), "--no-input"
        )
    finally:
        tmp_path.chmod(0o755)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot write to '{tmp_path}' (Permission denied)")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_folder_nobody_can_write_to_is_refused() -> None:
    result = scaffold("--recipe", "tabular-xgboost", "--output-dir", "/proc/x", "--no-input")
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot write to '/proc/x' (")
    assert result.output.endswith("); pass an --output-dir you can write to\n")
    assert result.output.count("\n") == 1


def test_replay_of_a_folder_without_answers_is_refused(tmp_path: Path) -> None:
    result = scaffold("--replay", str(tmp_path))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: '{tmp_path}' has no .advisor-answers.json: --replay needs a folder generated "
        "by 'advisor scaffold'\n"
    )


def test_replay_takes_no_other_choices(tmp_path: Path) -> None:
    result = scaffold("--replay", str(tmp_path), "--framework", "pytorch")
    assert result.exit_code == 2
    assert "Error: --replay takes no --framework: it replays them all" in result.output


REGRESSION_REPORT = {
    **REPORT,
    "task": "regression",
    "metric": "rmse",
    "higher_is_better": False,
    "best_classical": {**REPORT["best_classical"], "name": "ridge", "score": 3.2},
    "best_deep_learning": {**REPORT["best_deep_learning"], "score": 3.5},
    "profile": {"task": "regression", "modality": "tabular"},
}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--task", "binary"],
            "Error: --task binary contradicts the report, which measured a regression task in "
            "rmse; leave --task out",
        ),
        (
            ["--modality", "image"],
            "Error: --modality image contradicts the report, which is about tabular data; leave "
            "--modality out",
        ),
        (
            ["--recipe", "text-sklearn"],
            "Error: recipe text-sklearn is for text data but the report is about tabular data; "
            "pick a tabular recipe ('advisor recipes list') or leave --recipe out",
        ),
    ],
    ids=["task", "modality", "recipe-modality"],
)
def test_choices_the_report_fixes_cannot_be_contradicted(
    tmp_path: Path, args: list[str], message: str
) -> None:
    report = tmp_path / "regression.json"
    report.write_text(json.dumps(REGRESSION_REPORT))
    out = tmp_path / "out"
    result = scaffold("--from-report", str(report), *args, "--output-dir", str(out), "--no-input")
    assert (result.exit_code, result.output) == (1, message + "\n")
    assert not out.exists()


def test_a_report_task_given_again_is_accepted(tmp_path: Path) -> None:
    report = tmp_path / "regression.json"
    report.write_text(json.dumps(REGRESSION_REPORT))
    result = scaffold("--from-report", str(report), "--task", "regression", "--tracking", "none",
                      "--versioning", "none", "--name", "prices", "--output-dir", str(tmp_path),
                      "--no-input")  # fmt: skip
    assert result.exit_code == 0, result.output
    answers = json.loads((tmp_path / "prices" / ".advisor-answers.json").read_text())
    assert (answers["task"], answers["metric"]) == ("regression", "rmse")


def test_replay_onto_an_existing_folder_says_what_replay_can_change(tmp_path: Path) -> None:
    made = scaffold("--recipe", "text-sklearn", "--versioning", "none", "--name", "churn",
                    "--output-dir", str(tmp_path), "--no-input")  # fmt: skip
    assert made.exit_code == 0, made.output
    project = tmp_path / "churn"
    result = scaffold("--replay", str(project), "--output-dir", str(tmp_path))
    assert (result.exit_code, result.output) == (
        1,
        f"Error: '{project}' already exists; choose another --output-dir, or pass --force to "
        "write the template's files over it (your other files are kept)\n",
    )


def test_model_picks_what_the_project_builds_and_the_summary_says_it(tmp_path: Path) -> None:
    result = scaffold(
        "--recipe", "tabular-sklearn", "--model", "decision_tree", "--versioning", "none",
        "--name", "churn", "--output-dir", str(tmp_path), "--no-input",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        " s: recipe tabular-sklearn, building a decision tree in scikit-learn (tracking mlflow, "
        "versioning none).\n"
    ) in result.output
    assert "DecisionTreeClassifier(" in (tmp_path / "churn" / "churn" / "model.py").read_text()


def test_a_report_won_by_logistic_regression_scaffolds_logistic_regression(
    tmp_path: Path,
) -> None:
    report = tmp_path / "report.json"
    won = {**REPORT["best_classical"], "name": "logistic", "score": 0.995}
    report.write_text(json.dumps({**REPORT, "best_classical": won}))
    result = scaffold("--from-report", str(report), "--versioning", "none", "--tracking", "none",
                      "--name", "churn", "--output-dir", str(tmp_path), "--no-input")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        " s: recipe tabular-sklearn, building logistic regression in scikit-learn (tracking "
        "none, versioning none).\n"
    ) in result.output
    assert "LogisticRegression(" in (tmp_path / "churn" / "churn" / "model.py").read_text()


def test_a_model_the_framework_cannot_build_is_one_line(tmp_path: Path) -> None:
    result = scaffold("--recipe", "tabular-xgboost", "--model", "naive_bayes", "--framework",
                      "xgboost", "--output-dir", str(tmp_path), "--no-input")  # fmt: skip
    assert (result.exit_code, result.output) == (
        1,
        "Error: invalid combination model=naive_bayes framework=xgboost: naive Bayes is built "
        "with sklearn; use --framework sklearn, or leave --model out\n",
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("report", "said"),
    [
        (
            NOT_MEASURED,
            "No baseline to beat: the report says: Not measured: neither a classical nor a "
            "neural model produced a score within the 2 s budget, so nothing was compared; give "
            "the check more time (a larger --budget).",
        ),
        (
            NO_SIGNAL,
            "No baseline to beat: the report says: No signal: no model beats the dummy floor "
            "(logistic roc_auc 0.5200 vs dummy 0.5000) beyond the noise of the folds; the "
            "features may not predict the target, so neither family has anything to learn from "
            "this data.",
        ),
    ],
    ids=["not-measured", "no-signal"],
)
def test_a_report_with_nothing_to_beat_is_not_baked_in_as_measured(
    tmp_path: Path, report: dict, said: str
) -> None:
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report))
    result = scaffold("--from-report", str(path), "--versioning", "none", "--tracking", "none",
                      "--name", "churn", "--output-dir", str(tmp_path), "--no-input")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == said
    project = tmp_path / "churn"
    baseline = json.loads((project / "baseline.json").read_text())
    assert (baseline["measured"], baseline["outcome"]) == (False, report["outcome"])
    assert "best_classical" not in baseline and "best_deep_learning" not in baseline
    assert (
        said.replace("the report says", "the check's report says")
        in (project / "README.md").read_text()
    )
