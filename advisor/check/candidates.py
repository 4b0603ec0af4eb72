"""The ladder of candidates, each a scikit-learn estimator behind one uniform interface.

A :class:`Candidate` builds a fresh estimator (usually a Pipeline: features, then the model)
for one split; :func:`fit_and_score` fits it on the training rows and scores it on the test
rows. Any setting a candidate chooses (regularisation strength, boosting rounds, epochs) is
chosen on inner validation data carved from the training rows, never on the test rows.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from advisor.check.evaluation import score

SVM_MAX_ROWS = 5_000  # kernel SVMs grow quadratically with rows: skipped above this
SVM_TUNE_ROWS = 2_000  # up to this many training rows, the SVM's C is tuned (7 fits, not 1)
# From this many training rows, the MLP's hidden layers have 128 units, not 256: the same
# scores on the generated tables, in half the time on 10,000 rows. Below it an epoch costs
# little, and on a few hundred rows the wider layers converge in fewer epochs.
NARROW_MLP_ROWS = 1_000
PIXEL_SIDE = 32  # images are block-averaged to at most this side for pixel features
CNN_SIDE = 64  # and to at most this side for the CNN, to fit a CPU budget


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
    # The MLP's hidden units, set once for the study (see NARROW_MLP_ROWS): a learning
    # curve's smaller fits keep the full fit's network.
    mlp_width: int = 256


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


def fit_and_score(
    candidate: Candidate,
    context: Context,
    X: Any,
    y: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    metrics: tuple[str, ...],
    *,
    deadline: float | None = None,
    max_epochs: int | None = None,
) -> dict[str, Any]:
    """Fit on ``train`` rows, score every metric on ``test`` rows; the uniform interface.

    ``max_epochs`` caps a network's epochs; the result says how many it trained.
    """
    model = candidate.build(context, deadline)
    final = model.steps[-1][1] if hasattr(model, "steps") else model
    if max_epochs is not None and "max_epochs" in final.get_params():
        final.set_params(max_epochs=max_epochs)
    started = time.perf_counter()
    model.fit(take(X, train), y[train])
    fit_seconds = time.perf_counter() - started
    output = predict_output(model, take(X, test), context.task)
    return {
        "scores": {m: score(m, y[test], output) for m in metrics},
        "fit_seconds": fit_seconds,
        # "deadline": stopped by its deadline while still improving (see out_of_time).
        "stopped_by": getattr(final, "stopped_by_", None),
        "epochs": getattr(final, "n_epochs_", None),
    }


def take(X: Any, rows: np.ndarray) -> Any:
    return X.iloc[rows] if isinstance(X, pd.DataFrame) else X[rows]


def predict_output(model: Any, X: Any, task: str) -> dict[str, np.ndarray]:
    """Class probabilities (or softmaxed decision scores) and labels, or values."""
    if task == "regression":
        return {"value": np.asarray(model.predict(X), dtype=float)}
    classes = model.classes_
    if hasattr(model, "predict_proba"):
        proba = model.predict_proba(X)
    else:
        decision = np.asarray(model.decision_function(X), dtype=float)
        if decision.ndim == 1:
            decision = np.column_stack([-decision, decision])
        decision -= decision.max(axis=1, keepdims=True)
        proba = np.exp(decision) / np.exp(decision).sum(axis=1, keepdims=True)
    label = classes[np.argmax(proba, axis=1)]
    return {"proba": np.asarray(proba, dtype=float), "label": label, "classes": classes}


# --- feature steps --------------------------------------------------------------------------


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
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TextColumn(column=context.text_column),
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=max_features, sublinear_tf=True),
    )


def _features(context: Context, *, scale: bool = True) -> Any:
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if context.modality == "image":
        return make_pipeline(PixelFeatures(), StandardScaler()) if scale else PixelFeatures()
    if context.modality == "text":
        return text_features(context)
    return table_features(context, scale=scale)


# --- models ---------------------------------------------------------------------------------


class TunedXGBoost(BaseEstimator):
    """XGBoost with light tuning: two depths, each with early stopping, the better kept.

    The depth and the number of rounds are chosen on an inner validation share of the
    training rows. With a ``deadline`` (monotonic clock) boosting stops there, keeping the
    best round so far, and a depth not yet tried is skipped.
    """

    def __init__(
        self,
        *,
        task: str = "binary",
        seed: int = 0,
        threads: int = 2,
        deadline: float | None = None,
    ) -> None:
        self.task = task
        self.seed = seed
        self.threads = threads
        self.deadline = deadline

    def fit(self, X: Any, y: Any) -> TunedXGBoost:
        import xgboost
        from sklearn.model_selection import train_test_split
        from sklearn.preprocessing import LabelEncoder

        y = np.asarray(y)
        classify = self.task != "regression"
        if classify:
            self.encoder_ = LabelEncoder().fit(y)
            self.classes_ = self.encoder_.classes_
            y = self.encoder_.transform(y)
        stratify = y if classify and np.bincount(y).min() >= 2 else None
        X_fit, X_val, y_fit, y_val = train_test_split(
            X, y, test_size=0.15, random_state=self.seed, stratify=stratify
        )
        kind = xgboost.XGBClassifier if classify else xgboost.XGBRegressor
        callbacks, hit = None, []
        if self.deadline is not None:
            stopper, hit = _stop_at(self.deadline)
            callbacks = [stopper]
        best, best_loss = None, np.inf
        for depth in (6, 3):
            if best is not None and self.deadline is not None and time.monotonic() > self.deadline:
                break
            model = kind(
                n_estimators=500,
                max_depth=depth,
                learning_rate=0.1,
                subsample=0.8,
                colsample_bytree=0.8,
                early_stopping_rounds=20,
                tree_method="hist",
                n_jobs=self.threads,
                random_state=self.seed,
                callbacks=callbacks,
            )
            model.fit(X_fit, y_fit, eval_set=[(X_val, y_val)], verbose=False)
            try:
                loss = model.best_score
            except AttributeError:  # stopped by the deadline before early stopping began
                loss = next(iter(model.evals_result()["validation_0"].values()))[-1]
            if loss < best_loss:
                best, best_loss = model, loss
        self.model_, self.best_depth_ = best, best.max_depth
        self.stopped_by_ = "deadline" if hit else "early_stopping"
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        return self.model_.predict_proba(X)

    def predict(self, X: Any) -> np.ndarray:
        if self.task != "regression":
            return self.classes_[self.model_.predict(X)]
        return self.model_.predict(X)


def _stop_at(deadline: float) -> tuple[Any, list[bool]]:
    """An xgboost callback that stops boosting at ``deadline`` (early stopping then keeps
    the best round so far), and a list that records whether it did. Defined here so that
    xgboost is imported only when used."""
    import xgboost

    hit: list[bool] = []

    class StopAt(xgboost.callback.TrainingCallback):
        def after_iteration(self, model: Any, epoch: int, evals_log: Any) -> bool:
            if time.monotonic() > deadline:
                hit.append(True)
                return True
            return False

    return StopAt(), hit


def _dummy(context: Context, deadline: float | None) -> Any:
    from sklearn.dummy import DummyClassifier, DummyRegressor

    if context.task == "regression":
        return DummyRegressor(strategy="mean")
    return DummyClassifier(strategy="prior")


def _linear(context: Context, deadline: float | None) -> Any:
    from sklearn.linear_model import LogisticRegressionCV, RidgeCV
    from sklearn.pipeline import make_pipeline

    if context.task == "regression":
        model = RidgeCV(alphas=np.logspace(-3, 3, 7))
    else:
        # C chosen by 3-fold cross-validation inside the training rows.
        model = LogisticRegressionCV(Cs=4, cv=3, max_iter=2000)
    return make_pipeline(_features(context), model)


class BoostingUntil(BaseEstimator):
    """Histogram gradient boosting that grows in chunks of rounds and stops at ``deadline``.

    Rounds are chosen by early stopping on an inner 10 % validation share; without a
    deadline this is one ordinary fit of up to ``max_iter`` rounds. With one, the first
    chunk is 25 rounds, and each later one as many as the rounds so far say fit in half
    the time left: on small data that is all of them, since every chunk costs a fit call.
    """

    def __init__(
        self,
        *,
        task: str = "binary",
        seed: int = 0,
        max_iter: int = 200,
        learning_rate: float = 0.1,
        max_leaf_nodes: int = 31,
        deadline: float | None = None,
    ) -> None:
        self.task = task
        self.seed = seed
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.deadline = deadline

    def fit(self, X: Any, y: Any) -> BoostingUntil:
        from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

        kind = (
            HistGradientBoostingRegressor
            if self.task == "regression"
            else HistGradientBoostingClassifier
        )
        chunk = self.max_iter if self.deadline is None else 25
        model = kind(
            max_iter=chunk,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            early_stopping=True,
            validation_fraction=0.1,
            warm_start=True,
            random_state=self.seed,
        )
        self.stopped_by_ = "max_iter"
        started = time.monotonic()
        while True:
            model.fit(X, y)
            if model.n_iter_ < model.max_iter:
                self.stopped_by_ = "early_stopping"
                break
            if model.max_iter >= self.max_iter:
                break
            if self.deadline is not None and time.monotonic() > self.deadline:
                self.stopped_by_ = "deadline"
                break
            per_round = (time.monotonic() - started) / model.n_iter_
            fits = int(0.5 * (self.deadline - time.monotonic()) / per_round)
            model.set_params(max_iter=min(self.max_iter, model.max_iter + max(chunk, fits)))
        self.model_ = model
        if self.task != "regression":
            self.classes_ = model.classes_
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        return self.model_.predict_proba(X)

    def predict(self, X: Any) -> np.ndarray:
        return self.model_.predict(X)


def _gradient_boosting(context: Context, deadline: float | None) -> Any:
    from sklearn.pipeline import make_pipeline

    # On pixels, trees are the weakest rung and the dearest (a tree per class per round, on
    # every pixel): a faster-learning, smaller-tree setting scored as well on digits (0.975
    # against 0.969 accuracy) in 40 % of the time.
    light = {"learning_rate": 0.2, "max_leaf_nodes": 15} if context.modality == "image" else {}
    model = BoostingUntil(task=context.task, seed=context.seed, deadline=deadline, **light)
    return make_pipeline(_features(context, scale=False), model)


def _xgboost(context: Context, deadline: float | None) -> Any:
    from sklearn.pipeline import make_pipeline

    model = TunedXGBoost(
        task=context.task, seed=context.seed, threads=context.threads, deadline=deadline
    )
    return make_pipeline(_features(context, scale=False), model)


def _svm(context: Context, deadline: float | None) -> Any:
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import SVC, SVR

    model = SVR() if context.task == "regression" else SVC(random_state=context.seed)
    if context.rows <= SVM_TUNE_ROWS:
        # C chosen by 3-fold cross-validation inside the training rows.
        model = GridSearchCV(model, {"C": [1.0, 10.0]}, cv=3)
    if context.modality == "image":
        return make_pipeline(PixelFeatures(), PixelScale(), model)
    return make_pipeline(_features(context), model)


def _linear_svm(context: Context, deadline: float | None) -> Any:
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    return make_pipeline(_features(context), LinearSVC(C=0.5, random_state=context.seed))


def _naive_bayes(context: Context, deadline: float | None) -> Any:
    from sklearn.naive_bayes import ComplementNB
    from sklearn.pipeline import make_pipeline

    return make_pipeline(_features(context), ComplementNB())


def _mlp(context: Context, deadline: float | None) -> Any:
    from sklearn.pipeline import make_pipeline

    from advisor.check.neural import MLPNet

    net = MLPNet(
        task=context.task,
        width=context.mlp_width,
        deadline=deadline,
        seed=context.seed,
        threads=context.threads,
    )
    return make_pipeline(_features(context), _Float32(), net)


def _cnn(context: Context, deadline: float | None) -> Any:
    from sklearn.pipeline import make_pipeline

    from advisor.check.neural import CNNNet

    # Batches of 64 at lr 5e-3 with a patience of 6 reach the accuracy of 256 at 3e-3 with
    # 10 (0.991 on digits) in under half the epochs: an image network's validation loss
    # keeps creeping down long after its accuracy has settled.
    net = CNNNet(
        task=context.task,
        lr=5e-3,
        patience=6,
        batch_size=64,
        deadline=deadline,
        seed=context.seed,
        threads=context.threads,
    )
    return make_pipeline(PixelFeatures(side=CNN_SIDE, flatten=False), net)


def _text_net(context: Context, deadline: float | None) -> Any:
    from sklearn.pipeline import make_pipeline

    from advisor.check.neural import TextNet

    net = TextNet(
        task=context.task, width=64, deadline=deadline, seed=context.seed, threads=context.threads
    )
    return make_pipeline(text_features(context, max_features=50_000), net)


class _Float32(TransformerMixin, BaseEstimator):
    """Dense float32 for torch."""

    def fit(self, X: Any, y: Any = None) -> _Float32:
        return self

    def transform(self, X: Any) -> np.ndarray:
        return np.asarray(X, dtype=np.float32)


def ladder(context: Context) -> list[Candidate]:
    """The candidates for this data, in the order they run; some marked skipped with why."""
    regression = context.task == "regression"
    too_big = (
        f"skipped: more than {SVM_MAX_ROWS:,} training rows"
        if context.rows > SVM_MAX_ROWS
        else None
    )
    floor = Candidate("dummy", "baseline", 0.0, _dummy, isolated=False)
    if context.modality == "text":
        return [
            floor,
            Candidate("tfidf_ridge" if regression else "tfidf_logistic", "classical", 1.0, _linear),
            Candidate(
                "tfidf_naive_bayes",
                "classical",
                0.5,
                _naive_bayes,
                skip="skipped: naive Bayes is for classification" if regression else None,
            ),
            Candidate(
                "tfidf_linear_svm",
                "classical",
                0.7,
                _linear_svm,
                skip="skipped: linear SVM here is for classification" if regression else None,
            ),
            Candidate("text_net", "deep_learning", 1.0, _text_net, cooperative=True),
        ]
    if context.modality == "image":
        return [
            floor,
            Candidate(
                "pixels_ridge" if regression else "pixels_logistic", "classical", 1.0, _linear
            ),
            Candidate("pixels_svm", "classical", 1.0, _svm, skip=too_big),
            Candidate(
                "pixels_gradient_boosting", "classical", 1.2, _gradient_boosting, cooperative=True
            ),
            Candidate("cnn", "deep_learning", 1.0, _cnn, cooperative=True),
        ]
    return [
        floor,
        Candidate("ridge" if regression else "logistic", "classical", 0.8, _linear),
        Candidate("hist_gradient_boosting", "classical", 1.5, _gradient_boosting, cooperative=True),
        Candidate("xgboost", "classical", 1.5, _xgboost, cooperative=True),
        Candidate("svm", "classical", 0.6, _svm, skip=too_big),
        Candidate("mlp", "deep_learning", 1.0, _mlp, cooperative=True),
    ]


PARALLEL_CELLS = 2_000_000  # below this many input values, one thread is fastest


def threads_for(X: Any) -> int:
    """One thread for small data or a busy machine; up to 4 cores for large data.

    OpenMP threads spin while they wait: on small data, or on cores that other processes
    are using, extra threads slow a fit down many times over instead of speeding it up.
    """
    cores = os.cpu_count() or 1
    cells = int(np.prod(np.shape(X)))
    return 1 if cells < PARALLEL_CELLS or machine_busy() else max(1, min(4, cores))


def lanes_for(context: Context) -> int:
    """Two candidates at a time where each fits on one thread and two cores are free,
    else one: on small data this halves the run without slowing any fit."""
    cores = os.cpu_count() or 1
    return 2 if context.threads == 1 and cores >= 2 and not machine_busy() else 1


def machine_busy() -> bool:
    """Whether other work keeps every core busy now.

    The load average lags by a minute: a check started just after a heavy job would still
    see that job's load and run one lane on an idle machine. On Linux, /proc/loadavg also
    counts the tasks runnable at this instant; the median of a few looks, less this
    process, is the other work running now.
    """
    cores = os.cpu_count() or 1
    looks = []
    try:
        for _ in range(5):
            with open("/proc/loadavg") as file:
                looks.append(int(file.read().split()[3].split("/")[0]))
            time.sleep(0.005)
    except (OSError, ValueError, IndexError):  # not Linux: the last minute's load
        return os.getloadavg()[0] >= cores if hasattr(os, "getloadavg") else False
    return sorted(looks)[len(looks) // 2] - 1 >= cores


def context_for(
    X: Any, task: str, modality: str, *, rows: int, seed: int, text_column: str | None
) -> Context:
    """The ladder's view of the data: column kinds for tables, the text column for text."""
    threads = threads_for(X)
    width = 128 if rows >= NARROW_MLP_ROWS else 256
    if modality == "image" or not isinstance(X, pd.DataFrame):
        return Context(task, modality, rows, seed, threads=threads, mlp_width=width)
    features = [c for c in X.columns if c != text_column]
    numeric = tuple(c for c in features if pd.api.types.is_numeric_dtype(X[c]))
    categorical = tuple(c for c in features if c not in numeric)
    return Context(
        task,
        modality,
        rows,
        seed,
        numeric=numeric,
        categorical=categorical,
        text_column=text_column,
        threads=threads,
        mlp_width=width,
    )
