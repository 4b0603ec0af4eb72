"""The jobs a worker runs: a candidate's splits and its curve, the data checks."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer

from advisor.check import worker
from advisor.check.aggregate import curve_after
from advisor.check.ladder import context_for, ladder
from advisor.check.messages import (
    CurveFailed,
    CurveRequest,
    CurveScored,
    DataProfile,
    EvaluateRequest,
    Fit,
    FoldScored,
    GuardWarnings,
    Imported,
    InspectRequest,
    Stop,
    StudyData,
)
from advisor.data import Dataset


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    folds = tuple((np.arange(0, 400), np.arange(400, 569)) for _ in range(2))
    context = context_for(X, "binary", "tabular", rows=400, seed=0, text_column=None)
    return StudyData(X, y.to_numpy(), folds, ("roc_auc",)), context


def by_name(context, name):
    return next(c for c in ladder(context) if c.name == name)


def test_a_curve_follows_unless_most_splits_were_stopped_while_improving() -> None:
    def splits(stopped: int) -> list[Fit]:
        return [
            Fit({}, 1.0, Stop.DEADLINE if i < stopped else Stop.EARLY_STOPPING) for i in range(5)
        ]

    assert curve_after(splits(0)) and curve_after(splits(2))
    assert not curve_after(splits(3)) and not curve_after(splits(5))


def test_a_capped_network_curve_shares_its_time_evenly_between_fits(cancer, monkeypatch) -> None:
    """A capped network's small-share fits see as many examples as its large-share ones,
    in more epochs; they get as much time, where other candidates' get less."""
    data, context = cancer
    mlp = by_name(context, context.table_net)

    def shares(epochs: tuple[int, ...] | None) -> list[float]:
        allotted = []

        def fit(candidate, small, X, y, train, test, metrics, deadline, max_epochs):
            allotted.append(deadline - time.monotonic())
            return Fit({}, 0.0, Stop.EARLY_STOPPING, max_epochs)

        monkeypatch.setattr(worker, "fit_and_score", fit)
        request = CurveRequest(mlp, context, (0.25, 0.5), time.monotonic() + 100.0, epochs)
        worker.learning_curve(lambda _: None, data, request)
        return [round(a / allotted[0], 1) for a in allotted]

    # Each fit returns at once, so each later one shares the same time among fewer fits.
    assert shares((20, 20)) == [1.0, 1.3, 2.0, 4.0]  # 1/4 of it, then 1/3, 1/2, all
    assert shares(None) == [1.0, 1.2, 3.0, 6.0]  # 0.25/1.5, 0.25/1.25, 0.5/1.0, 0.5/0.5


def test_a_network_sends_its_import_its_splits_then_its_curve_capped_in_epochs(cancer) -> None:
    data, context = cancer
    sent = []
    end = time.monotonic() + 60
    request = EvaluateRequest(
        by_name(context, context.table_net),
        context,
        fits_end=end,
        curve=(0.5,),
        curve_end=end,
        grace=5.0,
    )
    worker.evaluate(sent.append, data, request)
    assert isinstance(sent[0], Imported) and 0.0 <= sent[0].seconds <= 5.0
    folds = [m for m in sent if isinstance(m, FoldScored)]
    curve = [m for m in sent if isinstance(m, CurveScored)]
    assert [m.fold for m in folds] == [0, 1]
    assert [(m.fraction, m.fold, m.train_rows) for m in curve] == [(0.5, 0, 200), (0.5, 1, 200)]
    assert sent.index(curve[0]) > sent.index(folds[-1])  # the curve after every split
    for full, half in zip(folds, curve, strict=True):
        # Half the rows in at most twice the epochs: no more examples than the full fit.
        assert half.fit.epochs <= 2 * full.fit.epochs


def test_a_classical_candidate_sends_only_its_splits(cancer) -> None:
    data, context = cancer
    sent = []
    end = time.monotonic() + 60
    request = EvaluateRequest(by_name(context, "logistic"), context, end, curve_end=end)
    worker.evaluate(sent.append, data, request)
    assert [type(m) for m in sent] == [FoldScored, FoldScored]
    assert all(m.fit.scores["roc_auc"] > 0.9 and m.fit.stopped_by is None for m in sent)


def test_a_curve_fit_that_cannot_be_made_says_why_and_the_curve_goes_on(cancer) -> None:
    data, context = cancer
    y = data.y.copy()
    order = np.random.default_rng(context.seed).permutation(data.folds[0][0])
    y[order[:100]] = 0  # the first quarter of split 0's training rows: one class
    one_class = StudyData(data.X, y, data.folds, data.metrics)
    sent = []
    request = CurveRequest(
        by_name(context, "logistic"), context, (0.25, 0.5), time.monotonic() + 60
    )
    worker.learning_curve(sent.append, one_class, request)
    assert sent[0] == CurveFailed(0.25, 0, "its training rows hold a single class")
    assert [(type(m), m.fraction, m.fold) for m in sent[1:]] == [
        (CurveScored, 0.25, 1), (CurveScored, 0.5, 0), (CurveScored, 0.5, 1),
    ]  # fmt: skip


def test_a_curve_fit_that_raises_is_sent_as_failed(cancer, monkeypatch) -> None:
    data, context = cancer

    def fit(*args, **kwargs):
        raise ValueError("the solver gave up")

    monkeypatch.setattr(worker, "fit_and_score", fit)
    sent = []
    request = CurveRequest(by_name(context, "logistic"), context, (0.5,), time.monotonic() + 60)
    worker.learning_curve(sent.append, data, request)
    assert sent == [CurveFailed(0.5, i, "ValueError: the solver gave up") for i in (0, 1)]


def test_the_data_checks_send_warnings_then_the_profile() -> None:
    frame = pd.DataFrame({"a": np.arange(60.0), "leak": np.arange(60) % 2})
    dataset = Dataset(
        X=frame, y=np.arange(60) % 2, task="binary", modality="tabular", name="d", rows_total=60
    )
    sent = []
    worker.inspect(sent.append, None, InspectRequest(dataset, seed=0))
    warnings, profile = sent
    assert isinstance(warnings, GuardWarnings) and isinstance(profile, DataProfile)
    assert any("leak" in w for w in warnings.warnings), warnings
    assert profile.profile["rows"] == 60
