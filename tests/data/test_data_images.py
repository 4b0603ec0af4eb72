"""Folders of images in class sub-folders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from advisor.data import load_dataset
from advisor.errors import DataError, ParameterError


def _image_folder(root: Path, sizes: dict[str, list[tuple[int, int]]]) -> Path:
    for label, shapes in sizes.items():
        (root / label).mkdir(parents=True)
        for i, (h, w) in enumerate(shapes):
            Image.fromarray(np.full((h, w), i * 20, dtype=np.uint8)).save(root / label / f"{i}.png")
    return root


def test_image_folder(tmp_path: Path) -> None:
    root = _image_folder(tmp_path / "shapes", {"cat": [(6, 5)] * 3, "dog": [(6, 5)] * 2})
    data = load_dataset(root)
    assert (data.modality, data.task, data.X.shape) == ("image", "binary", (5, 6, 5, 1))
    assert data.class_names == ("cat", "dog")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda d: _image_folder(d / "mixed", {"a": [(4, 4)], "b": [(5, 4)]}),
            "Images in {d}/mixed differ in size or colour: a/0.png is 4×4, b/0.png is 4×5; "
            "give --image-size N to resize them all to N×N pixels, or resize them to one size "
            "first.",
        ),
        (
            lambda d: (d / "hollow" / "a").mkdir(parents=True) or d / "hollow",
            "{d}/hollow holds no images in class sub-folders: expected {d}/hollow/<class>/"
            "<image>.png (or .jpg, ...), one sub-folder per class.",
        ),
    ],
    ids=["mixed-image-sizes", "empty-folder"],
)
def test_bad_input_is_one_line(tmp_path: Path, make, message: str) -> None:
    path = make(tmp_path)
    with pytest.raises(DataError) as caught:
        load_dataset(path)
    assert str(caught.value) == message.format(d=tmp_path)


def test_mixed_sizes_and_colours_are_resized_on_request(tmp_path: Path) -> None:
    root = _image_folder(tmp_path / "mixed", {"cat": [(4, 4), (9, 7)], "dog": [(5, 4)]})
    Image.fromarray(np.full((6, 3, 3), 200, dtype=np.uint8)).save(root / "dog" / "rgb.png")
    data = load_dataset(root, image_size=8)
    assert (data.X.shape, data.X.dtype) == ((4, 8, 8, 3), np.uint8)
    assert data.X[-1].min() == data.X[-1].max() == 200  # a flat image stays flat
    assert data.X[0, ..., 0].tolist() == data.X[0, ..., 2].tolist()  # grey in three channels
    assert data.notes == (
        "Resized every image to 8×8 pixels.",
        "Read every image in colour (RGB), as some are in colour and some grey.",
    )


def test_grey_images_stay_grey_when_resized(tmp_path: Path) -> None:
    root = _image_folder(tmp_path / "grey", {"a": [(4, 4), (6, 6)], "b": [(5, 5)]})
    data = load_dataset(root, image_size=3)
    assert data.X.shape == (3, 3, 3, 1)
    assert data.notes == ("Resized every image to 3×3 pixels.",)


@pytest.mark.parametrize("size", [0, -3, 2.5, True], ids=["zero", "negative", "float", "bool"])
def test_an_image_size_that_is_no_size_is_a_parameter_error(tmp_path: Path, size) -> None:
    root = _image_folder(tmp_path / "grey", {"a": [(4, 4)], "b": [(4, 4)]})
    with pytest.raises(ParameterError) as caught:
        load_dataset(root, image_size=size)
    assert str(caught.value) == (
        f"The 'image_size' parameter of load_dataset must be an int > 0. Got {size!r} instead."
    )
