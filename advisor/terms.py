"""The terms every part of advisor shares: tasks, modalities, families, verdicts, metrics.

Profile, data, check, scaffold, the command line and the app all take these names from
here, so one metric has one name everywhere. The module imports nothing heavy (no numpy,
pandas or scikit-learn): ``advisor --help`` and a flag-only ``advisor recommend`` use it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

TASKS = ("binary", "multiclass", "regression")
MODALITIES = ("tabular", "image", "text")
# The two families a verdict compares (and a recipe or a rule's candidate belongs to);
# the check's ladder adds the dummy floor.
MODEL_FAMILIES = ("classical", "deep_learning")
FAMILIES = ("baseline", *MODEL_FAMILIES)
FAMILY_WORDS = {"baseline": "floor", "classical": "classical", "deep_learning": "neural"}
VERDICTS = ("classical", "deep_learning", "tie")


@dataclass(frozen=True)
class Metric:
    """A score a model is measured by: its name, how people read it, and its direction."""

    name: str
    display: str
    higher_is_better: bool
    tasks: tuple[str, ...]
    best: float | None = None  # the best score there is (1 for accuracy, 0 for RMSE)


_CLASSIFY = ("binary", "multiclass")
METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric("roc_auc", "ROC AUC", True, _CLASSIFY, 1.0),
        Metric("accuracy", "accuracy", True, _CLASSIFY, 1.0),
        Metric("macro_f1", "macro-F1", True, _CLASSIFY, 1.0),
        Metric("balanced_accuracy", "balanced accuracy", True, _CLASSIFY, 1.0),
        Metric("rmse", "RMSE", False, ("regression",), 0.0),
        Metric("r2", "R²", True, ("regression",), 1.0),
        Metric("mae", "MAE", False, ("regression",), 0.0),
    )
}
# What the check measures (a generated project's evaluate step computes all of METRICS).
CHECK_METRICS = ("roc_auc", "accuracy", "macro_f1", "rmse", "r2", "mae")
# Per task: the primary metric first, then the one reported beside it.
DEFAULT_METRICS = {
    "binary": ("roc_auc", "accuracy"),
    "multiclass": ("accuracy", "macro_f1"),
    "regression": ("rmse", "r2"),
}


def metric_display(name: str) -> str:
    """How people read a metric's name (``ROC AUC`` for ``roc_auc``)."""
    return METRICS[name].display if name in METRICS else name


def check_metrics_for(task: str) -> tuple[str, ...]:
    """The metrics the check can measure for ``task``."""
    return tuple(m for m in CHECK_METRICS if task in METRICS[m].tasks)


def suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
