"""Several statements on one line: accepted exactly where Octopus's own parser accepts them.

Octopus reads OCL with OctopusDeploy/Ocl, `source/Ocl/Parsing/OclParser.cs` (Sprache). There a
body is `(Block.Token() | Attribute.Token()).AtLeastOnce()` and the document
`(Block | Attribute).Token().Many()`, where `Token()` skips any whitespace, line breaks included, or
none; an attribute ends after its literal and the whitespace (not line breaks) behind it, a block
after its `}`. So a statement may follow a value or a `}` on the same line, with or without spaces,
and a `}` may close a block after an attribute on the same line. A block's name and labels are
`SameLineToken`s but its `{` is reached through `Token()`, so the `{` may be on a later line. A
non-empty body must start on a new line after `{` (`ParserCommon.NewLine`), and `=` and the start of
the value stay on the name's line. The writer still puts one statement on each line.
"""

from __future__ import annotations

import pytest

from octoscaffold.ocl import OclSyntaxError, canonical, parse

ACCEPTED = [
    # (text Octopus accepts, the same statements one per line)
    ('name = "x" action_type = "y"', 'name = "x"\naction_type = "y"'),
    ('name = "x"action_type = "y"', 'name = "x"\naction_type = "y"'),
    ("a = 1\tb = 2.5 c = true d = false e = null", "a = 1\nb = 2.5\nc = true\nd = false\ne = null"),
    ('a = ["x", "y"] b = []', 'a = ["x", "y"]\nb = []'),
    # the longest literal is read, and the next statement starts right after it
    ("a = 1b = 2", "a = 1\nb = 2"),
    ("a = 1e6 = 2", "a = 1\ne6 = 2"),
    ("a = truex = 1", "a = true\nx = 1"),
    ("a = -1.5_x = 1", "a = -1.5\n_x = 1"),
    # after a block's '}'
    ('step "a" {\n    name = "x"\n} step "b" {}', 'step "a" {\n    name = "x"\n}\nstep "b" {}'),
    ('a {}b = 1 c { } d "l" {}', 'a {}\nb = 1\nc {}\nd "l" {}'),
    ('a {\n    b {\n        c = 1\n    } d = 2\n}', 'a {\n    b {\n        c = 1\n    }\n    d = 2\n}'),
    # a '}' after an attribute, or after another '}', on the same line
    ('step "a" {\n    name = "x" }', 'step "a" {\n    name = "x"\n}'),
    ('step "a" {\n    name = "x"}', 'step "a" {\n    name = "x"\n}'),
    ('a {\n    b {\n        c = 1 } }', 'a {\n    b {\n        c = 1\n    }\n}'),
    # an attribute then a block on one line
    ('name = "x" step "a" {\n    b = 1\n}', 'name = "x"\nstep "a" {\n    b = 1\n}'),
    # a block's '{' on a later line than its name and labels
    ('step "a"\n{\n    name = "x"\n}', 'step "a" {\n    name = "x"\n}'),
    ("connectivity_policy\n\n{}", "connectivity_policy {}"),
    # a dictionary's entries, and what follows its '}'
    ('p = {\n    a = "1" b = "2"\n} q = 1', 'p = {\n    a = "1"\n    b = "2"\n}\nq = 1'),
    ('p = { a = "1" }', 'p = {\n    a = "1"\n}'),
    # a CR is whitespace to Octopus, so attributes alone on CR-separated "lines" are one line
    ('a = "x"\rb = "y"\r', 'a = "x"\nb = "y"'),
    # a heredoc ends at its closing line; the next statement starts on the line after it
    ("a = <<-EOT\n    x\n    EOT\nb = 1 c = 2", "a = <<-EOT\n    x\n    EOT\nb = 1\nc = 2"),
]


@pytest.mark.parametrize(("text", "one_per_line"), ACCEPTED)
def test_statements_on_one_line_read_as_on_separate_lines(text, one_per_line):
    assert parse(text) == parse(one_per_line)


@pytest.mark.parametrize(("text", "one_per_line"), ACCEPTED)
def test_the_writer_puts_one_statement_on_each_line(text, one_per_line):
    written = canonical(text)
    assert written == canonical(one_per_line)
    assert canonical(written) == written
    lines = written.split("\n")
    assert all(line.count(" = ") + line.count("{") - line.count("= {") <= 1 for line in lines), written


def test_positions_of_statements_sharing_a_line():
    doc = parse('name = "x" action_type = "y"\nstep "a" {\n    b = 1 }c = 2')
    assert [(item.name, item.line, item.column) for item in doc.body] == [
        ("name", 1, 1),
        ("action_type", 1, 12),
        ("step", 2, 1),
        ("c", 3, 12),
    ]


REFUSED = [
    # (text Octopus's parser refuses too, where, message)
    ('step "a" { name = "x" }', 1, 12, "must start on a new line"),  # BlockBody needs a new line after '{'
    ('step "a" {\n    name = "x" }}', 2, 17, "no block is open here"),
    ('step\n"a" {\n}', 1, 5, "expected '=' or a block after 'step'"),  # labels on the name's line
    ('step "a"\n"b" {\n}', 1, 9, "expected '{' to open block 'step'"),
    ("a\n= 1", 1, 2, "expected '=' or a block after 'a'"),  # name and '=' on one line
    ("a =\n1", 1, 4, "expected a value before the end of the line"),
    ("a = 1 b", 1, 7, "unexpected 'b' after the value"),
    ('a = "x" b', 1, 9, "unexpected 'b' after the value"),
    ("a {} b", 1, 6, "unexpected 'b' after '}'"),
    ('a = "x", b = "y"', 1, 8, "unexpected ','"),
    ('a = "x"; b = "y"', 1, 8, "unexpected ';'"),
    ('a = "x" # note', 1, 9, "comments are not supported"),
    ("a = 1e6", 1, 5, "invalid number '1e6'"),
    ("a = 1.", 1, 5, "invalid number"),
    ("a = truex", 1, 5, "expected a value, found 'truex'"),
    ("a = 1 .5 = 2", 1, 7, "unexpected '.' after the value"),
    ("a = <<-EOT\n    x\n    EOT b = 1", 1, 5, "unterminated heredoc"),  # the closing line holds only the tag
    ('p = {\n    a = "1" b\n}', 2, 13, "unexpected 'b' after the value; expected a new line or another entry"),
    ('p = {\n    k = 1e6\n}', 2, 9, "invalid number '1e6'"),
    ('step "a" {\r    name = "x"\r}\r', 1, 16, "a CR alone does not end a line"),
]


@pytest.mark.parametrize(("text", "line", "column", "message"), REFUSED)
def test_what_octopus_refuses_stays_refused(text, line, column, message):
    with pytest.raises(OclSyntaxError) as caught:
        parse(text)
    assert message in caught.value.message
    assert (caught.value.line, caught.value.column) == (line, column), str(caught.value)
