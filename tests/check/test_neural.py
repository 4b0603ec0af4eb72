"""The networks and their hand-written training pieces (advisor.check.neural)."""

from __future__ import annotations

import copy
import subprocess
import sys

import numpy as np
import torch

from advisor.check.messages import Stop
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
    # torch.optim imports torch._dynamo at its first step, out of every check's budget.
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


def test_a_network_on_a_few_rows_stops_once_its_loss_stops_falling_by_min_delta() -> None:
    from sklearn.datasets import load_wine
    from sklearn.preprocessing import StandardScaler

    X, y = load_wine(return_X_y=True)
    rows = np.random.default_rng(0).permutation(len(y))[:36]
    X = StandardScaler().fit_transform(X[rows]).astype(np.float32)
    net = MLPNet(task="multiclass").fit(X, y[rows])
    # Six validation rows: without a minimum step the loss creeps down for a hundred epochs.
    assert net.stopped_by_ is Stop.EARLY_STOPPING
    assert net.n_epochs_ < 80


def test_a_network_past_its_deadline_says_how_the_clock_stopped_it() -> None:
    X = np.random.default_rng(0).normal(size=(120, 4)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    net = MLPNet(deadline=0.0).fit(X, y)  # monotonic time 0 is long past
    # Its one epoch bettered the loss it started from: it was stopped while improving.
    assert net.stopped_by_ is Stop.DEADLINE
    assert net.n_epochs_ == 1
    assert net.predict(X).shape == (120,)


def test_a_network_allowed_few_epochs_says_it_ran_them_all() -> None:
    X = np.random.default_rng(0).normal(size=(120, 4)).astype(np.float32)
    net = MLPNet(task="regression", max_epochs=2).fit(X, X[:, 0] * 2.0)
    assert (net.stopped_by_, net.n_epochs_) == (Stop.MAX_EPOCHS, 2)


def test_the_cnn_learns_digits_and_stops_early() -> None:
    """The CNN scores over 0.98 on one digits split, and early stopping, not the epoch cap,
    ends it within 35 epochs."""
    from sklearn.datasets import load_digits

    from advisor.check.fitting import fit_and_score
    from advisor.check.ladder import context_for, ladder

    digits = load_digits()
    X, y = digits.images[..., None], digits.target
    rows = np.random.default_rng(0).permutation(len(y))
    train, test = rows[:1437], rows[1437:]
    context = context_for(X, "multiclass", "image", rows=len(train), seed=0, text_column=None)
    cnn = next(c for c in ladder(context) if c.name == "cnn")
    result = fit_and_score(cnn, context, X, y, train, test, ("accuracy",))
    assert result.stopped_by is Stop.EARLY_STOPPING
    assert result.epochs < 35, result.epochs
    assert result.scores["accuracy"] > 0.98


def test_the_mlp_reads_a_text_column_beside_the_numbers() -> None:
    """The label is 1 when the amount is high or the comment asks for a refund: either
    input alone ranks the rows at ROC AUC 0.77 or 0.82; only both reach 1."""
    import pandas as pd

    from advisor.check.fitting import fit_and_score
    from advisor.check.ladder import context_for, ladder

    rng = np.random.default_rng(0)
    words = np.array([f"w{i}" for i in range(300)])
    amount, refund = rng.uniform(-1, 1, size=2000), rng.random(2000) < 1 / 3
    comments = [" ".join(rng.choice(words, size=12)) + (" refund" if r else "") for r in refund]
    frame = pd.DataFrame({"amount": amount, "comment": comments})
    y = ((amount > 0.5) | refund).astype(int)
    context = context_for(frame, "binary", "text", rows=1500, seed=0, text_column="comment")
    mlp = next(c for c in ladder(context) if c.name == "mlp")
    rows = np.arange(2000)
    fit = fit_and_score(mlp, context, frame, y, rows[:1500], rows[1500:], ("roc_auc",))
    assert fit.scores["roc_auc"] > 0.97
