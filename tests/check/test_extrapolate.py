"""Learning curves carried forward: a known law is recovered, flat and noisy curves get no
number, a target score gets the rows it needs."""

from __future__ import annotations

import pytest

from advisor.check.extrapolate import crossing, extrapolate
from advisor.check.result import CurvePoint


def law(rows: float, a=0.95, b=3.0, c=0.5) -> float:
    return a - b * rows ** (-c)


def curve(score, *, model="mlp", family="deep_learning", std=0.004, rows=(250, 500, 1000)):
    return [CurvePoint(model, family, r / rows[-1], r, round(score(r), 6), std) for r in rows]


def test_a_known_law_is_recovered_within_the_stated_interval() -> None:
    result = extrapolate(curve(law), "roc_auc")
    assert result.status == "ok"
    assert [p.multiple for p in result.predictions] == [2, 5, 10]
    for p in result.predictions:
        assert p.rows == 1000 * p.multiple
        assert p.low <= law(p.rows) <= p.high, p
        assert p.low <= p.score <= p.high
    assert result.asymptote == pytest.approx(0.95, abs=0.02)


def test_an_error_metric_is_carried_forward_downwards() -> None:
    rmse = curve(lambda r: 1.0 + 40.0 * r ** (-0.7), std=0.02)
    result = extrapolate(rmse, "rmse")
    assert result.status == "ok"
    ten = result.predictions[-1]
    assert ten.score < rmse[-1].score  # more data, less error
    assert ten.low <= 1.0 + 40.0 * 10_000 ** (-0.7) <= ten.high


def test_no_interval_reaches_past_the_metrics_best_score() -> None:
    # A curve still climbing steeply near 1: its law's draws run past an accuracy of 1.
    steep = curve(lambda r: 1.02 - 4.0 * r ** (-0.5), std=0.02)
    result = extrapolate(steep, "accuracy")
    assert result.status == "ok"
    assert max(p.high for p in result.predictions) == 1.0
    assert all(p.low <= p.score <= p.high <= 1.0 for p in result.predictions)


def test_a_flat_or_noisy_curve_gives_no_number() -> None:
    flat = extrapolate(curve(lambda r: 0.9, std=0.01), "accuracy")
    assert (flat.status, flat.predictions) == ("flat", ())
    zigzag = {250: 0.80, 500: 0.90, 1000: 0.84}
    noisy = extrapolate(curve(zigzag.get, std=0.02), "accuracy")
    assert noisy.status in ("noisy", "flat") and noisy.predictions == ()
    few = extrapolate(curve(law)[1:], "accuracy")
    assert few.status == "too_few_points"


def test_the_rows_needed_for_a_target_score() -> None:
    result = extrapolate(curve(law), "roc_auc", target_score=0.88)
    true_rows = (3.0 / (0.95 - 0.88)) ** 2  # solve 0.95 - 3 / sqrt(n) = 0.88
    assert result.target_reachable
    assert result.rows_for_target == pytest.approx(true_rows, rel=0.35)
    beyond = extrapolate(curve(law), "roc_auc", target_score=0.99)
    assert (beyond.target_reachable, beyond.rows_for_target) == (False, None)
    reached = extrapolate(curve(law), "roc_auc", target_score=0.5)
    assert reached.rows_for_target == 1000  # the data in hand already reach it


def test_curves_that_cross_within_ten_times_the_data() -> None:
    classical = extrapolate(
        curve(lambda r: law(r, a=0.90, b=1.0), model="svm", family="classical"), "roc_auc"
    )
    neural = extrapolate(curve(lambda r: law(r, a=0.97, b=4.0)), "roc_auc")
    multiple, rows = crossing(classical, neural, "roc_auc")
    # 0.97 - 4/sqrt(n) = 0.90 - 1/sqrt(n) at n = (3/0.07)^2, about 1.8x the data
    assert multiple == pytest.approx((3 / 0.07) ** 2 / 1000, rel=0.3)
    assert rows == pytest.approx(1000 * multiple, rel=0.05)  # the multiple is rounded
    assert crossing(neural, classical, "roc_auc") is None  # the leader does not "cross"


def test_the_report_carries_both_curves_in_words_and_json() -> None:
    from advisor.check.data_needed import DataNeeded
    from advisor.check.extrapolate import data_needed
    from advisor.check.result import ModelResult

    svm_curve = curve(lambda r: law(r, a=0.90, b=1.0), model="svm", family="classical")
    mlp_curve = curve(lambda r: law(r, a=0.97, b=4.0))
    svm = ModelResult("svm", "classical", svm_curve[-1].score, 0.004, 0.1, "ok")
    mlp = ModelResult("mlp", "deep_learning", mlp_curve[-1].score, 0.004, 0.1, "ok")
    needed = data_needed([*svm_curve, *mlp_curve], svm, mlp, "roc_auc", target_score=0.99)
    words = needed.summary()
    assert words.startswith("svm: about 0.8")
    assert "mlp is expected to overtake svm at about 1." in words
    assert words.endswith(
        "To reach ROC AUC 0.99: not reached by svm on its curve (it levels off near "
        f"{needed.classical.asymptote:.4f}); not reached by mlp on its curve (it levels off "
        f"near {needed.deep_learning.asymptote:.4f})."
    )
    assert DataNeeded.from_dict(needed.to_dict()) == needed
