"""From the fits a worker sent to a model's result, a curve point and a ranking."""

from __future__ import annotations

import pytest

from advisor.check.aggregate import best, curve_point, model_result, ranked
from advisor.check.messages import CurveScored, Fit, FoldScored, Stop
from advisor.check.result import ModelResult


def folds(*stops: Stop | None, score: float = 0.9) -> list[FoldScored]:
    return [
        FoldScored(i, Fit({"accuracy": score + i / 100, "macro_f1": 0.5}, 1.0, stop))
        for i, stop in enumerate(stops)
    ]


def result(*stops: Stop | None) -> ModelResult:
    return model_result(
        "mlp", "deep_learning", folds(*stops), splits=5, metrics=("accuracy", "macro_f1")
    )


def test_a_model_result_is_the_mean_over_splits_in_split_order() -> None:
    shuffled = list(reversed(folds(*[Stop.EARLY_STOPPING] * 5)))
    r = model_result("mlp", "deep_learning", shuffled, splits=5, metrics=("accuracy", "macro_f1"))
    assert r.fold_scores == pytest.approx((0.9, 0.91, 0.92, 0.93, 0.94))
    assert r.score == pytest.approx(0.92) and r.other_scores == {"macro_f1": 0.5}
    assert (r.status, r.message, r.fit_seconds) == ("ok", None, 1.0)


def test_a_model_cut_short_by_its_deadline_says_so_even_on_a_plateau() -> None:
    """Its scores depend on the machine's speed either way; only one may gain from time."""
    assert result(*[Stop.EARLY_STOPPING] * 5).message is None
    settled = result(Stop.DEADLINE_ON_PLATEAU, *[Stop.EARLY_STOPPING] * 4)
    assert settled.message == (
        "stopped at its time limit on a plateau in 1 of 5 splits, with its best weights so far"
    )
    assert (settled.deadline_stops.while_improving, settled.deadline_stops.on_plateau) == (0, 1)
    both = result(Stop.DEADLINE, Stop.DEADLINE_ON_PLATEAU, *[Stop.EARLY_STOPPING] * 3)
    assert both.message.startswith("reached its time limit in 1 of 5 splits while still improving")
    assert both.message.endswith("on a plateau in 1 of 5 splits, with its best weights so far")
    assert both.deadline_stops.while_improving == 1


def test_a_model_missing_splits_has_no_score_and_says_how_far_it_got() -> None:
    partial = model_result(
        "svm", "classical", folds(None, None), splits=5, metrics=("accuracy",),
        status="timeout", error="stopped at its time limit",
    )  # fmt: skip
    assert (partial.status, partial.score) == ("timeout", None)
    assert partial.message == "stopped at its time limit after 2 of 5 splits"
    crashed = model_result("svm", "classical", [], splits=5, metrics=("accuracy",), waited=3.0)
    assert (crashed.status, crashed.message, crashed.fit_seconds) == (
        "failed",
        "did not finish every split",
        3.0,
    )


def test_a_model_whose_fit_raised_is_failed_with_the_reason_and_the_split() -> None:
    failed = model_result(
        "logistic", "classical", folds(None), splits=5, metrics=("accuracy",),
        status="failed", error="ValueError: needs samples of at least 2 classes",
    )  # fmt: skip
    assert (failed.status, failed.score, failed.message) == (
        "failed",
        None,
        "ValueError: needs samples of at least 2 classes (in split 2 of 5)",
    )


def test_a_curve_point_is_dropped_when_most_of_its_fits_ran_out_of_time() -> None:
    def fits(*stops):
        return [
            CurveScored(0.5, i, 100 + i, Fit({"accuracy": 0.8}, 1.0, stop))
            for i, stop in enumerate(stops)
        ]

    kept = curve_point("mlp", "deep_learning", 0.5, fits(Stop.DEADLINE, None, None), "accuracy")
    assert (kept.fraction, kept.train_rows, kept.score) == (0.5, 101, 0.8)
    assert (
        curve_point(
            "mlp", "deep_learning", 0.5, fits(Stop.DEADLINE, Stop.DEADLINE, None), "accuracy"
        )
        is None
    )
    assert curve_point("mlp", "deep_learning", 0.5, [], "accuracy") is None


def test_best_and_ranked_follow_the_metrics_direction() -> None:
    a = ModelResult("a", "classical", 50.0, 1.0, 0.1, "ok")
    b = ModelResult("b", "classical", 40.0, 1.0, 0.1, "ok")
    gone = ModelResult("c", "classical", None, None, 0.1, "timeout")
    assert best([a, b, gone], "classical", "rmse") is b
    assert best([a, b, gone], "classical", "r2") is a
    assert best([a, b], "deep_learning", "rmse") is None
    assert [m.name for m in ranked([gone, a, b], "rmse")] == ["b", "a", "c"]
    assert [m.name for m in ranked([gone, b, a], "accuracy")] == ["a", "b", "c"]
