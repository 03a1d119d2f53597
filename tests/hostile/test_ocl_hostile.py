"""Hostile input for `octoscaffold fmt` and `octoscaffold lint` (issue 16, items 6, 8 and 9 for OCL).

Each test runs the real command on real files, links and FIFOs. A bad input must give one
`octoscaffold: error:` line and exit 2 (lint: an OCL000 finding and exit 2), with every file left
byte for byte as it was; a good input must keep every value exactly as Octopus reads it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from octoscaffold.inputs import MAX_OCL_BYTES
from octoscaffold.ocl import (
    Attribute,
    Block,
    Dictionary,
    Document,
    Entry,
    List,
    String,
    parse,
    write,
)

from .conftest import refused, tree

UNTIDY = 'step "a" {\n  name = "A"\n  condition = "Always"\n}\n'
TIDY = 'step "a" {\n    condition = "Always"\n    name = "A"\n}'


@pytest.fixture
def work(tmp_path) -> Path:
    """The folder the files live in (tmp_path also holds the command's HOME, which it changes)."""
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def write_bytes(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def fmt_ok(run_cli, path: Path, *flags: str, timeout: float = 60):
    result = run_cli("fmt", *flags, path, timeout=timeout)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.stderr == "", result.stderr
    return result


# -- 1. values keep every character: only what Octopus counts as whitespace is whitespace --------


def test_fmt_keeps_a_heredoc_line_starting_with_a_file_separator(run_cli, work):
    # U+001C is whitespace to Python but not to Octopus (.NET char.IsWhiteSpace): the line is not
    # blank, so `<<-` removes no indentation and the value keeps the four spaces before "foo".
    path = write_bytes(work / "a.ocl", b"a = <<-EOT\n\x1c\n    foo\n    EOT\n")
    fmt_ok(run_cli, path)
    assert path.read_bytes() == b"a = <<-EOT\n        \x1c\n            foo\n        EOT"


@pytest.mark.parametrize("separator", ["\x1c", "\x1d", "\x1e", "\x1f"])
def test_fmt_does_not_end_a_heredoc_at_a_tag_after_a_separator(run_cli, work, separator):
    path = write_bytes(work / "a.ocl", f"a = <<-EOT\n{separator}EOT\nx\n    EOT\n".encode())
    fmt_ok(run_cli, path)
    assert path.read_bytes() == f"a = <<-EOT\n        {separator}EOT\n        x\n        EOT".encode()


def test_fmt_keeps_a_dictionary_key_holding_a_unit_separator(run_cli, work):
    path = write_bytes(work / "a.ocl", b'p = {\n  a\x1fb = "v"\n}\n')
    fmt_ok(run_cli, path)
    assert path.read_bytes() == b'p = {\n    a\x1fb = "v"\n}'


def test_fmt_does_not_take_unicode_line_separators_for_line_ends(run_cli, work):
    # Only LF (alone or after CR) ends an OCL line: these stay inside the one-line value.
    value = "x\x0by\x0cz\x85w\u2028v\u2029u\x1cend"
    path = write_bytes(work / "a.ocl", f"a = <<-EOT\n    {value}\n    EOT\n".encode())
    fmt_ok(run_cli, path)
    assert path.read_bytes() == f'a = "{value}"'.encode()


def test_fmt_keeps_a_carriage_return_inside_a_value(run_cli, work):
    # A CR that ends no line is content: a heredoc line "x<CR>y" is the value "x\ry", which only
    # a quoted string with the \r escape can carry; an escaped CR stays escaped.
    path = write_bytes(work / "a.ocl", b'a = <<-EOT\n    x\ry\n    EOT\nb = "p\\rq"\nc = "p\\rq\\r\\n"\n')
    fmt_ok(run_cli, path)
    written = path.read_bytes()
    assert written.startswith(b'a = "x\\ry"\nb = "p\\rq"\nc = ')
    doc = parse(written)
    assert [doc.get(name).value for name in "abc"] == ["x\ry", "p\rq", "p\rq\r\n"]


def test_fmt_keeps_a_heredoc_with_windows_line_ends_in_a_unix_file(run_cli, work):
    path = write_bytes(work / "a.ocl", b"a = <<-EOT\n    one\r\n    two\r\n    EOT\nb = 1\n")
    fmt_ok(run_cli, path)
    assert path.read_bytes() == b"a = <<-EOT\n        one\r\n        two\n        EOT\nb = 1"
    assert parse(path.read_bytes()).get("a").value == "one\r\ntwo"


def test_fmt_refuses_a_file_whose_lines_end_in_cr_alone(run_cli, work):
    # A CR is whitespace to Octopus, so attributes alone still parse (tests/ocl/test_same_line.py);
    # a block's body must start after a line feed, which a CR is not.
    path = write_bytes(work / "a.ocl", b'step "a" {\r    name = "x"\r}\r')
    before = tree(work)
    refused(run_cli("fmt", path), "a.ocl:1:", "CR")
    assert tree(work) == before


def test_fmt_diff_splits_lines_only_at_line_feeds(run_cli, work):
    write_bytes(work / "a.ocl", 'b = "1\x1c2\u20283\x0b4\x0c5\x856"\na="x"\n'.encode())
    result = run_cli("fmt", "--diff", work / "a.ocl")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.split("\n")
    assert lines[-1] == ""
    assert all(line[:1] in {" ", "-", "+", "@", "\\"} for line in lines[:-1]), lines
    assert '+b = "1\x1c2\u20283\x0b4\x0c5\x856"' in lines


# Any string but lone surrogates (not text) can be a value, a label or a dictionary key.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
NASTY = st.text(st.sampled_from(list('\r\n \t\x0b\x0c\x1c\x1f\x85\u2028\xa0EOT1-<"\\=}{')), max_size=30)
LINES = st.lists(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), max_size=12), min_size=1, max_size=5
).map("\n".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=st.one_of(TEXT, LINES, NASTY), key=st.one_of(TEXT, NASTY), label=TEXT, newline=st.sampled_from(["\n", "\r\n"]))
def test_any_value_round_trips_through_the_writer_and_the_parser(value, key, label, newline):
    doc = Document(
        [
            Attribute("a", String(value)),
            Attribute("l", List([String(value), String(key)])),
            Block("b", [label, value], [Attribute("d", Dictionary([Entry(key, String(value))]))]),
        ]
    )
    text = write(doc, newline=newline)
    back = parse(text)
    assert back.get("a").value == value
    assert [item.value for item in back.get("l").items] == [value, key]
    block = next(back.blocks("b"))
    assert block.labels == [label, value]
    assert [(entry.key, entry.value.value) for entry in block.get("d").entries] == [(key, value)]
    assert write(back, newline=newline) == text


# -- 2. the BOM ------------------------------------------------------------------------------


def test_fmt_keeps_a_byte_order_mark(run_cli, work):
    path = write_bytes(work / "a.ocl", b"\xef\xbb\xbf" + UNTIDY.encode())
    assert fmt_ok(run_cli, path).stdout.startswith("reformatted")
    assert path.read_bytes() == b"\xef\xbb\xbf" + TIDY.encode()
    result = run_cli("fmt", "--check", path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


# -- 3. symbolic links ------------------------------------------------------------------------


def test_fmt_refuses_to_rewrite_a_link_to_a_file_outside(run_cli, work):
    outside = write_bytes(work / "elsewhere" / "target.ocl", UNTIDY.encode())
    folder = work / "project"
    folder.mkdir()
    (folder / "link.ocl").symlink_to(outside)
    before = tree(work)
    refused(run_cli("fmt", folder), "link.ocl", "is a symbolic link; format its target", "target.ocl")
    assert tree(work) == before
    refused(run_cli("fmt", folder / "link.ocl"), "is a symbolic link")
    assert tree(work) == before


def test_fmt_check_reads_through_a_link(run_cli, work):
    outside = write_bytes(work / "target.ocl", UNTIDY.encode())
    (work / "link.ocl").symlink_to(outside)
    before = tree(work)
    result = run_cli("fmt", "--check", work / "link.ocl")
    assert (result.returncode, result.stderr) == (1, "")
    assert "would reformat" in result.stdout
    assert tree(work) == before


def test_fmt_formats_the_target_of_a_link_inside_the_folder_once_and_keeps_the_link(run_cli, work):
    write_bytes(work / "target.ocl", UNTIDY.encode())
    (work / "link.ocl").symlink_to("target.ocl")
    result = fmt_ok(run_cli, work)
    assert result.stdout.splitlines() == [f"reformatted {work / 'target.ocl'}"]
    assert tree(work) == {"target.ocl": TIDY.encode(), "link.ocl": ("link", "target.ocl")}


def test_fmt_leaves_a_canonical_link_alone(run_cli, work):
    outside = write_bytes(work / "elsewhere" / "target.ocl", TIDY.encode())
    (work / "link.ocl").symlink_to(outside)
    before = tree(work)
    result = fmt_ok(run_cli, work / "link.ocl")
    assert (result.returncode, result.stdout) == (0, "")
    assert tree(work) == before


# -- 4. files and folders that cannot be read or written ------------------------------------------


def test_fmt_in_a_read_only_folder_is_one_error(run_cli, as_user, shared_tmp):
    folder = shared_tmp / "ro"
    path = write_bytes(folder / "a.ocl", UNTIDY.encode())
    path.chmod(0o666)
    folder.chmod(0o555)
    before = tree(folder)
    refused(run_cli("fmt", folder, user=as_user), "a.ocl", "cannot write")
    assert tree(folder) == before
    assert os.listdir(folder) == ["a.ocl"]


def test_fmt_of_an_unreadable_file_is_one_error(run_cli, as_user, shared_tmp):
    path = write_bytes(shared_tmp / "a.ocl", UNTIDY.encode())
    path.chmod(0)
    refused(run_cli("fmt", path, user=as_user), "a.ocl", "cannot read")
    path.chmod(0o644)
    assert path.read_bytes() == UNTIDY.encode()


def test_lint_of_an_unreadable_file_is_a_finding_and_exit_2(run_cli, as_user, shared_tmp):
    path = write_bytes(shared_tmp / "deployment_process.ocl", UNTIDY.encode())
    path.chmod(0)
    result = run_cli("lint", "--format", "json", path, user=as_user)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, result.stderr
    assert '"OCL000"' in result.stdout and "cannot read" in result.stdout


def test_lint_output_into_a_missing_folder_is_one_error(run_cli, work):
    path = write_bytes(work / "deployment_process.ocl", TIDY.encode())
    before = tree(work)
    refused(run_cli("lint", "--output", work / "missing" / "report.txt", path), "report.txt", "cannot write")
    assert tree(work) == before


def test_lint_output_into_a_fifo_nobody_reads_does_not_hang(run_cli, work):
    path = write_bytes(work / "deployment_process.ocl", TIDY.encode())
    os.mkfifo(work / "report.txt")
    refused(run_cli("lint", "--output", work / "report.txt", path, timeout=30), "report.txt")


@pytest.mark.parametrize(
    "text, words",
    [
        ("a {\n" * 100_000 + "}\n" * 100_000, ["a.ocl:101:", "nested"]),
        ('a = ["x", ' + "[" * 100_000, ["a.ocl:1:11", "lists hold only"]),
        ("a = {\n" * 100_000, ["a.ocl:2:", "dictionaries cannot be nested"]),
    ],
    ids=["blocks", "lists", "dictionaries"],
)
def test_fmt_and_lint_refuse_very_deep_nesting(run_cli, work, text, words):
    path = write_bytes(work / "a.ocl", text.encode())
    before = tree(work)
    refused(run_cli("fmt", path, timeout=30), *words)
    result = run_cli("lint", "--format", "json", path, timeout=30)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.returncode == 2 and '"OCL000"' in result.stdout
    assert tree(work) == before


def test_ocl_nested_a_hundred_blocks_deep_is_still_formatted(run_cli, work):
    path = write_bytes(work / "a.ocl", ("a {\n" * 100 + "x = 1\n" + "}\n" * 100).encode())
    fmt_ok(run_cli, path)
    assert path.read_bytes().count(b"\n") == 200


def test_fmt_of_many_heredocs_with_distinct_tags_takes_seconds(run_cli, work):
    # One regex per tag used to be compiled (and evicted from a 64-entry cache): 50 s for these.
    count = 200_000
    path = write_bytes(work / "a.ocl", "".join(f"a{i:06} = <<-T{i}\nx\n  T{i}\n" for i in range(count)).encode())
    fmt_ok(run_cli, path, "--check", timeout=30)
    assert parse(path.read_bytes()).get("a199999").value == "x"


def test_fmt_of_a_heredoc_whose_lines_take_every_tag_takes_seconds(run_cli, work):
    # Choosing a tag no line closes used to scan every line for every candidate tag.
    count = 200_000
    lines = "EOT\n" + "".join(f"EOT{i}\n" for i in range(1, count))
    path = write_bytes(work / "a.ocl", f"a = <<X\n{lines}X".encode())
    fmt_ok(run_cli, path, timeout=30)
    written = path.read_bytes()
    assert written.startswith(f"a = <<-EOT{count}\n".encode())
    assert parse(written).get("a").value == lines[:-1]


@pytest.mark.parametrize(
    "data, words",
    [
        (b'a = "x\x00y"\n', ["a.ocl:1:7", "NUL"]),
        (b"\xff\xfea\x00 \x00=\x00 \x001\x00", ["a.ocl:1:1", "UTF-8"]),
        (b'a = "caf\xe9"\n', ["a.ocl:1:9", "UTF-8"]),
    ],
    ids=["nul", "utf-16", "latin-1"],
)
def test_fmt_and_lint_refuse_binary_or_non_utf8_files(run_cli, work, data, words):
    path = write_bytes(work / "a.ocl", data)
    before = tree(work)
    refused(run_cli("fmt", path), *words)
    result = run_cli("lint", "--format", "json", path)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.returncode == 2 and '"OCL000"' in result.stdout
    assert tree(work) == before


@pytest.mark.parametrize("command", ["fmt", "lint"])
def test_a_path_component_of_300_characters_is_one_error(run_cli, work, command):
    long = "x" * 300
    refused(run_cli(command, work / f"{long}.ocl"), "name too long")
    refused(run_cli(command, work / long / "a.ocl"), "name too long")


@pytest.mark.parametrize("command", ["fmt", "lint"])
def test_a_fifo_or_a_device_given_as_the_file_is_refused_without_hanging(run_cli, work, command):
    os.mkfifo(work / "pipe.ocl")
    for path in (work / "pipe.ocl", Path("/dev/zero")):
        result = run_cli(command, path, timeout=30)
        assert "Traceback" not in result.stderr, result.stderr[-3000:]
        assert result.returncode == 2, result.stderr
        shown = result.stderr if command == "fmt" else result.stdout
        assert "not a regular file" in shown, (result.stdout, result.stderr)
        if command == "fmt":
            refused(result, path.name)


def test_fmt_refuses_an_oversized_file(run_cli, work):
    path = work / "a.ocl"
    with path.open("wb") as handle:
        handle.truncate(MAX_OCL_BYTES + 1)  # sparse: cheap to make
    refused(run_cli("fmt", path), "a.ocl", f"{MAX_OCL_BYTES:,}")
    assert path.stat().st_size == MAX_OCL_BYTES + 1


def test_a_syntax_error_in_a_file_with_a_line_break_in_its_name_is_one_line(run_cli, work):
    write_bytes(work / "bad\nname.ocl", b"a = \n")
    result = run_cli("fmt", work)
    line = refused(result, "bad\\nname.ocl:1:5")
    assert result.stderr == line + "\n"


def test_lint_text_shows_control_characters_from_a_file_as_escapes(run_cli, work):
    write_bytes(work / "x\x1b[2Jy.ocl", b"a = \n")
    result = run_cli("lint", "--format", "text", work)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.returncode == 2, result.stderr
    assert "\x1b" not in result.stdout
    assert "x\\x1b[2Jy.ocl" in result.stdout


# -- 6. a safe write --------------------------------------------------------------------------


def test_fmt_replaces_the_file_atomically_keeping_its_mode(run_cli, work):
    path = write_bytes(work / "a.ocl", UNTIDY.encode())
    path.chmod(0o640)
    inode = path.stat().st_ino
    fmt_ok(run_cli, path)
    assert path.read_bytes() == TIDY.encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.stat().st_ino != inode  # a new file renamed over the old one, not rewritten in place
    assert sorted(os.listdir(work)) == ["a.ocl"]  # no temporary file left behind


def test_a_write_that_fails_part_way_leaves_the_file_as_it_was(run_cli, work):
    path = write_bytes(work / "a.ocl", ('step "a" {\n  name = "' + "x" * 200 + '"\n}\n').encode())
    before = tree(work)
    result = run_cli("fmt", path, file_size_limit=100)  # the new text is longer than 100 bytes: EFBIG
    refused(result, "a.ocl", "cannot write", "left as it was")
    assert tree(work) == before


def test_fmt_never_follows_a_link_planted_at_a_temporary_name(run_cli, work):
    victim = write_bytes(work / "victim.txt", b"keep me")
    folder = work / "project"
    path = write_bytes(folder / "a.ocl", UNTIDY.encode())
    for name in [".a.ocl.tmp", "a.ocl.tmp", ".a.ocl~", "a.ocl~", ".a.ocl.swp"]:
        (folder / name).symlink_to(victim)
    fmt_ok(run_cli, path)
    assert victim.read_bytes() == b"keep me"
    assert path.read_bytes() == TIDY.encode() and not path.is_symlink()
    assert all((folder / name).is_symlink() for name in os.listdir(folder) if name != "a.ocl")
