"""Tables: the columns of a CSV or Parquet file made into features and a target.

:mod:`~advisor.data.reading` reads the cells; this module chooses the target and any
free-text column, and says in ``notes`` what it chose and why."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from advisor.data.dataset import Dataset, make_dataset
from advisor.data.dates import order_by_time, parse_dates, time_column_for
from advisor.data.reading import read_table
from advisor.data.target import choose_target
from advisor.errors import DataError
from advisor.terms import suggest

NO_TEXT = "none"  # the text_column that turns text detection off
TEXT_SAMPLE = 2_000  # values that tell free text from categories; more change nothing


def load_table(
    path: Path,
    *,
    target: str | None,
    text_column: str | None,
    task: str | None,
    max_rows: int | None,
    seed: int,
    drop: Sequence[str] = (),
    time_column: str | None = None,
    time_ordered: bool = False,
) -> Dataset:
    """The table at ``path`` (CSV/TSV, ``.gz`` too, or Parquet), its target column apart.

    The columns in ``drop`` are removed first; a feature column with no values is dropped.
    ``target`` None chooses a column by its name (target, label, ...) or else the last,
    never an ID or a date. ``text_column`` None detects free text, and ``"none"`` turns
    that off. Text columns of dates become ``datetime64``. ``time_ordered`` (or a
    ``time_column``) sorts the rows by the time column. Rows without a target value are
    dropped. A CSV that is not UTF-8 is read as Windows-1252 (Latin-1). Above ``max_rows``
    rows, a uniform sample is read. ``notes`` say what was guessed, chosen, dropped or
    sampled.
    """
    frame, total, notes = read_table(path, max_rows, seed)
    sampled = len(frame) < total
    frame.columns = [str(c) for c in frame.columns]
    if frame.shape[1] < 2:
        raise DataError(
            f"{path} has {frame.shape[1]} column(s): expected at least one feature column and a "
            "target column."
        )
    if len(frame) == 0:
        raise DataError(f"{path} has a header but no data rows: expected at least a few rows.")
    if drop:
        frame = _drop_asked(frame, drop, target, path)
        notes.append(f"Dropped {_quoted(drop)}, as asked.")
    frame, dated = parse_dates(frame, keep=target)
    notes += dated
    target, chosen = choose_target(frame, target, path)
    notes += chosen
    if time_column is not None and time_column == target:
        raise DataError(
            f"Column '{target}' in {path} is both the target and the time column: choose "
            "another with --target or --time-column."
        )
    time_column = time_column_for(frame, time_column, time_ordered, path)
    if time_ordered or time_column is not None:
        frame, ordered = order_by_time(frame, time_column)
        notes += ordered
    y = frame.pop(target)
    if y.isna().all():
        raise DataError(
            f"Target column '{target}' in {path} has no values: fill it in or choose another with "
            "--target."
        )
    missing = int(y.isna().sum())
    if missing:
        keep = y.notna().to_numpy()
        frame, y = frame.loc[keep], y.loc[keep]
        notes.append(f"Dropped {missing} row(s) with no target value.")
    empty = [c for c in frame.columns if frame[c].isna().all()]
    if empty:
        frame = frame.drop(columns=empty)
        notes += [f"Dropped '{c}': it has no values." for c in empty]
    if frame.shape[1] == 0:
        raise DataError(
            f"{path} has no feature column left beside the target '{target}': expected at least "
            "one column to predict it from."
        )
    text_column, chosen = _choose_text_column(frame, text_column, target, path)
    notes += chosen
    if sampled:
        notes.append(f"Sampled {len(frame):,} of {total:,} rows at random to bound memory.")
    modality = "text" if text_column else "tabular"
    return make_dataset(
        frame.reset_index(drop=True),
        y.to_numpy(),
        task,
        modality=modality,
        name=path.name,
        target=target,
        text_column=text_column,
        rows_total=total,
        notes=notes,
        source=path,
        time_column=time_column,
        time_ordered=time_ordered or time_column is not None,
    )


def looks_like_text(series: pd.Series) -> bool:
    """Free text: strings of several words, mostly distinct (not a category), judged on the
    first :data:`TEXT_SAMPLE` values."""
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
        return False
    values = series.dropna().iloc[:TEXT_SAMPLE].astype(str)
    if values.empty:
        return False
    words = values.str.split().str.len().mean()
    return bool(words >= 4 and values.nunique() / len(values) > 0.5)


def _choose_text_column(
    frame: pd.DataFrame, text_column: str | None, target: str, path: Path
) -> tuple[str | None, list[str]]:
    """The free-text column (named, detected, or none) and a note saying which."""
    if text_column == NO_TEXT:
        return None, [f"Text: none (--text-column {NO_TEXT}), so every column is a table feature."]
    if text_column is not None:
        if text_column == target:
            raise DataError(
                f"Column '{target}' is the target, so it cannot also be the text column: choose "
                "another with --text-column or --target."
            )
        if text_column not in frame.columns:
            raise DataError(
                f"Text column '{text_column}' is not in "
                f"{path}{suggest(text_column, list(frame.columns))}."
            )
        return text_column, [f"Text: column '{text_column}', as given."]
    detected = [c for c in frame.columns if looks_like_text(frame[c])]
    if not detected:
        return None, []
    text_column = max(
        detected, key=lambda c: frame[c].dropna().iloc[:TEXT_SAMPLE].astype(str).str.len().mean()
    )
    return text_column, [
        f"Text: column '{text_column}' holds free text (use --text-column to choose another, or "
        f"--text-column {NO_TEXT} for none)."
    ]


def _drop_asked(
    frame: pd.DataFrame, drop: Sequence[str], target: str | None, path: Path
) -> pd.DataFrame:
    columns = list(frame.columns)
    for name in drop:
        if name not in columns:
            raise DataError(f"Column '{name}' to drop is not in {path}{suggest(name, columns)}.")
        if name == target:
            raise DataError(
                f"Column '{name}' is the target, so it cannot be dropped: leave it out of --drop, "
                "or choose another target with --target."
            )
    return frame.drop(columns=list(dict.fromkeys(drop)))


def _quoted(columns: Sequence[str]) -> str:
    return ", ".join(f"'{c}'" for c in dict.fromkeys(columns))
