"""What the check's tuning buys, apart from the clock: the best default classical model
against the same model tuned with a fixed number of trials, both cross-validated on the
check's own outer splits, beside FLAML's choice refit on those splits.

Not part of the test suite. A wall-clock budget decides how many trials the check itself
affords; this fixes the number of trials instead, so that the gain can be measured on a
busy machine (where a timed run leaves no spare time at all):

    python benchmarks/tuning_gain.py --trials 15 --data-dir /tmp/advisor-bench

The tables are those of ``check_vs_automl.py --tables``; FLAML's refit score is read from
the configurations that benchmark saved in the same ``--data-dir`` (blank when absent).
Each candidate is one of the check's own (``ladder``), scored by ``fit_and_score``; the
search is ``tuning.tune`` on the inner splits, in this process, with no deadline.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from check_vs_automl import BUNDLED, TABLES, generated_file, rescore  # noqa: E402


def dataset_for(name: str, folder: Path) -> Any:
    from advisor.data import load_dataset, load_example

    if name in BUNDLED:
        return load_example(name)
    return load_dataset(generated_file(name, folder), target="target")


def outer_score(candidate: Any, context: Any, X: Any, y: np.ndarray, folds, metric: str) -> float:
    from advisor.check.fitting import fit_and_score

    scores = [
        fit_and_score(candidate, context, X, y, train, test, (metric,)).scores[metric]
        for train, test in folds
    ]
    return float(np.mean(scores))


def one_table(name: str, folder: Path, trials: int) -> tuple:
    from advisor.check import tuning
    from advisor.check.evaluation import higher_is_better, make_splits, metrics_for
    from advisor.check.ladder import context_for, ladder
    from advisor.check.messages import StudyData, TrialScored, TuneRequest

    data = dataset_for(name, folder)
    y = np.asarray(data.y)
    metric = metrics_for(data.task, None)[0]
    folds = make_splits(y, data.task, seed=0).folds
    rows = int(np.mean([len(train) for train, _ in folds]))
    context = context_for(
        data.X, data.task, data.modality, rows=rows, seed=0, text_column=data.text_column
    )
    classical = [
        c for c in ladder(context) if c.family == "classical" and not c.skip and tuning.tunable(c)
    ]
    sign = 1.0 if higher_is_better(metric) else -1.0
    defaults = {c.name: outer_score(c, context, data.X, y, folds, metric) for c in classical}
    best = max(classical, key=lambda c: sign * defaults[c.name])
    inner = tuning.inner_splits(folds, y, data.task, seed=0)
    sent: list[Any] = []
    started = time.monotonic()
    request = TuneRequest(best, context, inner, time.monotonic() + 10_000, trials, 0.0)
    tuning.tune(sent.append, StudyData(data.X, y, folds, (metric,)), request)
    seconds = time.monotonic() - started
    found = tuning.family_tuning(
        "classical", best, seconds, [m for m in sent if isinstance(m, TrialScored)], metric
    )
    tuned = defaults[best.name]
    if found.best_params is not None and found.tuned_model is not None:
        candidate = tuning.tuned_candidate(best, found.best_params)
        tuned = outer_score(candidate, context, data.X, y, folds, metric)
    flaml = rescore(name, folder) if data.modality == "tabular" or name == "digits" else None
    return name, metric, best.name, defaults[best.name], tuned, flaml, found.status, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=15)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/advisor-bench"))
    args = parser.parse_args()
    from threadpoolctl import threadpool_limits

    # One thread per pool, as the check's children use on a busy machine: spinning OpenMP
    # threads on busy cores slow a fit many times over.
    threadpool_limits(limits=1)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    header = ("dataset", "metric", "model", "default", "tuned", "FLAML refit", "status", "s")
    print(f"{args.trials} trials on the inner splits; outer 5-fold scores (seed 0)")
    print("  ".join(header))
    for name in args.only or TABLES:
        row = one_table(name, args.data_dir, args.trials)
        shown = [
            f"{v:.4f}" if isinstance(v, float) else ("-" if v is None else str(v)) for v in row
        ]
        shown[-1] = f"{row[-1]:.0f}"
        print("  ".join(shown))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
