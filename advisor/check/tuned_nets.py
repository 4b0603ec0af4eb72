"""The table networks with the settings the tuner searches: depth, dropout, weight decay.

Subclasses, so that the ladder's networks (:mod:`advisor.check.neural`,
:mod:`advisor.check.tabm_net`) keep their fixed settings and their code stays as it is;
width and learning rate are the networks' own parameters already.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from advisor.check.embedding import category_front
from advisor.check.neural import MLPNet, TorchEstimator, TrainSettings
from advisor.check.tabm_net import MEMBERS, TabMNet, _averaged


class _Tunable:
    """Mixin: a network's parameters plus ``depth``, ``dropout`` and AdamW's
    ``weight_decay``. Its ``__init__`` is the one scikit-learn reads the parameters from."""

    def __init__(
        self,
        *,
        task: str = "binary",
        width: int = 128,
        depth: int = 2,
        dropout: float = 0.1,
        weight_decay: float = 1e-4,
        max_epochs: int = 300,
        patience: int = 10,
        lr: float = 2e-3,
        batch_size: int | None = None,
        deadline: float | None = None,
        seed: int = 0,
        threads: int | None = None,
        categorical: int = 0,
    ) -> None:
        TorchEstimator.__init__(
            self,  # type: ignore[arg-type]
            task=task,
            width=width,
            max_epochs=max_epochs,
            patience=patience,
            lr=lr,
            batch_size=batch_size,
            deadline=deadline,
            seed=seed,
            threads=threads,
            categorical=categorical,
        )
        self.depth = depth
        self.dropout = dropout
        self.weight_decay = weight_decay

    def _train(self, X: Any, y: Any, train_rows: Any, val_rows: Any, settings: TrainSettings):
        tuned = dataclasses.replace(settings, weight_decay=self.weight_decay)
        return super()._train(X, y, train_rows, val_rows, tuned)  # type: ignore[misc]


class TunableMLP(_Tunable, MLPNet):
    """The MLP with ``depth`` hidden layers of ``width`` units and ``dropout`` after each."""

    def _module(self, X, n_outputs):
        from torch import nn

        front, inputs = category_front(self.n_features_in_, self.levels_)
        layers: list[Any] = [front]
        for _ in range(self.depth):
            layers += [
                nn.Linear(inputs, self.width),
                nn.BatchNorm1d(self.width),
                nn.ReLU(),
                nn.Dropout(self.dropout),
            ]
            inputs = self.width
        return nn.Sequential(*layers, nn.Linear(inputs, n_outputs))


class TunableTabM(_Tunable, TabMNet):
    """TabM with ``depth`` blocks of ``width`` units and ``dropout``."""

    def _module(self, X, n_outputs):
        import tabm
        from torch import nn

        front, inputs = category_front(self.n_features_in_, self.levels_)
        model = tabm.TabM.make(
            n_num_features=inputs,
            d_out=n_outputs,
            k=MEMBERS,
            n_blocks=self.depth,
            d_block=self.width,
            dropout=self.dropout,
        )
        return _averaged(nn.Sequential(front, model), classify=self.task != "regression")
