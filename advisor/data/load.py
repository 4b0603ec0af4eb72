"""The one entry for a path: which reader a file or folder goes to."""

from __future__ import annotations

from pathlib import Path

from advisor.data.arrays import load_npz
from advisor.data.dataset import Dataset
from advisor.data.images import load_image_folder
from advisor.data.tables import load_table
from advisor.errors import DataError


def load_dataset(
    path: str | Path,
    *,
    target: str | None = None,
    text_column: str | None = None,
    task: str | None = None,
    max_rows: int | None = None,
    seed: int = 0,
    time_column: str | None = None,
    time_ordered: bool = False,
) -> Dataset:
    """Read a table, an ``.npz`` or an image folder into a :class:`Dataset`.

    ``target`` names the target column of a table (default: a column called target,
    label, y, ... or else the last one). ``text_column`` marks a free-text column
    (default: detected). ``task`` overrides the task inferred from the target.
    ``max_rows`` bounds memory: larger inputs are sampled uniformly at random (images:
    per class), and ``notes`` say so.

    Text columns whose values are dates become ``datetime64`` columns. ``time_ordered``
    sorts the rows (stably) by the time column: ``time_column``, or else the table's only
    date column; with no date column the rows keep the file's order. Naming a
    ``time_column`` implies ``time_ordered``.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(
            f"{path} does not exist: give the path to a CSV/Parquet file, an .npz or an image "
            "folder."
        )
    if path.is_dir():
        return load_image_folder(path, task=task, max_rows=max_rows, seed=seed)
    if path.stat().st_size == 0:
        raise DataError(f"{path} is empty: expected a table with a header row and data rows.")
    if path.suffix.lower() == ".npz":
        return load_npz(path, task=task, max_rows=max_rows, seed=seed)
    return load_table(
        path,
        target=target,
        text_column=text_column,
        task=task,
        max_rows=max_rows,
        seed=seed,
        time_column=time_column,
        time_ordered=time_ordered,
    )
