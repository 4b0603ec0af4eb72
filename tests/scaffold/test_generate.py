"""Rendering: strict, literal about user text, confined to the output folder, never
destructive, replayable."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

from advisor.check.result import FeasibilityReport
from advisor.errors import RecipeError, ReportError, ScaffoldError
from advisor.resources import templates_dir
from advisor.scaffold import generate
from advisor.scaffold.answers import read_answers
from advisor.scaffold.generate import replay_project, scaffold_project
from advisor.scaffold.vocabulary import MODELS
from advisor.terms import CHECK_TASKS, METRICS
from tests.scaffold.projects import REPORT, tree

FAST = {"recipe": "tabular-sklearn", "versioning": "none"}  # no git/DVC: the quickest render


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A HOME of its own, to prove nothing is written there (cookiecutter's replay files)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


def test_cookiecutter_renders_strictly() -> None:
    from cookiecutter.environment import StrictEnvironment
    from jinja2 import StrictUndefined

    assert StrictEnvironment().undefined is StrictUndefined


def test_an_undefined_template_variable_is_an_error_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "templates"
    shutil.copytree(templates_dir(), broken)
    readme = broken / "project" / "{{cookiecutter.project_slug}}" / "README.md"
    readme.write_text(readme.read_text() + "\n{{ cookiecutter.no_such_variable }}\n")
    monkeypatch.setattr(generate, "templates_dir", lambda: broken)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ScaffoldError) as caught:
        scaffold_project(**FAST, name="churn", output_dir=out)
    assert str(caught.value).startswith("the project template failed to render: ")
    assert "no_such_variable" in str(caught.value)
    assert list(out.iterdir()) == []


def test_a_failed_render_into_a_new_folder_leaves_no_folder_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "templates"
    shutil.copytree(templates_dir(), broken)
    (broken / "project" / "{{cookiecutter.project_slug}}" / "README.md").write_text(
        "{{ cookiecutter.no_such_variable }}"
    )
    monkeypatch.setattr(generate, "templates_dir", lambda: broken)
    with pytest.raises(ScaffoldError, match="no_such_variable"):
        scaffold_project(**FAST, name="churn", output_dir=tmp_path / "new" / "out")
    assert not (tmp_path / "new").exists()


def test_the_template_renders_with_the_plain_cookiecutter_command(
    tmp_path: Path, home: Path
) -> None:
    cookiecutter = Path(sys.executable).with_name("cookiecutter")
    env = {**os.environ, "HOME": str(home), "DVC_NO_ANALYTICS": "1"}
    subprocess.run(
        [str(cookiecutter), str(templates_dir() / "project"), "--no-input", "-o", str(tmp_path)],
        check=True,
        env=env,
        capture_output=True,
    )
    project = tmp_path / "ml-project"
    assert (project / "ml_project" / "train.py").is_file()
    assert (project / "README.md").read_text().startswith("# ML Project\n")
    assert (project / "dvc.yaml").is_file() and (project / ".dvc" / "config").is_file()
    assert not (project / ".advisor-answers.json").exists()  # only advisor records answers
    assert json.loads((project / "baseline.json").read_text()) == {"measured": False}


def test_user_text_stays_literal(tmp_path: Path) -> None:
    name = "Churn {{ 7*7 }} {% if true %}x{% endif %} <b>"
    project = scaffold_project(**FAST, name=name, output_dir=tmp_path).path
    assert project.name == "churn-7-7-if-true-x-endif-b"
    readme = (project / "README.md").read_text()
    assert readme.startswith(f"# {name}\n")
    assert "49" not in readme
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["description"] == name
    answers = json.loads((project / ".advisor-answers.json").read_text())
    assert answers["name"] == name


def test_nothing_is_written_outside_the_output_folder(tmp_path: Path, home: Path) -> None:
    out = tmp_path / "out"
    before = sorted(p.name for p in tmp_path.iterdir())
    project = scaffold_project("tabular-xgboost", name="../../escape", output_dir=out).path
    assert project == out / "escape"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*before, "out"])
    assert [p.name for p in out.iterdir()] == ["escape"]
    assert list(home.iterdir()) == []  # no ~/.cookiecutter_replay, no ~/.cookiecutters


def test_an_existing_folder_is_refused_without_force(tmp_path: Path) -> None:
    (tmp_path / "churn").mkdir()
    (tmp_path / "churn" / "mine.txt").write_text("keep me")
    with pytest.raises(ScaffoldError) as caught:
        scaffold_project(**FAST, name="churn", output_dir=tmp_path)
    assert str(caught.value) == (
        f"'{tmp_path / 'churn'}' already exists; choose another --name or --output-dir, or pass "
        "--force to write the template's files over it (your other files are kept)"
    )
    assert [p.name for p in (tmp_path / "churn").iterdir()] == ["mine.txt"]


def test_force_writes_the_template_files_and_keeps_the_users(tmp_path: Path) -> None:
    target = tmp_path / "churn"
    (target / "data" / "raw").mkdir(parents=True)
    (target / "data" / "raw" / "customers.csv").write_text("a,b\n1,2\n")
    (target / "notes.md").write_text("mine")
    (target / "README.md").write_text("old readme")
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    git_before = tree(target / ".git", skip=())

    project = scaffold_project(
        "tabular-xgboost", name="churn", output_dir=tmp_path, force=True
    ).path
    assert (project / "data" / "raw" / "customers.csv").read_text() == "a,b\n1,2\n"
    assert (project / "notes.md").read_text() == "mine"
    assert (project / "README.md").read_text().startswith("# churn\n")
    assert (project / "churn" / "train.py").is_file()
    assert tree(target / ".git", skip=()) == git_before  # the user's repository is untouched


def test_force_refuses_before_writing_when_a_user_file_blocks_a_template_folder(
    tmp_path: Path,
) -> None:
    target = tmp_path / "churn"
    target.mkdir()
    (target / "tests").write_text("a file where the template has a folder")
    with pytest.raises(
        ScaffoldError, match=r"cannot write over '.*tests': the template has a folder"
    ):
        scaffold_project(**FAST, name="churn", output_dir=tmp_path, force=True)
    assert [p.name for p in target.iterdir()] == ["tests"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to a read-only folder")
def test_an_unwritable_folder_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        with pytest.raises(
            ScaffoldError, match=r"^cannot write to '.*locked' \(Permission denied\)"
        ):
            scaffold_project(**FAST, name="churn", output_dir=locked)
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_folder_nobody_can_write_to_is_refused() -> None:
    # /proc refuses new files even to root: a real probe catches what os.access would not.
    with pytest.raises(ScaffoldError, match=r"^cannot write to '/proc/advisor-out' \("):
        scaffold_project(**FAST, name="churn", output_dir="/proc/advisor-out")


def test_a_failing_post_generation_step_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no git: initialising the repository fails
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ScaffoldError, match=r"^generating the project failed: "):
        scaffold_project("tabular-xgboost", name="churn", output_dir=out)
    assert list(out.iterdir()) == []


def test_a_report_is_baked_in_and_replay_reproduces_the_project(tmp_path: Path) -> None:
    first = scaffold_project(
        "tabular-pytorch", versioning="none", name="Churn", output_dir=tmp_path / "a",
        baseline=REPORT,
    ).path  # fmt: skip
    baseline = json.loads((first / "baseline.json").read_text())
    assert baseline["best_classical"] == {"name": "xgboost", "score": 0.9931}
    readme = (first / "README.md").read_text()
    assert "| classical | xgboost | 0.9931 |" in readme
    assert "| deep learning | mlp | 0.9812 |" in readme
    assert "metric: roc_auc" in (first / "params.yaml").read_text()

    again = replay_project(first, output_dir=tmp_path / "b")
    assert again.path == tmp_path / "b" / "churn"
    assert tree(again.path) == tree(first)


def test_the_result_holds_the_folder_and_the_answers_written_into_it(tmp_path: Path) -> None:
    done = scaffold_project(**FAST, tracking="none", name="Churn Model", output_dir=tmp_path)
    assert done.path == tmp_path / "churn-model"
    assert (done.answers.name, done.answers.recipe, done.answers.tracking) == (
        "Churn Model", "tabular-sklearn", "none",
    )  # fmt: skip
    assert done.answers == read_answers(done.path)


def test_without_a_report_the_project_says_no_baseline_was_measured(tmp_path: Path) -> None:
    project = scaffold_project(**FAST, name="churn", output_dir=tmp_path).path
    assert json.loads((project / "baseline.json").read_text()) == {"measured": False}
    assert "No baseline was measured for this project." in (project / "README.md").read_text()


def test_a_report_picks_the_recipe_from_its_verdict(tmp_path: Path) -> None:
    neural = {**REPORT, "verdict": "deep_learning", "modality": "image", "task": "multiclass",
              "metric": "accuracy"}  # fmt: skip
    answers = generate.resolve_answers(baseline=neural)
    assert (answers.recipe, answers.framework, answers.metric) == (
        "image-pytorch", "pytorch", "accuracy",
    )  # fmt: skip
    assert generate.resolve_answers(baseline=REPORT).recipe == "tabular-xgboost"
    with pytest.raises(RecipeError, match=r"^--modality text contradicts the report"):
        generate.resolve_answers("text-sklearn", modality="text", baseline=REPORT)
    with pytest.raises(RecipeError) as caught:
        generate.resolve_answers("image-pytorch", baseline=REPORT)
    assert str(caught.value) == (
        "recipe image-pytorch is for image data but the report is about tabular data; pick a "
        "tabular recipe ('advisor recipes list') or leave --recipe out"
    )
    with pytest.raises(ReportError):
        generate.resolve_answers("tabular-xgboost", baseline={"schema": "nope"})


def _won_by(name: str, *, family: str = "classical", **changes) -> dict:
    best = f"best_{family}"
    verdict = "deep_learning" if family == "deep_learning" else "classical"
    return {**REPORT, "verdict": verdict, best: {**REPORT[best], "name": name}, **changes}


@pytest.mark.parametrize(
    ("report", "recipe", "model"),
    [
        (_won_by("logistic"), "tabular-sklearn", "logistic_regression"),
        (_won_by("hist_gradient_boosting"), "tabular-sklearn", "hist_gradient_boosting"),
        (_won_by("svm"), "tabular-sklearn", "rbf_svm"),
        (_won_by("xgboost"), "tabular-xgboost", "xgboost"),
        (
            _won_by("ridge", task="regression", metric="rmse", higher_is_better=False),
            "tabular-sklearn",
            "linear_regression",
        ),
        (_won_by("mlp", family="deep_learning"), "tabular-pytorch", "mlp"),
        (_won_by("tabm", family="deep_learning"), "tabular-pytorch", "mlp"),
        (
            _won_by("tfidf_naive_bayes", modality="text", task="multiclass", metric="accuracy"),
            "text-sklearn",
            "naive_bayes",
        ),
        (
            _won_by(
                "pixels_gradient_boosting", modality="image", task="multiclass", metric="accuracy"
            ),
            "image-sklearn",
            "hist_gradient_boosting",
        ),
        # A tie goes to the classical model: as good, and cheaper to run.
        ({**_won_by("logistic"), "verdict": "tie"}, "tabular-sklearn", "logistic_regression"),
        # A model the projects have no counterpart for: the verdict's recipe, as it is.
        (_won_by("some_new_model"), "tabular-xgboost", "xgboost"),
    ],
    ids=[
        "logistic",
        "hist-gradient-boosting",
        "svm",
        "xgboost",
        "ridge",
        "mlp",
        "tabm",
        "text-naive-bayes",
        "pixels-boosting",
        "tie",
        "unknown-model",
    ],
)
def test_a_report_picks_the_recipe_and_model_of_its_best_model(
    report: dict, recipe: str, model: str
) -> None:
    answers = generate.resolve_answers(baseline=report)
    assert (answers.recipe, answers.model) == (recipe, model)


@pytest.mark.parametrize(
    ("model", "task", "builds"),
    [
        ("decision_tree", "binary", "DecisionTreeClassifier("),
        ("random_forest", "regression", "RandomForestRegressor("),
        ("hist_gradient_boosting", "multiclass", "HistGradientBoostingClassifier("),
        ("logistic_regression", "binary", "LogisticRegression("),
        ("linear_regression", "regression", "Ridge("),
        ("sgd_linear", "binary", "SGDClassifier("),
        ("linear_svm", "binary", "LinearSVC("),
        ("rbf_svm", "regression", "SVR("),
        ("knn", "multiclass", "KNeighborsClassifier("),
        ("naive_bayes", "binary", "GaussianNB("),
    ],
)
def test_a_scikit_learn_project_builds_the_model_it_names(
    tmp_path: Path, model: str, task: str, builds: str
) -> None:
    project = scaffold_project(
        **FAST, model=model, task=task, tracking="none", name="churn", output_dir=tmp_path
    ).path
    code = (project / "churn" / "model.py").read_text()
    assert builds in code
    others = {"SGDClassifier(", "SGDRegressor(", "LogisticRegression(", "DecisionTreeClassifier("}
    assert not (others - {builds}) & {name for name in others if name in code}
    assert f"# {model}: see churn/model.py" in (project / "params.yaml").read_text()
    # trained in epochs exactly when the vocabulary says so (the template keeps its own list)
    train = (project / "churn" / "train.py").read_text()
    assert ("fit_epoch(" in train) == MODELS[model].staged
    tests = (project / "tests" / "test_pipeline.py").read_text()
    assert ("def test_training_lowers_the_loss" in tests) == MODELS[model].staged
    assert json.loads((project / ".advisor-answers.json").read_text())["model"] == model


def test_a_typed_report_and_its_json_give_the_same_answers() -> None:
    typed = generate.resolve_answers(baseline=FeasibilityReport.from_dict(REPORT))
    assert typed == generate.resolve_answers(baseline=REPORT)
    assert (typed.recipe, typed.metric, typed.baseline["best_classical"]) == (
        "tabular-xgboost", "roc_auc", {"name": "xgboost", "score": 0.9931},
    )  # fmt: skip


def test_the_evaluate_step_names_metrics_as_the_check_does(tmp_path: Path) -> None:
    report = {**REPORT, "task": "multiclass", "metric": "macro_f1"}
    project = scaffold_project(**FAST, name="churn", output_dir=tmp_path, baseline=report).path
    assert "metric: macro_f1" in (project / "params.yaml").read_text()
    assert json.loads((project / "baseline.json").read_text())["metric"] == "macro_f1"
    evaluate = ast.parse((project / "churn" / "evaluate.py").read_text())
    [table] = [
        node.value
        for node in evaluate.body
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "METRICS"
    ]
    # the starters' tasks; the applications' evaluate steps compute their own metrics
    directions = {
        name: metric.higher_is_better
        for name, metric in METRICS.items()
        if set(metric.tasks) & set(CHECK_TASKS)
    }
    assert ast.literal_eval(table) == directions


def test_generated_code_passes_ruff(tmp_path: Path) -> None:
    for recipe in ("tabular-pytorch", "image-lightning", "text-sklearn"):
        scaffold_project(recipe, versioning="none", name=recipe, output_dir=tmp_path)
    ruff = Path(sys.executable).with_name("ruff")
    done = subprocess.run(
        [str(ruff), "check", "--no-cache", "--select", "E,F,W,I,B,UP", "--line-length", "100", "."],
        cwd=tmp_path, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout
