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
