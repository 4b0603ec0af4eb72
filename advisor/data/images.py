"""Folders of images, one sub-folder per class."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from advisor.data.dataset import Dataset, make_dataset
from advisor.errors import DataError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"}


def load_image_folder(
    path: Path,
    *,
    task: str | None,
    max_rows: int | None,
    seed: int,
    image_size: int | None = None,
) -> Dataset:
    """The images under ``path/<class>/``, labelled by their sub-folder.

    Every image must have one size and colour mode, unless ``image_size`` is given: then
    each is resized to ``image_size``×``image_size`` pixels, and all are read in colour
    when some are. Above ``max_rows`` images, each class is sampled in proportion.
    ``notes`` say what was resized, recoloured or sampled.
    """
    from PIL import Image, UnidentifiedImageError

    classes = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
    files = {
        c.name: sorted(f for f in c.rglob("*") if f.suffix.lower() in IMAGE_SUFFIXES)
        for c in classes
    }
    files = {name: found for name, found in files.items() if found}
    if not files:
        raise DataError(
            f"{path} holds no images in class sub-folders: expected {path}/<class>/<image>.png "
            f"(or .jpg, ...), one sub-folder per class."
        )
    total = sum(len(found) for found in files.values())
    notes: list[str] = []
    if max_rows is not None and total > max_rows:
        rng = np.random.default_rng(seed)
        share = max_rows / total
        files = {
            n: sorted(rng.choice(found, size=max(1, round(len(found) * share)), replace=False))
            for n, found in files.items()
        }
        notes.append(
            f"Sampled {sum(map(len, files.values())):,} of {total:,} images (per class) to bound "
            "memory."
        )
    arrays, labels, first = [], [], None
    for label, found in files.items():
        for image_path in found:
            try:
                with Image.open(image_path) as image:
                    image.load()
                    mode = "L" if image.mode in ("1", "L", "I", "I;16", "F") else "RGB"
                    image = image.convert(mode)
                    if image_size is not None:
                        size = (image_size, image_size)
                        image = image.resize(size, Image.Resampling.BICUBIC)
                    array = np.asarray(image)
            except (UnidentifiedImageError, OSError) as exc:
                raise DataError(
                    f"Could not read {image_path} as an image: remove it or replace it."
                ) from exc
            if first is None:
                first = (image_path, array.shape)
            elif array.shape != first[1] and image_size is None:
                raise DataError(
                    f"Images in {path} differ in size or colour: {first[0].relative_to(path)} is "
                    f"{_shape(first[1])}, {image_path.relative_to(path)} is {_shape(array.shape)}; "
                    "give --image-size N to resize them all to N×N pixels, or resize them to one "
                    "size first."
                )
            arrays.append(array)
            labels.append(label)
    if image_size is not None:
        notes.append(f"Resized every image to {image_size}×{image_size} pixels.")
        if len({a.ndim for a in arrays}) > 1:
            arrays = [a if a.ndim == 3 else np.stack([a, a, a], axis=-1) for a in arrays]
            notes.append("Read every image in colour (RGB), as some are in colour and some grey.")
    X = np.stack(arrays)
    if X.ndim == 3:
        X = X[..., np.newaxis]
    y = np.asarray(labels)
    return make_dataset(
        X,
        y,
        task,
        modality="image",
        name=path.name,
        rows_total=total,
        notes=notes,
        class_names=list(files),
        source=path,
    )


def _shape(shape: tuple[int, ...]) -> str:
    size = f"{shape[1]}×{shape[0]}"
    return size if len(shape) == 2 else f"{size}×{shape[2]}"
