"""A real Ray cluster on 127.0.0.1 for the Ray engine's tests: a head node and worker nodes,
each its own `ray start --block` process, so that a node can be killed on its own.

Stopping a node kills its `ray start` process and every process under it (its raylet, its
agents, and its workers, which Ray puts in process groups of their own): nothing else on the
machine is touched.
The nodes find the tests' own modules (a slow candidate, say) through ``PYTHONPATH``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READY = "Ray runtime started"  # what `ray start` prints once its node has joined
START_SECONDS = 180.0  # a node starts in about half a minute on two busy cores
OBJECT_STORE_BYTES = 150_000_000  # the tests' data are small: keep shared memory small too


FOLDER = "ADVISOR_RAY_TEST_FOLDER"  # where the tests' candidates leave word of their fits


def environment(folder: Path | None = None) -> dict[str, str]:
    """What the nodes and the tests' driver share: the repository on the path, and no
    token authentication (the nodes talk over 127.0.0.1 only), no usage reports; and the
    cluster's folder, where the tests' candidates leave word (see ray_candidates)."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    extra = {FOLDER: str(folder)} if folder is not None else {}
    return {
        **os.environ,
        "PYTHONPATH": path,
        "RAY_AUTH_MODE": "disabled",
        "RAY_USAGE_STATS_ENABLED": "0",
        **extra,
    }


@dataclass
class Node:
    """One `ray start --block` process and the log it writes."""

    process: subprocess.Popen[bytes]
    log: Path

    def running_jobs(self) -> int:
        """How many of this node's workers are running a job of the check now."""
        return sum(_title(pid).startswith("ray::run_job") for pid in _descendants(self.process.pid))

    def kill(self) -> None:
        """The whole node at once, as if its machine had died."""
        for pid in [self.process.pid, *_descendants(self.process.pid)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=30)


class Cluster:
    """A head node on a free port of 127.0.0.1; :meth:`add_node` joins worker nodes."""

    def __init__(self, folder: Path, *, cpus: int = 1) -> None:
        self.folder = folder
        self.cpus = cpus
        self.port = free_port()
        self.nodes: list[Node] = []
        self.nodes.append(
            self._start("head", "--head", f"--port={self.port}", "--include-dashboard=false")
        )

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def add_node(self, name: str = "worker") -> Node:
        node = self._start(name, f"--address={self.address}")
        self.nodes.append(node)
        return node

    def stop(self) -> None:
        """Every node, worker nodes first."""
        for node in reversed(self.nodes):
            node.kill()
        self.nodes.clear()

    def _start(self, name: str, *arguments: str) -> Node:
        log = self.folder / f"{name}-{len(self.nodes)}.log"
        command = [
            str(Path(sys.executable).with_name("ray")),
            "start",
            *arguments,
            "--node-ip-address=127.0.0.1",
            f"--num-cpus={self.cpus}",
            f"--object-store-memory={OBJECT_STORE_BYTES}",
            "--disable-usage-stats",
            "--block",
        ]
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                env=environment(self.folder),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # apart from the tests' own signals
            )
        node = Node(process, log)
        ends = time.monotonic() + START_SECONDS
        while READY not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > ends:
                node.kill()
                self.stop()
                tail = log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"the Ray {name} node did not start:\n{tail}")
            time.sleep(0.5)
        return node


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid: int) -> list[int]:
    """Every process under ``pid``, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                # The fields after the command's name, which may itself hold spaces.
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        below = children.get(queue.pop(), [])
        found += below
        queue += below
    return found


def _title(pid: int) -> str:
    """A process's title: Ray names a worker after the task it runs (``ray::IDLE``
    between tasks)."""
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    return ""
