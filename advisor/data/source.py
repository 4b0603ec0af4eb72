"""Where a dataset came from: the file or folder, how it was read, how many rows it holds
and a hash of its content, so that a project can train on exactly the data that was
checked and notice when that data has changed.

The hash is SHA-256 over the file's bytes; for a folder of images or audio clips, over each
file's path relative to the folder (sorted, ``/``-separated) and the SHA-256 of its bytes,
for the files the reader takes (files with an image or audio suffix in a non-hidden class
sub-folder; a folder holds one kind or the other).
Generated projects compute the same hash with their own code (``data.py``), so the two
must stay in step.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.errors import DataError

KINDS = ("table", "text", "image_folder", "npz", "audio_folder")
_BLOCK = 1 << 20  # bytes hashed at a time: a large file is never read whole


@dataclass(frozen=True)
class DataSource:
    """The input a dataset was read from, and the reading options that change which rows
    and columns are seen."""

    path: str  # absolute
    kind: str  # one of KINDS
    rows_total: int  # rows (images, clips) in the input, before any sampling
    sha256: str
    size_bytes: int  # of the file, or of the images or clips of a folder
    target: str | None = None
    text_column: str | None = None
    drop: tuple[str, ...] = ()
    time_column: str | None = None
    time_ordered: bool = False
    image_size: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "rows_total": self.rows_total,
            "sha256": self.sha256,
            "size_bytes": self.size_bytes,
            "target": self.target,
            "text_column": self.text_column,
            "drop": list(self.drop),
            "time_column": self.time_column,
            "time_ordered": self.time_ordered,
            "image_size": self.image_size,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DataSource:
        return cls(
            path=data["path"],
            kind=data["kind"],
            rows_total=data["rows_total"],
            sha256=data["sha256"],
            size_bytes=data.get("size_bytes", 0),
            target=data.get("target"),
            text_column=data.get("text_column"),
            drop=tuple(data.get("drop", ())),
            time_column=data.get("time_column"),
            time_ordered=bool(data.get("time_ordered", False)),
            image_size=data.get("image_size"),
        )


def image_files(folder: Path) -> list[Path]:
    """The images (or audio clips) a folder reader takes, sorted by their path relative to
    `folder`."""
    from advisor.data.audio import AUDIO_SUFFIXES
    from advisor.data.images import IMAGE_SUFFIXES

    suffixes = IMAGE_SUFFIXES | AUDIO_SUFFIXES
    found = [
        path
        for path in folder.rglob("*")
        if path.suffix.lower() in suffixes
        and len(path.relative_to(folder).parts) >= 2
        and not path.relative_to(folder).parts[0].startswith(".")
        and path.is_file()
    ]
    return sorted(found, key=lambda path: path.relative_to(folder).as_posix())


def content_hash(path: str | Path) -> str:
    """SHA-256 of a file's bytes, or of a folder's images or clips (see the module's
    docstring)."""
    path = Path(path)
    if path.is_file():
        return _file_hash(path).hexdigest()
    digest = hashlib.sha256()
    for image in image_files(path):
        digest.update(image.relative_to(path).as_posix().encode("utf-8") + b"\0")
        digest.update(_file_hash(image).digest())
    return digest.hexdigest()


def _file_hash(path: Path) -> Any:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest


def describe_source(
    path: str | Path,
    dataset: Any,
    *,
    drop: tuple[str, ...] = (),
    image_size: int | None = None,
) -> DataSource:
    """The :class:`DataSource` of `dataset`, read from `path` with these options."""
    path = Path(path).resolve()
    if path.is_dir():
        kind = "audio_folder" if dataset.modality == "audio" else "image_folder"
        size = sum(image.stat().st_size for image in image_files(path))
    else:
        kind = (
            "npz" if path.suffix.lower() == ".npz" else "text" if dataset.text_column else "table"
        )
        size = path.stat().st_size
    return DataSource(
        path=str(path),
        kind=kind,
        rows_total=int(dataset.rows_total or dataset.rows),
        sha256=content_hash(path),
        size_bytes=size,
        target=dataset.target,
        text_column=dataset.text_column,
        drop=tuple(drop),
        time_column=dataset.time_column,
        time_ordered=bool(dataset.time_ordered),
        image_size=image_size,
    )


def verify_source(source: DataSource, *, where: str = "the report") -> None:
    """Raise :class:`DataError` when the data `source` describes has moved or changed."""
    path = Path(source.path)
    if not path.exists():
        raise DataError(
            f"{path}, the data {where} was made from, is no longer there: put it back, or run "
            "'advisor check' again on the data where it is now and scaffold from that report."
        )
    if content_hash(path) != source.sha256:
        raise DataError(
            f"{path} has changed since {where} was written (its content hash differs): run "
            "'advisor check' again on it and scaffold from the new report."
        )


__all__ = ["KINDS", "DataSource", "content_hash", "describe_source", "image_files", "verify_source"]
