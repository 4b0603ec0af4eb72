"""``advisor scaffold``."""

from __future__ import annotations

import click


@click.command()
def scaffold() -> None:
    """Generate a ready project for the chosen stack."""
    raise click.ClickException("scaffold is not built yet")
