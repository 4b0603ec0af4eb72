"""A feasibility report as Markdown: a summary fit for a pull-request comment or a CI job's
summary page (GitHub's ``$GITHUB_STEP_SUMMARY``), from the same rows as every other view."""

from __future__ import annotations

from typing import Any

from advisor.check import view


def render_markdown(report: Any) -> str:
    """The verdict, the leaderboard as a table, the learning curve, the data and compute
    needed, advice and warnings."""
    lines = [
        f"## advisor check: {_escape(report.dataset)}",
        "",
        f"**{_escape(report.sentence())}**",
        "",
        f"_{_escape(view.facts(report))}; {_escape(view.title(report))}._",
        "",
        "### Leaderboard",
        "",
        _row(view.columns(report)),
        "|" + "|".join("---:" if _numeric(i, report) else "---" for i in _indices(report)) + "|",
    ]
    lines += [_row(row.cells()) for row in view.rows(report)]
    notes = [f"- {row.model}: {row.message}" for row in view.rows(report) if row.message]
    if notes:
        lines += ["", *(_escape(note) for note in notes)]
    lines += ["", "### Learning curve", "", _escape(report.curve_summary)]
    if report.data_needed is not None:
        lines += ["", "### Data needed", "", _escape(report.data_needed.summary())]
    compute = getattr(report, "compute", None)
    if compute is not None:
        lines += ["", "### Compute needed", "", _escape(compute.summary())]
        if compute.measured:
            lines += ["", _row(compute.columns())]
            lines += ["|---|---|" + "---:|" * (len(compute.columns()) - 2)]
            lines += [_row(cells) for cells in compute.table()]
    advice = getattr(report, "advice", None)
    if advice:
        lines += ["", "### Advice", "", _escape(advice)]
    if report.warnings:
        lines += ["", "### Warnings", ""]
        lines += [f"- {_escape(w)}" for w in report.warnings]
    return "\n".join(lines) + "\n"


def _indices(report: Any) -> range:
    return range(len(view.columns(report)))


def _numeric(index: int, report: Any) -> bool:
    # model and family lead, status ends the row; the scores and times between are numbers
    return 2 <= index < len(view.columns(report)) - 1


def _row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(_escape(c).replace("|", "\\|") for c in cells) + " |"


def _escape(text: str) -> str:
    # Underscores in model names (hist_gradient_boosting) would otherwise start emphasis.
    return str(text).replace("_", "\\_")
