{%- set neural = cookiecutter.framework in ("pytorch", "lightning") -%}
{%- set modality = cookiecutter.modality -%}
{%- set regression = cookiecutter.task == "regression" -%}
"""After training: the data, predict, serve, monitor, tune and the model card.

The tests marked `lifecycle` train and serve for real; `pytest -m "not lifecycle"` skips them."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import yaml

from {{ cookiecutter.package_name }} import evaluate, monitor, predict, prepare, train, tune
from {{ cookiecutter.package_name }}.batch import BatchError, read_batch, write_batch
from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.data import load_preprocessing, load_split, preprocess
from {{ cookiecutter.package_name }}.predictor import Predictor

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE = "data/sample{{ {'tabular': '/batch.csv', 'image': '', 'text': '/batch.txt'}.get(modality, "") }}"


def write_params(folder: Path, tracking: bool = False, **train_settings) -> Path:
    params = yaml.safe_load((PROJECT / "params.yaml").read_text())
    params["tracking"]["enabled"] = tracking
    params["train"].update(train_settings)
{%- if cookiecutter._data %}
    # The data stays where params.yaml names it, relative to the project.
    params["data"]["path"] = str(PROJECT / params["data"]["path"])
{%- endif %}
    shutil.copy(PROJECT / "baseline.json", folder / "baseline.json")
    path = folder / "params.yaml"
    path.write_text(yaml.safe_dump(params))
    return path


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One prepared project that the data tests share (read-only)."""
    path = write_params(tmp_path_factory.mktemp("prepared"))
    prepare.main(["--params", str(path)])
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One trained project that the lifecycle tests share (read-only, but for reports/)."""
    path = write_params(tmp_path_factory.mktemp("trained"){% if neural or cookiecutter.framework in ("xgboost", "keras", "jax") %}, epochs=3{% endif %})
    prepare.main(["--params", str(path)])
    train.main(["--params", str(path)])
    evaluate.main(["--params", str(path)])
    return path


def shifted_batch(folder: Path, config) -> Path:
    """The sample batch, moved far from the training data."""
    state = load_preprocessing(config)
    raw, _ = read_batch(state, config.path(SAMPLE))
{%- if modality == "tabular" and cookiecutter._data %}
    shifted = raw.copy()
    for index, name in enumerate(state["columns"]):
        if name in state["numeric"]:
            shifted[:, index] = raw[:, index].astype(float) + 3 * state["numeric"][name]["std"]
        else:
            shifted[:, index] = "a value never seen in training"
    return write_batch(folder, shifted, state["columns"])
{%- elif modality == "tabular" %}
    return write_batch(folder, raw + 3 * np.float32(state["std"]), state["columns"])
{%- elif modality == "image" %}
    return write_batch(folder, 1.0 - raw)
{%- else %}
    foreign = "zebra quantum violin harbor glacier orbit pepper canyon lantern marble".split()
    rng = np.random.default_rng(0)
    return write_batch(folder, np.array([" ".join(rng.choice(foreign, 20)) for _ in raw]))
{%- endif %}


# The data: what serve and predict accept is what the model was trained on.


def test_the_training_data_has_no_missing_values(prepared: Path) -> None:
    config = load_config(prepared)
    for split in ("train", "test"):
        x, y = load_split(config, split)
{%- if modality == "text" %}
        assert all(str(text).strip() for text in x)
{%- else %}
        assert np.isfinite(x).all(), split
{%- endif %}
        assert np.isfinite(y.astype(float)).all(), split


def test_new_data_matches_the_training_schema_and_ranges(prepared: Path) -> None:
    config = load_config(prepared)
    state = load_preprocessing(config)
    raw, names = read_batch(state, config.path(SAMPLE))
    x_test, _ = load_split(config, "test")
    assert len(names) == len(x_test)
{%- if modality == "tabular" and cookiecutter._data %}
    assert preprocess(state, raw) == pytest.approx(x_test, abs=1e-3)
    # Every category of the new rows is one the model was trained on (or "other").
    assert preprocess(state, raw).shape[1] == len(state["features"])
{%- elif modality == "tabular" %}
    assert preprocess(state, raw) == pytest.approx(x_test, abs=1e-3)
    # Within the training range, give or take three standard deviations.
    low = np.float32(state["min"]) - 3 * np.float32(state["std"])
    high = np.float32(state["max"]) + 3 * np.float32(state["std"])
    assert ((raw >= low) & (raw <= high)).mean() > 0.99
{%- elif modality == "image" %}
    assert raw.shape[1:] == tuple(state["shape"])
    assert raw.min() >= 0.0 and raw.max() <= 1.0
    assert preprocess(state, raw) == pytest.approx(x_test, abs=1 / 255)
{%- else %}
    known = set(state["words"])
    words = [word for text in raw for word in text.lower().split()]
    assert np.mean([word in known for word in words]) > 0.9
{%- endif %}


def test_a_batch_unlike_the_training_data_is_refused(prepared: Path, tmp_path: Path) -> None:
    config = load_config(prepared)
    state = load_preprocessing(config)
{%- if modality == "tabular" %}
    bad = tmp_path / "bad.csv"
    bad.write_text("colour,size\nred,3\n")
    with pytest.raises(BatchError, match="the columns do not match the training columns "
                       r"\(missing .*; unknown colour, size\): expected "):
        read_batch(state, bad)
{%- elif modality == "image" %}
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "0.png").write_text("not an image")
    with pytest.raises(BatchError, match=r"0\.png is not an image: expected PNG or JPEG files"):
        read_batch(state, bad)
{%- else %}
    bad = tmp_path / "empty.txt"
    bad.write_text("\n\n")
    with pytest.raises(BatchError, match=r"empty\.txt has no text: expected one document a line"):
        read_batch(state, bad)
{%- endif %}
{%- if neural %}


def test_the_model_overfits_one_batch(prepared: Path) -> None:
    """Start simple: a network that cannot learn 16 examples by heart has a bug."""
    import torch
    from torch import nn

    from {{ cookiecutter.package_name }}.data import num_outputs
    from {{ cookiecutter.package_name }}.inputs import to_tensors
    from {{ cookiecutter.package_name }}.model import build_model

    config = load_config(prepared)
    torch.manual_seed(0)
    x, y = load_split(config, "train")
    features, targets, _ = to_tensors(config, x[:16], y[:16])
    model = build_model(config.params, tuple(features.shape[1:]), num_outputs(y))
{%- if cookiecutter.model == "finetune" %}
    # A transformer wants a smaller step than the small networks: at theirs (0.01) Adam does
    # not settle on 16 examples within 200 steps.
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
{%- else %}
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
{%- endif %}
    loss_fn = {{ "nn.MSELoss()" if regression else "nn.CrossEntropyLoss()" }}
    for _ in range(200):
        optimizer.zero_grad()
        loss = loss_fn(model(features){{ ".squeeze(-1)" if regression else "" }}, targets)
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        final = loss_fn(model(features){{ ".squeeze(-1)" if regression else "" }}, targets).item()
    assert final < 0.05, final
{%- endif %}


# After training: predict, serve, monitor, tune, the model card.


@pytest.mark.lifecycle
def test_predict_writes_a_row_per_input(trained: Path, tmp_path: Path) -> None:
    config = load_config(trained)
    out = tmp_path / "predictions.csv"
    count = predict.main([str(config.path(SAMPLE)), "--output", str(out), "--params", str(trained)])
    lines = out.read_text().splitlines()
    assert len(lines) == count + 1
    assert lines[0].startswith("input,prediction,") and lines[0].endswith(",model_version")
    assert lines[1].endswith("," + Predictor(config).version)


@pytest.mark.lifecycle
def test_the_model_card_holds_the_metric_data_baseline_and_use(trained: Path) -> None:
    card = (trained.parent / "model_card.md").read_text()
    metrics = json.loads((trained.parent / "metrics.json").read_text())
    [(metric, value)] = metrics.items()
    assert f"- {metric} on the test split: {value:.4f}" in card
    for heading in ("## Data", "## Baseline", "## Intended use", "## Limitations"):
        assert heading in card
    assert "training rows" in card


@pytest.mark.lifecycle
def test_monitor_passes_the_sample_and_flags_a_shifted_batch(
    trained: Path, tmp_path: Path
) -> None:
    config = load_config(trained)
    assert monitor.main([str(config.path(SAMPLE)), "--params", str(trained)]) == 0
    report = json.loads((trained.parent / "reports" / "drift.json").read_text())
    assert report["drift"] is False and (trained.parent / "reports" / "drift.html").is_file()
    shifted = shifted_batch(tmp_path / "shifted", config)
    assert monitor.main([str(shifted), "--params", str(trained)]) == 1
    report = json.loads((trained.parent / "reports" / "drift.json").read_text())
    assert report["drift"] is True and report["drifted_share"] > 0.25
    assert monitor.main([str(tmp_path / "missing.csv"), "--params", str(trained)]) == 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(trained: Path):
    """The service on a real uvicorn server on 127.0.0.1, logging its requests."""
    import httpx
    import uvicorn

    from {{ cookiecutter.package_name }}.serve import create_app

    config = load_config(trained)
    log = trained.parent / "logs" / "requests.jsonl"
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(config, log), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        yield client, config, log
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.lifecycle
def test_serve_answers_good_and_bad_requests_and_logs_for_monitor(server) -> None:
    client, config, log = server
    version = Predictor(config).version
    assert client.get("/health").json() == {"status": "ok", "model_version": version}
    state = load_preprocessing(config)
    raw, names = read_batch(state, config.path(SAMPLE))
    expected = Predictor(config).predict(preprocess(state, raw))
{%- if modality == "tabular" and cookiecutter._data %}
    # JSON has no NaN: a missing value is null.
    rows = [
        {
            name: None if value != value else value
            for name, value in zip(state["columns"], row, strict=True)
        }
        for row in raw
    ]
{%- endif %}
{%- if modality == "tabular" %}
{%- if not cookiecutter._data %}
    rows = [dict(zip(state["columns"], map(float, row), strict=True)) for row in raw]
{%- endif %}
    good = client.post("/predict", json={"rows": rows})
    assert good.status_code == 200, good.text
    body = good.json()
    assert body["model_version"] == version and len(body["predictions"]) == len(rows)
{%- if regression %}
    assert [p["value"] for p in body["predictions"]] == pytest.approx(expected, rel=1e-3, abs=1e-3)
{%- else %}
    assert [p["label"] for p in body["predictions"]] == list(expected.argmax(axis=1))
{%- endif %}

    first = state["columns"][0]
    without_first = {k: v for k, v in rows[0].items() if k != first}
    missing = client.post("/predict", json={"rows": [without_first]})
    assert missing.status_code == 422
    assert missing.json() == {"detail": f"rows.0.{first}: Field required", "model_version": version}
    extra = client.post("/predict", json={"rows": [{**rows[0], "colour": 1.0}]})
    assert extra.status_code == 422
    assert extra.json()["detail"] == "rows.0.colour: Extra inputs are not permitted"
{%- if cookiecutter._data %}
    for number in [name for name in state["columns"] if name in state["numeric"]][:1]:
        wrong_type = client.post("/predict", json={"rows": [{**rows[0], number: "tall"}]})
        assert wrong_type.status_code == 422
        assert wrong_type.json()["detail"].startswith(f"rows.0.{number}")
        assert "valid number" in wrong_type.json()["detail"]
{%- else %}
    wrong_type = client.post("/predict", json={"rows": [{**rows[0], first: "tall"}]})
    assert wrong_type.status_code == 422
    assert wrong_type.json()["detail"] == (
        f"rows.0.{first}: Input should be a valid number, unable to parse string as a number"
    )
{%- endif %}
{%- if cookiecutter._data %}
    # Enough copies of the rows to pass the byte limit, however few columns they have.
    sent_bytes = len(json.dumps(rows, separators=(",", ":")))
    too_large = client.post("/predict", json={"rows": rows * (2 + 1_000_000 // sent_bytes)})
{%- else %}
    too_large = client.post("/predict", json={"rows": rows * 200})
{%- endif %}
    assert too_large.status_code == 413
    assert too_large.json()["detail"].startswith("the request body is ")
    assert too_large.json()["detail"].endswith(
        "bytes, over the limit of 1000000 (serve.max_body_bytes): send fewer rows a request"
    )
    sent = len(rows)
{%- elif modality == "image" %}
    sample = sorted(config.path(SAMPLE).glob("*.png"))[:20]
    for index, path in enumerate(sample):
        good = client.post("/predict", files={"file": (path.name, path.read_bytes(), "image/png")})
        assert good.status_code == 200, good.text
        body = good.json()
        assert body["model_version"] == version
{%- if regression %}
        assert body["predictions"][0]["value"] == pytest.approx(expected[index], rel=1e-3)
{%- else %}
        assert body["predictions"][0]["label"] == int(expected[index].argmax())
{%- endif %}

    not_image = client.post("/predict", files={"file": ("x.png", b"not an image", "image/png")})
    assert not_image.status_code == 400
    assert not_image.json() == {
        "detail": "the upload is not an image: send a PNG or JPEG file",
        "model_version": version,
    }
    no_file = client.post("/predict", json={"rows": []})
    assert no_file.status_code == 422
    assert no_file.json()["detail"] == "file: Field required"
    too_large = client.post("/predict", files={"file": ("big.png", b"0" * 2_000_000, "image/png")})
    assert too_large.status_code == 413
    sent = len(sample)
{%- else %}
    texts = [str(text) for text in raw]
    good = client.post("/predict", json={"texts": texts})
    assert good.status_code == 200, good.text
    body = good.json()
    assert body["model_version"] == version and len(body["predictions"]) == len(texts)
    assert [p["label"] for p in body["predictions"]] == list(expected.argmax(axis=1))

    wrong_field = client.post("/predict", json={"rows": texts})
    assert wrong_field.status_code == 422
    assert wrong_field.json() == {
        "detail": "texts: Field required; rows: Extra inputs are not permitted",
        "model_version": version,
    }
    wrong_type = client.post("/predict", json={"texts": [3]})
    assert wrong_type.status_code == 422
    assert wrong_type.json()["detail"] == "texts.0: Input should be a valid string"
    too_large = client.post("/predict", json={"texts": ["word " * 300_000]})
    assert too_large.status_code == 413
    sent = len(texts)
{%- endif %}
    # The bad requests left the service serving, and only the good ones were logged.
    assert client.get("/health").status_code == 200
    logged, _ = read_batch(state, log)
    assert len(logged) == sent
    assert monitor.main([str(log), "--params", str(config.root / "params.yaml")]) == 0


@pytest.mark.lifecycle
def test_tune_runs_three_tracked_trials_and_writes_the_best_params(tmp_path: Path) -> None:
    path = write_params(
        tmp_path, tracking=True{% if neural or cookiecutter.framework in ("keras", "jax") %}, epochs=3{% elif cookiecutter.framework == "xgboost" %}, epochs=5{% endif %}
    )
    prepare.main(["--params", str(path)])
    result = tune.main(["--params", str(path), "--trials", "3"])
    assert result["trials"] == 3
    best = yaml.safe_load((tmp_path / "params.best.yaml").read_text())
    for name, value in result["best_params"].items():
        section, key = name.split(".")
        assert best[section][key] == value
    trials = sorted((tmp_path / "runs" / "tune").glob("trial-*"))
    assert len(trials) == 3
{%- if cookiecutter.tracking == "mlflow" %}
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=f"sqlite:///{tmp_path / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("{{ cookiecutter.package_name }}")
    assert len(client.search_runs([experiment.experiment_id])) == 3
{%- elif cookiecutter.tracking == "tensorboard" %}
    trials = tmp_path / "runs" / "tune"
    events = list(trials.glob("trial-*/runs/*/tensorboard/**/events.out.tfevents.*"))
    assert len(events) == 3
{%- elif cookiecutter.tracking == "wandb" %}
    assert len(list((tmp_path / "wandb").glob("offline-run-*"))) == 3
{%- elif cookiecutter.tracking == "neptune" %}
    assert len(list((tmp_path / ".neptune" / "offline").glob("run__*"))) == 3
{%- endif %}
