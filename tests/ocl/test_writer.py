"""Writer: the layout current Octopus servers write."""

from __future__ import annotations

from octoscaffold.ocl import (
    Attribute,
    Block,
    Dictionary,
    Document,
    Entry,
    List,
    Number,
    String,
    canonical,
    parse,
    write,
)


def test_attributes_sorted_then_blocks_in_order_with_blank_lines():
    text = (
        'step "b" {\n'
        "  start_trigger = \"StartWithPrevious\"\n"
        "  action {\n"
        "    worker_pool = \"p\"\n"
        "    action_type = \"Octopus.Script\"\n"
        "    packages \"z\" {\n"
        "    }\n"
        "    packages \"a\" {}\n"
        "  }\n"
        "  condition = \"Always\"\n"
        "}\n"
        'step "a" {\n'
        "}\n"
    )
    assert canonical(text) == (
        'step "b" {\n'
        '    condition = "Always"\n'
        '    start_trigger = "StartWithPrevious"\n'
        "\n"
        "    action {\n"
        '        action_type = "Octopus.Script"\n'
        '        worker_pool = "p"\n'
        "\n"
        '        packages "z" {}\n'
        "\n"
        '        packages "a" {}\n'
        "    }\n"
        "}\n"
        "\n"
        'step "a" {}'
    )


def test_no_blank_line_before_a_first_child_block():
    assert canonical("versioning_strategy {\n\n    donor_package {\n        step = \"s\"\n    }\n}") == (
        'versioning_strategy {\n    donor_package {\n        step = "s"\n    }\n}'
    )


def test_dictionary_keys_sorted_case_insensitively_with_ordinal_tie_break():
    text = 'properties = {\n    b = "1"\n    Octopus.X = "2"\n    asdf = "3"\n    B = "4"\n    a_b = "5"\n}'
    assert canonical(text) == (
        'properties = {\n    a_b = "5"\n    asdf = "3"\n    B = "4"\n    b = "1"\n    Octopus.X = "2"\n}'
    )


def test_quoted_strings_use_the_five_escapes():
    doc = Document([Attribute("a", String('back\\slash "quote" tab\tcr\r'))])
    assert write(doc) == r'a = "back\\slash \"quote\" tab\tcr\r"'


def test_multi_line_strings_become_heredocs_indented_two_levels_deeper():
    doc = Document(
        [
            Block(
                "step",
                ["s"],
                [
                    Attribute("notes", String("one\n  two\n\nend")),
                    Attribute("properties", Dictionary([Entry("Body", String("x\ny"))])),
                ],
            )
        ]
    )
    assert write(doc) == (
        'step "s" {\n'
        "    notes = <<-EOT\n"
        "            one\n"
        "              two\n"
        "            \n"
        "            end\n"
        "            EOT\n"
        "    properties = {\n"
        "        Body = <<-EOT\n"
        "            x\n"
        "            y\n"
        "            EOT\n"
        "    }\n"
        "}"
    )


def test_heredoc_tag_avoids_content_lines():
    value = "EOT\n  EOT1  \nEOT2 and more"
    text = write(Document([Attribute("a", String(value))]))
    assert text.startswith("a = <<-EOT2\n")
    assert parse(text).body[0].value.value == value


def test_values_that_a_heredoc_cannot_hold_are_quoted():
    for value in ["a\r\nb\nc", "a\nb\r", "a\r\nb\r"]:
        text = write(Document([Attribute("a", String(value))]))
        assert text.startswith('a = "'), text
        assert parse(text).body[0].value.value == value


def test_crlf_joined_heredoc_stays_a_heredoc():
    text = write(Document([Attribute("a", String("one\r\ntwo"))]))
    assert text == "a = <<-EOT\n        one\r\n        two\n        EOT"
    assert parse(text).body[0].value.value == "one\r\ntwo"


def test_keys_quoted_only_when_a_bare_word_would_read_differently():
    doc = Document(
        [
            Attribute(
                "p",
                Dictionary(
                    [
                        Entry("Octopus.Action[Step 1].Output", String("1")),
                        Entry("plain.key[0]:x/y-z", String("2")),
                        Entry("}", String("3")),
                        Entry("", String("4")),
                        Entry('say "hi"', String("5")),
                    ]
                ),
            )
        ]
    )
    text = write(doc)
    assert '    "Octopus.Action[Step 1].Output" = "1"' in text
    assert '    plain.key[0]:x/y-z = "2"' in text
    assert '    "}" = "3"' in text
    assert '    "" = "4"' in text
    assert '    "say \\"hi\\"" = "5"' in text
    assert parse(text) == Document([Attribute("p", Dictionary(sorted(doc.body[0].value.entries, key=lambda e: (e.key.lower(), e.key))))])


def test_lists_numbers_and_empty_containers():
    doc = Document(
        [
            Attribute("environments", List([String("dev"), String("prod")])),
            Attribute("empty", List([])),
            Attribute("quantity", Number("007")),
            Attribute("props", Dictionary([])),
        ]
    )
    assert write(doc) == 'empty = []\nenvironments = ["dev", "prod"]\nprops = {\n}\nquantity = 007'


def test_runbooks_put_name_first():
    text = 'description = "d"\nname = "Run"\nenvironments = ["dev"]\n\nprocess {\n    step "s" {\n        name = "S"\n        condition = "Always"\n    }\n}'
    assert canonical(text) == (
        'name = "Run"\ndescription = "d"\nenvironments = ["dev"]\n\nprocess {\n'
        '    step "s" {\n        condition = "Always"\n        name = "S"\n    }\n}'
    )
    # Without a process block the file path says it is a runbook.
    assert canonical('description = "d"\nname = "Run"', "runbooks/run.ocl") == 'name = "Run"\ndescription = "d"'
    assert canonical('description = "d"\nname = "Run"', "deployment_settings.ocl") == 'description = "d"\nname = "Run"'
    assert write(parse('description = "d"\nname = "Run"'), runbook=True) == 'name = "Run"\ndescription = "d"'


def test_crlf_newline_keeps_heredoc_content_as_is():
    doc = parse('a {\n    b = <<-EOT\n        x\n        y\n        EOT\n}')
    assert write(doc, newline="\r\n") == 'a {\r\n    b = <<-EOT\r\n            x\n            y\r\n            EOT\r\n}'


def test_schema_version_file():
    assert canonical("version   =   10\n\n") == "version = 10"


def test_deep_nesting_writes_without_recursion():
    depth = 1_500  # past Python's default recursion limit; the indentation makes the text grow as depth²
    text = "\n".join(f"{'    ' * i}b {{" for i in range(depth)) + "\n" + " " * 4 * depth + "x = 1\n"
    text += "\n".join(f"{'    ' * i}}}" for i in reversed(range(depth)))
    # The parser refuses such depth (MAX_DEPTH), but a tree built in code can be this deep.
    doc = inner = Document([])
    for _ in range(depth):
        block = Block("b", [], [])
        inner.body.append(block)
        inner = block
    inner.body.append(Attribute("x", Number("1")))
    assert write(doc) == text.rstrip("\n")
