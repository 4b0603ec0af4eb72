{% if cookiecutter._data -%}
"""The data: the {{ {"table": "table", "text": "text table", "image_folder": "folder of images"}[cookiecutter._data.kind] }} that `advisor check` measured (params.yaml's `data`),
split once by `prepare` into data/processed/{train,test}.npz, with the preprocessing fitted
on the training rows in data/processed/features.json. `prepare` refuses the data when its
content hash is no longer the one the check recorded.

Everything downstream reads the .npz files, and `preprocess` is the one path from raw
inputs to what the model sees (train, predict, serve).
"""
{% else -%}
"""The data: a small demo set that ships with scikit-learn or is generated here (no
download), split once by `prepare` into data/processed/{train,test}.npz, with the
preprocessing fitted on the training rows in data/processed/features.json.

Replace `load_raw` with your own loading; everything downstream reads the .npz files, and
`preprocess` is the one path from raw inputs to what the model sees (train, predict, serve).
"""
{% endif %}
from __future__ import annotations

{% if cookiecutter._data %}import hashlib
{% endif %}import json
{%- if cookiecutter.modality == "tabular" and not cookiecutter._data %}
import re
{%- endif %}
{%- if cookiecutter.modality == "text" %}
import zlib
{%- endif %}
from pathlib import Path
from typing import Any

import numpy as np

from .config import TASK, Config
{%- if cookiecutter._data %}

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"}
_BLOCK = 1 << 20  # bytes hashed at a time: a large file is never read whole


def source_path(config: Config) -> Path:
    """The data params.yaml names: in data/raw/, or where it lies (an absolute path)."""
    return config.path(config["data"]["path"])


def image_files(folder: Path) -> list[Path]:
    """The images of a folder in class sub-folders, sorted by their relative path."""
    found = [
        path
        for path in folder.rglob("*")
        if path.suffix.lower() in IMAGE_SUFFIXES
        and len(path.relative_to(folder).parts) >= 2
        and not path.relative_to(folder).parts[0].startswith(".")
        and path.is_file()
    ]
    return sorted(found, key=lambda path: path.relative_to(folder).as_posix())


def _file_hash(path: Path) -> Any:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest


def content_hash(path: Path) -> str:
    """SHA-256 of a file's bytes; for a folder, of each image's relative path and SHA-256 in
    sorted order. The same hash `advisor check` wrote into its report (source.sha256)."""
    if path.is_file():
        return _file_hash(path).hexdigest()
    digest = hashlib.sha256()
    for image in image_files(path):
        digest.update(image.relative_to(path).as_posix().encode("utf-8") + b"\0")
        digest.update(_file_hash(image).digest())
    return digest.hexdigest()


def check_source(config: Config) -> tuple[Path, str]:
    """The data's path and content hash; exits with one line when it is missing or is not
    the data the check measured."""
    path, expected = source_path(config), config["data"]["sha256"]
    if not path.exists():
        raise SystemExit(
            f"Error: {path} (params.yaml data.path) is missing: put the checked data back there, "
            "or point data.path at it"
        )
    digest = content_hash(path)
    if digest != expected:
        raise SystemExit(
            f"Error: {path} has changed since it was checked (sha256 {digest[:12]}..., expected "
            f"{expected[:12]}...): restore it, or run `advisor check` on the new data and "
            "scaffold the project again from that report"
        )
    return path, digest
{%- if cookiecutter._data.kind != "image_folder" %}


def read_frame(config: Config, path: Path) -> tuple[Any, int]:
    """The table as `advisor check` read it: the dropped columns out, sorted by the time
    column when the check kept time order, rows without a target value out; and the rows
    the file holds."""
    import pandas as pd

    data = config["data"]
    if path.suffix.lower() in (".parquet", ".pq"):
        frame = pd.read_parquet(path)
    else:
        sep = "\t" if ".tsv" in path.suffixes else ","
        try:
            frame = pd.read_csv(path, sep=sep, low_memory=False)
        except UnicodeDecodeError:
            # The check reads a CSV that is not UTF-8 as Windows-1252, and so does this.
            frame = pd.read_csv(path, sep=sep, low_memory=False, encoding="cp1252")
    frame.columns = [str(column) for column in frame.columns]
    rows_total = len(frame)
    target = data["target"]
    if target not in frame.columns:
        raise SystemExit(f"Error: {path} has no column {target!r} (params.yaml data.target)")
    frame = frame.drop(columns=[c for c in data.get("drop") or [] if c in frame.columns])
    if data.get("time_column"):
        order = pd.to_datetime(frame[data["time_column"]], errors="coerce", utc=True)
        frame = frame.iloc[np.argsort(order.to_numpy(), kind="stable")]
    frame = frame[frame[target].notna()].reset_index(drop=True)
    return frame, rows_total


def encode_target(values: Any) -> tuple[np.ndarray, list[str]]:
    """Class indices (classes sorted as the check sorts them) or numbers for regression."""
    if TASK == "regression":
        return np.asarray(values, dtype=np.float64), []
    classes = sorted(set(values.tolist()), key=str)
    index = {value: position for position, value in enumerate(classes)}
    return np.asarray([index[value] for value in values], dtype=np.int64), [str(c) for c in classes]
{%- endif %}
{%- endif %}

{%- if cookiecutter._data and cookiecutter.modality == "tabular" %}


def load_raw(config: Config) -> tuple[np.ndarray, np.ndarray, list[str], list[str], int]:
    """Raw rows (object array: numbers, strings, NaN for missing), the target, the column
    names, the class names and the rows the file holds."""
    frame, rows_total = read_frame(config, source_path(config))
    target = frame.pop(config["data"]["target"])
    # A column without any value tells the model nothing; the check drops it too.
    frame = frame.drop(columns=[c for c in frame.columns if frame[c].isna().all()])
    y, classes = encode_target(target)
    return frame.to_numpy(dtype=object), y, list(frame.columns), classes, rows_total
{%- elif cookiecutter._data and cookiecutter.modality == "text" %}


def load_raw(config: Config) -> tuple[np.ndarray, np.ndarray, list[str], list[str], int]:
    """Documents (unicode array; a missing one is empty), labels, no column names, the
    class names and the rows the file holds."""
    frame, rows_total = read_frame(config, source_path(config))
    texts = frame[config["data"]["text_column"]].fillna("").astype(str).to_numpy()
    y, classes = encode_target(frame[config["data"]["target"]])
    return np.asarray(texts, dtype=str), y, [], classes, rows_total
{%- elif cookiecutter._data %}


def load_raw(config: Config) -> tuple[np.ndarray, np.ndarray, list[str], list[str], int]:
    """Images (N x C x H x W, float32 in [0, 1]) labelled by their class sub-folder, no
    column names, the class names and the images the folder holds. Grey images stay one
    channel, colour ones three; data.image_size resizes every image to a square."""
    from PIL import Image

    folder, size = source_path(config), config["data"].get("image_size")
    files = image_files(folder)
    classes = sorted({file.relative_to(folder).parts[0] for file in files})
    images, labels = [], []
    for file in files:
        with Image.open(file) as image:
            mode = "L" if image.mode in ("1", "L", "I", "I;16", "F") else "RGB"
            image = image.convert(mode)
            if size:
                image = image.resize((size, size), Image.Resampling.BICUBIC)
            pixels = np.asarray(image, dtype=np.float32) / 255.0
        pixels = pixels[None] if pixels.ndim == 2 else pixels.transpose(2, 0, 1)
        if images and pixels.shape != images[0].shape:
            raise SystemExit(
                f"Error: images in {folder} differ in size or colour ({file.name} is "
                f"{pixels.shape}, the first {images[0].shape}): set data.image_size in params.yaml"
            )
        images.append(pixels)
        labels.append(classes.index(file.relative_to(folder).parts[0]))
    if TASK == "regression":
        raise SystemExit("Error: a folder of images in class sub-folders has classes, not numbers")
    return np.stack(images), np.asarray(labels, dtype=np.int64), [], classes, len(files)
{%- endif %}

{%- if cookiecutter.modality == "tabular" and not cookiecutter._data %}


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
{%- elif cookiecutter.modality == "image" and not cookiecutter._data %}


def load_raw(config: Config) -> tuple[np.ndarray, np.ndarray]:
    """Images (N x 1 x H x W, float32 in [0, 1]) and labels: scikit-learn's 8x8 digits."""
    from sklearn import datasets

    bunch = datasets.load_digits(n_class={{ 2 if cookiecutter.task == "binary" else 10 }})
    images = (bunch.images / 16.0).astype(np.float32)[:, None, :, :]
    return images, bunch.target
{%- endif %}
{%- if cookiecutter.modality == "text" and not cookiecutter._data %}

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
{%- endif %}
{%- if cookiecutter.modality == "text" %}


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

{%- if cookiecutter._data %}
    path, digest = check_source(config)
    features, target, columns, classes, rows_total = load_raw(config)
{%- elif cookiecutter.modality == "tabular" %}
    features, target, columns = load_raw(config)
{%- else %}
    features, target = load_raw(config)
{%- endif %}
    rows = min(config["data"]["rows"] or len(target), len(target))
    rng = np.random.default_rng(config["seed"])
    keep = np.sort(rng.permutation(len(target))[:rows])
    features, target = features[keep], target[keep]
{%- if cookiecutter._data %}
    # Rows in time order keep the later ones for testing, as the check did.
    ordered = bool(config["data"].get("time_ordered"))
{%- endif %}
    x_train, x_test, y_train, y_test = train_test_split(
        features,
        target,
        test_size=config["data"]["test_size"],
        random_state=config["seed"],
{%- if cookiecutter._data %}
        shuffle=not ordered,
        stratify=None if TASK == "regression" or ordered else target,
{%- else %}
        stratify=None if TASK == "regression" else target,
{%- endif %}
    )
    out = config.path("data", "processed")
    out.mkdir(parents=True, exist_ok=True)
{%- if cookiecutter._data %}
    # What this project trained on, beside the splits: the same rows and content hash as
    # the check's report (params.yaml data.rows_total, data.sha256).
    source = {
        "path": str(path),
        "sha256": digest,
        "rows_total": rows_total,
        "rows": len(target),
        "train": len(y_train),
        "test": len(y_test),
        "classes": classes,
    }
    (out / "source.json").write_text(json.dumps(source, indent=1) + "\n")
    if rows_total != config["data"]["rows_total"]:
        print(
            f"warning: read {rows_total} rows from {path}, the check read "
            f"{config['data']['rows_total']}: this project's reading differs from the check's"
        )
{%- endif %}
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


{%- if cookiecutter.modality == "tabular" and cookiecutter._data %}
# Categories kept per column, the rest sharing one "other" column: as the check's one-hot
# encoder (max_categories=20) does. Hand-written rather than a fitted scikit-learn
# transformer so that the state is plain JSON that predict, serve and monitor read back
# without unpickling anything.
MAX_CATEGORIES = 20


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _missing(values: Any) -> np.ndarray:
    import pandas as pd

    return pd.isna(pd.Series(list(values), dtype=object)).to_numpy()


def _days(values: np.ndarray, origin: str) -> np.ndarray:
    """Dates as days since `origin` (NaN where a value is missing or not a date)."""
    import pandas as pd

    dates = pd.to_datetime(pd.Series(list(values), dtype=object), errors="coerce", utc=True,
                           format="mixed")  # fmt: skip
    return ((dates - pd.Timestamp(origin, tz="UTC")) / pd.Timedelta(days=1)).to_numpy(
        dtype=np.float64
    )


def _is_dates(present: np.ndarray) -> bool:
    return bool(len(present)) and not np.isnan(_days(present, "1970-01-01")).any()


def _number_stats(numbers: np.ndarray) -> dict[str, float]:
    """The median that fills a missing value, and the scaling of the filled numbers."""
    present = numbers[~np.isnan(numbers)]
    median = float(np.median(present)) if len(present) else 0.0
    filled = np.where(np.isnan(numbers), median, numbers)
    return {"median": median, "mean": float(filled.mean()), "std": float(filled.std()) + 1e-8}


def fit_preprocessing(x: np.ndarray, columns: list[str]) -> dict[str, Any]:
    """From the training rows only: which columns are numbers (every value that is there
    reads as one), dates (every value reads as one: days since the earliest) and
    categories; for numbers and dates the median that fills a missing value and the
    scaling; for categories the most frequent ones (a missing value is "missing")."""
    numeric, dates, categories, features = {}, {}, {}, []
    for index, name in enumerate(columns):
        values = x[:, index]
        present = values[~_missing(values)]
        if not all(_is_number(value) for value in present) and _is_dates(present):
            earliest = _days(present, "1970-01-01").min()
            origin = str(np.datetime64("1970-01-01") + np.timedelta64(int(earliest), "D"))
            dates[name] = {"origin": origin, **_number_stats(_days(values, origin))}
            features.append(name)
        elif all(_is_number(value) for value in present):
            numeric[name] = _number_stats(
                np.where(_missing(values), np.nan, values).astype(np.float64)
            )
            features.append(name)
        else:
            labels = _categories(values)
            kept, counts = np.unique(labels, return_counts=True)
            order = np.argsort(-counts, kind="stable")[: MAX_CATEGORIES - 1]
            categories[name] = sorted(kept[order].tolist())
            features += [f"{name}={level}" for level in categories[name]] + [f"{name}=(other)"]
    # features: the names of the columns `preprocess` makes, which monitor watches.
    return {
        "columns": columns,
        "numeric": numeric,
        "dates": dates,
        "categories": categories,
        "features": features,
    }


def _categories(values: np.ndarray) -> np.ndarray:
    return np.where(_missing(values), "missing", values.astype(str)).astype(str)


def preprocess(state: dict[str, Any], x: np.ndarray) -> np.ndarray:
    """Raw rows (in `state["columns"]` order) to what the model sees: numbers with the
    missing ones filled and scaled, then each category column one-hot, with one column for
    every other value (rarer in training, or never seen)."""
    x = np.asarray(x, dtype=object).reshape(-1, len(state["columns"]))
    parts = []
    for index, name in enumerate(state["columns"]):
        values = x[:, index]
        if name in state["numeric"]:
            stats = state["numeric"][name]
            numbers = np.array(
                [float(v) if _is_number(v) else np.nan for v in values], dtype=np.float64
            )
            numbers = np.where(np.isnan(numbers), stats["median"], numbers)
            parts.append(((numbers - stats["mean"]) / stats["std"])[:, None])
        elif name in state["dates"]:
            stats = state["dates"][name]
            days = _days(values, stats["origin"])
            days = np.where(np.isnan(days), stats["median"], days)
            parts.append(((days - stats["mean"]) / stats["std"])[:, None])
        else:
            levels = np.asarray(state["categories"][name], dtype=str)
            one_hot = _categories(values)[:, None] == levels[None, :]
            parts += [one_hot, ~one_hot.any(axis=1, keepdims=True)]
    return np.hstack(parts).astype(np.float32)
{%- elif cookiecutter.modality == "tabular" %}
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
