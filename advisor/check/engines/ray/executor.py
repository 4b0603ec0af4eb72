"""The check's jobs as Ray tasks: :class:`RayExecutor`, the cluster engine.

Each job is a Ray generator task (:func:`.task.run_job`) holding the CPUs its fits use; its
messages come back one at a time as it yields them, and at its deadline it is cancelled
with ``force=True``, which ends its worker process as the local engine kills its child.
The study's data go into the object store once and every job reads them from there. A job
whose node or worker dies comes back ``failed`` with the reason, at once, and the study
goes on with what is left.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

from advisor.check.children import LATE_MESSAGES, ChildOutcome
from advisor.check.engines.ray.connect import Connection, connect, parse_address
from advisor.check.executor import EngineInfo, Running, Work
from advisor.errors import CheckError

# The local engine's lanes on the machine its sampling rates (advisor.check.sampling) were
# measured on: a cluster's row cap is scaled by its CPUs over these.
REFERENCE_CPUS = 2
# More lanes than the study has jobs (a ladder, its curves) only start threads that find
# nothing to do; this bounds them on a large cluster.
MAX_LANES = 64
# The most that warming the workers up may take: past it, the jobs import what they need
# themselves.
WARM_SECONDS = 30.0
TIMED_OUT = "stopped at its time limit"  # the local engine's words, so reports read alike


class RayExecutor:
    """Runs a study's jobs on the Ray cluster at ``address``.

    ``address`` is ``"local"`` (start a Ray runtime on this machine; the default),
    ``"auto"`` (the cluster this machine joined with ``ray start``) or ``HOST:PORT`` (the
    address ``ray start --head`` printed). Nothing is
    contacted until :meth:`warm_up`, which the check calls inside its budget; reaching the
    cluster, or starting Ray here, may take at most ``connect_timeout`` seconds (by default
    those of :func:`~advisor.check.engines.ray.connect.connect`). :meth:`close` disconnects
    (and stops a runtime started here).
    """

    def __init__(self, address: str | None = None, *, connect_timeout: float | None = None):
        self.address = parse_address(address)
        self.connect_timeout = connect_timeout
        self._connection: Connection | None = None  # None: not connected, or the caller's
        self._task: Any = None  # run_job as a Ray remote function, once connected
        self._data: tuple[Any, Any] | None = None  # (the study's data, its object ref)
        self._live: set[RayJob] = set()
        self._lock = threading.Lock()

    # --- the Executor protocol ----------------------------------------------------------------

    def warm_up(self) -> None:
        """Connect (or start Ray here), and have a worker on each CPU import the jobs'
        modules.

        This waits for the imports, as the local engine waits for its fork server: the
        study plans its time from when this returns, so the seconds each worker's first
        import takes are start-up, which the report shows, not a job's share of the budget.
        """
        if self._task is not None:
            return
        self._connection = connect(self.address, timeout=self.connect_timeout)
        import ray

        from advisor.check.engines.ray.task import preload, run_job

        if not self._cpus():
            self.close()
            raise CheckError(
                f"The Ray cluster at {self.address.text} has no CPUs for the check's jobs; "
                "start a worker node with `ray start --address ... --num-cpus N`."
            )
        self._task = ray.remote(max_retries=0)(run_job)
        warm = ray.remote(num_cpus=1, max_retries=0)(preload)
        warming = [warm.remote() for _ in range(self._cpus())]
        ray.wait(warming, num_returns=len(warming), timeout=WARM_SECONDS)

    def lanes(self, context: Any) -> int:
        """As many jobs side by side as the cluster has CPUs for, each holding the CPUs its
        fits use (``context.threads``, at most a node's)."""
        self.warm_up()
        per_job = min(max(1, context.threads), self._largest_node())
        return max(1, min(MAX_LANES, self._cpus() // per_job))

    def start(self, work: Work, data: Any, request: Any) -> Running:
        """Start ``work(send, data, request)`` as a Ray task."""
        self.warm_up()
        generator = self._task.options(**self._options(request)).remote(
            work, self._shared(data), request, (time.monotonic(), time.time())
        )
        job = RayJob(generator, done=self._forget)
        with self._lock:
            self._live.add(job)
        return job

    def stop_all(self) -> None:
        """Cancel every job still running (after an interruption)."""
        with self._lock:
            live = list(self._live)
        for job in live:
            job.cancel()

    def info(self) -> EngineInfo:
        """``ray``, the cluster's live nodes and their CPUs."""
        self.warm_up()
        import ray

        nodes = [n for n in ray.nodes() if n.get("Alive")]
        return EngineInfo(engine="ray", workers=len(nodes), cpus=self._cpus())

    # --- the rest -----------------------------------------------------------------------------

    def row_scale(self) -> float:
        """How many times the local engine's rows this cluster can check in a budget: its
        CPUs over the two lanes the sampling rates were measured with."""
        self.warm_up()
        return self._cpus() / REFERENCE_CPUS

    def close(self) -> None:
        """Disconnect from the cluster (and stop a Ray runtime started here); a connection
        the caller made before is left alone."""
        self.stop_all()
        self._task, self._data = None, None
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> RayExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _shared(self, data: Any) -> Any:
        """The object ref of the study's ``data``: put in the object store once per study."""
        if data is None:
            return None
        with self._lock:
            if self._data is None or self._data[0] is not data:
                import ray

                # Holding the data keeps its id from being reused by another object.
                self._data = (data, ray.put(data))
            return self._data[1]

    def _options(self, request: Any) -> dict[str, Any]:
        """A job holds the CPUs its fits use (``context.threads``, at most a node's).

        A job without a fit context (the data checks) holds none: it runs beside the fits on
        one thread, as on the local engine, and never waits for a lane. It runs in a worker
        of its own (a runtime environment of its own gets one), so that it does not take a
        worker that warm-up readied for the fits, which would leave a fit to start a cold
        one.
        """
        context = getattr(request, "context", None)
        if context is None:
            return {"num_cpus": 0, "runtime_env": {"env_vars": {"ADVISOR_JOB": "beside"}}}
        return {"num_cpus": min(max(1, context.threads), self._largest_node())}

    def _cpus(self) -> int:
        import ray

        return int(ray.cluster_resources().get("CPU", 0))

    def _largest_node(self) -> int:
        import ray

        cpus = [n["Resources"].get("CPU", 0) for n in ray.nodes() if n.get("Alive")]
        return max(1, int(max(cpus, default=1)))

    def _forget(self, job: RayJob) -> None:
        with self._lock:
            self._live.discard(job)


class RayJob:
    """A job under way as a Ray generator task (see :class:`~advisor.check.executor.Running`)."""

    def __init__(self, generator: Any, *, done: Callable[[RayJob], None]) -> None:
        self._generator = generator
        self._done = done
        self._started = time.monotonic()
        self._deadline = float("inf")

    def wait(
        self, *, deadline: float, on_message: Callable[[Any], None] | None = None
    ) -> ChildOutcome:
        """Collect the messages until the job ends or ``deadline`` (monotonic), then cancel
        it. What it yielded before the deadline still counts."""
        import ray

        messages: list[Any] = []
        status, error = "failed", "its Ray task ended without a result"
        self._deadline = deadline
        late = 0  # messages read past the deadline
        try:
            while True:
                left = self._deadline - time.monotonic()
                late += left <= 0
                try:
                    ready, _ = ray.wait([self._generator], timeout=max(0.0, left))
                    if not ready or late > LATE_MESSAGES:
                        status, error = "timeout", TIMED_OUT
                        break
                    kind, payload = ray.get(next(self._generator))
                except StopIteration:
                    break
                except ray.exceptions.RayError as exc:
                    error = lost(exc)
                    break
                if kind == "msg":
                    messages.append(payload)
                    if on_message is not None:
                        on_message(payload)
                else:
                    status, error = ("ok", None) if kind == "done" else ("failed", payload)
                    break
        finally:
            if status != "ok":
                self.cancel()
            self._done(self)
        return ChildOutcome(tuple(messages), status, error, time.monotonic() - self._started)

    def extend(self, seconds: float) -> None:
        """Move the deadline of a :meth:`wait` under way ``seconds`` later."""
        self._deadline += seconds

    def cancel(self) -> None:
        """End the task now, its worker process with it."""
        import ray

        # A task that has ended, or whose node is gone, has nothing left to cancel.
        with contextlib.suppress(Exception):
            ray.cancel(self._generator, force=True)


def lost(exc: BaseException) -> str:
    """Why a job came back without finishing, in one line for the report."""
    from ray import exceptions

    from advisor.check.messages import error_line

    if isinstance(exc, (exceptions.NodeDiedError, exceptions.LocalRayletDiedError)):
        return "lost: the Ray node running it died"
    if isinstance(exc, exceptions.OutOfMemoryError):
        return "lost: Ray stopped its worker for lack of memory"
    if isinstance(exc, exceptions.WorkerCrashedError):
        return "lost: its Ray worker process died"
    if isinstance(exc, exceptions.TaskCancelledError):
        return "cancelled"
    if isinstance(exc, exceptions.ObjectLostError):
        return "lost: its data left the Ray object store"
    if isinstance(exc, exceptions.RayTaskError) and exc.cause is not None:
        return error_line(exc.cause)
    return f"lost: {error_line(exc)}"
