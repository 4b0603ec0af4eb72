"""The learning curve in words: is the neural network gaining on the classical model as
data grows?"""

from __future__ import annotations

from collections.abc import Sequence

from advisor.check.evaluation import delta
from advisor.check.result import CurvePoint, ModelResult
from advisor.terms import METRICS


def describe_curve(
    curve: Sequence[CurvePoint],
    best_c: ModelResult | None,
    best_n: ModelResult | None,
    metric: str,
) -> str:
    """One or two sentences on the best classical and neural models' curves."""
    if best_c is None or best_n is None:
        return "No learning curve: the two families could not both be measured."

    def at(name: str) -> dict[float, float]:
        return {p.fraction: p.score for p in curve if p.model == name}

    c, n = at(best_c.name), at(best_n.name)
    shared = sorted(set(c) & set(n))
    if len(n) < 2 and best_n.deadline_stops.while_improving:
        return (
            f"No learning curve for {best_n.name}: it was still improving when its time ran "
            "out, so fits on fewer rows would differ from it in training as much as in data; "
            "a larger --budget lets it finish training and shows the curve."
        )
    if len(shared) < 2:
        return "The learning curve did not finish in time; give the check more time to see it."
    first, last = shared[0], shared[-1]
    higher = METRICS[metric].higher_is_better
    sign = 1 if higher else -1
    gap_first = sign * (n[first] - c[first])
    gap_last = sign * (n[last] - c[last])
    scale = 1.0 if higher else max(abs(c[last]), 1e-12)
    change = (gap_last - gap_first) / scale
    words = (
        f"From {first:.0%} to {last:.0%} of the training rows, {best_n.name} went "
        f"{n[first]:.4f} → {n[last]:.4f} and {best_c.name} {c[first]:.4f} → {c[last]:.4f}"
    )
    if change > delta(metric):
        return words + ": deep learning is gaining as data grows, so more data may favour it."
    if change < -delta(metric):
        return (
            words
            + ": the classical model gains more from extra data; deep learning is not catching up."
        )
    return words + ": the gap stays about the same as data grows."
