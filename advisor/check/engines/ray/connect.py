"""Reaching a Ray cluster, or starting a Ray runtime here, within a short time of its own.

The check's budget covers the whole command, connecting included, so an address that
does not answer must fail in seconds with one line that says what to do, not hang: a
cluster's port is tried first (a refused or silent port fails at once), and Ray's own
connection, which retries for longer than a budget may last, is given
:data:`CONNECT_SECONDS`.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass

from advisor.errors import CheckError, ParameterError

CONNECT_SECONDS = 10.0  # the most that reaching a cluster may take
# The most that starting a runtime here may take: its processes start on a machine that may
# be busy, and nothing remote keeps it waiting.
LOCAL_START_SECONDS = 60.0
LOCAL = "local"  # starts a Ray runtime on this machine
AUTO = "auto"  # the cluster that `ray start` ran on this machine
CLIENT = "ray://"  # Ray Client, which the engine does not use (see parse_address)


@dataclass(frozen=True)
class Address:
    """Where the cluster is: ``text`` as given; ``host`` and ``port`` when they can be tried
    before Ray is asked to connect."""

    text: str
    host: str | None = None
    port: int | None = None

    @property
    def local(self) -> bool:
        return self.text == LOCAL


def parse_address(address: str | None) -> Address:
    """``address`` checked: ``local`` (the default), ``auto`` or ``HOST:PORT``; anything
    else raises :class:`ParameterError`.

    A Ray Client address (``ray://``) is refused with what to do instead: the engine runs as
    a driver on the cluster, which is how it is tested, and Ray's own documentation points
    long workloads to Ray jobs rather than Ray Client.
    """
    text = (address or LOCAL).strip()
    if text in (LOCAL, AUTO):
        return Address(text)
    if text.startswith(CLIENT):
        raise ParameterError(
            f"The 'address' parameter of check cannot be a Ray Client address ({text}): run "
            "advisor on a machine of the cluster with --address auto, or submit it there with "
            "`ray job submit -- advisor check ... --engine ray --address auto`."
        )
    host, _, port = text.rpartition(":")
    host = host.strip("[]")  # an IPv6 host is written [::1]:6379
    if host and port.isdigit() and 0 < int(port) < 65536:
        return Address(text, host, int(port))
    raise ParameterError(
        "The 'address' parameter of check must be 'local', 'auto' or HOST:PORT (the address "
        f"`ray start --head` printed). Got {address!r} instead."
    )


class Connection:
    """This process's connection to Ray, held by the thread that made it.

    Ray ties the processes it starts here (for ``local``) to the life of the thread that
    started them, so that thread stays, waiting, until :meth:`close`.
    """

    def __init__(self) -> None:
        self._released = threading.Event()

    def hold(self) -> None:
        self._released.wait()

    def close(self) -> None:
        """Disconnect (and stop a runtime started here)."""
        import ray

        ray.shutdown()
        self._released.set()


def connect(address: Address, *, timeout: float | None = None) -> Connection | None:
    """Connect this process to the cluster at ``address``, or start a runtime here for
    ``local``, within ``timeout`` seconds (by default :data:`CONNECT_SECONDS` for a cluster,
    :data:`LOCAL_START_SECONDS` for a runtime started here). Returns the connection, or
    ``None`` when the caller had already connected this process to Ray: that connection is
    used, and left to the caller.

    Raises :class:`CheckError` in one line when the cluster cannot be reached or refuses,
    or when the runtime here does not start in time.
    """
    import ray

    if ray.is_initialized():
        return None
    if timeout is None:
        timeout = default_timeout(address)
    ends = time.monotonic() + timeout
    if address.host is not None:
        _try_port(address, timeout)
    connection = Connection()
    outcome: dict[str, BaseException | None] = {}
    given_up = threading.Event()

    def init() -> None:
        try:
            ray.init(**_init_arguments(address))
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc
            return
        outcome["error"] = None
        if given_up.is_set():  # connected after the caller stopped waiting
            ray.shutdown()
            return
        connection.hold()

    thread = threading.Thread(target=init, name="advisor-ray-connection", daemon=True)
    thread.start()
    while "error" not in outcome and thread.is_alive() and time.monotonic() < ends:
        time.sleep(0.05)
    if "error" not in outcome:
        given_up.set()
        raise CheckError(_too_slow(address, timeout))
    if outcome["error"] is not None:
        raise CheckError(_refusal(address, outcome["error"]))
    _notices_to_stderr()
    return connection


def default_timeout(address: Address) -> float:
    """How long reaching ``address`` may take when the caller does not say."""
    return LOCAL_START_SECONDS if address.local else CONNECT_SECONDS


def _too_slow(address: Address, timeout: float) -> str:
    if address.local:
        return (
            f"Starting Ray on this machine took over {timeout:g} s; start it once with "
            "`ray start --head` and pass --address auto, or leave out --engine ray."
        )
    return (
        f"The Ray cluster at {address.text} did not accept a connection within {timeout:g} s; "
        "check that the address is the one `ray start --head` printed and that this machine "
        "runs the cluster's Ray version."
    )


def _try_port(address: Address, timeout: float) -> None:
    """Fail at once on a port that refuses or does not answer, before Ray's own retries."""
    try:
        with socket.create_connection((address.host, address.port), timeout=timeout):
            pass
    except OSError as exc:
        if isinstance(exc, socket.gaierror):
            why = f"the host {address.host} is not known"
        elif isinstance(exc, TimeoutError):
            why = f"nothing answered within {timeout:g} s"
        elif isinstance(exc, ConnectionRefusedError):
            why = "nothing listens on that port"
        else:
            why = exc.strerror or type(exc).__name__
        raise CheckError(
            f"Cannot reach a Ray cluster at {address.text}: {why}. Start one with "
            f"`ray start --head --port {address.port}`, or pass the address it printed to "
            "--address (or --address local to start Ray on this machine)."
        ) from None


def _init_arguments(address: Address) -> dict[str, object]:
    # Ray's progress lines would interleave with the check's own display (and its JSON on
    # standard output); what goes wrong reaches the caller as an exception.
    arguments: dict[str, object] = {"log_to_driver": False, "logging_level": logging.ERROR}
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "error")
    if address.local:
        # A runtime started for one check reports nothing anywhere: nothing in the check
        # needs the network.
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        arguments["include_dashboard"] = False
    # "local" always starts a runtime of its own: without an address, Ray would join the
    # cluster that `ray start` last ran on this machine, even one that has since stopped.
    arguments["address"] = address.text
    return arguments


def _notices_to_stderr() -> None:
    """Send the notices Ray prints about the cluster (a node that died, say) to standard
    error: with ``--json -`` standard output carries the report alone.

    Ray prints them to standard output from a thread of its own, through a module-level
    function that it looks up at each notice; where a Ray version has no such function,
    its notices stay where they were.
    """
    from ray._private import worker

    original = getattr(worker, "print_to_stdstream", None)
    if original is None or getattr(original, "to_stderr", False):
        return

    def to_stderr(data: dict, ignore_prefix: bool) -> None:
        original({**data, "is_err": True}, ignore_prefix)

    to_stderr.to_stderr = True  # type: ignore[attr-defined]
    worker.print_to_stdstream = to_stderr


def _refusal(address: Address, exc: BaseException) -> str:
    """Why Ray would not connect, in one line that says what to do."""
    from ray import exceptions

    # Token authentication, and its error, came with later Ray versions.
    if isinstance(exc, getattr(exceptions, "AuthenticationError", ())):
        return (
            f"The Ray cluster at {address.text} wants its authentication token; set "
            "RAY_AUTH_TOKEN (or RAY_AUTH_TOKEN_PATH) to the cluster's token and run again."
        )
    from advisor.check.messages import error_line

    where = "start Ray on this machine" if address.local else f"connect to {address.text}"
    return f"Could not {where}: {error_line(exc)}"
