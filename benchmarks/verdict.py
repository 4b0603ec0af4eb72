"""The verdict benchmark: ``advisor check`` on datasets whose winner is known by construction.

Not part of the test suite.

    python benchmarks/verdict.py                      # every case, budget 30 s
    python benchmarks/verdict.py --budget 60 --only text_xor centred_shapes
    python benchmarks/verdict.py --json results.json  # the rows, for comparing runs

Each case runs in a fresh process, the way the command line runs it: the budget starts
before the fork server warms up, and the wall time is measured from there to the report.
The constructed cases (see ``verdict_data.py`` for why each family should win) count
towards agreement and Cohen's kappa; the bundled examples have no known winner and are
shown for their verdict and time only. A run in which a family has no score is "not
measured" (whatever its verdict field says), and never agrees; "no signal" (nothing beats
the dummy floor) is a tie. A costly error is ``deep_learning`` where classical models win
by construction: a team would pay for a network it does not need.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import verdict_data as data  # noqa: E402


@dataclass(frozen=True)
class Case:
    known: str | None  # the winner by construction; None for the bundled examples
    build: Callable[[int], object] | None = None  # None: a bundled example of that name
    time_ordered: bool = False


CASES = {
    "oblique_regression": Case("deep_learning", data.oblique_regression),
    "oblique_binary": Case("deep_learning", data.oblique_binary),
    "steps_among_noise": Case("classical", data.steps_among_noise),
    "linear_few_rows": Case("classical", data.linear_few_rows),
    "pure_noise": Case("tie", data.pure_noise),
    "noise_regression": Case("tie", data.noise_regression),
    "centred_shapes": Case("classical", data.centred_shapes),
    "cluttered_shapes": Case("deep_learning", data.cluttered_shapes),
    "text_cues": Case("classical", data.text_cues),
    "text_xor": Case("deep_learning", data.text_xor),
    "text_noise": Case("tie", data.text_noise),
    "mixed_text_numeric": Case("classical", data.mixed_text_numeric),
    "dated_sales": Case("classical", data.dated_sales, time_ordered=True),
    **{name: Case(None) for name in ("breast_cancer", "wine", "iris", "digits", "diabetes")},
}


def run_one(name: str, budget: float, seed: int) -> dict:
    """One case in this process, timed as the command line times it."""
    started = time.monotonic()
    from advisor.check import children

    warming = children.warm_up_in_background()
    case = CASES[name]
    if case.build is None:
        from advisor.data import load_example

        dataset = load_example(name)
    else:
        dataset = case.build(seed)
    warming.join()
    from advisor.check.runner import run_check

    report = run_check(
        dataset, budget=budget, seed=seed, time_ordered=case.time_ordered, started=started
    )
    wall = time.monotonic() - started

    def best(model) -> dict | None:
        return None if model is None else {"name": model.name, "score": model.score}

    return {
        "name": name,
        "known": case.known,
        "verdict": report.verdict,
        "outcome": getattr(report, "outcome", "measured"),
        "advice": getattr(report, "advice", None),
        "metric": report.metric,
        "margin": report.margin,
        "p_value": report.p_value,
        "best_classical": best(report.best_classical),
        "best_deep_learning": best(report.best_deep_learning),
        "models": [[m.name, m.score, m.status] for m in report.models],
        "wall": wall,
        "budget": budget,
    }


def run_in_child(name: str, budget: float, seed: int) -> dict:
    command = [sys.executable, str(Path(__file__)), "--one", name, "--budget", str(budget)]
    command += ["--seed", str(seed)]
    out = subprocess.run(command, capture_output=True, text=True, timeout=budget * 3 + 60)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode != 0 or not lines:
        tail = (out.stderr.strip().splitlines() or ["no output"])[-1]
        return {"name": name, "known": CASES[name].known, "verdict": f"error: {tail}"}
    return json.loads(lines[-1])


def said(row: dict) -> str:
    """What a run concluded: its verdict, or "not measured" when a family has no score."""
    if row["verdict"].startswith("error") or row.get("outcome") == "not_measured":
        return "not measured" if not row["verdict"].startswith("error") else row["verdict"]
    if row.get("best_classical") is None or row.get("best_deep_learning") is None:
        return "not measured"
    return row["verdict"]


def summary(rows: list[dict]) -> dict:
    """Agreement and kappa over the constructed cases, costly errors, p95 of wall / budget."""
    from sklearn.metrics import cohen_kappa_score

    known = [r for r in rows if r["known"] is not None]
    agree = [said(r) == r["known"] for r in known]
    kappa = (
        cohen_kappa_score([r["known"] for r in known], [said(r) for r in known])
        if known
        else float("nan")
    )
    costly = [r["name"] for r in known if r["known"] == "classical" and said(r) == "deep_learning"]
    ratios = [r["wall"] / r["budget"] for r in rows if "wall" in r]
    return {
        "agreement": float(np.mean(agree)) if agree else float("nan"),
        "agreed": int(sum(agree)),
        "known": len(known),
        "kappa": float(kappa),
        "costly": costly,
        "p95_wall_over_budget": float(np.percentile(ratios, 95)) if ratios else float("nan"),
        "max_wall_over_budget": float(max(ratios)) if ratios else float("nan"),
    }


def _score(best: dict | None) -> str:
    return "-" if best is None else f"{best['name']} {best['score']:.3f}"


def print_table(rows: list[dict]) -> None:
    header = ("dataset", "known", "verdict", "agrees", "best classical", "best neural", "wall/b")
    lines = [header]
    for r in rows:
        agrees = "" if r["known"] is None else ("yes" if said(r) == r["known"] else "NO")
        verdict = said(r) + (" (no signal)" if r.get("outcome") == "no_signal" else "")
        ratio = f"{r['wall'] / r['budget']:.2f}" if "wall" in r else "-"
        lines.append(
            (
                r["name"],
                r["known"] or "-",
                verdict,
                agrees,
                _score(r.get("best_classical")),
                _score(r.get("best_deep_learning")),
                ratio,
            )
        )
    print("| " + " | ".join(lines[0]) + " |")
    print("|" + "---|" * len(header))
    for line in lines[1:]:
        print("| " + " | ".join(line) + " |")
    s = summary(rows)
    print(
        f"\nagreement {s['agreed']}/{s['known']} = {s['agreement']:.0%}, "
        f"Cohen's kappa {s['kappa']:.2f}, costly errors: {', '.join(s['costly']) or 'none'}, "
        f"wall / budget p95 {s['p95_wall_over_budget']:.2f} (max {s['max_wall_over_budget']:.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", nargs="+", choices=sorted(CASES), metavar="NAME")
    parser.add_argument("--json", type=Path, help="write the rows and the summary here")
    parser.add_argument("--one", choices=sorted(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--table", type=Path, help="print the table of a --json file again")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.budget, args.seed)))
        return
    if args.table:
        print_table(json.loads(args.table.read_text())["rows"])
        return
    rows = []
    for name in args.only or CASES:
        row = run_in_child(name, args.budget, args.seed)
        rows.append(row)
        wall = f"{row['wall']:.1f} s" if "wall" in row else ""
        print(f"{name}: {said(row)} {wall}", file=sys.stderr, flush=True)
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "summary": summary(rows)}, indent=1))


if __name__ == "__main__":
    main()
