"""Session folders: one per session, freed once the session is gone, stale ones swept."""

from __future__ import annotations

import gc
import os
import shutil
import time
from pathlib import Path

from advisor.app.sessions import SessionFolders, session_folder, sweep_stale_folders


def test_session_folders_are_separate_and_removed_with_the_session():
    first, second = session_folder(), session_folder()
    a, b = Path(first.name), Path(second.name)
    assert a != b and a.is_dir() and b.is_dir()
    (a / "data.csv").write_text("a,b\n")
    del first
    gc.collect()
    assert not a.exists()
    assert b.is_dir()
    second.cleanup()


def test_sweep_removes_only_stale_session_folders(tmp_path):
    old = tmp_path / "advisor-session-old"
    new = tmp_path / "advisor-session-new"
    other = tmp_path / "someone-else"
    for folder in (old, new, other):
        folder.mkdir()
    past = time.time() - 3 * 24 * 3600
    os.utime(old, (past, past))
    os.utime(other, (past, past))
    assert sweep_stale_folders(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["advisor-session-new", "someone-else"]


def test_session_folders_are_released_only_after_the_session_is_gone_for_the_grace(tmp_path):
    folders = SessionFolders(tmp_path)
    alive = {"a": True, "b": True}
    a, b = folders.folder("a"), folders.folder("b")
    assert a != b and a.is_dir() and b.is_dir()
    assert folders.folder("a") == a  # the same folder for the same session
    alive["b"] = False
    assert folders.release_gone(alive.get, grace=120, now=1000.0) == []
    assert b.is_dir()  # b may still reconnect
    assert folders.release_gone(alive.get, grace=120, now=1119.0) == []
    assert folders.release_gone(alive.get, grace=120, now=1120.0) == ["b"]
    assert not b.exists() and a.is_dir()
    assert len(folders) == 1


def test_a_session_back_within_the_grace_keeps_its_folder(tmp_path):
    folders = SessionFolders(tmp_path)
    folder = folders.folder("a")
    folders.release_gone(lambda _: False, grace=60, now=0.0)
    folders.folder("a")  # the session ran again: it is back
    assert folders.release_gone(lambda _: False, grace=60, now=100.0) == []
    assert folder.is_dir()


def test_a_removed_session_folder_is_made_again(tmp_path):
    folders = SessionFolders(tmp_path)
    shutil.rmtree(folders.folder("a"))
    assert folders.folder("a").is_dir()
