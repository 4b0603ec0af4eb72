"""The check step's options: the columns to leave out and the time column of an uploaded
table, whether the rows are in time order, and where the jobs run.

:func:`draw_options` draws the widgets and returns the choices as one frozen
:class:`CheckChoices`; the step passes them on to the library unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from advisor.app.state import LoadedData, remember

LOCAL, RAY = "local", "ray"  # the engines of advisor.check.engines.make_executor
PLACES = {LOCAL: "This machine", RAY: "A Ray cluster"}


@dataclass(frozen=True)
class CheckChoices:
    """What the user chose for one run of the check."""

    drop: tuple[str, ...] = ()  # columns of an uploaded table to leave out
    time_ordered: bool = False  # evaluate on later rows only
    time_column: str | None = None  # the date column that orders the rows
    engine: str = LOCAL
    address: str | None = None  # the Ray cluster's; None starts Ray on this machine

    def reading(self) -> dict[str, Any]:
        """The keywords of :func:`advisor.data.load_dataset` to read the table again with;
        empty when the table as read will do."""
        options: dict[str, Any] = {}
        if self.drop:
            options["drop"] = list(self.drop)
        if self.time_ordered:
            options["time_ordered"] = True
            if self.time_column is not None:
                options["time_column"] = self.time_column
        return options


def table_columns(data: LoadedData) -> tuple[str, ...]:
    """The feature columns of an uploaded table (the ones that can be left out); none for
    an example or an array."""
    X = data.dataset.X
    if not data.takes_options or not hasattr(X, "columns"):
        return ()
    return tuple(str(c) for c in X.columns)


def date_columns(data: LoadedData) -> tuple[str, ...]:
    """The columns of an uploaded table read as dates: those that can order the rows."""
    import pandas as pd

    X = data.dataset.X
    return tuple(c for c in table_columns(data) if pd.api.types.is_datetime64_any_dtype(X[c].dtype))


def draw_options(data: LoadedData) -> CheckChoices:
    """The option widgets for ``data``; their values as :class:`CheckChoices`."""
    columns = table_columns(data)
    drop: tuple[str, ...] = ()
    if columns:
        kept = st.session_state.kept
        kept["drop"] = [c for c in kept.get("drop", []) if c in columns]  # other data: reset
        drop = tuple(
            st.multiselect(
                "Columns to leave out (an ID, a leak)",
                columns,
                placeholder="None: every column is a feature",
                **remember("drop", []),
            )
        )
    time_ordered = st.checkbox(
        "The rows are in time order (evaluate on later rows, never on earlier ones)",
        **remember("time_ordered", False),
    )
    time_column = None
    dates = tuple(c for c in date_columns(data) if c not in drop)
    if time_ordered and dates:
        if st.session_state.kept.get("time_column") not in dates:
            st.session_state.kept.pop("time_column", None)
        time_column = st.selectbox(
            "Time column (the rows are sorted by it)", dates, **remember("time_column", dates[0])
        )
    engine = st.radio(
        "Where to run the check",
        tuple(PLACES),
        format_func=PLACES.get,
        horizontal=True,
        **remember("engine", LOCAL),
    )
    address = None
    if engine == RAY:
        address = (
            st.text_input(
                "Cluster address",
                placeholder="Empty: start Ray on this machine",
                help="HOST:PORT as `ray start --head` printed it, or auto for the cluster "
                "this machine belongs to.",
                **remember("address", ""),
            ).strip()
            or None
        )
        st.caption(
            "The jobs run on the cluster's CPUs; connecting counts against the budget. "
            "From a terminal: `advisor check DATA --engine ray --address HOST:PORT`."
        )
    return CheckChoices(drop, time_ordered, time_column, engine, address)
