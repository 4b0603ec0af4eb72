"""One run's candidates as jobs on an executor, and the results they bring back.

:class:`Study` turns the ladder into jobs for :func:`~advisor.check.lanes.run_jobs`: each
candidate's cross-validation (for the network, its learning curve after it, in the same
worker), then a job per point of the best classical model's curve, which waits for the
ladder to finish. Each job runs on the :class:`~advisor.check.executor.Executor`; what comes
back is turned into results by the pure functions of :mod:`advisor.check.aggregate`.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from advisor.check import aggregate, spare, tuning, worker
from advisor.check.evaluation import higher_is_better
from advisor.check.executor import Executor, Running
from advisor.check.ladder import Candidate, Context
from advisor.check.lanes import Job, run_jobs
from advisor.check.messages import (
    CurveFailed,
    CurveRequest,
    CurveScored,
    EvaluateRequest,
    FoldScored,
    Imported,
    StudyData,
    TrialScored,
    TuneRequest,
)
from advisor.check.plan import (
    CHILD_START,
    PASS_SAFETY,
    Slot,
    TimePlan,
    passes_that_fit,
    split_spare,
)
from advisor.check.result import CurvePoint, ModelResult

Progress = Callable[[str, dict[str, Any]], None]
CURVE_FRACTIONS = (0.25, 0.5)  # the 100 % point is the cross-validated score itself
MIN_SLOT = 1.0  # seconds: no job gets less than this while its group has time
# The families in the order their jobs are queued: the network first (on one lane it has
# its share before the ladder; on two it takes a lane of its own), then the floor and the
# classical ladder.
ORDER = ("deep_learning", "baseline", "classical")


@dataclass
class Study:
    """The candidates of one run, the plan of its time, and the results so far."""

    data: StudyData
    context: Context
    candidates: list[Candidate]
    plan: TimePlan
    executor: Executor
    results: list[ModelResult] = field(default_factory=list)
    curve_points: dict[tuple[str, float], CurvePoint] = field(default_factory=dict)
    # Per model, why a curve fit could not be made (an error, not the clock).
    curve_failures: dict[str, str] = field(default_factory=dict)
    # The splits of the passes of cross-validation after the first, pass after pass, for
    # the time the first pass leaves (empty: no repeats).
    repeat_folds: tuple[tuple[Any, Any], ...] = ()
    repeats: int = 1  # passes of cross-validation the compared models completed
    imported: float = 0.0  # seconds the network's child spent importing torch
    tune: bool = True  # whether spare time goes to tuning (see plan.split_spare)
    # How the spare time was split, and what tuning did with its part.
    spare_time: spare.SpareTime | None = None

    def __post_init__(self) -> None:
        self.by_name = {c.name: c for c in self.candidates}
        self.rank = {c.name: index for index, c in enumerate(self.candidates)}
        self.ladder_done = threading.Event()  # every candidate but the network has a result

    def run(self, notify: Progress) -> None:
        """Run every job, then keep the results in ladder order, however the lanes ran;
        then, in the time left, tuning (see :meth:`tune_spare`) and the repeated passes
        (see :meth:`repeat`)."""
        run_jobs(
            self.jobs(),
            lanes=self.plan.lanes,
            notify=notify,
            min_slot=MIN_SLOT,
            on_interrupt=self.executor.stop_all,
        )
        self.results.sort(key=lambda r: self.rank[r.name])
        self.tune_spare(notify)
        self.results.sort(key=lambda r: self.rank[r.name])
        if self.repeat_folds:
            job = Job("repeats", 1.0, self.plan.repeats_end, self.repeat)
            run_jobs([job], lanes=1, notify=notify, on_interrupt=self.executor.stop_all)

    def jobs(self) -> list[Job]:
        """The ladder's jobs in the order they run, then the classical curve's points
        (smallest share of the rows first: time a quick fit leaves passes on)."""
        ladder = [
            self._candidate_job(c)
            for family in ORDER
            for c in self.candidates
            if c.family == family
        ]
        return ladder + [self._curve_job(fraction) for fraction in CURVE_FRACTIONS]

    def best(self, family: str) -> ModelResult | None:
        """The family's best model so far; on a tie, the first in ladder order."""
        ordered = sorted(self.results, key=lambda r: self.rank[r.name])
        return aggregate.best(ordered, family, self.data.metrics[0])

    def curve(self, model: ModelResult) -> list[CurvePoint]:
        """The points of ``model``'s learning curve that finished, then 100 % of the rows."""
        points = [
            self.curve_points[model.name, f]
            for f in CURVE_FRACTIONS
            if (model.name, f) in self.curve_points
        ]
        return [*points, aggregate.full_point(model, self.context.rows)]

    # --- jobs ---------------------------------------------------------------------------------

    def _candidate_job(self, candidate: Candidate) -> Job:
        """The candidate's cross-validation, sharing its family's time; for the network,
        its learning curve too.

        A rung that runs while its family has no score yet claims all of the family's
        time left: a family without a score leaves the verdict nothing to compare, and on
        a few thousand images each rung of five even shares can be too short to finish
        (so none would), where the first, given the time, does.
        """
        weight = 0.0 if candidate.skip else candidate.weight
        curve = CURVE_FRACTIONS if candidate.family == "deep_learning" else ()
        until = self.plan.family_ends[candidate.family]
        return Job(
            candidate.family,
            weight,
            until,
            lambda slot, notify: self._cross_validate(candidate, slot, notify, curve),
            claims=None if candidate.skip else lambda: not self._scored(candidate.family),
        )

    def _scored(self, family: str) -> bool:
        """Whether a model of ``family`` has a score."""
        return any(r.family == family and r.status == "ok" for r in list(self.results))

    def _curve_job(self, fraction: float) -> Job:
        """One point of the best classical model's curve, once the ladder is done, sharing
        the curves' time in proportion to its share of the rows."""

        def run(slot: Slot, notify: Progress) -> None:
            best = self.best("classical")
            if best is not None:
                self._curve_point(self.by_name[best.name], fraction, slot, notify)

        return Job("curve", fraction, self.plan.curve_end, run, after=self.ladder_done)

    def _cross_validate(
        self, candidate: Candidate, slot: Slot, notify: Progress, curve: tuple[float, ...]
    ) -> None:
        if candidate.skip:
            skipped = ModelResult(
                candidate.name,
                candidate.family,
                None,
                None,
                0.0,
                "skipped",
                message=candidate.skip,
            )
            self._record(skipped)
            notify("candidate_skipped", self._info(candidate, reason=candidate.skip))
            return
        notify("candidate_start", self._info(candidate, seconds=round(slot.seconds, 1)))
        request = EvaluateRequest(
            candidate,
            self.context,
            fits_end=min(slot.soft_end, self.plan.network_fits_end) if curve else slot.soft_end,
            curve=curve,
            curve_end=slot.soft_end,
            grace=slot.grace(self.plan.curve_end),
        )
        if not candidate.isolated:
            # The dummy floor cannot hang, and a worker process would cost more than it.
            sent: list[Any] = []
            worker.evaluate(sent.append, self.data, request)
            self._finish(candidate, self._result(candidate, sent, "ok", None), notify)
            return
        running = self.executor.start(worker.evaluate, self.data, request)
        folds: list[FoldScored] = []
        point: dict[str, Any] = {"fraction": None, "fits": []}  # the curve point under way

        def arrived(message: Any) -> None:
            if isinstance(message, Imported):  # torch's import is start-up, not training
                running.extend(message.seconds)
                self.imported = message.seconds
            elif isinstance(message, FoldScored):
                folds.append(message)
                if len(folds) == len(self.data.folds) and curve:
                    self._finish(candidate, self._result(candidate, folds, "ok", None), notify)
                    point["fraction"] = curve[0]
                    if aggregate.curve_after([m.fit for m in folds]):
                        notify("curve_start", self._info(candidate, fraction=curve[0]))
            elif isinstance(message, CurveFailed):
                self.curve_failures.setdefault(candidate.name, message.error)
            elif isinstance(message, CurveScored):
                if message.fraction != point["fraction"]:
                    self._point(candidate, point["fraction"], point["fits"], "ok", notify)
                    point.update(fraction=message.fraction, fits=[])
                    notify("curve_start", self._info(candidate, fraction=message.fraction))
                point["fits"].append(message)

        outcome = running.wait(deadline=slot.deadline, on_message=arrived)
        if point["fraction"] is None:
            result = self._result(candidate, folds, outcome.status, outcome.error, outcome.seconds)
            self._finish(candidate, result, notify)
        elif aggregate.curve_after([m.fit for m in folds]):
            if outcome.status == "failed":
                self.curve_failures.setdefault(candidate.name, outcome.error or "it failed")
            self._point(candidate, point["fraction"], point["fits"], outcome.status, notify)

    def _curve_point(
        self, candidate: Candidate, fraction: float, slot: Slot, notify: Progress
    ) -> None:
        notify("curve_start", self._info(candidate, fraction=fraction))
        request = CurveRequest(candidate, self.context, (fraction,), slot.soft_end)
        running = self.executor.start(worker.learning_curve, self.data, request)
        outcome = running.wait(deadline=slot.deadline)
        fits = [m for m in outcome.messages if isinstance(m, CurveScored)]
        failed = [m.error for m in outcome.messages if isinstance(m, CurveFailed)]
        if outcome.status == "failed":
            failed.append(outcome.error or "its process ended without a result")
        if failed:
            self.curve_failures.setdefault(candidate.name, failed[0])
        self._point(candidate, fraction, fits, outcome.status, notify)

    # --- tuning -------------------------------------------------------------------------------

    def tune_spare(self, notify: Progress) -> None:
        """Split the time left before the repeats' end (:func:`~advisor.check.plan.split_spare`)
        and tune each family's strongest tunable candidate in its part (:meth:`_tune`); a
        family that is not tuned says why. ``spare_time`` records the split and the searches."""
        now = time.monotonic()
        split = split_spare(
            self.plan.repeats_end - now,
            lanes=self.plan.lanes,
            tune=self.tune,
            repeats=bool(self.repeat_folds),
        )
        done: dict[str, spare.FamilyTuning] = {}
        jobs = []
        for family in ("deep_learning", "classical"):
            seconds = split.tuning[family]
            candidate = self._to_tune(family)
            if not self.tune:
                done[family] = spare.FamilyTuning(family, spare.SWITCHED_OFF)
            elif seconds <= 0:
                done[family] = spare.FamilyTuning(family, spare.NO_TIME)
            elif candidate is None:
                done[family] = spare.FamilyTuning(family, spare.NO_MODEL, seconds)
            else:
                side_by_side = self.plan.lanes > 1
                jobs.append(
                    Job(
                        f"tuning {family}" if side_by_side else "tuning",
                        1.0 if side_by_side else seconds,
                        now + split.window,
                        functools.partial(self._tune, family, candidate, seconds, done),
                    )
                )
        if jobs:
            run_jobs(
                jobs,
                lanes=min(self.plan.lanes, len(jobs)),
                notify=notify,
                min_slot=0.0,
                on_interrupt=self.executor.stop_all,
            )
        self.spare_time = spare.SpareTime(
            split.seconds,
            dict(split.tuning),
            split.repeats,
            tuple(done[f] for f in ("classical", "deep_learning")),
        )

    def _to_tune(self, family: str) -> Candidate | None:
        """The family's best scored candidate that has a search space."""
        sign = 1.0 if higher_is_better(self.data.metrics[0]) else -1.0
        scored = [
            r
            for r in self.results
            if r.family == family and r.status == "ok" and tuning.tunable(self.by_name[r.name])
        ]
        if not scored:
            return None
        best = max(scored, key=lambda r: (sign * r.score, -self.rank[r.name]))
        return self.by_name[best.name]

    def _tune(
        self,
        family: str,
        candidate: Candidate,
        seconds: float,
        done: dict[str, spare.FamilyTuning],
        slot: Slot,
        notify: Progress,
    ) -> None:
        """Search ``candidate``'s settings until the slot less the time its refit needs,
        then cross-validate the winner on the outer splits as a model of its own."""
        result = next(r for r in self.results if r.name == candidate.name)
        k = len(self.data.folds)
        start_up = CHILD_START + (self.imported if family == "deep_learning" else 0.0)
        refit = PASS_SAFETY * k * result.fit_seconds + start_up
        search_end = slot.deadline - refit
        # A trial fits on four fifths of each split's training rows.
        estimate = k * result.fit_seconds * (1 - tuning.INNER_SHARE)
        if search_end - time.monotonic() < tuning.TRIAL_SAFETY * estimate + start_up:
            done[family] = spare.FamilyTuning(family, spare.NO_TIME, seconds, candidate.name)
            return
        notify("tuning_start", self._info(candidate, seconds=round(slot.seconds, 1)))
        inner = tuning.inner_splits(
            self.data.folds, self.data.y, self.context.task, seed=self.context.seed
        )
        request = TuneRequest(
            candidate, self.context, inner, search_end, tuning.MAX_TRIALS, estimate
        )
        running = self.executor.start(tuning.tune, self.data, request)
        outcome = running.wait(deadline=search_end + CHILD_START)
        trials = [m for m in outcome.messages if isinstance(m, TrialScored)]
        found = tuning.family_tuning(family, candidate, seconds, trials, self.data.metrics[0])
        done[family] = found
        notify("tuning_finish", self._info(candidate, trials=len(trials), status=found.status))
        if found.tuned_model is None or found.best_params is None:
            return
        tuned = tuning.tuned_candidate(candidate, found.best_params)
        self.by_name[tuned.name] = tuned
        self.rank[tuned.name] = self.rank[candidate.name] + 0.5
        now = time.monotonic()
        self._cross_validate(tuned, Slot(now, max(0.0, slot.deadline - now)), notify, ())

    # --- repeated passes ----------------------------------------------------------------------

    def repeat(self, slot: Slot, notify: Progress) -> None:
        """More passes of cross-validation of the best classical and the best neural model
        (and the floor, which costs nothing), as many as fit in ``slot``
        (:func:`~advisor.check.plan.passes_that_fit`), on the same splits for all three.

        A model that the clock cut short in the first pass gets as much time per fit as its
        fits took there, so that the pairs compare like with like; one that stopped by
        itself gets more, so as to stop by itself again. Only passes that both models
        completed count: their scores become the models' ``repeat_scores``, and
        ``repeats`` counts the passes.
        """
        c, n = self.best("classical"), self.best("deep_learning")
        floor = next((f for f in self.candidates if f.family == "baseline"), None)
        if c is None or n is None:
            return
        k = len(self.data.folds)
        passes = passes_that_fit(
            slot.deadline - time.monotonic(),
            classical=c.fit_seconds,
            neural=n.fit_seconds,
            start_up=self.imported,
            lanes=self.plan.lanes,
            folds=k,
            most=len(self.repeat_folds) // k,
        )
        if not passes:
            return
        data = StudyData(
            self.data.X, self.data.y, self.repeat_folds[: passes * k], self.data.metrics
        )
        notify("repeats_start", {"name": f"{c.name}, {n.name}", "passes": passes})

        def start(model: ModelResult) -> Running:
            per_fit = model.fit_seconds * (1.0 if model.deadline_stops.any else PASS_SAFETY)
            return self._start_pass(self.by_name[model.name], data, passes * k * per_fit, slot)

        side_by_side = self.plan.lanes > 1
        first = start(c)
        second = start(n) if side_by_side else None
        scored_c = self._wait_pass(first, slot.deadline)
        scored_n = self._wait_pass(second or start(n), slot.deadline)
        done = sorted(_complete(scored_c, passes, k) & _complete(scored_n, passes, k))
        by_name = {c.name: scored_c, n.name: scored_n}
        if floor is not None and done:
            sent: list[Any] = []
            request = EvaluateRequest(floor, self.context, fits_end=slot.soft_end)
            worker.evaluate(sent.append, data, request)
            by_name[floor.name] = {m.fold: m for m in sent if isinstance(m, FoldScored)}
        metric = self.data.metrics[0]
        wanted = [p * k + i for p in done for i in range(k)]
        for index, result in enumerate(self.results):
            scored = by_name.get(result.name, {})
            if wanted and all(split in scored for split in wanted):
                scores = tuple(float(scored[split].fit.scores[metric]) for split in wanted)
                self.results[index] = dataclasses.replace(result, repeat_scores=scores)
        self.repeats = 1 + len(done)
        notify("repeats_finish", {"name": f"{c.name}, {n.name}", "repeats": self.repeats})

    def _start_pass(
        self, candidate: Candidate, data: StudyData, seconds: float, slot: Slot
    ) -> Running:
        """Start ``candidate``'s fits on ``data``; a cooperative fit gets ``seconds`` in
        all, as in the first pass, and stops by the slot's soft end whatever happens."""
        request = EvaluateRequest(
            candidate,
            self.context,
            fits_end=min(time.monotonic() + seconds, slot.soft_end),
            grace=max(0.0, slot.soft_end - time.monotonic() - seconds),
        )
        return self.executor.start(worker.evaluate, data, request)

    def _wait_pass(self, running: Running, deadline: float) -> dict[int, FoldScored]:
        outcome = running.wait(deadline=deadline)
        return {m.fold: m for m in outcome.messages if isinstance(m, FoldScored)}

    # --- results ------------------------------------------------------------------------------

    def _result(
        self,
        candidate: Candidate,
        messages: list[Any],
        status: str,
        error: str | None,
        waited: float = 0.0,
    ) -> ModelResult:
        return aggregate.model_result(
            candidate.name,
            candidate.family,
            [m for m in messages if isinstance(m, FoldScored)],
            splits=len(self.data.folds),
            metrics=self.data.metrics,
            status=status,
            error=error,
            waited=waited,
        )

    def _point(
        self,
        candidate: Candidate,
        fraction: float,
        fits: list[CurveScored],
        status: str,
        notify: Progress,
    ) -> None:
        point = aggregate.curve_point(
            candidate.name, candidate.family, fraction, fits, self.data.metrics[0]
        )
        if point is not None:
            self.curve_points[candidate.name, fraction] = point
        notify("curve_finish", self._info(candidate, fraction=fraction, status=status))

    def _record(self, result: ModelResult) -> None:
        self.results.append(result)
        others = [c for c in self.candidates if c.family != "deep_learning"]
        if sum(r.family != "deep_learning" for r in self.results) == len(others):
            self.ladder_done.set()

    def _finish(self, candidate: Candidate, result: ModelResult, notify: Progress) -> None:
        self._record(result)
        info = self._info(
            candidate, status=result.status, score=result.score, seconds=result.fit_seconds
        )
        notify("candidate_finish", info)

    def _info(self, candidate: Candidate, **extra: Any) -> dict[str, Any]:
        return {
            "name": candidate.name,
            "family": candidate.family,
            "done": len(self.results),
            "total": len(self.candidates),
            **extra,
        }


def _complete(scored: dict[int, FoldScored], passes: int, folds: int) -> set[int]:
    """The passes of which every split was scored."""
    return {p for p in range(passes) if all(p * folds + i in scored for i in range(folds))}
