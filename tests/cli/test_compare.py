"""``advisor compare`` as a user sees it."""

from __future__ import annotations

import json

from click.testing import CliRunner

from advisor.cli import main
from tests.check.test_comparison import _report


def _run(*args: str):
    return CliRunner().invoke(main, ["compare", *args], prog_name="advisor")


def test_two_reports_give_a_table_and_the_summary(tmp_path) -> None:
    (tmp_path / "old.json").write_text(_report(0).to_json())
    (tmp_path / "new.json").write_text(_report(1, shift=-0.1).to_json())
    result = _run(str(tmp_path / "old.json"), str(tmp_path / "new.json"))
    assert result.exit_code == 0, result.output
    assert "Data: churn (1,000 rows) → churn (1,000 rows)" in result.output
    assert "changed (p = " in result.output
    assert result.output.rstrip().endswith(
        "The verdict is unchanged (tie). Beyond the noise of the folds, worse: svm."
    )
    as_json = _run(str(tmp_path / "old.json"), str(tmp_path / "new.json"), "--json")
    assert json.loads(as_json.output)["models"][0]["beyond_noise"] is True


def test_a_file_that_is_not_a_report_is_one_error_line(tmp_path) -> None:
    (tmp_path / "old.json").write_text(_report(0).to_json())
    (tmp_path / "new.json").write_text("{}")
    result = _run(str(tmp_path / "old.json"), str(tmp_path / "new.json"))
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
