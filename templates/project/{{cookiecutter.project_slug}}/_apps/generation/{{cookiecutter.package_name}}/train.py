"""Train LoRA adapters on the UNet of the pretrained text-to-image model, on
data/processed/train.npz; the adapters alone are saved, to models/lora/.

Run it with `python -m {{ cookiecutter.package_name }}.train` (CPU or one GPU).
Several GPUs, one process each:
`torchrun --standalone --nproc_per_node 4 -m {{ cookiecutter.package_name }}.train`.
"""

from __future__ import annotations

import torch
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler

from . import distributed
from .config import Config, load_config, parse_args, seed_everything
from .data import load_split
from .device import autocast_dtype, select_device
from .diffusion import (
    LORA_FOLDER,
    add_lora,
    encode,
    load_parts,
    lora_state,
    noise_loss,
    save_lora,
    to_pixels,
)
from .runs import EpochHook, new_run_dir, write_history
from .tracking import Tracker


def main(argv: list[str] | None = None) -> dict:
    """Train; returns {"losses": [...per epoch], "run_dir": ...} (run_dir on rank 0 only)."""
    args = parse_args(__doc__, argv)
    config = load_config(args.params)
    world = distributed.setup()
    try:
        return train(config, world)
    finally:
        distributed.cleanup()


def train(config: Config, world: distributed.World, on_epoch: EpochHook | None = None) -> dict:
    params, settings = config.params, config["train"]
    seed_everything(config["seed"])
    device = select_device(world.local_rank)
    amp_dtype = autocast_dtype(device, settings["amp"])
    images, captions = load_split(config, "train")
    # The frozen parts only run forward: half precision on a GPU halves their memory.
    parts = load_parts(config, device, amp_dtype or torch.float32)
    trained = add_lora(parts.unet, params["model"])
    parts.unet.train()
    dataset = TensorDataset(torch.from_numpy(images), torch.arange(len(captions)))
    sampler = (
        DistributedSampler(dataset, num_replicas=world.size, rank=world.rank, seed=config["seed"])
        if world.size > 1
        else None
    )
    loader = DataLoader(
        dataset,
        batch_size=settings["batch_size"],
        shuffle=sampler is None,
        sampler=sampler,
        generator=torch.Generator().manual_seed(config["seed"]),
        pin_memory=device.type == "cuda",
    )
    unet = (
        DistributedDataParallel(
            parts.unet, device_ids=[device.index] if device.type == "cuda" else None
        )
        if world.size > 1
        else parts.unet
    )
    optimizer = torch.optim.AdamW(trained, lr=settings["lr"], weight_decay=settings["weight_decay"])
    # fp16 needs loss scaling to keep small gradients from underflowing; bf16 does not.
    scaler = torch.amp.GradScaler("cuda", enabled=amp_dtype == torch.float16)
    steps = parts.scheduler.config.num_train_timesteps

    start_epoch, losses = 0, []
    if settings["resume"]:
        from peft import set_peft_model_state_dict

        state = torch.load(config.path(settings["resume"]), map_location=device, weights_only=True)
        set_peft_model_state_dict(parts.unet, state["lora"])
        optimizer.load_state_dict(state["optimizer"])
        scaler.load_state_dict(state["scaler"])
        start_epoch, losses = state["epoch"], list(state["losses"])

    run_dir = new_run_dir(config) if world.is_main else None
    tracker = Tracker(config, run_dir) if world.is_main else None
    if tracker:
        tracker.log_params(params)
        count = sum(param.numel() for param in trained)
        total = sum(param.numel() for param in parts.unet.parameters())
        print(f"training on {device} (world of {world.size}, mixed precision: {amp_dtype})")
        print(f"LoRA: {count:,} of the UNet's {total:,} parameters train")
    for epoch in range(start_epoch, settings["epochs"]):
        if sampler is not None:
            sampler.set_epoch(epoch)  # a different shuffle each epoch, the same on every rank
        total, seen = 0.0, 0
        for batch, indices in loader:
            pixels = to_pixels(batch, device, parts.vae.dtype)
            latents, states = encode(parts, pixels, [captions[i] for i in indices], sample=True)
            noise = torch.randn_like(latents)
            timesteps = torch.randint(0, steps, (len(latents),), device=device)
            optimizer.zero_grad(set_to_none=True)
            with torch.autocast(device.type, dtype=amp_dtype, enabled=amp_dtype is not None):
                loss = noise_loss(unet, parts.scheduler, latents, states, noise, timesteps)
            scaler.scale(loss).backward()
            scaler.unscale_(optimizer)  # clip the true gradients, not the scaled ones
            torch.nn.utils.clip_grad_norm_(trained, settings["max_grad_norm"])
            scaler.step(optimizer)
            scaler.update()
            total += loss.item() * len(latents)
            seen += len(latents)
        losses.append(distributed.mean(total / seen, device))
        if world.is_main:
            tracker.log_metrics({"train/loss": losses[-1]}, step=epoch)
            checkpoint = {
                "lora": lora_state(parts.unet),
                "optimizer": optimizer.state_dict(),
                "scaler": scaler.state_dict(),
                "epoch": epoch + 1,
                "losses": losses,
            }
            torch.save(checkpoint, run_dir / "last.pt")
            print(f"epoch {epoch + 1}/{settings['epochs']}  loss {losses[-1]:.4f}")
        if on_epoch is not None and on_epoch(epoch, losses[-1]):
            break

    if world.is_main:
        tracker.close()
        save_lora(parts.unet, config.path(LORA_FOLDER))
        write_history(config, run_dir, losses)
        print(f"saved {LORA_FOLDER.as_posix()}/; run folder {run_dir.relative_to(config.root)}")
    distributed.barrier()
    return {"losses": losses, "run_dir": run_dir}


if __name__ == "__main__":
    main()
