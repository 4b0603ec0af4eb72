"""run_check end to end on small real and generated data: verdicts, repeatability, each modality.

Budgets are small to keep the suite fast; the must-see results (breast cancer, digits, a
smooth target that a neural network wins) are marked slow but still run.
"""

from __future__ import annotations

import functools
import time

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

from advisor.check import runner
from advisor.check.children import warm_up
from advisor.check.ladder import Candidate
from advisor.check.result import validate
from advisor.check.runner import run_check
from advisor.data import Dataset, load_example
from advisor.errors import CheckError, ParameterError
from tests.check import golden


def smooth_regression(rows: int = 3000, features: int = 20, seed: int = 0) -> Dataset:
    """A smooth function of a few oblique directions of many features: easy for a network,
    hard for axis-aligned trees and beyond a linear model."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, features))
    Z = X @ (rng.normal(size=(features, 4)) / np.sqrt(features))
    y = np.tanh(Z).sum(axis=1) + 0.5 * Z[:, 0] * Z[:, 1] + 0.05 * rng.normal(size=rows)
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(features)])
    return Dataset(
        X=frame, y=y, task="regression", modality="tabular", name="smooth", rows_total=rows
    )


def assert_as_measured_before(report, name: str) -> None:
    """Every model that ran to its own end scores as in ``golden/NAME.json``: the same seed
    gives the same folds, the same fits and the same scores, whatever runs the jobs."""
    then, now = golden.load(name), golden.essentials(report.to_dict())
    for key in ("task", "modality", "metric", "rows", "evaluation"):
        assert now[key] == then[key], key
    assert set(now["models"]) == set(then["models"])
    compared = []
    for model, before in then["models"].items():
        after = now["models"][model]
        assert after["family"] == before["family"], model
        if before["settled"] and after["settled"]:
            assert after["status"] == before["status"], model
            # A classical fit is the same fit on any machine. A network's float32 kernels are
            # chosen per CPU, and training amplifies their rounding: another CPU lands the
            # same network within 2 % of its score, far closer than any broken network.
            near = {"rel": 0.02} if before["family"] == "deep_learning" else {"rel": 1e-5}
            assert after["fold_scores"] == pytest.approx(before["fold_scores"], **near), model
            assert after["score"] == pytest.approx(before["score"], **near), model
            assert after["other_scores"] == pytest.approx(before["other_scores"], **near), model
            compared.append(model)
    # The floor and the rungs that cannot be cut short always run to their end.
    assert "dummy" in compared, compared  # under load, the rest may all be cut short
    # A curve point averages the fits that finished in its slot, so under load it may stand
    # on fewer splits, and which classical model is best (and gets the curve) may change;
    # what must hold is that each point is a known model's, at one of the curve's fractions.
    for point in now["learning_curve"]:
        model, fraction = point.split("@")
        assert model in then["models"] and fraction in ("0.25", "0.5", "1.0"), point


@pytest.mark.slow
@pytest.mark.parametrize("name", ["wine", "iris", "diabetes"])
def test_each_bundled_example_scores_as_measured_before(name) -> None:
    report = run_check(load_example(name), budget=golden.BUDGET, seed=0)
    assert_as_measured_before(report, name)
    assert [m.name for m in report.models if m.status == "skipped"] == []  # small data
    # Both families' curves are carried forward, or the words say why not.
    assert report.data_needed is not None and report.data_needed.metric == report.metric
    assert report.data_needed.summary()
    validate(report.to_dict())


@pytest.mark.slow
def test_smooth_high_dimensional_target_goes_to_deep_learning() -> None:
    report = run_check(smooth_regression(), budget=30, seed=0)
    assert report.verdict == "deep_learning", report.sentence()
    assert report.metric == "rmse" and report.margin > 0.2  # over 20 % lower RMSE
    assert report.best_deep_learning.name == "mlp"
    # On a loaded machine the network may still be improving when its time runs out, or
    # the curve's fits may not finish in their slot; then the words say so instead.
    assert "deep learning is gaining as data grows" in report.curve_summary or (
        report.curve_summary.startswith(
            (
                "No learning curve for mlp: it was still improving",
                "The learning curve did not finish in time",
            )
        )
    ), report.curve_summary
    validate(report.to_dict())


@pytest.mark.slow
def test_breast_cancer_is_classical_or_tie() -> None:
    events = []
    report = run_check(
        load_example("breast_cancer"),
        budget=20,
        seed=0,
        progress=lambda event, info: events.append((event, info.get("name"), info.get("fraction"))),
    )
    assert report.verdict in ("classical", "tie"), report.sentence()
    assert_as_measured_before(report, "breast_cancer")
    assert report.best_classical.score > 0.98
    assert report.elapsed_seconds <= 1.1 * 20
    assert report.profile["task"] == "binary" and report.profile["rows"] == 569
    # Both learning curves in order: the classical model's a job per point, the network's
    # in its own child after its splits. On a loaded machine (CI runs two checks on two
    # cores) a point whose fits mostly ran out of time while still improving is left out.
    for model in (report.best_classical.name, report.best_deep_learning.name):
        points = [p for p in report.learning_curve if p.model == model]
        assert {p.fraction for p in points} <= {0.25, 0.5, 1.0} and points[-1].fraction == 1.0
        assert [p.fraction for p in points] == sorted(p.fraction for p in points)
        assert [p.train_rows for p in points] == sorted({p.train_rows for p in points})
    assert report.best_deep_learning.name == "tabm"  # 455 training rows: TABM_MAX_ROWS
    network = [(event, fraction) for event, name, fraction in events if name == "tabm"]
    assert network[:2] == [("candidate_start", None), ("candidate_finish", None)]
    if not report.curve_summary.startswith("No learning curve for tabm"):
        assert network[2:] == [
            ("curve_start", 0.25),
            ("curve_finish", 0.25),
            ("curve_start", 0.5),
            ("curve_finish", 0.5),
        ]
    validate(report.to_dict())


@pytest.mark.slow
def test_digits_compares_a_cnn_with_pixel_baselines() -> None:
    report = run_check(load_example("digits"), budget=45, seed=0)
    assert_as_measured_before(report, "digits")
    names = {m.name: m for m in report.models}
    assert {"dummy", "pixels_logistic", "pixels_svm", "cnn"} <= set(names)
    # On a busy machine its deadline may cut every split short; it still learns digits.
    assert names["cnn"].status == "ok" and names["cnn"].score > 0.98
    # Under load the later rungs may be cut short (the first one claims what it needs).
    if names["pixels_svm"].status == "ok":
        assert names["pixels_svm"].score > 0.985  # one pixel scale and a tuned C
    assert names["hog_svm"].status == "ok" and names["hog_svm"].score > 0.985
    assert report.metric == "accuracy" and report.other_metrics == ("macro_f1",)
    assert report.best_deep_learning.name == "cnn"
    assert {p.model for p in report.learning_curve} == {"cnn", report.best_classical.name}


def test_text_ladder_runs_tfidf_baselines_and_a_text_network() -> None:
    rng = np.random.default_rng(0)
    good, bad = ["great", "lovely", "excellent", "fine"], ["awful", "broken", "poor", "slow"]
    filler = ["the", "service", "was", "really", "and", "food", "room", "staff"]
    texts, labels = [], []
    for i in range(300):
        words = list(rng.choice(filler, 6)) + list(rng.choice(good if i % 2 else bad, 2))
        texts.append(" ".join(rng.permutation(words)))
        labels.append(i % 2)
    frame = pd.DataFrame({"review": texts})
    data = Dataset(
        X=frame, y=np.array(labels), task="binary", modality="text", name="reviews",
        text_column="review", rows_total=300,
    )  # fmt: skip
    report = run_check(data, budget=30, seed=0)
    statuses = {m.name: m.status for m in report.models}
    assert set(statuses) == {
        "dummy", "tfidf_logistic", "tfidf_naive_bayes", "tfidf_linear_svm", "text_net",
    }  # fmt: skip
    assert statuses["text_net"] == "ok"
    assert report.best_classical.score > 0.95


class SlowClassifier(BaseEstimator):
    """Stands for a fit that never checks the clock (an SVM in C code, say)."""

    def fit(self, X, y):
        time.sleep(600)
        return self


def _slow(context, deadline):
    return SlowClassifier()


def _small_table(rows: int = 300) -> Dataset:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(rows, 5)), columns=list("abcde"))
    y = (frame["a"] - frame["b"] > 0).astype(int).to_numpy()
    return Dataset(X=frame, y=y, task="binary", modality="tabular", name="small", rows_total=rows)


def test_a_slow_candidate_is_stopped_and_the_run_keeps_its_budget(monkeypatch) -> None:
    real_ladder = runner.ladder

    def ladder_with_a_slow_rung(context):
        rungs = real_ladder(context)
        return [rungs[0], Candidate("never_ends", "classical", 1.0, _slow), rungs[1], rungs[-1]]

    monkeypatch.setattr(runner, "ladder", ladder_with_a_slow_rung)
    events = []
    warm_up()
    started = time.monotonic()
    report = runner.run_check(
        _small_table(), budget=12.0, progress=lambda event, info: events.append((event, info))
    )
    elapsed = time.monotonic() - started
    assert elapsed <= 1.1 * 12.0, elapsed
    slow = next(m for m in report.models if m.name == "never_ends")
    assert (slow.status, slow.score, slow.message) == ("timeout", None, "stopped at its time limit")
    finished = {
        info["name"]: info["status"] for event, info in events if event == "candidate_finish"
    }
    assert finished["never_ends"] == "timeout"
    started = [info["name"] for event, info in events if event == "candidate_start"]
    assert started.index("logistic") > started.index("never_ends")  # the ladder went on


def test_fits_that_fail_on_one_class_time_windows_are_failures_not_lack_of_time() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(300, 4)), columns=list("abcd"))
    y = np.where(np.arange(300) < 60, 0, (frame["a"] > 0).astype(int))  # early rows: one class
    data = Dataset(X=frame, y=y, task="binary", modality="tabular", name="ordered", rows_total=300)
    report = run_check(data, budget=20, seed=0, time_ordered=True)
    logistic = next(m for m in report.models if m.name == "logistic")
    assert (logistic.status, logistic.message) == (
        "failed",
        "ValueError: This solver needs samples of at least 2 classes in the data, but the data "
        "contains only one class: 0. (in split 1 of 5)",
    )
    (warning,) = [w for w in report.warnings if w.startswith("Not every classical model")]
    assert "Failed: logistic (ValueError: This solver needs samples" in warning
    assert warning.endswith("a larger --budget does not change a failure.")
    assert "logistic" not in warning.split("Failed:")[0]  # not among those out of time


class StoppedLogistic(ClassifierMixin, BaseEstimator):
    """A logistic regression that says how it stopped (``stopped_by_``), as a network that
    its deadline or its early stopping ended does."""

    def __init__(self, stopped: str = "deadline") -> None:
        self.stopped = stopped

    def fit(self, X, y):
        self.model_ = LogisticRegression().fit(X, y)
        self.classes_, self.stopped_by_ = self.model_.classes_, self.stopped
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)


def _logistic(context, deadline):
    return LogisticRegression()


def _stopped(stopped, context, deadline):
    return StoppedLogistic(stopped)


@pytest.mark.parametrize(
    ("stopped_by", "advised"),
    [("deadline", True), ("early_stopping", False)],
    ids=["cut-off-while-improving", "stopped-by-itself"],
)
def test_a_tie_with_a_network_cut_off_while_improving_gets_advice(
    monkeypatch, stopped_by, advised
) -> None:
    """The same model in both families: a tie, which the network's deadline makes advice."""
    real_ladder = runner.ladder

    def ladder(context):
        floor = next(c for c in real_ladder(context) if c.family == "baseline")
        net = Candidate("net", "deep_learning", 1.0, functools.partial(_stopped, stopped_by))
        return [net, floor, Candidate("lr", "classical", 1.0, _logistic)]

    monkeypatch.setattr(runner, "ladder", ladder)
    # Enough time for torch's import on a busy machine; the fits themselves take little.
    report = runner.run_check(_small_table(), budget=30, seed=0)
    assert (report.verdict, report.outcome) == ("tie", "measured")
    if advised:
        assert report.advice.startswith(
            "The budget was too small to tell: net was still improving when its time ran out "
            "in 5 of 5 splits ("
        )
        assert report.sentence().endswith(report.advice)
        assert report.to_dict()["advice"] == report.advice
    else:
        assert report.advice is None and report.to_dict()["advice"] is None


def _noise(rows: int = 200) -> Dataset:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(rng.normal(size=(rows, 5)), columns=list("abcde"))
    y = rng.integers(0, 2, rows)
    return Dataset(X=frame, y=y, task="binary", modality="tabular", name="noise", rows_total=rows)


def test_pure_noise_is_no_signal_not_a_verdict(monkeypatch) -> None:
    real_ladder = runner.ladder
    # The floor, one classical model and the network: each has time even on a busy machine.
    monkeypatch.setattr(
        runner,
        "ladder",
        lambda context: [
            c for c in real_ladder(context) if c.name in ("dummy", "logistic", "tabm")
        ],
    )
    report = runner.run_check(_noise(), budget=30, seed=0)
    assert (report.outcome, report.verdict, report.unmeasured) == ("no_signal", "tie", ())
    assert report.sentence().startswith("No signal: no model beats the dummy floor (")
    assert report.to_dict()["outcome"] == "no_signal"
    # However many passes the time allowed, the words and the pairs say the same.
    passes = (
        f"; the compared models and the floor over {report.repeats} passes, each with its own "
        f"shuffle ({5 * report.repeats} paired splits)"
    )
    assert report.evaluation == "stratified 5-fold cross-validation" + (
        passes if report.repeats > 1 else ""
    )
    assert report.pairs == 5 * report.repeats
    validate(report.to_dict())


def test_a_budget_too_small_for_any_model_is_not_measured_not_a_tie() -> None:
    report = run_check(_noise(), budget=2, seed=0)
    assert report.outcome == "not_measured" and "deep_learning" in report.unmeasured
    assert (report.verdict, report.margin, report.p_value) == ("tie", None, None)
    assert report.sentence().startswith("Not measured: ")
    assert "ran out of time" in report.sentence()
    assert report.to_dict()["unmeasured"] == list(report.unmeasured)
    validate(report.to_dict())


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"budget": -3}, r"^The 'budget' parameter of check must be a float > 0. Got -3 instead.$"),
        ({"budget": 0}, r"^The 'budget' parameter of check must be a float > 0. Got 0 instead.$"),
        ({"seed": -1}, r"^The 'seed' parameter of check must be an int >= 0. Got -1 instead.$"),
    ],
    ids=["negative-budget", "zero-budget", "negative-seed"],
)
def test_bad_parameters_are_refused(options, message) -> None:
    with pytest.raises(ParameterError, match=message):
        runner.run_check(_small_table(), **options)


def test_too_few_rows_is_a_check_error() -> None:
    with pytest.raises(CheckError, match=r"^small has 12 rows: the check needs at least 20"):
        runner.run_check(_small_table(12), budget=5)


def test_the_budget_runs_from_when_the_command_started() -> None:
    warm_up()
    started = time.monotonic() - 4.0  # as if reading the data had taken 4 s of the budget
    report = runner.run_check(_small_table(), budget=10.0, started=started)
    assert 4.0 <= report.elapsed_seconds <= 1.1 * 10.0
    assert time.monotonic() - started <= 1.1 * 10.0
    assert any(
        w.startswith("Reading the data and starting the workers took 4.0 s of the 10 s budget")
        for w in report.warnings
    ), report.warnings
