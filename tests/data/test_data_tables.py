"""Tables: CSV and Parquet, sampled when big, the target and a free-text column chosen."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes

from advisor.data import load_dataset, looks_like_text, reading
from advisor.errors import DataError
from tests.data.files import write, write_cancer_csv


@pytest.fixture
def cancer_csv(tmp_path: Path) -> Path:
    return write_cancer_csv(tmp_path)


def test_csv_with_a_target_named_target(cancer_csv: Path) -> None:
    data = load_dataset(cancer_csv)
    assert (data.task, data.modality, data.target) == ("binary", "tabular", "target")
    assert data.X.shape == (569, 30) and data.rows == data.rows_total == 569
    assert data.class_names == ("0", "1")
    assert "Target: column 'target' (by its name; use --target to choose another)." in data.notes


def test_parquet_and_an_explicit_target_and_task(tmp_path: Path) -> None:
    frame = load_diabetes(as_frame=True).frame
    path = tmp_path / "diabetes.parquet"
    frame.to_parquet(path)
    data = load_dataset(path, target="bmi")
    assert (data.task, data.target, data.X.shape[1]) == ("regression", "bmi", 10)


def test_big_csv_is_sampled_and_says_so(cancer_csv: Path) -> None:
    data = load_dataset(cancer_csv, max_rows=100, seed=1)
    assert (data.rows, data.rows_total, data.sampled) == (100, 569, True)
    assert "Sampled 100 of 569 rows at random to bound memory." in data.notes
    again = load_dataset(cancer_csv, max_rows=100, seed=1)
    assert again.X.equals(data.X)


def test_big_parquet_is_sampled_batch_by_batch(tmp_path: Path) -> None:
    frame = load_breast_cancer(as_frame=True).frame
    path = tmp_path / "cancer.parquet"
    frame.to_parquet(path, row_group_size=100)
    data = load_dataset(path, max_rows=150, seed=3)
    assert (data.rows, data.rows_total, data.task) == (150, 569, "binary")
    assert "Sampled 150 of 569 rows at random to bound memory." in data.notes


def test_text_column_is_detected(tmp_path: Path) -> None:
    words = [
        "good",
        "bad",
        "great",
        "awful",
        "film",
        "plot",
        "acting",
        "boring",
        "lovely",
        "terrible",
    ]
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"review": [" ".join(rng.choice(words, 8)) for _ in range(40)], "stars": [1, 2] * 20}
    )
    path = tmp_path / "reviews.csv"
    frame.to_csv(path, index=False)
    data = load_dataset(path, target="stars")
    assert (data.modality, data.text_column, data.task) == ("text", "review", "binary")
    assert (
        "Text: column 'review' holds free text (use --text-column to choose another, or "
        "--text-column none for none)."
    ) in data.notes
    named = load_dataset(path, target="stars", text_column="review")
    assert (named.modality, named.text_column) == ("text", "review")
    assert "Text: column 'review', as given." in named.notes
    off = load_dataset(path, target="stars", text_column="none")
    assert (off.modality, off.text_column, off.X.columns.tolist()) == ("tabular", None, ["review"])
    assert "Text: none (--text-column none), so every column is a table feature." in off.notes
    with pytest.raises(DataError) as caught:
        load_dataset(path, target="stars", text_column="stars")
    assert str(caught.value) == (
        "Column 'stars' is the target, so it cannot also be the text column: choose another "
        "with --text-column or --target."
    )


def test_text_detection() -> None:
    assert looks_like_text(pd.Series(["one two three four five", "six seven eight nine ten"]))
    assert not looks_like_text(pd.Series(["red", "blue", "red"]))


# --- bad input: one line, saying what was wrong and what to do -----------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda d: write(d, "junk.csv", bytes(range(256)) * 4),
            "Could not read {d}/junk.csv as CSV (it holds binary data): expected a CSV table "
            "with a header row.",
        ),
        (
            lambda d: write(d, "header.csv", b"a,target\n"),
            "{d}/header.csv has a header but no data rows: expected at least a few rows.",
        ),
        (
            lambda d: write(d, "hole.csv", b"a,target\n,0\n,1\n,0\n"),
            "{d}/hole.csv has no feature column left beside the target 'target': expected at "
            "least one column to predict it from.",
        ),
    ],
    ids=["binary-garbage", "header-only", "only-an-empty-feature"],
)
def test_bad_input_is_one_line(tmp_path: Path, make, message: str) -> None:
    path = make(tmp_path)
    with pytest.raises(DataError) as caught:
        load_dataset(path)
    assert str(caught.value) == message.format(d=tmp_path)


def test_a_column_with_no_values_is_dropped_with_a_note(tmp_path: Path) -> None:
    path = write(tmp_path, "hole.csv", b"a,b,target\n1,,0\n2,,1\n3,,0\n")
    data = load_dataset(path)
    assert data.X.columns.tolist() == ["a"]
    assert "Dropped 'b': it has no values." in data.notes


# --- columns the user drops ----------------------------------------------------------------


def test_dropped_columns_are_gone_before_the_target_is_chosen(tmp_path: Path) -> None:
    rows = "".join(f"{i},{i % 3},{i % 2},{i * 7}\n" for i in range(30))
    path = write(tmp_path, "t.csv", ("a,b,label,leak\n" + rows).encode())
    data = load_dataset(path, drop=["leak", "b", "leak"])
    assert (data.target, data.X.columns.tolist()) == ("label", ["a"])
    assert data.notes[0] == "Dropped 'leak', 'b', as asked."
    assert load_dataset(path, drop="leak").X.columns.tolist() == ["a", "b"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"drop": ["lable"]}, "Column 'lable' to drop is not in {p} (did you mean 'label'?)."),
        (
            {"drop": ["label"], "target": "label"},
            "Column 'label' is the target, so it cannot be dropped: leave it out of --drop, or "
            "choose another target with --target.",
        ),
        (
            {"drop": ["a"]},
            "{p} has no feature column left beside the target 'label': expected at least one "
            "column to predict it from.",
        ),
    ],
    ids=["unknown-column", "the-target", "nothing-left"],
)
def test_a_drop_that_cannot_be_done_is_one_line(
    tmp_path: Path, options: dict, message: str
) -> None:
    path = write(tmp_path, "t.csv", b"a,label\n1,0\n2,1\n3,0\n")
    with pytest.raises(DataError) as caught:
        load_dataset(path, **options)
    assert str(caught.value) == message.format(p=path)


def test_unknown_target_suggests_the_close_column(cancer_csv: Path) -> None:
    with pytest.raises(
        DataError,
        match=r"^Target column 'taget' is not in .*cancer\.csv "
        r"\(did you mean 'target'\?\)\. Columns: mean radius, ",
    ):
        load_dataset(cancer_csv, target="taget")


# --- text encodings ------------------------------------------------------------------------

CITIES = "city,price,target\ncafé,1,0\nZürich,2,1\nSão Paulo,3,0\n{city},4,1\n"


@pytest.mark.parametrize(
    ("encoding", "city"),
    [("cp1252", "€ zone"), ("latin-1", "Ærøskøbing")],
    ids=["windows-1252", "latin-1"],
)
@pytest.mark.parametrize("max_rows", [None, 100], ids=["whole", "sampled"])
def test_a_csv_that_is_not_utf8_reads_with_its_accents(
    tmp_path: Path, encoding: str, city: str, max_rows: int | None
) -> None:
    path = write(tmp_path, "cities.csv", CITIES.format(city=city).encode(encoding))
    data = load_dataset(path, max_rows=max_rows)
    assert data.X["city"].tolist() == ["café", "Zürich", "São Paulo", city]
    assert data.notes[0] == "Encoding: Windows-1252 (Latin-1), as the file is not UTF-8."


def test_a_late_accent_restarts_the_sampled_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "CHUNK_ROWS", 3)
    rows = "".join(f"town {i},{i},{i % 2}\n" for i in range(10)) + "café,10,1\n"
    path = write(tmp_path, "towns.csv", ("city,price,target\n" + rows).encode("cp1252"))
    data = load_dataset(path, max_rows=5, seed=2)
    assert (data.rows, data.rows_total) == (5, 11)
    assert data.X["price"].is_unique
    assert "Encoding: Windows-1252 (Latin-1), as the file is not UTF-8." in data.notes


def test_a_utf8_csv_is_not_guessed_at(tmp_path: Path) -> None:
    path = write(tmp_path, "cities.csv", CITIES.format(city="Kraków").encode("utf-8"))
    data = load_dataset(path)
    assert data.X["city"].tolist() == ["café", "Zürich", "São Paulo", "Kraków"]
    assert not [note for note in data.notes if note.startswith("Encoding")]


def test_bytes_that_are_text_in_no_encoding_are_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "odd.csv", b"city,target\nA\x81B,0\nC,1\n")
    with pytest.raises(DataError) as caught:
        load_dataset(path)
    assert str(caught.value) == (
        f"Could not read {path} as UTF-8, Windows-1252 or Latin-1 text: byte 0x81 is a character "
        "in none of them. Save the file as UTF-8 and run again."
    )


# --- gzip-compressed tables ----------------------------------------------------------------


@pytest.mark.parametrize("max_rows", [None, 100], ids=["whole", "sampled"])
def test_a_gzip_csv_reads_as_the_plain_one(cancer_csv: Path, max_rows: int | None) -> None:
    packed = write(cancer_csv.parent, "cancer.csv.gz", gzip.compress(cancer_csv.read_bytes()))
    plain = load_dataset(cancer_csv, max_rows=max_rows, seed=4)
    data = load_dataset(packed, max_rows=max_rows, seed=4)
    assert data.X.equals(plain.X) and np.array_equal(data.y, plain.y)
    assert (data.task, data.rows_total, data.class_names, data.notes) == (
        plain.task,
        plain.rows_total,
        plain.class_names,
        plain.notes,
    )
    assert data.name == "cancer.csv.gz"


def test_a_gzip_tsv_of_windows_1252_text(tmp_path: Path) -> None:
    text = CITIES.format(city="€ zone").replace(",", "\t")
    path = write(tmp_path, "cities.tsv.gz", gzip.compress(text.encode("cp1252")))
    data = load_dataset(path)
    assert data.X.columns.tolist() == ["city", "price"]
    assert data.X["city"].tolist() == ["café", "Zürich", "São Paulo", "€ zone"]
    assert data.notes[0] == "Encoding: Windows-1252 (Latin-1), as the file is not UTF-8."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"a,target\n1,0\n2,1\n",
            "Could not read {p} as gzip-compressed CSV (Not a gzipped file (b'a,')): expected a "
            "gzip-compressed CSV table with a header row.",
        ),
        (
            gzip.compress(b"a,target\n1,0\n2,1\n" * 100)[:40],
            "Could not read {p} as gzip-compressed CSV (Compressed file ended before the "
            "end-of-stream marker was reached): expected a gzip-compressed CSV table with a header "
            "row.",
        ),
        (
            gzip.compress(bytes(range(256)) * 4),
            "Could not read {p} as gzip-compressed CSV (it holds binary data): expected a "
            "gzip-compressed CSV table with a header row.",
        ),
        (
            gzip.compress(b""),
            "{p} is empty: expected a table with a header row and data rows.",
        ),
    ],
    ids=["not-gzip", "cut-short", "binary-inside", "empty-inside"],
)
def test_a_bad_gzip_file_is_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = write(tmp_path, "t.csv.gz", content)
    with pytest.raises(DataError) as caught:
        load_dataset(path)
    assert str(caught.value) == message.format(p=path)
