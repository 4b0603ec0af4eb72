"""Uploads: the size limit, safe names, safe zips of image folders, and the loader."""

from __future__ import annotations

import gzip
import io
import re
import stat
import zipfile

import pytest

from advisor.app.uploads import extract_image_zip, safe_filename, save_upload, upload_loader
from advisor.errors import DataError


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


def test_upload_loader_names_the_file_as_the_user_knows_it(tmp_path):
    path = tmp_path / "session" / "abc" / "table.csv"
    path.parent.mkdir(parents=True)
    path.write_text("age,label\n1,0\n2,1\n3,0\n")
    load = upload_loader(path, shown_name="my table.csv", target="lable")
    with pytest.raises(DataError, match=r"^Target column 'lable' is not in my table\.csv \(did"):
        load()
    assert upload_loader(path, shown_name="t.csv")().task == "binary"


@pytest.mark.parametrize("name", ["t.csv.gz", "T.TSV.GZ"], ids=["csv", "tsv-upper-case"])
def test_a_gzip_table_is_saved_and_read(tmp_path, name):
    sep = "\t" if "TSV" in name else ","
    table = "".join(f"{i}{sep}{i % 2}\n" for i in range(30))
    path = save_upload(name, gzip.compress(f"a{sep}target\n{table}".encode()), tmp_path)
    assert path == tmp_path / name
    data = upload_loader(path, shown_name=name, drop=())()
    assert (data.task, data.rows, data.X.columns.tolist()) == ("binary", 30, ["a"])


@pytest.mark.parametrize("name", ["data.gz", "model.pkl.gz"], ids=["bare-gz", "pickle-gz"])
def test_a_gzip_of_something_else_is_refused(tmp_path, name):
    with pytest.raises(DataError, match=rf"^{re.escape(name)} is not a file advisor reads: "):
        save_upload(name, gzip.compress(b"x"), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_upload_loader_passes_the_reading_options_on(tmp_path):
    path = save_upload("t.csv", b"a,b,target\n" + b"1,2,0\n3,4,1\n" * 10, tmp_path)
    data = upload_loader(path, shown_name="t.csv", drop=["b"])()
    assert data.X.columns.tolist() == ["a"]
