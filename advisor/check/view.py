"""What a feasibility report shows, built once for every front end: the leaderboard's
columns and rows, the scores as text, the margin, the verdict's headline, why a family
was not measured, and the facts of the run in words.

The terminal (:mod:`advisor.cli.check`), the HTML report (:mod:`advisor.check.report`) and
the questionnaire (:mod:`advisor.app`) only lay these out. Nothing heavy is imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from advisor.terms import FAMILY_WORDS, metric_display

MISSING = "–"  # a score that was not measured


def fmt_score(value: float | None) -> str:
    """A score as people read it: four decimals, or a dash when there is none."""
    return MISSING if value is None else f"{value:.4f}"


@dataclass(frozen=True)
class Row:
    """One model's line of the leaderboard, as text."""

    model: str
    family: str  # the family's key: baseline, classical or deep_learning
    score: str
    std: str
    others: tuple[str, ...]  # the report's other metrics, in its order
    seconds: str  # mean seconds per fit
    status: str
    message: str | None  # why it timed out, failed, was skipped or was cut short

    @property
    def family_words(self) -> str:
        return FAMILY_WORDS[self.family]

    def cells(self) -> tuple[str, ...]:
        """The row under :func:`columns`."""
        return (
            self.model,
            self.family_words,
            self.score,
            self.std,
            *self.others,
            self.seconds,
            self.status,
        )


def columns(report: Any) -> tuple[str, ...]:
    """The leaderboard's column titles."""
    return (
        "model",
        "family",
        metric_display(report.metric),
        "± std",
        *(metric_display(m) for m in report.other_metrics),
        "s / fit",
        "status",
    )


def rows(report: Any) -> tuple[Row, ...]:
    """The leaderboard, best first (the report's own order)."""
    return tuple(
        Row(
            model=m.name,
            family=m.family,
            score=fmt_score(m.score),
            std=fmt_score(m.score_std),
            others=tuple(fmt_score(m.other_scores.get(o)) for o in report.other_metrics),
            seconds=f"{m.fit_seconds:.2f}",
            status=m.status,
            message=m.message,
        )
        for m in report.models
    )


def title(report: Any) -> str:
    """What the leaderboard ranks by, and which way is better."""
    better = "higher" if report.higher_is_better else "lower"
    return f"{metric_display(report.metric)}, {better} is better"


def leaderboard_splits(report: Any) -> str:
    """The splits the leaderboard's scores come from: the first pass of cross-validation.
    The report's ``evaluation`` words add the repeated passes after "; ": those serve the
    paired comparison, not the leaderboard."""
    return report.evaluation.split("; ")[0]


def margin_words(report: Any) -> str:
    """The margin in words: in score units, or relative for an error metric."""
    if report.margin is None:
        return "n/a"
    if not report.higher_is_better:
        return f"{report.margin:+.1%} (relative {report.metric})"
    return f"{report.margin:+.4f}"


def facts(report: Any) -> str:
    """How the run was made, in one line: splits, rows and time."""
    rows_words = f"{report.rows:,} rows"
    if report.rows_total > report.rows:
        rows_words = f"{report.rows:,} of {report.rows_total:,} rows (sampled)"
    return (
        f"{report.evaluation} · {rows_words} · "
        f"{report.elapsed_seconds:.1f} s of a {report.budget_seconds:g} s budget"
    )


OUTCOME_LABELS = {"no_signal": "No signal", "not_measured": "Not measured"}
VERDICT_LABELS = {"classical": "Classical", "deep_learning": "Deep learning", "tie": "Tie"}


def headline(report: Any) -> str:
    """The verdict in a word or two: a measured verdict, "No signal" or "Not measured"."""
    return OUTCOME_LABELS.get(report.outcome) or VERDICT_LABELS[report.verdict]


def unmeasured_reasons(report: Any, families: tuple[str, ...]) -> tuple[str, bool]:
    """Why ``families`` have no score, in words (what ran out of time, what failed and why,
    what was skipped), and whether any ran out of time: more time helps only those."""
    models = [m for m in report.models if m.family in families and m.score is None]
    timed_out = [m.name for m in models if m.status == "timeout"]
    parts = []
    if timed_out:
        parts.append(f"{', '.join(timed_out)} ran out of time")
    parts += [f"{m.name} failed: {m.message}" for m in models if m.status == "failed"]
    parts += [f"{m.name} was {m.message or 'skipped'}" for m in models if m.status == "skipped"]
    return "; ".join(parts), bool(timed_out)
