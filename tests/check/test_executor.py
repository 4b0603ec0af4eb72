"""The executor seam: the study's jobs run on another engine without the study changing."""

from __future__ import annotations

import os
import queue
import threading
import time
from typing import Any

import numpy as np
import pandas as pd
import pytest

from advisor.check import runner
from advisor.check.children import ChildOutcome
from advisor.check.executor import EngineInfo, Executor, LocalExecutor
from advisor.check.result import validate
from advisor.check.runner import run_check
from advisor.check.sampling import row_cap
from advisor.data import Dataset, load_example
from tests.check import golden


class InThisProcess:
    """An engine that runs each job on a thread of the caller's process and hands its
    messages over a queue: nothing like a fork server, the same jobs."""

    def __init__(self) -> None:
        self.started: list[str] = []

    def warm_up(self) -> None:
        pass

    def lanes(self, context: Any) -> int:
        return 1

    def start(self, work, data, request):
        self.started.append(work.__name__)
        return _Thread(work, data, request)

    def stop_all(self) -> None:
        pass

    def info(self) -> EngineInfo:
        return EngineInfo(engine="threads", workers=1, cpus=1)

    def row_scale(self) -> float:
        return 1.0

    def close(self) -> None:
        pass


class _Thread:
    def __init__(self, work, data, request) -> None:
        self.inbox: queue.Queue = queue.Queue()
        self.began = time.monotonic()
        self.extra = 0.0

        def run() -> None:
            try:
                work(self.inbox.put, data, request)
                self.inbox.put(("done", None))
            except Exception as exc:  # handed to wait()
                self.inbox.put(("error", f"{type(exc).__name__}: {exc}"))

        threading.Thread(target=run, daemon=True).start()

    def extend(self, seconds: float) -> None:
        self.extra += seconds

    def wait(self, *, deadline: float, on_message=None) -> ChildOutcome:
        messages = []
        while True:
            left = deadline + self.extra - time.monotonic()
            try:
                item = self.inbox.get(timeout=max(0.01, left))
            except queue.Empty:
                status, error = "timeout", "stopped at its time limit"
                break
            if isinstance(item, tuple) and item and item[0] in ("done", "error"):
                status, error = ("ok", None) if item[0] == "done" else ("failed", item[1])
                break
            messages.append(item)
            if on_message is not None:
                on_message(item)
        return ChildOutcome(tuple(messages), status, error, time.monotonic() - self.began)


def test_the_local_executor_is_an_executor() -> None:
    executor: Executor = LocalExecutor()
    assert executor.info() == EngineInfo("local", 1, os.cpu_count() or 1)
    assert executor.row_scale() == 1.0
    executor.close()  # nothing to release: the fork server serves the next check


class TwiceAsWide(LocalExecutor):
    """The local engine, saying it is twice as wide (as a cluster with twice the CPUs)."""

    def row_scale(self) -> float:
        return 2.0

    def info(self) -> EngineInfo:
        return EngineInfo(engine="ray", workers=2, cpus=4)


def test_a_twice_as_wide_engine_checks_twice_the_rows(monkeypatch) -> None:
    executor = TwiceAsWide()
    work = []  # the models' seconds, which set the cap
    real = runner.work_budget
    monkeypatch.setattr(runner, "work_budget", lambda *a: work.append(real(*a)) or work[-1])
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(80_000, 5)), columns=list("abcde"))
    y = (frame["a"] + rng.normal(size=len(frame)) > 0).astype(int).to_numpy()
    data = Dataset(X=frame, y=y, task="binary", modality="tabular", name="wide", rows_total=80_000)
    report = run_check(data, budget=3.0, seed=0, executor=executor)
    (seconds,) = [w.seconds for w in work]
    local = row_cap(data, seconds)
    assert report.rows == row_cap(data, seconds, 2.0) < 80_000
    assert abs(report.rows - 2 * local) <= 1
    assert report.rows_total == 80_000
    assert report.warnings[0].startswith(f"Sampled {report.rows:,} of 80,000 rows")
    assert report.engine == executor.info()
    data = report.to_dict()
    assert (data["rows"], data["engine"]) == (report.rows, executor.info().to_dict())
    validate(data)


@pytest.mark.slow
def test_another_engine_runs_the_same_jobs_and_the_same_scores() -> None:
    engine = InThisProcess()
    report = run_check(load_example("iris"), budget=golden.BUDGET, seed=0, executor=engine)
    # Every isolated job went through the engine: the guards, five candidates' splits (the
    # network's curve with them), the classical curve's two points, each family's tuning
    # with its winner's splits when the time left allowed them, and the repeated passes of
    # the two compared models when it allowed them.
    first = ["inspect", *["evaluate"] * 5, *["learning_curve"] * 2]
    tuned = report.spare_time.families
    assert sum(f.trials_run > 0 for f in tuned) <= engine.started.count("tune") <= len(tuned)
    refits = sum(f.tuned_model is not None for f in tuned)
    started = [job for job in engine.started if job != "tune"]
    first += ["evaluate"] * refits
    assert sorted(started) in (sorted(first), sorted([*first, "evaluate", "evaluate"]))
    if report.repeats > 1:
        assert engine.started.count("evaluate") == 7 + refits
    then = golden.load("iris")
    now = golden.essentials(report.to_dict())
    for model, before in then["models"].items():
        if before["settled"] and now["models"][model]["settled"]:
            assert now["models"][model]["fold_scores"] == before["fold_scores"], model
    assert report.profile["rows"] == 150  # the guards' job came back too
