"""OCL, the language of Octopus Deploy config-as-code: parse, write in Octopus's own layout, read typed.

A leaf library: it needs only the standard library and `octoscaffold.inputs` (bounded reading of
files), and its errors have their own root, `OclError`.
"""

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
from .errors import OclError, OclFileError, OclSyntaxError
from .parser import parse
from .view import ProjectView, load_project, view_from_documents, view_from_texts
from .writer import is_runbook, runbook_hint, write


def canonical(text: str | bytes, path: str | None = None, *, newline: str = "\n") -> str:
    """`write(parse(text, path))`: the text as Octopus would write it."""
    return write(parse(text, path), newline=newline, runbook=runbook_hint(path))


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
    "OclError",
    "OclFileError",
    "OclSyntaxError",
    "String",
    "ProjectView",
    "Value",
    "canonical",
    "is_runbook",
    "load_project",
    "parse",
    "view_from_documents",
    "view_from_texts",
    "write",
]
