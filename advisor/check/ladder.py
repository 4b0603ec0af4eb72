"""The ladder of candidates, each a scikit-learn estimator behind one uniform interface.

:func:`context_for` describes the data, :func:`ladder` lists the candidates for it, and a
:class:`Candidate` builds a fresh estimator (usually a Pipeline: features, then the model)
for one split; :func:`advisor.check.fitting.fit_and_score` fits and scores it. Any setting
a candidate chooses (regularisation strength, boosting rounds, epochs) is chosen on inner
validation data carved from the training rows, never on the test rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from advisor.check.boosting import BoostingUntil, TunedXGBoost
from advisor.check.features import (
    CNN_SIDE,
    PixelFeatures,
    PixelScale,
    model_features,
    net_features,
    text_features,
)
from advisor.check.hardware import threads_for
from advisor.check.hog import HogFeatures

SVM_MAX_ROWS = 5_000  # kernel SVMs grow quadratically with rows: skipped above this
SVM_TUNE_ROWS = 2_000  # up to this many training rows, the SVM's C is tuned (7 fits, not 1)
HOG_SVM_C = 10.0  # the HOG SVM's C for classes (benchmarks/README.md)
# Below this many training rows the table network is TabM (tabm_net.py), from it an MLP:
# TabM scores as well or better, but costs several times an MLP an epoch, which a small
# table affords and a larger one's share of a small budget does not (benchmarks/README.md).
TABM_MAX_ROWS = 1_000
TABLE_NET_WIDTH = 128  # hidden units of either table network's layers


@dataclass(frozen=True)
class Context:
    """What the ladder needs to know about the data to build its candidates."""

    task: str
    modality: str
    rows: int  # training rows per split
    seed: int
    numeric: tuple[str, ...] = ()
    categorical: tuple[str, ...] = ()
    text_column: str | None = None
    threads: int = 2
    # "tabm" or "mlp", set once for the study (see TABM_MAX_ROWS): a learning curve's
    # smaller fits keep the full fit's network.
    table_net: str = "mlp"
    dates: tuple[str, ...] = ()

    @property
    def text_only(self) -> bool:
        """Whether text is the only input: the text ladder, not the table's."""
        return self.modality == "text" and not (self.numeric or self.categorical or self.dates)


@dataclass(frozen=True)
class Candidate:
    """One rung of the ladder: a name, its family, and how to build its estimator.

    ``weight`` is its share of its family's time. ``cooperative`` candidates accept a
    ``deadline`` (monotonic clock) and stop cleanly by it; the others are killed at it.
    ``skip`` says, in words, why a candidate does not run on this data (else ``None``).
    ``isolated`` candidates run in a child process that is killed at the deadline; only the
    dummy floor, which cannot hang, runs in the caller's process.
    """

    name: str
    family: str  # "baseline", "classical" or "deep_learning"
    weight: float
    build: Callable[[Context, float | None], Any]
    cooperative: bool = False
    skip: str | None = None
    isolated: bool = True


def context_for(
    X: Any, task: str, modality: str, *, rows: int, seed: int, text_column: str | None
) -> Context:
    """The ladder's view of the data: column kinds for tables (numbers, categories, dates
    and the text column), the threads a fit may use and the table network for ``rows``
    training rows."""
    threads = threads_for(X)
    table_net = "tabm" if rows < TABM_MAX_ROWS else "mlp"
    if modality == "image" or not isinstance(X, pd.DataFrame):
        return Context(task, modality, rows, seed, threads=threads, table_net=table_net)
    features = [c for c in X.columns if c != text_column]
    dates = tuple(c for c in features if pd.api.types.is_datetime64_any_dtype(X[c]))
    numeric = tuple(c for c in features if c not in dates and pd.api.types.is_numeric_dtype(X[c]))
    categorical = tuple(c for c in features if c not in numeric and c not in dates)
    return Context(
        task,
        modality,
        rows,
        seed,
        numeric=numeric,
        categorical=categorical,
        text_column=text_column,
        threads=threads,
        table_net=table_net,
        dates=dates,
    )


def ladder(context: Context) -> list[Candidate]:
    """The candidates for this data, in the order they run; some marked skipped with why."""
    regression = context.task == "regression"
    too_big = (
        f"skipped: more than {SVM_MAX_ROWS:,} training rows"
        if context.rows > SVM_MAX_ROWS
        else None
    )
    floor = Candidate("dummy", "baseline", 0.0, build_dummy, isolated=False)
    # A text column beside other columns is one input among them: the table's ladder.
    if context.text_only:
        return [
            floor,
            Candidate(
                "tfidf_ridge" if regression else "tfidf_logistic", "classical", 1.0, build_linear
            ),
            Candidate(
                "tfidf_naive_bayes",
                "classical",
                0.5,
                build_naive_bayes,
                skip="skipped: naive Bayes is for classification" if regression else None,
            ),
            Candidate(
                "tfidf_linear_svm",
                "classical",
                0.7,
                build_linear_svm,
                skip="skipped: linear SVM here is for classification" if regression else None,
            ),
            Candidate("text_net", "deep_learning", 1.0, build_text_net, cooperative=True),
        ]
    if context.modality == "image":
        linear = "ridge" if regression else "logistic"
        return [
            floor,
            # HOG first: on small, centred images its edge features are the classical side's
            # best answer, and on a busy machine the first rungs are the ones that finish.
            Candidate("hog_svm", "classical", 1.0, build_hog_svm, skip=too_big),
            Candidate(f"hog_{linear}", "classical", 1.0, build_hog_linear),
            Candidate(f"pixels_{linear}", "classical", 1.0, build_linear),
            Candidate("pixels_svm", "classical", 1.0, build_svm, skip=too_big),
            Candidate(
                "pixels_gradient_boosting",
                "classical",
                1.2,
                build_gradient_boosting,
                cooperative=True,
            ),
            Candidate("cnn", "deep_learning", 1.0, build_cnn, cooperative=True),
        ]
    if context.modality == "audio":
        # MFCC statistics for linear models and boosting, whose builders (and search spaces)
        # the tables' rungs share through model_features; the CNN reads the spectrogram.
        linear = "ridge" if regression else "logistic"
        return [
            floor,
            Candidate(f"mfcc_{linear}", "classical", 1.0, build_linear),
            Candidate(
                "mfcc_gradient_boosting",
                "classical",
                1.2,
                build_gradient_boosting,
                cooperative=True,
            ),
            Candidate("logmel_cnn", "deep_learning", 1.0, build_cnn, cooperative=True),
        ]
    return [
        floor,
        Candidate("ridge" if regression else "logistic", "classical", 0.8, build_linear),
        Candidate(
            "hist_gradient_boosting", "classical", 1.5, build_gradient_boosting, cooperative=True
        ),
        Candidate("xgboost", "classical", 1.5, build_xgboost, cooperative=True),
        Candidate("svm", "classical", 0.6, build_svm, skip=too_big),
        Candidate(context.table_net, "deep_learning", 1.0, build_table_net, cooperative=True),
    ]


# --- the builders: (context, deadline) -> a fresh estimator ----------------------------------


def build_dummy(context: Context, deadline: float | None) -> Any:
    """The floor: the class prior, or the mean."""
    from sklearn.dummy import DummyClassifier, DummyRegressor

    if context.task == "regression":
        return DummyRegressor(strategy="mean")
    return DummyClassifier(strategy="prior")


def build_linear(context: Context, deadline: float | None) -> Any:
    """Logistic regression or ridge, its strength chosen inside the training rows."""
    from sklearn.pipeline import make_pipeline

    return make_pipeline(model_features(context), _linear_model(context))


def build_hog_linear(context: Context, deadline: float | None) -> Any:
    """Logistic regression or ridge on standardised HOG features of the images."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(HogFeatures(), StandardScaler(), _linear_model(context))


def _linear_model(context: Context) -> Any:
    from sklearn.linear_model import LogisticRegressionCV, RidgeCV

    if context.task == "regression":
        return RidgeCV(alphas=np.logspace(-3, 3, 7))
    # C chosen by 3-fold cross-validation inside the training rows.
    return LogisticRegressionCV(Cs=4, cv=3, max_iter=2000)


def build_gradient_boosting(context: Context, deadline: float | None) -> Any:
    """Histogram gradient boosting on unscaled features, stopping at ``deadline``."""
    from sklearn.pipeline import make_pipeline

    # On pixels, trees are the weakest rung and the dearest (a tree per class per round, on
    # every pixel): a faster-learning, smaller-tree setting scores as well there and costs
    # far less (see benchmarks/README.md).
    light = {"learning_rate": 0.2, "max_leaf_nodes": 15} if context.modality == "image" else {}
    model = BoostingUntil(task=context.task, seed=context.seed, deadline=deadline, **light)
    return make_pipeline(model_features(context, scale=False), model)


def build_xgboost(context: Context, deadline: float | None) -> Any:
    """XGBoost with two depths tried, stopping at ``deadline``."""
    from sklearn.pipeline import make_pipeline

    model = TunedXGBoost(
        task=context.task, seed=context.seed, threads=context.threads, deadline=deadline
    )
    return make_pipeline(model_features(context, scale=False), model)


def build_svm(context: Context, deadline: float | None) -> Any:
    """A kernel SVM; its C tuned on up to SVM_TUNE_ROWS training rows."""
    from sklearn.pipeline import make_pipeline

    if context.modality == "image":
        return make_pipeline(PixelFeatures(), PixelScale(), _kernel_svm(context))
    return make_pipeline(model_features(context), _kernel_svm(context))


def build_hog_svm(context: Context, deadline: float | None) -> Any:
    """A kernel SVM on HOG features, which are normalised block by block already."""
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import SVC

    if context.task == "regression":
        return make_pipeline(HogFeatures(), _kernel_svm(context))
    # Block-normalised HOG features keep their scale from one image set to the next, and on
    # them C = HOG_SVM_C scores as the inner search over C does, at a third of its fits.
    return make_pipeline(HogFeatures(), SVC(C=HOG_SVM_C, random_state=context.seed))


def _kernel_svm(context: Context) -> Any:
    from sklearn.model_selection import GridSearchCV
    from sklearn.svm import SVC, SVR

    model = SVR() if context.task == "regression" else SVC(random_state=context.seed)
    if context.rows <= SVM_TUNE_ROWS:
        # C chosen by 3-fold cross-validation inside the training rows.
        model = GridSearchCV(model, {"C": [1.0, 10.0]}, cv=3)
    return model


def build_linear_svm(context: Context, deadline: float | None) -> Any:
    """A linear SVM, for TF-IDF text."""
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    return make_pipeline(model_features(context), LinearSVC(C=0.5, random_state=context.seed))


def build_naive_bayes(context: Context, deadline: float | None) -> Any:
    """Complement naive Bayes, for TF-IDF text."""
    from sklearn.naive_bayes import ComplementNB
    from sklearn.pipeline import make_pipeline

    return make_pipeline(model_features(context), ComplementNB())


def build_table_net(context: Context, deadline: float | None) -> Any:
    """TabM or the MLP (``context.table_net``) on scaled columns and the key terms of any
    text column beside them."""
    from sklearn.pipeline import make_pipeline

    from advisor.check.neural import MLPNet
    from advisor.check.tabm_net import TabMNet

    kind = TabMNet if context.table_net == "tabm" else MLPNet
    net = kind(
        task=context.task,
        width=TABLE_NET_WIDTH,
        deadline=deadline,
        seed=context.seed,
        threads=context.threads,
        categorical=len(context.categorical),
    )
    return make_pipeline(net_features(context), net)


def build_cnn(context: Context, deadline: float | None) -> Any:
    """The small CNN on images of at most CNN_SIDE pixels a side, or on log-mel
    spectrograms as one-channel images (their mel bands and frames kept whole: both are
    already few, see advisor.data.audio)."""
    from sklearn.pipeline import make_pipeline

    from advisor.check.features import Float32
    from advisor.check.neural import CNNNet

    # Small batches at a higher learning rate, with a short patience, reach the accuracy
    # of the generic settings in fewer epochs: an image network's validation loss keeps
    # creeping down long after its accuracy has settled.
    net = CNNNet(
        task=context.task,
        lr=5e-3,
        patience=6,
        batch_size=64,
        deadline=deadline,
        seed=context.seed,
        threads=context.threads,
    )
    if context.modality == "audio":
        return make_pipeline(Float32(), net)
    return make_pipeline(PixelFeatures(side=CNN_SIDE, flatten=False), net)


def build_text_net(context: Context, deadline: float | None) -> Any:
    """The bag-of-n-grams network on TF-IDF text."""
    from sklearn.pipeline import make_pipeline

    from advisor.check.neural import TextNet

    net = TextNet(
        task=context.task, width=64, deadline=deadline, seed=context.seed, threads=context.threads
    )
    return make_pipeline(text_features(context, max_features=50_000), net)
