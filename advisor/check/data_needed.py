"""How much data would change the answer, as the report carries it: each family's curve
carried forward (:mod:`advisor.check.extrapolate` fits it), where the curves cross, and
the rows a target score needs, with the words for people. Light: no numpy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from advisor.terms import metric_display

MULTIPLES = (2, 5, 10)
STATUS_WORDS = {
    "flat": "its curve is flat: more data is not expected to change its score",
    "noisy": "its curve is too noisy to carry forward",
    "too_few_points": "its curve has too few points to carry forward",
}


@dataclass(frozen=True)
class Prediction:
    """The score expected at ``multiple`` times the training rows, with an 80 % interval."""

    multiple: int
    rows: int
    score: float
    low: float
    high: float


@dataclass(frozen=True)
class Extrapolation:
    """One model's curve carried forward, or why it is not."""

    model: str
    family: str
    status: str  # "ok", "flat", "noisy" or "too_few_points"
    rows: int  # training rows of the full fit
    predictions: tuple[Prediction, ...] = ()
    asymptote: float | None = None  # the score the law levels off at
    rows_for_target: int | None = None  # training rows to reach --target-score
    target_reachable: bool | None = None
    # the fitted law (a, b, c) on the goodness scale; not in the JSON, not compared
    params: tuple[float, float, float] | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "family": self.family,
            "status": self.status,
            "rows": self.rows,
            "predictions": [p.__dict__ for p in self.predictions],
            "asymptote": self.asymptote,
            "rows_for_target": self.rows_for_target,
            "target_reachable": self.target_reachable,
        }


@dataclass(frozen=True)
class DataNeeded:
    """Both families' curves carried forward, where they cross, and the target's rows."""

    metric: str
    classical: Extrapolation | None
    deep_learning: Extrapolation | None
    crossing: tuple[float, int] | None = None  # (multiple of the data, training rows)
    target_score: float | None = None

    def summary(self) -> str:
        """In words: each curve at 10x the data, where they cross, the target's rows."""
        sentences = [_family_words(e) for e in (self.classical, self.deep_learning) if e]
        both = self.classical and self.deep_learning
        if both and self.classical.status == self.deep_learning.status == "ok":
            if self.crossing is not None:
                multiple, rows = self.crossing
                sentences.append(
                    f"{self.deep_learning.model} is expected to overtake "
                    f"{self.classical.model} at about {multiple:g}x the data "
                    f"({rows:,} training rows)."
                )
            else:
                sentences.append("The curves are not expected to cross within 10x the data.")
        if self.target_score is not None:
            name = metric_display(self.metric)
            parts = [
                _target_words(e) for e in (self.classical, self.deep_learning) if e is not None
            ]
            sentences.append(f"To reach {name} {self.target_score:g}: " + "; ".join(parts) + ".")
        return " ".join(sentences)

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "classical": self.classical.to_dict() if self.classical else None,
            "deep_learning": self.deep_learning.to_dict() if self.deep_learning else None,
            "crossing": (
                None
                if self.crossing is None
                else {"multiple": self.crossing[0], "rows": self.crossing[1]}
            ),
            "target_score": self.target_score,
            "summary": self.summary(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DataNeeded:
        crossing = data.get("crossing")
        return cls(
            metric=data["metric"],
            classical=_extrapolation(data.get("classical")),
            deep_learning=_extrapolation(data.get("deep_learning")),
            crossing=None if crossing is None else (crossing["multiple"], crossing["rows"]),
            target_score=data.get("target_score"),
        )


def _family_words(e: Extrapolation) -> str:
    if e.status != "ok":
        return f"{e.model}: {STATUS_WORDS[e.status]}."
    ten = e.predictions[-1]
    return (
        f"{e.model}: about {ten.score:.4f} at {ten.multiple}x the data ({ten.rows:,} training "
        f"rows; 80 % interval {min(ten.low, ten.high):.4f} to {max(ten.low, ten.high):.4f}), "
        f"levelling off near {e.asymptote:.4f}."
    )


def _target_words(e: Extrapolation) -> str:
    if e.status != "ok":
        return f"no estimate for {e.model}"
    if not e.target_reachable:
        return f"not reached by {e.model} on its curve (it levels off near {e.asymptote:.4f})"
    if e.rows_for_target is not None and e.rows_for_target <= e.rows:
        return f"{e.model} reaches it with the data in hand"
    return f"about {e.rows_for_target:,} training rows for {e.model}"


def _extrapolation(data: dict[str, Any] | None) -> Extrapolation | None:
    if data is None:
        return None
    return Extrapolation(
        model=data["model"],
        family=data["family"],
        status=data["status"],
        rows=data["rows"],
        predictions=tuple(Prediction(**p) for p in data.get("predictions", ())),
        asymptote=data.get("asymptote"),
        rows_for_target=data.get("rows_for_target"),
        target_reachable=data.get("target_reachable"),
    )
