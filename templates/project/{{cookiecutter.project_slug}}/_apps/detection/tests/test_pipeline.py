"""Fine-tune a tiny random RT-DETR on the demo shapes: the loss must fall, mAP must be
scored, and every artefact must appear. The checkpoint is built from a config and saved
locally, so nothing is downloaded."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from {{ cookiecutter.package_name }} import evaluate, predict, prepare, train

PROJECT = Path(__file__).resolve().parents[1]


def tiny_checkpoint(folder: Path) -> Path:
    """An RT-DETR with a four-stage ResNet of widths 8-32, one encoder and two decoder
    layers of width 32, and a processor for 64 x 64 images (random weights)."""
    from transformers import (
        RTDetrConfig,
        RTDetrForObjectDetection,
        RTDetrImageProcessor,
        RTDetrResNetConfig,
    )

    backbone = RTDetrResNetConfig(
        embedding_size=8,
        hidden_sizes=[8, 16, 24, 32],
        depths=[1, 1, 1, 1],
        layer_type="basic",
        out_features=["stage2", "stage3", "stage4"],
    )
    config = RTDetrConfig(
        backbone_config=backbone,
        use_pretrained_backbone=False,  # built here, not fetched from timm or the Hub
        use_timm_backbone=False,
        encoder_in_channels=[16, 24, 32],
        encoder_hidden_dim=32,
        encoder_layers=1,
        encoder_ffn_dim=64,
        encoder_attention_heads=2,
        hidden_expansion=0.5,
        d_model=32,
        decoder_in_channels=[32, 32, 32],
        decoder_layers=2,
        decoder_ffn_dim=64,
        decoder_attention_heads=2,
        decoder_n_points=2,
        num_queries=20,
        num_denoising=10,
        num_labels=2,  # another count than the demo's three: the heads must be rebuilt
    )
    RTDetrForObjectDetection(config).save_pretrained(folder)
    RTDetrImageProcessor(size={"height": 64, "width": 64}).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_checkpoint(tmp_path_factory.mktemp("checkpoint") / "tiny-rtdetr")


def write_params(folder: Path, checkpoint: Path, **train_settings) -> Path:
    """A copy of params.yaml in `folder`: the tiny checkpoint, fewer images, tracking off."""
    params = yaml.safe_load((PROJECT / "params.yaml").read_text())
    params["model"]["checkpoint"] = str(checkpoint)
    params["data"]["demo_images"] = 48
    params["tracking"]["enabled"] = False
    params["train"].update(batch_size=8, lr=1.0e-3, backbone_lr=1.0e-3, workers=0)
    params["train"].update(train_settings)
    path = folder / "params.yaml"
    path.write_text(yaml.safe_dump(params))
    return path


def test_fine_tuning_lowers_the_loss_scores_map_and_writes_its_artefacts(
    checkpoint: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    params = write_params(tmp_path, checkpoint, epochs=3)
    counts = prepare.main(["--params", str(params)])
    assert counts == {"train": 38, "val": 10}
    manifest = json.loads((tmp_path / "data" / "processed" / "manifest.json").read_text())
    assert manifest["classes"] == ["square", "circle", "triangle"]

    result = train.main(["--params", str(params)])
    losses = result["losses"]
    assert len(losses) == 3 and losses[-1] < losses[0], losses
    saved = tmp_path / "models" / "detector"
    assert (saved / "model.safetensors").is_file()
    assert (saved / "preprocessor_config.json").is_file()
    assert json.loads((saved / "config.json").read_text())["id2label"] == {
        "0": "square",
        "1": "circle",
        "2": "triangle",
    }
    assert (tmp_path / "plots" / "loss.csv").is_file()

    metrics = evaluate.main(["--params", str(params)])
    assert json.loads((tmp_path / "metrics.json").read_text()) == metrics
    assert metrics["metric"] == "map"
    assert 0.0 <= metrics["map"] <= metrics["map_50"] <= 1.0

    # Resume: the checkpoint of that run, one more epoch, in a run folder of its own.
    last = Path(result["run_dir"]) / "last.pt"
    resumed = write_params(tmp_path, checkpoint, epochs=4, resume=str(last))
    again = train.main(["--params", str(resumed)])
    assert again["losses"][:3] == pytest.approx(losses) and len(again["losses"]) == 4

    output = tmp_path / "predictions.json"
    images = tmp_path / "data" / "processed" / "images"
    found = predict.main([str(images), "--output", str(output), "--params", str(params)])
    assert json.loads(output.read_text()) == found
    assert len(found) == 48


def test_a_perfect_prediction_scores_map_one_and_a_shifted_one_less(
    checkpoint: Path, tmp_path: Path
) -> None:
    prepare.main(["--params", str(write_params(tmp_path, checkpoint))])
    truth = json.loads((tmp_path / "data" / "processed" / "val.json").read_text())
    perfect = [
        {
            "image_id": a["image_id"],
            "category_id": a["category_id"],
            "bbox": a["bbox"],
            "score": 1.0,
        }
        for a in truth["annotations"]
    ]
    assert evaluate.score(truth, perfect) == {"map": 1.0, "map_50": 1.0, "map_75": 1.0}
    # A quarter of its width to the right: IoU 0.6, a hit at IoU .5, a miss at .75.
    shifted = [{**d, "bbox": [d["bbox"][0] + d["bbox"][2] / 4, *d["bbox"][1:]]} for d in perfect]
    scores = evaluate.score(truth, shifted)
    assert scores["map_50"] == 1.0 and scores["map_75"] == 0.0 and scores["map"] < 0.5
    assert evaluate.score(truth, []) == {"map": 0.0, "map_50": 0.0, "map_75": 0.0}


def test_a_box_outside_its_image_stops_prepare_with_one_line(
    checkpoint: Path, tmp_path: Path
) -> None:
    data = tmp_path / "mine"
    prepare.main(["--params", str(write_params(tmp_path, checkpoint))])
    shutil.copytree(tmp_path / "data" / "processed", data)
    shutil.copy(data / "train.json", data / "annotations.json")
    coco = json.loads((data / "annotations.json").read_text())
    coco["annotations"][0]["bbox"] = [50, 50, 30, 30]  # past the 64-pixel edge
    (data / "annotations.json").write_text(json.dumps(coco))
    params = yaml.safe_load((tmp_path / "params.yaml").read_text())
    params["data"]["path"] = str(data)
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params))
    shutil.rmtree(tmp_path / "data")

    with pytest.raises(SystemExit) as exited:
        prepare.main(["--params", str(tmp_path / "params.yaml")])
    assert str(exited.value.code).startswith("Error: box [50.0, 50.0, 30.0, 30.0]")
    assert not (tmp_path / "data").exists()
