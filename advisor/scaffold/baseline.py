"""The baseline to beat: the best classical and neural scores of a feasibility report."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from advisor.errors import ReportError

REPORT_SCHEMA = "advisor.feasibility/1"

# What scaffolding needs from an advisor.feasibility/1 report (the check writes more).
_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema", "task", "modality", "metric", "higher_is_better", "verdict"],
    "properties": {
        "schema": {"const": REPORT_SCHEMA},
        "task": {"enum": ["binary", "multiclass", "regression"]},
        "modality": {"enum": ["tabular", "image", "text"]},
        "metric": {"type": "string", "minLength": 1},
        "higher_is_better": {"type": "boolean"},
        "verdict": {"enum": ["classical", "deep_learning", "tie"]},
        "best_classical": {"$ref": "#/$defs/best"},
        "best_deep_learning": {"$ref": "#/$defs/best"},
    },
    "$defs": {
        "best": {
            "anyOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "properties": {"score": {"type": ["number", "null"]}},
                },
            ]
        }
    },
}

# Metrics the generated evaluate step computes, and other names the check may use for them.
PROJECT_METRICS = ("roc_auc", "accuracy", "balanced_accuracy", "f1_macro", "r2", "rmse", "mae")
_ALIASES = {
    "auc": "roc_auc",
    "macro_f1": "f1_macro",
    "f1": "f1_macro",
    "root_mean_squared_error": "rmse",
}
DEFAULT_METRIC = {"binary": "roc_auc", "multiclass": "accuracy", "regression": "rmse"}


def project_metric(metric: str) -> str:
    """The project's name for a metric of the check (``macro_f1`` -> ``f1_macro``)."""
    return _ALIASES.get(metric.lower(), metric.lower())


_HOW = "write one with 'advisor check DATA --json report.json'"


def check_report(report: Any, *, source: str = "the report") -> dict[str, Any]:
    """`report` if it is an advisor.feasibility/1 report; ReportError saying why not."""
    import jsonschema

    if not isinstance(report, Mapping):
        raise ReportError(f"{source} is not a feasibility report: expected a JSON object; {_HOW}")
    if report.get("schema") != REPORT_SCHEMA:
        raise ReportError(
            f'{source} is not a feasibility report: expected "schema": "{REPORT_SCHEMA}", '
            f"found {report.get('schema')!r}; {_HOW}"
        )
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(_SCHEMA).iter_errors(dict(report))
    )
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "top level"
        message = error.message.splitlines()[0]
        raise ReportError(
            f"{source} is not a valid feasibility report: at {where}: {message}; {_HOW}"
        )
    return dict(report)


def read_report(path: str | Path) -> dict[str, Any]:
    """The feasibility report in the JSON file `path`; ReportError when it is not one."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"report file {str(path)!r} does not exist; {_HOW}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"cannot read report file {str(path)!r}: {exc}; {_HOW}") from None
    try:
        report = json.loads(text)
    except json.JSONDecodeError:
        raise ReportError(
            f"{str(path)!r} is not a feasibility report: it is not JSON; {_HOW}"
        ) from None
    return check_report(report, source=repr(str(path)))


def _best(entry: Any) -> dict[str, Any] | None:
    if not isinstance(entry, Mapping) or entry.get("score") is None:
        return None
    name = entry.get("name") or entry.get("model")
    return {"name": str(name) if name is not None else None, "score": float(entry["score"])}


def baseline_from_report(report: Mapping[str, Any]) -> dict[str, Any]:
    """The baseline.json a project gets from a checked report: the metric and the best
    classical and deep-learning scores (None where the check had none)."""
    report = check_report(report)
    return {
        "measured": True,
        "source": "advisor check",
        "metric": project_metric(report["metric"]),
        "higher_is_better": report["higher_is_better"],
        "verdict": report["verdict"],
        "task": report["task"],
        "modality": report["modality"],
        "best_classical": _best(report.get("best_classical")),
        "best_deep_learning": _best(report.get("best_deep_learning")),
    }


NO_BASELINE: dict[str, Any] = {"measured": False}
