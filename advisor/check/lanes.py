"""Sharing a group's time among its jobs, one at a time or several side by side.

A job's slot is its weight's share of its group's time left, spread over the lanes now
working on that group (at least ``min_slot``, at most all that is left), so time one job
does not use passes to the next. The scheduler reads time from a clock it is given, so
that what it decides can be tested without waiting.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from advisor.check.plan import Clock, Slot

Notify = Callable[[str, dict[str, Any]], None]


@dataclass(frozen=True)
class Job:
    """Work that shares its group's time: ``run(slot, notify)`` gets its :class:`Slot`.

    ``until`` (monotonic) is when the group's time ends; ``weight`` is the job's share of it.
    ``notify(event, info)`` is the caller's progress callback, called on the caller's thread.
    A job ``after`` an event waits for it (until ``until`` at most) before its slot is set.
    A job whose ``claims()`` is true when its slot is set gets all of its group's time
    left, whatever its weight (see :func:`_slot`).
    """

    group: str
    weight: float
    until: float
    run: Callable[[Slot, Notify], None]
    after: threading.Event | None = None
    claims: Callable[[], bool] | None = None


def run_jobs(
    jobs: list[Job],
    *,
    lanes: int,
    notify: Notify,
    min_slot: float = 1.0,
    clock: Clock = time.monotonic,
    on_interrupt: Callable[[], None] = lambda: None,
) -> None:
    """Run ``jobs`` in their order, ``lanes`` of them at a time.

    A job that must wait for others (``Job.after``) holds its lane meanwhile: with the jobs
    in order, the ones it waits for are already running. With one lane the jobs run on the
    caller's thread; with more, on threads of their own, and their progress events reach
    ``notify`` through a queue on the caller's thread (a Streamlit callback must not run
    anywhere else). An interruption (Ctrl-C) calls ``on_interrupt`` to stop what runs.
    """
    if lanes <= 1:
        for index, job in enumerate(jobs):
            _wait_until_ready(job, clock)
            job.run(_slot(job, jobs[index:], working=1, min_slot=min_slot, now=clock()), notify)
        return
    lock = threading.Lock()
    waiting = list(jobs)
    running: dict[int, Job] = {}
    events: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue()
    failures: list[BaseException] = []

    def lane(number: int) -> None:
        while True:
            with lock:
                running.pop(number, None)
                if not waiting or failures:
                    return
                job = waiting.pop(0)
            _wait_until_ready(job, clock)
            with lock:
                same = [j for j in running.values() if j.group == job.group]
                slot = _slot(
                    job, [job, *waiting], working=1 + len(same), min_slot=min_slot, now=clock()
                )
                running[number] = job
            try:
                job.run(slot, lambda event, info: events.put((event, info)))
            except BaseException as exc:  # handed to the caller's thread below
                with lock:
                    failures.append(exc)

    threads = [threading.Thread(target=lane, args=(n,), daemon=True) for n in range(lanes)]
    for thread in threads:
        thread.start()
    try:
        while any(t.is_alive() for t in threads) or not events.empty():
            with contextlib.suppress(queue.Empty):
                notify(*events.get(timeout=0.05))
    except BaseException:
        with lock:
            waiting.clear()
        on_interrupt()
        raise
    if failures:
        raise failures[0]


def _wait_until_ready(job: Job, clock: Clock) -> None:
    if job.after is not None:
        job.after.wait(timeout=max(0.0, job.until - clock()))


def _slot(job: Job, queued: list[Job], *, working: int, min_slot: float, now: float) -> Slot:
    """The job's share of its group's time left; ``queued`` starts with the job itself.
    A claiming job gets all of it: its group needs its result more than the next jobs'."""
    left = max(0.0, job.until - now)
    if job.claims is not None and job.claims():
        return Slot(start=now, seconds=left)
    weights = sum(j.weight for j in queued if j.group == job.group)
    seconds = left * job.weight * working / weights if weights else left
    return Slot(start=now, seconds=min(left, max(seconds, min_slot)))
