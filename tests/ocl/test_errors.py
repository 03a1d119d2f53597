"""Syntax errors: one exception type, a precise position, a message a person can act on."""

from __future__ import annotations

import pickle

import pytest

from octoscaffold.ocl import OclSyntaxError, parse


def error_for(text, path=None) -> OclSyntaxError:
    with pytest.raises(OclSyntaxError) as caught:
        parse(text, path)
    return caught.value


def test_str_is_one_line_with_path_line_and_column():
    err = error_for('step "a" {\n    name = "x\n}', ".octopus/deployment_process.ocl")
    assert str(err) == (
        ".octopus/deployment_process.ocl:2:12: unterminated string: a quoted string must close on the same line"
        " (use a heredoc for several lines)"
    )
    assert (err.path, err.line, err.column) == (".octopus/deployment_process.ocl", 2, 12)
    assert "\n" not in str(err)


def test_string_input_is_named_string():
    assert str(error_for("a = ")).startswith("<string>:1:5: ")


def test_snippet_and_format_show_the_line_with_a_caret():
    err = error_for('a = 1\nb = "x" junk\n')
    assert (err.line, err.column) == (2, 9)
    assert err.snippet == 'b = "x" junk\n        ^'
    assert err.format() == f'{err}\n    b = "x" junk\n            ^'


def test_caret_follows_tabs():
    err = error_for('a {\n\tb = "x" junk\n}')
    assert err.column == 10
    assert err.snippet == '\tb = "x" junk\n\t        ^'


def test_snippet_of_a_very_long_line_is_cut_around_the_column():
    err = error_for('a = "' + "x" * 1000 + '" junk')
    line, caret = err.snippet.split("\n")
    assert len(line) <= 160
    assert line[len(caret) - 1] == "j"


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ('a = "C:\\Users"', 1, 8, "unknown escape '\\U'"),
        ('a = "C:\\qtemp"', 1, 8, "unknown escape '\\q'"),
        ("a = <<-EOT\n    never closed\n", 1, 5, "unterminated heredoc: no line with closing tag 'EOT'"),
        ("a = << EOT\nx\nEOT", 1, 7, "a heredoc needs a tag directly after '<<'"),
        ("a = <<-EOT trailing\nEOT", 1, 12, "after heredoc tag 'EOT'"),
        ('a {\n    b = "x"\n', 3, 1, "block 'a' opened on line 1 is not closed"),
        ("}", 1, 1, "unexpected '}': no block is open here"),
        ("# comment\na = 1", 1, 1, "comments are not supported"),
        ("// comment", 1, 1, "comments are not supported"),
        ("a = 1e6", 1, 5, "invalid number '1e6'"),
        ("a = 1.", 1, 5, "invalid number"),
        ("a = True", 1, 5, "true, false and null are lower case"),
        ("a = 'x'", 1, 5, "strings use double quotes"),
        ("a =\n1", 1, 4, "expected a value before the end of the line"),
        ("a = 1 b", 1, 7, "unexpected 'b' after the value; expected a new line or another attribute or block"),
        ('p = {\n    k = "1"\n    k = "2"\n}', 3, 5, "duplicate key 'k' in dictionary (first on line 2)"),
        ('p = {\n    Foo.Bar="x"\n}', 2, 5, "with a space before '='"),
        ('p = {\n    k = {\n    }\n}', 2, 9, "dictionaries cannot be nested"),
        ('p = {\n    k = "1"\n', 3, 1, "dictionary opened on line 1 is not closed"),
        ('a = ["x", 1]', 1, 11, "found an integer among strings"),
        ("a = [1, 2.5]", 1, 9, "found a decimal among integers"),
        ('a = ["x",]', 1, 10, "trailing comma"),
        ("a = [true]", 1, 6, "lists hold only quoted strings or numbers"),
        ('a = ["x" "y"]', 1, 10, "expected ',' or ']'"),
        ('step "a" { name = "x" }', 1, 12, "must start on a new line"),
        ("step a {\n}", 1, 6, "expected '=' or a block after 'step'"),
        ('step "a"\n"b" {\n}', 1, 9, "expected '{' to open block 'step'"),
        ("a = 1\n\x00", 2, 1, "character U+0000"),
        ('a = "x\ry"', 1, 5, "unterminated string"),
    ],
)
def test_error_messages_and_positions(text, line, column, message):
    err = error_for(text)
    assert message in err.message
    assert (err.line, err.column) == (line, column), str(err)


def test_invalid_utf8_bytes_are_a_syntax_error_with_a_position():
    err = error_for(b'a = 1\nb = "\xff"\n', "x.ocl")
    assert (err.line, err.column) == (2, 6)
    assert "invalid UTF-8 byte 0xff" in err.message
    assert str(err).startswith("x.ocl:2:6: ")


def test_errors_survive_pickling():
    err = error_for("a = ", "f.ocl")
    again = pickle.loads(pickle.dumps(err))
    assert (str(again), again.snippet) == (str(err), err.snippet)


def test_the_library_is_a_leaf():
    """Importing and using the OCL library loads nothing of octoscaffold but `inputs`."""
    import subprocess
    import sys

    code = ("import sys, octoscaffold.ocl as o, octoscaffold.ocl.fmt;"
            "o.canonical('step \"a\" {\\n}\\n'); o.view_from_texts({'deployment_process.ocl': ''});"
            "print(sorted(m for m in sys.modules if m.startswith('octoscaffold') and not m.startswith('octoscaffold.ocl')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['octoscaffold', 'octoscaffold.inputs']"


def test_its_errors_have_their_own_root_and_an_exit_code():
    from octoscaffold.errors import OctoscaffoldError
    from octoscaffold.ocl import OclError, OclFileError, OclSyntaxError

    for error in (OclSyntaxError("x"), OclFileError("y")):
        assert isinstance(error, OclError) and not isinstance(error, OctoscaffoldError)
        assert error.exit_code == 2
