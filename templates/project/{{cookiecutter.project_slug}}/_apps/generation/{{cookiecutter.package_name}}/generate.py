"""Draw images for prompts with the trained adapters: one PNG a sample.

Run it with `python -m {{ cookiecutter.package_name }}.generate "a red circle" "a blue square" --samples 4`.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import torch

from .config import load_config
from .device import autocast_dtype, select_device
from .diffusion import load_lora, load_parts, pipeline, trained_lora


def main(argv: list[str] | None = None) -> list[Path]:
    """Generate; returns the paths of the images written."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("prompts", nargs="+", help="what to draw, one argument a prompt")
    parser.add_argument("--samples", type=int, default=1, help="images a prompt")
    parser.add_argument("--output", default="generated", help="the folder for the images")
    parser.add_argument("--steps", type=int, default=None, help="default: evaluate.inference_steps")
    parser.add_argument("--params", default="params.yaml", help="the parameters file")
    args = parser.parse_args(argv)
    if args.samples < 1:
        parser.error("--samples must be 1 or more")
    config = load_config(args.params)
    adapters = trained_lora(config)
    settings = config["evaluate"]
    device = select_device()
    parts = load_parts(
        config, device, autocast_dtype(device, config["train"]["amp"]) or torch.float32
    )
    built = pipeline(parts)
    load_lora(built, adapters)
    resolution = config["data"]["resolution"]
    images = built(
        list(args.prompts),
        num_images_per_prompt=args.samples,
        num_inference_steps=args.steps or settings["inference_steps"],
        guidance_scale=settings["guidance_scale"],
        height=resolution,
        width=resolution,
        generator=torch.Generator().manual_seed(config["seed"]),
    ).images
    folder = Path(args.output)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for index, image in enumerate(images):
        prompt = args.prompts[index // args.samples]
        stem = re.sub(r"[^a-z0-9]+", "-", prompt.lower()).strip("-")[:60] or "prompt"
        path = folder / f"{stem}-{index % args.samples}.png"
        image.save(path)
        written.append(path)
    print(f"wrote {len(written)} images to {folder}")
    return written


if __name__ == "__main__":
    main()
