{%- set regression = cookiecutter.task == "regression" -%}
"""Train the Keras network with `model.fit` and callbacks.

- Precision: `mixed_bfloat16` on GPUs that support it (compute capability 8.0 and newer),
  `mixed_float16` on older ones (Keras adds loss scaling), `float32` on the CPU.
- Devices: one (CPU or GPU) as is; several GPUs on this machine with MirroredStrategy; a
  cluster with MultiWorkerMirroredStrategy, from TF_CONFIG or, in a SLURM job of several
  tasks, from the SLURM variables (slurm/train.sbatch).
- Checkpoints: runs/<run>/backup (weights, optimizer and epoch, BackupAndRestore) each
  epoch; `train.resume: runs/<run>/backup` continues that run's training in a new run
  folder. runs/<run>/last.keras is the latest full model; models/model.keras the export
  that predict, serve and evaluate load.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from .config import Config, load_config, parse_args, seed_everything
from .data import load_split, num_outputs
from .keras_model import build_model, export_model, features, keras, targets, tf
from .runs import EpochHook, new_run_dir, write_history
from .tracking import Tracker

# The port each worker of a SLURM job listens on for the others.
WORKER_PORT = int(os.environ.get("TF_WORKER_PORT", "12345"))


def precision_policy(amp: bool) -> str:
    """The Keras dtype policy for this machine's first GPU (float32 without one)."""
    gpus = tf.config.list_physical_devices("GPU")
    if not (amp and gpus):
        return "float32"
    capability = tf.config.experimental.get_device_details(gpus[0]).get("compute_capability")
    return "mixed_bfloat16" if capability and capability >= (8, 0) else "mixed_float16"


def tf_config_from_slurm(env: dict[str, str]) -> dict[str, Any] | None:
    """TF_CONFIG for one worker per SLURM task (one task a node, each using its node's
    GPUs), or None outside a SLURM job of several tasks."""
    if int(env.get("SLURM_NTASKS", "1")) <= 1 or "SLURM_JOB_NODELIST" not in env:
        return None
    # TensorFlow's own parser of SLURM's compressed host lists ("node[01-04,07]").
    from tensorflow.python.distribute.cluster_resolver.slurm_cluster_resolver import (
        expand_hostlist,
    )

    hosts = expand_hostlist(env["SLURM_JOB_NODELIST"])
    return {
        "cluster": {"worker": [f"{host}:{WORKER_PORT}" for host in hosts]},
        "task": {"type": "worker", "index": int(env["SLURM_PROCID"])},
    }


def select_strategy() -> tf.distribute.Strategy:
    """Where the model's variables live and how batches are split (created before any
    other TensorFlow work, as MultiWorkerMirroredStrategy requires)."""
    if "TF_CONFIG" not in os.environ:
        cluster = tf_config_from_slurm(dict(os.environ))
        if cluster is not None:
            os.environ["TF_CONFIG"] = json.dumps(cluster)
    if "TF_CONFIG" in os.environ:
        return tf.distribute.MultiWorkerMirroredStrategy()
    if len(tf.config.list_physical_devices("GPU")) > 1:
        return tf.distribute.MirroredStrategy()
    return tf.distribute.get_strategy()  # the default: this one device


def is_chief(strategy: tf.distribute.Strategy) -> bool:
    """Whether this process writes the run's files (worker 0 of a cluster)."""
    resolver = getattr(strategy, "cluster_resolver", None)
    return resolver is None or not resolver.task_type or resolver.task_id == 0


class LossHistory(keras.callbacks.Callback):
    """The loss per epoch, kept beside the backup so that a resumed run continues the list."""

    def __init__(self, path: Path, epochs: int, on_epoch: EpochHook | None) -> None:
        super().__init__()
        self.path, self.epochs, self.on_epoch = path, epochs, on_epoch
        self.losses: list[float] = json.loads(path.read_text()) if path.exists() else []

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        del self.losses[epoch:]  # a restored run starts after its saved epochs

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.losses.append(float(logs["loss"]))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.losses))
        print(f"epoch {epoch + 1}/{self.epochs}  loss {self.losses[-1]:.4f}")
        if self.on_epoch is not None and self.on_epoch(epoch, self.losses[-1]):
            self.model.stop_training = True


class TrackMetrics(keras.callbacks.Callback):
    """Sends each epoch's metrics to the project's tracker (MLflow, W&B, ...)."""

    def __init__(self, tracker: Tracker) -> None:
        super().__init__()
        self.tracker = tracker

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.tracker.log_metrics({f"train/{k}": float(v) for k, v in logs.items()}, step=epoch)


def main(argv: list[str] | None = None) -> dict:
    """Train; returns {"losses": [...per epoch], "run_dir": ...}."""
    args = parse_args(__doc__, argv)
    return train(load_config(args.params))


def train(config: Config, on_epoch: EpochHook | None = None) -> dict:
    params, settings = config.params, config["train"]
    strategy = select_strategy()
    chief = is_chief(strategy)
    seed_everything(config["seed"])
    policy = precision_policy(settings["amp"])
    keras.mixed_precision.set_global_policy(policy)
    x, y = load_split(config, "train")
    outputs = num_outputs(y)
    inputs = features(config, x)
    labels, target_scale = targets(y)
    with strategy.scope():
        net = build_model(params, inputs.shape[1:], outputs)
        net.compile(
            optimizer=keras.optimizers.AdamW(
                learning_rate=settings["lr"], weight_decay=settings["weight_decay"]
            ),
            loss={{ 'keras.losses.MeanSquaredError()' if regression else 'keras.losses.SparseCategoricalCrossentropy(from_logits=True)' }},
        )

    run_dir = new_run_dir(config)
    backup = run_dir / "backup"
    if settings["resume"]:
        source = config.path(settings["resume"])
        if not (source / "training_metadata.json").exists():
            raise SystemExit(
                f"{source} holds no Keras backup: point train.resume at runs/<run>/backup"
            )
        shutil.copytree(source, backup)
    history = LossHistory(backup / "losses.json", settings["epochs"], on_epoch)
    tracker = Tracker(config, run_dir) if chief else None
    callbacks: list[keras.callbacks.Callback] = [
        keras.callbacks.BackupAndRestore(str(backup), delete_checkpoint=False),
        history,
        keras.callbacks.EarlyStopping(monitor="loss", patience=settings["early_stopping"]),
    ]
    if chief:
        tracker.log_params(params)
        callbacks += [
            keras.callbacks.ModelCheckpoint(str(run_dir / "last.keras")),
            TrackMetrics(tracker),
        ]
{%- if cookiecutter.tracking == "tensorboard" %}
        if config["tracking"]["enabled"]:
            callbacks.append(keras.callbacks.TensorBoard(log_dir=str(run_dir / "tensorboard")))
{%- endif %}
        devices = strategy.num_replicas_in_sync
        print(f"training on {devices} replica(s) ({type(strategy).__name__}), policy {policy}")
    net.fit(
        inputs,
        labels,
        # The batch size in params.yaml is per device, as in the PyTorch stacks.
        batch_size=settings["batch_size"] * strategy.num_replicas_in_sync,
        epochs=settings["epochs"],
        shuffle=True,
        callbacks=callbacks,
        verbose=0,
    )
    if chief:
        tracker.close()
        config.path("models").mkdir(exist_ok=True)
        export_model(net, target_scale).save(config.path("models", "model.keras"))
        write_history(config, run_dir, history.losses)
        print(f"saved models/model.keras; run folder {run_dir.relative_to(config.root)}")
    return {"losses": history.losses, "run_dir": run_dir, "policy": policy}
