"""Every valid framework x tracking stack, rendered and trained end to end on CPU, with DVC
and without it in turn: the generated pipeline, the generated tests, and the real tracking
artefacts."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from advisor.check.result import FeasibilityReport
from advisor.scaffold.answers import Answers
from advisor.scaffold.baseline import DEFAULT_METRIC, NO_BASELINE, as_report, baseline_from_report
from advisor.scaffold.generate import render
from advisor.scaffold.vocabulary import (
    CHOICES,
    MODELS,
    default_model,
    fits,
    valid_combinations,
)
from tests.scaffold.projects import NO_SIGNAL, REPORT, run

pytestmark = pytest.mark.slow

# The generated tests, less the lifecycle ones (serve, tune, monitor): test_lifecycle.py
# runs those on a pairwise sample of the stacks, to keep CI time down.
GENERATED_TESTS = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not lifecycle"]

# The (modality, task) each stack trains on, in turn, so that every modality and
# regression are covered by every framework that supports them.
ROTATION = {
    "sklearn": [
        ("tabular", "binary"),
        ("text", "multiclass"),
        ("image", "binary"),
        ("tabular", "regression"),
        ("text", "binary"),
        ("image", "multiclass"),
    ],
    "xgboost": [("tabular", "binary"), ("tabular", "multiclass"), ("tabular", "regression")],
    "pytorch": [
        ("image", "multiclass"),
        ("text", "binary"),
        ("tabular", "regression"),
        ("tabular", "binary"),
        ("text", "multiclass"),
        ("image", "binary"),
    ],
    "lightning": [
        ("tabular", "binary"),
        ("image", "multiclass"),
        ("text", "multiclass"),
        ("tabular", "regression"),
    ],
}
# Stacks that also get a feasibility report, so evaluate prints the baseline comparison.
WITH_REPORT = {("xgboost", "mlflow", "dvc"), ("pytorch", "mlflow", "none")}
# Versioning changes no model code: each framework x tracker pair trains once, with DVC and
# without it in turn (every framework gets both), which halves the stacks CI trains.
VERSIONINGS = ("dvc", "none")
CHECKED = FeasibilityReport.from_dict(REPORT)


def stacks() -> list[Answers]:
    valid = valid_combinations()
    triples = list(dict.fromkeys((c["framework"], c["tracking"], c["versioning"]) for c in valid))
    # Pachyderm changes no local step (the project trains as without versioning); its
    # pipeline specifications are checked in test_tracker_versioning.py instead.
    triples = [triple for triple in triples if triple[2] != "pachyderm"]
    pairs = list(dict.fromkeys(triple[:2] for triple in triples))
    versioning_of = {
        pair: VERSIONINGS[[p for p in pairs if p[0] == pair[0]].index(pair) % len(VERSIONINGS)]
        for pair in pairs
    }
    triples = [triple for triple in triples if versioning_of[triple[:2]] == triple[2]]
    turn: Counter[str] = Counter()
    chosen = []
    for framework, tracking, versioning in triples:
        if framework not in ROTATION:
            continue  # Keras and JAX: test_keras_jax.py trains them, in one process each
        modality, task = ROTATION[framework][turn[framework] % len(ROTATION[framework])]
        turn[framework] += 1
        report = (framework, tracking, versioning) in WITH_REPORT
        if report:
            modality, task = "tabular", "binary"
        choice = {"framework": framework, "tracking": tracking, "versioning": versioning}
        model = default_model(framework, modality, task)
        whole = {**choice, "modality": modality, "task": task, "hardware": "cpu", "model": model}
        assert whole in valid
        chosen.append(
            Answers(
                name=f"{framework} {tracking} {versioning} {modality}",
                recipe=f"{modality}-{framework}",
                modality=modality,
                task=task,
                model=model,
                hardware="cpu",
                metric=DEFAULT_METRIC[task],
                baseline=baseline_from_report(CHECKED) if report else dict(NO_BASELINE),
                **choice,
            )
        )
    return chosen


STACKS = stacks()


def test_every_valid_stack_and_modality_is_covered() -> None:
    pairs = {(s.framework, s.tracking) for s in STACKS}
    # every framework trained here x tracker, less TensorBoard for sklearn and xgboost
    frameworks, trackers = len(ROTATION), len(CHOICES["tracking"])
    assert len(pairs) == len(STACKS) == frameworks * trackers - 2
    for framework in ROTATION:
        versionings = {s.versioning for s in STACKS if s.framework == framework}
        assert versionings == set(VERSIONINGS), (framework, versionings)
    assert {(s.framework, s.tracking, s.versioning) for s in STACKS} >= WITH_REPORT
    assert {s.modality for s in STACKS} == {"tabular", "image", "text"}
    assert "regression" in {s.task for s in STACKS}
    for framework in ("sklearn", "pytorch", "lightning"):
        assert {s.modality for s in STACKS if s.framework == framework} == {
            "tabular",
            "image",
            "text",
        }


@pytest.mark.parametrize(
    "answers",
    STACKS,
    ids=[f"{s.framework}-{s.tracking}-{s.versioning}-{s.modality}" for s in STACKS],
)
def test_generated_project_trains_and_passes_its_tests(answers: Answers, tmp_path: Path) -> None:
    project = render(answers, output_dir=tmp_path).path
    package = project.name.replace("-", "_")
    metric = answers.metric

    if answers.versioning == "dvc":
        assert (project / ".dvc" / "config").is_file()
        assert "Start the project" in run(["git", "log", "--oneline"], project)
        printed = run([sys.executable, "-m", "dvc", "repro"], project)
        shown = run([sys.executable, "-m", "dvc", "metrics", "show"], project)
        assert "metrics.json" in shown and metric in shown, shown
        assert (project / "dvc.lock").is_file()
    else:
        assert not (project / "dvc.yaml").exists()
        printed = run([sys.executable, "-m", package], project)

    assert f"{metric} on the test split: " in printed
    if answers.baseline["measured"]:
        assert "baseline classical (xgboost): 0.9931 -> this model is" in printed
    else:
        assert "No baseline was measured for this project" in printed
    score = json.loads((project / "metrics.json").read_text())[metric]
    assert score == score  # not NaN
    [run_dir] = (project / "runs").iterdir()
    losses = json.loads((run_dir / "history.json").read_text())["loss"]
    check_losses(answers, losses)
    check_tracking(answers, project, package, run_dir, len(losses))

    tests = run([sys.executable, *GENERATED_TESTS], project)
    assert " passed" in tests and "failed" not in tests


def check_losses(answers: Answers, losses: list[float]) -> None:
    """A model trained in epochs lowers its loss; one fitted in one go has one loss."""
    if MODELS[answers.model].staged:
        assert len(losses) >= 2 and losses[-1] < losses[0], losses
    else:
        assert len(losses) == 1 and losses[0] == losses[0], losses


def check_tracking(
    answers: Answers, project: Path, package: str, run_dir: Path, points: int
) -> None:
    """The tracker's own files hold the run (a loss for each point of the history), read
    back with the tracker's own reader."""
    tracking = answers.tracking
    assert (project / "mlflow.db").exists() == (tracking == "mlflow")
    assert (project / "wandb").exists() == (tracking == "wandb")
    assert (project / ".neptune").exists() == (tracking == "neptune")
    if tracking == "tensorboard":
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

        [events] = (run_dir / "tensorboard").glob("events.out.tfevents.*")
        accumulator = EventAccumulator(str(events))
        accumulator.Reload()
        assert "train/loss" in accumulator.Tags()["scalars"]
        assert len(accumulator.Scalars("train/loss")) == points
    elif tracking == "mlflow":
        from mlflow.tracking import MlflowClient

        client = MlflowClient(tracking_uri=f"sqlite:///{project / 'mlflow.db'}")
        experiment = client.get_experiment_by_name(package)
        [mlflow_run] = client.search_runs([experiment.experiment_id])
        assert mlflow_run.info.status == "FINISHED"
        [key] = [key for key in mlflow_run.data.metrics if "loss" in key]
        assert len(client.get_metric_history(mlflow_run.info.run_id, key)) == points
    elif tracking == "wandb":
        [offline] = (project / "wandb").glob("offline-run-*")
        assert list(offline.glob("run-*.wandb"))
    elif tracking == "neptune":
        [offline] = (project / ".neptune" / "offline").glob("run__*")
        losses = neptune_series(offline, ("train", "loss"))
        assert len(losses) == points and all(loss == loss for loss in losses), losses
    else:
        assert not (run_dir / "tensorboard").exists()


def neptune_series(offline: Path, path: tuple[str, ...]) -> list[float]:
    """The values logged to `path` in a Neptune offline run folder: its operations log
    (data-*.log), one JSON operation a line. Lightning's logger may prefix the path."""
    values = []
    for log in sorted(offline.glob("data-*.log")):
        for line in log.read_text().splitlines():
            operation = json.loads(line)["obj"]
            if operation["type"] == "LogFloats" and tuple(operation["path"][-2:]) == path:
                values += [point["value"] for point in operation["values"]]
    return values


# Every model a scikit-learn project can build, on data it fits, each trained end to end
# once (the stacks above cover trackers and versioning with the framework's default).
MODEL_CASES = [
    ("logistic_regression", "text", "multiclass"),
    ("linear_regression", "tabular", "regression"),
    ("sgd_linear", "image", "binary"),
    ("linear_svm", "tabular", "binary"),
    ("linear_svm", "tabular", "regression"),
    ("rbf_svm", "image", "multiclass"),
    ("knn", "tabular", "regression"),
    ("naive_bayes", "text", "binary"),
    ("naive_bayes", "tabular", "multiclass"),
    ("decision_tree", "tabular", "multiclass"),
    ("random_forest", "tabular", "binary"),
    ("hist_gradient_boosting", "image", "multiclass"),
]


def test_every_scikit_learn_model_has_a_case() -> None:
    sklearn = {name for name, spec in MODELS.items() if spec.frameworks == ("sklearn",)}
    assert {model for model, _, _ in MODEL_CASES} == sklearn
    for model, modality, task in MODEL_CASES:
        assert fits(model, framework="sklearn", modality=modality, task=task)


@pytest.mark.parametrize(
    ("model", "modality", "task"), MODEL_CASES, ids=["-".join(case) for case in MODEL_CASES]
)
def test_each_scikit_learn_model_trains_and_passes_its_tests(
    model: str, modality: str, task: str, tmp_path: Path
) -> None:
    answers = Answers(
        name=f"{model} {modality}",
        recipe=f"{modality}-sklearn",
        modality=modality,
        task=task,
        model=model,
        framework="sklearn",
        tracking="none",
        versioning="none",
        hardware="cpu",
        metric=DEFAULT_METRIC[task],
        # One project carries a report that found nothing to beat, and must say so.
        baseline=baseline_from_report(as_report(NO_SIGNAL))
        if (model, task) == ("decision_tree", "multiclass")
        else dict(NO_BASELINE),
    )
    project = render(answers, output_dir=tmp_path).path
    package = project.name.replace("-", "_")
    printed = run([sys.executable, "-m", package], project)
    assert f"{answers.metric} on the test split: " in printed
    if answers.baseline.get("reason"):
        assert "No baseline to beat: the check's report says: No signal: " in printed
    score = json.loads((project / "metrics.json").read_text())[answers.metric]
    assert score == score  # not NaN
    [run_dir] = (project / "runs").iterdir()
    check_losses(answers, json.loads((run_dir / "history.json").read_text())["loss"])
    tests = run([sys.executable, *GENERATED_TESTS], project)
    assert " passed" in tests and "failed" not in tests
