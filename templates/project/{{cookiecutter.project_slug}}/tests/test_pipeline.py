{%- set neural = cookiecutter.framework in ("pytorch", "lightning") -%}
{%- set exported = cookiecutter.framework in ("keras", "jax") -%}
{%- set staged = cookiecutter.model not in ("logistic_regression", "linear_regression", "linear_svm", "rbf_svm", "knn", "naive_bayes", "random_forest") -%}
"""Train on tiny data: the loss must fall and every artefact must appear."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
import yaml

from {{ cookiecutter.package_name }} import evaluate, prepare, train

PROJECT = Path(__file__).resolve().parents[1]


def write_params(folder: Path, **train_settings) -> Path:
    """A copy of params.yaml in `folder`, tracking off, with `train_settings` applied."""
    params = yaml.safe_load((PROJECT / "params.yaml").read_text())
    params["tracking"]["enabled"] = False
    params["train"].update(train_settings)
{%- if cookiecutter._data %}
    # The data stays where params.yaml names it, relative to the project.
    params["data"]["path"] = str(PROJECT / params["data"]["path"])
{%- endif %}
    shutil.copy(PROJECT / "baseline.json", folder / "baseline.json")
    path = folder / "params.yaml"
    path.write_text(yaml.safe_dump(params))
    return path


@pytest.fixture
def params(tmp_path: Path) -> Path:
    path = write_params(tmp_path, epochs=3)
    prepare.main(["--params", str(path)])
    return path


def test_prepare_writes_the_splits(params: Path) -> None:
    assert (params.parent / "data" / "processed" / "train.npz").is_file()
    assert (params.parent / "data" / "processed" / "test.npz").is_file()

{% if staged %}
def test_training_lowers_the_loss_and_writes_its_artefacts(
    params: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = train.main(["--params", str(params)])
    losses = result["losses"]
    assert len(losses) >= 2
    assert losses[-1] < losses[0], losses
{%- else %}
def test_training_fits_in_one_go_and_writes_its_artefacts(
    params: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = train.main(["--params", str(params)])
    losses = result["losses"]
    assert len(losses) == 1 and math.isfinite(losses[0]), losses
{%- endif %}
    folder = params.parent
    model = {{ '"model.pt"' if neural else {"keras": '"model.keras"', "jax": '"model.msgpack"', "sklearn": '"model.joblib"'}.get(cookiecutter.framework, '"model.json"') }}
    assert (folder / "models" / model).is_file()
    assert (folder / "plots" / "loss.csv").is_file()
    assert json.loads((Path(result["run_dir"]) / "history.json").read_text())["loss"] == losses

    metrics = evaluate.main(["--params", str(params)])
    metric = yaml.safe_load(params.read_text())["evaluate"]["metric"]
    assert math.isfinite(metrics[metric])
    assert json.loads((folder / "metrics.json").read_text()) == metrics
    printed = capsys.readouterr().out
    baseline = json.loads((PROJECT / "baseline.json").read_text())
    if baseline["measured"]:
        assert "baseline " in printed
    elif baseline.get("reason"):
        assert f"No baseline to beat: the check's report says: {baseline['reason']}" in printed
    else:
        assert "No baseline was measured for this project" in printed
{%- if neural or exported %}

    # Resume: the checkpoint of that run, one more epoch, in a run folder of its own.
    checkpoint = Path(result["run_dir"]) / {{ {"lightning": '"last.ckpt"', "keras": '"backup"', "jax": '"checkpoints"'}.get(cookiecutter.framework, '"last.pt"') }}
    assert checkpoint.exists()
    resumed = write_params(folder, epochs=len(losses) + 1, resume=str(checkpoint))
    again = train.main(["--params", str(resumed)])
    assert len(again["losses"]) == len(losses) + 1
    assert again["losses"][: len(losses)] == pytest.approx(losses)
    assert again["run_dir"] != result["run_dir"]
{%- endif %}
{%- if neural %}


def test_the_device_is_the_best_available() -> None:
    import torch

    from {{ cookiecutter.package_name }}.device import autocast_dtype, select_device

    device = select_device()
    expected = "cuda" if torch.cuda.is_available() else device.type
    assert device.type == expected
    if device.type == "cpu":
        assert autocast_dtype(device) is None


@pytest.mark.skipif(not __import__("torch").cuda.is_available(), reason="needs a CUDA GPU")
def test_mixed_precision_training_on_the_gpu(params: Path) -> None:
    import torch

    from {{ cookiecutter.package_name }}.device import autocast_dtype, select_device

    expected = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    assert autocast_dtype(select_device()) == expected
    result = train.main(["--params", str(params)])
    assert result["losses"][-1] < result["losses"][0]
{%- endif %}
