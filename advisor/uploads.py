"""Files the questionnaire receives and hands back: one private folder per browser session,
uploads saved under a size limit, zips of image folders unpacked safely, projects zipped.

Nothing uploaded is executed or unpickled here: uploads are written as bytes and read only
by :func:`advisor.data.load_dataset` (which opens ``.npz`` files with ``allow_pickle=False``).
"""

from __future__ import annotations

import re
import shutil
import stat
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from advisor.errors import DataError

UPLOAD_SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".pq", ".npz", ".zip")
DEFAULT_LIMIT_MB = 200  # matches server.maxUploadSize in .streamlit/config.toml
ZIP_MAX_MEMBERS = 100_000  # more entries than this is not an image folder but a zip bomb
ZIP_RATIO_LIMIT = 10  # a zip may unpack to at most this many times the upload limit
SESSION_PREFIX = "advisor-session-"
STALE_SECONDS = 24 * 3600  # session folders older than this were left by a dead server


def session_folder(root: str | Path | None = None) -> tempfile.TemporaryDirectory:
    """A new private folder for one browser session.

    The folder is deleted when the returned object is garbage-collected or when the
    server exits: the standard library's ``TemporaryDirectory`` does both through
    ``weakref.finalize``.
    """
    return tempfile.TemporaryDirectory(prefix=SESSION_PREFIX, dir=root, ignore_cleanup_errors=True)


class SessionFolders:
    """The private folders of the sessions one server holds, removed once a session is gone.

    Streamlit has no end-of-session hook and keeps a closed session's state for a while
    (so that a dropped connection can resume), so garbage collection alone frees a folder
    late or never. :meth:`release_gone` removes the folder of every session that
    ``is_alive`` has reported gone for ``grace`` seconds; the rest go when the server exits.
    """

    def __init__(self, root: str | Path | None = None) -> None:
        self._root = root
        self._held: dict[str, tempfile.TemporaryDirectory] = {}
        self._gone_since: dict[str, float] = {}
        self._lock = threading.Lock()  # sessions run their scripts on separate threads

    def folder(self, session_id: str) -> Path:
        """This session's folder, created on first use (and again if it was removed)."""
        with self._lock:
            held = self._held.get(session_id)
            if held is None or not Path(held.name).is_dir():
                held = self._held[session_id] = session_folder(self._root)
            self._gone_since.pop(session_id, None)
            return Path(held.name)

    def release_gone(
        self, is_alive: Callable[[str], bool], *, grace: float, now: float | None = None
    ) -> list[str]:
        """Remove the folders of sessions gone for ``grace`` seconds; return their ids."""
        now = time.monotonic() if now is None else now
        released = []
        with self._lock:
            for session_id in list(self._held):
                if is_alive(session_id):
                    self._gone_since.pop(session_id, None)
                    continue
                since = self._gone_since.setdefault(session_id, now)
                if now - since >= grace:
                    self._held.pop(session_id).cleanup()
                    self._gone_since.pop(session_id)
                    released.append(session_id)
        return released

    def __len__(self) -> int:
        return len(self._held)


def sweep_stale_folders(root: str | Path | None = None, *, max_age: float = STALE_SECONDS) -> int:
    """Delete session folders a crashed server left behind; returns how many went."""
    base = Path(root) if root is not None else Path(tempfile.gettempdir())
    cutoff = time.time() - max_age
    removed = 0
    for folder in base.glob(f"{SESSION_PREFIX}*"):
        try:
            if folder.is_dir() and not folder.is_symlink() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        except OSError:
            continue  # another server removed it first
    return removed


def safe_filename(name: str) -> str:
    """The base name of an uploaded file, reduced to letters, digits, ``.``, ``_``, ``-``.

    A browser sends whatever name it likes; this keeps ``../../x`` or ``C:\\x`` from ever
    naming a path outside the session folder.
    """
    base = PurePosixPath(name.replace("\\", "/")).name
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", base).lstrip(".")
    return cleaned or "upload"


def save_upload(
    name: str, data: bytes, folder: str | Path, *, limit_mb: float = DEFAULT_LIMIT_MB
) -> Path:
    """Write an uploaded file into ``folder`` and return the path to read the data from.

    A ``.zip`` (a folder of images in class sub-folders) is unpacked safely and the image
    folder is returned. Raises :class:`~advisor.errors.DataError`, writing nothing, when
    the upload is over ``limit_mb`` megabytes or is not a kind of file advisor reads.
    """
    size_mb = len(data) / 1e6
    if size_mb > limit_mb:
        raise DataError(
            f"{name} is {size_mb:,.1f} MB: uploads are limited to {limit_mb:g} MB. "
            "Upload a sample of the data, or run `advisor check` on the full file from a terminal."
        )
    filename = safe_filename(name)
    suffix = Path(filename).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise DataError(
            f"{name} is not a file advisor reads: expected one of {', '.join(UPLOAD_SUFFIXES)} "
            "(a table, an .npz with X and y, or a zip of an image folder)."
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


def zip_folder(folder: str | Path, destination: str | Path) -> Path:
    """Zip ``folder`` (a generated project) into ``destination``.zip, the folder's own name
    as the top-level entry, and return the archive's path."""
    folder = Path(folder)
    archive = shutil.make_archive(
        str(destination), "zip", root_dir=folder.parent, base_dir=folder.name
    )
    return Path(archive)


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
