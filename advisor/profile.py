"""The problem profile: one immutable description of the task, its data and constraints.

It is written by hand (command-line flags, the questionnaire) or inferred from data
(:func:`advisor.infer_profile`). The rules read it; every report carries it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from advisor.errors import ParameterError
from advisor.terms import APPLICATION_MODALITY, MODALITIES, TASKS

COMPLEXITIES = ("simple", "complex", "unknown")
# Where the trained model runs, what the work is for, and the deep-learning framework the
# team already uses ("none": no preference): what the framework choice reads.
DEPLOYMENTS = ("server", "mobile", "edge", "browser")
PURPOSES = ("production", "research")
TEAM_FRAMEWORKS = ("none", "pytorch", "keras", "jax")
# The data each task takes: classification reads any modality, regression every one but
# audio (audio comes as clips in class sub-folders), each application its own input.
TASK_MODALITIES: dict[str, tuple[str, ...]] = {
    "binary": MODALITIES,
    "multiclass": MODALITIES,
    "regression": tuple(m for m in MODALITIES if m != "audio"),
    **{task: (modality,) for task, modality in APPLICATION_MODALITY.items()},
}

# Plain-language explanations, shown by the questionnaire next to each choice.
EXPLANATIONS = {
    "task": {
        "binary": "Predict one of two outcomes (churn or not, fraud or not).",
        "multiclass": "Predict one of three or more categories.",
        "regression": "Predict a number (a price, a duration, a demand).",
        "detection": "Find objects in images: a box and a class for each (defects, products).",
        "transcription": "Turn speech into text (calls, meetings, dictation).",
        "generation": "Generate images from text prompts, in your own style or subject.",
    },
    "modality": {
        "tabular": "Rows and columns: a spreadsheet, a database table, a CSV.",
        "image": "Pictures: photos, scans, frames.",
        "text": "Free text: reviews, tickets, documents.",
        "audio": "Sound: speech, calls, machine or environmental recordings (.wav, .flac).",
    },
    "complexity": {
        "simple": "The outcome follows the inputs in a roughly straight-line, additive way.",
        "complex": "Interactions, thresholds, hierarchies: experts cannot write it down.",
        "unknown": "You do not know yet; the rules lean on data size and the check.",
    },
    "deployment": {
        "server": "A service or batch job on servers or in the cloud.",
        "mobile": "Inside a phone app (Android, iOS), on the device.",
        "edge": "On an embedded or edge device (microcontroller, camera, gateway).",
        "browser": "In the user's web browser.",
    },
    "purpose": {
        "production": "A model that ships and is maintained.",
        "research": "Experiments, papers, trying new architectures.",
    },
    "framework": {
        "none": "No preference: the rules choose.",
        "pytorch": "The team works in PyTorch.",
        "keras": "The team works in TensorFlow / Keras.",
        "jax": "The team works in JAX.",
    },
}


@dataclass(frozen=True)
class Profile:
    """What the rules need to know about a machine-learning problem.

    Statistics that are not known are ``None``; rules over them then do not fire.
    Shares are fractions in [0, 1].
    """

    task: str
    modality: str = "tabular"
    complexity: str = "unknown"
    rows: int | None = None
    features: int | None = None
    classes: int | None = None
    minority_share: float | None = None  # share of the rarest class (classification)
    missing_share: float | None = None  # share of missing cells
    categorical_share: float | None = None  # share of category columns (not numbers or dates)
    heavy_tail_share: float | None = (
        None  # share of numeric features with |skew| > 2 or kurtosis > 7
    )
    uninformative_share: float | None = None  # share of features with ~no signal on the target
    interpretable: bool = False  # people must be able to read how the model decides
    latency_sensitive: bool = False  # predictions must come back in milliseconds
    gpu: bool = False  # a CUDA GPU is available for training
    labelled: bool = True  # labelled examples exist to train on
    deployment: str = "server"  # where the trained model runs
    purpose: str = "production"  # research or production
    tpu: bool = False  # training runs on Google Cloud TPUs
    framework: str = "none"  # the deep-learning framework the team already uses
    notes: tuple[str, ...] = field(default=(), compare=False)  # how it was inferred

    def __post_init__(self) -> None:
        for name, allowed in (
            ("task", TASKS),
            ("modality", MODALITIES),
            ("complexity", COMPLEXITIES),
            ("deployment", DEPLOYMENTS),
            ("purpose", PURPOSES),
            ("framework", TEAM_FRAMEWORKS),
        ):
            value = getattr(self, name)
            if value not in allowed:
                raise ParameterError(
                    f"The '{name}' parameter of Profile must be one of {', '.join(allowed)}. "
                    f"Got {value!r} instead."
                )
        conflict = modality_conflict(self.task, self.modality)
        if conflict is not None:
            raise ParameterError(conflict)
        for name in ("rows", "features", "classes"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 0):
                raise ParameterError(
                    f"The '{name}' parameter of Profile must be an int >= 0. Got {value!r} instead."
                )
        for f in dataclasses.fields(self):
            if f.name.endswith("_share"):
                value = getattr(self, f.name)
                if value is not None and not 0.0 <= value <= 1.0:
                    raise ParameterError(
                        f"The '{f.name}' parameter of Profile must be a float in [0, 1]. "
                        f"Got {value!r} instead."
                    )

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: every field, ``notes`` as a list."""
        data = dataclasses.asdict(self)
        data["notes"] = list(self.notes)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        """Rebuild a profile from :meth:`to_dict` output; unknown keys are an error."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ParameterError(
                f"Unknown profile field(s): {', '.join(unknown)}. "
                f"Known fields: {', '.join(sorted(known))}."
            )
        values = dict(data)
        values["notes"] = tuple(values.get("notes", ()))
        return cls(**values)

    def replace(self, **changes: Any) -> Profile:
        """A copy with some fields changed (the profile itself never changes)."""
        return dataclasses.replace(self, **changes)


def modality_conflict(task: str, modality: str) -> str | None:
    """Why ``task`` cannot take ``modality`` data and what to do, as one sentence; None
    when it can."""
    allowed = TASK_MODALITIES[task]
    if modality in allowed:
        return None
    if len(allowed) == 1:
        return (
            f"Task '{task}' takes {allowed[0]} data, not {modality}: set the modality to "
            f"{allowed[0]}."
        )
    takers = tasks_taking(modality)
    return (
        f"Task '{task}' does not take {modality} data: {modality} data is for "
        f"{_either(takers)}; choose one of those tasks, or another modality."
    )


def tasks_taking(modality: str) -> tuple[str, ...]:
    """The tasks that take ``modality`` data, in the order of :data:`TASKS`."""
    return tuple(task for task, accepted in TASK_MODALITIES.items() if modality in accepted)


def _either(words: tuple[str, ...]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"
