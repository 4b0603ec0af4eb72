"""The report as Markdown, read back through a Markdown parser as GitHub would render it."""

from __future__ import annotations

from markdown_it import MarkdownIt

from advisor.check.markdown import render_markdown
from advisor.check.result import FeasibilityReport, ModelResult


def _report(**changes) -> FeasibilityReport:
    hgb = ModelResult("hist_gradient_boosting", "classical", 0.91, 0.01, 0.5, "ok")
    mlp = ModelResult(
        "mlp", "deep_learning", 0.93, 0.02, 1.5, "ok", message="reached its time limit in 5 of 5"
    )
    fields = dict(
        task="binary", modality="tabular", metric="roc_auc", higher_is_better=True,
        verdict="tie", margin=0.02, p_value=0.2, best_classical=hgb, best_deep_learning=mlp,
        models=(mlp, hgb, ModelResult("dummy", "baseline", 0.5, 0.0, 0.01, "ok"),
                ModelResult("svm", "classical", None, None, 0.0, "skipped", message="too big")),
        learning_curve=(), curve_summary="The gap stays about the same as data grows.",
        warnings=("Column 'id' looks like an ID | drop it",), budget_seconds=60.0,
        elapsed_seconds=12.3, profile={}, dataset="churn_2024", rows=1000, rows_total=1000,
        evaluation="stratified 5-fold cross-validation", seed=0,
    )  # fmt: skip
    fields.update(changes)
    return FeasibilityReport(**fields)


def tokens(text: str) -> list:
    return MarkdownIt("commonmark").enable("table").parse(text)


def shown(inline) -> str:
    """The text an inline token renders to (escapes resolved)."""
    return "".join(child.content for child in inline.children if child.type == "text")


def test_the_summary_has_its_headings_and_a_leaderboard_table() -> None:
    text = render_markdown(_report())
    parsed = tokens(text)
    headings = [shown(parsed[i + 1]) for i, t in enumerate(parsed) if t.type == "heading_open"]
    assert headings == [
        "advisor check: churn_2024",
        "Leaderboard",
        "Learning curve",
        "Warnings",
    ]
    header = [shown(parsed[i + 1]) for i, t in enumerate(parsed) if t.type == "th_open"]
    assert header == ["model", "family", "ROC AUC", "± std", "s / fit", "status"]
    rows = [t for t in parsed if t.type == "tr_open"]
    assert len(rows) == 1 + 4  # the header and one row a model, best first
    cells = [shown(parsed[i + 1]) for i, t in enumerate(parsed) if t.type == "td_open"]
    assert cells[:6] == ["mlp", "neural", "0.9300", "0.0200", "1.50", "ok"]
    assert "hist_gradient_boosting" in cells  # underscores stay literal, no emphasis
    # A warning's pipe does not break the list into a table.
    assert "Column 'id' looks like an ID | drop it" in text.replace("\\", "")


def test_the_verdict_sentence_and_cut_short_models_are_in_the_text() -> None:
    text = render_markdown(_report()).replace("\\_", "_")
    assert (
        "**Tie: the neural network does not clearly beat or lose to hist_gradient_boosting" in text
    )
    assert "- mlp: reached its time limit in 5 of 5" in text
