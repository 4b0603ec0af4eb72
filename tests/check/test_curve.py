"""The learning curve in words."""

from __future__ import annotations

import dataclasses

from advisor.check.curve import describe_curve
from advisor.check.result import CurvePoint, DeadlineStops, ModelResult


def point(model: str, family: str, fraction: float, score: float, std: float = 0.0) -> CurvePoint:
    return CurvePoint(model, family, fraction, int(1000 * fraction), score, std)


SVM = ModelResult("svm", "classical", 0.98, 0.01, 0.1, "ok")
SVM_CURVE = [point("svm", "classical", f, s) for f, s in ((0.25, 0.95), (0.5, 0.97), (1, 0.98))]


def test_a_network_stopped_while_improving_gets_no_curve_and_the_words_say_why() -> None:
    limited = ModelResult(
        "cnn", "deep_learning", 0.97, 0.01, 2.0, "ok",
        message="reached its time limit in 5 of 5", deadline_stops=DeadlineStops(5, 0),
    )  # fmt: skip
    words = describe_curve(
        [*SVM_CURVE, point("cnn", "deep_learning", 1.0, 0.97)], SVM, limited, "accuracy"
    )
    assert words.startswith("No learning curve for cnn: it was still improving")
    # The words follow how it stopped, not what its message says.
    plateau = ModelResult(
        "cnn", "deep_learning", 0.97, 0.01, 2.0, "ok", deadline_stops=DeadlineStops(0, 5)
    )
    words = describe_curve(
        [*SVM_CURVE, point("cnn", "deep_learning", 1.0, 0.97)], SVM, plateau, "accuracy"
    )
    assert words.startswith("The learning curve did not finish in time")


def test_a_network_gaining_on_the_classical_model_is_said_so() -> None:
    converged = ModelResult("cnn", "deep_learning", 0.97, 0.01, 2.0, "ok")
    cnn = [point("cnn", "deep_learning", f, s) for f, s in ((0.25, 0.80), (0.5, 0.90), (1, 0.97))]
    words = describe_curve([*SVM_CURVE, *cnn], SVM, converged, "accuracy")
    assert words == (
        "From 25% to 100% of the training rows, cnn went 0.8000 → 0.9700 and svm "
        "0.9500 → 0.9800: deep learning is gaining as data grows, so more data may favour it."
    )


def test_for_an_error_metric_a_closing_gap_is_relative_to_the_classical_error() -> None:
    ridge = ModelResult("ridge", "classical", 50.0, 1.0, 0.1, "ok")
    mlp = ModelResult("mlp", "deep_learning", 60.0, 1.0, 0.1, "ok")
    curve = [
        point("ridge", "classical", 0.5, 55.0), point("ridge", "classical", 1.0, 50.0),
        point("mlp", "deep_learning", 0.5, 60.4), point("mlp", "deep_learning", 1.0, 60.0),
    ]  # fmt: skip
    # The gap widens by 4.6 RMSE against an error of 50: the classical model gains more.
    assert describe_curve(curve, ridge, mlp, "rmse").endswith("deep learning is not catching up.")


def test_without_both_families_there_is_no_curve() -> None:
    assert describe_curve([], SVM, None, "accuracy") == (
        "No learning curve: the two families could not both be measured."
    )


def test_a_change_inside_the_fold_spread_is_no_trend() -> None:
    mlp = ModelResult("mlp", "deep_learning", 0.90, 0.02, 2.0, "ok")
    curve = [
        point("svm", "classical", 0.25, 0.95, 0.02), point("svm", "classical", 1.0, 0.98, 0.02),
        point("mlp", "deep_learning", 0.25, 0.88, 0.03), point("mlp", "deep_learning", 1.0, 0.90),
    ]  # fmt: skip
    # The gap moves by 0.01, more than δ but less than the 0.03 spread of a point.
    assert describe_curve(curve, SVM, mlp, "accuracy") == (
        "From 25% to 100% of the training rows, mlp went 0.8800 → 0.9000 and svm 0.9500 → "
        "0.9800: the gap stays about the same as data grows (within the noise of the folds)."
    )
    tight = [dataclasses.replace(p, score_std=0.001) for p in curve]
    assert describe_curve(tight, SVM, mlp, "accuracy").endswith("deep learning is not catching up.")


def test_a_network_that_leads_at_every_size_is_never_said_not_to_catch_up() -> None:
    mlp = ModelResult("mlp", "deep_learning", 0.99, 0.001, 2.0, "ok")
    curve = [
        *SVM_CURVE,
        *(point("mlp", "deep_learning", f, s) for f, s in ((0.25, 0.99), (0.5, 0.99), (1, 0.99))),
    ]
    assert describe_curve(curve, SVM, mlp, "accuracy") == (
        "From 25% to 100% of the training rows, mlp went 0.9900 → 0.9900 and svm 0.9500 → "
        "0.9800: mlp leads at every size, by 0.0400 at 25% and 0.0100 at 100%; its lead "
        "narrows as data grows."
    )
    rising = [
        *SVM_CURVE,
        point("mlp", "deep_learning", 0.25, 0.96),
        point("mlp", "deep_learning", 1, 0.999),
    ]
    assert describe_curve(rising, SVM, mlp, "accuracy").endswith(
        "mlp leads at every size, by 0.0100 at 25% and 0.0190 at 100%; deep learning is "
        "gaining as data grows, so more data may favour it further."
    )


def test_an_error_metrics_lead_is_relative() -> None:
    ridge = ModelResult("ridge", "classical", 50.0, 1.0, 0.1, "ok")
    mlp = ModelResult("mlp", "deep_learning", 40.0, 1.0, 0.1, "ok")
    curve = [
        point("ridge", "classical", 0.5, 55.0), point("ridge", "classical", 1.0, 50.0),
        point("mlp", "deep_learning", 0.5, 45.0), point("mlp", "deep_learning", 1.0, 40.0),
    ]  # fmt: skip
    assert describe_curve(curve, ridge, mlp, "rmse").endswith(
        "mlp leads at every size, by 20.0% (relative) at 50% and 20.0% (relative) at 100%; "
        "the change is within the noise of the folds."
    )


def test_a_curve_whose_fits_failed_says_why_not_that_time_ran_out() -> None:
    converged = ModelResult("cnn", "deep_learning", 0.97, 0.01, 2.0, "ok")
    only_full = [point("svm", "classical", 1, 0.98), point("cnn", "deep_learning", 1, 0.97)]
    words = describe_curve(
        only_full, SVM, converged, "accuracy",
        failures={"svm": "ValueError: needs samples of at least 2 classes"},
    )  # fmt: skip
    assert words == (
        "No learning curve for svm: its fits on fewer rows failed (ValueError: needs samples "
        "of at least 2 classes)."
    )
