"""Files the questionnaire receives: uploads saved under a size limit into the session's
folder, zips of image folders unpacked safely, and the loader that reads an upload.

Nothing uploaded is executed or unpickled here: uploads are written as bytes and read only
by :func:`advisor.data.load_dataset` (which opens ``.npz`` files with ``allow_pickle=False``).
"""

from __future__ import annotations

import re
import shutil
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from advisor.errors import AdvisorError, DataError

UPLOAD_SUFFIXES = (
    ".csv",
    ".tsv",
    ".txt",
    ".csv.gz",
    ".tsv.gz",
    ".txt.gz",
    ".parquet",
    ".pq",
    ".npz",
    ".zip",
)
DEFAULT_LIMIT_MB = 200  # matches server.maxUploadSize in .streamlit/config.toml
ZIP_MAX_MEMBERS = 100_000  # more entries than this is not an image folder but a zip bomb
ZIP_RATIO_LIMIT = 10  # a zip may unpack to at most this many times the upload limit


def safe_filename(name: str) -> str:
    """The base name of an uploaded file, reduced to letters, digits, ``.``, ``_``, ``-``.

    A browser sends whatever name it likes; this keeps ``../../x`` or ``C:\\x`` from ever
    naming a path outside the session folder.
    """
    base = PurePosixPath(name.replace("\\", "/")).name
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", base).lstrip(".")
    return cleaned or "upload"


def upload_suffix(filename: str) -> str:
    """The suffix that says what a file is: ``.csv.gz`` for ``data.csv.gz``, else the last."""
    path = Path(filename.lower())
    if path.suffix == ".gz":
        return Path(path.stem).suffix + ".gz"
    return path.suffix


def save_upload(
    name: str, data: bytes, folder: str | Path, *, limit_mb: float = DEFAULT_LIMIT_MB
) -> Path:
    """Write an uploaded file into ``folder`` and return the path to read the data from.

    A ``.zip`` (a folder of images or audio clips in class sub-folders) is unpacked safely
    and the folder is returned. Raises :class:`~advisor.errors.DataError`, writing nothing, when
    the upload is over ``limit_mb`` megabytes or is not a kind of file advisor reads.
    """
    size_mb = len(data) / 1e6
    if size_mb > limit_mb:
        raise DataError(
            f"{name} is {size_mb:,.1f} MB: uploads are limited to {limit_mb:g} MB. "
            "Upload a sample of the data, or run `advisor check` on the full file from a terminal."
        )
    filename = safe_filename(name)
    suffix = upload_suffix(filename)
    if suffix not in UPLOAD_SUFFIXES:
        raise DataError(
            f"{name} is not a file advisor reads: expected one of {', '.join(UPLOAD_SUFFIXES)} "
            "(a table, an .npz with X and y, or a zip of an image or audio folder)."
        )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if suffix == ".zip":
        return extract_image_zip(data, folder / Path(filename).stem, name=name, limit_mb=limit_mb)
    target = folder / filename
    target.write_bytes(data)
    return target


def extract_image_zip(
    data: bytes, destination: str | Path, *, name: str = "upload.zip", limit_mb: float
) -> Path:
    """Unpack a zip of an image folder into ``destination``; return the folder of classes.

    ``zipfile.extractall`` would quietly rewrite ``../`` and absolute member names; an
    archive holding them is refused outright instead, as are links, encrypted members and
    archives that unpack to more than ``ZIP_RATIO_LIMIT`` × ``limit_mb`` (a zip bomb).
    Nothing is written unless the whole archive passes.
    """
    import io

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DataError(
            f"{name} is not a valid zip archive: expected a zip of a folder with one "
            "sub-folder of images per class."
        ) from exc
    with archive:
        members = [m for m in archive.infolist() if not _is_junk(m.filename)]
        if len(members) > ZIP_MAX_MEMBERS:
            raise DataError(
                f"{name} holds {len(members):,} entries: at most {ZIP_MAX_MEMBERS:,} are accepted."
            )
        unpacked_mb = sum(m.file_size for m in members) / 1e6
        if unpacked_mb > limit_mb * ZIP_RATIO_LIMIT:
            raise DataError(
                f"{name} unpacks to {unpacked_mb:,.0f} MB: at most "
                f"{limit_mb * ZIP_RATIO_LIMIT:g} MB are accepted. Upload fewer or smaller images."
            )
        for member in members:
            _check_member(member, name)
        destination = Path(destination)
        if destination.exists():
            shutil.rmtree(destination)
        destination.mkdir(parents=True)
        for member in members:
            target = destination.joinpath(*PurePosixPath(member.filename).parts)
            if member.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, target.open("wb") as sink:
                shutil.copyfileobj(source, sink)
    return _class_root(destination)


def upload_loader(
    path: Path,
    *,
    shown_name: str,
    target: str | None = None,
    text_column: str | None = None,
    **options: Any,
) -> Callable[..., Any]:
    """``load(task=None, **more)`` reading an uploaded file with :func:`advisor.load_dataset`.

    ``options`` are further keywords of ``load_dataset`` (``drop``, ``time_column``,
    ``time_ordered``, ``image_size``); ``more`` adds to them or replaces them for one
    reading (the check step's columns to leave out and time column). Errors name the file
    as the user knows it (``shown_name``), not by its place in the session's folder.
    """
    from advisor.data import load_dataset

    def load(task: str | None = None, **more: Any) -> Any:
        try:
            return load_dataset(
                path, target=target, text_column=text_column, task=task, **{**options, **more}
            )
        except AdvisorError as exc:
            raise type(exc)(str(exc).replace(str(path), shown_name)) from exc

    return load


def _is_junk(filename: str) -> bool:
    # macOS's Finder adds these to every zip it makes; they are not images.
    parts = PurePosixPath(filename).parts
    return any(part == "__MACOSX" or part == ".DS_Store" for part in parts)


def _check_member(member: zipfile.ZipInfo, name: str) -> None:
    path = PurePosixPath(member.filename.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", member.filename):
        raise DataError(
            f"{name} holds an entry outside its own folder ({member.filename}): "
            "refusing to unpack it. Zip the image folder itself."
        )
    mode = member.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise DataError(
            f"{name} holds a link ({member.filename}): refusing to unpack it. "
            "Zip the images themselves."
        )
    if member.flag_bits & 0x1:
        raise DataError(f"{name} is encrypted ({member.filename}): upload an unencrypted zip.")


def _class_root(folder: Path) -> Path:
    # A zip of "pets/" holds pets/cat/..., pets/dog/...: the classes are one level down.
    while True:
        entries = [p for p in folder.iterdir() if not p.name.startswith(".")]
        if len(entries) == 1 and entries[0].is_dir():
            inner = [p for p in entries[0].iterdir() if not p.name.startswith(".")]
            if inner and all(p.is_dir() for p in inner):
                folder = entries[0]
                continue
        return folder
