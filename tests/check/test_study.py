"""A study's jobs and its repeated passes, run in this process by a stand-in executor."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB

from advisor.check.children import ChildOutcome
from advisor.check.evaluation import compare, make_splits, repeated_splits
from advisor.check.fitting import fit_and_score
from advisor.check.ladder import Candidate, build_dummy, context_for
from advisor.check.messages import FoldScored, StudyData
from advisor.check.plan import Budget, Slot, plan_time
from advisor.check.study import Study
from advisor.check.verdict import judge, pairs


class Done:
    """A job that already ran, with the messages it sent."""

    def __init__(self, messages: list[Any]) -> None:
        self.messages = tuple(messages)

    def wait(self, *, deadline: float, on_message=None) -> ChildOutcome:
        for message in self.messages:
            if on_message is not None:
                on_message(message)
        return ChildOutcome(self.messages, "ok", None, 0.0)

    def extend(self, seconds: float) -> None:
        pass


class InProcess:
    """Runs each job at once in this process; ``drop(request, message)`` loses messages, as
    a job killed part-way would."""

    def __init__(self, drop=lambda request, message: False) -> None:
        self.drop = drop

    def warm_up(self) -> None:
        pass

    def lanes(self, context: Any) -> int:
        return 1

    def start(self, work, data, request) -> Done:
        sent: list[Any] = []
        work(sent.append, data, request)
        return Done([m for m in sent if not self.drop(request, m)])

    def stop_all(self) -> None:
        pass


def _logistic(context, deadline):
    return LogisticRegression(C=0.1)


def _bayes(context, deadline):
    # Stands for the network: the study treats it as the deep-learning family.
    return GaussianNB()


@pytest.fixture
def table() -> tuple[StudyData, Any]:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(200, 4)), columns=list("abcd"))
    y = (frame["a"] + 0.5 * rng.normal(size=200) > 0).astype(int).to_numpy()
    folds = make_splits(y, "binary", seed=0).folds
    context = context_for(frame, "binary", "tabular", rows=160, seed=0, text_column=None)
    return StudyData(frame, y, folds, ("accuracy",)), context


CANDIDATES = [
    Candidate("net", "deep_learning", 1.0, _bayes),
    Candidate("dummy", "baseline", 0.0, build_dummy, isolated=False),
    Candidate("logistic", "classical", 1.0, _logistic),
]


def study(table, executor, *, seconds: float = 60.0, passes: int = 2) -> Study:
    data, context = table
    budget = Budget(seconds, time.monotonic())
    extra = repeated_splits(data.y, "binary", seed=0, passes=passes)
    plan = plan_time(budget, budget, lanes=1)
    return Study(data, context, CANDIDATES, plan, executor, repeat_folds=extra)


def test_spare_time_repeats_the_compared_models_and_the_floor_on_the_same_splits(table) -> None:
    ran = study(table, InProcess())
    ran.run(lambda event, info: None)
    assert ran.repeats == 3
    models = {m.name: m for m in ran.results}
    for name in ("net", "dummy", "logistic"):
        assert len(models[name].fold_scores) == 5 and len(models[name].repeat_scores) == 10
    # The repeats are the scores of fits on the other shuffles' splits, in pass order.
    data, context = table
    again = [
        fit_and_score(CANDIDATES[2], context, data.X, data.y, train, test, ("accuracy",))
        for train, test in repeated_splits(data.y, "binary", seed=0, passes=2)
    ]
    assert models["logistic"].repeat_scores == tuple(f.scores["accuracy"] for f in again)
    # The paired test sees fifteen pairs.
    best_n, best_c = models["net"], models["logistic"]
    neural, classical = pairs(best_n, best_c)
    assert len(neural) == len(classical) == 15
    assert len(compare("accuracy", neural, classical, test_share=0.25).differences) == 15
    assert judge(
        "accuracy", best_c, best_n, models["dummy"], test_share=0.25
    ).margin == pytest.approx(np.mean(np.subtract(neural, classical)))


def test_only_passes_both_models_completed_count(table) -> None:
    def drop(request, message):
        # Split 9 exists only in the repeats: the last split of the second more pass.
        net = request.candidate.name == "net"
        return net and isinstance(message, FoldScored) and message.fold == 9

    ran = study(table, InProcess(drop=drop))
    ran.run(lambda event, info: None)
    models = {m.name: m for m in ran.results}
    assert ran.repeats == 2
    assert [len(models[n].repeat_scores) for n in ("net", "dummy", "logistic")] == [5, 5, 5]


def test_without_time_left_there_are_no_repeats(table) -> None:
    ran = study(table, InProcess(), seconds=0.001)
    ran.run(lambda event, info: None)
    assert ran.repeats == 1
    assert all(m.repeat_scores == () for m in ran.results)


def test_rows_in_time_order_get_no_repeats(table) -> None:
    ran = study(table, InProcess(), passes=0)
    ran.run(lambda event, info: None)
    assert ran.repeats == 1 and all(m.repeat_scores == () for m in ran.results)


def test_each_rung_claims_its_familys_time_until_the_family_has_a_score(table) -> None:
    data, context = table
    skipped = Candidate("big", "classical", 1.0, _logistic, skip="skipped: too many rows")
    candidates = [*CANDIDATES, skipped]
    plan = plan_time(Budget(60.0, time.monotonic()), Budget(60.0, time.monotonic()), lanes=1)
    ran = Study(data, context, candidates, plan, InProcess())
    net, dummy, logistic, big = (ran._candidate_job(c) for c in candidates)
    assert big.claims is None  # a skipped rung never runs
    assert logistic.claims() and net.claims()
    dummy.run(Slot(time.monotonic(), 10.0), lambda event, info: None)
    assert logistic.claims()  # the floor is not the classical family
    logistic.run(Slot(time.monotonic(), 10.0), lambda event, info: None)
    assert not logistic.claims() and net.claims()
