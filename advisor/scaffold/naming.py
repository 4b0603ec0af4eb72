"""A project name made safe: a display name, a folder name and a Python package name."""

from __future__ import annotations

import keyword
import re
import sys
import unicodedata
from dataclasses import dataclass

from advisor.errors import ScaffoldError

# Packages a generated project imports: a project package with one of these names would
# shadow it (``import torch`` would find the project instead).
_DEPENDENCIES = frozenset(
    {
        "dvc", "joblib", "lightning", "mlflow", "numpy", "pandas", "pytest", "scipy",
        "sklearn", "tensorboard", "tests", "torch", "wandb", "xgboost", "yaml", "neptune",
        "flax", "jax", "keras", "optax", "orbax", "tensorboardx", "tensorflow",
    }
)  # fmt: skip
_MAX_DISPLAY = 100


@dataclass(frozen=True)
class ProjectNames:
    display: str  # what people wrote, kept literal (README title, description)
    slug: str  # the project's folder: a-z, 0-9 and '-'
    package: str  # the Python package inside it: a-z, 0-9 and '_', starting with a letter


def project_names(name: str) -> ProjectNames:
    """Sanitise `name`; ScaffoldError when no valid package name can come out of it."""
    display = " ".join(str(name).split())  # newlines and tabs would break titles
    if not display:
        raise ScaffoldError("the project name is empty; pass a --name such as 'churn-model'")
    if len(display) > _MAX_DISPLAY:
        raise ScaffoldError(
            f"the project name is {len(display)} characters long; keep it under {_MAX_DISPLAY}"
        )
    ascii_text = unicodedata.normalize("NFKD", display).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    package = slug.replace("-", "_")
    problem = ""
    if not slug:
        problem = "it has no letters or digits"
    elif not slug[0].isalpha():
        problem = f"{package!r} starts with a digit"
    elif keyword.iskeyword(package):
        problem = f"{package!r} is a Python keyword"
    elif package in sys.stdlib_module_names or package in _DEPENDENCIES:
        problem = f"{package!r} would shadow the module of that name that the project imports"
    if problem:
        raise ScaffoldError(
            f"the project name {display!r} cannot become a Python package name: {problem}; "
            "pass a --name that starts with a letter, such as 'churn-model'"
        )
    return ProjectNames(display=display, slug=slug, package=package)
