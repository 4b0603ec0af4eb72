"""Two feasibility reports compared: real changes against the noise of the folds."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from advisor.check.compare import compare_reports
from advisor.check.result import FeasibilityReport, ModelResult
from advisor.errors import ReportError


def _model(name: str, family: str, folds) -> ModelResult:
    folds = tuple(float(f) for f in folds)
    return ModelResult(
        name, family, float(np.mean(folds)), float(np.std(folds, ddof=1)), 0.1, "ok",
        fold_scores=folds,
    )  # fmt: skip


def _report(seed: int, *, shift: float = 0.0, verdict: str = "tie", **more) -> FeasibilityReport:
    rng = np.random.default_rng(seed)
    svm = _model("svm", "classical", 0.95 + shift + 0.01 * rng.standard_normal(5))
    mlp = _model("mlp", "deep_learning", 0.95 + 0.01 * rng.standard_normal(5))
    fields = dict(
        task="binary", modality="tabular", metric="roc_auc", higher_is_better=True,
        verdict=verdict, margin=0.0, p_value=0.5, best_classical=svm, best_deep_learning=mlp,
        models=(svm, mlp), learning_curve=(), curve_summary="", warnings=(),
        budget_seconds=60.0, elapsed_seconds=10.0, dataset="churn", rows=1000,
        profile={"task": "binary", "modality": "tabular", "rows": 1000},
        rows_total=1000, evaluation="stratified 5-fold cross-validation", seed=seed,
    )  # fmt: skip
    fields.update(more)
    return FeasibilityReport(**fields)


def test_a_rerun_with_another_seed_is_noise() -> None:
    change = compare_reports(_report(0), _report(1))
    assert [m.beyond_noise for m in change.models] == [False, False]
    assert change.summary() == (
        "The verdict is unchanged (tie). No score changed beyond the noise of the folds."
    )
    assert change.models[0].words() == "within the noise of the folds"


def test_a_real_drop_is_flagged_and_the_verdict_change_named() -> None:
    change = compare_reports(_report(0), _report(1, shift=-0.1, verdict="deep_learning"))
    svm, mlp = change.models
    assert svm.beyond_noise and svm.change == pytest.approx(-0.1, abs=0.02)
    assert not mlp.beyond_noise
    assert change.summary() == (
        "The verdict changed: tie → deep_learning. Beyond the noise of the folds, worse: svm."
    )
    data = change.to_dict()
    assert data["schema"] == "advisor.comparison/1"
    assert data["verdict"] == {"before": "tie", "after": "deep_learning"}


def test_a_significant_but_tiny_change_is_not_real() -> None:
    old = _report(0)
    tight = dataclasses.replace(
        old, models=(_model("svm", "classical", [0.9500, 0.9501, 0.9500, 0.9501, 0.9500]),)
    )
    moved = dataclasses.replace(
        old, models=(_model("svm", "classical", [0.9520, 0.9521, 0.9520, 0.9521, 0.9520]),)
    )
    (svm,) = compare_reports(tight, moved).models
    assert svm.p_value < 0.001 and not svm.beyond_noise  # 0.002 is under the rule's 0.005


def test_a_model_missing_from_one_run_is_said_so() -> None:
    old = _report(0)
    new = dataclasses.replace(_report(1), models=(_report(1).models[0],))
    missing = compare_reports(old, new).models[-1]
    assert (missing.model, missing.change, missing.words()) == (
        "mlp",
        None,
        "not scored in the new run",
    )


def test_reports_of_different_metrics_are_refused() -> None:
    with pytest.raises(ReportError, match=r"^The reports measure different metrics"):
        compare_reports(_report(0), _report(1, metric="accuracy"))
