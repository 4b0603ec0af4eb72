"""An honest "inconclusive": when a tie may come from too small a budget, what would tell.

A measured tie is advice-worthy in two cases, and each has its own estimate:

- **The network was cut off while still improving** (its deadline, not early stopping,
  ended training in some splits). The network's share of the budget is a fixed fraction
  (:mod:`advisor.check.plan`), so its training time per split grows in proportion to the
  budget less start-up. How much more training it needs is not measured: the estimate is
  the budget that *doubles* its training time, the least change that could settle it,
  and the advice says to double again if it is still cut off there.
- **The learning curve says deep learning is gaining** (:class:`~advisor.check.curve.Trend`:
  the gap moved towards the network by more than the noise). The gain per doubling of the
  training rows, from the curve's first to its last point, extrapolated at the same pace,
  gives the rows at which the network would lead by more than the noise. When the check
  sampled the data, the budget whose row cap keeps that many rows
  (:func:`advisor.check.sampling.seconds_for_rows`, plus start-up) is the estimate; when
  it did not, no budget adds rows, and the advice says more data would tell instead.

Both are rough: a straight line on a log scale of the rows, and training that improves
at least as much with twice the time. The advice states the basis with the number.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from advisor.check.curve import Trend, gap_words
from advisor.check.result import ModelResult
from advisor.terms import METRICS

MAX_DOUBLINGS = 6  # beyond 64 times the rows, a straight-line extrapolation says nothing


@dataclass(frozen=True)
class Run:
    """What the advice reads of a run besides its verdict."""

    metric: str
    budget: float  # seconds
    start_up: float  # seconds of the budget spent before the models started
    rows: int  # rows the check ran on
    rows_total: int  # rows in the input
    seconds_for_rows: Callable[[int], float]  # the models' seconds that keep so many rows


def advise(
    verdict: str,
    outcome: str,
    best_n: ModelResult | None,
    trend: Trend | None,
    run: Run,
) -> str | None:
    """What would settle a tie that too small a budget may explain, or ``None``."""
    if verdict != "tie" or outcome != "measured" or best_n is None:
        return None
    cut = best_n.deadline_stops.while_improving
    gaining = trend is not None and trend.gaining
    if not cut and not gaining:
        return None
    parts = []
    if cut:
        parts.append(_cut_off(best_n, cut, run))
    if gaining:
        parts.append(_gaining(trend, run))
    text = " ".join(parts)
    text = text[0].lower() + text[1:]  # it follows a colon
    if cut or run.rows < run.rows_total:
        return "The budget was too small to tell: " + text
    return "The data may be too small to tell: " + text


def nice_seconds(seconds: float) -> int:
    """A budget people would type: up to 10 s steps below 2 minutes, 30 s below 10, then
    whole minutes; always rounded up."""
    step = 10 if seconds < 120 else 30 if seconds < 600 else 60
    return int(math.ceil(seconds / step) * step)


def _cut_off(best_n: ModelResult, cut: int, run: Run) -> str:
    splits = len(best_n.fold_scores)
    doubled = run.start_up + 2 * (run.budget - run.start_up)
    return (
        f"{best_n.name} was still improving when its time ran out in {cut} of {splits} "
        f"splits ({best_n.fit_seconds:.1f} s of training per split). A --budget of about "
        f"{nice_seconds(doubled)} s doubles its training time (its share of the budget is "
        "fixed); if it is still cut off there, double it again."
    )


def _gaining(trend: Trend, run: Run) -> str:
    higher = METRICS[run.metric].higher_is_better
    doubling = math.log2(trend.rows_last / max(trend.rows_first, 1))
    per_doubling = trend.change / max(doubling, 1e-9)
    now, target = trend.gaps[-1], trend.noise
    standing = (
        f"leads by {gap_words(now, higher)}" if now > 0 else f"trails by {gap_words(-now, higher)}"
    )
    words = (
        f"Deep learning gains {gap_words(per_doubling, higher)} per doubling of the training "
        f"rows ({trend.rows_first:,} to {trend.rows_last:,}) and {standing} with all of them"
    )
    if now >= target:
        needed = run.rows * 2
        words += (
            f", more than the noise of the folds but not consistently across them; twice the "
            f"rows (about {needed:,}) would tell."
        )
    else:
        doublings = math.ceil((target - now) / per_doubling)
        if doublings > MAX_DOUBLINGS:
            return words + (
                f"; at that pace it would take more than {2**MAX_DOUBLINGS} times as many rows "
                f"to lead by more than {gap_words(target, higher)}, too far to extrapolate."
            )
        needed = run.rows * 2**doublings
        words += (
            f"; at that pace it would lead by more than {gap_words(target, higher)} at about "
            f"{needed:,} rows."
        )
    if run.rows >= run.rows_total:
        return words + (
            f" This data has {run.rows:,} rows, so a larger budget adds none: more data would "
            "settle it."
        )
    usable = min(needed, run.rows_total)
    budget = nice_seconds(run.start_up + run.seconds_for_rows(usable))
    words += (
        f" The check sampled {run.rows:,} of {run.rows_total:,} rows for the budget; a "
        f"--budget of about {budget} s lets it use {usable:,} (the rows it samples grow in "
        "proportion to the budget)"
    )
    if needed > run.rows_total:
        return words + ", though even all of them may not settle it."
    return words + "."
