"""Fine-tune the pretrained detector on data/processed/train.json.

Run it with `python -m {{ cookiecutter.package_name }}.train` (CPU or one GPU).
Several GPUs, one process each:
`torchrun --standalone --nproc_per_node 4 -m {{ cookiecutter.package_name }}.train`.
"""

from __future__ import annotations

import torch
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader
from torch.utils.data.distributed import DistributedSampler

from . import distributed
from .config import Config, load_config, parse_args, seed_everything
from .data import load_split
from .detector import (
    TRAINED,
    Boxes,
    Collate,
    load_model,
    load_processor,
    model_inputs,
    parameter_groups,
)
from .device import autocast_dtype, select_device
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
    coco = load_split(config, "train")
    classes = [c["name"] for c in sorted(coco["categories"], key=lambda c: c["id"])]
    checkpoint = params["model"]["checkpoint"]
    processor = load_processor(config, checkpoint)
    net = load_model(config, checkpoint, classes).to(device)
    dataset = Boxes(coco)
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
        collate_fn=Collate(processor),
        num_workers=settings["workers"],
        pin_memory=device.type == "cuda",
    )
    model = (
        DistributedDataParallel(
            net,
            device_ids=[device.index] if device.type == "cuda" else None,
            # A batch whose images hold no box leaves parameters out of the loss (RT-DETR's
            # denoising embedding, for instance); DDP must not wait for their gradients.
            find_unused_parameters=True,
        )
        if world.size > 1
        else net
    )
    optimizer = torch.optim.AdamW(
        parameter_groups(net, settings), lr=settings["lr"], weight_decay=settings["weight_decay"]
    )
    amp_dtype = autocast_dtype(device, settings["amp"])
    # fp16 needs loss scaling to keep small gradients from underflowing; bf16 does not.
    scaler = torch.amp.GradScaler("cuda", enabled=amp_dtype == torch.float16)

    start_epoch, losses = 0, []
    if settings["resume"]:
        state = torch.load(config.path(settings["resume"]), map_location=device, weights_only=True)
        net.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scaler.load_state_dict(state["scaler"])
        start_epoch, losses = state["epoch"], list(state["losses"])

    run_dir = new_run_dir(config) if world.is_main else None
    tracker = Tracker(config, run_dir) if world.is_main else None
    if tracker:
        tracker.log_params(params)
        print(
            f"training on {device} (world of {world.size}, mixed precision: {amp_dtype}); "
            f"{len(dataset)} images, classes {classes}"
        )
    for epoch in range(start_epoch, settings["epochs"]):
        if sampler is not None:
            sampler.set_epoch(epoch)  # a different shuffle each epoch, the same on every rank
        model.train()
        total, count = 0.0, 0
        for batch in loader:
            inputs = model_inputs(net, batch, device)
            optimizer.zero_grad(set_to_none=True)
            with torch.autocast(device.type, dtype=amp_dtype, enabled=amp_dtype is not None):
                # The model matches its queries to the boxes and returns the DETR losses
                # (classification, L1 and GIoU of the boxes, over every decoder layer).
                loss = model(**inputs).loss
            scaler.scale(loss).backward()
            if settings["clip_grad"]:
                scaler.unscale_(optimizer)  # clip the true gradients, not the scaled ones
                torch.nn.utils.clip_grad_norm_(net.parameters(), settings["clip_grad"])
            scaler.step(optimizer)
            scaler.update()
            total += loss.item() * len(inputs["labels"])
            count += len(inputs["labels"])
        losses.append(distributed.mean(total / count, device))
        if world.is_main:
            tracker.log_metrics({"train/loss": losses[-1]}, step=epoch)
            checkpoint_state = {
                "model": net.state_dict(),
                "optimizer": optimizer.state_dict(),
                "scaler": scaler.state_dict(),
                "epoch": epoch + 1,
                "losses": losses,
            }
            torch.save(checkpoint_state, run_dir / "last.pt")
            print(f"epoch {epoch + 1}/{settings['epochs']}  loss {losses[-1]:.4f}")
        if on_epoch is not None and on_epoch(epoch, losses[-1]):
            break

    if world.is_main:
        tracker.close()
        # save_pretrained: evaluate, predict and any transformers code load it by folder.
        net.save_pretrained(config.path(TRAINED))
        processor.save_pretrained(config.path(TRAINED))
        write_history(config, run_dir, losses)
        print(f"saved {TRAINED}/; run folder {run_dir.relative_to(config.root)}")
    distributed.barrier()
    return {"losses": losses, "run_dir": run_dir}


if __name__ == "__main__":
    main()
