"""Score the adapters on the held-out images and draw samples: metrics.json and
plots/samples.png.

- `denoising_loss`: the noise-prediction error on data/processed/test.npz at the fixed
  timesteps `evaluate.timesteps`, with noise drawn from the seed, so two evaluations of the
  same model agree and the base model (`base_denoising_loss`, the checkpoint without the
  adapters) meets the very same noise. Lower is better.
- plots/samples.png: a grid, a row for each of `evaluate.prompts` and
  `evaluate.samples_per_prompt` columns, drawn with the adapters.

Run it with `python -m {{ cookiecutter.package_name }}.evaluate`.
"""

from __future__ import annotations

import json
from typing import Any

import torch

from .config import Config, load_config, parse_args, seed_everything
from .data import load_split
from .device import autocast_dtype, select_device
from .diffusion import (
    Parts,
    encode,
    load_lora,
    load_parts,
    noise_loss,
    pipeline,
    to_pixels,
    trained_lora,
)

SAMPLES = ("plots", "samples.png")


@torch.no_grad()
def denoising_loss(config: Config, parts: Parts, unet: Any) -> float:
    """The mean noise-prediction error over every test image at every timestep of
    `evaluate.timesteps`, with the same noise on every call."""
    settings = config["evaluate"]
    images, captions = load_split(config, "test")
    device = parts.vae.device
    noise_source = torch.Generator().manual_seed(config["seed"])
    total, count = 0.0, 0
    for start in range(0, len(captions), settings["batch_size"]):
        end = start + settings["batch_size"]
        pixels = to_pixels(images[start:end], device, parts.vae.dtype)
        latents, states = encode(parts, pixels, captions[start:end], sample=False)
        for step in settings["timesteps"]:
            # Drawn on the CPU: the same numbers whatever the device.
            noise = torch.randn(latents.shape, generator=noise_source).to(device, latents.dtype)
            timesteps = torch.full((len(latents),), int(step), device=device, dtype=torch.long)
            loss = noise_loss(unet, parts.scheduler, latents, states, noise, timesteps)
            total += loss.item() * len(latents)
            count += len(latents)
    return total / count


def sample_grid(config: Config, built: Any) -> Any:
    """A PIL image: a row of `evaluate.samples_per_prompt` samples for each prompt."""
    from diffusers.utils import make_image_grid

    settings = config["evaluate"]
    prompts = list(settings["prompts"])
    columns = settings["samples_per_prompt"]
    resolution = config["data"]["resolution"]
    generator = torch.Generator().manual_seed(config["seed"])
    images = built(
        prompts,
        num_images_per_prompt=columns,
        num_inference_steps=settings["inference_steps"],
        guidance_scale=settings["guidance_scale"],
        height=resolution,
        width=resolution,
        generator=generator,
    ).images  # prompt by prompt, each prompt's samples together
    return make_image_grid(images, rows=len(prompts), cols=columns)


def main(argv: list[str] | None = None) -> dict:
    """Evaluate; returns what was written to metrics.json."""
    args = parse_args(__doc__, argv)
    config = load_config(args.params)
    adapters = trained_lora(config)
    seed_everything(config["seed"])
    device = select_device()
    parts = load_parts(
        config, device, autocast_dtype(device, config["train"]["amp"]) or torch.float32
    )
    built = pipeline(parts)
    base = denoising_loss(config, parts, parts.unet)
    load_lora(built, adapters)
    tuned = denoising_loss(config, parts, parts.unet)
    grid = sample_grid(config, built)

    result = {"denoising_loss": tuned, "base_denoising_loss": base}
    config.path(*SAMPLES).parent.mkdir(exist_ok=True)
    grid.save(config.path(*SAMPLES))
    config.path("metrics.json").write_text(json.dumps(result, indent=2) + "\n")
    change = "lower" if tuned < base else "not lower"
    print(f"denoising_loss on the test split: {tuned:.4f} (base model {base:.4f}: {change})")
    print(f"samples for {len(config['evaluate']['prompts'])} prompts: {'/'.join(SAMPLES)}")
    return result


if __name__ == "__main__":
    main()
