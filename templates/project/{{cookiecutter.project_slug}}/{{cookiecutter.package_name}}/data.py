"""The data: a small demo set that ships with scikit-learn or is generated here (no
download), split once by `prepare` into data/processed/{train,test}.npz.

Replace `load_raw` with your own loading; everything downstream reads the .npz files.
"""

from __future__ import annotations
{% if cookiecutter.modality == "text" %}
import zlib
{%- endif %}
from pathlib import Path

import numpy as np

from .config import TASK, Config

{%- if cookiecutter.modality == "tabular" %}


def load_raw(config: Config) -> tuple[np.ndarray, np.ndarray]:
    """Features (rows x columns, float32) and target."""
    from sklearn import datasets
{% if cookiecutter.task == "regression" %}
    bunch = datasets.load_diabetes()
{%- elif cookiecutter.task == "binary" %}
    bunch = datasets.load_breast_cancer()
{%- else %}
    bunch = datasets.load_wine()
{%- endif %}
    return bunch.data.astype(np.float32), bunch.target
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

    features, target = load_raw(config)
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
{%- if cookiecutter.modality == "tabular" %}
    # Scale with the training rows' statistics only, so nothing leaks from the test rows.
    mean, std = x_train.mean(axis=0), x_train.std(axis=0) + 1e-8
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
{%- endif %}
    out = config.path("data", "processed")
    out.mkdir(parents=True, exist_ok=True)
    np.savez(out / "train.npz", x=x_train, y=y_train)
    np.savez(out / "test.npz", x=x_test, y=y_test)
    return {"train": len(y_train), "test": len(y_test)}


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
