"""What changed between two feasibility reports: the data, each model's score against the
noise of its folds, and the verdict.

Teams re-run the check as their data grows; a change counts only when it is larger than
what a re-run with another seed would show. A model's change is beyond the noise when
Welch's t-test on the two runs' fold scores gives p < ``P_CHANGE`` and the difference is at
least the verdict rule's smallest difference (:func:`~advisor.check.evaluation.delta`).
The folds of two runs are not paired (other rows, another seed), hence Welch's test and not
the paired one the verdict uses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from advisor.check.evaluation import delta
from advisor.check.result import FeasibilityReport, ModelResult
from advisor.errors import ReportError
from advisor.terms import METRICS

SCHEMA = "advisor.comparison/1"
P_CHANGE = 0.05


@dataclass(frozen=True)
class ScoreChange:
    """One model in both runs: its mean scores, their difference, and whether it is real."""

    model: str
    family: str
    before: float | None
    after: float | None
    change: float | None  # after - before, in the metric's units
    p_value: float | None  # Welch's t-test on the fold scores
    beyond_noise: bool

    def words(self) -> str:
        if self.change is None:
            side = "the old" if self.before is None else "the new"
            return f"not scored in {side} run"
        if self.beyond_noise:
            return f"changed (p = {self.p_value:.3g})"
        return "within the noise of the folds"


@dataclass(frozen=True)
class ReportChange:
    """Two reports side by side."""

    metric: str
    higher_is_better: bool
    data: dict[str, Any]  # name, rows and rows_total of each run
    models: tuple[ScoreChange, ...]
    verdict_before: str
    verdict_after: str

    @property
    def real_changes(self) -> tuple[ScoreChange, ...]:
        return tuple(m for m in self.models if m.beyond_noise)

    def summary(self) -> str:
        """In one or two sentences: did the verdict move, did any score move beyond noise."""
        if self.verdict_before != self.verdict_after:
            verdict = f"The verdict changed: {self.verdict_before} → {self.verdict_after}."
        else:
            verdict = f"The verdict is unchanged ({self.verdict_after})."
        moved = self.real_changes
        if not moved:
            return verdict + " No score changed beyond the noise of the folds."
        better = [m.model for m in moved if (m.change > 0) == self.higher_is_better]
        worse = [m.model for m in moved if m.model not in better]
        parts = []
        if better:
            parts.append(f"better: {', '.join(better)}")
        if worse:
            parts.append(f"worse: {', '.join(worse)}")
        return verdict + " Beyond the noise of the folds, " + "; ".join(parts) + "."

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "metric": self.metric,
            "higher_is_better": self.higher_is_better,
            "data": self.data,
            "verdict": {"before": self.verdict_before, "after": self.verdict_after},
            "models": [m.__dict__ for m in self.models],
            "summary": self.summary(),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)


def compare_reports(old: FeasibilityReport, new: FeasibilityReport) -> ReportChange:
    """Compare ``new`` with ``old``; a :class:`ReportError` when they measure different
    things (another metric: another task, or an overridden metric)."""
    if old.metric != new.metric:
        raise ReportError(
            f"The reports measure different metrics ({old.metric} and {new.metric}): compare "
            "two checks of the same task with the same --metric."
        )
    before = {m.name: m for m in old.models}
    after = {m.name: m for m in new.models}
    names = [m.name for m in new.models] + [n for n in before if n not in after]
    models = tuple(_change(before.get(name), after.get(name), new.metric) for name in names)
    return ReportChange(
        metric=new.metric,
        higher_is_better=new.higher_is_better,
        data={
            "before": {"dataset": old.dataset, "rows": old.rows, "rows_total": old.rows_total},
            "after": {"dataset": new.dataset, "rows": new.rows, "rows_total": new.rows_total},
        },
        models=models,
        verdict_before=old.verdict,
        verdict_after=new.verdict,
    )


def _change(old: ModelResult | None, new: ModelResult | None, metric: str) -> ScoreChange:
    model = new or old
    score_before = old.score if old is not None else None
    score_after = new.score if new is not None else None
    if score_before is None or score_after is None:
        return ScoreChange(model.name, model.family, score_before, score_after, None, None, False)
    change = score_after - score_before
    p_value = _welch(old.fold_scores, new.fold_scores)
    # The verdict rule's smallest difference: in score units, or relative for an error.
    smallest = delta(metric) * (1.0 if METRICS[metric].higher_is_better else abs(score_before))
    beyond = p_value is not None and p_value < P_CHANGE and abs(change) >= smallest
    return ScoreChange(
        model.name,
        model.family,
        score_before,
        score_after,
        round(change, 6),
        None if p_value is None else round(p_value, 6),
        beyond,
    )


def _welch(before: tuple[float, ...], after: tuple[float, ...]) -> float | None:
    from scipy import stats

    if len(before) < 2 or len(after) < 2:
        return None
    if max(before) == min(before) and max(after) == min(after):
        return 0.0 if before[0] != after[0] else 1.0  # no spread: any difference is real
    return float(stats.ttest_ind(after, before, equal_var=False).pvalue)
