"""``advisor scaffold``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from advisor.scaffold.vocabulary import CHOICES

if TYPE_CHECKING:
    from advisor.scaffold.generate import Scaffolded


def _one_of(field: str) -> str:
    """``a, b or c.``: the words the recipe vocabulary allows for `field`."""
    *others, last = CHOICES[field]
    return f"{', '.join(others)} or {last}."


@click.command()
@click.option("--recipe", metavar="NAME", help="The stack to start from (see 'advisor recipes').")
@click.option(
    "--from-report",
    "report",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="report.json",
    help="A feasibility report from 'advisor check --json': its best scores become the "
    "baseline to beat (and, without --recipe, its verdict picks the recipe).",
)
@click.option("--framework", metavar="F", help=_one_of("framework"))
@click.option("--tracking", metavar="T", help=_one_of("tracking"))
@click.option("--versioning", metavar="V", help=_one_of("versioning"))
@click.option("--modality", metavar="M", help=_one_of("modality"))
@click.option("--task", metavar="T", help=_one_of("task"))
@click.option(
    "--model",
    metavar="M",
    help="The model the project builds [default: the recipe's, or the report's best]: "
    + _one_of("model"),
)
@click.option("--name", help="The project's name; its folder and package are made from it.")
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Where the project folder is created.",
)
@click.option(
    "--replay",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="PROJECT",
    help="Generate again exactly what PROJECT was generated from (its .advisor-answers.json).",
)
@click.option("--no-input", is_flag=True, help="Never ask: use the recipe's choices as they are.")
@click.option(
    "--force",
    is_flag=True,
    help="Write over an existing project folder; files the template does not produce are kept.",
)
def scaffold(
    recipe: str | None,
    report: Path | None,
    framework: str | None,
    tracking: str | None,
    versioning: str | None,
    modality: str | None,
    task: str | None,
    model: str | None,
    name: str | None,
    output_dir: Path,
    replay: Path | None,
    no_input: bool,
    force: bool,
) -> None:
    """Generate a ready project for the chosen stack."""
    from advisor.scaffold.generate import replay_project, scaffold_project

    started = time.perf_counter()
    if replay is not None:
        chosen = [flag for flag, value in _choices(locals()).items() if value is not None]
        if chosen:
            raise click.UsageError(f"--replay takes no {', '.join(chosen)}: it replays them all")
        _done(replay_project(replay, output_dir=output_dir, force=force), started)
        return

    baseline = None
    if report is not None:
        from advisor.scaffold.baseline import read_report

        baseline = read_report(report)
    if recipe is None and baseline is None and modality is None and not no_input:
        recipe = _ask_recipe()
    if name is None:
        name = recipe or "project"
        if not no_input:
            name = click.prompt("Project name", default=name)
    done = scaffold_project(
        recipe,
        framework=framework,
        tracking=tracking,
        versioning=versioning,
        modality=modality,
        task=task,
        model=model,
        name=name,
        output_dir=output_dir,
        baseline=baseline,
        force=force,
    )
    _done(done, started)


def _choices(options: dict) -> dict[str, str | None]:
    names = (
        "recipe", "report", "framework", "tracking", "versioning", "modality", "task", "model",
        "name",
    )  # fmt: skip
    return {f"--{key.replace('report', 'from-report')}": options[key] for key in names}


def _ask_recipe() -> str:
    from advisor.scaffold.recipes import load_recipes

    names = list(load_recipes())
    return click.prompt("Recipe", type=click.Choice(names), default="tabular-xgboost")


def _done(done: Scaffolded, started: float) -> None:
    from advisor.scaffold.naming import project_names
    from advisor.scaffold.vocabulary import building

    path, answers = done.path, done.answers
    package = project_names(answers.name).package
    click.echo(
        f"Created {path} in {time.perf_counter() - started:.1f} s: recipe {answers.recipe}, "
        f"building {building(answers.model, answers.framework)} (tracking {answers.tracking}, "
        f"versioning {answers.versioning})."
    )
    baseline = answers.baseline
    if baseline.get("measured"):
        click.echo(f"Baseline to beat ({baseline['metric']}) is in {path / 'baseline.json'}.")
    elif baseline.get("reason"):
        click.echo(f"No baseline to beat: the report says: {baseline['reason']}")
    else:
        click.echo("No baseline was measured (scaffold --from-report report.json bakes one in).")
    click.echo(f"Next: cd {path} && python -m {package}  (prepare -> train -> evaluate)")
