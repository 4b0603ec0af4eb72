"""Reading the user's data: tables (CSV, Parquet), text in a table, ``.npz`` arrays and
folders of images in class sub-folders, plus scikit-learn's bundled examples.

Everything the profile inference and the feasibility check know about data comes through
:func:`load_dataset` or :func:`load_example`, so both read it the same way and fail with the
same messages. One module a kind of input: :mod:`~advisor.data.tables`,
:mod:`~advisor.data.arrays`, :mod:`~advisor.data.images`, :mod:`~advisor.data.examples`;
each hands its features and target to :func:`~advisor.data.dataset.make_dataset`. A table
goes through :mod:`~advisor.data.reading` (cells, encodings, sampling) with
:mod:`~advisor.data.decimals` (decimal commas), then :mod:`~advisor.data.dates` (date
columns, time order) and :mod:`~advisor.data.target` (which column is the target).
"""

from __future__ import annotations

from advisor.data.dataset import Dataset, infer_task
from advisor.data.examples import EXAMPLES, load_example
from advisor.data.load import load_dataset
from advisor.data.tables import looks_like_text

__all__ = [
    "EXAMPLES",
    "Dataset",
    "infer_task",
    "load_dataset",
    "load_example",
    "looks_like_text",
]
