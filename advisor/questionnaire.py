"""What the questionnaire (``app.py``) needs that is not a widget: answers into a profile,
the check's progress in words, and the files it hands out as downloads.

Kept apart from the page so it is tested without Streamlit and the page stays thin.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.profile import Profile

# The vocabulary fields the user answers by hand; the rest (shares, classes) come from data.
PROBLEM_FIELDS = ("task", "modality", "complexity")
SIZE_FIELDS = ("rows", "features")
CONSTRAINT_FIELDS = ("interpretable", "latency_sensitive", "gpu")
QUESTION_FIELDS = PROBLEM_FIELDS + SIZE_FIELDS + CONSTRAINT_FIELDS
# What data tells better than a guess: taken into the answers when data is read.
DATA_FIELDS = ("task", "modality", "rows", "features")


def default_answers(vocabulary: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The starting answer to every question, from the vocabulary's defaults."""
    answers: dict[str, Any] = {}
    for field in QUESTION_FIELDS:
        spec = vocabulary[field]
        default = spec.get("default")
        if default is None and spec["type"] == "choice":
            default = spec["values"][0]  # task has no default: its first choice is offered
        answers[field] = default
    return answers


def answers_to_profile(answers: Mapping[str, Any], inferred: Profile | None = None) -> Profile:
    """The profile the answers describe, on top of what the data told (``inferred``)."""
    if inferred is None:
        return Profile(**answers)
    return inferred.replace(**answers)


def profile_rows(
    profile: Profile, vocabulary: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, str]]:
    """The measured profile as table rows: field, value in words, what the field means."""
    return [
        {
            "": key.replace("_", " ").capitalize(),
            "value": readable(value),
            "meaning": vocabulary.get(key, {}).get("description", ""),
        }
        for key, value in profile.to_dict().items()
        if key != "notes" and value is not None and key not in (*CONSTRAINT_FIELDS, "labelled")
    ]


def readable(value: Any) -> str:
    """A profile value for people: shares as percentages, counts with separators."""
    if isinstance(value, float):
        return f"{value:.1%}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def progress_line(event: str, info: Mapping[str, Any]) -> str | None:
    """One line (Markdown) for an event :func:`advisor.run_check` reports, or None."""
    name = info.get("name", "")
    if event == "candidate_start":
        return f"Training **{name}** for up to {info.get('seconds', '?')} s…"
    if event == "candidate_finish":
        score = info.get("score")
        scored = "" if score is None else f", score {score:.4f}"
        return f"**{name}**: {info.get('status', 'done')}{scored}"
    if event == "candidate_skipped":
        return f"**{name}**: skipped ({info.get('reason', 'not applicable')})"
    share = f" at {info['fraction']:.0%} of the rows" if "fraction" in info else ""
    if event == "curve_start":
        return f"Learning curve for **{name}**{share}…"
    if event == "curve_finish":
        return f"Learning curve for **{name}**{share}: {info.get('status', 'done')}"
    return None


def report_files(report: Any, folder: str | Path) -> dict[str, bytes]:
    """The check's ``report.html`` and ``report.json``, written into ``folder``, as bytes."""
    from advisor.check.report import write_report

    write_report(report, folder)
    return {name: (Path(folder) / name).read_bytes() for name in ("report.html", "report.json")}


@dataclass(frozen=True)
class ProjectArchive:
    """A generated project, zipped for download."""

    name: str  # the project folder's name, the zip's top-level entry
    data: bytes  # the zip
    files: tuple[str, ...]  # the project's files, relative, without .git internals


def archive_project(project: str | Path) -> ProjectArchive:
    """Zip a generated project (beside it) and list its files."""
    from advisor.uploads import zip_folder

    project = Path(project)
    archive = zip_folder(project, project.parent / project.name)
    files = tuple(
        sorted(
            p.relative_to(project).as_posix()
            for p in project.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(project).parts
        )
    )
    return ProjectArchive(name=project.name, data=archive.read_bytes(), files=files)


def upload_loader(
    path: Path, *, shown_name: str, target: str | None = None, text_column: str | None = None
) -> Callable[..., Any]:
    """``load(task=None)`` reading an uploaded file with :func:`advisor.load_dataset`.

    Errors name the file as the user knows it (``shown_name``), not by its place in the
    session's folder.
    """
    from advisor.data import load_dataset
    from advisor.errors import AdvisorError

    def load(task: str | None = None) -> Any:
        try:
            return load_dataset(path, target=target, text_column=text_column, task=task)
        except AdvisorError as exc:
            raise type(exc)(str(exc).replace(str(path), shown_name)) from exc

    return load
