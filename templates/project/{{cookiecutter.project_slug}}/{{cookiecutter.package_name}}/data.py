"""The data: a small demo set that ships with scikit-learn or is generated here (no
download), split once by `prepare` into data/processed/{train,test}.npz, with the
preprocessing fitted on the training rows in data/processed/features.json.

Replace `load_raw` with your own loading; everything downstream reads the .npz files, and
`preprocess` is the one path from raw inputs to what the model sees (train, predict, serve).
"""

from __future__ import annotations

import json
{%- if cookiecutter.modality == "tabular" %}
import re
{%- endif %}
{%- if cookiecutter.modality == "text" %}
import zlib
{%- endif %}
from pathlib import Path
from typing import Any

import numpy as np

from .config import TASK, Config

{%- if cookiecutter.modality == "tabular" %}


def load_raw(config: Config) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Features (rows x columns, float32), target, and the column names."""
    from sklearn import datasets
{% if cookiecutter.task == "regression" %}
    bunch = datasets.load_diabetes()
{%- elif cookiecutter.task == "binary" %}
    bunch = datasets.load_breast_cancer()
{%- else %}
    bunch = datasets.load_wine()
{%- endif %}
    # Column names become JSON fields of the service: letters, digits and underscores.
    columns = [re.sub(r"\W+", "_", name).strip("_").lower() for name in bunch.feature_names]
    return bunch.data.astype(np.float32), bunch.target, columns
{%- elif cookiecutter.modality == "image" %}


def load_raw(config: Config) -> tuple[np.ndarray, np.ndarray]:
    """Images (N x 1 x H x W, float32 in [0, 1]) and labels: scikit-learn's 8x8 digits."""
    from sklearn import datasets

    bunch = datasets.load_digits(n_class={{ 2 if cookiecutter.task == "binary" else 10 }})
    images = (bunch.images / 16.0).astype(np.float32)[:, None, :, :]
    return images, bunch.target
{%- else %}

_TOPICS = {
    "sport": "match goal team coach season league player score win stadium",
    "science": "experiment theory data cell energy planet research lab atom study",
    "music": "song album band guitar concert melody singer tour lyrics drum",
}
_FILLER = "the a of and to in is was for on with it this that today new".split()


def load_raw(config: Config) -> tuple[np.ndarray, np.ndarray]:
    """Short documents (unicode array) and labels, generated here: each document mixes
    words of its topic with filler, so the task is learnable but not trivial."""
    rng = np.random.default_rng(config["seed"])
    topics = list(_TOPICS.values())[:{{ 2 if cookiecutter.task == "binary" else 3 }}]
    labels = rng.integers(0, len(topics), size=config["data"]["rows"])
    docs = []
    for label in labels:
        words = list(rng.choice(topics[label].split(), size=4)) + list(rng.choice(_FILLER, size=8))
        rng.shuffle(words)
        docs.append(" ".join(words))
    return np.array(docs), labels


def encode(texts: np.ndarray, vocab_size: int, max_tokens: int) -> np.ndarray:
    """Token ids (N x max_tokens, 0 = padding) by hashing words into buckets; crc32, not
    hash(), because Python salts hash() per process."""
    ids = np.zeros((len(texts), max_tokens), dtype=np.int64)
    for row, text in enumerate(texts):
        tokens = text.lower().split()[:max_tokens]
        ids[row, : len(tokens)] = [1 + zlib.crc32(t.encode()) % (vocab_size - 1) for t in tokens]
    return ids
{%- endif %}


def prepare(config: Config) -> dict[str, int]:
    """Write the train/test split; returns the row counts."""
    from sklearn.model_selection import train_test_split

{%- if cookiecutter.modality == "tabular" %}
    features, target, columns = load_raw(config)
{%- else %}
    features, target = load_raw(config)
{%- endif %}
    rows = min(config["data"]["rows"], len(target))
    rng = np.random.default_rng(config["seed"])
    keep = np.sort(rng.permutation(len(target))[:rows])
    features, target = features[keep], target[keep]
    x_train, x_test, y_train, y_test = train_test_split(
        features,
        target,
        test_size=config["data"]["test_size"],
        random_state=config["seed"],
        stratify=None if TASK == "regression" else target,
    )
    out = config.path("data", "processed")
    out.mkdir(parents=True, exist_ok=True)
    # A raw batch (the test rows, as files) for `predict`, `monitor` and `serve` to try.
    from .batch import write_batch

    write_batch(config.path("data", "sample"), x_test{{ ", columns" if cookiecutter.modality == "tabular" else "" }})
    # Fitted on the training rows only, so nothing leaks from the test rows.
    state = fit_preprocessing(x_train{{ ", columns" if cookiecutter.modality == "tabular" else "" }})
    (out / "features.json").write_text(json.dumps(state, indent=1) + "\n")
    x_train, x_test = preprocess(state, x_train), preprocess(state, x_test)
    np.savez(out / "train.npz", x=x_train, y=y_train)
    np.savez(out / "test.npz", x=x_test, y=y_test)
    return {"train": len(y_train), "test": len(y_test)}


{%- if cookiecutter.modality == "tabular" %}
def fit_preprocessing(x: np.ndarray, columns: list[str]) -> dict[str, Any]:
    """The columns, their scaling, and the ranges the data tests hold new rows to."""
    return {
        "columns": columns,
        "mean": x.mean(axis=0).tolist(),
        "std": (x.std(axis=0) + 1e-8).tolist(),
        "min": x.min(axis=0).tolist(),
        "max": x.max(axis=0).tolist(),
    }


def preprocess(state: dict[str, Any], x: np.ndarray) -> np.ndarray:
    """Raw rows (in `state["columns"]` order) to the standardised rows the model sees."""
    x = np.asarray(x, dtype=np.float32)
    return ((x - np.float32(state["mean"])) / np.float32(state["std"])).astype(np.float32)
{%- elif cookiecutter.modality == "image" %}
def fit_preprocessing(x: np.ndarray) -> dict[str, Any]:
    """The image shape (channels, height, width) new images are resized to."""
    return {"shape": list(x.shape[1:])}


def preprocess(state: dict[str, Any], x: np.ndarray) -> np.ndarray:
    """Images already in [0, 1] at the training shape: only the dtype to fix."""
    return np.asarray(x, dtype=np.float32).reshape(-1, *state["shape"])
{%- else %}
def fit_preprocessing(x: np.ndarray) -> dict[str, Any]:
    """The words of the training documents, which the data tests compare new text with."""
    words = sorted({word for text in x for word in str(text).lower().split()})
    return {"words": words}


def preprocess(state: dict[str, Any], x: np.ndarray) -> np.ndarray:
    """Documents stay text: the model's featurizer tokenises them."""
    return np.asarray([str(text) for text in x])
{%- endif %}


def load_preprocessing(config: Config) -> dict[str, Any]:
    """What `prepare` fitted on the training rows."""
    path = config.path("data", "processed", "features.json")
    if not path.exists():
        raise SystemExit(f"{path} is missing: run the prepare step (`make prepare`) first")
    return json.loads(path.read_text(encoding="utf-8"))


def load_split(config: Config, name: str) -> tuple[np.ndarray, np.ndarray]:
    """One split written by `prepare` ("train" or "test")."""
    path: Path = config.path("data", "processed", f"{name}.npz")
    if not path.exists():
        raise SystemExit(f"{path} is missing: run the prepare step (`make prepare`) first")
    with np.load(path, allow_pickle=False) as arrays:
        return arrays["x"], arrays["y"]


def num_outputs(y: np.ndarray) -> int:
    """Output units: one for regression, one per class otherwise."""
    return 1 if TASK == "regression" else int(y.max()) + 1
