"""Score the model on the test split, write metrics.json and model_card.md, compare with
baseline.json.

Run it with `python -m {{ cookiecutter.package_name }}.evaluate`.
"""

from __future__ import annotations

import json

import numpy as np

from .config import Config, load_config, parse_args
from .data import load_split
from .predictor import Predictor

# metric -> whether higher is better
METRICS = {
    "roc_auc": True,
    "accuracy": True,
    "balanced_accuracy": True,
    "macro_f1": True,
    "r2": True,
    "rmse": False,
    "mae": False,
}


def predict(config: Config, x: np.ndarray) -> np.ndarray:
    """Class probabilities (N x classes) for classification, values (N) for regression."""
    return Predictor(config).predict(x)


def score(metric: str, y: np.ndarray, predicted: np.ndarray) -> float:
    from sklearn import metrics

    if metric == "rmse":
        return float(np.sqrt(metrics.mean_squared_error(y, predicted)))
    if metric == "mae":
        return float(metrics.mean_absolute_error(y, predicted))
    if metric == "r2":
        return float(metrics.r2_score(y, predicted))
    if metric == "roc_auc":
        if predicted.shape[1] == 2:
            return float(metrics.roc_auc_score(y, predicted[:, 1]))
        return float(metrics.roc_auc_score(y, predicted, multi_class="ovr"))
    labels = predicted.argmax(axis=1)
    if metric == "accuracy":
        return float(metrics.accuracy_score(y, labels))
    if metric == "balanced_accuracy":
        return float(metrics.balanced_accuracy_score(y, labels))
    return float(metrics.f1_score(y, labels, average="macro"))


def compare(metric: str, value: float, baseline: dict) -> list[str]:
    """Lines saying how the model stands against the baseline to beat."""
    if not baseline.get("measured") and baseline.get("reason"):
        return [f"No baseline to beat: the check's report says: {baseline['reason']}"]
    if not baseline.get("measured"):
        return [
            "No baseline was measured for this project: run `advisor check` on your data, then "
            "`advisor scaffold --from-report report.json`, to get the number to beat."
        ]
    if baseline.get("metric") != metric:
        measured = baseline.get("metric")
        return [f"The baseline was measured in {measured}, not {metric}: not compared."]
    higher = METRICS[metric]
    lines = []
    for family in ("best_classical", "best_deep_learning"):
        best = baseline.get(family) or {}
        if best.get("score") is None:
            continue
        gap = (value - best["score"]) if higher else (best["score"] - value)
        verdict = "ahead of" if gap > 0 else "behind" if gap < 0 else "level with"
        lines.append(
            f"baseline {family.replace('best_', '').replace('_', ' ')} ({best.get('name')}): "
            f"{best['score']:.4f} -> this model is {verdict} it by {abs(gap):.4f}"
        )
    return lines


def main(argv: list[str] | None = None) -> dict:
    """Evaluate; returns what was written to metrics.json."""
    args = parse_args(__doc__, argv)
    config = load_config(args.params)
    metric = config["evaluate"]["metric"]
    if metric not in METRICS:
        raise SystemExit(f"evaluate.metric {metric!r} in params.yaml is not one of {list(METRICS)}")
    x, y = load_split(config, "test")
    value = score(metric, y, predict(config, x))
    baseline = json.loads(config.path("baseline.json").read_text(encoding="utf-8"))
    result = {metric: value}
    config.path("metrics.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"{metric} on the test split: {value:.4f}")
    lines = compare(metric, value, baseline)
    for line in lines:
        print(line)
    from .model_card import write_model_card

    write_model_card(config, metric, value, lines)
    return result


if __name__ == "__main__":
    main()
