"""A tiny RT-DETR checkpoint, built here from a config and saved with save_pretrained
(random weights, no timm and no Hub backbone), so the detection recipe loads it through the
real `from_pretrained` path without a download."""

from __future__ import annotations

from pathlib import Path


def tiny_detector_checkpoint(folder: Path, *, labels: int = 2, size: int = 64) -> Path:
    """RT-DETR with a four-stage ResNet (widths 8-32), one encoder layer and two decoder
    layers of width 32, 20 queries, and an image processor for `size` x `size` images. Its
    heads have `labels` classes, so a project with another count gets new ones."""
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
        use_pretrained_backbone=False,
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
        num_labels=labels,
    )
    RTDetrForObjectDetection(config).save_pretrained(folder)
    RTDetrImageProcessor(size={"height": size, "width": size}).save_pretrained(folder)
    return folder
