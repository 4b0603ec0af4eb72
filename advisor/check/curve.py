"""The learning curve in words: is the neural network gaining on the classical model as
data grows?

:func:`trend` reads the numbers once (the gap between the two models at the smallest and
the largest share of the rows, and whether its change is more than noise);
:func:`describe_curve` puts them in words, and the advice of :mod:`advisor.check.advice`
reads the same :class:`Trend`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from advisor.check.evaluation import delta
from advisor.check.result import CurvePoint, ModelResult
from advisor.terms import METRICS


@dataclass(frozen=True)
class Trend:
    """The gap between the best neural and the best classical model along the curve.

    A gap is positive where the network is better: in score units, or for an error metric
    relative to the classical model's error at the largest share. ``noise`` is the least
    change that counts as a trend: the verdict's δ, or the largest fold spread (score_std)
    of the four points compared, whichever is larger.
    """

    first: float  # the smallest share of the training rows both curves reached
    last: float  # the largest (1.0: all of them)
    rows_first: int
    rows_last: int
    gaps: tuple[float, ...]  # at every share both curves reached, smallest first
    noise: float

    @property
    def change(self) -> float:
        """How much the gap moved towards the network from the first share to the last."""
        return self.gaps[-1] - self.gaps[0]

    @property
    def gaining(self) -> bool:
        """Whether deep learning gains on the classical model beyond the noise."""
        return self.change > self.noise

    @property
    def losing(self) -> bool:
        """Whether the classical model gains more, beyond the noise."""
        return self.change < -self.noise

    @property
    def leads(self) -> bool:
        """Whether the network is better at every share."""
        return all(gap > 0 for gap in self.gaps)


def trend(
    curve: Sequence[CurvePoint], best_c: ModelResult, best_n: ModelResult, metric: str
) -> Trend | None:
    """The gap along the curve, or ``None`` when the two curves share fewer than two
    points."""

    def at(name: str) -> dict[float, CurvePoint]:
        return {p.fraction: p for p in curve if p.model == name}

    c, n = at(best_c.name), at(best_n.name)
    shared = sorted(set(c) & set(n))
    if len(shared) < 2:
        return None
    first, last = shared[0], shared[-1]
    higher = METRICS[metric].higher_is_better
    sign = 1 if higher else -1
    scale = 1.0 if higher else max(abs(c[last].score), 1e-12)
    gaps = tuple(sign * (n[f].score - c[f].score) / scale for f in shared)
    spread = max(p.score_std for p in (c[first], c[last], n[first], n[last])) / scale
    return Trend(
        first=first,
        last=last,
        rows_first=n[first].train_rows,
        rows_last=n[last].train_rows,
        gaps=gaps,
        noise=max(delta(metric), spread),
    )


def describe_curve(
    curve: Sequence[CurvePoint],
    best_c: ModelResult | None,
    best_n: ModelResult | None,
    metric: str,
    *,
    failures: Mapping[str, str] | None = None,
) -> str:
    """One or two sentences on the best classical and neural models' curves.

    ``failures`` says, per model, why its curve's fits could not be made (an error rather
    than the clock), so that the words blame the right thing.
    """
    if best_c is None or best_n is None:
        return "No learning curve: the two families could not both be measured."
    if len({p.fraction for p in curve if p.model == best_n.name}) < 2 and (
        best_n.deadline_stops.while_improving
    ):
        return (
            f"No learning curve for {best_n.name}: it was still improving when its time ran "
            "out, so fits on fewer rows would differ from it in training as much as in data; "
            "a larger --budget lets it finish training and shows the curve."
        )
    found = trend(curve, best_c, best_n, metric)
    if found is None:
        reasons = failures or {}
        failed = [(m, reasons[m]) for m in (best_c.name, best_n.name) if reasons.get(m)]
        if failed:
            return " ".join(
                f"No learning curve for {m}: its fits on fewer rows failed ({why})."
                for m, why in failed
            )
        return "The learning curve did not finish in time; give the check more time to see it."
    n = {p.fraction: p.score for p in curve if p.model == best_n.name}
    c = {p.fraction: p.score for p in curve if p.model == best_c.name}
    first, last = found.first, found.last
    words = (
        f"From {first:.0%} to {last:.0%} of the training rows, {best_n.name} went "
        f"{n[first]:.4f} → {n[last]:.4f} and {best_c.name} {c[first]:.4f} → {c[last]:.4f}"
    )
    higher = METRICS[metric].higher_is_better
    lead = gap_words(found.gaps[-1], higher)
    if found.leads:
        leads = (
            f": {best_n.name} leads at every size, by {gap_words(found.gaps[0], higher)} at "
            f"{first:.0%} and {lead} at {last:.0%}"
        )
        if found.gaining:
            ending = "deep learning is gaining as data grows, so more data may favour it further"
        elif found.losing:
            ending = "its lead narrows as data grows"
        else:
            ending = "the change is within the noise of the folds"
        return f"{words}{leads}; {ending}."
    if found.gaining:
        return words + ": deep learning is gaining as data grows, so more data may favour it."
    if found.losing:
        return (
            words
            + ": the classical model gains more from extra data; deep learning is not catching up."
        )
    return words + ": the gap stays about the same as data grows (within the noise of the folds)."


def gap_words(gap: float, higher: bool) -> str:
    """A gap as people read it: in score units, or relative for an error metric."""
    return f"{gap:.4f}" if higher else f"{gap:.1%} (relative)"
