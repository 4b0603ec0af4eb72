"""Downloads: a generated project zipped with its file list, and the check's report files."""

from __future__ import annotations

import json
import zipfile

from advisor.app.downloads import archive_project, report_files, zip_folder
from tests.app.reports import canned_report


def test_zip_folder_keeps_the_project_folder_as_top_level(tmp_path):
    project = tmp_path / "churn"
    (project / "src").mkdir(parents=True)
    (project / "README.md").write_text("# churn\n")
    (project / "src" / "train.py").write_text("print('hi')\n")
    archive = zip_folder(project, tmp_path / "out" / "churn")
    assert archive == tmp_path / "out" / "churn.zip"
    with zipfile.ZipFile(archive) as zipped:
        assert {"churn/README.md", "churn/src/train.py"} <= set(zipped.namelist())


def test_archive_project_zips_the_folder_and_lists_files_without_git(tmp_path):
    project = tmp_path / "churn"
    (project / ".git" / "objects").mkdir(parents=True)
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (project / "churn").mkdir()
    (project / "churn" / "train.py").write_text("print('train')\n")
    (project / "params.yaml").write_text("seed: 0\n")
    archive = archive_project(project)
    assert archive.name == "churn"
    assert archive.files == ("churn/train.py", "params.yaml")
    with zipfile.ZipFile(tmp_path / "churn.zip") as zipped:
        assert zipped.read("churn/params.yaml") == b"seed: 0\n"
        assert "churn/.git/HEAD" in zipped.namelist()  # the repository ships with the project
    assert (tmp_path / "churn.zip").read_bytes() == archive.data


def test_report_files_are_the_written_report_and_json(tmp_path):
    report = canned_report()
    files = report_files(report, tmp_path)
    assert set(files) == {"report.html", "report.json"}
    assert files["report.json"] == (tmp_path / "report.json").read_bytes()
    assert json.loads(files["report.json"]) == json.loads(report.to_json())
    assert files["report.html"].lstrip().lower().startswith(b"<!doctype html")
