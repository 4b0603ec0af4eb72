"""``advisor recipes``: list and show, and an unknown name with a close match."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from advisor.cli import main
from advisor.scaffold.recipes import load_recipes


def recipes(*args: str):
    return CliRunner().invoke(main, ["recipes", *args], prog_name="advisor")


@pytest.mark.parametrize("args", [[], ["list"]], ids=["bare", "list"])
def test_list_shows_every_recipe(args: list[str]) -> None:
    result = recipes(*args)
    assert result.exit_code == 0, result.output
    assert "Recipes (advisor scaffold --recipe NAME)" in result.output
    rows = [line for line in result.output.splitlines() if line.startswith("│ ")]
    assert [row.split("│")[1].strip() for row in rows] == sorted(load_recipes())
    xgboost = next(row for row in rows if "tabular-xgboost" in row)
    assert [cell.strip() for cell in xgboost.split("│")[1:-1]] == [
        "tabular-xgboost", "tabular", "binary", "classical", "xgboost", "xgboost", "mlflow",
        "dvc", "cpu",
    ]  # fmt: skip


def test_show_gives_the_fields_and_the_refused_combinations() -> None:
    result = recipes("show", "image-pytorch")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("image-pytorch — A small CNN in plain PyTorch")
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in result.output.splitlines()]
    assert ["framework", "pytorch", "sklearn, xgboost, lightning, keras, jax"] in rows
    assert ["tracking", "tensorboard", "mlflow, wandb, neptune, none"] in rows
    # the models for images and this task, whichever framework builds them
    start = rows.index(next(row for row in rows if row[:2] == ["model", "cnn"]))
    models = " ".join(row[2] for row in rows[start:] if row and row[0] in ("model", ""))
    assert models.split(", ")[:3] == ["logistic_regression", "sgd_linear", "linear_svm"]
    assert not {"linear_regression", "mlp", "text_nn"} & set(models.replace(",", "").split())
    assert "Refused combinations:" in result.output
    assert (
        "  - modality image/text and task regression: the image and text starters are "
        "classifiers; regression starter code exists for tabular data only\n"
    ) in result.output
    assert "Generate it: advisor scaffold --recipe image-pytorch --name my-project" in result.output


def test_show_an_unknown_recipe_suggests_the_close_one() -> None:
    result = recipes("show", "image-pytorc")
    assert result.exit_code == 1
    assert result.output == (
        "Error: unknown recipe 'image-pytorc' (did you mean 'image-pytorch'?); "
        "see 'advisor recipes list' for the recipes there are\n"
    )
