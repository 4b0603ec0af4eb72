"""Where the shipped data lives: a checkout keeps it at the top level, a wheel inside."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _locate(name: str) -> Path:
    # An installed wheel carries recipes/ and templates/ under advisor/_data (see
    # pyproject.toml); an editable install or a checkout has them beside the package.
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"advisor's {name}/ folder is missing; reinstall advisor")


def recipes_dir() -> Path:
    """The folder of stack recipes (``*.yaml``)."""
    return _locate("recipes")


def templates_dir() -> Path:
    """The folder of cookiecutter templates."""
    return _locate("templates")


def rules_dir() -> Path:
    """The folder of the rule files that make up the knowledge base."""
    return _PACKAGE / "rules" / "kb"
