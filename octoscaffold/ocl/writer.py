"""Syntax tree → text, in the layout a current Octopus server writes.

Rules (see docs/ocl.md): 4-space indentation; in every body the attributes first, sorted by name
(runbook files put `name` first), then the blocks in their order; a blank line before each block that
follows a sibling; dictionary keys sorted case-insensitively with an ordinal tie-break; strings with a
line break as `<<-EOT` heredocs, all others quoted; no newline at the end of the file.
"""

from __future__ import annotations

import re

from .ast import Attribute, Block, Boolean, Dictionary, Document, Entry, List, Null, Number, String
from .parser import _BARE_KEY, SPACE_CHARS, closes_heredoc, read_heredoc_lines

INDENT = "    "
_NEEDS_ESCAPE = re.compile(r'[\\"\n\r\t]')
_ESCAPE_TABLE = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def escape(value: str) -> str:
    """`value` as it goes between the quotes of an OCL string (the five escapes OCL knows)."""
    return value.translate(_ESCAPE_TABLE)


def quote(value: str) -> str:
    """A double-quoted OCL string; only \\\\, \\", \\n, \\r and \\t exist as escapes."""
    if _NEEDS_ESCAPE.search(value) is None:
        return f'"{value}"'
    return f'"{value.translate(_ESCAPE_TABLE)}"'


def key_text(key: str) -> str:
    """Dictionary keys are bare words unless that would read back differently."""
    match = _BARE_KEY.fullmatch(key)
    if match is None or key[0] == "}":
        return quote(key)
    return key


def key_order(key: str) -> tuple[str, str]:
    return (key.lower(), key)


def heredoc_tag(lines: list[str]) -> str:
    """EOT, or EOT1, EOT2... when a content line would otherwise end the heredoc early."""
    if not any(closes_heredoc(line, "EOT") for line in lines):
        return "EOT"
    taken = {line.strip(SPACE_CHARS) for line in lines}  # one pass, however many tags are taken
    number = 1
    while f"EOT{number}" in taken:
        number += 1
    return f"EOT{number}"


def heredoc_lines(value: str) -> list[str] | None:
    """The content lines for a heredoc, or None when the value needs the quoted form.

    A heredoc cannot keep every mix of CR and LF (its lines lose their final CR and are rejoined by
    one rule), so the value is only written as one when reading it back gives the same string.
    """
    if "\n" not in value:
        return None
    lines = value.split("\n")
    if "\r" in value and read_heredoc_lines(lines, False, 0) != value:
        return None
    return lines


def is_runbook(doc: Document) -> bool:
    """A runbook file is the only kind with a top-level `process` block."""
    return any(type(item) is Block and item.name == "process" for item in doc.body)


def runbook_hint(path: str | None) -> bool | None:
    """True for a path inside a `runbooks` folder (a runbook even before it has a `process` block)."""
    if path is None:
        return None
    folders = str(path).replace("\\", "/").split("/")[:-1]
    return True if "runbooks" in folders else None


def _ordered(body: list[Attribute | Block], name_first: bool = False) -> list[Attribute | Block]:
    attributes = sorted((item for item in body if type(item) is Attribute), key=lambda item: item.name)
    if name_first:
        attributes.sort(key=lambda item: item.name != "name")  # stable: the rest stays sorted
    blocks = [item for item in body if type(item) is not Attribute]
    return attributes + blocks


def literal(value) -> str:
    """A string, number, boolean, null or list as OCL text on one line."""
    kind = type(value)
    if kind is String:
        return quote(value.value)
    if kind is Number:
        return value.text
    if kind is Boolean:
        return "true" if value.value else "false"
    if kind is Null:
        return "null"
    if kind is List:
        return "[" + ", ".join(literal(item) for item in value.items) + "]"
    raise TypeError(f"cannot write {kind.__name__} as an OCL literal")


def _value_lines(out: list[str], prefix: str, value, depth: int) -> None:
    """Append `prefix` + value; heredoc content goes in one piece so its own line breaks stay as they are."""
    if type(value) is String:
        lines = heredoc_lines(value.value)
        if lines is not None:
            tag = heredoc_tag(lines)
            indent = INDENT * (depth + 2)
            out.append(f"{prefix}<<-{tag}")
            out.append("\n".join(indent + line for line in lines))
            out.append(indent + tag)
            return
    out.append(prefix + literal(value))


def _attribute(out: list[str], attribute: Attribute, depth: int) -> None:
    indent = INDENT * depth
    value = attribute.value
    if type(value) is not Dictionary:
        _value_lines(out, f"{indent}{attribute.name} = ", value, depth)
        return
    out.append(f"{indent}{attribute.name} = {{")
    inner = indent + INDENT
    entry: Entry
    for entry in sorted(value.entries, key=lambda entry: key_order(entry.key)):
        _value_lines(out, f"{inner}{key_text(entry.key)} = ", entry.value, depth)
    out.append(indent + "}")


def write(doc: Document, *, newline: str = "\n", runbook: bool | None = None) -> str:
    """The canonical text of `doc`, without a final newline.

    `newline` is used between lines ("\\r\\n" keeps a Windows file's style); heredoc content keeps the
    line breaks of its value. `runbook` puts a top-level `name` first; by default a document with a
    top-level `process` block is taken for a runbook.
    """
    if runbook is None:
        runbook = is_runbook(doc)
    out: list[str] = []
    # An explicit stack, not recursion: depth is limited only by memory, as in the parser.
    # Each frame: remaining items, depth, closing line, whether anything was written in it yet.
    stack: list[list] = [[iter(_ordered(doc.body, runbook)), 0, None, False]]
    while stack:
        frame = stack[-1]
        item = next(frame[0], None)
        if item is None:
            stack.pop()
            if frame[2] is not None:
                out.append(frame[2])
            continue
        depth = frame[1]
        if type(item) is Attribute:
            _attribute(out, item, depth)
        elif type(item) is Block:
            if frame[3]:
                out.append("")
            indent = INDENT * depth
            head = indent + item.name + "".join(" " + quote(label) for label in item.labels)
            if item.body:
                out.append(head + " {")
                frame[3] = True
                stack.append([iter(_ordered(item.body)), depth + 1, indent + "}", False])
                continue
            out.append(head + " {}")
        else:
            raise TypeError(f"a body holds attributes and blocks, not {type(item).__name__}")
        frame[3] = True
    return newline.join(out)
