"""Read params.yaml, the project's single source of truth, and seed every generator."""

from __future__ import annotations

import argparse
import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

# Stay offline and quiet: no telemetry from DVC, MLflow or W&B, W&B without an account.
for _name, _value in {
    "DO_NOT_TRACK": "1",
    "DVC_NO_ANALYTICS": "1",
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "WANDB_MODE": "offline",
    "WANDB_SILENT": "true",
    "WANDB_DISABLE_GIT": "true",
}.items():
    os.environ.setdefault(_name, _value)

MODALITY = "{{ cookiecutter.modality }}"
TASK = "{{ cookiecutter.task }}"
FRAMEWORK = "{{ cookiecutter.framework }}"


@dataclass(frozen=True)
class Config:
    """The parameters, plus the folder every relative path is resolved against."""

    root: Path  # the folder that holds params.yaml
    params: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    def path(self, *parts: str) -> Path:
        return self.root.joinpath(*parts)


def load_config(path: str | os.PathLike = "params.yaml") -> Config:
    path = Path(path).resolve()
    with path.open(encoding="utf-8") as handle:
        params = yaml.safe_load(handle)
    return Config(root=path.parent, params=params)


def parse_args(description: str, argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--params", default="params.yaml", help="the parameters file")
    return parser.parse_args(argv)


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy{% if cookiecutter.framework in ("pytorch", "lightning") %} and PyTorch (CPU and every GPU){% elif cookiecutter.framework == "keras" %} and TensorFlow{% elif cookiecutter.framework == "jax" %} (JAX takes explicit keys from the seed){% endif %}."""
    random.seed(seed)
    np.random.seed(seed)
{%- if cookiecutter.framework in ("pytorch", "lightning") %}
    import torch

    torch.manual_seed(seed)
{%- elif cookiecutter.framework == "keras" %}
    from .keras_model import keras

    keras.utils.set_random_seed(seed)  # Python, NumPy and TensorFlow
{%- endif %}
