"""Arrays from data/processed to the tensors the network sees."""

from __future__ import annotations

import numpy as np
import torch

from .config import TASK, Config
{%- if cookiecutter.model == "finetune" and cookiecutter.modality == "text" %}
from .finetune import encode
{%- elif cookiecutter.modality == "text" %}
from .data import encode
{%- endif %}


def features(config: Config, x: np.ndarray) -> torch.Tensor:
{%- if cookiecutter.model == "finetune" and cookiecutter.modality == "text" %}
    return encode(config.params, x)
{%- elif cookiecutter.modality == "text" %}
    data = config["data"]
    return torch.from_numpy(encode(x, data["vocab_size"], data["max_tokens"]))
{%- else %}
    return torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
{%- endif %}


def to_tensors(
    config: Config, x: np.ndarray, y: np.ndarray
) -> tuple[torch.Tensor, torch.Tensor, tuple[float, float]]:
    """Features, targets, and the (mean, std) the targets were scaled by: a regression
    target is standardised so one learning rate fits any unit; labels stay as they are."""
    if TASK == "regression":
        scale = (float(y.mean()), float(y.std()) + 1e-8)
        targets = torch.from_numpy(((y - scale[0]) / scale[1]).astype(np.float32))
    else:
        scale = (0.0, 1.0)
        targets = torch.from_numpy(y.astype(np.int64))
    return features(config, x), targets, scale
