"""The lane scheduler, on a clock the tests move by hand: slots, order, lanes, failures."""

from __future__ import annotations

import threading

import pytest

from advisor.check.lanes import Job, run_jobs


class Clock:
    """Monotonic seconds that only move when a job says its work took time."""

    def __init__(self) -> None:
        self.now = 100.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def spend(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds


def job(group: str, clock: Clock, record: list, *, until: float, takes: float, weight=1.0) -> Job:
    """A job that records its slot and spends ``takes`` seconds of the clock."""

    def run(slot, notify) -> None:
        record.append((group, slot.start, slot.seconds))
        clock.spend(takes)
        notify("done", {"group": group})

    return Job(group, weight, until, run)


def test_one_lane_runs_jobs_in_order_passing_unused_time_on() -> None:
    clock, record = Clock(), []
    until = clock.now + 10
    jobs = [job("g", clock, record, until=until, takes=1.0) for _ in range(2)]
    run_jobs(jobs, lanes=1, notify=lambda event, info: None, clock=clock)
    assert record == [("g", 100.0, 5.0), ("g", 101.0, 9.0)]  # half, then all that is left


def test_a_slot_follows_its_weight_and_never_falls_below_the_minimum() -> None:
    clock, record = Clock(), []
    until = clock.now + 10
    jobs = [
        job("g", clock, record, until=until, takes=0.0, weight=1.0),
        job("g", clock, record, until=until, takes=0.0, weight=3.0),
        job("late", clock, record, until=clock.now + 0.5, takes=0.0),
    ]
    run_jobs(jobs, lanes=1, notify=lambda event, info: None, clock=clock, min_slot=1.0)
    assert [seconds for _, _, seconds in record] == [2.5, 10.0, 0.5]  # at most what is left


def test_a_job_claims_all_its_group_has_left_until_its_group_has_a_result() -> None:
    clock, record, results = Clock(), [], []

    def claiming(takes: float, *, scores: bool) -> Job:
        def run(slot, notify) -> None:
            record.append(("g", slot.start, slot.seconds))
            clock.spend(takes)
            results.extend([takes] if scores else [])

        return Job("g", 1.0, clock.now + 10, run, claims=lambda: not results)

    jobs = [
        claiming(1.0, scores=False),  # fails: the next one claims too
        claiming(5.0, scores=True),
        claiming(1.0, scores=True),  # the group has a result: its share again
        job("g", clock, record, until=clock.now + 10, takes=0.0),
    ]
    run_jobs(jobs, lanes=1, notify=lambda event, info: None, clock=clock)
    assert record == [("g", 100.0, 10.0), ("g", 101.0, 9.0), ("g", 106.0, 2.0), ("g", 107.0, 3.0)]


def test_two_lanes_run_jobs_side_by_side_and_report_on_the_callers_thread() -> None:
    both_running = threading.Barrier(2, timeout=10)  # passes only if the two overlap
    events = []

    def run(slot, notify) -> None:
        both_running.wait()
        notify("done", {"thread": threading.get_ident()})

    until = 1e9
    jobs = [Job("a", 1.0, until, run), Job("b", 1.0, until, run)]
    caller = threading.get_ident()
    run_jobs(
        jobs,
        lanes=2,
        notify=lambda event, info: events.append((threading.get_ident(), info["thread"])),
    )
    assert [thread for thread, _ in events] == [caller, caller]
    assert len({lane for _, lane in events} - {caller}) == 2


def test_two_lanes_on_one_group_share_its_time_between_them() -> None:
    clock, record = Clock(), []
    started = threading.Barrier(2, timeout=10)

    def run(slot, notify) -> None:
        record.append(slot.seconds)
        started.wait()

    until = clock.now + 12
    jobs = [Job("g", 1.0, until, run) for _ in range(3)]
    started_third = threading.Event()

    def third(slot, notify) -> None:
        record.append(slot.seconds)
        started_third.set()

    jobs[2] = Job("g", 1.0, until, third)
    run_jobs(jobs, lanes=2, notify=lambda event, info: None, clock=clock)
    # The first takes a third of the time; the second, beside it, its share of two lanes.
    assert record[0] == pytest.approx(4.0)
    assert record[1] == pytest.approx(12.0)
    assert started_third.is_set()


@pytest.mark.parametrize("lanes", [1, 2])
def test_a_job_after_an_event_waits_for_it_before_taking_its_slot(lanes) -> None:
    clock, order = Clock(), []
    ready = threading.Event()
    until = clock.now + 10

    def first(slot, notify) -> None:
        clock.spend(3.0)
        order.append("first")
        ready.set()

    def then(slot, notify) -> None:
        order.append(("then", slot.start, slot.seconds))

    jobs = [Job("a", 1.0, until, first), Job("b", 1.0, until, then, after=ready)]
    run_jobs(jobs, lanes=lanes, notify=lambda event, info: None, clock=clock)
    assert order == ["first", ("then", 103.0, 7.0)]  # its slot set after the wait


def test_a_failing_job_in_a_lane_is_raised_on_the_callers_thread() -> None:
    def broken(slot, notify) -> None:
        raise RuntimeError("lane broke")

    with pytest.raises(RuntimeError, match="lane broke"):
        run_jobs([Job("g", 1.0, 1e9, broken)], lanes=2, notify=lambda event, info: None)


def test_an_interruption_stops_what_runs_and_is_raised() -> None:
    stopped = []

    def run(slot, notify) -> None:
        notify("tick", {})

    def interrupted(event, info) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_jobs(
            [Job("g", 1.0, 1e9, run)],
            lanes=2,
            notify=interrupted,
            on_interrupt=lambda: stopped.append(True),
        )
    assert stopped == [True]
