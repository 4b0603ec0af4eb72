"""The feature steps in front of every candidate: tables, text and pixels as model input.

Each is a scikit-learn transformer (or a pipeline of them), so a candidate's estimator is
one Pipeline that learns its feature statistics on the training rows only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

if TYPE_CHECKING:
    from advisor.check.ladder import Context

PIXEL_SIDE = 32  # images are block-averaged to at most this side for pixel features
CNN_SIDE = 64  # and to at most this side for the CNN, to fit a CPU budget


class PixelFeatures(TransformerMixin, BaseEstimator):
    """N×H×W×C images → block-averaged to at most ``side`` pixels a side; flattened or not.

    Block averaging by an integer factor is a few lines of numpy; Pillow resizing would
    round-trip every image through an 8-bit image object.
    """

    def __init__(self, *, side: int = PIXEL_SIDE, flatten: bool = True) -> None:
        self.side = side
        self.flatten = flatten

    def fit(self, X: Any, y: Any = None) -> PixelFeatures:
        return self

    def transform(self, X: Any) -> np.ndarray:
        X = np.asarray(X, dtype=np.float32)
        factor = max(1, int(np.ceil(max(X.shape[1], X.shape[2]) / self.side)))
        if factor > 1:
            h, w = (X.shape[1] // factor) * factor, (X.shape[2] // factor) * factor
            X = X[:, :h, :w].reshape(len(X), h // factor, factor, w // factor, factor, -1)
            X = X.mean(axis=(2, 4))
        return X.reshape(len(X), -1) if self.flatten else X


class PixelScale(TransformerMixin, BaseEstimator):
    """Pixels divided by the training images' largest magnitude: one scale for them all.

    Per-pixel standardisation (StandardScaler) blows the near-constant pixels, such as a
    digit's empty border, up into noise as loud as the strokes, which hurts a kernel SVM;
    scikit-learn has no scaler that shares one scale across features, hence these lines.
    """

    def fit(self, X: Any, y: Any = None) -> PixelScale:
        self.scale_ = float(np.max(np.abs(X))) or 1.0
        return self

    def transform(self, X: Any) -> np.ndarray:
        return np.asarray(X, dtype=np.float32) / self.scale_


class TextColumn(TransformerMixin, BaseEstimator):
    """The text column of a table as a list of strings (missing text as empty)."""

    def __init__(self, *, column: str | None = None) -> None:
        self.column = column

    def fit(self, X: Any, y: Any = None) -> TextColumn:
        return self

    def transform(self, X: Any) -> list[str]:
        return X[self.column].fillna("").astype(str).tolist()


class Float32(TransformerMixin, BaseEstimator):
    """Dense float32, the input torch's networks take."""

    def fit(self, X: Any, y: Any = None) -> Float32:
        return self

    def transform(self, X: Any) -> np.ndarray:
        return np.asarray(X, dtype=np.float32)


def table_features(context: Context, *, scale: bool = True) -> Any:
    """Impute, scale numbers, one-hot encode categories (capped at 20 levels each)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = [SimpleImputer(strategy="median")] + ([StandardScaler()] if scale else [])
    parts = [("numeric", make_pipeline(*numeric), list(context.numeric))]
    if context.categorical:
        encoder = OneHotEncoder(
            handle_unknown="infrequent_if_exist", max_categories=20, sparse_output=False
        )
        categorical = make_pipeline(
            SimpleImputer(strategy="constant", fill_value="missing"), encoder
        )
        parts.append(("categorical", categorical, list(context.categorical)))
    return ColumnTransformer(parts, remainder="drop")


def text_features(context: Context, *, max_features: int = 100_000) -> Any:
    """TF-IDF of word unigrams and bigrams from the context's text column (sparse)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TextColumn(column=context.text_column),
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=max_features, sublinear_tf=True),
    )


def model_features(context: Context, *, scale: bool = True) -> Any:
    """The feature step for the context's modality: pixels, TF-IDF or table columns.

    ``scale=False`` leaves numbers as they are, for trees, which do not need it.
    """
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if context.modality == "image":
        return make_pipeline(PixelFeatures(), StandardScaler()) if scale else PixelFeatures()
    if context.modality == "text":
        return text_features(context)
    return table_features(context, scale=scale)
