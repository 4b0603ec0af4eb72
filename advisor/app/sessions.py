"""One private folder per browser session: uploads, reports and generated projects live
there, and go when the session does.

Streamlit has no end-of-session hook, so a server-wide :class:`SessionFolders` frees the
folders of sessions that have ended, and :func:`sweep_stale_folders` removes what a crashed
server left behind.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

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
