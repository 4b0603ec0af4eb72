"""Tables: CSV/TSV (plain or gzip-compressed) and Parquet files, sampled when big, with the
target and any free-text column chosen."""

from __future__ import annotations

import csv
import gzip
import zlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from advisor.data.dataset import Dataset, make_dataset
from advisor.errors import DataError
from advisor.terms import suggest

TABLE_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
TARGET_NAMES = ("target", "label", "labels", "y", "class", "outcome")
SNIFF_BYTES = 64 * 1024  # bytes read to detect binary data and the column separator
CHUNK_ROWS = 200_000  # rows read at a time from a big CSV, to bound memory while sampling
# The text encodings a CSV is read in, in this order, with the names people know them by.
# UTF-8 comes first: Windows-1252 decodes almost any bytes, so it would misread UTF-8 text.
# Windows-1252 agrees with Latin-1 on every printable character and adds €, „ and the like
# where Latin-1 has only control codes, so it reads Latin-1 files as meant. The five bytes it
# rejects are control codes in Latin-1 too: a file holding them is no text in any of the three.
ENCODINGS = {"utf-8": "UTF-8", "cp1252": "Windows-1252 (Latin-1)"}


def load_table(
    path: Path,
    *,
    target: str | None,
    text_column: str | None,
    task: str | None,
    max_rows: int | None,
    seed: int,
) -> Dataset:
    """The table at ``path`` (CSV/TSV, ``.gz`` too, or Parquet), its target column apart.

    ``target`` None chooses a column by its name (target, label, ...) or else the last;
    ``text_column`` None detects free text. Rows without a target value are dropped.
    A CSV that is not UTF-8 is read as Windows-1252 (Latin-1). Above ``max_rows`` rows, a
    uniform sample is read. ``notes`` say what was guessed, chosen, dropped or sampled.
    """
    frame, total, notes = _read_table(path, max_rows, seed)
    frame.columns = [str(c) for c in frame.columns]
    if frame.shape[1] < 2:
        raise DataError(
            f"{path} has {frame.shape[1]} column(s): expected at least one feature column and a "
            "target column."
        )
    if len(frame) == 0:
        raise DataError(f"{path} has a header but no data rows: expected at least a few rows.")
    target, chosen = _choose_target(frame, target, path)
    notes += chosen
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
    return make_dataset(
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


def looks_like_text(series: pd.Series) -> bool:
    """Free text: strings of several words, mostly distinct (not a category)."""
    if pd.api.types.is_numeric_dtype(series):
        return False
    values = series.dropna().astype(str)
    if values.empty:
        return False
    words = values.str.split().str.len().mean()
    return bool(words >= 4 and values.nunique() / len(values) > 0.5)


def _read_table(path: Path, max_rows: int | None, seed: int) -> tuple[pd.DataFrame, int, list[str]]:
    """The table (sampled to ``max_rows``), its rows in the file, and notes on how it was read."""
    kind = TABLE_SUFFIXES.get(_table_suffix(path), "csv")
    try:
        if kind == "parquet":
            return (*_read_parquet_sampled(path, max_rows, seed), [])
        return _read_csv_sampled(path, max_rows, seed)
    except DataError:
        raise
    except (
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        ValueError,
        OSError,
        EOFError,  # a gzip file cut short
        zlib.error,  # a gzip file with corrupt data
    ) as exc:
        what = "Parquet" if kind == "parquet" else _csv_words(path)
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(
            f"Could not read {path} as {what} ({reason[:120]}): expected a {what} table with a "
            "header row."
        ) from exc


def _read_csv_sampled(
    path: Path, max_rows: int | None, seed: int
) -> tuple[pd.DataFrame, int, list[str]]:
    # The sniffing reads what pandas will parse: a gzip file's decompressed bytes.
    with gzip.open(path) if _gzipped(path) else path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head:
        raise DataError(f"{path} is empty: expected a table with a header row and data rows.")
    if b"\x00" in head:
        what = _csv_words(path)
        raise DataError(
            f"Could not read {path} as {what} (it holds binary data): expected a {what} table "
            "with a header row."
        )
    sep = "\t" if _table_suffix(path) == ".tsv" else _sniff_separator(head)
    for encoding, name in ENCODINGS.items():
        try:
            frame, total = _read_csv(path, sep, encoding, max_rows, seed)
        except UnicodeDecodeError as exc:
            failed = exc
            continue
        notes = [] if encoding == "utf-8" else [f"Encoding: {name}, as the file is not UTF-8."]
        return frame, total, notes
    byte = bytes(failed.object[failed.start : failed.start + 1]).hex().upper()
    raise DataError(
        f"Could not read {path} as UTF-8, Windows-1252 or Latin-1 text: byte 0x{byte} is a "
        "character in none of them. Save the file as UTF-8 and run again."
    )


def _read_csv(
    path: Path, sep: str, encoding: str, max_rows: int | None, seed: int
) -> tuple[pd.DataFrame, int]:
    # pandas decompresses a .gz itself (compression inferred from the suffix), chunks too.
    if max_rows is None:
        frame = pd.read_csv(path, sep=sep, encoding=encoding)
        return frame, len(frame)
    chunks = pd.read_csv(path, sep=sep, encoding=encoding, chunksize=CHUNK_ROWS)
    kept, total = _sample_chunks(chunks, max_rows, seed)
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


def _gzipped(path: Path) -> bool:
    return path.suffix.lower() == ".gz"


def _table_suffix(path: Path) -> str:
    """The suffix that says the table's format: ``.csv`` for ``data.csv`` and ``data.csv.gz``."""
    return Path(path.stem).suffix.lower() if _gzipped(path) else path.suffix.lower()


def _csv_words(path: Path) -> str:
    return "gzip-compressed CSV" if _gzipped(path) else "CSV"
