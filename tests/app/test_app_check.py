"""The check step's progress lines (the page itself is driven in test_app.py and
test_app_check_report.py)."""

from __future__ import annotations

import pytest

from advisor.app.steps.check import progress_line


@pytest.mark.parametrize(
    ("event", "info", "expected"),
    [
        ("candidate_start", {"name": "mlp", "seconds": 4.2}, "Training **mlp** for up to 4.2 s…"),
        (
            "candidate_finish",
            {"name": "svm", "status": "ok", "score": 0.95333},
            "**svm**: ok, score 0.9533",
        ),
        ("candidate_finish", {"name": "svm", "status": "timeout"}, "**svm**: timeout"),
        (
            "candidate_skipped",
            {"name": "svm", "reason": "too many rows"},
            "**svm**: skipped (too many rows)",
        ),
        (
            "curve_finish",
            {"name": "mlp", "fraction": 0.25, "status": "ok"},
            "Learning curve for **mlp** at 25% of the rows: ok",
        ),
        (
            "repeats_start",
            {"name": "svm, mlp", "passes": 3},
            "Repeating the cross-validation of **svm, mlp**: 3 more passes…",
        ),
        (
            "repeats_finish",
            {"name": "svm, mlp", "repeats": 4},
            "**svm, mlp**: 4 passes of cross-validation in all",
        ),
        ("finished", {"verdict": "tie"}, None),
    ],
    ids=[
        "start",
        "finish",
        "timeout",
        "skipped",
        "curve",
        "repeats-start",
        "repeats-finish",
        "finished-is-shown-elsewhere",
    ],
)
def test_progress_lines(event, info, expected):
    assert progress_line(event, info) == expected
