"""The latent-diffusion model: its parts loaded from the checkpoint in params.yaml, LoRA
adapters on the UNet's attention projections, and the noise-prediction loss that trains
and scores them (diffusers' text-to-image LoRA recipe).

An image becomes latents through the frozen VAE, its caption text states through the
frozen CLIP text encoder; noise is added at a timestep of the DDPM schedule, and the UNet
(frozen, but for its adapters) learns to predict that noise from the noisy latents and the
text. The adapters alone are saved: a few MB beside a checkpoint of several GB.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from .config import Config
from .pretrained import load_pretrained

# Where train writes the adapters and evaluate and generate read them.
LORA_FOLDER = Path("models", "lora")


@dataclass(frozen=True)
class Parts:
    """The pipeline's parts, frozen and on the device; the UNet gains adapters in train."""

    tokenizer: Any
    text_encoder: Any
    vae: Any
    unet: Any
    scheduler: Any  # the DDPM schedule the noise is added with


def load_parts(config: Config, device: torch.device, dtype: torch.dtype) -> Parts:
    """Every part of `model.checkpoint` (a diffusers pipeline folder or Hub name), its
    weights frozen and in `dtype` (half precision on a GPU: they only run forward)."""
    from diffusers import AutoencoderKL, DDPMScheduler, UNet2DConditionModel
    from transformers import CLIPTextModel, CLIPTokenizer

    name, root = config["model"]["checkpoint"], str(config.root)
    tokenizer = load_pretrained(CLIPTokenizer, name, root, subfolder="tokenizer")
    scheduler = load_pretrained(DDPMScheduler, name, root, subfolder="scheduler")
    models = [
        load_pretrained(loader, name, root, subfolder=subfolder, torch_dtype=dtype)
        for loader, subfolder in (
            (CLIPTextModel, "text_encoder"),
            (AutoencoderKL, "vae"),
            (UNet2DConditionModel, "unet"),
        )
    ]
    for model in models:
        model.requires_grad_(False)
        model.to(device)
        model.eval()
    text_encoder, vae, unet = models
    return Parts(tokenizer, text_encoder, vae, unet, scheduler)


def add_lora(unet: Any, settings: dict[str, Any]) -> list[torch.nn.Parameter]:
    """LoRA adapters (peft) on the UNet's `model.lora_targets` layers; returns their
    parameters, the only ones that train, kept in float32 for the optimizer."""
    from diffusers.training_utils import cast_training_params
    from peft import LoraConfig

    config = LoraConfig(
        r=settings["lora_r"],
        lora_alpha=settings["lora_alpha"],
        lora_dropout=settings["lora_dropout"],
        init_lora_weights="gaussian",
        target_modules=list(settings["lora_targets"]),
    )
    try:
        unet.add_adapter(config)
    except ValueError:  # peft: no layer of the UNet has any of the names
        raise SystemExit(
            f"Error: model.lora_targets {list(settings['lora_targets'])} in params.yaml name no "
            "layer of the UNet; use its attention projections (to_q, to_k, to_v, to_out.0)"
        ) from None
    cast_training_params(unet, dtype=torch.float32)
    return [param for param in unet.parameters() if param.requires_grad]


def lora_state(unet: Any) -> dict[str, torch.Tensor]:
    """The adapters' weights (peft's names), for checkpoints."""
    from peft import get_peft_model_state_dict

    return get_peft_model_state_dict(unet)


def save_lora(unet: Any, folder: Path) -> None:
    """The adapters in diffusers' LoRA format (pytorch_lora_weights.safetensors), which
    `pipeline.load_lora_weights` reads, with their rank and scale."""
    from diffusers import StableDiffusionPipeline
    from diffusers.utils import convert_state_dict_to_diffusers

    StableDiffusionPipeline.save_lora_weights(
        save_directory=folder,
        unet_lora_layers=convert_state_dict_to_diffusers(lora_state(unet)),
        unet_lora_adapter_metadata=unet.peft_config["default"].to_dict(),
        safe_serialization=True,
    )


def to_pixels(images: np.ndarray, device: torch.device, dtype: torch.dtype) -> torch.Tensor:
    """Bytes (N x H x W x 3) to the VAE's input: N x 3 x H x W in [-1, 1]."""
    pixels = torch.as_tensor(images).permute(0, 3, 1, 2).to(device=device, dtype=torch.float32)
    return (pixels / 127.5 - 1.0).to(dtype)


@torch.no_grad()
def encode(
    parts: Parts, pixels: torch.Tensor, captions: list[str], *, sample: bool
) -> tuple[torch.Tensor, torch.Tensor]:
    """The images' latents (a draw from the VAE's posterior when `sample`, else its mode:
    the same every time) and the captions' text states."""
    posterior = parts.vae.encode(pixels).latent_dist
    latents = (posterior.sample() if sample else posterior.mode()) * parts.vae.config.scaling_factor
    tokens = parts.tokenizer(
        captions,
        padding="max_length",
        max_length=parts.tokenizer.model_max_length,
        truncation=True,
        return_tensors="pt",
    ).input_ids.to(pixels.device)
    states = parts.text_encoder(tokens, return_dict=False)[0]
    return latents, states


def noise_loss(
    unet: Any,
    scheduler: Any,
    latents: torch.Tensor,
    states: torch.Tensor,
    noise: torch.Tensor,
    timesteps: torch.Tensor,
) -> torch.Tensor:
    """The mean squared error of the UNet's prediction for latents noised at `timesteps`:
    of the noise itself (epsilon models, SD 1.x) or of the velocity (v-prediction, SD 2.x)."""
    noisy = scheduler.add_noise(latents, noise, timesteps)
    if scheduler.config.prediction_type == "epsilon":
        target = noise
    elif scheduler.config.prediction_type == "v_prediction":
        target = scheduler.get_velocity(latents, noise, timesteps)
    else:
        raise SystemExit(
            f"Error: the checkpoint's scheduler predicts {scheduler.config.prediction_type!r}; "
            "this recipe trains epsilon or v_prediction models"
        )
    predicted = unet(noisy, timesteps, states, return_dict=False)[0]
    return F.mse_loss(predicted.float(), target.float())


def pipeline(parts: Parts) -> Any:
    """A text-to-image pipeline over the parts (no safety checker: the samples are for the
    team's own evaluation), sampling with DPM-Solver++, which needs few steps."""
    from diffusers import DPMSolverMultistepScheduler, StableDiffusionPipeline

    built = StableDiffusionPipeline(
        vae=parts.vae,
        text_encoder=parts.text_encoder,
        tokenizer=parts.tokenizer,
        unet=parts.unet,
        scheduler=DPMSolverMultistepScheduler.from_config(parts.scheduler.config),
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    built.set_progress_bar_config(disable=True)
    return built


def trained_lora(config: Config) -> Path:
    """The folder of the trained adapters (models/lora); one `Error:` line when train has
    not written them, before anything is loaded."""
    folder = config.path(LORA_FOLDER)
    if not (folder / "pytorch_lora_weights.safetensors").is_file():
        raise SystemExit(
            f"Error: no trained adapters in {folder}; run `python -m {__package__}.train` first"
        )
    return folder


def load_lora(built: Any, folder: Path) -> None:
    """The adapters in `folder` into the pipeline's UNet."""
    from diffusers.utils import logging

    # The adapters are the UNet's alone: diffusers would warn that the text encoder has none.
    level = logging.get_verbosity()
    logging.set_verbosity_error()
    try:
        built.load_lora_weights(str(folder))
    finally:
        logging.set_verbosity(level)
