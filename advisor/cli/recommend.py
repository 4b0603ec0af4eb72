"""``advisor recommend``."""

from __future__ import annotations

import click


@click.command()
def recommend() -> None:
    """Recommend deep learning or a classical model, with reasons."""
    raise click.ClickException("recommend is not built yet")
