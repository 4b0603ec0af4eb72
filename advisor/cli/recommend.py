"""``advisor recommend``: gather a profile from flags or data, call
:func:`advisor.recommendation.recommend`, show the result.

Only the light parts load at import time; reading data (pandas, scikit-learn) is imported
inside the command when ``--data`` is given, so a flag-only recommendation starts fast.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from advisor.cli.data_options import DataRequest, data_options
from advisor.errors import ParameterError
from advisor.profile import (
    COMPLEXITIES,
    DEPLOYMENTS,
    PURPOSES,
    TASK_MODALITIES,
    TEAM_FRAMEWORKS,
    Profile,
    tasks_taking,
)
from advisor.terms import APPLICATION_MODALITY, APPLICATION_TASKS, MODALITIES, TASKS

if TYPE_CHECKING:
    from advisor.recommendation import Candidate, Recommendation

_FAMILY = {"classical": "classical", "deep_learning": "deep learning"}
_VERDICT = {
    "classical": "a classical model",
    "deep_learning": "deep learning",
    "check": "check — the rules cannot decide; measure it",
}
# (profile field, label) shown in the profile table, in this order, when known
_SHOWN = (
    ("task", "task"),
    ("modality", "modality"),
    ("complexity", "complexity"),
    ("rows", "rows"),
    ("features", "features"),
    ("classes", "classes"),
    ("minority_share", "rarest class"),
    ("missing_share", "missing cells"),
    ("categorical_share", "categorical features"),
    ("heavy_tail_share", "skewed / heavy-tailed features"),
    ("uninformative_share", "uninformative features"),
    ("interpretable", "must be interpretable"),
    ("latency_sensitive", "latency-sensitive"),
    ("gpu", "GPU available"),
    ("labelled", "labelled examples"),
    ("deployment", "runs on"),
    ("purpose", "purpose"),
    ("tpu", "TPUs"),
    ("framework", "team's framework"),
)


def _every_task(command: Callable[..., Any]) -> Callable[..., Any]:
    """Let --task name every task: the shared data options offer the check's tasks (those
    with a target column), while the rules also advise on the application tasks."""
    params = command.__click_params__  # where click.option collects a command's options
    index = next(i for i, param in enumerate(params) if param.name == "task")
    params[index] = click.Option(
        ["--task"],
        type=click.Choice(TASKS),
        help="What the model does [default with --data: inferred from the target].",
    )
    return command


@click.command()
@click.option(
    "--modality",
    type=click.Choice(MODALITIES),
    help="Input data [default: tabular; for detection, transcription and generation their own].",
)
@click.option(
    "--complexity",
    type=click.Choice(COMPLEXITIES),
    help="How the outcome depends on the inputs [default: unknown].",
)
@click.option("--rows", type=click.IntRange(min=0), help="Number of labelled examples.")
@click.option("--features", type=click.IntRange(min=0), help="Number of input columns.")
@click.option("--classes", type=click.IntRange(min=0), help="Number of classes.")
@click.option(
    "--interpretable/--not-interpretable",
    default=None,
    help="People must be able to read how the model decides.",
)
@click.option(
    "--latency-sensitive/--not-latency-sensitive",
    default=None,
    help="Predictions must come back in milliseconds.",
)
@click.option("--gpu/--no-gpu", default=None, help="A CUDA GPU is available for training.")
@click.option(
    "--labelled/--unlabelled", default=None, help="Labelled examples exist [default: labelled]."
)
@click.option(
    "--deployment",
    type=click.Choice(DEPLOYMENTS),
    help="Where the trained model runs [default: server]; names the deep-learning framework.",
)
@click.option(
    "--purpose", type=click.Choice(PURPOSES), help="Research or production [default: production]."
)
@click.option("--tpu/--no-tpu", default=None, help="Training runs on Google Cloud TPUs.")
@click.option(
    "--framework",
    type=click.Choice(TEAM_FRAMEWORKS[1:]),
    help="The deep-learning framework the team already uses: it wins the framework choice.",
)
@click.option(
    "--data",
    type=click.Path(path_type=Path),
    help="CSV/Parquet table, .npz (X, y), or image or audio folder: infer the profile from it.",
)
@_every_task
@data_options
@click.option(
    "--json", "as_json", is_flag=True, help="Print only the advisor.recommendation/1 JSON."
)
def recommend(
    modality: str | None,
    complexity: str | None,
    rows: int | None,
    features: int | None,
    classes: int | None,
    interpretable: bool | None,
    latency_sensitive: bool | None,
    gpu: bool | None,
    labelled: bool | None,
    deployment: str | None,
    purpose: str | None,
    tpu: bool | None,
    framework: str | None,
    data: Path | None,
    as_json: bool,
    **reading: Any,
) -> None:
    """Recommend deep learning or a classical model, with reasons.

    Describe the problem with flags (--task is then required), or point --data at a file
    to infer the profile. With --data, --rows, --features and the constraints override
    what is inferred; --modality and --classes must agree with the data.

    \b
    advisor recommend --task binary --modality tabular --complexity complex --rows 20000
    advisor recommend --data churn.csv --target churned --drop customer_id --interpretable
    advisor recommend --task detection --deployment edge --rows 80
    """
    from advisor.recommendation import recommend as run_rules

    given: dict[str, Any] = {
        "complexity": complexity,
        "rows": rows,
        "features": features,
        "interpretable": interpretable,
        "latency_sensitive": latency_sensitive,
        "gpu": gpu,
        "labelled": labelled,
        "deployment": deployment,
        "purpose": purpose,
        "tpu": tpu,
        "framework": framework,
    }
    given = {name: value for name, value in given.items() if value is not None}
    request = DataRequest(path=data, **reading)
    if data is not None:
        _check_data_task(request)
        profile = _from_data(request, modality=modality, classes=classes, given=given)
    else:
        _check_without_data(request)
        if request.task is None:
            raise ParameterError(
                f"Give the task with --task ({', '.join(TASKS)}), or --data PATH to infer it "
                "from data."
            )
        _check_classes(request.task, classes)
        given["modality"] = _modality_for(request.task, modality)
        if classes is not None:
            given["classes"] = classes
        profile = Profile(task=request.task, **given)
    result = run_rules(profile)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    _show(result, data=data, target=request.target)


def _from_data(
    request: DataRequest, *, modality: str | None, classes: int | None, given: dict[str, Any]
) -> Profile:
    """The profile inferred from the data, with `given` applied; flags that describe the
    data itself (modality, classes) must say what the data says."""
    from advisor.inference import DEFAULT_MAX_ROWS, profile_from_dataset

    if given.get("labelled") is False:
        raise ParameterError(
            f"--unlabelled contradicts --data: {request.path} has a target to learn from; leave "
            "--unlabelled out, or describe the unlabelled data with flags instead of --data."
        )
    dataset = request.load(max_rows=DEFAULT_MAX_ROWS)
    profile = profile_from_dataset(dataset, **given)
    if modality is not None and modality != profile.modality:
        raise ParameterError(
            f"--modality {modality} contradicts --data: {request.path} holds {profile.modality} "
            f"data; leave --modality out, or point --data at {modality} data."
        )
    if classes is not None and classes != profile.classes:
        found = (
            f"has {profile.classes} classes"
            if profile.classes is not None
            else "is a number to predict (regression)"
        )
        raise ParameterError(
            f"--classes {classes} contradicts --data: the target of {request.path} {found}; "
            "leave --classes out."
        )
    return profile


def _check_data_task(request: DataRequest) -> None:
    """--data reads labelled examples with a target; the application tasks are described
    with flags."""
    if request.task in APPLICATION_TASKS:
        raise ParameterError(
            f"--data reads a table, .npz or folder with a target to classify or predict, "
            f"not {request.task} data: describe the {request.task} problem with flags "
            "(--rows, --gpu, --deployment, ...) and leave --data out."
        )


def _modality_for(task: str, modality: str | None) -> str:
    """The modality --modality gives, or the task's own; one that the task cannot take is
    refused."""
    if modality is None:
        return APPLICATION_MODALITY.get(task, "tabular")
    allowed = TASK_MODALITIES[task]
    if modality in allowed:
        return modality
    if len(allowed) == 1:
        raise ParameterError(
            f"--task {task} takes {allowed[0]} data, but --modality says {modality}: leave "
            f"--modality out, or use --modality {allowed[0]}."
        )
    *others, last = tasks_taking(modality)
    raise ParameterError(
        f"--task {task} does not take {modality} data: {modality} data goes with --task "
        f"{', '.join(others)} or {last}."
    )


def _check_without_data(request: DataRequest) -> None:
    """Options that read --data are refused without it."""
    needs = (
        ("--target", request.target, "names a column of --data"),
        ("--text-column", request.text_column, "names a column of --data"),
        ("--drop", request.drop, "names a column of --data"),
        ("--image-size", request.image_size, "resizes the images of --data"),
    )
    for flag, value, what in needs:
        if value:
            raise ParameterError(f"{flag} {what}: give --data PATH too.")


def _check_classes(task: str, classes: int | None) -> None:
    """--task and --classes must describe the same problem."""
    if classes is None:
        return
    if task == "regression":
        raise ParameterError(
            "--classes is for classification, but --task regression predicts a number: "
            "leave --classes out."
        )
    if task in ("transcription", "generation"):
        raise ParameterError(
            f"--classes is for classification and detection; --task {task} has no classes: "
            "leave --classes out."
        )
    if task == "binary" and classes != 2:
        raise ParameterError(
            f"--task binary means two classes, but --classes says {classes}: use --task "
            "multiclass, or --classes 2."
        )
    if task == "multiclass" and classes < 3:
        raise ParameterError(
            f"--task multiclass means three or more classes, but --classes says {classes}: use "
            "--task binary, or --classes 3 or more."
        )


def _show(result: Recommendation, *, data: Path | None, target: str | None) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.padding import Padding
    from rich.table import Table

    console = Console(highlight=False)
    profile = result.profile

    title = f"Inferred from {data}" if data is not None else "Profile (from the flags)"
    console.print(f"[bold]{escape(title)}[/bold]", soft_wrap=True)  # a long path stays whole
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    for name, label in _SHOWN:
        value = getattr(profile, name)
        if value is not None:
            table.add_row(label, _format(name, value))
    console.print(table)
    for note in profile.notes:
        console.print(Padding(f"• {escape(note)}", (0, 0, 0, 2), expand=False))
    console.print()

    ranking = Table(title="Candidates, best first", title_justify="left")
    ranking.add_column("#", justify="right")
    ranking.add_column("model")
    ranking.add_column("family")
    ranking.add_column("score", justify="right")
    for rank, candidate in enumerate(result.candidates, 1):
        ranking.add_row(
            str(rank), candidate.label, _FAMILY[candidate.family], f"{candidate.score:g}"
        )
    console.print(ranking)
    for rule in result.rules_fired:
        if rule.preferred:
            first = ", ".join(c.label for c in result.candidates if c.model in rule.preferred)
            console.print(f"Ranked first by {rule.id}: {escape(first)}.", soft_wrap=True)

    console.print("[bold]Rules that fired[/bold]")
    for rule in result.rules_fired:
        console.print(
            Padding(f"• [bold]{rule.id}[/bold]: {escape(rule.because)}", (0, 0, 0, 2), expand=False)
        )
        console.print(
            Padding(f"[dim]Source: {escape(rule.source)}[/dim]", (0, 0, 0, 4), expand=False)
        )
    console.print(f"\n[bold]Verdict: {_VERDICT[result.verdict]}.[/bold] {escape(result.reason)}")
    if result.framework is not None:
        choice = result.framework
        console.print(
            f"[bold]Framework: {escape(choice.label)}[/bold] (--framework {choice.name}). "
            f"{escape(choice.reason)}",
            soft_wrap=True,
        )
        for rule in choice.rules_fired:
            console.print(
                Padding(
                    f"• [bold]{rule.id}[/bold]: {escape(rule.because)} "
                    f"[dim]Source: {escape(rule.source)}[/dim]",
                    (0, 0, 0, 2),
                    expand=False,
                )
            )
    # Whole lines, never wrapped: they end in a command to copy.
    console.print(
        f"Top candidate: {escape(result.top.label)}. {_recipe(result.top)}", soft_wrap=True
    )
    if result.verdict == "check" or result.top.scaffold_command is None:
        console.print(f"Next: {_check_command(profile, data, target)}", soft_wrap=True)
    else:
        console.print(
            f"Next: {result.top.scaffold_command}{_framework_flag(result)}", soft_wrap=True
        )


def _check_command(profile: Profile, data: Path | None, target: str | None) -> str:
    """The check to run next: on --data when it was given, else on data of its kind."""
    if data is None:
        if profile.modality == "audio":
            return "advisor check FOLDER"
        return "advisor check DATA.csv --target COLUMN"
    command = f"advisor check {shlex.quote(str(data))}"
    if target is not None:
        command += f" --target {shlex.quote(target)}"
    return command


def _framework_flag(result: Recommendation) -> str:
    """`--framework X` when the framework the rules name is not the recipe's own and can
    build the top candidate's model."""
    from advisor.scaffold.recipes import get_recipe
    from advisor.scaffold.vocabulary import CHOICES, fits

    choice, top, profile = result.framework, result.top, result.profile
    if choice is None or top.family != "deep_learning" or top.recipe is None:
        return ""
    if get_recipe(top.recipe).framework == choice.name or choice.name not in CHOICES["framework"]:
        return ""
    model_fits = fits(
        top.project_model, framework=choice.name, modality=profile.modality, task=profile.task
    )
    return f" --framework {choice.name}" if model_fits else ""


def _recipe(candidate: Candidate) -> str:
    """The recipe for a candidate and what its project builds."""
    from advisor.scaffold.recipes import get_recipe
    from advisor.scaffold.vocabulary import building

    if candidate.recipe is None:
        return (
            "No recipe scaffolds it yet: advisor check measures it on a folder of clips, one "
            "sub-folder per class."
        )
    framework = get_recipe(candidate.recipe).framework
    return f"Recipe: {candidate.recipe}, building {building(candidate.project_model, framework)}."


def _format(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name.endswith("_share"):
        return f"{value:.0%}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
