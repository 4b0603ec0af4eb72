"""Profiles inferred from real bundled datasets, and statistics that react to planted effects."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits

from advisor.data import load_dataset
from advisor.errors import ParameterError
from advisor.inference import infer_profile, profile_from_dataset


def test_breast_cancer_csv_is_binary_tabular(tmp_path: Path) -> None:
    path = tmp_path / "cancer.csv"
    load_breast_cancer(as_frame=True).frame.to_csv(path, index=False)
    profile = infer_profile(path, target="target")
    assert (profile.task, profile.modality, profile.complexity) == ("binary", "tabular", "unknown")
    assert (profile.rows, profile.features, profile.classes) == (569, 30, 2)
    assert profile.minority_share == pytest.approx(212 / 569, abs=1e-4)
    assert (profile.missing_share, profile.categorical_share) == (0.0, 0.0)
    # Several of the area/concavity measures are strongly right-skewed.
    assert 0.1 < profile.heavy_tail_share < 0.5
    assert "Task: binary (2 classes; the rarest holds 37% of rows)." in profile.notes


def test_diabetes_is_regression(tmp_path: Path) -> None:
    path = tmp_path / "diabetes.csv"
    load_diabetes(as_frame=True).frame.to_csv(path, index=False)
    profile = infer_profile(path)
    assert (profile.task, profile.modality, profile.rows, profile.features) == (
        "regression",
        "tabular",
        442,
        10,
    )
    assert profile.classes is None and profile.minority_share is None


def test_digits_npz_is_multiclass_image(tmp_path: Path) -> None:
    digits = load_digits()
    np.savez(tmp_path / "digits.npz", X=digits.images, y=digits.target)
    profile = infer_profile(tmp_path / "digits.npz")
    assert (profile.task, profile.modality, profile.classes) == ("multiclass", "image", 10)
    assert (profile.rows, profile.features) == (1797, 64)
    assert profile.heavy_tail_share is None  # per-pixel statistics mean nothing for images


def test_digits_image_folder_is_multiclass_image(tmp_path: Path) -> None:
    digits = load_digits()
    root = tmp_path / "digits"
    # Three images per class keeps the test fast; the folder layout is what is tested.
    for label in range(10):
        (root / str(label)).mkdir(parents=True)
        for i, index in enumerate(np.flatnonzero(digits.target == label)[:3]):
            pixels = (digits.images[index] * 16).astype(np.uint8)
            Image.fromarray(pixels).save(root / str(label) / f"{i}.png")
    profile = infer_profile(root)
    assert (profile.task, profile.modality, profile.classes) == ("multiclass", "image", 10)
    assert (profile.rows, profile.features) == (30, 64)
    assert infer_profile(root, image_size=4).features == 16


def test_small_text_csv_is_text(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    good, bad = ["lovely", "great", "warm", "moving"], ["boring", "awful", "flat", "dull"]
    filler = ["the", "film", "plot", "cast", "was", "and", "very", "quite"]
    reviews, labels = [], []
    for i in range(40):
        mood = good if i % 2 else bad
        reviews.append(" ".join(rng.choice(filler + mood, size=9)))
        labels.append("pos" if i % 2 else "neg")
    frame = pd.DataFrame({"review": reviews, "sentiment": labels})
    path = tmp_path / "reviews.csv"
    frame.to_csv(path, index=False)
    profile = infer_profile(path, target="sentiment")
    assert (profile.task, profile.modality, profile.rows) == ("binary", "text", 40)
    assert any("Text: column 'review' holds free text" in note for note in profile.notes)
    off = infer_profile(path, target="sentiment", text_column="none")
    assert (off.modality, off.categorical_share) == ("tabular", 1.0)
    assert "Text: none (--text-column none), so every column is a table feature." in off.notes


def _planted(rows: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    signal = rng.normal(size=rows)
    return pd.DataFrame(
        {
            "signal": signal,
            "skewed": rng.lognormal(sigma=1.5, size=rows),
            "noise1": rng.normal(size=rows),
            "noise2": rng.normal(size=rows),
            "colour": rng.choice(["red", "green"], size=rows),
            "target": (signal + 0.3 * rng.normal(size=rows) > 0).astype(int),
        }
    )


def test_statistics_find_planted_skew_noise_and_categories(tmp_path: Path) -> None:
    frame = _planted()
    frame.loc[:59, "noise1"] = np.nan
    path = tmp_path / "planted.csv"
    frame.to_csv(path, index=False)
    profile = infer_profile(path, target="target")
    assert profile.heavy_tail_share == pytest.approx(1 / 4)  # 'skewed' of 4 numeric columns
    assert profile.categorical_share == pytest.approx(1 / 5)
    assert profile.missing_share == pytest.approx(60 / (600 * 5))
    # skewed, noise1, noise2 and colour carry no signal on the target; 'signal' does.
    assert profile.uninformative_share == pytest.approx(4 / 5)


def test_large_files_are_sampled_and_say_so(tmp_path: Path) -> None:
    path = tmp_path / "planted.csv"
    _planted(rows=2_000).to_csv(path, index=False)
    profile = infer_profile(path, target="target", max_rows=500)
    assert profile.rows == 2_000  # the size of the data, not of the sample
    assert "Sampled 500 of 2,000 rows at random to bound memory." in profile.notes


def test_constraints_are_set_and_override_inferred_values(tmp_path: Path) -> None:
    dataset = load_dataset(_write(tmp_path, _planted()), target="target")
    profile = profile_from_dataset(dataset, interpretable=True, gpu=True, rows=10)
    assert (profile.interpretable, profile.gpu, profile.rows) == (True, True, 10)
    assert "Given, overriding what was inferred: rows." in profile.notes


def test_unknown_constraint_is_a_parameter_error(tmp_path: Path) -> None:
    dataset = load_dataset(_write(tmp_path, _planted()), target="target")
    with pytest.raises(ParameterError, match=r"^Unknown profile field\(s\): colour\."):
        profile_from_dataset(dataset, colour="red")


def _write(tmp_path: Path, frame: pd.DataFrame) -> Path:
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    return path


def test_reading_options_reach_the_data(tmp_path: Path) -> None:
    frame = _planted().assign(day=pd.date_range("2024-01-01", periods=600).astype(str))
    path = _write(tmp_path, frame.iloc[::-1])
    profile = infer_profile(path, target="target", drop=["colour", "noise2"], time_ordered=True)
    assert profile.features == 4 and profile.categorical_share == 0.0
    assert "Dropped 'colour', 'noise2', as asked." in profile.notes
    assert "Time order: sorted the rows by 'day', as they were not in time order." in profile.notes
    assert "Modality: tabular (4 feature(s): 3 numeric, 0 categorical, 1 date)." in profile.notes
