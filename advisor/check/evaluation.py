"""Honest evaluation: the splits, the metrics, the paired comparison and the verdict rule.

The verdict rule is fixed (reports are compared by it): per split, d = neural − classical
in score units; for a lower-is-better metric (RMSE, MAE) the relative difference
(classical − neural) / classical, so a positive d always means the neural model is better.
``deep_learning`` when mean d > δ and a one-sided paired t-test gives p < 0.1,
``classical`` when mean d < −δ with p < 0.1, otherwise ``tie``.

The t-test is the corrected resampled one (Nadeau and Bengio 2003; Bouckaert and Frank
2004): the splits share most of their training rows, so their differences are correlated,
and the plain paired t-test, which takes them as independent, finds a winner in noise
more often than its p says, the more so the more passes of cross-validation it is given.
The correction widens the variance of mean d from var/J to (1/J + n_test/n_train)·var.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from advisor.errors import ParameterError
from advisor.terms import CHECK_METRICS, DEFAULT_METRICS, METRICS, check_metrics_for, suggest

P_THRESHOLD = 0.1
CV_MAX_ROWS = 20_000  # above this, repeated holdout instead of cross-validation
FOLDS = 5
REPEATS = 3


def metrics_for(task: str, metric: str | None) -> tuple[str, ...]:
    """The metrics to compute: the primary one first, then the task's other default."""
    defaults = DEFAULT_METRICS[task]
    if metric is None:
        return defaults
    allowed = check_metrics_for(task)
    if metric not in allowed:
        raise ParameterError(
            f"The 'metric' parameter of check must be one of {', '.join(allowed)} for a "
            f"{task} task. Got {metric!r} instead{suggest(metric, allowed)}."
        )
    return (metric, *(m for m in defaults if m != metric))


def higher_is_better(metric: str) -> bool:
    """Whether a larger ``metric`` is a better score (not so for RMSE and MAE)."""
    return METRICS[metric].higher_is_better


def delta(metric: str) -> float:
    """The smallest difference that counts: 0.005 in score units, 1 % relative for errors."""
    return 0.005 if higher_is_better(metric) else 0.01


@dataclass(frozen=True)
class Splits:
    """Train/test row indices for each split, how they were made, in words, and whether
    they are random draws of one training size (what the correction of the paired test
    assumes, see :func:`compare`)."""

    folds: tuple[tuple[np.ndarray, np.ndarray], ...]
    description: str
    random: bool = True

    @property
    def test_share(self) -> float:
        """Test rows over training rows, the correction's ratio; 0 (no correction) for
        forward-chaining splits, whose training windows grow split by split: their
        differences vary with the window more than by the overlap the correction is for."""
        if not self.random:
            return 0.0
        tested = np.mean([len(test) for _, test in self.folds])
        return float(tested / np.mean([len(train) for train, _ in self.folds]))


def make_splits(y: np.ndarray, task: str, *, seed: int, time_ordered: bool = False) -> Splits:
    """Stratified 5-fold CV (plain k-fold for regression, forward-chaining when rows are
    ordered in time), or 3 repeated 80/20 holdouts above ``CV_MAX_ROWS`` rows."""
    from sklearn.model_selection import (
        KFold,
        ShuffleSplit,
        StratifiedKFold,
        StratifiedShuffleSplit,
        TimeSeriesSplit,
    )

    rows = len(y)
    classify = task != "regression"
    smallest = int(np.min(np.unique(y, return_counts=True)[1])) if classify else rows
    if time_ordered:
        splitter, words = TimeSeriesSplit(n_splits=FOLDS), f"{FOLDS} forward-chaining time splits"
    elif rows > CV_MAX_ROWS:
        kind = StratifiedShuffleSplit if classify else ShuffleSplit
        splitter = kind(n_splits=REPEATS, test_size=0.2, random_state=seed)
        words = f"{REPEATS} repeated 80/20 holdouts" + (" (stratified)" if classify else "")
    elif classify and smallest >= FOLDS:
        splitter = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=seed)
        words = f"stratified {FOLDS}-fold cross-validation"
    else:
        splitter = KFold(n_splits=FOLDS, shuffle=True, random_state=seed)
        words = f"{FOLDS}-fold cross-validation"
    folds = tuple(
        (np.asarray(train), np.asarray(test))
        for train, test in splitter.split(np.zeros(rows), y if classify else None)
    )
    return Splits(folds=folds, description=words, random=not time_ordered)


def repeated_splits(
    y: np.ndarray, task: str, *, seed: int, passes: int
) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """The splits of ``passes`` more passes of :func:`make_splits`, each with its own
    shuffle (the seeds after ``seed``), pass after pass. Not for rows in time order: they
    split forward one way only."""
    return tuple(
        fold for r in range(1, passes + 1) for fold in make_splits(y, task, seed=seed + r).folds
    )


def score(
    metric: str,
    y_true: np.ndarray,
    output: dict[str, np.ndarray],
    *,
    labels: np.ndarray | None = None,
) -> float:
    """One metric from a model's output: ``proba`` (classes in ``classes`` order) and
    ``label`` for classifiers, ``value`` for regressors. ``labels`` is the data's full
    label set (see :func:`roc_auc`)."""
    from sklearn import metrics

    if metric == "roc_auc":
        return roc_auc(y_true, output["proba"], output["classes"], labels=labels)
    if metric == "accuracy":
        return float(metrics.accuracy_score(y_true, output["label"]))
    if metric == "macro_f1":
        return float(metrics.f1_score(y_true, output["label"], average="macro"))
    if metric == "rmse":
        return float(np.sqrt(metrics.mean_squared_error(y_true, output["value"])))
    if metric == "mae":
        return float(metrics.mean_absolute_error(y_true, output["value"]))
    if metric == "r2":
        return float(metrics.r2_score(y_true, output["value"]))
    raise ParameterError(f"Unknown metric {metric!r}: expected one of {', '.join(CHECK_METRICS)}.")


def roc_auc(
    y_true: np.ndarray,
    proba: np.ndarray,
    classes: np.ndarray,
    *,
    labels: np.ndarray | None = None,
) -> float:
    """ROC AUC over the full label set: binary for two labels, else the mean of each
    class's one-vs-rest AUC (macro) over the classes of ``y_true``.

    A fold need not hold every class: a rare class can miss a test fold (its AUC is then
    undefined and left out of the mean) or a training fold (the model has no column for it:
    it is scored as probability 0). ``labels`` defaults to the model's classes and those of
    ``y_true`` together, which in cross-validation is every label. Raises ``ValueError``
    when ``y_true`` holds a single class: no AUC exists then.
    """
    from sklearn.metrics import roc_auc_score

    labels = np.union1d(classes, np.unique(y_true)) if labels is None else np.asarray(labels)
    full = np.zeros((len(y_true), len(labels)))
    # Gradient boosting fitted on one class still returns two columns, the second for no
    # class at all; only the columns of real classes count.
    full[:, np.searchsorted(labels, classes)] = proba[:, : len(classes)]
    present = [k for k, label in enumerate(labels) if 0 < np.sum(y_true == label) < len(y_true)]
    if not present:
        raise ValueError(
            "ROC AUC is undefined on a test split that holds one class; use "
            "--metric accuracy or more rows."
        )
    if len(labels) == 2:
        return float(roc_auc_score(y_true == labels[1], full[:, 1]))
    return float(np.mean([roc_auc_score(y_true == labels[k], full[:, k]) for k in present]))


def differences(metric: str, neural: np.ndarray, classical: np.ndarray) -> np.ndarray:
    """Per-split d, positive when the neural model is better (see the module docstring)."""
    neural, classical = np.asarray(neural, float), np.asarray(classical, float)
    if higher_is_better(metric):
        return neural - classical
    return (classical - neural) / np.where(classical == 0, 1e-12, classical)


@dataclass(frozen=True)
class Comparison:
    """The verdict and its numbers: mean d (the margin) and the one-sided p-value."""

    verdict: str
    margin: float
    p_value: float
    differences: tuple[float, ...]


def compare(
    metric: str, neural: np.ndarray, classical: np.ndarray, *, test_share: float
) -> Comparison:
    """Apply the verdict rule to paired per-split scores of the best neural and classical,
    from splits whose test rows are ``test_share`` of their training rows (n_test/n_train:
    0.25 for 5-fold cross-validation)."""
    from scipy import stats

    d = differences(metric, neural, classical)
    mean = float(np.mean(d))
    threshold = delta(metric)
    # With every d equal, the t statistic is undefined; the evidence is then as strong as the
    # sign of d.
    if len(d) < 2:
        greater = less = 1.0
    elif np.allclose(d, d[0]):
        greater, less = (0.0 if mean > 0 else 1.0), (0.0 if mean < 0 else 1.0)
    else:
        # Written out: scipy's t-tests take the splits as independent (see the module
        # docstring); the corrected statistic is theirs with a wider variance.
        spread = np.sqrt((1.0 / len(d) + test_share) * np.var(d, ddof=1))
        t = mean / spread
        greater = float(stats.t.sf(t, df=len(d) - 1))
        less = float(stats.t.cdf(t, df=len(d) - 1))
    if mean > threshold and greater < P_THRESHOLD:
        verdict = "deep_learning"
    elif mean < -threshold and less < P_THRESHOLD:
        verdict = "classical"
    else:
        verdict = "tie"
    p_value = greater if mean > 0 else less
    return Comparison(verdict, mean, p_value, tuple(float(x) for x in d))
