"""The feature steps in front of the models (advisor.check.features)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from advisor.check.features import (
    CNN_SIDE,
    DateFeatures,
    Float32,
    KeyTerms,
    PixelFeatures,
    PixelScale,
    TextColumn,
    model_features,
    table_features,
    text_features,
)
from advisor.check.ladder import Context


def test_pixels_are_block_averaged_to_the_side_asked_for() -> None:
    images = np.arange(2 * 4 * 4, dtype=np.float32).reshape(2, 4, 4, 1)
    pooled = PixelFeatures(side=2, flatten=False).transform(images)
    assert pooled.shape == (2, 2, 2, 1)
    assert pooled[0, 0, 0, 0] == np.mean([0, 1, 4, 5])
    assert PixelFeatures(side=2).transform(images).shape == (2, 4)
    # Images already small enough are left as they are.
    assert PixelFeatures(side=CNN_SIDE).transform(images).shape == (2, 16)


def test_pixel_scale_is_learnt_once_and_kept_for_new_images() -> None:
    scale = PixelScale().fit(np.array([[0.0, -4.0], [2.0, 1.0]]))
    assert scale.scale_ == 4.0
    np.testing.assert_allclose(scale.transform(np.array([[8.0, 2.0]])), [[2.0, 0.5]])
    assert PixelScale().fit(np.zeros((2, 2))).scale_ == 1.0  # blank images: no division by 0


def test_image_pixels_share_one_scale() -> None:
    images = np.zeros((4, 3, 3), dtype=np.float32)
    images[:, 1, 1] = [0.0, 64.0, 128.0, 255.0]  # a stroke in the middle, a constant border
    scale = PixelScale().fit(PixelFeatures().transform(images))
    assert scale.scale_ == 255.0
    scaled = scale.transform(PixelFeatures().transform(images * 2))
    assert scaled.max() == pytest.approx(2.0)  # new images keep the training scale
    assert (scaled.reshape(4, 3, 3)[:, 0, :] == 0).all()  # the border stays silent


def test_text_column_reads_missing_text_as_empty() -> None:
    frame = pd.DataFrame({"review": ["good", None, 3], "stars": [5, 1, 3]})
    assert TextColumn(column="review").fit_transform(frame) == ["good", "", "3"]


def test_float32_gives_torch_a_dense_float32_array() -> None:
    out = Float32().fit_transform([[1, 2], [3, 4]])
    assert out.dtype == np.float32 and out.shape == (2, 2)


def test_a_table_is_imputed_scaled_and_one_hot_encoded() -> None:
    frame = pd.DataFrame({"x": [1.0, np.nan, 3.0, 5.0], "colour": ["red", "blue", None, "red"]})
    context = Context("binary", "tabular", rows=4, seed=0, numeric=("x",), categorical=("colour",))
    out = table_features(context).fit_transform(frame)
    assert out.shape == (4, 1 + 3)  # x, then blue, missing and red
    assert not np.isnan(out).any()
    assert out[:, 0].mean() == pytest.approx(0.0)  # scaled
    unscaled = table_features(context, scale=False).fit_transform(frame)
    assert unscaled[1, 0] == 3.0  # the missing number is the median


def test_text_becomes_tf_idf_of_words_and_word_pairs() -> None:
    frame = pd.DataFrame({"t": ["good film", "good film indeed", "bad film", "bad film"]})
    context = Context("binary", "text", rows=4, seed=0, text_column="t")
    step = text_features(context).fit(frame)
    vocabulary = step.steps[-1][1].vocabulary_
    assert {"good", "film", "good film", "bad film"} <= set(vocabulary)
    assert "indeed" not in vocabulary  # seen once: below min_df


@pytest.mark.parametrize(
    ("modality", "scale", "steps"),
    [
        ("image", True, ["pixelfeatures", "standardscaler"]),
        ("image", False, ["pixelfeatures"]),
        ("text", True, ["textcolumn", "tfidfvectorizer"]),
    ],
    ids=["image-scaled", "image-for-trees", "text"],
)
def test_each_modality_gets_its_own_features(modality, scale, steps) -> None:
    step = model_features(Context("binary", modality, rows=10, seed=0), scale=scale)
    names = [name for name, _ in step.steps] if hasattr(step, "steps") else ["pixelfeatures"]
    assert names == steps
    assert hasattr(step, "steps") or isinstance(step, PixelFeatures)


def test_a_table_for_trees_is_left_unscaled() -> None:
    context = Context("binary", "tabular", rows=10, seed=0, numeric=("x",))
    numeric = model_features(context, scale=False).transformers[0][1]
    assert [name for name, _ in numeric.steps] == ["simpleimputer"]


def test_dates_become_days_since_the_first_year_month_and_weekday() -> None:
    frame = pd.DataFrame({"day": pd.to_datetime(["2024-01-03", "2024-01-01", None, "2025-03-09"])})
    dates = DateFeatures().fit(frame.iloc[:2])  # 2024-01-01, a Monday, is the earliest
    out = dates.transform(frame)
    np.testing.assert_array_equal(out[0], [2, 2024, 1, 2])
    np.testing.assert_array_equal(out[1], [0, 2024, 1, 0])
    assert np.isnan(out[2]).all()  # a missing date stays missing, for the imputer
    np.testing.assert_array_equal(out[3], [433, 2025, 3, 6])  # after the training dates


def test_dates_with_a_time_zone_are_read_in_utc() -> None:
    frame = pd.DataFrame({"at": pd.to_datetime(["2024-01-01 23:00"]).tz_localize("US/Eastern")})
    np.testing.assert_array_equal(DateFeatures().fit_transform(frame)[0], [0, 2024, 1, 1])


def test_a_table_puts_dates_and_text_beside_its_numbers_and_categories() -> None:
    frame = pd.DataFrame(
        {
            "x": [1.0, 2.0, 3.0, 4.0],
            "colour": ["red", "blue", "red", "blue"],
            "day": pd.date_range("2024-01-01", periods=4),
            "note": ["late parcel", "late parcel again", "fine", "fine fine"],
        }
    )
    context = Context(
        "binary",
        "text",
        rows=4,
        seed=0,
        numeric=("x",),
        categorical=("colour",),
        dates=("day",),
        text_column="note",
    )
    step = table_features(context)
    out = step.fit_transform(frame)
    assert [name for name, _, _ in step.transformers] == ["numeric", "categorical", "dates", "text"]
    vocabulary = step.named_transformers_["text"].steps[-1][1].vocabulary_
    assert set(vocabulary) == {"late", "parcel", "late parcel", "fine"}
    assert out.shape == (4, 1 + 2 + 4 + 4)
    # Trees get the key terms, dense; a network gets them too (see net_features).
    assert isinstance(
        table_features(context, scale=False, text="key").fit_transform(frame, [0, 0, 1, 1]),
        np.ndarray,
    )
    assert "text" not in [name for name, _, _ in table_features(context, text="none").transformers]


def test_key_terms_are_the_terms_the_label_follows() -> None:
    from scipy import sparse

    rng = np.random.default_rng(0)
    X = sparse.csr_matrix(rng.random((200, 50)) * (rng.random((200, 50)) < 0.2))
    y = (X[:, 17].toarray()[:, 0] > 0).astype(int)
    terms = KeyTerms(k=3).fit(X, y)
    assert 17 in terms.terms_ and len(terms.terms_) == 3
    out = terms.transform(X)
    assert isinstance(out, np.ndarray) and out.shape == (200, 3)
    regression = KeyTerms(k=1, task="regression").fit(X, X[:, 4].toarray()[:, 0] * 3.0)
    assert regression.terms_.tolist() == [4]
    assert KeyTerms(k=80).fit(X, y).terms_.shape == (50,)  # fewer terms than asked: all
