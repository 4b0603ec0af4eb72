"""The questionnaire's answers: their defaults, the profile they make, the profile in words."""

from __future__ import annotations

import pytest

from advisor.app.answers import (
    QUESTION_FIELDS,
    answers_to_profile,
    default_answers,
    profile_rows,
    readable,
)
from advisor.profile import Profile
from advisor.rules.vocabulary import vocabulary


def test_default_answers_come_from_the_vocabulary():
    answers = default_answers(vocabulary())
    assert tuple(answers) == QUESTION_FIELDS
    assert answers["task"] == "binary"  # no default in Profile: the first choice
    assert answers["complexity"] == "unknown"
    assert answers["rows"] is None
    assert answers["gpu"] is False


def test_answers_override_what_the_data_told():
    inferred = Profile(task="binary", rows=569, features=30, minority_share=0.37)
    answers = {**default_answers(vocabulary()), "task": "multiclass", "rows": 569}
    profile = answers_to_profile(answers, inferred)
    assert (profile.task, profile.rows, profile.minority_share) == ("multiclass", 569, 0.37)
    assert answers_to_profile(answers).minority_share is None


def test_profile_rows_read_as_words():
    rows = profile_rows(Profile(task="binary", rows=20_000, minority_share=0.1234), vocabulary())
    shown = {row[""]: (row["value"], row["meaning"]) for row in rows}
    assert shown["Rows"] == ("20,000", "Labelled examples (rows, images, documents).")
    assert shown["Minority share"][0] == "12.3%"
    assert "Gpu" not in shown and "Interpretable" not in shown  # answers, not measurements


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.5, "50.0%"), (1234567, "1,234,567"), (True, "True"), ("text", "text")],
    ids=["share", "count", "bool", "choice"],
)
def test_readable(value, expected):
    assert readable(value) == expected
