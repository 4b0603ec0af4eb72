"""The terms every part of advisor shares: tasks, modalities, families, verdicts, metrics.

Profile, data, check, scaffold, the command line and the app all take these names from
here, so one metric has one name everywhere. The module imports nothing heavy (no numpy,
pandas or scikit-learn): ``advisor --help`` and a flag-only ``advisor recommend`` use it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

# The tasks with a target column: the check measures them, every recipe family builds them.
CHECK_TASKS = ("binary", "multiclass", "regression")
# The applications where deep learning is the only answer: boxes and classes on images,
# speech to text, text to image. The rules recommend them and their recipes fine-tune a
# pretrained model; the check has no classical side to measure them against.
APPLICATION_TASKS = ("detection", "transcription", "generation")
TASKS = (*CHECK_TASKS, *APPLICATION_TASKS)
MODALITIES = ("tabular", "image", "text", "audio")
# The input each application task takes (generation is conditioned on text but trains on
# images with captions, the data a team holds).
APPLICATION_MODALITY = {"detection": "image", "transcription": "audio", "generation": "image"}
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
        Metric("map", "mAP@[.5:.95]", True, ("detection",), 1.0),
        Metric("map_50", "mAP@.5", True, ("detection",), 1.0),
        Metric("wer", "word error rate", False, ("transcription",), 0.0),
        Metric("cer", "character error rate", False, ("transcription",), 0.0),
        Metric("denoising_loss", "held-out denoising loss", False, ("generation",), 0.0),
    )
}
# What the check measures (a generated project's evaluate step computes all of METRICS).
CHECK_METRICS = ("roc_auc", "accuracy", "macro_f1", "rmse", "r2", "mae")
# Per task: the primary metric first, then the one reported beside it.
DEFAULT_METRICS = {
    "binary": ("roc_auc", "accuracy"),
    "multiclass": ("accuracy", "macro_f1"),
    "regression": ("rmse", "r2"),
    "detection": ("map", "map_50"),
    "transcription": ("wer", "cer"),
    "generation": ("denoising_loss", "denoising_loss"),
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
