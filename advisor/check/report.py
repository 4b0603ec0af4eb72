"""The check's report: one self-contained HTML page (charts inline as SVG) and its JSON.

:func:`render_html` makes the page from ``templates/report.html.j2`` and the leaderboard
rows of :mod:`advisor.check.view`; :func:`write_report` writes ``report.html`` and
``report.json`` into a folder, each whole or not at all (:func:`advisor.files.write_files`).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from advisor.check import view
from advisor.errors import ReportError
from advisor.files import write_files
from advisor.terms import metric_display

FAMILY_COLOURS = {"baseline": "#9e9e9e", "classical": "#1f77b4", "deep_learning": "#d62728"}
VERDICT_COLOURS = {"classical": "#1f77b4", "deep_learning": "#d62728", "tie": "#777"}
UNSETTLED_COLOUR = "#f0a020"  # no signal, or a family not measured: not a measured tie
TEMPLATE = Path(__file__).with_name("templates") / "report.html.j2"


def render_html(report: Any) -> str:
    """The report as one self-contained HTML page (no external files or scripts)."""
    from jinja2 import Environment, StrictUndefined

    from advisor.check.evaluation import delta
    from advisor.check.result import SCHEMA

    environment = Environment(autoescape=True, undefined=StrictUndefined)
    template = environment.from_string(TEMPLATE.read_text(encoding="utf-8"))
    columns = view.columns(report)
    profile_rows = [
        (key, ", ".join(value) if isinstance(value, list) else value)
        for key, value in report.profile.items()
        if value is not None and value != []
    ]
    return template.render(
        r=report,
        metric=metric_display(report.metric),
        columns=columns,
        rows=view.rows(report),
        # Every column between the family and the status holds a number.
        numeric=set(range(2, len(columns) - 1)),
        colour=(
            VERDICT_COLOURS[report.verdict] if report.outcome == "measured" else UNSETTLED_COLOUR
        ),
        margin_words=view.margin_words(report),
        threshold=f"{delta(report.metric):g}"
        + (" (relative)" if not report.higher_is_better else ""),
        leaderboard_svg=leaderboard_chart(report),
        curve_svg=curve_chart(report),
        profile_rows=profile_rows,
        schema=SCHEMA,
    )


def leaderboard_chart(report: Any) -> str:
    """Horizontal bars of each model's score with its spread, coloured by family."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    scored = [m for m in report.models if m.score is not None]
    figure = Figure(figsize=(7.5, 0.45 * max(2, len(scored)) + 1.0))
    axes = figure.subplots()
    names = [m.name for m in scored][::-1]
    bars = axes.barh(
        names,
        [m.score for m in scored][::-1],
        xerr=[m.score_std or 0.0 for m in scored][::-1],
        color=[FAMILY_COLOURS[m.family] for m in scored][::-1],
        capsize=3,
    )
    axes.bar_label(bars, fmt="%.4f", padding=4, fontsize=8)
    if scored and report.higher_is_better and max(m.score for m in scored) <= 1.0:
        low = min(m.score for m in scored)
        axes.set_xlim(max(0.0, low - 0.05) if low > 0.5 else 0.0, 1.08)
    axes.set_xlabel(metric_display(report.metric))
    axes.set_title(
        "Leaderboard (mean ± std across splits; grey: floor, blue: classical, red: neural)",
        fontsize=9,
    )
    figure.tight_layout()
    return _svg(figure)


def curve_chart(report: Any) -> str:
    """Score against training rows for the best classical and the best neural model."""
    if not report.learning_curve:
        return ""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.5, 3.6))
    axes = figure.subplots()
    for model in dict.fromkeys(p.model for p in report.learning_curve):
        points = sorted(
            (p for p in report.learning_curve if p.model == model), key=lambda p: p.train_rows
        )
        axes.errorbar(
            [p.train_rows for p in points],
            [p.score for p in points],
            yerr=[p.score_std for p in points],
            marker="o",
            capsize=3,
            label=model,
            color=FAMILY_COLOURS[points[0].family],
        )
    axes.set_xlabel("training rows")
    axes.set_ylabel(metric_display(report.metric))
    axes.set_title("Learning curve (25 %, 50 %, 100 % of the training rows)", fontsize=9)
    axes.legend()
    figure.tight_layout()
    return _svg(figure)


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prologue: the SVG sits inside HTML


def write_report(report: Any, directory: str | Path) -> Path:
    """Write ``report.html`` and ``report.json`` into ``directory`` (created if needed) and
    return the path of ``report.html``. Other files in the folder are left alone.

    Raises :class:`advisor.errors.ReportError` when ``directory`` is a file or cannot be
    written.
    """
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ReportError(
            f"{directory} is a file: give --report a folder to write report.html and "
            "report.json into."
        )
    html, json_text = render_html(report), report.to_json()
    try:
        write_files(directory, {"report.html": html, "report.json": json_text + "\n"})
    except OSError as exc:
        raise ReportError(
            f"Cannot write the report into {directory} ({exc.strerror}): choose a folder "
            "you can write to."
        ) from None
    return directory / "report.html"
