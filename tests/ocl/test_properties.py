"""Generated documents survive write → parse; arbitrary text never raises anything but OclSyntaxError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from octoscaffold.ocl import (
    Attribute,
    Block,
    Boolean,
    Dictionary,
    Document,
    Entry,
    List,
    Null,
    Number,
    OclSyntaxError,
    String,
    parse,
    write,
)

from .helpers import normalise

SETTINGS = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces that have broken OCL writers: closing tags, line breaks of every kind, escapes.
TRICKY = ["EOT", "  EOT  ", "EOT1", "\n", "\r", "\r\n", "\t", "\\", '"', "\\n", "#{x}", "${y}", " ", "", "}", "{", "="]
text_values = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(TRICKY)), max_size=8).map("".join)
names = st.text(alphabet="abyzABYZ_09\u00e9", min_size=1, max_size=8) | st.sampled_from(["name", "action_type", "a"])
keys = st.one_of(
    st.sampled_from(["Octopus.Action.Script.ScriptBody", "Octopus.Action[Step 1].Output", "a:b/c", "x-y", "}", ""]),
    st.text(max_size=10),
)
integers = st.integers(-(10**6), 10**6).map(lambda number: Number(str(number)))
decimals = st.tuples(st.integers(-999, 999), st.integers(0, 9999)).map(lambda pair: Number(f"{pair[0]}.{pair[1]}"))
numbers = integers | decimals
strings = text_values.map(String)
lists = st.one_of(
    st.lists(strings, max_size=4),
    st.lists(integers, max_size=4),
    st.lists(decimals, max_size=4),
).map(List)
literals = st.one_of(strings, numbers, st.booleans().map(Boolean), st.just(Null()), lists)
dictionaries = st.dictionaries(keys, literals, max_size=6).map(
    lambda mapping: Dictionary([Entry(key, value) for key, value in mapping.items()])
)
attributes = st.builds(Attribute, names, st.one_of(literals, dictionaries))


def blocks(children):
    return st.builds(Block, names, st.lists(text_values, max_size=2), st.lists(children, max_size=5))


bodies = st.lists(st.recursive(attributes, lambda inner: st.one_of(attributes, blocks(inner)), max_leaves=12), max_size=5)
documents = bodies.map(Document)


@SETTINGS
@given(documents)
def test_generated_documents_survive_write_and_parse_with_lf_and_crlf(doc):
    text = write(doc)
    again = parse(text)
    assert normalise(again) == normalise(doc)
    assert write(again) == text
    assert normalise(parse(write(doc, newline="\r\n"))) == normalise(doc)


@SETTINGS
@given(text_values)
def test_any_string_value_survives_as_attribute_and_dictionary_entry(value):
    doc = Document([Block("b", [value], [Attribute("v", String(value)), Attribute("p", Dictionary([Entry(value, String(value))]))])])
    again = parse(write(doc))
    block = again.body[0]
    assert block.labels == [value]
    assert block.get("v").value == value
    assert block.get("p").entries[0].key == value
    assert block.get("p").entries[0].value.value == value


OCL_BITS = ['step "a" {', "}", "{", "\n", "\r\n", " = ", '"x"', "<<-EOT", "EOT", "[", "]", ",", "1.5", "true", "k", "\\", '"']


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.one_of(st.text(max_size=6), st.sampled_from(OCL_BITS)), max_size=30).map("".join))
def test_arbitrary_text_raises_only_syntax_errors(text):
    try:
        doc = parse(text)
    except OclSyntaxError as err:
        assert err.line >= 1 and err.column >= 1
        assert str(err).startswith("<string>:")
    else:
        assert normalise(parse(write(doc))) == normalise(doc)
