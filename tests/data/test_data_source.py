"""The record of where a dataset came from: path, kind, rows and content hash."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from advisor.check.result import FeasibilityReport, validate
from advisor.data import load_dataset, load_example
from advisor.data.source import DataSource, content_hash, verify_source
from advisor.errors import DataError
from tests.scaffold.projects import REPORT


def _images(root: Path) -> Path:
    rng = np.random.default_rng(0)
    for label in ("cat", "dog"):
        (root / label).mkdir(parents=True)
        for index in range(6):
            pixels = rng.integers(0, 255, size=(8, 8)).astype(np.uint8)
            Image.fromarray(pixels, mode="L").save(root / label / f"{index}.png")
    return root


def _table(path: Path, rows: int = 30) -> Path:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=rows), "c": rng.choice(["a", "b"], rows)})
    frame["y"] = np.arange(rows) % 2
    frame.loc[3, "y"] = np.nan  # dropped by the reader, still counted in the file's rows
    frame.to_csv(path, index=False)
    return path


def test_a_table_records_its_absolute_path_rows_and_sha256(tmp_path: Path, monkeypatch) -> None:
    path = _table(tmp_path / "t.csv")
    monkeypatch.chdir(tmp_path)
    dataset = load_dataset("t.csv", target="y", drop=["c"])
    source = dataset.source
    assert source == DataSource(
        path=str(path.resolve()),
        kind="table",
        rows_total=30,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        size_bytes=path.stat().st_size,
        target="y",
        drop=("c",),
    )
    assert dataset.rows == 29


def test_text_and_npz_are_their_own_kinds(tmp_path: Path) -> None:
    texts = [f"word{i % 7} and some more words here {i}" for i in range(30)]
    pd.DataFrame({"doc": texts, "y": [i % 2 for i in range(30)]}).to_csv(
        tmp_path / "t.csv", index=False
    )
    assert load_dataset(tmp_path / "t.csv", target="y", text_column="doc").source.kind == "text"
    np.savez(tmp_path / "a.npz", X=np.zeros((20, 3)), y=np.arange(20) % 2)
    assert load_dataset(tmp_path / "a.npz").source.kind == "npz"


def test_an_image_folder_hash_follows_its_images_only(tmp_path: Path) -> None:
    root = _images(tmp_path / "pets")
    source = load_dataset(root).source
    assert (source.kind, source.rows_total) == ("image_folder", 12)
    assert source.sha256 == content_hash(root)
    # Files the reader does not take change nothing.
    (root / "notes.txt").write_text("not data")
    (root / ".cache").mkdir()
    (root / ".cache" / "x.png").write_bytes((root / "cat" / "0.png").read_bytes())
    assert content_hash(root) == source.sha256
    # A relabelled image (moved to another class) changes the hash, as does a changed one.
    (root / "cat" / "0.png").rename(root / "dog" / "moved.png")
    assert content_hash(root) != source.sha256


def test_verify_names_a_moved_or_changed_input(tmp_path: Path) -> None:
    path = _table(tmp_path / "t.csv")
    source = load_dataset(path, target="y").source
    verify_source(source)
    path.write_text(path.read_text() + "1.0,a,1\n")
    with pytest.raises(DataError, match=r"t\.csv has changed since the report was written"):
        verify_source(source)
    path.unlink()
    with pytest.raises(DataError, match=r"t\.csv, the data the report was made from, is no longer"):
        verify_source(source)


def test_the_report_carries_the_source_and_old_reports_still_validate(tmp_path: Path) -> None:
    source = load_dataset(_table(tmp_path / "t.csv"), target="y").source
    data = {**REPORT, "source": source.to_dict()}
    validate(data)
    assert FeasibilityReport.from_dict(data).source == source
    assert FeasibilityReport.from_dict(data).to_dict()["source"] == source.to_dict()
    validate(REPORT)  # written before reports had a source
    bad = {**data, "source": {**source.to_dict(), "sha256": "not a hash"}}
    with pytest.raises(Exception, match="source/sha256"):
        validate(bad)


def test_an_example_has_no_source() -> None:
    # There is no file behind a bundled example: a project from its report keeps its demo data.
    assert load_example("breast_cancer").source is None
