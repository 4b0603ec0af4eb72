"""The compute needed (advisor.check.compute): measured speeds carried to the full data and
to 10x it, on synthetic timings whose scaling is known."""

from __future__ import annotations

import json

import pytest

from advisor.check import compute
from advisor.check.compute import (
    EPOCHS,
    FITTED,
    LINEAR,
    NOT_SCORED,
    NOT_TIMED,
    ComputeNeeded,
    Machine,
    Timing,
    check_gpu_speedup,
    estimate,
    timings,
)
from advisor.check.markdown import render_markdown
from advisor.check.report import render_html
from advisor.check.result import FeasibilityReport, validate
from advisor.errors import ParameterError
from tests.app.reports import CANNED_REPORT, canned_report

MACHINE = Machine(cpu="Test CPU 9000", cores=8)


def _timing(**changes) -> Timing:
    base = dict(
        model="xgboost",
        family="classical",
        train_rows=1_000,
        threads=1,
        fit_seconds=2.0,
        predict_row_seconds=1e-5,
        latency_seconds=0.002,
    )
    return Timing(**{**base, **changes})


def _one(timing: Timing, rows_total: int = 10_000, **options) -> compute.ModelCompute:
    return estimate([timing], rows_total=rows_total, machine=MACHINE, **options).models[0]


def test_linear_by_default_and_ten_times_the_data_costs_ten_times() -> None:
    m = _one(_timing())
    assert (m.scaling, m.exponent) == (LINEAR, 1.0)
    assert m.train_cpu_seconds == pytest.approx(2.0 * 10_000 / 1_000)
    assert m.train_cpu_seconds_10x == pytest.approx(10 * m.train_cpu_seconds)
    assert m.fit_rows_per_cpu_second == pytest.approx(500.0)
    assert m.predict_rows_per_cpu_second == pytest.approx(100_000.0)
    assert m.latency_seconds == 0.002 and not m.lower_bound and m.why_not is None


def test_cpu_seconds_count_every_thread_of_a_fit() -> None:
    m = _one(_timing(threads=4))
    assert m.train_cpu_seconds == pytest.approx(4 * 2.0 * 10)
    assert m.fit_rows_per_cpu_second == pytest.approx(1_000 / 8.0)
    assert m.predict_rows_per_cpu_second == pytest.approx(1 / 4e-5)


@pytest.mark.parametrize(
    ("true_exponent", "expected"),
    [(2.0, 2.0), (1.5, 1.5), (4.0, 3.0), (0.5, 1.0)],
    ids=["quadratic", "one-and-a-half", "steeper-than-cubic-is-capped", "sublinear-is-linear"],
)
def test_the_exponent_comes_from_the_learning_curve_fit_times(true_exponent, expected) -> None:
    rows = 1_000

    def seconds(n: int) -> float:
        return 2.0 * (n / rows) ** true_exponent

    curve = ((250, seconds(250)), (500, seconds(500)))
    m = _one(_timing(curve=curve))
    assert m.exponent == pytest.approx(expected, abs=0.01)
    assert m.scaling == (FITTED if expected > 1 else LINEAR)
    assert m.train_cpu_seconds == pytest.approx(2.0 * 10**expected, rel=0.02)
    assert m.train_cpu_seconds_10x / m.train_cpu_seconds == pytest.approx(10**expected, rel=0.02)


def test_a_network_scales_linearly_whatever_its_epoch_capped_curve_took() -> None:
    # Its curve fits see the same examples at every share of the rows: flat times.
    flat = ((250, 2.0), (500, 2.0))
    m = _one(_timing(model="mlp", family="deep_learning", curve=flat))
    assert (m.scaling, m.exponent) == (EPOCHS, 1.0)
    assert m.train_cpu_seconds_10x == pytest.approx(10 * m.train_cpu_seconds)


def test_a_fit_cut_short_by_its_deadline_is_a_lower_bound_and_linear() -> None:
    steep = ((250, 0.125), (500, 0.5))
    m = _one(_timing(cut_short=True, curve=steep))
    assert m.lower_bound and (m.scaling, m.exponent) == (LINEAR, 1.0)
    needed = estimate(
        [_timing(cut_short=True)], rows_total=10_000, machine=MACHINE, best_classical="xgboost"
    )
    assert "takes at least 20 s of CPU time" in needed.summary()
    assert "at least this" in needed.summary()
    assert needed.table()[0][5] == "≥ 20 s"


def test_the_gpu_estimate_is_the_networks_cpu_estimate_over_the_speedup() -> None:
    timed = [_timing(), _timing(model="mlp", family="deep_learning", fit_seconds=5.0)]
    needed = estimate(
        timed,
        rows_total=10_000,
        machine=MACHINE,
        best_classical="xgboost",
        best_deep_learning="mlp",
        gpu_speedup=25.0,
    )
    xgb, mlp = needed.models
    assert mlp.gpu_seconds == pytest.approx(mlp.train_cpu_seconds / 25)
    assert mlp.gpu_seconds_10x == pytest.approx(mlp.train_cpu_seconds_10x / 25)
    assert xgb.gpu_seconds is None and xgb.gpu_seconds_10x is None
    assert "on a GPU 25x faster than one core, 2.0 s and 20 s" in needed.summary()
    assert needed.columns()[-2:] == ("GPU (25x)", "GPU on 100,000")


@pytest.mark.parametrize(
    ("speedup", "cuda", "noted"),
    [(None, True, True), (None, False, False), (20.0, True, False)],
    ids=["gpu-without-speedup", "no-gpu", "gpu-with-speedup"],
)
def test_a_present_gpu_without_a_speedup_asks_for_one(speedup, cuda, noted) -> None:
    note = compute.gpu_note(speedup, cuda=cuda)
    assert (note is not None) == noted
    if noted:
        assert "does not measure it: give --gpu-speedup F" in note
        needed = estimate([_timing()], rows_total=10, machine=MACHINE, gpu_note=note)
        assert needed.summary().endswith(note)


def test_missing_measurements_give_no_number_and_say_why() -> None:
    needed = estimate(
        [
            _timing(model="svm", fit_seconds=None),
            _timing(
                model="mlp", family="deep_learning", predict_row_seconds=None, latency_seconds=None
            ),
        ],
        rows_total=10_000,
        machine=MACHINE,
        best_classical="svm",
        best_deep_learning="mlp",
    )
    svm, mlp = needed.models
    numbers = ("fit_rows_per_cpu_second", "train_cpu_seconds", "train_cpu_seconds_10x",
               "latency_seconds", "predict_rows_per_cpu_second")  # fmt: skip
    assert all(getattr(svm, n) is None for n in numbers) and svm.why_not == NOT_SCORED
    assert mlp.train_cpu_seconds == pytest.approx(20.0) and mlp.why_not == NOT_TIMED
    assert mlp.predict_rows_per_cpu_second is None and mlp.latency_seconds is None
    words = needed.summary()
    assert f"svm: no estimate ({NOT_SCORED})." in words
    assert NOT_TIMED in words
    assert "Predicting one row alone" not in words  # no latency was measured
    assert needed.table()[0][2:7] == ("–",) * 5


def test_the_floor_is_left_out_and_no_scored_model_says_so() -> None:
    needed = estimate([_timing(model="dummy", family="baseline")], rows_total=100, machine=MACHINE)
    assert needed.models == ()
    assert "No model has a score" in needed.summary()


def test_the_words_name_the_machine_the_rows_and_the_latency_for_recommend() -> None:
    needed = estimate(
        [_timing(), _timing(model="mlp", family="deep_learning", latency_seconds=0.0153)],
        rows_total=10_000,
        machine=Machine(cpu="Test CPU 9000", cores=8, busy=True),
        best_classical="xgboost",
        best_deep_learning="mlp",
    )
    words = needed.summary()
    assert words.startswith("Measured on Test CPU 9000, 8 cores; other work kept every core busy")
    assert "Training xgboost on the full data (10,000 rows) takes about 20 s of CPU time" in words
    assert "on 10x the data (100,000 rows) about 3 min (linear in the rows)" in words
    assert "2 ms for xgboost and 15 ms for mlp" in words
    assert "--latency-sensitive" in words
    ray = Machine(cpu="Test CPU", cores=32, engine="ray", nodes=4)
    assert ray.words().startswith("a Ray cluster of 4 nodes, 32 CPUs")


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(0.0123, "0.012 s"), (4.25, "4.2 s"), (75, "75 s"), (600, "10 min"), (3 * 3600, "3.0 h"),
     (5 * 86400, "5.0 days")],
    ids=["under-a-second", "seconds", "a-minute-or-so", "minutes", "hours", "days"],
)  # fmt: skip
def test_durations_read_as_people_read_them(seconds, words) -> None:
    assert compute.duration(seconds) == words


@pytest.mark.parametrize(
    "value", [0, 1, 1.0, -2.5, float("inf"), float("nan"), True, "3"],
    ids=["zero", "one", "one-float", "negative", "infinite", "nan", "bool", "text"],
)  # fmt: skip
def test_gpu_speedup_must_be_a_float_above_one(value) -> None:
    with pytest.raises(
        ParameterError, match=r"'gpu_speedup' parameter of check must be a float > 1"
    ):
        check_gpu_speedup(value)


def test_gpu_speedup_above_one_or_none_is_accepted() -> None:
    check_gpu_speedup(None)
    check_gpu_speedup(1.5)
    check_gpu_speedup(40)


def test_timings_read_the_reports_models_and_curve_fit_times() -> None:
    report = canned_report(
        models=[
            {**CANNED_REPORT["models"][0], "predict_row_seconds": 2e-5, "latency_seconds": 1e-3},
            *CANNED_REPORT["models"][1:],
        ],
        learning_curve=[
            {**p, "fit_seconds": 0.5 * p["fraction"] ** 2} for p in CANNED_REPORT["learning_curve"]
        ],
    )
    timed = {t.model: t for t in timings(report.models, report.learning_curve,
                                          train_rows=120, threads=2)}  # fmt: skip
    svm = timed["svm"]
    assert (svm.train_rows, svm.threads, svm.fit_seconds) == (120, 2, 0.5)
    assert svm.curve == ((30, 0.5 * 0.25**2), (60, 0.5 * 0.5**2))  # the 100 % point is the model
    assert (svm.predict_row_seconds, svm.latency_seconds) == (2e-5, 1e-3)
    assert timed["xgboost"].fit_seconds is None  # timed out: no speed
    m = _one(svm, rows_total=1_200)
    assert (m.scaling, m.exponent) == (FITTED, 2.0)


def _report_with_compute(gpu_speedup: float | None = 20.0) -> FeasibilityReport:
    needed = estimate(
        [_timing(model="svm"), _timing(model="mlp", family="deep_learning")],
        rows_total=150,
        machine=MACHINE,
        best_classical="svm",
        best_deep_learning="mlp",
        gpu_speedup=gpu_speedup,
    )
    return canned_report(compute=needed.to_dict())


def test_the_report_json_carries_compute_validates_and_reads_back() -> None:
    report = _report_with_compute()
    data = json.loads(report.to_json())
    validate(data)
    assert data["compute"]["machine"] == {
        "cpu": "Test CPU 9000", "cores": 8, "engine": "local", "nodes": 1, "busy": False
    }  # fmt: skip
    assert data["compute"]["summary"] == report.compute.summary()
    back = FeasibilityReport.from_dict(data)
    assert back.compute == report.compute
    assert isinstance(back.compute, ComputeNeeded)


def test_an_older_report_without_compute_still_validates() -> None:
    validate(CANNED_REPORT)
    assert FeasibilityReport.from_dict(CANNED_REPORT).compute is None
    bad = json.loads(_report_with_compute().to_json())
    bad["compute"]["gpu_speedup"] = 0.5
    with pytest.raises(Exception, match="gpu_speedup"):
        validate(bad)


def test_markdown_and_html_show_the_compute_in_words_and_a_table() -> None:
    report = _report_with_compute()
    markdown = render_markdown(report)
    assert "### Compute needed" in markdown
    assert "\\-\\-latency\\-sensitive" in markdown or "--latency-sensitive" in markdown
    assert "| svm | classical | 500 |" in markdown
    html = render_html(report)
    assert "<h2>Compute needed</h2>" in html
    assert "Test CPU 9000" in html and "<th>GPU (20x)</th>" in html


def test_no_table_in_markdown_or_html_when_no_model_has_an_estimate() -> None:
    needed = estimate(
        [_timing(model="svm", fit_seconds=None)],
        rows_total=150,
        machine=MACHINE,
        best_classical="svm",
    )
    report = canned_report(compute=needed.to_dict())
    assert not report.compute.measured
    markdown = render_markdown(report)
    assert f"svm: no estimate ({NOT_SCORED})" in markdown.replace("\\_", "_")
    assert "fit rows / CPU-s" not in markdown
    assert "fit rows / CPU-s" not in render_html(report)
