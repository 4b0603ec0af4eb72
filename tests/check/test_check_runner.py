"""run_check end to end on small real and generated data: verdicts, repeatability, each modality.

Budgets are small to keep the suite fast; the must-see results (breast cancer, digits, a
smooth target that a neural network wins) are marked slow but still run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from advisor.check.result import validate
from advisor.check.runner import STILL_IMPROVING, run_check
from advisor.data import Dataset, load_example


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


def test_same_seed_same_result() -> None:
    iris = load_example("iris")
    first, second = run_check(iris, budget=20, seed=3), run_check(iris, budget=20, seed=3)
    # A model that ran out of time (a slow rung killed, a network stopped at its deadline)
    # depends on the machine's speed; every other model scores exactly the same.
    done = {m.name: m.fold_scores for m in first.models if m.status == "ok" and not m.message}
    again = {m.name: m.fold_scores for m in second.models if m.status == "ok" and not m.message}
    assert "dummy" in set(done) & set(again)
    assert len(set(done) & set(again)) >= 2
    assert {name: done[name] for name in again if name in done} == {
        name: again[name] for name in done if name in again
    }
    # When the same models finished untroubled in both, the verdict and numbers are identical.
    if set(done) == set(again) == {m.name for m in first.models}:
        assert (first.verdict, first.margin, first.p_value) == (
            second.verdict,
            second.margin,
            second.p_value,
        )


@pytest.mark.slow
def test_smooth_high_dimensional_target_goes_to_deep_learning() -> None:
    report = run_check(smooth_regression(), budget=30, seed=0)
    assert report.verdict == "deep_learning", report.sentence()
    assert report.metric == "rmse" and report.margin > 0.2  # over 20 % lower RMSE
    assert report.best_deep_learning.name == "mlp"
    # On a loaded machine the network may still be improving when its time runs out; then
    # it gets no curve, and the words say so instead.
    assert "deep learning is gaining as data grows" in report.curve_summary or (
        report.curve_summary.startswith("No learning curve for mlp: it was still improving")
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
    network = [(event, fraction) for event, name, fraction in events if name == "mlp"]
    assert network[:2] == [("candidate_start", None), ("candidate_finish", None)]
    if not report.curve_summary.startswith("No learning curve for mlp"):
        assert network[2:] == [
            ("curve_start", 0.25),
            ("curve_finish", 0.25),
            ("curve_start", 0.5),
            ("curve_finish", 0.5),
        ]
    validate(report.to_dict())


@pytest.mark.slow
def test_digits_compares_a_cnn_with_pixel_baselines() -> None:
    report = run_check(load_example("digits"), budget=25, seed=0)
    names = {m.name: m for m in report.models}
    assert {"dummy", "pixels_logistic", "pixels_svm", "cnn"} <= set(names)
    assert names["cnn"].status == "ok" and names["cnn"].score > 0.98
    # Its five splits take about 5 s on one core: early stopping ends them, not the budget.
    assert not (names["cnn"].message or "").startswith(STILL_IMPROVING), names["cnn"].message
    assert names["pixels_svm"].score > 0.985  # one pixel scale and a tuned C
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
    report = run_check(data, budget=15, seed=0)
    statuses = {m.name: m.status for m in report.models}
    assert set(statuses) == {
        "dummy", "tfidf_logistic", "tfidf_naive_bayes", "tfidf_linear_svm", "text_net",
    }  # fmt: skip
    assert statuses["text_net"] == "ok"
    assert report.best_classical.score > 0.95


def test_regression_ladder_skips_nothing_on_small_data() -> None:
    report = run_check(load_example("diabetes"), budget=10, seed=0)
    assert report.metric == "rmse" and report.higher_is_better is False
    assert [m.name for m in report.models if m.status == "skipped"] == []
    assert {m.name for m in report.models} == {
        "dummy", "ridge", "hist_gradient_boosting", "xgboost", "svm", "mlp",
    }  # fmt: skip


def test_a_network_stopped_while_improving_gets_no_curve_and_the_words_say_why() -> None:
    from advisor.check.result import CurvePoint, ModelResult
    from advisor.check.runner import describe_curve

    def point(model, family, fraction, score):
        return CurvePoint(model, family, fraction, int(1000 * fraction), score, 0.0)

    svm = ModelResult("svm", "classical", 0.98, 0.01, 0.1, "ok")
    limited = ModelResult(
        "cnn", "deep_learning", 0.97, 0.01, 2.0, "ok", message="reached its time limit in 5 of 5"
    )
    curve = [point("svm", "classical", f, s) for f, s in ((0.25, 0.95), (0.5, 0.97), (1, 0.98))]
    words = describe_curve(
        [*curve, point("cnn", "deep_learning", 1.0, 0.97)], svm, limited, "accuracy"
    )
    assert words.startswith("No learning curve for cnn: it was still improving")
    converged = ModelResult("cnn", "deep_learning", 0.97, 0.01, 2.0, "ok")
    cnn = [point("cnn", "deep_learning", f, s) for f, s in ((0.25, 0.80), (0.5, 0.90), (1, 0.97))]
    words = describe_curve([*curve, *cnn], svm, converged, "accuracy")
    assert "deep learning is gaining as data grows" in words


def test_a_model_cut_short_by_its_deadline_says_so_even_on_a_plateau() -> None:
    """Its scores depend on the machine's speed either way; only one may gain from time."""
    from advisor.check.candidates import Candidate
    from advisor.check.runner import _Study

    folds = tuple((np.arange(4), np.arange(4, 6)) for _ in range(5))
    study = _Study(data=None, context=None, folds=folds, metrics=("accuracy",))
    mlp = Candidate("mlp", "deep_learning", 1.0, build=None, cooperative=True)

    def result(*stopped_by: str):
        return study._result(
            mlp,
            [
                {"fold": i, "scores": {"accuracy": 0.9}, "fit_seconds": 1.0,
                 "stopped_by": how}
                for i, how in enumerate(stopped_by)
            ],
            "ok",
            None,
        )  # fmt: skip

    assert result(*["early_stopping"] * 5).message is None
    settled = result("deadline_on_plateau", *["early_stopping"] * 4).message
    assert settled == (
        "stopped at its time limit on a plateau in 1 of 5 splits, with its best weights so far"
    )
    both = result("deadline", "deadline_on_plateau", *["early_stopping"] * 3).message
    assert both.startswith(f"{STILL_IMPROVING} in 1 of 5 splits while still improving")
    assert both.endswith("on a plateau in 1 of 5 splits, with its best weights so far")
