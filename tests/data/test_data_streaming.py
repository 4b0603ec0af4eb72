"""Big tables sampled by streaming them through pyarrow datasets (advisor.data.reading):
the cap's rows, the true row count, the same rows for a seed, and the same cells as a small
file's read. Peak memory is measured in benchmarks/streaming_read.py, not here."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from advisor.data import load_dataset, reading

ROWS = 200_000
CAP = 20_000


def _frame(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    minutes = pd.date_range("2021-03-01", periods=rows, freq="min")
    frame = pd.DataFrame(
        {
            "row": np.arange(rows),
            "price": rng.normal(1000, 300, rows).round(2),
            "when": minutes.strftime("%Y-%m-%d %H:%M"),
            "note": rng.choice(["plain", 'said "hi"', "semi;colon", "two\nlines"], rows),
            "target": rng.integers(0, 2, rows),
        }
    )
    frame.loc[::9, "price"] = np.nan
    return frame


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """One generated table as a semicolon CSV with decimal commas, gzip-compressed, and
    as Parquet."""
    folder = tmp_path_factory.mktemp("big")
    frame = _frame(ROWS)
    csv = folder / "big.csv"
    frame.to_csv(csv, index=False, sep=";", decimal=",")
    gz = folder / "big.csv.gz"
    gz.write_bytes(gzip.compress(csv.read_bytes(), compresslevel=1))
    parquet = folder / "big.parquet"
    frame.to_parquet(parquet, index=False)
    return {"csv": csv, "csv.gz": gz, "parquet": parquet}


@pytest.fixture
def batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every file streams; records how many rows each use of the batch sampler saw."""
    monkeypatch.setattr(reading, "STREAM_BYTES", 0)
    seen: list[int] = []
    real = reading._sample_batches

    def spy(*args, **kwargs):
        kept, total = real(*args, **kwargs)
        seen.append(total)
        return kept, total

    monkeypatch.setattr(reading, "_sample_batches", spy)
    return seen


def _smallest_keys(seed: int) -> np.ndarray:
    """The rows every path keeps: those whose keys, one a row in file order, are smallest."""
    keys = np.random.default_rng(seed).random(ROWS)
    return np.sort(np.argpartition(keys, CAP)[:CAP])


@pytest.mark.parametrize("kind", ["csv", "csv.gz", "parquet"])
def test_a_big_file_streams_to_the_caps_rows_and_counts_them_all(files, batches, kind) -> None:
    data = load_dataset(files[kind], target="target", max_rows=CAP, seed=3, describe=False)
    assert batches == [ROWS]  # read in batches by the stream, not whole
    assert (data.rows, data.rows_total) == (CAP, ROWS)
    assert data.X["row"].tolist() == _smallest_keys(3).tolist()
    assert f"Sampled {CAP:,} of {ROWS:,} rows at random to bound memory." in data.notes
    again = load_dataset(files[kind], target="target", max_rows=CAP, seed=3, describe=False)
    pd.testing.assert_frame_equal(data.X, again.X)
    other = load_dataset(files[kind], target="target", max_rows=CAP, seed=4, describe=False)
    assert other.X["row"].tolist() == _smallest_keys(4).tolist() != data.X["row"].tolist()


def test_a_streamed_csv_reads_as_pandas_chunks_read_it(files, batches, monkeypatch) -> None:
    streamed = load_dataset(files["csv"], target="target", max_rows=CAP, seed=5, describe=False)
    assert batches == [ROWS]
    monkeypatch.setattr(reading, "STREAM_BYTES", 10**15)
    chunked = load_dataset(files["csv"], target="target", max_rows=CAP, seed=5, describe=False)
    assert batches == [ROWS]  # the second read did not stream
    # The same rows, the same types: decimal commas as numbers, the dates as dates, quotes
    # and line breaks inside values kept.
    pd.testing.assert_frame_equal(streamed.X, chunked.X)
    np.testing.assert_array_equal(streamed.y, chunked.y)
    assert streamed.notes == chunked.notes
    assert streamed.X["price"].dtype == "float64"
    assert pd.api.types.is_datetime64_any_dtype(streamed.X["when"])
    assert set(streamed.X["note"]) == {"plain", 'said "hi"', "semi;colon", "two\nlines"}


def test_a_streamed_file_under_the_cap_is_read_whole_as_before(files, batches) -> None:
    whole = load_dataset(files["csv"], target="target", describe=False)
    streamed = load_dataset(files["csv"], target="target", max_rows=ROWS, seed=0, describe=False)
    assert batches == [ROWS]
    pd.testing.assert_frame_equal(streamed.X, whole.X)
    assert streamed.rows == streamed.rows_total == ROWS


def test_a_row_pyarrow_refuses_is_read_by_pandas_instead(tmp_path, batches) -> None:
    # pandas fills a row with fewer fields with missing values; pyarrow's parser refuses it.
    path = tmp_path / "short.csv"
    path.write_text("a,b,target\n" + "".join(f"{i},{i},{i % 2}\n" for i in range(30)) + "7,1\n")
    data = load_dataset(path, max_rows=10, seed=0, describe=False)
    assert (data.rows, data.rows_total) == (10, 31)
    assert batches == []  # the stream gave up; pandas' chunks read the file


def test_small_files_do_not_stream(files, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("a file under the threshold streamed")

    monkeypatch.setattr(reading, "_stream_csv", refuse)
    assert files["csv"].stat().st_size < reading.STREAM_BYTES
    data = load_dataset(files["csv"], target="target", max_rows=CAP, seed=3, describe=False)
    assert data.X["row"].tolist() == _smallest_keys(3).tolist()


def test_a_column_that_turns_to_text_late_streams_as_a_whole_read_reads_it(
    tmp_path, batches, monkeypatch
) -> None:
    # pandas' chunks would type each chunk alone: numbers first, then a mix of numbers and
    # text in one column. The stream parses the kept rows in one go.
    monkeypatch.setattr(reading, "CHUNK_ROWS", 3)
    path = tmp_path / "late.csv"
    path.write_text("v,target\n" + "".join(f"{i},{i % 2}\n" for i in range(9)) + "n/k,1\n")
    streamed = load_dataset(path, max_rows=50, seed=0, describe=False)
    whole = load_dataset(path, describe=False)
    assert batches == [10]
    pd.testing.assert_frame_equal(streamed.X, whole.X)
    assert {type(v) for v in streamed.X["v"]} == {str}
