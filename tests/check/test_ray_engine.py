"""The check on a Ray cluster: the same study as on the local engine, deadlines that hold, a
node lost mid-run, and an address that does not answer.

The cluster tests start a real cluster on 127.0.0.1 (a head node and a worker node, one
CPU each, each its own process; :mod:`tests.check.ray_cluster`) once for the module. They
are skipped, with the reason, where Ray is not installed.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import threading
import time

import numpy as np
import pandas as pd
import pytest

from advisor.check import runner
from advisor.check.engines import make_executor
from advisor.check.executor import EngineInfo, LocalExecutor
from advisor.check.ladder import Candidate
from advisor.check.messages import CurveRequest, InspectRequest
from advisor.check.result import validate
from advisor.data import Dataset, load_example
from advisor.errors import CheckError, ParameterError
from tests.check import golden
from tests.check.ray_candidates import never_ends, steady
from tests.check.ray_cluster import Cluster, alive, environment, free_port
from tests.check.test_runner import assert_as_measured_before

# The cluster tests share one cluster: under pytest-xdist, `--dist loadgroup` keeps them on
# one worker.
pytestmark = pytest.mark.xdist_group("ray_cluster")

needs_ray = pytest.mark.skipif(
    importlib.util.find_spec("ray") is None,
    reason="Ray is not installed (pip install 'ray[default]'): the Ray engine cannot run",
)


# --- choosing an engine ---------------------------------------------------------------------


def test_the_local_engine_is_the_default_and_takes_no_address() -> None:
    assert isinstance(make_executor(), LocalExecutor)
    with pytest.raises(ParameterError) as error:
        make_executor("local", address="10.0.0.1:6379")
    assert str(error.value) == (
        "The 'address' parameter of check only applies to the ray engine; add --engine ray or "
        "leave out --address."
    )


def test_an_unknown_engine_is_refused_with_the_close_match() -> None:
    with pytest.raises(ParameterError) as error:
        make_executor("rey")
    assert str(error.value) == (
        "The 'engine' parameter of check must be one of local, ray. Got 'rey' instead "
        "(did you mean 'ray'?)."
    )


@pytest.mark.parametrize("address", ["nonsense", "host:port", "10.0.0.1:0", "10.0.0.1:70000"])
def test_a_malformed_address_is_refused_before_anything_is_contacted(address) -> None:
    from advisor.check.engines.ray import RayExecutor

    with pytest.raises(ParameterError) as error:
        RayExecutor(address)
    assert str(error.value) == (
        "The 'address' parameter of check must be 'local', 'auto' or HOST:PORT (the address "
        f"`ray start --head` printed). Got {address!r} instead."
    )


def test_a_ray_client_address_is_refused_with_what_to_do_instead() -> None:
    from advisor.check.engines.ray import RayExecutor

    with pytest.raises(ParameterError) as error:
        RayExecutor("ray://head:10001")
    assert str(error.value) == (
        "The 'address' parameter of check cannot be a Ray Client address (ray://head:10001): "
        "run advisor on a machine of the cluster with --address auto, or submit it there with "
        "`ray job submit -- advisor check ... --engine ray --address auto`."
    )


@pytest.mark.parametrize(
    ("address", "timeout", "budget", "expected"),
    [("local", None, 30.0, 15.0), ("10.0.0.1:6379", None, 60.0, 10.0), ("auto", 4.0, 60.0, 4.0)],
    ids=["half-the-budget", "cluster-default", "given"],
)
def test_connecting_may_take_at_most_half_the_budget(address, timeout, budget, expected) -> None:
    executor = make_executor("ray", address=address, connect_timeout=timeout, budget=budget)
    assert executor.connect_timeout == expected


def test_ray_is_imported_only_when_the_ray_engine_connects() -> None:
    code = (
        "import sys\n"
        "from advisor.check.engines import make_executor\n"
        "make_executor('local')\n"
        "make_executor('ray', address='127.0.0.1:6379')\n"
        "print('ray' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "False\n"


# --- the job on the worker's clock ----------------------------------------------------------


def test_deadlines_move_onto_the_workers_clock_and_never_later_than_sent() -> None:
    from advisor.check.engines.ray.task import on_this_clock

    request = CurveRequest(candidate=None, context=None, fractions=(0.5,), fits_end=100.0)
    # A worker whose monotonic clock reads 1000 s ahead of the caller's, the job sent 2 s
    # ago by the wall clocks: the deadline is 1000 s later on this clock.
    now, wall = time.monotonic(), time.time()
    moved = on_this_clock(request, (now - 1000.0 - 2.0, wall - 2.0))
    assert moved.fits_end == pytest.approx(1100.0, abs=0.05)
    # Wall clocks that disagree by a minute (the worker's behind): the deadline is taken no
    # later than if the job had arrived the instant it was sent.
    moved = on_this_clock(request, (now - 1000.0 - 2.0, wall + 60.0))
    assert moved.fits_end <= 1102.0 + 0.05
    # On one machine the clocks agree, and the deadline is where it was.
    assert on_this_clock(request, (now, wall)).fits_end == pytest.approx(100.0, abs=0.05)
    assert on_this_clock(None, (now, wall)) is None


def test_only_deadline_fields_move() -> None:
    from advisor.check.engines.ray.task import on_this_clock

    request = InspectRequest(dataset="rows", seed=3)
    assert on_this_clock(request, (time.monotonic() - 50.0, time.time())) == request


# --- an address that does not answer --------------------------------------------------------


@needs_ray
def test_a_refused_address_is_one_error_line_at_once() -> None:
    from advisor.check.engines.ray import RayExecutor

    port = free_port()
    started = time.monotonic()
    with pytest.raises(CheckError) as error:
        RayExecutor(f"127.0.0.1:{port}").warm_up()
    assert time.monotonic() - started < 10.0
    assert str(error.value) == (
        f"Cannot reach a Ray cluster at 127.0.0.1:{port}: nothing listens on that port. "
        f"Start one with `ray start --head --port {port}`, or pass the address it printed to "
        "--address (or --address local to start Ray on this machine)."
    )


@needs_ray
def test_a_port_that_never_answers_fails_within_its_own_timeout() -> None:
    # A port that accepts connections but never speaks Ray: Ray itself would retry for
    # longer than a check's budget. In a process of its own, whose Ray attempt dies with it.
    code = (
        "import socket, time\n"
        "import ray  # imported before the clock starts: the timeout is the connection's\n"
        "from advisor.check.engines.ray import RayExecutor\n"
        "from advisor.errors import AdvisorError\n"
        "server = socket.socket(); server.bind(('127.0.0.1', 0)); server.listen(8)\n"
        "address = '127.0.0.1:%d' % server.getsockname()[1]\n"
        "started = time.monotonic()\n"
        "try:\n"
        "    RayExecutor(address, connect_timeout=3).warm_up()\n"
        "except AdvisorError as exc:\n"
        "    print(round(time.monotonic() - started), str(exc).replace(address, 'ADDRESS'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    seconds, _, message = out.stdout.strip().partition(" ")
    assert int(seconds) <= 4, out.stdout
    assert message == (
        "The Ray cluster at ADDRESS did not accept a connection within 3 s; check that the "
        "address is the one `ray start --head` printed and that this machine runs the "
        "cluster's Ray version."
    )


@needs_ray
def test_starting_ray_here_gives_up_after_its_timeout() -> None:
    code = (
        "import time\n"
        "import ray\n"
        "from advisor.check.engines import make_executor\n"
        "from advisor.errors import AdvisorError\n"
        "started = time.monotonic()\n"
        "try:\n"
        "    make_executor('ray', address='local', connect_timeout=0.5).warm_up()\n"
        "except AdvisorError as exc:\n"
        "    print(time.monotonic() - started < 3, exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout == (
        "True Starting Ray on this machine took over 0.5 s; start it once with `ray start --head` "
        "and pass --address auto, or leave out --engine ray.\n"
    )


# --- on a real cluster ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if importlib.util.find_spec("ray") is None:
        pytest.skip("Ray is not installed (pip install 'ray[default]'): no cluster to start")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment().items():
            patch.setenv(name, value)
        cluster = Cluster(tmp_path_factory.mktemp("ray"))
        try:
            cluster.add_node()
            yield cluster
        finally:
            import ray

            ray.shutdown()
            cluster.stop()


def _small_table(rows: int = 300) -> Dataset:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(rows, 5)), columns=list("abcde"))
    y = (frame["a"] - frame["b"] > 0).astype(int).to_numpy()
    return Dataset(X=frame, y=y, task="binary", modality="tabular", name="small", rows_total=rows)


@pytest.mark.slow
def test_the_cluster_scores_the_study_as_the_local_engine(cluster) -> None:
    started = time.monotonic()
    with make_executor("ray", address=cluster.address) as executor:
        report = runner.run_check(
            load_example("wine"), budget=60.0, seed=0, started=started, executor=executor
        )
        info, scale = executor.info(), executor.row_scale()
    assert time.monotonic() - started <= 1.1 * 60.0
    assert info == EngineInfo(engine="ray", workers=2, cpus=2)
    assert scale == 1.0  # two CPUs: the rows of the local engine's two lanes
    assert report.engine == info  # the report says what ran it
    assert report.to_dict()["engine"] == {"engine": "ray", "workers": 2, "cpus": 2}
    validate(report.to_dict())
    # Same seed, same rows: the same folds, and every model that ran to its end scores as
    # the local engine scored it (golden/wine.json).
    assert_as_measured_before(report, "wine")
    settled = [m for m, v in golden.essentials(report.to_dict())["models"].items() if v["settled"]]
    assert {"dummy", "logistic", "svm"} <= set(settled), report.to_dict()["models"]


@pytest.mark.slow
def test_a_cluster_without_cpus_is_one_error_line_and_no_connection_left(
    cluster, monkeypatch
) -> None:
    import ray

    from advisor.check.engines.ray import RayExecutor

    monkeypatch.setattr(RayExecutor, "_cpus", lambda self: 0)  # a head started --num-cpus 0
    with pytest.raises(CheckError) as error:
        RayExecutor(cluster.address).warm_up()
    assert str(error.value) == (
        f"The Ray cluster at {cluster.address} has no CPUs for the check's jobs; start a "
        "worker node with `ray start --address ... --num-cpus N`."
    )
    assert not ray.is_initialized()


@pytest.mark.slow
def test_a_slow_candidate_is_cancelled_at_its_deadline(cluster, monkeypatch) -> None:
    real_ladder = runner.ladder

    def ladder_with_a_slow_rung(context):
        rungs = real_ladder(context)
        return [rungs[0], Candidate("never_ends", "classical", 1.0, never_ends), *rungs[1:2]]

    monkeypatch.setattr(runner, "ladder", ladder_with_a_slow_rung)
    events = []
    started = time.monotonic()
    with make_executor("ray", address=cluster.address) as executor:
        report = runner.run_check(
            _small_table(),
            budget=25.0,
            started=started,
            executor=executor,
            progress=lambda event, info: events.append((event, info)),
        )
        elapsed = time.monotonic() - started
        # Cancelled means the process that ran its fit is gone, not left sleeping on the
        # cluster (looked at while still connected: a driver that leaves ends its workers).
        pids = [int(p) for p in (cluster.folder / "slow.pids").read_text().split()]
        ends = time.monotonic() + 10.0
        while any(alive(pid) for pid in pids) and time.monotonic() < ends:
            time.sleep(0.2)
        left_running = [pid for pid in pids if alive(pid)]
    assert elapsed <= 1.1 * 25.0
    slow = next(m for m in report.models if m.name == "never_ends")
    assert (slow.status, slow.score, slow.message) == ("timeout", None, "stopped at its time limit")
    names = [info["name"] for event, info in events if event == "candidate_start"]
    assert names.index("logistic") > names.index("never_ends")  # the ladder went on
    assert pids and not left_running, pids


@pytest.mark.slow
def test_a_node_killed_mid_run_loses_its_jobs_and_the_study_finishes(
    cluster, monkeypatch, capsys
) -> None:
    doomed = cluster.add_node("doomed")
    real_ladder = runner.ladder

    def ladder_of_steady_rungs(context):
        rungs = real_ladder(context)
        slow = [Candidate(f"steady_{i}", "classical", 1.0, steady) for i in range(3)]
        return [rungs[0], *slow, rungs[-1]]

    monkeypatch.setattr(runner, "ladder", ladder_of_steady_rungs)
    killed = threading.Event()

    def kill_once_it_runs_a_job() -> None:
        ends = time.monotonic() + 60.0
        while not doomed.running_jobs() and time.monotonic() < ends:
            time.sleep(0.1)
        time.sleep(0.5)
        doomed.kill()
        killed.set()

    budget = 60.0
    started = time.monotonic()
    try:
        with make_executor("ray", address=cluster.address) as executor:
            assert executor.info().workers == 3
            # A third one-CPU node: half as many rows again as the two-node cluster.
            assert executor.row_scale() == 1.5
            threading.Thread(target=kill_once_it_runs_a_job, daemon=True).start()
            report = runner.run_check(
                _small_table(), budget=budget, started=started, executor=executor
            )
    finally:
        doomed.kill()
        cluster.nodes.remove(doomed)
    assert killed.is_set()
    assert time.monotonic() - started <= 1.1 * budget
    lost = "lost: the Ray node running it died"
    said = [m.message or "" for m in report.models] + [*report.warnings, report.curve_summary]
    assert any(lost in words for words in said), said
    for model in report.models:
        if lost in (model.message or ""):
            assert (model.status, model.score) == ("failed", None), model
    # The nodes that lived measured the rest.
    steady_ok = [m.name for m in report.models if m.name.startswith("steady") and m.status == "ok"]
    assert len(steady_ok) >= 2, report.models
    # Ray's notice of the dead node goes to standard error: `--json -` owns standard output.
    assert capsys.readouterr().out == ""
    validate(report.to_dict())
