"""Choosing the target of a table when the user did not name it: never an ID or a date."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from advisor.data import load_dataset
from advisor.data.target import is_id_like
from advisor.errors import DataError


def _churn(rows: int = 60, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 80, rows),
            "plan": rng.choice(["basic", "pro"], rows),
            "churned": rng.choice(["yes", "no"], rows),
        }
    )


def _write(tmp_path: Path, frame: pd.DataFrame, name: str = "t.csv") -> Path:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def test_an_id_column_last_is_passed_over(tmp_path: Path) -> None:
    frame = _churn().assign(id=[f"u{i:04d}" for i in range(60)])
    data = load_dataset(_write(tmp_path, frame))
    assert (data.target, data.task) == ("churned", "binary")
    assert "id" in data.X.columns
    assert data.notes == (
        "Target: column 'churned', the last that can be a target (use --target to choose "
        "another). 'id' holds a different value in every row, like an ID.",
    )


def test_row_numbers_in_any_order_are_passed_over(tmp_path: Path) -> None:
    frame = _churn().assign(row=np.random.default_rng(1).permutation(60))
    assert load_dataset(_write(tmp_path, frame)).target == "churned"


def test_a_column_named_like_a_target_but_unique_is_passed_over(tmp_path: Path) -> None:
    frame = _churn().rename(columns={"churned": "outcome"})
    frame.insert(0, "label", [f"row {i}" for i in range(60)])
    data = load_dataset(_write(tmp_path, frame))
    assert data.target == "outcome"
    assert data.notes == (
        "Target: column 'outcome' (by its name; use --target to choose another). 'label' holds "
        "a different value in every row, like an ID.",
    )


def test_the_last_column_is_taken_and_said_so(tmp_path: Path) -> None:
    data = load_dataset(_write(tmp_path, _churn()))
    assert data.target == "churned"
    assert data.notes == ("Target: the last column, 'churned' (use --target to choose another).",)


def test_an_id_named_as_the_target_is_taken(tmp_path: Path) -> None:
    frame = _churn().assign(id=range(60))
    data = load_dataset(_write(tmp_path, frame), target="id", task="regression")
    assert (data.target, data.notes) == ("id", ())


def test_no_column_left_asks_for_the_target(tmp_path: Path) -> None:
    frame = pd.DataFrame({"id": range(20), "code": [f"c{i}" for i in range(20)]})
    path = _write(tmp_path, frame)
    with pytest.raises(DataError) as caught:
        load_dataset(path)
    assert str(caught.value) == (
        f"No column of {path} can be the target: 'id' holds a different value in every row, "
        "like an ID; 'code' holds a different value in every row, like an ID. Name the target "
        "with --target."
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([f"u{i:04d}" for i in range(20)], True),
        (list(range(100, 120)), True),
        ([5, 3, 1, 0, 2, 4, 9, 8, 6, 7], True),
        ([float(i) * 1.5 for i in range(20)], False),
        ([i * 1000 for i in range(20)], False),
        (["a", "b"] * 10, False),
        ([f"u{i}" for i in range(5)], False),
        ([f"u{i}" for i in range(19)] + [None], False),
    ],
    ids=[
        "strings",
        "row-numbers",
        "shuffled-row-numbers",
        "distinct-floats",
        "spaced-integers",
        "two-values",
        "too-few-rows",
        "a-missing-value",
    ],
)
def test_is_id_like(values: list, expected: bool) -> None:
    assert is_id_like(pd.Series(values)) is expected
