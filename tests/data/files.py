"""Small input files the data tests write: raw bytes under a name, a CSV of real data."""

from __future__ import annotations

from pathlib import Path

from sklearn.datasets import load_breast_cancer


def write(directory: Path, name: str, content: bytes) -> Path:
    """``content`` written to ``directory/name``; its path."""
    path = directory / name
    path.write_bytes(content)
    return path


def write_cancer_csv(directory: Path, name: str = "cancer.csv") -> Path:
    """scikit-learn's breast-cancer table (569 rows, 30 features, 'target') as a CSV."""
    path = directory / name
    load_breast_cancer(as_frame=True).frame.to_csv(path, index=False)
    return path
