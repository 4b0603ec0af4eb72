"""The FeasibilityReport's JSON form, its schema, and the HTML report on disk."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonschema
import pytest

from advisor.check import view
from advisor.check.executor import EngineInfo
from advisor.check.report import TEMPLATE, render_html, write_report
from advisor.check.result import CurvePoint, FeasibilityReport, ModelResult, schema, validate
from advisor.errors import ReportError


def _model(
    name: str, family: str, score: float | None, status: str = "ok", message: str | None = None
) -> ModelResult:
    folds = (score, score, score) if score is not None else ()
    return ModelResult(
        name, family, score, 0.01 if score else None, 0.2, status, folds, message=message
    )


@pytest.fixture
def report() -> FeasibilityReport:
    xgb, mlp = _model("xgboost", "classical", 0.95), _model("mlp", "deep_learning", 0.93)
    return FeasibilityReport(
        task="binary",
        modality="tabular",
        metric="roc_auc",
        higher_is_better=True,
        verdict="classical",
        margin=-0.02,
        p_value=0.01,
        best_classical=xgb,
        best_deep_learning=mlp,
        models=(
            xgb,
            mlp,
            _model("dummy", "baseline", 0.5),
            _model("svm", "classical", None, "timeout", "stopped at <its> time limit"),
        ),
        learning_curve=(
            CurvePoint("xgboost", "classical", 0.5, 100, 0.9, 0.01),
            CurvePoint("xgboost", "classical", 1.0, 200, 0.95, 0.01),
            CurvePoint("mlp", "deep_learning", 0.5, 100, 0.85, 0.02),
            CurvePoint("mlp", "deep_learning", 1.0, 200, 0.93, 0.01),
        ),
        curve_summary="The gap stays about the same as data grows.",
        warnings=("Duplicate rows: 3 row(s) <b>repeat</b>.",),
        budget_seconds=10.0,
        elapsed_seconds=9.1,
        profile={"task": "binary", "modality": "tabular", "rows": 250, "notes": ["a note"]},
        dataset="toy.csv",
        rows=250,
        rows_total=250,
        evaluation="stratified 5-fold cross-validation",
        seed=0,
        other_metrics=("accuracy",),
    )


def test_json_validates_against_the_schema_and_round_trips(report) -> None:
    data = json.loads(report.to_json())
    jsonschema.validate(data, schema())
    assert data["schema"] == "advisor.feasibility/1"
    assert FeasibilityReport.from_dict(data) == report


def test_sentence_gives_the_verdict_with_numbers(report) -> None:
    assert report.sentence() == (
        "Classical: xgboost beats the neural network (mlp roc_auc 0.9300 vs xgboost 0.9500; "
        "margin -0.0200, p = 0.01)."
    )


def test_a_report_written_before_outcomes_and_repeats_reads_with_their_defaults(report) -> None:
    old = report.to_dict()
    for key in ("outcome", "unmeasured", "advice", "repeats"):
        del old[key]
    for model in old["models"]:
        del model["repeat_scores"]
    read = FeasibilityReport.from_dict(old)
    assert (read.outcome, read.unmeasured, read.advice, read.repeats) == ("measured", (), None, 1)
    assert read == report


def test_a_family_without_a_score_is_not_measured_and_says_why(report) -> None:
    mlp = ModelResult("mlp", "deep_learning", None, None, 1.9, "timeout", message="stopped")
    cnn = ModelResult("cnn", "deep_learning", None, None, 0.1, "failed", message="ValueError: x")
    nothing = dataclasses.replace(
        report, verdict="tie", margin=None, p_value=None, best_deep_learning=None,
        models=(report.models[0], mlp, cnn), outcome="not_measured", unmeasured=("deep_learning",),
    )  # fmt: skip
    assert nothing.sentence() == (
        "Not measured: no neural model produced a score within the 10 s budget (mlp ran out "
        "of time; cnn failed: ValueError: x), so nothing was compared; give the check more "
        "time (a larger --budget)."
    )
    assert nothing.to_dict()["unmeasured"] == ["deep_learning"]
    assert FeasibilityReport.from_dict(json.loads(nothing.to_json())) == nothing
    html = render_html(nothing)
    assert "Not measured: no neural model produced a score" in html
    assert "Paired comparison" not in html and "border-left: 6px solid #f0a020" in html
    failed = dataclasses.replace(nothing, models=(report.models[0], cnn))
    assert failed.sentence().endswith(
        "(cnn failed: ValueError: x), so nothing was compared; a larger --budget does not "
        "change a failure; see why each failed."
    )
    neither = dataclasses.replace(
        nothing, best_classical=None, unmeasured=("classical", "deep_learning"), models=()
    )
    assert neither.sentence() == (
        "Not measured: neither a classical nor a neural model produced a score within the "
        "10 s budget, so nothing was compared; give the check more time (a larger --budget)."
    )


def test_no_signal_says_so_instead_of_a_verdict_between_the_families(report) -> None:
    noise = dataclasses.replace(report, verdict="tie", outcome="no_signal")
    assert noise.sentence() == (
        "No signal: no model beats the dummy floor (xgboost roc_auc 0.9500 vs dummy 0.5000) "
        "beyond the noise of the folds; the features may not predict the target, so neither "
        "family has anything to learn from this data."
    )
    assert "beats the neural network" not in render_html(noise)


def test_repeated_passes_and_advice_are_in_the_sentence_json_and_html(report) -> None:
    xgb = dataclasses.replace(report.best_classical, repeat_scores=(0.95,) * 6)
    mlp = dataclasses.replace(report.best_deep_learning, repeat_scores=(0.93,) * 6)
    repeated = dataclasses.replace(
        report, best_classical=xgb, best_deep_learning=mlp, repeats=3,
        models=(xgb, mlp, *report.models[2:]), advice="A --budget of about 60 s would tell.",
    )  # fmt: skip
    assert repeated.pairs == 9
    assert repeated.sentence() == (
        "Classical: xgboost beats the neural network (mlp roc_auc 0.9300 vs xgboost 0.9500; "
        "margin -0.0200 over 9 paired splits, p = 0.01). A --budget of about 60 s would tell."
    )
    data = json.loads(repeated.to_json())
    assert (data["repeats"], data["advice"]) == (3, "A --budget of about 60 s would tell.")
    assert data["best_classical"]["repeat_scores"] == [0.95] * 6
    assert FeasibilityReport.from_dict(data) == repeated
    html = render_html(repeated)
    assert '<p class="advice">A --budget of about 60 s would tell.</p>' in html
    assert "Paired comparison over 9 splits (3 passes of cross-validation" in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"schema": "advisor.recommendation/1"},
            r"at schema, 'advisor.feasibility/1' was expected",
        ),
        ({"verdict": "maybe"}, r"at verdict, 'maybe' is not one of"),
        ({"models": "none"}, r"at models, 'none' is not of type 'array'"),
    ],
    ids=["other-schema", "unknown-verdict", "models-not-a-list"],
)
def test_not_a_report_is_refused_with_where(report, change, message) -> None:
    with pytest.raises(ReportError, match=r"^Not an advisor.feasibility/1 report: " + message):
        validate({**report.to_dict(), **change})


def test_html_is_self_contained_with_both_charts(report) -> None:
    html = render_html(report)
    assert html.count("<svg") == 2
    assert "<script" not in html and "src=" not in html
    assert "Classical: xgboost beats the neural network" in html
    assert "&lt;b&gt;repeat&lt;/b&gt;" in html  # user text is escaped, never markup
    assert "The gap stays about the same as data grows." in html


def test_html_leaderboard_is_the_shared_view_of_the_report(report) -> None:
    html = render_html(report)
    header = "".join(f"<th>{c}</th>" for c in view.columns(report))
    assert f"<tr>{header}</tr>" in html
    assert header.startswith("<th>model</th><th>family</th><th>ROC AUC</th><th>± std</th>")
    for row in view.rows(report):
        assert f"<tr><td>{row.model}</td><td>{row.family_words}</td>" in html
    assert '<td class="num">0.9500</td><td class="num">0.0100</td>' in html
    assert '<td>timeout <span class="muted">(stopped at &lt;its&gt; time limit)</span></td>' in html
    assert "margin -0.0200 (positive means the neural network is better)" in html


def test_the_template_is_a_file_of_the_package() -> None:
    assert TEMPLATE.is_file()
    assert TEMPLATE.parent.parent.name == "check"  # inside advisor/check: the wheel ships it


def test_write_report_writes_both_files_and_nothing_else(report, tmp_path: Path) -> None:
    target = tmp_path / "out" / "report"
    written = write_report(report, target)
    assert written == target / "report.html"
    assert sorted(p.name for p in target.iterdir()) == ["report.html", "report.json"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["report"]  # no staging left
    validate(json.loads((target / "report.json").read_text()))


def test_write_report_into_an_existing_folder_keeps_other_files(report, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    write_report(report, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "report.html", "report.json"]


def test_write_report_onto_a_file_is_refused_and_writes_nothing(report, tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x")
    with pytest.raises(ReportError, match=r"taken is a file: give --report a folder"):
        write_report(report, tmp_path / "taken")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_write_report_where_nothing_can_be_written_says_so(report, tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x")
    with pytest.raises(
        ReportError, match=r"^Cannot write the report into .*taken/report \(.+\): choose"
    ):
        write_report(report, tmp_path / "taken" / "report")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


@pytest.mark.parametrize(
    ("engine", "words"),
    [
        (EngineInfo("local", 1, 2), "Ran on the local engine (this machine, 2 CPUs)."),
        (EngineInfo("ray", 3, 12), "Ran on the Ray engine (3 nodes, 12 CPUs)."),
        (EngineInfo("ray", 1, 1), "Ran on the Ray engine (1 node, 1 CPU)."),
    ],
    ids=["local", "ray-cluster", "ray-one-node"],
)
def test_the_engine_that_ran_is_in_the_json_and_the_html(report, engine, words) -> None:
    ran = dataclasses.replace(report, engine=engine)
    data = json.loads(ran.to_json())
    assert data["engine"] == {
        "engine": engine.engine,
        "workers": engine.workers,
        "cpus": engine.cpus,
    }
    jsonschema.validate(data, schema())
    assert FeasibilityReport.from_dict(data) == ran
    assert words in render_html(ran)


def test_a_report_from_before_the_engine_still_reads(report) -> None:
    data = json.loads(report.to_json())
    assert data["engine"] is None
    del data["engine"]
    assert FeasibilityReport.from_dict(data).engine is None
    assert "Ran on" not in render_html(report)
    with pytest.raises(ReportError, match="at engine/engine"):
        validate({**data, "engine": {"engine": "spark", "workers": 1, "cpus": 1}})
