"""``.npz`` arrays: images or a table, sampled row by row when big."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_digits

from advisor.data import load_dataset
from advisor.errors import DataError


def test_npz_of_images_and_of_a_table(tmp_path: Path) -> None:
    digits = load_digits()
    np.savez(tmp_path / "digits.npz", X=digits.images, y=digits.target)
    np.savez(tmp_path / "flat.npz", X=digits.data, y=digits.target)
    images = load_dataset(tmp_path / "digits.npz")
    assert (images.modality, images.task, images.X.shape) == (
        "image",
        "multiclass",
        (1797, 8, 8, 1),
    )
    table = load_dataset(tmp_path / "flat.npz")
    assert (table.modality, table.X.shape) == ("tabular", (1797, 64))


@pytest.mark.parametrize("save", [np.savez, np.savez_compressed], ids=["plain", "compressed"])
def test_big_npz_reads_only_the_sampled_rows(tmp_path: Path, save) -> None:
    digits = load_digits()
    save(tmp_path / "digits.npz", X=digits.images, y=digits.target)
    data = load_dataset(tmp_path / "digits.npz", max_rows=200, seed=5)
    index = np.sort(np.random.default_rng(5).choice(1797, size=200, replace=False))
    assert np.array_equal(data.X[..., 0], digits.images[index])
    assert np.array_equal(data.y, digits.target[index])
    assert "Sampled 200 of 1,797 rows at random to bound memory." in data.notes


def test_npz_with_fewer_rows_than_labels(tmp_path: Path) -> None:
    np.savez(tmp_path / "short.npz", X=np.zeros((10, 3)), y=np.arange(20) % 2)
    for max_rows in (5, None):
        with pytest.raises(DataError) as caught:
            load_dataset(tmp_path / "short.npz", max_rows=max_rows)
        assert str(caught.value) == (
            f"{tmp_path}/short.npz: X has 10 rows but y has shape (20,): expected one label per "
            "row of X."
        )
