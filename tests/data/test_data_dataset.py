"""The dataset every reader returns: the task inferred from the target, and the target checked
against the task."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from advisor.data import infer_task, load_dataset
from advisor.data.dataset import make_dataset
from advisor.errors import DataError
from tests.data.files import write


@pytest.mark.parametrize(
    ("values", "task"),
    [([0, 1, 1, 0], "binary"), (["a", "b", "c"], "multiclass"), ([1, 2, 3] * 10, "multiclass")],
    ids=["two-values", "strings", "few-integers"],
)
def test_infer_task(values: list, task: str) -> None:
    assert infer_task(np.array(values)) == task


def test_infer_task_regression_for_many_numbers() -> None:
    assert infer_task(np.linspace(0, 1, 100)) == "regression"


def test_a_dataset_counts_its_rows_and_names_its_classes() -> None:
    data = make_dataset(
        pd.DataFrame({"a": range(6)}),
        ["b", "a"] * 3,
        None,
        modality="tabular",
        name="t",
        rows_total=10,
    )
    assert (data.task, data.rows, data.rows_total, data.sampled) == ("binary", 6, 10, True)
    assert data.class_names == ("a", "b")


@pytest.mark.parametrize(
    ("task", "message"),
    [
        ("binari", "Unknown task 'binari' (did you mean 'binary'?)."),
        ("zzz", "Unknown task 'zzz'."),
        ("binary", "The target in t has 3 classes: task 'binary' needs exactly two."),
        ("regression", "The target in t is not numeric: task 'regression' needs numbers."),
    ],
    ids=["close-to-a-task", "far-from-any-task", "binary-of-three", "regression-of-strings"],
)
def test_a_target_that_does_not_fit_the_task(task: str, message: str) -> None:
    with pytest.raises(DataError) as caught:
        make_dataset(
            pd.DataFrame({"a": range(3)}), ["x", "y", "z"], task, modality="tabular", name="t"
        )
    assert str(caught.value) == message


def test_a_single_class_is_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "one.csv", b"a,target\n1,x\n2,x\n3,x\n")
    with pytest.raises(DataError) as caught:
        load_dataset(path)
    assert str(caught.value) == (
        f"The target in {tmp_path}/one.csv has a single class (x): a classifier needs at least "
        "two. Check the target column."
    )


@pytest.mark.parametrize("task", ["multiclass", "binary"])
def test_a_classifier_on_continuous_numbers_is_one_line(tmp_path: Path, task: str) -> None:
    rows = "".join(f"{i},{100 + i * 2.5}\n" for i in range(40))
    path = write(tmp_path, "house.csv", ("rooms,price\n" + rows).encode())
    with pytest.raises(DataError) as caught:
        load_dataset(path, target="price", task=task)
    assert str(caught.value) == (
        f"The target in {path} holds continuous numbers (40 distinct values from 100 to 197.5): "
        f"task '{task}' needs classes. Use --task regression, or turn the target into class "
        "labels first."
    )


def test_whole_numbers_in_a_float_column_are_classes() -> None:
    data = make_dataset(
        pd.DataFrame({"a": range(6)}),
        np.array([0.0, 1.0, 2.0] * 2),
        "multiclass",
        modality="tabular",
        name="t",
    )
    assert data.class_names == ("0.0", "1.0", "2.0")
