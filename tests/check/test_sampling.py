"""Sampling a large input down to what the budget can evaluate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from advisor.check.sampling import MAX_ROWS, row_cap, sample_for_budget, seconds_for_rows
from advisor.data import Dataset


def test_big_inputs_are_sampled_to_the_budget_stratified() -> None:
    rng = np.random.default_rng(0)
    rows = 50_000
    frame = pd.DataFrame(rng.normal(size=(rows, 20)))
    frame.columns = [f"x{i}" for i in range(20)]
    y = (rng.random(rows) < 0.1).astype(int)
    big = Dataset(X=frame, y=y, task="binary", modality="tabular", name="big", rows_total=rows)
    sampled, note = sample_for_budget(big, budget=10, seed=0)
    assert sampled.rows == 20_000 == len(sampled.X)
    assert list(sampled.X.index[:3]) == [0, 1, 2]  # a fresh index, rows in their order
    assert np.mean(sampled.y) == pytest.approx(np.mean(y), abs=1e-4)  # stratified
    assert note == (
        "Sampled 20,000 of 50,000 rows (stratified random sample) to fit the 10 s budget; "
        "every score here is measured on that sample."
    )
    # The models' share of the budget sets the cap; the note names the whole budget.
    fewer, note = sample_for_budget(big, budget=10, seconds=5, seed=0)
    assert fewer.rows == 10_000 and "the 10 s budget" in note


def test_small_inputs_are_kept_whole() -> None:
    frame = pd.DataFrame({"a": np.arange(100.0)})
    small = Dataset(X=frame, y=np.arange(100) % 2, task="binary", modality="tabular", name="s")
    assert sample_for_budget(small, budget=10, seed=0) == (small, None)


def test_the_cap_follows_the_kind_of_data() -> None:
    images = Dataset(
        X=np.zeros((10, 32, 32, 3)), y=np.zeros(10), task="binary", modality="image", name="i"
    )
    text = Dataset(X=pd.DataFrame({"t": ["a"] * 10}), y=np.zeros(10), task="binary",
                   modality="text", name="t")  # fmt: skip
    assert row_cap(images, 60) == 150_000 * 60 // (32 * 32 * 3)
    assert row_cap(text, 60) == 400 * 60
    assert row_cap(text, 10_000) == MAX_ROWS
    assert row_cap(text, 0.1) == 1_000  # never fewer than this


def test_seconds_for_rows_inverts_the_row_cap() -> None:
    frame = pd.DataFrame(np.zeros((10, 8)))
    table = Dataset(X=frame, y=np.zeros(10), task="regression", modality="tabular", name="t")
    assert seconds_for_rows(table, 25_000) == 5.0  # 40,000 cells a second over 8 columns
    assert row_cap(table, seconds_for_rows(table, 25_000)) == 25_000
    assert seconds_for_rows(table, 10**6) == float("inf")  # never sampled to so many


@pytest.mark.parametrize("scale", [0.5, 2.0, 4.0], ids=["half", "twice", "four-times"])
def test_a_wider_engine_keeps_rows_in_proportion_to_its_scale(scale: float) -> None:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(rng.normal(size=(100_000, 20)))
    y = (rng.random(len(frame)) < 0.3).astype(int)
    big = Dataset(X=frame, y=y, task="binary", modality="tabular", name="b", rows_total=100_000)
    local, _ = sample_for_budget(big, budget=10, seed=0)
    wider, note = sample_for_budget(big, budget=10, seed=0, scale=scale)
    assert local.rows == 20_000
    assert wider.rows == int(20_000 * scale) == row_cap(big, 10, scale)
    assert f"Sampled {wider.rows:,} of 100,000 rows" in note
    # The inverse holds on the wider engine too, and the cap never passes MAX_ROWS.
    assert seconds_for_rows(big, wider.rows, scale) == pytest.approx(10.0)
    assert row_cap(big, 10_000, scale) == MAX_ROWS
