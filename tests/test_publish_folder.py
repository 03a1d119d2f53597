import pytest

from octoscaffold.errors import OutputError
from octoscaffold.publish.folder import write_files


def test_writes_files_and_creates_folders(tmp_path):
    done = write_files({"a/b/c.ocl": "x = 1", "d.yaml": "k: v\n"}, tmp_path / "out")
    assert done.written == ["a/b/c.ocl", "d.yaml"]
    assert done.removed == done.kept == []
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


def test_stale_files_go_only_when_unedited(tmp_path):
    from octoscaffold.provenance import blob_id

    first = {"p/a.ocl": "a = 1", "p/runbooks/old.ocl": "r = 1", "p/runbooks/edited.ocl": "e = 1"}
    write_files(first, tmp_path)
    (tmp_path / "p/runbooks/edited.ocl").write_text("e = 2")
    recorded = {path: blob_id(text) for path, text in first.items()}
    done = write_files({"p/a.ocl": "a = 2"}, tmp_path, force=True, recorded=recorded)
    assert done.removed == ["p/runbooks/old.ocl"]
    assert done.kept == ["p/runbooks/edited.ocl"]
    assert not (tmp_path / "p/runbooks/old.ocl").exists()
    assert (tmp_path / "p/runbooks/edited.ocl").read_text() == "e = 2"


def test_existing_files_keep_their_mode(tmp_path):
    (tmp_path / "a.ocl").write_text("old")
    (tmp_path / "a.ocl").chmod(0o640)
    write_files({"a.ocl": "new", "b.ocl": "b"}, tmp_path, force=True)
    assert (tmp_path / "a.ocl").stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "b.ocl").stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask
