"""``advisor check`` as a user sees it: progress, leaderboard and verdict; JSON alone on
stdout with ``--json -``; a report folder; one-line errors that write nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from PIL import Image

from advisor.check.evaluation import metrics_for
from advisor.check.result import schema
from advisor.cli import main
from advisor.terms import CHECK_METRICS


def _run(*args: str):
    return CliRunner().invoke(main, ["check", *args], prog_name="advisor")


@pytest.fixture(scope="module")
def wine_json_and_report(tmp_path_factory) -> tuple:
    out = tmp_path_factory.mktemp("wine")
    result = _run(
        "--example", "wine", "--budget", "12", "--json", "-", "--report", str(out / "rep")
    )
    return result, out / "rep"


def test_json_dash_puts_only_the_json_on_stdout(wine_json_and_report) -> None:
    result, _ = wine_json_and_report
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)  # nothing else on stdout
    jsonschema.validate(data, schema())
    assert (data["schema"], data["task"], data["metric"]) == (
        "advisor.feasibility/1",
        "multiclass",
        "accuracy",
    )
    assert data["verdict"] in ("classical", "deep_learning", "tie")
    assert data["elapsed_seconds"] <= 1.1 * 12
    # 178 rows: TabM is the network (TABM_MAX_ROWS)
    assert {m["name"] for m in data["models"]} >= {"dummy", "logistic", "tabm"}
    # progress, the leaderboard and the verdict went to stderr
    assert "wine: multiclass tabular, 178 rows; budget 12 s" in result.stderr
    assert "Leaderboard (accuracy, higher is better; stratified 5-fold cross-validation)" in (
        result.stderr
    )
    assert data["summary"] in result.stderr.replace("\n", " ") or data["summary"][:40] in (
        result.stderr
    )


def test_report_folder_holds_html_with_charts_and_the_same_json(wine_json_and_report) -> None:
    result, folder = wine_json_and_report
    assert sorted(p.name for p in folder.iterdir()) == ["report.html", "report.json"]
    html = (folder / "report.html").read_text()
    data = json.loads(result.stdout)
    # the leaderboard, and the learning curve when it was measured (under load it may not be)
    assert html.count("<svg") == 1 + bool(data["learning_curve"])
    assert "Learning curve" in html and "Profile of the data" in html
    assert json.loads((folder / "report.json").read_text()) == json.loads(result.stdout)


def test_json_to_a_file_and_table_on_stdout(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(120, 3)), columns=["a", "b", "c"])
    frame["label"] = (frame["a"] > 0).astype(int)
    frame["row_id"] = range(120)
    frame.to_csv(tmp_path / "t.csv", index=False)
    out = tmp_path / "result.json"
    result = _run(str(tmp_path / "t.csv"), "--budget", "6", "--json", str(out))
    assert result.exit_code == 0, result.output
    assert "Leaderboard (ROC AUC, higher is better;" in result.stdout
    data = json.loads(out.read_text())
    assert data["profile"]["rows"] == 120
    assert any(w.startswith("ID-like column(s): 'row_id'") for w in data["warnings"])
    cpus = os.cpu_count() or 1
    assert data["engine"] == {"engine": "local", "workers": 1, "cpus": cpus}
    assert f"budget on the local engine (this machine, {cpus} CPUs)." in result.stdout
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def _images(tmp_path: Path, sizes: dict[str, tuple[int, int]]) -> Path:
    root = tmp_path / "images"
    for index, (name, size) in enumerate(sizes.items()):
        folder = root / name.split("/")[0]
        folder.mkdir(parents=True, exist_ok=True)
        Image.new("L", size, color=index * 40).save(folder / f"{name.split('/')[1]}.png")
    return root


BAD_INPUTS = {
    "missing-file": (lambda t: t / "nope.csv", [], "Error: {t}/nope.csv does not exist"),
    "binary-garbage": (
        lambda t: _write(t, "x.csv", b"\x00\x01\x02garbage\x00" * 50),
        [],
        "Error: Could not read {t}/x.csv as CSV (it holds binary data)",
    ),
    "target-missing": (
        lambda t: _write(t, "t.csv", "a,b,y\n1,2,0\n3,4,1\n"),
        ["--target", "yy"],
        "Error: Target column 'yy' is not in {t}/t.csv (did you mean 'y'?)",
    ),
    "one-class": (
        lambda t: _write(t, "t.csv", "a,y\n" + "".join(f"{i},1\n" for i in range(30))),
        ["--task", "binary"],
        "Error: The target in {t}/t.csv has a single class (1)",
    ),
    "mixed-image-sizes": (
        lambda t: _images(t, {"cat/1": (8, 8), "dog/2": (9, 8)}),
        [],
        "Error: Images in {t}/images differ in size or colour",
    ),
    "empty-folder": (
        lambda t: (t / "empty").mkdir() or t / "empty",
        [],
        "Error: {t}/empty holds no images in class sub-folders",
    ),
    "too-few-rows": (
        lambda t: _write(t, "t.csv", "a,y\n" + "".join(f"{i},{i % 2}\n" for i in range(10))),
        [],
        "Error: t.csv has 10 rows: the check needs at least 20",
    ),
}


@pytest.mark.parametrize(("make", "extra", "expected"), BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_is_one_line_error_and_writes_nothing(tmp_path, make, extra, expected) -> None:
    data = make(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    report = tmp_path / "report"
    result = _run(
        str(data),
        *extra,
        "--budget",
        "5",
        "--report",
        str(report),
        "--json",
        str(tmp_path / "r.json"),
    )
    assert result.exit_code == 1
    assert result.output.startswith(expected.format(t=tmp_path)), result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert sorted(tmp_path.rglob("*")) == before  # no report, no JSON, nothing half-written


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--example", "iris", "--budget", "-3"],
            "Error: The 'budget' parameter of check must be a float > 0. Got -3 instead.\n",
        ),
        (
            ["--example", "irsi"],
            "Error: Unknown example 'irsi' (did you mean 'iris'?). "
            "Examples: breast_cancer, digits, diabetes, wine, iris.\n",
        ),
        (
            ["--example", "iris", "--metric", "rmse"],
            "Error: The 'metric' parameter of check must be one of roc_auc, accuracy, macro_f1 "
            "for a multiclass task. Got 'rmse' instead.\n",
        ),
        (
            ["--example", "iris", "--json", "/no/such/dir/r.json"],
            "Error: The folder of /no/such/dir/r.json does not exist: create it or give --json "
            "another path.\n",
        ),
        (
            ["--example", "iris", "--address", "127.0.0.1:6379"],
            "Error: The 'address' parameter of check only applies to the ray engine; add "
            "--engine ray or leave out --address.\n",
        ),
    ],
    ids=[
        "negative-budget",
        "unknown-example",
        "metric-for-another-task",
        "json-folder-missing",
        "address-without-ray",
    ],
)
def test_bad_options_are_one_line_errors(args, expected) -> None:
    result = _run(*args)
    assert result.exit_code == 1
    assert result.output == expected


@pytest.mark.parametrize(
    ("existing", "args", "expected"),
    [
        (
            "out.json",
            ["--json", "{tmp}/out.json"],
            "Error: {tmp}/out.json already exists: give --json another path, or --force to "
            "overwrite it.\n",
        ),
        (
            "rep/report.html",
            ["--report", "{tmp}/rep"],
            "Error: {tmp}/rep/report.html already exists: give --report another folder, or "
            "--force to overwrite it.\n",
        ),
    ],
    ids=["json-file", "report-folder"],
)
def test_existing_outputs_are_kept_without_force(tmp_path, existing, args, expected) -> None:
    kept = tmp_path / existing
    kept.parent.mkdir(exist_ok=True)
    kept.write_text("the user's own file")
    result = _run("--example", "iris", *(a.format(tmp=tmp_path) for a in args))
    assert result.exit_code == 1
    assert result.output == expected.format(tmp=tmp_path)
    assert kept.read_text() == "the user's own file"


def test_force_overwrites_an_existing_json(tmp_path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    result = _run("--example", "iris", "--budget", "8", "--json", str(target), "--force")
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text())["schema"] == "advisor.feasibility/1"


def test_path_or_example_is_required() -> None:
    result = _run()
    assert result.exit_code == 2
    assert result.output.endswith(
        "Error: Give PATH to your data or --example NAME (one of them, not both).\n"
    )


def test_every_metric_the_cli_offers_is_one_the_check_measures() -> None:
    option = next(p for p in main.commands["check"].params if p.name == "metric")
    assert tuple(option.type.choices) == CHECK_METRICS
    for metric in CHECK_METRICS:
        task = "regression" if metric in ("rmse", "r2", "mae") else "multiclass"
        assert metrics_for(task, metric)[0] == metric


def test_the_command_returns_after_its_workers_have_exited() -> None:
    from multiprocessing import active_children, forkserver

    result = _run("--example", "iris", "--budget", "6", "--json", "-")
    assert result.exit_code == 0, result.output
    assert active_children() == []
    assert getattr(forkserver._forkserver, "_forkserver_pid", None) is None


def test_the_whole_command_keeps_to_its_budget_start_up_included() -> None:
    """A fresh process: starting the workers (importing torch) is part of the budget."""
    import subprocess
    import sys
    import time

    command = ["check", "--example", "iris", "--budget", "15", "--json", "-"]
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "advisor", *command],
        capture_output=True,
        text=True,
        timeout=120,
    )
    wall = time.monotonic() - began
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["elapsed_seconds"] <= 1.1 * 15
    # Outside the budget's clock: only the interpreter starting and the process ending.
    assert wall - data["elapsed_seconds"] < 3.0, (wall, data["elapsed_seconds"])


CONFLICTS = {
    "target-with-example": (
        lambda t: None,
        ["--example", "iris", "--target", "y"],
        "Error: --target is for your own table; --example iris brings its own target and "
        "columns: leave --target out.\n",
    ),
    "drop-with-example": (
        lambda t: None,
        ["--example", "wine", "--drop", "alcohol"],
        "Error: --drop is for your own table; --example wine brings its own target and "
        "columns: leave --drop out.\n",
    ),
    "target-with-an-image-folder": (
        lambda t: [str(_images(t, {"cat/1": (8, 8), "dog/2": (8, 8)}))],
        ["--target", "label"],
        "Error: --target is for a table; {t}/images is a folder of images whose sub-folders "
        "are the classes: leave --target out.\n",
    ),
    "image-size-with-a-table": (
        lambda t: [str(_write(t, "t.csv", "a,y\n1,0\n2,1\n"))],
        ["--image-size", "32"],
        "Error: --image-size is for a folder of images; {t}/t.csv is a file: leave "
        "--image-size out.\n",
    ),
}


@pytest.mark.parametrize(("make", "args", "expected"), CONFLICTS.values(), ids=CONFLICTS.keys())
def test_conflicting_options_are_refused_before_any_work(tmp_path, make, args, expected) -> None:
    data = make(tmp_path) or []
    result = _run(*data, *args, "--json", str(tmp_path / "r.json"))
    assert result.exit_code == 1
    assert result.output == expected.format(t=tmp_path)
    assert not (tmp_path / "r.json").exists()


def test_expect_holds_the_verdict_and_the_answer_is_still_written(tmp_path) -> None:
    out = tmp_path / "r.json"
    result = _run(
        "--example", "iris", "--budget", "12", "--json", str(out),
        "--expect", "deep_learning", "--format", "markdown",
    )  # fmt: skip
    assert result.exit_code == 1
    last = result.output.splitlines()[-1]
    assert last.startswith(("Error: the verdict is ", "Error: nothing was measured for ")), last
    data = json.loads(out.read_text())  # what was measured is kept for the CI log
    assert data["verdict"] != "deep_learning" or data["outcome"] != "measured"
    assert "## advisor check: iris" in result.output and "### Leaderboard" in result.output
    assert f"Next: advisor scaffold --from-report {out}" in result.output or (
        data["outcome"] != "measured"
    )


def test_strict_refuses_a_run_that_measured_nothing(tmp_path) -> None:
    result = _run("--example", "iris", "--budget", "1", "--strict")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].startswith("Error: nothing was measured for ")
    assert "Next: run the check again with a larger --budget than 1 s." in result.output


def test_markdown_and_json_on_standard_output_are_refused_together() -> None:
    result = _run("--example", "iris", "--format", "markdown", "--json", "-")
    assert result.exit_code == 1
    assert result.output == (
        "Error: --format markdown and --json - both write to standard output: give --json a "
        "file path.\n"
    )


def test_the_data_notes_are_shown_before_the_run(tmp_path) -> None:
    rows = "".join(f"{i},,{i % 2}\n" for i in range(40))
    data = _write(tmp_path, "t.csv", "a,b,churned\n" + rows)
    result = _run(str(data), "--budget", "6")
    assert result.exit_code == 0, result.output
    assert "Dropped 'b': it has no values." in result.output
    assert "Target: " in result.output  # which column was taken, and why
