"""scikit-learn's bundled datasets, which need no download: the check's embedded default."""

from __future__ import annotations

import numpy as np
import pandas as pd

from advisor.data.dataset import Dataset, make_dataset
from advisor.errors import DataError
from advisor.terms import suggest

EXAMPLES = ("breast_cancer", "digits", "diabetes", "wine", "iris")


def load_example(name: str, *, task: str | None = None) -> Dataset:
    """One of scikit-learn's bundled datasets (no download): see :data:`EXAMPLES`."""
    if name not in EXAMPLES:
        raise DataError(
            f"Unknown example '{name}'{suggest(name, EXAMPLES)}. Examples: {', '.join(EXAMPLES)}."
        )
    from sklearn import datasets

    bunch = getattr(datasets, f"load_{name}")()
    if name == "digits":
        X = bunch.images[..., np.newaxis].astype(np.float32)
        y = bunch.target
        return make_dataset(
            X,
            y,
            task,
            modality="image",
            name=name,
            class_names=[str(c) for c in bunch.target_names],
        )
    frame = pd.DataFrame(bunch.data, columns=[str(c) for c in bunch.feature_names])
    names = [str(c) for c in getattr(bunch, "target_names", [])] if name != "diabetes" else []
    return make_dataset(
        frame, bunch.target, task, modality="tabular", name=name, target="target", class_names=names
    )
