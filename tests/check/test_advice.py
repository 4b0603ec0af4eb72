"""The advice on a tie that too small a budget may explain, and its estimates."""

from __future__ import annotations

import pytest

from advisor.check.advice import Run, advise, nice_seconds
from advisor.check.curve import Trend
from advisor.check.result import DeadlineStops, ModelResult

RUN = Run(
    metric="accuracy",
    budget=60.0,
    start_up=4.0,
    rows=2_000,
    rows_total=2_000,
    seconds_for_rows=lambda rows: rows / 100,
)


def network(while_improving: int = 0, on_plateau: int = 0) -> ModelResult:
    return ModelResult(
        "mlp", "deep_learning", 0.9, 0.01, 2.34, "ok", (0.9,) * 5,
        deadline_stops=DeadlineStops(while_improving, on_plateau),
    )  # fmt: skip


# The gap moves from -0.03 at 400 training rows to -0.01 at 1,600: +0.01 per doubling.
GAINING = Trend(0.25, 1.0, 400, 1_600, (-0.03, -0.02, -0.01), noise=0.005)
FLAT = Trend(0.25, 1.0, 400, 1_600, (-0.01, -0.012, -0.01), noise=0.005)


def test_a_network_cut_off_while_improving_gets_the_budget_that_doubles_its_time() -> None:
    assert advise("tie", "measured", network(while_improving=3), None, RUN) == (
        "The budget was too small to tell: mlp was still improving when its time ran out in 3 "
        "of 5 splits (2.3 s of training per split). A --budget of about 120 s doubles its "
        "training time (its share of the budget is fixed); if it is still cut off there, "
        "double it again."
    )  # 4 s of start-up + 2 × 56 s = 116 s, rounded up


@pytest.mark.parametrize(
    ("verdict", "outcome", "model", "trend"),
    [
        ("tie", "measured", network(), None),
        ("tie", "measured", network(on_plateau=5), FLAT),  # settled, and no gain
        ("classical", "measured", network(while_improving=5), GAINING),  # it was decided
        ("tie", "no_signal", network(while_improving=5), GAINING),  # nothing to learn
        ("tie", "not_measured", None, None),
    ],
    ids=["finished", "on-a-plateau", "decided", "no-signal", "not-measured"],
)
def test_no_advice_when_time_would_not_change_the_answer(verdict, outcome, model, trend) -> None:
    assert advise(verdict, outcome, model, trend, RUN) is None


def test_a_gaining_curve_on_all_the_rows_says_more_data_would_tell() -> None:
    assert advise("tie", "measured", network(), GAINING, RUN) == (
        "The data may be too small to tell: deep learning gains 0.0100 per doubling of the "
        "training rows (400 to 1,600) and trails by 0.0100 with all of them; at that pace it "
        "would lead by more than 0.0050 at about 8,000 rows. This data has 2,000 rows, so a "
        "larger budget adds none: more data would settle it."
    )


def test_a_gaining_curve_on_a_sample_gets_the_budget_that_samples_enough_rows() -> None:
    sampled = Run("accuracy", 60.0, 4.0, 2_000, 50_000, seconds_for_rows=lambda rows: rows / 100)
    words = advise("tie", "measured", network(), GAINING, sampled)
    # Two doublings are needed: 8,000 rows, 80 s of models + 4 s of start-up.
    assert words.endswith(
        "at about 8,000 rows. The check sampled 2,000 of 50,000 rows for the budget; a "
        "--budget of about 90 s lets it use 8,000 (the rows it samples grow in proportion "
        "to the budget)."
    )
    assert words.startswith("The budget was too small to tell: deep learning gains 0.0100")


def test_both_reasons_together_give_both_estimates() -> None:
    words = advise("tie", "measured", network(while_improving=2), GAINING, RUN)
    assert words.startswith("The budget was too small to tell: mlp was still improving")
    assert "double it again. Deep learning gains 0.0100 per doubling" in words


def test_a_lead_beyond_the_noise_that_is_not_consistent_asks_for_twice_the_rows() -> None:
    ahead = Trend(0.25, 1.0, 400, 1_600, (-0.01, 0.02), noise=0.005)
    assert advise("tie", "measured", network(), ahead, RUN).startswith(
        "The data may be too small to tell: deep learning gains 0.0150 per doubling of the "
        "training rows (400 to 1,600) and leads by 0.0200 with all of them, more than the "
        "noise of the folds but not consistently across them; twice the rows (about 4,000) "
        "would tell."
    )


def test_a_gain_too_slow_to_extrapolate_says_so() -> None:
    slow = Trend(0.25, 1.0, 400, 1_600, (-0.2, -0.19), noise=0.005)
    assert advise("tie", "measured", network(), slow, RUN).endswith(
        "at that pace it would take more than 64 times as many rows to lead by more than "
        "0.0050, too far to extrapolate."
    )


@pytest.mark.parametrize(
    ("seconds", "budget"), [(31.0, 40), (116.0, 120), (121.0, 150), (601.0, 660)]
)
def test_budgets_are_rounded_up_to_numbers_people_type(seconds, budget) -> None:
    assert nice_seconds(seconds) == budget
