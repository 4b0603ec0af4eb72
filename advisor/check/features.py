"""The feature steps in front of every candidate: tables, text and pixels as model input.

Each is a scikit-learn transformer (or a pipeline of them), so a candidate's estimator is
one Pipeline that learns its feature statistics on the training rows only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
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

    def __sklearn_is_fitted__(self) -> bool:
        return True  # nothing to learn: a pipeline ending in it is fitted once its steps are

    def transform(self, X: Any) -> np.ndarray:
        return np.asarray(X, dtype=np.float32)


TEXT_TREE_TERMS = 200  # the text terms trees see beside a table's columns (see table_features)


class DateFeatures(TransformerMixin, BaseEstimator):
    """Date columns → four numbers each: days since the earliest training date, year,
    month and day of week. A missing date stays missing (NaN) for the imputer after it."""

    def fit(self, X: Any, y: Any = None) -> DateFeatures:
        self.origins_ = [_dates(X[c]).min() for c in X.columns]
        return self

    def transform(self, X: Any) -> np.ndarray:
        parts = []
        for column, origin in zip(X.columns, self.origins_, strict=True):
            dates = _dates(X[column])
            days = (dates - origin) / pd.Timedelta(days=1)
            parts += [days, dates.dt.year, dates.dt.month, dates.dt.day_of_week]
        return np.column_stack([np.asarray(p, dtype=np.float64) for p in parts])


def _dates(values: pd.Series) -> pd.Series:
    """Dates on one clock: time-zone-aware ones in UTC, without the zone."""
    dates = pd.to_datetime(values, utc=True)
    return dates.dt.tz_localize(None)


class KeyTerms(TransformerMixin, BaseEstimator):
    """The ``k`` TF-IDF terms most associated with the target in the training rows
    (chi-squared for classes, the F statistic for numbers), as a dense array.

    Trees cannot take a sparse matrix of a hundred thousand terms; the terms a label
    depends on are rarely the most frequent ones, so they are chosen by the target.
    """

    def __init__(self, *, k: int = TEXT_TREE_TERMS, task: str = "binary") -> None:
        self.k = k
        self.task = task

    def fit(self, X: Any, y: Any) -> KeyTerms:
        from sklearn.feature_selection import chi2, f_regression

        test = f_regression if self.task == "regression" else chi2
        scores = np.nan_to_num(test(X, y)[0], nan=0.0)
        self.terms_ = np.sort(np.argsort(-scores, kind="stable")[: self.k])
        return self

    def transform(self, X: Any) -> np.ndarray:
        chosen = X[:, self.terms_]
        return chosen.toarray() if hasattr(chosen, "toarray") else np.asarray(chosen)


def net_features(context: Context) -> Any:
    """A network's input for a table: its columns scaled, and the key terms of a text
    column beside them (see :class:`KeyTerms`), as dense float32.

    The network reads the text's key terms, as trees do, rather than the whole TF-IDF
    through an n-gram embedding: on a few thousand rows the embedding learns the random
    words as readily as the ones that decide the label (see benchmarks/README.md).
    """
    from sklearn.pipeline import make_pipeline

    return make_pipeline(table_features(context, text="key", categories="codes"), Float32())


def table_features(
    context: Context, *, scale: bool = True, text: str = "all", categories: str = "one_hot"
) -> Any:
    """A table's columns in one ColumnTransformer: numbers imputed (and scaled), categories
    one-hot encoded (capped at 20 levels each), dates as date features, and the text
    column, if any, as TF-IDF beside them.

    ``text`` says how the text column enters: ``"all"`` its whole TF-IDF (sparse, for
    linear models and kernels), ``"key"`` the :class:`KeyTerms` (dense, for trees), or
    ``"none"`` not at all (a network that reads the text through an encoder of its own).
    ``categories="codes"`` gives each category column as one integer code instead (-1 for
    a level not seen in training, at most ``embedding.MAX_LEVELS`` codes), as the last
    columns: for a network that embeds them (:mod:`advisor.check.embedding`).
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

    from advisor.check.embedding import MAX_LEVELS

    def numbers(*first: Any) -> Any:
        return make_pipeline(
            *first, SimpleImputer(strategy="median"), *([StandardScaler()] if scale else [])
        )

    parts = [("numeric", numbers(), list(context.numeric))]
    codes = []
    if context.categorical:
        if categories == "codes":
            encoder = OrdinalEncoder(
                handle_unknown="use_encoded_value", unknown_value=-1, max_categories=MAX_LEVELS
            )
        else:
            encoder = OneHotEncoder(
                handle_unknown="infrequent_if_exist", max_categories=20, sparse_output=False
            )
        categorical = make_pipeline(
            SimpleImputer(strategy="constant", fill_value="missing"), encoder
        )
        part = ("categorical", categorical, list(context.categorical))
        (codes if categories == "codes" else parts).append(part)
    if context.dates:
        parts.append(("dates", numbers(DateFeatures()), list(context.dates)))
    if context.text_column is not None and text != "none":
        words = text_features(context, max_features=50_000 if text == "key" else 100_000)
        if text == "key":
            words.steps.append(("keyterms", KeyTerms(task=context.task)))
        parts.append(("text", words, [context.text_column]))
    return ColumnTransformer(parts + codes, remainder="drop")


def text_features(context: Context, *, max_features: int = 100_000) -> Any:
    """TF-IDF of word unigrams and bigrams from the context's text column (sparse)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TextColumn(column=context.text_column),
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=max_features, sublinear_tf=True),
    )


def model_features(context: Context, *, scale: bool = True) -> Any:
    """The feature step for the context's data: pixels, MFCC statistics of audio, TF-IDF,
    or a table's columns with any text column among them.

    ``scale=False`` leaves numbers as they are, for trees, which do not need it; they see
    the key terms of a text column, not its whole TF-IDF.
    """
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if context.modality == "image":
        return make_pipeline(PixelFeatures(), StandardScaler()) if scale else PixelFeatures()
    if context.modality == "audio":
        from advisor.check.audio_features import MfccStats

        return make_pipeline(MfccStats(), StandardScaler()) if scale else MfccStats()
    if context.text_only:
        return text_features(context)
    return table_features(context, scale=scale, text="all" if scale else "key")
