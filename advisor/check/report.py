"""The check's report: one self-contained HTML page (charts inline as SVG) and its JSON.

:func:`render_html` makes the page; :func:`write_report` writes ``report.html`` and
``report.json`` into a folder without ever leaving a half-written report behind: both are
rendered in memory, written into a temporary folder beside the target, then moved in.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from advisor.errors import ReportError

FAMILY_COLOURS = {"baseline": "#9e9e9e", "classical": "#1f77b4", "deep_learning": "#d62728"}
METRIC_NAMES = {
    "roc_auc": "ROC AUC",
    "accuracy": "accuracy",
    "macro_f1": "macro-F1",
    "rmse": "RMSE",
    "r2": "R²",
    "mae": "MAE",
}

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>advisor check: {{ r.dataset }}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 960px; margin: 2em auto; padding: 0 1em;
       color: #222; line-height: 1.45; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.8em; }
.verdict { font-size: 1.15em; padding: .8em 1em; border-left: 6px solid {{ colour }};
           background: #f6f6f6; }
table { border-collapse: collapse; width: 100%; font-size: .92em; }
th, td { text-align: left; padding: .3em .6em; border-bottom: 1px solid #ddd; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.warn { background: #fff4e5; border-left: 4px solid #f0a020; padding: .4em .8em; margin: .4em 0; }
.muted { color: #666; font-size: .9em; }
figure { margin: 1em 0; } svg { max-width: 100%; height: auto; }
</style>
</head>
<body>
<h1>Do we need deep learning here? — {{ r.dataset }}</h1>
<p class="verdict">{{ r.sentence() }}</p>
<p class="muted">{{ r.task }} {{ r.modality }} data, {{ "{:,}".format(r.rows) }} rows
{%- if r.rows_total > r.rows %} (sampled from {{ "{:,}".format(r.rows_total) }}){% endif %};
{{ r.evaluation }}; metric {{ metric }}
({{ "higher" if r.higher_is_better else "lower" }} is better);
budget {{ "%g"|format(r.budget_seconds) }} s, took {{ "%.1f"|format(r.elapsed_seconds) }} s;
seed {{ r.seed }}.</p>

<h2>Leaderboard</h2>
<figure>{{ leaderboard_svg|safe }}</figure>
<table>
<tr><th>model</th><th>family</th><th>{{ metric }}</th><th>± std</th>
{%- for m in r.other_metrics %}<th>{{ names.get(m, m) }}</th>{% endfor -%}
<th>seconds per fit</th><th>status</th></tr>
{% for m in r.models %}
<tr><td>{{ m.name }}</td><td>{{ m.family|replace("_", " ") }}</td>
<td class="num">{{ fmt(m.score) }}</td><td class="num">{{ fmt(m.score_std) }}</td>
{%- for o in r.other_metrics %}<td class="num">{{ fmt(m.other_scores.get(o)) }}</td>{% endfor -%}
<td class="num">{{ "%.2f"|format(m.fit_seconds) }}</td>
<td>{{ m.status }}
{%- if m.message %} <span class="muted">({{ m.message }})</span>{% endif %}</td></tr>
{% endfor %}
</table>
{% if r.margin is not none %}
<p>Paired comparison over {{ r.best_deep_learning.fold_scores|length }} splits:
margin {{ margin_words }} (positive means the neural network is better),
one-sided paired t-test p = {{ "%.3g"|format(r.p_value) }}.
The rule: deep learning when the margin exceeds {{ threshold }} with p &lt; 0.1,
classical when it is below −{{ threshold }} with p &lt; 0.1, otherwise a tie.</p>
{% endif %}

<h2>Learning curve</h2>
{% if curve_svg %}<figure>{{ curve_svg|safe }}</figure>{% endif %}
<p>{{ r.curve_summary }}</p>

<h2>Warnings</h2>
{% for w in r.warnings %}<div class="warn">{{ w }}</div>
{% else %}<p>None: no duplicate rows, leaking or ID-like columns, constant columns, heavy
imbalance or sampling were found.</p>
{% endfor %}

<h2>Profile of the data</h2>
<table>
{% for key, value in profile_rows %}<tr><th>{{ key }}</th><td>{{ value }}</td></tr>
{% endfor %}
</table>
<p class="muted">Written by advisor check ({{ schema }}).</p>
</body>
</html>
"""


def render_html(report: Any) -> str:
    """The report as one self-contained HTML page (no external files or scripts)."""
    from jinja2 import Environment, StrictUndefined

    from advisor.check.evaluation import delta
    from advisor.check.result import SCHEMA

    environment = Environment(autoescape=True, undefined=StrictUndefined)
    template = environment.from_string(TEMPLATE)
    profile_rows = [
        (key, ", ".join(value) if isinstance(value, list) else value)
        for key, value in report.profile.items()
        if value is not None and value != []
    ]
    return template.render(
        r=report,
        metric=METRIC_NAMES.get(report.metric, report.metric),
        names=METRIC_NAMES,
        colour={"classical": "#1f77b4", "deep_learning": "#d62728", "tie": "#777"}[report.verdict],
        margin_words=report._margin_words(),
        threshold=f"{delta(report.metric):g}"
        + (" (relative)" if not report.higher_is_better else ""),
        leaderboard_svg=leaderboard_chart(report),
        curve_svg=curve_chart(report),
        profile_rows=profile_rows,
        fmt=lambda v: "–" if v is None else f"{v:.4f}",
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
    axes.set_xlabel(METRIC_NAMES.get(report.metric, report.metric))
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
    axes.set_ylabel(METRIC_NAMES.get(report.metric, report.metric))
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
    return the path of ``report.html``. Other files in the folder are left alone."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ReportError(
            f"{directory} is a file: give --report a folder to write report.html and "
            "report.json into."
        )
    html, json_text = render_html(report), report.to_json()
    parent = directory.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=parent))
    except OSError as exc:
        raise ReportError(
            f"Cannot write the report into {directory} ({exc.strerror}): choose a folder "
            "you can write to."
        ) from None
    try:
        (staging / "report.html").write_text(html, encoding="utf-8")
        (staging / "report.json").write_text(json_text + "\n", encoding="utf-8")
        if not directory.exists():
            staging.chmod(0o755)  # mkdtemp makes it private; a report folder is not
            os.replace(staging, directory)
        else:
            for name in ("report.json", "report.html"):
                os.replace(staging / name, directory / name)
    except OSError as exc:
        raise ReportError(
            f"Cannot write the report into {directory} ({exc.strerror}): choose a folder "
            "you can write to."
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return directory / "report.html"
