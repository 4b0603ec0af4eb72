"""Fine-tune Whisper on data/processed/train.npz; the model and its processor go to
models/whisper (save_pretrained).

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
from .audio import SAMPLE_RATE, load_clips
from .config import Config, load_config, parse_args, seed_everything
from .device import autocast_dtype, select_device
from .model import Collator, label_ids, load
from .runs import EpochHook, new_run_dir, write_history
from .tracking import Tracker

MODEL_DIR = ("models", "whisper")


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
    clips = load_clips(config.path("data", "processed", "train.npz"))
    net, processor = load(config)
    if params["model"].get("freeze_encoder"):
        net.freeze_encoder()  # the decoder alone learns: less memory, fewer weights to move
    labels = label_ids(processor, clips.texts, net.config.max_target_positions)
    window = processor.feature_extractor.n_samples  # Whisper's input: 30 s, longer is cut
    longer = sum(len(clip) > window for clip in clips.audio)
    if longer and world.is_main:
        print(
            f"warning: {longer} clips are longer than the model's {window / SAMPLE_RATE:g} s "
            "window and only their beginning trains: cut them into segments"
        )
    dataset = list(zip(clips.audio, labels, strict=True))
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
        collate_fn=Collator(processor, net.config.decoder_start_token_id),
        generator=torch.Generator().manual_seed(config["seed"]),
        pin_memory=device.type == "cuda",
    )
    net.to(device)
    model = (
        DistributedDataParallel(net, device_ids=[device.index] if device.type == "cuda" else None)
        if world.size > 1
        else net
    )
    optimizer = torch.optim.AdamW(
        [p for p in net.parameters() if p.requires_grad],
        lr=settings["lr"],
        weight_decay=settings["weight_decay"],
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
        print(f"training on {device} (world of {world.size}, mixed precision: {amp_dtype})")
    for epoch in range(start_epoch, settings["epochs"]):
        if sampler is not None:
            sampler.set_epoch(epoch)  # a different shuffle each epoch, the same on every rank
        model.train()
        total, count = 0.0, 0
        for batch in loader:
            batch = {key: value.to(device, non_blocking=True) for key, value in batch.items()}
            optimizer.zero_grad(set_to_none=True)
            with torch.autocast(device.type, dtype=amp_dtype, enabled=amp_dtype is not None):
                # The model shifts the labels right into the decoder's inputs and returns
                # the cross-entropy over the positions that are not IGNORE.
                loss = model(**batch).loss
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            total += loss.item() * len(batch["labels"])
            count += len(batch["labels"])
        losses.append(distributed.mean(total / count, device))
        if world.is_main:
            tracker.log_metrics({"train/loss": losses[-1]}, step=epoch)
            checkpoint = {
                "model": net.state_dict(),
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
        folder = config.path(*MODEL_DIR)
        net.save_pretrained(folder)
        processor.save_pretrained(folder)
        write_history(config, run_dir, losses)
        print(f"saved {'/'.join(MODEL_DIR)}; run folder {run_dir.relative_to(config.root)}")
    distributed.barrier()
    return {"losses": losses, "run_dir": run_dir}


if __name__ == "__main__":
    main()
