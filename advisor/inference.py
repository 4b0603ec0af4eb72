"""Inferring a :class:`~advisor.profile.Profile` from data.

:func:`profile_from_dataset` computes the statistics the rules read (size, balance,
missing and categorical shares, heavy tails, uninformative features) from a loaded
:class:`~advisor.data.Dataset`; :func:`infer_profile` reads a path first. Statistics are
computed on a sample where the data is large, and the profile's ``notes`` say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from advisor.data import Dataset, load_dataset
from advisor.profile import Profile

DEFAULT_MAX_ROWS = 50_000  # rows read from a file for the statistics; the rest are sampled out
STAT_ROWS = 5_000  # rows the per-feature statistics look at (skew, mutual information)
MODEL_ROWS = 2_000  # rows the informativeness model is fitted on
MODEL_FEATURES = 100  # at most this many features are judged for informativeness
MIN_SHADOWS = 50  # shuffled "shadow" columns that set the noise floor (at least)
TREES = 50  # trees in the informativeness model: enough for stable importances, cheap
HEAVY_SKEW = 2.0  # |skewness| above this marks a skewed feature
HEAVY_KURTOSIS = 7.0  # excess kurtosis above this marks a heavy-tailed feature


def infer_profile(
    path: str | Path,
    *,
    target: str | None = None,
    text_column: str | None = None,
    task: str | None = None,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    seed: int = 0,
    drop: Sequence[str] = (),
    time_column: str | None = None,
    time_ordered: bool = False,
    image_size: int | None = None,
    **constraints: Any,
) -> Profile:
    """Read ``path`` (table, ``.npz`` or image folder) and infer its profile.

    ``target``, ``text_column``, ``task``, ``drop``, ``time_column``, ``time_ordered`` and
    ``image_size`` say how to read the data, as for :func:`~advisor.data.load_dataset`.
    ``constraints`` are :class:`Profile` fields the data cannot tell (``interpretable``,
    ``latency_sensitive``, ``gpu``, ``labelled``, ``complexity``) or that override what was
    inferred (``rows``, ``features``, ...). Raises :class:`~advisor.errors.DataError` when
    the data cannot be read.
    """
    dataset = load_dataset(
        path,
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
    return profile_from_dataset(dataset, seed=seed, **constraints)


def profile_from_dataset(dataset: Dataset, *, seed: int = 0, **constraints: Any) -> Profile:
    """The profile of a loaded dataset; ``constraints`` set or override fields."""
    notes = list(dataset.notes)
    y = np.asarray(dataset.y)
    classification = dataset.task != "regression"
    counts = pd.Series(y).value_counts() if classification else None
    values: dict[str, Any] = {
        "task": dataset.task,
        "modality": dataset.modality,
        "rows": int(dataset.rows_total or dataset.rows),
        "classes": len(counts) if counts is not None else None,
        "minority_share": _round(counts.min() / counts.sum()) if counts is not None else None,
    }
    notes.append(_task_note(dataset, counts))
    if dataset.modality in ("image", "audio"):
        X = np.asarray(dataset.X)
        values.update(
            features=int(np.prod(X.shape[1:])),
            missing_share=_round(float(np.isnan(X).mean()))
            if np.issubdtype(X.dtype, np.floating)
            else 0.0,
            categorical_share=0.0,
        )
        height, width, channels = X.shape[1:]
        if dataset.modality == "audio":
            notes.append(
                f"Modality: audio (log-mel spectrograms, {height} mel bands × {width} frames)."
            )
        else:
            notes.append(f"Modality: image ({height}×{width} pixels, {channels} channel(s)).")
    else:
        frame = dataset.X
        assert isinstance(frame, pd.DataFrame)
        values.update(_table_statistics(frame, y, dataset, seed=seed, notes=notes))
    unknown = sorted(set(constraints) - set(Profile.__dataclass_fields__))
    if unknown:
        # Let Profile name the bad field with its usual message.
        Profile.from_dict({"task": dataset.task, **{k: constraints[k] for k in unknown}})
    overridden = [k for k, v in constraints.items() if k in values and values[k] != v]
    if overridden:
        notes.append("Given, overriding what was inferred: " + ", ".join(overridden) + ".")
    values.update(constraints)
    values["notes"] = tuple(notes)
    return Profile(**values)


def _table_statistics(
    frame: pd.DataFrame, y: np.ndarray, dataset: Dataset, *, seed: int, notes: list[str]
) -> dict[str, Any]:
    features = [c for c in frame.columns if c != dataset.text_column]
    total_features = frame.shape[1]
    missing = float(frame.isna().to_numpy().mean()) if frame.size else 0.0
    dates = [c for c in features if pd.api.types.is_datetime64_any_dtype(frame[c])]
    numeric = [c for c in features if pd.api.types.is_numeric_dtype(frame[c])]
    categorical = [c for c in features if c not in numeric and c not in dates]
    stats = {
        "features": int(total_features),
        "missing_share": _round(missing),
        "categorical_share": _round(len(categorical) / len(features)) if features else None,
    }
    if dataset.modality == "text":
        notes.append(
            f"Modality: text (column '{dataset.text_column}'), with {len(features)} other "
            "column(s)."
        )
    else:
        kinds = f"{len(numeric)} numeric, {len(categorical)} categorical"
        kinds += f", {len(dates)} date" if dates else ""
        notes.append(f"Modality: tabular ({len(features)} feature(s): {kinds}).")
    sample = frame
    sample_y = y
    if len(frame) > STAT_ROWS:
        index = np.sort(np.random.default_rng(seed).choice(len(frame), STAT_ROWS, replace=False))
        sample, sample_y = frame.iloc[index], y[index]
        notes.append(f"Feature statistics computed on {STAT_ROWS:,} sampled rows.")
    stats["heavy_tail_share"] = _heavy_tail_share(sample[numeric]) if numeric else None
    if dataset.modality == "tabular" and features:
        stats["uninformative_share"] = _uninformative_share(
            sample[features], sample_y, classification=dataset.task != "regression", seed=seed
        )
    else:
        stats["uninformative_share"] = None
    return stats


def _heavy_tail_share(numeric: pd.DataFrame) -> float | None:
    """Share of non-constant numeric features with |skew| > 2 or excess kurtosis > 7."""
    from scipy import stats

    heavy = informative = 0
    for column in numeric.columns:
        values = numeric[column].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        if len(values) < 8 or np.ptp(values) == 0:
            continue
        informative += 1
        skew = stats.skew(values)
        kurtosis = stats.kurtosis(values)  # Fisher's definition: a normal gives 0
        if abs(skew) > HEAVY_SKEW or kurtosis > HEAVY_KURTOSIS:
            heavy += 1
    return _round(heavy / informative) if informative else None


def _uninformative_share(
    frame: pd.DataFrame, y: np.ndarray, *, classification: bool, seed: int
) -> float | None:
    """Share of features a tree ensemble finds no more useful than noise.

    Boruta's idea (Kursa & Rudnicki 2010), in one round: add "shadow" columns, each a
    shuffled copy of a real feature, fit extremely randomised trees on both, and count a
    feature as uninformative when its importance does not beat the best shadow's. Unlike
    a per-feature mutual-information test, this sees features that only help together
    with others, and the noise floor comes from the data rather than a guessed constant.
    """
    from sklearn.ensemble import ExtraTreesClassifier, ExtraTreesRegressor

    if len(y) < 20:
        return None
    rng = np.random.default_rng(seed)
    if len(frame) > MODEL_ROWS:
        index = np.sort(rng.choice(len(frame), MODEL_ROWS, replace=False))
        frame, y = frame.iloc[index], y[index]
    columns = list(frame.columns)
    if len(columns) > MODEL_FEATURES:
        columns = sorted(rng.choice(columns, MODEL_FEATURES, replace=False), key=columns.index)
    encoded = []
    for column in columns:
        series = frame[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            # Days since the first date: a date's information is where it falls in time.
            days = (series - series.min()).dt.total_seconds() / 86_400
            encoded.append(days.fillna(days.median()).fillna(0.0).to_numpy())
        elif pd.api.types.is_numeric_dtype(series):
            values = series.astype(float).replace([np.inf, -np.inf], np.nan)
            encoded.append(values.fillna(values.median()).fillna(0.0).to_numpy())
        else:
            encoded.append(pd.factorize(series.astype(str))[0].astype(float))
    X = np.column_stack(encoded)
    shadows = np.column_stack(
        [rng.permutation(X[:, i % X.shape[1]]) for i in range(max(X.shape[1], MIN_SHADOWS))]
    )
    kind = ExtraTreesClassifier if classification else ExtraTreesRegressor
    model = kind(n_estimators=TREES, min_samples_leaf=3, random_state=seed, n_jobs=1)
    model.fit(np.hstack([X, shadows]), pd.factorize(y)[0] if classification else y)
    importance = model.feature_importances_
    floor = importance[X.shape[1] :].max()
    return _round(float(np.mean(importance[: X.shape[1]] <= floor)))


def _task_note(dataset: Dataset, counts: pd.Series | None) -> str:
    if counts is None:
        return "Task: regression (the target is numeric with many distinct values)."
    minority = counts.min() / counts.sum()
    return f"Task: {dataset.task} ({len(counts)} classes; the rarest holds {minority:.0%} of rows)."


def _round(value: float) -> float:
    return round(float(value), 4)
