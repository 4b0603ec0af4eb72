"""The baseline to beat comes from a real feasibility report, or is refused."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from advisor.check.result import FeasibilityReport
from advisor.errors import ReportError
from advisor.scaffold.baseline import (
    as_report,
    baseline_from_report,
    project_model,
    read_report,
)
from tests.scaffold.projects import NO_SIGNAL, NOT_MEASURED, REPORT

HOW = "write one with 'advisor check DATA --json report.json'"
CHECKS_HINT = "Give the report.json that 'advisor check --report DIR' writes."


def test_the_best_scores_and_metric_are_kept() -> None:
    assert baseline_from_report(FeasibilityReport.from_dict(REPORT)) == {
        "measured": True,
        "source": "advisor check",
        "outcome": "measured",
        "metric": "roc_auc",
        "higher_is_better": True,
        "verdict": "classical",
        "task": "binary",
        "modality": "tabular",
        "best_classical": {"name": "xgboost", "score": 0.9931},
        "best_deep_learning": {"name": "mlp", "score": 0.9812},
    }


def test_the_checks_metric_name_is_kept_and_a_missing_neural_score_is_none() -> None:
    report = {**REPORT, "metric": "macro_f1", "task": "multiclass", "best_deep_learning": None}
    baseline = baseline_from_report(as_report(report))
    assert baseline["metric"] == "macro_f1"
    assert baseline["best_deep_learning"] is None


@pytest.mark.parametrize(
    ("report", "reason"),
    [
        (
            NOT_MEASURED,
            "Not measured: neither a classical nor a neural model produced a score within the "
            "2 s budget, so nothing was compared; give the check more time (a larger --budget).",
        ),
        (
            NO_SIGNAL,
            "No signal: no model beats the dummy floor (logistic roc_auc 0.5200 vs dummy 0.5000) "
            "beyond the noise of the folds; the features may not predict the target, so "
            "neither family has anything to learn from this data.",
        ),
    ],
    ids=["not-measured", "no-signal"],
)
def test_a_report_with_nothing_to_beat_gives_a_baseline_that_says_why(
    report: dict, reason: str
) -> None:
    baseline = baseline_from_report(as_report(report))
    assert baseline == {
        "measured": False,
        "source": "advisor check",
        "outcome": report["outcome"],
        "reason": reason,
        "metric": "roc_auc",
        "higher_is_better": True,
        "verdict": "tie",
        "task": "binary",
        "modality": "tabular",
    }
    assert project_model(as_report(report)) is None


def test_a_report_with_one_family_measured_keeps_its_number_and_says_what_is_missing() -> None:
    partial = {**NOT_MEASURED, "unmeasured": ["deep_learning"],
               "best_classical": REPORT["best_classical"]}  # fmt: skip
    baseline = baseline_from_report(as_report(partial))
    assert baseline["measured"] is True
    assert baseline["best_classical"] == {"name": "xgboost", "score": 0.9931}
    assert baseline["best_deep_learning"] is None
    assert baseline["reason"].startswith("Not measured: no neural model produced a score")
    assert project_model(as_report(partial)) == "xgboost"


def test_a_report_is_read_once_into_the_typed_report(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text(json.dumps(REPORT))
    report = read_report(path)
    assert isinstance(report, FeasibilityReport)
    assert report == FeasibilityReport.from_dict(REPORT)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json at all", f"'{{path}}' is not a feasibility report: it is not JSON; {HOW}"),
        (
            "[" * 100_000 + "]" * 100_000,
            f"'{{path}}' is not a feasibility report: its JSON is nested too deeply; {HOW}",
        ),
        ("[1, 2]", f"'{{path}}' is not a feasibility report: expected a JSON object; {HOW}"),
        (
            json.dumps({"schema": "advisor.recommendation/1"}),
            '\'{path}\' is not a feasibility report: expected "schema": "advisor.feasibility/1", '
            f"found 'advisor.recommendation/1'; {HOW}",
        ),
        (
            json.dumps({**REPORT, "verdict": "maybe"}),
            "'{path}': Not an advisor.feasibility/1 report: at verdict, 'maybe' is not one of "
            f"['classical', 'deep_learning', 'tie']. {CHECKS_HINT}",
        ),
        (
            json.dumps({k: v for k, v in REPORT.items() if k != "metric"}),
            "'{path}': Not an advisor.feasibility/1 report: at the top level, 'metric' is a "
            f"required property. {CHECKS_HINT}",
        ),
    ],
    ids=["not-json", "nested-too-deeply", "not-an-object", "other-schema", "bad-verdict",
         "no-metric"],
)  # fmt: skip
def test_a_file_that_is_not_a_feasibility_report_is_refused(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "report.json"
    path.write_text(content)
    with pytest.raises(ReportError) as caught:
        read_report(path)
    assert str(caught.value) == message.format(path=path)


def test_a_missing_report_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match=r"report file '.*nope.json' does not exist"):
        read_report(tmp_path / "nope.json")


def test_a_report_given_as_json_is_validated_by_the_checks_schema() -> None:
    with pytest.raises(ReportError) as caught:
        as_report({**REPORT, "metric": "f1_macro"})
    assert str(caught.value).startswith(
        "Not an advisor.feasibility/1 report: at metric, 'f1_macro' is not one of "
    )


def test_a_value_nested_as_deep_as_python_recurses_is_refused() -> None:
    deep: list = []
    for _ in range(sys.getrecursionlimit()):
        deep = [deep]
    with pytest.raises(ReportError) as caught:
        as_report({**REPORT, "models": [deep]})
    assert str(caught.value) == (
        f"the report is not a feasibility report: its JSON is nested too deeply; {HOW}"
    )
