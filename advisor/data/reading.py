"""Reading a table's cells: CSV/TSV (plain or gzip-compressed) and Parquet, in the text
encoding and with the separator the file uses, sampled uniformly when it is big.

A big file is streamed in batches through pyarrow datasets and only a uniform sample is
kept, so memory stays bounded however big the file. Every path keeps the same rows for a
seed: each data row draws one key from the seed's random stream, in file order, and the
rows with the smallest keys are kept.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
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
# A CSV bigger than this on disk is sampled by streaming it through pyarrow datasets rather
# than pandas' chunks: pandas infers each chunk's types on its own (a column can be numbers
# in one chunk and text in the next), while the stream keeps raw cells and pandas parses the
# kept rows in one go, as it parses a small file. A gzip file's size on disk understates its
# rows, so it streams from a tenth.
STREAM_BYTES = 64 * 1024 * 1024
GZIP_SHARE = 10
# Bytes pyarrow parses at a time. Its CSV reader holds a few dozen blocks ahead of the
# sampling, so the block size, not the file's, sets the memory a stream takes.
BLOCK_BYTES = 1024 * 1024
READAHEAD = 1  # batches the scanner readies ahead of the sampling
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
    streamed = _stream_csv(path, sep, max_rows, seed) if _streams(path, max_rows) else None
    for encoding, name in ENCODINGS.items():
        try:
            if streamed is None:
                frame, total = _read_csv(path, options, encoding, max_rows, seed)
            else:
                # The kept rows go through the very parse a small file gets.
                kept, total = streamed
                frame = pd.read_csv(io.BytesIO(kept), encoding=encoding, **options)
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


def _streams(path: Path, max_rows: int | None) -> bool:
    """Whether a CSV is big enough to sample by streaming it (see :data:`STREAM_BYTES`)."""
    if max_rows is None:
        return False
    size = path.stat().st_size * (GZIP_SHARE if _gzipped(path) else 1)
    return size > STREAM_BYTES


def _stream_csv(path: Path, sep: str, max_rows: int, seed: int) -> tuple[bytes, int] | None:
    """A uniform sample of ``max_rows`` data rows of a big CSV, as CSV bytes (the header
    first), and the file's data rows; None when pyarrow's parser rejects the file (it is
    stricter than pandas', for a row with fewer fields), which pandas' chunks then read.

    The file is streamed in batches through pyarrow datasets with every cell kept as raw
    bytes, and the kept rows are written back as CSV: pandas then infers their types and
    parses their numbers and dates as it does for a small file.
    """
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.dataset as ds

    # The header comes as the first row, so that pandas reads the names from it as well.
    csv_format = ds.CsvFileFormat(
        parse_options=pcsv.ParseOptions(delimiter=sep, newlines_in_values=True),
        read_options=pcsv.ReadOptions(autogenerate_column_names=True, block_size=BLOCK_BYTES),
    )
    try:
        names = ds.dataset(path, format=csv_format).schema.names
        raw = pa.schema([(name, pa.binary()) for name in names])
        dataset = ds.dataset(path, format=csv_format, schema=raw)
        batches = dataset.to_batches(batch_readahead=READAHEAD, fragment_readahead=1)
        header = pa.Table.from_batches([], schema=raw)
        first = next((b for b in batches if b.num_rows), None)
        if first is not None:
            header = pa.Table.from_batches([first.slice(0, 1)])
            batches = itertools.chain([first.slice(1)], batches)
        kept, total = _sample_batches(batches, max_rows, seed, schema=raw)
        out = io.BytesIO()
        write = pcsv.WriteOptions(include_header=False, delimiter=sep)
        pcsv.write_csv(pa.concat_tables([header, kept]), out, write_options=write)
    except pa.ArrowInvalid:
        return None
    return out.getvalue(), total


def _read_parquet_sampled(path: Path, max_rows: int | None, seed: int) -> tuple[pd.DataFrame, int]:
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    file = pq.ParquetFile(path)
    if max_rows is None or file.metadata.num_rows <= max_rows:
        frame = file.read().to_pandas()
        return frame, len(frame)
    # Without pre-buffering, a row group's columns are read as they are decoded rather than
    # all at once: a stream holds about one row group (the writer's choice) at a time.
    options = ds.ParquetFragmentScanOptions(pre_buffer=False)
    dataset = ds.dataset(path, format=ds.ParquetFileFormat(default_fragment_scan_options=options))
    batches = dataset.to_batches(
        batch_size=CHUNK_ROWS, batch_readahead=READAHEAD, fragment_readahead=1
    )
    kept, total = _sample_batches(batches, max_rows, seed, schema=dataset.schema)
    return kept.to_pandas(), total


def _sample_batches(
    batches: Iterable[Any], max_rows: int, seed: int, *, schema: Any
) -> tuple[Any, int]:
    """A uniform sample of at most ``max_rows`` rows of a stream of Arrow record batches, in
    file order, as an Arrow table; and how many rows the stream had.

    Every row draws a key and the rows with the smallest keys survive, as in
    :func:`_sample_chunks`, so both keep the same rows for a seed. A row whose key is above
    the largest kept one can never be kept and is dropped at once; the kept rows are pruned
    back to ``max_rows`` whenever they pass twice that, so memory stays under twice the
    sample plus one batch.
    """
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    parts = [pa.Table.from_batches([], schema=schema)]
    keys = [np.empty(0)]
    held = total = 0
    bar = 1.0  # the largest key kept once the sample is full: keys above it never survive
    for batch in batches:
        drawn = rng.random(batch.num_rows)
        total += batch.num_rows
        if bar < 1.0:
            keep = drawn < bar
            batch, drawn = batch.filter(pa.array(keep)), drawn[keep]
        parts.append(pa.Table.from_batches([batch], schema=schema))
        keys.append(drawn)
        held += len(drawn)
        if held >= 2 * max_rows:
            parts, keys, bar = _prune(parts, keys, max_rows)
            held = max_rows
    parts, keys, _ = _prune(parts, keys, max_rows)
    return parts[0], total


def _prune(parts: list[Any], keys: list[Any], max_rows: int) -> tuple[list[Any], list[Any], float]:
    """The rows with the ``max_rows`` smallest keys, in order, and the largest key kept."""
    import pyarrow as pa

    table, drawn = pa.concat_tables(parts), np.concatenate(keys)
    if len(drawn) > max_rows:
        keep = np.sort(np.argpartition(drawn, max_rows)[:max_rows])
        table, drawn = table.take(pa.array(keep)), drawn[keep]
    bar = float(drawn.max()) if len(drawn) >= max_rows else 1.0
    return [table.combine_chunks()], [drawn], bar


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
