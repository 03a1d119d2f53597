"""OCL, the language of Octopus Deploy config-as-code: parse, write in Octopus's own layout, read typed."""

from __future__ import annotations

from .ast import (
    Attribute,
    Block,
    Boolean,
    Dictionary,
    Document,
    Entry,
    List,
    Literal,
    Node,
    Null,
    Number,
    String,
    Value,
)
from .errors import OclSyntaxError
from .parser import parse
from .writer import is_runbook, write


def _runbook_hint(path: str | None) -> bool | None:
    """Files under a `runbooks` folder are runbooks even without a `process` block."""
    if path is None:
        return None
    parts = str(path).replace("\\", "/").split("/")
    return True if "runbooks" in parts[:-1] else None


def canonical(text: str | bytes, path: str | None = None, *, newline: str = "\n") -> str:
    """`write(parse(text, path))`: the text as Octopus would write it."""
    return write(parse(text, path), newline=newline, runbook=_runbook_hint(path))


__all__ = [
    "Attribute",
    "Block",
    "Boolean",
    "Dictionary",
    "Document",
    "Entry",
    "List",
    "Literal",
    "Node",
    "Null",
    "Number",
    "OclSyntaxError",
    "String",
    "Value",
    "canonical",
    "is_runbook",
    "parse",
    "write",
]
