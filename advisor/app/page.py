"""The page: the sidebar with the steps and a summary of the answers, the current step,
and the back and next buttons."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from advisor.app.resources import start_workers
from advisor.app.state import STEPS, current_profile, go_to, init_state
from advisor.app.steps import check, data, problem, project, recommendation
from advisor.errors import AdvisorError

PAGES: dict[str, Callable[[], None]] = {
    STEPS[0]: problem.draw,
    STEPS[1]: data.draw,
    STEPS[2]: recommendation.draw,
    STEPS[3]: check.draw,
    STEPS[4]: project.draw,
}


def main() -> None:
    """One run of the script: set up the session, then draw the page."""
    init_state()
    start_workers()
    sidebar()
    PAGES[st.session_state.step]()
    navigation()


def sidebar() -> None:
    """The title, the steps (any one can be chosen) and the answers so far."""
    with st.sidebar:
        st.title("advisor")
        st.caption("Do we need deep learning here, or will a classical model do?")
        st.radio("Steps", STEPS, key="step")
        profile_summary()


def navigation() -> None:
    """Back and next buttons under the step."""
    index = STEPS.index(st.session_state.step)
    st.divider()
    back, _, forward = st.columns([1, 4, 1])
    if index > 0:
        back.button("← Back", key="back", on_click=go_to, args=(STEPS[index - 1],))
    if index < len(STEPS) - 1:
        forward.button("Next →", key="next", on_click=go_to, args=(STEPS[index + 1],))


def profile_summary() -> None:
    """The answers in one line: task, modality, complexity, rows and the data's name."""
    try:
        profile = current_profile()
    except AdvisorError:
        return
    facts = [profile.task, profile.modality, f"{profile.complexity} relationship"]
    if profile.rows is not None:
        facts.append(f"{profile.rows:,} rows")
    if st.session_state.data is not None:
        facts.append(f"data: {st.session_state.data.label}")
    st.caption("Your answers: " + " · ".join(facts))
