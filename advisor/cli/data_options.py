"""The options that say how to read the user's data, shared by ``check`` and ``recommend``:
declared once, checked for conflicts once, and turned into one ``load_dataset`` call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from advisor.errors import ParameterError
from advisor.terms import CHECK_TASKS

# Options that describe the columns of a table: meaningless for an image folder or a
# bundled example, which bring their own target.
TABLE_OPTIONS = ("target", "text_column", "drop", "time_column")


def data_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the data options to a command (the command takes them as keyword arguments)."""
    options = [
        click.option(
            "--target", metavar="COL", help="Target column of a table [default: detected]."
        ),
        click.option(
            "--text-column",
            metavar="COL",
            help="Free-text column of a table [default: detected; 'none' for no text].",
        ),
        click.option(
            "--drop",
            metavar="COL",
            multiple=True,
            help="Leave this column out (an ID, a leak); repeat for more.",
        ),
        click.option(
            "--task",
            type=click.Choice(CHECK_TASKS),
            help="Override the task inferred from the target.",
        ),
        click.option(
            "--image-size",
            type=click.IntRange(min=8, max=1024),
            metavar="N",
            help="Resize images of mixed sizes to N x N pixels.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@dataclass(frozen=True)
class DataRequest:
    """What the user asked to read, and how."""

    path: Path | None = None
    example: str | None = None
    target: str | None = None
    text_column: str | None = None
    drop: tuple[str, ...] = ()
    task: str | None = None
    image_size: int | None = None
    time_column: str | None = None
    time_ordered: bool = False

    def check_conflicts(self) -> None:
        """Refuse options that contradict each other or the input, before any work."""
        given = [name for name in TABLE_OPTIONS if getattr(self, name)]
        if self.example is not None and given:
            raise ParameterError(
                f"{_flag(given[0])} is for your own table; --example {self.example} brings its "
                f"own target and columns: leave {_flag(given[0])} out."
            )
        if self.example is not None and self.image_size is not None:
            raise ParameterError(
                f"--image-size is for a folder of images; --example {self.example} is ready "
                "as it is: leave --image-size out."
            )
        if self.path is not None and self.path.is_dir() and given:
            raise ParameterError(
                f"{_flag(given[0])} is for a table; {self.path} is a folder of images whose "
                f"sub-folders are the classes: leave {_flag(given[0])} out."
            )
        if self.path is not None and self.path.is_file() and self.image_size is not None:
            raise ParameterError(
                f"--image-size is for a folder of images; {self.path} is a file: leave "
                "--image-size out."
            )

    def load(self, *, max_rows: int | None = None, seed: int = 0) -> Any:
        """The dataset: a bundled example or the user's file."""
        from advisor.data import load_dataset, load_example

        self.check_conflicts()
        if self.example is not None:
            return load_example(self.example, task=self.task)
        return load_dataset(
            self.path,
            target=self.target,
            text_column=self.text_column,
            task=self.task,
            drop=self.drop,
            image_size=self.image_size,
            time_column=self.time_column,
            time_ordered=self.time_ordered,
            max_rows=max_rows,
            seed=seed,
        )


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")
