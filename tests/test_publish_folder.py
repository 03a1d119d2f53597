import pytest

from octoscaffold.errors import OutputError
from octoscaffold.publish.folder import write_files


def test_writes_files_and_creates_folders(tmp_path):
    written = write_files({"a/b/c.ocl": "x = 1", "d.yaml": "k: v\n"}, tmp_path / "out")
    assert [p.relative_to(tmp_path / "out").as_posix() for p in written] == ["a/b/c.ocl", "d.yaml"]
    assert (tmp_path / "out/a/b/c.ocl").read_bytes() == b"x = 1"


def test_failure_part_way_removes_what_it_created(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    (out / "blocker").write_text("a file where a folder is needed")
    files = {"new/one.ocl": "x = 1", "new/two.ocl": "y = 2", "blocker/three.ocl": "z = 3"}
    with pytest.raises(OutputError, match="cannot write"):
        write_files(files, out)
    assert sorted(p.name for p in out.iterdir()) == ["blocker", "keep.txt"]
    assert (out / "blocker").read_text() == "a file where a folder is needed"


def test_refuses_existing_files_unless_forced(tmp_path):
    (tmp_path / "a.ocl").write_text("old")
    with pytest.raises(OutputError, match="already holds files"):
        write_files({"a.ocl": "new", "b.ocl": "b"}, tmp_path)
    assert not (tmp_path / "b.ocl").exists()
    write_files({"a.ocl": "new"}, tmp_path, force=True)
    assert (tmp_path / "a.ocl").read_text() == "new"
    assert not list(tmp_path.glob(".*tmp"))


def test_a_folder_in_the_way_is_an_error_even_with_force(tmp_path):
    (tmp_path / "a.ocl").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        write_files({"a.ocl": "x"}, tmp_path, force=True)
