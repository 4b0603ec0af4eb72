"""The two boosting estimators of the ladder, each able to stop cleanly at a deadline.

:class:`BoostingUntil` wraps scikit-learn's histogram gradient boosting, :class:`TunedXGBoost`
wraps XGBoost with light tuning. Both choose their rounds by early stopping on an inner
validation share of the training rows, and say how they stopped in ``stopped_by_`` (a
:class:`advisor.check.messages.Stop`). xgboost is imported inside ``fit`` only.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from advisor.check.messages import Stop


class TunedXGBoost(BaseEstimator):
    """XGBoost with light tuning: two depths, each with early stopping, the better kept.

    The other settings are XGBoost's own, fixed for the ladder; the tuner
    (:mod:`advisor.check.tuning`) searches them, with a single depth.

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
        depths: tuple[int, ...] = (6, 3),
        learning_rate: float = 0.1,
        min_child_weight: float = 1.0,
        reg_lambda: float = 1.0,
        subsample: float = 0.8,
        colsample_bytree: float = 0.8,
        n_estimators: int = 500,
    ) -> None:
        self.task = task
        self.seed = seed
        self.threads = threads
        self.deadline = deadline
        self.depths = depths
        self.learning_rate = learning_rate
        self.min_child_weight = min_child_weight
        self.reg_lambda = reg_lambda
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.n_estimators = n_estimators

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
            stopper, hit = _deadline_callback(self.deadline)
            callbacks = [stopper]
        best, best_loss = None, np.inf
        for depth in self.depths:
            if best is not None and self.deadline is not None and time.monotonic() > self.deadline:
                break
            model = kind(
                n_estimators=self.n_estimators,
                max_depth=depth,
                learning_rate=self.learning_rate,
                min_child_weight=self.min_child_weight,
                reg_lambda=self.reg_lambda,
                subsample=self.subsample,
                colsample_bytree=self.colsample_bytree,
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
        self.stopped_by_ = Stop.DEADLINE if hit else Stop.EARLY_STOPPING
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        return self.model_.predict_proba(X)

    def predict(self, X: Any) -> np.ndarray:
        if self.task != "regression":
            return self.classes_[self.model_.predict(X)]
        return self.model_.predict(X)


def _deadline_callback(deadline: float) -> tuple[Any, list[bool]]:
    """An xgboost callback that stops boosting at ``deadline`` (early stopping then keeps
    the best round so far), and a list that records whether it did. Defined in a function
    so that xgboost is imported only when used."""
    import xgboost

    hit: list[bool] = []

    class StopAt(xgboost.callback.TrainingCallback):
        def after_iteration(self, model: Any, epoch: int, evals_log: Any) -> bool:
            if time.monotonic() > deadline:
                hit.append(True)
                return True
            return False

    return StopAt(), hit


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
        max_depth: int | None = None,
        min_samples_leaf: int = 20,
        l2_regularization: float = 0.0,
    ) -> None:
        self.task = task
        self.seed = seed
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.deadline = deadline
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization

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
            max_depth=self.max_depth,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization,
            early_stopping=True,
            validation_fraction=0.1,
            warm_start=True,
            random_state=self.seed,
        )
        self.stopped_by_ = Stop.MAX_ITER
        started = time.monotonic()
        while True:
            model.fit(X, y)
            if model.n_iter_ < model.max_iter:
                self.stopped_by_ = Stop.EARLY_STOPPING
                break
            if model.max_iter >= self.max_iter:
                break
            if self.deadline is not None and time.monotonic() > self.deadline:
                self.stopped_by_ = Stop.DEADLINE
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
