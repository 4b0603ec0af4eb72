{%- set neural = cookiecutter.framework in ("pytorch", "lightning") -%}
{%- set exported = cookiecutter.framework in ("keras", "jax") -%}
{%- set margins = cookiecutter.model in ("linear_svm", "rbf_svm") and cookiecutter.task != "regression" -%}
"""The trained model, loaded once: what evaluate, predict, serve, monitor and tune score with."""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

from .config import TASK, Config
{%- if neural %}
from .inputs import features
from .model import build_model
{%- elif exported %}
from .model import features, load_exported
{%- elif cookiecutter.framework == "sklearn" and margins %}
from .model import featurize, probabilities
{%- elif cookiecutter.framework == "sklearn" %}
from .model import featurize
{%- endif %}

MODEL_FILE = "{{ 'model.pt' if neural else {'keras': 'model.keras', 'jax': 'model.msgpack', 'sklearn': 'model.joblib'}.get(cookiecutter.framework, 'model.json') }}"


class Predictor:
    """Loads models/{{ 'model.pt' if neural else {'keras': 'model.keras', 'jax': 'model.msgpack', 'sklearn': 'model.joblib'}.get(cookiecutter.framework, 'model.json') }}; `version` names that file's contents."""

    def __init__(self, config: Config) -> None:
        self.config = config
        path = config.path("models", MODEL_FILE)
        if not path.exists():
            raise SystemExit(f"{path} is missing: train first (`make train`)")
        self.version = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
{%- if neural %}
        import torch

        saved = torch.load(path, map_location="cpu", weights_only=True)
        self.model = build_model(config.params, tuple(saved["input_shape"]), saved["outputs"])
        self.model.load_state_dict(saved["model"])
        self.model.eval()
        self.target_scale = saved["target_scale"]
{%- elif exported %}
        # The exported model maps inputs to probabilities (or values in the target's unit).
        self.model = load_exported(path)
{%- elif cookiecutter.framework == "sklearn" %}
        import joblib

        self.model = joblib.load(path)
{%- else %}
        import xgboost as xgb

        self.model = xgb.XGBRegressor() if TASK == "regression" else xgb.XGBClassifier()
        self.model.load_model(path)
{%- endif %}

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities (N x classes) for classification, values (N) for regression,
        from preprocessed inputs (data/processed, or `data.preprocess` of raw ones)."""
{%- if neural %}
        import torch

        with torch.no_grad():
            output = self.model(features(self.config, x))
        if TASK == "regression":
            mean, std = self.target_scale
            return output.squeeze(-1).numpy() * std + mean
        return torch.softmax(output, dim=-1).numpy()
{%- elif exported %}
        output = self.model(features(self.config, x))
        return output[:, 0] if TASK == "regression" else output
{%- elif cookiecutter.framework == "sklearn" %}
        inputs = featurize(x)
{%- if cookiecutter.task == "regression" %}
        return self.model.predict(inputs)
{%- elif margins %}
        return probabilities(self.model, inputs)
{%- else %}
        return self.model.predict_proba(inputs)
{%- endif %}
{%- else %}
        inputs = x.reshape(len(x), -1)
        if TASK == "regression":
            return self.model.predict(inputs)
        return self.model.predict_proba(inputs)
{%- endif %}


def records(output: np.ndarray) -> list[dict[str, Any]]:
    """One JSON-ready record a row: the value, or the label and every class's probability."""
    if TASK == "regression":
        return [{"value": float(value)} for value in output]
    return [
        {"label": int(row.argmax()), "probabilities": [round(float(p), 6) for p in row]}
        for row in output
    ]


def labels(output: np.ndarray) -> np.ndarray:
    """The predicted class (or value) of each row: what monitor compares."""
    return output if TASK == "regression" else output.argmax(axis=1)
