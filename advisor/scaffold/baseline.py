"""The baseline to beat: the best classical and neural scores of a feasibility report.

A report is read and validated once, through the check's own JSON Schema
(:mod:`advisor.check.result`); scaffolding then works on the typed
:class:`~advisor.check.result.FeasibilityReport`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from advisor.check.result import SCHEMA, FeasibilityReport, ModelResult
from advisor.errors import ReportError
from advisor.terms import DEFAULT_METRICS

# The metric a project is evaluated in when no report names one: its task's primary metric.
DEFAULT_METRIC = {task: metrics[0] for task, metrics in DEFAULT_METRICS.items()}
NO_BASELINE: dict[str, Any] = {"measured": False}

_HOW = "write one with 'advisor check DATA --json report.json'"

# The models of the check's ladder -> the model a generated project builds for each.
_PROJECT_MODEL = {
    "logistic": "logistic_regression",
    "ridge": "linear_regression",
    "svm": "rbf_svm",
    "hist_gradient_boosting": "hist_gradient_boosting",
    "xgboost": "xgboost",
    "mlp": "mlp",
    "tabm": "mlp",  # the nearest network a project builds: one MLP, not an ensemble
    "tfidf_logistic": "logistic_regression",
    "tfidf_ridge": "linear_regression",
    "tfidf_naive_bayes": "naive_bayes",
    "tfidf_linear_svm": "linear_svm",
    "text_net": "text_nn",
    "pixels_logistic": "logistic_regression",
    "pixels_ridge": "linear_regression",
    "pixels_svm": "rbf_svm",
    "pixels_gradient_boosting": "hist_gradient_boosting",
    "cnn": "cnn",
}


def as_report(data: Any, *, source: str | None = None) -> FeasibilityReport:
    """The typed report for `data`, the ``advisor.feasibility/1`` JSON; ReportError saying
    what is wrong (naming `source`, such as the file it came from) when it is not one."""
    name = source or "the report"
    if not isinstance(data, Mapping):
        raise ReportError(f"{name} is not a feasibility report: expected a JSON object; {_HOW}")
    # Said before validating: for another advisor JSON (a recommendation, say) the
    # schema's first complaint would be a missing field rather than what the file is.
    if data.get("schema") != SCHEMA:
        raise ReportError(
            f'{name} is not a feasibility report: expected "schema": "{SCHEMA}", '
            f"found {data.get('schema')!r}; {_HOW}"
        )
    try:
        return FeasibilityReport.from_dict(dict(data))
    except ReportError as exc:
        if source is None:
            raise
        raise ReportError(f"{source}: {exc}") from None
    except RecursionError:
        # Describing a value nested nearly as deep as json.loads allows recurses too.
        raise ReportError(_too_deep(name)) from None


def read_report(path: str | Path) -> FeasibilityReport:
    """The feasibility report in the JSON file `path`, validated; ReportError when it is
    not one."""
    path = Path(path)
    source = repr(str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"report file {source} does not exist; {_HOW}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"cannot read report file {source}: {exc}; {_HOW}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise ReportError(f"{source} is not a feasibility report: it is not JSON; {_HOW}") from None
    except RecursionError:
        # json.loads recurses once per level of nesting; no report nests that deep.
        raise ReportError(_too_deep(source)) from None
    return as_report(data, source=source)


def _too_deep(name: str) -> str:
    return f"{name} is not a feasibility report: its JSON is nested too deeply; {_HOW}"


def _best(model: ModelResult | None) -> dict[str, Any] | None:
    if model is None or model.score is None:
        return None
    return {"name": model.name, "score": float(model.score)}


def baseline_from_report(report: FeasibilityReport) -> dict[str, Any]:
    """The baseline.json a project gets from a checked report: the metric and the best
    classical and deep-learning scores (None where the check had none).

    A report with nothing to beat gives a baseline that says so: ``measured`` is false and
    ``reason`` is the check's own sentence, when no model beat the dummy floor (a score
    there is noise, not a number to beat) or when neither family produced a score."""
    best = {
        "best_classical": _best(report.best_classical),
        "best_deep_learning": _best(report.best_deep_learning),
    }
    outcome = _outcome(report)
    measured = outcome != "no_signal" and any(best.values())
    baseline: dict[str, Any] = {
        "measured": measured,
        "source": "advisor check",
        "outcome": outcome,
        "metric": report.metric,
        "higher_is_better": report.higher_is_better,
        "verdict": report.verdict,
        "task": report.task,
        "modality": report.modality,
    }
    if outcome != "measured":
        baseline["reason"] = report.verdict_words()
    if measured:
        baseline.update(best)
    return baseline


def _outcome(report: FeasibilityReport) -> str:
    # Reports written before the check recorded its outcome: measured.
    return getattr(report, "outcome", "measured")


def project_model(report: FeasibilityReport) -> str | None:
    """The model a project follows the report with: the best model of the family its
    verdict favours (classical on a tie: as good, and cheaper), as a project model word;
    None when that family has no score, no model beat the dummy floor, or the check's model
    has no project counterpart."""
    if _outcome(report) == "no_signal":
        return None  # the best of noise is no model to follow
    best = report.best_deep_learning if report.verdict == "deep_learning" else report.best_classical
    if best is None or best.score is None:
        return None
    return _PROJECT_MODEL.get(best.name)
