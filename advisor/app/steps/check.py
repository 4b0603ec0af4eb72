"""Step 4: the feasibility check on the session's data, its options, its progress, and
its report (:mod:`.check_options` draws the options, :mod:`.check_report` the report).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Mapping
from typing import Any

import streamlit as st

from advisor.app.state import STEPS, LoadedData, go_to, remember, workdir
from advisor.app.steps.check_options import CheckChoices, draw_options
from advisor.app.steps.check_report import show_report
from advisor.check import view
from advisor.errors import AdvisorError
from advisor.terms import APPLICATION_TASKS, DEFAULT_METRICS, metric_display


def draw() -> None:
    """Ask for data when there is none; else the budget, the button, and the last report."""
    st.header("The check")
    task = st.session_state.answers["task"]
    if task in APPLICATION_TASKS:
        metric = metric_display(DEFAULT_METRICS[task][0])
        st.info(
            f"The check compares classical baselines with deep learning on the same data. "
            f"For {task} there is no classical side to compare: deep learning from a "
            f"pretrained model is the answer (step 3), and the project (step 5) measures "
            f"its {metric} in evaluate.",
            icon=":material/info:",
        )
        return
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
    choices = draw_options(data)
    if st.button("Run the check", key="run_check", type="primary"):
        run(data, choices)
    report = st.session_state.report
    if report is not None:
        show_report(report)


def run(data: LoadedData, choices: CheckChoices) -> None:
    """Run the check with the chosen budget and options, showing its progress; keep its
    report (and its files for download) in the session, or show why it could not run."""
    started = time.monotonic()  # the budget counts from the click, starting the workers included
    from advisor.app.downloads import report_files
    from advisor.check.engines import make_executor
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
        executor = None
        try:
            dataset = data.dataset
            reading = choices.reading() if data.takes_options else {}
            if reading or task != dataset.task:
                # The user corrected the task in step 1 or 2, or chose columns to leave out
                # or a time column: the table is read again with them.
                dataset = data.load(task, **reading)
            executor = make_executor(choices.engine, address=choices.address, budget=budget)
            report = run_check(
                dataset,
                budget=budget,
                time_ordered=choices.time_ordered or dataset.time_ordered,
                progress=progress,
                started=started,
                executor=executor,
            )
        except AdvisorError as exc:
            status.update(label="The check could not run", state="error")
            st.error(str(exc), icon=":material/warning:")
            return
        finally:
            if executor is not None:
                executor.close()  # a Ray engine disconnects
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
    if event == "repeats_start":
        passes = info.get("passes", "?")
        return f"Repeating the cross-validation of **{name}**: {passes} more passes…"
    if event == "repeats_finish":
        return f"**{name}**: {info.get('repeats', '?')} passes of cross-validation in all"
    share = f" at {info['fraction']:.0%} of the rows" if "fraction" in info else ""
    if event == "curve_start":
        return f"Learning curve for **{name}**{share}…"
    if event == "curve_finish":
        return f"Learning curve for **{name}**{share}: {info.get('status', 'done')}"
    return None
