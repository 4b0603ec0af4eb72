"""``advisor check --gpu-speedup F`` and the compute needed, as a user sees them: a bad F is
one error line before anything runs; a real short check's JSON carries the compute and
validates against the schema."""

from __future__ import annotations

import json
import os

import jsonschema
import pytest
from click.testing import CliRunner

from advisor.check.result import FeasibilityReport, schema
from advisor.cli import main


def _run(*args: str):
    return CliRunner().invoke(main, ["check", *args], prog_name="advisor")


@pytest.mark.parametrize(
    ("value", "shown"),
    [("0", "0"), ("1", "1"), ("-4", "-4"), ("inf", "inf")],
    ids=["zero", "one", "negative", "infinite"],
)
def test_a_gpu_speedup_not_above_one_is_one_error_line(tmp_path, value, shown) -> None:
    out = tmp_path / "r.json"
    result = _run("--example", "iris", "--gpu-speedup", value, "--json", str(out))
    assert result.exit_code == 1
    assert result.output == (
        "Error: The 'gpu_speedup' parameter of check must be a float > 1 (how many times "
        f"faster than one CPU core a GPU trains the network). Got {shown} instead.\n"
    )
    assert not out.exists()


def test_a_gpu_speedup_that_is_not_a_number_is_a_usage_error() -> None:
    result = _run("--example", "iris", "--gpu-speedup", "fast")
    assert result.exit_code == 2
    assert "Invalid value for '--gpu-speedup': 'fast' is not a valid float." in result.output
    assert "Traceback" not in result.output


@pytest.fixture(scope="module")
def iris_with_gpu(tmp_path_factory) -> tuple:
    out = tmp_path_factory.mktemp("compute") / "report.json"
    result = _run("--example", "iris", "--budget", "25", "--gpu-speedup", "20", "--json", str(out))
    return result, out


def test_a_real_check_writes_the_compute_and_it_validates(iris_with_gpu) -> None:
    result, out = iris_with_gpu
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    jsonschema.validate(data, schema())
    compute = data["compute"]
    assert compute["machine"]["cores"] == (os.cpu_count() or 1)
    assert compute["machine"]["engine"] == "local" and compute["machine"]["cpu"]
    assert compute["rows_total"] == 150 and compute["gpu_speedup"] == 20
    assert compute["summary"].startswith("Measured on ")
    assert "Compute needed: Measured on " in result.output
    report = FeasibilityReport.from_dict(data)
    assert report.compute.summary() == compute["summary"]


def test_every_scored_model_has_an_estimate_and_the_networks_a_gpu_one(iris_with_gpu) -> None:
    _, out = iris_with_gpu
    data = json.loads(out.read_text())
    scored = {m["name"]: m for m in data["models"] if m["status"] == "ok"}
    by_name = {m["model"]: m for m in data["compute"]["models"]}
    assert "dummy" not in by_name  # the floor costs nothing worth estimating
    for name, model in by_name.items():
        if name not in scored:
            assert model["train_cpu_seconds"] is None and model["why_not"]
            continue
        assert model["train_cpu_seconds"] > 0
        ratio = model["train_cpu_seconds_10x"] / model["train_cpu_seconds"]
        assert ratio == pytest.approx(10 ** model["exponent"], rel=0.01)
        assert model["latency_seconds"] > 0 and model["predict_rows_per_cpu_second"] > 0
        if model["family"] == "deep_learning":
            assert model["gpu_seconds"] == pytest.approx(model["train_cpu_seconds"] / 20, rel=1e-3)
        else:
            assert model["gpu_seconds"] is None
