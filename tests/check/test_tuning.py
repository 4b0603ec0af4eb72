"""Tuning in the spare time: inner splits only, deadlines held, seeded, and reported."""

from __future__ import annotations

import dataclasses
import json
import time
from typing import Any

import markupsafe
import numpy as np
import pandas as pd
import pytest
from sklearn.naive_bayes import GaussianNB

from advisor.check import tuning
from advisor.check.evaluation import make_splits, repeated_splits
from advisor.check.fitting import fit_and_score
from advisor.check.ladder import Candidate, build_dummy, build_linear, context_for
from advisor.check.messages import Fit, StudyData, TrialScored, TuneRequest
from advisor.check.plan import MIN_TUNING, TUNING_SHARE, Budget, plan_time, split_spare
from advisor.check.report import render_html
from advisor.check.result import FeasibilityReport, validate
from advisor.check.spare import NO_MODEL, NO_TIME, SWITCHED_OFF, FamilyTuning, SpareTime
from advisor.check.study import Study
from tests.check.test_report import report  # noqa: F401  (a fixture)
from tests.check.test_study import InProcess


def _bayes(context, deadline):
    # Stands for the network, which has no search space here.
    return GaussianNB()


LOGISTIC = Candidate("logistic", "classical", 1.0, build_linear)
CANDIDATES = [
    Candidate("net", "deep_learning", 1.0, _bayes),
    Candidate("dummy", "baseline", 0.0, build_dummy, isolated=False),
    LOGISTIC,
]


@pytest.fixture
def table() -> tuple[StudyData, Any]:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(200, 4)), columns=list("abcd"))
    y = (frame["a"] - frame["b"] + 0.8 * rng.normal(size=200) > 0).astype(int).to_numpy()
    folds = make_splits(y, "binary", seed=0).folds
    context = context_for(frame, "binary", "tabular", rows=160, seed=0, text_column=None)
    return StudyData(frame, y, folds, ("roc_auc",)), context


@pytest.fixture
def recorded(monkeypatch) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (training, scored) rows of every fit the tuner makes."""
    calls: list[tuple[np.ndarray, np.ndarray]] = []

    def spy(candidate, context, X, y, train, test, metrics, **kwargs):
        calls.append((np.asarray(train), np.asarray(test)))
        return fit_and_score(candidate, context, X, y, train, test, metrics, **kwargs)

    monkeypatch.setattr(tuning, "fit_and_score", spy)
    return calls


def leaks(calls, folds) -> list[int]:
    """The fits (by position) whose rows do not all lie in one outer split's training
    rows: each touched some outer test fold's rows."""
    bad = []
    for index, (train, scored) in enumerate(calls):
        rows = np.concatenate([train, scored])
        if not any(np.isin(rows, outer_train).all() for outer_train, _ in folds):
            bad.append(index)
    return bad


def request(data, context, *, inner=None, seconds=60.0, trials=4, estimate=0.0, candidate=None):
    inner = (
        inner if inner is not None else tuning.inner_splits(data.folds, data.y, "binary", seed=0)
    )
    return TuneRequest(
        candidate or LOGISTIC, context, inner, time.monotonic() + seconds, trials, estimate
    )


def search(data, req) -> list[TrialScored]:
    sent: list[Any] = []
    tuning.tune(sent.append, data, req)
    return [m for m in sent if isinstance(m, TrialScored)]


# --- never the outer test fold -----------------------------------------------------------------


def test_the_inner_splits_lie_inside_each_outer_training_fold(table) -> None:
    data, _ = table
    inner = tuning.inner_splits(data.folds, data.y, "binary", seed=0)
    for (train, _), (fit, validation) in zip(data.folds, inner, strict=True):
        assert np.isin(fit, train).all() and np.isin(validation, train).all()
        assert not np.intersect1d(fit, validation).size
        assert len(validation) == pytest.approx(tuning.INNER_SHARE * len(train), abs=1)


def test_tuning_never_scores_on_an_outer_test_fold(table, recorded) -> None:
    data, context = table
    trials = search(data, request(data, context, trials=3))
    assert len(trials) == 3 and len(recorded) == 3 * len(data.folds)
    assert leaks(recorded, data.folds) == []


def test_a_planted_leak_shows(table, recorded) -> None:
    # Scoring trials on the outer test folds, as a careless tuner would: the check above
    # must catch it.
    data, context = table
    search(data, request(data, context, inner=data.folds, trials=1))
    assert leaks(recorded, data.folds) == list(range(len(data.folds)))


def test_the_study_tunes_on_inner_rows_and_cross_validates_the_winner(
    table, recorded, monkeypatch
) -> None:
    monkeypatch.setattr(tuning, "MAX_TRIALS", 6)
    data, context = table
    budget = Budget(60.0, time.monotonic())
    plan = plan_time(budget, budget, lanes=1)
    extra = repeated_splits(data.y, "binary", seed=0, passes=1)
    ran = Study(data, context, CANDIDATES, plan, InProcess(), repeat_folds=extra)
    ran.run(lambda event, info: None)
    assert leaks(recorded, data.folds) == []
    found = {f.family: f for f in ran.spare_time.families}
    classical = found["classical"]
    # Six trials of five inner fits each, less what the pruner cut short.
    assert classical.model == "logistic" and classical.trials_run == 6
    assert 6 < len(recorded) <= 6 * 5
    # The network has no search space here: said so, not dropped.
    assert found["deep_learning"].status == NO_MODEL
    models = {m.name: m for m in ran.results}
    if classical.status == "tuned":
        tuned = models["logistic (tuned)"]
        assert tuned.family == "classical" and len(tuned.fold_scores) == 5
    else:
        assert classical.status == "the ladder's settings won"
        assert "logistic (tuned)" not in models


# --- the clock -----------------------------------------------------------------------------------


def test_no_trial_starts_that_its_estimate_says_would_pass_the_end(table, recorded) -> None:
    data, context = table
    assert search(data, request(data, context, seconds=2.0, estimate=5.0)) == []
    assert recorded == []


def test_the_search_stops_at_its_deadline(table, monkeypatch) -> None:
    data, context = table

    def slow(candidate, context, X, y, train, test, metrics, **kwargs):
        time.sleep(0.1)  # every trial costs five of these
        return Fit({m: float(np.random.default_rng(len(train)).random()) for m in metrics}, 0.1)

    monkeypatch.setattr(tuning, "fit_and_score", slow)
    started = time.monotonic()
    trials = search(data, request(data, context, seconds=2.5, trials=40))
    took = time.monotonic() - started
    # Trials of about 0.5 s in 2.5 s: a few, never all forty, and none started late.
    assert 1 <= len(trials) < 40
    assert took < 2.5 + 3.0  # a loaded machine may slow the last trial


def test_a_family_the_plan_leaves_no_time_is_reported_so(table) -> None:
    data, context = table
    budget = Budget(0.5, time.monotonic())
    plan = plan_time(budget, budget, lanes=1)
    ran = Study(data, context, CANDIDATES, plan, InProcess())
    ran.run(lambda event, info: None)
    assert [(f.family, f.status) for f in ran.spare_time.families] == [
        ("classical", NO_TIME),
        ("deep_learning", NO_TIME),
    ]
    assert "classical: not tuned: no time left" in ran.spare_time.summary()


# --- the same seed, the same trials ---------------------------------------------------------------


def test_the_same_seed_gives_the_same_trials(table) -> None:
    data, context = table
    first = search(data, request(data, context, trials=5))
    second = search(data, request(data, context, trials=5))
    assert [(t.params, t.score, t.state) for t in first] == [
        (t.params, t.score, t.state) for t in second
    ]
    other = search(data, request(data, dataclasses.replace(context, seed=1), trials=5))
    assert [t.params for t in other][1:] != [t.params for t in first][1:]


# --- the plan of the spare time, and its report ---------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "lanes", "tune", "repeats", "classical", "neural", "left"),
    [
        (
            30.0,
            1,
            True,
            True,
            30 * TUNING_SHARE * 0.42 / 0.78,
            30 * TUNING_SHARE * 0.36 / 0.78,
            12.0,
        ),
        (30.0, 2, True, True, 18.0, 18.0, 12.0),
        (30.0, 1, True, False, 30 * 0.42 / 0.78, 30 * 0.36 / 0.78, 0.0),
        (30.0, 1, False, True, 0.0, 0.0, 30.0),
        (MIN_TUNING, 1, True, True, 0.0, 0.0, MIN_TUNING),
    ],
    ids=["one-lane", "two-lanes", "no-repeats", "switched-off", "too-little"],
)
def test_one_place_splits_the_spare_time(seconds, lanes, tune, repeats, classical, neural, left):
    split = split_spare(seconds, lanes=lanes, tune=tune, repeats=repeats)
    assert split.tuning["classical"] == pytest.approx(classical)
    assert split.tuning["deep_learning"] == pytest.approx(neural)
    assert split.repeats == pytest.approx(left)
    assert split.window + split.repeats == pytest.approx(seconds)


def test_the_winner_is_the_best_inner_score_and_the_ladders_own_settings_make_no_model() -> None:
    trials = [
        TrialScored(0, {"C": 1.0}, 0.80, "complete", 0.1),
        TrialScored(1, {"C": 10.0}, 0.85, "complete", 0.1),
        TrialScored(2, {"C": 0.01}, 0.90, "pruned", 0.1),
    ]
    found = tuning.family_tuning("classical", LOGISTIC, 9.0, trials, "roc_auc")
    assert (found.status, found.best_params, found.tuned_model) == (
        "tuned",
        {"C": 10.0},
        "logistic (tuned)",
    )
    kept = tuning.family_tuning("classical", LOGISTIC, 9.0, trials[:1], "roc_auc")
    assert kept.status == "the ladder's settings won" and kept.tuned_model is None
    lower = tuning.family_tuning("classical", LOGISTIC, 9.0, trials[:2], "rmse")
    assert lower.best_params == {"C": 1.0}  # a lower RMSE is better


def test_the_spare_time_goes_into_the_json_the_html_and_back(report) -> None:  # noqa: F811
    spare = SpareTime(
        20.0,
        {"classical": 7.0, "deep_learning": 5.0},
        8.0,
        (
            FamilyTuning("classical", "tuned", 7.0, "xgboost", 1, ({"params": {"max_depth": 3},
                         "score": 0.9, "state": "complete", "seconds": 0.2},),
                         {"max_depth": 3}, 0.9, "xgboost (tuned)"),
            FamilyTuning("deep_learning", SWITCHED_OFF),
        ),
    )  # fmt: skip
    tuned = dataclasses.replace(report, spare_time=spare)
    data = json.loads(tuned.to_json())
    validate(data)
    assert data["spare_time"]["families"][0]["trials"][0]["params"] == {"max_depth": 3}
    assert FeasibilityReport.from_dict(data) == tuned
    lines = spare.summary().splitlines()
    assert lines == [
        "classical: xgboost, 1 trials in 7 s; best max_depth=3 (inner 0.9) -> xgboost (tuned)",
        "deep_learning: not tuned: switched off",
    ]
    html = render_html(tuned)
    assert "<h2>Tuning</h2>" in html and str(markupsafe.escape(lines[0])) in html
    assert "max_depth=3</td>" in html
    # A report from before tuning has no spare time, and still reads.
    del data["spare_time"]
    assert FeasibilityReport.from_dict(data).spare_time is None
