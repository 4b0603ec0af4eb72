"""Folders of images in class sub-folders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from advisor.data import load_dataset
from advisor.errors import DataError


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
            "resize them to one size first.",
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
