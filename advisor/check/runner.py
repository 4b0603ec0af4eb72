"""``run_check``: the time-boxed study of classical baselines against a neural network.

The order of a run, and where its time goes (see :mod:`advisor.check.budget`):

1. sample the data to what the budget can evaluate (stratified), and make the splits;
2. the neural candidate with its own fixed share of the budget, trained with a cooperative
   deadline (so it gets a fair share, not leftovers), then its learning curve in the same
   child (it is the only network, so the best one, and its child has imported torch);
   then the dummy floor;
3. the classical ladder, each candidate in a child process killed at the end of its slot;
   time that one candidate (or the neural network) does not use passes to the next;
4. the learning curve of the best classical model;
5. the honesty guards and the profile, in a child beside all this; then the paired
   comparison.

On small data with two free cores, steps 2–3 and then step 4 run two jobs at a time
(:func:`~advisor.check.budget.run_jobs`), each on one thread: the network and its curve
in one lane, the ladder in the other, both within the window the two families share.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from advisor.check import budget as timebox
from advisor.check import worker
from advisor.check.candidates import Candidate, Context, context_for, ladder, lanes_for, take
from advisor.check.evaluation import HIGHER_IS_BETTER, compare, delta, make_splits, metrics_for
from advisor.check.result import CurvePoint, FeasibilityReport, ModelResult
from advisor.errors import CheckError, ParameterError

Progress = Callable[[str, dict[str, Any]], None]
CURVE_FRACTIONS = (0.25, 0.5)  # the 100 % point is the cross-validated score itself
MIN_SLOT = 1.0  # seconds: no candidate gets less than this while the group has time
START_SHARE = 0.25  # start-up over this share of the budget gets a warning
STILL_IMPROVING = "reached its time limit"  # how a result stopped while improving begins
# Of its slot, at most this much of torch's import is not the network's time (and never
# past the curves' end: the guards, the statistics and the report come after it).
GRACE_SHARE = 0.25
MIN_ROWS = 20  # fewer rows than this cannot be split five ways and still say anything
# What a budget can evaluate: about this many table cells (rows × features) per second,
# image pixels per second, text rows per second; the rest of a large input is sampled out.
CELLS_PER_SECOND = 40_000
PIXELS_PER_SECOND = 150_000
TEXT_ROWS_PER_SECOND = 400
MAX_ROWS = 200_000


def run_check(
    dataset: Any,
    *,
    budget: float = 60.0,
    seed: int = 0,
    metric: str | None = None,
    time_ordered: bool = False,
    progress: Progress | None = None,
    started: float | None = None,
) -> Any:
    """Measure classical baselines against a neural network on ``dataset`` within ``budget``
    seconds, and return a :class:`~advisor.check.result.FeasibilityReport`.

    ``dataset`` is an :class:`advisor.data.Dataset` (``load_dataset`` / ``load_example``).
    ``metric`` overrides the task's default; ``time_ordered`` says rows are in time order
    (forward-chaining splits, no shuffling). ``progress(event, info)`` is called as
    candidates start and finish, always on the caller's thread. The budget runs from
    ``started`` (``time.monotonic()``) when given: the command line starts it before it
    reads the data, so the whole command keeps to it. Raises :class:`ParameterError` for
    bad arguments and :class:`CheckError` when the data cannot support a check.
    """
    _check_parameters(budget=budget, seed=seed)
    check_dataset(dataset)
    metrics = metrics_for(dataset.task, metric)
    notify = progress or (lambda event, info: None)
    timebox.warm_up()
    clock = timebox.Budget(float(budget), time.monotonic() if started is None else started)
    # What the models share: the budget less what reading the data and starting took.
    work = timebox.Budget.starting_now(clock.remaining())
    data, sample_note = sample_for_budget(dataset, budget=budget, seconds=work.seconds, seed=seed)
    splits = make_splits(np.asarray(data.y), data.task, seed=seed, time_ordered=time_ordered)
    train_rows = int(np.mean([len(train) for train, _ in splits.folds]))
    context = context_for(
        data.X,
        data.task,
        data.modality,
        rows=train_rows,
        seed=seed,
        text_column=data.text_column,
    )
    candidates = ladder(context)
    study = _Study(data=data, context=context, folds=splits.folds, metrics=metrics)
    study.plan(candidates, latest=work.start + (1.0 - timebox.SLACK) * work.seconds)
    lanes = lanes_for(context)  # before the guards' child below is counted as other work
    # The guards and the profile run beside the candidates, collected at the end.
    inspection = timebox.Child(worker.inspect, (data, seed))
    neural_end = work.start + timebox.NEURAL_SHARE * work.seconds
    classical_end = neural_end + timebox.CLASSICAL_SHARE * work.seconds
    curve_until = work.start + (1.0 - timebox.SLACK) * work.seconds
    half_curve = timebox.CURVE_SHARE / 2 * work.seconds  # each family's half of the curves'
    # Deep learning runs first (or in a lane of its own), bounded by its own share, then its
    # curve: a network that stops early (small data) leaves its time to the classical
    # ladder; one that needs it all keeps it. Side by side on two cores, each lane runs
    # until the curves' end: the network and its curve in one, the ladder and then the best
    # classical model's curve in the other.
    if lanes > 1:
        by_family = {
            "baseline": classical_end,
            "classical": classical_end,
            "deep_learning": curve_until,
        }
        network_fits_end = curve_until - half_curve
    else:
        network_end = neural_end + half_curve
        by_family = {
            "baseline": network_end,
            "deep_learning": network_end,
            "classical": classical_end + half_curve,
        }
        network_fits_end = neural_end
    order = ("deep_learning", "baseline", "classical")
    ladder_jobs = [
        study.job(c, until=by_family[c.family], fits_end=network_fits_end)
        for family in order
        for c in candidates
        if c.family == family
    ]
    # The best classical model's curve, once the ladder is done; on two lanes beside the
    # network's. Smallest share of the rows first: time a quick fit leaves passes on.
    curve_jobs = [study.curve_job(fraction, until=curve_until) for fraction in CURVE_FRACTIONS]
    timebox.run_jobs(ladder_jobs + curve_jobs, lanes=lanes, notify=notify, min_slot=MIN_SLOT)
    study.results.sort(key=lambda r: study.rank[r.name])  # ladder order, however lanes ran

    best_c, best_n = study.best("classical"), study.best("deep_learning")
    curve = [point for m in (best_c, best_n) if m is not None for point in study.curve(m)]

    warnings, profile = study.inspect(inspection, until=clock.end - 0.02 * budget)
    if sample_note:
        warnings.insert(0, sample_note)
    if work.start - clock.start > START_SHARE * budget:
        warnings.append(
            f"Reading the data and starting the workers took {work.start - clock.start:.1f} s "
            f"of the {budget:g} s budget, so the models had {work.seconds:.1f} s; a larger "
            "--budget gives them more."
        )
    warnings += [d for d in dataset.notes if d.startswith("Sampled")]
    unfinished = [
        m.name
        for m in study.results
        if m.family == "classical" and m.status in ("timeout", "failed")
    ]
    if unfinished and best_c is not None:
        warnings.append(
            f"Not every classical model finished: {', '.join(unfinished)} ran out of time or "
            f"failed, so the comparison is against {best_c.name}; a stronger classical model "
            "may exist. Run again with a larger --budget before trusting a deep-learning verdict."
        )
    verdict, margin, p_value = "tie", None, None
    if best_c is not None and best_n is not None:
        comparison = compare(metrics[0], best_n.fold_scores, best_c.fold_scores)
        verdict, margin, p_value = comparison.verdict, comparison.margin, comparison.p_value
    else:
        warnings.append(
            "No comparison: "
            + ("no classical model" if best_c is None else "no neural model")
            + " finished within the budget; give the check more time."
        )
    report = FeasibilityReport(
        task=data.task,
        modality=data.modality,
        metric=metrics[0],
        higher_is_better=HIGHER_IS_BETTER[metrics[0]],
        verdict=verdict,
        margin=margin,
        p_value=p_value,
        best_classical=best_c,
        best_deep_learning=best_n,
        models=tuple(_ranked(study.results, metrics[0])),
        learning_curve=tuple(curve),
        curve_summary=describe_curve(curve, best_c, best_n, metrics[0]),
        warnings=tuple(warnings),
        budget_seconds=float(budget),
        elapsed_seconds=round(clock.elapsed(), 3),
        profile=profile,
        dataset=data.name,
        rows=data.rows,
        rows_total=int(dataset.rows_total or dataset.rows),
        evaluation=splits.description,
        seed=seed,
        other_metrics=metrics[1:],
    )
    notify("finished", {"verdict": verdict, "sentence": report.sentence()})
    return report


def check_dataset(dataset: Any) -> None:
    """Raise :class:`CheckError` if the data cannot support a check at all."""
    if dataset.rows < MIN_ROWS:
        raise CheckError(
            f"{dataset.name} has {dataset.rows} rows: the check needs at least {MIN_ROWS} to "
            "split into five folds and compare models; collect more data first."
        )


def _check_parameters(*, budget: Any, seed: Any) -> None:
    if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not budget > 0:
        raise ParameterError(
            f"The 'budget' parameter of check must be a float > 0. Got {budget!r} instead."
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ParameterError(
            f"The 'seed' parameter of check must be an int >= 0. Got {seed!r} instead."
        )


# --- sampling -------------------------------------------------------------------------------


def row_cap(dataset: Any, budget: float) -> int:
    """How many rows the budget can evaluate for this kind of data."""
    if dataset.modality == "image":
        pixels = int(np.prod(np.asarray(dataset.X).shape[1:]))
        cap = PIXELS_PER_SECOND * budget / max(1, pixels)
    elif dataset.modality == "text":
        cap = TEXT_ROWS_PER_SECOND * budget
    else:
        cap = CELLS_PER_SECOND * budget / max(1, dataset.X.shape[1])
    return int(np.clip(cap, 1_000, MAX_ROWS))


def sample_for_budget(
    dataset: Any, *, budget: float, seed: int, seconds: float | None = None
) -> tuple[Any, str | None]:
    """A stratified sample (classes keep their shares) when the data exceed the row cap of
    the ``seconds`` of the ``budget`` the models have (all of it by default)."""
    cap = row_cap(dataset, budget if seconds is None else seconds)
    if dataset.rows <= cap:
        return dataset, None
    from sklearn.model_selection import train_test_split

    y = np.asarray(dataset.y)
    stratify = None
    if dataset.task != "regression" and np.unique(y, return_counts=True)[1].min() >= 2:
        stratify = y
    rows, _ = train_test_split(
        np.arange(len(y)), train_size=cap, random_state=seed, stratify=stratify
    )
    rows = np.sort(rows)
    X = take(dataset.X, rows)
    if hasattr(X, "reset_index"):
        X = X.reset_index(drop=True)
    sampled = replace(dataset, X=X, y=y[rows])
    total = int(dataset.rows_total or dataset.rows)
    kind = "stratified " if stratify is not None else ""
    note = (
        f"Sampled {cap:,} of {total:,} rows ({kind}random sample) to fit the "
        f"{budget:g} s budget; every score here is measured on that sample."
    )
    return sampled, note


# --- running the candidates -----------------------------------------------------------------


@dataclass
class _Study:
    """The state of one run: the data, the splits, and the results so far."""

    data: Any
    context: Context
    folds: tuple[tuple[np.ndarray, np.ndarray], ...]
    metrics: tuple[str, ...]

    def __post_init__(self) -> None:
        self.results: list[ModelResult] = []
        self.by_name: dict[str, Candidate] = {}
        self.rank: dict[str, int] = {}
        self.total = 0
        self.latest = float("inf")
        self.curve_points: dict[tuple[str, float], CurvePoint] = {}
        self.ladder_done = threading.Event()  # every candidate but the network has a result

    def plan(self, candidates: list[Candidate], *, latest: float) -> None:
        """The candidates, and when (monotonic) every job must have ended."""
        self.latest = latest
        self.by_name = {c.name: c for c in candidates}
        self.rank = {c.name: index for index, c in enumerate(candidates)}
        self.total = len(candidates)

    def best(self, family: str) -> ModelResult | None:
        """The family's best model so far; on a tie, the first in ladder order."""
        ordered = sorted(self.results, key=lambda r: self.rank[r.name])
        return _best(ordered, family, self.metrics[0])

    def _record(self, result: ModelResult) -> None:
        self.results.append(result)
        others = [c for c in self.by_name.values() if c.family != "deep_learning"]
        if sum(r.family != "deep_learning" for r in self.results) == len(others):
            self.ladder_done.set()

    def job(self, candidate: Candidate, *, until: float, fits_end: float) -> timebox.Job:
        """The candidate's cross-validation, as a job sharing its family's time; for the
        network, its learning curve too, after its fits end by ``fits_end`` (monotonic)."""
        weight = 0.0 if candidate.skip else candidate.weight
        curve = CURVE_FRACTIONS if candidate.family == "deep_learning" else ()
        return timebox.Job(
            candidate.family,
            weight,
            until,
            lambda slot, notify: self._run(candidate, slot, notify, curve, fits_end),
        )

    def curve_job(self, fraction: float, *, until: float) -> timebox.Job:
        """One point of the best classical model's learning curve, as a job that waits for
        the ladder and shares the curves' time in proportion to its share of the rows."""

        def run(slot: float, notify: Progress) -> None:
            best = self.best("classical")
            if best is not None:
                self._curve(self.by_name[best.name], fraction, slot, notify)

        return timebox.Job("curve", fraction, until, run, after=self.ladder_done)

    def _run(
        self,
        candidate: Candidate,
        slot: float,
        notify: Progress,
        curve: tuple[float, ...],
        fits_end: float,
    ) -> None:
        if candidate.skip:
            self._record(
                ModelResult(
                    candidate.name,
                    candidate.family,
                    None,
                    None,
                    0.0,
                    "skipped",
                    message=candidate.skip,
                )
            )
            notify("candidate_skipped", self._info(candidate, reason=candidate.skip))
            return
        notify("candidate_start", self._info(candidate, seconds=round(slot, 1)))
        self._evaluate(candidate, slot, notify, curve, fits_end)

    def _finish(self, candidate: Candidate, result: ModelResult, notify: Progress) -> None:
        self._record(result)
        notify(
            "candidate_finish",
            self._info(
                candidate, status=result.status, score=result.score, seconds=result.fit_seconds
            ),
        )

    def _info(self, candidate: Candidate, **extra: Any) -> dict[str, Any]:
        return {
            "name": candidate.name,
            "family": candidate.family,
            "done": len(self.results),
            "total": self.total,
            **extra,
        }

    def _evaluate(
        self,
        candidate: Candidate,
        slot: float,
        notify: Progress,
        curve: tuple[float, ...],
        fits_end: float,
    ) -> None:
        """Run the candidate's job and report it as its messages come: the result once
        every split is in, then (for the network) each point of its curve."""
        deadline = time.monotonic() + slot
        soft_end = deadline - max(0.25, timebox.COOPERATIVE_MARGIN * slot)
        job = (
            candidate,
            self.context,
            self.data.X,
            np.asarray(self.data.y),
            self.folds,
            self.metrics,
            min(soft_end, fits_end) if curve else soft_end,
            curve,
            soft_end,
            max(0.0, min(GRACE_SHARE * slot, self.latest - deadline)),
        )
        if not candidate.isolated:
            # The dummy floor cannot hang, and a child process would cost more than it.
            started, sent = time.monotonic(), []
            worker.evaluate(sent.append, *job)
            result = self._result(candidate, sent, "ok", None, time.monotonic() - started)
            self._finish(candidate, result, notify)
            return
        child = timebox.Child(worker.evaluate, job)
        folds: list[dict[str, Any]] = []
        point: dict[str, Any] = {"fraction": None, "messages": []}  # the curve point under way

        def arrived(message: dict[str, Any]) -> None:
            if "imported" in message:  # torch's import is start-up, not training time
                child.extend(message["imported"])
            elif "fraction" not in message:
                folds.append(message)
                if len(folds) == len(self.folds) and curve:
                    self._finish(candidate, self._result(candidate, folds, "ok", None), notify)
                    point["fraction"] = curve[0]
                    if worker.curve_after(folds):
                        notify("curve_start", self._info(candidate, fraction=curve[0]))
            else:
                if message["fraction"] != point["fraction"]:
                    self._point(candidate, point["fraction"], point["messages"], "ok", notify)
                    point.update(fraction=message["fraction"], messages=[])
                    notify("curve_start", self._info(candidate, fraction=message["fraction"]))
                point["messages"].append(message)

        outcome = child.wait(deadline=deadline, on_message=arrived)
        if point["fraction"] is None:
            result = self._result(candidate, folds, outcome.status, outcome.error, outcome.seconds)
            self._finish(candidate, result, notify)
        elif worker.curve_after(folds):
            self._point(candidate, point["fraction"], point["messages"], outcome.status, notify)

    def _result(
        self,
        candidate: Candidate,
        messages: list[dict[str, Any]],
        status: str,
        error: str | None,
        waited: float = 0.0,
    ) -> ModelResult:
        """The candidate's result from the messages of its splits and how its job ended
        (after ``waited`` seconds)."""
        folds = sorted(messages, key=lambda m: m["fold"])
        seconds = float(np.mean([m["fit_seconds"] for m in folds])) if folds else waited
        complete = len(folds) == len(self.folds)
        if not complete:
            status = status if status != "ok" else "failed"
            why = error or "did not finish every split"
            if folds:
                why += f" after {len(folds)} of {len(self.folds)} splits"
            return ModelResult(
                candidate.name, candidate.family, None, None, round(seconds, 3), status, message=why
            )
        primary = np.array([m["scores"][self.metrics[0]] for m in folds])
        others = {
            metric: round(float(np.mean([m["scores"][metric] for m in folds])), 6)
            for metric in self.metrics[1:]
        }
        # Either way a deadline cut it short, so its scores depend on the machine's speed
        # (the same seed repeats exactly only what ran to its end): the message says so.
        limited = sum(map(worker.out_of_time, folds))
        settled = sum(m.get("stopped_by") == "deadline_on_plateau" for m in folds)
        notes = []
        if limited:
            notes.append(
                f"{STILL_IMPROVING} in {limited} of {len(folds)} splits while still "
                "improving; a larger budget may raise its score"
            )
        if settled:
            notes.append(
                f"stopped at its time limit on a plateau in {settled} of {len(folds)} splits, "
                "with its best weights so far"
            )
        note = "; ".join(notes) or None
        return ModelResult(
            name=candidate.name,
            family=candidate.family,
            message=note,
            score=round(float(primary.mean()), 6),
            score_std=round(float(primary.std(ddof=1)) if len(primary) > 1 else 0.0, 6),
            fit_seconds=round(seconds, 3),
            status="ok",
            fold_scores=tuple(float(s) for s in primary),
            other_scores=others,
        )

    def _curve(self, candidate: Candidate, fraction: float, slot: float, notify: Progress) -> None:
        """The candidate's mean score over the splits when trained on ``fraction`` of each
        split's training rows; nothing when no split finished in time."""
        notify("curve_start", self._info(candidate, fraction=fraction))
        deadline = time.monotonic() + slot
        soft_end = deadline - max(0.25, timebox.COOPERATIVE_MARGIN * slot)
        outcome = timebox.run_in_child(
            worker.learning_curve,
            (
                candidate,
                self.context,
                self.data.X,
                np.asarray(self.data.y),
                self.folds,
                self.metrics,
                (fraction,),
                soft_end,
            ),
            deadline=deadline,
        )
        self._point(candidate, fraction, list(outcome.messages), outcome.status, notify)

    def _point(
        self,
        candidate: Candidate,
        fraction: float,
        messages: list[dict[str, Any]],
        status: str,
        notify: Progress,
    ) -> None:
        """Keep a point of the candidate's curve from the splits that finished, and say
        that it is done. No point when none finished, or when most fits were stopped
        while still improving: it would measure the curve's time, not the data."""
        if messages and worker.curve_after(messages):
            scores = np.array([m["scores"][self.metrics[0]] for m in messages])
            self.curve_points[candidate.name, fraction] = CurvePoint(
                model=candidate.name,
                family=candidate.family,
                fraction=fraction,
                train_rows=int(np.mean([m["train_rows"] for m in messages])),
                score=round(float(scores.mean()), 6),
                score_std=round(float(scores.std()), 6),
            )
        notify("curve_finish", self._info(candidate, fraction=fraction, status=status))

    def curve(self, model: ModelResult) -> list[CurvePoint]:
        """The points of ``model``'s learning curve that finished, then 100 % of the rows
        (its cross-validated score)."""
        points = [
            self.curve_points[model.name, f]
            for f in CURVE_FRACTIONS
            if (model.name, f) in self.curve_points
        ]
        full = CurvePoint(
            model=model.name,
            family=model.family,
            fraction=1.0,
            train_rows=self.context.rows,
            score=model.score,
            score_std=model.score_std or 0.0,
        )
        return [*points, full]

    def inspect(
        self, inspection: timebox.Child, *, until: float
    ) -> tuple[list[str], dict[str, Any]]:
        """The guards' warnings and the profile, or a note that they did not finish in time."""
        outcome = inspection.wait(deadline=until)
        warnings: list[str] = []
        profile: dict[str, Any] = {}
        for message in outcome.messages:
            warnings = message.get("warnings", warnings)
            profile = message.get("profile", profile)
        if outcome.status != "ok":
            warnings.append(f"The data checks did not complete ({outcome.error}).")
        if not profile:
            profile = {
                "task": self.data.task,
                "modality": self.data.modality,
                "rows": self.data.rows,
            }
        return warnings, profile


def _best(results: list[ModelResult], family: str, metric: str) -> ModelResult | None:
    scored = [r for r in results if r.family == family and r.status == "ok"]
    if not scored:
        return None
    sign = 1 if HIGHER_IS_BETTER[metric] else -1
    return max(scored, key=lambda r: sign * r.score)


def _ranked(results: list[ModelResult], metric: str) -> list[ModelResult]:
    sign = -1 if HIGHER_IS_BETTER[metric] else 1
    return sorted(results, key=lambda r: (r.score is None, sign * (r.score or 0.0)))


def describe_curve(
    curve: list[CurvePoint], best_c: ModelResult | None, best_n: ModelResult | None, metric: str
) -> str:
    """In words: is the neural network gaining on the classical model as data grows?"""
    if best_c is None or best_n is None:
        return "No learning curve: the two families could not both be measured."

    def at(name: str) -> dict[float, float]:
        return {p.fraction: p.score for p in curve if p.model == name}

    c, n = at(best_c.name), at(best_n.name)
    shared = sorted(set(c) & set(n))
    if len(n) < 2 and (best_n.message or "").startswith(STILL_IMPROVING):
        return (
            f"No learning curve for {best_n.name}: it was still improving when its time ran "
            "out, so fits on fewer rows would differ from it in training as much as in data; "
            "a larger --budget lets it finish training and shows the curve."
        )
    if len(shared) < 2:
        return "The learning curve did not finish in time; give the check more time to see it."
    first, last = shared[0], shared[-1]
    sign = 1 if HIGHER_IS_BETTER[metric] else -1
    gap_first = sign * (n[first] - c[first])
    gap_last = sign * (n[last] - c[last])
    scale = 1.0 if HIGHER_IS_BETTER[metric] else max(abs(c[last]), 1e-12)
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
