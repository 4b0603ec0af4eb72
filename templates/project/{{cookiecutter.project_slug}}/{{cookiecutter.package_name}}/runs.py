"""Output folders and files shared by every run."""

from __future__ import annotations

import csv
import json
import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from .config import Config

# Called after each epoch with (epoch, training loss); returning True stops training early
# (tune prunes trials with it).
EpochHook = Callable[[int, float], bool]


def new_run_dir(config: Config) -> Path:
    """This run's folder under runs/ (one folder per run, never reused). Only the main
    process creates it; processes a launcher starts for the same run share its name
    through the RUN_NAME environment variable."""
    name = os.environ.get("RUN_NAME") or f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
    path = config.path("runs", name)
    if int(os.environ.get("RANK", os.environ.get("LOCAL_RANK", "0"))) == 0:
        path.mkdir(parents=True, exist_ok=True)
    return path


def write_history(config: Config, run_dir: Path, losses: list[float]) -> None:
    """The loss per epoch: runs/<run>/history.json and plots/loss.csv (a DVC plot)."""
    (run_dir / "history.json").write_text(json.dumps({"loss": losses}, indent=2) + "\n")
    plots = config.path("plots")
    plots.mkdir(exist_ok=True)
    with (plots / "loss.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["epoch", "loss"])
        writer.writerows(enumerate(losses))
