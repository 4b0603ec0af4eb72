"""A session's state: set up once, kept across steps.

Streamlit drops a widget's value when a step stops drawing it, so the values that must
outlive a step live in ``st.session_state`` under names of their own: ``answers`` (the
questions of :mod:`advisor.app.answers`) and ``kept`` (every other widget drawn through
:func:`remember`). Each widget's key is filled from there before it is drawn and copied
back when the user changes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from advisor.app import answers as q
from advisor.app.resources import session_folders, vocabulary
from advisor.profile import Profile

STEPS = (
    "1 · The problem",
    "2 · The data",
    "3 · The recommendation",
    "4 · The check",
    "5 · The project",
)
# What follows from the data; all of it goes when other data is read or the data forgotten.
RESULTS = ("data", "inferred", "data_error", "report", "project")


@dataclass(frozen=True)
class LoadedData:
    """The data the session has read (``st.session_state.data``)."""

    label: str  # how the page names it: "the iris example", "pets.zip"
    load: Callable[..., Any]  # load(task=None): reads it again, for a corrected task
    dataset: Any  # what load() returned, for the task the data told
    folder: Path | None  # the upload's own folder, removed with the data; None for examples
    # Whether load() also takes load_dataset's options (drop, time_column, time_ordered):
    # an upload is read again with them, an example is not.
    takes_options: bool = False


def init_state() -> None:
    """Set up this session's state once; later runs keep what is there."""
    if "step" not in st.session_state:
        st.session_state.step = STEPS[0]
    if "answers" not in st.session_state:
        st.session_state.answers = q.default_answers(vocabulary())
    # Every run frees the folders of sessions that ended (a dictionary walk: cheap).
    session_folders().release_gone(session_is_alive, grace=reconnect_seconds())
    if "workdir" not in st.session_state:
        st.session_state.workdir = workdir()
    for key in RESULTS:
        if key not in st.session_state:
            st.session_state[key] = None
    if "kept" not in st.session_state:
        st.session_state.kept = {}


def workdir() -> Path:
    """This session's private folder (uploads, reports, generated projects)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    return session_folders().folder(get_script_run_ctx().session_id)


def session_is_alive(session_id: str) -> bool:
    """Whether the session may still run; without a runtime (AppTest) nothing can say it
    ended, so it is kept."""
    from streamlit.runtime import Runtime

    return not Runtime.exists() or Runtime.instance().is_active_session(session_id)


def reconnect_seconds() -> float:
    """How long after a dropped connection a session may resume, so its files stay."""
    return float(st.get_option("server.disconnectedSessionTTL"))


def go_to(step: str) -> None:
    """Show ``step`` (one of :data:`STEPS`) on the next run."""
    st.session_state.step = step


def current_profile() -> Profile:
    """The answers, on top of what the data told when data was read. Raises
    :class:`~advisor.errors.AdvisorError` when the answers do not make a profile."""
    return q.answers_to_profile(st.session_state.answers, st.session_state.inferred)


def question(field: str, *, where: str) -> None:
    """One widget for one vocabulary field, keyed ``{where}_{field}``; its value is the
    answer in ``answers``, whichever step draws it."""
    spec = vocabulary()[field]
    key = f"{where}_{field}"
    st.session_state[key] = st.session_state.answers[field]
    description = spec.get("description", "")
    title = field.replace("_", " ").capitalize()
    # A checkbox reads best as its sentence; other widgets get a short title and the sentence.
    label = description if spec["type"] == "bool" else f"**{title}** · {description}"
    keep = {"key": key, "on_change": take_answer, "args": (field, key)}
    if spec["type"] == "choice":
        values = list(spec["values"])
        explanations = spec.get("explanations") or {}
        st.radio(label, values, captions=[explanations.get(v, "") for v in values], **keep)
    elif spec["type"] == "bool":
        st.checkbox(label, **keep)
    elif spec["type"] == "int":
        st.number_input(label, min_value=0, step=1, placeholder="Not known", **keep)
    else:
        st.number_input(label, min_value=0.0, max_value=1.0, placeholder="Not known", **keep)


def take_answer(field: str, key: str) -> None:
    """Copy widget ``key``'s value into the answer to ``field`` (counts as ``int``); a new
    task brings its own modality when it cannot take the one answered."""
    value = st.session_state[key]
    if vocabulary()[field]["type"] == "int" and value is not None:
        value = int(value)
    st.session_state.answers[field] = value
    if field == "task":
        q.follow_task(st.session_state.answers)


def remember(key: str, default: Any) -> dict[str, Any]:
    """Keyword arguments that keep a widget's value while its step is off-page (as
    :func:`question` does for answers); the value starts as ``default``."""
    kept = st.session_state.kept
    kept.setdefault(key, default)
    st.session_state[key] = kept[key]
    return {"key": key, "on_change": keep_value, "args": (key,)}


def keep_value(key: str) -> None:
    """Copy widget ``key``'s value into ``kept``."""
    st.session_state.kept[key] = st.session_state[key]
