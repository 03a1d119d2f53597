"""YAML text of plain data (mappings, lists, text, whole numbers, true/false, null), written
without a YAML library: the stored spec is written by every `new`, and loading a YAML library
costs more than writing this small subset.

The layout is the one the spec files have always had: block mappings indented by two spaces,
list items as `  - item` under their key, empty collections as `[]` and `{}`. A string is
written plain when a YAML reader takes it back as that same string, in single quotes when it
is one printable line, else in double quotes with escapes. tests/test_spec_emit.py checks that
a YAML library reads every output back to the data it came from.
"""

from __future__ import annotations

import re
from typing import Any

# What a plain scalar may not start with, or hold, in block context.
_INDICATOR_START = frozenset("#,[]{}&*!|>'\"%@`")
_PLAIN_BREAKERS = (": ", " #", "\t")
# Plain text a YAML 1.1 or 1.2 reader would take for something other than a string: null, booleans
# (with the 1.1 words yes/no/on/off), numbers in any base and sexagesimal, infinities, dates and
# the `<<`/`=` keys (the implicit types of both versions' schemas).
_NOT_TEXT = re.compile(
    r"~|null|Null|NULL"
    r"|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])*"  # integers, also sexagesimal (1:30)
    r"|[-+]?0b[01_]+|[-+]?0o?[0-7_]+|[-+]?0x[0-9a-fA-F_]+"
    r"|[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?"  # floats
    r"|[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+"
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?"  # dates and times
    r"|<<|="
)
# YAML limits a key written as `key:` to 1024 characters.
MAX_IMPLICIT_KEY = 1000
_DOUBLE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0", "\x07": "\\a",
                   "\x08": "\\b", "\x0b": "\\v", "\x0c": "\\f", "\x1b": "\\e", "\x85": "\\N", "\xa0": "\\_",
                   "\u2028": "\\L", "\u2029": "\\P"}


def dump(data: dict) -> str:
    """`data` (a mapping) as a YAML document, ending with a newline."""
    lines: list[str] = []
    _mapping(data, 0, lines)
    return "\n".join(lines) + "\n"


def _mapping(data: dict, indent: int, lines: list[str], first: str | None = None) -> None:
    """Keys at `indent`; `first` is the prefix of the first line (`- ` of a list item)."""
    pad = " " * indent
    for index, (key, value) in enumerate(data.items()):
        start = first if index == 0 and first is not None else pad
        text = _key(key)
        if len(text) > MAX_IMPLICIT_KEY:  # a longer key must be written as an explicit `? key`
            lines.append(f"{start}? {text}")
            _value(value, indent, pad + ":", lines)
        else:
            _value(value, indent, f"{start}{text}:", lines)


def _value(value: Any, indent: int, prefix: str, lines: list[str]) -> None:
    if isinstance(value, dict) and value:
        lines.append(prefix)
        _mapping(value, indent + 2, lines)
    elif isinstance(value, list) and value:
        lines.append(prefix)
        _sequence(value, indent + 2, lines)
    else:
        lines.append(f"{prefix} {_scalar(value)}")


def _sequence(items: list, indent: int, lines: list[str]) -> None:
    dash = " " * indent + "- "
    for item in items:
        if isinstance(item, dict) and item:
            _mapping(item, indent + 2, lines, first=dash)
        elif isinstance(item, list) and item:
            raise TypeError("a list directly inside a list")  # no spec holds one
        else:
            lines.append(dash + _scalar(item))


def _key(key: Any) -> str:
    if not isinstance(key, str):
        raise TypeError(f"a mapping key that is not text: {key!r}")
    return _text(key)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    raise TypeError(f"cannot write {type(value).__name__} in a spec")


def _text(value: str) -> str:
    if _plain(value):
        return value
    if value.isprintable():
        return "'" + value.replace("'", "''") + "'"
    return '"' + "".join(_DOUBLE_ESCAPES.get(c) or (c if c.isprintable() else _hex(c)) for c in value) + '"'


def _plain(value: str) -> bool:
    """Whether `value` can be written unquoted and read back as the same string."""
    if not value or not value.isascii() or not value.isprintable():
        return False
    if value[0] in _INDICATOR_START or value[0] == " " or value[-1] in " :":
        return False
    if value[0] in "-?:" and (len(value) == 1 or value[1] == " "):
        return False
    if any(part in value for part in _PLAIN_BREAKERS):
        return False
    return not _NOT_TEXT.fullmatch(value)


def _hex(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02X}"
    if code <= 0xFFFF:
        return f"\\u{code:04X}"
    return f"\\U{code:08X}"
