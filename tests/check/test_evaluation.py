"""The verdict rule, the metrics and the splits (advisor.check.evaluation)."""

from __future__ import annotations

import numpy as np
import pytest

from advisor.check.evaluation import (
    compare,
    delta,
    higher_is_better,
    make_splits,
    metrics_for,
    score,
)
from advisor.errors import ParameterError

CLASSICAL = np.array([0.90, 0.91, 0.89, 0.92, 0.90])


@pytest.mark.parametrize(
    ("metric", "neural", "classical", "verdict"),
    [
        (
            "roc_auc",
            CLASSICAL + np.array([0.03, 0.02, 0.04, 0.03, 0.025]),
            CLASSICAL,
            "deep_learning",
        ),
        ("roc_auc", CLASSICAL - np.array([0.03, 0.02, 0.04, 0.03, 0.025]), CLASSICAL, "classical"),
        ("roc_auc", CLASSICAL + np.array([0.002, -0.001, 0.003, 0.0, 0.001]), CLASSICAL, "tie"),
        # big mean difference but inconsistent across folds: not sure enough
        ("accuracy", CLASSICAL + np.array([0.20, -0.15, 0.18, -0.12, 0.02]), CLASSICAL, "tie"),
        # RMSE: lower is better, and the rule uses the relative difference
        ("rmse", np.array([0.80, 0.82, 0.79, 0.81, 0.80]), np.ones(5), "deep_learning"),
        ("rmse", np.array([1.10, 1.12, 1.09, 1.11, 1.10]), np.ones(5), "classical"),
        ("rmse", np.array([1.004, 0.998, 1.002, 1.0, 0.997]), np.ones(5), "tie"),
    ],
    ids=[
        "auc-neural-wins",
        "auc-classical-wins",
        "auc-within-delta",
        "accuracy-noisy-not-significant",
        "rmse-neural-wins",
        "rmse-classical-wins",
        "rmse-within-one-percent",
    ],
)
def test_verdict_rule(metric, neural, classical, verdict) -> None:
    assert compare(metric, neural, classical, test_share=0.25).verdict == verdict


def test_margin_is_mean_difference_and_p_is_one_sided() -> None:
    result = compare(
        "roc_auc",
        CLASSICAL + 0.01 + np.array([0, 0.001, -0.001, 0.002, 0]),
        CLASSICAL,
        test_share=0.25,
    )
    assert result.margin == pytest.approx(0.0104)
    assert 0 < result.p_value < 0.001
    assert result.verdict == "deep_learning"


def test_relative_rmse_difference_is_positive_when_neural_is_better() -> None:
    result = compare(
        "rmse", np.full(5, 0.9) + np.array([0, 0.001, 0, 0.002, 0]), np.ones(5), test_share=0.25
    )
    assert result.margin == pytest.approx(0.0994, abs=1e-4)


def test_identical_differences_do_not_give_nan() -> None:
    result = compare("accuracy", CLASSICAL + 0.02, CLASSICAL, test_share=0.25)
    assert (result.verdict, result.p_value) == ("deep_learning", 0.0)
    assert compare("accuracy", CLASSICAL, CLASSICAL, test_share=0.25).verdict == "tie"


def test_the_test_is_corrected_for_splits_that_share_their_training_rows() -> None:
    """Without the correction it is scipy's paired t-test; with it, the differences of
    fifteen overlapping splits that the plain test calls a win are a tie."""
    from scipy import stats

    d = np.array([0.03, -0.01, 0.02, -0.005, 0.015] * 3)
    plain = compare("accuracy", CLASSICAL.mean() + d, np.full(15, CLASSICAL.mean()), test_share=0.0)
    assert plain.p_value == pytest.approx(stats.ttest_1samp(d, 0.0, alternative="greater").pvalue)
    assert plain.verdict == "deep_learning"
    corrected = compare(
        "accuracy", CLASSICAL.mean() + d, np.full(15, CLASSICAL.mean()), test_share=0.25
    )
    assert corrected.margin == plain.margin and corrected.p_value > 0.1
    assert corrected.verdict == "tie"


def test_the_correction_uses_test_rows_over_training_rows_of_random_splits_only() -> None:
    y = np.arange(100) % 2
    assert make_splits(y, "binary", seed=0).test_share == pytest.approx(0.25)
    assert make_splits(y, "binary", seed=0, time_ordered=True).test_share == 0.0


def test_delta_per_metric() -> None:
    assert (delta("roc_auc"), delta("accuracy"), delta("rmse")) == (0.005, 0.005, 0.01)


@pytest.mark.parametrize(
    ("task", "metric", "expected"),
    [
        ("binary", None, ("roc_auc", "accuracy")),
        ("multiclass", None, ("accuracy", "macro_f1")),
        ("regression", None, ("rmse", "r2")),
        ("binary", "macro_f1", ("macro_f1", "roc_auc", "accuracy")),
        ("regression", "mae", ("mae", "rmse", "r2")),
    ],
    ids=["binary", "multiclass", "regression", "override-classification", "override-regression"],
)
def test_metrics_for_task(task, metric, expected) -> None:
    assert metrics_for(task, metric) == expected


def test_metric_that_does_not_fit_the_task_is_refused() -> None:
    with pytest.raises(
        ParameterError,
        match=r"^The 'metric' parameter of check must be one of rmse, r2, mae for a regression "
        r"task. Got 'roc_auc' instead.$",
    ):
        metrics_for("regression", "roc_auc")


def test_a_misspelt_metric_is_refused_with_a_close_match() -> None:
    with pytest.raises(
        ParameterError, match=r"Got 'acuracy' instead \(did you mean 'accuracy'\?\)\.$"
    ):
        metrics_for("binary", "acuracy")


def test_errors_are_better_lower_and_scores_higher() -> None:
    assert [higher_is_better(m) for m in ("roc_auc", "accuracy", "macro_f1", "r2")] == [True] * 4
    assert [higher_is_better(m) for m in ("rmse", "mae")] == [False, False]


def test_an_unknown_metric_cannot_be_scored() -> None:
    with pytest.raises(
        ParameterError, match=r"^Unknown metric 'f1_macro': expected one of roc_auc"
    ):
        score("f1_macro", np.array([1.0]), {"value": np.array([1.0])})


def test_scores_from_probabilities_and_values() -> None:
    y = np.array([0, 0, 1, 1])
    proba = np.array([[0.9, 0.1], [0.6, 0.4], [0.3, 0.7], [0.45, 0.55]])
    output = {"proba": proba, "classes": np.array([0, 1]), "label": np.array([0, 0, 1, 1])}
    assert score("roc_auc", y, output) == 1.0
    assert score("accuracy", y, output) == 1.0
    values = {"value": np.array([1.0, 2.0, 3.0])}
    assert score("rmse", np.array([1.0, 2.0, 5.0]), values) == pytest.approx(np.sqrt(4 / 3))


def test_splits_are_stratified_folds_or_repeated_holdouts_or_time_ordered() -> None:
    y = np.array([0] * 80 + [1] * 20)
    splits = make_splits(y, "binary", seed=0)
    assert splits.description == "stratified 5-fold cross-validation"
    assert all(np.mean(y[test]) == 0.2 for _, test in splits.folds)
    big = make_splits(np.arange(30_000) % 2, "binary", seed=0)
    assert big.description == "3 repeated 80/20 holdouts (stratified)"
    ordered = make_splits(np.arange(100.0), "regression", seed=0, time_ordered=True)
    assert ordered.description == "5 forward-chaining time splits"
    assert all(train.max() < test.min() for train, test in ordered.folds)


def test_same_seed_same_splits() -> None:
    y = np.arange(200) % 3
    first, second = make_splits(y, "multiclass", seed=7), make_splits(y, "multiclass", seed=7)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(first.folds, second.folds, strict=True))


def _output(proba: np.ndarray, classes: np.ndarray) -> dict[str, np.ndarray]:
    return {"proba": proba, "classes": classes, "label": classes[np.argmax(proba, axis=1)]}


def test_roc_auc_is_the_mean_one_vs_rest_auc_when_a_class_misses_the_test_fold() -> None:
    """Three classes known to the model, two of them in the test fold: probabilities keep
    their three columns and the absent class is left out of the mean."""
    y = np.array([0, 0, 1, 1])
    proba = np.array([[0.7, 0.1, 0.2], [0.2, 0.3, 0.5], [0.1, 0.8, 0.1], [0.5, 0.4, 0.1]])
    # class 0: scores 0.7, 0.2 against 0.1, 0.5 -> 3 of 4 pairs; class 1: 0.8, 0.4 against
    # 0.1, 0.3 -> 4 of 4
    assert score("roc_auc", y, _output(proba, np.array([0, 1, 2]))) == pytest.approx(0.875)


def test_roc_auc_scores_a_class_the_training_fold_lacked_as_probability_zero() -> None:
    y = np.array([0, 1, 2, 1, 0, 2])
    proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7], [0.8, 0.2], [0.5, 0.5]])
    # class 0 and class 1 each rank perfectly; class 2 has no column: AUC 0.5
    value = score("roc_auc", y, _output(proba, np.array([0, 1])))
    assert value == pytest.approx((1.0 + 1.0 + 0.5) / 3)
    # the full label set decides binary or not: a one-class training fold of a binary task
    binary = score("roc_auc", np.array([0, 1, 0, 1]), _output(np.ones((4, 1)), np.array([0])))
    assert binary == 0.5


def test_roc_auc_on_a_one_class_test_fold_is_an_error_that_says_so() -> None:
    with pytest.raises(ValueError, match=r"^ROC AUC is undefined on a test split that holds one"):
        score(
            "roc_auc", np.array([1, 1]), _output(np.array([[0.2, 0.8], [0.6, 0.4]]), np.arange(2))
        )


def test_roc_auc_on_three_classes_one_rare_never_raises_on_any_fold() -> None:
    """The shape of the traceback in the field: three classes, one with 4 rows, stratified
    folds that cannot all hold it."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = np.array([0] * 148 + [1] * 148 + [2] * 4)
    for train, test in make_splits(y, "multiclass", seed=0).folds:
        model = LogisticRegression().fit(X[train], y[train])
        value = score("roc_auc", y[test], _output(model.predict_proba(X[test]), model.classes_))
        assert 0.0 <= value <= 1.0
