"""``advisor check``."""

from __future__ import annotations

import click


@click.command()
def check() -> None:
    """Measure classical baselines against a neural network on your data."""
    raise click.ClickException("check is not built yet")
