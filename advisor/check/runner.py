"""``run_check``: the time-boxed study of classical baselines against a neural network.

The order of a run (the windows are those of :mod:`advisor.check.plan`):

1. sample the data to what the budget can evaluate (:mod:`.sampling`), make the splits,
   and plan the time;
2. start the honesty guards and the profile beside everything else;
3. run the study (:mod:`.study`): the network with its own share of the budget and then its
   learning curve, the dummy floor, the classical ladder, the best classical model's curve,
   each job on the executor (:mod:`.executor`), killed at the end of its slot; then, in the
   time left, tuning of each family's strongest candidate (:mod:`.tuning`) and more
   passes of cross-validation of the two compared models (:mod:`.plan`);
4. collect the guards, judge what the run can say (:mod:`.verdict`: a verdict by the
   paired rule, no signal above the dummy floor, or a family not measured), advise on a
   tie that too small a budget may explain (:mod:`.advice`), and write the report.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from advisor.check import worker
from advisor.check.advice import Run, advise
from advisor.check.aggregate import ranked
from advisor.check.compute import (
    ComputeNeeded,
    Machine,
    check_gpu_speedup,
    estimate,
    gpu_note,
    timings,
)
from advisor.check.curve import describe_curve, trend
from advisor.check.evaluation import make_splits, metrics_for, repeated_splits
from advisor.check.executor import Executor, LocalExecutor, Running
from advisor.check.extrapolate import data_needed
from advisor.check.hardware import cpu_model, cuda_present, machine_busy
from advisor.check.ladder import context_for, ladder
from advisor.check.messages import DataProfile, GuardWarnings, InspectRequest, StudyData
from advisor.check.plan import CV_PASSES, Budget, TimePlan, plan_time, work_budget
from advisor.check.result import FeasibilityReport, ModelResult
from advisor.check.sampling import sample_for_budget, seconds_for_rows
from advisor.check.study import Progress, Study
from advisor.check.verdict import judge
from advisor.data.audio import UNEVEN_CLIPS
from advisor.errors import CheckError, ParameterError
from advisor.terms import METRICS

START_SHARE = 0.25  # start-up over this share of the budget gets a warning
MIN_ROWS = 20  # fewer rows than this cannot be split five ways and still say anything


def run_check(
    dataset: Any,
    *,
    budget: float = 60.0,
    seed: int = 0,
    metric: str | None = None,
    time_ordered: bool = False,
    progress: Progress | None = None,
    started: float | None = None,
    executor: Executor | None = None,
    target_score: float | None = None,
    gpu_speedup: float | None = None,
    tuning: bool = True,
) -> FeasibilityReport:
    """Measure classical baselines against a neural network on ``dataset`` within ``budget``
    seconds, and return a :class:`~advisor.check.result.FeasibilityReport`.

    ``dataset`` is an :class:`advisor.data.Dataset` (``load_dataset`` / ``load_example``).
    ``metric`` overrides the task's default; ``time_ordered`` says rows are in time order
    (forward-chaining splits, no shuffling). ``progress(event, info)`` is called as
    candidates, curve points and the repeated passes (``repeats_start``, ``repeats_finish``)
    start and finish, and once ``finished``, always on the caller's thread. The budget runs from
    ``started`` (``time.monotonic()``) when given: the command line starts it before it
    reads the data, so the whole command keeps to it. ``executor`` runs the jobs (this
    machine's cores by default). ``target_score`` asks how many rows each family would need
    to reach it (the report's ``data_needed``). ``tuning=False`` leaves the spare time to
    the repeated passes alone (no tuned models; see :mod:`.tuning`). ``gpu_speedup`` (a
    float > 1) adds a GPU estimate to the networks' training times (the report's
    ``compute``, see :mod:`.compute`). Raises
    :class:`ParameterError` for bad arguments and :class:`CheckError` when the data
    cannot support a check.
    """
    _check_parameters(budget=budget, seed=seed)
    check_gpu_speedup(gpu_speedup)
    check_dataset(dataset)
    metrics = metrics_for(dataset.task, metric)
    notify = progress or (lambda event, info: None)
    executor = executor or LocalExecutor()
    executor.warm_up()
    # What the engine has, asked inside the start-up: a wider engine checks more rows.
    engine, scale = executor.info(), executor.row_scale()
    clock = Budget(float(budget), time.monotonic() if started is None else started)
    work = work_budget(clock)
    data, sample_note = sample_for_budget(
        dataset, budget=budget, seconds=work.seconds, seed=seed, scale=scale
    )
    splits = make_splits(np.asarray(data.y), data.task, seed=seed, time_ordered=time_ordered)
    train_rows = int(np.mean([len(train) for train, _ in splits.folds]))
    context = context_for(
        data.X, data.task, data.modality, rows=train_rows, seed=seed, text_column=data.text_column
    )
    # Lanes are judged before the guards' worker below counts as other work.
    plan = plan_time(clock, work, lanes=executor.lanes(context))
    inspection = executor.start(worker.inspect, None, InspectRequest(data, seed))
    extra = (
        ()
        if time_ordered
        else repeated_splits(np.asarray(data.y), data.task, seed=seed, passes=CV_PASSES - 1)
    )
    study = Study(
        StudyData(data.X, np.asarray(data.y), splits.folds, metrics),
        context,
        ladder(context),
        plan,
        executor,
        repeat_folds=extra,
        tune=tuning,
    )
    study.run(notify)

    best_c, best_n = study.best("classical"), study.best("deep_learning")
    curve = [point for m in (best_c, best_n) if m is not None for point in study.curve(m)]
    warnings, profile = _inspected(inspection, plan, data)
    if sample_note:
        warnings.insert(0, sample_note)
    warnings += _start_up_warning(plan)
    warnings += [d for d in dataset.notes if d.startswith(("Sampled", UNEVEN_CLIPS))]
    warnings += _unfinished_warning(study.results, best_c)
    floor = next((m for m in study.results if m.family == "baseline"), None)
    judgement = judge(metrics[0], best_c, best_n, floor, test_share=splits.test_share)
    advice = advise(
        judgement.verdict,
        judgement.outcome,
        best_n,
        trend(curve, best_c, best_n, metrics[0]) if best_c and best_n else None,
        Run(
            metric=metrics[0],
            budget=float(budget),
            start_up=plan.start_up,
            rows=data.rows,
            rows_total=int(dataset.rows_total or dataset.rows),
            seconds_for_rows=lambda rows: seconds_for_rows(dataset, rows, scale),
        ),
    )
    needed = None
    if judgement.outcome != "not_measured":
        needed = data_needed(
            curve, best_c, best_n, metrics[0], target_score=target_score, seed=seed
        )
    report = FeasibilityReport(
        task=data.task,
        modality=data.modality,
        metric=metrics[0],
        higher_is_better=METRICS[metrics[0]].higher_is_better,
        verdict=judgement.verdict,
        margin=judgement.margin,
        p_value=judgement.p_value,
        best_classical=best_c,
        best_deep_learning=best_n,
        models=tuple(ranked(study.results, metrics[0])),
        learning_curve=tuple(curve),
        curve_summary=describe_curve(
            curve, best_c, best_n, metrics[0], failures=study.curve_failures
        ),
        warnings=tuple(warnings),
        budget_seconds=float(budget),
        elapsed_seconds=round(clock.elapsed(), 3),
        profile=profile,
        dataset=data.name,
        rows=data.rows,
        rows_total=int(dataset.rows_total or dataset.rows),
        evaluation=_evaluation_words(splits.description, study.repeats, len(splits.folds)),
        seed=seed,
        other_metrics=metrics[1:],
        outcome=judgement.outcome,
        unmeasured=judgement.unmeasured,
        repeats=study.repeats,
        advice=advice,
        data_needed=needed,
        engine=engine,
        compute=_compute(study, executor, dataset, best_c, best_n, gpu_speedup),
        source=dataset.source,
        spare_time=study.spare_time,
    )
    notify(
        "finished",
        {"verdict": report.verdict, "outcome": report.outcome, "sentence": report.sentence()},
    )
    return report


def check_dataset(dataset: Any) -> None:
    """Raise :class:`CheckError` if the data cannot support a check at all."""
    if dataset.rows < MIN_ROWS:
        raise CheckError(
            f"{dataset.name} has {dataset.rows} rows: the check needs at least {MIN_ROWS} to "
            "split into five folds and compare models; collect more data first."
        )


def _compute(
    study: Study,
    executor: Executor,
    dataset: Any,
    best_c: ModelResult | None,
    best_n: ModelResult | None,
    gpu_speedup: float | None,
) -> ComputeNeeded:
    """The study's measured speeds carried to the full data, and the machine they were
    measured on (see :mod:`.compute`)."""
    info = executor.info()
    machine = Machine(
        cpu=cpu_model(),
        cores=info.cpus,
        engine=info.engine,
        nodes=info.workers,
        busy=machine_busy(),
    )
    measured = timings(
        study.results,
        list(study.curve_points.values()),
        train_rows=study.context.rows,
        threads=study.context.threads,
    )
    return estimate(
        measured,
        rows_total=int(dataset.rows_total or dataset.rows),
        machine=machine,
        best_classical=best_c.name if best_c else None,
        best_deep_learning=best_n.name if best_n else None,
        gpu_speedup=gpu_speedup,
        gpu_note=gpu_note(gpu_speedup, cuda=cuda_present()),
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


def _evaluation_words(first: str, repeats: int, folds: int) -> str:
    """How the splits were made; with repeated passes, the first pass's words, then "; "
    and the passes (the words up to "; " are the first pass's, whatever the time allowed)."""
    if repeats <= 1:
        return first
    return (
        f"{first}; the compared models and the floor over {repeats} passes, each with its "
        f"own shuffle ({repeats * folds} paired splits)"
    )


def _inspected(inspection: Running, plan: TimePlan, data: Any) -> tuple[list[str], dict[str, Any]]:
    """The guards' warnings and the profile, or a note that they did not finish in time."""
    outcome = inspection.wait(deadline=plan.inspection_end)
    warnings: list[str] = []
    profile: dict[str, Any] = {}
    for message in outcome.messages:
        if isinstance(message, GuardWarnings):
            warnings = list(message.warnings)
        elif isinstance(message, DataProfile):
            profile = message.profile
    if outcome.status != "ok":
        warnings.append(f"The data checks did not complete ({outcome.error}).")
    if not profile:
        profile = {"task": data.task, "modality": data.modality, "rows": data.rows}
    return warnings, profile


def _start_up_warning(plan: TimePlan) -> list[str]:
    budget = plan.budget.seconds
    if plan.start_up <= START_SHARE * budget:
        return []
    return [
        f"Reading the data and starting the workers took {plan.start_up:.1f} s "
        f"of the {budget:g} s budget, so the models had {plan.work.seconds:.1f} s; a larger "
        "--budget gives them more."
    ]


def _unfinished_warning(results: list[ModelResult], best_c: ModelResult | None) -> list[str]:
    """Which classical models have no score, telling the clock apart from a failure: a
    larger budget helps the first, not the second."""
    classical = [m for m in results if m.family == "classical"]
    timed_out = [m.name for m in classical if m.status == "timeout"]
    failed = [m for m in classical if m.status == "failed"]
    if not (timed_out or failed) or best_c is None:
        return []
    words = (
        f"Not every classical model finished, so the comparison is against {best_c.name} and "
        "a stronger classical model may exist."
    )
    if timed_out:
        words += (
            f" Ran out of time: {', '.join(timed_out)}; run again with a larger --budget "
            "before trusting a deep-learning verdict."
        )
    if failed:
        reasons = "; ".join(f"{m.name} ({m.message})" for m in failed)
        words += f" Failed: {reasons}; a larger --budget does not change a failure."
    return [words]
