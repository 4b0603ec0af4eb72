{%- set neural = cookiecutter.framework in ("pytorch", "lightning") -%}
{%- set regression = cookiecutter.task == "regression" -%}
"""Fit the model on data/processed/train.npz.

Run it with `python -m {{ cookiecutter.package_name }}.train` (CPU or one GPU).
{%- if neural %}
Several GPUs, one process each:
`torchrun --standalone --nproc_per_node 4 -m {{ cookiecutter.package_name }}.train`.
{%- elif cookiecutter.framework == "keras" %}
Several GPUs on this machine train data-parallel (MirroredStrategy); a SLURM job over
several nodes trains with MultiWorkerMirroredStrategy (slurm/train.sbatch).
{%- elif cookiecutter.framework == "jax" %}
Every visible device trains data-parallel: the batch is sharded over them.
{%- endif %}
"""

from __future__ import annotations

{%- if cookiecutter.framework == "pytorch" %}

import torch
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler

from . import distributed
from .config import Config, load_config, parse_args, seed_everything
from .data import load_split, num_outputs
from .device import autocast_dtype, select_device
{%- if cookiecutter.model == "finetune" %}
from .finetune import parameter_groups
{%- endif %}
from .inputs import to_tensors
from .model import build_model
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
    x, y = load_split(config, "train")
    outputs = num_outputs(y)
    features, targets, target_scale = to_tensors(config, x, y)
    dataset = TensorDataset(features, targets)
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
    net = build_model(params, tuple(features.shape[1:]), outputs).to(device)
    model = (
        DistributedDataParallel(
            net,
            device_ids=[device.index] if device.type == "cuda" else None,
{%- if cookiecutter.model == "finetune" %}
            # The backbone is frozen during the warm-up: its parameters get no gradient then.
            find_unused_parameters=True,
{%- endif %}
        )
        if world.size > 1
        else net
    )
    optimizer = torch.optim.AdamW(
        {{ "parameter_groups(net, settings)" if cookiecutter.model == "finetune" else "model.parameters()" }}, lr=settings["lr"], weight_decay=settings["weight_decay"]
    )
    amp_dtype = autocast_dtype(device, settings["amp"])
    # fp16 needs loss scaling to keep small gradients from underflowing; bf16 does not.
    scaler = torch.amp.GradScaler("cuda", enabled=amp_dtype == torch.float16)
    loss_fn = {{ "nn.MSELoss()" if regression else "nn.CrossEntropyLoss()" }}

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
{%- if cookiecutter.model == "finetune" %}
        stage = net.set_stage(epoch, params["model"]["warmup_epochs"])
        if world.is_main:
            print(f"epoch {epoch + 1}: {stage}")
{%- endif %}
        model.train()
        total, count = 0.0, 0
        for batch_x, batch_y in loader:
            batch_x = batch_x.to(device, non_blocking=True)
            batch_y = batch_y.to(device, non_blocking=True)
            optimizer.zero_grad(set_to_none=True)
            with torch.autocast(device.type, dtype=amp_dtype, enabled=amp_dtype is not None):
                output = model(batch_x)
                loss = loss_fn({{ "output.squeeze(-1).float()" if regression else "output.float()" }}, batch_y)
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            total += loss.item() * len(batch_y)
            count += len(batch_y)
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
        config.path("models").mkdir(exist_ok=True)
        torch.save(
            {
                "model": net.state_dict(),
                "input_shape": list(features.shape[1:]),
                "outputs": outputs,
                "target_scale": list(target_scale),
            },
            config.path("models", "model.pt"),
        )
        write_history(config, run_dir, losses)
        print(f"saved models/model.pt; run folder {run_dir.relative_to(config.root)}")
    distributed.barrier()
    return {"losses": losses, "run_dir": run_dir}
{%- elif cookiecutter.framework in ("keras", "jax") %}

from .{{ cookiecutter.framework }}_train import main, train

__all__ = ["main", "train"]
{%- elif cookiecutter.framework == "lightning" %}

import os
from pathlib import Path

import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from .config import Config, load_config, parse_args, seed_everything
from .data import load_split, num_outputs
from .inputs import to_tensors
from .model import build_model
from .runs import EpochHook, new_run_dir, write_history
from .tracking import finish, make_logger


class Model(L.LightningModule):
    def __init__(self, params: dict, input_shape: list[int], outputs: int) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.model = build_model(params, tuple(input_shape), outputs)
        self.loss_fn = {{ "nn.MSELoss()" if regression else "nn.CrossEntropyLoss()" }}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)

    def training_step(self, batch, batch_idx: int) -> torch.Tensor:
        x, y = batch
        loss = self.loss_fn({{ "self(x).squeeze(-1).float()" if regression else "self(x).float()" }}, y)
        # sync_dist: the epoch loss is averaged over every process, as in the PyTorch stack.
        self.log(
            "train/loss", loss, on_epoch=True, on_step=False, sync_dist=True, batch_size=len(y)
        )
        return loss

    def configure_optimizers(self):
        settings = self.hparams.params["train"]
        return torch.optim.AdamW(
            self.parameters(), lr=settings["lr"], weight_decay=settings["weight_decay"]
        )


class LossHistory(L.Callback):
    """Keeps the loss per epoch; saved in checkpoints so a resumed run continues the list."""

    def __init__(self) -> None:
        self.losses: list[float] = []

    def on_train_epoch_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        self.losses.append(float(trainer.callback_metrics["train/loss"]))

    def state_dict(self) -> dict:
        return {"losses": self.losses}

    def load_state_dict(self, state_dict: dict) -> None:
        self.losses = list(state_dict["losses"])


class StopWhen(L.Callback):
    """Asks `on_epoch` after each epoch whether to stop."""

    def __init__(self, on_epoch: EpochHook) -> None:
        self.on_epoch = on_epoch

    def on_train_epoch_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        loss = float(trainer.callback_metrics["train/loss"])
        if self.on_epoch(trainer.current_epoch, loss):
            trainer.should_stop = True


def precision(amp: bool) -> str:
    """bf16 on GPUs that support it, fp16 (Lightning adds the gradient scaler) on older
    ones, full precision on CPU and MPS."""
    if not (amp and torch.cuda.is_available()):
        return "32-true"
    return "bf16-mixed" if torch.cuda.is_bf16_supported() else "16-mixed"


def main(argv: list[str] | None = None) -> dict:
    """Train; returns {"losses": [...per epoch], "run_dir": ...}."""
    args = parse_args(__doc__, argv)
    return train(load_config(args.params))


def train(config: Config, on_epoch: EpochHook | None = None) -> dict:
    params, settings = config.params, config["train"]
    seed_everything(config["seed"])
    L.seed_everything(config["seed"], workers=True, verbose=False)
    x, y = load_split(config, "train")
    outputs = num_outputs(y)
    features, targets, target_scale = to_tensors(config, x, y)
    loader = DataLoader(
        TensorDataset(features, targets), batch_size=settings["batch_size"], shuffle=True
    )
    module = Model(params, list(features.shape[1:]), outputs)
    run_dir = new_run_dir(config)
    # Processes Lightning starts for several GPUs inherit the run's name (see runs.py).
    launched_here = "RUN_NAME" not in os.environ
    os.environ["RUN_NAME"] = run_dir.name
    history = LossHistory()
    logger = make_logger(config, run_dir)
    try:
        # Lightning picks the accelerator (CUDA, MPS, CPU) and, with several GPUs, DDP
        # with a distributed sampler; logging and checkpoints happen on rank 0 only.
        trainer = L.Trainer(
            max_epochs=settings["epochs"],
            accelerator="auto",
            devices="auto",
            precision=precision(settings["amp"]),
            logger=logger,
            callbacks=[
                history,
                L.pytorch.callbacks.ModelCheckpoint(dirpath=run_dir, filename="last"),
                *([StopWhen(on_epoch)] if on_epoch is not None else []),
            ],
            default_root_dir=run_dir,
            log_every_n_steps=1,
            enable_progress_bar=False,
            enable_model_summary=False,
        )
        resume = settings["resume"]
        trainer.fit(module, loader, ckpt_path=str(config.path(resume)) if resume else None)
        finish(logger)
    finally:
        if launched_here:
            os.environ.pop("RUN_NAME", None)

    if trainer.is_global_zero:
        config.path("models").mkdir(exist_ok=True)
        torch.save(
            {
                "model": module.model.state_dict(),
                "input_shape": list(features.shape[1:]),
                "outputs": outputs,
                "target_scale": list(target_scale),
            },
            config.path("models", "model.pt"),
        )
        write_history(config, run_dir, history.losses)
        print(f"saved models/model.pt; run folder {Path(run_dir).relative_to(config.root)}")
    return {"losses": history.losses, "run_dir": run_dir}
{%- else %}

{%- set staged = cookiecutter.model in ("sgd_linear", "decision_tree", "hist_gradient_boosting") %}
{%- if cookiecutter.framework == "sklearn" %}

import joblib
{%- if staged %}
import numpy as np
{%- endif %}
{%- endif %}

from .config import Config, load_config, parse_args, seed_everything
from .data import load_split
{%- if cookiecutter.framework == "sklearn" and staged %}
from .model import build_model, featurize, fit_epoch, training_loss
{%- elif cookiecutter.framework == "sklearn" %}
from .model import build_model, featurize, training_loss
{%- else %}
from .model import build_model
{%- endif %}
from .runs import EpochHook, new_run_dir, write_history
from .tracking import Tracker


def main(argv: list[str] | None = None) -> dict:
    """Train; returns {"losses": [...per epoch], "run_dir": ...}."""
    args = parse_args(__doc__, argv)
    return train(load_config(args.params))


def train(config: Config, on_epoch: EpochHook | None = None) -> dict:
    """Fit on the training split; `on_epoch` can stop a model trained in epochs early."""
    seed_everything(config["seed"])
    x, y = load_split(config, "train")
    model = build_model(config.params)
    run_dir = new_run_dir(config)
    tracker = Tracker(config, run_dir)
    tracker.log_params(config.params)
{%- if cookiecutter.framework == "sklearn" %}
    features = featurize(x)
{%- if staged %}
    rng = np.random.default_rng(config["seed"])
    losses = []
    for epoch in range(config["train"]["epochs"]):
        fit_epoch(model, config.params, features, y, epoch, rng)
        losses.append(training_loss(model, features, y))
        tracker.log_metrics({"train/loss": losses[-1]}, step=epoch)
        print(f"epoch {epoch + 1}/{config['train']['epochs']}  loss {losses[-1]:.4f}")
        if on_epoch is not None and on_epoch(epoch, losses[-1]):
            break
{%- else %}
    # Fitted in one go, not in epochs: the history is this one training loss.
    model.fit(features, y)
    losses = [training_loss(model, features, y)]
    tracker.log_metrics({"train/loss": losses[0]}, step=0)
    print(f"fitted in one go  loss {losses[0]:.4f}")
{%- endif %}
    config.path("models").mkdir(exist_ok=True)
    joblib.dump(model, config.path("models", "model.joblib"))
    saved = "models/model.joblib"
{%- else %}
    features = x.reshape(len(x), -1)
    model.fit(features, y, eval_set=[(features, y)], verbose=False)
    name, losses = next(iter(model.evals_result()["validation_0"].items()))
    for step, loss in enumerate(losses):
        tracker.log_metrics({"train/loss": loss}, step=step)
    print(f"{len(losses)} boosting rounds, train {name} {losses[0]:.4f} -> {losses[-1]:.4f}")
    config.path("models").mkdir(exist_ok=True)
    model.save_model(config.path("models", "model.json"))
    saved = "models/model.json"
{%- endif %}
    tracker.close()
    write_history(config, run_dir, losses)
    print(f"saved {saved}; run folder {run_dir.relative_to(config.root)}")
    return {"losses": losses, "run_dir": run_dir}
{%- endif %}


if __name__ == "__main__":
    main()
