"""Train generated Keras or JAX projects in one process and report what they did.

TensorFlow and JAX each take many seconds to import; one process per framework imports
its framework once and then runs every project of that framework through its own
modules (prepare, train, evaluate, predict, the Predictor), so the suite pays the import
once. It measures and reports; test_keras_jax.py judges.

    python keras_jax_worker.py cases.json results.json

cases.json: a list of {"project", "package", "framework", "task", "resume", "own_tests"}.
"""

from __future__ import annotations

import copy
import csv
import importlib
import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import numpy as np


def run_case(case: dict[str, Any]) -> dict[str, Any]:
    project, package = Path(case["project"]), case["package"]
    sys.path.insert(0, str(project))

    def module(name: str):
        return importlib.import_module(f"{package}.{name}")

    params = str(project / "params.yaml")
    out: dict[str, Any] = {}
    module("prepare").main(["--params", params])
    started = time.perf_counter()
    result = module("train").main(["--params", params])
    out["train_seconds"] = time.perf_counter() - started
    out["losses"] = result["losses"]
    out["run_dir"] = str(result["run_dir"])
    out["precision"] = result.get("policy") or result.get("dtype")
    out["metrics"] = module("evaluate").main(["--params", params])

    config = module("config").load_config(params)
    x, _ = module("data").load_split(config, "test")
    x = x[:32]
    predicted = module("predictor").Predictor(config).predict(x)
    out["predicted_shape"] = list(predicted.shape)
    if case["framework"] == "keras":
        out.update(reload_keras(project, module, config, x, predicted, case["task"]))
    else:
        out.update(restore_jax(project, module, config, Path(result["run_dir"])))

    sample = {"tabular": "batch.csv", "image": "", "text": "batch.txt"}[case["modality"]]
    predictions = project / "predictions.csv"
    module("predict").main(
        [
            str(project / "data" / "sample" / sample),
            "--output",
            str(predictions),
            "--params",
            params,
        ]
    )
    with predictions.open() as handle:
        out["predicted_rows"] = sum(1 for _ in csv.DictReader(handle))

    if case["resume"]:
        out["resume"] = resume(module, config, case["framework"])
    if case["own_tests"]:
        out["own_tests"] = own_tests(project)
    return out


def reload_keras(project, module, config, x, predicted, task) -> dict[str, Any]:
    """models/model.keras loaded by Keras itself, and how far its predictions are from
    the project's Predictor's."""
    keras = module("keras_model").keras
    model = keras.saving.load_model(project / "models" / "model.keras")
    again = np.asarray(model.predict(module("keras_model").features(config, x), verbose=0))
    if task == "regression":
        again = again[:, 0]
    return {"reload_max_diff": float(np.abs(again - predicted).max()), "model_name": model.name}


def restore_jax(project, module, config, run_dir: Path) -> dict[str, Any]:
    """The latest Orbax checkpoint restored into a freshly initialised network, compared
    with the exported parameters (before and after restoring)."""
    import optax
    from flax import nnx

    jax_model = module("jax_model")
    exported, recipe = jax_model.load_network(project / "models" / "model.msgpack")
    fresh = jax_model.build_model(
        config.params, recipe["input_shape"], recipe["outputs"], seed=12345
    )
    optimizer = nnx.Optimizer(fresh, optax.adamw(1e-3), wrt=nnx.Param)
    target = jax_model.parameters(exported)

    def distance() -> float:
        mine = jax_model.parameters(fresh)
        leaves = zip(_leaves(mine), _leaves(target), strict=True)
        return float(max(np.abs(np.asarray(a) - np.asarray(b)).max() for a, b in leaves))

    before = distance()
    step, losses = module("jax_train").restore(
        (run_dir / "checkpoints").resolve(), fresh, optimizer
    )
    return {
        "restore_before": before,
        "restore_after": distance(),
        "restored_step": step,
        "restored_losses": losses,
        "optimizer_step": int(optimizer.step.get_value()),
    }


def _leaves(tree: Any) -> list[Any]:
    if isinstance(tree, dict):
        return [leaf for key in sorted(tree, key=str) for leaf in _leaves(tree[key])]
    return [tree]


def resume(module, config, framework: str) -> dict[str, Any]:
    """Two epochs, then the same run resumed from its checkpoint up to four."""
    Config = module("config").Config
    train = module("train")

    def settings(**changes: Any):
        params = copy.deepcopy(config.params)
        params["tracking"]["enabled"] = False
        params["train"].update(changes)
        return Config(root=config.root, params=params)

    first = train.train(settings(epochs=2, resume=None))
    folder = "backup" if framework == "keras" else "checkpoints"
    checkpoint = Path(first["run_dir"]) / folder
    again = train.train(settings(epochs=4, resume=str(checkpoint)))
    return {"first": first["losses"], "again": again["losses"]}


def own_tests(project: Path) -> dict[str, Any]:
    """The generated project's own test suite, run in this process (its framework is
    already imported)."""
    import pytest

    started = time.perf_counter()
    # Training with resume, the service and batch predictions; tune and monitor are the
    # same code for every framework (tests/scaffold/test_lifecycle.py runs them).
    code = pytest.main(
        [str(project / "tests"), "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         "--rootdir", str(project), "-c", str(project / "pyproject.toml"),
         "-k", "lowers_the_loss or serve or predict_writes"]
    )  # fmt: skip
    return {"exit_code": int(code), "seconds": time.perf_counter() - started}


def main() -> None:
    cases = json.loads(Path(sys.argv[1]).read_text())
    results = {}
    for case in cases:
        # One case failing leaves the others to run; the test shows its traceback.
        try:
            results[case["project"]] = run_case(case)
        except BaseException:  # SystemExit from a project's module too
            results[case["project"]] = {"error": traceback.format_exc()}
    Path(sys.argv[2]).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
