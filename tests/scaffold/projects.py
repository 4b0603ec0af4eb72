"""Helpers shared by the tests that render projects and run them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# A small feasibility report, as `advisor check --json` writes it (fewer models).
REPORT = {
    "schema": "advisor.feasibility/1",
    "task": "binary",
    "modality": "tabular",
    "metric": "roc_auc",
    "higher_is_better": True,
    "verdict": "classical",
    "margin": -0.012,
    "p_value": 0.04,
    "best_classical": {
        "name": "xgboost", "family": "classical", "score": 0.9931, "score_std": 0.004,
        "fit_seconds": 0.8, "status": "ok",
    },
    "best_deep_learning": {
        "name": "mlp", "family": "deep_learning", "score": 0.9812, "score_std": 0.006,
        "fit_seconds": 3.1, "status": "ok",
    },
    "models": [],
    "learning_curve": [],
    "warnings": [],
    "budget_seconds": 60,
    "elapsed_seconds": 41.2,
    "profile": {"task": "binary", "modality": "tabular"},
}  # fmt: skip


# Reports with nothing to beat: every family out of time, and nothing above the dummy.
NOT_MEASURED = {
    **REPORT,
    "outcome": "not_measured",
    "unmeasured": ["classical", "deep_learning"],
    "verdict": "tie",
    "margin": None,
    "p_value": None,
    "best_classical": None,
    "best_deep_learning": None,
    "budget_seconds": 2,
}
NO_SIGNAL = {
    **REPORT,
    "outcome": "no_signal",
    "verdict": "tie",
    "models": [
        {"name": "dummy", "family": "baseline", "score": 0.5, "score_std": 0.0,
         "fit_seconds": 0.01, "status": "ok"},
    ],
    "best_classical": {**REPORT["best_classical"], "name": "logistic", "score": 0.52},
    "best_deep_learning": {**REPORT["best_deep_learning"], "score": 0.51},
}  # fmt: skip


def project_env() -> dict[str, str]:
    """The environment generated projects run in: this venv first on PATH, offline."""
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env.update(
        DO_NOT_TRACK="1",
        DVC_NO_ANALYTICS="1",
        WANDB_MODE="offline",
        WANDB_SILENT="true",
        MLFLOW_DISABLE_TELEMETRY="true",
        PYTHONDONTWRITEBYTECODE="1",
        OMP_NUM_THREADS="1",  # two cores shared by the whole suite
    )
    env.pop("PYTHONPATH", None)
    return env


def run(args: list[str], cwd: Path, timeout: float = 600) -> str:
    """Run a command in a generated project; its output, or a failure that shows it."""
    done = subprocess.run(
        args, cwd=cwd, env=project_env(), capture_output=True, text=True, timeout=timeout
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(args)} failed ({done.returncode}):\n{output[-6000:]}"
    return output


def tree(folder: Path, *, skip: tuple[str, ...] = (".git",)) -> dict[str, bytes]:
    """Every file under `folder` (relative path -> bytes), leaving out `skip` folders."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not set(path.relative_to(folder).parts) & set(skip)
    }
