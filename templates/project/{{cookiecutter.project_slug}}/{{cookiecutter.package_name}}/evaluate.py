{%- set neural = cookiecutter.framework in ("pytorch", "lightning") -%}
{%- set margins = cookiecutter.model in ("linear_svm", "rbf_svm") and cookiecutter.task != "regression" -%}
"""Score the model on the test split, write metrics.json, compare with baseline.json.

Run it with `python -m {{ cookiecutter.package_name }}.evaluate`.
"""

from __future__ import annotations

import json

import numpy as np

from .config import {% if cookiecutter.framework != "sklearn" %}TASK, {% endif %}Config, load_config, parse_args
from .data import load_split
{%- if neural %}
from .inputs import features
from .model import build_model
{%- elif cookiecutter.framework == "sklearn" and margins %}
from .model import featurize, probabilities
{%- elif cookiecutter.framework == "sklearn" %}
from .model import featurize
{%- endif %}

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
{%- if neural %}
    import torch

    saved = torch.load(config.path("models", "model.pt"), map_location="cpu", weights_only=True)
    model = build_model(config.params, tuple(saved["input_shape"]), saved["outputs"])
    model.load_state_dict(saved["model"])
    model.eval()
    with torch.no_grad():
        output = model(features(config, x))
    if TASK == "regression":
        mean, std = saved["target_scale"]
        return output.squeeze(-1).numpy() * std + mean
    return torch.softmax(output, dim=-1).numpy()
{%- elif cookiecutter.framework == "sklearn" %}
    import joblib

    model = joblib.load(config.path("models", "model.joblib"))
    inputs = featurize(x)
{%- if cookiecutter.task == "regression" %}
    return model.predict(inputs)
{%- elif margins %}
    return probabilities(model, inputs)
{%- else %}
    return model.predict_proba(inputs)
{%- endif %}
{%- else %}
    import xgboost as xgb

    model = xgb.XGBRegressor() if TASK == "regression" else xgb.XGBClassifier()
    model.load_model(config.path("models", "model.json"))
    inputs = x.reshape(len(x), -1)
    return model.predict(inputs) if TASK == "regression" else model.predict_proba(inputs)
{%- endif %}


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
    for line in compare(metric, value, baseline):
        print(line)
    return result


if __name__ == "__main__":
    main()
