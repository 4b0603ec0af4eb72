"""Score the trained detector on the validation split: COCO mAP through pycocotools, written
to metrics.json.

Run it with `python -m {{ cookiecutter.package_name }}.evaluate`.
"""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

from .config import Config, load_config, parse_args
from .data import load_split
from .detector import TRAINED, detect, load_model, load_processor
from .device import select_device

# What COCOeval's summary holds at these positions (stats[0], [1], [2]): mAP averaged over
# IoU thresholds 0.50:0.95, and at IoU 0.50 and 0.75; all areas, up to 100 boxes an image.
METRICS = {"map": 0, "map_50": 1, "map_75": 2}


def score(ground_truth: dict[str, Any], detections: list[dict[str, Any]]) -> dict[str, float]:
    """COCO mAP of `detections` ([{"image_id", "category_id", "bbox": [x, y, w, h],
    "score"}]) against `ground_truth` (COCO JSON with images, annotations, categories).
    No detection at all scores 0."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    if not detections:
        return dict.fromkeys(METRICS, 0.0)
    # pycocotools prints its progress and its table; the numbers are returned instead.
    with contextlib.redirect_stdout(io.StringIO()):
        truth = COCO()
        truth.dataset = {k: ground_truth[k] for k in ("images", "annotations", "categories")}
        truth.createIndex()
        evaluation = COCOeval(truth, truth.loadRes(detections), iouType="bbox")
        evaluation.evaluate()
        evaluation.accumulate()
        evaluation.summarize()
    # -1 marks "no box to score" (no ground truth at all): no detection can be right there.
    return {name: max(float(evaluation.stats[i]), 0.0) for name, i in METRICS.items()}


def predict_split(config: Config, coco: dict[str, Any]) -> list[dict[str, Any]]:
    """The trained detector's boxes on a prepared split, as COCO results."""
    settings = config["evaluate"]
    device = select_device()
    model = load_model(config, TRAINED).to(device)
    processor = load_processor(config, TRAINED)
    found = detect(
        model,
        processor,
        [image["path"] for image in coco["images"]],
        threshold=settings["threshold"],
        batch_size=settings["batch_size"],
        device=device,
    )
    results = []
    for image, boxes in zip(coco["images"], found, strict=True):
        for (x0, y0, x1, y1), label, confidence in zip(
            boxes["boxes"], boxes["labels"], boxes["scores"], strict=True
        ):
            results.append(
                {
                    "image_id": image["id"],
                    "category_id": int(label),  # the model's labels are the category ids
                    "bbox": [x0, y0, x1 - x0, y1 - y0],
                    "score": float(confidence),
                }
            )
    return results


def main(argv: list[str] | None = None) -> dict:
    """Evaluate; returns what was written to metrics.json."""
    args = parse_args(__doc__, argv)
    config = load_config(args.params)
    metric = config["evaluate"]["metric"]
    if metric not in METRICS:
        raise SystemExit(
            f"Error: evaluate.metric {metric!r} in params.yaml is not one of {list(METRICS)}"
        )
    coco = load_split(config, "val")
    if not config.path(TRAINED).is_dir():
        raise SystemExit(
            f"Error: {TRAINED}/ is not there; run `python -m {__package__}.train` first"
        )
    result = {**score(coco, predict_split(config, coco)), "metric": metric}
    config.path("metrics.json").write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"{metric} on the validation split: {result[metric]:.4f} "
        f"(mAP@.5 {result['map_50']:.4f}, {len(coco['images'])} images)"
    )
    return result


if __name__ == "__main__":
    main()
