"""The closed vocabulary of recipes and the combinations that make no sense.

Recipes are data (``recipes/*.yaml``); the words they may use, and the combinations that
are refused with a reason, live here in Python so every caller checks them the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from advisor.errors import RecipeError
from advisor.terms import (
    APPLICATION_TASKS,
    CHECK_TASKS,
    MODALITIES,
    MODEL_FAMILIES,
    TASKS,
    suggest,
)

_CLASSIFY = ("binary", "multiclass")
# The data the generic starters (tables, images, text) are written for; audio comes in
# through the speech recipe only.
_STARTER_MODALITIES = ("tabular", "image", "text")
# The frameworks whose starter code is a network trained in epochs.
NEURAL_FRAMEWORKS = ("pytorch", "lightning", "keras", "jax")


@dataclass(frozen=True)
class ModelSpec:
    """A model the template can build: in which frameworks, for which tasks and data."""

    label: str  # for people: "a decision tree"
    frameworks: tuple[str, ...]  # the first is the one it brings along when chosen alone
    tasks: tuple[str, ...] = CHECK_TASKS
    modalities: tuple[str, ...] = _STARTER_MODALITIES
    # Trained in epochs (a loss per epoch); the others are fitted in one go.
    staged: bool = False


# The models a generated project can build. Candidates the rules rank and the models a
# feasibility report names map onto these words (advisor/rules/vocabulary.py, baseline.py).
MODELS: dict[str, ModelSpec] = {
    "logistic_regression": ModelSpec("logistic regression", ("sklearn",), _CLASSIFY),
    "linear_regression": ModelSpec("ridge linear regression", ("sklearn",), ("regression",)),
    "sgd_linear": ModelSpec("a linear model trained by SGD", ("sklearn",), staged=True),
    "linear_svm": ModelSpec("a linear SVM", ("sklearn",)),
    "rbf_svm": ModelSpec("an SVM with an RBF kernel", ("sklearn",)),
    "knn": ModelSpec("k-nearest neighbours", ("sklearn",)),
    "naive_bayes": ModelSpec("naive Bayes", ("sklearn",), _CLASSIFY),
    "decision_tree": ModelSpec("a decision tree", ("sklearn",), staged=True),
    "random_forest": ModelSpec("a random forest", ("sklearn",)),
    # Histogram boosting needs dense features; hashed n-grams of text are sparse.
    "hist_gradient_boosting": ModelSpec(
        "histogram gradient-boosted trees", ("sklearn",), modalities=("tabular", "image"),
        staged=True,
    ),
    "xgboost": ModelSpec("gradient-boosted trees", ("xgboost",), staged=True),
    "mlp": ModelSpec("an MLP", NEURAL_FRAMEWORKS, modalities=("tabular",), staged=True),
    "cnn": ModelSpec("a small CNN", NEURAL_FRAMEWORKS, modalities=("image",), staged=True),
    "text_nn": ModelSpec(
        "a bag-of-tokens network", NEURAL_FRAMEWORKS, modalities=("text",), staged=True
    ),
    # A Hugging Face checkpoint with a new head, trained in train.py's PyTorch loop; like
    # the other image and text starters it classifies (INCOMPATIBLE refuses regression).
    "finetune": ModelSpec(
        "a pretrained network, fine-tuned", ("pytorch",), modalities=("image", "text"),
        staged=True,
    ),
    # The applications' pretrained networks: each its own pipeline modules (the project's
    # _apps/<task>/ overlay), fine-tuned from a Hugging Face checkpoint in PyTorch.
    "detector": ModelSpec(
        "a pretrained object detector (RT-DETR), fine-tuned", ("pytorch",), ("detection",),
        ("image",), staged=True,
    ),
    "speech_recognizer": ModelSpec(
        "a pretrained speech recogniser (Whisper), fine-tuned", ("pytorch",), ("transcription",),
        ("audio",), staged=True,
    ),
    "diffusion_lora": ModelSpec(
        "a pretrained text-to-image diffusion model with LoRA adapters", ("pytorch",),
        ("generation",), ("image",), staged=True,
    ),
}  # fmt: skip
# The model each application task is built with.
APPLICATION_MODEL = {
    "detection": "detector",
    "transcription": "speech_recognizer",
    "generation": "diffusion_lora",
}

# field -> allowed values; the order is the order shown to people
CHOICES: dict[str, tuple[str, ...]] = {
    "modality": MODALITIES,
    "task": TASKS,
    "family": MODEL_FAMILIES,
    "model": tuple(MODELS),
    "framework": ("sklearn", "xgboost", "pytorch", "lightning", "keras", "jax"),
    "tracking": ("tensorboard", "mlflow", "wandb", "neptune", "none"),
    "versioning": ("dvc", "pachyderm", "none"),
    "hardware": ("cpu", "gpu", "multi_gpu"),
}
# free-text fields of a recipe
TEXT_FIELDS: tuple[str, ...] = ("name", "description")
FIELDS: tuple[str, ...] = ("name", "description", *CHOICES)

FRAMEWORK_FAMILY = {
    "sklearn": "classical",
    "xgboost": "classical",
    "pytorch": "deep_learning",
    "lightning": "deep_learning",
    "keras": "deep_learning",
    "jax": "deep_learning",
}
FRAMEWORK_LABELS = {
    "sklearn": "scikit-learn",
    "xgboost": "XGBoost",
    "pytorch": "PyTorch",
    "lightning": "PyTorch Lightning",
    "keras": "Keras (TensorFlow)",
    "jax": "JAX (Flax)",
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


_NOT_PYTORCH = tuple(f for f in CHOICES["framework"] if f != "pytorch")
INCOMPATIBLE: tuple[Incompatibility, ...] = (
    Incompatibility(
        _when(task=APPLICATION_TASKS, framework=_NOT_PYTORCH),
        "the detection, transcription and generation recipes fine-tune a Hugging Face "
        "checkpoint in PyTorch; use --framework pytorch",
    ),
    Incompatibility(
        _when(task=APPLICATION_TASKS, versioning=("pachyderm",)),
        "the detection, transcription and generation recipes version their data with DVC; "
        "use --versioning dvc or none",
    ),
    Incompatibility(
        _when(modality=("audio",), task=(*CHECK_TASKS, "detection", "generation")),
        "audio projects start from the speech-recognition recipe (task transcription); "
        "audio classification is measured by `advisor check` on a folder of class sub-folders",
    ),
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
    model = choices.get("model")
    if model:
        _check_model(model, choices, where)
    for rule in INCOMPATIBLE:
        if rule.matches(choices):
            combo = " ".join(f"{field}={choices[field]}" for field in rule.when)
            raise RecipeError(f"{where}invalid combination {combo}: {rule.reason}")


def _check_model(model: str, choices: Mapping[str, str], where: str) -> None:
    spec = MODELS[model]
    framework, task, modality = (choices.get(f) for f in ("framework", "task", "modality"))
    if framework and framework not in spec.frameworks:
        raise RecipeError(
            f"{where}invalid combination model={model} framework={framework}: {spec.label} is "
            f"built with {_either(spec.frameworks)}; use --framework {spec.frameworks[0]}, "
            "or leave --model out"
        )
    if task and task not in spec.tasks:
        kind = "regression" if spec.tasks == ("regression",) else "classification"
        raise RecipeError(
            f"{where}invalid combination model={model} task={task}: {spec.label} is for "
            f"{kind} only; leave --model out to get the recipe's model for {task}"
        )
    if modality and modality not in spec.modalities:
        raise RecipeError(
            f"{where}invalid combination model={model} modality={modality}: {spec.label} is "
            f"built for {', '.join(spec.modalities)} data here; leave --model out"
        )


def _either(words: tuple[str, ...]) -> str:
    """``a, b or c``."""
    return " or ".join(words) if len(words) < 3 else f"{', '.join(words[:-1])} or {words[-1]}"


def fits(model: str, *, framework: str, modality: str, task: str) -> bool:
    """Whether `model` can be built with `framework` for `task` on `modality` data."""
    spec = MODELS[model]
    return framework in spec.frameworks and task in spec.tasks and modality in spec.modalities


def default_model(framework: str, modality: str, task: str, *, like: str | None = None) -> str:
    """The model a project gets when none is named: `like` when it fits, else its nearest
    counterpart (logistic <-> ridge regression as the task changes), else the framework's
    own for this data."""
    if like is not None and fits(like, framework=framework, modality=modality, task=task):
        return like
    if task in APPLICATION_MODEL:
        return APPLICATION_MODEL[task]
    if framework in NEURAL_FRAMEWORKS:
        return {"tabular": "mlp", "image": "cnn", "text": "text_nn"}[modality]
    if framework == "xgboost":
        return "xgboost"
    return "linear_regression" if task == "regression" else "logistic_regression"


def building(model: str, framework: str) -> str:
    """What a project builds, in words: "a decision tree in scikit-learn"."""
    return f"{MODELS[model].label} in {FRAMEWORK_LABELS[framework]}"


def valid_combinations() -> list[dict[str, str]]:
    """Every framework x tracking x versioning x modality x task that renders (hardware
    cpu, the framework's default model), in vocabulary order: what the test suite renders
    and trains."""
    combos = []
    for framework in CHOICES["framework"]:
        for tracking in CHOICES["tracking"]:
            for versioning in CHOICES["versioning"]:
                for modality in _STARTER_MODALITIES:
                    for task in CHECK_TASKS:
                        choice = {
                            "framework": framework,
                            "tracking": tracking,
                            "versioning": versioning,
                            "modality": modality,
                            "task": task,
                            "hardware": "cpu",
                        }
                        if not any(rule.matches(choice) for rule in INCOMPATIBLE):
                            choice["model"] = default_model(framework, modality, task)
                            combos.append(choice)
    return combos
