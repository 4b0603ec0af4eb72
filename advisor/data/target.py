"""Which column of a table is the target, when the user did not say."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from advisor.errors import DataError
from advisor.terms import suggest

TARGET_NAMES = ("target", "label", "labels", "y", "class", "outcome")
# Below this many rows, a column of distinct values is as likely a small target as an ID.
ID_MIN_ROWS = 10


def choose_target(frame: pd.DataFrame, target: str | None, path: Path) -> tuple[str, list[str]]:
    """The target column, and a note saying why it was chosen when the user did not name it.

    A column named like a target (target, label, ...) comes first, else the last column.
    A column that cannot be a target is passed over: an ID (see :func:`is_id_like`), a
    date, or a column with no values. Raises :class:`DataError` for an unknown ``target``,
    or when no column is left.
    """
    columns = [str(c) for c in frame.columns]
    if target is not None:
        if target not in columns:
            shown = ", ".join(columns[:12]) + (", ..." if len(columns) > 12 else "")
            raise DataError(
                f"Target column '{target}' is not in {path}{suggest(target, columns)}. Columns: "
                f"{shown}."
            )
        return target, []
    passed_over = [c for c in columns if _why_not_a_target(frame[c])]
    usable = [c for c in columns if c not in passed_over]
    if not usable:
        raise DataError(
            f"No column of {path} can be the target: {_reasons(frame, passed_over)}. Name the "
            "target with --target."
        )
    for name in TARGET_NAMES:
        for column in usable:
            if column.lower() == name:
                return column, [
                    f"Target: column '{column}' (by its name; use --target to choose another)."
                    + _passed_over_words(frame, passed_over)
                ]
    chosen = usable[-1]
    if chosen == columns[-1]:
        return chosen, [f"Target: the last column, '{chosen}' (use --target to choose another)."]
    return chosen, [
        f"Target: column '{chosen}', the last that can be a target (use --target to choose "
        f"another). {_reasons(frame, columns[columns.index(chosen) + 1 :])}."
    ]


def is_id_like(series: pd.Series) -> bool:
    """An identifier: text different in every row, or whole numbers that number the rows.

    Whole numbers that are all distinct but not one consecutive run (prices in whole
    dollars, say) can be a regression target, so only a run such as ``0 .. n-1`` counts.
    """
    values = series.dropna()
    if len(series) < ID_MIN_ROWS or len(values) < len(series) or not values.is_unique:
        return False
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return False
    if not pd.api.types.is_numeric_dtype(values):
        return True
    numbers = values.to_numpy(dtype=float)
    if not np.all(np.mod(numbers, 1) == 0):
        return False
    return bool(numbers.max() - numbers.min() + 1 == len(numbers))


def _why_not_a_target(series: pd.Series) -> str:
    if series.isna().all():
        return "has no values"
    if is_id_like(series):
        return "holds a different value in every row, like an ID"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "holds dates"
    return ""


def _reasons(frame: pd.DataFrame, columns: list[str]) -> str:
    """``'id' holds a different value in every row, like an ID; 'day' holds dates``."""
    return "; ".join(f"'{c}' {_why_not_a_target(frame[c])}" for c in columns)


def _passed_over_words(frame: pd.DataFrame, passed_over: list[str]) -> str:
    # A column named like a target would have come first: say why it did not.
    named = [c for c in passed_over if c.lower() in TARGET_NAMES]
    return f" {_reasons(frame, named)}." if named else ""
