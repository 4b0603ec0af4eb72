"""Writing files so that a reader never sees half of one: each is written beside its
target under a hidden name, then moved into place in one step (``os.replace``).

The check's JSON, its HTML report and the generated projects all go through here, so an
interrupted or failed write leaves the user's folder as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path


@contextlib.contextmanager
def staging_folder(target: Path) -> Iterator[Path]:
    """A fresh hidden folder beside ``target`` (same file system, so a move is atomic),
    removed with whatever is left in it when the block ends. Raises ``OSError`` when the
    parent cannot be created or written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_files(directory: Path, files: Mapping[str, str]) -> None:
    """Write ``files`` (name -> text) into ``directory``, created if needed; other files
    there are left alone. Each file appears whole or not at all. Raises ``OSError``."""
    with staging_folder(directory) as staging:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        if not directory.exists():
            staging.chmod(0o755)  # mkdtemp makes it private; the user's folder is not
            os.replace(staging, directory)
            return
        for name in files:
            os.replace(staging / name, directory / name)


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all. Raises ``OSError``."""
    handle, staging = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(staging, path)
    finally:
        Path(staging).unlink(missing_ok=True)
