"""The baseline to beat comes from a real feasibility report, or is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.errors import ReportError
from advisor.scaffold.baseline import baseline_from_report, read_report
from tests.scaffold.projects import REPORT


def test_the_best_scores_and_metric_are_kept() -> None:
    assert baseline_from_report(REPORT) == {
        "measured": True,
        "source": "advisor check",
        "metric": "roc_auc",
        "higher_is_better": True,
        "verdict": "classical",
        "task": "binary",
        "modality": "tabular",
        "best_classical": {"name": "xgboost", "score": 0.9931},
        "best_deep_learning": {"name": "mlp", "score": 0.9812},
    }


def test_a_missing_neural_score_and_metric_aliases_are_handled() -> None:
    report = {**REPORT, "metric": "macro_f1", "task": "multiclass", "best_deep_learning": None}
    baseline = baseline_from_report(report)
    assert baseline["metric"] == "f1_macro"
    assert baseline["best_deep_learning"] is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json at all", "'{path}' is not a feasibility report: it is not JSON"),
        ("[1, 2]", "'{path}' is not a feasibility report: expected a JSON object"),
        (
            json.dumps({"schema": "advisor.recommendation/1"}),
            '\'{path}\' is not a feasibility report: expected "schema": "advisor.feasibility/1", '
            "found 'advisor.recommendation/1'",
        ),
        (
            json.dumps({**REPORT, "verdict": "maybe"}),
            "'{path}' is not a valid feasibility report: at verdict: 'maybe' is not one of",
        ),
        (
            json.dumps({k: v for k, v in REPORT.items() if k != "metric"}),
            "'{path}' is not a valid feasibility report: at top level: 'metric' is a required",
        ),
    ],
    ids=["not-json", "not-an-object", "other-schema", "bad-verdict", "no-metric"],
)
def test_a_file_that_is_not_a_feasibility_report_is_refused(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "report.json"
    path.write_text(content)
    with pytest.raises(ReportError) as caught:
        read_report(path)
    text = str(caught.value)
    assert text.startswith(message.format(path=path)), text
    assert text.endswith("write one with 'advisor check DATA --json report.json'")
    assert "\n" not in text


def test_a_missing_report_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match=r"report file '.*nope.json' does not exist"):
        read_report(tmp_path / "nope.json")
