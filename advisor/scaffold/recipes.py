"""Recipes: declarative stacks read from ``recipes/*.yaml`` and checked when loaded."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from advisor.errors import RecipeError
from advisor.resources import recipes_dir
from advisor.scaffold.vocabulary import (
    CHOICES,
    FIELDS,
    FRAMEWORK_FAMILY,
    MODELS,
    TEXT_FIELDS,
    check_choice,
    check_combination,
    default_model,
)
from advisor.terms import suggest


@dataclass(frozen=True)
class Recipe:
    """One stack: what the project is for, what it is built with, where it trains."""

    name: str
    description: str
    modality: str
    task: str
    family: str
    model: str
    framework: str
    tracking: str
    versioning: str
    hardware: str

    def choices(self) -> dict[str, str]:
        """The vocabulary fields (modality, task, family, framework, ...) and their values."""
        return {field: getattr(self, field) for field in CHOICES}

    def to_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)

    def with_choices(self, **overrides: str | None) -> Recipe:
        """This recipe with some choices replaced (None keeps the recipe's); checked.

        Choices bring what they imply along, so that an override is not refused for what
        it did not mention: a model brings a framework that builds it (``--model xgboost``
        on a scikit-learn recipe), a framework its family (sklearn -> classical), and when
        the model is not named, the recipe's model follows the framework, data and task
        (logistic regression becomes ridge regression for ``--task regression``).
        """
        changes = {field: value for field, value in overrides.items() if value is not None}
        for field, value in changes.items():
            if field not in CHOICES:
                raise TypeError(f"with_choices() got an unexpected field {field!r}")
            check_choice(field, value)
        if "model" in changes and "framework" not in changes:
            frameworks = MODELS[changes["model"]].frameworks
            if self.framework not in frameworks:
                changes["framework"] = frameworks[0]
        if "framework" in changes and "family" not in changes:
            changes["family"] = FRAMEWORK_FAMILY[changes["framework"]]
        # scikit-learn trains on the CPU only: it brings that hardware unless one is named.
        if changes.get("framework") == "sklearn" and "hardware" not in changes:
            changes["hardware"] = "cpu"
        recipe = dataclasses.replace(self, **changes)
        if "model" not in changes:
            model = default_model(recipe.framework, recipe.modality, recipe.task, like=self.model)
            recipe = dataclasses.replace(recipe, model=model)
        check_combination(recipe.choices())
        return recipe


def parse_recipe(data: Any, *, where: str) -> Recipe:
    """A Recipe from the mapping in one YAML file; RecipeError naming `where` otherwise."""
    if not isinstance(data, dict):
        raise RecipeError(
            f"{where}: expected a mapping of recipe fields, got {type(data).__name__}"
        )
    for key in data:
        if key not in FIELDS:
            raise RecipeError(
                f"{where}: unknown field {key!r}{suggest(str(key), FIELDS)}; "
                f"expected the fields {', '.join(FIELDS)}"
            )
    missing = [field for field in FIELDS if field not in data]
    if missing:
        raise RecipeError(f"{where}: missing field(s) {', '.join(missing)}")
    for field in TEXT_FIELDS:
        if not isinstance(data[field], str) or not data[field].strip():
            raise RecipeError(f"{where}: field {field!r} must be non-empty text")
    label = f"{where} ({data['name']}): "
    for field in CHOICES:
        check_choice(field, data[field], where=label)
    check_combination({field: data[field] for field in CHOICES}, where=label)
    return Recipe(**{field: data[field] for field in FIELDS})


def load_recipes(directory: str | Path | None = None) -> dict[str, Recipe]:
    """Every recipe in `directory` (default: the shipped ``recipes/``), by name, checked."""
    folder = Path(directory) if directory is not None else recipes_dir()
    recipes: dict[str, Recipe] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise RecipeError(f"{path.name}: not valid YAML ({str(exc).splitlines()[0]})") from None
        recipe = parse_recipe(data, where=path.name)
        if recipe.name != path.stem:
            raise RecipeError(
                f"{path.name}: the recipe is named {recipe.name!r} but its file {path.stem!r}; "
                "make them the same"
            )
        recipes[recipe.name] = recipe
    if not recipes:
        raise RecipeError(f"no recipes (*.yaml) in {folder}")
    return recipes


def get_recipe(name: str, recipes: dict[str, Recipe] | None = None) -> Recipe:
    """The recipe called `name`; RecipeError with a close-match suggestion otherwise."""
    recipes = load_recipes() if recipes is None else recipes
    if name not in recipes:
        raise RecipeError(
            f"unknown recipe {name!r}{suggest(name, list(recipes))}; "
            "see 'advisor recipes list' for the recipes there are"
        )
    return recipes[name]
