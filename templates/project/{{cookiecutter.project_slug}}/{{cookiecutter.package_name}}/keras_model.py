"""The network in Keras 3 on the TensorFlow backend: {{ {"tabular": "an MLP", "image": "a small CNN", "text": "a bag-of-tokens network"}.get(cookiecutter.modality, "") }}, and the
inputs it sees.

The network ends in logits (float32 even under a mixed-precision policy, so the loss is
computed in full precision); the exported model adds the last step (softmax, or the
target's scale for regression) so that `models/model.keras` alone predicts.
"""

from __future__ import annotations

import os

# Keras 3 runs on several backends; this project is written for TensorFlow's.
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up notices

from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from .config import TASK, Config  # noqa: E402
{%- if cookiecutter.modality == "text" %}
from .data import encode  # noqa: E402
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


def build_model(params: dict[str, Any], input_shape: tuple[int, ...], outputs: int) -> keras.Model:
    """The network, in the global dtype policy (set it before calling)."""
{%- if cookiecutter.modality == "tabular" %}
    hidden, dropout = params["model"]["hidden"], params["model"]["dropout"]
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.Dense(hidden, activation="relu")(inputs)
    x = keras.layers.Dropout(dropout)(x)
    x = keras.layers.Dense(hidden, activation="relu")(x)
{%- elif cookiecutter.modality == "image" %}
    channels = params["model"]["channels"]
    inputs = keras.Input(shape=input_shape)  # channels first, as data/processed stores them
    # TensorFlow's CPU convolutions want channels last.
    x = keras.layers.Permute((2, 3, 1))(inputs)
    x = keras.layers.Conv2D(channels, 3, padding="same", activation="relu")(x)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Conv2D(2 * channels, 3, padding="same", activation="relu")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
{%- else %}
    inputs = keras.Input(shape=input_shape, dtype="int32")
    # Token 0 is padding: the mask keeps it out of the mean.
    x = keras.layers.Embedding(
        params["data"]["vocab_size"], params["model"]["embedding"], mask_zero=True
    )(inputs)
    x = keras.layers.GlobalAveragePooling1D()(x)
{%- endif %}
    logits = keras.layers.Dense(outputs, dtype="float32", name="logits")(x)
    return keras.Model(inputs, logits, name="{{ cookiecutter.model }}")


def export_model(net: keras.Model, target_scale: tuple[float, float]) -> keras.Model:
    """The trained network with its last step: class probabilities, or values in the
    target's own unit."""
    inputs = keras.Input(shape=net.input_shape[1:], dtype=net.inputs[0].dtype)
    if TASK == "regression":
        mean, std = target_scale
        head = keras.layers.Rescaling(scale=std, offset=mean, dtype="float32")
    else:
        head = keras.layers.Softmax(dtype="float32")
    return keras.Model(inputs, head(net(inputs)), name="exported")


def load_exported(path: str | os.PathLike) -> Callable[[np.ndarray], np.ndarray]:
    """The exported model as a function from inputs to a NumPy array."""
    model = keras.saving.load_model(Path(path))

    def predict(inputs: np.ndarray) -> np.ndarray:
        # A direct call, not model.predict: a request's few rows need no input pipeline.
        return keras.ops.convert_to_numpy(model(inputs, training=False))

    return predict


__all__ = ["build_model", "export_model", "features", "keras", "load_exported", "targets", "tf"]
