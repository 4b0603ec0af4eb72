"""Experiment tracking.

{{ {"tensorboard": "TensorBoard event files in each run folder: `tensorboard --logdir runs`", "mlflow": "MLflow with a local SQLite store:\n`mlflow ui --backend-store-uri sqlite:///mlflow.db`", "wandb": "Weights & Biases, offline by default (no account needed):\n`wandb sync wandb/offline-run-*` uploads runs later", "neptune": "Neptune, offline by default (no account needed): runs are written to .neptune/;\n`NEPTUNE_API_TOKEN=... neptune sync --project WORKSPACE/PROJECT` uploads them later", "none": "None: metrics go to metrics.json and plots/loss.csv only"}[cookiecutter.tracking] }}."""

from __future__ import annotations

{% if cookiecutter.tracking == "neptune" -%}
import os
{% endif -%}
from pathlib import Path
from typing import Any

from .config import Config


def store(config: Config) -> Path:
    """The folder that holds the tracker's files: the project's own, even for tune's trials
    (tracking.root), so every run of the project is in one place."""
    return Path(config["tracking"].get("root") or config.root)
{%- if cookiecutter.tracking == "neptune" %}


def neptune_run(config: Config, run_dir: Path) -> Any:
    """A Neptune run in the mode NEPTUNE_MODE names, offline when unset: the run is written
    under the project's .neptune/ folder and `neptune sync` uploads it when there is an
    account (NEPTUNE_API_TOKEN, and NEPTUNE_PROJECT or `--project`)."""
    # Neptune writes where this variable points, else into the working directory; the
    # project's own folder keeps every run of the project in one place.
    os.environ["NEPTUNE_DATA_DIRECTORY"] = str(store(config) / ".neptune")
    import neptune

    return neptune.init_run(
        name=run_dir.name,
        tags=[config["tracking"]["experiment"]],
        mode=os.environ.get("NEPTUNE_MODE", "offline"),
        # No git metadata (a project may not be a repository yet) and no hardware monitor
        # thread: the run holds what the training logs.
        git_ref=False,
        capture_hardware_metrics=False,
    )
{%- endif %}
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
{%- elif cookiecutter.tracking == "neptune" %}
    return _neptune_logger(neptune_run(config, run_dir), run_dir.name)
{%- else %}
    return False
{%- endif %}


{%- if cookiecutter.tracking == "neptune" %}


def _neptune_logger(run: Any, run_name: str) -> Any:
    """A Lightning logger over a Neptune run. Written here because Lightning 2.6 retired its
    own NeptuneLogger; Lightning calls these methods on rank 0 only."""
    from lightning.pytorch.loggers.logger import Logger, rank_zero_experiment
    from lightning.pytorch.utilities import rank_zero_only
    from neptune.utils import stringify_unsupported

    class NeptuneLogger(Logger):
        def __init__(self) -> None:
            super().__init__()
            self.run = run

        @property
        def name(self) -> str:
            return "neptune"

        @property
        def version(self) -> str:
            return run_name

        @property
        @rank_zero_experiment
        def experiment(self) -> Any:
            return run

        @rank_zero_only
        def log_hyperparams(self, params: Any, *args: Any, **kwargs: Any) -> None:
            run["parameters"] = stringify_unsupported(dict(params))

        @rank_zero_only
        def log_metrics(self, metrics: dict[str, float], step: int | None = None) -> None:
            for key, value in metrics.items():
                if key != "epoch":  # Lightning adds the epoch to every row
                    run[key].append(float(value), step=step)

    return NeptuneLogger()
{%- endif %}


def finish(logger: Any) -> None:
    """End the logger's run, so that the next training in this process (a tune trial)
    starts a run of its own."""
{%- if cookiecutter.tracking == "wandb" %}
    if logger:
        logger.experiment.finish()
{%- elif cookiecutter.tracking == "neptune" %}
    if logger:
        logger.run.stop()
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
{%- if cookiecutter.tracking == "tensorboard" and cookiecutter.framework == "keras" %}
        # Keras's own TensorBoard callback writes the events (keras_train.py).
        self.enabled = False
{%- elif cookiecutter.tracking == "tensorboard" %}
{%- if cookiecutter.framework == "jax" %}
        # tensorboardX writes TensorBoard's event files without PyTorch or TensorFlow.
        from tensorboardX import SummaryWriter
{%- else %}
        from torch.utils.tensorboard import SummaryWriter
{%- endif %}

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
{%- elif cookiecutter.tracking == "neptune" %}
        self._run = neptune_run(config, run_dir)
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
{%- elif cookiecutter.tracking == "neptune" %}
        from neptune.utils import stringify_unsupported

        # Neptune stores numbers, strings and booleans; None (resume: null) becomes "None".
        self._run["parameters"] = stringify_unsupported(params)
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
{%- elif cookiecutter.tracking == "neptune" %}
        for name, value in metrics.items():
            self._run[name].append(value, step=step)
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
{%- elif cookiecutter.tracking == "neptune" %}
        self._run.stop()
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
