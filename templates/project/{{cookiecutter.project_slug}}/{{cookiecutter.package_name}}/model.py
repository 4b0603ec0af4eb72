{%- if cookiecutter.framework in ("keras", "jax") -%}
"""The model: {{ {"tabular": "an MLP", "image": "a small CNN", "text": "a bag-of-tokens network"}.get(cookiecutter.modality, "") }} in {{ "Keras" if cookiecutter.framework == "keras" else "Flax" }}, built in {{ cookiecutter.framework }}_model.py."""

from .{{ cookiecutter.framework }}_model import build_model, features, load_exported, targets

__all__ = ["build_model", "features", "load_exported", "targets"]
{%- elif cookiecutter.model == "finetune" -%}
"""The model: a pretrained {{ cookiecutter.modality }} classifier fine-tuned, built in finetune.py."""

from .finetune import build_model

__all__ = ["build_model"]
{%- else -%}
"""The model{% if cookiecutter.framework in ("pytorch", "lightning") %}: {{ {"tabular": "an MLP", "image": "a small CNN", "text": "a bag-of-tokens network"}.get(cookiecutter.modality, "") }}{% endif %}."""

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
{%- set m = cookiecutter.model %}
{%- set regression = cookiecutter.task == "regression" %}
{%- set text = cookiecutter.modality == "text" %}
{%- set margins = m in ("linear_svm", "rbf_svm") and not regression %}

import numpy as np
{%- if m == "sgd_linear" %}


def build_model(params: dict[str, Any]):
    """A linear model trained by SGD, one pass over the data per epoch (partial_fit), so
    the loss can be tracked epoch by epoch like a neural network's."""
{%- if regression %}
    from sklearn.linear_model import SGDRegressor

    model = params["model"]
    return SGDRegressor(alpha=model["alpha"], eta0=model["eta0"], random_state=params["seed"])
{%- else %}
    from sklearn.linear_model import SGDClassifier

    model = params["model"]
    # A constant step: sklearn's default "optimal" schedule takes huge first steps and then
    # wanders, so the loss of later epochs can end above the first.
    return SGDClassifier(
        loss="log_loss",
        alpha=model["alpha"],
        learning_rate="constant",
        eta0=model["eta0"],
        random_state=params["seed"],
    )
{%- endif %}


def fit_epoch(
    model, params: dict[str, Any], features, y: np.ndarray, epoch: int, rng: np.random.Generator
) -> None:
    """One pass over the rows, in a new order each epoch."""
    order = rng.permutation(len(y))
{%- if regression %}
    model.partial_fit(features[order], y[order])
{%- else %}
    model.partial_fit(features[order], y[order], classes=np.unique(y))
{%- endif %}
{%- elif m == "decision_tree" %}


def build_model(params: dict[str, Any]):
    """A decision tree, grown one level deeper each epoch (see fit_epoch): its depth is
    the number of epochs, and the loss shows what each level adds."""
    from sklearn.tree import {{ "DecisionTreeRegressor" if regression else "DecisionTreeClassifier" }}

    return {{ "DecisionTreeRegressor" if regression else "DecisionTreeClassifier" }}(
        min_samples_leaf=params["model"]["min_samples_leaf"], random_state=params["seed"]
    )


def fit_epoch(
    model, params: dict[str, Any], features, y: np.ndarray, epoch: int, rng: np.random.Generator
) -> None:
    """Refit the tree one level deeper than the last epoch's."""
    model.set_params(max_depth=epoch + 1)
    model.fit(features, y)
{%- elif m == "hist_gradient_boosting" %}


def build_model(params: dict[str, Any]):
    """Histogram gradient-boosted trees that add `model.rounds_per_epoch` boosting rounds
    each epoch (warm start: the rounds already fitted are kept)."""
    from sklearn.ensemble import {{ "HistGradientBoostingRegressor" if regression else "HistGradientBoostingClassifier" }}

    model = params["model"]
    return {{ "HistGradientBoostingRegressor" if regression else "HistGradientBoostingClassifier" }}(
        max_iter=model["rounds_per_epoch"],
        learning_rate=model["learning_rate"],
        max_leaf_nodes=model["max_leaf_nodes"],
        early_stopping=False,  # every epoch adds its rounds; evaluate on the test split
        warm_start=True,
        random_state=params["seed"],
    )


def fit_epoch(
    model, params: dict[str, Any], features, y: np.ndarray, epoch: int, rng: np.random.Generator
) -> None:
    """Add this epoch's boosting rounds."""
    model.set_params(max_iter=params["model"]["rounds_per_epoch"] * (epoch + 1))
    model.fit(features, y)
{%- else %}


def build_model(params: dict[str, Any]):
{%- if m == "logistic_regression" %}
    """Logistic regression (L2 penalty, strength 1/C) on standardised features, fitted in
    one go."""
    from sklearn.linear_model import LogisticRegression
{%- elif m == "linear_regression" %}
    """Ridge linear regression (L2 penalty `alpha`) on standardised features, fitted in one
    go."""
    from sklearn.linear_model import Ridge
{%- elif m == "linear_svm" %}
    """A linear SVM on standardised features, fitted in one go."""
{%- elif m == "rbf_svm" %}
    """An SVM with an RBF kernel on standardised features, fitted in one go."""
{%- elif m == "knn" %}
    """k-nearest neighbours on standardised features: fitting stores the training rows."""
    from sklearn.neighbors import {{ "KNeighborsRegressor" if regression else "KNeighborsClassifier" }}
{%- elif m == "random_forest" %}
    """A random forest, fitted in one go: more trees lower its variance, not its loss on
    the training rows, so it has no epochs to track."""
    from sklearn.ensemble import {{ "RandomForestRegressor" if regression else "RandomForestClassifier" }}
{%- else %}
    """Naive Bayes{{ " over word counts" if text else " with a Gaussian per feature and class" }}, fitted in one go."""
    from sklearn.naive_bayes import {{ "MultinomialNB" if text else "GaussianNB" }}
{%- endif %}
{%- if m not in ("naive_bayes", "random_forest") %}
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
{%- endif %}
{%- if m == "linear_svm" %}
    from sklearn.svm import {{ "LinearSVR" if regression else "LinearSVC" }}
{%- elif m == "rbf_svm" %}
    from sklearn.svm import {{ "SVR" if regression else "SVC" }}
{%- endif %}

    model = params["model"]
{%- if m == "logistic_regression" %}
    estimator = LogisticRegression(C=model["C"], max_iter=model["max_iter"])
{%- elif m == "linear_regression" %}
    estimator = Ridge(alpha=model["alpha"])
{%- elif m == "linear_svm" %}
    estimator = {{ "LinearSVR" if regression else "LinearSVC" }}(C=model["C"], random_state=params["seed"])
{%- elif m == "rbf_svm" %}
    estimator = {{ "SVR" if regression else "SVC" }}(C=model["C"], gamma="scale")
{%- elif m == "knn" %}
    estimator = {{ "KNeighborsRegressor" if regression else "KNeighborsClassifier" }}(n_neighbors=model["n_neighbors"])
{%- elif m == "random_forest" %}
    return {{ "RandomForestRegressor" if regression else "RandomForestClassifier" }}(
        n_estimators=model["trees"],
        min_samples_leaf=model["min_samples_leaf"],
        random_state=params["seed"],
        n_jobs=2,
    )
{%- elif text %}
    return MultinomialNB(alpha=model["alpha"])
{%- else %}
    return GaussianNB(var_smoothing=model["var_smoothing"])
{%- endif %}
{%- if m not in ("naive_bayes", "random_forest") %}
{%- if text %}
    # Sparse n-gram counts: scaled, not centred, so that they stay sparse.
    return make_pipeline(StandardScaler(with_mean=False), estimator)
{%- else %}
    return make_pipeline(StandardScaler(), estimator)
{%- endif %}
{%- endif %}
{%- endif %}


def training_loss(model, features, y: np.ndarray) -> float:
{%- if regression %}
    """Mean squared error on the training rows."""
    from sklearn.metrics import mean_squared_error

    return float(mean_squared_error(y, model.predict(features)))
{%- elif margins %}
    """Hinge loss on the training rows (an SVM gives margins, not probabilities)."""
    from sklearn.metrics import hinge_loss

    return float(hinge_loss(y, model.decision_function(features), labels=model.classes_))
{%- else %}
    """Log loss on the training rows."""
    from sklearn.metrics import log_loss

    return float(log_loss(y, model.predict_proba(features), labels=model.classes_))
{%- endif %}
{%- if margins %}


def probabilities(model, features) -> np.ndarray:
    """Class scores (N x classes) from the SVM's margins: their softmax keeps both the
    ranking and the predicted class, which is what the metrics read."""
    margins = model.decision_function(features)
    if margins.ndim == 1:  # two classes: one margin, for the second
        margins = np.column_stack([-margins, margins])
    shifted = np.exp(margins - margins.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)
{%- endif %}


def featurize(x: np.ndarray) -> Any:
    """The feature matrix the model sees."""
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
{%- endif %}
