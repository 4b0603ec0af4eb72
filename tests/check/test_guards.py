"""Honesty guards fire on planted problems and stay quiet on clean data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from advisor.check.guards import find_problems
from advisor.data import Dataset, load_example


def _dataset(frame: pd.DataFrame, y: np.ndarray, task: str = "binary") -> Dataset:
    return Dataset(X=frame, y=y, task=task, modality="tabular", name="planted", rows_total=len(y))


def _clean(rows: int = 400, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(size=(rows, 4)), columns=["a", "b", "c", "d"])
    y = (frame["a"] + rng.normal(size=rows) > 0).astype(int).to_numpy()
    return frame, y


def test_clean_data_gives_no_warnings() -> None:
    frame, y = _clean()
    assert find_problems(_dataset(frame, y)) == []


def test_bundled_breast_cancer_is_clean() -> None:
    assert find_problems(load_example("breast_cancer")) == []


def test_planted_leak_column_is_named() -> None:
    frame, y = _clean()
    frame["refund_issued"] = y * 10 + np.random.default_rng(1).uniform(0, 1, len(y))
    (warning,) = find_problems(_dataset(frame, y))
    assert warning.startswith(
        "Possible leak: column 'refund_issued' alone predicts the target (accuracy 1.000)"
    )


def test_planted_leak_in_regression() -> None:
    frame, _ = _clean()
    y = frame["a"].to_numpy() * 3.0
    frame["a_copy"] = y / 3.0 + 1
    warnings = find_problems(_dataset(frame, y, task="regression"))
    assert [w.split(" alone")[0] for w in warnings] == [
        "Possible leak: column 'a'",
        "Possible leak: column 'a_copy'",
    ]


def test_duplicate_rows_are_counted() -> None:
    frame, y = _clean(200)
    frame = pd.concat([frame, frame.iloc[:20]], ignore_index=True)
    y = np.concatenate([y, y[:20]])
    (warning,) = find_problems(_dataset(frame, y))
    assert warning.startswith("Duplicate rows: 20 row(s) (9.1%) repeat another row's features")


def test_duplicate_images_are_counted() -> None:
    digits = load_example("digits")
    X = np.concatenate([digits.X[:100], digits.X[:5]])
    images = Dataset(X=X, y=np.arange(105) % 2, task="binary", modality="image", name="d")
    assert find_problems(images)[0].startswith("Duplicate rows: 5 row(s)")


@pytest.mark.parametrize(
    ("column", "values", "expected"),
    [
        ("customer_id", lambda n: np.arange(n) * 7 + 1000, "ID-like column(s): 'customer_id'"),
        ("code", lambda n: [f"C{i:05d}" for i in range(n)], "ID-like column(s): 'code'"),
        ("batch", lambda n: np.ones(n), "Constant column(s): 'batch'"),
    ],
    ids=["integer-id", "string-id", "constant"],
)
def test_id_like_and_constant_columns(column, values, expected) -> None:
    frame, y = _clean()
    frame[column] = values(len(frame))
    warnings = find_problems(_dataset(frame, y))
    assert any(w.startswith(expected) for w in warnings), warnings


def test_heavy_class_imbalance() -> None:
    frame, _ = _clean(1000)
    y = np.zeros(1000, dtype=int)
    y[:30] = 1
    warnings = find_problems(_dataset(frame, y))
    assert warnings[-1] == (
        "Heavy class imbalance: class '1' is 3.0% of rows; accuracy can look good while the "
        "rare class is missed, so read ROC AUC or macro-F1."
    )


@pytest.mark.parametrize(
    "values",
    [
        lambda n: pd.date_range("2021-01-01", periods=n, freq="D"),
        lambda n: pd.date_range("2021-01-01", periods=n, freq="h", tz="Europe/Paris"),
        lambda n: pd.to_timedelta(np.arange(n), unit="s"),
    ],
    ids=["datetime64", "datetime64-with-time-zone", "timedelta64"],
)
def test_a_time_column_is_not_an_id_even_when_unique_per_row(values) -> None:
    frame, y = _clean()
    frame["order_id_date"] = values(len(frame))
    assert find_problems(_dataset(frame, y)) == []
