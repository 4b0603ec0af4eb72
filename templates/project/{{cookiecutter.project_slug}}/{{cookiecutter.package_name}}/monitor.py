{%- set modality = cookiecutter.modality -%}
"""Drift: a batch of incoming data, and the model's predictions on it, against the
training data. Writes reports/drift.json and reports/drift.html, and exits 1 when drift
passes the thresholds in params.yaml (monitor:), so cron or CI can act on it (2 when the
batch cannot be read).

Run it with `python -m {{ cookiecutter.package_name }}.monitor data/sample{{ {"tabular": "/batch.csv", "image": "", "text": "/batch.txt"}.get(modality, "") }}`, or on serve's
request log: `python -m {{ cookiecutter.package_name }}.monitor logs/requests.jsonl`.

The tests are scipy's two-sample Kolmogorov-Smirnov test (numbers) and chi-square test
(classes), not a monitoring suite such as Evidently: they run offline, add no dependency
beyond scipy, and a p-value per feature is all the decision needs.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
from typing import Any

import numpy as np
from scipy import stats

from .batch import BatchError, read_batch
from .config import TASK, Config, load_config
from .data import load_preprocessing, load_split, preprocess
from .predictor import Predictor, labels


def describe(state: dict[str, Any], x: np.ndarray) -> dict[str, np.ndarray]:
    """The features drift is measured on, from preprocessed inputs."""
{%- if modality == "tabular" and cookiecutter._data %}
    # Each number column, and each category as the share of rows that hold it.
    return {name: x[:, index] for index, name in enumerate(state["features"])}
{%- elif modality == "tabular" %}
    return {name: x[:, index] for index, name in enumerate(state["columns"])}
{%- elif modality == "image" %}
    # Pixel by pixel is noise; these summarise what a camera or a source change shifts.
    flat = x.reshape(len(x), -1)
    half = flat.shape[1] // 2
    return {
        "brightness": flat.mean(axis=1),
        "contrast": flat.std(axis=1),
        "top_half_brightness": flat[:, :half].mean(axis=1),
        "bottom_half_brightness": flat[:, half:].mean(axis=1),
    }
{%- else %}
    known = set(state["words"])
    words = [str(text).lower().split() for text in x]
    return {
        "words": np.array([len(w) for w in words], dtype=float),
        "word_length": np.array([np.mean([len(t) for t in w]) if w else 0.0 for w in words]),
        "known_words": np.array([np.mean([t in known for t in w]) if w else 0.0 for w in words]),
    }
{%- endif %}


def compare_numbers(reference: np.ndarray, current: np.ndarray) -> float:
    return float(stats.ks_2samp(reference, current).pvalue)


def compare_classes(reference: np.ndarray, current: np.ndarray) -> float:
    classes = np.union1d(reference, current)
    table = np.array([[np.sum(sample == c) for c in classes] for sample in (reference, current)])
    if len(classes) < 2:
        return 1.0
    return float(stats.chi2_contingency(table + 0.5).pvalue)  # +0.5: no empty cells


def drift_report(config: Config, source: str) -> dict[str, Any]:
    """Every feature's and the predictions' p-value, and the verdict."""
    settings = config["monitor"]
    state = load_preprocessing(config)
    raw, _ = read_batch(state, source)
    current = preprocess(state, raw)
    reference, _ = load_split(config, "train")
    predictor = Predictor(config)
    threshold = float(settings["p_value"])
    features = []
    ref_features, cur_features = describe(state, reference), describe(state, current)
    for name, values in ref_features.items():
        p_value = compare_numbers(values, cur_features[name])
        features.append(
            {"feature": name, "test": "ks", "p_value": p_value, "drift": p_value < threshold}
        )
    ref_out = labels(predictor.predict(reference))
    cur_out = labels(predictor.predict(current))
    compare = compare_numbers if TASK == "regression" else compare_classes
    p_prediction = compare(ref_out, cur_out)
    drifted = sum(f["drift"] for f in features)
    share = drifted / len(features)
    prediction = {
        "test": "ks" if TASK == "regression" else "chi2",
        "p_value": p_prediction,
        "drift": p_prediction < threshold,
    }
    failed = share > float(settings["max_drifted_share"]) or (
        prediction["drift"] and bool(settings["fail_on_prediction_drift"])
    )
    return {
        "source": str(source),
        "model_version": predictor.version,
        "rows": {"reference": len(reference), "current": len(current)},
        "p_value_threshold": threshold,
        "max_drifted_share": float(settings["max_drifted_share"]),
        "features": features,
        "drifted_share": share,
        "prediction": prediction,
        "drift": failed,
    }


def to_html(report: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(f['feature'])}</td><td>{f['test']}</td>"
        f"<td>{f['p_value']:.4g}</td><td>{'DRIFT' if f['drift'] else 'ok'}</td></tr>"
        for f in report["features"]
    )
    p = report["prediction"]
    verdict = "Drift beyond the threshold" if report["drift"] else "No drift beyond the threshold"
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Drift report</title></head>"
        f"<body><h1>{verdict}</h1><p>{html.escape(report['source'])}: "
        f"{report['rows']['current']} rows against {report['rows']['reference']} training rows; "
        f"model {report['model_version']}.</p>"
        f"<p>Drifted features: {report['drifted_share']:.0%} "
        f"(limit {report['max_drifted_share']:.0%}); "
        f"p-value threshold {report['p_value_threshold']}.</p>"
        f"<p>Predictions ({p['test']}): p = {p['p_value']:.4g}, "
        f"{'DRIFT' if p['drift'] else 'ok'}.</p>"
        "<table border='1'><tr><th>feature</th><th>test</th><th>p-value</th><th></th></tr>"
        f"{rows}</table></body></html>\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Compare incoming data with the training data.")
    parser.add_argument("input", help="a batch (as `predict` reads it) or serve's log (.jsonl)")
    parser.add_argument("--params", default="params.yaml", help="the parameters file")
    parser.add_argument("--out", default="reports", help="the folder for drift.json and drift.html")
    args = parser.parse_args(argv)
    config = load_config(args.params)
    try:
        report = drift_report(config, args.input)
    except BatchError as error:
        # 2, not 1: cron or CI must tell an unreadable batch from drift.
        print(f"Error: {error}", file=sys.stderr)
        return 2
    out = config.path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "drift.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (out / "drift.html").write_text(to_html(report), encoding="utf-8")
    drifted = [f["feature"] for f in report["features"] if f["drift"]]
    named = f" ({', '.join(drifted)})" if drifted else ""
    print(f"drifted features: {len(drifted)} of {len(report['features'])}{named}")
    prediction = report["prediction"]
    print(
        f"prediction drift: {'yes' if prediction['drift'] else 'no'} "
        f"(p = {prediction['p_value']:.4g})"
    )
    print(f"{'DRIFT' if report['drift'] else 'OK'}: report in {args.out}/drift.html")
    return 1 if report["drift"] else 0


if __name__ == "__main__":
    sys.exit(main())
