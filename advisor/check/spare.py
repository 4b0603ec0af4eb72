"""How the time the first pass of a check leaves was spent: the report's ``spare_time``.

The plan splits it (:func:`advisor.check.plan.split_spare`) between tuning
(:mod:`advisor.check.tuning`) and the repeated passes of cross-validation; these records
say how, and what each family's search tried and what won. Kept apart from the tuner so
that reading a report imports no model library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_REPORTED = 20  # trials listed in the report per family (all are counted)
# Reasons a family is not tuned, in the report's words.
NO_TIME = "not tuned: no time left"
SWITCHED_OFF = "not tuned: switched off"
NO_MODEL = "not tuned: no model of this family with a search space has a score"
NO_TRIAL = "not tuned: no trial finished"


@dataclass(frozen=True)
class FamilyTuning:
    """One family's search: the model searched, the seconds the plan gave it, the trials
    (at most ``MAX_REPORTED`` listed; ``trials_run`` counts them all), the winner on the
    inner splits, and the model it became (``None`` when the ladder's settings won or
    nothing was tuned; ``status`` says which)."""

    family: str
    status: str  # "tuned", "the ladder's settings won", or a "not tuned: ..." reason
    seconds: float = 0.0
    model: str | None = None
    trials_run: int = 0
    trials: tuple[dict[str, Any], ...] = ()
    best_params: dict[str, Any] | None = None
    best_score: float | None = None
    tuned_model: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "model": self.model,
            "trials_run": self.trials_run,
            "trials": [dict(t) for t in self.trials],
            "best_params": self.best_params,
            "best_score": self.best_score,
            "tuned_model": self.tuned_model,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FamilyTuning:
        return cls(
            family=data["family"],
            status=data["status"],
            seconds=data.get("seconds", 0.0),
            model=data.get("model"),
            trials_run=data.get("trials_run", 0),
            trials=tuple(data.get("trials", ())),
            best_params=data.get("best_params"),
            best_score=data.get("best_score"),
            tuned_model=data.get("tuned_model"),
        )

    def summary(self) -> str:
        """One line for people: what was searched and what won, or why nothing was."""
        if self.model is None or not self.trials_run:
            return f"{self.family}: {self.status}"
        won = ""
        if self.best_params is not None:
            settings = ", ".join(f"{k}={_short(v)}" for k, v in self.best_params.items())
            won = f"; best {settings} (inner {_short(self.best_score)})"
        made = f" -> {self.tuned_model}" if self.tuned_model else f" ({self.status})"
        return (
            f"{self.family}: {self.model}, {self.trials_run} trials in "
            f"{self.seconds:.0f} s{won}{made}"
        )


@dataclass(frozen=True)
class SpareTime:
    """How the time the first pass left was split, and what tuning did with its part."""

    seconds: float  # spare seconds when the ladder ended
    tuning_seconds: dict[str, float] = field(default_factory=dict)  # per family, as planned
    repeats_seconds: float = 0.0  # what the plan left to the repeated cross-validation
    families: tuple[FamilyTuning, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "seconds": round(self.seconds, 3),
            "tuning_seconds": {k: round(v, 3) for k, v in self.tuning_seconds.items()},
            "repeats_seconds": round(self.repeats_seconds, 3),
            "families": [f.to_dict() for f in self.families],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SpareTime:
        return cls(
            seconds=data["seconds"],
            tuning_seconds=dict(data.get("tuning_seconds", {})),
            repeats_seconds=data.get("repeats_seconds", 0.0),
            families=tuple(FamilyTuning.from_dict(f) for f in data.get("families", ())),
        )

    def summary(self) -> str:
        """What tuning did, family by family, in one line each."""
        return "\n".join(f.summary() for f in self.families)


def _short(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
