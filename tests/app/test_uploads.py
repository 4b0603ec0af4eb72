"""The questionnaire's file handling: size limit, safe zips, private folders, project zips."""

from __future__ import annotations

import gc
import io
import os
import shutil
import stat
import time
import zipfile
from pathlib import Path

import pytest

from advisor.errors import DataError
from advisor.uploads import (
    SessionFolders,
    extract_image_zip,
    safe_filename,
    save_upload,
    session_folder,
    sweep_stale_folders,
    zip_folder,
)


def _zip(entries: dict[str, bytes], *, links: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("data.csv", "data.csv"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\my data.csv", "my_data.csv"),
        ("..", "upload"),
        (".hidden.csv", "hidden.csv"),
    ],
    ids=["plain", "parent-dirs", "windows-path-with-space", "dots-only", "leading-dot"],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_save_upload_writes_the_bytes_in_the_folder(tmp_path):
    path = save_upload("../x/data.csv", b"a,b\n1,2\n", tmp_path)
    assert path == tmp_path / "data.csv"
    assert path.read_bytes() == b"a,b\n1,2\n"


def test_save_upload_refuses_an_oversized_file_and_writes_nothing(tmp_path):
    with pytest.raises(
        DataError,
        match=r"^big\.csv is 2\.0 MB: uploads are limited to 1 MB\. Upload a sample of the data",
    ):
        save_upload("big.csv", b"x" * 2_000_000, tmp_path, limit_mb=1)
    assert list(tmp_path.iterdir()) == []


def test_save_upload_refuses_an_unknown_kind_of_file(tmp_path):
    with pytest.raises(DataError, match=r"^model\.pkl is not a file advisor reads: expected"):
        save_upload("model.pkl", b"\x80\x04", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_zip_of_an_image_folder_unpacks_to_the_class_folders(tmp_path):
    data = _zip(
        {
            "pets/cat/1.png": b"png",
            "pets/dog/1.png": b"png",
            "__MACOSX/pets/._cat": b"junk",
        }
    )
    root = save_upload("pets.zip", data, tmp_path)
    assert root == tmp_path / "pets" / "pets"
    assert sorted(p.name for p in root.iterdir()) == ["cat", "dog"]
    assert not (tmp_path / "pets" / "__MACOSX").exists()


@pytest.mark.parametrize(
    ("entries", "links", "message"),
    [
        ({"../evil.png": b"x"}, (), r"holds an entry outside its own folder \(\.\./evil\.png\)"),
        ({"/abs/evil.png": b"x"}, (), r"holds an entry outside its own folder \(/abs/evil\.png\)"),
        ({"cat/1.png": b"x"}, ("cat/link.png",), r"holds a link \(cat/link\.png\)"),
        ({"cat/1.png": b"0" * 3_000_000}, (), r"unpacks to 3 MB: at most 0\.1 MB are accepted"),
    ],
    ids=["parent-dir", "absolute", "symlink", "zip-bomb"],
)
def test_a_dangerous_zip_is_refused_and_nothing_is_written(tmp_path, entries, links, message):
    with pytest.raises(DataError, match=message):
        extract_image_zip(_zip(entries, links=links), tmp_path / "out", limit_mb=0.01)
    assert not (tmp_path / "out").exists()
    assert not (tmp_path.parent / "evil.png").exists()


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    with pytest.raises(DataError, match=r"^pets\.zip is not a valid zip archive"):
        save_upload("pets.zip", b"not a zip", tmp_path)


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


def test_zip_folder_keeps_the_project_folder_as_top_level(tmp_path):
    project = tmp_path / "churn"
    (project / "src").mkdir(parents=True)
    (project / "README.md").write_text("# churn\n")
    (project / "src" / "train.py").write_text("print('hi')\n")
    archive = zip_folder(project, tmp_path / "out" / "churn")
    assert archive == tmp_path / "out" / "churn.zip"
    with zipfile.ZipFile(archive) as zipped:
        assert {"churn/README.md", "churn/src/train.py"} <= set(zipped.namelist())


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
