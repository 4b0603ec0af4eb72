"""The time plan: every window of a run from the budget, the lanes and the shares."""

from __future__ import annotations

import pytest

from advisor.check import plan
from advisor.check.plan import Budget, Slot, plan_time, work_budget


def test_budget_shares_add_up_and_deep_learning_gets_a_fair_share() -> None:
    shares = plan.CLASSICAL_SHARE + plan.NEURAL_SHARE + plan.CURVE_SHARE
    assert shares + plan.SLACK == pytest.approx(1.0)
    assert plan.NEURAL_SHARE >= 0.3  # deep learning gets a fair share, not leftovers


def test_the_models_share_what_start_up_left() -> None:
    budget = Budget(60.0, start=100.0)
    work = work_budget(budget, clock=lambda: 110.0)
    assert (work.start, work.seconds) == (110.0, 50.0)
    the_plan = plan_time(budget, work, lanes=1)
    assert the_plan.start_up == 10.0
    assert the_plan.inspection_end == pytest.approx(160.0 - 0.02 * 60)


def test_on_one_lane_the_network_goes_first_then_the_ladder_then_the_curves() -> None:
    work = Budget(100.0, start=0.0)
    the_plan = plan_time(work, work, lanes=1)
    ends = the_plan.family_ends
    assert the_plan.network_fits_end == pytest.approx(36.0)  # the network's share
    assert ends["deep_learning"] == ends["baseline"] == pytest.approx(43.0)  # + half the curves
    assert ends["classical"] == pytest.approx(85.0)  # + the ladder's share + half the curves
    assert the_plan.curve_end == pytest.approx(92.0)  # all but the slack


def test_on_two_lanes_each_family_runs_until_the_curves_end() -> None:
    work = Budget(100.0, start=0.0)
    the_plan = plan_time(work, work, lanes=2)
    assert the_plan.family_ends["deep_learning"] == the_plan.curve_end == pytest.approx(92.0)
    assert the_plan.family_ends["classical"] == pytest.approx(78.0)
    assert the_plan.network_fits_end == pytest.approx(85.0)  # its curve's half follows


def test_a_slot_asks_a_cooperative_fit_to_stop_before_its_kill() -> None:
    slot = Slot(start=10.0, seconds=10.0)
    assert slot.deadline == 20.0
    assert slot.soft_end == pytest.approx(20.0 - 1.2)  # 12 % of the slot
    assert Slot(start=0.0, seconds=1.0).soft_end == pytest.approx(0.75)  # at least 0.25 s
    # Torch's import may move a network's slot by a quarter of it, never past the curves' end.
    assert slot.grace(latest=100.0) == pytest.approx(2.5)
    assert slot.grace(latest=21.0) == pytest.approx(1.0)
    assert slot.grace(latest=15.0) == 0.0


@pytest.mark.parametrize(
    ("seconds_left", "lanes", "passes"),
    [
        (100.0, 1, 2),  # plenty: at most two more passes
        # one pass: 5 × (0.4 + 1.0) = 7 s; with two children (1 s) and the import (2 s),
        # 1.5 × (3 + 7) = 15 s for one, 1.5 × (3 + 14) = 25.5 s for two
        (25.0, 1, 1),
        (25.5, 1, 2),
        (14.9, 1, 0),
        # side by side, a pass takes the longer model's 5 s: 1.5 × (3 + 10) = 19.5 s for two
        (19.5, 2, 2),
        (0.0, 2, 0),
    ],
    ids=["plenty", "one-pass", "two-passes", "too-little", "two-lanes", "none-left"],
)
def test_the_time_the_first_pass_leaves_buys_whole_passes(seconds_left, lanes, passes) -> None:
    fit = plan.passes_that_fit(
        seconds_left, classical=0.4, neural=1.0, start_up=2.0, lanes=lanes, folds=5, most=2
    )
    assert fit == passes


def test_repeats_end_with_the_curves_leaving_the_report_its_time() -> None:
    work = Budget(100.0, start=0.0)
    assert plan_time(work, work, lanes=1).repeats_end == pytest.approx(92.0)
