"""Sampling a large input down to what the budget can evaluate.

The rate at which a budget evaluates rows is set per kind of data: table cells (rows ×
features), image pixels (an audio clip's log-mel spectrogram counts as an image), or text
rows per second, on the local engine's lanes. An engine with more CPUs evaluates rows faster
in proportion: its ``scale`` (the executor's ``row_scale()``) multiplies the rate. Above the
cap, a stratified random sample (classes keep their shares) stands for the data, and the
report says so.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from advisor.check.fitting import take

CELLS_PER_SECOND = 40_000
PIXELS_PER_SECOND = 150_000
TEXT_ROWS_PER_SECOND = 400
MIN_CAP = 1_000  # never fewer rows than this, however small the budget
MAX_ROWS = 200_000


def row_cap(dataset: Any, budget: float, scale: float = 1.0) -> int:
    """How many rows the budget can evaluate for this kind of data, on an engine ``scale``
    times as wide as the local one. ``MAX_ROWS`` bounds the rows this machine holds,
    whatever the engine."""
    budget = budget * scale
    if dataset.modality in ("image", "audio"):
        pixels = int(np.prod(np.asarray(dataset.X).shape[1:]))
        cap = PIXELS_PER_SECOND * budget / max(1, pixels)
    elif dataset.modality == "text":
        cap = TEXT_ROWS_PER_SECOND * budget
    else:
        cap = CELLS_PER_SECOND * budget / max(1, dataset.X.shape[1])
    return int(np.clip(cap, MIN_CAP, MAX_ROWS))


def seconds_for_rows(dataset: Any, rows: int, scale: float = 1.0) -> float:
    """The models' seconds whose row cap keeps ``rows`` rows of this data on an engine
    ``scale`` times as wide as the local one: the inverse of :func:`row_cap`, which grows in
    proportion to the seconds (below ``MAX_ROWS``)."""
    if rows > MAX_ROWS:
        return float("inf")
    if dataset.modality in ("image", "audio"):
        pixels = max(1, int(np.prod(np.asarray(dataset.X).shape[1:])))
        return rows * pixels / PIXELS_PER_SECOND / scale
    if dataset.modality == "text":
        return rows / TEXT_ROWS_PER_SECOND / scale
    return rows * max(1, dataset.X.shape[1]) / CELLS_PER_SECOND / scale


def sample_for_budget(
    dataset: Any, *, budget: float, seed: int, seconds: float | None = None, scale: float = 1.0
) -> tuple[Any, str | None]:
    """A stratified sample (classes keep their shares) when the data exceed the row cap of
    the ``seconds`` of the ``budget`` the models have (all of it by default), on an engine
    ``scale`` times as wide as the local one."""
    cap = row_cap(dataset, budget if seconds is None else seconds, scale)
    if dataset.rows <= cap:
        return dataset, None
    from sklearn.model_selection import train_test_split

    y = np.asarray(dataset.y)
    stratify = None
    if dataset.task != "regression" and np.unique(y, return_counts=True)[1].min() >= 2:
        stratify = y
    rows, _ = train_test_split(
        np.arange(len(y)), train_size=cap, random_state=seed, stratify=stratify
    )
    rows = np.sort(rows)
    X = take(dataset.X, rows)
    if hasattr(X, "reset_index"):
        X = X.reset_index(drop=True)
    sampled = replace(dataset, X=X, y=y[rows])
    total = int(dataset.rows_total or dataset.rows)
    kind = "stratified " if stratify is not None else ""
    note = (
        f"Sampled {cap:,} of {total:,} rows ({kind}random sample) to fit the "
        f"{budget:g} s budget; every score here is measured on that sample."
    )
    return sampled, note
