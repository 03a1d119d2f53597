"""The real files: all parse, all keep their meaning through the writer, current-layout ones byte for byte."""

from __future__ import annotations

import pytest

from octoscaffold.ocl import canonical, parse, write
from octoscaffold.ocl.fmt import format_text

from .helpers import canonical_names, corpus_names, normalise, read_corpus


@pytest.mark.parametrize("name", corpus_names())
def test_corpus_file_parses_and_round_trips(corpus_dir, name):
    text = read_corpus(corpus_dir, name)
    doc = parse(text, name)
    written = write(doc)
    again = parse(written, name)
    assert normalise(again) == normalise(doc)
    # Canonical output is a fixed point.
    assert write(again) == written


@pytest.mark.parametrize("name", canonical_names())
def test_canonical_file_is_reproduced_byte_for_byte(corpus_dir, name):
    text = read_corpus(corpus_dir, name)
    assert canonical(text, name) == text


def test_canonical_list_is_most_of_the_corpus(corpus_dir):
    names = set(canonical_names())
    assert len(names) >= 150
    assert names <= set(corpus_names())


def test_crlf_corpus_files_keep_their_line_endings(corpus_dir):
    crlf = [name for name in corpus_names() if "\r\n" in read_corpus(corpus_dir, name)]
    assert crlf, "the corpus has Windows-written files"
    for name in crlf:
        text = read_corpus(corpus_dir, name)
        formatted = format_text(text, name)
        # Every structural line break is CRLF; LF-only breaks can only come from heredoc content.
        assert formatted.count("\r\n") >= formatted.count("\n") - sum(
            line.count("\n") for line in _heredoc_values(parse(text))
        )
        assert normalise(parse(formatted)) == normalise(parse(text))
        assert format_text(formatted, name) == formatted


def _heredoc_values(doc):
    stack = [doc]
    while stack:
        node = stack.pop()
        for item in node.body:
            if hasattr(item, "body"):
                stack.append(item)
                continue
            values = [entry.value for entry in item.value.entries] if hasattr(item.value, "entries") else [item.value]
            yield from (value.value for value in values if getattr(value, "heredoc", False))
