"""How much data would change the answer: learning curves extrapolated by a saturating
power law, with their uncertainty from the folds.

Each family's best model has a curve of mean scores at a few training sizes (25, 50 and
100 % of the training rows), each with the spread of its folds. On the "goodness" scale
(the score, or minus an error) the curve is fitted by ``g(n) = a - b n^(-c)`` with
``b >= 0`` and ``0 < c <= 2``: it rises and levels off at ``a`` (Hestness et al. 2017,
"Deep learning scaling is predictable, empirically"). The uncertainty is a parametric
bootstrap: the points are redrawn from their folds' standard errors and the law fitted
again; predictions are the median with an 80 % interval.

A curve that does not rise beyond its noise is "flat", and one whose 10x interval is wider
than what it has gained so far is "noisy": neither gets a number, only the words.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from advisor.check.data_needed import MULTIPLES, DataNeeded, Extrapolation, Prediction
from advisor.check.result import CurvePoint, ModelResult
from advisor.terms import METRICS

DRAWS = 400  # bootstrap refits
EXPONENTS = np.linspace(0.05, 2.0, 79)  # the grid the law's exponent is searched on
RESIDUAL_LIMIT = 3.0  # a point further than this many standard errors from the law: noisy
INTERVAL = (10, 90)  # percentiles: an 80 % interval
FOLDS = 5  # splits behind each point's spread


def extrapolate(
    points: Sequence[CurvePoint],
    metric: str,
    *,
    target_score: float | None = None,
    seed: int = 0,
) -> Extrapolation:
    """Fit one model's curve (its points at increasing training rows) and carry it to
    2x, 5x and 10x the data; with ``target_score``, the rows needed to reach it."""
    points = sorted(points, key=lambda p: p.train_rows)
    last = points[-1]
    base = Extrapolation(last.model, last.family, "too_few_points", last.train_rows)
    if len(points) < 3:
        return base
    sign = 1.0 if METRICS[metric].higher_is_better else -1.0
    n = np.array([p.train_rows for p in points], dtype=float)
    g = sign * np.array([p.score for p in points])
    se = np.maximum(np.array([p.score_std for p in points]) / np.sqrt(FOLDS), 1e-6)
    gained = g[-1] - g[0]
    if gained <= 2 * float(np.hypot(se[0], se[-1])):
        return _with(base, status="flat")
    fitted = _fit(n, g, se)
    if fitted is None:
        return _with(base, status="noisy")
    rng = np.random.default_rng(seed)
    draws = [d for d in _fit_many(n, g + rng.normal(0.0, se, (DRAWS, len(g))), se) if d]
    if len(draws) < DRAWS // 2:
        return _with(base, status="noisy")
    rows = last.train_rows
    # No curve may promise more than the metric's best (an accuracy above 1).
    best = METRICS[metric].best
    ceiling = np.inf if best is None else sign * best
    at = {m: np.minimum([_law(rows * m, *d) for d in draws], ceiling) for m in MULTIPLES}
    low, high = np.percentile(at[MULTIPLES[-1]], INTERVAL)
    if high - low > 2 * gained:
        return _with(base, status="noisy")
    predictions = tuple(
        Prediction(
            multiple=m,
            rows=rows * m,
            score=round(sign * float(np.median(at[m])), 6),
            low=round(sign * float(np.percentile(at[m], INTERVAL[0 if sign > 0 else 1])), 6),
            high=round(sign * float(np.percentile(at[m], INTERVAL[1 if sign > 0 else 0])), 6),
        )
        for m in MULTIPLES
    )
    a, b, c = fitted
    result = _with(
        base, status="ok", predictions=predictions, asymptote=round(sign * a, 6), params=fitted
    )
    if target_score is None:
        return result
    goal = sign * target_score
    if goal <= g[-1]:
        return _with(result, rows_for_target=rows, target_reachable=True)
    if goal >= a:
        return _with(result, target_reachable=False)
    needed = (b / (a - goal)) ** (1.0 / c)
    return _with(result, rows_for_target=int(np.ceil(needed)), target_reachable=True)


def data_needed(
    curve: Sequence[CurvePoint],
    best_c: ModelResult | None,
    best_n: ModelResult | None,
    metric: str,
    *,
    target_score: float | None = None,
    seed: int = 0,
) -> DataNeeded:
    """Both families' curves carried forward and where they cross (see the module)."""

    def carried(model: ModelResult | None) -> Extrapolation | None:
        if model is None:
            return None
        points = [p for p in curve if p.model == model.name]
        return extrapolate(points, metric, target_score=target_score, seed=seed)

    classical, neural = carried(best_c), carried(best_n)
    where = None
    if classical is not None and neural is not None:
        where = crossing(classical, neural, metric)
    return DataNeeded(metric, classical, neural, where, target_score)


def crossing(
    classical: Extrapolation, neural: Extrapolation, metric: str
) -> tuple[int, int] | None:
    """Where the neural curve is expected to overtake the classical one, as (multiple of
    the data, training rows), within 10x; None when both cannot be carried forward or they
    do not cross there."""
    if classical.params is None or neural.params is None:
        return None
    rows = max(classical.rows, neural.rows)
    multiples = np.geomspace(1.0, MULTIPLES[-1], 200)
    gap = _law(rows * multiples, *neural.params) - _law(rows * multiples, *classical.params)
    if gap[0] >= 0 or gap[-1] <= 0:
        return None
    first = int(np.argmax(gap > 0))
    return round(float(multiples[first]), 1), int(rows * multiples[first])


def _fit(n: np.ndarray, g: np.ndarray, se: np.ndarray) -> tuple[float, float, float] | None:
    """The law's (a, b, c) by weighted least squares, or None when it does not fit the
    points within their noise. For a fixed exponent c the law is linear in a and b, so c
    is searched on a grid and (a, b) solved in closed form: scipy's bounded curve_fit
    costs a hundred times more, and the bootstrap refits it hundreds of times."""
    fit = _fit_many(n, g[np.newaxis, :], se)[0]
    if fit is None:
        return None
    residuals = (g - np.array([_law(x, *fit) for x in n])) / se
    return fit if float(np.max(np.abs(residuals))) <= RESIDUAL_LIMIT else None


def _fit_many(
    n: np.ndarray, gs: np.ndarray, se: np.ndarray
) -> list[tuple[float, float, float] | None]:
    """:func:`_fit` for many curves over the same sizes at once (rows of ``gs``)."""
    w = 1.0 / se**2
    best = [None] * len(gs)
    best_cost = np.full(len(gs), np.inf)
    for c in EXPONENTS:
        x = -(n ** (-c))  # g = a + b * x with b >= 0
        sw, sx, sxx = w.sum(), (w * x).sum(), (w * x * x).sum()
        sy, sxy = gs @ w, gs @ (w * x)
        det = sw * sxx - sx * sx
        b = (sw * sxy - sx * sy) / det
        a = (sy - b * sx) / sw
        b = np.maximum(b, 0.0)
        a = np.where(b == 0.0, sy / sw, a)
        cost = ((gs - (a[:, None] + b[:, None] * x)) ** 2 * w).sum(axis=1)
        for i in np.flatnonzero((cost < best_cost) & (b > 0)):
            best_cost[i] = cost[i]
            best[i] = (float(a[i]), float(b[i]), float(c))
    return best


def _law(rows: Any, a: float, b: float, c: float) -> Any:
    return a - b * rows ** (-c)


def _with(result: Extrapolation, **changes: Any) -> Extrapolation:
    import dataclasses

    return dataclasses.replace(result, **changes)
