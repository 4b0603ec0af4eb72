"""What crosses the process boundary: a failure's reason in one line."""

from __future__ import annotations

import pytest

from advisor.check.messages import error_line


@pytest.mark.parametrize(
    ("exc", "line"),
    [
        (ValueError("the model could not fit"), "ValueError: the model could not fit"),
        (
            ValueError(
                "\nAll the 6 fits failed.\nTraceback (most recent call last):\n"
                '  File "svm/_base.py", line 221, in fit\n'
                "ValueError: The number of classes has to be greater than one; got 1 class\n"
            ),
            "ValueError: The number of classes has to be greater than one; got 1 class",
        ),
        (MemoryError(), "MemoryError"),
        (RuntimeError("x" * 400), "RuntimeError: " + "x" * 285 + "…"),
    ],
    ids=["plain", "wrapped-by-cross-validation", "no-message", "long"],
)
def test_a_failure_is_one_line_naming_what_went_wrong(exc, line) -> None:
    assert error_line(exc) == line
