"""The wheel carries what an installed advisor needs: recipes, templates and rule files."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("advisor-*.whl")
    return zipfile.ZipFile(built)


def _shipped(folder: str) -> set[str]:
    return {
        str(path.relative_to(ROOT / folder))
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.mark.parametrize(
    ("folder", "inside"),
    [
        ("recipes", "advisor/_data/recipes"),
        ("templates", "advisor/_data/templates"),
        ("advisor/rules/kb", "advisor/rules/kb"),
        ("advisor/check/templates", "advisor/check/templates"),
    ],
    ids=["recipes", "templates", "rules", "report-template"],
)
def test_wheel_ships_data_folder(wheel: zipfile.ZipFile, folder: str, inside: str) -> None:
    expected = _shipped(folder)
    assert expected, f"{folder}/ is empty in the checkout"
    names = set(wheel.namelist())
    missing = sorted(f for f in expected if f"{inside}/{f}" not in names)
    assert missing == []


def test_installed_layout_is_found_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from advisor import resources

    package = tmp_path / "advisor"
    (package / "_data" / "recipes").mkdir(parents=True)
    monkeypatch.setattr(resources, "_PACKAGE", package)
    assert resources.recipes_dir() == package / "_data" / "recipes"
