"""The candidates for each kind of data and how they are built (advisor.check.ladder)."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import pytest

from advisor.check.ladder import (
    HOG_SVM_C,
    SVM_MAX_ROWS,
    TABM_MAX_ROWS,
    Candidate,
    Context,
    build_dummy,
    build_hog_svm,
    build_svm,
    context_for,
    ladder,
)


def _named(context: Context, name: str) -> Candidate:
    return next(c for c in ladder(context) if c.name == name)


@pytest.mark.parametrize(
    ("task", "modality", "names"),
    [
        ("binary", "tabular", "dummy logistic hist_gradient_boosting xgboost svm mlp"),
        ("regression", "tabular", "dummy ridge hist_gradient_boosting xgboost svm mlp"),
        (
            "multiclass",
            "image",
            "dummy hog_svm hog_logistic pixels_logistic pixels_svm pixels_gradient_boosting cnn",
        ),
        ("binary", "text", "dummy tfidf_logistic tfidf_naive_bayes tfidf_linear_svm text_net"),
    ],
    ids=["tabular", "tabular-regression", "image", "text"],
)
def test_each_kind_of_data_has_its_ladder(task, modality, names) -> None:
    names = names.split()
    rungs = ladder(Context(task, modality, rows=100, seed=0, text_column="t"))
    assert [c.name for c in rungs] == names
    assert [c.skip for c in rungs] == [None] * len(names)
    # Only the floor runs in the caller's process; every network stops at its deadline.
    assert [c.isolated for c in rungs] == [False] + [True] * (len(names) - 1)
    assert all(c.cooperative for c in rungs if c.family == "deep_learning")


def test_dummy_is_the_floor_of_every_ladder() -> None:
    from sklearn.dummy import DummyClassifier

    for modality in ("tabular", "image", "text"):
        context = Context("binary", modality, rows=100, seed=0, text_column="t")
        assert ladder(context)[0].family == "baseline"
        assert ladder(context)[-1].family == "deep_learning"
    assert isinstance(build_dummy(context, None), DummyClassifier)


def test_image_svm_tunes_c_on_small_data_only() -> None:
    small = Context("multiclass", "image", rows=500, seed=0)
    search = build_svm(small, None).steps[-1][1]
    assert search.param_grid == {"C": [1.0, 10.0]} and search.cv == 3
    big = Context("multiclass", "image", rows=3_000, seed=0)
    assert build_svm(big, None).steps[-1][1].C == 1.0  # one fit, no search
    # On pixels it shares one scale across them (see test_features).
    names = [name for name, _ in build_svm(big, None).steps]
    assert names == ["pixelfeatures", "pixelscale", "svc"]


def test_the_hog_svm_fits_once_with_its_c_for_classes_and_searches_c_for_numbers() -> None:
    classes = build_hog_svm(Context("multiclass", "image", rows=500, seed=0), None)
    assert [name for name, _ in classes.steps] == ["hogfeatures", "svc"]
    assert classes.steps[-1][1].C == HOG_SVM_C
    numbers = build_hog_svm(Context("regression", "image", rows=500, seed=0), None)
    assert numbers.steps[-1][1].param_grid == {"C": [1.0, 10.0]}


def test_text_regression_skips_the_classifiers_and_says_why() -> None:
    rungs = ladder(Context("regression", "text", rows=100, seed=0, text_column="t"))
    skipped = {c.name: c.skip for c in rungs if c.skip}
    assert skipped == {
        "tfidf_naive_bayes": "skipped: naive Bayes is for classification",
        "tfidf_linear_svm": "skipped: linear SVM here is for classification",
    }
    assert _named(Context("regression", "text", 100, 0, text_column="t"), "tfidf_ridge")


def test_the_svm_is_skipped_on_many_rows() -> None:
    big = Context("binary", "tabular", rows=SVM_MAX_ROWS + 1, seed=0)
    assert _named(big, "svm").skip == "skipped: more than 5,000 training rows"
    assert _named(dataclasses.replace(big, rows=SVM_MAX_ROWS), "svm").skip is None


def test_every_candidate_builds_a_fresh_estimator() -> None:
    context = Context("binary", "tabular", rows=100, seed=0, numeric=("a",))
    for candidate in ladder(context):
        first, second = candidate.build(context, None), candidate.build(context, None)
        assert first is not second, candidate.name
        assert hasattr(first, "fit"), candidate.name


def test_context_for_a_table_sorts_its_columns_by_kind() -> None:
    frame = pd.DataFrame({"age": [30, 40], "city": ["Oslo", "Rome"], "review": ["a", "b"]})
    context = context_for(frame, "binary", "text", rows=2, seed=3, text_column="review")
    assert (context.numeric, context.categorical) == (("age",), ("city",))
    assert (context.text_column, context.seed, context.threads) == ("review", 3, 1)


def test_context_for_images_has_no_columns() -> None:
    context = context_for(
        np.zeros((4, 8, 8, 1)), "binary", "image", rows=4, seed=0, text_column=None
    )
    assert (context.numeric, context.categorical, context.text_column) == ((), (), None)


def test_boosting_on_pixels_fits_with_its_lighter_settings() -> None:
    from sklearn.datasets import load_digits

    digits = load_digits()
    X = digits.images[..., None]
    context = context_for(X, "multiclass", "image", rows=1437, seed=0, text_column=None)
    boosting = _named(context, "pixels_gradient_boosting")
    model = boosting.build(context, None).fit(X[:300], digits.target[:300])
    settings = model.steps[-1][1].model_.get_params()
    assert (settings["learning_rate"], settings["max_leaf_nodes"]) == (0.2, 15)


def test_a_small_table_gets_tabm_a_larger_one_the_mlp_and_curve_fits_keep_it() -> None:
    from advisor.check.neural import MLPNet
    from advisor.check.tabm_net import TabMNet

    X = pd.DataFrame(np.zeros((10, 3)), columns=["a", "b", "c"])

    def network(context: Context) -> Any:
        (net,) = [c for c in ladder(context) if c.family == "deep_learning"]
        return net.name, type(net.build(context, None).steps[-1][1])

    small = context_for(X, "binary", "tabular", rows=TABM_MAX_ROWS - 1, seed=0, text_column=None)
    large = context_for(X, "binary", "tabular", rows=TABM_MAX_ROWS, seed=0, text_column=None)
    assert network(small) == ("tabm", TabMNet)
    assert network(large) == ("mlp", MLPNet)
    # A learning curve's 25 % fit trains the same network as the full fit.
    assert network(dataclasses.replace(large, rows=TABM_MAX_ROWS // 4)) == ("mlp", MLPNet)


def test_the_cnn_is_built_for_small_batches_and_a_short_patience() -> None:
    context = Context("multiclass", "image", rows=1000, seed=0)
    net = _named(context, "cnn").build(context, 123.0).steps[-1][1]
    assert (net.lr, net.patience, net.batch_size, net.deadline) == (5e-3, 6, 64, 123.0)


def _free_text(rng: np.random.Generator, rows: int) -> list[str]:
    words = np.array([f"w{i}" for i in range(300)])
    return [" ".join(rng.choice(words, size=12)) for _ in range(rows)]


def test_context_for_a_table_puts_its_dates_apart() -> None:
    frame = pd.DataFrame(
        {"day": pd.date_range("2024-01-01", periods=2, tz="UTC"), "x": [1, 2], "c": ["a", "b"]}
    )
    context = context_for(frame, "binary", "tabular", rows=2, seed=0, text_column=None)
    assert (context.dates, context.numeric, context.categorical) == (("day",), ("x",), ("c",))


def test_text_beside_other_columns_gets_the_table_ladder_and_text_alone_the_text_one() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0], "note": ["a b c d", "e f g h"]})
    mixed = context_for(frame, "binary", "text", rows=2, seed=0, text_column="note")
    alone = context_for(frame[["note"]], "binary", "text", rows=2, seed=0, text_column="note")
    assert (mixed.text_only, alone.text_only) == (False, True)
    names = ["dummy", "logistic", "hist_gradient_boosting", "xgboost", "svm", "tabm"]
    assert [c.name for c in ladder(mixed)] == names
    assert [c.name for c in ladder(alone)][-1] == "text_net"


def test_free_text_beside_a_number_that_decides_the_label_is_one_input_among_them() -> None:
    """The issue's table: the number nearly decides the label, the text is noise. Read as
    text only, every model scored ROC AUC 0.53 to 0.58."""
    from advisor.check.fitting import fit_and_score

    rng = np.random.default_rng(0)
    score = rng.normal(size=500)
    frame = pd.DataFrame({"score": score, "comment": _free_text(rng, 500)})
    y = (score + 0.2 * rng.normal(size=500) > 0).astype(int)
    context = context_for(frame, "binary", "text", rows=400, seed=0, text_column="comment")
    rows = np.arange(500)
    # The linear model reads the text's whole TF-IDF beside the number, trees its key terms.
    for name in ("logistic", "xgboost"):
        fit = fit_and_score(
            _named(context, name), context, frame, y, rows[:400], rows[400:], ("roc_auc",)
        )
        assert fit.scores["roc_auc"] > 0.9, name


def test_dates_become_features_every_side_learns_from() -> None:
    """Sales rise at weekends; the rows of the last weeks are scored. As categories, the
    dates of the test weeks were never seen in training."""
    from advisor.check.fitting import fit_and_score

    rng = np.random.default_rng(0)
    days = pd.date_range("2022-01-01", periods=600, freq="D")
    frame = pd.DataFrame({"day": days, "price": rng.uniform(5, 15, size=600)})
    y = 100 + 10.0 * (days.day_of_week >= 5) + rng.normal(size=600)
    context = context_for(frame, "regression", "tabular", rows=500, seed=0, text_column=None)
    assert context.dates == ("day",)
    rows = np.arange(600)
    floor = fit_and_score(
        _named(context, "dummy"), context, frame, y, rows[:500], rows[500:], ("rmse",)
    )
    assert floor.scores["rmse"] > 4.0
    scores = {
        name: fit_and_score(
            _named(context, name), context, frame, y, rows[:500], rows[500:], ("rmse",)
        ).scores["rmse"]
        for name in ("hist_gradient_boosting", "xgboost", context.table_net)
    }
    # Trees find the weekend step almost exactly; the network comes most of the way.
    assert scores["hist_gradient_boosting"] < 1.5 and scores["xgboost"] < 1.5, scores
    assert scores[context.table_net] < floor.scores["rmse"] / 2, scores


def test_hog_with_a_logistic_model_beats_the_pixels_on_digits() -> None:
    from sklearn.datasets import load_digits

    from advisor.check.fitting import fit_and_score

    digits = load_digits()
    X, y = digits.images[..., None], digits.target
    rows = np.random.default_rng(0).permutation(len(y))
    train, test = rows[:400], rows[400:1000]
    context = context_for(X, "multiclass", "image", rows=400, seed=0, text_column=None)
    scores = {
        name: fit_and_score(
            _named(context, name), context, X, y, train, test, ("accuracy",)
        ).scores["accuracy"]
        for name in ("pixels_logistic", "hog_logistic")
    }
    assert scores["hog_logistic"] > scores["pixels_logistic"] + 0.01, scores
