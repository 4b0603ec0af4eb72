{%- set neural = cookiecutter.framework in ("pytorch", "lightning", "keras", "jax") -%}
"""Hyperparameter search: an Optuna study over the space declared in params.yaml (tune:).

Run it with `python -m {{ cookiecutter.package_name }}.tune` (`--trials 3` for a quick look).
Each trial trains on most of the training split and is scored on the rest (the test split
is never seen), tracked as a run of its own with the project's tracker; {% if neural %}trials whose
training loss falls behind the others' are pruned (Optuna's median pruner); {% endif %}the best
parameters go to params.best.yaml (the whole of params.yaml, with the best values set).

With DVC: `cp params.best.yaml params.yaml && dvc exp run` records the tuned pipeline as
an experiment; `dvc exp run --set-param model.<name>=<value>` tries one value by hand, and
`dvc exp show` compares them.
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import yaml

from . import train
from .config import TASK, Config, load_config
from .data import load_split
from .evaluate import METRICS, score
from .predictor import Predictor


def suggest(trial: optuna.Trial, space: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One value for each dotted parameter name of the space."""
    values = {}
    for name, spec in space.items():
        kind = spec["type"]
        log = spec.get("log", False)
        if kind == "float":
            values[name] = trial.suggest_float(name, spec["low"], spec["high"], log=log)
        elif kind == "int":
            values[name] = trial.suggest_int(name, spec["low"], spec["high"], log=log)
        elif kind == "categorical":
            values[name] = trial.suggest_categorical(name, spec["choices"])
        else:
            raise SystemExit(
                f"tune.space.{name}.type {kind!r} in params.yaml is not float, int or categorical"
            )
    return values


def with_values(params: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """A copy of `params` with each dotted name set (`model.lr`: params["model"]["lr"])."""
    params = copy.deepcopy(params)
    for name, value in values.items():
        *parents, leaf = name.split(".")
        section = params
        for part in parents:
            section = section[part]
        if leaf not in section:
            raise SystemExit(f"tune.space names {name}, which params.yaml does not have")
        section[leaf] = value
    return params


def validation_split(config: Config, folder: Path, share: float) -> tuple[np.ndarray, np.ndarray]:
    """Write a trial's data: part of the training split to train on, the rest as its
    "test" split; returns the held-out rows."""
    from sklearn.model_selection import train_test_split

    x, y = load_split(config, "train")
    x_fit, x_val, y_fit, y_val = train_test_split(
        x,
        y,
        test_size=share,
        random_state=config["seed"],
        stratify=None if TASK == "regression" else y,
    )
    out = folder / "data" / "processed"
    out.mkdir(parents=True, exist_ok=True)
    np.savez(out / "train.npz", x=x_fit, y=y_fit)
    np.savez(out / "test.npz", x=x_val, y=y_val)
    shutil.copy(config.path("data", "processed", "features.json"), out / "features.json")
    return x_val, y_val


def run_study(config: Config, trials: int) -> optuna.Study:
    settings = config["tune"]
    metric = config["evaluate"]["metric"]
    higher = METRICS[metric]
    folder = config.path("runs", "tune")
    shutil.rmtree(folder, ignore_errors=True)
    x_val, y_val = validation_split(config, folder, float(settings["validation_share"]))

    def objective(trial: optuna.Trial) -> float:
        values = suggest(trial, settings["space"])
        params = with_values(config.params, values)
        params["tracking"]["root"] = str(config.root)
        trial_root = folder / f"trial-{trial.number}"
        trial_root.mkdir()
        (trial_root / "data").symlink_to(folder / "data", target_is_directory=True)
        trial_config = Config(root=trial_root, params=params)

        def report(epoch: int, loss: float) -> bool:
{%- if neural %}
            # The pruner compares values in the study's direction: a loss is negated when
            # the metric is maximised.
            trial.report(-loss if higher else loss, epoch)
            return trial.should_prune()
{%- else %}
            return False  # trees and linear models train in seconds: nothing to prune
{%- endif %}
{%- if cookiecutter.framework == "pytorch" %}
        from .distributed import World

        train.train(trial_config, World(), on_epoch=report)
{%- else %}
        train.train(trial_config, on_epoch=report)
{%- endif %}
{%- if neural %}
        if trial.should_prune():
            raise optuna.TrialPruned()
{%- endif %}
        value = score(metric, y_val, Predictor(trial_config).predict(x_val))
        print(f"trial {trial.number}: {metric} {value:.4f} with {json.dumps(values)}")
        return value

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        direction="maximize" if higher else "minimize",
        sampler=optuna.samplers.TPESampler(seed=config["seed"]),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=1),
    )
    study.optimize(objective, n_trials=trials)
    return study


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Tune; returns {"best_value": ..., "best_params": {...}, "trials": n, "pruned": n}."""
    parser = argparse.ArgumentParser(description="Search the hyperparameters of params.yaml.")
    parser.add_argument("--params", default="params.yaml", help="the parameters file")
    parser.add_argument("--trials", type=int, default=None, help="default: tune.trials")
    args = parser.parse_args(argv)
    config = load_config(args.params)
    study = run_study(config, args.trials or int(config["tune"]["trials"]))
    best = with_values(config.params, study.best_params)
    text = yaml.safe_dump(best, sort_keys=False)
    config.path("params.best.yaml").write_text(text, encoding="utf-8")
    states = [t.state for t in study.trials]
    result = {
        "best_value": study.best_value,
        "best_params": study.best_params,
        "trials": len(states),
        "pruned": states.count(optuna.trial.TrialState.PRUNED),
    }
    metric = config["evaluate"]["metric"]
    print(f"best {metric} {study.best_value:.4f} with {json.dumps(study.best_params)}")
    print(f"{result['pruned']} of {result['trials']} trials pruned; wrote params.best.yaml")
    return result


if __name__ == "__main__":
    main()
