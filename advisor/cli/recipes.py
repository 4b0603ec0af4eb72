"""``advisor recipes``."""

from __future__ import annotations

import click


@click.group(invoke_without_command=True)
@click.pass_context
def recipes(ctx: click.Context) -> None:
    """List the stack recipes or show one."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_recipes)


@recipes.command("list")
def list_recipes() -> None:
    """Every recipe, one line each."""
    from rich.console import Console
    from rich.table import Table

    from advisor.scaffold.recipes import load_recipes

    table = Table(title="Recipes (advisor scaffold --recipe NAME)")
    columns = ("name", "modality", "task", "family", "model", "framework", "tracking")
    for column in columns:
        table.add_column(column, no_wrap=column in ("name", "model"))
    table.add_column("versioning")
    table.add_column("hardware")
    for recipe in load_recipes().values():
        table.add_row(
            recipe.name,
            recipe.modality,
            recipe.task,
            recipe.family.replace("_", " "),
            recipe.model,
            recipe.framework,
            recipe.tracking,
            recipe.versioning,
            recipe.hardware,
        )
    Console(width=140).print(table)


@recipes.command("show")
@click.argument("name")
def show_recipe(name: str) -> None:
    """One recipe in full, and what it can be changed to."""
    from rich.console import Console
    from rich.table import Table

    from advisor.scaffold.recipes import get_recipe
    from advisor.scaffold.vocabulary import CHOICES, INCOMPATIBLE, MODELS

    recipe = get_recipe(name)
    console = Console(width=120)
    console.print(f"[bold]{recipe.name}[/bold] — {recipe.description}")
    table = Table(show_header=True)
    table.add_column("field")
    table.add_column("value")
    table.add_column("could be")
    for field, value in recipe.to_dict().items():
        if field in ("name", "description"):
            continue
        others = [choice for choice in CHOICES.get(field, ()) if choice != value]
        if field == "model":  # the models for this data and task, whatever builds them
            others = [
                model
                for model, spec in MODELS.items()
                if model in others and recipe.modality in spec.modalities
                and recipe.task in spec.tasks
            ]  # fmt: skip
        table.add_row(field, value, ", ".join(others))
    console.print(table)
    # click.echo, not rich: a reason is one line however narrow the terminal
    click.echo("Refused combinations:")
    for rule in INCOMPATIBLE:
        when = " and ".join(
            f"{field} {'/'.join(sorted(values))}" for field, values in rule.when.items()
        )
        click.echo(f"  - {when}: {rule.reason}")
    click.echo(f"Generate it: advisor scaffold --recipe {recipe.name} --name my-project")
