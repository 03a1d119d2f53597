"""The stored spec's YAML writer: whatever the data, a YAML library reads back exactly that data."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from octoscaffold.spec import emit

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
tricky = st.sampled_from(["", " ", "yes", "No", "on", "null", "~", "true", "1.0", "1.0.0", "0o17", "0x1F", "1_000", "0b101", "0b23f5", "1e5", "1.", ".5", "1:30", "190:20:30.15", "007",
                          "2001-12-14t21:59:43.10-05:00", "2002-12-14", "1e", "1.2.3.4",
                          ".inf", ".nan", "-1", "+1", "2024-01-01", "12:30", "<<", "=", "- x", "-x", "? x", "?x", ":x",
                          "a: b", "a #b", "a#b", "#x", "'q'", '"q"', "[a]", "{a}", "a, b", "!tag", "&a", "*a", "%x",
                          "@x", "`x", "|", ">", "x:", "tab\there", "line\nbreak", "\x85", "\u2028", "\ufeff", "caf\u00e9",
                          "trailing ", " leading", "#{Octopus.Release.Number}", "release #{Octopus.Release.Number}"])
scalars = st.none() | st.booleans() | st.integers(-10**15, 10**15) | text | tricky
keys = text | tricky
data = st.recursive(scalars, lambda inner: st.lists(inner.filter(lambda v: not isinstance(v, list)), max_size=4)
                    | st.dictionaries(keys, inner, max_size=4), max_leaves=25)


@pytest.mark.parametrize("pure", [True, False])
@settings(max_examples=300, deadline=None)
@given(st.dictionaries(keys, data, min_size=1, max_size=6))
def test_what_is_written_reads_back_the_same(pure, value):
    assert YAML(typ="safe", pure=pure).load(emit.dump(value)) == value


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "y", "n", "1.0", "2024-01-01", "12:30", "0o17", "~", "null",
                                  "0b101", "1e5", ".inf", "007", "1_000"])
def test_words_other_readers_take_for_something_else_are_quoted(word):
    assert emit.dump({"a": word}) == f"a: '{word}'\n"


def test_the_layout_of_spec_files():
    value = {"apiVersion": "octoscaffold/v1", "project": {"name": "Shop", "description": ""},
             "lifecycle": {"environments": ["Dev", "Production"], "retention": None},
             "runbooks": [{"name": "Restart", "environments": []}], "sources": {}, "count": 3, "on": True}
    assert emit.dump(value) == (
        "apiVersion: octoscaffold/v1\nproject:\n  name: Shop\n  description: ''\nlifecycle:\n  environments:\n"
        "    - Dev\n    - Production\n  retention: null\nrunbooks:\n  - name: Restart\n    environments: []\n"
        "sources: {}\ncount: 3\n'on': true\n"
    )


@pytest.mark.parametrize("word", ["1.0.0", "0b23f591b3fb48f2c2c27ef086fe96376a044508", "python3.12", "v1", "1e", "1.2.3.4"])
def test_text_that_only_looks_numeric_stays_plain(word):
    assert emit.dump({"a": word}) == f"a: {word}\n"


@pytest.mark.parametrize("value", [
    {"a" * 1100: 1},
    {"k": [{"b c " * 300: {"x": [1, "y"]}, "z": 2}]},
    {"q" * 2000: {}, "short": "s"},
    {".octopus/" + "d" * 1000 + "/runbooks/restart.ocl": "0" * 40},
])
def test_keys_longer_than_yaml_allows_on_one_line_are_written_explicitly(value):
    text = emit.dump(value)
    assert "? " in text
    for pure in (True, False):
        assert YAML(typ="safe", pure=pure).load(text) == value


def test_a_stored_spec_with_the_longest_base_path_reads_back():
    from octoscaffold.scaffold import build, plan
    from octoscaffold.spec.io import spec_from_text

    spec = plan('Create an AWS Lambda project called "OctoPub SAM"')
    spec.git.base_path = "/".join(["d" * 99] * 10)[:1000].rstrip("/")
    stored = build(spec).files[".octoscaffold/octopub-sam.yaml"]
    assert spec_from_text(stored).generated.files
