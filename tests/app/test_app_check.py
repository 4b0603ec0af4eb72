"""The check step's words: its progress lines and its leaderboard rows (the page itself is
driven in test_app.py)."""

from __future__ import annotations

import pytest

from advisor.app.steps.check import leaderboard, progress_line
from tests.app.reports import canned_report


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
        ("finished", {"verdict": "tie"}, None),
    ],
    ids=["start", "finish", "timeout", "skipped", "curve", "finished-is-shown-elsewhere"],
)
def test_progress_lines(event, info, expected):
    assert progress_line(event, info) == expected


def test_the_leaderboard_has_the_views_columns_and_a_message_in_its_status_cell():
    board = leaderboard(canned_report())
    assert list(board[0]) == ["model", "family", "accuracy", "± std", "s / fit", "status"]
    assert [row["model"] for row in board] == ["svm", "mlp", "dummy", "xgboost"]
    assert [row["family"] for row in board] == ["classical", "neural", "floor", "classical"]
    assert board[0]["status"] == "ok"
    assert (board[3]["accuracy"], board[3]["± std"]) == ("–", "–")
    assert board[3]["status"] == "timeout: stopped at its time limit"
