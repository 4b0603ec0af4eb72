"""The Ray engine against the local one, and what a second node buys.

Not part of the test suite. Needs Ray: ``pip install "ray[default]"``.

    python benchmarks/ray_engine.py                 # both parts, budget 30 s
    python benchmarks/ray_engine.py --part overhead --budget 60

Part ``overhead``: the same check on the local engine and on Ray with one node (a runtime
started on this machine with all its CPUs), on a bundled example and a generated 50,000-row
table: the whole run's wall time, the seconds spent before the models started (starting
Ray and warming its workers up, or the fork server), how many models finished, and whether
every model that ran to its end on both engines scored the same.

Part ``nodes``: rows checked per budget on a cluster of one node against two (one CPU
each, started on 127.0.0.1 as the tests start theirs), on a generated 200,000-row table.
The row cap grows with the cluster's CPUs (the executor's ``row_scale()``, which the
runner's sampling multiplies its rate by): the table shows the rows each cluster checked and
whether its models still finished in the budget.

Each run is a process of its own, so that one engine's processes and imports do not
favour the next.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))  # tests.check.ray_cluster starts the cluster of part "nodes"

TABLES = {"gen_50k": 50_000, "gen_200k": 200_000}  # generated: rows of 20 features, binary


def dataset(name: str) -> Any:
    from advisor.data import Dataset, load_example

    if name not in TABLES:
        return load_example(name)
    import numpy as np
    import pandas as pd
    from sklearn.datasets import make_classification

    rows = TABLES[name]
    X, y = make_classification(
        n_samples=rows, n_features=20, n_informative=8, flip_y=0.05, random_state=0
    )
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(20)])
    return Dataset(
        X=frame, y=np.asarray(y), task="binary", modality="tabular", name=name, rows_total=rows
    )


def one_run(engine: str, address: str | None, name: str, budget: float) -> None:
    """One check in this process; prints what it measured as one JSON line."""
    from advisor.check import runner
    from advisor.check.engines import make_executor

    data = dataset(name)  # read before the clock, as in every run
    started = time.monotonic()
    executor = make_executor(engine, address=address)
    executor.warm_up()
    ready = time.monotonic() - started
    report = runner.run_check(data, budget=budget, seed=0, started=started, executor=executor)
    wall = time.monotonic() - started
    info = executor.info()
    executor.close()
    out = report.to_dict()
    print(
        json.dumps(
            {
                "engine": engine,
                "data": name,
                "nodes": info.workers,
                "cpus": info.cpus,
                "rows": out["rows"],
                "wall": round(wall, 1),
                "ready": round(ready, 1),
                "finished": sum(m["status"] == "ok" for m in out["models"]),
                "ok": [m["name"] for m in out["models"] if m["status"] == "ok"],
                "models": len(out["models"]),
                "verdict": out["verdict"],
                "best_classical": (out["best_classical"] or {}).get("score"),
                "scores": {m["name"]: m["fold_scores"] for m in out["models"] if settled(m)},
            }
        )
    )


def settled(model: dict[str, Any]) -> bool:
    from tests.check.golden import settled as ran_to_its_end

    return ran_to_its_end(model)


def measure(engine: str, name: str, budget: float, *, address: str | None = None):
    command = [sys.executable, str(HERE), "--one", engine, name, "--budget", str(budget)]
    if address:
        command += ["--address", address]
    out = subprocess.run(command, capture_output=True, text=True, env=environment())
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode or not lines:
        raise SystemExit(f"{engine} on {name} failed:\n{out.stderr[-3000:]}")
    return json.loads(lines[-1])


def environment() -> dict[str, str]:
    from tests.check.ray_cluster import environment as cluster_environment

    return cluster_environment()


def same_scores(a: dict[str, Any], b: dict[str, Any]) -> str:
    if a["rows"] != b["rows"]:  # sampled to other rows: other folds, other scores
        return "other rows"
    shared = sorted(set(a["scores"]) & set(b["scores"]))
    equal = sum(a["scores"][m] == b["scores"][m] for m in shared)
    return f"{equal}/{len(shared)}"


def overhead(budget: float, names: list[str]) -> None:
    print(f"\nLocal engine against Ray on one node (this machine), budget {budget:g} s")
    print("| data | engine | rows | wall s | ready s | finished | best classical | same scores |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in names:
        local = measure("local", name, budget)
        ray = measure("ray", name, budget, address="local")
        for run in (local, ray):
            print(
                f"| {name} | {run['engine']} ({run['cpus']} CPUs) | {run['rows']:,} | "
                f"{run['wall']} | {run['ready']} | {run['finished']}/{run['models']} | "
                f"{run['best_classical']} | {same_scores(local, run)} |"
            )


def nodes(budget: float, name: str) -> None:
    from tests.check.ray_cluster import Cluster

    print(f"\nRows checked per budget: one node against two (1 CPU each), budget {budget:g} s")
    print("| nodes | CPUs | rows checked | wall s | ready s | finished | best classical | which |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    os.environ.update(environment())
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="advisor-ray-bench-")))
    try:
        for nodes in (1, 2):
            if nodes > 1:
                cluster.add_node()
            run = measure("ray", name, budget, address=cluster.address)
            print(  # each row as it is measured: a node that fails to start keeps the first
                f"| {run['nodes']} | {run['cpus']} | {run['rows']:,} | {run['wall']} | "
                f"{run['ready']} | {run['finished']}/{run['models']} | {run['best_classical']} | "
                f"{', '.join(run['ok'])} |"
            )
    finally:
        cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=30.0)
    parser.add_argument("--part", choices=("overhead", "nodes", "both"), default="both")
    parser.add_argument("--only", nargs="*", default=["breast_cancer", "gen_50k"])
    parser.add_argument("--one", nargs=2, metavar=("ENGINE", "DATA"), help=argparse.SUPPRESS)
    parser.add_argument("--address", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one_run(args.one[0], args.address, args.one[1], args.budget)
        return
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if args.part in ("overhead", "both"):
        overhead(args.budget, args.only)
    if args.part in ("nodes", "both"):
        nodes(args.budget, "gen_200k")


if __name__ == "__main__":
    main()
