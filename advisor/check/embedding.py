"""Categorical columns as learned embeddings for the table networks.

One-hot encoding gives a network one input per level and caps the levels it can see; an
embedding gives each level a short learned vector (Guo and Berkhahn, 2016, "Entity
Embeddings of Categorical Variables"), which is what TabArena's strongest networks do with
categories. The table's feature step (:func:`advisor.check.features.table_features` with
``categories="codes"``) hands the network the category columns last, as integer codes
(unknown and infrequent levels share a code); :func:`category_embedding` turns them into
vectors in front of the network. PyTorch has the embedding layer but nothing that splits a
table's codes from its numbers, so that split is written here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# Most levels a column keeps its own code for; rarer levels share one (scikit-learn's
# infrequent category).
MAX_LEVELS = 64
MAX_DIM = 16  # an embedding's width at most


def embedding_dim(levels: int) -> int:
    """An embedding's width for a column of ``levels`` codes: fastai's rule of thumb
    (1.6 × levels^0.56), capped at ``MAX_DIM``."""
    return int(min(MAX_DIM, max(2, round(1.6 * levels**0.56))))


def code_levels(X: Any, categorical: int) -> tuple[int, ...]:
    """How many codes each of the last ``categorical`` columns of ``X`` needs: its largest
    code on these rows, plus one for the code of unknown levels (-1, shifted to 0)."""
    if not categorical:
        return ()
    codes = np.asarray(X)[:, -categorical:]
    return tuple(int(top) + 2 for top in np.nanmax(codes, axis=0))


def category_front(n_features: int, levels: tuple[int, ...]) -> tuple[Any, int]:
    """The module that embeds the last ``len(levels)`` columns of an ``n_features``-wide
    input and passes the numbers before them through, with its output's width."""
    from torch import nn

    if not levels:
        return nn.Identity(), n_features
    front = category_embedding(n_features - len(levels), levels)
    return front, front.out_features


def _embedding_class() -> type:
    """Defined in a function so that torch is imported only when a network trains."""
    import torch
    from torch import nn

    class _CategoryEmbedding(nn.Module):
        def __init__(self, numbers: int, levels: tuple[int, ...]) -> None:
            super().__init__()
            self.numbers = numbers
            self.register_buffer("top", torch.tensor([n - 1 for n in levels]))
            self.tables = nn.ModuleList(nn.Embedding(n, embedding_dim(n)) for n in levels)
            self.out_features = numbers + sum(embedding_dim(n) for n in levels)

        def forward(self, x: Any) -> Any:
            # Codes seen only outside the training rows fall back to the unknown code.
            codes = (x[:, self.numbers :].long() + 1).clamp(min=0)
            codes = torch.where(codes > self.top, torch.zeros_like(codes), codes)
            vectors = [table(codes[:, i]) for i, table in enumerate(self.tables)]
            return torch.cat([x[:, : self.numbers], *vectors], dim=1)

    return _CategoryEmbedding


def category_embedding(numbers: int, levels: tuple[int, ...]) -> Any:
    """An ``nn.Module``: ``numbers`` numeric columns passed through, then one embedding per
    code column with ``levels[i]`` codes, concatenated."""
    return _embedding_class()(numbers, levels)
