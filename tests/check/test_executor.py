"""The executor seam: the study's jobs run on another engine without the study changing."""

from __future__ import annotations

import os
import queue
import threading
import time
from typing import Any

import pytest

from advisor.check.children import ChildOutcome
from advisor.check.executor import EngineInfo, Executor, LocalExecutor
from advisor.check.runner import run_check
from advisor.data import load_example
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


@pytest.mark.slow
def test_another_engine_runs_the_same_jobs_and_the_same_scores() -> None:
    engine = InThisProcess()
    report = run_check(load_example("iris"), budget=golden.BUDGET, seed=0, executor=engine)
    # Every isolated job went through the engine: the guards, five candidates' splits (the
    # network's curve with them), the classical curve's two points, and the repeated passes
    # of the two compared models when the time left allowed them.
    first = ["inspect", *["evaluate"] * 5, *["learning_curve"] * 2]
    assert sorted(engine.started) in (sorted(first), sorted([*first, "evaluate", "evaluate"]))
    if report.repeats > 1:
        assert engine.started.count("evaluate") == 7
    then = golden.load("iris")
    now = golden.essentials(report.to_dict())
    for model, before in then["models"].items():
        if before["settled"] and now["models"][model]["settled"]:
            assert now["models"][model]["fold_scores"] == before["fold_scores"], model
    assert report.profile["rows"] == 150  # the guards' job came back too
