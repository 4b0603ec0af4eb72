"""The data a generated project trains on: the file or folder `advisor check` measured (a
report's ``source``) or one named with ``--data``, copied into the project's data/raw/ or
referenced where it lies. The user's files are only ever read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from advisor.data.source import DataSource, verify_source
from advisor.errors import DataError, ParameterError, ScaffoldError

DATA_MODES = ("copy", "link")
# Data below this size is copied into the project (and versioned with it); larger data is
# referenced where it lies, so that a project does not double the disk it takes.
COPY_LIMIT_BYTES = 100 * 1024 * 1024
# The kinds of input a project knows how to read; an .npz of arrays is not one yet.
PROJECT_KINDS = ("table", "text", "image_folder")


def data_answers(source: DataSource, mode: str | None = None) -> dict[str, Any]:
    """What a project's answers say about its data: the source, the mode (``copy`` below
    :data:`COPY_LIMIT_BYTES`, else ``link``, unless `mode` says) and the path the project
    reads (data/raw/<name> for a copy, the absolute path for a link)."""
    if mode is not None and mode not in DATA_MODES:
        raise ParameterError(
            f"The 'data_mode' parameter of scaffold must be one of {', '.join(DATA_MODES)}. "
            f"Got {mode!r} instead."
        )
    if source.kind == "audio_folder":
        raise ScaffoldError(
            f"{source.path} is a folder of audio clips: no recipe scaffolds audio "
            "classification yet (`advisor check` measures it); for speech to text use "
            "--recipe speech-finetune and set its params.yaml data.path"
        )
    if source.kind not in PROJECT_KINDS:
        raise ScaffoldError(
            f"{source.path} is an .npz of arrays, which a generated project cannot read yet: "
            "save it as a CSV table or a folder of images in class sub-folders, check that, "
            "and scaffold from its report"
        )
    if mode is None:
        mode = "copy" if source.size_bytes < COPY_LIMIT_BYTES else "link"
    name = Path(source.path).name
    project_path = f"data/raw/{name}" if mode == "copy" else source.path
    return {**source.to_dict(), "mode": mode, "project_path": project_path}


def check_data(data: dict[str, Any], *, where: str) -> None:
    """DataError unless the data the answers name is still what was checked."""
    verify_source(DataSource.from_dict(data), where=where)


def read_data(
    path: str | Path,
    *,
    target: str | None = None,
    text_column: str | None = None,
    seed: int = 0,
) -> Any:
    """The dataset at `path`, read as ``advisor check`` reads it, for ``scaffold --data``:
    a table must name its target (a project trains on one column; guessing it is for a
    quick check, not for a project)."""
    path = Path(path)
    if path.is_file() and path.suffix.lower() != ".npz" and target is None:
        raise DataError(
            f"{path} is a table: say which column the project predicts with --target COL."
        )
    if path.is_dir() and (target is not None or text_column is not None):
        flag = "--target" if target is not None else "--text-column"
        raise DataError(
            f"{flag} is for a table; {path} is a folder of images whose sub-folders are the "
            f"classes: leave {flag} out."
        )
    from advisor.data import load_dataset

    return load_dataset(path, target=target, text_column=text_column, seed=seed)


def recipe_for(dataset: Any, *, seed: int = 0) -> tuple[str, str]:
    """The recipe and model the recommendation puts first for `dataset`."""
    from advisor.inference import profile_from_dataset
    from advisor.recommendation import recommend

    best = recommend(profile_from_dataset(dataset, seed=seed)).candidates[0]
    return best.recipe, best.project_model


__all__ = [
    "COPY_LIMIT_BYTES",
    "DATA_MODES",
    "check_data",
    "data_answers",
    "read_data",
    "recipe_for",
]
