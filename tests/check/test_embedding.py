"""Category columns reach the table networks as codes and are embedded, not one-hot."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from advisor.check.embedding import MAX_DIM, category_front, code_levels, embedding_dim
from advisor.check.features import net_features
from advisor.check.ladder import Context, build_table_net
from advisor.check.neural import MLPNet
from advisor.check.tabm_net import TabMNet


def _levels_table(rows: int = 600, levels: int = 40, seed: int = 0):
    """A target decided by which of many levels a row has (each level its own effect) plus
    one number: one-hot capped at 20 levels loses most of the levels."""
    rng = np.random.default_rng(seed)
    city = rng.integers(0, levels, rows)
    effect = rng.normal(size=levels) * 2
    x = rng.normal(size=rows)
    y = (effect[city] + x + 0.3 * rng.normal(size=rows) > 0).astype(int)
    frame = pd.DataFrame({"x": x, "city": [f"c{c}" for c in city]})
    frame.loc[rng.random(rows) < 0.05, "city"] = None  # missing is a level of its own
    return frame, y


def _context(frame, rows: int) -> Context:
    return Context("binary", "tabular", rows, 0, numeric=("x",), categorical=("city",))


def test_codes_come_last_one_column_per_category() -> None:
    frame, y = _levels_table()
    features = net_features(_context(frame, len(y))).fit(frame, y)
    out = features.transform(frame)
    assert out.shape == (len(y), 2) and out.dtype == np.float32
    codes = out[:, -1]
    # 40 levels and the missing one, each its own code, counted from 0
    assert set(np.unique(codes)) == set(range(41))
    unseen = pd.DataFrame({"x": [0.0], "city": ["never seen"]})
    assert features.transform(unseen)[0, -1] == -1
    assert code_levels(out, 1) == (42,)  # 41 codes and the unknown one
    assert code_levels(out, 0) == ()


def test_embedding_widths_follow_the_rule_and_are_capped() -> None:
    assert [embedding_dim(n) for n in (2, 10, 42)] == [2, 6, 13]
    assert embedding_dim(100_000) == MAX_DIM
    front, width = category_front(3, (5, 42))
    assert width == 1 + embedding_dim(5) + embedding_dim(42)
    x = torch.tensor([[0.5, 2.0, 40.0], [1.5, -1.0, 41.0]])  # the last code; one past it
    out = front(x)
    assert out.shape == (2, width)
    assert torch.equal(out[:, 0], x[:, 0])  # the numbers pass through
    unknown = front.tables[1](torch.tensor([0]))[0]
    assert torch.equal(out[1, 1 + embedding_dim(5) :], unknown)  # past the last code: unknown
    assert not torch.equal(out[0, 1 + embedding_dim(5) :], unknown)


@pytest.mark.parametrize("kind", ["mlp", "tabm"])
def test_table_networks_learn_each_levels_own_effect(kind) -> None:
    frame, y = _levels_table(rows=400, levels=20)
    context = Context(
        "binary", "tabular", len(y), 0, numeric=("x",), categorical=("city",), table_net=kind
    )
    model = build_table_net(context, None)
    net = model.steps[-1][1]
    assert isinstance(net, TabMNet if kind == "tabm" else MLPNet) and net.categorical == 1
    step = model.steps[-1][0]
    model.set_params(**{f"{step}__max_epochs": 40, f"{step}__threads": 1})
    train, test = train_test_split(np.arange(len(y)), test_size=0.3, random_state=0, stratify=y)
    fitted = model.fit(frame.iloc[train], y[train])
    score = roc_auc_score(y[test], fitted.predict_proba(frame.iloc[test])[:, 1])
    # Without the city the number alone gives about 0.65; each level's effect lifts it.
    assert score > 0.85, score
    modules = list(fitted.steps[-1][1].module_.modules())
    assert any(isinstance(m, torch.nn.Embedding) for m in modules)


def test_a_table_without_categories_has_no_embedding() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    net = make_pipeline(MLPNet(task="binary", max_epochs=3)).fit(X, y)[-1]
    assert net.levels_ == ()
    assert not any(isinstance(m, torch.nn.Embedding) for m in net.module_.modules())
