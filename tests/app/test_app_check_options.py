"""The check step's options driven through the page: columns to leave out and the time
column of an uploaded table, and where the check runs (this machine or a Ray cluster)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from advisor.app.steps.check_options import CheckChoices
from advisor.check.engines.ray.connect import default_timeout
from tests.app.reports import canned_report
from tests.app.test_app import APP, TIMEOUT, _errors, _go, _upload, _use_example

DAYS = [f"2024-01-{d:02d}" for d in range(1, 29)]
# The file's rows are not in date order: a time-ordered check sorts them by "when".
ROWS = [(i, DAYS[(i * 11) % 28], i % 7, (i * 3) % 5, i % 2) for i in range(28)]
TABLE = ("id,when,x1,x2,label\n" + "".join(",".join(map(str, r)) + "\n" for r in ROWS)).encode()


@pytest.fixture
def app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()


@pytest.fixture
def calls(monkeypatch):
    """What the page passed to the check: (dataset, options) for each run."""
    from advisor.check import runner

    seen = []

    def fake_run_check(dataset, **options):
        seen.append((dataset, options))
        return canned_report()

    monkeypatch.setattr(runner, "run_check", fake_run_check)
    return seen


@pytest.mark.parametrize(
    ("choices", "expected"),
    [
        (CheckChoices(), {}),
        (CheckChoices(drop=("id",)), {"drop": ["id"]}),
        (CheckChoices(time_ordered=True), {"time_ordered": True}),
        (
            CheckChoices(time_ordered=True, time_column="when"),
            {"time_ordered": True, "time_column": "when"},
        ),
        (CheckChoices(time_column="when"), {}),  # a time column only counts in time order
    ],
    ids=["nothing", "drop", "time-ordered", "time-column", "column-without-order"],
)
def test_the_choices_become_load_dataset_keywords(choices, expected):
    assert choices.reading() == expected


def test_an_uploaded_table_can_leave_out_columns_and_be_ordered_by_its_date(app, calls):
    _upload(app, "sales.csv", TABLE, target="label")
    _go(app, 4)
    assert app.multiselect(key="drop").options == ["id", "when", "x1", "x2"]
    assert not app.selectbox  # no time column until the rows are said to be in time order
    app.multiselect(key="drop").select("id")
    app.checkbox(key="time_ordered").check().run()
    assert app.selectbox(key="time_column").options == ["when"]
    app.button(key="run_check").click().run()
    assert not app.exception and not _errors(app)
    ((dataset, options),) = calls
    assert list(dataset.X.columns) == ["when", "x1", "x2"]
    assert (dataset.time_ordered, dataset.time_column) == (True, "when")
    assert dataset.X["when"].is_monotonic_increasing
    assert options["time_ordered"] is True
    assert type(options["executor"]).__name__ == "LocalExecutor"


def test_a_dropped_date_column_is_not_offered_as_the_time_column(app, calls):
    _upload(app, "sales.csv", TABLE, target="label")
    _go(app, 4)
    app.multiselect(key="drop").select("when")
    app.checkbox(key="time_ordered").check().run()
    assert not app.selectbox  # the only date column is left out: the file's order counts


def test_an_example_offers_no_columns_to_leave_out(app, calls):
    _use_example(app, "iris")
    _go(app, 4)
    assert not app.multiselect
    assert [o for o in app.radio(key="engine").options] == ["This machine", "A Ray cluster"]
    assert not app.text_input  # the address shows only for a Ray cluster


def test_an_unreachable_cluster_is_one_error_line(app):
    _use_example(app, "iris")
    _go(app, 4)
    app.radio(key="engine").set_value("ray").run()
    app.text_input(key="address").set_value("127.0.0.1:1")
    app.button(key="run_check").click().run()
    assert not app.exception, app.exception
    assert _errors(app) == [
        "Cannot reach a Ray cluster at 127.0.0.1:1: nothing listens on that port. Start one "
        "with `ray start --head --port 1`, or pass the address it printed to --address (or "
        "--address local to start Ray on this machine)."
    ]
    assert app.session_state.report is None


@pytest.mark.parametrize(
    ("typed", "address"),
    [("  10.0.0.5:6379 ", "10.0.0.5:6379"), ("", "local")],
    ids=["cluster-address", "empty-starts-ray-here"],
)
def test_a_ray_cluster_chosen_on_the_page_runs_the_check(app, calls, typed, address):
    _use_example(app, "iris")
    _go(app, 4)
    app.radio(key="engine").set_value("ray").run()
    assert app.text_input(key="address").placeholder == "Empty: start Ray on this machine"
    app.text_input(key="address").set_value(typed)
    app.button(key="run_check").click().run()
    assert not app.exception and not _errors(app)
    ((_, options),) = calls
    executor = options["executor"]  # made, not connected: run_check (faked here) connects
    assert type(executor).__name__ == "RayExecutor"
    assert executor.address.text == address
    # Connecting may take at most half of the page's budget (30 s by default).
    assert options["budget"] == 30.0
    assert executor.connect_timeout == min(default_timeout(executor.address), 15.0)
