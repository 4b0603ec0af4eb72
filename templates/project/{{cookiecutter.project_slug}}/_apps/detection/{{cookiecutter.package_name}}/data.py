"""Images with boxes: the team's data in COCO JSON or YOLO text format, or generated demo
shapes; checked, split and written to data/processed/ as COCO JSON.

The processed splits are COCO JSON (`data/processed/<split>.json`, images in
`data/processed/images/`) whatever the source format: the processor reads COCO annotations
and pycocotools scores against them. Category ids there are 0 .. K-1, the model's labels.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from .config import Config

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp")
# Boxes may pass the image's edge by this many pixels (rounding in annotation tools).
EDGE_TOLERANCE = 0.5
DEMO_CLASSES = ("square", "circle", "triangle")


@dataclass(frozen=True)
class Box:
    label: int  # index into Dataset.classes
    x: float  # left, in pixels
    y: float  # top, in pixels
    width: float
    height: float

    @property
    def xywh(self) -> list[float]:
        return [self.x, self.y, self.width, self.height]


@dataclass(frozen=True)
class Image:
    path: Path
    width: int
    height: int
    boxes: tuple[Box, ...]


@dataclass(frozen=True)
class Dataset:
    classes: tuple[str, ...]
    images: tuple[Image, ...]


def fail(message: str) -> SystemExit:
    """One `Error:` line, raised before anything is written."""
    return SystemExit(f"Error: {message}")


def image_size(path: Path, shown: str) -> tuple[int, int]:
    """(width, height) of an image file that Pillow can decode, else one error."""
    from PIL import Image as PILImage

    try:
        with PILImage.open(path) as image:
            image.load()  # decodes the pixels: a truncated file fails here, not in training
            return image.size
    except FileNotFoundError:
        raise fail(f"image {shown} is not there; add it or remove its annotations") from None
    except Exception as exc:  # Pillow raises many types for a file it cannot decode
        raise fail(
            f"image {shown} cannot be read ({type(exc).__name__}: {exc}); replace it or remove "
            "it and its annotations"
        ) from None


def check_box(box: Box, image: Image, shown: str, where: str) -> None:
    """A box with an area, inside its image (within EDGE_TOLERANCE pixels)."""
    values = [box.x, box.y, box.width, box.height]
    if not (all(math.isfinite(v) for v in values) and box.width > 0 and box.height > 0):
        problem = "has no area (width and height must be positive numbers)"
    elif (
        box.x < -EDGE_TOLERANCE
        or box.y < -EDGE_TOLERANCE
        or box.x + box.width > image.width + EDGE_TOLERANCE
        or box.y + box.height > image.height + EDGE_TOLERANCE
    ):
        problem = f"lies outside the image ({image.width}x{image.height} pixels)"
    else:
        return
    rounded = [round(v, 2) for v in values]
    raise fail(
        f"box {rounded} (x, y, width, height) of image {shown} ({where}) {problem}; "
        "fix or remove it"
    )


def read_coco(folder: Path) -> Dataset:
    """`annotations.json` (images, annotations with bbox [x, y, w, h], categories) with
    image files named relative to the folder or its `images/` sub-folder."""
    source = folder / "annotations.json"
    try:
        return _read_coco(folder, source)
    except (KeyError, TypeError, ValueError) as exc:
        raise fail(
            f"{source} has an entry without a field COCO needs, or with a value of the wrong "
            f"kind ({type(exc).__name__}: {exc}); fix the file"
        ) from None


def _read_coco(folder: Path, source: Path) -> Dataset:
    try:
        coco = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise fail(f"{source} is not there; a COCO data set needs its annotations.json") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise fail(f"{source} is not valid JSON ({exc}); fix the file") from None
    if not isinstance(coco, dict) or not all(
        isinstance(coco.get(key), list) for key in ("images", "annotations", "categories")
    ):
        raise fail(f"{source} needs the lists 'images', 'annotations' and 'categories'")
    categories = sorted(coco["categories"], key=lambda category: category["id"])
    if not categories:
        raise fail(f"{source} has no categories; list the classes the boxes belong to")
    label_of = {category["id"]: index for index, category in enumerate(categories)}
    files = {}
    for entry in coco["images"]:
        path = folder / entry["file_name"]
        if not path.exists() and (folder / "images" / entry["file_name"]).exists():
            path = folder / "images" / entry["file_name"]
        files[entry["id"]] = (path, entry["file_name"])
    boxes: dict[Any, list[Box]] = {image_id: [] for image_id in files}
    for annotation in coco["annotations"]:
        image_id = annotation["image_id"]
        if image_id not in files:
            raise fail(
                f"annotation {annotation.get('id')} in {source} is for image id {image_id!r}, "
                "which the file's images do not list; add the image or remove the annotation"
            )
        if annotation["category_id"] not in label_of:
            raise fail(
                f"annotation {annotation.get('id')} in {source} has category id "
                f"{annotation['category_id']!r}, which is not among the categories "
                f"{sorted(label_of)}; add the category or fix the annotation"
            )
        x, y, width, height = (float(v) for v in annotation["bbox"])
        boxes[image_id].append(Box(label_of[annotation["category_id"]], x, y, width, height))
    if not any(boxes.values()):
        raise fail(f"{source} has no annotations; a detector learns from boxes")
    images = []
    for image_id, (path, shown) in files.items():
        width, height = image_size(path, repr(shown))
        image = Image(path, width, height, tuple(boxes[image_id]))
        for box in image.boxes:
            check_box(box, image, repr(shown), "annotations.json")
        images.append(image)
    return Dataset(tuple(str(category["name"]) for category in categories), tuple(images))


def yolo_classes(folder: Path) -> tuple[str, ...]:
    """The class names: classes.txt (one a line) or the `names` of data.yaml (a list, or a
    mapping from index to name)."""
    if (folder / "classes.txt").is_file():
        lines = (folder / "classes.txt").read_text(encoding="utf-8").splitlines()
        names = [line.strip() for line in lines if line.strip()]
    elif (folder / "data.yaml").is_file():
        names = (yaml.safe_load((folder / "data.yaml").read_text(encoding="utf-8")) or {}).get(
            "names"
        ) or []
        if isinstance(names, dict):
            names = [names[index] for index in sorted(names)]
    else:
        raise fail(f"{folder} has no classes.txt or data.yaml; a YOLO data set names its classes")
    if not names:
        raise fail(f"the class list of {folder} is empty; name the classes the boxes belong to")
    return tuple(str(name) for name in names)


def read_yolo(folder: Path) -> Dataset:
    """`images/**` with `labels/<same path>.txt` (sub-folders such as train/ and val/
    mirrored), one `class cx cy w h` line a box, the centre and size as fractions of the
    image's width and height. An image without a label file has no boxes."""
    classes = yolo_classes(folder)
    pictures = {
        path.relative_to(folder / "images").with_suffix("").as_posix(): path
        for path in sorted((folder / "images").rglob("*"))
        if path.suffix.lower() in IMAGE_SUFFIXES
    }
    for label_file in sorted((folder / "labels").rglob("*.txt")):
        key = label_file.relative_to(folder / "labels").with_suffix("").as_posix()
        if key not in pictures:
            raise fail(
                f"labels/{key}.txt has no image images/{key}.* beside it; "
                "add the image or remove the label file"
            )
    images, count = [], 0
    for key, path in pictures.items():
        shown = repr(path.relative_to(folder).as_posix())
        width, height = image_size(path, shown)
        image = Image(path, width, height, ())
        label_file = folder / "labels" / f"{key}.txt"
        lines = label_file.read_text(encoding="utf-8").splitlines() if label_file.is_file() else []
        boxes = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"labels/{key}.txt line {number}"
            try:
                label, cx, cy, w, h = line.split()
                label, cx, cy, w, h = int(label), float(cx), float(cy), float(w), float(h)
            except ValueError:
                raise fail(f"{where} is not 'class cx cy w h': {line.strip()!r}") from None
            if not 0 <= label < len(classes):
                raise fail(
                    f"{where} has class {label}, but there are {len(classes)} classes "
                    f"(0..{len(classes) - 1}); fix the line or the class list"
                )
            box = Box(label, (cx - w / 2) * width, (cy - h / 2) * height, w * width, h * height)
            check_box(box, image, shown, where)
            boxes.append(box)
        count += len(boxes)
        images.append(Image(path, width, height, tuple(boxes)))
    if not images:
        raise fail(f"{folder / 'images'} holds no images ({', '.join(IMAGE_SUFFIXES)})")
    if not count:
        raise fail(f"{folder / 'labels'} holds no boxes; a detector learns from boxes")
    return Dataset(classes, tuple(images))


def detect_format(folder: Path) -> str:
    if (folder / "annotations.json").is_file():
        return "coco"
    if (folder / "labels").is_dir():
        return "yolo"
    raise fail(
        f"{folder} holds neither annotations.json (COCO) nor a labels/ folder (YOLO); "
        "set params.yaml data.format or point data.path at the data set's folder"
    )


def read_dataset(folder: Path, data_format: str | None = None) -> Dataset:
    """The data set in `folder`, checked: one `Error:` line for the first problem found."""
    if not folder.is_dir():
        raise fail(f"data folder {folder} is not there; set params.yaml data.path")
    data_format = data_format or detect_format(folder)
    readers = {"coco": read_coco, "yolo": read_yolo}
    if data_format not in readers:
        raise fail(f"data.format {data_format!r} in params.yaml is not one of coco, yolo, null")
    return readers[data_format](folder)


def write_demo(folder: Path, count: int, seed: int, size: int = 64) -> Path:
    """`count` images of `size` pixels with one to three shapes each (square, circle,
    triangle; any colour) on noisy grey, and their exact boxes, as COCO JSON."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    rng = np.random.default_rng(seed)
    (folder / "images").mkdir(parents=True, exist_ok=True)
    images, annotations = [], []
    for index in range(count):
        background = rng.normal(128, 24, (size, size, 3)).clip(0, 255).astype(np.uint8)
        picture = PILImage.fromarray(background)
        draw = ImageDraw.Draw(picture)
        placed: list[tuple[int, int, int, int]] = []
        for _ in range(int(rng.integers(1, 4))):
            side = int(rng.integers(size // 5, size // 2))
            for _attempt in range(20):  # shapes apart, so every box is all visible
                x, y = (int(v) for v in rng.integers(0, size - side, 2))
                if all(
                    x + side <= a or a + c <= x or y + side <= b or b + c <= y
                    for a, b, c, _ in placed
                ):
                    break
            else:
                continue
            label = int(rng.integers(len(DEMO_CLASSES)))
            colour = tuple(int(v) for v in rng.integers(0, 256, 3))
            corner = (x + side - 1, y + side - 1)  # Pillow's shapes include this pixel
            if label == 0:
                draw.rectangle([(x, y), corner], fill=colour)
            elif label == 1:
                draw.ellipse([(x, y), corner], fill=colour)
            else:
                draw.polygon([(x, corner[1]), corner, (x + (side - 1) / 2, y)], fill=colour)
            placed.append((x, y, side, label))
        name = f"images/shape_{index:04d}.png"
        picture.save(folder / name)
        images.append({"id": index, "file_name": name, "width": size, "height": size})
        for x, y, side, label in placed:
            annotations.append(
                {
                    "id": len(annotations),
                    "image_id": index,
                    "category_id": label,
                    "bbox": [x, y, side, side],
                    "area": side * side,
                    "iscrowd": 0,
                }
            )
    categories = [{"id": i, "name": name} for i, name in enumerate(DEMO_CLASSES)]
    coco = {"images": images, "annotations": annotations, "categories": categories}
    (folder / "annotations.json").write_text(json.dumps(coco) + "\n", encoding="utf-8")
    return folder


def to_coco(dataset: Dataset, images: list[Image], names: dict[Path, str]) -> dict[str, Any]:
    """COCO JSON for these images, file names as `names` gives them, labels as category ids."""
    coco_images, annotations = [], []
    for image_id, image in enumerate(images):
        coco_images.append(
            {
                "id": image_id,
                "file_name": names[image.path],
                "width": image.width,
                "height": image.height,
            }
        )
        for box in image.boxes:
            annotations.append(
                {
                    "id": len(annotations) + 1,  # pycocotools treats id 0 as "no match"
                    "image_id": image_id,
                    "category_id": box.label,
                    "bbox": box.xywh,
                    "area": box.width * box.height,
                    "iscrowd": 0,
                }
            )
    categories = [{"id": index, "name": name} for index, name in enumerate(dataset.classes)]
    return {"images": coco_images, "annotations": annotations, "categories": categories}


def prepare(config: Config) -> dict[str, int]:
    """Read (or generate) the data, check it, split it by image (seeded) and write
    data/processed/: train.json, val.json, images/ and manifest.json. Everything is written
    to a temporary folder first and moved into place at the end, so a failure leaves
    nothing half-written."""
    settings, seed = config["data"], config["seed"]
    processed = config.path("data", "processed")
    with tempfile.TemporaryDirectory(dir=config.root, prefix=".prepare-") as scratch:
        scratch = Path(scratch)
        if settings.get("path"):
            source = config.path(settings["path"])
            if not source.is_dir():
                raise fail(f"data folder {source} is not there; set params.yaml data.path")
            data_format = settings.get("format") or detect_format(source)
            dataset = read_dataset(source, data_format)
        else:
            data_format = "coco"
            dataset = read_dataset(write_demo(scratch / "demo", settings["demo_images"], seed))
        order = np.random.default_rng(seed).permutation(len(dataset.images))
        count_val = max(1, round(len(order) * settings["val_size"]))
        if len(order) - count_val < 1:
            raise fail(f"{len(order)} image(s) is too few to split into training and validation")
        splits = {
            "train": [dataset.images[i] for i in sorted(order[count_val:])],
            "val": [dataset.images[i] for i in sorted(order[:count_val])],
        }
        if not any(image.boxes for image in splits["val"]):
            raise fail(
                f"the validation split ({count_val} images) holds no box to score; raise "
                "params.yaml data.val_size or add images with boxes"
            )
        out = scratch / "processed"
        (out / "images").mkdir(parents=True)
        names = {}
        for index, image in enumerate(dataset.images):
            # Copies, so that data/processed is all that training reads and DVC versions;
            # numbered, because images from different sub-folders may share a file name.
            names[image.path] = f"images/{index:06d}{image.path.suffix.lower()}"
            shutil.copyfile(image.path, out / names[image.path])
        for split, images in splits.items():
            coco = to_coco(dataset, images, names)
            (out / f"{split}.json").write_text(json.dumps(coco) + "\n", encoding="utf-8")
        counts = {split: len(images) for split, images in splits.items()}
        manifest = {
            "source": str(settings.get("path") or "demo shapes"),
            "format": data_format,
            "classes": list(dataset.classes),
            "images": counts,
            "boxes": {split: sum(len(i.boxes) for i in images) for split, images in splits.items()},
            "seed": seed,
        }
        (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        if processed.exists():
            shutil.rmtree(processed)
        processed.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(out), processed)
    return counts


def load_split(config: Config, split: str) -> dict[str, Any]:
    """The COCO JSON of a prepared split, its file names resolved to paths."""
    folder = config.path("data", "processed")
    path = folder / f"{split}.json"
    if not path.is_file():
        raise fail(f"{path} is not there; run `python -m {__package__}.prepare` first")
    coco = json.loads(path.read_text(encoding="utf-8"))
    for image in coco["images"]:
        image["path"] = str(folder / image["file_name"])
    return coco
