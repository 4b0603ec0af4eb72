{%- set image = cookiecutter.modality == "image" -%}
"""Fine-tuning a pretrained {{ "image" if image else "text" }} classifier: the checkpoint in params.yaml
(`model.checkpoint`) with a new head, a warm-up of `model.warmup_epochs` epochs that trains
the head alone (the pretrained backbone frozen), then full fine-tuning, or with
`model.lora: true` low-rank adapters (peft's LoRA) on the backbone's linear layers, trained
with the head while the pretrained weights stay as they are.

The training loop is train.py's (mixed precision, torchrun): this module builds the
network, says which parameters train at each epoch, and turns the prepared inputs into
the tensors the network reads.
"""

from __future__ import annotations

from typing import Any
{% if not image %}
import numpy as np
{%- endif %}
import torch
from torch import nn

from .pretrained import load_classifier, {{ "load_image_processor" if image else "load_tokenizer" }}

MODALITY = "{{ cookiecutter.modality }}"
# A relative checkpoint folder is read from the folder the project runs in.
ROOT = "."


class Classifier(nn.Module):
    """A Hugging Face classifier behind the tensor-in, logits-out interface of the other
    networks, so that train, predict, serve and tune treat it like them."""
{%- if image %}

    def __init__(
        self,
        model: nn.Module,
        backbone: nn.Module,
        *,
        size: int | tuple[int, int],
        channels: int,
        mean: list[float],
        std: list[float],
    ) -> None:
        """`size`, `channels`, `mean` and `std`: the input the checkpoint was trained on."""
{%- else %}

    def __init__(self, model: nn.Module, backbone: nn.Module) -> None:
{%- endif %}
        super().__init__()
        self.model = model
        # After the warm-up, what trains: everything, or the adapters and the head (LoRA).
        self.trainable = {name: p.requires_grad for name, p in self.named_parameters()}
        backbone_ids = {id(p) for p in backbone.parameters()}
        self.backbone = {name for name, p in self.named_parameters() if id(p) in backbone_ids}
{%- if image %}
        self.size = (size, size) if isinstance(size, int) else tuple(size)
        self.channels = channels
        # Buffers, not parameters: they move with the model to the GPU and are not trained.
        self.register_buffer("mean", torch.tensor(mean).view(1, -1, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(std).view(1, -1, 1, 1), persistent=False)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Images (N x C x H x W in [0, 1]) to logits: grey images get the checkpoint's
        channels, every image its input size and normalisation, on the model's device so
        a GPU batch stays on the GPU."""
        if images.shape[1] != self.channels:
            images = images.mean(dim=1, keepdim=True).expand(-1, self.channels, -1, -1)
        if tuple(images.shape[-2:]) != self.size:
            images = nn.functional.interpolate(
                images, size=self.size, mode="bilinear", align_corners=False, antialias=True
            )
        pixels = (images - self.mean) / self.std
        return self.model(pixel_values=pixels).logits
{%- else %}

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """Token ids and attention mask (N x 2 x length, from `encode`) to logits."""
        return self.model(input_ids=tokens[:, 0], attention_mask=tokens[:, 1]).logits
{%- endif %}

    def set_stage(self, epoch: int, warmup_epochs: int) -> str:
        """Freeze the backbone during the warm-up, release it after; returns the stage in
        words. Frozen parameters get no gradient, so the optimizer leaves them as they are."""
        warm = epoch < warmup_epochs
        for name, param in self.named_parameters():
            param.requires_grad = self.trainable[name] and not (warm and name in self.backbone)
        count = sum(p.numel() for p in self.parameters() if p.requires_grad)
        if warm:
            return f"warm-up: the head alone ({count:,} parameters; backbone frozen)"
        if any(not trains for trains in self.trainable.values()):
            return f"LoRA: the adapters and the head ({count:,} parameters)"
        return f"full fine-tuning ({count:,} parameters)"


def _lora(model: nn.Module, backbone: nn.Module, settings: dict[str, Any]) -> nn.Module:
    """The model with LoRA adapters on the backbone's linear layers (or `model.lora_targets`),
    every pretrained weight frozen, and the head trained whole."""
    from peft import LoraConfig, get_peft_model

    prefix = model.base_model_prefix
    targets = settings.get("lora_targets") or [
        f"{prefix}.{name}"
        for name, module in backbone.named_modules()
        if isinstance(module, nn.Linear)
    ]
    if not targets:
        raise SystemExit(
            f"Error: the backbone of {settings['checkpoint']!r} has no linear layers for LoRA; "
            "set params.yaml model.lora_targets to the names of the layers to adapt, or "
            "model.lora: false"
        )
    head = [
        name
        for name, module in model.named_children()
        if module is not backbone and any(True for _ in module.parameters())
    ]
    config = LoraConfig(
        r=settings["lora_r"],
        lora_alpha=settings["lora_alpha"],
        lora_dropout=settings["lora_dropout"],
        target_modules=targets,
        modules_to_save=head,
    )
    return get_peft_model(model, config)


def build_model(params: dict[str, Any], input_shape: tuple[int, ...], outputs: int) -> Classifier:
    """The pretrained checkpoint with a head of `outputs` classes, wrapped for the loop."""
    settings = params["model"]
    checkpoint = settings["checkpoint"]
    model = load_classifier(MODALITY, checkpoint, ROOT, outputs)
    backbone = model.base_model  # the pretrained body: everything but the head
    if settings["lora"]:
        model = _lora(model, backbone, settings)
{%- if image %}
    processor = load_image_processor(checkpoint, ROOT)
    size = processor.size  # a dict, or (newer transformers) an object with these fields
    field = size.get if isinstance(size, dict) else lambda key: getattr(size, key, None)
    side = field("shortest_edge") or (field("height"), field("width"))
    return Classifier(
        model,
        backbone,
        size=side,
        channels=model.config.num_channels,
        mean=list(processor.image_mean),
        std=list(processor.image_std),
    )
{%- else %}
    return Classifier(model, backbone)
{%- endif %}


def parameter_groups(net: Classifier, settings: dict[str, Any]) -> list[dict[str, Any]]:
    """What the optimizer updates: the new head at `train.head_lr` (it starts from random),
    the rest of what trains at `train.lr`; parameters that never train are left out."""
    head, body = [], []
    for name, param in net.named_parameters():
        if net.trainable[name]:
            (body if name in net.backbone else head).append(param)
    return [{"params": head, "lr": settings["head_lr"]}, {"params": body, "lr": settings["lr"]}]
{%- if not image %}


def encode(params: dict[str, Any], texts: np.ndarray) -> torch.Tensor:
    """Documents to token ids and attention masks (N x 2 x `model.max_length`) with the
    checkpoint's tokenizer."""
    tokenizer = load_tokenizer(params["model"]["checkpoint"], ROOT)
    batch = tokenizer(
        [str(text) for text in texts],
        padding="max_length",
        truncation=True,
        max_length=params["model"]["max_length"],
        return_tensors="np",
    )
    return torch.from_numpy(np.stack([batch["input_ids"], batch["attention_mask"]], axis=1))
{%- endif %}
