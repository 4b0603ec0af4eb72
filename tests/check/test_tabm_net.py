"""TabM for small tables (advisor.check.tabm_net)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch

from advisor.check.messages import Stop
from advisor.check.tabm_net import MEMBERS, TabMNet


def test_tabm_trains_every_member_and_predicts_their_average() -> None:
    X = np.random.default_rng(0).normal(size=(200, 5)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    net = TabMNet(task="binary", width=32, max_epochs=5).fit(X, y)
    batch = torch.as_tensor(X[:7])
    net.module_.train()
    members = net.module_(batch)
    net.module_.eval()
    assert members.shape == (7, MEMBERS, 2)
    with torch.no_grad():
        mean = torch.softmax(net.module_.model(batch), dim=-1).mean(dim=1).numpy()
    np.testing.assert_allclose(net.predict_proba(X[:7]), mean, rtol=1e-5)
    # The members differ: an ensemble, not one network copied.
    assert not torch.allclose(members[:, 0], members[:, 1])


def test_tabm_regresses_on_the_scale_of_the_target() -> None:
    X = np.random.default_rng(0).normal(size=(300, 3)).astype(np.float32)
    y = 100.0 + 20.0 * X[:, 0]
    net = TabMNet(task="regression", width=64).fit(X, y)
    assert net.predict(X).shape == (300,)
    assert np.sqrt(np.mean((net.predict(X) - y) ** 2)) < 5.0  # the spread of y is 20


def test_tabm_stops_at_its_deadline_with_its_best_weights() -> None:
    X = np.random.default_rng(0).normal(size=(120, 4)).astype(np.float32)
    net = TabMNet(deadline=0.0).fit(X, (X[:, 0] > 0).astype(int))
    assert (net.stopped_by_, net.n_epochs_) == (Stop.DEADLINE, 1)
    assert net.predict(X).shape == (120,)


@pytest.mark.slow
def test_tabm_beats_the_mlp_on_a_small_table_with_noise_columns() -> None:
    """Thresholds on 2 of 20 columns decide the label, 400 training rows: the ensemble
    of TabM resists the noise columns that a single MLP fits."""
    from sklearn.metrics import roc_auc_score

    from advisor.check.neural import MLPNet

    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(600, 20)).astype(np.float32)
    y = ((X[:, 0] > 0.3) ^ (X[:, 1] > -0.2)).astype(int)
    scores = {}
    for kind in (TabMNet, MLPNet):
        net = kind(task="binary", width=128).fit(X[:400], y[:400])
        scores[kind.__name__] = roc_auc_score(y[400:], net.predict_proba(X[400:])[:, 1])
    assert scores["TabMNet"] > scores["MLPNet"] + 0.05, scores


def test_training_tabm_does_not_import_torch_dynamo() -> None:
    script = (
        "import sys, numpy as np\n"
        "from advisor.check.tabm_net import TabMNet\n"
        "X = np.random.default_rng(0).normal(size=(120, 4)).astype('float32')\n"
        "TabMNet(max_epochs=3).fit(X, (X[:, 0] > 0).astype(int)).predict(X)\n"
        "print('torch._dynamo' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
