"""Work in a child process: stopped at its deadline, keeping what it sent; the fork server."""

from __future__ import annotations

import subprocess
import sys
import time

from advisor.check import children


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


def test_a_child_past_its_deadline_is_stopped_keeping_what_it_sent() -> None:
    children.warm_up()
    started = time.monotonic()
    outcome = children.run_in_child(_sleep_after_one, (60.0,), deadline=started + 1.0)
    assert outcome.status == "timeout"
    assert outcome.messages == ("first",)
    assert time.monotonic() - started < 2.0


def test_what_a_child_sent_before_a_deadline_already_passed_still_counts() -> None:
    children.warm_up()
    child = children.Child(_sleep_after_one, (60.0,))
    time.sleep(1.0)  # "first" is in the pipe; nobody has read it yet
    outcome = child.wait(deadline=time.monotonic() - 1.0)
    assert outcome.status == "timeout"
    assert outcome.messages == ("first",)


def test_a_deadline_extended_while_waiting_lets_the_child_finish() -> None:
    children.warm_up()
    child = children.Child(_sleep_after_one, (1.5,))
    outcome = child.wait(deadline=time.monotonic() + 1.0, on_message=lambda m: child.extend(2.0))
    assert outcome.status == "ok"
    assert outcome.messages == ("first", "never")


def test_the_fork_server_leaves_torch_to_the_networks_child() -> None:
    outcome = children.run_in_child(_report_torch, (), deadline=time.monotonic() + 30)
    assert outcome.messages == (False,)


def test_a_child_leaves_the_servers_objects_to_the_garbage_collector() -> None:
    # What the server imported (scikit-learn, xgboost: hundreds of thousands of objects) is
    # frozen in each child, so that no full collection copies their shared pages.
    outcome = children.run_in_child(_report_frozen, (), deadline=time.monotonic() + 30)
    assert outcome.messages[0] > 50_000
    # The server freezes them itself, after its last import (the preload list's last
    # module), so that its exit skips them.
    assert children._PRELOAD[-1] == "advisor.check._preloaded"
    frozen = subprocess.run(
        [sys.executable, "-c", "import advisor.check._preloaded, gc; print(gc.get_freeze_count())"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert int(frozen.stdout) > 1_000


def test_a_failing_child_reports_its_error_line() -> None:
    outcome = children.run_in_child(_fail, (), deadline=time.monotonic() + 10)
    assert (outcome.status, outcome.error) == ("failed", "ValueError: the model could not fit")


def test_shutting_down_waits_for_the_fork_server_to_exit() -> None:
    from multiprocessing import forkserver

    children.warm_up()
    server = forkserver._forkserver._forkserver_pid
    assert server is not None
    children.shut_down()
    # The server has been waited for: it is no longer a child of this process.
    assert forkserver._forkserver._forkserver_pid is None
    try:
        import os

        os.kill(server, 0)
        alive = True
    except ProcessLookupError:
        alive = False
    assert not alive
    # The next job starts a fresh server.
    outcome = children.run_in_child(_report_torch, (), deadline=time.monotonic() + 30)
    assert outcome.status == "ok"
