"""A tiny text-to-image pipeline folder, built here from configs (random weights) and saved
with `StableDiffusionPipeline.save_pretrained`, so that the generation recipe loads every
component through the real `from_pretrained` path without a download.

The generated project's tests/test_pipeline.py builds the same folder for itself: a project
cannot import the advisor's tests.
"""

from __future__ import annotations

import json
from pathlib import Path

# The words of the demo captions (the generated data.py: "a red circle", ...), so that each
# is one token of the tiny tokenizer's vocabulary.
DEMO_WORDS = ["a", "red", "green", "blue", "yellow", "circle", "square", "triangle"]
END = "<|endoftext|>"
START = "<|startoftext|>"


def _tokenizer_files(folder: Path) -> tuple[Path, Path]:
    """vocab.json and merges.txt of a byte-pair encoding that knows the letters and, through
    one chain of merges each, the demo words (CLIP marks a word's last symbol with </w>)."""
    letters = [chr(code) for code in range(ord("a"), ord("z") + 1)]
    vocab = [START, END, *letters, *(f"{letter}</w>" for letter in letters)]
    merges: list[tuple[str, str]] = []
    for word in DEMO_WORDS:
        symbols = [*word[:-1], f"{word[-1]}</w>"]
        merged = symbols[0]
        for symbol in symbols[1:]:
            if (merged, symbol) not in merges:
                merges.append((merged, symbol))
            merged += symbol
            if merged not in vocab:
                vocab.append(merged)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps({token: i for i, token in enumerate(vocab)}))
    lines = ["#version: 0.2", *(f"{left} {right}" for left, right in merges)]
    (folder / "merges.txt").write_text("\n".join(lines) + "\n")
    return folder / "vocab.json", folder / "merges.txt"


def tiny_generation_checkpoint(folder: Path) -> Path:
    """A Stable-Diffusion-shaped pipeline folder: a two-block UNet2DConditionModel (widths
    32 and 64, cross-attention over 32-wide text states), a two-block AutoencoderKL (32 px
    images to 16 x 16 x 4 latents), a two-layer CLIP text encoder with its tokenizer, and
    a DDPM scheduler; no safety checker."""
    import torch
    from diffusers import (
        AutoencoderKL,
        DDPMScheduler,
        StableDiffusionPipeline,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    torch.manual_seed(0)  # the same random weights every time
    vocab, merges = _tokenizer_files(folder / "_tokenizer_source")
    tokenizer = CLIPTokenizer(
        str(vocab), str(merges), unk_token=END, bos_token=START, eos_token=END, pad_token=END,
        model_max_length=8,
    )  # fmt: skip
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            vocab_size=len(tokenizer),
            hidden_size=32,
            intermediate_size=37,
            num_hidden_layers=2,
            num_attention_heads=4,
            max_position_embeddings=8,
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
        )
    )
    unet = UNet2DConditionModel(
        sample_size=16,
        in_channels=4,
        out_channels=4,
        block_out_channels=(32, 64),
        layers_per_block=1,
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=32,
        attention_head_dim=8,
        norm_num_groups=32,
    )
    vae = AutoencoderKL(
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
        block_out_channels=(32, 64),
        latent_channels=4,
        layers_per_block=1,
        norm_num_groups=32,
        sample_size=32,
    )
    # Stable Diffusion 1.5's noise schedule.
    scheduler = DDPMScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        num_train_timesteps=1000,
        steps_offset=1,
        clip_sample=False,
    )
    pipeline = StableDiffusionPipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        unet=unet,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    target = folder / "tiny-stable-diffusion"
    pipeline.save_pretrained(target)
    return target
