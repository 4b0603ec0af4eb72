"""The network in Flax NNX: {{ {"tabular": "an MLP", "image": "a small CNN", "text": "a bag-of-tokens network"}.get(cookiecutter.modality, "") }}, the inputs it sees, and its export.

NNX rather than Linen: NNX modules are plain Python objects that hold their own
parameters (as torch.nn modules do), which Flax recommends for new code; Linen's separate
`init`/`apply` and parameter dicts stay supported for code that already uses them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx, serialization

from .config import TASK, Config
{%- if cookiecutter.modality == "text" %}
from .data import encode
{%- endif %}


def features(config: Config, x: np.ndarray) -> np.ndarray:
    """Preprocessed rows (data/processed) to the array the network takes."""
{%- if cookiecutter.modality == "text" %}
    data = config["data"]
    return encode(x, data["vocab_size"], data["max_tokens"]).astype(np.int32)
{%- else %}
    return np.ascontiguousarray(x, dtype=np.float32)
{%- endif %}


def targets(y: np.ndarray) -> tuple[np.ndarray, tuple[float, float]]:
    """Targets and the (mean, std) they were scaled by: a regression target is
    standardised so one learning rate fits any unit; labels stay as they are."""
    if TASK == "regression":
        scale = (float(y.mean()), float(y.std()) + 1e-8)
        return ((y - scale[0]) / scale[1]).astype(np.float32), scale
    return y.astype(np.int32), (0.0, 1.0)


def compute_dtype(amp: bool) -> Any:
    """bfloat16 on a GPU (parameters stay float32), float32 elsewhere or when switched off."""
    return jnp.bfloat16 if amp and jax.default_backend() == "gpu" else jnp.float32
{%- if cookiecutter.modality == "tabular" %}


class Network(nnx.Module):
    """Two hidden layers with ReLU, dropout after the first."""

    def __init__(self, params: dict[str, Any], input_shape, outputs: int, *, dtype, rngs):
        hidden = params["model"]["hidden"]
        self.hidden1 = nnx.Linear(input_shape[0], hidden, dtype=dtype, rngs=rngs)
        self.dropout = nnx.Dropout(params["model"]["dropout"], rngs=rngs)
        self.hidden2 = nnx.Linear(hidden, hidden, dtype=dtype, rngs=rngs)
        self.logits = nnx.Linear(hidden, outputs, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        x = self.dropout(nnx.relu(self.hidden1(x)))
        x = nnx.relu(self.hidden2(x))
        return self.logits(x).astype(jnp.float32)
{%- elif cookiecutter.modality == "image" %}


class Network(nnx.Module):
    """Two 3x3 convolutions, max-pooling between them, global average pooling, a linear head."""

    def __init__(self, params: dict[str, Any], input_shape, outputs: int, *, dtype, rngs):
        channels = params["model"]["channels"]
        self.conv1 = nnx.Conv(input_shape[0], channels, (3, 3), dtype=dtype, rngs=rngs)
        self.conv2 = nnx.Conv(channels, 2 * channels, (3, 3), dtype=dtype, rngs=rngs)
        self.logits = nnx.Linear(2 * channels, outputs, dtype=dtype, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        x = jnp.transpose(x, (0, 2, 3, 1))  # data/processed is channels first; Flax wants last
        x = nnx.max_pool(nnx.relu(self.conv1(x)), (2, 2), strides=(2, 2))
        x = nnx.relu(self.conv2(x)).mean(axis=(1, 2))
        return self.logits(x).astype(jnp.float32)
{%- else %}


class Network(nnx.Module):
    """The mean of the token embeddings (padding, id 0, left out), then a linear layer."""

    def __init__(self, params: dict[str, Any], input_shape, outputs: int, *, dtype, rngs):
        embedding = params["model"]["embedding"]
        self.embed = nnx.Embed(params["data"]["vocab_size"], embedding, dtype=dtype, rngs=rngs)
        self.logits = nnx.Linear(embedding, outputs, dtype=dtype, rngs=rngs)

    def __call__(self, tokens: jax.Array) -> jax.Array:
        mask = (tokens > 0)[..., None]
        summed = (self.embed(tokens) * mask).sum(axis=1)
        x = summed / jnp.maximum(mask.sum(axis=1), 1)
        return self.logits(x).astype(jnp.float32)
{%- endif %}


def build_model(
    params: dict[str, Any],
    input_shape: tuple[int, ...],
    outputs: int,
    *,
    dtype: Any = jnp.float32,
    seed: int = 0,
) -> Network:
    """The network, its parameters drawn from `seed`, computing in `dtype`."""
    return Network(params, tuple(input_shape), outputs, dtype=dtype, rngs=nnx.Rngs(seed))


def parameters(model: nnx.Module) -> dict[str, Any]:
    """The model's parameters as a nested dict of NumPy arrays."""
    return jax.device_get(nnx.to_pure_dict(nnx.state(model, nnx.Param)))


def set_parameters(model: nnx.Module, values: dict[str, Any]) -> None:
    """Put `values` (as `parameters` returns them) into `model`."""
    state = nnx.state(model, nnx.Param)
    nnx.replace_by_pure_dict(state, values)
    nnx.update(model, state)


def export(
    model: nnx.Module,
    path: Path,
    params: dict[str, Any],
    input_shape: tuple[int, ...],
    outputs: int,
    target_scale: tuple[float, float],
) -> None:
    """One file (Flax's msgpack serialisation) with the parameters and what rebuilds the
    network around them."""
    recipe = {
        "params": {
            "model": params["model"],
            "data": {k: v for k, v in params["data"].items() if k in ("vocab_size", "max_tokens")},
        },
        "input_shape": list(input_shape),
        "outputs": outputs,
        "target_scale": list(target_scale),
    }
    state = {"network": json.dumps(recipe), "parameters": parameters(model)}
    path.write_bytes(serialization.msgpack_serialize(state))


def load_network(path: str | os.PathLike) -> tuple[Network, dict[str, Any]]:
    """The exported network (float32, evaluation mode) and what it was built from."""
    state = serialization.msgpack_restore(Path(path).read_bytes())
    recipe = json.loads(state["network"])
    model = build_model(recipe["params"], recipe["input_shape"], recipe["outputs"])
    set_parameters(model, state["parameters"])
    model.eval()  # dropout off
    return model, recipe


def load_exported(path: str | os.PathLike) -> Callable[[np.ndarray], np.ndarray]:
    """The exported network as a function from inputs to probabilities (or values)."""
    model, recipe = load_network(path)
    mean, std = recipe["target_scale"]

    def predict(inputs: np.ndarray) -> np.ndarray:
        logits = model(jnp.asarray(inputs))
        if TASK == "regression":
            return np.asarray(logits) * std + mean
        return np.asarray(jax.nn.softmax(logits, axis=-1))

    return predict
