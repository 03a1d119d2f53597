"""Pattern pieces several rule families share: how a prompt says "not", and patterns compiled
only when a prompt needs them.

A command reads one prompt, in a fresh process, and compiling a regular expression costs more
than running it. So the rules' patterns are compiled on first use; a rule's pattern not at all
for a prompt without any of the words it needs (`LazyPattern`); a catalog phrase's pattern not at
all when the phrase cannot be in the text (`may_occur`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property, lru_cache
from typing import Any


class LazyPattern:
    """A regular expression compiled when it is first used. With `needs`, words (lower-case ASCII)
    one of which is in every match, a text holding none of them is not searched: the pattern
    matches nothing there, and is not compiled to find that out."""

    def __init__(self, pattern: str, flags: int = re.IGNORECASE, needs: str = "") -> None:
        self.source = pattern
        self.flags = flags
        self.needs = needs.split()

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.source, self.flags)

    def _absent(self, text: str) -> bool:
        return bool(self.needs) and not any(word in folded(text) for word in self.needs)

    def search(self, text: str, *span: int) -> re.Match[str] | None:
        return None if self._absent(text) else self.compiled.search(text, *span)

    def match(self, text: str, *span: int) -> re.Match[str] | None:
        return None if self._absent(text) else self.compiled.match(text, *span)

    def fullmatch(self, text: str, *span: int) -> re.Match[str] | None:
        return None if self._absent(text) else self.compiled.fullmatch(text, *span)

    def finditer(self, text: str, *span: int) -> Iterator[re.Match[str]]:
        return iter(()) if self._absent(text) else self.compiled.finditer(text, *span)

    def __getattr__(self, name: str) -> Any:  # the rest of re.Pattern, unguarded
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.compiled, name)


Rule = re.Pattern[str] | LazyPattern


def rx(pattern: str, needs: str = "") -> LazyPattern:
    """A case-insensitive pattern, compiled on first use; `needs` as for LazyPattern."""
    return LazyPattern(pattern, re.IGNORECASE, needs)


# Letters the regular-expression engine, ignoring case, takes for ASCII ones though `str.lower`
# does not make them so (the Kelvin sign lowers to "k" by itself).
_LOOKALIKES = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})


@lru_cache(maxsize=1024)
def folded(text: str) -> str:
    """`text` in lower case, with each character where it was: wherever a case-insensitive
    pattern matches an ASCII letter, this has that letter in lower case."""
    return text.translate(_LOOKALIKES).lower()


@lru_cache(maxsize=1024)
def squeezed(text: str) -> str:
    """`text` folded, without separators (white space, / _ -)."""
    return re.sub(r"[\s/_-]+", "", folded(text))


def required(phrase: str) -> str:
    """What a text, squeezed, holds wherever a case-insensitive pattern of `phrase`'s words (with
    or without separators between them) matches in it: the phrase squeezed, for an ASCII phrase;
    nothing for another (the engine's case rules beyond ASCII are its own)."""
    return squeezed(phrase) if phrase.isascii() else ""


def may_occur(phrase: str, text: str) -> bool:
    """False when such a pattern of `phrase` cannot match in `text`."""
    return required(phrase) in squeezed(text)


NEGATE = (
    r"(?:no|without|w/o|skip|skipping|drop|dropping|remove|removing|removal\s+of|disable|disabling|disabled|deactivate|deactivating"
    r"|deactivation\s+of|exclude|omit|nix|ditch|lose"
    r"|don'?t\s+(?:need|want|add|include|require|use)|do\s+not\s+(?:need|want|add|include|require|use)|no\s+need\s+for"
    r"|turn\s+off|switch\s+off|get\s+rid\s+of|leave\s+out|not|never|zero|none\s+of)"
)
OFF_AFTER = (
    r"\s*(?::|=|-)?\s*(?:is\s+|are\s+)?(?:off|disabled|no|none|false|not\s+needed|not\s+required|unnecessary|"
    r"isn'?t\s+needed|aren'?t\s+needed|can\s+be\s+skipped|skipped|removed|dropped)\b"
)
