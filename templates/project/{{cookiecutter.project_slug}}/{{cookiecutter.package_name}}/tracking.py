"""Experiment tracking.

{{ {"tensorboard": "TensorBoard event files in each run folder: `tensorboard --logdir runs`", "mlflow": "MLflow with a local SQLite store:\n`mlflow ui --backend-store-uri sqlite:///mlflow.db`", "wandb": "Weights & Biases, offline by default (no account needed):\n`wandb sync wandb/offline-run-*` uploads runs later", "none": "None: metrics go to metrics.json and plots/loss.csv only"}[cookiecutter.tracking] }}."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .config import Config


def store(config: Config) -> Path:
    """The folder that holds the tracker's files: the project's own, even for tune's trials
    (tracking.root), so every run of the project is in one place."""
    return Path(config["tracking"].get("root") or config.root)
{%- if cookiecutter.framework == "lightning" %}


def make_logger(config: Config, run_dir: Path) -> Any:
    """The Lightning logger for this run, or False when tracking is off."""
    if not config["tracking"]["enabled"]:
        return False
{%- if cookiecutter.tracking == "tensorboard" %}
    from lightning.pytorch.loggers import TensorBoardLogger

    return TensorBoardLogger(save_dir=str(run_dir), name="tensorboard", version="")
{%- elif cookiecutter.tracking == "mlflow" %}
    from lightning.pytorch.loggers import MLFlowLogger

    return MLFlowLogger(
        experiment_name=config["tracking"]["experiment"],
        run_name=run_dir.name,
        tracking_uri=f"sqlite:///{store(config) / 'mlflow.db'}",
        artifact_location=(store(config) / "mlruns").as_uri(),
    )
{%- elif cookiecutter.tracking == "wandb" %}
    from lightning.pytorch.loggers import WandbLogger

    return WandbLogger(
        project=config["tracking"]["experiment"],
        name=run_dir.name,
        save_dir=str(store(config)),
        offline=True,
    )
{%- else %}
    return False
{%- endif %}


def finish(logger: Any) -> None:
    """End the logger's run, so that the next training in this process (a tune trial)
    starts a run of its own."""
{%- if cookiecutter.tracking == "wandb" %}
    if logger:
        logger.experiment.finish()
{%- elif cookiecutter.tracking == "mlflow" %}
    if logger:
        logger.finalize("success")
{%- else %}
    return None
{%- endif %}
{%- else %}


class Tracker:
    """Logs parameters and per-epoch metrics; does nothing when tracking is off."""

    def __init__(self, config: Config, run_dir: Path) -> None:
        self.enabled = bool(config["tracking"]["enabled"])
        if not self.enabled:
            return
{%- if cookiecutter.tracking == "tensorboard" %}
        from torch.utils.tensorboard import SummaryWriter

        self._writer = SummaryWriter(log_dir=str(run_dir / "tensorboard"))
{%- elif cookiecutter.tracking == "mlflow" %}
        import mlflow

        mlflow.set_tracking_uri(f"sqlite:///{store(config) / 'mlflow.db'}")
        name = config["tracking"]["experiment"]
        if mlflow.get_experiment_by_name(name) is None:
            # Artifacts beside the store, not in whatever folder the run started from.
            mlflow.create_experiment(name, artifact_location=(store(config) / "mlruns").as_uri())
        mlflow.set_experiment(name)
        self._mlflow = mlflow
        self._run = mlflow.start_run(run_name=run_dir.name)
{%- elif cookiecutter.tracking == "wandb" %}
        import wandb

        self._wandb = wandb
        self._run = wandb.init(
            project=config["tracking"]["experiment"],
            name=run_dir.name,
            dir=str(store(config)),
            mode="offline",
        )
{%- endif %}

    def log_params(self, params: dict[str, Any]) -> None:
        if not self.enabled:
            return
{%- if cookiecutter.tracking == "tensorboard" %}
        self._writer.add_text("params", f"```\n{params}\n```")
{%- elif cookiecutter.tracking == "mlflow" %}
        self._mlflow.log_params(_flatten(params))
{%- elif cookiecutter.tracking == "wandb" %}
        self._run.config.update(_flatten(params))
{%- endif %}

    def log_metrics(self, metrics: dict[str, float], step: int) -> None:
        if not self.enabled:
            return
{%- if cookiecutter.tracking == "tensorboard" %}
        for name, value in metrics.items():
            self._writer.add_scalar(name, value, step)
{%- elif cookiecutter.tracking == "mlflow" %}
        self._mlflow.log_metrics({k.replace("/", "_"): v for k, v in metrics.items()}, step=step)
{%- elif cookiecutter.tracking == "wandb" %}
        self._run.log(metrics, step=step)
{%- endif %}

    def close(self) -> None:
        if not self.enabled:
            return
{%- if cookiecutter.tracking == "tensorboard" %}
        self._writer.close()
{%- elif cookiecutter.tracking == "mlflow" %}
        self._mlflow.end_run()
{%- elif cookiecutter.tracking == "wandb" %}
        self._run.finish()
{%- endif %}


def _flatten(params: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat
{%- endif %}
