"""TabM (Gorishniy et al., ICLR 2025) for small tables, on the networks' training loop.

TabM trains ``k`` MLPs at once as one network: they share their weights except for
cheap per-member scalings (BatchEnsemble), each is trained on its own loss, and their
predictions are averaged. TabArena (NeurIPS 2025) ranks it first among tabular networks.
The ``tabm`` package builds the module; :class:`~advisor.check.neural.TorchEstimator`
trains it like the other networks (AdamW, early stopping on inner validation data, the
deadline checked every batch). It costs about ``k`` times an MLP of its width an epoch,
so the ladder uses it where that is cheap (see ``TABM_MAX_ROWS`` in ladder.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from advisor.check.embedding import category_front, code_levels
from advisor.check.neural import TorchEstimator

MEMBERS = 8  # k: most of the ensemble's gain at a quarter of the default 32 members' cost
BLOCKS = 2  # hidden layers of each member


class TabMNet(TorchEstimator):
    """TabM of ``MEMBERS`` members, ``BLOCKS`` hidden layers of ``width`` units, for
    scaled table columns and embedded category columns (``categorical``). In training it
    outputs every member's predictions (each member learns on its own loss); in evaluation
    their average: the mean of the members' class probabilities (as log-probabilities) or
    of their values."""

    def _fit_inputs(self, X: Any) -> None:
        self.n_features_in_ = np.asarray(X).shape[1]
        self.levels_ = code_levels(X, self.categorical)

    def _batch(self, X, index):
        import torch

        return (torch.as_tensor(np.asarray(X[index], dtype=np.float32)),)

    def _module(self, X, n_outputs):
        import tabm
        from torch import nn

        front, inputs = category_front(self.n_features_in_, self.levels_)
        model = tabm.TabM.make(
            n_num_features=inputs,
            d_out=n_outputs,
            k=MEMBERS,
            n_blocks=BLOCKS,
            d_block=self.width,
            dropout=0.1,
        )
        return _averaged(nn.Sequential(front, model), classify=self.task != "regression")

    def _loss(self) -> Any:
        import torch

        classify = self.task != "regression"
        base = torch.nn.CrossEntropyLoss() if classify else torch.nn.MSELoss()

        def loss(output: Any, y: Any) -> Any:
            if output.dim() == 3:  # training: every member's predictions, B × k × outputs
                members = output.shape[1]
                return base(output.flatten(0, 1), y.repeat_interleave(members, dim=0))
            if classify:  # evaluation: the average's log-probabilities
                return torch.nn.functional.nll_loss(output, y)
            return base(output, y)

        return loss


def _averaged(model: Any, *, classify: bool) -> Any:
    """``model`` (B × k × outputs) whose evaluation output is the members' average; built
    in a function so that torch is imported only when a network trains."""
    import torch
    from torch import nn

    class Averaged(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, x):
            output = self.model(x)
            if self.training:
                return output
            if classify:
                return torch.log(torch.softmax(output, dim=-1).mean(dim=1) + 1e-12)
            return output.mean(dim=1)

    return Averaged()
