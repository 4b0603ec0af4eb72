"""What runs on a Ray worker: one job of the check, its messages yielded as they come.

A job (:mod:`advisor.check.worker`) reports through a callback, one message at a time; a
Ray generator task can only hand results back by yielding them. So the job runs on a thread
of the task and the task yields what the thread sends, so that each message reaches the
caller as soon as it is sent, and what was sent before the deadline still counts when the
task is cancelled.

Nothing here imports Ray: the executor wraps :func:`run_job` in ``ray.remote``.
"""

from __future__ import annotations

import dataclasses
import queue
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any

# The fields of a request that are instants on the caller's monotonic clock. A worker on
# another machine has a monotonic clock of its own, so these are moved onto it.
DEADLINES = ("fits_end", "curve_end")

# A message is ("msg", message); the job's end is ("done", None) or ("error", reason).
Item = tuple[str, Any]


def run_job(
    work: Callable[..., None], data: Any, request: Any, sent: tuple[float, float]
) -> Iterator[Item]:
    """Run ``work(send, data, request)`` and yield what it sends, then how it ended.

    ``sent`` is the caller's ``(time.monotonic(), time.time())`` when it started the job.
    """
    # Library warnings (deprecations, convergence) would interleave with the caller's
    # progress display; the report says what matters.
    warnings.simplefilter("ignore")
    request = on_this_clock(request, sent)
    inbox: queue.SimpleQueue[Item] = queue.SimpleQueue()

    def target() -> None:
        try:
            work(lambda message: inbox.put(("msg", message)), data, request)
            inbox.put(("done", None))
        except BaseException as exc:  # everything is reported to the caller
            from advisor.check.messages import error_line

            inbox.put(("error", error_line(exc)))

    threading.Thread(target=target, daemon=True).start()
    while True:
        item = inbox.get()
        yield item
        if item[0] != "msg":
            return


def on_this_clock(request: Any, sent: tuple[float, float]) -> Any:
    """``request`` with its :data:`DEADLINES` moved from the caller's monotonic clock onto
    this process's.

    The wall clocks of a cluster's machines agree (NTP) while their monotonic clocks do
    not, so the offset between the two monotonic clocks comes through the wall clocks. It
    is never taken later than if the job had arrived the instant it was sent: a job can only
    have arrived after, so a deadline is never moved past the instant the caller kills the
    task (on one machine the two agree).
    """
    if not dataclasses.is_dataclass(request):
        return request
    caller_monotonic, caller_wall = sent
    here_monotonic, here_wall = time.monotonic(), time.time()
    by_wall = (here_monotonic - here_wall) - (caller_monotonic - caller_wall)
    offset = min(by_wall, here_monotonic - caller_monotonic)
    moved = {
        name: getattr(request, name) + offset
        for name in DEADLINES
        if getattr(request, name, None) is not None
    }
    return dataclasses.replace(request, **moved) if moved else request


def preload() -> None:
    """Import what the jobs use, so that the first job on each worker does not pay for it."""
    import importlib

    # The fork server's list: what the local engine's children find already imported. Its
    # last entry freezes the garbage collector for the fork's sake, which a worker that
    # keeps running jobs has no use for.
    from advisor.check.children import _PRELOAD

    for name in _PRELOAD:
        if name != "advisor.check._preloaded":
            importlib.import_module(name)
