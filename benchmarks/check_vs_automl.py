"""advisor check against FLAML and LazyPredict: wall time, peak memory, best classical score.

Not part of the test suite. Needs the bench extra: ``pip install -e ".[bench]"``.

    python benchmarks/check_vs_automl.py                      # every dataset, budget 30 s
    python benchmarks/check_vs_automl.py --budget 60 --repeats 3 --only breast_cancer
    python benchmarks/check_vs_automl.py --tools advisor advisor-untuned flaml --tables
                                                              # the ten tables: tuning before/after

Each tool runs in a fresh process of its own; its whole process tree (advisor's fork
server and children included) is sampled with psutil for its peak memory (see measure).
Scores are what each tool reports for its best classical model: advisor the mean over its
cross-validation splits (or repeated holdouts), FLAML its own validation score of the best
configuration, LazyPredict the best test score on one 80/20 split (its "ROC AUC" is
computed from predicted labels, not probabilities). FLAML's chosen model is also refitted
on advisor's own splits (untimed, up to 20,000 rows), the like-for-like comparison.
LazyPredict has no budget: it fits ~30 models; it is stopped after ``--lazy-limit``
seconds and skipped on the 1M-row file.

``advisor-untuned`` is advisor with ``--no-tuning`` (the spare time all to repeated
cross-validation): with ``advisor`` beside it, the table shows tuning's effect, and a last
table compares advisor's best classical with FLAML refit on advisor's splits (ahead, within
1 point of AUC or accuracy, within 2 % of RMSE).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve()
BUNDLED = ("breast_cancer", "wine", "iris", "digits", "diabetes")
GENERATED = {
    # name: (rows, features, task)
    "gen_10k_x20": (10_000, 20, "binary"),
    "gen_100k_x50_reg": (100_000, 50, "regression"),
    "gen_1m_x50": (1_000_000, 50, "binary"),
    "gen_2k_x20": (2_000, 20, "binary"),
    "gen_3k_x12_multi": (3_000, 12, "multiclass"),
    "gen_600_x10_reg": (600, 10, "regression"),  # linear, as make_regression makes it
    "gen_2k_friedman_reg": (2_000, 10, "regression"),
    "gen_2k_cat": (2_000, 7, "binary"),  # four numeric and three categorical columns
}
# Ten tables of different sizes and kinds that need no download: scikit-learn's bundled
# sets and generated ones (--tables).
TABLES = (
    "breast_cancer",
    "wine",
    "iris",
    "digits",
    "diabetes",
    "gen_2k_x20",
    "gen_3k_x12_multi",
    "gen_600_x10_reg",
    "gen_2k_friedman_reg",
    "gen_2k_cat",
)
TOOLS = ("advisor", "advisor-untuned", "flaml", "lazypredict")
MEMORY_CAP = 8 * 2**30  # bytes of address space for the FLAML and LazyPredict workers
METRIC = {"binary": "roc_auc", "multiclass": "accuracy", "regression": "rmse"}
RESCORE_ROWS = 20_000  # FLAML's choice is rescored on advisor's splits up to this many rows


# --- data --------------------------------------------------------------------------------


def task_of(name: str) -> str:
    if name in GENERATED:
        return GENERATED[name][2]
    return {"diabetes": "regression", "breast_cancer": "binary"}.get(name, "multiclass")


def generated_file(name: str, folder: Path) -> Path:
    """Write a generated dataset once as Parquet (a 1M × 50 CSV would be ~1 GB)."""
    path = folder / f"{name}.parquet"
    if path.exists():
        return path
    import pandas as pd
    from sklearn.datasets import make_classification, make_friedman1, make_regression

    rows, features, task = GENERATED[name]
    if name == "gen_2k_cat":
        frame = _categorical_table(rows)
        frame.to_parquet(path, index=False)
        return path
    if name == "gen_600_x10_reg":
        X, y = make_regression(
            n_samples=rows, n_features=features, n_informative=6, noise=20.0, random_state=0
        )
    elif task == "regression":
        X, y = make_friedman1(n_samples=rows, n_features=features, noise=1.0, random_state=0)
    elif task == "multiclass":
        X, y = make_classification(
            n_samples=rows,
            n_features=features,
            n_informative=8,
            n_classes=4,
            n_clusters_per_class=2,
            flip_y=0.03,
            random_state=0,
        )
    else:
        X, y = make_classification(
            n_samples=rows,
            n_features=features,
            n_informative=min(20, features // 2),
            n_redundant=5,
            flip_y=0.03,
            random_state=0,
        )
    frame = pd.DataFrame(X.astype(np.float32), columns=[f"x{i}" for i in range(features)])
    frame["target"] = y
    frame.to_parquet(path, index=False)
    return path


def _categorical_table(rows: int) -> Any:
    """Four numeric columns and three categorical ones (5, 12 and 30 levels) whose levels
    shift the log-odds, with an interaction between a category and a number."""
    import pandas as pd

    rng = np.random.default_rng(0)
    numbers = rng.normal(size=(rows, 4))
    frame = pd.DataFrame(numbers, columns=[f"x{i}" for i in range(4)])
    logit = numbers[:, 0] - 0.7 * numbers[:, 1] + 0.4 * numbers[:, 2] * numbers[:, 3]
    for column, levels in (("colour", 5), ("city", 12), ("product", 30)):
        codes = rng.integers(levels, size=rows)
        effect = rng.normal(scale=0.8, size=levels)
        logit += effect[codes]
        frame[column] = [f"{column}_{c}" for c in codes]
    logit += np.where(frame["colour"] == "colour_0", 1.5 * numbers[:, 1], 0.0)
    frame["target"] = (logit + rng.logistic(size=rows) > 0).astype(int)
    return frame


def load_xy(name: str, folder: Path) -> tuple[Any, np.ndarray]:
    """The rows and the target: an array, or a DataFrame whose text columns are pandas
    categories (what FLAML's learners take)."""
    if name in BUNDLED:
        from sklearn import datasets

        return getattr(datasets, f"load_{name}")(return_X_y=True)
    import pandas as pd

    frame = pd.read_parquet(generated_file(name, folder))
    y = frame.pop("target").to_numpy()
    text = [c for c in frame.columns if frame[c].dtype == object]
    if not text:
        return frame.to_numpy(), y
    return frame.astype({c: "category" for c in text}), y


def _rows(X: Any, index: np.ndarray) -> Any:
    return X.iloc[index] if hasattr(X, "iloc") else X[index]


# --- one tool, in its own process ------------------------------------------------------------


def worker(tool: str, name: str, budget: float, folder: Path) -> dict:
    """Run one tool on one dataset in this process; return its best classical score."""
    import resource

    # A cap on this process's memory: LazyPredict's kernel models would otherwise try to
    # allocate rows² matrices on the big files, on a machine shared with others.
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    task = task_of(name)
    X, y = load_xy(name, folder)
    if tool == "flaml":
        from flaml import AutoML

        automl = AutoML()
        flaml_task = "regression" if task == "regression" else "classification"
        # FLAML's xgboost learners pass a 'callbacks' argument that xgboost 3 removed.
        learners = ["lgbm", "rf", "extra_tree"] + ([] if task == "regression" else ["lrl1"])
        automl.fit(
            X,
            y,
            task=flaml_task,
            time_budget=budget,
            metric=METRIC[task],
            estimator_list=learners,
            verbose=0,
            seed=0,
        )
        if automl.best_estimator is None:
            return {"score": None, "best": "no model within the budget"}
        loss = automl.best_loss
        score = loss if task == "regression" else 1.0 - loss
        # Kept for rescoring outside this timed process, on advisor's own splits: FLAML's
        # estimator class and its best configuration (the fitted scikit-learn model inside
        # it does not carry the rounds FLAML trained, so it cannot be cloned).
        with open(folder / f"flaml-{name}.pkl", "wb") as stream:
            pickle.dump((type(automl.model), flaml_task, automl.best_config), stream)
        return {"score": score, "best": automl.best_estimator}
    if tool == "lazypredict":
        from lazypredict.Supervised import LazyClassifier, LazyRegressor
        from sklearn.model_selection import train_test_split

        stratify = None if task == "regression" else y
        parts = train_test_split(X, y, test_size=0.2, random_state=0, stratify=stratify)
        kind = LazyRegressor if task == "regression" else LazyClassifier
        models = kind(verbose=0, ignore_warnings=True, n_jobs=1).fit(*parts)
        models = models[0] if isinstance(models, tuple) else models
        column = {"binary": "ROC AUC", "multiclass": "Accuracy", "regression": "RMSE"}[task]
        best = models[column].idxmin() if task == "regression" else models[column].idxmax()
        return {"score": float(models.loc[best, column]), "best": str(best)}
    raise SystemExit(f"unknown tool {tool}")


def measure(command: list[str], limit: float) -> dict:
    """Run a command, sampling its process tree's memory: wall time, and the peaks of the
    tree's summed PSS and summed RSS (MB).

    PSS (proportional set size) charges a page shared by n processes 1/n to each, so its
    sum is the memory the tree really holds; summed RSS counts every page the fork
    server's children share with it (torch, scikit-learn) once per process. Reading PSS
    costs ~90 ms for advisor's tree (it walks every mapping), which would slow the tool
    being measured; so RSS is read every 0.1 s and PSS only when the RSS sum reaches a new
    high, at most once a second.
    """
    import psutil

    started = time.monotonic()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    root = psutil.Process(process.pid)
    peak = peak_rss = 0
    last_pss = -1.0
    timed_out = False
    while process.poll() is None:
        tree = [root, *_children(root)]
        rss = sum(_read(member, "memory_info", "rss") for member in tree)
        if rss > peak_rss and time.monotonic() - last_pss >= 1.0:
            peak = max(peak, sum(_read(member, "memory_full_info", "pss") for member in tree))
            last_pss = time.monotonic()
        peak_rss = max(peak_rss, rss)
        if time.monotonic() - started > limit:
            for p in [*_children(root), root]:
                with contextlib.suppress(psutil.Error):
                    p.kill()
            timed_out = True
            break
        time.sleep(0.1)
    output = process.communicate()[0] if not timed_out else ""
    return {
        "wall": time.monotonic() - started,
        "peak_mb": peak / 2**20,
        "peak_rss_mb": peak_rss / 2**20,
        "output": output,
        "timed_out": timed_out,
        "rc": process.returncode,
    }


def _read(member: Any, method: str, field: str) -> int:
    import psutil

    try:
        return getattr(getattr(member, method)(), field)
    except psutil.Error:
        return 0


def _children(root: Any) -> list[Any]:
    import psutil

    try:
        return root.children(recursive=True)
    except psutil.Error:
        return []


def run_advisor(name: str, budget: float, folder: Path, *, tuning: bool = True) -> dict:
    out = folder / f"advisor-{name}-{'tuned' if tuning else 'untuned'}.json"
    source = ["--example", name] if name in BUNDLED else [str(generated_file(name, folder))]
    advisor = Path(sys.executable).with_name("advisor")
    command = [
        str(advisor),
        "check",
        *source,
        "--budget",
        str(budget),
        "--json",
        str(out),
        "--force",
        *([] if tuning else ["--no-tuning"]),
    ]
    result = measure(command, limit=budget * 3 + 120)
    if result["rc"] != 0 or not out.exists():
        return {**result, "score": None, "best": "failed"}
    report = json.loads(out.read_text())
    best = report["best_classical"] or {}
    return {
        **result,
        "score": best.get("score"),
        "best": best.get("name"),
        "elapsed": report["elapsed_seconds"],
        "verdict": report["verdict"],
        "rows_used": report["rows"],
        "metric": report["metric"],
        "tuned": [
            f"{f['family']}: {f['status']} ({f['trials_run']} trials)"
            for f in (report.get("spare_time") or {}).get("families", [])
        ],
    }


def run_other(tool: str, name: str, budget: float, folder: Path, limit: float) -> dict:
    command = [sys.executable, str(HERE), "--worker", tool, name, "--budget", str(budget)]
    command += ["--data-dir", str(folder)]
    if tool == "flaml":
        (folder / f"flaml-{name}.pkl").unlink(missing_ok=True)
    result = measure(command, limit=limit)
    if result["timed_out"] or result["rc"] != 0:
        why = "stopped" if result["timed_out"] else "failed"
        return {**result, "score": None, "best": why}
    lines = [line for line in result["output"].splitlines() if line.startswith("{")]
    result = {**result, **json.loads(lines[-1])}
    if tool == "flaml":
        result["cv_score"] = rescore(name, folder)
    return result


def rescore(name: str, folder: Path) -> float | None:
    """FLAML's chosen model, refitted and scored on the splits advisor uses (5-fold CV, or
    repeated holdouts on big data), so that its score and advisor's are measured alike.
    Skipped above RESCORE_ROWS rows, where five refits would take longer than the study."""
    from advisor.check.evaluation import make_splits, score
    from advisor.check.fitting import predict_output

    saved = folder / f"flaml-{name}.pkl"
    X, y = load_xy(name, folder)
    if not saved.exists() or len(y) > RESCORE_ROWS:
        return None
    with saved.open("rb") as stream:
        kind, flaml_task, config = pickle.load(stream)
    task = task_of(name)
    scores = []
    for train, test in make_splits(y, task, seed=0).folds:
        model = kind(task=flaml_task, **config)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # deprecations from FLAML's own calls
            model.fit(_rows(X, train), y[train])
        scores.append(score(METRIC[task], y[test], predict_output(model, _rows(X, test), task)))
    return float(np.mean(scores))


# --- the table ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=30.0)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--lazy-limit", type=float, default=300.0)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--tools", nargs="*", default=["advisor", "flaml", "lazypredict"])
    parser.add_argument("--tables", action="store_true", help="the ten tables (TABLES)")
    parser.add_argument("--worker", nargs=2, metavar=("TOOL", "DATASET"))
    args = parser.parse_args()
    folder = args.data_dir or Path(tempfile.gettempdir()) / "advisor-bench"
    folder.mkdir(parents=True, exist_ok=True)
    if args.worker:
        print(json.dumps(worker(args.worker[0], args.worker[1], args.budget, folder)))
        return
    names = args.only or (list(TABLES) if args.tables else [*BUNDLED, *GENERATED])
    rows = []
    compared: list[tuple] = []
    for name in names:
        if name in GENERATED:
            generated_file(name, folder)
        runs: dict[str, list[dict]] = {tool: [] for tool in TOOLS}
        for _ in range(args.repeats):
            if "advisor-untuned" in args.tools:
                untuned = run_advisor(name, args.budget, folder, tuning=False)
                runs["advisor-untuned"].append(untuned)
            if "advisor" in args.tools:
                runs["advisor"].append(run_advisor(name, args.budget, folder))
            if "flaml" in args.tools:
                runs["flaml"].append(
                    run_other("flaml", name, args.budget, folder, args.budget * 3 + 240)
                )
            big = name in GENERATED and GENERATED[name][0] >= 1_000_000
            if "lazypredict" in args.tools and not big:
                runs["lazypredict"].append(
                    run_other("lazypredict", name, args.budget, folder, args.lazy_limit)
                )
        for tool, results in runs.items():
            if tool not in args.tools:
                continue
            if not results:
                rows.append((name, tool, "not run (no budget; ~30 models on 1M rows)", *[""] * 7))
                continue
            rows.append(_row(name, tool, results))
        _print(rows, args)
        compared.append(_compare(name, runs))
        _print_comparison(compared, args)
        sys.stdout.flush()
    (folder / "results.json").write_text(json.dumps({"rows": rows, "compared": compared}, indent=1))


def _row(name: str, tool: str, results: list[dict]) -> tuple:
    def median(key: str) -> float | None:
        values = [r[key] for r in results if r.get(key) is not None]
        return statistics.median(values) if values else None

    score, cv_score = median("score"), median("cv_score")
    extra = ""
    if tool.startswith("advisor"):
        elapsed = [r["elapsed"] for r in results if r.get("elapsed") is not None]
        extra = f"in-run {max(elapsed):.1f} s, {results[-1].get('verdict')}" if elapsed else ""
        extra += f", {results[-1].get('rows_used')} rows" if results[-1].get("rows_used") else ""
        extra += "".join(f"; {line}" for line in results[-1].get("tuned", []))
    walls = [r["wall"] for r in results]
    return (
        name,
        tool,
        f"{score:.4f}" if score is not None else results[-1]["best"],
        f"{cv_score:.4f}" if cv_score is not None else "",
        str(results[-1]["best"]),
        f"{median('wall'):.1f}",
        f"{max(walls):.1f}",
        f"{median('peak_mb'):.0f}",
        f"{median('peak_rss_mb'):.0f}",
        extra,
    )


def _print(rows: list[tuple], args: argparse.Namespace) -> None:
    header = (
        "dataset",
        "tool",
        "best classical",
        "on advisor's splits",
        "model",
        "wall s",
        "max wall s",
        "peak MB",
        "RSS sum MB",
        "notes",
    )
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print(f"\nbudget {args.budget:g} s, medians of {args.repeats} run(s), cpu={os.cpu_count()}")
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


def _compare(name: str, runs: dict[str, list[dict]]) -> tuple:
    """One table's line: advisor's best classical without and with tuning, FLAML refit on
    advisor's splits, and where advisor (tuned) stands against it."""

    def median(tool: str, key: str) -> float | None:
        values = [r[key] for r in runs.get(tool, []) if r.get(key) is not None]
        return statistics.median(values) if values else None

    off, on = median("advisor-untuned", "score"), median("advisor", "score")
    flaml = median("flaml", "cv_score")
    metric = METRIC[task_of(name)]
    standing = ""
    if on is not None and flaml is not None:
        if metric == "rmse":
            gap = (flaml - on) / flaml  # positive: advisor's error is lower
            standing = f"{100 * gap:+.1f} %"
            standing += " ahead" if gap > 0 else (" within 2 %" if gap >= -0.02 else " behind")
        else:
            gap = on - flaml
            standing = f"{100 * gap:+.2f} pt"
            standing += " ahead" if gap > 0 else (" within 1 pt" if gap >= -0.01 else " behind")
    walls = [r["wall"] for r in runs.get("advisor", [])]

    def shown(value: float | None) -> str:
        return f"{value:.4f}" if value is not None else "-"

    return (
        name, metric, shown(off), shown(on), shown(flaml), standing,
        f"{max(walls):.1f}" if walls else "",
    )  # fmt: skip


def _print_comparison(compared: list[tuple], args: argparse.Namespace) -> None:
    header = ("dataset", "metric", "untuned", "tuned", "FLAML refit", "tuned vs FLAML", "wall s")
    widths = [max(len(str(r[i])) for r in [header, *compared]) for i in range(len(header))]
    print(f"\nadvisor's best classical, budget {args.budget:g} s, against FLAML on its splits")
    for row in [header, *compared]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    standings = [r[5] for r in compared if r[5]]
    ahead = sum(s.endswith("ahead") for s in standings)
    close = sum(not s.endswith("behind") for s in standings)
    if standings:
        print(
            f"ahead on {ahead} of {len(standings)}; ahead or within on {close} of {len(standings)}"
        )


if __name__ == "__main__":
    main()
