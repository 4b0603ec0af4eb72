"""Reading data: every input kind on real bundled data, and one-line errors for bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits

from advisor.data import infer_task, load_dataset, load_example, looks_like_text, suggest
from advisor.errors import DataError


@pytest.fixture
def cancer_csv(tmp_path: Path) -> Path:
    frame = load_breast_cancer(as_frame=True).frame
    path = tmp_path / "cancer.csv"
    frame.to_csv(path, index=False)
    return path


def _image_folder(root: Path, sizes: dict[str, list[tuple[int, int]]]) -> Path:
    for label, shapes in sizes.items():
        (root / label).mkdir(parents=True)
        for i, (h, w) in enumerate(shapes):
            Image.fromarray(np.full((h, w), i * 20, dtype=np.uint8)).save(root / label / f"{i}.png")
    return root


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


def test_image_folder(tmp_path: Path) -> None:
    root = _image_folder(tmp_path / "shapes", {"cat": [(6, 5)] * 3, "dog": [(6, 5)] * 2})
    data = load_dataset(root)
    assert (data.modality, data.task, data.X.shape) == ("image", "binary", (5, 6, 5, 1))
    assert data.class_names == ("cat", "dog")


def test_examples_ship_with_scikit_learn() -> None:
    digits = load_example("digits")
    assert (digits.modality, digits.X.shape[1:]) == ("image", (8, 8, 1))
    assert load_example("diabetes").task == "regression"


@pytest.mark.parametrize(
    ("values", "task"),
    [([0, 1, 1, 0], "binary"), (["a", "b", "c"], "multiclass"), ([1, 2, 3] * 10, "multiclass")],
    ids=["two-values", "strings", "few-integers"],
)
def test_infer_task(values: list, task: str) -> None:
    assert infer_task(np.array(values)) == task


def test_infer_task_regression_for_many_numbers() -> None:
    assert infer_task(np.linspace(0, 1, 100)) == "regression"


def test_suggest_and_text_detection() -> None:
    assert suggest("taget", ["target", "age"]) == " (did you mean 'target'?)"
    assert suggest("zzz", ["target"]) == ""
    assert looks_like_text(pd.Series(["one two three four five", "six seven eight nine ten"]))
    assert not looks_like_text(pd.Series(["red", "blue", "red"]))


# --- bad input: one line, saying what was wrong and what to do -----------------------------


def _write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda d: d / "nope.csv",
            "{d}/nope.csv does not exist: give the path to a CSV/Parquet file, an .npz or an "
            "image folder.",
        ),
        (
            lambda d: _write(d, "empty.csv", b""),
            "{d}/empty.csv is empty: expected a table with a header row and data rows.",
        ),
        (
            lambda d: _write(d, "junk.csv", bytes(range(256)) * 4),
            "Could not read {d}/junk.csv as CSV (it holds binary data): expected a CSV table "
            "with a header row.",
        ),
        (
            lambda d: _write(d, "header.csv", b"a,target\n"),
            "{d}/header.csv has a header but no data rows: expected at least a few rows.",
        ),
        (
            lambda d: _write(d, "one.csv", b"a,target\n1,x\n2,x\n3,x\n"),
            "The target in {d}/one.csv has a single class (x): a classifier needs at least two. "
            "Check the target column.",
        ),
        (
            lambda d: _write(d, "hole.csv", b"a,b,target\n1,,0\n2,,1\n3,,0\n"),
            "Column 'b' in {d}/hole.csv has no values at all: drop it or fill it in, then run "
            "again.",
        ),
        (
            lambda d: _image_folder(d / "mixed", {"a": [(4, 4)], "b": [(5, 4)]}),
            "Images in {d}/mixed differ in size or colour: a/0.png is 4×4, b/0.png is 4×5; "
            "resize them to one size first.",
        ),
        (
            lambda d: (d / "hollow" / "a").mkdir(parents=True) or d / "hollow",
            "{d}/hollow holds no images in class sub-folders: expected {d}/hollow/<class>/"
            "<image>.png (or .jpg, ...), one sub-folder per class.",
        ),
    ],
    ids=[
        "missing-file",
        "empty-file",
        "binary-garbage",
        "header-only",
        "one-class",
        "all-empty-column",
        "mixed-image-sizes",
        "empty-folder",
    ],
)
def test_bad_input_is_one_line(tmp_path: Path, make, message: str) -> None:
    path = make(tmp_path)
    with pytest.raises(DataError) as caught:
        load_dataset(path)
    assert str(caught.value) == message.format(d=tmp_path)


def test_unknown_target_suggests_the_close_column(cancer_csv: Path) -> None:
    with pytest.raises(
        DataError,
        match=r"^Target column 'taget' is not in .*cancer\.csv "
        r"\(did you mean 'target'\?\)\. Columns: mean radius, ",
    ):
        load_dataset(cancer_csv, target="taget")


def test_unknown_example_suggests() -> None:
    with pytest.raises(DataError) as caught:
        load_example("iriss")
    assert str(caught.value) == (
        "Unknown example 'iriss' (did you mean 'iris'?). "
        "Examples: breast_cancer, digits, diabetes, wine, iris."
    )
