"""Render a project from a recipe, safely: into a staging folder beside the project
first, then moved (or, over an existing folder, copied) into place, so a failure leaves
nothing half-written and user files are never deleted."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.check.result import FeasibilityReport
from advisor.data.source import DataSource
from advisor.errors import RecipeError, ScaffoldError
from advisor.files import staging_folder
from advisor.resources import templates_dir
from advisor.scaffold.answers import ANSWERS_FILE, Answers, read_answers
from advisor.scaffold.baseline import (
    DEFAULT_METRIC,
    NO_BASELINE,
    as_report,
    baseline_from_report,
    project_model,
)
from advisor.scaffold.data import PROJECT_KINDS, check_data, data_answers
from advisor.scaffold.naming import ProjectNames, project_names
from advisor.scaffold.recipes import Recipe, get_recipe, load_recipes
from advisor.scaffold.vocabulary import CHOICES, MODELS, check_choice, check_combination, fits
from advisor.terms import METRICS

TEMPLATE = "project"

# Which recipe a report leads to when no recipe is named and its best model has no
# project counterpart: by modality, then verdict.
_RECIPE_FOR_VERDICT = {
    ("tabular", "deep_learning"): "tabular-pytorch",
    ("tabular", "classical"): "tabular-xgboost",
    ("image", "deep_learning"): "image-pytorch",
    ("image", "classical"): "image-sklearn",
    ("text", "deep_learning"): "text-pytorch",
    ("text", "classical"): "text-sklearn",
}
# Folders a forced render does not copy over ones the user already has: merging two git
# or DVC repositories would corrupt the user's.
_KEEP_USERS = (".git", ".dvc")


@dataclass(frozen=True)
class Scaffolded:
    """A generated project: the folder it is in and the answers it was rendered from."""

    path: Path
    answers: Answers


def resolve_answers(
    recipe: str | None = None,
    *,
    framework: str | None = None,
    tracking: str | None = None,
    versioning: str | None = None,
    modality: str | None = None,
    task: str | None = None,
    model: str | None = None,
    name: str = "project",
    baseline: FeasibilityReport | Mapping[str, Any] | None = None,
    data: DataSource | None = None,
    data_mode: str | None = None,
) -> Answers:
    """The checked answers for a recipe, its overrides and an optional feasibility report
    (typed, or its ``advisor.feasibility/1`` JSON, which is validated).

    Without a recipe, a report leads to the recipe and model of its best model (of the
    family its verdict favours): a report won by logistic regression gives a scikit-learn
    project that builds logistic regression.

    The project trains on `data`, or else on the report's data source (copied into the
    project or referenced where it lies, as `data_mode` says; see
    :func:`advisor.scaffold.data.data_answers`); without either, on the template's demo
    data. A report on an .npz, which projects cannot read yet, leaves the demo data."""
    report = as_report(baseline) if isinstance(baseline, Mapping) else baseline
    recipes = load_recipes()
    if recipe is None:
        recipe, followed = _default_recipe(report, modality=modality, framework=framework)
        if model is None and framework is None:
            model = followed
    chosen: Recipe = get_recipe(recipe, recipes)
    if report is not None:
        if modality is not None and modality != report.modality:
            raise RecipeError(
                f"--modality {modality} contradicts the report, which is about "
                f"{report.modality} data; leave --modality out"
            )
        if chosen.modality != report.modality:
            raise RecipeError(
                f"recipe {chosen.name} is for {chosen.modality} data but the report is about "
                f"{report.modality} data; pick a {report.modality} recipe ('advisor recipes "
                "list') or leave --recipe out"
            )
        if task is not None and task != report.task:
            raise RecipeError(
                f"--task {task} contradicts the report, which measured a {report.task} task "
                f"in {report.metric}; leave --task out"
            )
        modality, task = report.modality, report.task
    chosen = chosen.with_choices(
        framework=framework,
        tracking=tracking,
        versioning=versioning,
        modality=modality,
        task=task,
        model=model,
    )
    return Answers(
        name=name,
        recipe=chosen.name,
        modality=chosen.modality,
        task=chosen.task,
        model=chosen.model,
        framework=chosen.framework,
        tracking=chosen.tracking,
        versioning=chosen.versioning,
        hardware=chosen.hardware,
        metric=report.metric if report is not None else DEFAULT_METRIC[chosen.task],
        baseline=baseline_from_report(report) if report is not None else dict(NO_BASELINE),
        data=_data(data, report, data_mode),
    )


def _data(
    data: DataSource | None, report: FeasibilityReport | None, mode: str | None
) -> dict[str, Any] | None:
    readable = report is not None and report.source is not None
    if data is None and readable and report.source.kind in PROJECT_KINDS:
        data = report.source
    return data_answers(data, mode) if data is not None else None


def _default_recipe(
    report: FeasibilityReport | None, *, modality: str | None, framework: str | None
) -> tuple[str, str | None]:
    """The recipe to start from when none is named, and the model a report asks for."""
    if "audio" in (modality, report.modality if report is not None else None):
        raise RecipeError(
            "no recipe scaffolds audio classification yet: `advisor check` measures it on a "
            "folder of class sub-folders; for speech to text use --recipe speech-finetune"
        )
    if report is not None:
        model = project_model(report)
        if model is not None:
            framework = MODELS[model].frameworks[0]
            recipe = f"{report.modality}-{framework}"
            if recipe in load_recipes() and fits(
                model, framework=framework, modality=report.modality, task=report.task
            ):
                return recipe, model
        verdict = "deep_learning" if report.verdict == "deep_learning" else "classical"
        return _RECIPE_FOR_VERDICT[(report.modality, verdict)], None
    if modality is not None and framework is not None:
        check_choice("modality", modality)
        check_choice("framework", framework)
        candidate = f"{modality}-{framework}"
        if candidate in load_recipes():
            return candidate, None
        return _RECIPE_FOR_VERDICT[(modality, "classical")], None
    raise RecipeError(
        "no recipe given: pass --recipe NAME (see 'advisor recipes list'), --from-report "
        "report.json, or both --modality and --framework"
    )


def scaffold_project(
    recipe: str | None = None,
    *,
    framework: str | None = None,
    tracking: str | None = None,
    versioning: str | None = None,
    modality: str | None = None,
    task: str | None = None,
    model: str | None = None,
    name: str = "project",
    output_dir: str | os.PathLike = ".",
    baseline: FeasibilityReport | Mapping[str, Any] | None = None,
    data: DataSource | None = None,
    data_mode: str | None = None,
    force: bool = False,
) -> Scaffolded:
    """Generate a project for `recipe` (choices overridden where given) in
    ``output_dir/<sanitised name>``; returns that folder and the answers used.

    `baseline` is a feasibility report (typed, or its ``advisor.feasibility/1`` JSON, which
    is validated; ReportError when it is not one) whose best scores become the number to
    beat. An existing project folder is refused unless `force`; even then only the
    template's files are written and nothing is deleted.
    """
    answers = resolve_answers(
        recipe,
        framework=framework,
        tracking=tracking,
        versioning=versioning,
        modality=modality,
        task=task,
        model=model,
        name=name,
        baseline=baseline,
        data=data,
        data_mode=data_mode,
    )
    return render(answers, output_dir=output_dir, force=force)


def replay_project(
    project: str | os.PathLike, *, output_dir: str | os.PathLike = ".", force: bool = False
) -> Scaffolded:
    """Generate again, from the answers written into `project`, the same files."""
    return render(read_answers(project), output_dir=output_dir, force=force, replaying=True)


def render(
    answers: Answers,
    *,
    output_dir: str | os.PathLike = ".",
    force: bool = False,
    replaying: bool = False,
) -> Scaffolded:
    """Render `answers` into ``output_dir/<slug>``; returns that folder and `answers`.

    `replaying` says the name comes from a project's answers, so a clash is solved with
    another output folder, not another name."""
    names = project_names(answers.name)
    context = _context(answers, names)
    out = Path(output_dir)
    target = out / names.slug
    if out.exists() and not out.is_dir():
        raise ScaffoldError(
            f"the output folder {str(out)!r} is a file; pass a folder to --output-dir"
        )
    # --replay keeps the project's name: only the folder it goes into can change.
    elsewhere = "another --output-dir" if replaying else "another --name or --output-dir"
    if target.exists() and not force:
        raise ScaffoldError(
            f"{str(target)!r} already exists; choose {elsewhere}, or pass --force to write "
            "the template's files over it (your other files are kept)"
        )
    if target.exists() and not target.is_dir():
        raise ScaffoldError(f"{str(target)!r} exists and is a file; choose {elsewhere}")
    if answers.data:
        check_data(answers.data, where="the project's answers file" if replaying else "the report")
    _check_writable(out)
    created = _first_missing(out)
    try:
        with staging_folder(target) as staging:
            rendered = _cookiecutter(context, staging)
            if target.exists():
                _copy_into(rendered, target)
            else:
                os.replace(rendered, target)
    except OSError as exc:
        _remove_empty(out, up_to=created)
        raise ScaffoldError(f"cannot write {str(target)!r}: {exc}") from None
    except BaseException:
        _remove_empty(out, up_to=created)
        raise
    return Scaffolded(path=target, answers=answers)


def _first_missing(folder: Path) -> Path | None:
    """The outermost folder on the way to `folder` that does not exist yet, if any."""
    missing = None
    while not folder.exists() and folder.parent != folder:
        missing, folder = folder, folder.parent
    return missing


def _remove_empty(folder: Path, *, up_to: Path | None) -> None:
    """Remove `folder` and its parents up to `up_to`, the folders a failed render created
    for its staging folder, as long as they are empty."""
    if up_to is None:
        return
    while True:
        try:
            folder.rmdir()
        except OSError:
            return
        if folder == up_to:
            return
        folder = folder.parent


def _context(answers: Answers, names: ProjectNames) -> dict[str, Any]:
    """cookiecutter's extra_context. cookiecutter renders the values of ordinary variables
    as Jinja templates, so every value given to one is a vocabulary word or a sanitised
    name; user text (the display name, the report's model names) goes only into private
    ``_`` variables, which cookiecutter passes through unrendered."""
    for field in ("modality", "task", "model", "framework", "tracking", "versioning", "hardware"):
        check_choice(field, getattr(answers, field))
    check_combination({field: getattr(answers, field) for field in CHOICES if field != "family"})
    if not isinstance(answers.metric, str) or answers.metric not in METRICS:
        raise ScaffoldError(
            f"unknown metric {answers.metric!r}; expected one of {', '.join(METRICS)}"
        )
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", answers.recipe):
        raise ScaffoldError(f"recipe name {answers.recipe!r} is not a recipe name")
    return {
        "project_name": names.slug,
        "project_slug": names.slug,
        "package_name": names.package,
        "modality": answers.modality,
        "task": answers.task,
        "model": answers.model,
        "framework": answers.framework,
        "tracking": answers.tracking,
        "versioning": answers.versioning,
        "hardware": answers.hardware,
        "metric": answers.metric,
        "recipe": answers.recipe,
        "_display_name": names.display,
        "_model_label": MODELS[answers.model].label,
        "_baseline": dict(answers.baseline),
        "_answers": answers.to_dict(),
        "_data": dict(answers.data or {}),
    }


def _check_writable(folder: Path) -> None:
    """ScaffoldError unless a file can really be created in `folder` (or, when it does not
    exist yet, in its nearest existing parent). A real probe, not os.access, which says
    yes to root even on read-only file systems."""
    probe = folder
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    try:
        with tempfile.TemporaryFile(dir=probe):
            pass
    except OSError as exc:
        raise ScaffoldError(
            f"cannot write to {str(folder)!r} ({exc.strerror or exc}); pass an --output-dir "
            "you can write to"
        ) from None


def _cookiecutter(context: dict[str, Any], staging: Path) -> Path:
    """Render the template into `staging` with cookiecutter's library API; the rendered
    project folder."""
    from cookiecutter.exceptions import CookiecutterException, FailedHookException
    from cookiecutter.main import cookiecutter

    try:
        result = cookiecutter(
            str(templates_dir() / TEMPLATE),
            no_input=True,
            extra_context=context,
            output_dir=str(staging / "out"),
            # cookiecutter's own replay file and cache stay in the staging folder, not
            # in the user's home.
            default_config={
                "replay_dir": str(staging / "replay"),
                "cookiecutters_dir": str(staging / "cookiecutters"),
            },
            accept_hooks=True,
        )
    except FailedHookException as exc:
        raise ScaffoldError(f"generating the project failed: {_one_line(exc)}") from None
    except CookiecutterException as exc:
        raise ScaffoldError(f"the project template failed to render: {_one_line(exc)}") from None
    return Path(result)


def _one_line(exc: Exception) -> str:
    message = getattr(exc, "message", None) or str(exc)
    error = getattr(exc, "error", None)
    if error is not None:
        message = f"{message}: {error}"
    return " ".join(str(message).split())


def _copy_into(source: Path, target: Path) -> None:
    """Copy the rendered project into the existing folder `target` without deleting
    anything there."""
    skip = {name for name in _KEEP_USERS if (target / name).exists()}
    # Refuse before writing anything when a template file would land on a user folder
    # (or the other way round): copying could not finish.
    for path in source.rglob("*"):
        relative = path.relative_to(source)
        if relative.parts[0] in skip:
            continue
        existing = target / relative
        if existing.exists() and existing.is_dir() != path.is_dir():
            raise ScaffoldError(
                f"cannot write over {str(existing)!r}: the template has a "
                f"{'folder' if path.is_dir() else 'file'} there; move it and run again"
            )
    for entry in source.iterdir():
        if entry.name in skip:
            continue
        if entry.is_dir():
            shutil.copytree(entry, target / entry.name, symlinks=True, dirs_exist_ok=True)
        else:
            shutil.copy2(entry, target / entry.name)


__all__ = [
    "ANSWERS_FILE",
    "Scaffolded",
    "render",
    "replay_project",
    "resolve_answers",
    "scaffold_project",
]
