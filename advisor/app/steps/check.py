"""Step 4: the feasibility check on the session's data, its progress, and its report.

The leaderboard's columns, rows and words come from :mod:`advisor.check.view`, as in the
terminal and the HTML report; this step only lays them out beside its charts.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Mapping
from typing import Any

import streamlit as st

from advisor.app.state import STEPS, LoadedData, go_to, remember, workdir
from advisor.check import view
from advisor.errors import AdvisorError
from advisor.terms import FAMILY_WORDS, metric_display


def draw() -> None:
    """Ask for data when there is none; else the budget, the button, and the last report."""
    st.header("The check")
    data: LoadedData | None = st.session_state.data
    if data is None:
        st.info(
            "The check measures classical baselines against a neural network on your data, so "
            "it needs data: pick a bundled example or upload a file in step 2.",
            icon=":material/info:",
        )
        st.button("Go to the data step", key="to_data", on_click=go_to, args=(STEPS[1],))
        return
    st.write(
        f"Train a ladder of classical baselines and a small neural network on {data.label} "
        "under one time budget, and compare them fairly."
    )
    st.slider("Budget (seconds)", min_value=3, max_value=300, step=1, **remember("budget", 30))
    st.checkbox(
        "The rows are in time order (evaluate on later rows, never on earlier ones)",
        **remember("time_ordered", False),
    )
    if st.button("Run the check", key="run_check", type="primary"):
        run(data)
    report = st.session_state.report
    if report is not None:
        show_report(report)


def run(data: LoadedData) -> None:
    """Run the check with the chosen budget, showing its progress; keep its report (and
    its files for download) in the session, or show why it could not run."""
    started = time.monotonic()  # the budget counts from the click, starting the workers included
    from advisor.app.downloads import report_files
    from advisor.check.runner import run_check

    task = st.session_state.answers["task"]
    budget = float(st.session_state.budget)
    bar = st.progress(0.0, text=f"Starting the check: {budget:g} s in all…")
    with st.status("Running the check…", expanded=True) as status:

        def progress(event: str, info: dict[str, Any]) -> None:
            done, total = info.get("done"), info.get("total")
            if isinstance(done, int) and isinstance(total, int) and total:
                bar.progress(min(done / total, 1.0), text=f"{done} of {total} models measured")
            line = progress_line(event, info)
            if line:
                status.write(line)

        status.write("Starting the workers and checking the data for leaks and duplicates…")
        try:
            dataset = data.dataset
            if task != dataset.task:
                dataset = data.load(task)  # the user corrected the task in step 1 or 2
            report = run_check(
                dataset,
                budget=budget,
                time_ordered=bool(st.session_state.time_ordered),
                progress=progress,
                started=started,
            )
        except AdvisorError as exc:
            status.update(label="The check could not run", state="error")
            st.error(str(exc), icon=":material/warning:")
            return
        status.update(
            label=f"The check finished in {report.elapsed_seconds:.1f} s",
            state="complete",
            expanded=False,
        )
    bar.progress(1.0, text="Done")
    st.session_state.report = report
    folder = tempfile.mkdtemp(dir=workdir())  # the charts take a moment: write them once
    st.session_state.report_files = report_files(report, folder)
    st.session_state.project = None


def progress_line(event: str, info: Mapping[str, Any]) -> str | None:
    """One line (Markdown) for an event :func:`advisor.run_check` reports, or None."""
    name = info.get("name", "")
    if event == "candidate_start":
        return f"Training **{name}** for up to {info.get('seconds', '?')} s…"
    if event == "candidate_finish":
        score = info.get("score")
        scored = "" if score is None else f", score {view.fmt_score(score)}"
        return f"**{name}**: {info.get('status', 'done')}{scored}"
    if event == "candidate_skipped":
        return f"**{name}**: skipped ({info.get('reason', 'not applicable')})"
    share = f" at {info['fraction']:.0%} of the rows" if "fraction" in info else ""
    if event == "curve_start":
        return f"Learning curve for **{name}**{share}…"
    if event == "curve_finish":
        return f"Learning curve for **{name}**{share}: {info.get('status', 'done')}"
    return None


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


def show_report(report: Any) -> None:
    """The verdict, the leaderboard (a chart and the table), the learning curve, the
    warnings and the two downloads."""
    import pandas as pd

    st.subheader(report.sentence())
    st.caption(view.facts(report))
    st.markdown(f"**Leaderboard** · {view.title(report)}")
    metric = metric_display(report.metric)
    scored = [m for m in report.models if m.score is not None]
    if scored:
        board = pd.DataFrame(
            {
                "model": [m.name for m in scored],
                metric: [m.score for m in scored],
                "family": [FAMILY_WORDS[m.family] for m in scored],
            }
        )
        best_first = f"-{metric}" if report.higher_is_better else metric
        st.bar_chart(board, x="model", y=metric, color="family", horizontal=True, sort=best_first)
    st.table(leaderboard(report), hide_index=True)
    if report.learning_curve:
        show_curve(report)
    if report.curve_summary:
        st.write(report.curve_summary)
    for warning in report.warnings:
        st.warning(warning, icon=":material/warning:")
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
