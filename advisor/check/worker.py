"""The jobs an executor runs for the check (see :mod:`advisor.check.executor`).

Each is a module-level function ``job(send, data, request)`` that sends its results one at
a time (the message types of :mod:`advisor.check.messages`), so that what finished before a
deadline still counts.
"""

from __future__ import annotations

import dataclasses
import math
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from advisor.check.aggregate import curve_after
from advisor.check.fitting import fit_and_score
from advisor.check.messages import (
    CurveFailed,
    CurveRequest,
    CurveScored,
    DataProfile,
    EvaluateRequest,
    Fit,
    FoldScored,
    GuardWarnings,
    Imported,
    InspectRequest,
    StudyData,
    error_line,
)

Send = Callable[[Any], None]


def evaluate(send: Send, data: StudyData, request: EvaluateRequest) -> None:
    """Fit and score the candidate on every split; a cooperative candidate gets an even
    share of the time left before ``fits_end`` for each split. Then, given ``curve``
    fractions, its learning curve until ``curve_end`` (see :func:`learning_curve`), each
    fit seeing no more examples than the full fit of its split did.

    A network that its deadline stops while still improving in most splits gets no curve
    (:func:`curve_after`): fits on fewer rows would differ from it in training as much as
    in data. Once one split is stopped so, the remaining splits may use the curve's time.

    A network first imports torch, which the fork server leaves out (seconds of imports
    that the classical ladder does not need). The import is start-up, not training: its
    time, up to ``grace`` seconds, is sent as :class:`Imported` and moves both ends later;
    the caller moves its deadline by as much.
    """
    candidate, context = request.candidate, request.context
    fits_end, curve_end = request.fits_end, request.curve_end
    if candidate.isolated:  # in a child of its own; never touch the caller's thread pools
        _limit_threads(context.threads)
    if candidate.family == "deep_learning":
        started = time.monotonic()
        import torch

        torch.set_num_threads(context.threads)
        late = min(request.grace, time.monotonic() - started)
        send(Imported(late))
        fits_end += late
        curve_end = None if curve_end is None else curve_end + late
    fits: list[Fit] = []
    for index, (train, test) in enumerate(data.folds):
        deadline = None
        if candidate.cooperative:
            left = max(0.0, fits_end - time.monotonic())
            deadline = time.monotonic() + left / (len(data.folds) - index)
        fit = fit_and_score(
            candidate, context, data.X, data.y, train, test, data.metrics, deadline=deadline
        )
        send(FoldScored(index, fit))
        fits.append(fit)
        if fit.out_of_time and curve_end is not None:
            fits_end = max(fits_end, curve_end)
    if request.curve and curve_end is not None and curve_after(fits):
        curve = CurveRequest(
            candidate,
            context,
            request.curve,
            curve_end,
            epochs=tuple(fit.epochs for fit in fits),
        )
        learning_curve(send, data, curve)


def learning_curve(send: Send, data: StudyData, request: CurveRequest) -> None:
    """Fit on a share of each split's training rows, score on its whole test rows.

    The shares are nested random subsets: every share takes the start of one seeded order
    of the rows, whichever child fits it. A fit that cannot be made (a share holding one
    class, an estimator that raises) sends :class:`CurveFailed` with the reason, and the
    curve goes on. Smallest share first, so a timeout still leaves
    the small end of the curve. A cooperative fit gets time in proportion to its share of
    the rows; given ``epochs`` (per split), a network sees at most as many examples as its
    full fit did (its epochs over the share), so that a point differs from the full fit
    in data, not in how long it trained, and every fit gets an even share of the time.
    """
    candidate, context, epochs = request.candidate, request.context, request.epochs
    _limit_threads(context.threads)

    def weight(fraction: float) -> float:
        # A capped network's fits all see about as many examples, in more epochs on fewer
        # rows, so they cost about the same; other fits cost in proportion to their rows.
        return 1.0 if epochs else fraction

    rng = np.random.default_rng(context.seed)
    orders = [rng.permutation(train) for train, _ in data.folds]
    jobs = [(f, i) for f in request.fractions for i in range(len(data.folds))]
    for done, (fraction, index) in enumerate(jobs):
        train = np.sort(orders[index][: max(10, round(fraction * len(orders[index])))])
        test = data.folds[index][1]
        if context.task != "regression" and len(np.unique(data.y[train])) < 2:
            send(CurveFailed(fraction, index, "its training rows hold a single class"))
            continue
        deadline = None
        if candidate.cooperative:
            share = weight(fraction) / sum(weight(f) for f, _ in jobs[done:])
            deadline = time.monotonic() + max(0.0, request.fits_end - time.monotonic()) * share
        small = dataclasses.replace(context, rows=len(train))
        try:
            fit = fit_and_score(
                candidate,
                small,
                data.X,
                data.y,
                train,
                test,
                data.metrics,
                deadline=deadline,
                max_epochs=math.ceil(epochs[index] / fraction)
                if epochs and epochs[index]
                else None,
            )
        except Exception as exc:  # a point is the fits that worked; the others say why not
            send(CurveFailed(fraction, index, error_line(exc)))
            continue
        send(CurveScored(fraction, index, len(train), fit))


def inspect(send: Send, data: Any, request: InspectRequest) -> None:
    """The honesty guards and the data profile, computed away from the caller's process."""
    from advisor.check.guards import find_problems
    from advisor.inference import profile_from_dataset

    _limit_threads(1)  # it runs beside the candidates: leave them the other cores
    send(GuardWarnings(tuple(find_problems(request.dataset, seed=request.seed))))
    send(DataProfile(profile_from_dataset(request.dataset).to_dict()))


def _limit_threads(threads: int) -> None:
    """Every thread pool in the child (OpenMP, BLAS, and torch once imported) to
    ``threads`` threads.

    On small data, extra threads cost more in synchronisation than they save, and on a
    machine whose cores are busy, OpenMP's spinning threads slow a fit many times over.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)
