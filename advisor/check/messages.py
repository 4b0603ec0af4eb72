"""What crosses the boundary between the study and the processes that run its jobs.

Requests go out (a job's data and its orders), messages come back one at a time as the
work finishes (so what finished before a deadline still counts). Each kind is a small
frozen dataclass: a receiver tells them apart by type, never by which keys are present.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

import numpy as np


class Stop(str, Enum):
    """How a fit ended. Only ``DEADLINE`` means it might have done better with more time."""

    EARLY_STOPPING = "early_stopping"  # its validation score stopped improving
    MAX_ITER = "max_iter"  # it ran all the boosting rounds it was allowed
    MAX_EPOCHS = "max_epochs"  # it ran all the epochs it was allowed
    DEADLINE = "deadline"  # its deadline stopped it while still improving
    DEADLINE_ON_PLATEAU = "deadline_on_plateau"  # its deadline stopped it, already settled

    @property
    def by_deadline(self) -> bool:
        """Whether the clock ended it: its scores then depend on the machine's speed."""
        return self in (Stop.DEADLINE, Stop.DEADLINE_ON_PLATEAU)


@dataclass(frozen=True)
class Fit:
    """One fit scored on its test rows: every metric, how long it took, how it ended."""

    scores: dict[str, float]
    fit_seconds: float
    stopped_by: Stop | None = None  # None: an estimator that runs to its own end
    epochs: int | None = None  # a network's epochs
    predict_seconds: float | None = None  # predicting every test row at once
    predict_rows: int = 0  # the test rows predicted
    latency_seconds: float | None = None  # predicting one row alone

    @property
    def out_of_time(self) -> bool:
        """Whether its deadline stopped it while still improving (on a plateau, not)."""
        return self.stopped_by is Stop.DEADLINE


@dataclass(frozen=True)
class StudyData:
    """What every job of a study reads: the rows, the splits and the metrics. Sent to a
    worker once per job here; an executor that can share objects sends it once per study."""

    X: Any
    y: np.ndarray
    folds: tuple[tuple[np.ndarray, np.ndarray], ...]
    metrics: tuple[str, ...]


# --- requests -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluateRequest:
    """Cross-validate ``candidate`` on every split; for a network, then its learning curve.

    ``fits_end`` (monotonic) is when a cooperative candidate's split fits should be done,
    ``curve_end`` when its curve must be; ``grace`` is how much of torch's import may move
    both later (start-up, not training time).
    """

    candidate: Any  # advisor.check.ladder.Candidate
    context: Any  # advisor.check.ladder.Context
    fits_end: float
    curve: tuple[float, ...] = ()
    curve_end: float | None = None
    grace: float = 0.0


@dataclass(frozen=True)
class CurveRequest:
    """Fit ``candidate`` on ``fractions`` of each split's training rows by ``fits_end``;
    ``epochs`` (per split) caps a network at the examples its full fits saw."""

    candidate: Any
    context: Any
    fractions: tuple[float, ...]
    fits_end: float
    epochs: tuple[int | None, ...] | None = None


@dataclass(frozen=True)
class TuneRequest:
    """Search ``candidate``'s settings on the inner splits (``(train, validation)`` rows,
    each inside one outer training fold), a trial at a time, starting none that its
    estimated cost would carry past ``search_end``; at most ``max_trials``. ``estimate``
    is a trial's cost before any has run; ``grace`` as for :class:`EvaluateRequest`."""

    candidate: Any
    context: Any
    inner: tuple[tuple[np.ndarray, np.ndarray], ...]
    search_end: float
    max_trials: int
    estimate: float = 0.0
    grace: float = 0.0


@dataclass(frozen=True)
class InspectRequest:
    """Run the honesty guards and profile the data."""

    dataset: Any
    seed: int


# --- messages back --------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    """A network's child spent ``seconds`` importing torch: start-up, not training."""

    seconds: float


@dataclass(frozen=True)
class FoldScored:
    """A candidate's fit on split ``fold``."""

    fold: int
    fit: Fit


@dataclass(frozen=True)
class CurveScored:
    """A learning-curve fit: ``fraction`` of split ``fold``'s training rows (``train_rows``)."""

    fraction: float
    fold: int
    train_rows: int
    fit: Fit


@dataclass(frozen=True)
class CurveFailed:
    """A learning-curve fit that could not be made, and why (``error_line``)."""

    fraction: float
    fold: int
    error: str


@dataclass(frozen=True)
class TrialScored:
    """One tuning trial: its settings, its mean inner validation score (``None`` when it
    failed), whether it ran to the end, was pruned or failed, and its seconds."""

    number: int
    params: dict[str, Any]
    score: float | None
    state: str  # "complete", "pruned" or "failed"
    seconds: float


@dataclass(frozen=True)
class GuardWarnings:
    """What the honesty guards found, in words."""

    warnings: tuple[str, ...]


@dataclass(frozen=True)
class DataProfile:
    """The data's profile (``Profile.to_dict()``)."""

    profile: dict[str, Any]


# A line of a long message that names an exception ("ValueError: ..."): scikit-learn's
# cross-validation wraps each inner failure in a traceback inside its own message.
_ERROR_LINE = re.compile(r"^\w*(Error|Exception|Warning): \S")
MAX_ERROR = 300  # characters of a reason kept for the report


def error_line(exc: BaseException) -> str:
    """Why ``exc`` happened, in one line for people: its type and the line of its message
    that says what went wrong."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    named = [line for line in lines if _ERROR_LINE.match(line)]
    if named:
        text = named[-1]
    else:
        text = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return text if len(text) <= MAX_ERROR else text[: MAX_ERROR - 1] + "…"
