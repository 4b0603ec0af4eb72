"""scikit-learn's bundled examples, read without a download."""

from __future__ import annotations

import pytest

from advisor.data import load_example
from advisor.errors import DataError


def test_examples_ship_with_scikit_learn() -> None:
    digits = load_example("digits")
    assert (digits.modality, digits.X.shape[1:]) == ("image", (8, 8, 1))
    assert load_example("diabetes").task == "regression"


def test_unknown_example_suggests() -> None:
    with pytest.raises(DataError) as caught:
        load_example("iriss")
    assert str(caught.value) == (
        "Unknown example 'iriss' (did you mean 'iris'?). "
        "Examples: breast_cancer, digits, diabetes, wine, iris."
    )
