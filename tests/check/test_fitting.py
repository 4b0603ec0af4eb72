"""Fit on training rows, score on test rows, say how it stopped (advisor.check.fitting)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer

from advisor.check.fitting import fit_and_score, predict_output, take
from advisor.check.ladder import Candidate, Context, context_for, ladder
from advisor.check.messages import Fit, Stop


@pytest.fixture(scope="module")
def cancer() -> tuple[pd.DataFrame, np.ndarray, Context]:
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    context = context_for(X, "binary", "tabular", rows=400, seed=0, text_column=None)
    return X, y.to_numpy(), context


def _named(context: Context, name: str) -> Candidate:
    return next(c for c in ladder(context) if c.name == name)


def test_a_fit_is_scored_on_every_metric_and_says_how_it_stopped(cancer) -> None:
    X, y, context = cancer
    rows = np.arange(len(y))
    fit = fit_and_score(
        _named(context, "hist_gradient_boosting"),
        context,
        X,
        y,
        rows[:400],
        rows[400:],
        ("roc_auc", "accuracy"),
    )
    assert isinstance(fit, Fit)
    assert list(fit.scores) == ["roc_auc", "accuracy"]
    assert fit.scores["roc_auc"] > 0.95
    assert fit.stopped_by is Stop.EARLY_STOPPING and not fit.out_of_time
    assert fit.fit_seconds > 0 and fit.epochs is None


def test_an_estimator_that_runs_to_its_own_end_has_no_stop(cancer) -> None:
    X, y, context = cancer
    rows = np.arange(len(y))
    fit = fit_and_score(
        _named(context, "dummy"), context, X, y, rows[:400], rows[400:], ("roc_auc",)
    )
    assert (fit.scores, fit.stopped_by, fit.epochs) == ({"roc_auc": 0.5}, None, None)


def test_a_curve_fit_trains_no_more_epochs_than_it_is_given(cancer) -> None:
    X, y, context = cancer
    mlp = _named(context, context.table_net)
    rows = np.arange(len(y))
    free = fit_and_score(mlp, context, X, y, rows[:400], rows[400:], ("roc_auc",))
    capped = fit_and_score(mlp, context, X, y, rows[:400], rows[400:], ("roc_auc",), max_epochs=3)
    assert free.epochs > 3
    assert capped.epochs == 3
    assert capped.stopped_by is Stop.MAX_EPOCHS


def test_a_fit_past_its_deadline_is_out_of_time(cancer) -> None:
    X, y, context = cancer
    rows = np.arange(len(y))
    fit = fit_and_score(
        _named(context, "hist_gradient_boosting"),
        context,
        X,
        y,
        rows[:400],
        rows[400:],
        ("roc_auc",),
        deadline=0.0,
    )
    assert fit.stopped_by is Stop.DEADLINE and fit.out_of_time


def test_take_picks_rows_by_position_from_tables_and_arrays() -> None:
    frame = pd.DataFrame({"a": [10, 11, 12]}, index=[7, 8, 9])
    assert take(frame, np.array([2, 0]))["a"].tolist() == [12, 10]
    np.testing.assert_array_equal(take(np.array([5, 6, 7]), np.array([1])), [6])


def test_decision_scores_become_probabilities_that_pick_the_same_label() -> None:
    from sklearn.svm import LinearSVC

    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array(["no", "no", "yes", "yes"])
    model = LinearSVC(random_state=0).fit(X, y)
    output = predict_output(model, X, "binary")
    np.testing.assert_allclose(output["proba"].sum(axis=1), 1.0)
    np.testing.assert_array_equal(output["label"], model.predict(X))
    np.testing.assert_array_equal(output["classes"], ["no", "yes"])


def test_a_regressor_outputs_its_values_as_floats() -> None:
    from sklearn.dummy import DummyRegressor

    model = DummyRegressor().fit(np.zeros((3, 1)), [1, 2, 3])
    output = predict_output(model, np.zeros((2, 1)), "regression")
    assert output["value"].dtype == float and output["value"].tolist() == [2.0, 2.0]
