"""The time box: children are stopped at their deadline and the run honours its budget."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator
from sklearn.dummy import DummyClassifier

from advisor.check import budget as timebox
from advisor.check import candidates, runner
from advisor.check.candidates import Candidate
from advisor.data import Dataset
from advisor.errors import CheckError, ParameterError


# Jobs and estimators run in child processes, which find them by module name: they must
# live at module level.
def _sleep_after_one(send, seconds: float) -> None:
    send("first")
    time.sleep(seconds)
    send("never")


def _fail(send) -> None:
    raise ValueError("the model could not fit")


def _report_torch(send) -> None:
    import sys

    send("torch" in sys.modules)


def _report_frozen(send) -> None:
    import gc

    send(gc.get_freeze_count())


class SlowClassifier(BaseEstimator):
    """Stands for a fit that never checks the clock (an SVM in C code, say)."""

    def fit(self, X, y):
        time.sleep(600)
        return self


def _slow(context, deadline):
    return SlowClassifier()


def test_a_child_past_its_deadline_is_stopped_keeping_what_it_sent() -> None:
    timebox.warm_up()
    started = time.monotonic()
    outcome = timebox.run_in_child(_sleep_after_one, (60.0,), deadline=started + 1.0)
    assert outcome.status == "timeout"
    assert outcome.messages == ("first",)
    assert time.monotonic() - started < 2.0


def test_what_a_child_sent_before_a_deadline_already_passed_still_counts() -> None:
    timebox.warm_up()
    child = timebox.Child(_sleep_after_one, (60.0,))
    time.sleep(1.0)  # "first" is in the pipe; nobody has read it yet
    outcome = child.wait(deadline=time.monotonic() - 1.0)
    assert outcome.status == "timeout"
    assert outcome.messages == ("first",)


def test_a_deadline_extended_while_waiting_lets_the_child_finish() -> None:
    timebox.warm_up()
    child = timebox.Child(_sleep_after_one, (1.5,))
    outcome = child.wait(deadline=time.monotonic() + 1.0, on_message=lambda m: child.extend(2.0))
    assert outcome.status == "ok"
    assert outcome.messages == ("first", "never")


def test_the_fork_server_leaves_torch_to_the_networks_child() -> None:
    outcome = timebox.run_in_child(_report_torch, (), deadline=time.monotonic() + 30)
    assert outcome.messages == (False,)


def test_a_child_leaves_the_servers_objects_to_the_garbage_collector() -> None:
    # What the server imported (scikit-learn, xgboost: hundreds of thousands of objects) is
    # frozen in each child, so that no full collection copies their shared pages.
    outcome = timebox.run_in_child(_report_frozen, (), deadline=time.monotonic() + 30)
    assert outcome.messages[0] > 50_000
    # The server freezes them itself, after its last import, so that its exit skips them.
    assert timebox._PRELOAD[-1] == "advisor.check._preloaded"
    frozen = subprocess.run(
        [sys.executable, "-c", "import advisor.check._preloaded, gc; print(gc.get_freeze_count())"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert int(frozen.stdout) > 1_000


def test_a_failing_child_reports_its_error_line() -> None:
    outcome = timebox.run_in_child(_fail, (), deadline=time.monotonic() + 10)
    assert (outcome.status, outcome.error) == ("failed", "ValueError: the model could not fit")


def test_budget_shares_add_up_and_deep_learning_gets_a_fair_share() -> None:
    shares = timebox.CLASSICAL_SHARE + timebox.NEURAL_SHARE + timebox.CURVE_SHARE
    assert shares + timebox.SLACK == pytest.approx(1.0)
    assert timebox.NEURAL_SHARE >= 0.3  # deep learning gets a fair share, not leftovers


def _small_table(rows: int = 300) -> Dataset:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(rows, 5)), columns=list("abcde"))
    y = (frame["a"] - frame["b"] > 0).astype(int).to_numpy()
    return Dataset(X=frame, y=y, task="binary", modality="tabular", name="small", rows_total=rows)


def test_a_slow_candidate_is_stopped_and_the_run_keeps_its_budget(monkeypatch) -> None:
    real_ladder = candidates.ladder

    def ladder_with_a_slow_rung(context):
        rungs = real_ladder(context)
        return [rungs[0], Candidate("never_ends", "classical", 1.0, _slow), rungs[1], rungs[-1]]

    monkeypatch.setattr(runner, "ladder", ladder_with_a_slow_rung)
    events = []
    timebox.warm_up()
    started = time.monotonic()
    report = runner.run_check(
        _small_table(), budget=12.0, progress=lambda event, info: events.append((event, info))
    )
    elapsed = time.monotonic() - started
    assert elapsed <= 1.1 * 12.0, elapsed
    slow = next(m for m in report.models if m.name == "never_ends")
    assert (slow.status, slow.score, slow.message) == ("timeout", None, "stopped at its time limit")
    finished = {
        info["name"]: info["status"] for event, info in events if event == "candidate_finish"
    }
    assert finished["never_ends"] == "timeout"
    started = [info["name"] for event, info in events if event == "candidate_start"]
    assert started.index("logistic") > started.index("never_ends")  # the ladder went on


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"budget": -3}, r"^The 'budget' parameter of check must be a float > 0. Got -3 instead.$"),
        ({"budget": 0}, r"^The 'budget' parameter of check must be a float > 0. Got 0 instead.$"),
        ({"seed": -1}, r"^The 'seed' parameter of check must be an int >= 0. Got -1 instead.$"),
    ],
    ids=["negative-budget", "zero-budget", "negative-seed"],
)
def test_bad_parameters_are_refused(options, message) -> None:
    with pytest.raises(ParameterError, match=message):
        runner.run_check(_small_table(), **options)


def test_too_few_rows_is_a_check_error() -> None:
    with pytest.raises(CheckError, match=r"^small has 12 rows: the check needs at least 20"):
        runner.run_check(_small_table(12), budget=5)


def test_big_inputs_are_sampled_to_the_budget_stratified() -> None:
    rng = np.random.default_rng(0)
    rows = 50_000
    frame = pd.DataFrame(rng.normal(size=(rows, 20)))
    frame.columns = [f"x{i}" for i in range(20)]
    y = (rng.random(rows) < 0.1).astype(int)
    big = Dataset(X=frame, y=y, task="binary", modality="tabular", name="big", rows_total=rows)
    sampled, note = runner.sample_for_budget(big, budget=10, seed=0)
    assert sampled.rows == 20_000 == len(sampled.X)
    assert np.mean(sampled.y) == pytest.approx(np.mean(y), abs=1e-4)  # stratified
    assert note == (
        "Sampled 20,000 of 50,000 rows (stratified random sample) to fit the 10 s budget; "
        "every score here is measured on that sample."
    )


def test_dummy_is_the_floor_of_every_ladder() -> None:
    for modality in ("tabular", "image", "text"):
        context = candidates.Context("binary", modality, rows=100, seed=0, text_column="t")
        assert candidates.ladder(context)[0].family == "baseline"
        assert candidates.ladder(context)[-1].family == "deep_learning"
    assert isinstance(candidates._dummy(context, None), DummyClassifier)


def test_image_svm_shares_one_pixel_scale_and_tunes_c_on_small_data() -> None:
    images = np.zeros((4, 3, 3), dtype=np.float32)
    images[:, 1, 1] = [0.0, 64.0, 128.0, 255.0]  # a stroke in the middle, a constant border
    scale = candidates.PixelScale().fit(candidates.PixelFeatures().transform(images))
    assert scale.scale_ == 255.0
    scaled = scale.transform(candidates.PixelFeatures().transform(images * 2))
    assert scaled.max() == pytest.approx(2.0)  # new images keep the training scale
    assert (scaled.reshape(4, 3, 3)[:, 0, :] == 0).all()  # the border stays silent
    small = candidates.Context("multiclass", "image", rows=500, seed=0)
    search = candidates._svm(small, None).steps[-1][1]
    assert search.param_grid == {"C": [1.0, 10.0]} and search.cv == 3
    big = candidates.Context("multiclass", "image", rows=3_000, seed=0)
    assert candidates._svm(big, None).steps[-1][1].C == 1.0  # one fit, no search


def _timed_job(group: str, spans: list, *, until: float, seconds: float = 0.4) -> timebox.Job:
    """A job that records its slot, its span and its thread, and sends one event."""

    def run(slot, notify) -> None:
        began = time.monotonic()
        time.sleep(seconds)
        spans.append((group, slot, began, time.monotonic()))
        notify("done", {"group": group})

    return timebox.Job(group, 1.0, until, run)


def test_two_lanes_run_jobs_side_by_side_and_report_on_the_callers_thread() -> None:
    import threading

    spans, events = [], []
    until = time.monotonic() + 30
    jobs = [_timed_job("a", spans, until=until), _timed_job("b", spans, until=until)]
    caller = threading.get_ident()
    timebox.run_jobs(
        jobs, lanes=2, notify=lambda event, info: events.append((threading.get_ident(), info))
    )
    (_, _, start_a, end_a), (_, _, start_b, end_b) = sorted(spans)
    assert start_a < end_b and start_b < end_a  # they overlapped
    assert [thread for thread, _ in events] == [caller, caller]
    assert sorted(info["group"] for _, info in events) == ["a", "b"]


def test_one_lane_runs_jobs_in_order_passing_unused_time_on() -> None:
    spans = []
    until = time.monotonic() + 10
    jobs = [_timed_job("g", spans, until=until, seconds=0.1) for _ in range(2)]
    timebox.run_jobs(jobs, lanes=1, notify=lambda event, info: None)
    (_, first_slot, _, first_end), (_, second_slot, second_start, _) = spans
    assert first_end <= second_start
    assert first_slot == pytest.approx(5.0, abs=0.2)  # half the group's time
    assert second_slot == pytest.approx(9.9, abs=0.2)  # all that is left, the first's unused


@pytest.mark.parametrize("lanes", [1, 2])
def test_a_job_after_an_event_waits_for_it_before_taking_its_slot(lanes) -> None:
    import threading

    spans = []
    ready = threading.Event()
    until = time.monotonic() + 10

    def first(slot, notify) -> None:
        time.sleep(0.3)
        spans.append(("first", time.monotonic()))
        ready.set()

    def then(slot, notify) -> None:
        spans.append(("then", time.monotonic(), slot))

    jobs = [
        timebox.Job("a", 1.0, until, first),
        timebox.Job("b", 1.0, until, then, after=ready),
    ]
    timebox.run_jobs(jobs, lanes=lanes, notify=lambda event, info: None)
    (_, first_end), (_, then_start, then_slot) = spans
    assert first_end <= then_start
    assert then_slot == pytest.approx(until - then_start, abs=0.1)  # set after the wait


@pytest.mark.skipif(not os.path.exists("/proc/loadavg"), reason="reads Linux's run queue")
def test_busy_cores_are_seen_at_once_not_a_minute_later() -> None:
    hogs = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"])
        for _ in range((os.cpu_count() or 1) + 1)
    ]
    try:
        time.sleep(0.5)
        assert candidates.machine_busy()
        assert candidates.lanes_for(candidates.Context("binary", "tabular", 100, 0, threads=1)) == 1
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def test_a_failing_job_in_a_lane_is_raised_on_the_callers_thread() -> None:
    def broken(slot, notify) -> None:
        raise RuntimeError("lane broke")

    until = time.monotonic() + 5
    with pytest.raises(RuntimeError, match="lane broke"):
        timebox.run_jobs(
            [timebox.Job("g", 1.0, until, broken)], lanes=2, notify=lambda event, info: None
        )


def test_the_budget_runs_from_when_the_command_started() -> None:
    timebox.warm_up()
    started = time.monotonic() - 4.0  # as if reading the data had taken 4 s of the budget
    report = runner.run_check(_small_table(), budget=10.0, started=started)
    assert 4.0 <= report.elapsed_seconds <= 1.1 * 10.0
    assert time.monotonic() - started <= 1.1 * 10.0
    assert any(
        w.startswith("Reading the data and starting the workers took 4.0 s of the 10 s budget")
        for w in report.warnings
    ), report.warnings
