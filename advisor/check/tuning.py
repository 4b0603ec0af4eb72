"""Tuning the strongest candidate of each family in the time the ladder leaves.

After every candidate's default rung has run, the plan (:func:`advisor.check.plan.split_spare`)
gives each family some of the spare seconds. In them an Optuna study (TPE, seeded from the
check's seed, with median pruning) searches the settings of the family's best candidate
that has a search space. A trial is scored on inner validation rows carved from each outer
training fold (:func:`inner_splits`), never on an outer test fold. The winner is then
cross-validated on the outer splits like every other candidate, as its own model
("xgboost (tuned)"), so that the verdict pairs it honestly.

The search runs as one job (:func:`tune`) in a child that is killed at its deadline like
every other job; it starts no trial whose estimated cost would pass its end. What each
family tried and what won is a :class:`FamilyTuning`; the split of the spare time and the
families' searches together are a :class:`SpareTime`, in the report's JSON.

Optuna is imported inside the job only.
"""

from __future__ import annotations

import dataclasses
import functools
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from advisor.check import ladder
from advisor.check.evaluation import higher_is_better
from advisor.check.fitting import fit_and_score
from advisor.check.messages import Imported, TrialScored, TuneRequest
from advisor.check.spare import MAX_REPORTED, NO_TIME, NO_TRIAL, FamilyTuning

SUFFIX = " (tuned)"
MAX_TRIALS = 40  # a search ends here even with time left: later trials rarely change the winner
INNER_SHARE = 0.2  # of an outer training fold, held out to score a trial
TRIAL_SAFETY = 1.5  # a trial starts only when this many times its estimated cost fits
PRUNE_AFTER = 3  # trials that run to the end before the pruner compares any
STARTUP_TRIALS = 5  # trials TPE samples at random before modelling the good ones
PATIENCE = 15  # a search ends after this many trials without a better one


Space = Callable[[Any, ladder.Context], dict[str, Any]]


# --- the search spaces, beside the builders of the ladder -------------------------------------


def _boosting_space(trial: Any, context: ladder.Context) -> dict[str, Any]:
    return {
        "learning_rate": trial.suggest_float("learning_rate", 0.02, 0.3, log=True),
        "max_leaf_nodes": trial.suggest_int("max_leaf_nodes", 7, 127, log=True),
        "max_depth": trial.suggest_int("max_depth", 2, 12),
        "min_samples_leaf": trial.suggest_int("min_samples_leaf", 3, 100, log=True),
        "l2_regularization": trial.suggest_float("l2_regularization", 1e-4, 10.0, log=True),
    }


def _xgboost_space(trial: Any, context: ladder.Context) -> dict[str, Any]:
    return {
        "max_depth": trial.suggest_int("max_depth", 2, 10),
        "learning_rate": trial.suggest_float("learning_rate", 0.02, 0.3, log=True),
        "min_child_weight": trial.suggest_float("min_child_weight", 0.5, 20.0, log=True),
        "reg_lambda": trial.suggest_float("reg_lambda", 1e-3, 10.0, log=True),
        "subsample": trial.suggest_float("subsample", 0.6, 1.0),
        "colsample_bytree": trial.suggest_float("colsample_bytree", 0.5, 1.0),
    }


def _linear_space(trial: Any, context: ladder.Context) -> dict[str, Any]:
    name = "alpha" if context.task == "regression" else "C"
    return {name: trial.suggest_float(name, 1e-3, 1e3, log=True)}


def _svm_space(trial: Any, context: ladder.Context) -> dict[str, Any]:
    return {
        "C": trial.suggest_float("C", 0.1, 100.0, log=True),
        "gamma": trial.suggest_float("gamma", 1e-4, 1.0, log=True),
    }


def _net_space(trial: Any, context: ladder.Context) -> dict[str, Any]:
    return {
        "width": trial.suggest_int("width", 32, 512, log=True),
        "depth": trial.suggest_int("depth", 1, 4),
        "dropout": trial.suggest_float("dropout", 0.0, 0.5),
        "lr": trial.suggest_float("lr", 3e-4, 1e-2, log=True),
        "weight_decay": trial.suggest_float("weight_decay", 1e-6, 1e-2, log=True),
    }


# Per builder of the ladder: its search space, and its own settings as the first trial, so
# that the search starts from what the ladder scored and a tuned model is kept only when
# something beat it on the inner splits.
SPACES: dict[str, tuple[Space, Callable[[ladder.Context], dict[str, Any]]]] = {
    "build_gradient_boosting": (
        _boosting_space,
        # The ladder's depth is unlimited and its regularisation none: the space's edges.
        lambda c: {
            "learning_rate": 0.1,
            "max_leaf_nodes": 31,
            "max_depth": 12,
            "min_samples_leaf": 20,
            "l2_regularization": 1e-4,
        },
    ),
    "build_xgboost": (
        _xgboost_space,
        lambda c: {
            "max_depth": 6,
            "learning_rate": 0.1,
            "min_child_weight": 1.0,
            "reg_lambda": 1.0,
            "subsample": 0.8,
            "colsample_bytree": 0.8,
        },
    ),
    "build_linear": (
        _linear_space,
        lambda c: {"alpha" if c.task == "regression" else "C": 1.0},
    ),
    "build_svm": (_svm_space, lambda c: {"C": 1.0}),
    "build_table_net": (
        _net_space,
        lambda c: {
            "width": ladder.TABLE_NET_WIDTH,
            "depth": 2,
            "dropout": 0.1,
            "lr": 2e-3,
            "weight_decay": 1e-4,
        },
    ),
}


def tunable(candidate: ladder.Candidate) -> bool:
    """Whether ``candidate`` has a search space here."""
    return getattr(candidate.build, "__name__", "") in SPACES


def tuned_candidate(candidate: ladder.Candidate, params: dict[str, Any]) -> ladder.Candidate:
    """The candidate with ``params``, as a model of its own ("xgboost (tuned)")."""
    return ladder.Candidate(
        candidate.name + SUFFIX,
        candidate.family,
        candidate.weight,
        functools.partial(build_tuned, candidate.build.__name__, params),
        cooperative=candidate.cooperative,
    )


def build_tuned(
    builder: str, params: dict[str, Any], context: ladder.Context, deadline: float | None
) -> Any:
    """A fresh estimator of the ladder's ``builder`` with ``params`` (the same features,
    the searched model); module-level so that a tuned candidate can be sent to a child."""
    from sklearn.pipeline import make_pipeline

    from advisor.check.boosting import BoostingUntil, TunedXGBoost
    from advisor.check.features import PixelFeatures, PixelScale, model_features, net_features

    task, seed = context.task, context.seed
    if builder == "build_gradient_boosting":
        # Rounds are chosen by early stopping; a slow learning rate needs more of them.
        model = BoostingUntil(task=task, seed=seed, deadline=deadline, max_iter=1000, **params)
        return make_pipeline(model_features(context, scale=False), model)
    if builder == "build_xgboost":
        settings = {k: v for k, v in params.items() if k != "max_depth"}
        model = TunedXGBoost(
            task=task,
            seed=seed,
            threads=context.threads,
            deadline=deadline,
            depths=(params["max_depth"],),
            n_estimators=1000,
            **settings,
        )
        return make_pipeline(model_features(context, scale=False), model)
    if builder == "build_linear":
        from sklearn.linear_model import LogisticRegression, Ridge

        if task == "regression":
            linear = Ridge(**params)
        else:
            linear = LogisticRegression(max_iter=2000, **params)
        return make_pipeline(model_features(context), linear)
    if builder == "build_svm":
        from sklearn.svm import SVC, SVR

        svm = SVR(**params) if task == "regression" else SVC(random_state=seed, **params)
        if context.modality == "image":
            return make_pipeline(PixelFeatures(), PixelScale(), svm)
        return make_pipeline(model_features(context), svm)
    if builder == "build_table_net":
        from advisor.check.tuned_nets import TunableMLP, TunableTabM

        kind = TunableTabM if context.table_net == "tabm" else TunableMLP
        net = kind(
            task=task,
            deadline=deadline,
            seed=seed,
            threads=context.threads,
            categorical=len(context.categorical),
            **params,
        )
        return make_pipeline(net_features(context), net)
    raise ValueError(f"no search space for the builder {builder!r}")


# --- the inner splits and the search ----------------------------------------------------------


def inner_splits(
    folds: tuple[tuple[np.ndarray, np.ndarray], ...], y: np.ndarray, task: str, *, seed: int
) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Per outer split, ``(train, validation)`` rows that both lie in its training rows:
    ``INNER_SHARE`` of them held out (stratified where every class allows it)."""
    from sklearn.model_selection import train_test_split

    inner = []
    for train, _ in folds:
        stratify = None
        if task != "regression":
            _, counts = np.unique(y[train], return_counts=True)
            stratify = y[train] if counts.min() >= 2 else None
        fit, validation = train_test_split(
            train, test_size=INNER_SHARE, random_state=seed, stratify=stratify
        )
        inner.append((np.sort(fit), np.sort(validation)))
    return tuple(inner)


def tune(send: Callable[[Any], None], data: Any, request: TuneRequest) -> None:
    """The job: an Optuna study of ``request.candidate``'s settings on the inner splits,
    sending a :class:`TrialScored` per trial as it ends (what ended before a kill counts).

    A trial's score is the mean of its inner validation scores; after each split the
    median pruner may stop a trial that is behind the others at that split. Cooperative
    fits stop by ``search_end``; no trial starts unless ``TRIAL_SAFETY`` times its
    estimated cost (the median of the trials so far) fits before it, and none after
    ``PATIENCE`` trials without a better score.
    """
    import optuna

    from advisor.check.worker import _limit_threads

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    candidate, context = request.candidate, request.context
    _limit_threads(context.threads)
    search_end = request.search_end
    if candidate.family == "deep_learning":  # torch's import is start-up, as in evaluate
        started = time.monotonic()
        import torch

        torch.set_num_threads(context.threads)
        late = min(request.grace, time.monotonic() - started)
        send(Imported(late))
        search_end += late
    space, defaults = SPACES[candidate.build.__name__]
    metric = data.metrics[0]
    study = optuna.create_study(
        direction="maximize" if higher_is_better(metric) else "minimize",
        sampler=optuna.samplers.TPESampler(seed=context.seed, n_startup_trials=STARTUP_TRIALS),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=PRUNE_AFTER, n_warmup_steps=0),
    )
    study.enqueue_trial(defaults(context), skip_if_exists=True)
    costs: list[float] = []
    for number in range(request.max_trials):
        estimate = statistics.median(costs) if costs else request.estimate
        if time.monotonic() + TRIAL_SAFETY * estimate > search_end:
            break
        finished = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
        if finished and number - study.best_trial.number > PATIENCE:
            break
        trial = study.ask()
        params = space(trial, context)
        started = time.monotonic()
        state, value = _run_trial(trial, candidate, params, context, data, request, search_end)
        seconds = time.monotonic() - started
        if state == "complete":
            study.tell(trial, value)
        elif state == "pruned":
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        else:
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
        if state != "failed":
            costs.append(seconds)
        send(TrialScored(number, params, value, state, round(seconds, 3)))


def _run_trial(
    trial: Any,
    candidate: ladder.Candidate,
    params: dict[str, Any],
    context: ladder.Context,
    data: Any,
    request: TuneRequest,
    search_end: float,
) -> tuple[str, float | None]:
    """Fit and score ``params`` on every inner split: ("complete", mean score), ("pruned",
    the mean so far) or ("failed", None)."""
    probe = tuned_candidate(candidate, params)
    metric = data.metrics[0]
    scores: list[float] = []
    for step, (train, validation) in enumerate(request.inner):
        small = dataclasses.replace(context, rows=len(train))
        try:
            fit = fit_and_score(
                probe,
                small,
                data.X,
                data.y,
                train,
                validation,
                (metric,),
                deadline=search_end if candidate.cooperative else None,
            )
        except Exception:  # a setting that cannot fit this data is a failed trial, not a crash
            return "failed", None
        scores.append(float(fit.scores[metric]))
        trial.report(float(np.mean(scores)), step)
        if trial.should_prune():
            return "pruned", float(np.mean(scores))
    return "complete", float(np.mean(scores))


# --- what the report says ---------------------------------------------------------------------


def family_tuning(
    family: str,
    candidate: ladder.Candidate,
    seconds: float,
    trials: list[TrialScored],
    metric: str,
) -> FamilyTuning:
    """The report of ``candidate``'s search from its trials: the best complete trial won;
    when that is the first (the ladder's own settings), no tuned model is made."""
    complete = [t for t in trials if t.state == "complete" and t.score is not None]
    listed = tuple(
        {"params": t.params, "score": t.score, "state": t.state, "seconds": t.seconds}
        for t in trials[:MAX_REPORTED]
    )
    base = FamilyTuning(family, "", seconds, candidate.name, len(trials), listed)
    if not complete:
        status = NO_TIME if not trials else NO_TRIAL
        return _replace(base, status=status)
    sign = 1.0 if higher_is_better(metric) else -1.0
    best = max(complete, key=lambda t: (sign * t.score, -t.number))
    if best.number == 0:
        return _replace(
            base,
            status="the ladder's settings won",
            best_params=best.params,
            best_score=best.score,
        )
    return _replace(
        base,
        status="tuned",
        best_params=best.params,
        best_score=best.score,
        tuned_model=candidate.name + SUFFIX,
    )


def _replace(tuning: FamilyTuning, **changes: Any) -> FamilyTuning:
    return dataclasses.replace(tuning, **changes)
