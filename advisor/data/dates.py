"""Dates in a table: text columns that hold dates become ``datetime64`` columns, and rows
can be put in time order by one of them."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from advisor.errors import DataError
from advisor.terms import suggest

DATE_SHARE = 0.9  # a text column is dates when at least this share of its values parse
DATE_SAMPLE = 200  # values tried first, so a column of words is passed over cheaply
FORMAT_GUESSES = 5  # values a date format is guessed from (the first may be a typo)


def parse_dates(frame: pd.DataFrame, *, keep: str | None = None) -> tuple[pd.DataFrame, list[str]]:
    """``frame`` with its text columns of dates as ``datetime64``, and notes naming them.

    A column is dates when one format (ISO, ``31.12.2024``, ``12/31/2024 10:00``, ...) reads
    at least :data:`DATE_SHARE` of its values; the values it cannot read become missing,
    and the note counts them. Columns that already hold ``datetime64`` stay as they are,
    and so does the column ``keep`` (a target named by the user is taken as written).
    """
    notes = []
    for column in frame.columns:
        if column == keep:
            continue
        series = frame[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            continue
        if pd.api.types.is_bool_dtype(series):
            continue
        parsed = _as_dates(series)
        if parsed is None:
            continue
        frame[column] = parsed
        unread = int(parsed.isna().sum() - series.isna().sum())
        extra = f" ({unread:,} value(s) that are not dates are taken as missing)" if unread else ""
        notes.append(f"Dates: column '{column}' read as dates{extra}.")
    return frame, notes


def date_columns(frame: pd.DataFrame) -> list[str]:
    """The columns of ``frame`` that hold dates."""
    return [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]


def time_column_for(
    frame: pd.DataFrame, time_column: str | None, time_ordered: bool, path: Path
) -> str | None:
    """The column that orders the rows in time: the one named, else the only date column.

    None when no order in time was asked for, or when the table has no date column.
    Raises :class:`DataError` for an unknown column, one that holds no dates, or several
    date columns to choose from.
    """
    columns = [str(c) for c in frame.columns]
    if time_column is not None:
        if time_column not in columns:
            raise DataError(
                f"Time column '{time_column}' is not in {path}{suggest(time_column, columns)}."
            )
        if not pd.api.types.is_datetime64_any_dtype(frame[time_column]):
            raise DataError(
                f"Time column '{time_column}' in {path} holds {_what(frame[time_column])}, not "
                "dates: name a column of dates such as 2024-01-31, or leave --time-column out."
            )
        return time_column
    if not time_ordered:
        return None
    dates = date_columns(frame)
    if len(dates) > 1:
        raise DataError(
            f"{path} has {len(dates)} date columns ({', '.join(dates)}): name the one that "
            "orders the rows with --time-column."
        )
    return dates[0] if dates else None


def order_by_time(frame: pd.DataFrame, time_column: str | None) -> tuple[pd.DataFrame, list[str]]:
    """The rows of ``frame`` in time order by ``time_column`` (stable), and notes saying so.

    Rows with no date cannot be placed in time, so they are dropped. With no time column
    the rows keep the order of the file, and the note says that order was taken as given.
    """
    if time_column is None:
        return frame, ["Time order: no date column, so the rows are taken in the file's order."]
    notes = []
    undated = frame[time_column].isna()
    if undated.any():
        frame = frame.loc[~undated]
        notes.append(
            f"Dropped {int(undated.sum()):,} row(s) with no '{time_column}' date: they cannot be "
            "placed in time."
        )
    if frame[time_column].is_monotonic_increasing:
        notes.append(f"Time order: the rows are in order of '{time_column}'.")
        return frame, notes
    notes.append(f"Time order: sorted the rows by '{time_column}', as they were not in time order.")
    return frame.sort_values(time_column, kind="stable"), notes


def _as_dates(series: pd.Series) -> pd.Series | None:
    values = series.dropna().astype(str)
    if values.empty:
        return None
    sample = values.iloc[:DATE_SAMPLE]
    if sample.str.contains(r"\d").mean() < DATE_SHARE:
        return None
    best, best_share = None, 0.0
    for fmt in _formats(sample):
        share = _read(sample, fmt).notna().mean()
        if share > best_share:
            best, best_share = fmt, share
    if best is None or best_share < DATE_SHARE:
        return None
    parsed = _read(series, best)
    if parsed.notna().sum() < DATE_SHARE * len(values):
        return None
    return parsed


def _formats(sample: pd.Series) -> list[str]:
    from pandas.tseries.api import guess_datetime_format

    formats: list[str] = []
    with warnings.catch_warnings():
        # pandas warns when a day-first format is guessed without dayfirst=True: both are tried.
        warnings.simplefilter("ignore", UserWarning)
        for value in sample.iloc[:FORMAT_GUESSES]:
            for dayfirst in (False, True):
                fmt = guess_datetime_format(value, dayfirst=dayfirst)
                # A year alone (2024) is a number to learn from, not a point in time.
                dated = fmt is not None and any(d in fmt for d in ("%m", "%b", "%B", "%d"))
                if dated and fmt not in formats:
                    formats.append(fmt)
    return formats


def _read(values: pd.Series, fmt: str) -> pd.Series:
    # Offsets (%z) that differ between rows only fit one column once they are all in UTC.
    try:
        return pd.to_datetime(values, format=fmt, errors="coerce", utc="%z" in fmt)
    except (ValueError, OverflowError):
        return pd.Series(pd.NaT, index=values.index)


def _what(series: pd.Series) -> str:
    values = series.dropna()
    if values.empty:
        return "no values"
    examples = ", ".join(str(v) for v in values.unique()[:2])
    kind = "numbers" if pd.api.types.is_numeric_dtype(values) else "text"
    return f"{kind} such as {examples}"
