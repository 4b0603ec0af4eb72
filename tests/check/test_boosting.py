"""Boosting that stops at a deadline and says how it stopped (advisor.check.boosting)."""

from __future__ import annotations

import time

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer

from advisor.check.boosting import BoostingUntil, TunedXGBoost
from advisor.check.messages import Stop


@pytest.fixture(scope="module")
def cancer() -> tuple[np.ndarray, np.ndarray]:
    return load_breast_cancer(return_X_y=True)


def test_boosting_in_chunks_ends_where_one_fit_would(cancer) -> None:
    X, y = cancer
    whole = BoostingUntil(seed=0).fit(X, y)
    chunked = BoostingUntil(seed=0, deadline=time.monotonic() + 60).fit(X, y)
    assert chunked.model_.n_iter_ == whole.model_.n_iter_
    assert chunked.stopped_by_ is Stop.EARLY_STOPPING
    np.testing.assert_allclose(chunked.predict_proba(X), whole.predict_proba(X))


def test_boosting_past_its_deadline_stops_after_the_first_chunk(cancer) -> None:
    X, y = cancer
    late = BoostingUntil(seed=0, deadline=time.monotonic() - 1).fit(X, y)
    assert late.stopped_by_ is Stop.DEADLINE
    assert late.model_.n_iter_ == 25


def test_boosting_that_uses_all_its_rounds_says_so(cancer) -> None:
    X, y = cancer
    short = BoostingUntil(seed=0, max_iter=3).fit(X, y)
    assert (short.stopped_by_, short.model_.n_iter_) == (Stop.MAX_ITER, 3)


def test_xgboost_keeps_the_labels_it_was_given(cancer) -> None:
    X, y = cancer
    labels = np.where(y == 1, "benign", "malignant")
    model = TunedXGBoost(seed=0, threads=1).fit(X, labels)
    assert model.stopped_by_ is Stop.EARLY_STOPPING
    assert model.best_depth_ in (6, 3)
    assert set(model.predict(X)) <= {"benign", "malignant"}
    assert np.mean(model.predict(X) == labels) > 0.95
    assert model.predict_proba(X).shape == (len(y), 2)


def test_xgboost_past_its_deadline_stops_with_one_depth_tried(cancer) -> None:
    X, y = cancer
    late = TunedXGBoost(task="regression", seed=0, threads=1, deadline=time.monotonic() - 1)
    late.fit(X, y.astype(float))
    assert late.stopped_by_ is Stop.DEADLINE
    assert late.best_depth_ == 6  # the second depth is skipped once time is up
    assert late.predict(X).shape == (len(y),)
