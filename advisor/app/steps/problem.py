"""Step 1: the problem, asked as the vocabulary's questions."""

from __future__ import annotations

import streamlit as st

from advisor.app import answers as q
from advisor.app.state import question
from advisor.profile import modality_conflict


def draw() -> None:
    """Ask what is predicted from what, the constraints and the size."""
    st.header("The problem")
    st.write(
        "Tell us what you want to predict and from what. Not sure? Leave the defaults: "
        "the data step and the check can fill in what you do not know."
    )
    left, right = st.columns(2)
    with left:
        for field in ("task", "modality"):
            question(field, where="p")
        answers = st.session_state.answers
        conflict = modality_conflict(answers["task"], answers["modality"])
        if conflict is not None:
            st.warning(conflict, icon=":material/warning:")
        st.subheader("Constraints", divider="gray")
        for field in q.CONSTRAINT_FIELDS:
            question(field, where="p")
    with right:
        question("complexity", where="p")
        st.subheader("Size", divider="gray")
        for field in q.SIZE_FIELDS:
            question(field, where="p")
        st.subheader("If deep learning: the framework", divider="gray")
        for field in q.FRAMEWORK_FIELDS:
            question(field, where="p")
