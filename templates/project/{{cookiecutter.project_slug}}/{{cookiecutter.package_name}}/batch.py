{%- set modality = cookiecutter.modality -%}
"""Raw inputs as files: what `predict` and `monitor` read, and `prepare` writes a sample of.

{{ {"tabular": "A CSV file with a header of the training columns (any order; no others).", "image": "A folder of images (PNG, JPEG), or one image: grey levels, resized to the training shape.", "text": "A text file, one document a line."}.get(modality, "") }}
Serve's request log (JSON lines) is read too, so `monitor` can watch what was served.
"""

from __future__ import annotations
{% if modality == "tabular" %}
import csv
{%- elif modality == "image" %}
import io
{%- endif %}
import json
from pathlib import Path
from typing import Any

import numpy as np


class BatchError(ValueError):
    """Raised when an input file is not what the model was trained on; the message says
    what is wrong and what was expected."""
{%- if modality == "tabular" %}


def check_columns(state: dict[str, Any], given: list[str]) -> None:
    expected = state["columns"]
    missing = [name for name in expected if name not in given]
    unknown = [name for name in given if name not in expected]
    if missing or unknown:
        parts = [f"missing {', '.join(missing)}"] if missing else []
        parts += [f"unknown {', '.join(unknown)}"] if unknown else []
        raise BatchError(
            f"the columns do not match the training columns ({'; '.join(parts)}): "
            f"expected {', '.join(expected)}"
        )


{%- if cookiecutter._data %}
def rows_to_array(state: dict[str, Any], rows: list[dict[str, Any]]) -> np.ndarray:
    """Records (column -> value) to raw rows in the training column order: numbers for the
    number columns, any value for the category columns, empty (or null) for missing."""
    columns = state["columns"]
    out = np.empty((len(rows), len(columns)), dtype=object)
    for index, row in enumerate(rows):
        check_columns(state, list(row))
        for column, name in enumerate(columns):
            value = row[name]
            if value is None or value == "":
                value = np.nan
            elif name in state["numeric"]:
                try:
                    value = float(value)
                except (TypeError, ValueError):
                    raise BatchError(
                        f"row {index + 1}, column {name}: {value!r} is not a number"
                    ) from None
            out[index, column] = value
    return out


def write_batch(folder: Path, x: np.ndarray, columns: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "batch.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(
            ["" if isinstance(value, float) and value != value else value for value in row]
            for row in x
        )
    return path
{%- else %}
def rows_to_array(state: dict[str, Any], rows: list[dict[str, Any]]) -> np.ndarray:
    """Records (column -> value) to raw rows in the training column order."""
    columns = state["columns"]
    out = np.empty((len(rows), len(columns)), dtype=np.float32)
    for index, row in enumerate(rows):
        check_columns(state, list(row))
        for column, name in enumerate(columns):
            try:
                out[index, column] = float(row[name])
            except (TypeError, ValueError):
                raise BatchError(
                    f"row {index + 1}, column {name}: {row[name]!r} is not a number"
                ) from None
    return out


def write_batch(folder: Path, x: np.ndarray, columns: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "batch.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows([f"{value:.6g}" for value in row] for row in x)
    return path
{%- endif %}


def read_file(state: dict[str, Any], path: Path) -> tuple[np.ndarray, list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        raise BatchError(f"{path} has no rows: expected the training columns' header, then rows")
    return rows_to_array(state, rows), [str(i) for i in range(len(rows))]
{%- elif modality == "image" %}


def decode_image(state: dict[str, Any], data: bytes) -> np.ndarray:
    """One image file's bytes to the training shape, grey levels in [0, 1]."""
    from PIL import Image, UnidentifiedImageError

    channels, height, width = state["shape"]
    try:
        with Image.open(io.BytesIO(data)) as image:
            grey = image.convert("L").resize((width, height))
    except (UnidentifiedImageError, OSError):
        raise BatchError("the upload is not an image: send a PNG or JPEG file") from None
    pixels = np.asarray(grey, dtype=np.float32) / 255.0
    return np.repeat(pixels[None], channels, axis=0)


def write_batch(folder: Path, x: np.ndarray) -> Path:
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    for index, image in enumerate(x):
        pixels = np.clip(image[0] * 255.0, 0, 255).round().astype(np.uint8)
        Image.fromarray(pixels, mode="L").save(folder / f"{index:04d}.png")
    return folder


def read_file(state: dict[str, Any], path: Path) -> tuple[np.ndarray, list[str]]:
    files = [path] if path.is_file() else sorted(
        p for p in path.iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".bmp")
    )
    if not files:
        raise BatchError(f"{path} holds no images: expected PNG or JPEG files")
    images = []
    for file in files:
        try:
            images.append(decode_image(state, file.read_bytes()))
        except BatchError:
            raise BatchError(f"{file} is not an image: expected PNG or JPEG files") from None
    return np.stack(images), [file.name for file in files]
{%- else %}


def write_batch(folder: Path, x: np.ndarray) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "batch.txt"
    path.write_text("".join(f"{' '.join(str(text).split())}\n" for text in x), encoding="utf-8")
    return path


def read_file(state: dict[str, Any], path: Path) -> tuple[np.ndarray, list[str]]:
    texts = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    texts = [text for text in texts if text]
    if not texts:
        raise BatchError(f"{path} has no text: expected one document a line")
    return np.asarray(texts), [str(i) for i in range(len(texts))]
{%- endif %}


def read_log(state: dict[str, Any], path: Path) -> tuple[np.ndarray, list[str]]:
    """The inputs of every request serve logged (one JSON object a line)."""
    inputs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            inputs.extend(json.loads(line)["inputs"])
    if not inputs:
        raise BatchError(f"{path} logged no requests yet: serve with --log, then send some")
{%- if modality == "tabular" %}
    return rows_to_array(state, inputs), [str(i) for i in range(len(inputs))]
{%- elif modality == "image" %}
    return np.asarray(inputs, dtype=np.float32).reshape(-1, *state["shape"]), [
        str(i) for i in range(len(inputs))
    ]
{%- else %}
    return np.asarray(inputs), [str(i) for i in range(len(inputs))]
{%- endif %}


def read_batch(state: dict[str, Any], path: str | Path) -> tuple[np.ndarray, list[str]]:
    """Raw inputs from a file, a folder or serve's log, and a name for each."""
    path = Path(path)
    if not path.exists():
        raise BatchError(f"{path} does not exist: give a {{ {'tabular': 'CSV file', 'image': 'folder of images', 'text': 'text file'}.get(modality, "") }} or serve's request log")
    if path.suffix == ".jsonl":
        return read_log(state, path)
    return read_file(state, path)
