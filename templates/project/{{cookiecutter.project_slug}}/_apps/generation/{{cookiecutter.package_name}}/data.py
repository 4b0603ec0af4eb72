"""The captioned images: the team's folder (checked whole before anything is written) or
the demo shapes, split, and resized and centre-cropped to one square size.

The team's folder (`data.path` in params.yaml) holds images, in sub-folders or not, and one
caption file naming them by their path relative to the folder:

- `captions.csv` with the columns `file` and `caption`, or
- `metadata.jsonl`, one JSON object a line with `file_name` and `text` (the Hugging Face
  imagefolder layout, so a folder made for `datasets` works as it is).

Every image needs a non-empty caption, every caption an image that opens. A folder that
breaks a rule stops `prepare` with one `Error:` line naming the file.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageOps

from .config import Config

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"}
LAYOUT = (
    "captions.csv (columns file, caption) or metadata.jsonl (one JSON object a line with "
    "file_name and text)"
)
# The demo data: each colour and shape in turn, on a plain light background.
COLOURS = {
    "red": (215, 40, 40),
    "green": (40, 160, 60),
    "blue": (40, 80, 215),
    "yellow": (235, 195, 30),
}
SHAPES = ("circle", "square", "triangle")
BACKGROUNDS = ((255, 255, 255), (232, 232, 232), (250, 242, 225))
DEMO_SIZE = 64  # pixels a side of a drawn demo image


def _error(message: str) -> SystemExit:
    """One `Error:` line and a non-zero exit, no traceback."""
    return SystemExit(f"Error: {message}")


def demo_images(count: int, seed: int) -> list[tuple[Image.Image, str]]:
    """`count` captioned shapes ("a red circle"), every colour and shape about as often."""
    rng = np.random.default_rng(seed)
    colours = list(COLOURS)
    drawn = []
    for index in range(count):
        colour = colours[index % len(colours)]
        shape = SHAPES[(index // len(colours)) % len(SHAPES)]
        image = Image.new(
            "RGB", (DEMO_SIZE, DEMO_SIZE), BACKGROUNDS[rng.integers(len(BACKGROUNDS))]
        )
        half = int(rng.integers(DEMO_SIZE * 0.22, DEMO_SIZE * 0.36))
        x, y = (int(v) for v in rng.integers(half + 2, DEMO_SIZE - half - 2, size=2))
        box = (x - half, y - half, x + half, y + half)
        draw = ImageDraw.Draw(image)
        if shape == "circle":
            draw.ellipse(box, fill=COLOURS[colour])
        elif shape == "square":
            draw.rectangle(box, fill=COLOURS[colour])
        else:
            draw.polygon(
                [(x, y - half), (x - half, y + half), (x + half, y + half)], fill=COLOURS[colour]
            )
        drawn.append((image, f"a {colour} {shape}"))
    return drawn


def _read_captions(folder: Path) -> tuple[str, list[tuple[str, str]]]:
    """The caption file's name and its (image path, caption) rows, in file order."""
    present = [name for name in ("captions.csv", "metadata.jsonl") if (folder / name).is_file()]
    if not present:
        raise _error(f"{folder} has no caption file; add {LAYOUT}")
    if len(present) == 2:
        raise _error(f"{folder} has both captions.csv and metadata.jsonl; keep one of them")
    name = present[0]
    rows = []
    if name == "captions.csv":
        with (folder / name).open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"file", "caption"} - set(reader.fieldnames or [])
            if missing:
                raise _error(
                    f"{folder / name} needs the columns file and caption; it lacks "
                    f"{', '.join(sorted(missing))}"
                )
            for row in reader:
                rows.append((row["file"] or "", row["caption"] or ""))
    else:
        with (folder / name).open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    entry = None
                if not isinstance(entry, dict) or not {"file_name", "text"} <= entry.keys():
                    raise _error(
                        f"{folder / name} line {number} is not a JSON object with file_name "
                        "and text"
                    )
                rows.append((str(entry["file_name"]), str(entry["text"] or "")))
    return name, rows


def read_folder(folder: Path, resolution: int) -> list[tuple[np.ndarray, str]]:
    """The folder's images (resized and centre-cropped to `resolution`, RGB) with their
    captions; any image without a caption, caption without an image, empty caption or
    image that does not open is one `Error:` line."""
    if not folder.is_dir():
        raise _error(
            f"data.path {str(folder)!r} in params.yaml is not a folder; point it at a folder "
            f"of images with {LAYOUT}"
        )
    name, rows = _read_captions(folder)
    images = {
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.suffix.lower() in IMAGE_SUFFIXES and path.is_file()
    }
    captions: dict[str, str] = {}
    for file, caption in rows:
        key = Path(file.strip()).as_posix()
        if key in captions:
            raise _error(f"{name} lists {key} twice; keep one caption per image")
        if key not in images:
            raise _error(
                f"{name} has a caption for {key}, which is not an image in {folder}; add the "
                "image or remove its caption"
            )
        if not caption.strip():
            raise _error(f"the caption of {key} in {name} is empty; write one or remove the row")
        captions[key] = caption.strip()
    uncaptioned = sorted(images - captions.keys())
    if uncaptioned:
        more = f" (and {len(uncaptioned) - 1} more)" if len(uncaptioned) > 1 else ""
        raise _error(
            f"the image {uncaptioned[0]}{more} has no caption in {name}; add one, or move the "
            f"image out of {folder}"
        )
    if len(captions) < 2:
        raise _error(
            f"{folder} has {len(captions)} captioned image(s); prepare needs at least 2, one "
            "to train on and one to test"
        )
    loaded = []
    for key, caption in captions.items():
        try:
            with Image.open(folder / key) as image:
                pixels = fit(image, resolution)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise _error(
                f"the image {key} cannot be read ({reason}); replace it, or remove it and its "
                "caption"
            ) from None
        loaded.append((pixels, caption))
    return loaded


def fit(image: Image.Image, resolution: int) -> np.ndarray:
    """The image as RGB, its shorter side resized to `resolution` and the longer one
    centre-cropped to it: an H x W x 3 array of bytes."""
    image = ImageOps.exif_transpose(image).convert("RGB")
    square = ImageOps.fit(image, (resolution, resolution), Image.Resampling.BICUBIC)
    return np.asarray(square, dtype=np.uint8)


def prepare(config: Config) -> dict[str, int]:
    """Write data/processed/{train,test}.npz: `images` (N x H x W x 3 bytes) and
    `captions`; every image is read and checked before either file is written."""
    from sklearn.model_selection import train_test_split

    settings = config["data"]
    resolution = int(settings["resolution"])
    if settings.get("path"):
        rows = read_folder(config.path(settings["path"]), resolution)
    else:
        rows = [
            (fit(image, resolution), caption)
            for image, caption in demo_images(settings["demo_images"], config["seed"])
        ]
    train, test = train_test_split(
        rows, test_size=settings["test_size"], random_state=config["seed"]
    )
    folder = config.path("data", "processed")
    folder.mkdir(parents=True, exist_ok=True)
    for split, part in (("train", train), ("test", test)):
        np.savez(
            folder / f"{split}.npz",
            images=np.stack([pixels for pixels, _ in part]),
            captions=np.array([caption for _, caption in part]),
        )
    return {"train": len(train), "test": len(test)}


def load_split(config: Config, split: str) -> tuple[np.ndarray, list[str]]:
    """The images (N x H x W x 3 bytes) and captions of a prepared split."""
    path = config.path("data", "processed", f"{split}.npz")
    if not path.is_file():
        raise _error(f"{path} is missing; run `python -m {__package__}.prepare` first")
    with np.load(path) as saved:
        return saved["images"], [str(caption) for caption in saved["captions"]]
