"""shrinkage.io.files: atomic writes, never over an existing file without force, and the
extension of an output names its format."""

import os

import pytest

from shrinkage import io


def _files(path):
    return sorted(p.name for p in path.iterdir())


# --- writing ----------------------------------------------------------------------------------


def test_never_overwrite_without_force(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("keep me")
    with pytest.raises(FileExistsError, match="exists already; pass --force"):
        io.write_text(path, "new")
    assert path.read_text() == "keep me"
    io.write_text(path, "new", force=True)
    assert path.read_text() == "new"
    assert _files(tmp_path) == ["out.txt"]
    assert oct(path.stat().st_mode & 0o777) != oct(0o600)  # not the temporary file's mode


def test_unwritable_destinations(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(NotADirectoryError, match="is a file, not a directory"):
        io.write_text(blocker / "out.html", "<html>")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        io.write_text(tmp_path / "no" / "out.html", "<html>")
    with pytest.raises(IsADirectoryError):
        io.write_text(tmp_path, "<html>")
    assert _files(tmp_path) == ["file.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_read_only_directory(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(PermissionError, match="not writable"):
            io.write_text(ro / "out.html", "x")
    finally:
        ro.chmod(0o700)


def test_failed_write_leaves_nothing(tmp_path):
    def boom(tmp):
        with open(tmp, "w") as f:
            f.write("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        io.write_atomic(tmp_path / "out.csv", boom)
    assert _files(tmp_path) == []


@pytest.mark.parametrize(
    "name, extensions, expected",
    [
        ("r.html", io.REPORT_EXTENSIONS, ".html"),
        ("R.HTM", io.REPORT_EXTENSIONS, ".htm"),
        ("m.json", io.JSON_EXTENSIONS, ".json"),
        ("p.SVG", io.FIGURE_EXTENSIONS, ".svg"),
    ],
)
def test_check_extension_accepts(name, extensions, expected):
    assert io.check_extension(name, extensions, "output") == expected


@pytest.mark.parametrize(
    "name, extensions, message",
    [
        (
            "r.xlsx",
            io.REPORT_EXTENSIONS,
            r"the report 'r.xlsx' must end in \.html or \.htm: its "
            r"extension is '\.xlsx'",
        ),
        ("report", io.REPORT_EXTENSIONS, r"must end in \.html or \.htm: it has no extension"),
        ("m.pkl", io.JSON_EXTENSIONS, r"the report 'm.pkl' must end in \.json: "),
        ("p.jpg", io.FIGURE_EXTENSIONS, r"must end in \.png, \.svg or \.pdf"),
    ],
)
def test_check_extension_refuses(name, extensions, message):
    with pytest.raises(ValueError, match=message):
        io.check_extension(name, extensions, "report")
