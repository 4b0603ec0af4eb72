"""A canned feasibility report, as the check's JSON, for the tests that show one."""

from __future__ import annotations

from typing import Any

from advisor.check.result import FeasibilityReport


def model(
    name: str, family: str, score: float | None, status: str = "ok", message: str | None = None
) -> dict[str, Any]:
    """One model's entry of the report's JSON."""
    return {
        "name": name,
        "family": family,
        "score": score,
        "score_std": None if score is None else 0.01,
        "fit_seconds": 0.5,
        "status": status,
        "message": message,
    }


CANNED_REPORT = {
    "schema": "advisor.feasibility/1",
    "task": "multiclass",
    "modality": "tabular",
    "metric": "accuracy",
    "higher_is_better": True,
    "verdict": "classical",
    "margin": -0.04,
    "p_value": 0.01,
    "best_classical": model("svm", "classical", 0.97),
    "best_deep_learning": model("mlp", "deep_learning", 0.93),
    "models": [
        model("svm", "classical", 0.97),
        model("mlp", "deep_learning", 0.93),
        model("dummy", "baseline", 0.33),
        model("xgboost", "classical", None, "timeout", "stopped at its time limit"),
    ],
    "learning_curve": [
        {"model": m, "family": f, "fraction": fr, "train_rows": n, "score": s, "score_std": 0.0}
        for m, f in (("svm", "classical"), ("mlp", "deep_learning"))
        for fr, n, s in ((0.25, 30, 0.8), (0.5, 60, 0.9), (1.0, 120, 0.95))
    ],
    "curve_summary": "Both gain from more rows; deep learning is not catching up.",
    "warnings": ["Duplicate rows: 1 row(s) repeat another row's features exactly."],
    "budget_seconds": 7.0,
    "elapsed_seconds": 6.5,
    "profile": {"task": "multiclass", "modality": "tabular"},
    "dataset": "iris",
    "rows": 150,
    "rows_total": 150,
    "evaluation": "stratified 5-fold cross-validation",
    "seed": 0,
}


def canned_report(**changes: Any) -> FeasibilityReport:
    """:data:`CANNED_REPORT` as the typed report, with ``changes`` to its fields."""
    return FeasibilityReport.from_dict({**CANNED_REPORT, **changes})
