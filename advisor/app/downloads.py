"""Files the questionnaire hands back: the check's report and a generated project, as the
bytes its download buttons serve.

Each is read into memory once, when it is made, so a download never touches the session's
folder again (it may have been replaced by then).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any


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


def zip_folder(folder: str | Path, destination: str | Path) -> Path:
    """Zip ``folder`` (a generated project) into ``destination``.zip, the folder's own name
    as the top-level entry, and return the archive's path."""
    folder = Path(folder)
    archive = shutil.make_archive(
        str(destination), "zip", root_dir=folder.parent, base_dir=folder.name
    )
    return Path(archive)
