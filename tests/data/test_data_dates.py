"""Dates in tables: read as dates, never as categories or IDs, and rows put in time order."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from advisor.data import load_dataset
from advisor.data.dates import parse_dates
from advisor.errors import DataError
from advisor.inference import profile_from_dataset
from tests.data.files import write


def _sales(rows: int = 40, *, shuffled: bool = True, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = pd.date_range("2024-01-01", periods=rows, freq="D")
    order = rng.permutation(rows) if shuffled else np.arange(rows)
    return pd.DataFrame(
        {
            "day": days[order].strftime("%Y-%m-%d"),
            "store": rng.choice(["north", "south"], rows),
            "units": order * 2.5 + rng.normal(size=rows),
        }
    )


def _write(tmp_path: Path, frame: pd.DataFrame, name: str = "sales.csv") -> Path:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def test_a_text_column_of_dates_is_read_as_dates(tmp_path: Path) -> None:
    data = load_dataset(_write(tmp_path, _sales()), target="units")
    assert pd.api.types.is_datetime64_any_dtype(data.X["day"])
    assert (data.modality, data.text_column, data.time_ordered) == ("tabular", None, False)
    assert "Dates: column 'day' read as dates." in data.notes


def test_day_first_dates_and_values_that_are_not_dates(tmp_path: Path) -> None:
    days = [f"{d:02d}.03.2024" for d in range(1, 29)] + ["unknown", "31.03.2024"]
    frame = pd.DataFrame({"when": days, "y": [0, 1] * 15})
    data = load_dataset(_write(tmp_path, frame))
    assert data.X["when"].iloc[-1] == pd.Timestamp("2024-03-31")
    assert data.X["when"].isna().sum() == 1
    assert (
        "Dates: column 'when' read as dates (1 value(s) that are not dates are taken as missing)."
        in data.notes
    )


@pytest.mark.parametrize(
    "values",
    [[f"u{i:04d}" for i in range(30)], ["red", "green", "blue"] * 10, ["1.5", "x"] * 15],
    ids=["ids", "words", "numbers-and-text"],
)
def test_other_text_is_not_dates(tmp_path: Path, values: list[str]) -> None:
    frame = pd.DataFrame({"col": values, "y": [0, 1] * 15})
    data = load_dataset(_write(tmp_path, frame))
    assert not pd.api.types.is_datetime64_any_dtype(data.X["col"])
    assert not [note for note in data.notes if note.startswith("Dates")]


def test_a_target_named_by_the_user_is_taken_as_written(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": range(30), "month": ["2024-01", "2024-02", "2024-03"] * 10})
    data = load_dataset(_write(tmp_path, frame), target="month")
    assert (data.task, data.class_names) == ("multiclass", ("2024-01", "2024-02", "2024-03"))


def test_years_alone_are_not_dates() -> None:
    frame = pd.DataFrame({"year": pd.Series(["2021", "2022", "2020"] * 5, dtype="str")})
    parsed, notes = parse_dates(frame)
    assert (parsed["year"].tolist()[:3], notes) == (["2021", "2022", "2020"], [])


def test_a_parquet_datetime_stays_a_date_and_is_not_the_target(tmp_path: Path) -> None:
    frame = _sales()
    frame["day"] = pd.to_datetime(frame["day"])
    frame = frame[["store", "units", "day"]]
    path = tmp_path / "sales.parquet"
    frame.to_parquet(path)
    data = load_dataset(path)
    assert data.target == "units"
    assert pd.api.types.is_datetime64_any_dtype(data.X["day"])
    assert data.notes[0] == (
        "Target: column 'units', the last that can be a target (use --target to choose "
        "another). 'day' holds dates."
    )


def test_a_date_is_neither_categorical_nor_text_in_the_profile(tmp_path: Path) -> None:
    profile = profile_from_dataset(load_dataset(_write(tmp_path, _sales()), target="units"))
    assert profile.categorical_share == pytest.approx(1 / 2)
    assert "Modality: tabular (2 feature(s): 0 numeric, 1 categorical, 1 date)." in profile.notes


# --- time order ----------------------------------------------------------------------------


def test_time_ordered_sorts_the_rows_by_the_only_date_column(tmp_path: Path) -> None:
    frame = _sales()
    data = load_dataset(_write(tmp_path, frame), target="units", time_ordered=True)
    assert data.X["day"].is_monotonic_increasing
    expected = frame.assign(day=pd.to_datetime(frame["day"])).sort_values("day")["units"]
    assert np.allclose(data.y, expected.to_numpy())
    assert (data.time_column, data.time_ordered) == ("day", True)
    assert "Time order: sorted the rows by 'day', as they were not in time order." in data.notes


def test_rows_already_in_order_stay_and_say_so(tmp_path: Path) -> None:
    frame = _sales(shuffled=False)
    data = load_dataset(_write(tmp_path, frame), target="units", time_ordered=True)
    assert np.allclose(data.y, frame["units"].to_numpy())
    assert "Time order: the rows are in order of 'day'." in data.notes


def test_a_named_time_column_implies_time_order(tmp_path: Path) -> None:
    frame = _sales().assign(opened=lambda f: f["day"])
    data = load_dataset(_write(tmp_path, frame), target="units", time_column="opened")
    assert (data.time_column, data.time_ordered) == ("opened", True)
    assert data.X["opened"].is_monotonic_increasing


def test_rows_without_a_date_are_dropped_when_ordering(tmp_path: Path) -> None:
    frame = _sales()
    frame.loc[3, "day"] = None
    data = load_dataset(_write(tmp_path, frame), target="units", time_ordered=True)
    assert data.rows == 39
    assert "Dropped 1 row(s) with no 'day' date: they cannot be placed in time." in data.notes


def test_no_date_column_keeps_the_file_order(tmp_path: Path) -> None:
    frame = _sales().drop(columns="day")
    data = load_dataset(_write(tmp_path, frame), target="units", time_ordered=True)
    assert np.allclose(data.y, frame["units"].to_numpy())
    assert (data.time_column, data.time_ordered) == (None, True)
    assert "Time order: no date column, so the rows are taken in the file's order." in data.notes


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"target": "units", "time_column": "dya"},
            "Time column 'dya' is not in {p} (did you mean 'day'?).",
        ),
        (
            {"target": "units", "time_column": "store"},
            "Time column 'store' in {p} holds text such as north, not dates: name a column of "
            "dates such as 2024-01-31, or leave --time-column out.",
        ),
        (
            {"target": "day", "time_column": "day"},
            "Column 'day' in {p} is both the target and the time column: choose another with "
            "--target or --time-column.",
        ),
        (
            {"target": "units", "time_ordered": True},
            "{p} has 2 date columns (day, opened): name the one that orders the rows with "
            "--time-column.",
        ),
    ],
    ids=["unknown-column", "not-dates", "the-target", "two-date-columns"],
)
def test_a_time_column_that_cannot_order_the_rows_is_one_line(
    tmp_path: Path, options: dict, message: str
) -> None:
    frame = _sales().assign(store="north", opened=lambda f: f["day"])
    path = _write(tmp_path, frame)
    with pytest.raises(DataError) as caught:
        load_dataset(path, **options)
    assert str(caught.value) == message.format(p=path)


def test_numbers_as_a_time_column_say_what_they_hold(tmp_path: Path) -> None:
    path = write(
        tmp_path, "t.csv", b"step,y\n" + b"".join(b"%d,%d\n" % (i, i % 2) for i in range(9))
    )
    with pytest.raises(DataError, match=r"holds numbers such as 0, 1, not dates: "):
        load_dataset(path, time_column="step")
