"""The data-needed benchmark: the score the check extrapolates to 2x the data against the
score it measures when it is given 2x the data.

Not part of the test suite.

    python benchmarks/data_needed_2x.py                    # every case, budget 30 s a run
    python benchmarks/data_needed_2x.py --budget 60 --only wine generated_binary
    python benchmarks/data_needed_2x.py --json runs.json   # the rows, for comparing runs
    python benchmarks/data_needed_2x.py --table runs.json  # print a saved run again

For each dataset, a random half (stratified for classes, seeded) stands for the data in
hand (1x) and the whole for twice as much (2x); the generated sets are drawn at 2n rows, so
their half is n rows of the same distribution. The check runs on the half; for each
family's best model, ``data_needed`` gives its score at 2x the training rows with an 80 %
interval. The check then runs on the whole, and the same model's cross-validated score
there is the measured figure. A curve the extrapolation calls flat, noisy or too short
gives no number; its row says why and does not count towards the error.

The error is predicted minus measured, in the metric's units (ROC AUC, accuracy or RMSE).
The summary line sets the median absolute error beside that of the naive forecast "no
change" (the 1x score) on the same rows. Each run is a fresh process, as the command line
runs it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median

import numpy as np

SEED = 0


def _bundled(name: str) -> Callable[[], object]:
    def load() -> object:
        from advisor.data import load_example

        return load_example(name)

    return load


def _table(X: np.ndarray) -> object:
    """A table of named columns, as the check reads a tabular dataset."""
    import pandas as pd

    return pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])


def _generated_binary() -> object:
    from sklearn.datasets import make_classification

    from advisor.data.dataset import make_dataset

    X, y = make_classification(
        n_samples=1600, n_features=20, n_informative=8, flip_y=0.05, random_state=SEED
    )
    return make_dataset(_table(X), y, "binary", modality="tabular", name="generated_binary")


def _generated_multiclass() -> object:
    from sklearn.datasets import make_classification

    from advisor.data.dataset import make_dataset

    X, y = make_classification(
        n_samples=1200,
        n_features=16,
        n_informative=10,
        n_classes=4,
        n_clusters_per_class=2,
        random_state=SEED,
    )
    return make_dataset(_table(X), y, "multiclass", modality="tabular", name="generated_multiclass")


def _generated_regression() -> object:
    from sklearn.datasets import make_friedman1

    from advisor.data.dataset import make_dataset

    X, y = make_friedman1(n_samples=1200, n_features=10, noise=1.0, random_state=SEED)
    return make_dataset(_table(X), y, "regression", modality="tabular", name="generated_regression")


CASES: dict[str, Callable[[], object]] = {
    **{n: _bundled(n) for n in ("breast_cancer", "wine", "iris", "diabetes", "digits")},
    "generated_binary": _generated_binary,
    "generated_multiclass": _generated_multiclass,
    "generated_regression": _generated_regression,
}


def half_of(dataset: object) -> object:
    """A seeded random half of the rows, stratified by class for a classifier."""
    import dataclasses

    from sklearn.model_selection import train_test_split

    y = np.asarray(dataset.y)
    rows = np.arange(len(y))
    stratify = None if dataset.task == "regression" else y
    keep, _ = train_test_split(rows, train_size=0.5, random_state=SEED, stratify=stratify)
    keep = np.sort(keep)
    X = dataset.X.iloc[keep] if hasattr(dataset.X, "iloc") else dataset.X[keep]
    return dataclasses.replace(dataset, X=X, y=y[keep], rows_total=len(keep))


def run_one(name: str, size: str, budget: float) -> dict:
    """One check on the half (``1x``) or the whole (``2x``) of a case, in this process."""
    started = time.monotonic()
    from advisor.check import children

    warming = children.warm_up_in_background()
    dataset = CASES[name]()
    if size == "1x":
        dataset = half_of(dataset)
    warming.join()
    from advisor.check.runner import run_check

    report = run_check(dataset, budget=budget, seed=SEED, started=started)
    needed = report.data_needed
    families = {}
    for family in ("classical", "deep_learning"):
        e = getattr(needed, family, None) if needed is not None else None
        if e is None:
            continue
        two = next((p for p in e.predictions if p.multiple == 2), None)
        families[family] = {
            "model": e.model,
            "status": e.status,
            "rows": e.rows,
            "predicted": None if two is None else [two.score, two.low, two.high],
        }
    return {
        "name": name,
        "size": size,
        "rows": report.rows,
        "metric": report.metric,
        "outcome": report.outcome,
        "families": families,
        "scores": {m.name: m.score for m in report.models},
        "best": {
            "classical": report.best_classical.name if report.best_classical else None,
            "deep_learning": (
                report.best_deep_learning.name if report.best_deep_learning else None
            ),
        },
        "cut_short": [m.name for m in report.models if m.deadline_stops.any],
        "wall": round(time.monotonic() - started, 1),
    }


def run_in_child(name: str, size: str, budget: float) -> dict:
    command = [sys.executable, str(Path(__file__)), "--one", name, "--size", size]
    command += ["--budget", str(budget)]
    out = subprocess.run(command, capture_output=True, text=True, timeout=budget * 3 + 90)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode != 0 or not lines:
        tail = (out.stderr.strip().splitlines() or ["no output"])[-1]
        return {"name": name, "size": size, "error": tail}
    return json.loads(lines[-1])


def compare(one: dict, two: dict) -> list[dict]:
    """A row per family: the 2x prediction of the half's run against the whole's score."""
    if "error" in one or "error" in two:
        why = one.get("error") or two.get("error")
        return [{"dataset": one["name"], "family": "-", "note": f"error: {why}"}]
    rows = []
    for family in ("classical", "deep_learning"):
        f = one["families"].get(family)
        if f is None:
            rows.append({"dataset": one["name"], "family": family, "note": "not measured"})
            continue
        # The same model at 2x; else the family's best there (the check picks its network
        # by the training rows, so a network may change between the two runs).
        at_2x = f["model"]
        if two["scores"].get(at_2x) is None:
            at_2x = two.get("best", {}).get(family) or at_2x
        measured = two["scores"].get(at_2x)
        row = {
            "dataset": one["name"],
            "family": family,
            "model": f["model"],
            "metric": one["metric"],
            "rows": f["rows"],
            "score_1x": one["scores"].get(f["model"]),
            "measured": measured,
            "note": "" if f["status"] == "ok" else f["status"],
        }
        if at_2x != f["model"]:
            row["note"] = (row["note"] + ", " if row["note"] else "") + f"2x: {at_2x}"
        if f["model"] in one["cut_short"] + two["cut_short"]:
            row["note"] = (row["note"] + ", " if row["note"] else "") + "cut short by its deadline"
        if f["predicted"] is not None and measured is not None:
            score, low, high = f["predicted"]
            row.update(
                predicted=score,
                low=min(low, high),
                high=max(low, high),
                error=score - measured,
                inside=min(low, high) <= measured <= max(low, high),
            )
        if f["status"] == "flat" and measured is not None and row["score_1x"] is not None:
            # A flat curve's claim: more data leaves the score where it is.
            row.update(predicted=row["score_1x"], flat=True, error=row["score_1x"] - measured)
        rows.append(row)
    return rows


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def print_table(rows: list[dict]) -> None:
    header = (
        "dataset", "family", "model", "train rows 1x", "1x", "predicted 2x", "80 % interval",
        "measured 2x", "error", "inside?", "note",
    )  # fmt: skip
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in rows:
        interval = f"{r['low']:.4f} to {r['high']:.4f}" if "low" in r else "-"
        inside = "-" if "inside" not in r else ("yes" if r["inside"] else "NO")
        predicted = _num(r.get("predicted")) + (" (flat)" if r.get("flat") else "")
        error = f"{r['error']:+.4f}" if "error" in r else "-"
        cells = (
            r["dataset"], r["family"].replace("_", " "), r.get("model", "-"),
            str(r.get("rows", "-")), _num(r.get("score_1x")), predicted,
            interval, _num(r.get("measured")), error, inside, r.get("note", ""),
        )  # fmt: skip
        print("| " + " | ".join(cells) + " |")
    scored = [r for r in rows if "inside" in r]
    print(f"\n{len(scored)} of {len(rows)} curves carried forward")
    # The errors are in each metric's units: a median over ROC AUC and RMSE together would
    # mean nothing, so each metric has its own line.
    for metric in dict.fromkeys(r["metric"] for r in rows if "metric" in r):
        ok = [r for r in scored if r["metric"] == metric]
        flat = [r for r in rows if r.get("flat") and r["metric"] == metric]
        if ok:
            errors = [abs(r["error"]) for r in ok]
            naive = [abs(r["score_1x"] - r["measured"]) for r in ok]
            inside = sum(r["inside"] for r in ok)
            print(
                f"{metric}: {len(ok)} carried forward, median |error| {median(errors):.4f} "
                f"(no change from 1x: {median(naive):.4f}), inside the 80 % interval "
                f"{inside}/{len(ok)}"
            )
        if flat:
            print(
                f"{metric}: {len(flat)} called flat, median |2x - 1x| "
                f"{median(abs(r['error']) for r in flat):.4f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per check")
    parser.add_argument("--only", nargs="+", choices=sorted(CASES), metavar="NAME")
    parser.add_argument("--json", type=Path, help="write the runs and the rows here")
    parser.add_argument("--table", type=Path, help="print the table of a --json file again")
    parser.add_argument("--one", choices=sorted(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--size", choices=("1x", "2x"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.size, args.budget)))
        return
    if args.table:
        runs = {(r["name"], r["size"]): r for r in json.loads(args.table.read_text())["runs"]}
        names = dict.fromkeys(name for name, _ in runs)
        print_table([row for n in names for row in compare(runs[n, "1x"], runs[n, "2x"])])
        return
    runs, rows = [], []
    for name in args.only or CASES:
        one = run_in_child(name, "1x", args.budget)
        two = run_in_child(name, "2x", args.budget)
        runs += [one, two]
        rows += compare(one, two)
        print(f"{name}: done ({one.get('wall', '-')} s, {two.get('wall', '-')} s)", file=sys.stderr)
        if args.json:  # after every case, so that an interrupted run keeps what it measured
            args.json.write_text(json.dumps({"budget": args.budget, "runs": runs, "rows": rows}))
    print_table(rows)


if __name__ == "__main__":
    main()
