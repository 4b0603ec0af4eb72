"""Every command answers ``--help``, and the fast paths stay free of heavy imports."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from advisor.cli import main

HEAVY = ("torch", "sklearn", "xgboost")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


COMMANDS = _commands(main)


def test_every_subcommand_is_registered() -> None:
    assert {"recommend", "check", "scaffold", "recipes"} <= set(main.commands)


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) or "advisor" for p in COMMANDS])
def test_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="advisor")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: advisor {' '.join(path)}".rstrip())
    assert "Show this message and exit." in result.output


def test_recommend_help_lists_the_design_flags() -> None:
    result = CliRunner().invoke(main, ["recommend", "--help"])
    for flag in ("--task [binary|multiclass|regression|detection|transcription|generation]",
                 "--modality [tabular|image|text|audio]",
                 "--complexity [simple|complex|unknown]", "--rows", "--features",
                 "--interpretable / --not-interpretable", "--gpu / --no-gpu",
                 "--labelled / --unlabelled", "--data PATH",
                 "--target COL", "--text-column COL", "--json"):  # fmt: skip
        assert flag in result.output


# A child process, so the imports of this test session do not count.
CHILD = """
import json, sys
from advisor.cli import main
try:
    main({args!r}, prog_name="advisor")
except SystemExit:
    pass
loaded = [name for name in {heavy!r} if name in sys.modules]
print(json.dumps(loaded), file=sys.stderr)
"""


@pytest.mark.parametrize(
    ("args", "heavy"),
    [
        (["--help"], (*HEAVY, "pandas")),
        (["recommend", "--help"], (*HEAVY, "pandas")),
        (["recommend", "--task", "binary", "--modality", "image", "--rows", "20000"],
         (*HEAVY, "pandas")),
        (["recommend", "--task", "binary", "--rows", "20000", "--json"], (*HEAVY, "pandas")),
        *[([name, "--help"], HEAVY) for name in ("check", "scaffold", "recipes")],
    ],
    ids=[
        "advisor-help",
        "recommend-help",
        "recommend-flags",
        "recommend-json",
        "check-help",
        "scaffold-help",
        "recipes-help",
    ],
)  # fmt: skip
def test_fast_paths_import_no_heavy_library(args: list[str], heavy: tuple[str, ...]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD.format(args=args, heavy=heavy)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    loaded = json.loads(done.stderr.strip().splitlines()[-1])
    assert loaded == [], f"advisor {' '.join(args)} imported {loaded}"


def test_python_dash_m_advisor_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "advisor", "recommend", "--task", "binary", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["schema"] == "advisor.recommendation/1"
