"""What a run may conclude: a verdict by the paired rule, "no signal", or "not measured".

:func:`judge` is the one place that reads the best model of each family and the dummy
floor and decides:

- ``not_measured`` when a family produced no score: there is nothing to compare, and the
  verdict stays ``tie`` with no margin;
- ``no_signal`` when neither family's best model beats the floor by the verdict's own rule
  (:func:`~advisor.check.evaluation.compare` of the model against the floor, paired split
  by split: mean d > δ with one-sided p < 0.1): the comparison of the two families would be
  a comparison of noise, so the verdict is ``tie``;
- otherwise the verdict of the paired rule on the two best models.

Every comparison uses all the pairs there are: the first pass of cross-validation and the
repeated passes (:attr:`~advisor.check.result.ModelResult.paired_scores`), in the test
corrected for splits that share their training rows (``test_share``, see
:func:`~advisor.check.evaluation.compare`).
"""

from __future__ import annotations

from dataclasses import dataclass

from advisor.check.evaluation import compare
from advisor.check.result import ModelResult


@dataclass(frozen=True)
class Judgement:
    """The verdict, its numbers and what kind of conclusion it is."""

    verdict: str
    outcome: str  # "measured", "no_signal" or "not_measured"
    margin: float | None = None
    p_value: float | None = None
    unmeasured: tuple[str, ...] = ()


def judge(
    metric: str,
    best_c: ModelResult | None,
    best_n: ModelResult | None,
    floor: ModelResult | None,
    *,
    test_share: float,
) -> Judgement:
    """Decide what the run can say (see the module docstring)."""
    missing = tuple(
        family
        for family, best in (("classical", best_c), ("deep_learning", best_n))
        if best is None
    )
    if best_c is None or best_n is None:
        return Judgement("tie", "not_measured", unmeasured=missing)
    comparison = compare(metric, *pairs(best_n, best_c), test_share=test_share)
    numbers = {"margin": comparison.margin, "p_value": comparison.p_value}
    if (
        floor is not None
        and floor.fold_scores
        and not any(beats_floor(metric, m, floor, test_share=test_share) for m in (best_c, best_n))
    ):
        return Judgement("tie", "no_signal", **numbers)
    return Judgement(comparison.verdict, "measured", **numbers)


def beats_floor(metric: str, model: ModelResult, floor: ModelResult, *, test_share: float) -> bool:
    """Whether ``model`` beats the dummy floor by the verdict's rule."""
    # compare() tests its first scores against its second: "deep_learning" means the first
    # are better, whichever family they come from.
    return compare(metric, *pairs(model, floor), test_share=test_share).verdict == "deep_learning"


def pairs(a: ModelResult, b: ModelResult) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The scores of ``a`` and ``b`` split by split: with the repeated passes when both ran
    the same ones, else the first pass."""
    if len(a.paired_scores) == len(b.paired_scores):
        return a.paired_scores, b.paired_scores
    return a.fold_scores, b.fold_scores
