"""Syntax tree of an OCL document.

Nodes are small mutable dataclasses (a formatter or renderer may edit a tree before writing it).
`line` and `column` are 1-based and informational: they are left out of `==`, so two trees compare
equal when they say the same thing in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterator, Union

_POS = {"default": 0, "compare": False, "repr": False}


@dataclass(slots=True)
class String:
    value: str
    heredoc: bool = False  # how it was written; the writer decides afresh
    line: int = field(**_POS)
    column: int = field(**_POS)

    @property
    def python(self) -> str:
        return self.value


@dataclass(slots=True)
class Number:
    text: str  # as written, e.g. "3", "-1", "2.50"
    line: int = field(**_POS)
    column: int = field(**_POS)

    @property
    def python(self) -> int | Decimal:
        return Decimal(self.text) if "." in self.text else int(self.text)


@dataclass(slots=True)
class Boolean:
    value: bool
    line: int = field(**_POS)
    column: int = field(**_POS)

    @property
    def python(self) -> bool:
        return self.value


@dataclass(slots=True)
class Null:
    line: int = field(**_POS)
    column: int = field(**_POS)

    @property
    def python(self) -> None:
        return None


@dataclass(slots=True)
class List:
    items: list[String | Number]
    line: int = field(**_POS)
    column: int = field(**_POS)

    @property
    def python(self) -> list:
        return [item.python for item in self.items]


Literal = Union[String, Number, Boolean, Null, List]


@dataclass(slots=True)
class Entry:
    """One `key = value` line of a dictionary."""

    key: str
    value: Literal
    line: int = field(**_POS)
    column: int = field(**_POS)


@dataclass(slots=True)
class Dictionary:
    entries: list[Entry]  # in source order; keys are unique
    line: int = field(**_POS)
    column: int = field(**_POS)

    def get(self, key: str) -> Literal | None:
        for entry in self.entries:
            if entry.key == key:
                return entry.value
        return None

    @property
    def python(self) -> dict:
        return {entry.key: entry.value.python for entry in self.entries}


Value = Union[Literal, Dictionary]


@dataclass(slots=True)
class Attribute:
    name: str
    value: Value
    line: int = field(**_POS)
    column: int = field(**_POS)


class _Body:
    """Look-ups shared by documents and blocks."""

    __slots__ = ()
    body: list[Attribute | Block]

    def attribute(self, name: str) -> Attribute | None:
        """The first attribute called `name`, if any."""
        for item in self.body:
            if type(item) is Attribute and item.name == name:
                return item
        return None

    def get(self, name: str) -> Value | None:
        """The value node of attribute `name`, if any."""
        found = self.attribute(name)
        return found.value if found is not None else None

    def attributes(self) -> Iterator[Attribute]:
        return (item for item in self.body if type(item) is Attribute)

    def blocks(self, name: str | None = None) -> Iterator[Block]:
        """Child blocks in order, optionally only those called `name`."""
        return (item for item in self.body if type(item) is Block and (name is None or item.name == name))


@dataclass(slots=True)
class Block(_Body):
    name: str
    labels: list[str]
    body: list[Attribute | Block]
    line: int = field(**_POS)
    column: int = field(**_POS)


@dataclass(slots=True)
class Document(_Body):
    body: list[Attribute | Block]
    line: int = field(default=1, compare=False, repr=False)
    column: int = field(default=1, compare=False, repr=False)


Node = Union[Document, Block, Attribute, Dictionary, Entry, String, Number, Boolean, Null, List]
