"""Step 3: what the rules recommend for the answers, and why."""

from __future__ import annotations

import streamlit as st

from advisor.app.state import current_profile
from advisor.errors import AdvisorError

VERDICTS = {
    "classical": "A classical model should do.",
    "deep_learning": "Deep learning is the right tool here.",
    "check": "The rules cannot decide: run the feasibility check on your data (step 4).",
}


def draw() -> None:
    """The verdict, the candidates best first, and the rules that fired with their sources."""
    from advisor.recommendation import recommend

    st.header("The recommendation")
    try:
        recommendation = recommend(current_profile())
    except AdvisorError as exc:
        st.error(str(exc), icon=":material/warning:")
        return
    st.subheader(VERDICTS.get(recommendation.verdict, recommendation.verdict))
    st.write(recommendation.reason)
    if recommendation.recipe is None:
        suggests = "no recipe scaffolds it yet: the check (step 4) measures both families"
    else:
        suggests = f"the project recipe it suggests: `{recommendation.recipe}` (step 5)"
    st.caption(f"Verdict: `{recommendation.verdict}` · {suggests}")
    st.markdown("**Candidates, best first**")
    st.table(
        [
            {
                "rank": rank,
                "model": candidate.label,
                "family": candidate.family.replace("_", " "),
                "score": f"{candidate.score:+g}",
            }
            for rank, candidate in enumerate(recommendation.candidates, start=1)
        ],
        hide_index=True,
    )
    st.markdown(f"**Why: {len(recommendation.rules_fired)} rule(s) fired**")
    for rule in recommendation.rules_fired:
        st.markdown(f"- **{rule.id}** — {rule.because}  \n  *Source: {rule.source}*")
    choice = recommendation.framework
    if choice is not None:
        st.subheader(f"Framework: {choice.label}", divider="gray")
        st.write(choice.reason)
        st.caption("Scores: " + " · ".join(f"{name} {score:+g}" for name, score in choice.scores))
        for rule in choice.rules_fired:
            st.markdown(f"- **{rule.id}** — {rule.because}  \n  *Source: {rule.source}*")
