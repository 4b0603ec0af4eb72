"""Recipes load, are checked against the closed vocabulary, and refuse bad combinations."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from advisor.errors import RecipeError
from advisor.scaffold.recipes import get_recipe, load_recipes
from advisor.scaffold.vocabulary import APPLICATION_MODEL, CHOICES, valid_combinations
from advisor.terms import APPLICATION_TASKS, CHECK_TASKS

NAMED_BY_RECOMMENDATIONS = [
    "tabular-sklearn",
    "tabular-xgboost",
    "tabular-pytorch",
    "tabular-lightning",
    "image-pytorch",
    "image-lightning",
    "text-sklearn",
    "text-pytorch",
]

GOOD = {
    "name": "my-stack",
    "description": "A stack for tests.",
    "modality": "tabular",
    "task": "binary",
    "family": "classical",
    "model": "xgboost",
    "framework": "xgboost",
    "tracking": "mlflow",
    "versioning": "dvc",
    "hardware": "cpu",
}


def test_the_shipped_recipes_load_and_include_every_recipe_recommendations_name() -> None:
    recipes = load_recipes()
    assert set(NAMED_BY_RECOMMENDATIONS) <= set(recipes)
    for name, recipe in recipes.items():
        assert recipe.name == name
        if recipe.task in APPLICATION_TASKS:  # named for the task: detection-finetune
            assert recipe.model == APPLICATION_MODEL[recipe.task]
            assert "finetune" in name or "lora" in name
        else:
            assert name.startswith(recipe.modality + "-")
            assert recipe.framework in name or recipe.model in name


def write(folder: Path, data: object, stem: str = "my-stack") -> Path:
    (folder / f"{stem}.yaml").write_text(yaml.safe_dump(data))
    return folder


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"framwork": "xgboost"},
            "my-stack.yaml: unknown field 'framwork' (did you mean 'framework'?); expected the "
            "fields name, description, modality, task, family, model, framework, tracking, "
            "versioning, hardware",
        ),
        (
            {"tracking": "mlfow"},
            "my-stack.yaml (my-stack): unknown tracking 'mlfow' (did you mean 'mlflow'?); "
            "expected one of tensorboard, mlflow, wandb, neptune, none",
        ),
        (
            {"modality": "video"},
            "my-stack.yaml (my-stack): unknown modality 'video'; "
            "expected one of tabular, image, text, audio",
        ),
        (
            {"tracking": "tensorboard"},
            "my-stack.yaml (my-stack): invalid combination framework=xgboost tracking=tensorboard: "
            "TensorBoard logging uses PyTorch's SummaryWriter",
        ),
        (
            {"modality": "image"},
            "my-stack.yaml (my-stack): invalid combination framework=xgboost modality=image: "
            "XGBoost's starter code works on a feature table",
        ),
        (
            {"model": "xgbost"},
            "my-stack.yaml (my-stack): unknown model 'xgbost' (did you mean 'xgboost'?); "
            "expected one of logistic_regression, linear_regression,",
        ),
        (
            {"model": "decision_tree"},
            "my-stack.yaml (my-stack): invalid combination model=decision_tree "
            "framework=xgboost: a decision tree is built with sklearn; use --framework sklearn, "
            "or leave --model out",
        ),
        (
            {"model": "logistic_regression", "framework": "sklearn", "task": "regression"},
            "my-stack.yaml (my-stack): invalid combination model=logistic_regression "
            "task=regression: logistic regression is for classification only; leave --model "
            "out to get the recipe's model for regression",
        ),
        (
            {"family": "deep_learning"},
            "my-stack.yaml (my-stack): invalid combination family=deep_learning framework=xgboost: "
            "xgboost is a classical framework",
        ),
        ({"name": "other"}, "my-stack.yaml: the recipe is named 'other' but its file 'my-stack'"),
        ({"description": ""}, "my-stack.yaml: field 'description' must be non-empty text"),
    ],
    ids=[
        "unknown-field",
        "typo-in-value",
        "value-outside-vocabulary",
        "xgboost-with-tensorboard",
        "xgboost-on-images",
        "model-typo",
        "model-of-another-framework",
        "classifier-for-regression",
        "family-contradicts-framework",
        "name-differs-from-file",
        "empty-description",
    ],
)
def test_a_broken_recipe_is_refused_with_the_reason(
    tmp_path: Path, change: dict, message: str
) -> None:
    with pytest.raises(RecipeError) as caught:
        load_recipes(write(tmp_path, {**GOOD, **change}))
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (["a", "list"], "my-stack.yaml: expected a mapping of recipe fields, got list"),
        (
            {k: v for k, v in GOOD.items() if k != "hardware"},
            "my-stack.yaml: missing field(s) hardware",
        ),
    ],
    ids=["not-a-mapping", "missing-field"],
)
def test_a_malformed_recipe_file_is_refused(tmp_path: Path, data: object, message: str) -> None:
    with pytest.raises(RecipeError, match=rf"^{message}$".replace("(", r"\(").replace(")", r"\)")):
        load_recipes(write(tmp_path, data))


def test_an_empty_recipe_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RecipeError, match=r"^no recipes"):
        load_recipes(tmp_path)


def test_an_unknown_recipe_gets_a_close_match() -> None:
    with pytest.raises(RecipeError) as caught:
        get_recipe("tabular-xgbost")
    assert str(caught.value) == (
        "unknown recipe 'tabular-xgbost' (did you mean 'tabular-xgboost'?); "
        "see 'advisor recipes list' for the recipes there are"
    )


def test_overriding_the_framework_brings_its_family_and_is_checked() -> None:
    recipe = get_recipe("tabular-xgboost").with_choices(framework="pytorch", tracking="tensorboard")
    assert (recipe.framework, recipe.family, recipe.tracking) == (
        "pytorch",
        "deep_learning",
        "tensorboard",
    )
    with pytest.raises(RecipeError, match=r"^invalid combination framework=sklearn tracking"):
        recipe.with_choices(framework="sklearn")
    with pytest.raises(RecipeError, match=r"^unknown versioning 'dcv' \(did you mean 'dvc'\?\)"):
        recipe.with_choices(versioning="dcv")


@pytest.mark.parametrize(
    ("recipe", "changes", "expected"),
    [
        ("tabular-sklearn", {"task": "regression"}, ("linear_regression", "sklearn")),
        ("tabular-sklearn", {"model": "decision_tree"}, ("decision_tree", "sklearn")),
        ("tabular-sklearn", {"model": "xgboost"}, ("xgboost", "xgboost")),
        ("tabular-sklearn", {"model": "mlp"}, ("mlp", "pytorch")),
        ("tabular-lightning", {"model": "mlp"}, ("mlp", "lightning")),
        ("tabular-xgboost", {"framework": "pytorch"}, ("mlp", "pytorch")),
        ("tabular-xgboost", {"framework": "sklearn"}, ("logistic_regression", "sklearn")),
        ("tabular-pytorch", {"modality": "image"}, ("cnn", "pytorch")),
        ("text-sklearn", {"task": "multiclass"}, ("linear_svm", "sklearn")),
    ],
    ids=[
        "task-regression",
        "tree",
        "model-brings-xgboost",
        "model-brings-pytorch",
        "lightning-kept",
        "framework-pytorch",
        "framework-sklearn",
        "modality-image",
        "model-kept",
    ],
)
def test_the_model_follows_the_choices_it_depends_on(
    recipe: str, changes: dict, expected: tuple[str, str]
) -> None:
    changed = get_recipe(recipe).with_choices(**changes)
    assert (changed.model, changed.framework) == expected


def test_a_model_named_with_a_framework_that_cannot_build_it_is_refused() -> None:
    with pytest.raises(RecipeError) as caught:
        get_recipe("tabular-sklearn").with_choices(model="mlp", framework="xgboost")
    assert str(caught.value) == (
        "invalid combination model=mlp framework=xgboost: an MLP is built with pytorch, "
        "lightning, keras or jax; use --framework pytorch, or leave --model out"
    )


def test_valid_combinations_cover_each_choice_and_exclude_the_refused_ones() -> None:
    combos = valid_combinations()
    for field in ("framework", "tracking", "versioning"):
        assert {combo[field] for combo in combos} == set(CHOICES[field])
    # the starters' data and tasks; the applications are their recipes' own pipelines
    assert {combo["modality"] for combo in combos} == {"tabular", "image", "text"}
    assert {combo["task"] for combo in combos} == set(CHECK_TASKS)
    assert not [c for c in combos if c["framework"] == "sklearn" and c["tracking"] == "tensorboard"]
    assert not [c for c in combos if c["modality"] == "image" and c["task"] == "regression"]
