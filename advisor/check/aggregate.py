"""From fits to results: pure functions that turn what the workers sent into a model's
result, a learning-curve point, and the ranking of the models."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from advisor.check.messages import CurveScored, Fit, FoldScored, Stop
from advisor.check.result import CurvePoint, DeadlineStops, ModelResult
from advisor.terms import METRICS


def curve_after(fits: Sequence[Fit]) -> bool:
    """Whether fits say something about data: not when a deadline stopped most of them
    while still improving. For a network's splits: whether its curve is worth fitting;
    for a curve point's fits: whether the point is kept."""
    return sum(fit.out_of_time for fit in fits) <= len(fits) // 2


def model_result(
    name: str,
    family: str,
    folds: Sequence[FoldScored],
    *,
    splits: int,
    metrics: tuple[str, ...],
    status: str = "ok",
    error: str | None = None,
    waited: float = 0.0,
) -> ModelResult:
    """A candidate's result from the fits of its splits (in any order) and how its job
    ended: ``status`` and ``error``, after ``waited`` seconds. Fewer fits than ``splits``
    is no score, and the message says why: the error of a fit that raised (the splits run
    in order, so it was the next one), or how far the clock let it get."""
    folds = sorted(folds, key=lambda m: m.fold)
    seconds = float(np.mean([m.fit.fit_seconds for m in folds])) if folds else waited
    if len(folds) < splits:
        status = status if status != "ok" else "failed"
        why = error or "did not finish every split"
        if status == "failed" and error:
            why += f" (in split {len(folds) + 1} of {splits})"
        elif folds:
            why += f" after {len(folds)} of {splits} splits"
        return ModelResult(name, family, None, None, round(seconds, 3), status, message=why)
    primary = np.array([m.fit.scores[metrics[0]] for m in folds])
    others = {
        metric: round(float(np.mean([m.fit.scores[metric] for m in folds])), 6)
        for metric in metrics[1:]
    }
    stops = DeadlineStops(
        while_improving=sum(m.fit.stopped_by is Stop.DEADLINE for m in folds),
        on_plateau=sum(m.fit.stopped_by is Stop.DEADLINE_ON_PLATEAU for m in folds),
    )
    return ModelResult(
        name=name,
        family=family,
        message=_cut_short_words(stops, len(folds)),
        score=round(float(primary.mean()), 6),
        score_std=round(float(primary.std(ddof=1)) if len(primary) > 1 else 0.0, 6),
        fit_seconds=round(seconds, 3),
        status="ok",
        fold_scores=tuple(float(s) for s in primary),
        other_scores=others,
        deadline_stops=stops,
        predict_row_seconds=_per_row([m.fit for m in folds]),
        latency_seconds=_median([m.fit.latency_seconds for m in folds]),
    )


def _per_row(fits: Sequence[Fit]) -> float | None:
    """Mean seconds a row over the splits' predictions of their test rows; None when the
    fits were not timed (messages from an older worker)."""
    timed = [f for f in fits if f.predict_seconds is not None and f.predict_rows]
    if not timed:
        return None
    return float(f"{np.mean([f.predict_seconds / f.predict_rows for f in timed]):.4g}")


def _median(values: Sequence[float | None]) -> float | None:
    # The median: one split's timing disturbed by other work should not move it.
    timed = [v for v in values if v is not None]
    return float(f"{np.median(timed):.4g}") if timed else None


def _cut_short_words(stops: DeadlineStops, splits: int) -> str | None:
    # Either way a deadline cut it short, so its scores depend on the machine's speed (the
    # same seed repeats exactly only what ran to its end): the message says so.
    notes = []
    if stops.while_improving:
        notes.append(
            f"reached its time limit in {stops.while_improving} of {splits} splits while still "
            "improving; a larger budget may raise its score"
        )
    if stops.on_plateau:
        notes.append(
            f"stopped at its time limit on a plateau in {stops.on_plateau} of {splits} "
            "splits, with its best weights so far"
        )
    return "; ".join(notes) or None


def curve_point(
    name: str, family: str, fraction: float, fits: Sequence[CurveScored], metric: str
) -> CurvePoint | None:
    """A point of a model's curve from the fits that finished; none when none did, or when
    most were stopped while still improving: it would measure the curve's time, not the
    data."""
    if not fits or not curve_after([m.fit for m in fits]):
        return None
    scores = np.array([m.fit.scores[metric] for m in fits])
    return CurvePoint(
        model=name,
        family=family,
        fraction=fraction,
        train_rows=int(np.mean([m.train_rows for m in fits])),
        score=round(float(scores.mean()), 6),
        score_std=round(float(scores.std()), 6),
        fit_seconds=round(float(np.mean([m.fit.fit_seconds for m in fits])), 4),
    )


def full_point(model: ModelResult, train_rows: int) -> CurvePoint:
    """The curve's 100 % point: the model's cross-validated score."""
    return CurvePoint(
        model=model.name,
        family=model.family,
        fraction=1.0,
        train_rows=train_rows,
        score=model.score,
        score_std=model.score_std or 0.0,
    )


def best(results: Sequence[ModelResult], family: str, metric: str) -> ModelResult | None:
    """The family's best scored model; on a tie, the first in ``results``' order."""
    scored = [r for r in results if r.family == family and r.status == "ok"]
    if not scored:
        return None
    sign = 1 if METRICS[metric].higher_is_better else -1
    return max(scored, key=lambda r: sign * r.score)


def ranked(results: Sequence[ModelResult], metric: str) -> list[ModelResult]:
    """Best first; models without a score last."""
    sign = -1 if METRICS[metric].higher_is_better else 1
    return sorted(results, key=lambda r: (r.score is None, sign * (r.score or 0.0)))
