"""What every session of one server shares, made once and cached by Streamlit.

The functions live at module level so that Streamlit's cache sees one function across
script runs. ``st.cache_resource`` holds objects that are shared as they are (read-only
datasets, the session-folder registry); nothing here is copied per session.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from advisor.app.sessions import SessionFolders


@st.cache_resource(show_spinner=False)
def vocabulary() -> dict[str, dict[str, Any]]:
    """The rules' vocabulary, exported: the questions' types, choices and descriptions."""
    from advisor.rules.vocabulary import vocabulary as export

    return export()


@st.cache_resource(show_spinner=False)
def recipes() -> dict[str, Any]:
    """The project recipes, by name."""
    from advisor.scaffold.recipes import load_recipes

    return load_recipes()


@st.cache_resource(show_spinner=False)
def session_folders() -> SessionFolders:
    """The one registry of session folders of this server process."""
    from advisor.app.sessions import sweep_stale_folders

    sweep_stale_folders()  # what a crashed server left behind
    return SessionFolders()


@st.cache_resource(show_spinner=False)
def start_workers() -> None:
    """Start the check's workers once per server, in the background: importing
    scikit-learn takes seconds, and a check's budget should not pay for it."""
    from advisor.check.children import warm_up_in_background

    warm_up_in_background()


@st.cache_resource(show_spinner="Loading the example…")
def example_dataset(name: str, task: str | None = None) -> Any:
    """A bundled example, read once and shared read-only by every session."""
    from advisor.data import load_example

    return load_example(name, task=task)
