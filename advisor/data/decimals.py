"""The decimal mark of a CSV: ``70,0`` is seventy in a file that separates its columns with
semicolons or tabs, as spreadsheets in much of Europe write them."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pandas as pd

INTEGER = re.compile(r"^[+-]?\d+$")
# 70,0  3,14159  -0,5  1.234,5 (a dot grouping thousands)
COMMA_DECIMAL = re.compile(r"^[+-]?(\d+|\d{1,3}(\.\d{3})+),\d+$")
# 1,234  12,500: a comma grouping thousands reads the same as three decimals
COMMA_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$")
DOT_GROUPED = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
BOTH_MARKS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+,\d+$")
DOT_DECIMAL = re.compile(r"^[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class NumberFormat:
    """How numbers are written: the ``decimal`` and ``thousands`` marks ``pandas.read_csv``
    takes, and notes saying what was read."""

    decimal: str = "."
    thousands: str | None = None
    notes: tuple[str, ...] = ()


def number_format(head: str, sep: str) -> NumberFormat:
    """The number format of a CSV, from its first lines (``head``) and column separator.

    A comma is the decimal mark when, in a file whose columns are not separated by commas,
    some column reads as numbers only with a comma as the decimal mark and no column
    writes decimals with a dot. When the file mixes the two, or every comma could as well
    group thousands (``1,234``), the columns stay text and a note names them.
    """
    if sep == ",":
        return NumberFormat()
    try:
        frame = pd.read_csv(io.StringIO(head), sep=sep, dtype=str)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return NumberFormat()
    comma, grouped, dot = [], [], []
    for column in frame.columns:
        values = frame[column].dropna().astype(str).str.strip()
        if values.empty:
            continue
        kind = _kind(values)
        if kind == "comma":
            comma.append(str(column))
        elif kind == "grouped":
            grouped.append(str(column))
        elif kind == "dot":
            dot.append(str(column))
    if comma and not dot:
        both = any(frame[c].astype(str).str.strip().str.match(BOTH_MARKS).any() for c in comma)
        return NumberFormat(",", "." if both else None, ("Read ',' as the decimal mark.",))
    if comma or grouped:
        shown = ", ".join(f"'{c}'" for c in comma + grouped)
        example = frame[(comma + grouped)[0]].dropna().astype(str).str.strip().iloc[0]
        if comma:
            why = f"but column(s) {', '.join(repr(c) for c in dot)} use a decimal point"
        else:
            why = "where ',' may be the decimal mark or group thousands"
        return NumberFormat(
            notes=(
                f"Read as text: column(s) {shown} hold numbers such as {example}, {why}; write "
                "every number with one decimal mark to have them read as numbers.",
            )
        )
    return NumberFormat()


def _kind(values: pd.Series) -> str:
    """``comma`` (decimals after a comma), ``grouped`` (commas that may group thousands),
    ``dot`` (decimals after a dot) or ``other``."""
    integer = values.str.match(INTEGER)
    if values.str.match(DOT_DECIMAL).any() and (values.str.match(DOT_DECIMAL) | integer).all():
        dot_grouped = values.str.match(DOT_GROUPED)
        # 1.234 alone may be a thousand and more with a dot grouping the thousands.
        return "other" if (dot_grouped | integer).all() else "dot"
    comma = values.str.match(COMMA_DECIMAL)
    grouped = values.str.match(COMMA_GROUPED)
    if not (comma | grouped | integer | values.str.match(DOT_GROUPED)).all():
        return "other"
    if (comma & ~grouped).any():
        return "comma"
    return "grouped" if grouped.any() else "other"
