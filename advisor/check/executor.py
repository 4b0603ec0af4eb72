"""Where a study's jobs run: the seam between the study and an execution engine.

The study (:mod:`advisor.check.study`) decides what to run and when each job must end; an
:class:`Executor` runs each job in isolation, passes its messages back as they come, and
stops it at its deadline. :class:`LocalExecutor` runs them in child processes of a fork
server on this machine's cores; another engine (a cluster) implements the same
methods and runs the same jobs without the study changing.

A job is a module-level function ``work(send, data, request)`` of
:mod:`advisor.check.worker`: ``data`` is the study's :class:`~advisor.check.messages.StudyData`
(the same object for every job of a study, so an engine that shares objects between
processes can send it once), ``request`` the job's own orders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from advisor.check import children
from advisor.check.children import ChildOutcome

Work = Callable[..., None]


class Running(Protocol):
    """A job under way."""

    def wait(
        self, *, deadline: float, on_message: Callable[[Any], None] | None = None
    ) -> ChildOutcome:
        """Collect its messages until it ends or ``deadline`` (monotonic), then stop it.
        ``on_message`` may call :meth:`extend`."""

    def extend(self, seconds: float) -> None:
        """Move the deadline of a :meth:`wait` under way ``seconds`` later."""


@dataclass(frozen=True)
class EngineInfo:
    """What ran the study, for the report."""

    engine: str  # "local" or "ray"
    workers: int  # machines: 1 for the local engine, the cluster's live nodes for Ray
    cpus: int  # their CPUs, all together

    def describe(self) -> str:
        """In words: "the local engine (this machine, 2 CPUs)"."""
        cpus = f"{self.cpus} CPU{'s' if self.cpus != 1 else ''}"
        if self.engine == "local":
            return f"the local engine (this machine, {cpus})"
        nodes = f"{self.workers} node{'s' if self.workers != 1 else ''}"
        return f"the {self.engine.capitalize()} engine ({nodes}, {cpus})"

    def to_dict(self) -> dict[str, Any]:
        return {"engine": self.engine, "workers": self.workers, "cpus": self.cpus}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EngineInfo:
        return cls(engine=data["engine"], workers=data["workers"], cpus=data["cpus"])


class Executor(Protocol):
    """Runs a study's jobs, each in isolation, each stopped at its deadline."""

    def warm_up(self) -> None:
        """Be ready to start jobs at once (the study's clock is already running)."""

    def lanes(self, context: Any) -> int:
        """How many jobs to run side by side now, each fitting on ``context.threads``."""

    def start(self, work: Work, data: Any, request: Any) -> Running:
        """Start ``work(send, data, request)``."""

    def stop_all(self) -> None:
        """Stop every job still running (after an interruption)."""

    def info(self) -> EngineInfo:
        """The engine, its workers and their CPUs."""

    def row_scale(self) -> float:
        """How many times the local engine's rows this engine checks in the same seconds
        (the sampling's row cap grows by it)."""

    def close(self) -> None:
        """Release what the engine holds (a cluster connection); the study is over."""


class LocalExecutor:
    """Jobs in child processes of a fork server on this machine (:mod:`.children`)."""

    def warm_up(self) -> None:
        children.warm_up()

    def lanes(self, context: Any) -> int:
        from advisor.check.hardware import lanes_for

        return lanes_for(context)

    def start(self, work: Work, data: Any, request: Any) -> Running:
        return children.Child(work, (data, request))

    def stop_all(self) -> None:
        children.stop_children()

    def info(self) -> EngineInfo:
        import os

        cpus = os.cpu_count() or 1
        return EngineInfo(engine="local", workers=1, cpus=cpus)

    def row_scale(self) -> float:
        """1: the sampling's rates are the local engine's."""
        return 1.0

    def close(self) -> None:
        """Nothing to release: the fork server outlives one study, so that the next check
        (in the questionnaire, say) starts at once; :func:`.children.shut_down` ends it."""
