"""Reading the user's data: tables (CSV, Parquet), text in a table, ``.npz`` arrays and
folders of images in class sub-folders, plus scikit-learn's bundled examples.

Everything the profile inference and the feasibility check know about data comes through
:func:`load_dataset` or :func:`load_example`, so both read it the same way and fail with the
same messages.
"""

from __future__ import annotations

import csv
import difflib
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from advisor.errors import DataError

EXAMPLES = ("breast_cancer", "digits", "diabetes", "wine", "iris")
TABLE_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"}
TARGET_NAMES = ("target", "label", "labels", "y", "class", "outcome")
MAX_CLASSES = 50  # an integer target with more distinct values than this is a regression
SNIFF_BYTES = 64 * 1024  # bytes read to detect binary data and the column separator
NPZ_BLOCK_BYTES = 64 * 1024 * 1024  # bytes of an .npz's X read at a time while sampling
CHUNK_ROWS = 200_000  # rows read at a time from a big CSV, to bound memory while sampling


@dataclass(frozen=True)
class Dataset:
    """A loaded dataset, features and target apart.

    ``X`` is a DataFrame for tables and text (the text column is one of its columns) and a
    ``N×H×W×C`` array for images. ``y`` is a 1-D array. ``rows_total`` counts rows before
    any sampling; ``notes`` say, in words, what was inferred or sampled.
    """

    X: pd.DataFrame | np.ndarray
    y: np.ndarray
    task: str
    modality: str
    name: str
    target: str | None = None
    text_column: str | None = None
    rows_total: int = 0
    class_names: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def rows(self) -> int:
        return len(self.y)

    @property
    def sampled(self) -> bool:
        return self.rows < self.rows_total


def suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def infer_task(y: pd.Series | np.ndarray) -> str:
    """Binary for two values, multiclass for a few discrete ones, else regression."""
    values = pd.Series(np.asarray(y)).dropna()
    distinct = values.nunique()
    if distinct <= 2:
        return "binary"
    if not pd.api.types.is_numeric_dtype(values):
        return "multiclass"
    integral = bool(np.all(np.mod(values.to_numpy(dtype=float), 1) == 0))
    if integral and distinct <= MAX_CLASSES and distinct <= max(3, len(values) // 5):
        return "multiclass"
    return "regression"


def load_dataset(
    path: str | Path,
    *,
    target: str | None = None,
    text_column: str | None = None,
    task: str | None = None,
    max_rows: int | None = None,
    seed: int = 0,
) -> Dataset:
    """Read a table, an ``.npz`` or an image folder into a :class:`Dataset`.

    ``target`` names the target column of a table (default: a column called target,
    label, y, ... or else the last one). ``text_column`` marks a free-text column
    (default: detected). ``task`` overrides the task inferred from the target.
    ``max_rows`` bounds memory: larger inputs are sampled uniformly at random (images:
    per class), and ``notes`` say so.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(
            f"{path} does not exist: give the path to a CSV/Parquet file, an .npz or an image "
            "folder."
        )
    if path.is_dir():
        return _load_image_folder(path, task=task, max_rows=max_rows, seed=seed)
    if path.stat().st_size == 0:
        raise DataError(f"{path} is empty: expected a table with a header row and data rows.")
    if path.suffix.lower() == ".npz":
        return _load_npz(path, task=task, max_rows=max_rows, seed=seed)
    return _load_table(
        path, target=target, text_column=text_column, task=task, max_rows=max_rows, seed=seed
    )


def load_example(name: str, *, task: str | None = None) -> Dataset:
    """One of scikit-learn's bundled datasets (no download): see :data:`EXAMPLES`."""
    if name not in EXAMPLES:
        raise DataError(
            f"Unknown example '{name}'{suggest(name, EXAMPLES)}. Examples: {', '.join(EXAMPLES)}."
        )
    from sklearn import datasets

    bunch = getattr(datasets, f"load_{name}")()
    if name == "digits":
        X = bunch.images[..., np.newaxis].astype(np.float32)
        y = bunch.target
        return _finish(
            X,
            y,
            task,
            modality="image",
            name=name,
            class_names=[str(c) for c in bunch.target_names],
        )
    frame = pd.DataFrame(bunch.data, columns=[str(c) for c in bunch.feature_names])
    names = [str(c) for c in getattr(bunch, "target_names", [])] if name != "diabetes" else []
    return _finish(
        frame, bunch.target, task, modality="tabular", name=name, target="target", class_names=names
    )


# --- tables -------------------------------------------------------------------------------


def _read_table(path: Path, max_rows: int | None, seed: int) -> tuple[pd.DataFrame, int]:
    kind = TABLE_SUFFIXES.get(path.suffix.lower(), "csv")
    try:
        if kind == "parquet":
            return _read_parquet_sampled(path, max_rows, seed)
        return _read_csv_sampled(path, max_rows, seed)
    except DataError:
        raise
    except (
        UnicodeDecodeError,
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        ValueError,
        OSError,
    ) as exc:
        what = "Parquet" if kind == "parquet" else "CSV"
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(
            f"Could not read {path} as {what} ({reason[:120]}): expected a {what} table with a "
            "header row."
        ) from exc


def _read_csv_sampled(path: Path, max_rows: int | None, seed: int) -> tuple[pd.DataFrame, int]:
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if b"\x00" in head:
        raise DataError(
            f"Could not read {path} as CSV (it holds binary data): expected a CSV table with a "
            "header row."
        )
    sep = "\t" if path.suffix.lower() == ".tsv" else _sniff_separator(head)
    if max_rows is None:
        frame = pd.read_csv(path, sep=sep)
        return frame, len(frame)
    kept, total = _sample_chunks(pd.read_csv(path, sep=sep, chunksize=CHUNK_ROWS), max_rows, seed)
    if kept is None:
        raise DataError(f"{path} has a header but no data rows: expected at least a few rows.")
    return kept, total


def _read_parquet_sampled(path: Path, max_rows: int | None, seed: int) -> tuple[pd.DataFrame, int]:
    import pyarrow.parquet as pq

    file = pq.ParquetFile(path)
    if max_rows is None or file.metadata.num_rows <= max_rows:
        frame = file.read().to_pandas()
        return frame, len(frame)
    batches = (batch.to_pandas() for batch in file.iter_batches(batch_size=CHUNK_ROWS))
    kept, total = _sample_chunks(batches, max_rows, seed)
    assert kept is not None  # num_rows > max_rows >= 0, so there was a batch
    return kept, total


def _sample_chunks(
    chunks: Iterable[pd.DataFrame], max_rows: int, seed: int
) -> tuple[pd.DataFrame | None, int]:
    """A uniform sample of at most ``max_rows`` rows of a stream of chunks, in file order.

    Every row gets a random key and the smallest keys survive, so memory stays at about
    ``max_rows`` plus one chunk however big the file; pandas has no sampled reader.
    """
    rng = np.random.default_rng(seed)
    kept: pd.DataFrame | None = None
    keys = np.empty(0)
    total = 0
    for chunk in chunks:
        chunk.index = pd.RangeIndex(total, total + len(chunk))
        total += len(chunk)
        kept = chunk if kept is None else pd.concat([kept, chunk])
        keys = np.concatenate([keys, rng.random(len(chunk))])
        if len(kept) > max_rows:
            keep = np.argpartition(keys, max_rows)[:max_rows]
            keep.sort()
            kept, keys = kept.iloc[keep], keys[keep]
    return kept, total


def _sniff_separator(head: bytes) -> str:
    # The standard library's sniffer on the first bytes, so pandas can use its fast C
    # parser; pandas' own sniffing (sep=None) needs the python engine, several times slower.
    text = head.decode("utf-8", errors="ignore")
    lines = text.splitlines()
    sample = "\n".join(lines[:-1] if len(lines) > 1 else lines)  # the last may be cut off
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _choose_target(frame: pd.DataFrame, target: str | None, path: Path) -> tuple[str, list[str]]:
    columns = [str(c) for c in frame.columns]
    if target is not None:
        if target not in columns:
            shown = ", ".join(columns[:12]) + (", ..." if len(columns) > 12 else "")
            raise DataError(
                f"Target column '{target}' is not in {path}{suggest(target, columns)}. Columns: "
                f"{shown}."
            )
        return target, []
    for name in TARGET_NAMES:
        for column in columns:
            if column.lower() == name:
                return column, [
                    f"Target: column '{column}' (by its name; use --target to choose another)."
                ]
    return columns[-1], [
        f"Target: the last column, '{columns[-1]}' (use --target to choose another)."
    ]


def looks_like_text(series: pd.Series) -> bool:
    """Free text: strings of several words, mostly distinct (not a category)."""
    if pd.api.types.is_numeric_dtype(series):
        return False
    values = series.dropna().astype(str)
    if values.empty:
        return False
    words = values.str.split().str.len().mean()
    return bool(words >= 4 and values.nunique() / len(values) > 0.5)


def _load_table(path, *, target, text_column, task, max_rows, seed) -> Dataset:
    frame, total = _read_table(path, max_rows, seed)
    frame.columns = [str(c) for c in frame.columns]
    if frame.shape[1] < 2:
        raise DataError(
            f"{path} has {frame.shape[1]} column(s): expected at least one feature column and a "
            "target column."
        )
    if len(frame) == 0:
        raise DataError(f"{path} has a header but no data rows: expected at least a few rows.")
    target, notes = _choose_target(frame, target, path)
    y = frame.pop(target)
    if y.isna().all():
        raise DataError(
            f"Target column '{target}' in {path} has no values: fill it in or choose another with "
            "--target."
        )
    missing = int(y.isna().sum())
    if missing:
        keep = y.notna().to_numpy()
        frame, y = frame.loc[keep], y.loc[keep]
        notes.append(f"Dropped {missing} row(s) with no target value.")
    empty = [c for c in frame.columns if frame[c].isna().all()]
    if empty:
        raise DataError(
            f"Column '{empty[0]}' in {path} has no values at all: drop it or fill it in, then run "
            "again."
        )
    if text_column is not None:
        if text_column not in frame.columns:
            raise DataError(
                f"Text column '{text_column}' is not in "
                f"{path}{suggest(text_column, list(frame.columns))}."
            )
    else:
        detected = [c for c in frame.columns if looks_like_text(frame[c])]
        if detected:
            text_column = max(detected, key=lambda c: frame[c].astype(str).str.len().mean())
            notes.append(
                f"Text: column '{text_column}' holds free text (use --text-column to choose "
                "another)."
            )
    if max_rows is not None and total > len(frame) + missing:
        notes.append(f"Sampled {len(frame):,} of {total:,} rows at random to bound memory.")
    modality = "text" if text_column else "tabular"
    return _finish(
        frame.reset_index(drop=True),
        y.to_numpy(),
        task,
        modality=modality,
        name=path.name,
        target=target,
        text_column=text_column,
        rows_total=total,
        notes=notes,
        source=path,
    )


# --- arrays and images ---------------------------------------------------------------------


def _load_npz(path: Path, *, task, max_rows, seed) -> Dataset:
    try:
        # allow_pickle=False: an .npz from a user is data, never code to unpickle.
        with np.load(path, allow_pickle=False) as archive:
            keys = set(archive.files)
            if not {"X", "y"} <= keys:
                raise DataError(
                    f"{path} holds arrays {sorted(keys)}: expected arrays named 'X' and 'y'."
                )
            y = archive["y"]
            index = None
            if max_rows is not None and len(y) > max_rows:
                rng = np.random.default_rng(seed)
                index = np.sort(rng.choice(len(y), size=max_rows, replace=False))
            X = _npz_rows(path, index, y.shape)
            if X is None:
                X = archive["X"] if index is None else archive["X"][index]
    except DataError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise DataError(
            f"Could not read {path} as .npz ({str(exc)[:100]}): expected numpy.savez output with "
            "'X' and 'y'."
        ) from exc
    if y.ndim != 1 or (index is None and len(X) != len(y)):
        raise DataError(
            f"{path}: X has {len(X)} rows but y has shape {y.shape}: expected one label per row of "
            "X."
        )
    if X.ndim not in (2, 3, 4):
        raise DataError(
            f"{path}: X has shape {X.shape}: expected N×features (table), N×H×W or N×H×W×C "
            "(images)."
        )
    total = len(y)
    notes: list[str] = []
    if index is not None:
        y = y[index]
        notes.append(f"Sampled {max_rows:,} of {total:,} rows at random to bound memory.")
    if X.ndim == 2:
        frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
        return _finish(
            frame,
            y,
            task,
            modality="tabular",
            name=path.name,
            rows_total=total,
            notes=notes,
            source=path,
        )
    if X.ndim == 3:
        X = X[..., np.newaxis]
    return _finish(
        X, y, task, modality="image", name=path.name, rows_total=total, notes=notes, source=path
    )


def _npz_rows(path: Path, index: np.ndarray | None, y_shape: tuple[int, ...]) -> np.ndarray | None:
    """Only the rows ``index`` of ``X`` in an ``.npz``, read block by block.

    ``np.load`` materialises a whole array; reading the ``.npy`` member as a stream keeps
    memory at the sample plus one block. None when there is nothing to gain (no sampling)
    or the layout does not allow it (Fortran order, object arrays): load it whole then.
    """
    if index is None:
        return None
    with zipfile.ZipFile(path) as archive:
        if "X.npy" not in archive.namelist():
            return None
        with archive.open("X.npy") as handle:
            version = np.lib.format.read_magic(handle)
            read_header = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )
            shape, fortran_order, dtype = read_header(handle)
            if fortran_order or dtype.hasobject or not shape:
                return None
            if shape[0] != y_shape[0]:
                raise DataError(
                    f"{path}: X has {shape[0]} rows but y has shape {y_shape}: expected one label "
                    "per row of X."
                )
            row_shape = tuple(shape[1:])
            row_bytes = max(1, int(np.prod(row_shape, dtype=np.int64)) * dtype.itemsize)
            block = max(1, NPZ_BLOCK_BYTES // row_bytes)
            out = np.empty((len(index), *row_shape), dtype=dtype)
            taken = 0
            for start in range(0, shape[0], block):
                count = min(block, shape[0] - start)
                if taken == len(index):
                    break
                chunk = np.frombuffer(handle.read(count * row_bytes), dtype=dtype)
                chunk = chunk.reshape(count, *row_shape)
                stop = np.searchsorted(index, start + count)
                out[taken:stop] = chunk[index[taken:stop] - start]
                taken = stop
            return out


def _load_image_folder(path: Path, *, task, max_rows, seed) -> Dataset:
    from PIL import Image, UnidentifiedImageError

    classes = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
    files = {
        c.name: sorted(f for f in c.rglob("*") if f.suffix.lower() in IMAGE_SUFFIXES)
        for c in classes
    }
    files = {name: found for name, found in files.items() if found}
    if not files:
        raise DataError(
            f"{path} holds no images in class sub-folders: expected {path}/<class>/<image>.png "
            f"(or .jpg, ...), one sub-folder per class."
        )
    total = sum(len(found) for found in files.values())
    notes: list[str] = []
    if max_rows is not None and total > max_rows:
        rng = np.random.default_rng(seed)
        share = max_rows / total
        files = {
            n: sorted(rng.choice(found, size=max(1, round(len(found) * share)), replace=False))
            for n, found in files.items()
        }
        notes.append(
            f"Sampled {sum(map(len, files.values())):,} of {total:,} images (per class) to bound "
            "memory."
        )
    arrays, labels, first = [], [], None
    for label, found in files.items():
        for image_path in found:
            try:
                with Image.open(image_path) as image:
                    image.load()
                    mode = "L" if image.mode in ("1", "L", "I", "I;16", "F") else "RGB"
                    array = np.asarray(image.convert(mode))
            except (UnidentifiedImageError, OSError) as exc:
                raise DataError(
                    f"Could not read {image_path} as an image: remove it or replace it."
                ) from exc
            if first is None:
                first = (image_path, array.shape)
            elif array.shape != first[1]:
                raise DataError(
                    f"Images in {path} differ in size or colour: {first[0].relative_to(path)} is "
                    f"{_shape(first[1])}, {image_path.relative_to(path)} is {_shape(array.shape)}; "
                    f"resize them to one size first."
                )
            arrays.append(array)
            labels.append(label)
    X = np.stack(arrays)
    if X.ndim == 3:
        X = X[..., np.newaxis]
    y = np.asarray(labels)
    return _finish(
        X,
        y,
        task,
        modality="image",
        name=path.name,
        rows_total=total,
        notes=notes,
        class_names=list(files),
        source=path,
    )


def _shape(shape: tuple[int, ...]) -> str:
    size = f"{shape[1]}×{shape[0]}"
    return size if len(shape) == 2 else f"{size}×{shape[2]}"


# --- shared --------------------------------------------------------------------------------


def _finish(
    X,
    y,
    task,
    *,
    modality,
    name,
    target=None,
    text_column=None,
    rows_total=None,
    notes=(),
    class_names=(),
    source: Any = None,
) -> Dataset:
    where = source if source is not None else name
    y = np.asarray(y)
    if len(y) == 0:
        raise DataError(f"{where} has no rows: expected at least a few labelled examples.")
    inferred = infer_task(y)
    if task is None:
        task = inferred
    elif task not in ("binary", "multiclass", "regression"):
        raise DataError(
            f"Unknown task '{task}'{suggest(task, ('binary', 'multiclass', 'regression'))}."
        )
    distinct = pd.Series(y).nunique()
    if task != "regression" and distinct < 2:
        only = pd.Series(y).iloc[0]
        raise DataError(
            f"The target in {where} has a single class ({only}): a classifier needs at least two. "
            f"Check the target column."
        )
    if task == "binary" and distinct > 2:
        raise DataError(
            f"The target in {where} has {distinct} classes: task 'binary' needs exactly two."
        )
    if task == "regression" and not pd.api.types.is_numeric_dtype(pd.Series(y)):
        raise DataError(f"The target in {where} is not numeric: task 'regression' needs numbers.")
    if task == "regression" and distinct < 2:
        raise DataError(f"The target in {where} is constant: there is nothing to predict.")
    if task != "regression" and not class_names:
        class_names = [str(c) for c in sorted(pd.unique(y), key=str)]
    return Dataset(
        X=X,
        y=y,
        task=task,
        modality=modality,
        name=name,
        target=target,
        text_column=text_column,
        rows_total=rows_total if rows_total is not None else len(y),
        class_names=tuple(class_names) if task != "regression" else (),
        notes=tuple(notes),
    )
