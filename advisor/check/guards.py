"""Honesty guards: warnings about data that would make the scores flatter the truth.

Each guard returns sentences for people; the report and the JSON ``warnings`` carry them.
They look at a bounded sample (``GUARD_ROWS`` rows, ``LEAK_COLUMNS`` columns for the
single-column test), so their cost does not grow with the data.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

GUARD_ROWS = 3_000  # rows the single-column leak test fits on
LEAK_COLUMNS = 200  # at most this many columns get the single-column leak test
LEAK_SCORE = 0.99  # one column alone reaching this accuracy (or R²) is a suspected leak
IMBALANCE_SHARE = 0.05  # a class rarer than this share is heavy imbalance
# "id", "user_id", "Row ID", "uuid" and camelCase "userId"; not "paid" or "grid".
ID_NAME = re.compile(r"(?i:(^|[_\W])(id|uuid|guid|key|index)($|[_\W]))|[a-z]Id$")


def find_problems(dataset: Any, *, seed: int = 0) -> list[str]:
    """Every warning that applies to ``dataset`` (an :class:`advisor.data.Dataset`)."""
    y = np.asarray(dataset.y)
    found = duplicate_rows(dataset.X)
    if isinstance(dataset.X, pd.DataFrame):
        features = dataset.X.drop(columns=[dataset.text_column], errors="ignore")
        if dataset.text_column is not None and features.shape[1] == 0:
            features = None
        if features is not None:
            found += constant_columns(features)
            found += id_like_columns(features)
            found += single_column_leaks(features, y, dataset.task, seed=seed)
    if dataset.task != "regression":
        found += class_imbalance(y)
    return found


def duplicate_rows(X: Any) -> list[str]:
    """Rows whose features repeat another row exactly can sit on both sides of a split."""
    if isinstance(X, pd.DataFrame):
        repeated = int(X.duplicated().sum())
    else:
        flat = np.ascontiguousarray(np.asarray(X).reshape(len(X), -1))
        repeated = len(flat) - len(
            np.unique(flat.view(np.dtype((np.void, flat.dtype.itemsize * flat.shape[1]))))
        )
    if repeated == 0:
        return []
    share = repeated / len(X)
    return [
        f"Duplicate rows: {repeated:,} row(s) ({share:.1%}) repeat another row's features "
        "exactly; copies can land on both sides of a split and flatter every score. Drop or "
        "group duplicates before trusting small differences."
    ]


def constant_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that hold one value (missing counts as a value) carry no information."""
    constant = [c for c in frame.columns if frame[c].nunique(dropna=False) <= 1]
    if not constant:
        return []
    return [
        f"Constant column(s): {_names(constant)} hold a single value and carry no "
        "information; drop them."
    ]


def id_like_columns(frame: pd.DataFrame) -> list[str]:
    """Identifiers: unique per row (integers or strings), or named like an id.

    Dates and durations are left out: a timestamp differs on every row because time moves
    on, not because it names the row, and it becomes date features.
    """
    rows = len(frame)
    found = []
    for column in frame.columns:
        series = frame[column]
        if _is_time(series):
            continue
        distinct = series.nunique()
        if rows < 20 or distinct < 0.95 * rows:
            continue
        integral = pd.api.types.is_integer_dtype(series) or not pd.api.types.is_numeric_dtype(
            series
        )
        if integral or ID_NAME.search(str(column)):
            found.append(column)
    if not found:
        return []
    return [
        f"ID-like column(s): {_names(found)} take a different value on (nearly) every row; "
        "an identifier cannot generalise and may encode row order or the target. Drop it."
    ]


def single_column_leaks(
    frame: pd.DataFrame, y: np.ndarray, task: str, *, seed: int = 0
) -> list[str]:
    """A column that alone predicts the target almost perfectly is probably a leak.

    A small decision tree on that one column, scored by 3-fold cross-validation on a
    sample: accuracy for classes (only where the majority class alone would not already
    reach it), R² for numbers.
    """
    from sklearn.model_selection import cross_val_score
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    if len(y) > GUARD_ROWS:
        rows = np.random.default_rng(seed).choice(len(y), GUARD_ROWS, replace=False)
        frame, y = frame.iloc[rows], y[rows]
    classify = task != "regression"
    if classify:
        majority = pd.Series(y).value_counts(normalize=True).iloc[0]
        if majority >= LEAK_SCORE or pd.Series(y).value_counts().min() < 3:
            return []
    leaks = []
    for column in list(frame.columns)[:LEAK_COLUMNS]:
        series = frame[column]
        if _is_time(series):
            # In time order, so that the tree can split on before and after.
            values = pd.Series(series.rank(method="dense").fillna(0).to_numpy(), series.index)
        elif pd.api.types.is_numeric_dtype(series):
            values = series.astype(float).fillna(series.astype(float).median())
        else:
            values = pd.Series(pd.factorize(series)[0], index=series.index).astype(float)
        if values.nunique() < 2:
            continue
        model = (
            DecisionTreeClassifier(max_leaf_nodes=32, random_state=seed)
            if classify
            else DecisionTreeRegressor(max_leaf_nodes=32, random_state=seed)
        )
        scoring = "accuracy" if classify else "r2"
        result = cross_val_score(model, values.to_numpy().reshape(-1, 1), y, cv=3, scoring=scoring)
        if float(np.mean(result)) >= LEAK_SCORE:
            leaks.append((column, float(np.mean(result)), scoring))
    return [
        f"Possible leak: column '{column}' alone predicts the target "
        f"({scoring.replace('r2', 'R²')} {value:.3f}); check that it is not derived from the "
        "target or recorded after it."
        for column, value, scoring in leaks
    ]


def class_imbalance(y: np.ndarray) -> list[str]:
    """A class rarer than ``IMBALANCE_SHARE`` of the rows makes accuracy misleading."""
    shares = pd.Series(y).value_counts(normalize=True)
    rarest, share = shares.index[-1], float(shares.iloc[-1])
    if share >= IMBALANCE_SHARE:
        return []
    return [
        f"Heavy class imbalance: class '{rarest}' is {share:.1%} of rows; accuracy can look "
        "good while the rare class is missed, so read ROC AUC or macro-F1."
    ]


def _is_time(series: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(series) or pd.api.types.is_timedelta64_dtype(series)


def _names(columns: list[Any]) -> str:
    shown = ", ".join(f"'{c}'" for c in columns[:5])
    return shown + (f" and {len(columns) - 5} more" if len(columns) > 5 else "")
