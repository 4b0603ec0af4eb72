"""``advisor compare OLD NEW``: what changed between two checks, beyond the noise."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the advisor.comparison/1 JSON.")
def compare(old: Path, new: Path, as_json: bool) -> None:
    """Compare two feasibility reports (the JSON of 'advisor check --json'): the data, each
    model's score against the noise of its folds, and the verdict."""
    from rich.console import Console
    from rich.table import Table

    from advisor.check.compare import compare_reports
    from advisor.check.view import fmt_score
    from advisor.scaffold.baseline import read_report
    from advisor.terms import FAMILY_WORDS, metric_display

    change = compare_reports(read_report(old), read_report(new))
    if as_json:
        click.echo(change.to_json())
        return
    console = Console(soft_wrap=True)
    before, after = change.data["before"], change.data["after"]
    console.print(
        f"Data: {before['dataset']} ({before['rows']:,} rows) → "
        f"{after['dataset']} ({after['rows']:,} rows)"
    )
    table = Table(title=f"Scores ({metric_display(change.metric)})")
    for name in ("model", "family", "before", "after", "change", "p", ""):
        table.add_column(
            name, justify="right" if name in ("before", "after", "change", "p") else "left"
        )
    for m in change.models:
        table.add_row(
            m.model,
            FAMILY_WORDS[m.family],
            fmt_score(m.before),
            fmt_score(m.after),
            "–" if m.change is None else f"{m.change:+.4f}",
            "–" if m.p_value is None else f"{m.p_value:.3g}",
            m.words(),
        )
    console.print(table)
    console.print(f"[bold]{change.summary()}[/]")
