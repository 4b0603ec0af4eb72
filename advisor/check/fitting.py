"""The one interface every candidate is measured through: fit on training rows, score on
test rows, say how long it took and how it stopped."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from advisor.check.evaluation import score
from advisor.check.messages import Fit, Stop

if TYPE_CHECKING:
    from advisor.check.ladder import Candidate, Context


def fit_and_score(
    candidate: Candidate,
    context: Context,
    X: Any,
    y: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    metrics: tuple[str, ...],
    *,
    deadline: float | None = None,
    max_epochs: int | None = None,
) -> Fit:
    """Fit a fresh estimator on ``train`` rows and score every metric on ``test`` rows.

    ``deadline`` (monotonic clock) is handed to a cooperative candidate, which stops by it;
    ``max_epochs`` caps a network's epochs. The :class:`Fit` says how the estimator
    stopped (``None`` for one that runs to its own end) and how many epochs a network
    trained.
    """
    model = candidate.build(context, deadline)
    final = model.steps[-1][1] if hasattr(model, "steps") else model
    if max_epochs is not None and "max_epochs" in final.get_params():
        final.set_params(max_epochs=max_epochs)
    started = time.perf_counter()
    model.fit(take(X, train), y[train])
    fit_seconds = time.perf_counter() - started
    started = time.perf_counter()
    output = predict_output(model, take(X, test), context.task)
    predict_seconds = time.perf_counter() - started
    stopped_by = getattr(final, "stopped_by_", None)
    return Fit(
        scores={m: score(m, y[test], output) for m in metrics},
        fit_seconds=fit_seconds,
        stopped_by=None if stopped_by is None else Stop(stopped_by),
        epochs=getattr(final, "n_epochs_", None),
        predict_seconds=predict_seconds,
        predict_rows=len(test),
        latency_seconds=one_row_seconds(model, take(X, test[:1])),
    )


def one_row_seconds(model: Any, row: Any, *, calls: int = 3) -> float | None:
    """The fastest of a few predictions of one row alone: the latency a service answering
    one request at a time sees, less the noise of other work on the machine. None when
    the model cannot predict a row alone: the timing must not fail a fit that scored."""
    fastest = float("inf")
    for _ in range(calls):
        started = time.perf_counter()
        try:
            model.predict(row)
        except Exception:
            return None
        fastest = min(fastest, time.perf_counter() - started)
    return fastest


def take(X: Any, rows: np.ndarray) -> Any:
    """Rows ``rows`` of a table (by position) or of an array."""
    return X.iloc[rows] if isinstance(X, pd.DataFrame) else X[rows]


def predict_output(model: Any, X: Any, task: str) -> dict[str, np.ndarray]:
    """What :func:`advisor.check.evaluation.score` reads: ``proba`` (class probabilities,
    or softmaxed decision scores), ``label`` and ``classes`` for a classifier, ``value``
    for a regressor."""
    if task == "regression":
        return {"value": np.asarray(model.predict(X), dtype=float)}
    classes = model.classes_
    if hasattr(model, "predict_proba"):
        proba = model.predict_proba(X)
    else:
        decision = np.asarray(model.decision_function(X), dtype=float)
        if decision.ndim == 1:
            decision = np.column_stack([-decision, decision])
        decision -= decision.max(axis=1, keepdims=True)
        proba = np.exp(decision) / np.exp(decision).sum(axis=1, keepdims=True)
    label = classes[np.argmax(proba, axis=1)]
    return {"proba": np.asarray(proba, dtype=float), "label": label, "classes": classes}
