"""``advisor scaffold``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from advisor.scaffold.vocabulary import CHOICES
from advisor.terms import APPLICATION_TASKS

# What an application project's data.path names, in words.
APPLICATION_DATA = {
    "detection": "images with boxes (COCO JSON or YOLO labels)",
    "transcription": "audio files with a transcripts CSV",
    "generation": "images with captions",
}

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
@click.option(
    "--data",
    "data_path",
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="Train the project on this table or folder of images in class sub-folders (read "
    "once, as the check reads it, to choose the task and recipe). With --from-report the "
    "project trains on the data the report checked.",
)
@click.option("--target", metavar="COL", help="With --data: the column the project predicts.")
@click.option(
    "--text-column", metavar="COL", help="With --data: the free-text column [default: detected]."
)
@click.option(
    "--data-mode",
    type=click.Choice(["copy", "link"]),
    help="Copy the data into the project's data/raw/ (and version it with DVC when DVC is "
    "on), or read it where it lies [default: copy below 100 MB, else link].",
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
    data_path: Path | None,
    target: str | None,
    text_column: str | None,
    data_mode: str | None,
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

    if data_path is not None and report is not None:
        raise click.UsageError(
            "--data and --from-report both name the data: the report's is the data it checked; "
            "give one of them"
        )
    if data_path is None and (target is not None or text_column is not None):
        flag = "--target" if target is not None else "--text-column"
        raise click.UsageError(f"{flag} goes with --data PATH; give the data it is a column of")
    baseline = None
    if report is not None:
        from advisor.scaffold.baseline import read_report

        baseline = read_report(report)
    source = None
    application = task in APPLICATION_TASKS or _recipe_task(recipe) in APPLICATION_TASKS
    if data_path is not None and application:
        raise click.UsageError(
            "--data reads a table, a text CSV or a folder of images in class folders; a "
            "detection, transcription or generation project reads its data from params.yaml "
            "data.path: scaffold it without --data and set that"
        )
    if data_path is not None:
        from advisor.scaffold.data import read_data, recipe_for

        dataset = read_data(data_path, target=target, text_column=text_column)
        source = dataset.source
        if task is None:
            task = dataset.task
        if modality is None:
            modality = dataset.modality
        if recipe is None and framework is None:
            recipe, suggested = recipe_for(dataset)
            model = model or suggested
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
        data=source,
        data_mode=data_mode,
        force=force,
    )
    _done(done, started)
    if baseline is not None and baseline.source is not None and done.answers.data is None:
        click.echo(
            f"Trains on demo data: a project cannot read {baseline.source.kind} input such as "
            f"{baseline.source.path} yet; save it as a CSV table or a folder of images."
        )


def _choices(options: dict) -> dict[str, str | None]:
    names = (
        "recipe", "report", "data_path", "target", "text_column", "data_mode", "framework",
        "tracking", "versioning", "modality", "task", "model", "name",
    )  # fmt: skip
    flags = {"report": "from-report", "data_path": "data"}
    return {f"--{flags.get(key, key).replace('_', '-')}": options[key] for key in names}


def _recipe_task(recipe: str | None) -> str | None:
    if recipe is None:
        return None
    from advisor.scaffold.recipes import load_recipes

    found = load_recipes().get(recipe)
    return found.task if found is not None else None


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
    if answers.task in APPLICATION_TASKS:
        # No classical model to beat: the project trains on demo data until data.path is set.
        click.echo(
            f"Trains on generated demo data; set data.path in {path / 'params.yaml'} to your "
            f"{APPLICATION_DATA[answers.task]} (the project's README.md shows the layout)."
        )
    elif baseline.get("measured"):
        click.echo(f"Baseline to beat ({baseline['metric']}) is in {path / 'baseline.json'}.")
    elif baseline.get("reason"):
        click.echo(f"No baseline to beat: the report says: {baseline['reason']}")
    else:
        click.echo("No baseline was measured (scaffold --from-report report.json bakes one in).")
    data = answers.data
    if data and data["mode"] == "copy":
        click.echo(f"Trains on {data['path']} ({data['rows_total']:,} rows), copied into "
                   f"{path / data['project_path']}.")  # fmt: skip
    elif data:
        click.echo(f"Trains on {data['path']} ({data['rows_total']:,} rows), read where it lies.")
    click.echo(f"Next: cd {path} && python -m {package}  (prepare -> train -> evaluate)")
