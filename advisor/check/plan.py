"""The budget, and the time plan of a run: every window worked out once, then frozen.

The budget is split by fixed shares, so deep learning gets a fair share rather than what
the classical ladder leaves over:

- the network's cross-validation, then the classical ladder, each in its family's share;
- the learning curves, half of their share for each family;
- slack for starting children, the statistics and the report.

On one lane the network runs first and then the ladder. On two lanes (small data, two
free cores) the network and its curve run in one lane until the curves' end, the ladder
and then the best classical model's curve in the other.

Most small datasets finish all of that in a fraction of the budget. The time the first
pass leaves before the curves' end is spent twice over, as :func:`split_spare` decides,
the one place that does: first on tuning the strongest candidate of each family
(:mod:`advisor.check.tuning`), each family's share of it as of the training time; then
on statistical power: more passes of cross-validation (other shuffles) of the best
classical and the best neural model, so that the paired test sees more pairs.
:func:`passes_that_fit` says how many fit, from the two models' fit times; none run past
the curves' end.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

CLASSICAL_SHARE = 0.42
NEURAL_SHARE = 0.36
CURVE_SHARE = 0.14
SLACK = 0.08  # what is left: child start-up, statistics, the report
# The data checks are collected by this share of the budget before its end, leaving time
# for the statistics and the report.
REPORT_SHARE = 0.02
# How much earlier than its hard kill a cooperative fit is asked to stop, as a share of its
# slot, so that it can hand back its best weights before being killed.
COOPERATIVE_MARGIN = 0.12
MIN_MARGIN = 0.25  # seconds: the least of that margin
# Of its slot, at most this much of torch's import is not the network's time (and never
# past the curves' end: the guards, the statistics and the report come after it).
GRACE_SHARE = 0.25

# Passes of cross-validation at most for the two compared models: the first and two more.
CV_PASSES = 3
# A pass is started only when this many times its estimated cost fits in the time left:
# fit times vary between shuffles and on a busy machine.
PASS_SAFETY = 1.5
CHILD_START = 0.5  # seconds: starting a child and handing it the data
# Of the spare time, this share goes to tuning and the rest to the repeated passes: a tuned
# baseline is the number a project must beat, and a few more passes already give the
# paired test most of the pairs it can use.
TUNING_SHARE = 0.6
MIN_TUNING = 3.0  # seconds: a family given less than this is not tuned ("no time left")

Clock = Callable[[], float]


@dataclass(frozen=True)
class Budget:
    """A wall-clock budget of ``seconds`` that started at ``start`` (``time.monotonic()``)."""

    seconds: float
    start: float

    @property
    def end(self) -> float:
        return self.start + self.seconds

    def elapsed(self, clock: Clock = time.monotonic) -> float:
        return clock() - self.start

    def remaining(self, clock: Clock = time.monotonic) -> float:
        return max(0.0, self.end - clock())


@dataclass(frozen=True)
class Slot:
    """One job's time: its child is killed at ``deadline``; a cooperative fit is asked to
    end by ``soft_end``, early enough to hand back its best weights."""

    start: float
    seconds: float

    @property
    def deadline(self) -> float:
        return self.start + self.seconds

    @property
    def soft_end(self) -> float:
        return self.deadline - max(MIN_MARGIN, COOPERATIVE_MARGIN * self.seconds)

    def grace(self, latest: float) -> float:
        """How much of torch's import may move this slot later, ending by ``latest``."""
        return max(0.0, min(GRACE_SHARE * self.seconds, latest - self.deadline))


@dataclass(frozen=True)
class TimePlan:
    """When each part of a run must end (monotonic seconds), for a budget and its lanes.

    ``family_ends`` bounds each family's jobs; ``network_fits_end`` is when the network's
    split fits end so that its curve can follow in the same lane; every curve fit ends by
    ``curve_end``; the data checks are collected by ``inspection_end``.
    """

    budget: Budget  # the whole command's
    work: Budget  # what the models share: the budget less reading the data and starting
    lanes: int
    family_ends: Mapping[str, float]
    network_fits_end: float
    curve_end: float
    inspection_end: float

    @property
    def repeats_end(self) -> float:
        """When the repeated passes must end: the curves' end, so the report keeps its time."""
        return self.curve_end

    @property
    def start_up(self) -> float:
        """Seconds of the budget that reading the data and starting the workers took."""
        return self.work.start - self.budget.start


def work_budget(budget: Budget, clock: Clock = time.monotonic) -> Budget:
    """What the models share from now on: the budget less what has been spent."""
    return Budget(budget.remaining(clock), clock())


def plan_time(budget: Budget, work: Budget, *, lanes: int) -> TimePlan:
    """The plan of a run whose models share ``work`` of ``budget`` on ``lanes`` lanes."""
    neural_end = work.start + NEURAL_SHARE * work.seconds
    classical_end = neural_end + CLASSICAL_SHARE * work.seconds
    curve_end = work.start + (1.0 - SLACK) * work.seconds
    half_curve = CURVE_SHARE / 2 * work.seconds  # each family's half of the curves' time
    if lanes > 1:
        family_ends = {
            "baseline": classical_end,
            "classical": classical_end,
            "deep_learning": curve_end,
        }
        network_fits_end = curve_end - half_curve
    else:
        network_end = neural_end + half_curve
        family_ends = {
            "baseline": network_end,
            "deep_learning": network_end,
            "classical": classical_end + half_curve,
        }
        network_fits_end = neural_end
    return TimePlan(
        budget=budget,
        work=work,
        lanes=lanes,
        family_ends=family_ends,
        network_fits_end=network_fits_end,
        curve_end=curve_end,
        inspection_end=budget.end - REPORT_SHARE * budget.seconds,
    )


def passes_that_fit(
    seconds_left: float,
    *,
    classical: float,
    neural: float,
    start_up: float,
    lanes: int,
    folds: int,
    most: int,
) -> int:
    """How many more passes of cross-validation of the two compared models fit in
    ``seconds_left`` (at most ``most``).

    A pass costs ``folds`` fits of each model (``classical`` and ``neural`` seconds per
    fit): side by side on two lanes, one after the other on one. Starting the two children
    and ``start_up`` (the network's torch import) are paid once. The whole is planned at
    ``PASS_SAFETY`` times its estimate.
    """
    fits = (folds * classical, folds * neural)
    per_pass = max(max(fits) if lanes > 1 else sum(fits), 1e-3)
    usable = seconds_left / PASS_SAFETY - 2 * CHILD_START - start_up
    return max(0, min(most, int(usable / per_pass)))


@dataclass(frozen=True)
class SpareSplit:
    """How the spare seconds are split: ``tuning`` per family (each family's part; on one
    lane they follow each other, on two they run side by side, so the tuning takes
    ``window`` wall seconds at most) and ``repeats`` for the repeated passes, which also
    get whatever tuning leaves unused."""

    seconds: float
    tuning: Mapping[str, float]
    window: float
    repeats: float


def split_spare(seconds: float, *, lanes: int, tune: bool, repeats: bool) -> SpareSplit:
    """Split ``seconds`` of spare time between tuning and the repeated passes.

    Tuning gets ``TUNING_SHARE`` (all of it when no repeats can run, none when ``tune``
    is off), divided between the families as the training time is (``NEURAL_SHARE`` to
    ``CLASSICAL_SHARE``) on one lane, or the whole of it each, side by side, on two. A
    family whose part is under ``MIN_TUNING`` seconds gets none: the report says "no time
    left".
    """
    seconds = max(0.0, seconds)
    window = 0.0 if not tune else seconds * (TUNING_SHARE if repeats else 1.0)
    shares = {"deep_learning": NEURAL_SHARE, "classical": CLASSICAL_SHARE}
    total = sum(shares.values())
    tuning = {
        family: window if lanes > 1 else window * share / total for family, share in shares.items()
    }
    tuning = {family: (s if s >= MIN_TUNING else 0.0) for family, s in tuning.items()}
    used = max(tuning.values()) if lanes > 1 else sum(tuning.values())
    return SpareSplit(seconds, tuning, used, seconds - used)
