"""The closed vocabulary the rules are written in: fields, operators, candidate models.

Rules (YAML in ``kb/``) may only name what is defined here; :mod:`advisor.rules.engine`
checks that when it loads them. :func:`vocabulary` exports the fields so the questionnaire
builds its widgets from the same source instead of repeating it.

This module is deliberately light (no pandas, no scikit-learn): a flag-only
``advisor recommend`` must start fast.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from advisor.profile import (
    COMPLEXITIES,
    DEPLOYMENTS,
    EXPLANATIONS,
    PURPOSES,
    TEAM_FRAMEWORKS,
    Profile,
)
from advisor.terms import CHECK_TASKS, MODALITIES, MODEL_FAMILIES, TASKS

FAMILIES = MODEL_FAMILIES

# field -> (type, description). The order is the order the questionnaire asks in.
_FIELDS: dict[str, tuple[str, str]] = {
    "task": ("choice", "What the model predicts."),
    "modality": ("choice", "What the input data is."),
    "complexity": ("choice", "How the outcome depends on the inputs."),
    "rows": ("int", "Labelled examples (rows, images, documents)."),
    "features": ("int", "Input columns (for images: pixels × channels)."),
    "classes": ("int", "Distinct classes (classification only)."),
    "minority_share": ("float", "Share of examples in the rarest class."),
    "missing_share": ("float", "Share of missing cells in the table."),
    "categorical_share": ("float", "Share of feature columns that are categories, not numbers."),
    "heavy_tail_share": ("float", "Share of numeric features that are skewed or heavy-tailed."),
    "uninformative_share": ("float", "Share of features with next to no signal on the target."),
    "interpretable": ("bool", "People must be able to read how the model decides."),
    "latency_sensitive": ("bool", "Predictions must come back in milliseconds."),
    "gpu": ("bool", "A CUDA GPU is available for training."),
    "labelled": ("bool", "Labelled examples exist to train on."),
    "deployment": ("choice", "Where the trained model runs."),
    "purpose": ("choice", "What the work is for."),
    "tpu": ("bool", "Training runs on Google Cloud TPUs."),
    "framework": ("choice", "The deep-learning framework the team already uses."),
}
_CHOICES = {
    "task": TASKS,
    "modality": MODALITIES,
    "complexity": COMPLEXITIES,
    "deployment": DEPLOYMENTS,
    "purpose": PURPOSES,
    "framework": TEAM_FRAMEWORKS,
}

# The deep-learning frameworks the framework rules choose between (words of
# `advisor scaffold --framework`), with their names for people.
FRAMEWORKS: dict[str, str] = {
    "pytorch": "PyTorch",
    "keras": "TensorFlow/Keras",
    "jax": "JAX",
}

# operator -> the field types it applies to, and whether it takes a value
OPERATORS: dict[str, tuple[frozenset[str], bool]] = {
    "eq": (frozenset({"choice", "bool", "int", "float"}), True),
    "ne": (frozenset({"choice", "bool", "int", "float"}), True),
    "in": (frozenset({"choice"}), True),
    "not_in": (frozenset({"choice"}), True),
    "lt": (frozenset({"int", "float"}), True),
    "le": (frozenset({"int", "float"}), True),
    "gt": (frozenset({"int", "float"}), True),
    "ge": (frozenset({"int", "float"}), True),
    "is_known": (frozenset({"int", "float"}), False),
    "is_unknown": (frozenset({"int", "float"}), False),
}


@dataclass(frozen=True)
class CandidateModel:
    """A model the rules can score: who it is, which family, where it applies.

    ``recipes`` maps a modality to the recipe that would scaffold a project for it (for
    images, classical models work on raw pixels: the image-sklearn recipe), or to None
    where no recipe builds it and ``advisor check`` measures it (audio classification).
    """

    name: str
    label: str
    family: str
    tasks: tuple[str, ...]
    recipes: dict[str, str | None]

    @property
    def modalities(self) -> tuple[str, ...]:
        return tuple(self.recipes)

    def project_model(self, modality: str) -> str:
        """The model a project scaffolded from its recipe builds for it (a word of
        ``advisor scaffold --model``)."""
        return _PROJECT_MODEL.get(self.name, {}).get(modality, self.name)

    def applies_to(self, profile: Profile) -> bool:
        return profile.task in self.tasks and profile.modality in self.recipes


# The general-purpose models fit every task with a target column; each application task
# has its own pretrained networks below.
_ALL = CHECK_TASKS
_CLASSIFY = ("binary", "multiclass")
_SKLEARN = {"tabular": "tabular-sklearn", "text": "text-sklearn", "image": "image-sklearn"}

# Order matters only to break ties: simpler, cheaper models first.
CANDIDATES: dict[str, CandidateModel] = {
    c.name: c
    for c in (
        CandidateModel(
            "logistic_regression", "Logistic regression", "classical", _CLASSIFY, _SKLEARN
        ),
        CandidateModel(
            "linear_regression",
            "Linear / ridge / lasso regression",
            "classical",
            ("regression",),
            _SKLEARN,
        ),
        CandidateModel(
            "sgd_linear",
            "Linear model trained with SGD",
            "classical",
            _ALL,
            {"tabular": "tabular-sklearn", "text": "text-sklearn"},
        ),
        CandidateModel(
            "naive_bayes", "Naive Bayes", "classical", _CLASSIFY, {"text": "text-sklearn"}
        ),
        CandidateModel(
            "decision_tree", "Decision tree", "classical", _ALL, {"tabular": "tabular-sklearn"}
        ),
        CandidateModel(
            "random_forest", "Random forest", "classical", _ALL, {"tabular": "tabular-sklearn"}
        ),
        CandidateModel(
            "gradient_boosted_trees",
            "Gradient-boosted trees (XGBoost)",
            "classical",
            _ALL,
            {"tabular": "tabular-xgboost"},
        ),
        CandidateModel("linear_svm", "Linear SVM", "classical", _ALL, _SKLEARN),
        CandidateModel(
            "rbf_svm",
            "SVM with an RBF kernel",
            "classical",
            _ALL,
            {"tabular": "tabular-sklearn", "image": "image-sklearn"},
        ),
        CandidateModel(
            "knn",
            "k-nearest neighbours",
            "classical",
            _ALL,
            {"tabular": "tabular-sklearn", "image": "image-sklearn"},
        ),
        CandidateModel(
            "mlp",
            "Multi-layer perceptron (MLP)",
            "deep_learning",
            _ALL,
            {"tabular": "tabular-pytorch"},
        ),
        CandidateModel(
            "cnn",
            "Convolutional neural network (CNN)",
            "deep_learning",
            _ALL,
            {"image": "image-pytorch"},
        ),
        CandidateModel(
            "text_nn",
            "Text neural network (n-gram embeddings / 1D CNN)",
            "deep_learning",
            _ALL,
            {"text": "text-pytorch"},
        ),
        CandidateModel(
            "pretrained_finetune",
            "Fine-tuned pretrained model (ResNet- or BERT-style)",
            "deep_learning",
            _ALL,
            {"image": "image-finetune", "text": "text-finetune"},
        ),
        # Audio classification: both families are measured by `advisor check` on a folder
        # of clips in class sub-folders; no recipe builds them yet.
        CandidateModel(
            "mfcc_boosting",
            "MFCC summary statistics with gradient-boosted trees",
            "classical",
            _CLASSIFY,
            {"audio": None},
        ),
        CandidateModel(
            "logmel_cnn",
            "CNN on log-mel spectrograms",
            "deep_learning",
            _CLASSIFY,
            {"audio": None},
        ),
        # The applications where deep learning is the only answer: pretrained networks,
        # each fine-tuned by its own recipe.
        CandidateModel(
            "small_detector",
            "Small real-time object detector (RT-DETR-R18 / YOLO-nano class), fine-tuned",
            "deep_learning",
            ("detection",),
            {"image": "detection-finetune"},
        ),
        CandidateModel(
            "pretrained_detector",
            "Pretrained object detector (RT-DETR-R50 / DETR), fine-tuned",
            "deep_learning",
            ("detection",),
            {"image": "detection-finetune"},
        ),
        CandidateModel(
            "zero_shot_speech_recognizer",
            "Pretrained speech recogniser (Whisper) as it is, zero-shot",
            "deep_learning",
            ("transcription",),
            {"audio": "speech-finetune"},
        ),
        CandidateModel(
            "pretrained_speech_recognizer",
            "Pretrained speech recogniser (Whisper), fine-tuned",
            "deep_learning",
            ("transcription",),
            {"audio": "speech-finetune"},
        ),
        CandidateModel(
            "diffusion_lora",
            "Pretrained latent diffusion model (Stable Diffusion) with LoRA adapters",
            "deep_learning",
            ("generation",),
            {"image": "text-to-image-lora"},
        ),
    )
}

# Candidates whose project builds a model of another name: boosted trees are built with
# XGBoost, a pretrained network by the fine-tuning recipes. The zero-shot recogniser is
# the checkpoint the speech project starts from, before it fine-tunes.
_PROJECT_MODEL = {
    "gradient_boosted_trees": {"tabular": "xgboost"},
    "pretrained_finetune": {"image": "finetune", "text": "finetune"},
    "small_detector": {"image": "detector"},
    "pretrained_detector": {"image": "detector"},
    "zero_shot_speech_recognizer": {"audio": "speech_recognizer"},
    "pretrained_speech_recognizer": {"audio": "speech_recognizer"},
}

# With a GPU, neural stacks scaffold with Lightning where a Lightning recipe exists.
GPU_RECIPES = {"tabular-pytorch": "tabular-lightning", "image-pytorch": "image-lightning"}


def field_type(name: str) -> str:
    """``choice``, ``bool``, ``int`` or ``float``; KeyError for a name outside the vocabulary."""
    return _FIELDS[name][0]


def field_names() -> tuple[str, ...]:
    return tuple(_FIELDS)


def choices(name: str) -> tuple[str, ...]:
    """The allowed values of a choice field (empty for other types)."""
    return _CHOICES.get(name, ())


def vocabulary() -> dict[str, dict[str, Any]]:
    """Every profile field the rules can test, for building forms.

    field name -> ``{"type": "choice"|"bool"|"int"|"float", "description": ...,
    "values": [...]`` (choices only) ``, "explanations": {value: text}, "default": ...}``.
    Shares (``*_share``) are floats in [0, 1]; counts are ints >= 0; ``default`` is the
    :class:`~advisor.profile.Profile` default (``None``: unknown).
    """
    defaults = {f.name: f.default for f in dataclasses.fields(Profile)}
    exported: dict[str, dict[str, Any]] = {}
    for name, (kind, description) in _FIELDS.items():
        entry: dict[str, Any] = {"type": kind, "description": description}
        if kind == "choice":
            entry["values"] = list(_CHOICES[name])
        entry["explanations"] = dict(EXPLANATIONS.get(name, {}))
        default = defaults[name]
        entry["default"] = None if default is dataclasses.MISSING else default
        if kind == "float":
            entry["min"], entry["max"] = 0.0, 1.0
        elif kind == "int":
            entry["min"] = 0
        exported[name] = entry
    return exported


def candidates() -> dict[str, dict[str, Any]]:
    """The candidate models as plain data: name -> label, family, tasks, modalities."""
    return {
        c.name: {
            "label": c.label,
            "family": c.family,
            "tasks": list(c.tasks),
            "modalities": list(c.modalities),
        }
        for c in CANDIDATES.values()
    }
