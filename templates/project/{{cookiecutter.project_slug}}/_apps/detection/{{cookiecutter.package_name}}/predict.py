"""Boxes for a folder of images (or one image) with the trained detector, as JSON.

Run it with `python -m {{ cookiecutter.package_name }}.predict data/processed/images --output predictions.json`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .config import load_config
from .data import IMAGE_SUFFIXES, image_size
from .detector import TRAINED, detect, load_model, load_processor
from .device import select_device


def main(argv: list[str] | None = None) -> dict[str, list[dict]]:
    """Predict; returns {file name: [{"label", "score", "box": [x, y, width, height]}]}."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("input", help="a folder of images, or one image")
    parser.add_argument("--output", default="predictions.json", help="the JSON file to write")
    parser.add_argument("--threshold", type=float, default=0.5, help="lowest score kept")
    parser.add_argument("--params", default="params.yaml", help="the parameters file")
    args = parser.parse_args(argv)
    config = load_config(args.params)
    source = Path(args.input)
    paths = (
        sorted(p for p in source.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if source.is_dir()
        else [source]
    )
    if not paths:
        raise SystemExit(f"Error: {source} holds no images ({', '.join(IMAGE_SUFFIXES)})")
    for path in paths:
        image_size(path, repr(str(path)))  # every image readable before any work is done
    if not config.path(TRAINED).is_dir():
        raise SystemExit(
            f"Error: {TRAINED}/ is not there; run `python -m {__package__}.train` first"
        )
    device = select_device()
    model = load_model(config, TRAINED).to(device)
    found = detect(
        model,
        load_processor(config, TRAINED),
        paths,
        threshold=args.threshold,
        batch_size=config["evaluate"]["batch_size"],
        device=device,
    )
    names = model.config.id2label
    predictions = {
        path.name: [
            {
                "label": names[int(label)],
                "score": round(float(confidence), 4),
                "box": [round(x0, 2), round(y0, 2), round(x1 - x0, 2), round(y1 - y0, 2)],
            }
            for (x0, y0, x1, y1), label, confidence in zip(
                boxes["boxes"], boxes["labels"], boxes["scores"], strict=True
            )
        ]
        for path, boxes in zip(paths, found, strict=True)
    }
    Path(args.output).write_text(json.dumps(predictions, indent=2) + "\n")
    count = sum(len(boxes) for boxes in predictions.values())
    print(f"wrote {count} boxes for {len(paths)} images to {args.output}")
    return predictions


if __name__ == "__main__":
    main()
