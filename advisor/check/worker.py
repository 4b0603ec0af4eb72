"""The jobs a child process runs for the check (see :mod:`advisor.check.budget`).

Each is a module-level function ``job(send, ...)`` that sends its results one at a time,
so that what finished before a timeout still counts.
"""

from __future__ import annotations

import dataclasses
import math
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from advisor.check.candidates import Candidate, Context, fit_and_score

Send = Callable[[Any], None]


def evaluate(
    send: Send,
    candidate: Candidate,
    context: Context,
    X: Any,
    y: np.ndarray,
    folds: tuple[tuple[np.ndarray, np.ndarray], ...],
    metrics: tuple[str, ...],
    soft_end: float,
    curve: tuple[float, ...] = (),
    curve_end: float | None = None,
    grace: float = 0.0,
) -> None:
    """Fit and score the candidate on every split; a cooperative candidate gets an even
    share of the time left before ``soft_end`` for each split. Then, given ``curve``
    fractions, its learning curve until ``curve_end`` (see :func:`learning_curve`), each
    fit seeing no more examples than the full fit of its split did.

    A network that its deadline stops while still improving in most splits gets no curve
    (:func:`curve_after`): fits on fewer rows would differ from it in training as much as
    in data. Once one split is stopped so, the remaining splits may use the curve's time.

    A network first imports torch, which the fork server leaves out (about 2 s of imports
    that the classical ladder does not need). The import is start-up, not training: its
    time, up to ``grace`` seconds, is sent as ``{"imported": seconds}`` and moves both
    ends later; the caller moves its deadline by as much.
    """
    if candidate.isolated:  # in a child of its own; never touch the caller's thread pools
        _limit_threads(context.threads)
    if candidate.family == "deep_learning":
        started = time.monotonic()
        import torch

        torch.set_num_threads(context.threads)
        late = min(grace, time.monotonic() - started)
        send({"imported": late})
        soft_end += late
        curve_end = None if curve_end is None else curve_end + late
    epochs: list[int | None] = []
    results: list[dict[str, Any]] = []
    for index, (train, test) in enumerate(folds):
        deadline = None
        if candidate.cooperative:
            deadline = time.monotonic() + max(0.0, soft_end - time.monotonic()) / (
                len(folds) - index
            )
        result = fit_and_score(candidate, context, X, y, train, test, metrics, deadline=deadline)
        send({"fold": index, **result})
        epochs.append(result["epochs"])
        results.append(result)
        if out_of_time(result) and curve_end is not None:
            soft_end = max(soft_end, curve_end)
    if curve and curve_end is not None and curve_after(results):
        learning_curve(
            send, candidate, context, X, y, folds, metrics, curve, curve_end, epochs=epochs
        )


def curve_after(splits: list[dict[str, Any]]) -> bool:
    """Whether fits say something about data: not when a deadline stopped most of them
    while still improving. For a network's splits: whether its curve is worth fitting;
    for a curve point's fits: whether the point is kept."""
    return sum(map(out_of_time, splits)) <= len(splits) // 2


def out_of_time(fit: dict[str, Any]) -> bool:
    """Whether a fit's deadline stopped it while still improving (on a plateau, not)."""
    return fit.get("stopped_by") == "deadline"


def learning_curve(
    send: Send,
    candidate: Candidate,
    context: Context,
    X: Any,
    y: np.ndarray,
    folds: tuple[tuple[np.ndarray, np.ndarray], ...],
    metrics: tuple[str, ...],
    fractions: tuple[float, ...],
    soft_end: float,
    epochs: list[int | None] | None = None,
) -> None:
    """Fit on a share of each split's training rows, score on its whole test rows.

    The shares are nested random subsets: every share takes the start of one seeded order
    of the rows, whichever child fits it. Smallest share first, so a timeout still leaves
    the small end of the curve. A cooperative fit gets time in proportion to its share of
    the rows; given ``epochs`` (per split), a network sees at most as many examples as its
    full fit did (its epochs over the share), so that a point differs from the full fit
    in data, not in how long it trained, and every fit gets an even share of the time.
    """
    _limit_threads(context.threads)

    def weight(fraction: float) -> float:
        # A capped network's fits all see about as many examples, in more epochs on fewer
        # rows, so they cost about the same; other fits cost in proportion to their rows.
        return 1.0 if epochs else fraction

    rng = np.random.default_rng(context.seed)
    orders = [rng.permutation(train) for train, _ in folds]
    jobs = [(f, i) for f in fractions for i in range(len(folds))]
    for done, (fraction, index) in enumerate(jobs):
        train = np.sort(orders[index][: max(10, round(fraction * len(orders[index])))])
        test = folds[index][1]
        if context.task != "regression" and len(np.unique(y[train])) < 2:
            continue
        deadline = None
        if candidate.cooperative:
            share = weight(fraction) / sum(weight(f) for f, _ in jobs[done:])
            deadline = time.monotonic() + max(0.0, soft_end - time.monotonic()) * share
        small = dataclasses.replace(context, rows=len(train))
        result = fit_and_score(
            candidate,
            small,
            X,
            y,
            train,
            test,
            metrics,
            deadline=deadline,
            max_epochs=math.ceil(epochs[index] / fraction) if epochs and epochs[index] else None,
        )
        send({"fraction": fraction, "fold": index, "train_rows": len(train), **result})


def inspect(send: Send, dataset: Any, seed: int) -> None:
    """The honesty guards and the data profile, computed away from the caller's process."""
    from advisor.check.guards import find_problems

    _limit_threads(1)  # it runs beside the candidates: leave them the other cores
    send({"warnings": find_problems(dataset, seed=seed)})
    send({"profile": _profile(dataset)})


def _profile(dataset: Any) -> dict[str, Any]:
    from advisor.inference import profile_from_dataset

    return profile_from_dataset(dataset).to_dict()


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
