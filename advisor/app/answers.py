"""The questionnaire's answers: which questions it asks, their starting values, the profile
they describe, and the measured profile in words.

Kept apart from the widgets so it is tested without Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisor.profile import TASK_MODALITIES, Profile

# The vocabulary fields the user answers by hand; the rest (shares, classes) come from data.
PROBLEM_FIELDS = ("task", "modality", "complexity")
SIZE_FIELDS = ("rows", "features")
CONSTRAINT_FIELDS = ("interpretable", "latency_sensitive", "gpu")
# What the choice of a deep-learning framework reads.
FRAMEWORK_FIELDS = ("deployment", "purpose", "tpu", "framework")
QUESTION_FIELDS = PROBLEM_FIELDS + SIZE_FIELDS + CONSTRAINT_FIELDS + FRAMEWORK_FIELDS
# What data tells better than a guess: taken into the answers when data is read.
DATA_FIELDS = ("task", "modality", "rows", "features")


def default_answers(vocabulary: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The starting answer to every question, from the vocabulary's defaults."""
    answers: dict[str, Any] = {}
    for field in QUESTION_FIELDS:
        spec = vocabulary[field]
        default = spec.get("default")
        if default is None and spec["type"] == "choice":
            default = spec["values"][0]  # task has no default: its first choice is offered
        answers[field] = default
    return answers


def follow_task(answers: dict[str, Any]) -> None:
    """After the task changes: a modality the task cannot take gives way to the task's
    first (detection reads images, transcription audio), so the answers stay a profile."""
    allowed = TASK_MODALITIES[answers["task"]]
    if answers["modality"] not in allowed:
        answers["modality"] = allowed[0]


def answers_to_profile(answers: Mapping[str, Any], inferred: Profile | None = None) -> Profile:
    """The profile the answers describe, on top of what the data told (``inferred``)."""
    if inferred is None:
        return Profile(**answers)
    return inferred.replace(**answers)


def profile_rows(
    profile: Profile, vocabulary: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, str]]:
    """The measured profile as table rows: field, value in words, what the field means."""
    return [
        {
            "": key.replace("_", " ").capitalize(),
            "value": readable(value),
            "meaning": vocabulary.get(key, {}).get("description", ""),
        }
        for key, value in profile.to_dict().items()
        if key != "notes"
        and value is not None
        and key not in (*CONSTRAINT_FIELDS, *FRAMEWORK_FIELDS, "labelled")
    ]


def readable(value: Any) -> str:
    """A profile value for people: shares as percentages, counts with separators."""
    if isinstance(value, float):
        return f"{value:.1%}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
