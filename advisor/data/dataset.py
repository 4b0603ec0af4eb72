"""The loaded dataset, and the checks every reader's features and target go through."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from advisor.errors import DataError
from advisor.terms import CHECK_TASKS, suggest

if TYPE_CHECKING:
    from advisor.data.source import DataSource

MAX_CLASSES = 50  # an integer target with more distinct values than this is a regression


@dataclass(frozen=True)
class Dataset:
    """A loaded dataset, features and target apart.

    ``X`` is a DataFrame for tables and text (the text column is one of its columns) and a
    ``N×H×W×C`` array for images. ``y`` is a 1-D array. ``rows_total`` counts rows before
    any sampling; ``notes`` say, in words, what was inferred or sampled. ``time_ordered``
    says the rows are in time order (by ``time_column`` when the table has one, else as the
    file gave them), so a split should keep later rows for testing.
    """

    X: pd.DataFrame | np.ndarray
    y: np.ndarray
    task: str
    modality: str
    name: str
    target: str | None = None
    text_column: str | None = None
    rows_total: int = 0
    class_names: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    time_column: str | None = None
    time_ordered: bool = False
    source: DataSource | None = None  # the file or folder read, when there is one

    @property
    def rows(self) -> int:
        return len(self.y)

    @property
    def sampled(self) -> bool:
        return self.rows < self.rows_total


def infer_task(y: pd.Series | np.ndarray) -> str:
    """Binary for two values, multiclass for a few discrete ones, else regression."""
    values = pd.Series(np.asarray(y)).dropna()
    distinct = values.nunique()
    if distinct <= 2:
        return "binary"
    if not pd.api.types.is_numeric_dtype(values):
        return "multiclass"
    integral = bool(np.all(np.mod(values.to_numpy(dtype=float), 1) == 0))
    if integral and distinct <= MAX_CLASSES and distinct <= max(3, len(values) // 5):
        return "multiclass"
    return "regression"


def make_dataset(
    X: pd.DataFrame | np.ndarray,
    y: pd.Series | np.ndarray,
    task: str | None,
    *,
    modality: str,
    name: str,
    target: str | None = None,
    text_column: str | None = None,
    rows_total: int | None = None,
    notes: Iterable[str] = (),
    class_names: Sequence[str] = (),
    source: Path | None = None,
    time_column: str | None = None,
    time_ordered: bool = False,
) -> Dataset:
    """A :class:`Dataset` of ``X`` and ``y``, once ``y`` can support the task.

    ``task`` None means the task inferred from ``y``. Raises :class:`DataError`, naming
    ``source`` (else ``name``), when there are no rows, the task is unknown, or the target
    does not fit it (continuous numbers or one class for a classifier, more than two classes
    for binary, not numeric for regression).
    ``class_names`` default to the sorted distinct values of ``y``.
    """
    where = source if source is not None else name
    y = np.asarray(y)
    if len(y) == 0:
        raise DataError(f"{where} has no rows: expected at least a few labelled examples.")
    if task is None:
        task = infer_task(y)
    elif task not in CHECK_TASKS:
        raise DataError(f"Unknown task '{task}'{suggest(task, CHECK_TASKS)}.")
    distinct = pd.Series(y).nunique()
    if task != "regression" and _continuous(y):
        low, high = np.nanmin(y.astype(float)), np.nanmax(y.astype(float))
        raise DataError(
            f"The target in {where} holds continuous numbers ({distinct:,} distinct values from "
            f"{low:g} to {high:g}): task '{task}' needs classes. Use --task regression, or turn "
            "the target into class labels first."
        )
    if task != "regression" and distinct < 2:
        only = pd.Series(y).iloc[0]
        raise DataError(
            f"The target in {where} has a single class ({only}): a classifier needs at least two. "
            f"Check the target column."
        )
    if task == "binary" and distinct > 2:
        raise DataError(
            f"The target in {where} has {distinct} classes: task 'binary' needs exactly two."
        )
    if task == "regression" and not pd.api.types.is_numeric_dtype(pd.Series(y)):
        raise DataError(f"The target in {where} is not numeric: task 'regression' needs numbers.")
    if task == "regression" and distinct < 2:
        raise DataError(f"The target in {where} is constant: there is nothing to predict.")
    if task != "regression" and not class_names:
        class_names = [str(c) for c in sorted(pd.unique(y), key=str)]
    return Dataset(
        X=X,
        y=y,
        task=task,
        modality=modality,
        name=name,
        target=target,
        text_column=text_column,
        rows_total=rows_total if rows_total is not None else len(y),
        class_names=tuple(class_names) if task != "regression" else (),
        notes=tuple(notes),
        time_column=time_column,
        time_ordered=time_ordered or time_column is not None,
    )


def _continuous(y: np.ndarray) -> bool:
    """Numbers with a fractional part: a quantity, which no classifier takes as classes."""
    if not pd.api.types.is_float_dtype(y.dtype):
        return False
    values = y[~np.isnan(y)]
    return bool(np.any(np.mod(values, 1) != 0))
