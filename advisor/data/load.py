"""The one entry for a path: which reader a file or folder goes to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from advisor.data.arrays import load_npz
from advisor.data.audio import AUDIO_SUFFIXES, load_audio_folder
from advisor.data.dataset import Dataset
from advisor.data.images import IMAGE_SUFFIXES, load_image_folder
from advisor.data.source import describe_source
from advisor.data.tables import load_table
from advisor.errors import DataError, ParameterError


def load_dataset(
    path: str | Path,
    *,
    target: str | None = None,
    text_column: str | None = None,
    task: str | None = None,
    max_rows: int | None = None,
    seed: int = 0,
    drop: Sequence[str] = (),
    time_column: str | None = None,
    time_ordered: bool = False,
    image_size: int | None = None,
    describe: bool = True,
) -> Dataset:
    """Read a table, an ``.npz``, an image folder or a folder of audio clips (``.wav``,
    ``.flac``, read as log-mel spectrograms: see :mod:`~advisor.data.audio`) into a
    :class:`Dataset`.

    ``target`` names the target column of a table (default: a column called target,
    label, y, ... or else the last one, never an ID or a date). ``text_column`` marks a
    free-text column (default: detected; ``"none"``: no text column, every column is a
    table feature). ``task`` overrides the task inferred from the target. ``max_rows``
    bounds memory: larger inputs are sampled uniformly at random (images and clips: per
    class), and ``notes`` say so.

    ``drop`` names columns of a table to remove before anything else (an ID, a leak);
    a feature column with no values is dropped too, and ``notes`` say so.

    Text columns whose values are dates become ``datetime64`` columns. ``time_ordered``
    sorts the rows (stably) by the time column: ``time_column``, or else the table's only
    date column; with no date column the rows keep the file's order. Naming a
    ``time_column`` implies ``time_ordered``.

    ``image_size`` resizes the images of a folder to ``image_size``×``image_size`` pixels
    (without it, images of mixed sizes are refused).

    ``describe`` records in ``source`` the input's absolute path, kind, row count and
    content hash (see :mod:`~advisor.data.source`), which reading a large file once more
    costs: a caller that needs no record of the data can turn it off.
    """
    drop = (drop,) if isinstance(drop, str) else tuple(drop)
    dataset = _load(
        Path(path),
        target=target,
        text_column=text_column,
        task=task,
        max_rows=max_rows,
        seed=seed,
        drop=drop,
        time_column=time_column,
        time_ordered=time_ordered,
        image_size=image_size,
    )
    if not describe:
        return dataset
    source = describe_source(path, dataset, drop=drop, image_size=image_size)
    return replace(dataset, source=source)


def _load(
    path: Path,
    *,
    target: str | None,
    text_column: str | None,
    task: str | None,
    max_rows: int | None,
    seed: int,
    drop: tuple[str, ...],
    time_column: str | None,
    time_ordered: bool,
    image_size: int | None,
) -> Dataset:
    if image_size is not None and (
        isinstance(image_size, bool) or not isinstance(image_size, int) or image_size < 1
    ):
        raise ParameterError(
            "The 'image_size' parameter of load_dataset must be an int > 0. "
            f"Got {image_size!r} instead."
        )
    if not path.exists():
        raise DataError(
            f"{path} does not exist: give the path to a CSV/Parquet file, an .npz or an image "
            "folder."
        )
    columns = {"drop": drop, "time_column": time_column}
    named = [option for option, value in columns.items() if value]
    if path.is_dir():
        audio = _holds_audio(path)
        what = "a folder of audio clips" if audio else "a folder of images"
        if named or time_ordered:
            _refuse(named[0] if named else "time_ordered", path, what)
        if not audio:
            return load_image_folder(
                path, task=task, max_rows=max_rows, seed=seed, image_size=image_size
            )
        if image_size is not None:
            raise DataError(
                f"--image-size is for a folder of images; {path} holds audio clips: leave "
                "--image-size out."
            )
        return load_audio_folder(path, task=task, max_rows=max_rows, seed=seed)
    if image_size is not None:
        raise DataError(
            f"--image-size is for a folder of images; {path} is a file: leave --image-size out."
        )
    if path.stat().st_size == 0:
        raise DataError(f"{path} is empty: expected a table with a header row and data rows.")
    if path.suffix.lower() == ".npz":
        if named:
            _refuse(named[0], path, "an .npz of arrays")
        dataset = load_npz(path, task=task, max_rows=max_rows, seed=seed)
        if not time_ordered:
            return dataset
        note = "Time order: an .npz has no date column, so the rows are taken in the file's order."
        return replace(dataset, time_ordered=True, notes=(*dataset.notes, note))
    return load_table(
        path,
        target=target,
        text_column=text_column,
        task=task,
        max_rows=max_rows,
        seed=seed,
        drop=drop,
        time_column=time_column,
        time_ordered=time_ordered,
    )


def _holds_audio(path: Path) -> bool:
    """Whether a folder holds audio clips rather than images; one holding both is refused,
    as a check reads one kind of input."""
    first: dict[str, Path] = {}
    for found in path.rglob("*"):
        suffix = found.suffix.lower()
        kind = "audio" if suffix in AUDIO_SUFFIXES else "image" if suffix in IMAGE_SUFFIXES else ""
        if kind and not found.relative_to(path).parts[0].startswith("."):
            first.setdefault(kind, found)
        if len(first) == 2:
            raise DataError(
                f"{path} holds both images ({first['image'].relative_to(path)}) and audio "
                f"({first['audio'].relative_to(path)}): the check reads one kind of input; "
                "move one kind to a folder of its own."
            )
    return "audio" in first


def _refuse(option: str, path: Path, what: str) -> None:
    flag = "--" + option.replace("_", "-")
    raise DataError(f"{flag} is for the columns of a table; {path} is {what}: leave {flag} out.")
