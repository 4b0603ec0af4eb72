"""Reading a table's cells: CSV/TSV (plain or gzip-compressed) and Parquet, in the text
encoding and with the separator the file uses, sampled uniformly when it is big."""

from __future__ import annotations

import csv
import gzip
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from advisor.data.decimals import number_format
from advisor.errors import DataError

TABLE_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
SNIFF_BYTES = 64 * 1024  # bytes read to detect binary data and the column separator
CHUNK_ROWS = 200_000  # rows read at a time from a big CSV, to bound memory while sampling
# The text encodings a CSV is read in, in this order, with the names people know them by.
# UTF-8 comes first: Windows-1252 decodes almost any bytes, so it would misread UTF-8 text.
# Windows-1252 agrees with Latin-1 on every printable character and adds €, „ and the like
# where Latin-1 has only control codes, so it reads Latin-1 files as meant. The five bytes it
# rejects are control codes in Latin-1 too: a file holding them is no text in any of the three.
ENCODINGS = {"utf-8": "UTF-8", "cp1252": "Windows-1252 (Latin-1)"}


def read_table(path: Path, max_rows: int | None, seed: int) -> tuple[pd.DataFrame, int, list[str]]:
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
    sample = _complete_lines(head)
    sep = "\t" if _table_suffix(path) == ".tsv" else _sniff_separator(sample)
    numbers = number_format(sample, sep)
    options = {"sep": sep, "decimal": numbers.decimal, "thousands": numbers.thousands}
    for encoding, name in ENCODINGS.items():
        try:
            frame, total = _read_csv(path, options, encoding, max_rows, seed)
        except UnicodeDecodeError as exc:
            failed = exc
            continue
        notes = [] if encoding == "utf-8" else [f"Encoding: {name}, as the file is not UTF-8."]
        return frame, total, notes + list(numbers.notes)
    byte = bytes(failed.object[failed.start : failed.start + 1]).hex().upper()
    raise DataError(
        f"Could not read {path} as UTF-8, Windows-1252 or Latin-1 text: byte 0x{byte} is a "
        "character in none of them. Save the file as UTF-8 and run again."
    )


def _read_csv(
    path: Path, options: dict[str, Any], encoding: str, max_rows: int | None, seed: int
) -> tuple[pd.DataFrame, int]:
    # pandas decompresses a .gz itself (compression inferred from the suffix), chunks too.
    if max_rows is None:
        frame = pd.read_csv(path, encoding=encoding, **options)
        return frame, len(frame)
    chunks = pd.read_csv(path, encoding=encoding, chunksize=CHUNK_ROWS, **options)
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


def _complete_lines(head: bytes) -> str:
    """The first bytes of a CSV as text, without the last line, which may be cut off."""
    lines = head.decode("utf-8", errors="ignore").splitlines()
    return "\n".join(lines[:-1] if len(lines) > 1 else lines)


def _sniff_separator(sample: str) -> str:
    # The standard library's sniffer on the first lines, so pandas can use its fast C
    # parser; pandas' own sniffing (sep=None) needs the python engine, several times slower.
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _gzipped(path: Path) -> bool:
    return path.suffix.lower() == ".gz"


def _table_suffix(path: Path) -> str:
    """The suffix that says the table's format: ``.csv`` for ``data.csv`` and ``data.csv.gz``."""
    return Path(path.stem).suffix.lower() if _gzipped(path) else path.suffix.lower()


def _csv_words(path: Path) -> str:
    return "gzip-compressed CSV" if _gzipped(path) else "CSV"
