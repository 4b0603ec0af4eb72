"""The datasets of the verdict benchmark, each built so that its winner is known.

Every function takes a seed and returns an :class:`advisor.data.Dataset`. The reasons a
family should win are the published ones: trees on irregular (step) functions and among
uninformative columns, networks on smooth functions of rotated (oblique) inputs
(Grinsztajn et al. 2022); linear models on linear targets with few rows; edge-orientation
features (HOG) on small centred images with few examples, a CNN on translated shapes among
clutter with more examples; a linear model on text whose label is a sum of word cues, a
network on a label that is an interaction (XOR) of word cues, which no linear model of
the words can fit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from advisor.data.dataset import Dataset, make_dataset

# --- tables --------------------------------------------------------------------------------


def _frame(X: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(X.astype(np.float32), columns=[f"x{i}" for i in range(X.shape[1])])


def _directions(rng: np.random.Generator, count: int, dims: int) -> np.ndarray:
    w = rng.normal(size=(count, dims))
    return w / np.linalg.norm(w, axis=1, keepdims=True)


def oblique_regression(seed: int) -> Dataset:
    """A smooth sum of sines of four oblique projections of 8 Gaussian columns."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(3000, 8))
    projections = X @ _directions(rng, 4, 8).T
    y = np.sin(1.5 * projections).sum(axis=1) + 0.1 * rng.normal(size=len(X))
    return make_dataset(_frame(X), y, "regression", modality="tabular", name="oblique_regression")


def oblique_binary(seed: int) -> Dataset:
    """Inside or outside a ball in an oblique 3-D subspace of 30 Gaussian columns: a
    network learns the three directions, while trees cut along the columns and a kernel
    SVM weighs all 30 alike (in a 2-D plane of 10 columns the kernel matched the network)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(4000, 30))
    subspace = X @ _directions(rng, 3, 30).T
    y = (np.sum(subspace**2, axis=1) < 2.4).astype(int)
    return make_dataset(_frame(X), y, "binary", modality="tabular", name="oblique_binary")


def steps_among_noise(seed: int) -> Dataset:
    """Thresholds on 3 of 30 uniform columns decide the label; 5 % of labels flipped."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(2000, 30))
    y = ((X[:, 0] > 0.3) ^ (X[:, 1] > -0.4)) | (X[:, 2] > 0.8)
    flip = rng.random(len(X)) < 0.05
    y = np.where(flip, ~y, y).astype(int)
    return make_dataset(_frame(X), y, "binary", modality="tabular", name="steps_among_noise")


def linear_few_rows(seed: int) -> Dataset:
    """A linear target of 40 columns over 300 rows, with noise."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(300, 40))
    y = X @ rng.normal(size=40) + 3.0 * rng.normal(size=len(X))
    return make_dataset(_frame(X), y, "regression", modality="tabular", name="linear_few_rows")


def pure_noise(seed: int) -> Dataset:
    """Labels independent of the 10 columns."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(1000, 10))
    y = rng.integers(0, 2, size=len(X))
    return make_dataset(_frame(X), y, "binary", modality="tabular", name="pure_noise")


def noise_regression(seed: int) -> Dataset:
    """A numeric target independent of the 6 columns."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(800, 6))
    y = rng.normal(size=len(X))
    return make_dataset(_frame(X), y, "regression", modality="tabular", name="noise_regression")


# --- images --------------------------------------------------------------------------------

SHAPES = ("circle", "square", "triangle", "cross")


def _draw(shape: str, side: int, centre: tuple[float, float], radius: float) -> np.ndarray:
    """An outline of ``shape`` on a ``side``-pixel square, as a float array in [0, 1]."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(image)
    x, y, r = centre[0], centre[1], radius
    if shape == "circle":
        draw.ellipse([x - r, y - r, x + r, y + r], outline=255, width=2)
    elif shape == "square":
        draw.rectangle([x - r, y - r, x + r, y + r], outline=255, width=2)
    elif shape == "triangle":
        draw.polygon([(x, y - r), (x - r, y + r), (x + r, y + r)], outline=255, width=2)
    else:
        draw.line([x - r, y, x + r, y], fill=255, width=2)
        draw.line([x, y - r, x, y + r], fill=255, width=2)
    return np.asarray(image, dtype=np.float32) / 255.0


def centred_shapes(seed: int) -> Dataset:
    """200 small (20 px) centred outlines of four shapes, light on dark or dark on light,
    under uneven lighting and noise: edge orientations decide the class."""
    rng = np.random.default_rng(seed)
    side, count = 20, 200
    y = rng.integers(0, len(SHAPES), size=count)
    images = np.empty((count, side, side, 1), dtype=np.float32)
    ramp = np.linspace(-1, 1, side)
    for i, label in enumerate(y):
        centre = tuple(side / 2 + rng.uniform(-2, 2, size=2))
        shape = _draw(SHAPES[label], side, centre, rng.uniform(4.5, 8))
        contrast = rng.uniform(0.3, 1.0) * rng.choice([-1.0, 1.0])
        slope = rng.uniform(-0.6, 0.6, size=2)
        light = 0.5 + slope[0] * ramp[:, None] + slope[1] * ramp[None, :]
        noise = 0.2 * rng.normal(size=(side, side))
        images[i, ..., 0] = light + contrast * shape + noise
    return make_dataset(
        images, y, "multiclass", modality="image", name="centred_shapes", class_names=SHAPES
    )


def cluttered_shapes(seed: int) -> Dataset:
    """3,000 outlines of four shapes anywhere on 32 px images, among random strokes."""
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    side, count = 32, 3000
    y = rng.integers(0, len(SHAPES), size=count)
    images = np.empty((count, side, side, 1), dtype=np.float32)
    for i, label in enumerate(y):
        radius = rng.uniform(4, 7)
        centre = tuple(rng.uniform(radius + 1, side - radius - 1, size=2))
        clutter = Image.new("L", (side, side), 0)
        draw = ImageDraw.Draw(clutter)
        for _ in range(3):
            a, b = rng.uniform(0, side, size=2), rng.uniform(-4, 4, size=2)
            draw.line([*a, *(a + b)], fill=int(rng.uniform(100, 255)), width=1)
        strokes = np.asarray(clutter, dtype=np.float32) / 255.0
        shape = _draw(SHAPES[label], side, centre, radius)
        images[i, ..., 0] = np.maximum(shape, strokes) + 0.1 * rng.normal(size=(side, side))
    return make_dataset(
        images, y, "multiclass", modality="image", name="cluttered_shapes", class_names=SHAPES
    )


# --- text ----------------------------------------------------------------------------------


def _vocabulary(rng: np.random.Generator, size: int) -> np.ndarray:
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    return np.array(
        sorted({"".join(rng.choice(letters, size=rng.integers(3, 9))) for _ in range(size)})
    )


def _documents(rng: np.random.Generator, words: np.ndarray, count: int) -> list[list[str]]:
    """Documents of 15 to 40 words drawn from a Zipf-like distribution over ``words``."""
    weights = 1.0 / np.arange(1, len(words) + 1)
    weights /= weights.sum()
    return [list(rng.choice(words, size=rng.integers(15, 41), p=weights)) for _ in range(count)]


def _text_frame(documents: list[list[str]]) -> pd.DataFrame:
    return pd.DataFrame({"text": [" ".join(d) for d in documents]})


def text_cues(seed: int) -> Dataset:
    """400 documents; the label follows the count of 20 positive against 20 negative cue
    words: a linear function of the words."""
    rng = np.random.default_rng(seed)
    words = _vocabulary(rng, 3000)
    cues = rng.choice(words[200:], size=40, replace=False)
    positive, negative = cues[:20], cues[20:]
    documents = _documents(rng, words, 400)
    labels = []
    for document in documents:
        document += list(rng.choice(cues, size=rng.integers(1, 5)))
        rng.shuffle(document)
        votes = sum(w in positive for w in document) - sum(w in negative for w in document)
        labels.append(int(votes + rng.normal(scale=0.5) > 0))
    return make_dataset(
        _text_frame(documents),
        np.array(labels),
        "binary",
        modality="text",
        name="text_cues",
        text_column="text",
    )


def text_xor(seed: int) -> Dataset:
    """4,000 documents; the label is whether exactly one of two groups of cue words occurs:
    an interaction no linear model of the words can fit."""
    rng = np.random.default_rng(seed)
    words = _vocabulary(rng, 3000)
    cues = rng.choice(words[200:], size=10, replace=False)
    first, second = cues[:5], cues[5:]
    documents = _documents(rng, words, 4000)
    labels = []
    for document in documents:
        has_first, has_second = rng.random(2) < 0.5
        document += list(rng.choice(first, size=2)) if has_first else []
        document += list(rng.choice(second, size=2)) if has_second else []
        rng.shuffle(document)
        labels.append(int(has_first != has_second))
    return make_dataset(
        _text_frame(documents),
        np.array(labels),
        "binary",
        modality="text",
        name="text_xor",
        text_column="text",
    )


def text_noise(seed: int) -> Dataset:
    """600 documents with labels independent of the words."""
    rng = np.random.default_rng(seed)
    documents = _documents(rng, _vocabulary(rng, 2000), 600)
    y = rng.integers(0, 2, size=len(documents))
    return make_dataset(
        _text_frame(documents), y, "binary", modality="text", name="text_noise", text_column="text"
    )


# --- mixed and dated tables (issue 20) ------------------------------------------------------


def mixed_text_numeric(seed: int) -> Dataset:
    """800 rows: thresholds on two numeric columns nearly decide the label; a category and
    a free-text note (one weak cue word) sit beside them."""
    rng = np.random.default_rng(seed)
    rows = 800
    words = _vocabulary(rng, 1500)
    documents = _documents(rng, words, rows)
    frame = pd.DataFrame(
        {
            "amount": rng.uniform(-1, 1, size=rows),
            "age": rng.uniform(-1, 1, size=rows),
            "noise": rng.normal(size=rows),
            "region": rng.choice(["north", "south", "east", "west"], size=rows),
        }
    )
    y = ((frame["amount"] > 0.2) | (frame["age"] < -0.6)).to_numpy()
    cue = words[300]
    for document, label in zip(documents, y, strict=True):
        if label and rng.random() < 0.3:
            document.append(cue)
    flip = rng.random(rows) < 0.05
    y = np.where(flip, ~y, y).astype(int)
    frame["note"] = [" ".join(d) for d in documents]
    return make_dataset(
        frame, y, "binary", modality="text", name="mixed_text_numeric", text_column="note"
    )


def dated_sales(seed: int) -> Dataset:
    """1,500 days in date order: sales by season (month), weekend and a price step, with
    a slow trend."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2019-01-01", periods=1500, freq="D")
    price = rng.uniform(5, 15, size=len(dates))
    month_effect = np.where(dates.month.isin([11, 12]), 30.0, 0.0) - np.where(
        dates.month.isin([6, 7, 8]), 15.0, 0.0
    )
    weekend = np.where(dates.day_of_week >= 5, 20.0, 0.0)
    cheap = np.where(price < 8, 25.0, 0.0)
    trend = 0.01 * np.arange(len(dates))
    y = 100 + month_effect + weekend + cheap + trend + 4.0 * rng.normal(size=len(dates))
    frame = pd.DataFrame(
        {"day": dates, "price": price, "promo": rng.choice(["none", "flyer"], size=len(dates))}
    )
    return make_dataset(frame, y, "regression", modality="tabular", name="dated_sales")
