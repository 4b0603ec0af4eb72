"""model_card.md: what the model is, what it was trained on, how it scores against the
baseline, and what it is for. Written by evaluate, so it always matches metrics.json."""

from __future__ import annotations

import json

from .config import FRAMEWORK, MODALITY, TASK, Config
from .data import load_preprocessing, load_split
from .predictor import Predictor


def write_model_card(config: Config, metric: str, value: float, comparison: list[str]) -> str:
    """Write model_card.md beside params.yaml; returns its text."""
    _, y_train = load_split(config, "train")
    x_test, _ = load_split(config, "test")
    state = load_preprocessing(config)
    card = config.params.get("model_card", {})
    baseline = json.loads(config.path("baseline.json").read_text(encoding="utf-8"))
    measured = baseline.get("measured")
    source = f"`advisor check`, in {baseline.get('metric')}" if measured else "none measured"
    if MODALITY == "tabular":
        inputs = f"{len(state['columns'])} numeric columns: {', '.join(state['columns'])}"
    elif MODALITY == "image":
        channels, height, width = state["shape"]
        inputs = f"grey images of {channels} x {height} x {width} (channels x height x width)"
    else:
        inputs = f"short documents; {len(state['words'])} distinct words in the training set"
    lines = [
        "# Model card: {{ cookiecutter.project_name }}",
        "",
        "## Model",
        f"- {TASK} {MODALITY} model, {FRAMEWORK} (`{{ cookiecutter.model }}`), "
        f"version {Predictor(config).version}",
        f"- Parameters: `params.yaml` (model: {json.dumps(config['model'])})",
        "",
        "## Data",
        f"- {len(y_train)} training rows, {len(x_test)} test rows (`data/processed`)",
        f"- Inputs: {inputs}",
        "",
        "## Metrics",
        f"- {metric} on the test split: {value:.4f}",
        "",
        "## Baseline",
        f"- Source: {source}",
        *[f"- {line}" for line in comparison],
        "",
        "## Intended use",
        card.get("intended_use", "Not stated: fill in model_card.intended_use in params.yaml."),
        "",
        "## Limitations",
        card.get("limitations", "Not stated: fill in model_card.limitations in params.yaml."),
        "",
    ]
    text = "\n".join(lines)
    config.path("model_card.md").write_text(text, encoding="utf-8")
    return text
