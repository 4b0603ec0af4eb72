"""``advisor recipes``."""

from __future__ import annotations

import click


@click.command()
def recipes() -> None:
    """List the stack recipes or show one."""
    raise click.ClickException("recipes is not built yet")
