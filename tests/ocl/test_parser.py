"""Parser: values, positions, line endings and the shapes real files take."""

from __future__ import annotations

from decimal import Decimal

import pytest

from octoscaffold.errors import OctoscaffoldError
from octoscaffold.ocl import (
    Block,
    Boolean,
    Dictionary,
    Document,
    List,
    Null,
    Number,
    OclError,
    OclSyntaxError,
    String,
    parse,
)
from octoscaffold.ocl.parser import MAX_DEPTH


def test_empty_and_blank_files_are_empty_documents():
    assert parse("") == Document([])
    assert parse("  \n\r\n\t\n") == Document([])
    assert parse(b"") == Document([])


def test_values_of_every_kind():
    doc = parse(
        'a = "x"\n'
        "b = 42\n"
        "c = -1.50\n"
        "d = true\n"
        "e = false\n"
        "f = null\n"
        'g = ["p", "q"]\n'
        "h = [1, 2]\n"
        "i = []\n"
    )
    values = {item.name: item.value for item in doc.body}
    assert values["a"] == String("x")
    assert values["b"] == Number("42") and values["b"].python == 42
    assert values["c"].text == "-1.50" and values["c"].python == Decimal("-1.50")
    assert values["d"] == Boolean(True) and values["e"] == Boolean(False)
    assert values["f"] == Null()
    assert values["g"] == List([String("p"), String("q")])
    assert values["h"].python == [1, 2]
    assert values["i"] == List([])


def test_blocks_labels_and_positions():
    text = 'step "deploy" {\n    name = "Deploy"\n\n    action "one" {\n        action_type = "Octopus.Script"\n    }\n}'
    doc = parse(text, "deployment_process.ocl")
    step = doc.body[0]
    assert isinstance(step, Block)
    assert (step.name, step.labels, step.line, step.column) == ("step", ["deploy"], 1, 1)
    name = step.body[0]
    assert (name.name, name.line, name.column) == ("name", 2, 5)
    assert (name.value.line, name.value.column) == (2, 12)
    action = step.body[1]
    assert (action.name, action.labels, action.line, action.column) == ("action", ["one"], 4, 5)
    assert (action.body[0].line, action.body[0].column) == (5, 9)


def test_dictionary_entries_keep_order_and_positions():
    text = "properties = {\n    Octopus.Action[x].FeedId = \"f\"\n    a:b/c-d = \"2\"\n    \"my key\" = \"3\"\n}"
    value = parse(text).body[0].value
    assert isinstance(value, Dictionary)
    assert [entry.key for entry in value.entries] == ["Octopus.Action[x].FeedId", "a:b/c-d", "my key"]
    assert [(entry.line, entry.column) for entry in value.entries] == [(2, 5), (3, 5), (4, 5)]
    assert value.get("a:b/c-d") == String("2")
    assert value.python == {"Octopus.Action[x].FeedId": "f", "a:b/c-d": "2", "my key": "3"}


def test_quoted_string_escapes():
    value = parse(r'a = "q\" b\\ n\n r\r t\t #{x} ${y}"').body[0].value.value
    assert value == 'q" b\\ n\n r\r t\t #{x} ${y}'


def test_empty_blocks_in_all_spellings():
    doc = parse("a {}\nb { }\nc {\n}\nd \"x\" {\n\n}")
    assert [(block.name, block.body) for block in doc.body] == [("a", []), ("b", []), ("c", []), ("d", [])]


def test_current_heredoc_layout():
    text = "properties = {\n    Body = <<-EOT\n        line 1\n          indented\n\n        EOT\n}"
    value = parse(text).body[0].value.get("Body")
    assert value == String("line 1\n  indented\n", heredoc=True)


def test_old_heredoc_layout_keeps_the_extra_indentation_as_octopus_does():
    # Before 2023 the closing tag sat 4 spaces left of the content; the closing line now counts.
    text = "notes = <<-EOT\n        hello\n          world\n    EOT"
    assert parse(text).body[0].value.value == "    hello\n      world"


def test_heredoc_closing_tag_further_right_uses_the_content_indentation():
    text = "notes = <<-EOT\n    hello\n      world\n        EOT"
    assert parse(text).body[0].value.value == "hello\n  world"


def test_verbatim_heredoc_and_custom_tag():
    text = "a = <<END\n  keep\n    this\nEND \nb = 1"
    doc = parse(text)
    assert doc.body[0].value.value == "  keep\n    this"
    assert doc.body[1].line == 5


def test_heredoc_with_a_line_that_only_contains_the_tag_with_text():
    text = "a = <<-EOT\n    EOT is not alone here\n    EOT"
    assert parse(text).body[0].value.value == "EOT is not alone here"


def test_empty_heredoc():
    assert parse("a = <<-EOT\n    EOT").body[0].value == String("", heredoc=True)


def test_crlf_and_mixed_line_endings():
    lf = 'step "a" {\n    name = "A"\n    properties = {\n        Body = <<-EOT\n            one\n            two\n            EOT\n    }\n}'
    crlf = lf.replace("\n", "\r\n")
    plain = 'step "a" {\n    name = "A"\n    list = [\n        "x"\n    ]\n}'
    assert parse(plain.replace("\n", "\r\n")) == parse(plain)
    # Windows servers: structural CRLF, heredoc content joined with LF.
    mixed = crlf.replace("one\r\n", "one\n")
    assert parse(mixed).body[0].body[1].value.get("Body").value == "one\ntwo"
    # Content lines ending in CR (other than the last) make a CRLF value.
    assert parse(crlf).body[0].body[1].value.get("Body").value == "one\r\ntwo"
    assert parse(crlf).body[0].body[1].line == 3


def test_bom_tabs_and_unicode():
    text = '\ufeffstep "caf\u00e9 \U0001F680" {\n\tname\t=\t"\u65e5\u672c"\n\tproperties = {\n\t\tcl\u00e9 = "\u00fc"\n\t}\n}'
    step = parse(text).body[0]
    assert step.labels == ["caf\u00e9 \U0001F680"]
    assert step.body[0].value.value == "\u65e5\u672c"
    assert (step.body[0].line, step.body[0].column) == (2, 2)
    assert step.body[1].value.get("cl\u00e9") == String("\u00fc")
    assert parse(text.encode("utf-8")) == parse(text)


def test_step_template_action_without_action_type_and_step_package_inputs():
    text = (
        'step "notify" {\n'
        "    action {\n"
        "        properties = {\n"
        '            Octopus.Action.Template.Id = "ActionTemplates-1"\n'
        "        }\n"
        "\n"
        "        inputs {\n"
        "            desiredCount = 1\n"
        "\n"
        "            containers {\n"
        "                essential = true\n"
        "\n"
        "                containerPortMappings {\n"
        "                    containerPort = 80\n"
        "                }\n"
        "            }\n"
        "        }\n"
        "    }\n"
        "}"
    )
    action = parse(text).body[0].body[0]
    assert action.attribute("action_type") is None
    inputs = next(action.blocks("inputs"))
    mapping = next(next(inputs.blocks("containers")).blocks("containerPortMappings"))
    assert mapping.get("containerPort") == Number("80")


def test_process_template_blocks():
    text = 'process {\n    process_template "kv" {\n        name = "Key Vault"\n\n        parameter "A.B" {\n            value = "#{x}"\n        }\n    }\n}'
    template = next(parse(text).body[0].blocks("process_template"))
    assert template.labels == ["kv"]
    assert next(template.blocks("parameter")).get("value") == String("#{x}")


def test_lists_may_span_lines():
    doc = parse('environments = [\n    "dev",\n    "test"\n]\nnext = 1')
    assert doc.body[0].value.python == ["dev", "test"]
    assert doc.body[1].line == 5


def test_nesting_up_to_the_limit_parses():
    depth = MAX_DEPTH
    text = "".join(f"b{i} {{\n" for i in range(depth)) + "x = 1\n" + "}\n" * depth
    node = parse(text)
    for _ in range(depth):
        node = node.body[0]
    assert node.body[0].name == "x"
    assert node.body[0].line == depth + 1


def test_nesting_past_the_limit_is_a_syntax_error_at_the_block_too_many():
    depth = 50_000  # quickly refused: deeper trees would make the written text grow as depth²
    text = "".join(f"b{i} {{\n" for i in range(depth)) + "x = 1\n" + "}\n" * depth
    with pytest.raises(OclSyntaxError, match=rf"^f\.ocl:{MAX_DEPTH + 1}:6: blocks nested more than {MAX_DEPTH} levels deep"):
        parse(text, "f.ocl")


def test_unclosed_deep_nesting_is_a_syntax_error():
    with pytest.raises(OclSyntaxError, match="is not closed"):
        parse("a {\n" * MAX_DEPTH)


def test_names_and_keys_are_shared_not_copied():
    doc = parse('a {\n    name = "x"\n}\nb {\n    name = "y"\n}')
    assert doc.body[0].body[0].name is doc.body[1].body[0].name


def test_syntax_error_is_an_input_error_of_the_library():
    assert issubclass(OclSyntaxError, OclError) and not issubclass(OclSyntaxError, OctoscaffoldError)
    assert OclSyntaxError("x").exit_code == 2
