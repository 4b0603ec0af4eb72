"""The detector: a pretrained checkpoint (RT-DETR by default) with this project's classes,
its image processor, the batches it trains on, and its boxes for new images.

Everything goes through transformers' Auto classes, so any object-detection checkpoint
whose processor reads COCO annotations fits (RT-DETR, YOLOS, DETR, Conditional DETR).
"""

from __future__ import annotations

import inspect
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from .config import Config
from .pretrained import load_pretrained

# The trained detector and its processor, written by train and read by evaluate and predict.
TRAINED = "models/detector"


def load_processor(config: Config, name: str) -> Any:
    """The checkpoint's image processor: how images are resized and normalised, and how
    its outputs turn back into boxes."""
    from transformers import AutoImageProcessor

    return load_pretrained(AutoImageProcessor, name, str(config.root))


def load_model(config: Config, name: str, classes: list[str] | None = None) -> nn.Module:
    """The checkpoint as an object detector; with `classes`, its classification heads get
    one output per class (new, at random, when the checkpoint was trained on others)."""
    from transformers import AutoModelForObjectDetection

    if classes is None:
        return load_pretrained(AutoModelForObjectDetection, name, str(config.root))
    return load_pretrained(
        AutoModelForObjectDetection,
        name,
        str(config.root),
        id2label=dict(enumerate(classes)),
        label2id={label: index for index, label in enumerate(classes)},
        ignore_mismatched_sizes=True,
    )


def parameter_groups(net: nn.Module, settings: dict[str, Any]) -> list[dict[str, Any]]:
    """The pretrained backbone at `train.backbone_lr` (it already sees well; a large step
    would undo that), the encoder, decoder and heads at `train.lr`. Models without a
    separate backbone (YOLOS) train everything at `train.lr`."""
    backbone, rest = [], []
    for name, param in net.named_parameters():
        if param.requires_grad:
            (backbone if ".backbone." in f".{name}" else rest).append(param)
    return [
        {"params": rest, "lr": settings["lr"]},
        {"params": backbone, "lr": settings["backbone_lr"]},
    ]


def read_image(path: str | Path) -> np.ndarray:
    """An image file as H x W x 3 RGB (grey and RGBA images included)."""
    from PIL import Image

    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


class Boxes(torch.utils.data.Dataset):
    """A prepared split: each item is an image and its annotations in the COCO detection
    form image processors read ({"image_id", "annotations": [{"bbox", "category_id", ...}]})."""

    def __init__(self, coco: dict[str, Any]) -> None:
        self.images = coco["images"]
        self.annotations: dict[int, list[dict]] = defaultdict(list)
        for annotation in coco["annotations"]:
            self.annotations[annotation["image_id"]].append(annotation)

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index: int) -> tuple[np.ndarray, dict[str, Any]]:
        image = self.images[index]
        target = {"image_id": image["id"], "annotations": self.annotations[image["id"]]}
        return read_image(image["path"]), target


class Collate:
    """Batches through the processor: resized, normalised (and padded where the model
    needs it) pixels, and the boxes as the model's loss reads them (class labels, centre
    and size as fractions of the image). A class, not a closure, so DataLoader workers
    can receive it."""

    def __init__(self, processor: Any) -> None:
        self.processor = processor

    def __call__(self, batch: list[tuple[np.ndarray, dict[str, Any]]]) -> dict[str, Any]:
        images, targets = zip(*batch, strict=True)
        encoded = self.processor(
            images=list(images), annotations=list(targets), return_tensors="pt"
        )
        return dict(encoded)


def model_inputs(model: nn.Module, encoded: Any, device: torch.device) -> dict[str, Any]:
    """The processor's output that the model reads, on `device`: the pixels, the mask of
    real (not padded) pixels where the processor pads and the model reads it (DETR's; not
    YOLOS's), and the boxes when training."""
    accepted = inspect.signature(model.forward).parameters
    inputs: dict[str, Any] = {"pixel_values": encoded["pixel_values"].to(device)}
    if "pixel_mask" in encoded and "pixel_mask" in accepted:
        inputs["pixel_mask"] = encoded["pixel_mask"].to(device)
    if "labels" in encoded:
        inputs["labels"] = [{k: v.to(device) for k, v in t.items()} for t in encoded["labels"]]
    return inputs


@torch.no_grad()
def detect(
    model: nn.Module,
    processor: Any,
    paths: list[str | Path],
    *,
    threshold: float,
    batch_size: int,
    device: torch.device,
) -> list[dict[str, list]]:
    """Boxes for each image file: {"boxes": [[x0, y0, x1, y1] in pixels], "scores",
    "labels"}, the processor's post_process_object_detection above `threshold`. Images are
    read a batch at a time, so a large folder never sits in memory whole."""
    model.eval()
    found = []
    for start in range(0, len(paths), batch_size):
        chunk = [read_image(path) for path in paths[start : start + batch_size]]
        outputs = model(**model_inputs(model, processor(images=chunk, return_tensors="pt"), device))
        sizes = [image.shape[:2] for image in chunk]  # (height, width): boxes in image pixels
        for result in processor.post_process_object_detection(
            outputs, threshold=threshold, target_sizes=sizes
        ):
            found.append({key: value.cpu().tolist() for key, value in result.items()})
    return found
