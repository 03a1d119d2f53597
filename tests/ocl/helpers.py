"""Helpers for the OCL tests: corpus file names for parametrisation and a tree normaliser."""

from __future__ import annotations

import os
from pathlib import Path

from octoscaffold.ocl import Attribute, Block, Dictionary, Document, List, String

# Where tests/conftest.py looks for ../shared; needed here at collection time to name one test per
# file. The tests themselves still go through the `corpus_dir` fixture, which skips (or fails on CI).
_CORPUS = Path(os.environ.get("OCTOSCAFFOLD_SHARED", Path(__file__).resolve().parents[3] / "shared")) / "ocl-corpus"
MISSING = "corpus-missing"


def corpus_names() -> list[str]:
    names = sorted(path.name for path in _CORPUS.glob("*.ocl"))
    return names or [MISSING]


def canonical_names() -> list[str]:
    listing = _CORPUS / "CANONICAL.txt"
    if not listing.exists():
        return [MISSING]
    lines = listing.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def read_corpus(corpus_dir: Path, name: str) -> str:
    """A corpus file exactly as stored (no newline translation)."""
    return (corpus_dir / name).read_bytes().decode("utf-8")


def normalise(node):
    """A tree as plain data without what the writer is free to change: positions, the order of
    attributes and dictionary keys, and whether a string was a heredoc. Block order is kept."""
    kind = type(node)
    if kind is Document or kind is Block:
        attributes = sorted(
            ((item.name, normalise(item.value)) for item in node.body if type(item) is Attribute),
            key=lambda pair: pair[0],
        )
        blocks = [normalise(item) for item in node.body if type(item) is Block]
        head = ("block", node.name, tuple(node.labels)) if kind is Block else ("document",)
        return head + (tuple(attributes), tuple(blocks))
    if kind is Dictionary:
        return ("dict", tuple(sorted((entry.key, normalise(entry.value)) for entry in node.entries)))
    if kind is List:
        return ("list", tuple(normalise(item) for item in node.items))
    if kind is String:
        return ("string", node.value)
    return (kind.__name__, getattr(node, "text", getattr(node, "value", None)))
