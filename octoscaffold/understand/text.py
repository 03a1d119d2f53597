"""A prompt as the rules parser reads it: normalised text, tokens, and the parts already used.

Every rule marks the characters it understood. What no rule used and is not filler becomes a
warning, so no part of a prompt is ever dropped silently.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

from octoscaffold.understand.patterns import Rule
from octoscaffold.understand.words import ACRONYMS, FILLER

# Longest prompt read: a paragraph, not a document (bounds the time spent on hostile input).
MAX_PROMPT = 2000

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "`": "'"})
# A token: a quoted value, an arrow, a path, a word (inner . - ' + # allowed), or one other character.
_TOKEN = re.compile(
    r'"(?P<d>(?:[^"\\]|\\.)*)"'
    r"|(?<!\w)'(?P<s>(?:[^'\\]|\\.)*)'(?!\w)"
    r"|(?P<url>https?://[^\s,;\"']*[^\s,;\"'.:!?)])"
    r"|(?P<arrow>-->|->|=>|→|⇒|>>)"
    r"|(?<![\w/])(?P<path>/(?:[\w./{}-]*[\w/{}-]))"
    r"|(?P<word>\w+(?:['.+#-]+\w+)*[+#]*)"
    r"|(?P<punct>\S)"
)
# Clause ends: a list or a name never runs across one.
CLAUSE_END = frozenset(".;!?()[]{}|")


@dataclass(frozen=True)
class Token:
    text: str  # as written (a quoted value without its quotes)
    kind: str  # "quoted", "word", "path", "url", "arrow" or "punct"
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.kind == "word"

    @property
    def capitalised(self) -> bool:
        return self.kind == "word" and (self.text[0].isupper() or self.text[0].isdigit())

    @property
    def slug_like(self) -> bool:
        """`orders-api`, `nightly_sync`, `svc2`, `OrdersAPI`: a name typed as an identifier."""
        text = self.text
        if self.kind != "word" or not any(c.isalpha() for c in text):
            return False
        inner_upper = any(c.isupper() for c in text[1:]) and any(c.islower() for c in text)
        return "-" in text or "_" in text or any(c.isdigit() for c in text) or inner_upper


def normalise(text: str) -> str:
    """One line, straight quotes, plain dashes; newlines and bullets end clauses."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    text = re.sub(r"[ \t]*\n[ \t]*[-*•]?[ \t]*", " ; ", text.strip())
    text = re.sub(r"\s+[–—]+\s+|\s+--?\s+", " ; ", text)
    text = re.sub(r"\bbrand[\s-]+new\b", "new", text, flags=re.I)
    text = re.sub(r"(?<!\w)w/o(?!\w)", "without", re.sub(r"(?<!\w)w/(?=\s)", "with", text, flags=re.I), flags=re.I)
    return " ".join(text.split())


def tokenize(text: str) -> list[Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        if kind in ("d", "s"):
            value = re.sub(r"\\(.)", r"\1", match.group(kind)).strip()
            tokens.append(Token(value, "quoted", match.start(), match.end()))
        else:
            tokens.append(Token(match.group(), kind, match.start(), match.end()))
    return tokens


@dataclass
class Prompt:
    text: str
    tokens: list[Token] = field(default_factory=list)
    used: list[tuple[int, int]] = field(default_factory=list)
    kind_spans: list[tuple[int, int]] = field(default_factory=list)  # the words that chose the kind
    reread_spans: list[tuple[int, int]] = field(default_factory=list)  # words of a switch parameter
    _bounds: tuple[list[int], list[int]] = field(default_factory=lambda: ([], []), repr=False)

    @classmethod
    def of(cls, text: str) -> "Prompt":
        return cls(text, tokenize(text))

    # -- spans -------------------------------------------------------------------------------

    def free(self, start: int, end: int, *, besides_kind: bool = False) -> bool:
        """Nothing used there yet. With `besides_kind`, words that may be read twice are ignored:
        the kind's own ("without CloudFront" on a CloudFront site) and a switch's ("a staging
        slot named preprod")."""
        shared = self.kind_spans + self.reread_spans
        spans = [s for s in self.used if s not in shared] if besides_kind else self.used
        return all(end <= a or start >= b for a, b in spans)

    def use(self, start: int, end: int) -> None:
        if end > start:
            self.used.append((start, end))

    def free_token(self, index: int) -> bool:
        token = self.tokens[index]
        return self.free(token.start, token.end)

    def first(self, rules: list[Rule], text: str | None = None) -> re.Match | None:
        """The first match of the first rule that matches text no rule has used yet; marks it used."""
        for rule in rules:
            for match in rule.finditer(text or self.text):
                if match.end() > match.start() and self.free(*match.span()):
                    self.use(*match.span())
                    return match
        return None

    def index_at(self, position: int) -> int:
        """The index of the first token that starts at or after `position`."""
        return bisect.bisect_left(self._starts, position)

    def index_before(self, position: int) -> int:
        """The index of the last token that ends at or before `position` (-1 if none)."""
        return bisect.bisect_right(self._ends, position) - 1

    @property
    def _starts(self) -> list[int]:
        if len(self._bounds[0]) != len(self.tokens):
            self._bounds = ([t.start for t in self.tokens], [t.end for t in self.tokens])
        return self._bounds[0]

    @property
    def _ends(self) -> list[int]:
        self._starts  # noqa: B018 - fills the cache
        return self._bounds[1]

    def masked(self) -> str:
        """The text with used parts, quoted values, URLs and paths blanked out (positions kept)."""
        chars = list(self.text)
        for a, b in self.used:
            chars[a:b] = " " * (b - a)
        for token in self.tokens:
            if token.kind in ("quoted", "url", "path"):
                chars[token.start : token.end] = " " * (token.end - token.start)
        return "".join(chars)

    def leftovers(self) -> list[str]:
        """Runs of unused tokens that say something (not only filler), clause by clause."""
        fragments: list[list[Token]] = [[]]
        for index, token in enumerate(self.tokens):
            if not self.free_token(index) or token.kind == "punct" and token.text in CLAUSE_END | {",", ":"}:
                if fragments[-1]:
                    fragments.append([])
                continue
            fragments[-1].append(token)
        out = []
        for run in fragments:
            words = [t for t in run if t.kind != "punct"]
            if any(t.kind in ("quoted", "path") or t.low not in FILLER for t in words):
                while words and words[0].kind == "word" and words[0].low in FILLER:
                    words.pop(0)
                while words and words[-1].kind == "word" and words[-1].low in FILLER:
                    words.pop()
                if words:
                    out.append(self.text[words[0].start : words[-1].end])
        return out


# -- values -------------------------------------------------------------------------------------


def title(words: list[str]) -> str:
    """Lower-case words as a name: `orders api` → `Orders API`, `pre-prod` → `Pre-Prod`."""
    out = []
    for word in words:
        parts = re.split(r"([-_/])", word)
        out.append("".join(p.upper() if p in ACRONYMS else p[:1].upper() + p[1:] for p in parts))
    return " ".join(out)


def name_case(tokens: list[Token], prose: bool = False) -> str:
    """A name as the user typed it; a phrase typed all in lower case is title-cased, and so is a
    single word written as prose ("for the intranet"), but not an identifier ("for billing")."""
    texts = [t.text for t in tokens]
    if len(tokens) == 1 and tokens[0].kind == "quoted":
        return texts[0]
    lower = all(t.text == t.low for t in tokens)
    if lower and (len(tokens) > 1 or prose and not tokens[0].slug_like):
        return title(texts)
    if len(tokens) > 1 and all(t.text == t.low or t.text.isupper() for t in tokens):
        return " ".join(t.text if t.text.isupper() else title([t.text]) for t in tokens)  # "HR portal" → HR Portal
    return " ".join(texts)


def entity_case(text: str) -> str:
    """An environment, tenant, group or space typed in lower case gets capitals: `qa` → `QA`."""
    return title(text.split()) if text == text.lower() else text
