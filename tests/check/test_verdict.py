"""What a run may conclude: a verdict, no signal above the floor, or a family not measured."""

from __future__ import annotations

import numpy as np
import pytest

from advisor.check.result import ModelResult
from advisor.check.verdict import Judgement, beats_floor, judge

NOISE = np.array([0.01, -0.012, 0.004, -0.003, 0.008])


def model(name: str, family: str, folds, repeats=()) -> ModelResult:
    folds, repeats = tuple(float(s) for s in folds), tuple(float(s) for s in repeats)
    return ModelResult(
        name, family, float(np.mean(folds)), 0.01, 0.1, "ok", folds, repeat_scores=repeats
    )


FLOOR = model("dummy", "baseline", np.full(5, 0.5))


def test_a_family_without_a_score_is_not_measured_and_no_tie_is_made_up() -> None:
    ridge = model("logistic", "classical", 0.9 + NOISE)
    assert judge("roc_auc", ridge, None, FLOOR, test_share=0.25) == Judgement(
        "tie", "not_measured", None, None, ("deep_learning",)
    )
    both = judge("roc_auc", None, None, FLOOR, test_share=0.25)
    assert (both.outcome, both.unmeasured, both.margin) == (
        "not_measured",
        ("classical", "deep_learning"),
        None,
    )


def test_models_no_better_than_the_floor_beyond_noise_are_no_signal() -> None:
    """The classical model is steadily better than the network, but neither beats the floor:
    no verdict between them."""
    ridge = model("logistic", "classical", 0.5 + NOISE + 0.002)
    mlp = model("mlp", "deep_learning", 0.5 + NOISE - 0.02)
    judged = judge("roc_auc", ridge, mlp, FLOOR, test_share=0.25)
    assert (judged.verdict, judged.outcome) == ("tie", "no_signal")
    assert judged.margin == pytest.approx(-0.022)  # the numbers are kept


def test_one_family_above_the_floor_is_a_measured_verdict() -> None:
    ridge = model("logistic", "classical", 0.8 + NOISE)
    mlp = model("mlp", "deep_learning", 0.5 + NOISE)
    judged = judge("roc_auc", ridge, mlp, FLOOR, test_share=0.25)
    assert (judged.verdict, judged.outcome) == ("classical", "measured")


def test_for_an_error_metric_the_floor_is_beaten_by_a_lower_error() -> None:
    floor = model("dummy", "baseline", np.full(5, 10.0))
    assert beats_floor("rmse", model("ridge", "classical", 8.0 + NOISE), floor, test_share=0.25)
    assert not beats_floor(
        "rmse", model("ridge", "classical", 9.97 + NOISE), floor, test_share=0.25
    )


def test_the_repeated_passes_give_the_comparison_more_pairs() -> None:
    """Five pairs that are not consistent enough, and fifteen that are: the same paired rule,
    more pairs."""
    wobble = np.array([0.03, 0.0, 0.02, -0.005, 0.015])
    ridge = model("logistic", "classical", np.full(5, 0.9), np.full(10, 0.9))
    alone = model("mlp", "deep_learning", 0.9 + wobble)
    assert judge("accuracy", ridge, alone, FLOOR, test_share=0.25).verdict == "tie"
    repeated = model("mlp", "deep_learning", 0.9 + wobble, np.tile(0.9 + wobble, 2))
    judged = judge("accuracy", ridge, repeated, FLOOR, test_share=0.25)
    assert (judged.verdict, judged.outcome) == ("deep_learning", "measured")
    assert judged.p_value < 0.1 < judge("accuracy", ridge, alone, FLOOR, test_share=0.25).p_value


def test_the_floor_is_compared_on_the_repeats_only_when_it_ran_them() -> None:
    floor = model("dummy", "baseline", np.full(5, 0.5), np.full(10, 0.5))
    strong = model("logistic", "classical", 0.5 + np.full(5, 0.01), np.full(10, 0.5))
    # first pass: d = 0.01 every split; with the repeats: mean 0.0033, below δ
    assert beats_floor("accuracy", strong, FLOOR, test_share=0.25)
    assert not beats_floor("accuracy", strong, floor, test_share=0.25)
