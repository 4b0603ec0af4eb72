"""The training pieces written out by hand: AdamW, and boosting in timed chunks."""

from __future__ import annotations

import copy
import subprocess
import sys
import time

import numpy as np
import torch
from sklearn.datasets import load_breast_cancer

from advisor.check.candidates import BoostingUntil
from advisor.check.neural import AdamW, MLPNet


def test_adamw_makes_the_same_steps_as_torch_optim() -> None:
    torch.manual_seed(0)
    ours = torch.nn.Sequential(
        torch.nn.Linear(5, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(), torch.nn.Linear(8, 2)
    )
    theirs, start = copy.deepcopy(ours), copy.deepcopy(ours)
    mine = AdamW(ours.parameters(), lr=1e-2, weight_decay=0.05)
    reference = torch.optim.AdamW(theirs.parameters(), lr=1e-2, weight_decay=0.05)
    x, y = torch.randn(32, 5), torch.randn(32, 2)
    for _ in range(25):
        for module, optimizer in ((ours, mine), (theirs, reference)):
            optimizer.zero_grad()
            torch.nn.functional.mse_loss(module(x), y).backward()
            optimizer.step()
    for a, b in zip(ours.parameters(), theirs.parameters(), strict=True):
        torch.testing.assert_close(a, b)
    moved = zip(start.parameters(), ours.parameters(), strict=True)
    assert any(not torch.equal(a, b) for a, b in moved)


def test_training_a_network_does_not_import_torch_dynamo() -> None:
    # torch.optim imports torch._dynamo at its first step: 1.5 s of every check's budget.
    script = (
        "import sys, numpy as np\n"
        "from advisor.check.neural import MLPNet\n"
        "X = np.random.default_rng(0).normal(size=(120, 4)).astype('float32')\n"
        "MLPNet(max_epochs=3).fit(X, (X[:, 0] > 0).astype(int)).predict(X)\n"
        "print('torch._dynamo' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_boosting_in_chunks_ends_where_one_fit_would() -> None:
    X, y = load_breast_cancer(return_X_y=True)
    whole = BoostingUntil(seed=0).fit(X, y)
    chunked = BoostingUntil(seed=0, deadline=time.monotonic() + 60).fit(X, y)
    assert chunked.model_.n_iter_ == whole.model_.n_iter_
    assert chunked.stopped_by_ == "early_stopping"
    np.testing.assert_allclose(chunked.predict_proba(X), whole.predict_proba(X))


def test_boosting_on_pixels_fits_with_its_lighter_settings() -> None:
    from sklearn.datasets import load_digits

    from advisor.check.candidates import context_for, ladder

    digits = load_digits()
    X = digits.images[..., None]
    context = context_for(X, "multiclass", "image", rows=1437, seed=0, text_column=None)
    boosting = next(c for c in ladder(context) if c.name == "pixels_gradient_boosting")
    model = boosting.build(context, None).fit(X[:300], digits.target[:300])
    settings = model.steps[-1][1].model_.get_params()
    assert (settings["learning_rate"], settings["max_leaf_nodes"]) == (0.2, 15)


def test_boosting_past_its_deadline_stops_after_the_first_chunk() -> None:
    X, y = load_breast_cancer(return_X_y=True)
    late = BoostingUntil(seed=0, deadline=time.monotonic() - 1).fit(X, y)
    assert late.stopped_by_ == "deadline"
    assert late.model_.n_iter_ == 25


def test_a_network_on_a_few_rows_stops_once_its_loss_stops_falling_by_min_delta() -> None:
    from sklearn.datasets import load_wine
    from sklearn.preprocessing import StandardScaler

    X, y = load_wine(return_X_y=True)
    rows = np.random.default_rng(0).permutation(len(y))[:36]
    X = StandardScaler().fit_transform(X[rows]).astype(np.float32)
    net = MLPNet(task="multiclass").fit(X, y[rows])
    # Six validation rows: without a minimum step the loss crept down for 115 epochs.
    assert net.stopped_by_ == "early_stopping"
    assert net.n_epochs_ < 80


def test_a_curve_fit_trains_no_more_epochs_than_it_is_given() -> None:
    import pandas as pd

    from advisor.check.candidates import context_for, fit_and_score, ladder

    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    X = pd.DataFrame(X)
    context = context_for(X, "binary", "tabular", rows=400, seed=0, text_column=None)
    mlp = next(c for c in ladder(context) if c.name == "mlp")
    rows = np.arange(len(y))
    free = fit_and_score(mlp, context, X, y.to_numpy(), rows[:400], rows[400:], ("roc_auc",))
    capped = fit_and_score(
        mlp, context, X, y.to_numpy(), rows[:400], rows[400:], ("roc_auc",), max_epochs=3
    )
    assert free["epochs"] > 3
    assert capped["epochs"] == 3


def test_a_curve_follows_unless_most_splits_were_stopped_while_improving() -> None:
    from advisor.check.worker import curve_after

    def splits(stopped: int) -> list[dict]:
        return [{"stopped_by": "deadline" if i < stopped else "early_stopping"} for i in range(5)]

    assert curve_after(splits(0)) and curve_after(splits(2))
    assert not curve_after(splits(3)) and not curve_after(splits(5))


def test_a_capped_network_curve_shares_its_time_evenly_between_fits(monkeypatch) -> None:
    """A capped network's small-share fits see as many examples as its large-share ones,
    in more epochs; they get as much time, where other candidates' get less."""
    from advisor.check import worker
    from advisor.check.candidates import context_for, ladder

    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    context = context_for(X, "binary", "tabular", rows=400, seed=0, text_column=None)
    mlp = next(c for c in ladder(context) if c.name == "mlp")
    folds = tuple((np.arange(0, 400), np.arange(400, 569)) for _ in range(2))

    def shares(epochs: list[int] | None) -> list[float]:
        allotted = []

        def fit(candidate, small, X, y, train, test, metrics, deadline, max_epochs):
            allotted.append(deadline - time.monotonic())
            return {"epochs": max_epochs, "stopped_by": "early_stopping", "scores": {}}

        monkeypatch.setattr(worker, "fit_and_score", fit)
        end = time.monotonic() + 100.0
        worker.learning_curve(
            lambda _: None,
            mlp,
            context,
            X,
            y.to_numpy(),
            folds,
            ("roc_auc",),
            (0.25, 0.5),
            end,
            epochs=epochs,
        )
        return [round(a / allotted[0], 1) for a in allotted]

    # Each fit returns at once, so each later one shares the same time among fewer fits.
    assert shares([20, 20]) == [1.0, 1.3, 2.0, 4.0]  # 1/4 of it, then 1/3, 1/2, all
    assert shares(None) == [1.0, 1.2, 3.0, 6.0]  # 0.25/1.5, 0.25/1.25, 0.5/1.0, 0.5/0.5


def test_the_cnn_learns_digits_and_stops_early() -> None:
    """The narrow channels-last CNN scores over 0.98 on one digits split, and early
    stopping ends it within 35 epochs (the 16-32-32 network it replaced needed 55)."""
    from sklearn.datasets import load_digits

    from advisor.check.candidates import context_for, fit_and_score, ladder

    digits = load_digits()
    X, y = digits.images[..., None], digits.target
    rows = np.random.default_rng(0).permutation(len(y))
    train, test = rows[:1437], rows[1437:]
    context = context_for(X, "multiclass", "image", rows=len(train), seed=0, text_column=None)
    cnn = next(c for c in ladder(context) if c.name == "cnn")
    result = fit_and_score(cnn, context, X, y, train, test, ("accuracy",))
    assert result["stopped_by"] == "early_stopping"
    assert result["epochs"] < 35, result["epochs"]
    assert result["scores"]["accuracy"] > 0.98


def test_a_larger_table_gets_a_narrower_mlp_and_its_curve_fits_keep_it() -> None:
    import dataclasses

    import pandas as pd

    from advisor.check.candidates import context_for, ladder

    X = pd.DataFrame(np.zeros((10, 3)), columns=["a", "b", "c"])

    def width(context) -> int:
        mlp = next(c for c in ladder(context) if c.name == "mlp")
        return mlp.build(context, None).steps[-1][1].width

    small = context_for(X, "binary", "tabular", rows=500, seed=0, text_column=None)
    large = context_for(X, "binary", "tabular", rows=2400, seed=0, text_column=None)
    assert (width(small), width(large)) == (256, 128)
    # A learning curve's 25 % fit (600 rows; see worker.learning_curve) trains the same network.
    assert width(dataclasses.replace(large, rows=600)) == 128
