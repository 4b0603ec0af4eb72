"""The closed vocabulary of recipes and the combinations that make no sense.

Recipes are data (``recipes/*.yaml``); the words they may use, and the combinations that
are refused with a reason, live here in Python so every caller checks them the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from advisor.errors import RecipeError
from advisor.terms import MODALITIES, MODEL_FAMILIES, TASKS, suggest

# field -> allowed values; the order is the order shown to people
CHOICES: dict[str, tuple[str, ...]] = {
    "modality": MODALITIES,
    "task": TASKS,
    "family": MODEL_FAMILIES,
    "framework": ("sklearn", "xgboost", "pytorch", "lightning"),
    "tracking": ("tensorboard", "mlflow", "wandb", "none"),
    "versioning": ("dvc", "none"),
    "hardware": ("cpu", "gpu", "multi_gpu"),
}
# free-text fields of a recipe
TEXT_FIELDS: tuple[str, ...] = ("name", "description", "model")
FIELDS: tuple[str, ...] = ("name", "description", *CHOICES, "model")

FRAMEWORK_FAMILY = {
    "sklearn": "classical",
    "xgboost": "classical",
    "pytorch": "deep_learning",
    "lightning": "deep_learning",
}


@dataclass(frozen=True)
class Incompatibility:
    """A combination of choices that is refused, and why."""

    when: Mapping[str, frozenset[str]]
    reason: str

    def matches(self, choices: Mapping[str, str]) -> bool:
        return all(choices.get(field) in values for field, values in self.when.items())


def _when(**fields: tuple[str, ...]) -> dict[str, frozenset[str]]:
    return {field: frozenset(values) for field, values in fields.items()}


INCOMPATIBLE: tuple[Incompatibility, ...] = (
    Incompatibility(
        _when(framework=("sklearn", "xgboost"), tracking=("tensorboard",)),
        "TensorBoard logging uses PyTorch's SummaryWriter, which scikit-learn and XGBoost "
        "projects do not install; use --tracking mlflow or wandb",
    ),
    Incompatibility(
        _when(framework=("xgboost",), modality=("image", "text")),
        "XGBoost's starter code works on a feature table; for images or text use pytorch or "
        "lightning (or sklearn)",
    ),
    Incompatibility(
        _when(modality=("image", "text"), task=("regression",)),
        "the image and text starters are classifiers; regression starter code exists for "
        "tabular data only",
    ),
    Incompatibility(
        _when(framework=("sklearn",), hardware=("gpu", "multi_gpu")),
        "scikit-learn trains on the CPU only; use hardware cpu, or xgboost, pytorch or "
        "lightning for a GPU",
    ),
    Incompatibility(
        _when(framework=("xgboost",), hardware=("multi_gpu",)),
        "the XGBoost starter trains on one device (multi-GPU XGBoost needs Dask or Spark); "
        "use hardware gpu",
    ),
)


def check_choice(field: str, value: object, *, where: str = "") -> str:
    """The value if the vocabulary allows it for `field`; RecipeError otherwise."""
    allowed = CHOICES[field]
    if not isinstance(value, str) or value not in allowed:
        hint = suggest(value, allowed) if isinstance(value, str) else ""
        raise RecipeError(
            f"{where}unknown {field} {value!r}{hint}; expected one of {', '.join(allowed)}"
        )
    return value


def check_combination(choices: Mapping[str, str], *, where: str = "") -> None:
    """RecipeError naming the reason when `choices` is a combination that makes no sense."""
    family = choices.get("family")
    framework = choices.get("framework")
    if family and framework and FRAMEWORK_FAMILY[framework] != family:
        raise RecipeError(
            f"{where}invalid combination family={family} framework={framework}: {framework} "
            f"is a {FRAMEWORK_FAMILY[framework].replace('_', ' ')} framework"
        )
    for rule in INCOMPATIBLE:
        if rule.matches(choices):
            combo = " ".join(f"{field}={choices[field]}" for field in rule.when)
            raise RecipeError(f"{where}invalid combination {combo}: {rule.reason}")


def valid_combinations() -> list[dict[str, str]]:
    """Every framework x tracking x versioning x modality x task that renders (hardware
    cpu), in vocabulary order: what the test suite renders and trains."""
    combos = []
    for framework in CHOICES["framework"]:
        for tracking in CHOICES["tracking"]:
            for versioning in CHOICES["versioning"]:
                for modality in CHOICES["modality"]:
                    for task in CHOICES["task"]:
                        choice = {
                            "framework": framework,
                            "tracking": tracking,
                            "versioning": versioning,
                            "modality": modality,
                            "task": task,
                            "hardware": "cpu",
                        }
                        if not any(rule.matches(choice) for rule in INCOMPATIBLE):
                            combos.append(choice)
    return combos
