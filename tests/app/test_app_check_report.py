"""The check step's report as the page shows it: the outcome told honestly (a measured
verdict, a tie, no signal, not measured), why a family has no score, the advice, the passes
behind the paired test and what more data would do."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from advisor.app.steps.check_report import leaderboard
from tests.app.reports import canned_report, model
from tests.app.test_app import APP, TIMEOUT, _go, _texts, _use_example

FIVE = [0.9, 0.92, 0.94, 0.9, 0.93]

TIE = {
    "verdict": "tie",
    "margin": 0.004,
    "p_value": 0.31,
    "repeats": 3,
    "best_classical": {**model("svm", "classical", 0.95), "fold_scores": FIVE,
                       "repeat_scores": FIVE * 2},
    "best_deep_learning": {**model("mlp", "deep_learning", 0.954), "fold_scores": FIVE,
                           "repeat_scores": FIVE * 2},
    "advice": "A budget of about 60 s would tell them apart: mlp was cut off while improving.",
}  # fmt: skip
NOT_MEASURED = {
    "outcome": "not_measured",
    "verdict": "tie",
    "margin": None,
    "p_value": None,
    "unmeasured": ["deep_learning"],
    "best_deep_learning": None,
    "models": [
        model("svm", "classical", 0.97),
        model("dummy", "baseline", 0.33),
        model("mlp", "deep_learning", None, "timeout", "stopped at its time limit"),
    ],
}
NO_SIGNAL = {
    "outcome": "no_signal",
    "verdict": "tie",
    "margin": 0.0,
    "p_value": 0.5,
    "best_classical": model("svm", "classical", 0.34),
    "best_deep_learning": model("mlp", "deep_learning", 0.33),
}
DATA_NEEDED = {
    "metric": "accuracy",
    "classical": {"model": "svm", "family": "classical", "status": "flat", "rows": 120},
    "deep_learning": {
        "model": "mlp",
        "family": "deep_learning",
        "status": "ok",
        "rows": 120,
        "predictions": [
            {"multiple": m, "rows": 120 * m, "score": s, "low": s - 0.02, "high": s + 0.01}
            for m, s in ((2, 0.94), (5, 0.95), (10, 0.96))
        ],
        "asymptote": 0.97,
    },
    "crossing": None,
    "target_score": None,
}


@pytest.fixture
def checked(monkeypatch):
    """Run the page's check on the iris example, the check answering with the canned
    report changed by ``changes``; return the app."""
    from advisor.check import runner

    def check(**changes) -> AppTest:
        monkeypatch.setattr(runner, "run_check", lambda dataset, **_: canned_report(**changes))
        app = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
        _use_example(app, "iris")
        _go(app, 4)
        app.button(key="run_check").click().run()
        assert not app.exception, app.exception
        assert not app.error, app.error[0].value
        return app

    return check


def test_a_measured_verdict_is_a_success_with_its_paired_test(checked):
    app = checked()
    assert app.subheader[0].value == "Classical"
    assert [s.value for s in app.success] == [canned_report().verdict_words()]
    assert not app.info
    assert "Paired test" not in _texts(app)  # the canned models have no split scores to pair


def test_a_tie_is_an_info_not_a_success_with_its_advice_and_passes(checked):
    app = checked(**TIE)
    assert app.subheader[0].value == "Tie"
    assert not app.success
    sentence, advice = (i.value for i in app.info)
    assert sentence.startswith("Tie: the neural network does not clearly beat or lose to svm")
    assert "over 15 paired splits" in sentence
    assert advice == TIE["advice"]
    assert (
        "Paired test over 15 splits (3 passes of cross-validation, each with its own shuffle): "
        "margin +0.0040, p = 0.31."
    ) in _texts(app)


def test_not_measured_is_a_warning_that_says_which_family_and_why(checked):
    app = checked(**NOT_MEASURED)
    assert app.subheader[0].value == "Not measured"
    assert not app.success and not app.info
    assert app.warning[0].value == (
        "Not measured: no neural model produced a score within the 7 s budget (mlp ran out "
        "of time), so nothing was compared; give the check more time (a larger --budget)."
    )
    assert "**No neural score** · mlp ran out of time" in _texts(app)
    assert "Paired test" not in _texts(app)


def test_no_signal_is_a_warning_not_a_tie(checked):
    app = checked(**NO_SIGNAL)
    assert app.subheader[0].value == "No signal"
    assert "Tie" not in app.subheader[0].value
    assert not app.success and not app.info
    assert app.warning[0].value.startswith("No signal: no model beats the dummy floor")


def test_the_data_needed_words_show_when_the_report_has_them(checked):
    from advisor.check.data_needed import DataNeeded

    app = checked(data_needed=DataNeeded.from_dict(DATA_NEEDED).to_dict())
    assert (
        "**With more data** · svm: its curve is flat: more data is not expected to change its "
        "score. mlp: about 0.9600 at 10x the data (1,200 training rows; 80 % interval 0.9400 "
        "to 0.9700), levelling off near 0.9700."
    ) in _texts(app)


def test_the_leaderboard_has_the_views_columns_and_a_message_in_its_status_cell():
    board = leaderboard(canned_report())
    assert list(board[0]) == ["model", "family", "accuracy", "± std", "s / fit", "status"]
    assert [row["model"] for row in board] == ["svm", "mlp", "dummy", "xgboost"]
    assert [row["family"] for row in board] == ["classical", "neural", "floor", "classical"]
    assert board[0]["status"] == "ok"
    assert (board[3]["accuracy"], board[3]["± std"]) == ("–", "–")
    assert board[3]["status"] == "timeout: stopped at its time limit"


@pytest.mark.parametrize(
    ("changes", "box", "expected"),
    [
        ({}, "success", "The baseline to beat is baked in: Classical: svm beats"),
        (NO_SIGNAL, "info", "The check has no number to bake in (No signal: "),
        (NOT_MEASURED, "info", "The check has no verdict (Not measured: no neural model "),
    ],
    ids=["measured", "no-signal", "one-family-not-measured"],
)
def test_the_project_step_says_what_the_outcome_bakes_in(checked, changes, box, expected):
    app = _go(checked(**changes), 5)
    (shown,) = (e.value for e in app.get(box) if e.value.startswith(expected.split(" (")[0]))
    assert shown.startswith(expected)
