"""The check's result: a frozen :class:`FeasibilityReport` with a stable JSON form.

``to_dict()`` is the ``advisor.feasibility/1`` JSON (its JSON Schema is
``feasibility.schema.json`` beside this module); ``from_dict()`` reads it back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from advisor.check.compute import ComputeNeeded
from advisor.check.data_needed import DataNeeded
from advisor.check.executor import EngineInfo
from advisor.check.spare import SpareTime
from advisor.check.view import fmt_score, margin_words, unmeasured_reasons
from advisor.data.source import DataSource
from advisor.errors import ReportError

SCHEMA = "advisor.feasibility/1"
SCHEMA_FILE = Path(__file__).with_name("feasibility.schema.json")
STATUSES = ("ok", "timeout", "failed", "skipped")
# What a run could say: "measured" (a verdict by the rule), "no_signal" (no model beats the
# dummy floor beyond the noise of the folds) or "not_measured" (a family has no score).
OUTCOMES = ("measured", "no_signal", "not_measured")


@dataclass(frozen=True)
class DeadlineStops:
    """In how many splits a model's deadline, not the model itself, ended its training."""

    while_improving: int = 0  # more time might have raised its score
    on_plateau: int = 0  # it had settled; its best weights so far were kept

    @property
    def any(self) -> bool:
        """Whether the clock ended any split: its scores then depend on the machine's speed."""
        return bool(self.while_improving or self.on_plateau)

    def to_dict(self) -> dict[str, int]:
        return {"while_improving": self.while_improving, "on_plateau": self.on_plateau}


@dataclass(frozen=True)
class ModelResult:
    """One candidate's outcome: mean score across splits and its standard deviation."""

    name: str
    family: str  # "baseline", "classical" or "deep_learning"
    score: float | None
    score_std: float | None
    fit_seconds: float  # mean seconds per fit
    status: str  # "ok", "timeout", "failed" or "skipped"
    fold_scores: tuple[float, ...] = ()  # the primary metric on each split, in split order
    # The primary metric on the splits of the repeated passes of cross-validation (other
    # shuffles), pass after pass: only the compared models and the floor have them, all on
    # the same splits, so that they pair up with each other.
    repeat_scores: tuple[float, ...] = ()
    other_scores: dict[str, float] = field(default_factory=dict)  # secondary metrics (means)
    message: str | None = None  # why it timed out, failed, was skipped or was cut short
    deadline_stops: DeadlineStops = DeadlineStops()
    predict_row_seconds: float | None = None  # mean seconds a row, predicting a split's test rows
    latency_seconds: float | None = None  # median seconds to predict one row alone

    @property
    def paired_scores(self) -> tuple[float, ...]:
        """Every split's score the paired comparisons use: the first pass, then the
        repeats."""
        return self.fold_scores + self.repeat_scores

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "family": self.family,
            "score": self.score,
            "score_std": self.score_std,
            "fit_seconds": self.fit_seconds,
            "status": self.status,
            "fold_scores": list(self.fold_scores),
            "repeat_scores": list(self.repeat_scores),
            "other_scores": dict(self.other_scores),
            "message": self.message,
            "deadline_stops": self.deadline_stops.to_dict(),
            "predict_row_seconds": self.predict_row_seconds,
            "latency_seconds": self.latency_seconds,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelResult:
        return cls(
            name=data["name"],
            family=data["family"],
            score=data["score"],
            score_std=data["score_std"],
            fit_seconds=data["fit_seconds"],
            status=data["status"],
            fold_scores=tuple(data.get("fold_scores", ())),
            repeat_scores=tuple(data.get("repeat_scores", ())),
            other_scores=dict(data.get("other_scores", {})),
            message=data.get("message"),
            deadline_stops=DeadlineStops(**data.get("deadline_stops", {})),
            predict_row_seconds=data.get("predict_row_seconds"),
            latency_seconds=data.get("latency_seconds"),
        )


@dataclass(frozen=True)
class CurvePoint:
    """A learning-curve point: a model's score when trained on a share of the training rows."""

    model: str
    family: str
    fraction: float
    train_rows: int
    score: float
    score_std: float
    fit_seconds: float | None = None  # mean seconds per fit at this share of the rows

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CurvePoint:
        return cls(
            model=data["model"],
            family=data["family"],
            fraction=data["fraction"],
            train_rows=data["train_rows"],
            score=data["score"],
            score_std=data.get("score_std", 0.0),
            fit_seconds=data.get("fit_seconds"),
        )


@dataclass(frozen=True)
class FeasibilityReport:
    """Everything the check measured, and the verdict by the fixed rule."""

    task: str
    modality: str
    metric: str
    higher_is_better: bool
    verdict: str
    margin: float | None  # mean per-split d, positive when the neural model is better
    p_value: float | None  # one-sided paired t-test in the direction of the margin
    best_classical: ModelResult | None
    best_deep_learning: ModelResult | None
    models: tuple[ModelResult, ...]
    learning_curve: tuple[CurvePoint, ...]
    curve_summary: str
    warnings: tuple[str, ...]
    budget_seconds: float
    elapsed_seconds: float
    profile: dict[str, Any]
    dataset: str
    rows: int  # rows the check ran on
    rows_total: int  # rows in the input, before any sampling
    evaluation: str  # how the splits were made, in words
    seed: int
    other_metrics: tuple[str, ...] = ()
    outcome: str = "measured"  # one of OUTCOMES
    unmeasured: tuple[str, ...] = ()  # the families without a score ("classical", ...)
    advice: str | None = None  # when a tie may come from too small a budget: what would tell
    repeats: int = 1  # passes of cross-validation the compared models ran
    data_needed: DataNeeded | None = None  # the curves carried to more data
    engine: EngineInfo | None = None  # what ran the jobs (None in reports from before)
    compute: ComputeNeeded | None = None  # the measured speeds carried to the full data
    spare_time: SpareTime | None = None  # how the time the first pass left was spent
    # The file or folder checked (None for a bundled example: there is no file to train
    # on, and the project's own demo data stands in for it).
    source: DataSource | None = None

    @property
    def relative_margin(self) -> bool:
        """Whether ``margin`` is a relative difference (error metrics) or in score units."""
        return not self.higher_is_better

    @property
    def pairs(self) -> int:
        """How many paired splits the verdict compared (0 when nothing was)."""
        if self.best_classical is None or self.best_deep_learning is None:
            return 0
        return len(self.best_deep_learning.paired_scores)

    def sentence(self) -> str:
        """The verdict in one sentence, with its numbers, then the advice if any."""
        return " ".join(part for part in (self.verdict_words(), self.advice) if part)

    def verdict_words(self) -> str:
        """The verdict in one sentence with its numbers: what was measured, or that a
        family was not, or that nothing beat the dummy floor."""
        c, n = self.best_classical, self.best_deep_learning
        if self.outcome == "not_measured" or c is None or n is None:
            return self._not_measured_words()
        if self.outcome == "no_signal":
            return self._no_signal_words(c, n)
        over = f" over {self.pairs} paired splits" if self.repeats > 1 else ""
        numbers = (
            f"{n.name} {self.metric} {fmt_score(n.score)} vs {c.name} {fmt_score(c.score)}; "
            f"margin {margin_words(self)}{over}, p = {self.p_value:.3g}"
        )
        if self.verdict == "classical":
            return f"Classical: {c.name} beats the neural network ({numbers})."
        if self.verdict == "deep_learning":
            return f"Deep learning: {n.name} beats the best classical model ({numbers})."
        return f"Tie: the neural network does not clearly beat or lose to {c.name} ({numbers})."

    def _not_measured_words(self) -> str:
        families = self.unmeasured or tuple(
            family
            for family, best in (("classical", self.best_classical),
                                 ("deep_learning", self.best_deep_learning))
            if best is None
        )  # fmt: skip
        if len(families) > 1:
            which = "neither a classical nor a neural model"
        else:
            which = "no classical model" if families == ("classical",) else "no neural model"
        reasons, out_of_time = unmeasured_reasons(self, families)
        why = f" ({reasons})" if reasons else ""
        if out_of_time or not reasons:
            action = "give the check more time (a larger --budget)"
        else:
            action = "a larger --budget does not change a failure; see why each failed"
        return (
            f"Not measured: {which} produced a score within the {self.budget_seconds:g} s "
            f"budget{why}, so nothing was compared; {action}."
        )

    def _no_signal_words(self, c: ModelResult, n: ModelResult) -> str:
        sign = 1 if self.higher_is_better else -1
        best = max((c, n), key=lambda m: sign * (m.score or 0.0))
        floor = next((m for m in self.models if m.family == "baseline"), None)
        against = f" vs dummy {fmt_score(floor.score)}" if floor is not None else ""
        return (
            f"No signal: no model beats the dummy floor ({best.name} {self.metric} "
            f"{fmt_score(best.score)}{against}) beyond the noise of the folds; the features "
            "may not predict the target, so neither family has anything to learn from this "
            "data."
        )

    def to_dict(self) -> dict[str, Any]:
        """The stable ``advisor.feasibility/1`` JSON form."""
        return {
            "schema": SCHEMA,
            "task": self.task,
            "modality": self.modality,
            "metric": self.metric,
            "higher_is_better": self.higher_is_better,
            "verdict": self.verdict,
            "margin": self.margin,
            "p_value": self.p_value,
            "summary": self.sentence(),
            "outcome": self.outcome,
            "unmeasured": list(self.unmeasured),
            "advice": self.advice,
            "repeats": self.repeats,
            "data_needed": self.data_needed.to_dict() if self.data_needed else None,
            "engine": self.engine.to_dict() if self.engine else None,
            "compute": self.compute.to_dict() if self.compute else None,
            "spare_time": self.spare_time.to_dict() if self.spare_time else None,
            "best_classical": self.best_classical.to_dict() if self.best_classical else None,
            "best_deep_learning": (
                self.best_deep_learning.to_dict() if self.best_deep_learning else None
            ),
            "models": [m.to_dict() for m in self.models],
            "learning_curve": [p.to_dict() for p in self.learning_curve],
            "curve_summary": self.curve_summary,
            "warnings": list(self.warnings),
            "budget_seconds": self.budget_seconds,
            "elapsed_seconds": self.elapsed_seconds,
            "profile": self.profile,
            "dataset": self.dataset,
            "rows": self.rows,
            "rows_total": self.rows_total,
            "evaluation": self.evaluation,
            "seed": self.seed,
            "other_metrics": list(self.other_metrics),
            "source": self.source.to_dict() if self.source else None,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeasibilityReport:
        """Read the JSON form back; anything that is not one is a :class:`ReportError`."""
        validate(data)
        best_c, best_n = data["best_classical"], data["best_deep_learning"]
        return cls(
            task=data["task"],
            modality=data["modality"],
            metric=data["metric"],
            higher_is_better=data["higher_is_better"],
            verdict=data["verdict"],
            margin=data["margin"],
            p_value=data["p_value"],
            best_classical=ModelResult.from_dict(best_c) if best_c else None,
            best_deep_learning=ModelResult.from_dict(best_n) if best_n else None,
            models=tuple(ModelResult.from_dict(m) for m in data["models"]),
            learning_curve=tuple(CurvePoint.from_dict(p) for p in data["learning_curve"]),
            curve_summary=data.get("curve_summary", ""),
            warnings=tuple(data["warnings"]),
            budget_seconds=data["budget_seconds"],
            elapsed_seconds=data["elapsed_seconds"],
            profile=data["profile"],
            dataset=data.get("dataset", ""),
            rows=data.get("rows", 0),
            rows_total=data.get("rows_total", 0),
            evaluation=data.get("evaluation", ""),
            seed=data.get("seed", 0),
            other_metrics=tuple(data.get("other_metrics", ())),
            outcome=data.get("outcome", "measured"),
            unmeasured=tuple(data.get("unmeasured", ())),
            advice=data.get("advice"),
            repeats=data.get("repeats", 1),
            data_needed=(
                DataNeeded.from_dict(data["data_needed"]) if data.get("data_needed") else None
            ),
            engine=EngineInfo.from_dict(data["engine"]) if data.get("engine") else None,
            compute=ComputeNeeded.from_dict(data["compute"]) if data.get("compute") else None,
            source=DataSource.from_dict(data["source"]) if data.get("source") else None,
            spare_time=(
                SpareTime.from_dict(data["spare_time"]) if data.get("spare_time") else None
            ),
        )


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema of ``advisor.feasibility/1``."""
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def validate(data: Any) -> None:
    """Raise :class:`ReportError` naming the first problem if ``data`` is not a report."""
    import jsonschema

    try:
        jsonschema.validate(data, schema())
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "the top level"
        raise ReportError(
            f"Not an {SCHEMA} report: at {where}, {exc.message[:160]}. "
            "Give the report.json that 'advisor check --report DIR' writes."
        ) from None
