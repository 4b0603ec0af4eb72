"""After training, in generated projects: predict, serve (a real server on 127.0.0.1 with
good and bad requests), monitor (a shifted batch flagged, the sample passed), tune (Optuna,
3 trials, each a run of the project's tracker) and the overfit-one-batch test, for every
framework, with every tracker x versioning pair once (not the full product: CI time)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from advisor.scaffold.answers import Answers
from advisor.scaffold.baseline import DEFAULT_METRIC, NO_BASELINE
from advisor.scaffold.generate import render
from advisor.scaffold.vocabulary import default_model, valid_combinations
from tests.scaffold.projects import run

pytestmark = pytest.mark.slow

# (framework, modality, task, tracking, versioning): each tracker meets each versioning,
# each framework appears twice, and every modality is served.
CASES = [
    ("sklearn", "tabular", "binary", "none", "dvc"),
    ("sklearn", "text", "multiclass", "wandb", "none"),
    ("xgboost", "tabular", "regression", "mlflow", "none"),
    ("xgboost", "tabular", "multiclass", "none", "none"),
    ("pytorch", "image", "multiclass", "tensorboard", "dvc"),
    ("pytorch", "tabular", "regression", "mlflow", "dvc"),
    ("lightning", "text", "binary", "wandb", "dvc"),
    ("lightning", "tabular", "binary", "tensorboard", "none"),
]
NEURAL = ("pytorch", "lightning")


def answers_for(
    framework: str, modality: str, task: str, tracking: str, versioning: str
) -> Answers:
    model = default_model(framework, modality, task)
    return Answers(
        name=f"life {framework} {modality}",
        recipe=f"{modality}-{framework}",
        modality=modality,
        task=task,
        model=model,
        framework=framework,
        tracking=tracking,
        versioning=versioning,
        hardware="cpu",
        metric=DEFAULT_METRIC[task],
        baseline=dict(NO_BASELINE),
    )


def test_the_cases_cover_every_framework_modality_and_tracker_versioning_pair() -> None:
    valid = valid_combinations()
    for framework, modality, task, tracking, versioning in CASES:
        whole = {
            "framework": framework,
            "modality": modality,
            "task": task,
            "tracking": tracking,
            "versioning": versioning,
            "hardware": "cpu",
            "model": default_model(framework, modality, task),
        }
        assert whole in valid, whole
    assert {(c[3], c[4]) for c in CASES} == {
        (t, v) for t in ("tensorboard", "mlflow", "wandb", "none") for v in ("dvc", "none")
    }
    assert {c[0] for c in CASES} == {"sklearn", "xgboost", "pytorch", "lightning"}
    assert {c[1] for c in CASES} == {"tabular", "image", "text"}


LIFECYCLE_TESTS = [
    "test_predict_writes_a_row_per_input",
    "test_the_model_card_holds_the_metric_data_baseline_and_use",
    "test_monitor_passes_the_sample_and_flags_a_shifted_batch",
    "test_serve_answers_good_and_bad_requests_and_logs_for_monitor",
    "test_tune_runs_three_tracked_trials_and_writes_the_best_params",
]


@pytest.mark.parametrize("case", CASES, ids=["-".join(case) for case in CASES])
def test_generated_project_predicts_serves_monitors_and_tunes(
    case: tuple[str, ...], tmp_path: Path
) -> None:
    project = render(answers_for(*case), output_dir=tmp_path).path
    output = run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "tests/test_lifecycle.py"],
        project,
    )
    expected = [
        *LIFECYCLE_TESTS,
        *(["test_the_model_overfits_one_batch"] if case[0] in NEURAL else []),
    ]
    for name in expected:
        assert f"{name} PASSED" in output, f"{name} did not pass:\n{output[-3000:]}"
    assert "FAILED" not in output and "SKIPPED" not in output
