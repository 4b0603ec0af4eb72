"""The profile: validation with one message shape, an immutable value, a JSON round trip."""

from __future__ import annotations

import dataclasses

import pytest

from advisor.errors import ParameterError
from advisor.profile import Profile


def test_defaults_describe_an_unknown_problem() -> None:
    profile = Profile(task="binary")
    assert (profile.modality, profile.complexity) == ("tabular", "unknown")
    assert profile.rows is None and profile.heavy_tail_share is None
    assert (profile.interpretable, profile.gpu, profile.labelled) == (False, False, True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"task": "binay"},
            "The 'task' parameter of Profile must be one of binary, multiclass, regression, "
            "detection, transcription, generation. Got 'binay' instead.",
        ),
        (
            {"modality": "video"},
            "The 'modality' parameter of Profile must be one of tabular, image, text, audio. "
            "Got 'video' instead.",
        ),
        ({"rows": -1}, "The 'rows' parameter of Profile must be an int >= 0. Got -1 instead."),
        ({"rows": 2.5}, "The 'rows' parameter of Profile must be an int >= 0. Got 2.5 instead."),
        (
            {"missing_share": 1.5},
            "The 'missing_share' parameter of Profile must be a float in [0, 1]. Got 1.5 instead.",
        ),
    ],
    ids=["task-typo", "unknown-modality", "negative-rows", "fractional-rows", "share-above-1"],
)
def test_bad_values_are_rejected_with_one_message_shape(changes: dict, message: str) -> None:
    with pytest.raises(ParameterError) as caught:
        Profile(**{"task": "binary", **changes})
    assert str(caught.value) == message


def test_profile_is_immutable_and_replace_returns_a_copy() -> None:
    profile = Profile(task="binary", rows=10)
    with pytest.raises(dataclasses.FrozenInstanceError):
        profile.rows = 20  # type: ignore[misc]
    bigger = profile.replace(rows=20)
    assert (profile.rows, bigger.rows) == (10, 20)


def test_json_round_trip_keeps_every_field() -> None:
    profile = Profile(
        task="multiclass",
        modality="image",
        rows=1797,
        classes=10,
        minority_share=0.1,
        gpu=True,
        notes=("inferred",),
    )
    data = profile.to_dict()
    assert data["notes"] == ["inferred"] and data["classes"] == 10
    assert Profile.from_dict(data) == profile


def test_from_dict_names_unknown_fields() -> None:
    with pytest.raises(ParameterError, match=r"^Unknown profile field\(s\): colour\. Known"):
        Profile.from_dict({"task": "binary", "colour": "red"})
