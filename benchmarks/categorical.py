"""Category columns into the table networks: one-hot (capped at 20 levels) against learned
embeddings, the same network, the same folds.

Not part of the test suite.

    python benchmarks/categorical.py [--rows 1500] [--folds 5]

Each case is a generated table whose target depends on its category columns (see
``tables``); the networks train to early stopping with no deadline, so the figures are
about the encoding, not the machine's speed. Prints the mean score per encoding and
network, and the difference.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline

from advisor.check.features import Float32, table_features
from advisor.check.ladder import TABLE_NET_WIDTH, Context
from advisor.check.neural import MLPNet
from advisor.check.tabm_net import TabMNet


def tables(rows: int, seed: int = 0) -> dict[str, tuple[pd.DataFrame, np.ndarray]]:
    rng = np.random.default_rng(seed)
    out = {}
    for levels in (8, 40, 200):
        # each level its own effect, plus two numbers
        code = rng.integers(0, levels, rows)
        effect = rng.normal(size=levels) * 1.5
        x = rng.normal(size=(rows, 2))
        logit = effect[code] + x[:, 0] - 0.5 * x[:, 1] + 0.5 * rng.normal(size=rows)
        frame = pd.DataFrame({"x0": x[:, 0], "x1": x[:, 1], "cat": [f"l{c}" for c in code]})
        out[f"one column, {levels} levels"] = (frame, (logit > 0).astype(int))
    # two columns whose levels interact (the effect of a pair)
    a, b = rng.integers(0, 12, rows), rng.integers(0, 12, rows)
    pair = rng.normal(size=(12, 12)) * 1.5
    x = rng.normal(size=rows)
    logit = pair[a, b] + x + 0.5 * rng.normal(size=rows)
    frame = pd.DataFrame({"x": x, "a": [f"a{i}" for i in a], "b": [f"b{i}" for i in b]})
    out["two columns, interacting"] = (frame, (logit > 0).astype(int))
    return out


def score(model, frame, y, folds: int) -> float:
    scores = []
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(frame, y):
        fitted = clone(model).fit(frame.iloc[train], y[train])
        scores.append(roc_auc_score(y[test], fitted.predict_proba(frame.iloc[test])[:, 1]))
    return float(np.mean(scores))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1500)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    print("| table | network | one-hot | embedded | difference |")
    print("|---|---|---|---|---|")
    for name, (frame, y) in tables(args.rows).items():
        numeric = tuple(c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c]))
        categorical = tuple(c for c in frame.columns if c not in numeric)
        context = Context("binary", "tabular", len(y), 0, numeric=numeric, categorical=categorical)
        for kind in (MLPNet, TabMNet):
            results = {}
            for encoding, count in (("one_hot", 0), ("codes", len(categorical))):
                net = kind(task="binary", width=TABLE_NET_WIDTH, seed=0, categorical=count)
                features = table_features(replace(context), text="key", categories=encoding)
                results[encoding] = score(make_pipeline(features, Float32(), net), frame, y,
                                          args.folds)  # fmt: skip
            diff = results["codes"] - results["one_hot"]
            print(
                f"| {name} | {kind.__name__} | {results['one_hot']:.4f} | "
                f"{results['codes']:.4f} | {diff:+.4f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
