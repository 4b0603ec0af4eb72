"""What every front end shows of a report, built once (advisor.check.view)."""

from __future__ import annotations

import dataclasses

import pytest

from advisor.check import view
from advisor.check.result import FeasibilityReport, ModelResult


def _model(name: str, family: str, score: float | None, **more) -> ModelResult:
    std = None if score is None else 0.012345
    return ModelResult(name, family, score, std, 0.256, more.pop("status", "ok"), **more)


@pytest.fixture
def report() -> FeasibilityReport:
    xgb = _model("xgboost", "classical", 0.87654, other_scores={"macro_f1": 0.8})
    mlp = _model("mlp", "deep_learning", 0.9)
    return FeasibilityReport(
        task="multiclass",
        modality="tabular",
        metric="accuracy",
        higher_is_better=True,
        verdict="tie",
        margin=0.0234,
        p_value=0.2,
        best_classical=xgb,
        best_deep_learning=mlp,
        models=(
            mlp,
            xgb,
            _model("dummy", "baseline", 0.33333),
            _model("svm", "classical", None, status="skipped", message="skipped: too many rows"),
        ),
        learning_curve=(),
        curve_summary="",
        warnings=(),
        budget_seconds=30.0,
        elapsed_seconds=27.46,
        profile={},
        dataset="toy.csv",
        rows=20_000,
        rows_total=20_000,
        evaluation="stratified 5-fold cross-validation",
        seed=0,
        other_metrics=("macro_f1",),
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, "–"), (0.5, "0.5000"), (0.123456, "0.1235"), (-1.0, "-1.0000")],
    ids=["missing", "half", "rounded", "negative"],
)
def test_fmt_score(value, text) -> None:
    assert view.fmt_score(value) == text


def test_columns_name_the_metrics_as_people_read_them(report) -> None:
    assert view.columns(report) == (
        "model",
        "family",
        "accuracy",
        "± std",
        "macro-F1",
        "s / fit",
        "status",
    )


def test_rows_keep_the_reports_order_and_fit_under_the_columns(report) -> None:
    rows = view.rows(report)
    assert [r.model for r in rows] == ["mlp", "xgboost", "dummy", "svm"]
    assert all(len(r.cells()) == len(view.columns(report)) for r in rows)
    assert rows[1].cells() == (
        "xgboost",
        "classical",
        "0.8765",
        "0.0123",
        "0.8000",
        "0.26",
        "ok",
    )
    assert (rows[0].family_words, rows[2].family_words) == ("neural", "floor")
    assert rows[0].others == ("–",)  # a metric the model was not measured on
    assert (rows[3].score, rows[3].status, rows[3].message) == (
        "–",
        "skipped",
        "skipped: too many rows",
    )


def test_the_leaderboard_names_the_first_pass_it_ranks(report) -> None:
    assert view.leaderboard_splits(report) == "stratified 5-fold cross-validation"
    repeated = dataclasses.replace(
        report,
        evaluation="stratified 5-fold cross-validation; the compared models and the floor over "
        "3 passes, each with its own shuffle (15 paired splits)",
    )
    assert view.leaderboard_splits(repeated) == "stratified 5-fold cross-validation"
    assert "over 3 passes" in view.facts(repeated)


def test_title_says_which_way_is_better(report) -> None:
    assert view.title(report) == "accuracy, higher is better"
    errors = dataclasses.replace(report, metric="rmse", higher_is_better=False)
    assert view.title(errors) == "RMSE, lower is better"


@pytest.mark.parametrize(
    ("metric", "higher", "margin", "words"),
    [
        ("accuracy", True, 0.0234, "+0.0234"),
        ("accuracy", True, -0.02, "-0.0200"),
        ("rmse", False, 0.031, "+3.1% (relative rmse)"),
        ("accuracy", True, None, "n/a"),
    ],
    ids=["score-units", "negative", "relative-error", "no-margin"],
)
def test_margin_words(report, metric, higher, margin, words) -> None:
    changed = dataclasses.replace(report, metric=metric, higher_is_better=higher, margin=margin)
    assert view.margin_words(changed) == words


def test_facts_say_splits_rows_and_time(report) -> None:
    assert view.facts(report) == (
        "stratified 5-fold cross-validation · 20,000 rows · 27.5 s of a 30 s budget"
    )
    sampled = dataclasses.replace(report, rows_total=1_000_000)
    assert "20,000 of 1,000,000 rows (sampled)" in view.facts(sampled)


@pytest.mark.parametrize(
    ("verdict", "outcome", "words"),
    [
        ("classical", "measured", "Classical"),
        ("deep_learning", "measured", "Deep learning"),
        ("tie", "measured", "Tie"),
        ("tie", "no_signal", "No signal"),
        ("tie", "not_measured", "Not measured"),
    ],
    ids=["classical", "deep-learning", "tie", "no-signal", "not-measured"],
)
def test_headline_never_shows_an_unmeasured_run_as_a_tie(report, verdict, outcome, words) -> None:
    changed = dataclasses.replace(report, verdict=verdict, outcome=outcome)
    assert view.headline(changed) == words


def test_unmeasured_reasons_tell_time_from_failure(report) -> None:
    models = (
        _model("mlp", "deep_learning", None, status="timeout", message="stopped at its limit"),
        _model("cnn", "deep_learning", None, status="timeout"),
        _model("text_net", "deep_learning", None, status="failed", message="ValueError: bad"),
        _model("tabm", "deep_learning", None, status="skipped", message="skipped: no tabm"),
        _model("svm", "classical", None, status="timeout"),
    )
    changed = dataclasses.replace(report, models=models)
    assert view.unmeasured_reasons(changed, ("deep_learning",)) == (
        "mlp, cnn ran out of time; text_net failed: ValueError: bad; tabm was skipped: no tabm",
        True,
    )
    failed_only = dataclasses.replace(report, models=models[2:3])
    assert view.unmeasured_reasons(failed_only, ("deep_learning",)) == (
        "text_net failed: ValueError: bad",
        False,
    )
