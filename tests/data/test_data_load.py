"""advisor.data.load_dataset: which reader a path goes to, and the errors before one is chosen."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_digits

from advisor.data import load_dataset
from advisor.errors import DataError
from tests.data.files import write, write_cancer_csv


def test_each_kind_of_path_reaches_its_reader(tmp_path: Path) -> None:
    digits = load_digits()
    np.savez(tmp_path / "digits.npz", X=digits.images, y=digits.target)
    (tmp_path / "shapes" / "a").mkdir(parents=True)
    assert load_dataset(write_cancer_csv(tmp_path)).modality == "tabular"
    assert load_dataset(str(tmp_path / "digits.npz")).modality == "image"
    with pytest.raises(DataError, match="holds no images in class sub-folders"):
        load_dataset(tmp_path / "shapes")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda d: d / "nope.csv",
            "{d}/nope.csv does not exist: give the path to a CSV/Parquet file, an .npz or an "
            "image folder.",
        ),
        (
            lambda d: write(d, "empty.csv", b""),
            "{d}/empty.csv is empty: expected a table with a header row and data rows.",
        ),
    ],
    ids=["missing-file", "empty-file"],
)
def test_bad_input_is_one_line(tmp_path: Path, make, message: str) -> None:
    path = make(tmp_path)
    with pytest.raises(DataError) as caught:
        load_dataset(path)
    assert str(caught.value) == message.format(d=tmp_path)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"drop": ["a"]},
            "--drop is for the columns of a table; {p} is a folder of images: leave --drop out.",
        ),
        (
            {"time_ordered": True},
            "--time-ordered is for the columns of a table; {p} is a folder of images: leave "
            "--time-ordered out.",
        ),
    ],
    ids=["drop", "time-ordered"],
)
def test_table_options_on_an_image_folder_are_one_line(
    tmp_path: Path, options: dict, message: str
) -> None:
    (tmp_path / "shapes" / "a").mkdir(parents=True)
    with pytest.raises(DataError) as caught:
        load_dataset(tmp_path / "shapes", **options)
    assert str(caught.value) == message.format(p=tmp_path / "shapes")


def test_an_npz_in_time_order_keeps_its_rows(tmp_path: Path) -> None:
    X = np.arange(40.0).reshape(20, 2)
    np.savez(tmp_path / "t.npz", X=X, y=np.arange(20) % 2)
    data = load_dataset(tmp_path / "t.npz", time_ordered=True)
    assert data.time_ordered and data.X["x0"].tolist() == X[:, 0].tolist()
    assert data.notes[-1] == (
        "Time order: an .npz has no date column, so the rows are taken in the file's order."
    )
    with pytest.raises(DataError, match=r"^--time-column is for the columns of a table; "):
        load_dataset(tmp_path / "t.npz", time_column="x0")


def test_an_image_size_for_a_file_is_one_line(tmp_path: Path) -> None:
    path = write_cancer_csv(tmp_path)
    with pytest.raises(DataError) as caught:
        load_dataset(path, image_size=32)
    assert str(caught.value) == (
        f"--image-size is for a folder of images; {path} is a file: leave --image-size out."
    )
