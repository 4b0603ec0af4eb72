"""Work in a child process that is killed at its deadline: the local executor's engine.

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
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

# Read at most this many messages a child sent before its deadline but the caller had not
# yet read (a job sends one per split or curve fit): a child that keeps sending is stopped.
LATE_MESSAGES = 100


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
    "advisor.check.ladder",
    "advisor.check.fitting",
    "advisor.check.features",
    "advisor.check.boosting",
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


def shut_down() -> None:
    """Stop every child and the fork server, and wait until they have exited.

    A command that returned while the server was still tearing itself down would leave a
    process behind it that holds its output pipe open. multiprocessing has no public way to
    stop its fork server; ``ForkServer._stop`` closes the server's "alive" pipe and waits
    for it, which is what the server watches for.
    """
    global _WARM
    stop_children()
    for process in list(_LIVE):
        process.join(timeout=2.0)
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    if server is not None and getattr(server, "_forkserver_pid", None) is not None:
        server._stop()
    _WARM = False


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
    not lost. An exception in the child comes back as ``failed`` with its reason in one
    line (:func:`~advisor.check.messages.error_line`); a child that dies (out of memory, a
    crash) is ``failed`` too.
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


def _child(sender: Any, work: Callable[..., None], args: tuple[Any, ...]) -> None:
    # The server's objects are shared with it copy-on-write until touched; a full garbage
    # collection touches every one, and so copies their pages, in each child. The server
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
            from advisor.check.messages import error_line

            sender.send(("error", error_line(exc)))
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
