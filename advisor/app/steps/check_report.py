"""The check step's report: the outcome, the leaderboard, the learning curve, what more data
would do, what training and prediction would cost, the warnings and the downloads.

The words come from the report and :mod:`advisor.check.view`, as in the terminal and the
HTML report; this module only lays them out beside its charts.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from advisor.check import view
from advisor.terms import FAMILY_WORDS, metric_display


def show_report(report: Any) -> None:
    """The outcome, the leaderboard (a chart and the table), the learning curve, the data
    that would change the answer, the warnings and the two downloads."""
    show_outcome(report)
    st.caption(view.facts(report))
    st.markdown(f"**Leaderboard** · {view.title(report)} · {view.leaderboard_splits(report)}")
    show_board_chart(report)
    st.table(leaderboard(report), hide_index=True)
    paired = paired_words(report)
    if paired:
        st.caption(paired)
    if report.learning_curve:
        show_curve(report)
    if report.curve_summary:
        st.write(report.curve_summary)
    needed = getattr(report, "data_needed", None)
    if needed is not None:
        st.markdown(f"**With more data** · {needed.summary()}")
    compute = getattr(report, "compute", None)
    if compute is not None:
        st.markdown(f"**Compute needed** · {compute.summary()}")
        if compute.measured:
            st.table(
                [dict(zip(compute.columns(), row, strict=True)) for row in compute.table()],
                hide_index=True,
            )
    for warning in report.warnings:
        st.warning(warning, icon=":material/warning:")
    show_downloads()


def show_outcome(report: Any) -> None:
    """The headline, then the verdict's sentence in a box that says how much it settles:
    a measured winner, a measured tie, or no verdict at all (no signal, not measured).
    The families without a score say why, and the advice has a box of its own."""
    st.subheader(view.headline(report))
    words = report.verdict_words()
    if report.outcome != "measured":
        st.warning(words, icon=":material/help:")
    elif report.verdict == "tie":
        st.info(words, icon=":material/balance:")
    else:
        st.success(words, icon=":material/check_circle:")
    for family in report.unmeasured:
        reasons, _ = view.unmeasured_reasons(report, (family,))
        if reasons:
            st.markdown(f"**No {FAMILY_WORDS[family]} score** · {reasons}")
    if report.advice:
        st.info(report.advice, icon=":material/lightbulb:")


def paired_words(report: Any) -> str | None:
    """How many splits the paired test compared, and over how many passes of
    cross-validation; None when nothing was compared."""
    if report.margin is None or not report.pairs:
        return None
    passes = (
        f" ({report.repeats} passes of cross-validation, each with its own shuffle)"
        if report.repeats > 1
        else " (one pass of cross-validation)"
    )
    return (
        f"Paired test over {report.pairs} splits{passes}: margin {view.margin_words(report)}, "
        f"p = {report.p_value:.3g}."
    )


def leaderboard(report: Any) -> list[dict[str, str]]:
    """The leaderboard's rows under :func:`advisor.check.view.columns`, a row's message
    in its status cell."""
    titles = view.columns(report)
    table = []
    for row in view.rows(report):
        cells = dict(zip(titles, row.cells(), strict=True))
        if row.message:
            cells["status"] = f"{row.status}: {row.message}"
        table.append(cells)
    return table


def show_board_chart(report: Any) -> None:
    """The scored models as bars, best first, coloured by family."""
    import pandas as pd

    metric = metric_display(report.metric)
    scored = [m for m in report.models if m.score is not None]
    if not scored:
        return
    board = pd.DataFrame(
        {
            "model": [m.name for m in scored],
            metric: [m.score for m in scored],
            "family": [FAMILY_WORDS[m.family] for m in scored],
        }
    )
    best_first = f"-{metric}" if report.higher_is_better else metric
    st.bar_chart(board, x="model", y=metric, color="family", horizontal=True, sort=best_first)


def show_curve(report: Any) -> None:
    """Each model's score as its training rows grow, one line a model."""
    import altair as alt
    import pandas as pd

    metric = metric_display(report.metric)
    points = pd.DataFrame([p.to_dict() for p in report.learning_curve])
    st.markdown(f"**Learning curve** · {metric} as the training rows grow")
    # Altair rather than st.line_chart: close scores need an axis that does not start at
    # zero, and each measured point should show.
    curve = (
        alt.Chart(points)
        .mark_line(point=True)
        .encode(
            x=alt.X("train_rows:Q", title="training rows"),
            y=alt.Y("score:Q", title=metric, scale=alt.Scale(zero=False)),
            color=alt.Color("model:N", title="model"),
            tooltip=["model", "train_rows", "score"],
        )
    )
    st.altair_chart(curve, width="stretch")


def show_downloads() -> None:
    """The HTML report and the JSON, written once when the check finished."""
    files = st.session_state.report_files
    left, right = st.columns(2)
    left.download_button(
        "Download the HTML report",
        files["report.html"],
        file_name="report.html",
        mime="text/html",
        key="download_html",
        on_click="ignore",
    )
    right.download_button(
        "Download the JSON",
        files["report.json"],
        file_name="report.json",
        mime="application/json",
        key="download_json",
        on_click="ignore",
    )
