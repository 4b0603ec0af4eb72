"""The model{% if cookiecutter.framework in ("pytorch", "lightning") %}: {{ {"tabular": "an MLP", "image": "a small CNN", "text": "a bag-of-tokens network"}[cookiecutter.modality] }}{% endif %}."""

from __future__ import annotations

from typing import Any
{%- if cookiecutter.framework in ("pytorch", "lightning") %}

from torch import nn
{%- if cookiecutter.modality == "tabular" %}


def build_model(params: dict[str, Any], input_shape: tuple[int, ...], outputs: int) -> nn.Module:
    hidden, dropout = params["model"]["hidden"], params["model"]["dropout"]
    return nn.Sequential(
        nn.Linear(input_shape[0], hidden),
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(hidden, hidden),
        nn.ReLU(),
        nn.Linear(hidden, outputs),
    )
{%- elif cookiecutter.modality == "image" %}


def build_model(params: dict[str, Any], input_shape: tuple[int, ...], outputs: int) -> nn.Module:
    channels = params["model"]["channels"]
    return nn.Sequential(
        nn.Conv2d(input_shape[0], channels, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(channels, 2 * channels, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(2 * channels, outputs),
    )
{%- else %}


class BagOfTokens(nn.Module):
    """Mean of token embeddings (padding ignored), then a linear layer."""

    def __init__(self, vocab_size: int, embedding: int, outputs: int) -> None:
        super().__init__()
        self.embed = nn.EmbeddingBag(vocab_size, embedding, mode="mean", padding_idx=0)
        self.head = nn.Linear(embedding, outputs)

    def forward(self, tokens):
        return self.head(self.embed(tokens))


def build_model(params: dict[str, Any], input_shape: tuple[int, ...], outputs: int) -> nn.Module:
    return BagOfTokens(params["data"]["vocab_size"], params["model"]["embedding"], outputs)
{%- endif %}
{%- elif cookiecutter.framework == "sklearn" %}

import numpy as np

from .config import TASK


def build_model(params: dict[str, Any]):
    """A linear model trained by SGD, one pass over the data per epoch (partial_fit), so
    the loss can be tracked epoch by epoch like a neural network's."""
    from sklearn.linear_model import SGDClassifier, SGDRegressor

    alpha, eta0, seed = params["model"]["alpha"], params["model"]["eta0"], params["seed"]
    if TASK == "regression":
        return SGDRegressor(alpha=alpha, eta0=eta0, random_state=seed)
    # A constant step: sklearn's default "optimal" schedule takes huge first steps and then
    # wanders, so the loss of later epochs can end above the first.
    return SGDClassifier(
        loss="log_loss", alpha=alpha, learning_rate="constant", eta0=eta0, random_state=seed
    )


def featurize(x: np.ndarray) -> Any:
    """The feature matrix the linear model sees."""
{%- if cookiecutter.modality == "text" %}
    from sklearn.feature_extraction.text import HashingVectorizer

    # Stateless (no vocabulary to fit or save), so train and evaluate agree by construction.
    vectorizer = HashingVectorizer(n_features=2**12, ngram_range=(1, 2), alternate_sign=False)
    return vectorizer.transform(x)
{%- else %}
    return x.reshape(len(x), -1)
{%- endif %}
{%- else %}

from .config import TASK


def build_model(params: dict[str, Any]):
    """Gradient-boosted trees; one boosting round is one "epoch" in the loss history."""
    import xgboost as xgb

    settings = dict(
        n_estimators=params["train"]["epochs"],
        max_depth=params["model"]["max_depth"],
        learning_rate=params["model"]["learning_rate"],
        subsample=params["model"]["subsample"],
        device=params["train"]["device"],
        random_state=params["seed"],
        n_jobs=2,
    )
    if TASK == "regression":
        return xgb.XGBRegressor(eval_metric="rmse", **settings)
    return xgb.XGBClassifier(eval_metric="{{ 'logloss' if cookiecutter.task == 'binary' else 'mlogloss' }}", **settings)
{%- endif %}
