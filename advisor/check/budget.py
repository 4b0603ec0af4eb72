"""The time box: how the budget is split, and running work in a child process that is
killed at its deadline.

Cooperative deadlines (the neural training loop checks the clock every batch) end cleanly
with the best weights so far, but nothing cooperative can interrupt a slow scikit-learn or
SVM fit in the middle of its C code. So every fit runs in a child process that the parent
kills when its slot ends: the run finishes on time on any input.

The children come from a fork server, not from forking the caller: GNU OpenMP (used by
torch, scikit-learn and xgboost) hangs in a forked child once the parent has used it, and
a caller such as the Streamlit app or a test session may well have. The server is a clean
process that has imported scikit-learn and xgboost once, so each child starts in
milliseconds; the data travel to it pickled. torch is left out: importing it takes as long
as all the rest, and only the network's child needs it, which imports it on its own (on
two lanes, while the classical ladder already runs beside it).

:func:`run_jobs` shares a group's time among its jobs, one at a time or two side by side.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import queue
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

# Shares of the budget, fixed up front so deep learning gets a fair share rather than what
# the classical ladder leaves over. The rest is slack for forking, statistics, guards.
CLASSICAL_SHARE = 0.42
NEURAL_SHARE = 0.36
CURVE_SHARE = 0.14
SLACK = 0.08  # what is left: child start-up, statistics, the report

# Read at most this many messages a child sent before its deadline but the caller had not
# yet read (a job sends one per split or curve fit): a child that keeps sending is stopped.
LATE_MESSAGES = 100

# How much earlier than its hard kill a cooperative (neural) fit is asked to stop, as a
# share of its slot, so that it can hand back its best weights before being killed.
COOPERATIVE_MARGIN = 0.12


@dataclass(frozen=True)
class Budget:
    """A wall-clock budget that started at ``start`` (``time.monotonic()``)."""

    seconds: float
    start: float

    @classmethod
    def starting_now(cls, seconds: float) -> Budget:
        return cls(seconds=float(seconds), start=time.monotonic())

    @property
    def end(self) -> float:
        return self.start + self.seconds

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())


@dataclass(frozen=True)
class ChildOutcome:
    """What came back from a child: the messages it sent, and how it ended."""

    messages: tuple[Any, ...]
    status: str  # "ok", "timeout" or "failed"
    error: str | None
    seconds: float


def warm_up() -> None:
    """Start the fork server (imports scikit-learn and xgboost once: a few seconds).

    The command line calls this during start-up so the budget is spent on models; the
    runner calls it too, and then it costs nothing.
    """
    global _WARM
    if _WARM:
        return
    context = _context()
    process = context.Process(target=_nothing, daemon=True)
    with _main_script_hidden():
        process.start()
    process.join()
    _WARM = True


def warm_up_in_background() -> threading.Thread:
    """Start :func:`warm_up` on a thread of its own, so the caller can read the data
    meanwhile; ``join()`` the thread before the first child is needed."""
    thread = threading.Thread(target=warm_up, daemon=True)
    thread.start()
    return thread


_WARM = False
# Imported once in the fork server, so that no child pays for them.
_PRELOAD = [
    "advisor.check.worker",
    "advisor.check.neural",
    "advisor.check.guards",
    "advisor.inference",
    "xgboost",
    "scipy.stats",
    "sklearn.compose",
    "sklearn.dummy",
    "sklearn.ensemble",
    "sklearn.feature_extraction.text",
    "sklearn.feature_selection",
    "sklearn.impute",
    "sklearn.linear_model",
    "sklearn.metrics",
    "sklearn.model_selection",
    "sklearn.naive_bayes",
    "sklearn.pipeline",
    "sklearn.preprocessing",
    "sklearn.svm",
    "sklearn.tree",
    "advisor.check._preloaded",  # last: freezes all of the above (see there)
]


def _context() -> Any:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


@contextlib.contextmanager
def _main_script_hidden() -> Iterator[None]:
    """Keep multiprocessing from re-running the caller's main script in the fork server.

    Like spawn, the fork server imports the ``__main__`` script it finds; a script without
    an ``if __name__ == "__main__"`` guard would then run its own work again there. Our jobs
    live in advisor's modules and never need it.
    """
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved = {
        name: main.__dict__[name] for name in ("__file__", "__spec__") if name in main.__dict__
    }
    for name in saved:
        setattr(main, name, None) if name == "__spec__" else delattr(main, name)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(main, name, value)


def _nothing() -> None:
    """What the warm-up child does."""


class Child:
    """A job ``work(send, *args)`` running in a child process; :meth:`wait` collects it.

    ``work`` must be a module-level function (it travels by name). It calls
    ``send(message)`` for each result as it is ready, so what finished before a timeout is
    not lost. An exception in the child comes back as ``failed`` with the last line of its
    traceback; a child that dies (out of memory, a crash) is ``failed`` too.
    """

    def __init__(self, work: Callable[..., None], args: tuple[Any, ...]) -> None:
        context = _context()
        self._receiver, sender = context.Pipe(duplex=False)
        self._started = time.monotonic()
        self._process = context.Process(target=_child, args=(sender, work, args), daemon=True)
        with _main_script_hidden():
            self._process.start()
        sender.close()
        _LIVE.add(self._process)
        self._deadline = float("inf")

    def wait(
        self, *, deadline: float, on_message: Callable[[Any], None] | None = None
    ) -> ChildOutcome:
        """Collect the messages until the job ends or ``deadline`` (monotonic), then stop it.

        ``on_message`` may call :meth:`extend` to move the deadline.
        """
        messages: list[Any] = []
        status, error = "failed", "the process ended without a result"
        self._deadline = deadline
        try:
            for kind, payload in _receive(self._receiver, lambda: self._deadline):
                if kind == "msg":
                    messages.append(payload)
                    if on_message is not None:
                        on_message(payload)
                elif kind == "done":
                    status, error = "ok", None
                    break
                elif kind == "error":
                    status, error = "failed", payload
                    break
                elif kind == "timeout":
                    status, error = "timeout", "stopped at its time limit"
                    break
        finally:
            _stop(self._process, now=status == "timeout")
            _LIVE.discard(self._process)
            self._receiver.close()
        return ChildOutcome(tuple(messages), status, error, time.monotonic() - self._started)

    def extend(self, seconds: float) -> None:
        """Move the deadline of a :meth:`wait` under way ``seconds`` later."""
        self._deadline += seconds


def run_in_child(
    work: Callable[..., None],
    args: tuple[Any, ...],
    *,
    deadline: float,
    on_message: Callable[[Any], None] | None = None,
) -> ChildOutcome:
    """Run ``work(send, *args)`` in a child process (see :class:`Child`), killing it at
    ``deadline`` (monotonic clock) if it has not finished."""
    return Child(work, args).wait(deadline=deadline, on_message=on_message)


# The children being waited for, so that an interrupted run can stop them all: a child of
# the fork server outlives its caller otherwise, until its own work ends.
_LIVE: set[Any] = set()


def stop_children() -> None:
    """Kill every child still running (after an interruption)."""
    for process in list(_LIVE):
        with contextlib.suppress(Exception):
            process.kill()


@dataclass(frozen=True)
class Job:
    """Work that shares its group's time: ``run(slot, notify)`` gets its slot in seconds.

    ``until`` (monotonic) is when the group's time ends; ``weight`` is the job's share of it.
    ``notify(event, info)`` is the caller's progress callback, called on the caller's thread.
    A job ``after`` an event waits for it (until ``until`` at most) before its slot is set.
    """

    group: str
    weight: float
    until: float
    run: Callable[[float, Callable[[str, dict[str, Any]], None]], None]
    after: threading.Event | None = None

    def wait_until_ready(self) -> None:
        if self.after is not None:
            self.after.wait(timeout=max(0.0, self.until - time.monotonic()))


def run_jobs(
    jobs: list[Job],
    *,
    lanes: int,
    notify: Callable[[str, dict[str, Any]], None],
    min_slot: float = 1.0,
) -> None:
    """Run ``jobs`` in their order, ``lanes`` of them at a time.

    A job's slot is its weight's share of its group's time left, spread over the lanes now
    working on that group (at least ``min_slot``, at most all that is left), so time one job
    does not use passes to the next. A job that must wait for others (``Job.after``) holds
    its lane meanwhile: with the jobs in order, the ones it waits for are already running.
    With one lane the jobs run on the caller's thread; with more, on threads of their own,
    and their progress events reach ``notify`` through a queue on the caller's thread (a
    Streamlit callback must not run anywhere else).
    """
    if lanes <= 1:
        for index, job in enumerate(jobs):
            job.wait_until_ready()
            job.run(_slot(job, jobs[index:], working=1, min_slot=min_slot), notify)
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
            job.wait_until_ready()
            with lock:
                same = [j for j in running.values() if j.group == job.group]
                slot = _slot(job, [job, *waiting], working=1 + len(same), min_slot=min_slot)
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
        stop_children()
        raise
    if failures:
        raise failures[0]


def _slot(job: Job, queued: list[Job], *, working: int, min_slot: float) -> float:
    """The job's share of its group's time left; ``queued`` starts with the job itself."""
    left = max(0.0, job.until - time.monotonic())
    weights = sum(j.weight for j in queued if j.group == job.group)
    slot = left * job.weight * working / weights if weights else left
    return min(left, max(slot, min_slot))


def _child(sender: Any, work: Callable[..., None], args: tuple[Any, ...]) -> None:
    # The server's objects are shared with it copy-on-write until touched; a full garbage
    # collection touches every one (0.1-0.3 s of page copies in each child). The server
    # froze them (advisor.check._preloaded); this also covers a server whose preloads
    # failed, which multiprocessing ignores. What the job allocates is still collected.
    gc.freeze()
    # Library warnings (deprecations, convergence) would interleave with the caller's
    # progress display; the report says what matters.
    warnings.simplefilter("ignore")
    try:
        try:
            work(lambda message: sender.send(("msg", message)), *args)
            sender.send(("done", None))
        except BaseException as exc:  # everything is reported to the parent
            last = traceback.format_exception_only(type(exc), exc)[-1].strip()
            sender.send(("error", last))
    except OSError:
        pass  # the parent stopped listening: its deadline passed and it is about to kill us
    finally:
        sender.close()


def _receive(receiver: Any, deadline: Callable[[], float]) -> Iterator[tuple[str, Any]]:
    late = 0  # messages read past the deadline: what the child had already sent still counts
    while True:
        left = deadline() - time.monotonic()
        late += left <= 0
        if late > LATE_MESSAGES or not receiver.poll(max(0.0, left)):
            yield ("timeout", None)
            return
        try:
            yield receiver.recv()
        except EOFError:
            return


def _stop(process: Any, *, now: bool) -> None:
    if not now:
        process.join(timeout=0.5)
    if process.is_alive():
        process.kill()
        process.join(timeout=2.0)
