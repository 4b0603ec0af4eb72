"""Decimal commas: ``70,0`` in a semicolon or tab CSV is a number, or a note says why not."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from advisor.data import load_dataset
from advisor.data.decimals import NumberFormat, number_format
from tests.data.files import write


def _table(sep: str, weights: list[str], heights: list[str]) -> bytes:
    rows = [f"weight{sep}height{sep}city{sep}target"]
    for i, (w, h) in enumerate(zip(weights, heights, strict=True)):
        rows.append(f"{w}{sep}{h}{sep}{'Köln' if i % 3 else 'Graz, Süd'}{sep}{i % 2}")
    return ("\n".join(rows) + "\n").encode()


WEIGHTS = [f"{60 + i},{i % 10}" for i in range(12)]
HEIGHTS = [f"1{i:02d}" for i in range(12)]


@pytest.mark.parametrize(
    ("sep", "name"), [(";", "t.csv"), ("\t", "t.tsv")], ids=["semicolon", "tab"]
)
def test_a_decimal_comma_is_read_as_numbers(tmp_path: Path, sep: str, name: str) -> None:
    data = load_dataset(write(tmp_path, name, _table(sep, WEIGHTS, HEIGHTS)))
    assert data.X["weight"].tolist()[:3] == [60.0, 61.1, 62.2]
    assert pd.api.types.is_integer_dtype(data.X["height"])
    assert data.X["city"].tolist()[:2] == ["Graz, Süd", "Köln"]
    assert "Read ',' as the decimal mark." in data.notes


def test_dots_grouping_thousands_beside_a_decimal_comma(tmp_path: Path) -> None:
    prices = ["1.234,50", "999,99", "12.000,00"] * 4
    data = load_dataset(write(tmp_path, "t.csv", _table(";", prices, HEIGHTS)))
    assert data.X["weight"].tolist()[:3] == [1234.5, 999.99, 12000.0]


def test_a_file_mixing_both_marks_keeps_the_commas_as_text(tmp_path: Path) -> None:
    heights = [f"1.{i:02d}" for i in range(12)]
    data = load_dataset(write(tmp_path, "t.csv", _table(";", WEIGHTS, heights)))
    assert data.X["weight"].tolist()[0] == "60,0"
    assert data.X["height"].tolist()[:2] == [1.0, 1.01]
    assert (
        "Read as text: column(s) 'weight' hold numbers such as 60,0, but column(s) 'height' use a "
        "decimal point; write every number with one decimal mark to have them read as numbers."
    ) in data.notes


def test_commas_that_may_group_thousands_are_left_as_text(tmp_path: Path) -> None:
    weights = [f"{i},{i * 7 % 1000:03d}" for i in range(1, 13)]
    data = load_dataset(write(tmp_path, "t.csv", _table(";", weights, HEIGHTS)))
    assert data.X["weight"].tolist()[0] == "1,007"
    assert (
        "Read as text: column(s) 'weight' hold numbers such as 1,007, where ',' may be the "
        "decimal mark or group thousands; write every number with one decimal mark to have them "
        "read as numbers."
    ) in data.notes


@pytest.mark.parametrize(
    ("head", "sep", "expected"),
    [
        ("a;b\n1.5;2\n2.5;3\n", ";", NumberFormat()),
        ('a,b\n"1,5",2\n', ",", NumberFormat()),
        ("a;b\nx,y;1\n", ";", NumberFormat()),
        ("a;b\n1.234;2\n5.678;3\n", ";", NumberFormat()),
        ("a;b\n1,5;1.234\n", ";", NumberFormat(",", None, ("Read ',' as the decimal mark.",))),
    ],
    ids=["dot-decimals", "comma-separated", "words-with-commas", "dot-thousands-alone", "comma"],
)
def test_number_format(head: str, sep: str, expected: NumberFormat) -> None:
    assert number_format(head, sep) == expected
