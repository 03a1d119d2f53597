"""The formatter library behind `octoscaffold fmt`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from octoscaffold.ocl import OclFileError, OclSyntaxError
from octoscaffold.ocl.fmt import format_paths, format_text, iter_ocl_files

MESSY = 'step "a" {\n  name = "A"\n  condition = "Always"\n}\n'
TIDY = 'step "a" {\n    condition = "Always"\n    name = "A"\n}'


def test_format_text_is_canonical_and_keeps_crlf():
    assert format_text(MESSY) == TIDY
    assert format_text(MESSY.replace("\n", "\r\n")) == TIDY.replace("\n", "\r\n")


def test_format_text_of_a_runbook_path_puts_name_first():
    assert format_text('description = "d"\nname = "n"', "runbooks/r.ocl") == 'name = "n"\ndescription = "d"'


def test_format_text_raises_syntax_errors_with_the_path():
    with pytest.raises(OclSyntaxError, match=r"^x\.ocl:1:5: "):
        format_text("a = ", "x.ocl")


def write_tree(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))


def test_iter_ocl_files_finds_ocl_files_sorted_and_once(tmp_path):
    write_tree(tmp_path, {"b/x.ocl": "", "a/y.ocl": "", "a/deep/z.ocl": "", "a/readme.md": "", "top.txt": ""})
    found = iter_ocl_files([tmp_path, tmp_path / "a" / "y.ocl", tmp_path / "top.txt"])
    assert found == sorted([tmp_path / "a/deep/z.ocl", tmp_path / "a/y.ocl", tmp_path / "b/x.ocl", tmp_path / "top.txt"])


def test_iter_ocl_files_rejects_missing_paths(tmp_path):
    with pytest.raises(OclFileError, match="nope.*no such file or folder"):
        iter_ocl_files([tmp_path / "nope"])


def test_check_reports_changes_and_diffs_without_writing(tmp_path):
    write_tree(tmp_path, {"messy.ocl": MESSY, "tidy.ocl": TIDY})
    report = format_paths([tmp_path], write=False)
    assert report.errors == []
    by_name = {result.path.name: result for result in report.files}
    assert by_name["messy.ocl"].changed and not by_name["tidy.ocl"].changed
    assert [result.path.name for result in report.changed] == ["messy.ocl"]
    assert (tmp_path / "messy.ocl").read_text() == MESSY
    diff = by_name["messy.ocl"].diff()
    name = (tmp_path / "messy.ocl").as_posix().lstrip("/")
    assert diff.startswith(f"--- a/{name}\n+++ b/{name}\n@@ ")
    assert '-  name = "A"\n' in diff and '+    name = "A"\n' in diff
    assert "\\ No newline at end of file" in diff
    assert by_name["tidy.ocl"].diff() == ""


def test_write_rewrites_changed_files_only(tmp_path):
    write_tree(tmp_path, {"messy.ocl": MESSY, "tidy.ocl": TIDY})
    tidy = tmp_path / "tidy.ocl"
    os.utime(tidy, ns=(1_000_000_000, 1_000_000_000))
    (tmp_path / "messy.ocl").chmod(0o640)
    report = format_paths([tmp_path], write=True)
    assert (tmp_path / "messy.ocl").read_text() == TIDY
    assert (tmp_path / "messy.ocl").stat().st_mode & 0o777 == 0o640
    assert tidy.stat().st_mtime_ns == 1_000_000_000
    assert sorted(path.name for path in tmp_path.iterdir()) == ["messy.ocl", "tidy.ocl"]  # no temporary files left
    assert [result.changed for result in report.files] == [True, False]
    assert format_paths([tmp_path], write=False).changed == []


def test_crlf_file_stays_crlf_when_written(tmp_path):
    write_tree(tmp_path, {"win.ocl": MESSY.replace("\n", "\r\n")})
    format_paths([tmp_path], write=True)
    assert (tmp_path / "win.ocl").read_bytes() == TIDY.replace("\n", "\r\n").encode()


def test_unparsable_file_is_reported_and_the_others_still_formatted(tmp_path):
    write_tree(tmp_path, {"a.ocl": MESSY, "broken.ocl": 'step "x" {\n    name = "x\n}', "c.ocl": MESSY})
    (tmp_path / "bytes.ocl").write_bytes(b'a = "\xff"')
    report = format_paths([tmp_path], write=True)
    assert [Path(err.path).name for err in report.errors] == ["broken.ocl", "bytes.ocl"]
    assert (report.errors[0].line, report.errors[0].column) == (2, 12)
    assert "invalid UTF-8" in report.errors[1].message
    assert [result.path.name for result in report.files] == ["a.ocl", "c.ocl"]
    assert (tmp_path / "a.ocl").read_text() == TIDY and (tmp_path / "c.ocl").read_text() == TIDY
    assert (tmp_path / "broken.ocl").read_text() == 'step "x" {\n    name = "x\n}'
